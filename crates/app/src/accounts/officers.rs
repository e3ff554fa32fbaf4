//! Creating officer accounts (the CLI and the demo).

use crate::accounts::queries;
use crate::accounts::queries::NewOfficer;
use crate::auth::passwords::hash_password;
use crate::platform::db::is_unique_violation;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::platform::text::clean_text;
use crate::state::AppState;
use izinkes_domain::email::Email;
use izinkes_domain::password::Password;

/// A new officer account's row.
pub type OfficerAccount<'a> = NewOfficer<'a>;

/// Inserts an officer's row in the caller's transaction; a taken e-mail is `Conflict`.
pub async fn insert_in(tx: &mut crate::platform::db::Tx, officer: &NewOfficer<'_>) -> ServiceResult<()> {
    match queries::insert_officer(&mut **tx, officer).await {
        Ok(()) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(ServiceError::Conflict("officer e-mail taken".into())),
        Err(e) => Err(e.into()),
    }
}

/// Creates an officer of an office with roles (CLI `izinkes officer add` and the demo).
pub async fn add_officer(
    state: &AppState,
    office_id: &str,
    email: &str,
    full_name: &str,
    position: &str,
    password: &str,
    roles: &[izinkes_domain::roles::Role],
) -> ServiceResult<String> {
    let email = Email::parse(email).map_err(|e| ServiceError::field("email", e.to_string()))?;
    let password =
        Password::parse(password, &[email.as_str()]).map_err(|e| ServiceError::field("password", e.to_string()))?;
    if roles.is_empty() {
        return Err(ServiceError::field("roles", "Pilih paling sedikit satu peran."));
    }
    let exists = queries::office_id(&state.db.pool, office_id).await?;
    if exists.is_none() {
        return Err(ServiceError::field(
            "office",
            format!("Kantor '{office_id}' tidak ada."),
        ));
    }
    let hash = hash_password(password.expose().to_string()).await?;
    let id = new_id();
    let mut tx = state.db.begin().await?;
    let officer = NewOfficer {
        id: &id,
        office_id,
        email: email.as_str(),
        full_name: &clean_text(full_name, 120),
        position: &clean_text(position, 120),
        password_hash: &hash,
        now: &now_text(),
    };
    if let Err(e) = insert_in(&mut tx, &officer).await {
        return Err(match e {
            ServiceError::Conflict(_) => ServiceError::field("email", "Email petugas ini sudah terdaftar."),
            e => e,
        });
    }
    for role in roles {
        queries::insert_officer_role(&mut *tx, office_id, &id, role.code()).await?;
    }
    tx.commit().await?;
    Ok(id)
}
