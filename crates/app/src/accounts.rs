//! Accounts of applicants (Pemohon) and officers (Petugas): registration, email verification,
//! login with throttling, server-side sessions, password reset, profile.

use crate::db::{Tx, is_unique_violation, now_text, parse_ts, ts};
use crate::error::{ServiceError, ServiceResult};
use crate::ids::{new_id, new_token, sha256_hex};
use crate::outbox::enqueue_email;
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, NaiveDate, Utc};
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::email::Email;
use izinkes_domain::nik::{Nik, Sex};
use izinkes_domain::password::Password;
use izinkes_domain::phone::PhoneE164;
use izinkes_domain::wilayah::{VillageCode, Wilayah};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// Failed logins per account within the window before the account is paused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed logins per client address within the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

pub const APPLICANT_SESSION_HOURS: i64 = 12;
pub const OFFICER_IDLE_MINUTES: i64 = 15;
pub const OFFICER_SESSION_HOURS: i64 = 8;
pub const API_TOKEN_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityType {
    #[serde(rename = "KTP")]
    Ktp,
    #[serde(rename = "PASPOR")]
    Paspor,
}

impl IdentityType {
    pub fn parse(s: &str) -> Option<IdentityType> {
        match s.trim().to_ascii_uppercase().as_str() {
            "KTP" => Some(IdentityType::Ktp),
            "PASPOR" | "PASPORT" | "PASSPORT" => Some(IdentityType::Paspor),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            IdentityType::Ktp => "KTP",
            IdentityType::Paspor => "PASPOR",
        }
    }
}

/// What the registration form sends, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RegisterInput {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub identity_type: String,
    #[serde(default)]
    pub identity_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub village_code: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
    /// The applicant agreed to the privacy notice (UU 27/2022).
    #[serde(default)]
    pub consent: bool,
}

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

async fn verify_password(password: String, hash: String) -> bool {
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
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password_blocking("izinkes-dummy-password").unwrap_or_default());

fn parse_identity(kind: IdentityType, number: &str) -> Result<String, String> {
    match kind {
        IdentityType::Ktp => Nik::parse(number)
            .map(|n| n.as_str().to_string())
            .map_err(|e| e.to_string()),
        IdentityType::Paspor => {
            let n = number.trim().to_ascii_uppercase();
            if (6..=12).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric()) {
                Ok(n)
            } else {
                Err("Nomor paspor terdiri dari 6–12 huruf atau angka tanpa spasi.".into())
            }
        }
    }
}

pub fn clean_text(s: &str, max: usize) -> String {
    s.trim().chars().filter(|c| !c.is_control()).take(max).collect()
}

/// Registers an applicant and queues the verification email. Nothing is written unless
/// everything is valid.
pub async fn register(state: &AppState, input: &RegisterInput) -> ServiceResult<String> {
    let mut errors = FieldErrors::new();
    let full_name = clean_text(&input.full_name, 120);
    if full_name.chars().count() < 3 {
        errors.insert(
            "full_name".into(),
            "Nama lengkap wajib diisi sesuai identitas (minimal 3 huruf).".into(),
        );
    }
    let identity_type = IdentityType::parse(&input.identity_type);
    let identity_number = match identity_type {
        None => {
            errors.insert("identity_type".into(), "Pilih tipe identitas: KTP atau Paspor.".into());
            None
        }
        Some(kind) => match parse_identity(kind, &input.identity_number) {
            Ok(n) => Some(n),
            Err(msg) => {
                errors.insert("identity_number".into(), msg);
                None
            }
        },
    };
    let phone = match PhoneE164::parse(&input.phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert("phone".into(), e.to_string());
            None
        }
    };
    let address = clean_text(&input.address, 300);
    if address.chars().count() < 5 {
        errors.insert(
            "address".into(),
            "Alamat wajib diisi (nama jalan, nomor, RT/RW).".into(),
        );
    }
    let village = match VillageCode::parse(Wilayah::builtin(), input.village_code.trim()) {
        Ok(v) => Some(v),
        Err(_) => {
            errors.insert(
                "village_code".into(),
                "Pilih provinsi, kabupaten/kota, kecamatan dan kelurahan/desa alamat Anda.".into(),
            );
            None
        }
    };
    let email = match Email::parse(&input.email) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.insert("email".into(), e.to_string());
            None
        }
    };
    let local_part = email
        .as_ref()
        .map(|e| e.as_str().split('@').next().unwrap_or("").to_string());
    let context: Vec<&str> = [
        Some(full_name.as_str()),
        email.as_ref().map(|e| e.as_str()),
        local_part.as_deref(),
        identity_number.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let password = match Password::parse(&input.password, &context) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert("password".into(), e.to_string());
            None
        }
    };
    if input.password != input.password_confirm && !errors.contains_key("password") {
        errors.insert(
            "password_confirm".into(),
            "Konfirmasi kata sandi tidak sama dengan kata sandi.".into(),
        );
    }
    if !input.consent {
        errors.insert(
            "consent".into(),
            "Anda perlu menyetujui pemberitahuan privasi agar data Anda dapat diproses.".into(),
        );
    }
    let (Some(identity_type), Some(identity_number), Some(phone), Some(village), Some(email), Some(password)) =
        (identity_type, identity_number, phone, village, email, password)
    else {
        return Err(ServiceError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }

    // Friendly duplicate messages before the expensive hash; the unique indexes remain the
    // guarantee under races.
    let taken = sqlx::query("SELECT email, identity_number FROM applicants WHERE email = $1 OR identity_number = $2")
        .bind(email.as_str())
        .bind(&identity_number)
        .fetch_all(&state.db.pool)
        .await?;
    for row in &taken {
        if row.try_get::<String, _>("email")? == email.as_str() {
            errors.insert(
                "email".into(),
                "Email ini sudah terdaftar. Silakan masuk atau gunakan Lupa Kata Sandi.".into(),
            );
        }
        if row.try_get::<String, _>("identity_number")? == identity_number {
            errors.insert(
                "identity_number".into(),
                "Nomor identitas ini sudah memiliki akun (satu pemohon hanya boleh satu akun).".into(),
            );
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }

    let password_hash = hash_password(password.expose().to_string()).await?;
    let id = new_id();
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO applicants (id, email, password_hash, full_name, identity_type, identity_number, phone, address, village_code, profile, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(email.as_str())
    .bind(&password_hash)
    .bind(&full_name)
    .bind(identity_type.code())
    .bind(&identity_number)
    .bind(phone.as_str())
    .bind(&address)
    .bind(village.as_str())
    .bind("{}")
    .bind(&now)
    .bind(&now)
    .execute(&mut *tx)
    .await;
    if let Err(e) = inserted {
        if is_unique_violation(&e) {
            return Err(ServiceError::field(
                "email",
                "Email atau nomor identitas ini sudah terdaftar. Silakan masuk.",
            ));
        }
        return Err(e.into());
    }
    queue_verification(state, &mut tx, &id, email.as_str(), &full_name).await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(id)
}

async fn queue_verification(
    state: &AppState,
    tx: &mut Tx,
    applicant_id: &str,
    email: &str,
    name: &str,
) -> ServiceResult<()> {
    let token = new_token();
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, applicant_id, purpose, created_at, expires_at) VALUES ($1, $2, 'verify', $3, $4)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(applicant_id)
    .bind(ts(now))
    .bind(ts(now + Duration::days(3)))
    .execute(&mut **tx)
    .await?;
    let link = format!(
        "{}/verifikasi?token={token}",
        state.config.base_url.trim_end_matches('/')
    );
    let body = format!(
        "Yth. {name},\n\nTerima kasih telah mendaftar di izinkes. Untuk mengaktifkan akun Anda, \
         buka tautan berikut (berlaku 3 hari):\n\n{link}\n\nJika Anda tidak merasa mendaftar, abaikan email ini.\n\n\
         Salam,\nLayanan Perizinan Kesehatan"
    );
    enqueue_email(tx, None, email, "Konfirmasi akun izinkes", &body).await?;
    Ok(())
}

/// Sends a new verification link to an unverified account; silent for unknown addresses.
pub async fn resend_verification(state: &AppState, email: &str) -> ServiceResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Err(ServiceError::field("email", "Masukkan alamat email yang valid."));
    };
    let row = sqlx::query("SELECT id, full_name FROM applicants WHERE email = $1 AND email_verified_at IS NULL")
        .bind(email.as_str())
        .fetch_optional(&state.db.pool)
        .await?;
    if let Some(row) = row {
        let id: String = row.try_get("id")?;
        let name: String = row.try_get("full_name")?;
        let mut tx = state.db.begin().await?;
        queue_verification(state, &mut tx, &id, email.as_str(), &name).await?;
        tx.commit().await?;
        state.wake_outbox();
    }
    Ok(())
}

/// Consumes a single-use token of the given purpose; returns the applicant id.
async fn take_token(tx: &mut Tx, token: &str, purpose: &str) -> ServiceResult<String> {
    let now = now_text();
    let applicant_id: Option<String> = sqlx::query_scalar(
        "UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING applicant_id",
    )
    .bind(&now)
    .bind(sha256_hex(token.trim().as_bytes()))
    .bind(purpose)
    .fetch_optional(&mut **tx)
    .await?;
    applicant_id.ok_or_else(|| {
        ServiceError::Refused(
            "Tautan tidak berlaku: sudah dipakai, kedaluwarsa, atau tidak lengkap. Minta tautan baru.".into(),
        )
    })
}

pub async fn verify_email(state: &AppState, token: &str) -> ServiceResult<()> {
    let mut tx = state.db.begin().await?;
    let id = take_token(&mut tx, token, "verify").await?;
    sqlx::query("UPDATE applicants SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL")
        .bind(now_text())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubjectKind {
    Applicant,
    Officer,
}

impl SubjectKind {
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Applicant => "applicant",
            SubjectKind::Officer => "officer",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

async fn throttle_check(state: &AppState, keys: &[(String, i64)]) -> ServiceResult<()> {
    let since = ts(Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES));
    for (key, limit) in keys {
        let row = sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS first FROM login_failures WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(&since)
            .fetch_one(&state.db.pool)
            .await?;
        let n: i64 = row.try_get("n")?;
        if n >= *limit {
            let first = crate::db::opt_text(&row, "first")?
                .and_then(|s| parse_ts(&s))
                .unwrap_or_else(Utc::now);
            let wait = (first + Duration::minutes(THROTTLE_WINDOW_MINUTES) - Utc::now())
                .num_minutes()
                .max(0)
                + 1;
            return Err(ServiceError::Throttled(format!(
                "Terlalu banyak percobaan masuk yang gagal. Demi keamanan akun, coba lagi dalam {wait} menit \
                 atau gunakan Lupa Kata Sandi."
            )));
        }
    }
    Ok(())
}

async fn record_failure(state: &AppState, keys: &[(String, i64)]) -> ServiceResult<()> {
    let now = now_text();
    for (key, _) in keys {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(&now)
            .execute(&state.db.pool)
            .await?;
    }
    Ok(())
}

const BAD_LOGIN: &str = "Email atau kata sandi salah.";

/// Logs an applicant or officer in; returns the new session token (to put in a cookie or hand
/// out as a bearer token). For an officer who owes a second factor the web session returned is
/// a pending one (see [`login_officer`], which the officer pages and API use to tell).
pub async fn login(
    state: &AppState,
    subject: SubjectKind,
    email: &str,
    password: &str,
    client: &str,
    kind: SessionKind,
) -> ServiceResult<String> {
    if subject == SubjectKind::Officer {
        return match login_officer(state, email, password, None, client, kind).await? {
            OfficerLogin::Signed(token) | OfficerLogin::Pending { token, .. } => Ok(token),
            OfficerLogin::MfaRequired { .. } => Err(ServiceError::Refused(MFA_REQUIRED.into())),
            OfficerLogin::CodeRejected(m) => Err(ServiceError::Refused(m)),
        };
    }
    let c = check_credentials(state, subject, email, password, client).await?;
    clear_account_failures(state, &c.keys).await?;
    create_session(state, subject, &c.id, c.office_id.as_deref(), kind).await
}

/// A password that was right: whose, and the throttle keys of the attempt.
struct Credentials {
    id: String,
    office_id: Option<String>,
    keys: Vec<(String, i64)>,
}

async fn clear_account_failures(state: &AppState, keys: &[(String, i64)]) -> ServiceResult<()> {
    if let Some((key, _)) = keys.first() {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&state.db.pool)
            .await?;
    }
    Ok(())
}

/// Checks email and password with throttling; failures are recorded, nothing is cleared.
async fn check_credentials(
    state: &AppState,
    subject: SubjectKind,
    email: &str,
    password: &str,
    client: &str,
) -> ServiceResult<Credentials> {
    let email_norm = email.trim().to_lowercase();
    if email_norm.is_empty() || password.is_empty() {
        let mut errors = FieldErrors::new();
        if email_norm.is_empty() {
            errors.insert("email".into(), "Email wajib diisi.".into());
        }
        if password.is_empty() {
            errors.insert("password".into(), "Kata sandi wajib diisi.".into());
        }
        return Err(ServiceError::Invalid(errors));
    }
    let keys = vec![
        (format!("{}:{}", subject.code(), email_norm), MAX_FAILURES_PER_ACCOUNT),
        (format!("addr:{client}"), MAX_FAILURES_PER_ADDRESS),
    ];
    throttle_check(state, &keys).await?;
    let sql = match subject {
        SubjectKind::Applicant => {
            "SELECT id, password_hash, email_verified_at AS gate, NULL AS office_id FROM applicants WHERE email = $1"
        }
        SubjectKind::Officer => {
            "SELECT id, password_hash, CASE WHEN active = 1 THEN 'ok' ELSE NULL END AS gate, office_id FROM officers WHERE email = $1"
        }
    };
    let row = sqlx::query(sql)
        .bind(&email_norm)
        .fetch_optional(&state.db.pool)
        .await?;
    let Some(row) = row else {
        let _ = verify_password(password.to_string(), DUMMY_HASH.clone()).await;
        record_failure(state, &keys).await?;
        return Err(ServiceError::Refused(BAD_LOGIN.into()));
    };
    let id: String = row.try_get("id")?;
    let hash: String = row.try_get("password_hash")?;
    if !verify_password(password.to_string(), hash).await {
        record_failure(state, &keys).await?;
        return Err(ServiceError::Refused(BAD_LOGIN.into()));
    }
    if crate::db::opt_text(&row, "gate")?.is_none() {
        return Err(ServiceError::Refused(match subject {
            SubjectKind::Applicant => {
                "Email Anda belum dikonfirmasi. Buka tautan konfirmasi yang kami kirim ke email Anda, \
                 atau minta tautan baru di bawah."
                    .into()
            }
            SubjectKind::Officer => "Akun petugas ini tidak aktif. Hubungi admin kantor.".into(),
        }));
    }
    let office_id = crate::db::opt_text(&row, "office_id")?;
    Ok(Credentials { id, office_id, keys })
}

pub async fn create_session(
    state: &AppState,
    subject: SubjectKind,
    subject_id: &str,
    office_id: Option<&str>,
    kind: SessionKind,
) -> ServiceResult<String> {
    let token = new_token();
    let now = Utc::now();
    let expires = match (kind, subject) {
        (SessionKind::Api, _) => now + Duration::days(API_TOKEN_DAYS),
        (SessionKind::Web, SubjectKind::Applicant) => now + Duration::hours(APPLICANT_SESSION_HOURS),
        (SessionKind::Web, SubjectKind::Officer) => now + Duration::hours(OFFICER_SESSION_HOURS),
    };
    sqlx::query(
        "INSERT INTO sessions (id_hash, kind, subject_kind, subject_id, office_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(match kind {
        SessionKind::Web => "web",
        SessionKind::Api => "api",
    })
    .bind(subject.code())
    .bind(subject_id)
    .bind(office_id)
    .bind(ts(now))
    .bind(ts(expires))
    .execute(&state.db.pool)
    .await?;
    Ok(token)
}

/// Who a session token belongs to.
#[derive(Clone, Debug)]
pub struct SessionSubject {
    pub kind: SubjectKind,
    pub id: String,
    pub office_id: Option<String>,
    pub name: String,
    pub roles: Vec<String>,
    /// An officer session whose password was right but whose second factor (TOTP or recovery
    /// code, or enrolment) is still owed. Only [`resolve_any_session`] returns such sessions.
    pub mfa_pending: bool,
}

/// Resolves a session token; refreshes its idle clock at most once a minute. Sessions still
/// waiting for the officer's second factor are not sessions yet: they resolve to `None` here,
/// so no page or API call can use them (only the 2FA pages look at them, through
/// [`resolve_any_session`]).
pub async fn resolve_session(state: &AppState, token: &str) -> ServiceResult<Option<SessionSubject>> {
    Ok(resolve_any_session(state, token).await?.filter(|s| !s.mfa_pending))
}

/// How long this server trusts a session it resolved, unless it changed sessions since (every
/// logout, password reset, second-factor step or reset of an officer's authenticator marks them
/// all stale). A session ended by another server stops working here within this time.
pub const SESSION_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// Most sessions kept resolved (a few hundred bytes each).
pub const MAX_CACHED_SESSIONS: usize = 20_000;

/// The cache's one group: any change to any session marks every cached one stale.
const SESSIONS: &str = "sessions";

/// A resolved session and the clock values it is checked against on each use.
pub(crate) struct CachedSession {
    subject: SessionSubject,
    last_seen: chrono::DateTime<Utc>,
    expires: chrono::DateTime<Utc>,
    idle_limit: Option<Duration>,
}

/// Marks every session this server resolved stale: call after a session was ended or changed.
fn sessions_changed(state: &AppState) {
    state.sessions.changed(SESSIONS);
}

/// Resolves a session token including sessions with `mfa_pending` set (for the 2FA pages).
pub async fn resolve_any_session(state: &AppState, token: &str) -> ServiceResult<Option<SessionSubject>> {
    if token.len() != 52 {
        return Ok(None);
    }
    let hash = sha256_hex(token.as_bytes());
    let now = Utc::now();
    if let Some(c) = state.sessions.get(SESSIONS, &hash) {
        let idle_ok = c.idle_limit.is_none_or(|limit| now - c.last_seen <= limit);
        // Past a minute the idle clock is due a refresh: that takes the database path.
        if c.expires > now && idle_ok && now - c.last_seen <= Duration::minutes(1) {
            return Ok(Some(c.subject.clone()));
        }
    }
    let generation = state.sessions.generation(SESSIONS);
    // One query per request: the session, its person and (for an officer) the roles, joined
    // with commas (role codes have none).
    let roles_of = match state.db.backend {
        crate::db::Backend::Sqlite => {
            "(SELECT group_concat(r.role, ',') FROM officer_roles r WHERE r.officer_id = o.id)"
        }
        crate::db::Backend::Postgres => {
            "(SELECT string_agg(r.role, ',') FROM officer_roles r WHERE r.officer_id = o.id)"
        }
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT s.kind, s.subject_kind, s.subject_id, s.office_id, s.last_seen_at, s.expires_at, s.mfa_pending, \
                COALESCE(a.full_name, o.full_name) AS name, {roles_of} AS roles \
         FROM sessions s \
         LEFT JOIN applicants a ON s.subject_kind = 'applicant' AND a.id = s.subject_id \
         LEFT JOIN officers o ON s.subject_kind = 'officer' AND o.id = s.subject_id AND o.active = 1 \
         WHERE s.id_hash = $1"
    )))
    .bind(&hash)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let kind: String = row.try_get("kind")?;
    let subject_kind = match row.try_get::<String, _>("subject_kind")?.as_str() {
        "officer" => SubjectKind::Officer,
        _ => SubjectKind::Applicant,
    };
    let Some(name) = crate::db::opt_text(&row, "name")? else {
        return Ok(None);
    };
    let expires = parse_ts(&row.try_get::<String, _>("expires_at")?).unwrap_or(now);
    let last_seen = parse_ts(&row.try_get::<String, _>("last_seen_at")?).unwrap_or(now);
    let idle_limit =
        (subject_kind == SubjectKind::Officer && kind == "web").then(|| Duration::minutes(OFFICER_IDLE_MINUTES));
    let idle_expired = idle_limit.is_some_and(|limit| now - last_seen > limit);
    if expires <= now || idle_expired {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&hash)
            .execute(&state.db.pool)
            .await?;
        sessions_changed(state);
        return Ok(None);
    }
    let mut seen = last_seen;
    if now - last_seen > Duration::minutes(1) {
        seen = now;
        // Applicant web sessions slide; officer sessions keep their absolute end.
        let new_expiry = if subject_kind == SubjectKind::Applicant && kind == "web" {
            ts(now + Duration::hours(APPLICANT_SESSION_HOURS))
        } else {
            ts(expires)
        };
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
            .bind(ts(now))
            .bind(new_expiry)
            .bind(&hash)
            .execute(&state.db.pool)
            .await?;
    }
    let id: String = row.try_get("subject_id")?;
    let mut roles: Vec<String> = match crate::db::opt_text(&row, "roles")? {
        Some(list) if subject_kind == SubjectKind::Officer => {
            list.split(',').filter(|r| !r.is_empty()).map(str::to_string).collect()
        }
        _ => Vec::new(),
    };
    roles.sort();
    let subject = SessionSubject {
        kind: subject_kind,
        id,
        office_id: crate::db::opt_text(&row, "office_id")?,
        name,
        roles,
        mfa_pending: subject_kind == SubjectKind::Officer && row.try_get::<i64, _>("mfa_pending")? != 0,
    };
    state.sessions.put(
        hash,
        generation,
        std::sync::Arc::new(CachedSession {
            subject: subject.clone(),
            last_seen: seen,
            expires,
            idle_limit,
        }),
    );
    Ok(Some(subject))
}

pub async fn logout(state: &AppState, token: &str) -> ServiceResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(sha256_hex(token.as_bytes()))
        .execute(&state.db.pool)
        .await?;
    sessions_changed(state);
    Ok(())
}

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

/// The profile of seed 001 "Akun Profile".
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Profile {
    pub birth_place: String,
    pub birth_date: String,
    pub sex: String,
    pub religion: String,
    pub marital_status: String,
    pub ktp_street: String,
    pub ktp_rt: String,
    pub ktp_rw: String,
    pub ktp_village_code: String,
    pub domicile_street: String,
    pub domicile_rt: String,
    pub domicile_rw: String,
    pub domicile_village_code: String,
    pub occupation: String,
    pub education: String,
    pub graduation_year: String,
    pub str_number: String,
    /// "seumur_hidup" (lifetime, the default since UU 17/2023) or "berjangka" (old-style / temporary / foreign).
    pub str_kind: String,
    pub str_expiry: String,
}

pub const RELIGIONS: [&str; 7] = [
    "Islam",
    "Kristen",
    "Katolik",
    "Hindu",
    "Buddha",
    "Konghucu",
    "Kepercayaan terhadap Tuhan YME",
];
pub const MARITAL: [&str; 4] = ["Belum Kawin", "Kawin", "Cerai Hidup", "Cerai Mati"];
pub const EDUCATION: [&str; 8] = ["SMA/SMK", "D3", "D4", "S1", "Profesi", "S2", "Spesialis", "S3"];

#[derive(Clone, Debug)]
pub struct Applicant {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub identity_type: IdentityType,
    pub identity_number: String,
    pub phone: String,
    pub address: String,
    pub village_code: String,
    pub profile: Profile,
    pub photo_sha256: Option<String>,
}

impl Applicant {
    pub fn nik(&self) -> Option<Nik> {
        (self.identity_type == IdentityType::Ktp)
            .then(|| Nik::parse(&self.identity_number).ok())
            .flatten()
    }
    pub fn masked_identity(&self) -> String {
        match self.nik() {
            Some(n) => n.masked(),
            None => {
                let n = &self.identity_number;
                let keep = n.len().saturating_sub(4);
                format!("{}{}", "*".repeat(keep), &n[keep..])
            }
        }
    }
}

pub async fn load_applicant(state: &AppState, id: &str) -> ServiceResult<Applicant> {
    let row = sqlx::query(
        "SELECT id, email, full_name, identity_type, identity_number, phone, address, village_code, profile, photo_sha256 FROM applicants WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServiceError::NotFound)?;
    Ok(Applicant {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        full_name: row.try_get("full_name")?,
        identity_type: IdentityType::parse(&row.try_get::<String, _>("identity_type")?).unwrap_or(IdentityType::Ktp),
        identity_number: row.try_get("identity_number")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        village_code: row.try_get("village_code")?,
        profile: serde_json::from_str(&row.try_get::<String, _>("profile")?).unwrap_or_default(),
        photo_sha256: crate::db::opt_text(&row, "photo_sha256")?,
    })
}

fn check_village(errors: &mut FieldErrors, key: &str, code: &str, required: bool) -> String {
    let code = code.trim();
    if code.is_empty() {
        if required {
            errors.insert(key.into(), "Pilih sampai kelurahan/desa.".into());
        }
        return String::new();
    }
    match VillageCode::parse(Wilayah::builtin(), code) {
        Ok(v) => v.as_str().to_string(),
        Err(_) => {
            errors.insert(key.into(), "Kelurahan/desa tidak ditemukan; pilih dari daftar.".into());
            String::new()
        }
    }
}

fn check_rt_rw(errors: &mut FieldErrors, key: &str, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return String::new();
    }
    if v.len() <= 3 && v.bytes().all(|b| b.is_ascii_digit()) {
        format!("{:0>3}", v)
    } else {
        errors.insert(
            key.into(),
            "RT/RW berupa angka, paling banyak 3 digit (contoh: 004).".into(),
        );
        v.to_string()
    }
}

/// Validates and saves the profile. Sex and birth date must agree with the NIK (DOMAIN rule 11).
pub async fn update_profile(state: &AppState, applicant: &Applicant, input: &Profile) -> ServiceResult<Profile> {
    let mut errors = FieldErrors::new();
    let mut p = Profile {
        birth_place: clean_text(&input.birth_place, 80),
        birth_date: input.birth_date.trim().to_string(),
        sex: input.sex.trim().to_string(),
        religion: input.religion.trim().to_string(),
        marital_status: input.marital_status.trim().to_string(),
        ktp_street: clean_text(&input.ktp_street, 200),
        domicile_street: clean_text(&input.domicile_street, 200),
        occupation: clean_text(&input.occupation, 100),
        education: input.education.trim().to_string(),
        graduation_year: input.graduation_year.trim().to_string(),
        str_number: clean_text(&input.str_number, 40),
        str_kind: input.str_kind.trim().to_string(),
        str_expiry: input.str_expiry.trim().to_string(),
        ..Profile::default()
    };
    p.ktp_rt = check_rt_rw(&mut errors, "ktp_rt", &input.ktp_rt);
    p.ktp_rw = check_rt_rw(&mut errors, "ktp_rw", &input.ktp_rw);
    p.domicile_rt = check_rt_rw(&mut errors, "domicile_rt", &input.domicile_rt);
    p.domicile_rw = check_rt_rw(&mut errors, "domicile_rw", &input.domicile_rw);
    p.ktp_village_code = check_village(&mut errors, "ktp_village_code", &input.ktp_village_code, false);
    p.domicile_village_code = check_village(
        &mut errors,
        "domicile_village_code",
        &input.domicile_village_code,
        false,
    );
    let nik = applicant.nik();
    let birth = if p.birth_date.is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(&p.birth_date, "%Y-%m-%d") {
            Ok(d) if d <= Utc::now().date_naive() => Some(d),
            _ => {
                errors.insert(
                    "birth_date".into(),
                    "Tanggal lahir tidak valid (format TTTT-BB-HH, tidak di masa depan).".into(),
                );
                None
            }
        }
    };
    if let (Some(nik), Some(birth)) = (&nik, birth)
        && nik.birth_date() != birth
    {
        errors.insert(
            "birth_date".into(),
            format!(
                "Tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan {}). Periksa kembali tanggal lahir atau NIK Anda.",
                crate::web::fmt::date_id(nik.birth_date())
            ),
        );
    }
    if !p.sex.is_empty() {
        match Sex::from_code(&p.sex) {
            None => {
                errors.insert("sex".into(), "Pilih jenis kelamin.".into());
            }
            Some(sex) => {
                if let Some(nik) = &nik
                    && nik.sex() != sex
                {
                    errors.insert(
                        "sex".into(),
                        format!(
                            "Jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan {}).",
                            nik.sex().label_id()
                        ),
                    );
                }
            }
        }
    }
    if !p.religion.is_empty() && !RELIGIONS.contains(&p.religion.as_str()) {
        errors.insert("religion".into(), "Pilih agama dari daftar.".into());
    }
    if !p.marital_status.is_empty() && !MARITAL.contains(&p.marital_status.as_str()) {
        errors.insert("marital_status".into(), "Pilih status perkawinan dari daftar.".into());
    }
    if !p.education.is_empty() && !EDUCATION.contains(&p.education.as_str()) {
        errors.insert("education".into(), "Pilih pendidikan terakhir dari daftar.".into());
    }
    if !p.graduation_year.is_empty() {
        let this_year = chrono::Datelike::year(&Utc::now().date_naive());
        match p.graduation_year.parse::<i32>() {
            Ok(y) if (1950..=this_year).contains(&y) => {}
            _ => {
                errors.insert(
                    "graduation_year".into(),
                    format!("Tahun lulus berupa 4 angka antara 1950 dan {this_year}."),
                );
            }
        }
    }
    match p.str_kind.as_str() {
        "" | "seumur_hidup" => {
            // Lifetime STR (DOMAIN rule 3): no expiry is asked.
            p.str_expiry.clear();
        }
        "berjangka" => match NaiveDate::parse_from_str(&p.str_expiry, "%Y-%m-%d") {
            Ok(_) => {}
            Err(_) => {
                errors.insert(
                    "str_expiry".into(),
                    "Untuk STR berjangka, isi tanggal berakhirnya STR.".into(),
                );
            }
        },
        _ => {
            errors.insert("str_kind".into(), "Pilih jenis STR.".into());
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    sqlx::query("UPDATE applicants SET profile = $1, updated_at = $2 WHERE id = $3")
        .bind(serde_json::to_string(&p)?)
        .bind(now_text())
        .bind(&applicant.id)
        .execute(&state.db.pool)
        .await?;
    Ok(p)
}

/// Sets the profile photo (a JPG or PNG up to 1 MB, judged by content).
pub async fn set_photo(state: &AppState, applicant: &Applicant, bytes: &[u8]) -> ServiceResult<()> {
    use izinkes_domain::catalog::FileFormat;
    if bytes.is_empty() {
        return Err(ServiceError::field("photo", "Pilih foto terlebih dahulu."));
    }
    if bytes.len() > 1024 * 1024 {
        return Err(ServiceError::field("photo", "Ukuran foto paling besar 1 MB."));
    }
    let format = crate::files::sniff(bytes);
    if !matches!(format, Some(FileFormat::Jpg) | Some(FileFormat::Png)) {
        return Err(ServiceError::field("photo", "Foto harus berupa gambar JPG atau PNG."));
    }
    let sha = crate::documents::store_blob(state, bytes, format.map(|f| f.mime()).unwrap_or("image/jpeg")).await?;
    sqlx::query("UPDATE applicants SET photo_sha256 = $1, updated_at = $2 WHERE id = $3")
        .bind(&sha)
        .bind(now_text())
        .bind(&applicant.id)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// Creates an officer of an office with roles (CLI `izinkes officer add` and the demo).
pub async fn add_officer(
    state: &AppState,
    office_id: &str,
    email: &str,
    full_name: &str,
    position: &str,
    password: &str,
    roles: &[crate::roles::Role],
) -> ServiceResult<String> {
    let email = Email::parse(email).map_err(|e| ServiceError::field("email", e.to_string()))?;
    let password =
        Password::parse(password, &[email.as_str()]).map_err(|e| ServiceError::field("password", e.to_string()))?;
    if roles.is_empty() {
        return Err(ServiceError::field("roles", "Pilih paling sedikit satu peran."));
    }
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM offices WHERE id = $1")
        .bind(office_id)
        .fetch_optional(&state.db.pool)
        .await?;
    if exists.is_none() {
        return Err(ServiceError::field(
            "office",
            format!("Kantor '{office_id}' tidak ada."),
        ));
    }
    let hash = hash_password(password.expose().to_string()).await?;
    let id = new_id();
    let mut tx = state.db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO officers (id, office_id, email, full_name, position, password_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
    )
    .bind(&id)
    .bind(office_id)
    .bind(email.as_str())
    .bind(clean_text(full_name, 120))
    .bind(clean_text(position, 120))
    .bind(&hash)
    .bind(now_text())
    .execute(&mut *tx)
    .await;
    if let Err(e) = inserted {
        if is_unique_violation(&e) {
            return Err(ServiceError::field("email", "Email petugas ini sudah terdaftar."));
        }
        return Err(e.into());
    }
    for role in roles {
        sqlx::query("INSERT INTO officer_roles (office_id, officer_id, role) VALUES ($1, $2, $3)")
            .bind(office_id)
            .bind(&id)
            .bind(role.code())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Officer two-step sign-in (TOTP, RFC 6238) with one-time recovery codes.
//
// Kepala Dinas and Admin must use it; any other officer may turn it on. After a right password
// an officer who owes a second factor gets a web session with `mfa_pending = 1`, which
// `resolve_session` does not accept: only the 2FA and enrolment pages see it (through
// `resolve_any_session`). A right code replaces that session with a full one (new token).
// Wrong codes count toward the same login throttle as wrong passwords.

/// Roles that may not sign in without a second factor.
pub const MFA_REQUIRED_ROLES: [crate::roles::Role; 2] = [crate::roles::Role::Kadis, crate::roles::Role::Admin];

const MFA_REQUIRED: &str = "Akun petugas ini memakai verifikasi dua langkah: masukkan kode 6 digit dari aplikasi \
     autentikator atau salah satu kode pemulihan.";
const MFA_NOT_ENROLLED: &str = "Akun petugas ini wajib memakai verifikasi dua langkah, tetapi aplikasi autentikator \
     belum diaktifkan. Masuk lewat halaman Masuk Petugas di web untuk mengaktifkannya terlebih dahulu.";
pub const MFA_INVALID: &str = "Kode salah, sudah kedaluwarsa, atau sudah pernah dipakai. Masukkan kode 6 digit yang \
     sedang tampil di aplikasi autentikator (kode berganti tiap 30 detik), atau salah satu kode pemulihan yang belum dipakai.";
const MFA_EMPTY: &str = "Masukkan kode 6 digit dari aplikasi autentikator, atau salah satu kode pemulihan.";

/// Whether an officer with these role codes must use a second factor.
pub fn mfa_required(roles: &[String]) -> bool {
    roles.iter().any(|r| MFA_REQUIRED_ROLES.iter().any(|m| m.code() == r))
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
    let row = sqlx::query("SELECT id, email, full_name, totp_secret, totp_enabled_at FROM officers WHERE id = $1")
        .bind(officer_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM officer_roles WHERE officer_id = $1")
        .bind(officer_id)
        .fetch_all(&state.db.pool)
        .await?;
    let recovery_left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM officer_recovery_codes WHERE officer_id = $1 AND used_at IS NULL")
            .bind(officer_id)
            .fetch_one(&state.db.pool)
            .await?;
    let enabled_at = crate::db::opt_text(&row, "totp_enabled_at")?;
    Ok(OfficerMfa {
        officer_id: row.try_get("id")?,
        email: row.try_get::<String, _>("email")?.to_lowercase(),
        name: row.try_get("full_name")?,
        secret: crate::db::opt_text(&row, "totp_secret")?,
        enabled: enabled_at.is_some(),
        enabled_at,
        required: mfa_required(&roles),
        recovery_left,
    })
}

fn officer_keys(email: &str, client: &str) -> Vec<(String, i64)> {
    vec![
        (
            format!("{}:{}", SubjectKind::Officer.code(), email),
            MAX_FAILURES_PER_ACCOUNT,
        ),
        (format!("addr:{client}"), MAX_FAILURES_PER_ADDRESS),
    ]
}

/// Checks a TOTP code (each time step accepted once) or spends a recovery code.
async fn check_second_factor(state: &AppState, officer_id: &str, secret: &str, code: &str) -> ServiceResult<bool> {
    if let Some(step) = crate::totp::verify_now(secret, code) {
        // Atomic: of two requests with the same code, one wins.
        let done = sqlx::query(
            "UPDATE officers SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(officer_id)
        .execute(&state.db.pool)
        .await?;
        return Ok(done.rows_affected() == 1);
    }
    if let Some(normalized) = crate::totp::normalize_recovery(code) {
        let done = sqlx::query(
            "UPDATE officer_recovery_codes SET used_at = $1 WHERE officer_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_text())
        .bind(officer_id)
        .bind(crate::totp::recovery_hash(&normalized))
        .execute(&state.db.pool)
        .await?;
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
    sqlx::query(
        "INSERT INTO sessions (id_hash, kind, subject_kind, subject_id, office_id, created_at, last_seen_at, expires_at, mfa_pending) \
         VALUES ($1, 'web', 'officer', $2, $3, $4, $4, $5, 1)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(officer_id)
    .bind(office_id)
    .bind(ts(now))
    .bind(ts(now + Duration::hours(OFFICER_SESSION_HOURS)))
    .execute(&state.db.pool)
    .await?;
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
    let gone = sqlx::query("DELETE FROM sessions WHERE id_hash = $1 AND mfa_pending = 1")
        .bind(sha256_hex(pending_token.as_bytes()))
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() != 1 {
        return Err(ServiceError::Unauthenticated);
    }
    sqlx::query(
        "INSERT INTO sessions (id_hash, kind, subject_kind, subject_id, office_id, created_at, last_seen_at, expires_at, mfa_pending) \
         VALUES ($1, 'web', 'officer', $2, $3, $4, $4, $5, 0)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(&s.id)
    .bind(s.office_id.as_deref())
    .bind(ts(now))
    .bind(ts(now + Duration::hours(OFFICER_SESSION_HOURS)))
    .execute(&mut *tx)
    .await?;
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
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(&officer_keys(&mfa.email, client)[0].0)
        .execute(&state.db.pool)
        .await?;
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
    let secret = match mfa.secret.filter(|s| crate::totp::base32_decode(s).is_some()) {
        Some(s) => s,
        None => {
            let s = crate::totp::new_secret();
            sqlx::query(
                "UPDATE officers SET totp_secret = $1, totp_last_step = NULL WHERE id = $2 AND totp_enabled_at IS NULL",
            )
            .bind(&s)
            .bind(officer_id)
            .execute(&state.db.pool)
            .await?;
            s
        }
    };
    let uri = crate::totp::otpauth_uri(&secret, &mfa.email);
    let qr = crate::totp::qr_data_uri(&uri).ok_or_else(|| ServiceError::Internal("qr code".into()))?;
    Ok(TotpEnrolment {
        secret_grouped: crate::totp::grouped(&secret),
        secret,
        otpauth_uri: uri,
        qr_data_uri: qr,
    })
}

async fn replace_recovery_codes(tx: &mut Tx, officer_id: &str) -> ServiceResult<Vec<String>> {
    sqlx::query("DELETE FROM officer_recovery_codes WHERE officer_id = $1")
        .bind(officer_id)
        .execute(&mut **tx)
        .await?;
    let codes = crate::totp::new_recovery_codes();
    for code in &codes {
        let normalized = crate::totp::normalize_recovery(code).unwrap_or_default();
        sqlx::query("INSERT INTO officer_recovery_codes (officer_id, code_hash, used_at) VALUES ($1, $2, NULL)")
            .bind(officer_id)
            .bind(crate::totp::recovery_hash(&normalized))
            .execute(&mut **tx)
            .await?;
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
    let Some(step) = crate::totp::verify_now(&secret, code) else {
        record_failure(state, &keys).await?;
        return Err(ServiceError::field(
            "code",
            "Kode tidak cocok. Pastikan Anda memindai kode QR di halaman ini (atau mengetik kuncinya dengan benar), \
             jam ponsel tepat, lalu masukkan kode 6 digit yang sedang tampil.",
        ));
    };
    let mut tx = state.db.begin().await?;
    let done = sqlx::query(
        "UPDATE officers SET totp_enabled_at = $1, totp_last_step = $2 WHERE id = $3 AND totp_secret = $4 AND totp_enabled_at IS NULL",
    )
    .bind(now_text())
    .bind(step)
    .bind(officer_id)
    .bind(&secret)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ServiceError::Conflict(
            "Pengaturan verifikasi dua langkah baru saja berubah. Muat ulang halaman.".into(),
        ));
    }
    let codes = replace_recovery_codes(&mut tx, officer_id).await?;
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(&keys[0].0)
        .execute(&mut *tx)
        .await?;
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
    sqlx::query("UPDATE officers SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(officer_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM officer_recovery_codes WHERE officer_id = $1")
        .bind(officer_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Clears an officer's two-step sign-in (lost phone and recovery codes) and ends their
/// sessions; an officer for whom it is required enrols again at the next sign-in. For the
/// admin CLI. Returns false for an unknown email.
pub async fn reset_officer_totp(state: &AppState, email: &str) -> ServiceResult<bool> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM officers WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(&state.db.pool)
        .await?;
    let Some(id) = id else { return Ok(false) };
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE officers SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM officer_recovery_codes WHERE officer_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE subject_kind = 'officer' AND subject_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    sessions_changed(state);
    Ok(true)
}
