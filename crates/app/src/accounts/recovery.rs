//! Password recovery by e-mailed link.

use crate::accounts::registration::take_token;
use crate::auth::passwords::hash_password;
use crate::auth::sessions::sessions_changed;
use crate::platform::db::now_text;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_token;
use crate::platform::ids::sha256_hex;
use crate::platform::outbox::enqueue_email;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use izinkes_domain::email::Email;
use izinkes_domain::password::Password;
use sqlx::Row;

/// Starts a password reset. Always succeeds from the caller's view, so the page does not reveal
/// which emails have accounts.
pub async fn request_password_reset(state: &AppState, email: &str) -> ServiceResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Err(ServiceError::field("email", "Masukkan alamat email yang valid."));
    };
    let row = sqlx::query("SELECT id, full_name FROM applicants WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&state.db.pool)
        .await?;
    let Some(row) = row else { return Ok(()) };
    let id: String = row.try_get("id")?;
    let name: String = row.try_get("full_name")?;
    let token = new_token();
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, applicant_id, purpose, created_at, expires_at) VALUES ($1, $2, 'reset', $3, $4)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(&id)
    .bind(ts(now))
    .bind(ts(now + Duration::hours(1)))
    .execute(&mut *tx)
    .await?;
    let link = format!(
        "{}/atur-ulang-sandi?token={token}",
        state.config.base_url.trim_end_matches('/')
    );
    let body = format!(
        "Yth. {name},\n\nKami menerima permintaan untuk mengatur ulang kata sandi akun izinkes Anda. \
         Buka tautan berikut dalam 1 jam (hanya dapat dipakai sekali):\n\n{link}\n\n\
         Jika Anda tidak memintanya, abaikan email ini; kata sandi Anda tidak berubah.\n"
    );
    enqueue_email(&mut tx, None, email.as_str(), "Atur ulang kata sandi izinkes", &body).await?;
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
    sqlx::query("UPDATE applicants SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(now_text())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    // A reset ends every session: whoever knew the old password is logged out.
    sqlx::query("DELETE FROM sessions WHERE subject_kind = 'applicant' AND subject_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    // Following a reset link proves the mailbox too.
    sqlx::query("UPDATE applicants SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2")
        .bind(now_text())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    sessions_changed(state);
    Ok(())
}
