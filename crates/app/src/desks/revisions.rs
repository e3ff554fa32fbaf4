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
use crate::office_admin;
use crate::platform::db::now_text;
use crate::platform::db::opt_text;
use crate::platform::db::parse_ts;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::files::clean_filename;
use crate::platform::outbox::enqueue_email;
use crate::platform::uploads::check_file;
use crate::platform::uploads::store_blob;
use crate::state::AppState;
use chrono::Duration;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::catalog::Answers;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::status::ApplicationStatus;
use izinkes_domain::workflow::Command;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::StepProgress;
use izinkes_domain::workflow::WorkflowDefinition;
use izinkes_domain::workflow::apply;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;
use sqlx::Row;

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
    let (cleaned, mut errors) = check_applicant_data(&data, &v.office);
    errors.extend(permit.check_answers(&answers));
    // Report only what the applicant may touch; the rest was valid when submitted.
    let allowed: Vec<&str> = round.items.iter().map(|i| i.key.as_str()).collect();
    errors.retain(|k, _| allowed.contains(&k.as_str()));
    let data = if errors.is_empty() { cleaned } else { data };
    sqlx::query("UPDATE applications SET applicant_data = $1, answers = $2, updated_at = $3 WHERE id = $4 AND status = 'needs_revision'")
        .bind(serde_json::to_string(&data)?)
        .bind(serde_json::to_string(&answers)?)
        .bind(now_text())
        .bind(id)
        .execute(&state.db.pool)
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
    let old = sqlx::query("SELECT filename, sha256, mime, size, attached_at FROM application_documents WHERE application_id = $1 AND requirement_key = $2")
        .bind(id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(o) = old {
        sqlx::query(
            "INSERT INTO application_document_versions (application_id, requirement_key, round, filename, sha256, mime, size, attached_at, replaced_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(key)
        .bind(round.round)
        .bind(o.try_get::<String, _>("filename")?)
        .bind(o.try_get::<String, _>("sha256")?)
        .bind(o.try_get::<String, _>("mime")?)
        .bind(o.try_get::<i64, _>("size")?)
        .bind(o.try_get::<String, _>("attached_at")?)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM application_documents WHERE application_id = $1 AND requirement_key = $2")
        .bind(id)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO application_documents (application_id, requirement_key, document_id, filename, sha256, mime, size, attached_at) VALUES ($1, $2, NULL, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(key)
    .bind(clean_filename(filename))
    .bind(&sha)
    .bind(format.mime())
    .bind(bytes.len() as i64)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Resubmits a fixed file: back to the step and officer that returned it, clock restarted.
pub async fn resubmit(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<Result<(), FieldErrors>> {
    let (v, round) = owned_in_revision(state, applicant_id, id).await?;
    let problems = applications::submit::check_complete(&v);
    if !problems.is_empty() {
        return Ok(Err(problems.all()));
    }
    let row = sqlx::query(
        "SELECT workflow_version_id, position, sla_received_on, sla_paused_days, sla_paused_since, returned_by, lock_version FROM applications WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&state.db.pool)
    .await?;
    let wf: String =
        opt_text(&row, "workflow_version_id")?.ok_or_else(|| ServiceError::Internal("no workflow".into()))?;
    let body: String = sqlx::query_scalar("SELECT body FROM workflow_versions WHERE id = $1")
        .bind(&wf)
        .fetch_one(&state.db.pool)
        .await?;
    let def: WorkflowDefinition = serde_json::from_str(&body)?;
    let position: Position = opt_text(&row, "position")?
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
    let received = parse(opt_text(&row, "sla_received_on")?).unwrap_or(today);
    let paused_since = parse(opt_text(&row, "sla_paused_since")?).unwrap_or(today);
    let paused_total = row.try_get::<i64, _>("sla_paused_days")? + cal.working_days_between(paused_since, today).max(0);
    let total = v.permit().map(|p| p.sla_working_days).unwrap_or(0);
    let due = cal.add_working_days(received, total + paused_total.max(0) as u32);
    let step_days = def.step_days(total);
    let step_due = cal.add_working_days(today, step_days.get(step).copied().unwrap_or(0));
    let returned_by = opt_text(&row, "returned_by")?;
    let officer = match &returned_by {
        Some(o) => {
            sqlx::query("SELECT id, email, full_name FROM officers WHERE id = $1 AND active = 1")
                .bind(o)
                .fetch_optional(&state.db.pool)
                .await?
        }
        None => None,
    };
    let lock: i64 = row.try_get("lock_version")?;
    let now = Utc::now();
    let after = snapshot(&v, &round.items);
    let before = sqlx::query_scalar::<_, Option<String>>(
        "SELECT changes FROM revision_rounds WHERE application_id = $1 AND round = $2",
    )
    .bind(id)
    .bind(round.round)
    .fetch_one(&state.db.pool)
    .await?
    .and_then(|s| serde_json::from_str::<Value>(&s).ok())
    .and_then(|v| v.get("before").cloned())
    .unwrap_or(Value::Null);

    let mut tx = state.db.begin().await?;
    let updated = sqlx::query(
        "UPDATE applications SET status = $1, position = $2, step_key = $3, step_role = $4, step_entered_at = $5, step_due_on = $6, \
           sla_paused_days = $7, sla_paused_since = NULL, due_on = $8, escalated_step = NULL, claimed_by = $9, claimed_until = $10, \
           updated_at = $5, lock_version = lock_version + 1 WHERE id = $11 AND lock_version = $12 AND status = 'needs_revision'",
    )
    .bind(if step == 0 { "submitted" } else { "in_process" })
    .bind(serde_json::to_string(&next)?)
    .bind(&step_def.key)
    .bind(&step_def.role)
    .bind(ts(now))
    .bind(step_due.format("%Y-%m-%d").to_string())
    .bind(paused_total)
    .bind(due.format("%Y-%m-%d").to_string())
    .bind(officer.as_ref().map(|_| returned_by.clone().unwrap_or_default()))
    .bind(officer.as_ref().map(|_| ts(now + Duration::hours(8))))
    .bind(id)
    .bind(lock)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ServiceError::Conflict(
            "Permohonan ini baru saja berubah; muat ulang halaman.".into(),
        ));
    }
    sqlx::query(
        "UPDATE revision_rounds SET resubmitted_at = $1, changes = $2 WHERE application_id = $3 AND round = $4",
    )
    .bind(ts(now))
    .bind(json!({"before": before, "after": after}).to_string())
    .bind(id)
    .bind(round.round)
    .execute(&mut *tx)
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
            to_status: if step == 0 { "submitted" } else { "in_process" },
            step: Some(&step_def.key),
            public_note: Some("Perbaikan diajukan; berkas kembali ke petugas yang memintanya."),
            internal_note: None,
        },
    )
    .await?;
    if let Some(o) = &officer {
        let email: String = o.try_get("email")?;
        let number = v.app.registration_number.clone().unwrap_or_default();
        enqueue_email(
            &mut tx,
            Some(&v.office.id),
            &email,
            &format!("Perbaikan diajukan: {number}"),
            &format!(
                "Pemohon telah mengajukan perbaikan berkas {number} (putaran {}). Berkas kembali ke meja Anda.\n{}/petugas/berkas/{id}\n",
                round.round,
                state.config.base_url.trim_end_matches('/')
            ),
        )
        .await?;
    }
    tx.commit().await?;
    state.desks_changed(&v.office.id);
    state.wake_outbox();
    let _ = parse_ts;
    Ok(Ok(()))
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
