//! The desks over the API: Tugas Saya, the summary, the file, its documents and the actions.

use crate::auth::sessions::SubjectKind;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::applications;
use crate::applications::api::application_json;
use crate::auth::officer::Officer;
use crate::desks::actions::ActOutcome;
use crate::desks::actions::CheckItem;
use crate::desks::actions::DeskAction;
use crate::desks::file::DeskFile;
use crate::desks::file::RevisionItem;
use crate::desks::tasks::DeskFilter;
use crate::web::api::ApiCaller;
use crate::web::api::ApiError;
use crate::web::api::ApiJson;
use crate::web::api::ApiOfficer;
use crate::web::api::ApiResult;
use crate::web::api::ok;
use izinkes_domain::workflow::Position;
use std::collections::BTreeMap;

pub(crate) async fn desk_tasks(
    State(state): State<AppState>,
    o: ApiOfficer,
    Query(filter): Query<DeskFilter>,
) -> ApiResult {
    Ok(ok(json!(crate::desks::tasks::tasks(&state, &o.0, &filter).await?)))
}

pub(crate) async fn desk_summary(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    Ok(ok(
        json!({"steps": crate::desks::summary::summary(&state, &o.0).await?}),
    ))
}

/// The active officers of the caller's office (whom a supervisor can hand a file to).
pub(crate) async fn desk_officers(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    let list = crate::desks::pages::office_officers(&state, &o.0.office_id).await?;
    let officers: Vec<Value> = list
        .into_iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    Ok(ok(json!({"officers": officers})))
}

pub(crate) fn date_text(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The actions this officer can take on the file now: claim or release when the step is theirs
/// and nobody else holds the file, the step's own actions, and reassign for supervisors.
fn allowed_actions(f: &DeskFile, officer: &Officer) -> Vec<&'static str> {
    crate::desks::policy::action_codes(crate::desks::policy::Actor::of(officer), &f.desk())
}

/// The file as an officer of its office sees it: the application plus its place in the
/// workflow, what the officer may do, the step's products, the checks, the revision rounds,
/// the claim, the lock version to send back with an action, and the SLA clock.
fn desk_file_json(f: &DeskFile, officer: &Officer) -> Value {
    let mut body = application_json(&f.view);
    let def = &f.workflow.definition;
    let days = def.step_days(f.view.permit().map(|p| p.sla_working_days).unwrap_or(0));
    let steps: Vec<Value> = def
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = match f.position {
                Position::AtStep { step } if step == i => "current",
                Position::AtStep { step } if i < step => "done",
                Position::WithApplicant { return_to } if return_to == i => "returned",
                Position::WithApplicant { return_to } if i < return_to => "done",
                Position::ReadyToSign => "done",
                _ => "pending",
            };
            json!({
                "key": s.key,
                "name": s.name,
                "role": s.role,
                "role_label": izinkes_domain::roles::role_label(&s.role),
                "sla_share": s.sla_share,
                "working_days": days.get(i),
                "actions": s.actions.iter().map(|a| a.code()).collect::<Vec<_>>(),
                "produces": s.produces,
                "state": state,
            })
        })
        .collect();
    let current = f.current_step().map(|s| {
        let progress = f.progress_for_current();
        json!({
            "key": s.key,
            "name": s.name,
            "role": s.role,
            "role_label": izinkes_domain::roles::role_label(&s.role),
            "produces": s.produces,
            "produced": progress.done.iter().collect::<Vec<_>>(),
        })
    });
    let extra = json!({
        "status_officer": f.view.app.status.label_officer(),
        "workflow": {
            "id": f.workflow.id,
            "key": f.workflow.preset_key,
            "name": def.name,
            "version": f.workflow.version,
            "steps": steps,
        },
        "position": f.position,
        "current_step": current,
        "allowed_actions": allowed_actions(f, officer),
        "products": f.products,
        "checks": f.checks,
        "revision_rounds": f.rounds,
        "internal_notes": f.internal_history.iter().map(|(at, who, note)| json!({"at": at, "actor_name": who, "note": note})).collect::<Vec<_>>(),
        "lock_version": f.lock_version,
        "claimed_by": f.claimed_by.as_ref().map(|(id, name)| json!({"id": id, "name": name})),
        "claimed_by_me": f.claimed_by.as_ref().is_some_and(|(id, _)| id == &officer.id),
        "step_due_on": date_text(f.step_due_on),
        "due_on": date_text(f.due_on),
        "remaining_step_days": f.remaining_step_days,
        "remaining_days": f.remaining_days,
        "sla_paused": f.paused,
    });
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    body
}

pub(crate) async fn desk_file(State(state): State<AppState>, o: ApiOfficer, Path(id): Path<String>) -> ApiResult {
    let f = crate::desks::file::open_file(&state, &o.0, &id).await?;
    Ok(ok(desk_file_json(&f, &o.0)))
}

/// A document attached to a file of the officer's office (every view is logged).
pub(crate) async fn desk_document(
    State(state): State<AppState>,
    c: ApiCaller,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult {
    if c.subject.kind != SubjectKind::Officer {
        return Err(WebError::Forbidden.into());
    }
    let d = applications::attachments::download_attachment(&state, &c.subject, &id, &key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, d.mime.as_str()),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        d.bytes,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReturnItem {
    /// "field" (Tahap 1 or 2) or "document".
    kind: String,
    key: String,
    label: String,
    note: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DeskActionBody {
    action: String,
    lock_version: Option<i64>,
    request_key: String,
    note: String,
    reason: String,
    officer_id: String,
    items: Vec<ReturnItem>,
    checks: Vec<CheckItem>,
    approve: Option<bool>,
    number: String,
    fields: BTreeMap<String, String>,
}

fn one_field(key: &str, message: impl Into<String>) -> ApiError {
    ApiError(ServiceError::field(key, message).into())
}

/// The label the applicant sees for a field of Tahap 1.
fn applicant_field_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => "Nama Pemohon",
        "email" => "Email Pemohon",
        "phone" => "Handphone",
        "address" => "Alamat",
        "village_code" => "Wilayah alamat pemohon",
        "proxy_phone" => "Handphone Kuasa",
        "facility_name" => "Nama Tempat Praktik",
        "location_village_code" => "Lokasi Izin",
        "location_address" => "Detail Alamat Lokasi",
        "company_name" => "Nama Perusahaan",
        "company_address" => "Alamat Perusahaan",
        "company_email" => "Email Perusahaan",
        "company_phone" => "Telepon Perusahaan",
        "company_fax" => "Fax Perusahaan",
        "company_npwp" => "NPWP Perusahaan",
        "business_type" => "Jenis Usaha",
        _ => return None,
    })
}

/// The items named for a revision, checked against the file's permit type, labelled as the
/// applicant knows them when the client sent no label.
fn revision_items(f: &DeskFile, items: Vec<ReturnItem>) -> Result<Vec<RevisionItem>, ApiError> {
    let permit = f.view.permit();
    let mut out = Vec::new();
    for i in items {
        let known = match i.kind.as_str() {
            "document" => permit
                .and_then(|p| p.requirements.iter().find(|r| r.key == i.key))
                .map(|r| r.label.clone()),
            "field" => applicant_field_label(&i.key).map(str::to_string).or_else(|| {
                permit
                    .and_then(|p| p.fields.iter().find(|x| x.key == i.key))
                    .map(|x| x.label.clone())
            }),
            _ => {
                return Err(one_field(
                    "items",
                    "Jenis item perbaikan harus \"field\" atau \"document\".",
                ));
            }
        };
        let Some(label) = known else {
            return Err(one_field(
                "items",
                format!("Isian atau syarat \"{}\" tidak ada pada permohonan ini.", i.key),
            ));
        };
        let label = if i.label.trim().is_empty() { label } else { i.label };
        out.push(RevisionItem {
            kind: i.kind,
            key: i.key,
            label,
            note: i.note,
        });
    }
    Ok(out)
}

fn desk_action_of(f: &DeskFile, b: DeskActionBody) -> Result<DeskAction, ApiError> {
    Ok(match b.action.as_str() {
        "claim" => DeskAction::Claim,
        "release" => DeskAction::Release,
        "reassign" if b.officer_id.trim().is_empty() => {
            return Err(one_field("officer_id", "Pilih petugas kantor ini."));
        }
        "reassign" => DeskAction::Reassign {
            officer_id: b.officer_id,
        },
        "forward" => DeskAction::Forward { note: b.note },
        "return_to_applicant" => DeskAction::ReturnToApplicant {
            items: revision_items(f, b.items)?,
            note: b.note,
        },
        "send_back" => DeskAction::SendBack { note: b.note },
        "reject" => DeskAction::Reject { reason: b.reason },
        "checklist" if b.checks.is_empty() => {
            return Err(one_field(
                "checks",
                "Sertakan hasil pemeriksaan tiap syarat: [{\"key\", \"ok\", \"note\"}].",
            ));
        }
        "checklist" => DeskAction::Checklist { items: b.checks },
        "recommend" => {
            let Some(approve) = b.approve else {
                return Err(one_field(
                    "approve",
                    "Pilih rekomendasi: terbitkan (true) atau tolak (false).",
                ));
            };
            DeskAction::Recommend {
                approve,
                number: b.number,
                note: b.note,
            }
        }
        "prepare_draft" => DeskAction::PrepareDraft { fields: b.fields },
        "paraf" => DeskAction::Paraf { note: b.note },
        "approve" => DeskAction::Approve { note: b.note },
        "record_inspection" => {
            return Err(one_field(
                "action",
                "Berita Acara Pemeriksaan dikirim dengan berkas PDF-nya ke POST /api/v1/desk/applications/{id}/inspection.",
            ));
        }
        other => return Err(one_field("action", format!("Tindakan \"{other}\" tidak dikenal."))),
    })
}

fn lock_missing() -> ApiError {
    one_field(
        "lock_version",
        "Sertakan lock_version berkas seperti yang terakhir Anda lihat.",
    )
}

/// Carries out an action and answers with the outcome and the file as it is now.
async fn run_desk_action(
    state: &AppState,
    officer: &Officer,
    id: &str,
    lock: i64,
    key: &str,
    action: DeskAction,
) -> ApiResult {
    let outcome = match crate::desks::actions::act(state, officer, id, lock, key, action).await? {
        ActOutcome::Done => "done",
        ActOutcome::AlreadyDone => "already_done",
    };
    let f = crate::desks::file::open_file(state, officer, id).await?;
    Ok(ok(
        json!({"outcome": outcome, "application": desk_file_json(&f, officer)}),
    ))
}

pub(crate) async fn desk_action(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DeskActionBody>,
) -> ApiResult {
    // The office scope first: another office's file is 404 whatever the body says.
    let f = crate::desks::file::open_file(&state, &o.0, &id).await?;
    let lock = b.lock_version.ok_or_else(lock_missing)?;
    let key = b.request_key.clone();
    let action = desk_action_of(&f, b)?;
    run_desk_action(&state, &o.0, &id, lock, &key, action).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct InspectionQuery {
    lock_version: String,
    request_key: String,
    date: String,
    officers: String,
    result: String,
    filename: String,
}

/// Records the Berita Acara Pemeriksaan: the raw PDF as the body, the rest in the query.
pub(crate) async fn desk_inspection(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    Query(q): Query<InspectionQuery>,
    body: Bytes,
) -> ApiResult {
    crate::desks::file::open_file(&state, &o.0, &id).await?;
    let lock = q.lock_version.trim().parse::<i64>().map_err(|_| lock_missing())?;
    let filename = if q.filename.trim().is_empty() {
        "berita-acara.pdf".to_string()
    } else {
        q.filename
    };
    let file = (!body.is_empty()).then(|| (filename, body.to_vec()));
    let action = DeskAction::RecordInspection {
        date: q.date,
        officers: q.officers,
        result: q.result,
        file,
    };
    run_desk_action(&state, &o.0, &id, lock, &q.request_key, action).await
}
