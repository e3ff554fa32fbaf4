//! Submitting an application: every step re-checked on the server, the cap of active permits,
//! the registration number, history and notification in one transaction.

use crate::accounts::profile::load_applicant;
use crate::applications::drafts::check_applicant_data;
use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::applications::queries;
use crate::applications::view::ApplicantData;
use crate::applications::view::ApplicationView;
use crate::applications::view::load_owned;
use crate::applications::view::view;
use crate::catalog::offices::Office;
use crate::platform::db::Backend;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::mail;
use crate::platform::mail::ApplicationReceived;
use crate::state::AppState;
use chrono::Datelike;
use chrono::Utc;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::practice_cap::Holding;
use izinkes_domain::practice_cap::PermitState;
use izinkes_domain::status::ApplicationStatus;
use izinkes_domain::status::RegistrationNumber;

/// Why a submission was refused: per field/step, in Indonesian.
#[derive(Debug, Default)]
pub struct SubmitProblems {
    pub step1: FieldErrors,
    pub step2: FieldErrors,
    pub documents: FieldErrors,
}

/// Re-checks everything the applicant entered, on the server, against the catalog version the
/// application started on.
pub fn check_complete(v: &ApplicationView) -> SubmitProblems {
    let mut p = SubmitProblems::default();
    let Some(permit) = v.permit() else {
        p.step2
            .insert("permit".into(), "Jenis izin tidak lagi tersedia.".into());
        return p;
    };
    p.step1 = check_applicant_data(&v.app.data, &v.office, permit.holder).1;
    p.step2 = permit.check_answers(&v.app.answers);
    let answers = v.all_answers();
    for req in permit.needed_requirements(&answers) {
        match v.attachment(&req.key) {
            None => {
                p.documents
                    .insert(req.key.clone(), format!("{} belum diunggah.", req.label));
            }
            Some(a) => {
                let ok_format = req.formats.iter().any(|f| f.mime() == a.mime);
                if !ok_format || a.size > i64::from(req.max_size_kb) * 1024 {
                    p.documents.insert(
                        req.key.clone(),
                        format!("{}: berkas tidak sesuai format atau ukuran; unggah ulang.", req.label),
                    );
                }
            }
        }
    }
    p
}

impl SubmitProblems {
    pub fn is_empty(&self) -> bool {
        self.step1.is_empty() && self.step2.is_empty() && self.documents.is_empty()
    }
    pub fn all(&self) -> FieldErrors {
        let mut all = self.step1.clone();
        all.extend(self.step2.clone());
        all.extend(self.documents.clone());
        all
    }
}

pub enum SubmitOutcome {
    Submitted(RegistrationNumber),
    Problems(SubmitProblems),
}

/// Submits a draft: checks everything, enforces the cap of active permits per profession
/// (DOMAIN rule 1), assigns the registration number and writes status, history and the
/// notification in one transaction. Submitting twice (double click, retry) has one effect.
pub async fn submit(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<SubmitOutcome> {
    let app = load_owned(state, applicant_id, id).await?;
    if app.status != ApplicationStatus::Draft {
        return match app.registration_number.as_deref().and_then(RegistrationNumber::parse) {
            Some(n) => Ok(SubmitOutcome::Submitted(n)),
            None => Err(ServiceError::Refused("Permohonan ini tidak dapat diajukan.".into())),
        };
    }
    let v = view(state, app).await?;
    let problems = check_complete(&v);
    if !problems.is_empty() {
        return Ok(SubmitOutcome::Problems(problems));
    }
    let permit = v.permit().ok_or(ServiceError::NotFound)?;
    match &v.app.cancels_permit {
        Some(target) => crate::permits::cancellation::check_at_submit(state, applicant_id, target).await?,
        None if permit.is_cancellation() => {
            return Err(ServiceError::Refused(
                "Pencabutan diajukan dari izin yang akan dicabut, di menu Izin Saya.".into(),
            ));
        }
        None => {}
    }
    let applicant = load_applicant(state, applicant_id).await?;
    let start = crate::desks::workflows::prepare_start(state, &v.office, &permit.code, v.standard.clone()).await?;

    let mut tx = state.db.begin().await?;
    if state.db.backend == Backend::Postgres {
        // Serialise this applicant's submissions so two parallel submits cannot both pass the cap.
        queries::lock_applicant(&mut *tx, applicant_id).await?;
    }
    // Only a person's practice permit takes a practice place (an establishment's permit and a
    // cancellation take none).
    if permit.has_person_cap() {
        let holdings = practice_places(&mut tx, applicant_id, &permit.profession, &v.app.id).await?;
        let continues = v.app.renewal_of.as_deref().or(v.app.change_of.as_deref());
        let today = crate::catalog::offices::today(&v.office);
        izinkes_domain::practice_cap::check(
            &holdings,
            continues,
            today,
            permit.max_active_per_person,
            &permit.profession,
        )
        .map_err(ServiceError::Refused)?;
    }
    let year = state_year(&v.office);
    let seq = crate::platform::db::next_counter(&mut tx, &v.office.id, "registration", &year.to_string()).await?;
    let number = RegistrationNumber::new(&v.office.code, year, seq);
    let now = now_text();
    let updated = queries::mark_submitted(&mut *tx, number.as_str(), &now, &v.app.id).await?;
    if updated.rows_affected() == 1 {
        crate::desks::workflows::start_in_tx(&mut tx, &v.app.id, &start).await?;
    }
    if updated.rows_affected() == 0 {
        // A parallel request submitted it first: roll back (the number is not used) and report theirs.
        tx.rollback().await?;
        let app = load_owned(state, applicant_id, id).await?;
        return app
            .registration_number
            .as_deref()
            .and_then(RegistrationNumber::parse)
            .map(SubmitOutcome::Submitted)
            .ok_or_else(|| ServiceError::Conflict("Permohonan sedang diproses oleh permintaan lain.".into()));
    }
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &v.office.id,
            application_id: &v.app.id,
            actor_kind: "applicant",
            actor_id: Some(applicant_id),
            actor_name: &applicant.full_name,
            actor_role: Some("Pemohon"),
            action: "ajukan",
            from_status: Some("draft"),
            to_status: "submitted",
            step: None,
            public_note: Some("Permohonan diajukan dan menunggu verifikasi kelengkapan oleh Front Office."),
            internal_note: None,
        },
    )
    .await?;
    let received = ApplicationReceived {
        applicant_name: &v.app.data.name,
        permit_name: &permit.name,
        number: &number.to_string(),
        office_name: &v.office.name,
        sla_working_days: v.standard.standard.sla_working_days,
        base_url: state.config.base_url.trim_end_matches('/'),
    };
    mail::enqueue(&mut tx, Some(&v.office.id), &applicant.email, &received).await?;
    notify_first_desk(state, &mut tx, &v, &start, number.as_str()).await?;
    tx.commit().await?;
    state.desks_changed(&v.office.id);
    state.wake_outbox();
    Ok(SubmitOutcome::Submitted(number))
}

/// Tells the officers of the first step that a new file is at their desk.
async fn notify_first_desk(
    state: &AppState,
    tx: &mut crate::platform::db::Tx,
    v: &ApplicationView,
    start: &crate::desks::workflows::Start,
    number: &str,
) -> ServiceResult<()> {
    let Some(first) = start.version.definition.steps.first() else {
        return Ok(());
    };
    let at = (first.key.as_str(), first.role.as_str());
    crate::notifications::service::file_at_desk(tx, &state.config.base_url, &v.office.id, at, number, &v.app.id).await
}

/// The person's permits and open applications of a profession, for the practice-place cap.
async fn practice_places(
    tx: &mut crate::platform::db::Tx,
    applicant_id: &str,
    profession: &str,
    except_id: &str,
) -> ServiceResult<Vec<Holding>> {
    let permits = queries::permits_of_profession(&mut **tx, applicant_id, profession).await?;
    let open = queries::open_of_profession(&mut **tx, applicant_id, profession, except_id).await?;
    let place = |data: &str| {
        serde_json::from_str::<ApplicantData>(data)
            .map(|d| d.facility_name)
            .unwrap_or_default()
    };
    let mut holdings: Vec<Holding> = permits
        .into_iter()
        .map(|p| Holding::Permit {
            state: PermitState::from_code(&p.status),
            valid_until: p
                .valid_until
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            id: p.id,
            number: p.number,
            place: p.practice_place,
        })
        .collect();
    holdings.extend(open.into_iter().map(|a| Holding::Open {
        registration_number: a.registration_number.unwrap_or_default(),
        place: place(&a.applicant_data),
        continues: a.renewal_of.or(a.change_of),
    }));
    Ok(holdings)
}

fn state_year(office: &Office) -> i32 {
    Utc::now().with_timezone(&office.tz().offset()).year()
}
