//! Sessions: signing in (with throttling), the session token of a browser cookie or a bearer
//! token, resolving it on every request (cached per server for two seconds), and signing out.

use crate::auth::mfa::MFA_REQUIRED;
use crate::auth::mfa::OfficerLogin;
use crate::auth::mfa::login_officer;
use crate::auth::passwords::DUMMY_HASH;
use crate::auth::passwords::verify_password;
use crate::auth::queries;
use crate::auth::queries::CredentialRow;
use crate::auth::queries::NewSession;
use crate::auth::throttle::MAX_FAILURES_PER_ACCOUNT;
use crate::auth::throttle::MAX_FAILURES_PER_ADDRESS;
use crate::auth::throttle::clear_account_failures;
use crate::auth::throttle::record_failure;
use crate::auth::throttle::throttle_check;
use crate::platform::db::parse_ts;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_token;
use crate::platform::ids::sha256_hex;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use izinkes_domain::catalog::FieldErrors;

pub const APPLICANT_SESSION_HOURS: i64 = 12;

pub const OFFICER_IDLE_MINUTES: i64 = 15;

pub const OFFICER_SESSION_HOURS: i64 = 8;

pub const API_TOKEN_DAYS: i64 = 30;

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
pub(crate) struct Credentials {
    pub(crate) id: String,
    pub(crate) office_id: Option<String>,
    pub(crate) keys: Vec<(String, i64)>,
}

/// Checks email and password with throttling; failures are recorded, nothing is cleared.
pub(crate) async fn check_credentials(
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
    let row = match subject {
        SubjectKind::Applicant => queries::applicant_credentials(&state.db.pool, &email_norm).await?,
        SubjectKind::Officer => queries::officer_credentials(&state.db.pool, &email_norm).await?,
    };
    let Some(row) = row else {
        let _ = verify_password(password.to_string(), DUMMY_HASH.clone()).await;
        record_failure(state, &keys).await?;
        return Err(ServiceError::Refused(BAD_LOGIN.into()));
    };
    let CredentialRow {
        id,
        password_hash: hash,
        gate,
        office_id,
    } = row;
    if !verify_password(password.to_string(), hash).await {
        record_failure(state, &keys).await?;
        return Err(ServiceError::Refused(BAD_LOGIN.into()));
    }
    if gate.is_none() {
        return Err(ServiceError::Refused(match subject {
            SubjectKind::Applicant => {
                "Email Anda belum dikonfirmasi. Buka tautan konfirmasi yang kami kirim ke email Anda, \
                 atau minta tautan baru di bawah."
                    .into()
            }
            SubjectKind::Officer => "Akun petugas ini tidak aktif. Hubungi admin kantor.".into(),
        }));
    }
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
    let session = NewSession {
        id_hash: &sha256_hex(token.as_bytes()),
        kind: match kind {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        },
        subject_kind: subject.code(),
        subject_id,
        office_id,
        now: &ts(now),
        expires_at: &ts(expires),
    };
    queries::insert_session(&state.db.pool, &session).await?;
    Ok(token)
}

/// Who a session token belongs to.
#[derive(Clone, Debug)]
pub struct SessionSubject {
    pub kind: SubjectKind,
    pub id: String,
    pub office_id: Option<String>,
    pub name: String,
    pub roles: Vec<izinkes_domain::roles::Role>,
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
pub(crate) fn sessions_changed(state: &AppState) {
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
    let row = queries::session(&state.db.pool, state.db.backend, &hash).await?;
    let Some(row) = row else { return Ok(None) };
    let kind = row.kind;
    let subject_kind = match row.subject_kind.as_str() {
        "officer" => SubjectKind::Officer,
        _ => SubjectKind::Applicant,
    };
    let Some(name) = row.name else {
        return Ok(None);
    };
    let expires = parse_ts(&row.expires_at).unwrap_or(now);
    let last_seen = parse_ts(&row.last_seen_at).unwrap_or(now);
    let idle_limit =
        (subject_kind == SubjectKind::Officer && kind == "web").then(|| Duration::minutes(OFFICER_IDLE_MINUTES));
    let idle_expired = idle_limit.is_some_and(|limit| now - last_seen > limit);
    if expires <= now || idle_expired {
        queries::delete_session(&state.db.pool, &hash).await?;
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
        queries::touch_session(&state.db.pool, &ts(now), &new_expiry, &hash).await?;
    }
    let id = row.subject_id;
    // A code no release knows (a newer server wrote it) gives no rights here.
    let mut roles: Vec<izinkes_domain::roles::Role> = match row.roles {
        Some(list) if subject_kind == SubjectKind::Officer => {
            list.split(',').filter_map(izinkes_domain::roles::Role::parse).collect()
        }
        _ => Vec::new(),
    };
    roles.sort();
    let subject = SessionSubject {
        kind: subject_kind,
        id,
        office_id: row.office_id,
        name,
        roles,
        mfa_pending: subject_kind == SubjectKind::Officer && row.mfa_pending != 0,
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
    queries::delete_session(&state.db.pool, &sha256_hex(token.as_bytes())).await?;
    sessions_changed(state);
    Ok(())
}
