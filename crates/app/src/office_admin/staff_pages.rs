//! The admin's pages for the office: its home with the setup checklist, the office profile,
//! the officers (invite, roles, deactivate, reactivate, reset the second factor, invite again,
//! audit), and the invited officer's page to set a password.

use crate::auth::officer::Officer;
use crate::catalog::offices::Profile;
use crate::office_admin::offices;
use crate::office_admin::staff;
use crate::office_admin::staff::{Actor, AuditEntry, StaffMember};
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::{OfficerUser, Visitor, admin};
use crate::web::form::FormBody;
use crate::web::view::{FormState, PageCtx, PageResult, page, page_with_status, see_other};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use izinkes_domain::roles::Role;

/// The `?info=` shown after a successful form.
#[derive(serde::Deserialize, Default)]
pub(crate) struct Info {
    #[serde(default)]
    info: String,
}

/// An officer as the pages show them: dates in Indonesian.
pub struct StaffView {
    pub m: StaffMember,
    pub since: String,
    pub roles: Vec<(String, String)>,
}

fn staff_view(m: StaffMember) -> StaffView {
    let date = |s: &str| izinkes_domain::format_id::iso_date_id(s.get(..10).unwrap_or(s));
    StaffView {
        since: date(&m.created_at),
        roles: m
            .roles
            .iter()
            .map(|r| {
                (
                    r.label.clone(),
                    r.since.as_deref().map(date).unwrap_or_else(|| "—".into()),
                )
            })
            .collect(),
        m,
    }
}

pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub subject: String,
    pub detail: String,
}

fn audit_view(e: AuditEntry, tz: izinkes_domain::calendar::OfficeTimeZone) -> AuditView {
    AuditView {
        at: izinkes_domain::format_id::timestamp_in(&e.at, tz),
        actor: e.actor,
        subject: e.subject,
        detail: e.detail,
    }
}

fn role_options() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), r.label_id())).collect()
}

// ---------------------------------------------------------------------------------------------
// The admin's home and the office profile

#[derive(Template)]
#[template(path = "office_admin/admin_home.html")]
pub struct AdminHomePage {
    pub ctx: PageCtx,
    /// Empty unless the calendar covers less than the next 60 days.
    pub calendar_warning: String,
    pub office: crate::catalog::offices::Office,
    pub items: Vec<offices::SetupItem>,
    pub missing: usize,
    pub form: FormState,
    pub notice: String,
}

async fn home_view(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    form: FormState,
    notice: &str,
) -> Result<AdminHomePage, WebError> {
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    let items = offices::checklist(state, &officer.office_id).await?;
    let form = if form.values.is_empty() {
        let mut values = std::collections::HashMap::new();
        for (k, v) in [
            ("name", &office.name),
            ("short_name", &office.short_name),
            ("address", &office.address),
            ("phone", &office.phone),
            ("email", &office.email),
            ("website", &office.website),
            ("service_hours", &office.service_hours),
        ] {
            values.insert(k.to_string(), v.clone());
        }
        FormState::new(values, form.errors)
    } else {
        form
    };
    let calendar_warning = crate::office_admin::calendar::coverage_warning(state, &office)
        .await?
        .unwrap_or_default();
    Ok(AdminHomePage {
        ctx: o.visitor.ctx(state, "Pengaturan kantor", "admin"),
        calendar_warning,
        missing: items.iter().filter(|i| !i.done).count(),
        items,
        office,
        form,
        notice: notice.into(),
    })
}

pub(crate) async fn home(State(state): State<AppState>, o: OfficerUser, Query(q): Query<Info>) -> PageResult {
    let officer = admin(&o)?;
    let notice = if q.info == "profil" {
        "Profil kantor disimpan."
    } else {
        ""
    };
    Ok(page(
        &home_view(&state, &o, &officer, FormState::default(), notice).await?,
    ))
}

pub(crate) async fn save_profile(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let (name, short_name, address, phone, email, website, hours) = (
        f.get("name"),
        f.get("short_name"),
        f.get("address"),
        f.get("phone"),
        f.get("email"),
        f.get("website"),
        f.get("service_hours"),
    );
    let profile = Profile {
        name: &name,
        short_name: &short_name,
        address: &address,
        phone: &phone,
        email: &email,
        website: &website,
        service_hours: &hours,
    };
    match offices::update_profile(&state, Actor::Officer(&officer), &officer.office_id, &profile).await {
        Ok(_) => Ok(see_other("/petugas/admin?info=profil#profil")),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &home_view(&state, &o, &officer, FormState::new(f.map(), errors), "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Officers

#[derive(Template)]
#[template(path = "office_admin/admin_staff.html")]
pub struct StaffPage {
    pub ctx: PageCtx,
    pub staff: Vec<StaffView>,
    pub roles: Vec<(&'static str, &'static str)>,
    pub audit: Vec<AuditView>,
    pub form: FormState,
    pub notice: String,
}

async fn staff_page(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    form: FormState,
    notice: &str,
) -> Result<StaffPage, WebError> {
    let tz = crate::catalog::offices::get(state, &officer.office_id).await?.tz();
    Ok(StaffPage {
        ctx: o.visitor.ctx(state, "Petugas kantor", "admin"),
        staff: staff::list(state, &officer.office_id)
            .await?
            .into_iter()
            .map(staff_view)
            .collect(),
        roles: role_options(),
        audit: staff::audit_log(state, &officer.office_id, None)
            .await?
            .into_iter()
            .take(30)
            .map(|e| audit_view(e, tz))
            .collect(),
        form,
        notice: notice.into(),
    })
}

pub(crate) async fn staff_list(State(state): State<AppState>, o: OfficerUser, Query(q): Query<Info>) -> PageResult {
    let officer = admin(&o)?;
    let notice = match q.info.as_str() {
        "undangan" => "Undangan terkirim ke e-mail petugas.",
        _ => "",
    };
    Ok(page(
        &staff_page(&state, &o, &officer, FormState::default(), notice).await?,
    ))
}

pub(crate) async fn invite(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let input = staff::InviteInput {
        email: f.get("email"),
        full_name: f.get("full_name"),
        position: f.get("position"),
        roles: f.all("roles"),
    };
    match staff::invite(&state, Actor::Officer(&officer), &officer.office_id, &input).await {
        Ok(_) => Ok(see_other("/petugas/admin/petugas?info=undangan")),
        Err(ServiceError::Invalid(errors)) => {
            let mut values = f.map();
            values.insert("roles".into(), f.all("roles").join(","));
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &staff_page(&state, &o, &officer, FormState::new(values, errors), "").await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "office_admin/admin_officer.html")]
pub struct OfficerPage {
    pub ctx: PageCtx,
    pub s: StaffView,
    pub roles: Vec<(&'static str, &'static str)>,
    pub held: Vec<String>,
    pub audit: Vec<AuditView>,
    pub is_self: bool,
    pub error: String,
    pub notice: String,
}

async fn officer_page(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    id: &str,
    error: &str,
    notice: &str,
) -> Result<OfficerPage, WebError> {
    let tz = crate::catalog::offices::get(state, &officer.office_id).await?.tz();
    let m = staff::get(state, &officer.office_id, id).await?;
    Ok(OfficerPage {
        ctx: o.visitor.ctx(state, &m.full_name, "admin"),
        held: m.roles.iter().map(|r| r.role.clone()).collect(),
        audit: staff::audit_log(state, &officer.office_id, Some(id))
            .await?
            .into_iter()
            .map(|e| audit_view(e, tz))
            .collect(),
        is_self: officer.id == id,
        s: staff_view(m),
        roles: role_options(),
        error: error.into(),
        notice: notice.into(),
    })
}

pub(crate) async fn officer_detail(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    Query(q): Query<Info>,
) -> PageResult {
    let officer = admin(&o)?;
    let notice = match q.info.as_str() {
        "peran" => "Peran disimpan. Sesi petugas diakhiri agar hak aksesnya yang baru berlaku.",
        "nonaktif" => "Petugas dinonaktifkan; berkas yang dipegangnya kembali ke antrean.",
        "aktif" => "Petugas diaktifkan kembali.",
        "2fa" => "Autentikator direset; petugas mendaftarkannya lagi saat masuk.",
        "undangan" => "Undangan baru terkirim.",
        _ => "",
    };
    Ok(page(&officer_page(&state, &o, &officer, &id, "", notice).await?))
}

/// One of the officer page's buttons: `peran`, `nonaktif`, `aktif`, `reset-2fa`, `undang-ulang`.
pub(crate) async fn officer_action(
    State(state): State<AppState>,
    o: OfficerUser,
    Path((id, what)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let officer = admin(&o)?;
    let actor = Actor::Officer(&officer);
    let office = officer.office_id.clone();
    let f = FormBody::parse(&body);
    let done = match what.as_str() {
        "peran" => staff::set_roles(&state, actor, &office, &id, &f.all("roles"))
            .await
            .map(|()| "peran"),
        "nonaktif" => staff::deactivate(&state, actor, &office, &id).await.map(|_| "nonaktif"),
        "aktif" => staff::reactivate(&state, actor, &office, &id).await.map(|()| "aktif"),
        "reset-2fa" => staff::reset_mfa(&state, actor, &office, &id).await.map(|()| "2fa"),
        "undang-ulang" => staff::resend_invitation(&state, actor, &office, &id)
            .await
            .map(|_| "undangan"),
        _ => return Err(WebError::NotFound),
    };
    match done {
        Ok(info) => Ok(see_other(&format!("/petugas/admin/petugas/{id}?info={info}"))),
        Err(ServiceError::Invalid(errors)) => {
            let message = errors.values().cloned().collect::<Vec<_>>().join(" ");
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &officer_page(&state, &o, &officer, &id, &message, "").await?,
            ))
        }
        Err(ServiceError::Refused(message)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &officer_page(&state, &o, &officer, &id, &message, "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The invited officer

#[derive(Template)]
#[template(path = "office_admin/invitation.html")]
pub struct InvitationPage {
    pub ctx: PageCtx,
    pub name: String,
    pub email: String,
    pub token: String,
    pub form: FormState,
}

pub(crate) async fn invitation_form(
    State(state): State<AppState>,
    v: Visitor,
    Path(token): Path<String>,
) -> PageResult {
    let (name, email) = staff::invitation(&state, &token).await.map_err(|_| invalid_link())?;
    Ok(page(&InvitationPage {
        ctx: v.ctx(&state, "Buat kata sandi petugas", ""),
        name,
        email,
        token,
        form: FormState::default(),
    }))
}

fn invalid_link() -> WebError {
    WebError::Refused(
        "Tautan undangan ini tidak berlaku lagi (sudah dipakai atau lewat 7 hari). Mintalah Admin Kantor mengirim undangan baru."
            .into(),
    )
}

pub(crate) async fn invitation_accept(
    State(state): State<AppState>,
    v: Visitor,
    Path(token): Path<String>,
    body: Bytes,
) -> PageResult {
    let f = FormBody::parse(&body);
    match staff::accept_invitation(&state, &token, &f.get("password"), &f.get("password_confirm")).await {
        Ok(_) => Ok(see_other("/petugas/masuk?info=undangan")),
        Err(ServiceError::Invalid(errors)) => {
            let (name, email) = staff::invitation(&state, &token).await.map_err(|_| invalid_link())?;
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &InvitationPage {
                    ctx: v.ctx(&state, "Buat kata sandi petugas", ""),
                    name,
                    email,
                    token,
                    form: FormState::new(std::collections::HashMap::new(), errors),
                },
            ))
        }
        Err(ServiceError::NotFound) => Err(invalid_link()),
        Err(e) => Err(e.into()),
    }
}
