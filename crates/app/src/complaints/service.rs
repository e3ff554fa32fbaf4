//! Complaints (pengaduan): received through the online form, a message thread or an officer
//! (phone, walk-in, letter, complaint box, e-mail), then worked by the complaints desk step by
//! step (rules in `izinkes_domain::complaints`), tracked and confirmed by the complainant.
//!
//! Every step is one transaction: the complaint's row, one event row, and the notice to the
//! complainant (all notices go through [`notify_complainant`]).

use crate::auth::officer::Officer;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::complaints::queries;
use crate::complaints::queries::ComplaintRow;
use crate::complaints::queries::NewAttachment;
use crate::complaints::queries::NewEvent;
use crate::complaints::settings;
use crate::platform::db::Tx;
use crate::platform::db::next_counter;
use crate::platform::db::now_text;
use crate::platform::db::parse_ts;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::platform::mail;
use crate::state::AppState;
use chrono::DateTime;
use chrono::Datelike;
use chrono::NaiveDateTime;
use chrono::TimeZone;
use chrono::Utc;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::catalog::FileFormat;
use izinkes_domain::complaints::Action;
use izinkes_domain::complaints::Category;
use izinkes_domain::complaints::Channel;
use izinkes_domain::complaints::Severity;
use izinkes_domain::complaints::Status;
use izinkes_domain::complaints::TextError;
use izinkes_domain::complaints::clean_text;

pub const SUBJECT_MAX: usize = 150;
pub const BODY_MAX: usize = 4000;
pub const NOTE_MAX: usize = 4000;
pub const NAME_MAX: usize = 120;
pub const REFERENCE_MAX: usize = 60;
/// Complaints one client address may send through the online form within the throttle window.
pub const MAX_COMPLAINTS_PER_ADDRESS: i64 = 5;
/// Failed tracking lookups one client address may make within the throttle window.
pub const MAX_TRACK_FAILURES: i64 = 20;
/// Evidence: PDF or image, at most 5 MB.
pub const EVIDENCE_FORMATS: [FileFormat; 3] = [FileFormat::Pdf, FileFormat::Jpg, FileFormat::Png];
pub const EVIDENCE_MAX_KB: u32 = 5 * 1024;
/// The desk list shows at most this many complaints.
pub const LIST_LIMIT: i64 = 200;

const NOT_FOUND_TEXT: &str =
    "Pengaduan tidak ditemukan. Periksa nomor pengaduan dan e-mail atau nomor handphone yang Anda berikan.";

/// What a complainant writes (the office is ignored when an officer records the complaint: it
/// is the officer's office).
#[derive(Clone, Debug, Default)]
pub struct ComplaintInput {
    pub office_id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub subject: String,
    pub body: String,
}

/// How the complaint came in.
pub enum Source<'a> {
    /// The online form or the API, by a signed-in applicant or anonymously; throttled by address.
    Online {
        applicant_id: Option<&'a str>,
        client: &'a str,
    },
    /// Recorded by a complaints officer for a complaint by phone, walk-in, letter, box or e-mail.
    Officer { officer: &'a Officer, channel: Channel },
    /// Turned from an application's message thread (see [`from_message`]).
    Message {
        application_id: &'a str,
        applicant_id: Option<&'a str>,
        officer: Option<&'a Officer>,
    },
}

/// A complaint just received.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintCreated)]
pub struct Created {
    pub id: String,
    /// The number to track the complaint with, e.g. `JBR-ADU-2026-00012`.
    pub number: String,
}

fn text_message(e: TextError, what: &str) -> String {
    match e {
        TextError::Empty => format!("{what} wajib diisi."),
        TextError::TooLong { max } => format!("{what} terlalu panjang: paling banyak {max} karakter."),
    }
}

/// Checks `s` as free text of at most `max` characters, noting the error under `key`.
fn field_text(errors: &mut FieldErrors, key: &str, what: &str, s: &str, max: usize) -> String {
    match clean_text(s, max) {
        Ok(t) => t,
        Err(e) => {
            errors.insert(key.into(), text_message(e, what));
            String::new()
        }
    }
}

/// Optional free text: empty is fine, too long is not.
fn optional_text(errors: &mut FieldErrors, key: &str, what: &str, s: &str, max: usize) -> String {
    match clean_text(s, max) {
        Ok(t) => t,
        Err(TextError::Empty) => String::new(),
        Err(e) => {
            errors.insert(key.into(), text_message(e, what));
            String::new()
        }
    }
}

struct Contact {
    name: String,
    email: String,
    phone: String,
}

/// The complainant's name and contact, checked; a contact is needed to answer and to track,
/// except for what an officer records from a letter or the complaint box.
fn check_contact(errors: &mut FieldErrors, input: &ComplaintInput, contact_required: bool) -> Contact {
    let name = optional_text(errors, "name", "Nama", &input.name, NAME_MAX);
    let email = match input.email.trim() {
        "" => String::new(),
        e => match izinkes_domain::email::Email::parse(e) {
            Ok(e) => e.as_str().to_string(),
            Err(_) => {
                errors.insert(
                    "email".into(),
                    "Alamat e-mail tidak valid (contoh: nama@contoh.id).".into(),
                );
                String::new()
            }
        },
    };
    let phone = match input.phone.trim() {
        "" => String::new(),
        p => match izinkes_domain::phone::PhoneE164::parse(p) {
            Ok(p) => p.as_str().to_string(),
            Err(e) => {
                errors.insert("phone".into(), e.to_string());
                String::new()
            }
        },
    };
    let none_given = input.email.trim().is_empty() && input.phone.trim().is_empty();
    if contact_required && none_given {
        errors.insert(
            "email".into(),
            "Isi e-mail atau nomor handphone agar kami dapat menjawab dan Anda dapat melacak pengaduan.".into(),
        );
    }
    Contact { name, email, phone }
}

/// The profile's contact fills what a signed-in applicant left empty.
async fn with_profile(
    state: &AppState,
    input: &ComplaintInput,
    applicant_id: Option<&str>,
) -> ServiceResult<ComplaintInput> {
    let mut input = input.clone();
    if let Some(id) = applicant_id
        && let Some(p) = queries::applicant_contact(&state.db.pool, id).await?
    {
        if input.name.trim().is_empty() {
            input.name = p.full_name;
        }
        if input.email.trim().is_empty() && input.phone.trim().is_empty() {
            input.email = p.email;
            input.phone = p.phone;
        }
    }
    Ok(input)
}

fn throttle_since() -> String {
    ts(Utc::now() - chrono::Duration::minutes(crate::auth::throttle::THROTTLE_WINDOW_MINUTES))
}

/// Where a complaint goes, who filed it and by which channel; an address that filed too many
/// online complaints lately is refused.
async fn origin<'a>(
    state: &AppState,
    input: &ComplaintInput,
    source: &Source<'a>,
) -> ServiceResult<(String, Option<&'a str>, Channel)> {
    Ok(match source {
        Source::Online { applicant_id, client } => {
            let key = format!("complaint:{client}");
            if queries::recent_attempts(&state.db.pool, &key, &throttle_since()).await? >= MAX_COMPLAINTS_PER_ADDRESS {
                return Err(ServiceError::Throttled(
                    "Terlalu banyak pengaduan dari alamat ini dalam waktu singkat. Coba lagi dalam 15 menit, \
                     atau hubungi kantor melalui telepon atau e-mail."
                        .into(),
                ));
            }
            (input.office_id.trim().to_string(), *applicant_id, Channel::Online)
        }
        Source::Officer { officer, channel } => (officer.office_id.clone(), None, *channel),
        Source::Message { applicant_id, .. } => (input.office_id.clone(), *applicant_id, Channel::Pesan),
    })
}

/// When a complaint received now must be classified by (stored text).
async fn classify_by(state: &AppState, office: &Office) -> ServiceResult<String> {
    let cal = crate::office_admin::calendar::for_office(state, &office.id).await?;
    let (local, _) = local_now(office);
    let due = izinkes_domain::complaints::due_at(&cal, local, izinkes_domain::complaints::CLASSIFY_WITHIN);
    Ok(stored_local(office, due))
}

/// Receives a complaint: checks it, gives it the office's next number, records the first event
/// and tells the complainant the number, in one transaction.
pub async fn submit(state: &AppState, input: &ComplaintInput, source: Source<'_>) -> ServiceResult<Created> {
    let (office_id, applicant_id, channel) = origin(state, input, &source).await?;
    let input = with_profile(state, input, applicant_id).await?;
    let mut errors = FieldErrors::new();
    let office = match catalog::offices::get(state, &office_id).await {
        Ok(o) => Some(o),
        Err(ServiceError::NotFound) => {
            errors.insert("office_id".into(), "Pilih kantor yang dituju.".into());
            None
        }
        Err(e) => return Err(e),
    };
    let contact_required = !matches!(source, Source::Officer { .. });
    let contact = check_contact(&mut errors, &input, contact_required);
    let subject = field_text(&mut errors, "subject", "Pokok pengaduan", &input.subject, SUBJECT_MAX);
    let body = field_text(&mut errors, "body", "Isi pengaduan", &input.body, BODY_MAX);
    let Some(office) = office.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let (actor_kind, actor_id, actor_name, note) = received_by(&source, &contact.name, channel);
    let classify_by = classify_by(state, &office).await?;
    let now = now_text();
    let year = Utc::now().with_timezone(&office.tz().offset()).year();
    let mut row = ComplaintRow {
        id: new_id(),
        office_id: office.id.clone(),
        number: String::new(),
        channel: channel.code().into(),
        status: Status::Received.code().into(),
        subject,
        body,
        complainant_name: contact.name,
        contact_email: contact.email,
        contact_phone: contact.phone,
        applicant_id: applicant_id.map(str::to_string),
        application_id: match &source {
            Source::Message { application_id, .. } => Some((*application_id).to_string()),
            _ => None,
        },
        recorded_by: match &source {
            Source::Officer { officer, .. } => Some(officer.id.clone()),
            _ => None,
        },
        category: None,
        severity: None,
        due_at: Some(classify_by),
        assigned_to: None,
        lapor_reference: None,
        answer: None,
        answered_at: None,
        first_answered_at: None,
        answered_in_time: None,
        closed_at: None,
        escalated_at: None,
        received_at: now.clone(),
        updated_at: now.clone(),
        lock_version: 0,
    };
    let mut tx = state.db.begin().await?;
    let seq = next_counter(&mut tx, &office.id, "complaint", &year.to_string()).await?;
    row.number = izinkes_domain::complaints::complaint_number(&office.code, year, seq);
    queries::insert_complaint(&mut tx, &row).await?;
    let event = NewEvent {
        office_id: &office.id,
        complaint_id: &row.id,
        at: &now,
        actor_kind,
        actor_id: actor_id.as_deref(),
        actor_name: &actor_name,
        action: "receive",
        from_status: None,
        to_status: Status::Received.code(),
        note: &note,
        public: true,
    };
    queries::insert_event(&mut tx, &event).await?;
    notify_complainant(&mut tx, state, &office, &row, Notice::Received).await?;
    tx.commit().await?;
    if let Source::Online { client, .. } = source {
        queries::record_attempt(&state.db.pool, &format!("complaint:{client}"), &now).await?;
    }
    state.wake_outbox();
    Ok(Created {
        id: row.id,
        number: row.number,
    })
}

/// Who the first event names, and its note.
fn received_by(source: &Source<'_>, name: &str, channel: Channel) -> (&'static str, Option<String>, String, String) {
    let complainant = if name.is_empty() { "Pengadu" } else { name }.to_string();
    match source {
        Source::Officer { officer, channel } => (
            "officer",
            Some(officer.id.clone()),
            officer.name.clone(),
            format!("Dicatat oleh petugas pengaduan dari saluran {}.", channel.label_id()),
        ),
        Source::Message {
            officer: Some(officer), ..
        } => (
            "officer",
            Some(officer.id.clone()),
            officer.name.clone(),
            "Dijadikan pengaduan dari pesan pada permohonan.".into(),
        ),
        Source::Message { applicant_id, .. } | Source::Online { applicant_id, .. } => (
            "complainant",
            applicant_id.map(str::to_string),
            complainant,
            format!("Diterima melalui {}.", channel.label_id()),
        ),
    }
}

/// A complaint created from the message thread of an application (channel "pesan"), by the
/// applicant (`applicant_id`) or by an officer of the office (`officer`); the text of the message
/// is the complaint. The application must belong to the office (and to the applicant, when the
/// applicant turns it); anything else is not found. Returns the complaint's number.
pub async fn from_message(
    state: &AppState,
    office_id: &str,
    application_id: &str,
    applicant_id: Option<&str>,
    officer: Option<&Officer>,
    text: &str,
) -> ServiceResult<String> {
    let owner = queries::application_in_office(&state.db.pool, office_id, application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if applicant_id.is_some_and(|a| a != owner) || officer.is_some_and(|o| o.office_id != office_id) {
        return Err(ServiceError::NotFound);
    }
    let subject: String = text
        .trim()
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(SUBJECT_MAX)
        .collect();
    let input = ComplaintInput {
        office_id: office_id.into(),
        subject,
        body: text.into(),
        ..ComplaintInput::default()
    };
    let source = Source::Message {
        application_id,
        applicant_id: Some(owner.as_str()),
        officer,
    };
    Ok(submit(state, &input, source).await?.number)
}

/// What the complainant is told, one notice per step.
enum Notice<'a> {
    Received,
    Step { action: Action, note: &'a str },
}

/// Every notice to the complainant goes through here, through the notifier: a signed-in
/// complainant on the channels they chose in their profile; anyone else at the contact they
/// left (the e-mail address, else the phone number by SMS).
async fn notify_complainant(
    tx: &mut Tx,
    state: &AppState,
    office: &Office,
    c: &ComplaintRow,
    notice: Notice<'_>,
) -> ServiceResult<()> {
    use crate::notifications::service as notifier;
    let status = Status::from_code(&c.status).unwrap_or(Status::Received);
    let (heading, note) = match notice {
        Notice::Received => (
            "Pengaduan Anda telah kami terima dan akan segera ditangani.".to_string(),
            String::new(),
        ),
        Notice::Step { action, note } => (step_heading(action).to_string(), note.to_string()),
    };
    let name = if c.complainant_name.is_empty() {
        "Bapak/Ibu"
    } else {
        &c.complainant_name
    };
    let base = state.config.base_url.trim_end_matches('/');
    let m = mail::ComplaintNotice {
        name,
        number: &c.number,
        office_name: &office.name,
        heading: &heading,
        status_label: status.label_id(),
        note: &note,
        base_url: base,
    };
    let text = format!("Pengaduan {}: {heading}", c.number);
    let n = notifier::Notice::new("complaint", &m, text, format!("{base}/pengaduan/lacak"))?;
    match &c.applicant_id {
        Some(applicant) => notifier::to_applicant(tx, &office.id, applicant, &n).await,
        None => {
            let email = Some(c.contact_email.as_str()).filter(|e| !e.is_empty());
            let phone = Some(c.contact_phone.as_str()).filter(|p| !p.is_empty());
            notifier::to_contact(tx, &office.id, email, phone, &n).await
        }
    }
}

fn step_heading(action: Action) -> &'static str {
    match action {
        Action::Classify => "Pengaduan Anda telah diklasifikasi; berikut batas waktu penanganannya.",
        Action::Assign => "Pengaduan Anda telah didisposisikan kepada petugas yang menanganinya.",
        Action::Examine => "Pengaduan Anda sedang diteliti dan diperiksa.",
        Action::FollowUp => "Tindak lanjut atas pengaduan Anda telah dicatat.",
        Action::Answer => "Kami telah menjawab pengaduan Anda. Mohon sampaikan apakah Anda puas melalui halaman lacak.",
        Action::ForwardLapor => "Pengaduan Anda diteruskan ke SP4N-LAPOR!.",
        Action::Confirm => "Terima kasih. Pengaduan Anda kami nyatakan selesai.",
        Action::Reopen => "Pengaduan Anda dibuka kembali dan akan kami periksa lagi.",
    }
}

// ---------------------------------------------------------------------------------------------
// The officers' steps

/// What an officer's step form sends; only the fields of its action are read.
#[derive(Clone, Debug, Default)]
pub struct ActionInput {
    pub action: String,
    pub category: String,
    pub severity: String,
    pub assignee: String,
    pub note: String,
    pub reference: String,
    /// Evidence with an examination: (file name, bytes).
    pub evidence: Option<(String, Vec<u8>)>,
}

/// Evidence checked and stored, to be recorded with the step.
struct Evidence {
    filename: String,
    sha256: String,
    mime: &'static str,
    size: i64,
}

/// A step worked out before it is written.
struct Change {
    row: ComplaintRow,
    note: String,
    public: bool,
    /// What the complainant's notice says beyond its heading.
    notice_note: String,
    evidence: Option<Evidence>,
}

/// The office's local clock now, as a naive local time and as stored text.
fn local_now(office: &Office) -> (NaiveDateTime, String) {
    let now = Utc::now();
    (now.with_timezone(&office.tz().offset()).naive_local(), ts(now))
}

/// A local time of the office as stored UTC text.
fn stored_local(office: &Office, local: NaiveDateTime) -> String {
    match office.tz().offset().from_local_datetime(&local).single() {
        Some(t) => ts(t.with_timezone(&Utc)),
        None => ts(Utc.from_utc_datetime(&local)),
    }
}

/// A stored timestamp in the office's time zone, for people.
pub fn local_label(office: &Office, stored: &str) -> String {
    izinkes_domain::format_id::timestamp_in(stored, office.tz())
}

/// A stored timestamp as the office's local time.
pub fn local_time(office: &Office, stored: &str) -> Option<NaiveDateTime> {
    parse_ts(stored).map(|t: DateTime<Utc>| t.with_timezone(&office.tz().offset()).naive_local())
}

/// Works an officer's step on a complaint of their office (another office's is not found).
pub async fn act(state: &AppState, officer: &Officer, id: &str, input: &ActionInput) -> ServiceResult<Action> {
    let row = queries::in_office(&state.db.pool, &officer.office_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let action = Action::from_code(input.action.trim())
        .filter(|a| Action::OFFICER.contains(a))
        .ok_or_else(|| ServiceError::field("action", "Pilih langkah yang akan dilakukan."))?;
    let office = catalog::offices::get(state, &officer.office_id).await?;
    let status = Status::from_code(&row.status).unwrap_or(Status::Received);
    let next =
        izinkes_domain::complaints::next_status(status, action).map_err(|e| ServiceError::Refused(e.to_string()))?;
    let change = plan(state, &office, row, action, next, input).await?;
    write_step(state, &office, change, status, action, Actor::Officer(officer)).await?;
    Ok(action)
}

/// Who takes a step.
enum Actor<'a> {
    Officer(&'a Officer),
    Complainant,
}

/// Writes a step: the row (if nobody changed it meanwhile), its event, its evidence and the
/// complainant's notice, in one transaction.
async fn write_step(
    state: &AppState,
    office: &Office,
    change: Change,
    from: Status,
    action: Action,
    actor: Actor<'_>,
) -> ServiceResult<()> {
    let (kind, actor_id, name) = match actor {
        Actor::Officer(o) => ("officer", Some(o.id.as_str()), o.name.clone()),
        Actor::Complainant => ("complainant", None, public_name(&change.row)),
    };
    let mut tx = state.db.begin().await?;
    if !queries::save(&mut tx, &change.row).await? {
        return Err(ServiceError::Conflict(
            "Pengaduan ini baru saja diubah oleh orang lain. Muat ulang halaman lalu coba lagi.".into(),
        ));
    }
    let event = NewEvent {
        office_id: &office.id,
        complaint_id: &change.row.id,
        at: &change.row.updated_at,
        actor_kind: kind,
        actor_id,
        actor_name: &name,
        action: action.code(),
        from_status: Some(from.code()),
        to_status: &change.row.status,
        note: &change.note,
        public: change.public,
    };
    let event_id = queries::insert_event(&mut tx, &event).await?;
    if let Some(e) = &change.evidence {
        let attachment = NewAttachment {
            id: &new_id(),
            office_id: &office.id,
            complaint_id: &change.row.id,
            event_id,
            filename: &e.filename,
            sha256: &e.sha256,
            mime: e.mime,
            size: e.size,
            uploaded_by: actor_id.unwrap_or(""),
            now: &change.row.updated_at,
        };
        queries::insert_attachment(&mut tx, &attachment).await?;
    }
    let notice = Notice::Step {
        action,
        note: &change.notice_note,
    };
    notify_complainant(&mut tx, state, office, &change.row, notice).await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(())
}

fn public_name(c: &ComplaintRow) -> String {
    if c.complainant_name.is_empty() {
        "Pengadu".into()
    } else {
        c.complainant_name.clone()
    }
}

/// What a step writes besides the row: its note, whether the complainant sees it, what their
/// notice adds.
#[derive(Default)]
struct Notes {
    note: String,
    public: bool,
    notice_note: String,
}

/// The row after an officer's step, with its notes; field errors for what the step needs.
async fn plan(
    state: &AppState,
    office: &Office,
    mut row: ComplaintRow,
    action: Action,
    next: Status,
    input: &ActionInput,
) -> ServiceResult<Change> {
    let mut errors = FieldErrors::new();
    let (local, now) = local_now(office);
    let mut evidence = None;
    let notes = match action {
        Action::Classify => classify(state, office, &mut row, &mut errors, input, local).await?,
        Action::Assign => assign(state, office, &mut row, &mut errors, input).await?,
        Action::Examine => {
            let note = field_text(&mut errors, "note", "Catatan pemeriksaan", &input.note, NOTE_MAX);
            evidence = check_evidence(state, &mut errors, input).await?;
            Notes {
                note,
                ..Notes::default()
            }
        }
        Action::FollowUp => Notes {
            note: field_text(&mut errors, "note", "Tindak lanjut", &input.note, NOTE_MAX),
            ..Notes::default()
        },
        Action::Answer => {
            let note = field_text(&mut errors, "note", "Jawaban", &input.note, NOTE_MAX);
            let due = row.due_at.as_deref().and_then(|d| local_time(office, d));
            row.answer = Some(note.clone());
            row.answered_at = Some(now.clone());
            if row.first_answered_at.is_none() {
                row.first_answered_at = Some(now.clone());
                row.answered_in_time = Some(i64::from(izinkes_domain::complaints::answered_in_time(local, due)));
            }
            Notes {
                notice_note: format!("Jawaban kami:\n{note}"),
                note,
                public: true,
            }
        }
        Action::ForwardLapor => forward_lapor(state, office, &mut row, &mut errors, input).await?,
        Action::Confirm | Action::Reopen => {
            return Err(ServiceError::field("action", "Pilih langkah yang akan dilakukan."));
        }
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    row.status = next.code().into();
    row.updated_at = now;
    Ok(Change {
        row,
        note: notes.note,
        public: notes.public,
        notice_note: notes.notice_note,
        evidence,
    })
}

/// Category and severity; the deadline counted from now on the office's calendar.
async fn classify(
    state: &AppState,
    office: &Office,
    row: &mut ComplaintRow,
    errors: &mut FieldErrors,
    input: &ActionInput,
    local: NaiveDateTime,
) -> ServiceResult<Notes> {
    let category = Category::from_code(input.category.trim());
    let severity = Severity::from_code(input.severity.trim());
    if category.is_none() {
        errors.insert("category".into(), "Pilih kategori pengaduan.".into());
    }
    if severity.is_none() {
        errors.insert(
            "severity".into(),
            "Pilih tingkat pengaduan: ringan, sedang, atau berat.".into(),
        );
    }
    let note = optional_text(errors, "note", "Catatan", &input.note, NOTE_MAX);
    let (Some(category), Some(severity)) = (category, severity) else {
        return Ok(Notes::default());
    };
    let s = settings::settings(state, &office.id).await?;
    let cal = crate::office_admin::calendar::for_office(state, &office.id).await?;
    let limit = s.deadlines.limit(severity);
    let due = stored_local(office, izinkes_domain::complaints::due_at(&cal, local, limit));
    let summary = format!(
        "Kategori: {}. Tingkat: {} (batas waktu {}, paling lambat {}).",
        category.label_id(),
        severity.label_id(),
        limit.label_id(),
        local_label(office, &due)
    );
    row.category = Some(category.code().into());
    row.severity = Some(severity.code().into());
    row.due_at = Some(due);
    row.escalated_at = None;
    Ok(Notes {
        note: if note.is_empty() {
            summary.clone()
        } else {
            format!("{summary} {note}")
        },
        public: true,
        notice_note: summary,
    })
}

/// The officer of the office who handles the complaint.
async fn assign(
    state: &AppState,
    office: &Office,
    row: &mut ComplaintRow,
    errors: &mut FieldErrors,
    input: &ActionInput,
) -> ServiceResult<Notes> {
    let officers = queries::officers_of(&state.db.pool, &office.id).await?;
    let mut note = String::new();
    match officers.iter().find(|o| o.id == input.assignee.trim()) {
        Some(o) => {
            row.assigned_to = Some(o.id.clone());
            note = format!("Didisposisikan kepada {}.", o.full_name);
        }
        None => {
            errors.insert("assignee".into(), "Pilih petugas yang akan menangani.".into());
        }
    }
    let extra = optional_text(errors, "note", "Catatan", &input.note, NOTE_MAX);
    if !extra.is_empty() {
        note = format!("{note} {extra}");
    }
    Ok(Notes {
        note,
        ..Notes::default()
    })
}

/// The SP4N-LAPOR! ticket number, once, where the office forwards.
async fn forward_lapor(
    state: &AppState,
    office: &Office,
    row: &mut ComplaintRow,
    errors: &mut FieldErrors,
    input: &ActionInput,
) -> ServiceResult<Notes> {
    if !settings::settings(state, &office.id).await?.forwards_to_lapor {
        return Err(ServiceError::Refused(
            "Kantor ini tidak meneruskan pengaduan ke SP4N-LAPOR! (lihat Pengaturan Pengaduan).".into(),
        ));
    }
    if row.lapor_reference.is_some() {
        return Err(ServiceError::Refused(
            "Pengaduan ini sudah diteruskan ke SP4N-LAPOR!.".into(),
        ));
    }
    let reference = field_text(
        errors,
        "reference",
        "Nomor tiket SP4N-LAPOR!",
        &input.reference,
        REFERENCE_MAX,
    );
    row.lapor_reference = Some(reference.clone());
    let note = format!("Nomor tiket SP4N-LAPOR!: {reference}.");
    Ok(Notes {
        notice_note: note.clone(),
        note,
        public: true,
    })
}

/// Checks the evidence of an examination by its content and stores it (content-addressed, so
/// storing it before the transaction is safe to repeat).
async fn check_evidence(
    state: &AppState,
    errors: &mut FieldErrors,
    input: &ActionInput,
) -> ServiceResult<Option<Evidence>> {
    let Some((filename, bytes)) = &input.evidence else {
        return Ok(None);
    };
    match crate::platform::uploads::check_file(bytes, &EVIDENCE_FORMATS, EVIDENCE_MAX_KB) {
        Ok(format) => {
            if !errors.is_empty() {
                return Ok(None);
            }
            let sha256 = crate::platform::uploads::store_blob(state, bytes, format.mime()).await?;
            Ok(Some(Evidence {
                filename: crate::platform::files::clean_filename(filename),
                sha256,
                mime: format.mime(),
                size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            }))
        }
        Err(message) => {
            errors.insert("evidence".into(), message);
            Ok(None)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The complainant: tracking, satisfaction, reopening

/// Failed lookups count against the client address; the same "not found" answers a wrong
/// number and a wrong contact.
async fn find_for_complainant(
    state: &AppState,
    number: &str,
    contact: &str,
    client: &str,
) -> ServiceResult<ComplaintRow> {
    let mut errors = FieldErrors::new();
    let number = izinkes_domain::complaints::parse_number(number);
    if number.is_none() {
        errors.insert(
            "number".into(),
            "Nomor pengaduan tidak valid (contoh: JBR-ADU-2026-00012).".into(),
        );
    }
    if contact.trim().is_empty() {
        errors.insert(
            "contact".into(),
            "Isi e-mail atau nomor handphone yang Anda berikan saat mengadu.".into(),
        );
    }
    let Some(number) = number.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let key = format!("complaint-track:{client}");
    if queries::recent_attempts(&state.db.pool, &key, &throttle_since()).await? >= MAX_TRACK_FAILURES {
        return Err(ServiceError::Throttled(
            "Terlalu banyak pencarian yang tidak cocok. Coba lagi dalam 15 menit.".into(),
        ));
    }
    let row = queries::by_number(&state.db.pool, &number)
        .await?
        .filter(|c| izinkes_domain::complaints::contact_matches(&c.contact_email, &c.contact_phone, contact));
    match row {
        Some(c) => Ok(c),
        None => {
            queries::record_attempt(&state.db.pool, &key, &now_text()).await?;
            Err(ServiceError::NotFound)
        }
    }
}

/// The message a failed lookup shows.
pub fn not_found_text() -> &'static str {
    NOT_FOUND_TEXT
}

/// A public step of a complaint, as the complainant sees it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintStep)]
pub struct PublicStep {
    pub at: String,
    pub status_label: String,
    pub note: String,
}

/// What the tracking page and the API show the complainant.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintTracked)]
pub struct Tracked {
    pub number: String,
    pub office_name: String,
    pub status: String,
    pub status_label: String,
    pub subject: String,
    pub received_at: String,
    /// The deadline, once classified.
    pub due_at: Option<String>,
    pub answer: Option<String>,
    pub lapor_reference: Option<String>,
    /// The office answered: the complainant may confirm or reopen.
    pub can_respond: bool,
    pub steps: Vec<PublicStep>,
}

async fn tracked(state: &AppState, c: &ComplaintRow) -> ServiceResult<Tracked> {
    let office = catalog::offices::get(state, &c.office_id).await?;
    let status = Status::from_code(&c.status).unwrap_or(Status::Received);
    let events = queries::events_of(&state.db.pool, &c.id).await?;
    // The escalation to the supervisors is the office's own business.
    let steps = events
        .into_iter()
        .filter(|e| e.actor_kind != "system")
        .map(|e| PublicStep {
            at: local_label(&office, &e.at),
            status_label: Status::from_code(&e.to_status).map_or("", Status::label_id).to_string(),
            note: if e.public != 0 {
                e.note
            } else {
                Action::from_code(&e.action).map_or("", Action::label_id).to_string()
            },
        })
        .collect();
    Ok(Tracked {
        number: c.number.clone(),
        office_name: office.name.clone(),
        status: status.code().into(),
        status_label: status.label_id().into(),
        subject: c.subject.clone(),
        received_at: local_label(&office, &c.received_at),
        due_at: c.due_at.as_deref().map(|d| local_label(&office, d)),
        answer: c.answer.clone(),
        lapor_reference: c.lapor_reference.clone(),
        can_respond: status == Status::Answered,
        steps,
    })
}

/// Public tracking by number and contact.
pub async fn track(state: &AppState, number: &str, contact: &str, client: &str) -> ServiceResult<Tracked> {
    let c = find_for_complainant(state, number, contact, client).await?;
    tracked(state, &c).await
}

/// The complainant's word on the answer: satisfied (closed) or not (reopened, with a reason).
pub async fn respond(
    state: &AppState,
    number: &str,
    contact: &str,
    client: &str,
    satisfied: bool,
    reason: &str,
) -> ServiceResult<Tracked> {
    let mut row = find_for_complainant(state, number, contact, client).await?;
    let office = catalog::offices::get(state, &row.office_id).await?;
    let action = if satisfied { Action::Confirm } else { Action::Reopen };
    let status = Status::from_code(&row.status).unwrap_or(Status::Received);
    let next = izinkes_domain::complaints::next_status(status, action).map_err(|_| {
        ServiceError::Refused("Tanggapan dapat diberikan setelah kantor menjawab pengaduan Anda.".into())
    })?;
    let mut errors = FieldErrors::new();
    let note = if satisfied {
        optional_text(&mut errors, "reason", "Tanggapan", reason, NOTE_MAX)
    } else {
        field_text(&mut errors, "reason", "Alasan belum puas", reason, NOTE_MAX)
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (local, now) = local_now(&office);
    if satisfied {
        row.closed_at = Some(now.clone());
    } else {
        // Examined again, with a fresh deadline of the same severity from now.
        let s = settings::settings(state, &office.id).await?;
        let cal = crate::office_admin::calendar::for_office(state, &office.id).await?;
        let severity = row
            .severity
            .as_deref()
            .and_then(Severity::from_code)
            .unwrap_or(Severity::Sedang);
        let due = izinkes_domain::complaints::due_at(&cal, local, s.deadlines.limit(severity));
        row.due_at = Some(stored_local(&office, due));
        row.escalated_at = None;
    }
    row.status = next.code().into();
    row.updated_at = now;
    let change = Change {
        row,
        note: note.clone(),
        public: true,
        notice_note: note,
        evidence: None,
    };
    write_step(state, &office, change, status, action, Actor::Complainant).await?;
    let c = queries::by_number(&state.db.pool, &number.trim().to_ascii_uppercase())
        .await?
        .ok_or(ServiceError::NotFound)?;
    tracked(state, &c).await
}

// ---------------------------------------------------------------------------------------------
// The desk: list and detail

/// One complaint in the desk's list.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintListItem)]
pub struct ListItem {
    pub id: String,
    pub number: String,
    pub subject: String,
    pub channel: String,
    pub channel_label: String,
    pub status: String,
    pub status_label: String,
    pub severity_label: String,
    pub received_at: String,
    pub due_at: Option<String>,
    pub overdue: bool,
    pub escalated: bool,
    pub assignee: Option<String>,
}

/// The desk's filter from its query value: `terbuka` (default), `terlambat`, `semua` or a status.
pub fn parse_filter(s: &str) -> queries::ListFilter<'_> {
    match s.trim() {
        "" | "terbuka" => queries::ListFilter::Open,
        "terlambat" => queries::ListFilter::Overdue,
        "semua" => queries::ListFilter::All,
        code => match Status::from_code(code) {
            Some(st) => queries::ListFilter::Status(st.code()),
            None => queries::ListFilter::Open,
        },
    }
}

fn item(office: &Office, c: &ComplaintRow, names: &[queries::OfficerOption], now: NaiveDateTime) -> ListItem {
    let status = Status::from_code(&c.status).unwrap_or(Status::Received);
    let due = c.due_at.as_deref().and_then(|d| local_time(office, d));
    let channel = Channel::from_code(&c.channel);
    ListItem {
        id: c.id.clone(),
        number: c.number.clone(),
        subject: c.subject.clone(),
        channel: c.channel.clone(),
        channel_label: channel.map_or_else(|| c.channel.clone(), |ch| ch.label_id().to_string()),
        status: status.code().into(),
        status_label: status.label_id().into(),
        severity_label: c
            .severity
            .as_deref()
            .and_then(Severity::from_code)
            .map_or("—", Severity::label_id)
            .to_string(),
        received_at: local_label(office, &c.received_at),
        due_at: c.due_at.as_deref().map(|d| local_label(office, d)),
        overdue: izinkes_domain::complaints::is_overdue(status, due, now),
        escalated: c.escalated_at.is_some(),
        assignee: c
            .assigned_to
            .as_ref()
            .and_then(|a| names.iter().find(|o| &o.id == a))
            .map(|o| o.full_name.clone()),
    }
}

/// The office's complaints for its desk, overdue first.
pub async fn list(state: &AppState, officer: &Officer, filter: &str) -> ServiceResult<Vec<ListItem>> {
    let office = catalog::offices::get(state, &officer.office_id).await?;
    let rows = queries::list(
        &state.db.pool,
        &office.id,
        parse_filter(filter),
        &now_text(),
        LIST_LIMIT,
    )
    .await?;
    let names = queries::officers_of(&state.db.pool, &office.id).await?;
    let (now, _) = local_now(&office);
    Ok(rows.iter().map(|c| item(&office, c, &names, now)).collect())
}

/// One complaint for the desk, with its steps, evidence and what can be done next.
pub struct Detail {
    pub office: Office,
    pub row: ComplaintRow,
    pub item: ListItem,
    pub status: Status,
    pub events: Vec<queries::EventRow>,
    pub attachments: Vec<queries::AttachmentRow>,
    pub officers: Vec<queries::OfficerOption>,
    pub actions: Vec<Action>,
    pub forwards_to_lapor: bool,
    pub deadlines: izinkes_domain::complaints::Deadlines,
}

pub async fn detail(state: &AppState, officer: &Officer, id: &str) -> ServiceResult<Detail> {
    let row = queries::in_office(&state.db.pool, &officer.office_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let office = catalog::offices::get(state, &officer.office_id).await?;
    let officers = queries::officers_of(&state.db.pool, &office.id).await?;
    let (now, _) = local_now(&office);
    let status = Status::from_code(&row.status).unwrap_or(Status::Received);
    let s = settings::settings(state, &office.id).await?;
    let mut actions = izinkes_domain::complaints::officer_actions(status);
    if !s.forwards_to_lapor || row.lapor_reference.is_some() {
        actions.retain(|a| *a != Action::ForwardLapor);
    }
    Ok(Detail {
        item: item(&office, &row, &officers, now),
        events: queries::events_of(&state.db.pool, &row.id).await?,
        attachments: queries::attachments_of(&state.db.pool, &row.id).await?,
        office,
        row,
        status,
        officers,
        actions,
        forwards_to_lapor: s.forwards_to_lapor,
        deadlines: s.deadlines,
    })
}

/// Not found unless the complaint is of the officer's office.
pub async fn ensure_in_office(state: &AppState, officer: &Officer, id: &str) -> ServiceResult<()> {
    queries::in_office(&state.db.pool, &officer.office_id, id)
        .await?
        .map(|_| ())
        .ok_or(ServiceError::NotFound)
}

/// A piece of evidence of a complaint of the officer's office, ready to send.
pub async fn evidence(
    state: &AppState,
    officer: &Officer,
    id: &str,
    attachment_id: &str,
) -> ServiceResult<crate::platform::uploads::FileDownload> {
    ensure_in_office(state, officer, id).await?;
    if attachment_id.is_empty() {
        return Err(ServiceError::field("berkas", "Pilih berkas bukti yang akan dibuka."));
    }
    let a = queries::attachments_of(&state.db.pool, id)
        .await?
        .into_iter()
        .find(|a| a.id == attachment_id)
        .ok_or(ServiceError::NotFound)?;
    Ok(crate::platform::uploads::FileDownload {
        bytes: state.store.get(&a.sha256).await?,
        filename: a.filename,
        mime: a.mime,
    })
}

/// Used by the clock: a system step on a complaint (the escalation event), with a notice to the
/// holders of the `supervisor` role (at once or in their daily digest, as each chose).
pub(crate) async fn escalate(
    state: &AppState,
    office: &Office,
    c: &ComplaintRow,
    supervisor: &str,
) -> ServiceResult<bool> {
    let now = now_text();
    let mut tx = state.db.begin().await?;
    if !queries::mark_escalated(&mut tx, &c.id, &now).await? {
        return Ok(false);
    }
    let severity = c
        .severity
        .as_deref()
        .and_then(Severity::from_code)
        .map_or("—", Severity::label_id);
    let due = local_label(office, c.due_at.as_deref().unwrap_or_default());
    let event = NewEvent {
        office_id: &office.id,
        complaint_id: &c.id,
        at: &now,
        actor_kind: "system",
        actor_id: None,
        actor_name: "Sistem izinkes",
        action: "escalate",
        from_status: Some(&c.status),
        to_status: &c.status,
        note: &format!("Melewati batas waktu ({due}); dieskalasi kepada atasan."),
        public: false,
    };
    queries::insert_event(&mut tx, &event).await?;
    let base_url = state.config.base_url.trim_end_matches('/');
    let m = mail::ComplaintOverdue {
        number: &c.number,
        severity_label: severity,
        due_at: &due,
        base_url,
        id: &c.id,
    };
    let text = format!("Pengaduan {} melewati batas waktu.", c.number);
    let link = format!("{base_url}/petugas/pengaduan/{}", c.id);
    let notice = crate::notifications::service::Notice::new("overdue", &m, text, link)?;
    let supervisors = crate::notifications::service::Officers::Role(supervisor);
    crate::notifications::service::to_officers(&mut tx, &office.id, supervisors, &notice).await?;
    tx.commit().await?;
    Ok(true)
}
