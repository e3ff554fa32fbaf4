//! The revision loop, applicant side: a file returned with itemized notes (Perlu Perbaikan) is
//! fixed — only the fields and documents named — and resubmitted; it goes back to the step (and
//! the officer) that returned it, and the SLA clock restarts. Every round is kept: what was
//! asked, what changed, and both versions of each replaced document.

use crate::applications;
use crate::applications::drafts::check_applicant_data;
use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::applications::view::ApplicantData;
use crate::catalog;
use crate::desks::file::RevisionItem;
use crate::desks::file::RevisionRound;
use crate::desks::file::load_rounds;
use crate::desks::queries;
use crate::notifications;
use crate::notifications::service::Notice;
use crate::notifications::service::Officers;
use crate::office_admin;
use crate::platform::db::now_text;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::files::clean_filename;
use crate::platform::mail;
use crate::platform::uploads::check_file;
use crate::platform::uploads::store_blob;
use crate::state::AppState;
use chrono::Duration;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::catalog::Answers;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::sla;
use izinkes_domain::status::ApplicationStatus;
use izinkes_domain::workflow::Command;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::StepProgress;
use izinkes_domain::workflow::WorkflowDefinition;
use izinkes_domain::workflow::apply;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

/// The round waiting for the applicant, if any.
pub async fn open_round(state: &AppState, app_id: &str) -> ServiceResult<Option<RevisionRound>> {
    Ok(load_rounds(state, app_id)
        .await?
        .into_iter()
        .rev()
        .find(|r| r.resubmitted_at.is_none()))
}

fn data_map(d: &ApplicantData) -> Map<String, Value> {
    match serde_json::to_value(d) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The values of the listed items now (for the round's before/after record).
pub fn snapshot(v: &applications::view::ApplicationView, items: &[RevisionItem]) -> Value {
    let data = data_map(&v.app.data);
    let mut fields = Map::new();
    let mut documents = Map::new();
    for i in items {
        if i.kind == "document" {
            if let Some(a) = v.attachment(&i.key) {
                documents.insert(i.key.clone(), json!({"filename": a.filename, "sha256": a.sha256}));
            }
        } else if let Some(val) = data.get(&i.key) {
            fields.insert(i.key.clone(), val.clone());
        } else {
            fields.insert(
                i.key.clone(),
                json!(v.app.answers.get(&i.key).cloned().unwrap_or_default()),
            );
        }
    }
    json!({"fields": fields, "documents": documents})
}

async fn owned_in_revision(
    state: &AppState,
    applicant_id: &str,
    id: &str,
) -> ServiceResult<(applications::view::ApplicationView, RevisionRound)> {
    let app = applications::view::load_owned(state, applicant_id, id).await?;
    if app.status != ApplicationStatus::NeedsRevision {
        return Err(ServiceError::Refused(
            "Permohonan ini tidak sedang menunggu perbaikan.".into(),
        ));
    }
    let round = open_round(state, id)
        .await?
        .ok_or_else(|| ServiceError::Internal("needs_revision without an open round".into()))?;
    Ok((applications::view::view(state, app).await?, round))
}

/// Saves the fixed fields. Only the fields the officer named can change.
pub async fn save_fields(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    values: &Answers,
) -> ServiceResult<FieldErrors> {
    let (v, round) = owned_in_revision(state, applicant_id, id).await?;
    let permit = v.permit().ok_or(ServiceError::NotFound)?;
    let mut data = data_map(&v.app.data);
    let mut answers = v.app.answers.clone();
    for item in round.items.iter().filter(|i| i.kind == "field") {
        let Some(new) = values.get(&item.key) else { continue };
        if data.contains_key(&item.key) {
            let value = match data.get(&item.key) {
                Some(Value::Bool(_)) => json!(matches!(new.as_str(), "1" | "on" | "true" | "ya")),
                _ => json!(new),
            };
            data.insert(item.key.clone(), value);
        } else if permit.fields.iter().any(|f| f.key == item.key) {
            answers.insert(item.key.clone(), new.trim().to_string());
        }
    }
    let data: ApplicantData = serde_json::from_value(Value::Object(data))?;
    let (cleaned, mut errors) = check_applicant_data(&data, &v.office, permit.holder);
    errors.extend(permit.check_answers(&answers));
    // Report only what the applicant may touch; the rest was valid when submitted.
    let allowed: Vec<&str> = round.items.iter().map(|i| i.key.as_str()).collect();
    errors.retain(|k, _| allowed.contains(&k.as_str()));
    let data = if errors.is_empty() { cleaned } else { data };
    queries::save_revision_data(
        &state.db.pool,
        id,
        serde_json::to_string(&data)?,
        serde_json::to_string(&answers)?,
        now_text(),
    )
    .await?;
    Ok(errors)
}

/// Replaces a named document; the previous version is kept with the round.
pub async fn replace_document(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    key: &str,
    filename: &str,
    bytes: &[u8],
) -> ServiceResult<()> {
    let (v, round) = owned_in_revision(state, applicant_id, id).await?;
    if !round.items.iter().any(|i| i.kind == "document" && i.key == key) {
        return Err(ServiceError::field(key, "Berkas ini tidak diminta untuk diperbaiki."));
    }
    let permit = v.permit().ok_or(ServiceError::NotFound)?;
    let req = permit
        .requirements
        .iter()
        .find(|r| r.key == key)
        .ok_or(ServiceError::NotFound)?;
    let format = check_file(bytes, &req.formats, req.max_size_kb).map_err(|m| ServiceError::field(key, m))?;
    let sha = store_blob(state, bytes, format.mime()).await?;
    let now = now_text();
    let mut tx = state.db.begin().await?;
    if let Some(old) = queries::attached_document(&mut tx, id, key).await? {
        queries::keep_document_version(&mut tx, id, key, round.round, old, &now).await?;
    }
    queries::replace_document(
        &mut tx,
        queries::DocumentWrite {
            app_id: id,
            key,
            filename: clean_filename(filename),
            sha256: &sha,
            mime: format.mime(),
            size: bytes.len() as i64,
            attached_at: &now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Where a resubmitted file goes back to, and its clock after the pause.
struct Return {
    next: Position,
    step: usize,
    step_key: String,
    step_role: String,
    clock: sla::Resumed,
    returned_by: Option<String>,
    lock_version: i64,
}

/// Reads where the file returns to and resumes its SLA clock (DOMAIN rule 5).
async fn plan_return(state: &AppState, v: &applications::view::ApplicationView, id: &str) -> ServiceResult<Return> {
    let row = queries::resume_row(&state.db.pool, id).await?;
    let wf = row
        .workflow_version_id
        .ok_or_else(|| ServiceError::Internal("no workflow".into()))?;
    let def: WorkflowDefinition = serde_json::from_str(&queries::workflow_body(&state.db.pool, &wf).await?)?;
    let position: Position = row
        .position
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| ServiceError::Internal("no position".into()))?;
    let next = apply(&def, position, &StepProgress::default(), &Command::Resubmit)
        .map_err(|e| ServiceError::Refused(e.to_string()))?;
    let Position::AtStep { step } = next else {
        return Err(ServiceError::Internal("resubmit did not return to a step".into()));
    };
    let step_def = def
        .steps
        .get(step)
        .ok_or_else(|| ServiceError::Internal("step out of range".into()))?;
    let cal = office_admin::calendar::for_office(state, &v.office.id).await?;
    let today = catalog::offices::today(&v.office);
    let parse = |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let total = v.standard.standard.sla_working_days;
    let clock = sla::resume(
        &cal,
        parse(row.sla_received_on).unwrap_or(today),
        total,
        row.sla_paused_days,
        parse(row.sla_paused_since).unwrap_or(today),
        today,
        sla::days_of_step(&v.standard.standard.days_per_step(&def), step),
    );
    Ok(Return {
        next,
        step,
        step_key: step_def.key.clone(),
        step_role: step_def.role.clone(),
        clock,
        returned_by: row.returned_by,
        lock_version: row.lock_version,
    })
}

/// Resubmits a fixed file: back to the step and officer that returned it, clock restarted.
pub async fn resubmit(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<Result<(), FieldErrors>> {
    let (v, round) = owned_in_revision(state, applicant_id, id).await?;
    let problems = applications::submit::check_complete(&v);
    if !problems.is_empty() {
        return Ok(Err(problems.all()));
    }
    let back = plan_return(state, &v, id).await?;
    let officer = match &back.returned_by {
        Some(o) => queries::active_officer(&state.db.pool, o).await?,
        None => None,
    };
    let now = Utc::now();
    let after = snapshot(&v, &round.items);
    let before = queries::round_changes(&state.db.pool, id, round.round)
        .await?
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        .and_then(|v| v.get("before").cloned())
        .unwrap_or(Value::Null);
    let status = if back.step == 0 { "submitted" } else { "in_process" };

    let mut tx = state.db.begin().await?;
    let updated = queries::resume_file(
        &mut tx,
        queries::ResumeWrite {
            status,
            position: serde_json::to_string(&back.next)?,
            step_key: &back.step_key,
            step_role: &back.step_role,
            now: ts(now),
            step_due_on: back.clock.step_due_on.format("%Y-%m-%d").to_string(),
            paused_days: back.clock.paused_days,
            due_on: back.clock.due_on.format("%Y-%m-%d").to_string(),
            // The officer who asked gets the file back, held for them for a working day.
            claimed_by: officer.as_ref().map(|_| back.returned_by.clone().unwrap_or_default()),
            claimed_until: officer.as_ref().map(|_| ts(now + Duration::hours(8))),
            app_id: id,
            lock_version: back.lock_version,
        },
    )
    .await?;
    if !updated {
        tx.rollback().await?;
        return Err(ServiceError::Conflict(
            "Permohonan ini baru saja berubah; muat ulang halaman.".into(),
        ));
    }
    queries::close_round(
        &mut tx,
        id,
        round.round,
        ts(now),
        json!({"before": before, "after": after}).to_string(),
    )
    .await?;
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &v.office.id,
            application_id: id,
            actor_kind: "applicant",
            actor_id: Some(applicant_id),
            actor_name: &v.app.data.name,
            actor_role: Some("Pemohon"),
            action: "ajukan_ulang",
            from_status: Some("needs_revision"),
            to_status: status,
            step: Some(&back.step_key),
            public_note: Some("Perbaikan diajukan; berkas kembali ke petugas yang memintanya."),
            internal_note: None,
        },
    )
    .await?;
    if let Some(o) = &officer {
        notify_officer(state, &mut tx, &v, &round, id, &o.id).await?;
    }
    tx.commit().await?;
    state.desks_changed(&v.office.id);
    state.wake_outbox();
    Ok(Ok(()))
}

/// Tells the officer who asked that the fixed file is back on their desk.
async fn notify_officer(
    state: &AppState,
    tx: &mut crate::platform::db::Tx,
    v: &applications::view::ApplicationView,
    round: &RevisionRound,
    id: &str,
    officer_id: &str,
) -> ServiceResult<()> {
    let number = v.app.registration_number.as_deref().unwrap_or_default();
    let base_url = state.config.base_url.trim_end_matches('/');
    let mail = mail::RevisionSubmitted {
        number,
        round: round.round,
        base_url,
        app_id: id,
    };
    let text = format!("Perbaikan permohonan {number} diajukan; berkas kembali ke meja Anda.");
    let notice = Notice::new("desk", &mail, text, format!("{base_url}/petugas/berkas/{id}"))?.about(id);
    let officers = [officer_id.to_string()];
    notifications::service::to_officers(tx, &v.office.id, Officers::Ids(&officers), &notice).await
}

/// Starts a new draft from a rejected (or any own) application, with the same data and files.
pub async fn restart_from(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<String> {
    let app = applications::view::load_owned(state, applicant_id, id).await?;
    if app.status != ApplicationStatus::Rejected {
        return Err(ServiceError::Refused(
            "Hanya permohonan yang ditolak yang dapat diajukan ulang sebagai permohonan baru.".into(),
        ));
    }
    let applicant = crate::accounts::profile::load_applicant(state, applicant_id).await?;
    let new_id = applications::drafts::copy_as_draft(state, &applicant, &app).await?;
    Ok(new_id)
}
