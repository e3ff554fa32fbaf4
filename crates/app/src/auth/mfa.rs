//! The officers' second factor: the two-step sign-in for roles that need it (Kepala Dinas,
//! Admin), TOTP enrolment with recovery codes, and resetting a lost authenticator.

use crate::auth::queries;
use crate::auth::queries::NewOfficerSession;
use crate::auth::sessions::OFFICER_SESSION_HOURS;
use crate::auth::sessions::SessionKind;
use crate::auth::sessions::SessionSubject;
use crate::auth::sessions::SubjectKind;
use crate::auth::sessions::check_credentials;
use crate::auth::sessions::create_session;
use crate::auth::sessions::resolve_any_session;
use crate::auth::sessions::sessions_changed;
use crate::auth::throttle::clear_account_failures;
use crate::auth::throttle::officer_keys;
use crate::auth::throttle::record_failure;
use crate::auth::throttle::throttle_check;
use crate::platform::db::Tx;
use crate::platform::db::now_text;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_token;
use crate::platform::ids::sha256_hex;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use izinkes_domain::roles::Role;

// ---------------------------------------------------------------------------------------------
// Officer two-step sign-in (TOTP, RFC 6238) with one-time recovery codes.
//
// Kepala Dinas and Admin must use it; any other officer may turn it on. After a right password
// an officer who owes a second factor gets a web session with `mfa_pending = 1`, which
// `resolve_session` does not accept: only the 2FA and enrolment pages see it (through
// `resolve_any_session`). A right code replaces that session with a full one (new token).
// Wrong codes count toward the same login throttle as wrong passwords.

/// Roles that may not sign in without a second factor.
pub const MFA_REQUIRED_ROLES: [Role; 2] = Role::MFA_REQUIRED;

pub(crate) const MFA_REQUIRED: &str = "Akun petugas ini memakai verifikasi dua langkah: masukkan kode 6 digit dari aplikasi \
     autentikator atau salah satu kode pemulihan.";

const MFA_NOT_ENROLLED: &str = "Akun petugas ini wajib memakai verifikasi dua langkah, tetapi aplikasi autentikator \
     belum diaktifkan. Masuk lewat halaman Masuk Petugas di web untuk mengaktifkannya terlebih dahulu.";

pub const MFA_INVALID: &str = "Kode salah, sudah kedaluwarsa, atau sudah pernah dipakai. Masukkan kode 6 digit yang \
     sedang tampil di aplikasi autentikator (kode berganti tiap 30 detik), atau salah satu kode pemulihan yang belum dipakai.";

const MFA_EMPTY: &str = "Masukkan kode 6 digit dari aplikasi autentikator, atau salah satu kode pemulihan.";

/// Whether an officer with these roles must use a second factor.
pub fn mfa_required(roles: &[Role]) -> bool {
    izinkes_domain::roles::holds_any(roles, &MFA_REQUIRED_ROLES)
}

/// The outcome of an officer's sign-in.
#[derive(Debug)]
pub enum OfficerLogin {
    /// Fully signed in: the session token.
    Signed(String),
    /// Web: password right, second factor owed. `token` is a pending session that only the 2FA
    /// pages accept; `enrol` when the officer must first set up an authenticator.
    Pending { token: String, enrol: bool },
    /// API: a code is needed (none was sent, or the officer has not enrolled yet: `enrol`).
    MfaRequired { enrol: bool },
    /// The code sent was wrong, expired or already used (counted as a failed login).
    CodeRejected(String),
}

impl OfficerLogin {
    /// The Indonesian explanation for `MfaRequired`.
    pub fn required_message(enrol: bool) -> &'static str {
        if enrol { MFA_NOT_ENROLLED } else { MFA_REQUIRED }
    }
}

/// The second-factor state of one officer.
#[derive(Clone, Debug)]
pub struct OfficerMfa {
    pub officer_id: String,
    pub email: String,
    pub name: String,
    /// Base32 secret: the confirmed one when `enabled`, otherwise one being enrolled (if any).
    secret: Option<String>,
    pub enabled: bool,
    pub enabled_at: Option<String>,
    pub required: bool,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
}

pub async fn officer_mfa(state: &AppState, officer_id: &str) -> ServiceResult<OfficerMfa> {
    let row = queries::officer_mfa(&state.db.pool, officer_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let roles: Vec<Role> = queries::officer_role_codes(&state.db.pool, officer_id)
        .await?
        .iter()
        .filter_map(|code| Role::parse(code))
        .collect();
    let recovery_left = queries::recovery_codes_left(&state.db.pool, officer_id).await?;
    let enabled_at = row.totp_enabled_at;
    Ok(OfficerMfa {
        officer_id: row.id,
        email: row.email.to_lowercase(),
        name: row.full_name,
        secret: row.totp_secret,
        enabled: enabled_at.is_some(),
        enabled_at,
        required: mfa_required(&roles),
        recovery_left,
    })
}

/// Checks a TOTP code (each time step accepted once) or spends a recovery code.
async fn check_second_factor(state: &AppState, officer_id: &str, secret: &str, code: &str) -> ServiceResult<bool> {
    if let Some(step) = crate::auth::totp::verify_now(secret, code) {
        // Atomic: of two requests with the same code, one wins.
        let done = queries::take_totp_step(&state.db.pool, step, officer_id).await?;
        return Ok(done.rows_affected() == 1);
    }
    if let Some(normalized) = crate::auth::totp::normalize_recovery(code) {
        let code_hash = crate::auth::totp::recovery_hash(&normalized);
        let done = queries::spend_recovery_code(&state.db.pool, &now_text(), officer_id, &code_hash).await?;
        return Ok(done.rows_affected() == 1);
    }
    Ok(false)
}

/// Verifies a code for an officer whose TOTP is on, with throttling: a wrong code is recorded
/// as a failed login and refused with a message on the `code` field.
async fn verify_code_throttled(state: &AppState, mfa: &OfficerMfa, code: &str, client: &str) -> ServiceResult<()> {
    let keys = officer_keys(&mfa.email, client);
    throttle_check(state, &keys).await?;
    let code = code.trim();
    if code.is_empty() {
        return Err(ServiceError::field("code", MFA_EMPTY));
    }
    let secret = mfa.secret.as_deref().filter(|_| mfa.enabled).unwrap_or_default();
    if !check_second_factor(state, &mfa.officer_id, secret, code).await? {
        record_failure(state, &keys).await?;
        return Err(ServiceError::field("code", MFA_INVALID));
    }
    Ok(())
}

async fn create_pending_session(state: &AppState, officer_id: &str, office_id: Option<&str>) -> ServiceResult<String> {
    let token = new_token();
    let now = Utc::now();
    let session = NewOfficerSession {
        id_hash: &sha256_hex(token.as_bytes()),
        officer_id,
        office_id,
        now: &ts(now),
        expires_at: &ts(now + Duration::hours(OFFICER_SESSION_HOURS)),
    };
    queries::insert_pending_session(&state.db.pool, &session).await?;
    Ok(token)
}

/// Officer sign-in with the second-factor policy. `code` (TOTP or recovery code) may come with
/// the password (the API does that); without it a web sign-in that owes one gets a pending
/// session, and an API sign-in gets `MfaRequired`.
pub async fn login_officer(
    state: &AppState,
    email: &str,
    password: &str,
    code: Option<&str>,
    client: &str,
    kind: SessionKind,
) -> ServiceResult<OfficerLogin> {
    let c = check_credentials(state, SubjectKind::Officer, email, password, client).await?;
    let mfa = officer_mfa(state, &c.id).await?;
    if !mfa.enabled && !mfa.required {
        clear_account_failures(state, &c.keys).await?;
        return Ok(OfficerLogin::Signed(
            create_session(state, SubjectKind::Officer, &c.id, c.office_id.as_deref(), kind).await?,
        ));
    }
    // The password alone clears no failures here: otherwise each right password would reset
    // the count of wrong codes.
    let code = code.map(str::trim).filter(|s| !s.is_empty());
    match (code, kind) {
        (Some(code), _) if mfa.enabled => {
            let secret = mfa.secret.as_deref().unwrap_or_default();
            if check_second_factor(state, &c.id, secret, code).await? {
                clear_account_failures(state, &c.keys).await?;
                Ok(OfficerLogin::Signed(
                    create_session(state, SubjectKind::Officer, &c.id, c.office_id.as_deref(), kind).await?,
                ))
            } else {
                record_failure(state, &c.keys).await?;
                Ok(OfficerLogin::CodeRejected(MFA_INVALID.into()))
            }
        }
        (_, SessionKind::Web) => Ok(OfficerLogin::Pending {
            token: create_pending_session(state, &c.id, c.office_id.as_deref()).await?,
            enrol: !mfa.enabled,
        }),
        (_, SessionKind::Api) => Ok(OfficerLogin::MfaRequired { enrol: !mfa.enabled }),
    }
}

/// Replaces a pending session by a full one (a new token: the pending one is deleted).
async fn promote_session(state: &AppState, pending_token: &str, s: &SessionSubject) -> ServiceResult<String> {
    let token = new_token();
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    let gone = queries::delete_pending_session(&mut *tx, &sha256_hex(pending_token.as_bytes())).await?;
    if gone.rows_affected() != 1 {
        return Err(ServiceError::Unauthenticated);
    }
    let session = NewOfficerSession {
        id_hash: &sha256_hex(token.as_bytes()),
        officer_id: &s.id,
        office_id: s.office_id.as_deref(),
        now: &ts(now),
        expires_at: &ts(now + Duration::hours(OFFICER_SESSION_HOURS)),
    };
    queries::insert_full_officer_session(&mut *tx, &session).await?;
    tx.commit().await?;
    sessions_changed(state);
    Ok(token)
}

/// The pending officer session of a token, or `Unauthenticated`.
pub async fn pending_officer(state: &AppState, token: &str) -> ServiceResult<SessionSubject> {
    resolve_any_session(state, token)
        .await?
        .filter(|s| s.kind == SubjectKind::Officer && s.mfa_pending)
        .ok_or(ServiceError::Unauthenticated)
}

/// The 2FA step of a web sign-in: checks the code for the pending session `token` and returns
/// the token of the full session that replaces it. A wrong code is a field error on `code`.
pub async fn verify_pending_session(state: &AppState, token: &str, code: &str, client: &str) -> ServiceResult<String> {
    let s = pending_officer(state, token).await?;
    let mfa = officer_mfa(state, &s.id).await?;
    if !mfa.enabled {
        return Err(ServiceError::Refused(MFA_NOT_ENROLLED.into()));
    }
    verify_code_throttled(state, &mfa, code, client).await?;
    queries::clear_failures(&state.db.pool, &officer_keys(&mfa.email, client)[0].0).await?;
    promote_session(state, token, &s).await
}

/// What the enrolment page shows: the secret for manual entry and the QR code.
#[derive(Clone, Debug)]
pub struct TotpEnrolment {
    pub secret: String,
    pub secret_grouped: String,
    pub otpauth_uri: String,
    pub qr_data_uri: String,
}

/// Starts (or resumes) enrolment: a secret kept unconfirmed until a code proves the
/// authenticator has it. Refused when TOTP is already on.
pub async fn begin_totp_enrolment(state: &AppState, officer_id: &str) -> ServiceResult<TotpEnrolment> {
    let mfa = officer_mfa(state, officer_id).await?;
    if mfa.enabled {
        return Err(ServiceError::Refused(
            "Verifikasi dua langkah sudah aktif untuk akun ini.".into(),
        ));
    }
    let secret = match mfa.secret.filter(|s| crate::auth::totp::base32_decode(s).is_some()) {
        Some(s) => s,
        None => {
            let s = crate::auth::totp::new_secret();
            queries::set_enrolling_secret(&state.db.pool, &s, officer_id).await?;
            s
        }
    };
    let uri = crate::auth::totp::otpauth_uri(&secret, &mfa.email);
    let qr = crate::auth::totp::qr_data_uri(&uri).ok_or_else(|| ServiceError::Internal("qr code".into()))?;
    Ok(TotpEnrolment {
        secret_grouped: crate::auth::totp::grouped(&secret),
        secret,
        otpauth_uri: uri,
        qr_data_uri: qr,
    })
}

async fn replace_recovery_codes(tx: &mut Tx, officer_id: &str) -> ServiceResult<Vec<String>> {
    queries::delete_recovery_codes(&mut **tx, officer_id).await?;
    let codes = crate::auth::totp::new_recovery_codes();
    for code in &codes {
        let normalized = crate::auth::totp::normalize_recovery(code).unwrap_or_default();
        queries::insert_recovery_code(&mut **tx, officer_id, &crate::auth::totp::recovery_hash(&normalized)).await?;
    }
    Ok(codes)
}

/// Confirms enrolment with a code from the authenticator; returns the new recovery codes (shown
/// once, stored only as hashes). A wrong code is a field error on `code`, counted as a failure.
pub async fn confirm_totp_enrolment(
    state: &AppState,
    officer_id: &str,
    code: &str,
    client: &str,
) -> ServiceResult<Vec<String>> {
    let mfa = officer_mfa(state, officer_id).await?;
    if mfa.enabled {
        return Err(ServiceError::Refused(
            "Verifikasi dua langkah sudah aktif untuk akun ini.".into(),
        ));
    }
    let Some(secret) = mfa.secret.clone() else {
        return Err(ServiceError::Refused(
            "Muat ulang halaman Keamanan Akun untuk memulai pengaktifan.".into(),
        ));
    };
    let keys = officer_keys(&mfa.email, client);
    throttle_check(state, &keys).await?;
    if code.trim().is_empty() {
        return Err(ServiceError::field(
            "code",
            "Masukkan kode 6 digit yang tampil di aplikasi autentikator.",
        ));
    }
    let Some(step) = crate::auth::totp::verify_now(&secret, code) else {
        record_failure(state, &keys).await?;
        return Err(ServiceError::field(
            "code",
            "Kode tidak cocok. Pastikan Anda memindai kode QR di halaman ini (atau mengetik kuncinya dengan benar), \
             jam ponsel tepat, lalu masukkan kode 6 digit yang sedang tampil.",
        ));
    };
    let mut tx = state.db.begin().await?;
    let done = queries::enable_totp(&mut *tx, &now_text(), step, officer_id, &secret).await?;
    if done.rows_affected() != 1 {
        return Err(ServiceError::Conflict(
            "Pengaturan verifikasi dua langkah baru saja berubah. Muat ulang halaman.".into(),
        ));
    }
    let codes = replace_recovery_codes(&mut tx, officer_id).await?;
    queries::clear_failures(&mut *tx, &keys[0].0).await?;
    tx.commit().await?;
    Ok(codes)
}

/// After enrolment inside a pending sign-in: the full session replacing the pending `token`.
pub async fn finish_pending_after_enrolment(state: &AppState, token: &str) -> ServiceResult<String> {
    let s = pending_officer(state, token).await?;
    if !officer_mfa(state, &s.id).await?.enabled {
        return Err(ServiceError::Refused(MFA_NOT_ENROLLED.into()));
    }
    promote_session(state, token, &s).await
}

/// New recovery codes (the old ones stop working), after a current code.
pub async fn regenerate_recovery_codes(
    state: &AppState,
    officer_id: &str,
    code: &str,
    client: &str,
) -> ServiceResult<Vec<String>> {
    let mfa = officer_mfa(state, officer_id).await?;
    if !mfa.enabled {
        return Err(ServiceError::Refused("Verifikasi dua langkah belum aktif.".into()));
    }
    verify_code_throttled(state, &mfa, code, client).await?;
    let mut tx = state.db.begin().await?;
    let codes = replace_recovery_codes(&mut tx, officer_id).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Turns TOTP off (officers for whom it is not required), after a current code.
pub async fn disable_totp(state: &AppState, officer_id: &str, code: &str, client: &str) -> ServiceResult<()> {
    let mfa = officer_mfa(state, officer_id).await?;
    if mfa.required {
        return Err(ServiceError::Refused(
            "Verifikasi dua langkah wajib untuk Kepala Dinas dan Admin Kantor dan tidak dapat dimatikan.".into(),
        ));
    }
    if !mfa.enabled {
        return Err(ServiceError::Refused("Verifikasi dua langkah belum aktif.".into()));
    }
    verify_code_throttled(state, &mfa, code, client).await?;
    let mut tx = state.db.begin().await?;
    queries::clear_totp(&mut *tx, officer_id).await?;
    queries::delete_recovery_codes(&mut *tx, officer_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Clears an officer's two-step sign-in (lost phone and recovery codes) and ends their
/// sessions; an officer for whom it is required enrols again at the next sign-in. For the
/// admin CLI. Returns false for an unknown email.
pub async fn reset_officer_totp(state: &AppState, email: &str) -> ServiceResult<bool> {
    let id = queries::officer_id_by_email(&state.db.pool, &email.trim().to_lowercase()).await?;
    let Some(id) = id else { return Ok(false) };
    let mut tx = state.db.begin().await?;
    clear_officer_mfa(&mut tx, &id).await?;
    tx.commit().await?;
    sessions_changed(state);
    Ok(true)
}

/// In the caller's transaction: clears an officer's authenticator and recovery codes and ends
/// their sessions (call [`sessions_changed`] after the commit).
pub async fn clear_officer_mfa(tx: &mut crate::platform::db::Tx, officer_id: &str) -> ServiceResult<()> {
    queries::clear_totp(&mut **tx, officer_id).await?;
    queries::delete_recovery_codes(&mut **tx, officer_id).await?;
    queries::delete_officer_sessions(&mut **tx, officer_id).await?;
    Ok(())
}

/// In the caller's transaction: ends an officer's sessions (call [`forget_sessions`] after
/// the commit).
pub async fn end_officer_sessions(tx: &mut crate::platform::db::Tx, officer_id: &str) -> ServiceResult<()> {
    queries::delete_officer_sessions(&mut **tx, officer_id).await?;
    Ok(())
}

/// After a commit that ended sessions: drops the cached ones.
pub fn forget_sessions(state: &AppState) {
    sessions_changed(state);
}
