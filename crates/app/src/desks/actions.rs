//! The actions at a desk: claim, release and reassign, forward, return to the applicant, send
//! back, reject, and the products of a step (checklist, inspection, recommendation, draft SK,
//! paraf, approval).
//!
//! The rules of moving a file live in `izinkes_domain::workflow::apply`; this module loads the
//! state, asks the rules, and writes the result — position, products, history and outbox — in
//! one transaction guarded by the application's `lock_version`.

use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::applications::view::ApplicationView;
use crate::auth::officer::Officer;
use crate::catalog;
use crate::desks::file::DeskFile;
use crate::desks::file::RevisionItem;
use crate::desks::file::open_file;
use crate::office_admin;
use crate::platform::db::Tx;
use crate::platform::db::date_text;
use crate::platform::db::parse_date;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::outbox::enqueue_email;
use crate::platform::text::clean_text;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::workflow::Command;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::Product;
use izinkes_domain::workflow::apply;
use serde::Deserialize;
use serde::Serialize;
use std::collections::BTreeMap;

/// How long taking a file keeps it for one officer.
pub const CLAIM_MINUTES: i64 = 30;

// ---------------------------------------------------------------------------------------------
// Actions

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckItem {
    pub key: String,
    pub ok: bool,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug)]
pub enum DeskAction {
    Claim,
    Release,
    Reassign {
        officer_id: String,
    },
    Forward {
        note: String,
    },
    ReturnToApplicant {
        items: Vec<RevisionItem>,
        note: String,
    },
    SendBack {
        note: String,
    },
    Reject {
        reason: String,
    },
    Checklist {
        items: Vec<CheckItem>,
    },
    RecordInspection {
        date: String,
        officers: String,
        result: String,
        file: Option<(String, Vec<u8>)>,
    },
    Recommend {
        approve: bool,
        number: String,
        note: String,
    },
    PrepareDraft {
        fields: BTreeMap<String, String>,
    },
    Paraf {
        note: String,
    },
    Approve {
        note: String,
    },
}

pub enum ActOutcome {
    Done,
    /// The same request (double click, retry) was already carried out.
    AlreadyDone,
}

fn conflict() -> ServiceError {
    ServiceError::Conflict(
        "Berkas ini baru saja diubah oleh petugas lain (atau oleh permintaan sebelumnya). Tampilan sudah diperbarui; periksa kembali sebelum bertindak."
            .into(),
    )
}

fn status_for(position: Position) -> &'static str {
    match position {
        Position::AtStep { step: 0 } => "submitted",
        Position::AtStep { .. } => "in_process",
        Position::WithApplicant { .. } => "needs_revision",
        Position::ReadyToSign => "ready_to_sign",
        Position::Rejected => "rejected",
    }
}

fn product_text(data: &BTreeMap<&str, String>) -> String {
    serde_json::to_string(data).unwrap_or_else(|_| "{}".into())
}

/// Carries out one desk action. `lock_version` is the version the officer saw: if the file
/// changed since, nothing happens and the officer gets a clear message. `request_key` makes a
/// repeated request (double click, network retry) a no-op.
pub async fn act(
    state: &AppState,
    officer: &Officer,
    app_id: &str,
    lock_version: i64,
    request_key: &str,
    action: DeskAction,
) -> ServiceResult<ActOutcome> {
    let outcome = act_once(state, officer, app_id, lock_version, request_key, action).await;
    // Whatever happened has committed or rolled back: the desks of the office read afresh.
    state.desks_changed(&officer.office_id);
    outcome
}

async fn act_once(
    state: &AppState,
    officer: &Officer,
    app_id: &str,
    lock_version: i64,
    request_key: &str,
    action: DeskAction,
) -> ServiceResult<ActOutcome> {
    // A repeated request (double click, network retry) is answered before anything else.
    if !request_key.is_empty() {
        let seen: Option<String> = sqlx::query_scalar("SELECT application_id FROM action_requests WHERE key = $1")
            .bind(request_key)
            .fetch_optional(&state.db.pool)
            .await?;
        if seen.as_deref() == Some(app_id) {
            return Ok(ActOutcome::AlreadyDone);
        }
    }
    let file = open_file(state, officer, app_id).await?;
    // The officer acted on what they saw; if the file changed since, say so before anything else.
    if file.lock_version != lock_version {
        return Err(conflict());
    }
    let office = file.view.office.clone();
    let now = Utc::now();

    // Validate input and prepare blobs before taking the write lock.
    let mut errors = FieldErrors::new();
    let mut ba_file: Option<(String, String, i64)> = None;
    match &action {
        DeskAction::ReturnToApplicant { items, .. } if items.iter().all(|i| i.note.trim().is_empty()) => {
            errors.insert(
                "items".into(),
                "Pilih isian atau berkas yang perlu diperbaiki dan tuliskan catatannya.".into(),
            );
        }
        DeskAction::SendBack { note } if note.trim().is_empty() => {
            errors.insert(
                "note".into(),
                "Tuliskan alasan berkas dikembalikan ke tahap sebelumnya.".into(),
            );
        }
        DeskAction::Reject { reason } if reason.trim().chars().count() < 10 => {
            errors.insert(
                "reason".into(),
                "Tuliskan alasan penolakan yang jelas bagi pemohon (minimal 10 huruf).".into(),
            );
        }
        DeskAction::RecordInspection {
            date,
            officers,
            result,
            file,
        } => {
            if parse_date(date).is_none_or(|d| d > catalog::offices::today(&office)) {
                errors.insert(
                    "date".into(),
                    "Tanggal pemeriksaan tidak valid atau di masa depan.".into(),
                );
            }
            if officers.trim().is_empty() {
                errors.insert("officers".into(), "Tuliskan nama petugas pemeriksa.".into());
            }
            if !matches!(result.as_str(), "sesuai" | "tidak_sesuai") {
                errors.insert("result".into(), "Pilih hasil pemeriksaan.".into());
            }
            match file {
                None => {
                    errors.insert("file".into(), "Unggah berkas Berita Acara Pemeriksaan (PDF).".into());
                }
                Some((name, bytes)) => {
                    match crate::platform::uploads::check_file(
                        bytes,
                        &[izinkes_domain::catalog::FileFormat::Pdf],
                        5 * 1024,
                    ) {
                        Ok(_) => {
                            let sha = crate::platform::uploads::store_blob(state, bytes, "application/pdf").await?;
                            ba_file = Some((crate::platform::files::clean_filename(name), sha, bytes.len() as i64));
                        }
                        Err(m) => {
                            errors.insert("file".into(), m);
                        }
                    }
                }
            }
        }
        DeskAction::Recommend { number, .. } if number.trim().is_empty() => {
            errors.insert("number".into(), "Tuliskan nomor surat rekomendasi.".into());
        }
        DeskAction::Checklist { items } => {
            let permit = file.view.permit().ok_or(ServiceError::NotFound)?;
            for i in items {
                if !permit.requirements.iter().any(|r| r.key == i.key) {
                    errors.insert(i.key.clone(), "Syarat tidak dikenal.".into());
                } else if !i.ok && i.note.trim().is_empty() {
                    errors.insert(i.key.clone(), "Tuliskan catatan untuk syarat yang tidak sesuai.".into());
                }
            }
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }

    let step = file.current_step().cloned();
    let is_claim_action = matches!(
        action,
        DeskAction::Claim | DeskAction::Release | DeskAction::Reassign { .. }
    );
    if let DeskAction::Reassign { .. } = action {
        if !officer.is_supervisor() {
            return Err(ServiceError::Forbidden);
        }
    } else {
        let Some(step) = &step else {
            return Err(ServiceError::Refused(match file.position {
                Position::WithApplicant { .. } => "Berkas sedang dikembalikan kepada pemohon untuk diperbaiki.".into(),
                _ => "Berkas ini sudah selesai diproses di meja kerja.".into(),
            }));
        };
        if !step.role().is_some_and(|r| officer.has(r)) {
            return Err(ServiceError::Refused(format!(
                "Tahap \"{}\" dikerjakan oleh {}; akun Anda tidak memiliki peran itu.",
                step.name,
                izinkes_domain::roles::role_label(&step.role)
            )));
        }
        if let Some((id, name)) = &file.claimed_by
            && id != &officer.id
        {
            return Err(ServiceError::Conflict(format!(
                "Berkas ini sedang dikerjakan oleh {name}. Minta atasan untuk mengalihkannya bila perlu."
            )));
        }
    }

    let mut tx = state.db.begin().await?;
    // Idempotency: the first request with this key wins; a repeat is a no-op.
    if !request_key.is_empty() {
        let inserted = sqlx::query("INSERT INTO action_requests (key, application_id, officer_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING")
            .bind(request_key)
            .bind(app_id)
            .bind(&officer.id)
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(ActOutcome::AlreadyDone);
        }
    }
    let current: Option<i64> =
        sqlx::query_scalar("SELECT lock_version FROM applications WHERE id = $1 AND office_id = $2")
            .bind(app_id)
            .bind(&officer.office_id)
            .fetch_optional(&mut *tx)
            .await?;
    if current != Some(lock_version) {
        tx.rollback().await?;
        return Err(conflict());
    }

    if is_claim_action {
        let (by, until): (Option<String>, Option<String>) = match &action {
            DeskAction::Claim => (
                Some(officer.id.clone()),
                Some(ts(now + Duration::minutes(CLAIM_MINUTES))),
            ),
            DeskAction::Release => (None, None),
            DeskAction::Reassign { officer_id } => {
                let ok: Option<String> =
                    sqlx::query_scalar("SELECT id FROM officers WHERE id = $1 AND office_id = $2 AND active = 1")
                        .bind(officer_id)
                        .bind(&officer.office_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if ok.is_none() {
                    return Err(ServiceError::field("officer_id", "Pilih petugas kantor ini."));
                }
                (
                    Some(officer_id.clone()),
                    Some(ts(now + Duration::minutes(CLAIM_MINUTES))),
                )
            }
            _ => (None, None),
        };
        sqlx::query("UPDATE applications SET claimed_by = $1, claimed_until = $2, lock_version = lock_version + 1 WHERE id = $3")
            .bind(by)
            .bind(until)
            .bind(app_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(ActOutcome::Done);
    }

    let step = step.ok_or_else(|| ServiceError::Internal("no step".into()))?;
    let def = &file.workflow.definition;
    let progress = file.progress_for_current();
    let command = match &action {
        DeskAction::Forward { .. } => Command::Forward,
        DeskAction::ReturnToApplicant { items, .. } => Command::ReturnToApplicant { items: items.len() },
        DeskAction::SendBack { .. } => Command::SendBack,
        DeskAction::Reject { .. } => Command::Reject,
        DeskAction::Checklist { .. } => Command::Produce {
            product: Product::Checklist,
            approve: None,
        },
        DeskAction::RecordInspection { .. } => Command::Produce {
            product: Product::BeritaAcara,
            approve: None,
        },
        DeskAction::Recommend { approve, .. } => Command::Produce {
            product: Product::Recommendation,
            approve: Some(*approve),
        },
        DeskAction::PrepareDraft { .. } => Command::Produce {
            product: Product::DraftSk,
            approve: None,
        },
        DeskAction::Paraf { .. } => Command::Produce {
            product: Product::Paraf,
            approve: None,
        },
        DeskAction::Approve { .. } => Command::Produce {
            product: Product::Approval,
            approve: None,
        },
        DeskAction::Claim | DeskAction::Release | DeskAction::Reassign { .. } => unreachable_claim(),
    };
    let next = apply(def, file.position, &progress, &command).map_err(|e| ServiceError::Refused(e.to_string()))?;
    let role_label = izinkes_domain::roles::role_label(&step.role);
    let from_status = file.view.app.status.code();
    let cal = office_admin::calendar::for_office(state, &office.id).await?;
    let today = catalog::offices::today(&office);

    // Products are recorded at the step; they do not move the file.
    let mut produced: Option<(Product, String)> = None;
    match &action {
        DeskAction::Checklist { items } => {
            for i in items {
                sqlx::query(
                    "INSERT INTO application_checks (office_id, application_id, requirement_key, ok, note, officer_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (application_id, requirement_key) DO UPDATE SET ok = $4, note = $5, officer_id = $6, at = $7",
                )
                .bind(&office.id)
                .bind(app_id)
                .bind(&i.key)
                .bind(i64::from(i.ok))
                .bind(clean_text(&i.note, 500))
                .bind(&officer.id)
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
            }
            let failed = items.iter().filter(|i| !i.ok).count();
            produced = Some((
                Product::Checklist,
                serde_json::json!({"checked": items.len(), "not_ok": failed}).to_string(),
            ));
        }
        DeskAction::RecordInspection {
            date, officers, result, ..
        } => {
            let (filename, sha, size) = ba_file.clone().unwrap_or_default();
            let mut d = BTreeMap::new();
            d.insert("date", date.clone());
            d.insert("officers", clean_text(officers, 300));
            d.insert("result", result.clone());
            d.insert("filename", filename);
            d.insert("sha256", sha);
            d.insert("size", size.to_string());
            produced = Some((Product::BeritaAcara, product_text(&d)));
        }
        DeskAction::Recommend { approve, number, note } => {
            produced = Some((
                Product::Recommendation,
                serde_json::json!({"approve": approve, "number": clean_text(number, 100), "note": clean_text(note, 1000)}).to_string(),
            ));
        }
        DeskAction::PrepareDraft { fields } => {
            let cleaned: BTreeMap<String, String> = fields
                .iter()
                .map(|(k, v)| (clean_text(k, 60), clean_text(v, 500)))
                .collect();
            produced = Some((Product::DraftSk, serde_json::to_string(&cleaned)?));
        }
        DeskAction::Paraf { note } => {
            produced = Some((
                Product::Paraf,
                serde_json::json!({"note": clean_text(note, 500)}).to_string(),
            ))
        }
        DeskAction::Approve { note } => {
            produced = Some((
                Product::Approval,
                serde_json::json!({"note": clean_text(note, 500)}).to_string(),
            ))
        }
        _ => {}
    }
    if let Some((product, data)) = &produced {
        sqlx::query(
            "INSERT INTO application_products (office_id, application_id, step_key, product, data, officer_id, officer_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (application_id, step_key, product) DO UPDATE SET data = $5, officer_id = $6, officer_name = $7, at = $8",
        )
        .bind(&office.id)
        .bind(app_id)
        .bind(&step.key)
        .bind(product.code())
        .bind(data)
        .bind(&officer.id)
        .bind(&officer.name)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
    }

    let to_status = status_for(next);
    let moved = next != file.position;
    // Position, step, SLA fields and the claim.
    let days = def.step_days(file.view.permit().map(|p| p.sla_working_days).unwrap_or(0));
    let (step_key, step_role, step_due) = match next {
        Position::AtStep { step: i } => {
            let s = &def.steps[i.min(def.steps.len() - 1)];
            let due = if moved {
                cal.add_working_days(today, days.get(i).copied().unwrap_or(0))
            } else {
                file.step_due_on.unwrap_or(today)
            };
            (Some(s.key.clone()), Some(s.role.clone()), Some(date_text(due)))
        }
        _ => (None, None, None),
    };
    let (claimed_by, claimed_until) = if moved {
        (None, None)
    } else {
        (
            Some(officer.id.clone()),
            Some(ts(now + Duration::minutes(CLAIM_MINUTES))),
        )
    };
    let paused_since = matches!(next, Position::WithApplicant { .. }).then(|| date_text(today));
    let updated = sqlx::query(
        "UPDATE applications SET status = $1, position = $2, step_key = $3, step_role = $4, step_due_on = $5, \
           step_entered_at = CASE WHEN $6 = 1 THEN $7 ELSE step_entered_at END, escalated_step = CASE WHEN $6 = 1 THEN NULL ELSE escalated_step END, \
           claimed_by = $8, claimed_until = $9, sla_paused_since = COALESCE($10, sla_paused_since), \
           returned_by = CASE WHEN $10 IS NULL THEN returned_by ELSE $11 END, \
           updated_at = $7, lock_version = lock_version + 1 WHERE id = $12 AND lock_version = $13",
    )
    .bind(to_status)
    .bind(serde_json::to_string(&next)?)
    .bind(step_key)
    .bind(step_role)
    .bind(step_due)
    .bind(i64::from(moved))
    .bind(ts(now))
    .bind(claimed_by)
    .bind(claimed_until)
    .bind(paused_since.clone())
    .bind(&officer.id)
    .bind(app_id)
    .bind(lock_version)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(conflict());
    }

    // The number is assigned once, when the file becomes ready to sign.
    if next == Position::ReadyToSign {
        assign_number(state, &mut tx, &file).await?;
    }

    // The revision round, when the file goes back to the applicant.
    let mut public_note: Option<String> = None;
    let mut internal_note: Option<String> = None;
    let action_code;
    match &action {
        DeskAction::Forward { note } => {
            action_code = "teruskan";
            internal_note = Some(clean_text(note, 1000)).filter(|s| !s.is_empty());
            public_note = match next {
                Position::AtStep { step: i } => def.steps.get(i).and_then(|s| s.public_note.clone()),
                Position::ReadyToSign => {
                    Some("Berkas telah diverifikasi dan menunggu penandatanganan oleh Kepala Dinas.".into())
                }
                _ => None,
            };
        }
        DeskAction::ReturnToApplicant { items, note } => {
            action_code = "kembalikan_ke_pemohon";
            let round = file.view.app_round() + 1;
            let items: Vec<RevisionItem> = items
                .iter()
                .filter(|i| !i.note.trim().is_empty())
                .map(|i| RevisionItem {
                    kind: i.kind.clone(),
                    key: i.key.clone(),
                    label: clean_text(&i.label, 200),
                    note: clean_text(&i.note, 1000),
                })
                .collect();
            let before = serde_json::json!({"before": crate::desks::revisions::snapshot(&file.view, &items)});
            sqlx::query(
                "INSERT INTO revision_rounds (office_id, application_id, round, step_key, asked_at, asked_by, asked_by_name, items, changes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&office.id)
            .bind(app_id)
            .bind(round)
            .bind(&step.key)
            .bind(ts(now))
            .bind(&officer.id)
            .bind(&officer.name)
            .bind(serde_json::to_string(&items)?)
            .bind(before.to_string())
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE applications SET revision_round = $1 WHERE id = $2")
                .bind(round)
                .bind(app_id)
                .execute(&mut *tx)
                .await?;
            let list = items
                .iter()
                .map(|i| format!("• {}: {}", i.label, i.note))
                .collect::<Vec<_>>()
                .join("\n");
            let extra = clean_text(note, 1000);
            public_note = Some(if extra.is_empty() {
                format!("Perlu perbaikan:\n{list}")
            } else {
                format!("Perlu perbaikan:\n{list}\n{extra}")
            });
        }
        DeskAction::SendBack { note } => {
            action_code = "kembalikan_ke_tahap_sebelumnya";
            internal_note = Some(clean_text(note, 1000));
        }
        DeskAction::Reject { reason } => {
            action_code = "tolak";
            public_note = Some(clean_text(reason, 2000));
        }
        DeskAction::Checklist { .. } => action_code = "periksa_syarat",
        DeskAction::RecordInspection { .. } => action_code = "catat_pemeriksaan",
        DeskAction::Recommend { approve, .. } => {
            action_code = if *approve {
                "rekomendasi_terbit"
            } else {
                "rekomendasi_tolak"
            }
        }
        DeskAction::PrepareDraft { .. } => action_code = "siapkan_draf_sk",
        DeskAction::Paraf { note } => {
            action_code = "paraf";
            internal_note = Some(clean_text(note, 500)).filter(|s| !s.is_empty());
        }
        DeskAction::Approve { note } => {
            action_code = "setujui";
            internal_note = Some(clean_text(note, 500)).filter(|s| !s.is_empty());
        }
        DeskAction::Claim | DeskAction::Release | DeskAction::Reassign { .. } => action_code = "ambil",
    }
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &office.id,
            application_id: app_id,
            actor_kind: "officer",
            actor_id: Some(&officer.id),
            actor_name: &officer.name,
            actor_role: Some(&role_label),
            action: action_code,
            from_status: Some(from_status),
            to_status,
            step: Some(&step.key),
            public_note: public_note.as_deref(),
            internal_note: internal_note.as_deref(),
        },
    )
    .await?;

    // Tell the applicant when the file needs them or is decided.
    // Mail goes to the account's verified address.
    let applicant_email: String = sqlx::query_scalar("SELECT email FROM applicants WHERE id = $1")
        .bind(&file.view.app.applicant_id)
        .fetch_one(&mut *tx)
        .await?;
    let number = file.view.app.registration_number.clone().unwrap_or_default();
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let mail = match (&action, next) {
        (DeskAction::ReturnToApplicant { .. }, _) => Some((
            format!("Permohonan {number} perlu perbaikan"),
            format!(
                "Yth. {},\n\nPermohonan {number} dikembalikan untuk diperbaiki:\n\n{}\n\nPerbaiki melalui {base}/permohonan/{app_id} lalu ajukan kembali. \
                 Jangka waktu layanan berhenti sementara sampai perbaikan diajukan.\n",
                file.view.app.data.name,
                public_note.clone().unwrap_or_default()
            ),
        )),
        (DeskAction::Reject { reason }, _) => Some((
            format!("Permohonan {number} ditolak"),
            format!(
                "Yth. {},\n\nMohon maaf, permohonan {number} ditolak dengan alasan:\n\n{}\n\nAnda dapat mengajukan permohonan baru dari {base}/permohonan/{app_id}.\n",
                file.view.app.data.name,
                clean_text(reason, 2000)
            ),
        )),
        (DeskAction::Forward { .. }, Position::AtStep { step: 1 }) => Some((
            format!("Berkas {number} lengkap"),
            format!(
                "Yth. {},\n\nBerkas permohonan {number} telah dinyatakan lengkap oleh Front Office dan sedang diproses.\nPantau di {base}/permohonan/{app_id}.\n",
                file.view.app.data.name
            ),
        )),
        _ => None,
    };
    if let Some((subject, body)) = mail {
        enqueue_email(&mut tx, Some(&office.id), &applicant_email, &subject, &body).await?;
    }
    tx.commit().await?;
    state.wake_outbox();
    Ok(ActOutcome::Done)
}

/// Assigns the permit number inside the action's transaction.
async fn assign_number(state: &AppState, tx: &mut Tx, file: &DeskFile) -> ServiceResult<String> {
    let applicant = crate::accounts::profile::load_applicant(state, &file.view.app.applicant_id).await?;
    let holder = file
        .products
        .iter()
        .find(|p| p.product == Product::DraftSk)
        .and_then(|p| p.data.get("nama").and_then(|v| v.as_str()).map(str::to_string))
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            file.view
                .app
                .answers
                .get("nama_sesuai_ijazah")
                .cloned()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| file.view.app.data.name.clone());
    crate::permits::numbering::assign_in_tx(tx, &file.view, &applicant.masked_identity(), &holder).await
}

fn unreachable_claim() -> Command {
    // Claim actions return before a command is needed.
    Command::Forward
}

impl ApplicationView {
    fn app_round(&self) -> i64 {
        self.app.revision_round
    }
}
