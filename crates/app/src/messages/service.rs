//! Pesan Pengaduan: one thread per application between its applicant (or the proxy who filed)
//! and the office. Officers of the office can read and answer; an answer is signed with the
//! desk's name unless the office chooses its officers' names. Every message is an entry of the
//! file's hash-chained history (its digest in the entry) and queues a notice for the other side.
//! Reading marks read per reader; the counts come from `message_threads` and `message_reads`.

use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::auth::officer::Officer;
use crate::messages::queries;
use crate::messages::queries::MessageRow;
use crate::messages::queries::NewMessage;
use crate::messages::queries::ThreadFile;
use crate::office_admin::settings::settings;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::files::clean_filename;
use crate::platform::ids::looks_like_id;
use crate::platform::ids::sha256_hex;
use crate::platform::mail;
use crate::platform::uploads::FileDownload;
use crate::platform::uploads::check_file;
use crate::platform::uploads::store_blob;
use crate::state::AppState;
use izinkes_domain::catalog::FileFormat;
use izinkes_domain::roles::Role;

/// Longest message, in characters.
pub const MAX_BODY_CHARS: usize = 2000;
/// Largest attachment, in KB (the requirement default).
pub const MAX_ATTACHMENT_KB: u32 = 2048;
/// Formats an attachment may have.
pub const ATTACHMENT_FORMATS: [FileFormat; 3] = [FileFormat::Pdf, FileFormat::Jpg, FileFormat::Png];
/// Messages shown of a thread (the newest).
pub const THREAD_LIMIT: i64 = 500;
/// Messages one author may write on one thread in an hour.
const HOURLY_LIMIT: usize = 30;

/// Who writes: the applicant (by name) or an officer (by desk, or by name where the office says so).
pub enum Author<'a> {
    Applicant { id: &'a str, name: &'a str },
    Officer(&'a Officer),
}

/// A file attached to a message, as uploaded.
pub struct Upload<'a> {
    pub filename: &'a str,
    pub bytes: &'a [u8],
}

/// One message as the reader sees it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: i64,
    /// Written at the office (true) or by the applicant (false).
    pub from_office: bool,
    /// The desk (or the officer, where the office signs with names), or the applicant's name.
    pub author: String,
    pub body: String,
    /// RFC 3339 (UTC).
    pub created_at: String,
    pub attachment: Option<MessageAttachment>,
    /// Set when the message was turned into a complaint.
    pub complaint_number: Option<String>,
    /// Whether the reader had not read it before this view (the other side's messages only).
    pub unread: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MessageAttachment {
    pub filename: String,
    pub mime: String,
    pub size: i64,
}

/// A thread as one reader sees it: its messages, and how many of them were new to the reader.
pub struct Thread {
    pub file: ThreadFile,
    pub messages: Vec<MessageView>,
    pub unread: usize,
}

/// Cleans a message: line ends normalised, control characters other than new lines and tabs
/// removed, runs of blank lines shortened, trimmed. `None` when nothing is left.
pub fn clean_body(raw: &str) -> Option<String> {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            if newlines <= 2 {
                out.push('\n');
            }
            continue;
        }
        if c.is_control() && c != '\t' {
            continue;
        }
        newlines = 0;
        out.push(c);
    }
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// Checks a message and its attachment; the messages are Indonesian, by field (`pesan`, `lampiran`).
fn check_input(body: &str, upload: Option<&Upload<'_>>) -> ServiceResult<(String, Option<FileFormat>)> {
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    let cleaned = clean_body(body);
    match &cleaned {
        None => {
            errors.insert("pesan".into(), "Tulis pesan Anda terlebih dahulu.".into());
        }
        Some(b) if b.chars().count() > MAX_BODY_CHARS => {
            errors.insert(
                "pesan".into(),
                format!(
                    "Pesan terlalu panjang ({} karakter); paling banyak {MAX_BODY_CHARS} karakter.",
                    b.chars().count()
                ),
            );
        }
        Some(_) => {}
    }
    let mut format = None;
    if let Some(u) = upload {
        match check_file(u.bytes, &ATTACHMENT_FORMATS, MAX_ATTACHMENT_KB) {
            Ok(f) => format = Some(f),
            Err(m) => {
                errors.insert("lampiran".into(), m);
            }
        }
    }
    match cleaned {
        Some(b) if errors.is_empty() => Ok((b, format)),
        _ => Err(ServiceError::Invalid(errors)),
    }
}

/// The digest the history entry carries: author, body and attachment, length-prefixed.
fn digest(from_office: bool, author_id: &str, body: &str, attachment_sha: Option<&str>) -> String {
    let mut buf = String::new();
    for f in [
        if from_office { "o" } else { "a" },
        author_id,
        body,
        attachment_sha.unwrap_or(""),
    ] {
        buf.push_str(&f.len().to_string());
        buf.push(':');
        buf.push_str(f);
        buf.push('|');
    }
    sha256_hex(buf.as_bytes())
}

/// The applicant's own application, for the thread (anything else is "not found").
async fn applicant_file(state: &AppState, applicant_id: &str, application_id: &str) -> ServiceResult<ThreadFile> {
    if !looks_like_id(application_id) {
        return Err(ServiceError::NotFound);
    }
    queries::owned_file(&state.db.pool, application_id, applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A submitted file of the officer's office (another office's file is "not found").
async fn officer_file(state: &AppState, officer: &Officer, application_id: &str) -> ServiceResult<ThreadFile> {
    if !looks_like_id(application_id) {
        return Err(ServiceError::NotFound);
    }
    queries::office_file(&state.db.pool, application_id, &officer.office_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The role an officer answers a file as: the role of the file's current step when the officer
/// holds it, else the officer's first role.
fn answering_role(officer: &Officer, file: &ThreadFile) -> Option<Role> {
    let at_step = file.step_role.as_deref().and_then(Role::parse);
    at_step
        .filter(|r| officer.roles.contains(r))
        .or_else(|| officer.roles.first().copied())
}

/// Writes a message by the applicant on their own submitted application.
pub async fn post_by_applicant(
    state: &AppState,
    applicant_id: &str,
    applicant_name: &str,
    application_id: &str,
    body: &str,
    upload: Option<Upload<'_>>,
) -> ServiceResult<i64> {
    let file = applicant_file(state, applicant_id, application_id).await?;
    if file.status == "draft" {
        return Err(ServiceError::Refused(
            "Pesan dapat dikirim setelah permohonan diajukan.".into(),
        ));
    }
    let author = Author::Applicant {
        id: applicant_id,
        name: applicant_name,
    };
    post(state, &file, &author, body, upload).await
}

/// Writes an answer by an officer on a file of the office.
pub async fn post_by_officer(
    state: &AppState,
    officer: &Officer,
    application_id: &str,
    body: &str,
    upload: Option<Upload<'_>>,
) -> ServiceResult<i64> {
    let file = officer_file(state, officer, application_id).await?;
    post(state, &file, &Author::Officer(officer), body, upload).await
}

/// Refuses a flood of messages by one author on one thread.
async fn check_rate(state: &AppState, file: &ThreadFile, author_id: &str) -> ServiceResult<()> {
    let recent = queries::thread(&state.db.pool, &file.id, HOURLY_LIMIT as i64).await?;
    let hour_ago = crate::platform::db::ts(chrono::Utc::now() - chrono::Duration::hours(1));
    let mine = recent
        .iter()
        .filter(|m| m.author_id == author_id && m.created_at > hour_ago)
        .count();
    if mine >= HOURLY_LIMIT {
        return Err(ServiceError::Throttled(
            "Terlalu banyak pesan dalam satu jam. Silakan tunggu sebentar sebelum mengirim lagi.".into(),
        ));
    }
    Ok(())
}

/// Who a message is signed as, and the role recorded in the history.
async fn signature(state: &AppState, file: &ThreadFile, author: &Author<'_>) -> ServiceResult<(String, Option<Role>)> {
    Ok(match author {
        Author::Applicant { name, .. } => ((*name).to_string(), None),
        Author::Officer(o) => {
            let role = answering_role(o, file);
            let desk = role.map_or("Petugas", |r| r.label_id());
            if settings(state, &file.office_id).await?.messages_show_officer_name {
                (format!("{} ({desk})", o.name), role)
            } else {
                (desk.to_string(), role)
            }
        }
    })
}

async fn post(
    state: &AppState,
    file: &ThreadFile,
    author: &Author<'_>,
    body: &str,
    upload: Option<Upload<'_>>,
) -> ServiceResult<i64> {
    let (body, format) = check_input(body, upload.as_ref())?;
    let (author_id, from_office) = match author {
        Author::Applicant { id, .. } => (*id, false),
        Author::Officer(o) => (o.id.as_str(), true),
    };
    check_rate(state, file, author_id).await?;
    let (label, role) = signature(state, file, author).await?;
    // The blob is content-addressed: storing it before the transaction is safe to repeat.
    let stored = match (&upload, format) {
        (Some(u), Some(f)) => {
            let sha = store_blob(state, u.bytes, f.mime()).await?;
            let mut name = clean_filename(u.filename);
            if name.is_empty() {
                name = format!("lampiran.{}", f.label().to_lowercase());
            }
            Some((name, sha, f.mime(), u.bytes.len() as i64))
        }
        _ => None,
    };
    let attachment = stored.as_ref().map(|(n, s, m, z)| (n.as_str(), s.as_str(), *m, *z));
    let digest = digest(from_office, author_id, &body, attachment.map(|a| a.1));
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let id = queries::insert_message(
        &mut tx,
        &NewMessage {
            office_id: &file.office_id,
            application_id: &file.id,
            from_office,
            author_id,
            author_label: &label,
            body: &body,
            attachment,
            digest: &digest,
            now: &now,
        },
    )
    .await?;
    queries::touch_thread(&mut tx, file, id, from_office, &now).await?;
    queries::mark_read(&mut *tx, &file.id, author_id, id, &now).await?;
    let note = format!("Pesan #{id}, sidik sha256:{digest}");
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &file.office_id,
            application_id: &file.id,
            actor_kind: if from_office { "officer" } else { "applicant" },
            actor_id: Some(author_id),
            actor_name: &label,
            actor_role: role.map(|r| r.code()),
            action: if from_office { "pesan_kantor" } else { "pesan_pemohon" },
            from_status: Some(&file.status),
            to_status: &file.status,
            step: None,
            public_note: None,
            internal_note: Some(&note),
        },
    )
    .await?;
    notify(state, &mut tx, file, author, &label, &body).await?;
    tx.commit().await?;
    state.wake_outbox();
    forget_officer_counts(state, file);
    Ok(id)
}

/// Queues the notice of a new message for the other side, in the message's transaction: the
/// applicant hears of an answer on the channels they chose (e-mail, WhatsApp, SMS); the officers
/// of the file's desk hear of a question.
async fn notify(
    state: &AppState,
    tx: &mut crate::platform::db::Tx,
    file: &ThreadFile,
    author: &Author<'_>,
    label: &str,
    body: &str,
) -> ServiceResult<()> {
    use crate::notifications::service::Notice;
    use crate::notifications::service::Officers;
    let number = file.registration_number.as_deref().unwrap_or_default();
    let excerpt: String = body.chars().take(300).collect();
    let base = state.config.base_url.trim_end_matches('/');
    match author {
        Author::Officer(_) => {
            let m = mail::MessageFromOffice {
                number,
                desk: label,
                excerpt: &excerpt,
                base_url: base,
                app_id: &file.id,
            };
            let text = format!("{label} menjawab pesan Anda tentang permohonan {number}.");
            let notice =
                Notice::new("message", &m, text, format!("{base}/permohonan/{}#pesan", file.id))?.about(&file.id);
            crate::notifications::service::to_applicant(tx, &file.office_id, &file.applicant_id, &notice).await
        }
        Author::Applicant { .. } => {
            let Some(role) = file.step_role.as_deref().and_then(Role::parse) else {
                return Ok(());
            };
            let m = mail::MessageFromApplicant {
                number,
                applicant: label,
                excerpt: &excerpt,
                base_url: base,
                app_id: &file.id,
            };
            let text = format!("Pesan pemohon pada berkas {number}.");
            let notice =
                Notice::new("message", &m, text, format!("{base}/petugas/berkas/{}#pesan", file.id))?.about(&file.id);
            crate::notifications::service::to_officers(tx, &file.office_id, Officers::Role(role.code()), &notice).await
        }
    }
}

fn view_of(m: MessageRow, last_read: i64, reader_is_office: bool) -> MessageView {
    let from_office = m.from_office == 1;
    MessageView {
        id: m.id,
        from_office,
        author: m.author_label,
        body: m.body,
        created_at: m.created_at,
        attachment: match (m.attachment_name, m.attachment_mime, m.attachment_size) {
            (Some(filename), Some(mime), Some(size)) => Some(MessageAttachment { filename, mime, size }),
            _ => None,
        },
        complaint_number: m.complaint_number,
        unread: from_office != reader_is_office && m.id > last_read,
    }
}

/// Reads a thread as `reader_id` and marks it read to its newest message.
async fn read_thread(
    state: &AppState,
    file: ThreadFile,
    reader_id: &str,
    reader_is_office: bool,
) -> ServiceResult<Thread> {
    let last_read = queries::last_read(&state.db.pool, &file.id, reader_id)
        .await?
        .unwrap_or(0);
    read_thread_from(state, file, reader_id, reader_is_office, last_read).await
}

/// As [`read_thread`], with the reader's mark already read.
async fn read_thread_from(
    state: &AppState,
    file: ThreadFile,
    reader_id: &str,
    reader_is_office: bool,
    last_read: i64,
) -> ServiceResult<Thread> {
    let rows = queries::thread(&state.db.pool, &file.id, THREAD_LIMIT).await?;
    let newest = rows.last().map(|m| m.id);
    let messages: Vec<MessageView> = rows
        .into_iter()
        .map(|m| view_of(m, last_read, reader_is_office))
        .collect();
    let unread = messages.iter().filter(|m| m.unread).count();
    if let Some(newest) = newest.filter(|n| *n > last_read) {
        queries::mark_read(&state.db.pool, &file.id, reader_id, newest, &now_text()).await?;
        if !reader_is_office {
            state.applicant_unread.forget(reader_id);
        }
    }
    Ok(Thread { file, messages, unread })
}

/// The applicant's thread of their application (marks it read).
pub async fn thread_for_applicant(state: &AppState, applicant_id: &str, application_id: &str) -> ServiceResult<Thread> {
    let file = applicant_file(state, applicant_id, application_id).await?;
    read_thread(state, file, applicant_id, false).await
}

/// The thread of an application the caller has already loaded as its applicant's, and how many
/// of the applicant's applications have unread office messages (the header's count): one query
/// when the application has no thread, the messages only when it has one.
pub async fn thread_of_loaded(
    state: &AppState,
    application: &crate::applications::view::Application,
) -> ServiceResult<(Thread, i64)> {
    let file = ThreadFile {
        id: application.id.clone(),
        office_id: application.office_id.clone(),
        applicant_id: application.applicant_id.clone(),
        registration_number: application.registration_number.clone(),
        status: application.status.code().to_string(),
        step_role: None,
        holder_name: None,
    };
    let marks = queries::applicant_marks(&state.db.pool, &file.id, &file.applicant_id).await?;
    let thread = match marks.last_id {
        None => Thread {
            file,
            messages: Vec::new(),
            unread: 0,
        },
        Some(_) => {
            let reader = file.applicant_id.clone();
            read_thread_from(state, file, &reader, false, marks.last_read.unwrap_or(0)).await?
        }
    };
    // Reading this thread has cleared it from the count.
    let still = marks.unread_threads - i64::from(thread.unread > 0);
    Ok((thread, still.max(0)))
}

/// The thread of a file of the office, as one officer reads it (marks it read for them).
pub async fn thread_for_officer(state: &AppState, officer: &Officer, application_id: &str) -> ServiceResult<Thread> {
    let file = officer_file(state, officer, application_id).await?;
    let thread = read_thread(state, file, &officer.id, true).await?;
    if thread.unread > 0 {
        state.unread_counts.forget(&officer.id);
    }
    Ok(thread)
}

async fn attachment_of(state: &AppState, file: &ThreadFile, message_id: &str) -> ServiceResult<FileDownload> {
    let id: i64 = message_id.parse().map_err(|_| ServiceError::NotFound)?;
    let m = queries::message(&state.db.pool, &file.id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    match (m.attachment_name, m.attachment_sha256, m.attachment_mime) {
        (Some(filename), Some(sha), Some(mime)) => Ok(FileDownload {
            filename,
            mime,
            bytes: state.store.get(&sha).await?,
        }),
        _ => Err(ServiceError::NotFound),
    }
}

pub async fn applicant_attachment(
    state: &AppState,
    applicant_id: &str,
    application_id: &str,
    message_id: &str,
) -> ServiceResult<FileDownload> {
    let file = applicant_file(state, applicant_id, application_id).await?;
    attachment_of(state, &file, message_id).await
}

pub async fn officer_attachment(
    state: &AppState,
    officer: &Officer,
    application_id: &str,
    message_id: &str,
) -> ServiceResult<FileDownload> {
    let file = officer_file(state, officer, application_id).await?;
    attachment_of(state, &file, message_id).await
}

/// Unread messages of the other side per application, for one reader, among `ids`.
pub async fn unread_for(
    state: &AppState,
    reader_id: &str,
    reader_is_office: bool,
    ids: &[&str],
) -> ServiceResult<std::collections::HashMap<String, i64>> {
    let rows = queries::unread_counts(&state.db.pool, reader_id, !reader_is_office, ids).await?;
    Ok(rows.into_iter().map(|r| (r.application_id, r.unread)).collect())
}

/// The files at the officer's desks awaiting the office's answer with messages the officer has
/// not read, cached per officer (`CACHE_TTL`) and forgotten when a message is written, the
/// officer reads a thread, or a file moves between desks on this server.
pub async fn officer_unread_files(state: &AppState, officer: &Officer) -> ServiceResult<std::sync::Arc<Vec<String>>> {
    if let Some(ids) = state.unread_counts.get(&officer.id) {
        return Ok(ids);
    }
    let roles: Vec<&str> = officer.roles.iter().map(|r| r.code()).collect();
    let ids = queries::officer_unread_threads(&state.db.pool, &officer.office_id, &officer.id, &roles).await?;
    let ids = std::sync::Arc::new(ids);
    state.unread_counts.put(&officer.id, ids.clone());
    Ok(ids)
}

/// The header's count for an officer: files at their desks with messages they have not read.
pub async fn officer_unread_total(state: &AppState, officer: &Officer) -> ServiceResult<i64> {
    Ok(officer_unread_files(state, officer).await?.len() as i64)
}

/// The applicant's messages this officer has not read, per file among `ids` (Tugas Saya): only
/// files in [`officer_unread_files`] are looked up, so a desk without unread messages costs no
/// query.
pub async fn officer_unread_among(
    state: &AppState,
    officer: &Officer,
    ids: &[&str],
) -> ServiceResult<std::collections::HashMap<String, i64>> {
    let unread = officer_unread_files(state, officer).await?;
    let wanted: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| unread.iter().any(|u| u == id))
        .collect();
    if wanted.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    unread_for(state, &officer.id, true, &wanted).await
}

/// Unread office messages per application of the applicant (absent: none).
/// Cached per applicant for a few seconds; this server drops it when a message is written on
/// one of the applicant's threads or the applicant reads one.
pub async fn applicant_unread(
    state: &AppState,
    applicant_id: &str,
) -> ServiceResult<std::sync::Arc<std::collections::HashMap<String, i64>>> {
    if let Some(counts) = state.applicant_unread.get(applicant_id) {
        return Ok(counts);
    }
    let rows = queries::applicant_unread(&state.db.pool, applicant_id).await?;
    let counts = std::sync::Arc::new(rows.into_iter().map(|r| (r.application_id, r.unread)).collect());
    state.applicant_unread.put(applicant_id, std::sync::Arc::clone(&counts));
    Ok(counts)
}

/// After a message, the header counts of the office's officers are stale; they are cached for a
/// few seconds only, so only this server's cache of the whole office is dropped.
fn forget_officer_counts(state: &AppState, file: &ThreadFile) {
    state.applicant_unread.forget(&file.applicant_id);
    state.unread_counts.clear();
}

/// Turns one of the applicant's messages into a complaint (channel "pesan"): by the applicant
/// on their own message, or by an officer of the office on the applicant's message. The
/// complaint is numbered and tracked by the complaints service; the message keeps its number.
/// A message is turned once; an answer of the office cannot be.
pub async fn to_complaint(
    state: &AppState,
    who: &Author<'_>,
    application_id: &str,
    message_id: &str,
) -> ServiceResult<String> {
    let file = match who {
        Author::Applicant { id, .. } => applicant_file(state, id, application_id).await?,
        Author::Officer(o) => officer_file(state, o, application_id).await?,
    };
    let mid: i64 = message_id.parse().map_err(|_| ServiceError::NotFound)?;
    let m = queries::message(&state.db.pool, &file.id, mid)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if m.from_office == 1 {
        return Err(ServiceError::Refused(
            "Hanya pesan pemohon yang dapat dicatat sebagai pengaduan.".into(),
        ));
    }
    if let Some(n) = &m.complaint_number {
        return Err(ServiceError::Refused(format!(
            "Pesan ini sudah dicatat sebagai pengaduan {n}."
        )));
    }
    let (applicant, officer) = match who {
        Author::Applicant { id, .. } => (Some(*id), None),
        Author::Officer(o) => (None, Some(*o)),
    };
    let number =
        crate::complaints::service::from_message(state, &file.office_id, &file.id, applicant, officer, &m.body).await?;
    queries::set_complaint(&state.db.pool, m.id, &number).await?;
    Ok(number)
}

/// The office's inbox: threads awaiting an answer first.
pub async fn inbox(state: &AppState, officer: &Officer, only_awaiting: bool) -> ServiceResult<Vec<queries::InboxRow>> {
    Ok(queries::inbox(&state.db.pool, &officer.office_id, &officer.id, only_awaiting, 200).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_cleaned_and_empty_ones_refused() {
        assert_eq!(
            clean_body("  halo \r\n\r\n\r\n\r\napa kabar\u{7} "),
            Some("halo \n\napa kabar".into())
        );
        assert_eq!(clean_body(" \n\t "), None);
        assert_eq!(clean_body("<b>tebal</b>"), Some("<b>tebal</b>".into()));
    }

    #[test]
    fn input_checks_name_the_field() {
        let Err(ServiceError::Invalid(e)) = check_input("   ", None) else {
            panic!("empty accepted")
        };
        assert!(e.contains_key("pesan"));
        let long = "a".repeat(MAX_BODY_CHARS + 1);
        let Err(ServiceError::Invalid(e)) = check_input(&long, None) else {
            panic!("long accepted")
        };
        assert!(e["pesan"].contains("terlalu panjang"));
        let bad = Upload {
            filename: "x.exe",
            bytes: b"MZ\x90\x00not a pdf",
        };
        let Err(ServiceError::Invalid(e)) = check_input("halo", Some(&bad)) else {
            panic!("exe accepted")
        };
        assert!(e.contains_key("lampiran"));
        assert!(check_input(&"a".repeat(MAX_BODY_CHARS), None).is_ok());
    }

    #[test]
    fn the_digest_covers_author_body_and_attachment() {
        let d = digest(false, "x", "halo", None);
        assert_ne!(d, digest(true, "x", "halo", None));
        assert_ne!(d, digest(false, "y", "halo", None));
        assert_ne!(d, digest(false, "x", "halo!", None));
        assert_ne!(d, digest(false, "x", "halo", Some("abc")));
    }
}
