//! The admin's Standar Pelayanan pages: every type the office offers with the standard it is
//! served on (`/petugas/admin/standar`), and one type's form with the desks' share of the days
//! and the versions published (`/petugas/admin/standar/{code}`).

use crate::auth::officer::Officer;
use crate::catalog::standards;
use crate::catalog::standards::PublishedStandard;
use crate::desks::workflows;
use crate::office_admin::staff::Actor;
use crate::office_admin::standards::StandardSummary;
use crate::office_admin::standards::publish;
use crate::office_admin::standards::summaries;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::OfficerUser;
use crate::web::extract::admin;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::format_id::thousands;
use izinkes_domain::standard::ServiceStandard;
use izinkes_domain::standard::StepDays;
use izinkes_domain::workflow::WorkflowDefinition;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "office_admin/admin_standards.html")]
pub struct StandardsPage {
    pub ctx: PageCtx,
    pub rows: Vec<StandardSummary>,
}

impl StandardsPage {
    fn rupiah(&self, n: &u64) -> String {
        thousands(i64::try_from(*n).unwrap_or(i64::MAX))
    }
}

pub(crate) async fn standards_page(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    let officer = admin(&o)?;
    Ok(page(&StandardsPage {
        ctx: o.visitor.ctx(&state, "Standar pelayanan", "admin"),
        rows: summaries(&state, &officer.office_id).await?,
    }))
}

/// A published version as the history lists it.
pub struct VersionRow {
    pub version: i64,
    pub at: String,
    pub by: String,
    pub sla_working_days: u32,
}

fn version_row(p: PublishedStandard, tz: izinkes_domain::calendar::OfficeTimeZone) -> VersionRow {
    VersionRow {
        version: p.version,
        at: izinkes_domain::format_id::timestamp_in(&p.published_at, tz),
        by: p.published_by.unwrap_or_else(|| "—".into()),
        sla_working_days: p.standard.sla_working_days,
    }
}

/// One desk of the workflow on the form: its key, name and the days the split gives it.
pub struct DeskDays {
    pub key: String,
    pub name: String,
    pub share: u32,
}

#[derive(Template)]
#[template(path = "office_admin/admin_standard.html")]
pub struct StandardPage {
    pub ctx: PageCtx,
    pub code: String,
    pub permit_name: String,
    pub workflow_name: String,
    pub desks: Vec<DeskDays>,
    /// The SIP ceiling, shown as a hint.
    pub maximum: Option<String>,
    pub versions: Vec<VersionRow>,
    pub form: FormState,
    pub notice: String,
}

fn values_of(s: &ServiceStandard, def: &WorkflowDefinition) -> HashMap<String, String> {
    let mut v = HashMap::new();
    v.insert("sla_working_days".into(), s.sla_working_days.to_string());
    v.insert("fee_rupiah".into(), s.fee_rupiah.to_string());
    v.insert("fee_legal_basis".into(), s.fee_legal_basis.clone());
    v.insert("product".into(), s.product.clone());
    v.insert("contact".into(), s.contact.clone());
    v.insert("complaint_channels".into(), s.complaint_channels.join("\n"));
    v.insert("requirement_notes".into(), s.requirement_notes.clone());
    for (step, days) in def.steps.iter().zip(s.days_per_step(def)) {
        v.insert(format!("hari_{}", step.key), days.to_string());
    }
    v
}

async fn standard_view(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    code: &str,
    form: Option<FormState>,
    notice: &str,
) -> Result<StandardPage, WebError> {
    let (_, catalog) = state.current_catalog().await?;
    let permit = catalog.get(code).ok_or(WebError::NotFound)?;
    check_offered(state, &officer.office_id, code).await?;
    let def = workflows::current_workflow(state, &officer.office_id, code)
        .await?
        .definition;
    let tz = crate::catalog::offices::get(state, &officer.office_id).await?.tz();
    let form = match form {
        Some(f) => f,
        None => {
            let f = standards::in_force(state, &officer.office_id, permit).await?;
            FormState::new(values_of(&f.standard, &def), FieldErrors::new())
        }
    };
    Ok(StandardPage {
        ctx: o.visitor.ctx(state, "Standar pelayanan", "admin"),
        code: code.into(),
        permit_name: permit.name.clone(),
        workflow_name: def.name.clone(),
        desks: def
            .steps
            .iter()
            .map(|s| DeskDays {
                key: s.key.clone(),
                name: s.name.clone(),
                share: s.sla_share,
            })
            .collect(),
        maximum: izinkes_domain::standard::national_maximum(permit)
            .map(|m| format!("Paling lama {} hari kerja menurut {}.", m.days, m.rule)),
        versions: standards::versions(state, &officer.office_id, code)
            .await?
            .into_iter()
            .map(|p| version_row(p, tz))
            .collect(),
        form,
        notice: notice.into(),
    })
}

/// A type of the catalog the office offers; any other code is "not found".
async fn check_offered(state: &AppState, office_id: &str, code: &str) -> Result<(), WebError> {
    let (_, catalog) = state.current_catalog().await?;
    if catalog.get(code).is_none() || !crate::catalog::service::is_enabled(state, office_id, code).await? {
        return Err(WebError::NotFound);
    }
    Ok(())
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct Info {
    #[serde(default)]
    info: String,
}

pub(crate) async fn standard_page(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
    Query(q): Query<Info>,
) -> PageResult {
    let officer = admin(&o)?;
    let notice = if q.info == "terbit" {
        "Standar pelayanan diterbitkan. Permohonan baru memakai versi ini; permohonan yang sudah diajukan tetap memakai versinya."
    } else {
        ""
    };
    Ok(page(&standard_view(&state, &o, &officer, &code, None, notice).await?))
}

/// A whole number from the form, or the field's message.
fn number<T: std::str::FromStr + Default>(f: &FormBody, key: &str, errors: &mut FieldErrors) -> T {
    let raw = f.get(key).trim().replace('.', "");
    match raw.parse() {
        Ok(n) => n,
        Err(_) => {
            errors.insert(key.into(), "Isi dengan bilangan bulat, misalnya 5.".into());
            T::default()
        }
    }
}

/// The form as a standard, or what cannot be read as one.
fn standard_from_form(f: &FormBody, def: &WorkflowDefinition) -> Result<ServiceStandard, FieldErrors> {
    let mut errors = FieldErrors::new();
    let sla_working_days = number(f, "sla_working_days", &mut errors);
    let fee_rupiah = number(f, "fee_rupiah", &mut errors);
    let mut step_days = Vec::new();
    let keys: Vec<String> = def.steps.iter().map(|s| format!("hari_{}", s.key)).collect();
    // Every desk left blank: split by the workflow's shares.
    let split_by_shares = keys.iter().all(|k| f.get(k).trim().is_empty());
    for (s, key) in def.steps.iter().zip(&keys).filter(|_| !split_by_shares) {
        let days = number(f, key, &mut errors);
        step_days.push(StepDays {
            step: s.key.clone(),
            days,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ServiceStandard {
        sla_working_days,
        step_days,
        fee_rupiah,
        fee_legal_basis: f.get("fee_legal_basis"),
        product: f.get("product"),
        contact: f.get("contact"),
        complaint_channels: f.get("complaint_channels").lines().map(str::to_string).collect(),
        requirement_notes: f.get("requirement_notes"),
    })
}

pub(crate) async fn standard_publish(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
    body: Bytes,
) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    check_offered(&state, &officer.office_id, &code).await?;
    let def = workflows::current_workflow(&state, &officer.office_id, &code)
        .await?
        .definition;
    let result = match standard_from_form(&f, &def) {
        Ok(s) => publish(&state, &officer.office_id, Actor::Officer(&officer), &code, s).await,
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/petugas/admin/standar/{code}?info=terbit"))),
        Err(ServiceError::Invalid(errors)) => {
            let form = FormState::new(f.map(), step_errors(errors, &def));
            let view = standard_view(&state, &o, &officer, &code, Some(form), "").await?;
            Ok(page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(e) => Err(e.into()),
    }
}

/// The split's message sits by the first desk's field, so the summary links to it.
fn step_errors(mut errors: FieldErrors, def: &WorkflowDefinition) -> FieldErrors {
    if let (Some(msg), Some(first)) = (errors.remove("step_days"), def.steps.first()) {
        errors.insert(format!("hari_{}", first.key), msg);
    }
    errors
}
