//! The service layer's one error type. The web layer turns it into an Indonesian page or a JSON
//! body in one place (`web::error`); internals are logged with a reference id, never shown.

use izinkes_domain::catalog::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input that failed the rules: field key → Indonesian message, shown next to each field.
    #[error("input tidak valid")]
    Invalid(FieldErrors),
    /// A rule refused the action; the message is Indonesian and safe to show.
    #[error("{0}")]
    Refused(String),
    #[error("tidak ditemukan")]
    NotFound,
    #[error("tidak diizinkan")]
    Forbidden,
    #[error("perlu masuk")]
    Unauthenticated,
    /// Too many attempts; the message says how long to wait.
    #[error("{0}")]
    Throttled(String),
    /// Someone else changed the record first.
    #[error("{0}")]
    Conflict(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn field(key: &str, message: impl Into<String>) -> ServiceError {
        let mut errors = FieldErrors::new();
        errors.insert(key.to_string(), message.into());
        ServiceError::Invalid(errors)
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Internal(format!("database: {e}"))
    }
}

impl From<crate::platform::files::StoreError> for ServiceError {
    fn from(e: crate::platform::files::StoreError) -> Self {
        ServiceError::Internal(format!("object store: {e}"))
    }
}

impl From<serde_json::Error> for ServiceError {
    fn from(e: serde_json::Error) -> Self {
        ServiceError::Internal(format!("json: {e}"))
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
