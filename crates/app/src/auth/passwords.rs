//! Password hashing with Argon2, off the async executor; a dummy hash keeps the time of a
//! sign-in the same whether or not the account exists.

use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_token;
use argon2::Argon2;
use argon2::password_hash::PasswordHash;
use argon2::password_hash::PasswordHasher;
use argon2::password_hash::PasswordVerifier;
use argon2::password_hash::SaltString;

fn hash_password_blocking(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::encode_b64(new_token().as_bytes().get(..16).unwrap_or(b"izinkes-salt-000"))
        .map_err(|e| ServiceError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("argon2: {e}")))
}

/// Hashes off the async executor: Argon2 takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|e| ServiceError::Internal(format!("join: {e}")))?
}

pub(crate) async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password, used to spend the same time on unknown accounts as on known
/// ones (so timing does not reveal which emails are registered).
pub(crate) static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password_blocking("izinkes-dummy-password").unwrap_or_default());
