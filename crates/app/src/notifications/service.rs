//! The notifier: the one entry point every area calls to tell someone something. It reads the
//! person's channel choice and queues one outbox row per channel in the caller's transaction,
//! so the notice is sent if and only if the change that caused it is committed.
//!
//! Channels: e-mail (the account's address, the default), WhatsApp and SMS (only to a phone
//! number proven by a code, `send_code` / `confirm_code`). E-mail always goes when no phone
//! channel is usable, so nobody is left unnotified by a choice.

use crate::notifications::queries;
use crate::notifications::queries::APPLICANT;
use crate::notifications::queries::OFFICER;
use crate::notifications::queries::PrefsRow;
use crate::notifications::queries::TemplateRow;
use crate::platform::db::Tx;
use crate::platform::db::now_text;
use crate::platform::db::parse_ts;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::mail::Mail;
use crate::platform::outbox;
use crate::platform::outbox::NewMessage;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use izinkes_domain::phone::PhoneE164;
use rand::Rng;
use subtle::ConstantTimeEq;

/// The kinds of notice, each with its own WhatsApp template (name configurable per office),
/// and the label the admin page shows.
pub const KINDS: [(&str, &str); 11] = [
    ("returned", "Berkas dikembalikan untuk diperbaiki"),
    ("rejected", "Permohonan ditolak"),
    ("complete", "Berkas lengkap, diproses"),
    ("issued", "Izin terbit"),
    ("revoked", "Izin dicabut"),
    ("expiring", "Pengingat masa berlaku izin"),
    ("message", "Pesan baru pada permohonan"),
    ("complaint", "Perkembangan pengaduan"),
    ("desk", "Berkas baru di meja petugas"),
    ("overdue", "Tahap melewati batas waktu"),
    ("verification", "Kode verifikasi nomor handphone"),
];

/// The template an office uses for a kind until its admin names another.
pub fn default_template(kind: &str) -> String {
    format!("izinkes_{kind}")
}

pub const DEFAULT_LANGUAGE: &str = "id";

/// Something to tell a person: the e-mail (subject and body, from a `platform::mail`
/// template), and for phones a short text and a link (the WhatsApp template's parameters
/// `{{1}}` and `{{2}}`; an SMS is the text followed by the link).
#[derive(Clone, Debug)]
pub struct Notice {
    pub kind: &'static str,
    pub subject: String,
    pub body: String,
    pub text: String,
    pub link: String,
    /// The application it is about: the message shows on that file's page.
    pub application_id: Option<String>,
}

/// Longest SMS we send: two concatenated GSM-7 parts.
const SMS_MAX: usize = 306;

impl Notice {
    /// A notice whose e-mail is `mail`.
    pub fn new(
        kind: &'static str,
        mail: &impl Mail,
        text: impl Into<String>,
        link: impl Into<String>,
    ) -> ServiceResult<Notice> {
        let (subject, body) = mail.compose()?;
        Ok(Notice {
            kind,
            subject,
            body,
            text: text.into(),
            link: link.into(),
            application_id: None,
        })
    }

    /// The same notice, shown on the file of `application_id`.
    pub fn about(mut self, application_id: &str) -> Notice {
        self.application_id = Some(application_id.to_string());
        self
    }

    fn sms_text(&self) -> String {
        let text = format!("{} {}", self.text, self.link);
        text.trim().chars().take(SMS_MAX).collect()
    }

    /// The template's body parameters; a notice without a link (the verification code) has one,
    /// as Meta refuses an empty parameter.
    fn params(&self) -> Vec<String> {
        if self.link.is_empty() {
            vec![self.text.clone()]
        } else {
            vec![self.text.clone(), self.link.clone()]
        }
    }
}

/// Where one notice goes for a person, from their choice.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    pub email: bool,
    pub whatsapp: Option<String>,
    pub sms: Option<String>,
}

/// The channels of a person: phone channels only to a verified number; e-mail when chosen,
/// and always when no phone channel is usable.
pub fn plan(prefs: Option<&PrefsRow>) -> Plan {
    let Some(p) = prefs else {
        return Plan {
            email: true,
            whatsapp: None,
            sms: None,
        };
    };
    let phone = p.phone.clone().filter(|_| p.phone_verified_at.is_some());
    let whatsapp = phone.clone().filter(|_| p.whatsapp == 1);
    let sms = phone.filter(|_| p.sms == 1);
    let email = p.email == 1 || (whatsapp.is_none() && sms.is_none());
    Plan { email, whatsapp, sms }
}

/// The office's template for a kind of notice (name, language).
async fn template_for(tx: &mut Tx, office_id: Option<&str>, kind: &str) -> ServiceResult<(String, String)> {
    let own = match office_id {
        Some(office) => queries::template(tx, office, kind).await?,
        None => None,
    };
    Ok(match own {
        Some(t) => (t.template_name, t.language),
        None => (default_template(kind), DEFAULT_LANGUAGE.to_string()),
    })
}

pub(crate) async fn queue_email(tx: &mut Tx, office_id: Option<&str>, to: &str, notice: &Notice) -> ServiceResult<()> {
    outbox::enqueue(
        tx,
        &NewMessage {
            office_id,
            channel: outbox::EMAIL,
            recipient: to,
            subject: &notice.subject,
            body: &notice.body,
            kind: Some(notice.kind),
            application_id: notice.application_id.as_deref(),
            ..NewMessage::default()
        },
    )
    .await?;
    Ok(())
}

async fn queue_whatsapp(tx: &mut Tx, office_id: Option<&str>, phone: &str, notice: &Notice) -> ServiceResult<()> {
    let (name, language) = template_for(tx, office_id, notice.kind).await?;
    let params = notice.params();
    outbox::enqueue(
        tx,
        &NewMessage {
            office_id,
            channel: outbox::WHATSAPP,
            recipient: phone,
            subject: &notice.subject,
            body: &notice.sms_text(),
            kind: Some(notice.kind),
            template: Some((&name, &language)),
            params: &params,
            application_id: notice.application_id.as_deref(),
        },
    )
    .await?;
    Ok(())
}

async fn queue_sms(tx: &mut Tx, office_id: Option<&str>, phone: &str, notice: &Notice) -> ServiceResult<()> {
    outbox::enqueue(
        tx,
        &NewMessage {
            office_id,
            channel: outbox::SMS,
            recipient: phone,
            subject: &notice.subject,
            body: &notice.sms_text(),
            kind: Some(notice.kind),
            application_id: notice.application_id.as_deref(),
            ..NewMessage::default()
        },
    )
    .await?;
    Ok(())
}

/// Tells an applicant, on every channel they chose, in the caller's transaction. The caller
/// wakes the outbox after committing (`state.wake_outbox()`).
pub async fn to_applicant(tx: &mut Tx, office_id: &str, applicant_id: &str, notice: &Notice) -> ServiceResult<()> {
    let contact = queries::applicant_contact(tx, applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let prefs = queries::prefs(&mut **tx, APPLICANT, applicant_id).await?;
    let plan = plan(prefs.as_ref());
    if plan.email {
        queue_email(tx, Some(office_id), &contact.email, notice).await?;
    }
    if let Some(phone) = &plan.whatsapp {
        queue_whatsapp(tx, Some(office_id), phone, notice).await?;
    }
    if let Some(phone) = &plan.sms {
        queue_sms(tx, Some(office_id), phone, notice).await?;
    }
    Ok(())
}

/// Tells someone without an account (an anonymous complainant) at the contact they left: the
/// e-mail address if given, else the phone number by SMS (a number they typed themselves, for
/// this answer).
pub async fn to_contact(
    tx: &mut Tx,
    office_id: &str,
    email: Option<&str>,
    phone: Option<&str>,
    notice: &Notice,
) -> ServiceResult<()> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    if let Some(email) = email {
        return queue_email(tx, Some(office_id), email, notice).await;
    }
    if let Some(phone) = phone.and_then(|p| PhoneE164::parse(p).ok()) {
        return queue_sms(tx, Some(office_id), phone.as_str(), notice).await;
    }
    Ok(())
}

/// Which officers of an office to tell.
#[derive(Clone, Copy, Debug)]
pub enum Officers<'a> {
    /// These officers (ids); inactive ones and other offices' are skipped.
    Ids(&'a [String]),
    /// Every active holder of this role (`izinkes_domain::roles`).
    Role(&'a str),
}

/// Tells officers, in the caller's transaction: an officer who chose immediate notices gets the
/// e-mail now; everyone else (the default) finds it in the next daily digest
/// (`notifications::digest`).
pub async fn to_officers(tx: &mut Tx, office_id: &str, who: Officers<'_>, notice: &Notice) -> ServiceResult<()> {
    let targets = match who {
        Officers::Role(role) => queries::officers_with_role(tx, office_id, role).await?,
        Officers::Ids(ids) => {
            let mut targets = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(t) = queries::officer_target(tx, office_id, id).await? {
                    targets.push(t);
                }
            }
            targets
        }
    };
    let now = now_text();
    for t in targets {
        let prefs = queries::prefs(&mut **tx, OFFICER, &t.id).await?;
        if prefs.is_some_and(|p| p.immediate == 1) {
            queue_email(tx, Some(office_id), &t.email, notice).await?;
        } else {
            let item = queries::NewDigestItem {
                office_id,
                officer_id: &t.id,
                kind: notice.kind,
                subject: &notice.subject,
                text: &notice.text,
                link: &notice.link,
                now: &now,
            };
            queries::insert_digest_item(tx, &item).await?;
        }
    }
    Ok(())
}

/// Tells the officers of a desk that a file arrived at their step (kind `desk`).
pub async fn file_at_desk(
    tx: &mut Tx,
    base_url: &str,
    office_id: &str,
    (step, role): (&str, &str),
    number: &str,
    app_id: &str,
) -> ServiceResult<()> {
    let base_url = base_url.trim_end_matches('/');
    let role_label = izinkes_domain::roles::role_label(role);
    let mail = crate::platform::mail::FileAtDesk {
        number,
        step,
        role_label: &role_label,
        base_url,
        app_id,
    };
    let text = format!("Berkas {number} tiba di meja {role_label}.");
    let notice = Notice::new("desk", &mail, text, format!("{base_url}/petugas/berkas/{app_id}"))?.about(app_id);
    to_officers(tx, office_id, Officers::Role(role), &notice).await
}

/// Whether the officer chose immediate notices (false: the daily digest, the default).
pub async fn officer_immediate(state: &AppState, officer_id: &str) -> ServiceResult<bool> {
    let prefs = queries::prefs(&state.db.pool, OFFICER, officer_id).await?;
    Ok(prefs.is_some_and(|p| p.immediate == 1))
}

/// Saves the officer's choice: every notice at once (`immediate`), or one digest a day.
pub async fn save_officer_choice(state: &AppState, officer_id: &str, immediate: bool) -> ServiceResult<()> {
    queries::save_officer_immediate(&state.db.pool, officer_id, i64::from(immediate), &now_text()).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The applicant's choice and the proof of their phone number

/// How long a code is good for, how many may be asked per hour, how many wrong answers end one.
pub const CODE_MINUTES: i64 = 10;
pub const CODES_PER_HOUR: i64 = 3;
pub const WRONG_ANSWERS: i64 = 5;

/// What the notification settings page shows.
#[derive(Clone, Debug)]
pub struct Choice {
    pub email: bool,
    pub whatsapp: bool,
    pub sms: bool,
    /// The proven number, if any.
    pub verified_phone: Option<String>,
    /// The number a code was sent to and is waiting for its answer.
    pub pending_phone: Option<String>,
    /// The account's phone number (a suggestion for the form).
    pub account_phone: String,
    pub whatsapp_available: bool,
    pub sms_available: bool,
}

pub async fn choice(state: &AppState, applicant_id: &str) -> ServiceResult<Choice> {
    let prefs = queries::prefs(&state.db.pool, APPLICANT, applicant_id).await?;
    let pending = queries::open_verification(&state.db.pool, APPLICANT, applicant_id).await?;
    let now = Utc::now();
    let pending_phone = pending
        .filter(|v| parse_ts(&v.expires_at).is_some_and(|t| t > now))
        .map(|v| v.phone);
    let account_phone = queries::applicant_phone(&state.db.pool, applicant_id)
        .await?
        .unwrap_or_default();
    let p = prefs.unwrap_or(PrefsRow {
        email: 1,
        ..PrefsRow::default()
    });
    Ok(Choice {
        email: p.email == 1,
        whatsapp: p.whatsapp == 1,
        sms: p.sms == 1,
        verified_phone: p.phone.filter(|_| p.phone_verified_at.is_some()),
        pending_phone,
        account_phone,
        whatsapp_available: state.config.gateways.whatsapp.is_some(),
        sms_available: state.config.gateways.sms.is_some(),
    })
}

/// Saves the channels; WhatsApp and SMS need a proven number and a configured gateway.
pub async fn save_choice(
    state: &AppState,
    applicant_id: &str,
    email: bool,
    whatsapp: bool,
    sms: bool,
) -> ServiceResult<()> {
    let current = choice(state, applicant_id).await?;
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    for (key, on, available, name) in [
        ("whatsapp", whatsapp, current.whatsapp_available, "WhatsApp"),
        ("sms", sms, current.sms_available, "SMS"),
    ] {
        if !on {
            continue;
        }
        if !available {
            errors.insert(
                key.into(),
                format!("Pemberitahuan lewat {name} belum tersedia di layanan ini."),
            );
        } else if current.verified_phone.is_none() {
            errors.insert(
                key.into(),
                format!("Verifikasi nomor handphone Anda terlebih dahulu sebelum memilih {name}."),
            );
        }
    }
    if !(email || whatsapp || sms) {
        errors.insert(
            "email".into(),
            "Pilih paling sedikit satu saluran pemberitahuan.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let flag = |b: bool| i64::from(b);
    queries::save_channels(
        &state.db.pool,
        APPLICANT,
        applicant_id,
        (flag(email), flag(whatsapp), flag(sms)),
        0,
        &now_text(),
    )
    .await?;
    Ok(())
}

fn code_hash(salt: &str, code: &str) -> String {
    crate::platform::ids::sha256_hex(format!("{salt}:{code}").as_bytes())
}

/// Sends a 6-digit code to `phone` over `channel` (`sms` or `whatsapp`); at most
/// `CODES_PER_HOUR` an hour. Only the code's salted hash is stored.
pub async fn send_code(state: &AppState, applicant_id: &str, phone: &str, channel: &str) -> ServiceResult<String> {
    let available = match channel {
        outbox::SMS => state.config.gateways.sms.is_some(),
        outbox::WHATSAPP => state.config.gateways.whatsapp.is_some(),
        _ => {
            return Err(ServiceError::field(
                "via",
                "Pilih cara pengiriman kode: SMS atau WhatsApp.",
            ));
        }
    };
    if !available {
        return Err(ServiceError::field(
            "via",
            "Cara pengiriman ini belum tersedia di layanan ini.",
        ));
    }
    let phone = PhoneE164::parse(phone).map_err(|e| ServiceError::field("phone", e.to_string()))?;
    let now = Utc::now();
    let asked =
        queries::verifications_since(&state.db.pool, APPLICANT, applicant_id, &ts(now - Duration::hours(1))).await?;
    if asked >= CODES_PER_HOUR {
        return Err(ServiceError::field(
            "phone",
            "Kode sudah diminta tiga kali dalam satu jam terakhir. Coba lagi nanti.",
        ));
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let salt = crate::platform::ids::new_token();
    let mut tx = state.db.begin().await?;
    queries::insert_verification(
        &mut tx,
        &queries::NewVerification {
            kind: APPLICANT,
            person_id: applicant_id,
            phone: phone.as_str(),
            channel,
            salt: &salt,
            hash: &code_hash(&salt, &code),
            now: &ts(now),
            expires_at: &ts(now + Duration::minutes(CODE_MINUTES)),
        },
    )
    .await?;
    let notice = code_notice(&code);
    if channel == outbox::WHATSAPP {
        queue_whatsapp(&mut tx, None, phone.as_str(), &notice).await?;
    } else {
        queue_sms(&mut tx, None, phone.as_str(), &notice).await?;
    }
    tx.commit().await?;
    state.wake_outbox();
    Ok(phone.as_str().to_string())
}

fn code_notice(code: &str) -> Notice {
    Notice {
        kind: outbox::SECRET_KIND,
        subject: "Kode verifikasi nomor handphone".into(),
        body: String::new(),
        text: format!(
            "Kode verifikasi izinkes Anda: {code}. Berlaku {CODE_MINUTES} menit. Jangan berikan kode ini kepada siapa pun."
        ),
        link: String::new(),
        application_id: None,
    }
}

/// Checks the code the applicant typed; on success the number is theirs to be notified at.
pub async fn confirm_code(state: &AppState, applicant_id: &str, code: &str) -> ServiceResult<String> {
    let code = code.trim();
    let wrong = |m: &str| ServiceError::field("code", m);
    let Some(v) = queries::open_verification(&state.db.pool, APPLICANT, applicant_id).await? else {
        return Err(wrong("Minta kode verifikasi terlebih dahulu."));
    };
    if parse_ts(&v.expires_at).is_none_or(|t| t <= Utc::now()) {
        return Err(wrong("Kode sudah kedaluwarsa. Minta kode baru."));
    }
    if v.attempts >= WRONG_ANSWERS {
        return Err(wrong("Terlalu banyak percobaan yang salah. Minta kode baru."));
    }
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong("Kode terdiri dari 6 angka."));
    }
    let given = code_hash(&v.code_salt, code);
    if !bool::from(given.as_bytes().ct_eq(v.code_hash.as_bytes())) {
        queries::count_wrong_answer(&state.db.pool, v.id).await?;
        return Err(wrong("Kode salah. Periksa kembali 6 angka yang kami kirim."));
    }
    let now = now_text();
    let mut tx = state.db.begin().await?;
    if !queries::close_verification(&mut tx, v.id, &now).await? {
        return Err(wrong("Minta kode verifikasi terlebih dahulu."));
    }
    queries::set_verified_phone(&mut tx, APPLICANT, applicant_id, &v.phone, &now).await?;
    tx.commit().await?;
    tracing::info!(applicant_id, channel = %v.channel, created_at = %v.created_at, "phone number verified");
    Ok(v.phone)
}

// ---------------------------------------------------------------------------------------------
// The office: templates and the delivery list

/// The office's template for every kind: (kind, label, name, language).
pub async fn office_templates(
    state: &AppState,
    office_id: &str,
) -> ServiceResult<Vec<(String, String, String, String)>> {
    let own = queries::templates(&state.db.pool, office_id).await?;
    Ok(KINDS
        .iter()
        .map(|(kind, label)| {
            let t = own.iter().find(|t| t.kind == *kind);
            (
                (*kind).to_string(),
                (*label).to_string(),
                t.map(|t| t.template_name.clone())
                    .unwrap_or_else(|| default_template(kind)),
                t.map(|t| t.language.clone())
                    .unwrap_or_else(|| DEFAULT_LANGUAGE.to_string()),
            )
        })
        .collect())
}

/// A WhatsApp template name as Meta allows it: lowercase letters, digits and underscores.
fn valid_template_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A language code such as `id` or `en_US`.
fn valid_language(code: &str) -> bool {
    let (lang, region) = code.split_once('_').unwrap_or((code, ""));
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && (region.is_empty() || (region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase())))
}

/// Saves the office's template names; `entries` are (kind, name, language).
pub async fn save_templates(
    state: &AppState,
    office_id: &str,
    entries: &[(String, String, String)],
) -> ServiceResult<()> {
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    for (kind, name, language) in entries {
        if !KINDS.iter().any(|(k, _)| k == kind) {
            continue;
        }
        if !valid_template_name(name.trim()) {
            errors.insert(
                format!("name_{kind}"),
                "Nama templat hanya huruf kecil, angka, dan garis bawah (contoh: izinkes_status).".into(),
            );
        }
        if !valid_language(language.trim()) {
            errors.insert(format!("lang_{kind}"), "Kode bahasa seperti id atau en_US.".into());
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = now_text();
    let mut tx = state.db.begin().await?;
    for (kind, name, language) in entries {
        if KINDS.iter().any(|(k, _)| k == kind) {
            let row = TemplateRow {
                kind: kind.clone(),
                template_name: name.trim().to_string(),
                language: language.trim().to_string(),
            };
            queries::save_template(&mut tx, office_id, &row, &now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The office's newest messages (any channel), optionally of one status.
pub async fn office_messages(
    state: &AppState,
    office_id: &str,
    status: &str,
) -> ServiceResult<Vec<queries::MessageRow>> {
    let status = ["queued", "sent", "delivered", "failed"]
        .contains(&status)
        .then_some(status);
    Ok(queries::office_messages(&state.db.pool, office_id, status, 200).await?)
}

/// The messages sent about one file.
pub async fn file_messages(
    state: &AppState,
    office_id: &str,
    application_id: &str,
) -> ServiceResult<Vec<queries::MessageRow>> {
    Ok(queries::application_messages(&state.db.pool, office_id, application_id).await?)
}

/// A status as words.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "queued" => "Dalam antrean",
        "sent" => "Terkirim ke gateway",
        "delivered" => "Diterima",
        "failed" => "Gagal",
        _ => "Tidak dikenal",
    }
}

pub fn channel_label(channel: &str) -> &'static str {
    match channel {
        outbox::EMAIL => "E-mail",
        outbox::WHATSAPP => "WhatsApp",
        outbox::SMS => "SMS",
        _ => "Lainnya",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefs(email: i64, whatsapp: i64, sms: i64, verified: bool) -> PrefsRow {
        PrefsRow {
            email,
            whatsapp,
            sms,
            phone: Some("+6281234567890".into()),
            phone_verified_at: verified.then(|| "2026-01-01T00:00:00Z".into()),
            immediate: 0,
        }
    }

    #[test]
    fn without_a_choice_only_email() {
        assert_eq!(
            plan(None),
            Plan {
                email: true,
                whatsapp: None,
                sms: None
            }
        );
    }

    #[test]
    fn phones_only_when_verified_and_email_when_nothing_else_goes() {
        let p = plan(Some(&prefs(0, 1, 0, true)));
        assert!(!p.email);
        assert_eq!(p.whatsapp.as_deref(), Some("+6281234567890"));
        let p = plan(Some(&prefs(0, 1, 1, false)));
        assert!(p.email, "an unverified phone falls back to e-mail");
        assert_eq!((p.whatsapp, p.sms), (None, None));
        let p = plan(Some(&prefs(1, 1, 1, true)));
        assert!(p.email && p.whatsapp.is_some() && p.sms.is_some());
    }

    #[test]
    fn template_names_and_languages_follow_meta_rules() {
        assert!(valid_template_name("izinkes_status_2"));
        assert!(!valid_template_name("Izin Status"));
        assert!(!valid_template_name(""));
        assert!(valid_language("id"));
        assert!(valid_language("en_US"));
        assert!(!valid_language("indonesia"));
        assert!(!valid_language("en_us"));
    }

    #[test]
    fn an_sms_is_the_text_and_the_link_within_two_parts() {
        let n = Notice {
            kind: "returned",
            subject: String::new(),
            body: String::new(),
            text: "x".repeat(400),
            link: "https://l".into(),
            application_id: None,
        };
        assert_eq!(n.sms_text().chars().count(), SMS_MAX);
        assert_eq!(n.params().len(), 2);
    }
}
