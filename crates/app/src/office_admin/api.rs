//! The office admin over the JSON API (officer token with the Admin role, scoped to the
//! caller's office): the office's profile and setup checklist, its officers (invite, roles,
//! deactivate, reactivate, reset MFA, invite again) and the audit of those changes.

use crate::catalog::offices::Profile;
use crate::office_admin::offices;
use crate::office_admin::offices::SetupItem;
use crate::office_admin::staff;
use crate::office_admin::staff::{Actor, AuditEntry, StaffMember};
use crate::state::AppState;
use crate::web::api::{
    ApiJson, ApiOfficer, ApiResult, BadRequest, Forbidden, Internal, Invalid, NotFound, Unauthenticated, created, ok,
};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The caller's office: its public profile and what is missing before it can open.
#[derive(Serialize, ToSchema)]
pub(crate) struct AdminOffice {
    id: String,
    /// In permit numbers; set by the instance administrator.
    code: String,
    name: String,
    short_name: String,
    /// Kemendagri code of the kabupaten/kota.
    regency_code: String,
    address: String,
    phone: String,
    email: String,
    website: String,
    service_hours: String,
    /// WIB, WITA or WIT.
    timezone: String,
    /// Closed by the instance administrator.
    disabled: bool,
    setup: Vec<SetupItem>,
}

async fn office_json(state: &AppState, office_id: &str) -> Result<AdminOffice, crate::web::api::ApiError> {
    let o = crate::catalog::offices::get(state, office_id).await?;
    Ok(AdminOffice {
        setup: offices::checklist(state, office_id).await?,
        id: o.id,
        code: o.code,
        name: o.name,
        short_name: o.short_name,
        regency_code: o.regency_code,
        address: o.address,
        phone: o.phone,
        email: o.email,
        website: o.website,
        service_hours: o.service_hours,
        timezone: o.timezone,
        disabled: o.disabled,
    })
}

/// The caller's office with its setup checklist
#[utoipa::path(get, path = "/api/v1/admin/office", operation_id = "getAdminOffice", tag = "Admin",
    responses(
        (status = 200, description = "The office.", body = AdminOffice),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn get_office(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    Ok(ok(office_json(&state, &o.0.office_id).await?))
}

/// The office's public profile.
#[derive(Deserialize, ToSchema)]
#[schema(as = AdminOfficeProfileRequest)]
pub(crate) struct ProfileBody {
    name: String,
    short_name: String,
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    /// http(s) address, or empty.
    #[serde(default)]
    website: String,
    #[serde(default)]
    service_hours: String,
}

/// Change the caller's office's public profile
///
/// Every field is replaced; a refused field is 422 with the field named, and nothing is saved.
#[utoipa::path(put, path = "/api/v1/admin/office", operation_id = "updateAdminOffice", tag = "Admin",
    request_body = ProfileBody,
    responses(
        (status = 200, description = "The office after the change.", body = AdminOffice),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn update_office(
    State(state): State<AppState>,
    o: ApiOfficer,
    ApiJson(b): ApiJson<ProfileBody>,
) -> ApiResult {
    let profile = Profile {
        name: &b.name,
        short_name: &b.short_name,
        address: &b.address,
        phone: &b.phone,
        email: &b.email,
        website: &b.website,
        service_hours: &b.service_hours,
    };
    offices::update_profile(&state, Actor::Officer(&o.0), &o.0.office_id, &profile).await?;
    Ok(ok(office_json(&state, &o.0.office_id).await?))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct StaffList {
    officers: Vec<StaffMember>,
}

/// The office's officers
#[utoipa::path(get, path = "/api/v1/admin/officers", operation_id = "listAdminOfficers", tag = "Admin",
    responses(
        (status = 200, description = "Active first, by name.", body = StaffList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn list_officers(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    Ok(ok(StaffList {
        officers: staff::list(&state, &o.0.office_id).await?,
    }))
}

/// An invitation.
#[derive(Deserialize, ToSchema)]
#[schema(as = InviteOfficerRequest)]
pub(crate) struct InviteBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    /// Shown on documents, e.g. "Kepala Seksi Perizinan".
    #[serde(default)]
    position: String,
    /// Role codes: `front_office`, `back_office`, `kasi`, `kabid`, `kadis`, `tim_teknis`,
    /// `pencetakan`, `pengaduan`, `admin`.
    #[serde(default)]
    roles: Vec<String>,
}

/// Invite an officer
///
/// The officer gets an e-mail with a one-time link (7 days) to set a password.
#[utoipa::path(post, path = "/api/v1/admin/officers", operation_id = "inviteOfficer", tag = "Admin",
    request_body = InviteBody,
    responses(
        (status = 201, description = "Invited.", body = StaffMember),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn invite_officer(
    State(state): State<AppState>,
    o: ApiOfficer,
    ApiJson(b): ApiJson<InviteBody>,
) -> ApiResult {
    let input = staff::InviteInput {
        email: b.email,
        full_name: b.full_name,
        position: b.position,
        roles: b.roles,
    };
    let invited = staff::invite(&state, Actor::Officer(&o.0), &o.0.office_id, &input).await?;
    Ok(created(staff::get(&state, &o.0.office_id, &invited.officer_id).await?))
}

/// One officer of the office
#[utoipa::path(get, path = "/api/v1/admin/officers/{id}", operation_id = "getAdminOfficer", tag = "Admin",
    params(("id" = String, Path, description = "Officer id.")),
    responses(
        (status = 200, description = "The officer with the roles held and since when.", body = StaffMember),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn get_officer(State(state): State<AppState>, o: ApiOfficer, Path(id): Path<String>) -> ApiResult {
    Ok(ok(staff::get(&state, &o.0.office_id, &id).await?))
}

/// The roles an officer is to hold.
#[derive(Deserialize, ToSchema)]
#[schema(as = OfficerRolesRequest)]
pub(crate) struct RolesBody {
    #[serde(default)]
    roles: Vec<String>,
}

/// Set an officer's roles
///
/// Kept roles keep their date; the officer's sessions end so the new rights apply. Taking the
/// office's last active admin's Admin role is 422 `refused`.
#[utoipa::path(put, path = "/api/v1/admin/officers/{id}/roles", operation_id = "setOfficerRoles", tag = "Admin",
    params(("id" = String, Path, description = "Officer id.")),
    request_body = RolesBody,
    responses(
        (status = 200, description = "The officer after the change.", body = StaffMember),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn set_roles(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RolesBody>,
) -> ApiResult {
    staff::set_roles(&state, Actor::Officer(&o.0), &o.0.office_id, &id, &b.roles).await?;
    Ok(ok(staff::get(&state, &o.0.office_id, &id).await?))
}

/// What a step on an officer's account did.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountStep {
    officer: StaffMember,
    /// Deactivation: files the officer held that returned to their desk's queue.
    released_files: u64,
}

/// A step on an officer's account
///
/// `deactivate` (sign-in refused, sessions ended, claimed files back to the queue; not oneself
/// nor the last admin: 422 `refused`), `reactivate`, `reset-mfa` (authenticator and recovery
/// codes cleared), `invite` (a new invitation while the password is not set).
#[utoipa::path(post, path = "/api/v1/admin/officers/{id}/{step}", operation_id = "officerAccountStep", tag = "Admin",
    params(("id" = String, Path, description = "Officer id."),
        ("step" = String, Path, description = "`deactivate`, `reactivate`, `reset-mfa` or `invite`.")),
    responses(
        (status = 200, description = "Done.", body = AccountStep),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn account_step(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path((id, step)): Path<(String, String)>,
) -> ApiResult {
    let (actor, office) = (Actor::Officer(&o.0), o.0.office_id.as_str());
    let released_files = match step.as_str() {
        "deactivate" => staff::deactivate(&state, actor, office, &id).await?,
        "reactivate" => staff::reactivate(&state, actor, office, &id).await.map(|()| 0)?,
        "reset-mfa" => staff::reset_mfa(&state, actor, office, &id).await.map(|()| 0)?,
        "invite" => staff::resend_invitation(&state, actor, office, &id).await.map(|_| 0)?,
        _ => return Err(crate::web::api::ApiError(crate::web::error::WebError::NotFound)),
    };
    Ok(ok(AccountStep {
        officer: staff::get(&state, office, &id).await?,
        released_files,
    }))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditList {
    entries: Vec<AuditEntry>,
}

/// The office's audit of administration, newest first (200 at most)
#[utoipa::path(get, path = "/api/v1/admin/audit", operation_id = "getAdminAudit", tag = "Admin",
    responses(
        (status = 200, description = "Who changed what.", body = AuditList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn audit(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    Ok(ok(AuditList {
        entries: staff::audit_log(&state, &o.0.office_id, None).await?,
    }))
}
