//! The office's officers, as its administrator manages them: invite by e-mail, roles (the
//! desks an officer works), deactivate (their claimed files return to the desk's queue),
//! reactivate, reset the second factor, send the invitation again. Every change is one
//! transaction with its audit row, and the office must keep at least one active admin.

use crate::auth::officer::Officer;
use crate::office_admin::queries;
use crate::office_admin::queries::NewAudit;
use crate::platform::db::Tx;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::platform::ids::new_token;
use crate::platform::ids::sha256_hex;
use crate::platform::mail;
use crate::state::AppState;
use chrono::Utc;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::email::Email;
use izinkes_domain::roles::Role;

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;

/// Who makes a change: an officer (the office admin) or the instance's command line.
#[derive(Clone, Copy)]
pub enum Actor<'a> {
    Officer(&'a Officer),
    Cli,
}

impl Actor<'_> {
    pub(crate) fn id(&self) -> Option<&str> {
        match self {
            Actor::Officer(o) => Some(&o.id),
            Actor::Cli => None,
        }
    }
    pub(crate) fn name(&self) -> &str {
        match self {
            Actor::Officer(o) => &o.name,
            Actor::Cli => "Administrator instans (CLI)",
        }
    }
}

/// Writes an audit row in the caller's transaction.
pub(crate) async fn audit(
    tx: &mut Tx,
    office_id: &str,
    actor: Actor<'_>,
    action: &str,
    subject: (Option<&str>, &str),
    detail: &str,
) -> ServiceResult<()> {
    queries::insert_audit(
        tx,
        &NewAudit {
            office_id,
            at: &now_text(),
            actor_id: actor.id(),
            actor_name: actor.name(),
            action,
            subject_id: subject.0,
            subject_name: subject.1,
            detail,
        },
    )
    .await?;
    Ok(())
}

/// An officer as the admin sees them.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StaffMember {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub position: String,
    pub active: bool,
    /// Invited, the password not set yet.
    pub invited: bool,
    /// The authenticator app is enrolled.
    pub mfa_enrolled: bool,
    /// RFC 3339.
    pub created_at: String,
    pub deactivated_at: Option<String>,
    pub roles: Vec<HeldRole>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HeldRole {
    /// The role's code (`front_office`, `back_office`, `kasi`, `kabid`, `kadis`, `tim_teknis`,
    /// `pencetakan`, `pengaduan`, `admin`).
    pub role: String,
    pub label: String,
    /// Since when (RFC 3339); absent for roles given before it was recorded.
    pub since: Option<String>,
}

fn member(r: queries::StaffRow, held: &[queries::HeldRoleRow]) -> StaffMember {
    let roles = held
        .iter()
        .filter(|h| h.officer_id == r.id)
        .filter_map(|h| {
            Role::parse(&h.role).map(|role| HeldRole {
                role: role.code().into(),
                label: role.label_id().into(),
                since: h.granted_at.clone(),
            })
        })
        .collect();
    StaffMember {
        invited: r.has_password == 0,
        mfa_enrolled: r.totp_enabled_at.is_some(),
        active: r.active == 1,
        id: r.id,
        email: r.email,
        full_name: r.full_name,
        position: r.position,
        created_at: r.created_at,
        deactivated_at: r.deactivated_at,
        roles,
    }
}

/// The office's officers, active first, by name.
pub async fn list(state: &AppState, office_id: &str) -> ServiceResult<Vec<StaffMember>> {
    let rows = queries::staff(&state.db.pool, office_id).await?;
    let held = queries::held_roles(&state.db.pool, office_id).await?;
    Ok(rows.into_iter().map(|r| member(r, &held)).collect())
}

/// One officer of the office; another office's officer is not found.
pub async fn get(state: &AppState, office_id: &str, officer_id: &str) -> ServiceResult<StaffMember> {
    let row = queries::staff_member(&state.db.pool, office_id, officer_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let held = queries::held_roles(&state.db.pool, office_id).await?;
    Ok(member(row, &held))
}

/// What the invitation form sends.
#[derive(Clone, Debug, Default)]
pub struct InviteInput {
    pub email: String,
    pub full_name: String,
    pub position: String,
    /// Role codes.
    pub roles: Vec<String>,
}

/// Parses role codes; an unknown one or none at all is an error on `roles`.
fn parse_roles(codes: &[String], errors: &mut FieldErrors) -> Vec<Role> {
    let mut roles = Vec::new();
    for c in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match Role::parse(c) {
            Some(r) if !roles.contains(&r) => roles.push(r),
            Some(_) => {}
            None => {
                errors.insert("roles".into(), format!("Peran \"{c}\" tidak dikenal."));
            }
        }
    }
    if roles.is_empty() && !errors.contains_key("roles") {
        errors.insert("roles".into(), "Pilih paling sedikit satu peran.".into());
    }
    roles.sort();
    roles
}

/// A new officer and their invitation link.
pub struct Invited {
    pub officer_id: String,
    pub link: String,
}

/// Invites an officer: the account (without a usable password), its roles, a one-time link by
/// e-mail to set the password, and the audit row, in one transaction.
pub async fn invite(
    state: &AppState,
    actor: Actor<'_>,
    office_id: &str,
    input: &InviteInput,
) -> ServiceResult<Invited> {
    let mut errors = FieldErrors::new();
    let email = match Email::parse(&input.email) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.insert("email".into(), e.to_string());
            None
        }
    };
    let name = crate::platform::text::clean_text(&input.full_name, 120);
    if name.is_empty() {
        errors.insert("full_name".into(), "Nama petugas wajib diisi.".into());
    }
    let position = crate::platform::text::clean_text(&input.position, 120);
    let roles = parse_roles(&input.roles, &mut errors);
    let (Some(email), true) = (email, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    // Until the link is used, the account's password is a random one nobody knows.
    let unusable = crate::auth::passwords::hash_password(new_token()).await?;
    let id = new_id();
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let inserted = crate::accounts::officers::insert_in(
        &mut tx,
        &crate::accounts::officers::OfficerAccount {
            id: &id,
            office_id,
            email: email.as_str(),
            full_name: &name,
            position: &position,
            password_hash: &unusable,
            now: &now,
        },
    )
    .await;
    match inserted {
        Ok(()) => {}
        Err(ServiceError::Conflict(_)) => {
            return Err(ServiceError::field(
                "email",
                "E-mail ini sudah dipakai oleh akun petugas lain.",
            ));
        }
        Err(e) => return Err(e),
    }
    for role in &roles {
        queries::grant_role(&mut tx, office_id, &id, role.code(), &now).await?;
    }
    let link = send_invitation(state, &mut tx, office_id, &id, &name, email.as_str()).await?;
    let labels: Vec<&str> = roles.iter().map(|r| r.label_id()).collect();
    let detail = format!("Diundang ({}); peran: {}.", email.as_str(), labels.join(", "));
    audit(&mut tx, office_id, actor, "invite", (Some(&id), &name), &detail).await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(Invited { officer_id: id, link })
}

/// Makes a new invitation link (voiding the earlier ones) and queues its e-mail.
async fn send_invitation(
    state: &AppState,
    tx: &mut Tx,
    office_id: &str,
    officer_id: &str,
    name: &str,
    email: &str,
) -> ServiceResult<String> {
    let token = new_token();
    let now = now_text();
    let expires = crate::platform::db::ts(Utc::now() + chrono::Duration::days(INVITATION_DAYS));
    queries::void_officer_tokens(tx, officer_id, "invite", &now).await?;
    queries::insert_officer_token(tx, &sha256_hex(token.as_bytes()), officer_id, "invite", &now, &expires).await?;
    let office = crate::catalog::offices::get(state, office_id).await?;
    let link = format!(
        "{}/petugas/undangan/{token}",
        state.config.base_url.trim_end_matches('/')
    );
    let m = mail::OfficerInvitation {
        name,
        office: &office.name,
        link: &link,
        days: INVITATION_DAYS,
    };
    mail::enqueue(tx, Some(office_id), email, &m).await?;
    Ok(link)
}

/// Sends a new invitation to an officer who has not set their password yet.
pub async fn resend_invitation(
    state: &AppState,
    actor: Actor<'_>,
    office_id: &str,
    officer_id: &str,
) -> ServiceResult<String> {
    let m = get(state, office_id, officer_id).await?;
    if !m.invited || !m.active {
        return Err(ServiceError::Refused(
            "Petugas ini sudah mengatur kata sandinya; undangan tidak dikirim lagi.".into(),
        ));
    }
    let mut tx = state.db.begin().await?;
    let link = send_invitation(state, &mut tx, office_id, officer_id, &m.full_name, &m.email).await?;
    audit(
        &mut tx,
        office_id,
        actor,
        "invite_again",
        (Some(officer_id), &m.full_name),
        "Undangan dikirim ulang.",
    )
    .await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(link)
}

/// Refuses a change that would leave the office without an active admin.
async fn keep_an_admin(tx: &mut Tx, office_id: &str, leaving: &str) -> ServiceResult<()> {
    let admins = queries::active_admins(tx, office_id).await?;
    if admins.iter().all(|a| a == leaving) {
        return Err(ServiceError::Refused(
            "Kantor harus memiliki paling sedikit satu Admin Kantor yang aktif.".into(),
        ));
    }
    Ok(())
}

/// Sets an officer's roles (the desks they work); each kept role keeps its date.
pub async fn set_roles(
    state: &AppState,
    actor: Actor<'_>,
    office_id: &str,
    officer_id: &str,
    codes: &[String],
) -> ServiceResult<()> {
    let m = get(state, office_id, officer_id).await?;
    let mut errors = FieldErrors::new();
    let wanted = parse_roles(codes, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let held: Vec<Role> = m.roles.iter().filter_map(|r| Role::parse(&r.role)).collect();
    let added: Vec<Role> = wanted.iter().copied().filter(|r| !held.contains(r)).collect();
    let removed: Vec<Role> = held.iter().copied().filter(|r| !wanted.contains(r)).collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    let now = now_text();
    let mut tx = state.db.begin().await?;
    if removed.contains(&Role::Admin) && m.active {
        keep_an_admin(&mut tx, office_id, officer_id).await?;
    }
    for r in &removed {
        queries::revoke_role(&mut tx, officer_id, r.code()).await?;
    }
    for r in &added {
        queries::grant_role(&mut tx, office_id, officer_id, r.code(), &now).await?;
    }
    let names = |rs: &[Role]| rs.iter().map(|r| r.label_id()).collect::<Vec<_>>().join(", ");
    let detail = match (added.is_empty(), removed.is_empty()) {
        (false, false) => format!("Peran ditambah: {}; dicabut: {}.", names(&added), names(&removed)),
        (false, true) => format!("Peran ditambah: {}.", names(&added)),
        _ => format!("Peran dicabut: {}.", names(&removed)),
    };
    audit(
        &mut tx,
        office_id,
        actor,
        "roles",
        (Some(officer_id), &m.full_name),
        &detail,
    )
    .await?;
    // A role taken away ends the officer's sessions, so no page keeps the old rights.
    crate::auth::mfa::end_officer_sessions(&mut tx, officer_id).await?;
    tx.commit().await?;
    crate::auth::mfa::forget_sessions(state);
    Ok(())
}

/// Deactivates an officer: they can no longer sign in, their sessions end, and the files they
/// had claimed return to their desk's queue. Not oneself, and not the office's last admin.
pub async fn deactivate(state: &AppState, actor: Actor<'_>, office_id: &str, officer_id: &str) -> ServiceResult<u64> {
    let m = get(state, office_id, officer_id).await?;
    if !m.active {
        return Ok(0);
    }
    if actor.id() == Some(officer_id) {
        return Err(ServiceError::Refused(
            "Anda tidak dapat menonaktifkan akun Anda sendiri.".into(),
        ));
    }
    let mut tx = state.db.begin().await?;
    keep_an_admin(&mut tx, office_id, officer_id).await?;
    queries::set_officer_active(&mut tx, officer_id, false, &now_text()).await?;
    let released = queries::release_claims(&mut tx, officer_id).await?;
    crate::auth::mfa::end_officer_sessions(&mut tx, officer_id).await?;
    let detail = format!("Dinonaktifkan; {released} berkas yang dipegang kembali ke antrean meja layanan.");
    audit(
        &mut tx,
        office_id,
        actor,
        "deactivate",
        (Some(officer_id), &m.full_name),
        &detail,
    )
    .await?;
    tx.commit().await?;
    crate::auth::mfa::forget_sessions(state);
    state.desks_changed(office_id);
    Ok(released)
}

/// Lets a deactivated officer sign in again (with their roles as they were).
pub async fn reactivate(state: &AppState, actor: Actor<'_>, office_id: &str, officer_id: &str) -> ServiceResult<()> {
    let m = get(state, office_id, officer_id).await?;
    if m.active {
        return Ok(());
    }
    let mut tx = state.db.begin().await?;
    queries::set_officer_active(&mut tx, officer_id, true, &now_text()).await?;
    audit(
        &mut tx,
        office_id,
        actor,
        "reactivate",
        (Some(officer_id), &m.full_name),
        "Diaktifkan kembali.",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Clears an officer's authenticator and recovery codes (a lost phone) and ends their
/// sessions; they enrol again at the next sign-in.
pub async fn reset_mfa(state: &AppState, actor: Actor<'_>, office_id: &str, officer_id: &str) -> ServiceResult<()> {
    let m = get(state, office_id, officer_id).await?;
    let mut tx = state.db.begin().await?;
    crate::auth::mfa::clear_officer_mfa(&mut tx, officer_id).await?;
    audit(
        &mut tx,
        office_id,
        actor,
        "reset_mfa",
        (Some(officer_id), &m.full_name),
        "Aplikasi autentikator dan kode pemulihan dihapus; petugas mendaftarkannya lagi saat masuk.",
    )
    .await?;
    tx.commit().await?;
    crate::auth::mfa::forget_sessions(state);
    Ok(())
}

/// One line of the office's audit.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// RFC 3339.
    pub at: String,
    pub actor: String,
    /// `invite`, `invite_again`, `roles`, `deactivate`, `reactivate`, `reset_mfa`,
    /// `office_create`, `office_update`, `office_close`, `office_open`, `password_set`.
    pub action: String,
    pub officer_id: Option<String>,
    pub subject: String,
    pub detail: String,
}

/// The office's audit, newest first (of one officer when `officer_id` is given).
pub async fn audit_log(state: &AppState, office_id: &str, officer_id: Option<&str>) -> ServiceResult<Vec<AuditEntry>> {
    let rows = queries::audit(&state.db.pool, office_id, officer_id, 200).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            at: r.at,
            actor: r.actor_name,
            action: r.action,
            officer_id: r.subject_id,
            subject: r.subject_name,
            detail: r.detail,
        })
        .collect())
}

/// The officer an unused invitation link is for: (name, e-mail); a spent, expired or unknown
/// link is not found.
pub async fn invitation(state: &AppState, token: &str) -> ServiceResult<(String, String)> {
    let hash = sha256_hex(token.trim().as_bytes());
    queries::officer_of_token(&state.db.pool, &hash, "invite", &now_text())
        .await?
        .map(|(_, name, email, _)| (name, email))
        .ok_or(ServiceError::NotFound)
}

/// Sets the invited officer's password and spends the link, in one transaction; the officer
/// then signs in (and enrols the authenticator where their role needs it).
pub async fn accept_invitation(state: &AppState, token: &str, password: &str, confirm: &str) -> ServiceResult<String> {
    let hash = sha256_hex(token.trim().as_bytes());
    let now = now_text();
    let (officer_id, name, email, office_id) = queries::officer_of_token(&state.db.pool, &hash, "invite", &now)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let password = izinkes_domain::password::Password::parse(password, &[&email])
        .map_err(|e| ServiceError::field("password", e.to_string()))?;
    if password.expose() != confirm {
        return Err(ServiceError::field(
            "password_confirm",
            "Konfirmasi kata sandi tidak sama.",
        ));
    }
    let password_hash = crate::auth::passwords::hash_password(password.expose().to_string()).await?;
    let mut tx = state.db.begin().await?;
    if !queries::use_officer_token(&mut tx, &hash, "invite", &now).await? {
        return Err(ServiceError::NotFound);
    }
    queries::set_officer_password(&mut tx, &officer_id, &password_hash).await?;
    let itself = Officer {
        id: officer_id.clone(),
        name: name.clone(),
        office_id: office_id.clone(),
        roles: Vec::new(),
    };
    audit(
        &mut tx,
        &office_id,
        Actor::Officer(&itself),
        "password_set",
        (Some(&officer_id), &name),
        "Kata sandi dibuat melalui tautan undangan.",
    )
    .await?;
    tx.commit().await?;
    Ok(email)
}
