//! The office admin's workflow pages: the workflow per permit type (pick a preset, adapt it:
//! rename, reorder, add or remove steps, change roles and SLA shares; checked before publishing).

use crate::auth::officer::Officer;
use crate::desks;
use crate::office_admin;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::OfficerUser;
use crate::web::extract::admin;
use crate::web::form::FormBody;
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
use izinkes_domain::workflow::ALL_ROLES;
use izinkes_domain::workflow::ActionKind;
use izinkes_domain::workflow::Product;
use izinkes_domain::workflow::Step;
use izinkes_domain::workflow::WorkflowDefinition;

pub(crate) async fn workflows(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    let officer = admin(&o)?;
    let (_, catalog) = state.current_catalog().await?;
    let current = desks::workflows::office_workflow_choices(&state, &officer.office_id).await?;
    let settings = office_admin::settings::settings(&state, &officer.office_id).await?;
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
pub(crate) struct EditQuery {
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
pub(crate) struct Editing<'a> {
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
    let roles = desks::workflows::office_roles(state, &officer.office_id).await?;
    let standard = crate::catalog::standards::in_force(state, &officer.office_id, permit).await?;
    let sla = standard.standard.sla_working_days;
    Ok(AdminWorkflowEditPage {
        ctx: o.visitor.ctx(state, "Ubah alur kerja", "admin"),
        code: code.into(),
        permit_name: permit.name.clone(),
        sla,
        days: standard.standard.days_per_step(&def),
        steps: step_rows(&def),
        workflow_key: def.key.clone(),
        workflow_name: def.name.clone(),
        source: def.source.clone(),
        version,
        roles: ALL_ROLES
            .iter()
            .map(|r| {
                (
                    r.to_string(),
                    izinkes_domain::roles::role_label(r),
                    roles.iter().any(|x| x == r),
                )
            })
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

pub(crate) async fn workflow_edit(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
    Query(q): Query<EditQuery>,
) -> PageResult {
    let officer = admin(&o)?;
    let (def, version) = if let Some(p) = WorkflowDefinition::preset(&q.preset) {
        (p, 0)
    } else {
        let v = desks::workflows::current_workflow(&state, &officer.office_id, &code).await?;
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
        name: crate::platform::text::clean_text(&f.get("workflow_name"), 200),
        source: f.get("source"),
        steps: rows.into_iter().map(|(_, s)| s).collect(),
    }
}

pub(crate) async fn workflow_publish(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
    body: Bytes,
) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let def = definition_from_form(&f);
    match desks::workflows::publish(&state, &officer.office_id, &code, &def, Some(&officer.id)).await {
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

#[derive(Template)]
#[template(path = "office_admin/admin_workflows.html")]
pub struct AdminWorkflowsPage {
    pub ctx: PageCtx,
    /// (permit code, permit name, workflow name, version; 0 = not yet published)
    pub rows: Vec<(String, String, String, i64)>,
}

pub struct StepRow {
    pub index: usize,
    pub order: usize,
    pub key: String,
    pub name: String,
    pub role: String,
    pub share: u32,
    pub actions: Vec<String>,
    pub produces: Vec<String>,
    pub description: String,
    pub public_note: String,
}

impl StepRow {
    pub fn has_action(&self, a: &str) -> bool {
        self.actions.iter().any(|x| x == a)
    }
    pub fn has_product(&self, p: &str) -> bool {
        self.produces.iter().any(|x| x == p)
    }
}

#[derive(Template)]
#[template(path = "office_admin/admin_workflow_edit.html")]
pub struct AdminWorkflowEditPage {
    pub ctx: PageCtx,
    pub code: String,
    pub permit_name: String,
    pub sla: u32,
    pub days: Vec<u32>,
    pub steps: Vec<StepRow>,
    pub workflow_key: String,
    pub workflow_name: String,
    pub source: String,
    pub version: i64,
    /// (role code, label, held by an officer of this office)
    pub roles: Vec<(String, String, bool)>,
    pub actions: Vec<(String, String)>,
    pub products: Vec<(String, String)>,
    pub presets: Vec<(String, String)>,
    pub problems: Vec<String>,
    pub notice: String,
}

impl AdminWorkflowEditPage {
    pub fn day(&self, i: &usize) -> u32 {
        self.days.get(*i).copied().unwrap_or(0)
    }
    pub fn row_count(&self) -> usize {
        self.steps.len() + 2
    }
    /// Indexes of the empty rows for new steps.
    pub fn extra_rows(&self) -> Vec<usize> {
        vec![self.steps.len(), self.steps.len() + 1]
    }
}
