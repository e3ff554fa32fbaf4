//! The officers' pages: Tugas Saya (the desk), the file view with its actions, the desk's PDF
//! drafts, and the supervisors' summary.

use crate::applications::pages::AnswerRow;
use crate::applications::pages::AppSummary;
use crate::applications::pages::HistoryRow;
use crate::applications::pages::applicant_rows;
use crate::applications::pages::form_rows;
use crate::applications::pages::requirement_rows;
use crate::desks;
use crate::desks::actions::ActOutcome;
use crate::desks::actions::CheckItem;
use crate::desks::actions::DeskAction;
use crate::desks::file::DeskFile;
use crate::desks::file::RevisionItem;
use crate::desks::policy;
use crate::desks::tasks::DeskFilter;
use crate::permits;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::OfficerUser;
use crate::web::extract::officer_of;
use crate::web::form::FormBody;
use crate::web::form::read_file_field;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::plain_pdf;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use izinkes_domain::calendar::OfficeTimeZone;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::format_id::area_label;
use izinkes_domain::format_id::iso_date_id;
use izinkes_domain::format_id::timestamp_id;
use izinkes_domain::workflow::ActionKind;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::Product;
use std::collections::BTreeMap;
use std::collections::HashMap;

pub(crate) async fn tasks(
    State(state): State<AppState>,
    o: OfficerUser,
    Query(filter): Query<DeskFilter>,
) -> PageResult {
    let officer = officer_of(&o)?;
    let office = crate::catalog::offices::get(&state, &officer.office_id).await?;
    let listing = desks::tasks::tasks(&state, &officer, &filter).await?;
    let (_, catalog) = state.current_catalog().await?;
    let pager = DeskPager {
        total: if listing.total_exact {
            izinkes_domain::format_id::thousands(listing.total)
        } else {
            format!("lebih dari {}", izinkes_domain::format_id::thousands(listing.total))
        },
        first: (listing.page - 1) * listing.per_page + 1,
        last: (listing.page - 1) * listing.per_page + listing.tasks.len() as i64,
        page: listing.page,
        pages: listing
            .pages
            .map(|p| format!(" dari {}", izinkes_domain::format_id::thousands(p)))
            .unwrap_or_default(),
        prev: (listing.page > 1).then(|| filter.query_for_page(listing.page - 1)),
        next: listing.has_next.then(|| filter.query_for_page(listing.page + 1)),
    };
    let rows = listing
        .tasks
        .into_iter()
        .map(|i| DeskRow {
            permit: catalog
                .get(&i.permit_code)
                .map(|p| p.short_name.clone())
                .unwrap_or_else(|| i.permit_code.clone()),
            step: i.step_key.replace('_', " "),
            role: izinkes_domain::roles::role_label(&i.step_role),
            submitted: timestamp_id(&i.submitted_at, office.tz().offset(), office.tz().label()),
            due: iso_date_id(&i.step_due_on),
            status: i.status.label_officer().to_string(),
            claimed: i.claimed_by.clone().unwrap_or_default(),
            item: i,
        })
        .collect();
    let permits = catalog
        .permit_types
        .iter()
        .map(|p| (p.code.clone(), p.short_name.clone()))
        .collect();
    let ctx = o.visitor.ctx(&state, "Tugas Saya", "petugas");
    Ok(page(&DeskTasksPage {
        ctx,
        office_name: office.name,
        roles: officer.roles.iter().map(|r| r.label_id().to_string()).collect(),
        rows,
        filter,
        permits,
        pager,
        supervisor: policy::is_supervisor(&officer.roles),
    }))
}

pub(crate) async fn summary(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    let officer = officer_of(&o)?;
    let steps = desks::summary::summary(&state, &officer).await?;
    let ikm = crate::survey::service::office_index(&state, &officer.office_id).await?;
    Ok(page(&DeskSummaryPage {
        ctx: o.visitor.ctx(&state, "Ringkasan Seksi", "ringkasan"),
        steps,
        ikm: ikm.map(|i| {
            (
                format!("{:.2}", i.index).replace('.', ","),
                format!("{} ({})", i.grade.letter(), i.grade.label_id()),
                i.respondents,
                izinkes_domain::skm::UNSUR
                    .iter()
                    .zip(i.nrr)
                    .map(|(u, n)| (u.name, format!("{n:.2}").replace('.', ",")))
                    .collect(),
            )
        }),
    }))
}

pub fn action_label(code: &str) -> String {
    match code {
        "ajukan" => "Permohonan diajukan".into(),
        "ajukan_ulang" => "Perbaikan diajukan".into(),
        "teruskan" => "Diteruskan".into(),
        "kembalikan_ke_pemohon" => "Dikembalikan ke pemohon".into(),
        "kembalikan_ke_tahap_sebelumnya" => "Dikembalikan ke tahap sebelumnya".into(),
        "tolak" => "Ditolak".into(),
        "dibatalkan_pemohon" => "Dibatalkan oleh pemohon".into(),
        "periksa_syarat" => "Syarat diperiksa".into(),
        "catat_pemeriksaan" => "Berita Acara Pemeriksaan dicatat".into(),
        "rekomendasi_terbit" => "Rekomendasi teknis: terbitkan".into(),
        "rekomendasi_tolak" => "Rekomendasi teknis: tolak".into(),
        "siapkan_draf_sk" => "Draf SK disiapkan".into(),
        "paraf" => "Draf SK diparaf".into(),
        "setujui" => "Draf SK disetujui".into(),
        "setujui_otomatis" => "Disetujui otomatis (fiktif positif)".into(),
        "pesan_pemohon" => "Pesan dari pemohon".into(),
        "pesan_kantor" => "Jawaban kantor".into(),
        other => other.replace('_', " "),
    }
}

pub fn history_rows_all(f: &DeskFile) -> Vec<HistoryRow> {
    let tz = f.view.office.tz();
    f.view
        .history
        .iter()
        .map(|h| HistoryRow {
            at: timestamp_id(&h.at, tz.offset(), tz.label()),
            actor: match &h.actor_role {
                Some(r) => format!("{} ({})", h.actor_name, r),
                None => h.actor_name.clone(),
            },
            action: action_label(&h.action),
            status: izinkes_domain::status::ApplicationStatus::from_code(&h.to_status)
                .map(|s| s.label_officer().to_string())
                .unwrap_or_else(|| h.to_status.clone()),
            note: h.public_note.clone().unwrap_or_default(),
        })
        .collect()
}

/// The requirements checklist: each document needed or attached, with what the desk noted.
fn check_rows(f: &DeskFile, docs: &[crate::applications::step_pages::RequirementRow]) -> Vec<CheckRow> {
    let checks: HashMap<String, (bool, String)> = f
        .checks
        .iter()
        .map(|c| (c.requirement_key.clone(), (c.ok, c.note.clone())))
        .collect();
    docs.iter()
        .filter(|d| d.attached.is_some() || d.needed)
        .map(|d| CheckRow {
            key: d.key.clone(),
            label: d.label.clone(),
            filename: d.attached.as_ref().map(|a| a.filename.clone()).unwrap_or_default(),
            is_image: d.attached.as_ref().is_some_and(|a| a.is_image),
            ok: checks.get(&d.key).map(|c| c.0),
            note: checks.get(&d.key).map(|c| c.1.clone()).unwrap_or_default(),
        })
        .collect()
}

/// The fields an officer can name when returning the file (Tahap 1 and Tahap 2).
fn field_choices(f: &DeskFile) -> Vec<(String, String)> {
    let mut field_choices: Vec<(String, String)> = applicant_rows(&f.view.app.data)
        .into_iter()
        .zip(
            ["name", "email", "phone", "address"]
                .iter()
                .chain(std::iter::repeat(&"")),
        )
        .filter(|(_, k)| !k.is_empty())
        .map(|(r, k)| (k.to_string(), format!("Tahap 1: {}", r.label)))
        .collect();
    field_choices.push(("facility_name".into(), "Tahap 1: Nama Tempat Praktik".into()));
    field_choices.push(("location_address".into(), "Tahap 1: Detail Alamat Lokasi".into()));
    if let Some(p) = f.view.permit() {
        field_choices.extend(
            p.fields
                .iter()
                .map(|x| (x.key.clone(), format!("Tahap 2: {}", x.label))),
        );
    }
    field_choices
}

/// The products of the steps as the desk lists them: kind, detail, officer, time.
fn product_rows(f: &DeskFile, tz: OfficeTimeZone) -> Vec<(String, String, String, String)> {
    f.products
        .iter()
        .map(|p| {
            let detail = match p.product {
                Product::Recommendation => format!(
                    "{} — nomor {}{}",
                    if p.data.get("approve").and_then(|v| v.as_bool()) == Some(true) {
                        "Terbitkan"
                    } else {
                        "Tolak"
                    },
                    p.data.get("number").and_then(|v| v.as_str()).unwrap_or(""),
                    p.data
                        .get("note")
                        .and_then(|v| v.as_str())
                        .map(|n| format!(" · {n}"))
                        .unwrap_or_default()
                ),
                Product::BeritaAcara => {
                    let text = |k: &str| p.data.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                    let lab = match text("lab_result").as_str() {
                        "" => String::new(),
                        result => format!(
                            " · uji laboratorium {} nomor {}: {}",
                            text("lab_laboratory"),
                            text("lab_report_number"),
                            if result == "memenuhi" {
                                "memenuhi syarat"
                            } else {
                                "tidak memenuhi syarat"
                            }
                        ),
                    };
                    format!(
                        "Tanggal {} · petugas {} · hasil {}{lab}",
                        iso_date_id(&text("date")),
                        text("officers"),
                        text("result").replace('_', " ")
                    )
                }
                _ => p
                    .data
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| {
                                format!(
                                    "{k}: {}",
                                    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(" · ")
                    })
                    .unwrap_or_default(),
            };
            (
                p.product.label_id().to_string(),
                detail,
                p.officer_name.clone(),
                timestamp_id(&p.at, tz.offset(), tz.label()),
            )
        })
        .collect()
}

/// The workflow's steps: name, role, current, done.
fn step_rows(f: &DeskFile) -> Vec<(String, String, bool, bool)> {
    f.workflow
        .definition
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let current = matches!(f.position, Position::AtStep { step } if step == i);
            let done = match f.position {
                Position::AtStep { step } => i < step,
                Position::ReadyToSign => true,
                _ => false,
            };
            (
                s.name.clone(),
                izinkes_domain::roles::role_label(&s.role),
                current,
                done,
            )
        })
        .collect()
}

async fn file_page(
    state: &AppState,
    o: &OfficerUser,
    id: &str,
    errors: FieldErrors,
    notice: String,
    status: StatusCode,
) -> PageResult {
    file_page_full(state, o, id, (errors, notice, status), FormState::default()).await
}

/// Writes a Pesan Pengaduan answer from the file page; bad input shows the page again.
pub(crate) async fn message_post(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> PageResult {
    match crate::messages::pages::write_officer(&state, &o, &id, req).await? {
        None => Ok(see_other(&format!("/petugas/berkas/{id}?info=pesan#pesan"))),
        Some(form) => file_page_with_thread(&state, &o, &id, form, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// The file page after a Pesan Pengaduan answer with bad input: the answer kept, its errors shown.
async fn file_page_with_thread(
    state: &AppState,
    o: &OfficerUser,
    id: &str,
    message: FormState,
    status: StatusCode,
) -> PageResult {
    file_page_full(state, o, id, (FieldErrors::new(), String::new(), status), message).await
}

async fn file_page_full(
    state: &AppState,
    o: &OfficerUser,
    id: &str,
    (errors, notice, status): (FieldErrors, String, StatusCode),
    message: FormState,
) -> PageResult {
    let officer = officer_of(o)?;
    let f = desks::file::open_file(state, &officer, id).await?;
    let allowed = f.allowed_actions(&officer);
    let step = f.current_step().cloned();
    let tz = f.view.office.tz();
    let docs = requirement_rows(&f.view, &FieldErrors::new(), &[]);
    let check_rows = check_rows(&f, &docs);
    let field_choices = field_choices(&f);
    let doc_choices: Vec<(String, String)> = docs
        .iter()
        .filter(|d| d.attached.is_some() || d.needed)
        .map(|d| (d.key.clone(), d.label.clone()))
        .collect();
    let products = product_rows(&f, tz);
    let draft_defaults: Vec<(String, String, String)> = draft_fields(&f);
    let officers = if policy::may_reassign(&officer.roles).is_ok() {
        crate::desks::pages::office_officers(state, &officer.office_id).await?
    } else {
        Vec::new()
    };
    let steps = step_rows(&f);
    let p = DeskFilePage {
        ctx: o.visitor.ctx(
            state,
            &format!("Berkas {}", f.view.app.registration_number.clone().unwrap_or_default()),
            "petugas",
        ),
        app: AppSummary::from_view(&f.view),
        status_officer: f.view.app.status.label_officer().to_string(),
        applicant_rows: applicant_rows(&f.view.app.data),
        form_rows: form_rows(&f.view),
        check_rows,
        history: history_rows_all(&f),
        internal_notes: f
            .internal_history
            .iter()
            .map(|(at, who, note)| (timestamp_id(at, tz.offset(), tz.label()), who.clone(), note.clone()))
            .collect(),
        rounds: f
            .rounds
            .iter()
            .map(|r| crate::desks::file::RevisionRound {
                asked_at: timestamp_id(&r.asked_at, tz.offset(), tz.label()),
                resubmitted_at: r
                    .resubmitted_at
                    .as_deref()
                    .map(|t| timestamp_id(t, tz.offset(), tz.label())),
                ..r.clone()
            })
            .collect(),
        products,
        step_name: step.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        // Shown once: most step names already end with their desk, "… (Front Office)".
        step_role: step
            .as_ref()
            .map(|s| izinkes_domain::roles::role_label(&s.role))
            .filter(|role| !step.as_ref().is_some_and(|s| s.name.contains(role.as_str())))
            .unwrap_or_default(),
        step_produces: step
            .as_ref()
            .map(|s| s.produces.iter().map(|p| p.label_id().to_string()).collect())
            .unwrap_or_default(),
        steps,
        // The office's own workflow; the preset it was adapted from is on the admin's pages.
        workflow_name: format!("Alur kerja {} versi {}", f.view.office.short_name, f.workflow.version),
        can: allowed.iter().map(|a| a.code().to_string()).collect(),
        lock_version: f.lock_version,
        request_key: crate::platform::ids::new_id(),
        claimed_by: f.claimed_by.as_ref().map(|c| c.1.clone()).unwrap_or_default(),
        claimed_by_me: f.claimed_by.as_ref().is_some_and(|c| c.0 == officer.id),
        can_claim: policy::can_claim(policy::Actor::of(&officer), &f.desk()),
        supervisor: policy::may_reassign(&officer.roles).is_ok(),
        officers,
        step_due: f
            .step_due_on
            .map(izinkes_domain::format_id::date_id)
            .unwrap_or_default(),
        due: f.due_on.map(izinkes_domain::format_id::date_id).unwrap_or_default(),
        remaining_step_days: f.remaining_step_days,
        needs_lab: f.view.permit().is_some_and(|t| t.inspection.needs_lab()),
        inspection_note: inspection_note(f.view.permit()),
        remaining_days: f.remaining_days,
        paused: f.paused,
        field_choices,
        doc_choices,
        draft_defaults,
        errors: FormState::new(HashMap::new(), errors),
        notice,
        today: crate::catalog::offices::today(&f.view.office)
            .format("%Y-%m-%d")
            .to_string(),
        thread: crate::messages::pages::officer_thread(state, o, id, message).await?,
        notifications: crate::notifications::pages::lines(
            crate::notifications::service::file_messages(state, &officer.office_id, id).await?,
        ),
        retribution: retribution_of(state, &f).await?,
    };
    let mut p = p;
    p.ctx.unread = crate::messages::service::officer_unread_total(state, &officer).await?;
    Ok(page_with_status(status, &p))
}

/// The file's SKRD, once issued.
async fn retribution_of(
    state: &AppState,
    f: &DeskFile,
) -> Result<Option<crate::permits::retribution::Retribution>, ServiceError> {
    let today = crate::catalog::offices::today(&f.view.office);
    crate::permits::retribution::of_application(state, &f.view.app.id, today).await
}

pub async fn office_officers(state: &AppState, office_id: &str) -> Result<Vec<(String, String)>, ServiceError> {
    Ok(crate::desks::queries::office_officers(&state.db.pool, office_id)
        .await?
        .into_iter()
        .map(|o| (o.id, o.full_name))
        .collect())
}

/// The draft SK's data, prefilled from the application (the numbering and the PDF come at signing).
fn draft_fields(f: &DeskFile) -> Vec<(String, String, String)> {
    let existing = f
        .products
        .iter()
        .find(|p| p.product == Product::DraftSk)
        .map(|p| p.data.clone());
    let get = |k: &str, default: String| {
        existing
            .as_ref()
            .and_then(|d| d.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or(default)
    };
    let a = &f.view.app;
    let answer = |k: &str| a.answers.get(k).cloned().unwrap_or_default();
    vec![
        (
            "nama".into(),
            "Nama pemegang izin".into(),
            get(
                "nama",
                answer("nama_sesuai_ijazah")
                    .chars()
                    .next()
                    .map(|_| answer("nama_sesuai_ijazah"))
                    .unwrap_or_else(|| a.data.name.clone()),
            ),
        ),
        (
            "tempat_praktik".into(),
            "Tempat praktik".into(),
            get("tempat_praktik", a.data.facility_name.clone()),
        ),
        (
            "alamat_praktik".into(),
            "Alamat tempat praktik".into(),
            get(
                "alamat_praktik",
                format!(
                    "{}, {}",
                    a.data.location_address,
                    area_label(&a.data.location_village_code)
                ),
            ),
        ),
        (
            "hari_praktik".into(),
            "Hari praktik".into(),
            get(
                "hari_praktik",
                izinkes_domain::catalog::format_days(&answer("hari_praktik")),
            ),
        ),
        (
            "jam_praktik".into(),
            "Jam praktik".into(),
            get(
                "jam_praktik",
                izinkes_domain::catalog::format_time_range(&answer("waktu_praktik")),
            ),
        ),
        (
            "nomor_str".into(),
            "Nomor STR".into(),
            get("nomor_str", answer("nomor_str")),
        ),
        (
            "masa_berlaku".into(),
            "Masa berlaku".into(),
            get("masa_berlaku", "5 (lima) tahun sejak ditetapkan".into()),
        ),
    ]
}

pub(crate) async fn file(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let notice = match q.get("info").map(String::as_str) {
        Some("ok") => "Tindakan tersimpan.",
        Some("ulang") => "Permintaan yang sama sudah diproses sebelumnya; tidak ada perubahan ganda.",
        Some("pesan") => "Jawaban terkirim; pemohon menerima pemberitahuan.",
        _ => "",
    };
    file_page(&state, &o, &id, FieldErrors::new(), notice.into(), StatusCode::OK).await
}

fn parse_action(f: &FormBody) -> Result<DeskAction, WebError> {
    let action = f.get("action");
    Ok(match action.as_str() {
        "claim" => DeskAction::Claim,
        "release" => DeskAction::Release,
        "reassign" => DeskAction::Reassign {
            officer_id: f.get("officer_id"),
        },
        "forward" => DeskAction::Forward { note: f.get("note") },
        "send_back" => DeskAction::SendBack { note: f.get("note") },
        "reject" => DeskAction::Reject {
            reason: f.get("reason"),
        },
        "paraf" => DeskAction::Paraf { note: f.get("note") },
        "approve" => DeskAction::Approve { note: f.get("note") },
        "recommend" => DeskAction::Recommend {
            approve: f.get("approve") == "ya",
            number: f.get("number"),
            note: f.get("note"),
        },
        "prepare_draft" => {
            let fields: BTreeMap<String, String> = f
                .pairs
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("sk_").map(|k| (k.to_string(), v.clone())))
                .collect();
            DeskAction::PrepareDraft { fields }
        }
        "checklist" => {
            let mut items = Vec::new();
            for (k, v) in &f.pairs {
                if let Some(key) = k.strip_prefix("check_") {
                    items.push(CheckItem {
                        key: key.to_string(),
                        ok: v == "sesuai",
                        note: f.get(&format!("note_{key}")),
                    });
                }
            }
            DeskAction::Checklist { items }
        }
        "return" => {
            let mut items = Vec::new();
            for (k, v) in &f.pairs {
                let (kind, key) = if let Some(key) = k.strip_prefix("rf_") {
                    ("field", key)
                } else if let Some(key) = k.strip_prefix("rd_") {
                    ("document", key)
                } else {
                    continue;
                };
                if !v.trim().is_empty() {
                    items.push(RevisionItem {
                        kind: kind.into(),
                        key: key.into(),
                        label: f.get(&format!("label_{k}")),
                        note: v.clone(),
                    });
                }
            }
            DeskAction::ReturnToApplicant {
                items,
                note: f.get("note"),
            }
        }
        _ => return Err(WebError::BadRequest("Tindakan tidak dikenal.".into())),
    })
}

async fn run_action(
    state: &AppState,
    o: &OfficerUser,
    id: &str,
    lock: i64,
    key: &str,
    action: DeskAction,
) -> PageResult {
    let officer = officer_of(o)?;
    match desks::actions::act(state, &officer, id, lock, key, action).await {
        Ok(ActOutcome::Done) => Ok(see_other(&format!("/petugas/berkas/{id}?info=ok"))),
        Ok(ActOutcome::AlreadyDone) => Ok(see_other(&format!("/petugas/berkas/{id}?info=ulang"))),
        Err(ServiceError::Invalid(errors)) => {
            file_page(state, o, id, errors, String::new(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::Refused(m)) => {
            file_page(state, o, id, FieldErrors::new(), m, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::Conflict(m)) => file_page(state, o, id, FieldErrors::new(), m, StatusCode::CONFLICT).await,
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn action(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let f = FormBody::parse(&body);
    let lock = f
        .get("lock_version")
        .parse::<i64>()
        .map_err(|_| WebError::BadRequest("Versi berkas tidak ada; muat ulang halaman.".into()))?;
    let action = parse_action(&f)?;
    run_action(&state, &o, &id, lock, &f.get("request_key"), action).await
}

pub(crate) async fn inspection(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    mp: Multipart,
) -> PageResult {
    let (file, fields) = read_file_field(mp).await?;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let lock = get("lock_version")
        .parse::<i64>()
        .map_err(|_| WebError::BadRequest("Versi berkas tidak ada; muat ulang halaman.".into()))?;
    let action = DeskAction::RecordInspection {
        date: get("date"),
        officers: get("officers"),
        result: get("result"),
        file,
        lab: crate::desks::actions::LabResult {
            laboratory: get("lab_laboratory"),
            report_number: get("lab_report_number"),
            result: get("lab_result"),
        },
    };
    run_action(&state, &o, &id, lock, &get("request_key"), action).await
}

/// What the permit type asks of the technical team's inspection, for the desk page.
fn inspection_note(permit: Option<&izinkes_domain::catalog::PermitType>) -> String {
    use izinkes_domain::catalog::Inspection;
    match permit.map(|p| p.inspection) {
        Some(Inspection::WithLab) => "Jenis izin ini wajib pemeriksaan lapangan (inspeksi kesehatan lingkungan) dengan \
             hasil uji laboratorium sampel; berkas baru dapat direkomendasikan atau diteruskan setelah Berita Acara dicatat."
            .into(),
        Some(Inspection::Required) => "Jenis izin ini wajib pemeriksaan lapangan; berkas baru dapat direkomendasikan atau \
             diteruskan setelah Berita Acara dicatat."
            .into(),
        _ => String::new(),
    }
}

pub fn action_kinds_label(a: ActionKind) -> &'static str {
    a.label_id()
}

pub(crate) async fn desk_pdf(
    State(state): State<AppState>,
    o: OfficerUser,
    Path((id, which)): Path<(String, String)>,
) -> PageResult {
    let officer = officer_of(&o)?;
    let which = which.trim_end_matches(".pdf").to_string();
    let bytes = permits::documents::desk_pdf(&state, &officer, &id, &which).await?;
    Ok(plain_pdf(&format!("{which}.pdf"), bytes))
}

pub struct DeskRow {
    pub item: crate::desks::tasks::DeskItem,
    pub permit: String,
    pub step: String,
    pub role: String,
    pub submitted: String,
    pub due: String,
    pub status: String,
    pub claimed: String,
}

#[derive(Template)]
#[template(path = "desks/desk_tasks.html")]
pub struct DeskTasksPage {
    pub ctx: PageCtx,
    pub office_name: String,
    pub roles: Vec<String>,
    pub rows: Vec<DeskRow>,
    pub filter: crate::desks::tasks::DeskFilter,
    pub permits: Vec<(String, String)>,
    pub pager: DeskPager,
    pub supervisor: bool,
}

/// "Berkas 51–100 dari 713" (or "dari lebih dari 1.000") and the links to the pages beside this
/// one (query strings).
pub struct DeskPager {
    pub total: String,
    pub first: i64,
    pub last: i64,
    pub page: i64,
    /// " dari 15" when the number of pages is known, else empty.
    pub pages: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "desks/desk_summary.html")]
pub struct DeskSummaryPage {
    pub ctx: PageCtx,
    pub steps: Vec<crate::desks::summary::StepSummary>,
    /// The office's satisfaction index: (index, grade, respondents, NRR per element).
    #[allow(clippy::type_complexity)]
    pub ikm: Option<(String, String, usize, Vec<(&'static str, String)>)>,
}

impl DeskSummaryPage {
    pub fn avg(&self, s: &crate::desks::summary::StepSummary) -> String {
        s.average_days
            .map(|d| format!("{d:.1}").replace('.', ","))
            .unwrap_or_else(|| "—".into())
    }
    pub fn role(&self, s: &crate::desks::summary::StepSummary) -> String {
        izinkes_domain::roles::role_label(&s.role)
    }
}

pub struct CheckRow {
    pub key: String,
    pub label: String,
    pub filename: String,
    pub is_image: bool,
    pub ok: Option<bool>,
    pub note: String,
}

#[derive(Template)]
#[template(path = "desks/desk_file.html")]
pub struct DeskFilePage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub status_officer: String,
    pub applicant_rows: Vec<AnswerRow>,
    pub form_rows: Vec<AnswerRow>,
    pub check_rows: Vec<CheckRow>,
    pub history: Vec<HistoryRow>,
    pub internal_notes: Vec<(String, String, String)>,
    pub rounds: Vec<crate::desks::file::RevisionRound>,
    pub products: Vec<(String, String, String, String)>,
    pub step_name: String,
    pub step_role: String,
    pub step_produces: Vec<String>,
    pub steps: Vec<(String, String, bool, bool)>,
    pub workflow_name: String,
    pub can: Vec<String>,
    pub lock_version: i64,
    pub request_key: String,
    pub claimed_by: String,
    pub claimed_by_me: bool,
    pub can_claim: bool,
    pub supervisor: bool,
    pub officers: Vec<(String, String)>,
    pub step_due: String,
    pub due: String,
    pub remaining_step_days: Option<i64>,
    pub remaining_days: Option<i64>,
    pub paused: bool,
    pub field_choices: Vec<(String, String)>,
    pub doc_choices: Vec<(String, String)>,
    pub draft_defaults: Vec<(String, String, String)>,
    pub errors: FormState,
    pub notice: String,
    pub today: String,
    /// Pesan Pengaduan: the thread with the applicant.
    pub thread: crate::messages::pages::ThreadBlock,
    /// The notices sent about the file, with what became of each.
    pub notifications: Vec<crate::notifications::pages::MessageLine>,
    /// The permit type asks for laboratory results with the inspection (SLHS).
    pub needs_lab: bool,
    /// The file's SKRD, once issued.
    pub retribution: Option<crate::permits::retribution::Retribution>,
    /// What the type asks of the inspection, said beside its form ("" when nothing).
    pub inspection_note: String,
}

impl DeskFilePage {
    pub fn may(&self, action: &str) -> bool {
        self.can.iter().any(|a| a == action)
    }
}
