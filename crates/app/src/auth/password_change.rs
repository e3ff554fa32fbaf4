//! Changing one's own password (applicants and officers alike): the current password first,
//! the new one by the NIST 800-63B rules of `izinkes_domain::password`, every other session
//! ended, and a mail to the account's address. The officer's authenticator stays as it is.

use crate::auth::passwords::hash_password;
use crate::auth::passwords::verify_password;
use crate::auth::queries;
use crate::auth::sessions::SubjectKind;
use crate::auth::sessions::sessions_changed;
use crate::platform::db::now_text;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::sha256_hex;
use crate::platform::mail;
use crate::platform::mail::PasswordChanged;
use crate::state::AppState;
use chrono::Utc;
use izinkes_domain::calendar::OfficeTimeZone;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::password::Password;

/// Wrong current passwords allowed per account in the throttle window before the form is
/// refused for a while (a stolen session must not become a password oracle).
const MAX_WRONG_CURRENT: i64 = 5;

/// What the form sends.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub password: &'a str,
    pub confirm: &'a str,
}

/// Changes the password of the signed-in `who`/`id`, keeping the session `session_token` and
/// ending all others; the mail gives the time in `tz` (the officer's office; WIB for an
/// applicant). Errors are keyed `current`, `password` and `password_confirm`.
pub async fn change_password(
    state: &AppState,
    who: SubjectKind,
    id: &str,
    session_token: &str,
    tz: OfficeTimeZone,
    input: &PasswordChange<'_>,
) -> ServiceResult<()> {
    let owner = match who {
        SubjectKind::Applicant => queries::applicant_password(&state.db.pool, id).await?,
        SubjectKind::Officer => queries::officer_password(&state.db.pool, id).await?,
    }
    .ok_or(ServiceError::NotFound)?;
    let key = format!("password-change:{}:{id}", who.code());
    let since = ts(Utc::now() - chrono::Duration::minutes(crate::auth::throttle::THROTTLE_WINDOW_MINUTES));
    if queries::recent_failures(&state.db.pool, &key, &since).await?.n >= MAX_WRONG_CURRENT {
        return Err(ServiceError::Throttled(
            "Terlalu banyak percobaan kata sandi saat ini yang salah. Coba lagi dalam 15 menit.".into(),
        ));
    }
    if !verify_password(input.current.to_owned(), owner.password_hash.clone()).await {
        queries::insert_failure(&state.db.pool, &key, &now_text()).await?;
        return Err(ServiceError::field("current", "Kata sandi saat ini salah."));
    }
    let password = check_new(input, &owner)?;
    let hash = hash_password(password.expose().to_owned()).await?;
    let now = now_text();
    let mut tx = state.db.begin().await?;
    match who {
        SubjectKind::Applicant => queries::set_applicant_password(&mut *tx, id, &hash, &now).await?,
        SubjectKind::Officer => queries::set_officer_password(&mut *tx, id, &hash).await?,
    }
    queries::delete_other_sessions(&mut *tx, who.code(), id, &sha256_hex(session_token.as_bytes())).await?;
    let base = state.config.base_url.trim_end_matches('/');
    let advice = match who {
        SubjectKind::Applicant => {
            format!("segera atur ulang kata sandi di {base}/lupa-sandi dan hubungi kantor layanan.")
        }
        SubjectKind::Officer => {
            "segera hubungi admin kantor Anda: admin dapat menonaktifkan akun dan mengundang Anda lagi.".to_owned()
        }
    };
    let at = izinkes_domain::format_id::moment_id(Utc::now(), tz.offset(), tz.label());
    let changed = PasswordChanged {
        name: &owner.full_name,
        email: &owner.email,
        at: &at,
        advice: &advice,
    };
    mail::enqueue(&mut tx, None, &owner.email, &changed).await?;
    tx.commit().await?;
    sessions_changed(state);
    state.wake_outbox();
    Ok(())
}

/// The new password: the domain's rules (not the address or the name), different from the
/// current one, typed twice alike.
fn check_new(input: &PasswordChange<'_>, owner: &queries::PasswordOwner) -> ServiceResult<Password> {
    let mut errors = FieldErrors::new();
    let local = owner.email.split('@').next().unwrap_or_default();
    let parsed = Password::parse(input.password, &[&owner.email, local, &owner.full_name]);
    match &parsed {
        Err(e) => {
            errors.insert("password".into(), e.to_string());
        }
        Ok(_) if input.password == input.current => {
            errors.insert(
                "password".into(),
                "Kata sandi baru harus berbeda dari kata sandi saat ini.".into(),
            );
        }
        Ok(_) if input.password != input.confirm => {
            errors.insert("password_confirm".into(), "Konfirmasi kata sandi tidak sama.".into());
        }
        Ok(_) => {}
    }
    match parsed {
        Ok(p) if errors.is_empty() => Ok(p),
        _ => Err(ServiceError::Invalid(errors)),
    }
}
