//! The office admin's pages for the back office: the working calendar (holidays, cuti bersama,
//! regional days), the SLA settings, and the workflow per permit type (pick a preset, adapt it:
//! rename, reorder, add or remove steps, change roles and SLA shares; checked before publishing).

use super::ctx::OfficerUser;
use super::error::WebError;
use super::pages::{FormBody, PageResult, page, page_with_status};
use super::templates::*;
use crate::calendar::{self, OfficeSettings};
use crate::desks::{self, Officer};
use crate::error::ServiceError;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use izinkes_domain::workflow::{ALL_ROLES, ActionKind, Product, Step, WorkflowDefinition};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/petugas/admin/kalender", get(calendar_page).post(calendar_save))
        .route("/petugas/admin/kalender/hapus", post(holiday_delete))
        .route("/petugas/admin/alur", get(workflows))
        .route("/petugas/admin/alur/{code}", get(workflow_edit).post(workflow_publish))
}

pub(super) fn admin(o: &OfficerUser) -> Result<Officer, WebError> {
    let s = o.visitor.subject.as_ref().ok_or(WebError::OfficerLoginRequired)?;
    let officer = Officer::from_subject(s)?;
    if !officer.has("admin") {
        return Err(WebError::Forbidden);
    }
    Ok(officer)
}

pub(super) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

async fn calendar_view(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    form: FormState,
    notice: &str,
) -> Result<AdminCalendarPage, WebError> {
    let settings = calendar::settings(state, &officer.office_id).await?;
    let rows = calendar::list(state, &officer.office_id).await?;
    Ok(AdminCalendarPage {
        ctx: o.visitor.ctx(state, "Kalender dan jangka waktu", "admin"),
        holidays: rows
            .into_iter()
            .map(|h| AdminHoliday {
                id: h.id,
                national: h.national,
                date: super::fmt::iso_date_id(&h.date),
                kind: match h.kind.as_str() {
                    "libur" => "Libur nasional",
                    "cuti" => "Cuti bersama",
                    _ => "Libur daerah",
                }
                .into(),
                name: h.name,
                decree: h.decree,
            })
            .collect(),
        settings,
        presets: WorkflowDefinition::presets()
            .into_iter()
            .map(|p| (p.key, p.name))
            .collect(),
        form,
        notice: notice.into(),
    })
}

/// The `?info=` of a page shown after a successful form.
#[derive(serde::Deserialize, Default)]
pub(super) struct Info {
    #[serde(default)]
    pub(super) info: String,
}

async fn calendar_page(State(state): State<AppState>, o: OfficerUser, Query(q): Query<Info>) -> PageResult {
    let officer = admin(&o)?;
    let notice = match q.info.as_str() {
        "libur" => "Hari libur ditambahkan.",
        "hapus" => "Hari libur dihapus.",
        "setelan" => "Setelan disimpan.",
        _ => "",
    };
    Ok(page(
        &calendar_view(&state, &o, &officer, FormState::default(), notice).await?,
    ))
}

async fn calendar_save(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let result = if f.get("what") == "settings" {
        let settings = OfficeSettings {
            default_preset: f.get("default_preset"),
            count_cuti_bersama: f.has("count_cuti_bersama"),
            auto_approve_at_deadline: f.has("auto_approve_at_deadline"),
            warning_threshold_pct: f.get("warning_threshold_pct").trim().parse().unwrap_or(0),
            skm_gate: f.has("skm_gate"),
        };
        calendar::save_settings(&state, &officer.office_id, &settings)
            .await
            .map(|_| "setelan")
    } else {
        calendar::add(
            &state,
            &officer.office_id,
            &f.get("date"),
            &f.get("kind"),
            &f.get("name"),
            &f.get("decree"),
        )
        .await
        .map(|_| "libur")
    };
    match result {
        Ok(info) => Ok(see_other(&format!("/petugas/admin/kalender?info={info}"))),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &calendar_view(&state, &o, &officer, FormState::new(f.map(), errors), "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}

async fn holiday_delete(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let id: i64 = f
        .get("id")
        .parse()
        .map_err(|_| WebError::BadRequest("Hari libur tidak dikenal.".into()))?;
    calendar::remove(&state, &officer.office_id, id).await?;
    Ok(see_other("/petugas/admin/kalender?info=hapus"))
}

async fn workflows(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    let officer = admin(&o)?;
    let (_, catalog) = state.current_catalog().await?;
    let current = desks::office_workflow_choices(&state, &officer.office_id).await?;
    let settings = calendar::settings(&state, &officer.office_id).await?;
    let rows = catalog
        .permit_types
        .iter()
        .map(|p| {
            let (name, version) = current.get(&p.code).cloned().unwrap_or_else(|| {
                let preset = WorkflowDefinition::preset(&settings.default_preset)
                    .map(|d| d.name)
                    .unwrap_or_default();
                (format!("{preset} (bawaan kantor)"), 0)
            });
            (p.code.clone(), p.name.clone(), name, version)
        })
        .collect();
    Ok(page(&AdminWorkflowsPage {
        ctx: o.visitor.ctx(&state, "Alur kerja", "admin"),
        rows,
    }))
}

#[derive(serde::Deserialize, Default)]
struct EditQuery {
    #[serde(default)]
    preset: String,
    #[serde(default)]
    info: String,
}

fn step_rows(def: &WorkflowDefinition) -> Vec<StepRow> {
    def.steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepRow {
            index: i,
            order: (i + 1) * 10,
            key: s.key.clone(),
            name: s.name.clone(),
            role: s.role.clone(),
            share: s.sla_share,
            actions: s.actions.iter().map(|a| a.code().to_string()).collect(),
            produces: s.produces.iter().map(|p| p.code().to_string()).collect(),
            description: s.description.clone(),
            public_note: s.public_note.clone().unwrap_or_default(),
        })
        .collect()
}

/// What the workflow editor shows besides the page context.
struct Editing<'a> {
    code: &'a str,
    def: WorkflowDefinition,
    version: i64,
    problems: Vec<String>,
    notice: &'a str,
}

async fn edit_page(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    e: Editing<'_>,
) -> Result<AdminWorkflowEditPage, WebError> {
    let Editing {
        code,
        def,
        version,
        problems,
        notice,
    } = e;
    let (_, catalog) = state.current_catalog().await?;
    let permit = catalog.get(code).ok_or(WebError::NotFound)?;
    let roles = desks::office_roles(state, &officer.office_id).await?;
    let sla = permit.sla_working_days;
    Ok(AdminWorkflowEditPage {
        ctx: o.visitor.ctx(state, "Ubah alur kerja", "admin"),
        code: code.into(),
        permit_name: permit.name.clone(),
        sla,
        days: def.step_days(sla),
        steps: step_rows(&def),
        workflow_key: def.key.clone(),
        workflow_name: def.name.clone(),
        source: def.source.clone(),
        version,
        roles: ALL_ROLES
            .iter()
            .map(|r| (r.to_string(), crate::roles::role_label(r), roles.iter().any(|x| x == r)))
            .collect(),
        actions: ActionKind::ALL
            .iter()
            .map(|a| (a.code().to_string(), a.label_id().to_string()))
            .collect(),
        products: Product::ALL
            .iter()
            .map(|p| (p.code().to_string(), p.label_id().to_string()))
            .collect(),
        presets: WorkflowDefinition::presets()
            .into_iter()
            .map(|p| (p.key, p.name))
            .collect(),
        problems,
        notice: notice.into(),
    })
}

async fn workflow_edit(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
    Query(q): Query<EditQuery>,
) -> PageResult {
    let officer = admin(&o)?;
    let (def, version) = if let Some(p) = WorkflowDefinition::preset(&q.preset) {
        (p, 0)
    } else {
        let v = desks::current_workflow(&state, &officer.office_id, &code).await?;
        (v.definition, v.version)
    };
    let notice = if q.info == "terbit" {
        "Alur kerja diterbitkan. Permohonan yang sedang berjalan tetap memakai versi lamanya."
    } else {
        ""
    };
    Ok(page(
        &edit_page(
            &state,
            &o,
            &officer,
            Editing {
                code: &code,
                def,
                version,
                problems: Vec::new(),
                notice,
            },
        )
        .await?,
    ))
}

/// Reads the step table of the editor: rows ordered by their order number; a row with "hapus"
/// ticked or without a name is dropped; new rows get a key made from their name.
fn definition_from_form(f: &FormBody) -> WorkflowDefinition {
    let mut rows: Vec<(i64, Step)> = Vec::new();
    let count: usize = f.get("rows").parse().unwrap_or(0).min(50);
    for i in 0..count {
        let g = |k: &str| f.get(&format!("s{i}_{k}"));
        let name = g("name").trim().to_string();
        if name.is_empty() || f.has(&format!("s{i}_remove")) {
            continue;
        }
        let mut key = g("key");
        if key.is_empty() {
            key = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
                .split('_')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("_");
            if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
                key = format!("tahap_{key}");
            }
        }
        let actions = f
            .all(&format!("s{i}_actions"))
            .iter()
            .filter_map(|a| ActionKind::from_code(a))
            .collect();
        let produces = f
            .all(&format!("s{i}_produces"))
            .iter()
            .filter_map(|p| Product::ALL.iter().copied().find(|x| x.code() == p))
            .collect();
        let public_note = Some(g("public_note")).filter(|s| !s.trim().is_empty());
        rows.push((
            g("order").trim().parse().unwrap_or((i as i64 + 1) * 10),
            Step {
                key,
                name,
                role: g("role"),
                sla_share: g("share").trim().parse().unwrap_or(0),
                actions,
                produces,
                description: g("description"),
                public_note,
            },
        ));
    }
    rows.sort_by_key(|(o, _)| *o);
    WorkflowDefinition {
        key: f.get("workflow_key"),
        name: crate::accounts::clean_text(&f.get("workflow_name"), 200),
        source: f.get("source"),
        steps: rows.into_iter().map(|(_, s)| s).collect(),
    }
}

async fn workflow_publish(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
    body: Bytes,
) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let def = definition_from_form(&f);
    match desks::publish(&state, &officer.office_id, &code, &def, Some(&officer.id)).await {
        Ok(_) => Ok(see_other(&format!("/petugas/admin/alur/{code}?info=terbit"))),
        Err(ServiceError::Refused(m)) => {
            let problems = m
                .trim_start_matches("Definisi alur kerja tidak sah:")
                .split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_page(
                    &state,
                    &o,
                    &officer,
                    Editing {
                        code: &code,
                        def,
                        version: 0,
                        problems,
                        notice: "",
                    },
                )
                .await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
