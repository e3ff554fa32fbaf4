//! Password recovery by e-mailed link.

use crate::accounts::queries;
use crate::accounts::queries::IdName;
use crate::accounts::registration::take_token;
use crate::auth::passwords::hash_password;
use crate::auth::sessions::sessions_changed;
use crate::platform::db::now_text;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_token;
use crate::platform::ids::sha256_hex;
use crate::platform::mail;
use crate::platform::mail::PasswordReset;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use izinkes_domain::email::Email;
use izinkes_domain::password::Password;

/// Starts a password reset. Always succeeds from the caller's view, so the page does not reveal
/// which emails have accounts.
pub async fn request_password_reset(state: &AppState, email: &str) -> ServiceResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Err(ServiceError::field("email", "Masukkan alamat email yang valid."));
    };
    let row = queries::applicant_by_email(&state.db.pool, email.as_str()).await?;
    let Some(IdName { id, full_name: name }) = row else {
        return Ok(());
    };
    let token = new_token();
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    queries::insert_reset_token(
        &mut *tx,
        &sha256_hex(token.as_bytes()),
        &id,
        &ts(now),
        &ts(now + Duration::hours(1)),
    )
    .await?;
    let link = format!(
        "{}/atur-ulang-sandi?token={token}",
        state.config.base_url.trim_end_matches('/')
    );
    mail::enqueue(
        &mut tx,
        None,
        email.as_str(),
        &PasswordReset {
            name: &name,
            link: &link,
        },
    )
    .await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(())
}

pub async fn reset_password(state: &AppState, token: &str, password: &str, confirm: &str) -> ServiceResult<()> {
    let password = Password::parse(password, &[]).map_err(|e| ServiceError::field("password", e.to_string()))?;
    if password.expose() != confirm {
        return Err(ServiceError::field(
            "password_confirm",
            "Konfirmasi kata sandi tidak sama.",
        ));
    }
    let hash = hash_password(password.expose().to_string()).await?;
    let mut tx = state.db.begin().await?;
    let id = take_token(&mut tx, token, "reset").await?;
    queries::set_password(&mut *tx, &hash, &now_text(), &id).await?;
    // A reset ends every session: whoever knew the old password is logged out.
    queries::delete_applicant_sessions(&mut *tx, &id).await?;
    // Following a reset link proves the mailbox too.
    queries::verify_email_once(&mut *tx, &now_text(), &id).await?;
    tx.commit().await?;
    sessions_changed(state);
    Ok(())
}
