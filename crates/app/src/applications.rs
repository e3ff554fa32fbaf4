//! Permohonan: the applicant's three-step application (Tahap 1 Data Pemohon, Tahap 2 Data
//! Formulir, Tahap 3 Data Syarat), drafts saved at every step, submission with server-side
//! checks and a registration number, Permohonan Saya, and public tracking.

use crate::accounts::{Applicant, clean_text, load_applicant};
use crate::db::{Backend, Tx, now_text, opt_text};
use crate::documents::{check_file, store_blob};
use crate::error::{ServiceError, ServiceResult};
use crate::files::clean_filename;
use crate::ids::{looks_like_id, new_id, sha256_hex};
use crate::offices::{self, Office};
use crate::outbox::enqueue_email;
use crate::state::AppState;
use chrono::{Datelike, Utc};
use izinkes_domain::catalog::{Answers, Catalog, FieldErrors, FileFormat, PermitType};
use izinkes_domain::npwp::Npwp;
use izinkes_domain::phone::PhoneE164;
use izinkes_domain::status::{ApplicationStatus, RegistrationNumber};
use izinkes_domain::wilayah::{VillageCode, Wilayah};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::sync::Arc;

/// Tahap 1: who applies and where the permit is for (seed 000 "Data Pemohon").
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ApplicantData {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub village_code: String,
    /// Filed by a proxy (kuasa) on the holder's behalf.
    pub by_proxy: bool,
    pub proxy_phone: String,
    pub facility_name: String,
    pub location_village_code: String,
    pub location_address: String,
    pub is_company: bool,
    pub company_name: String,
    pub company_address: String,
    pub company_email: String,
    pub company_fax: String,
    pub company_phone: String,
    pub company_npwp: String,
    pub business_type: String,
}

impl ApplicantData {
    /// The pseudo answers conditional requirements may depend on.
    pub fn pseudo_answers(&self) -> Answers {
        let yn = |b: bool| if b { "ya".to_string() } else { "tidak".to_string() };
        let mut a = Answers::new();
        a.insert("pemohon.kuasa".into(), yn(self.by_proxy));
        a.insert("pemohon.perusahaan".into(), yn(self.is_company));
        a
    }
}

/// Field order is the column order of `view`'s JSON rows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attachment {
    pub requirement_key: String,
    pub document_id: Option<String>,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub attached_at: String,
}

/// Field order is the column order of `view`'s JSON rows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: String,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub to_status: String,
    pub public_note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Application {
    pub id: String,
    pub office_id: String,
    pub applicant_id: String,
    pub permit_code: String,
    pub catalog_version: i64,
    pub status: ApplicationStatus,
    pub registration_number: Option<String>,
    pub data: ApplicantData,
    pub answers: Answers,
    pub step1_done: bool,
    pub step2_done: bool,
    pub created_at: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub lock_version: i64,
    /// How many times the file was returned to the applicant.
    pub revision_round: i64,
    /// The permit this application renews (perpanjangan).
    pub renewal_of: Option<String>,
    /// The permit whose practice place or schedule this application changes (perubahan data),
    /// with the applicant's reason.
    pub change_of: Option<String>,
    pub change_reason: Option<String>,
}

/// An application with what is needed to show it.
pub struct ApplicationView {
    pub app: Application,
    pub office: Office,
    pub catalog: Arc<Catalog>,
    pub attachments: Vec<Attachment>,
    pub history: Vec<HistoryEntry>,
}

impl ApplicationView {
    pub fn permit(&self) -> Option<&PermitType> {
        self.catalog.get(&self.app.permit_code)
    }

    /// All answers including the applicant-step pseudo fields.
    pub fn all_answers(&self) -> Answers {
        let mut a = self.app.answers.clone();
        a.extend(self.app.data.pseudo_answers());
        a
    }

    pub fn attachment(&self, key: &str) -> Option<&Attachment> {
        self.attachments.iter().find(|a| a.requirement_key == key)
    }

    /// Needed requirements without a file yet.
    pub fn missing_requirements(&self) -> Vec<String> {
        let answers = self.all_answers();
        self.permit()
            .map(|p| {
                p.needed_requirements(&answers)
                    .into_iter()
                    .filter(|r| self.attachment(&r.key).is_none())
                    .map(|r| r.key.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn step3_done(&self) -> bool {
        self.missing_requirements().is_empty()
    }
}

fn app_from_row(r: &sqlx::any::AnyRow) -> Result<Application, ServiceError> {
    let status: String = r.try_get("status")?;
    Ok(Application {
        id: r.try_get("id")?,
        office_id: r.try_get("office_id")?,
        applicant_id: r.try_get("applicant_id")?,
        permit_code: r.try_get("permit_code")?,
        catalog_version: r.try_get("catalog_version")?,
        status: ApplicationStatus::from_code(&status)
            .ok_or_else(|| ServiceError::Internal(format!("unknown status {status}")))?,
        registration_number: opt_text(r, "registration_number")?,
        data: serde_json::from_str(&r.try_get::<String, _>("applicant_data")?)?,
        answers: serde_json::from_str(&r.try_get::<String, _>("answers")?)?,
        step1_done: r.try_get::<i64, _>("step1_done")? == 1,
        step2_done: r.try_get::<i64, _>("step2_done")? == 1,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        submitted_at: opt_text(r, "submitted_at")?,
        lock_version: r.try_get("lock_version")?,
        revision_round: r.try_get("revision_round")?,
        renewal_of: opt_text(r, "renewal_of")?,
        change_of: opt_text(r, "change_of")?,
        change_reason: opt_text(r, "change_reason")?,
    })
}

const APP_COLUMNS: &str = "id, office_id, applicant_id, permit_code, catalog_version, status, registration_number, \
     applicant_data, answers, step1_done, step2_done, created_at, updated_at, submitted_at, lock_version, revision_round, renewal_of, change_of, change_reason";

/// Loads an application the applicant owns (anything else is "not found").
pub async fn load_owned(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<Application> {
    if !looks_like_id(id) {
        return Err(ServiceError::NotFound);
    }
    let sql = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1 AND applicant_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(applicant_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServiceError::NotFound)?;
    app_from_row(&row)
}

pub async fn view(state: &AppState, app: Application) -> ServiceResult<ApplicationView> {
    let office = offices::get(state, &app.office_id).await?;
    let catalog = state.catalog(app.catalog_version).await?;
    // Both lists in one row (`Backend::json_rows`), each JSON row in the field order of
    // `Attachment` and `HistoryEntry`.
    let (agg, array) = state.db.backend.json_rows();
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT (SELECT CAST({agg}({array}(requirement_key, document_id, filename, mime, size, sha256, attached_at) \
                  ORDER BY requirement_key) AS TEXT) FROM application_documents WHERE application_id = $1) AS attachments, \
                (SELECT CAST({agg}({array}(seq, at, actor_name, actor_role, action, to_status, public_note) ORDER BY seq) AS TEXT) \
                  FROM application_history WHERE application_id = $1) AS history"
    )))
    .bind(&app.id)
    .fetch_one(&state.db.pool)
    .await?;
    let attachments: Vec<Attachment> = match opt_text(&row, "attachments")? {
        Some(json) => serde_json::from_str(&json)?,
        None => Vec::new(),
    };
    let history: Vec<HistoryEntry> = match opt_text(&row, "history")? {
        Some(json) => serde_json::from_str(&json)?,
        None => Vec::new(),
    };
    Ok(ApplicationView {
        app,
        office,
        catalog,
        attachments,
        history,
    })
}

pub async fn load_view(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<ApplicationView> {
    let app = load_owned(state, applicant_id, id).await?;
    view(state, app).await
}

/// Starts a draft for a permit type at an office, prefilled from the account.
pub async fn create_draft(
    state: &AppState,
    applicant: &Applicant,
    office_id: &str,
    permit_code: &str,
) -> ServiceResult<String> {
    let mut errors = FieldErrors::new();
    let (version, catalog) = state.current_catalog().await?;
    let office = match offices::get(state, office_id).await {
        Ok(o) => Some(o),
        Err(ServiceError::NotFound) => {
            errors.insert("office".into(), "Pilih kantor layanan tujuan.".into());
            None
        }
        Err(e) => return Err(e),
    };
    let permit = catalog.get(permit_code);
    if permit.is_none() {
        errors.insert("permit".into(), "Pilih jenis izin dari daftar.".into());
    }
    let (Some(office), Some(permit)) = (office, permit) else {
        return Err(ServiceError::Invalid(errors));
    };
    if !offices::is_enabled(state, &office.id, &permit.code).await? {
        return Err(ServiceError::field(
            "permit",
            format!(
                "{} tidak dilayani oleh {}. Pilih kantor lain.",
                permit.name, office.name
            ),
        ));
    }
    let data = ApplicantData {
        name: applicant.full_name.clone(),
        email: applicant.email.clone(),
        phone: applicant.phone.clone(),
        address: applicant.address.clone(),
        village_code: applicant.village_code.clone(),
        ..ApplicantData::default()
    };
    let mut answers = Answers::new();
    for field in &permit.fields {
        let value = match field.prefill.as_deref() {
            Some("birth_place") => applicant.profile.birth_place.clone(),
            Some("birth_date") => applicant.profile.birth_date.clone(),
            Some("full_name") => applicant.full_name.clone(),
            Some("str_number") => applicant.profile.str_number.clone(),
            _ => String::new(),
        };
        if !value.is_empty() {
            answers.insert(field.key.clone(), value);
        }
    }
    let id = new_id();
    let now = now_text();
    sqlx::query(
        "INSERT INTO applications (id, office_id, applicant_id, permit_code, profession, catalog_version, status, applicant_data, answers, \
           step1_done, step2_done, holder_name, created_at, updated_at, lock_version) \
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, 0, 0, $9, $10, $10, 0)",
    )
    .bind(&id)
    .bind(&office.id)
    .bind(&applicant.id)
    .bind(&permit.code)
    .bind(&permit.profession)
    .bind(version)
    .bind(serde_json::to_string(&data)?)
    .bind(serde_json::to_string(&answers)?)
    .bind(applicant.full_name.to_lowercase())
    .bind(&now)
    .execute(&state.db.pool)
    .await?;
    Ok(id)
}

/// A new draft carrying the data and files of an earlier application of the same applicant
/// (a fresh start after rejection, a renewal or a change of data); `from.renewal_of`,
/// `from.change_of` and `from.change_reason` are carried over as given, linking the copy to
/// the permit it renews or changes.
pub async fn copy_as_draft(state: &AppState, applicant: &Applicant, from: &Application) -> ServiceResult<String> {
    let new_id = create_draft(state, applicant, &from.office_id, &from.permit_code).await?;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE applications SET applicant_data = $1, answers = $2, step1_done = 1, step2_done = 1, renewal_of = $3, \
           change_of = $4, change_reason = $5 WHERE id = $6",
    )
    .bind(serde_json::to_string(&from.data)?)
    .bind(serde_json::to_string(&from.answers)?)
    .bind(from.renewal_of.as_deref())
    .bind(from.change_of.as_deref())
    .bind(from.change_reason.as_deref())
    .bind(&new_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO application_documents (application_id, requirement_key, document_id, filename, sha256, mime, size, attached_at) \
         SELECT $1, requirement_key, document_id, filename, sha256, mime, size, $2 FROM application_documents WHERE application_id = $3",
    )
    .bind(&new_id)
    .bind(now_text())
    .bind(&from.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(new_id)
}

fn editable(app: &Application) -> ServiceResult<()> {
    if app.status == ApplicationStatus::Draft {
        Ok(())
    } else {
        Err(ServiceError::Refused(format!(
            "Permohonan ini sudah diajukan (status: {}) dan tidak dapat diubah lagi.",
            app.status.label_id()
        )))
    }
}

/// Checks Tahap 1 and returns the cleaned data with field errors.
pub fn check_applicant_data(input: &ApplicantData, office: &Office) -> (ApplicantData, FieldErrors) {
    let wilayah = Wilayah::builtin();
    let mut e = FieldErrors::new();
    let mut d = ApplicantData {
        name: clean_text(&input.name, 120),
        email: input.email.trim().to_lowercase(),
        phone: input.phone.trim().to_string(),
        address: clean_text(&input.address, 300),
        village_code: input.village_code.trim().to_string(),
        by_proxy: input.by_proxy,
        proxy_phone: input.proxy_phone.trim().to_string(),
        facility_name: clean_text(&input.facility_name, 200),
        location_village_code: input.location_village_code.trim().to_string(),
        location_address: clean_text(&input.location_address, 300),
        is_company: input.is_company,
        ..ApplicantData::default()
    };
    if d.name.chars().count() < 3 {
        e.insert("name".into(), "Nama pemohon wajib diisi.".into());
    }
    match PhoneE164::parse(&d.phone) {
        Ok(p) => d.phone = p.as_str().to_string(),
        Err(err) => {
            e.insert("phone".into(), err.to_string());
        }
    }
    if d.by_proxy {
        match PhoneE164::parse(&d.proxy_phone) {
            Ok(p) => d.proxy_phone = p.as_str().to_string(),
            Err(err) => {
                e.insert("proxy_phone".into(), format!("Nomor handphone kuasa: {err}"));
            }
        }
    } else {
        d.proxy_phone.clear();
    }
    if d.address.chars().count() < 5 {
        e.insert("address".into(), "Alamat pemohon wajib diisi.".into());
    }
    if VillageCode::parse(wilayah, &d.village_code).is_err() {
        e.insert("village_code".into(), "Pilih kelurahan/desa alamat pemohon.".into());
    }
    if d.facility_name.chars().count() < 3 {
        e.insert(
            "facility_name".into(),
            "Nama tempat praktik wajib diisi (contoh: RSUD Kota Pontianak, Klinik Sehat, Praktik Mandiri).".into(),
        );
    }
    match VillageCode::parse(wilayah, &d.location_village_code) {
        Err(_) => {
            e.insert(
                "location_village_code".into(),
                "Pilih kelurahan/desa lokasi izin (tempat praktik).".into(),
            );
        }
        Ok(v) => {
            if !wilayah.is_child_of(v.as_str(), &office.regency_code) {
                let region = wilayah
                    .display_name(&office.regency_code)
                    .unwrap_or_else(|| office.regency_code.clone());
                e.insert(
                    "location_village_code".into(),
                    format!(
                        "Lokasi izin harus berada di wilayah {region}, wilayah kerja {}.",
                        office.name
                    ),
                );
            }
        }
    }
    if d.location_address.chars().count() < 5 {
        e.insert(
            "location_address".into(),
            "Detail alamat lokasi wajib diisi (jalan, nomor, RT/RW).".into(),
        );
    }
    if d.is_company {
        d.company_name = clean_text(&input.company_name, 200);
        d.company_address = clean_text(&input.company_address, 300);
        d.company_email = input.company_email.trim().to_lowercase();
        d.company_fax = clean_text(&input.company_fax, 30);
        d.company_phone = input.company_phone.trim().to_string();
        d.company_npwp = input.company_npwp.trim().to_string();
        d.business_type = clean_text(&input.business_type, 100);
        if d.company_name.chars().count() < 3 {
            e.insert("company_name".into(), "Nama perusahaan wajib diisi.".into());
        }
        if d.company_address.chars().count() < 5 {
            e.insert("company_address".into(), "Alamat perusahaan wajib diisi.".into());
        }
        if !d.company_email.is_empty() {
            match izinkes_domain::email::Email::parse(&d.company_email) {
                Ok(m) => d.company_email = m.as_str().to_string(),
                Err(err) => {
                    e.insert("company_email".into(), err.to_string());
                }
            }
        }
        if !d.company_phone.is_empty() {
            let digits: String = d.company_phone.chars().filter(|c| c.is_ascii_digit()).collect();
            if !(6..=15).contains(&digits.len()) || d.company_phone.chars().any(|c| !"0123456789+-() .".contains(c)) {
                e.insert(
                    "company_phone".into(),
                    "Nomor telepon perusahaan berupa angka (6–15 digit).".into(),
                );
            }
        }
        if !d.company_fax.is_empty() && d.company_fax.chars().any(|c| !"0123456789+-() .".contains(c)) {
            e.insert("company_fax".into(), "Nomor faks berupa angka.".into());
        }
        match Npwp::parse(&d.company_npwp) {
            Ok(n) => d.company_npwp = n.as_str().to_string(),
            Err(err) => {
                e.insert("company_npwp".into(), err.to_string());
            }
        }
        if d.business_type.is_empty() {
            e.insert(
                "business_type".into(),
                "Jenis usaha wajib diisi (contoh: Klinik Pratama, Apotek).".into(),
            );
        }
    }
    (d, e)
}

async fn save_columns(
    state: &AppState,
    app: &Application,
    data: &ApplicantData,
    answers: &Answers,
    step1: bool,
    step2: bool,
) -> ServiceResult<()> {
    let done = sqlx::query(
        "UPDATE applications SET applicant_data = $1, answers = $2, step1_done = $3, step2_done = $4, holder_name = $5, \
           updated_at = $6, lock_version = lock_version + 1 WHERE id = $7 AND status = 'draft'",
    )
    .bind(serde_json::to_string(data)?)
    .bind(serde_json::to_string(answers)?)
    .bind(i64::from(step1))
    .bind(i64::from(step2))
    .bind(data.name.to_lowercase())
    .bind(now_text())
    .bind(&app.id)
    .execute(&state.db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ServiceError::Conflict(
            "Permohonan ini sudah diajukan dan tidak dapat diubah lagi.".into(),
        ));
    }
    Ok(())
}

/// Saves Tahap 1. What was typed is always kept (a draft loses nothing); the step counts as
/// done only when it is valid, and the errors come back for the page.
pub async fn save_step1(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    input: &ApplicantData,
) -> ServiceResult<FieldErrors> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let office = offices::get(state, &app.office_id).await?;
    let (mut data, errors) = check_applicant_data(input, &office);
    if !errors.is_empty() {
        // Keep the raw entry so the applicant sees exactly what they typed.
        data = ApplicantData { ..input.clone() };
        data.name = clean_text(&data.name, 120);
    }
    save_columns(state, &app, &data, &app.answers, errors.is_empty(), app.step2_done).await?;
    Ok(errors)
}

/// Saves Tahap 2 (the permit's own fields); same keep-everything rule as Tahap 1.
pub async fn save_step2(state: &AppState, applicant_id: &str, id: &str, input: &Answers) -> ServiceResult<FieldErrors> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let catalog = state.catalog(app.catalog_version).await?;
    let permit = catalog.get(&app.permit_code).ok_or(ServiceError::NotFound)?;
    let mut answers = Answers::new();
    for field in &permit.fields {
        if let Some(v) = input.get(&field.key) {
            let limit = if matches!(field.kind, izinkes_domain::catalog::FieldKind::Textarea) {
                2000
            } else {
                200
            };
            let v: String = v
                .trim()
                .chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .take(limit + 1)
                .collect();
            if !v.is_empty() {
                answers.insert(field.key.clone(), v);
            }
        }
    }
    let errors = permit.check_answers(&answers);
    save_columns(state, &app, &app.data, &answers, app.step1_done, errors.is_empty()).await?;
    Ok(errors)
}

fn requirement<'a>(permit: &'a PermitType, key: &str) -> ServiceResult<&'a izinkes_domain::catalog::Requirement> {
    permit
        .requirements
        .iter()
        .find(|r| r.key == key)
        .ok_or(ServiceError::NotFound)
}

/// The copy of a file an application keeps (later changes in Manajer Berkas do not touch it).
struct FileCopy<'a> {
    /// A new upload is also kept in Manajer Berkas under this title (written with the attachment).
    library_title: Option<&'a str>,
    applicant_id: &'a str,
    document_id: Option<&'a str>,
    filename: &'a str,
    sha: &'a str,
    mime: &'a str,
    size: i64,
}

async fn put_attachment(state: &AppState, app_id: &str, key: &str, f: FileCopy<'_>) -> ServiceResult<()> {
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM applications WHERE id = $1")
        .bind(app_id)
        .fetch_optional(&mut *tx)
        .await?;
    if status.as_deref() != Some("draft") {
        return Err(ServiceError::Conflict(
            "Permohonan ini sudah diajukan dan tidak dapat diubah lagi.".into(),
        ));
    }
    if let (Some(title), Some(doc_id)) = (f.library_title, f.document_id) {
        sqlx::query(
            "INSERT INTO documents (id, applicant_id, title, filename, sha256, mime, size, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(doc_id)
        .bind(f.applicant_id)
        .bind(title)
        .bind(f.filename)
        .bind(f.sha)
        .bind(f.mime)
        .bind(f.size)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM application_documents WHERE application_id = $1 AND requirement_key = $2")
        .bind(app_id)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO application_documents (application_id, requirement_key, document_id, filename, sha256, mime, size, attached_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(app_id)
    .bind(key)
    .bind(f.document_id)
    .bind(f.filename)
    .bind(f.sha)
    .bind(f.mime)
    .bind(f.size)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(app_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Tahap 3: uploads a file for one requirement. The file is checked by content against the
/// requirement's formats and size, kept in Manajer Berkas for reuse, and attached.
pub async fn upload_requirement(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    key: &str,
    filename: &str,
    bytes: &[u8],
) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let catalog = state.catalog(app.catalog_version).await?;
    let permit = catalog.get(&app.permit_code).ok_or(ServiceError::NotFound)?;
    let req = requirement(permit, key)?;
    let format = check_file(bytes, &req.formats, req.max_size_kb).map_err(|m| ServiceError::field(key, m))?;
    let sha = store_blob(state, bytes, format.mime()).await?;
    let filename = clean_filename(filename);
    let doc_id = new_id();
    let title = clean_text(&req.label, 120);
    let copy = FileCopy {
        library_title: Some(&title),
        applicant_id,
        document_id: Some(&doc_id),
        filename: &filename,
        sha: &sha,
        mime: format.mime(),
        size: bytes.len() as i64,
    };
    put_attachment(state, &app.id, key, copy).await
}

/// Tahap 3: attaches a file already in Manajer Berkas, if it suits the requirement.
pub async fn attach_library(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    key: &str,
    document_id: &str,
) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let catalog = state.catalog(app.catalog_version).await?;
    let permit = catalog.get(&app.permit_code).ok_or(ServiceError::NotFound)?;
    let req = requirement(permit, key)?;
    let doc = crate::documents::get(state, applicant_id, document_id)
        .await
        .map_err(|_| ServiceError::field(key, "Berkas tidak ditemukan di Manajer Berkas Anda."))?;
    let format = [FileFormat::Pdf, FileFormat::Jpg, FileFormat::Png]
        .into_iter()
        .find(|f| f.mime() == doc.mime);
    let accepted = req.formats.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ");
    if !format.is_some_and(|f| req.formats.contains(&f)) {
        return Err(ServiceError::field(
            key,
            format!("Berkas \"{}\" tidak sesuai: syarat ini menerima {accepted}.", doc.title),
        ));
    }
    if doc.size > i64::from(req.max_size_kb) * 1024 {
        return Err(ServiceError::field(
            key,
            format!(
                "Berkas \"{}\" terlalu besar untuk syarat ini (batas {}).",
                doc.title,
                crate::documents::human_size(i64::from(req.max_size_kb) * 1024)
            ),
        ));
    }
    let copy = FileCopy {
        library_title: None,
        applicant_id,
        document_id: Some(&doc.id),
        filename: &doc.filename,
        sha: &doc.sha256,
        mime: &doc.mime,
        size: doc.size,
    };
    put_attachment(state, &app.id, key, copy).await
}

pub async fn remove_attachment(state: &AppState, applicant_id: &str, id: &str, key: &str) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "DELETE FROM application_documents WHERE application_id = $1 AND requirement_key = $2 \
         AND EXISTS (SELECT 1 FROM applications WHERE id = $1 AND status = 'draft')",
    )
    .bind(&app.id)
    .bind(key)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a draft (never a submitted application).
pub async fn delete_draft(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let mut tx = state.db.begin().await?;
    sqlx::query("DELETE FROM application_documents WHERE application_id = $1")
        .bind(&app.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM applications WHERE id = $1 AND status = 'draft'")
        .bind(&app.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// One row of the append-only history. Each entry carries the hash of the previous entry of
/// the same application, so an edited, deleted or reordered row breaks the chain.
pub struct NewHistory<'a> {
    pub office_id: &'a str,
    pub application_id: &'a str,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: &'a str,
    pub step: Option<&'a str>,
    pub public_note: Option<&'a str>,
    pub internal_note: Option<&'a str>,
}

pub fn history_hash(prev_hash: &str, seq: i64, at: &str, h: &NewHistory<'_>) -> String {
    let fields = [
        prev_hash,
        &seq.to_string(),
        at,
        h.application_id,
        h.actor_kind,
        h.actor_id.unwrap_or(""),
        h.actor_name,
        h.actor_role.unwrap_or(""),
        h.action,
        h.from_status.unwrap_or(""),
        h.to_status,
        h.step.unwrap_or(""),
        h.public_note.unwrap_or(""),
        h.internal_note.unwrap_or(""),
    ];
    // Length-prefixed, so no two different entries serialise to the same bytes.
    let mut buf = String::new();
    for f in fields {
        buf.push_str(&f.len().to_string());
        buf.push(':');
        buf.push_str(f);
        buf.push('|');
    }
    sha256_hex(buf.as_bytes())
}

pub async fn append_history(tx: &mut Tx, h: &NewHistory<'_>) -> ServiceResult<()> {
    let last =
        sqlx::query("SELECT seq, hash FROM application_history WHERE application_id = $1 ORDER BY seq DESC LIMIT 1")
            .bind(h.application_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (seq, prev) = match last {
        Some(r) => (r.try_get::<i64, _>("seq")? + 1, r.try_get::<String, _>("hash")?),
        None => (1, "0".repeat(64)),
    };
    let at = now_text();
    let hash = history_hash(&prev, seq, &at, h);
    sqlx::query(
        "INSERT INTO application_history (office_id, application_id, seq, at, actor_kind, actor_id, actor_name, actor_role, action, \
           from_status, to_status, step, public_note, internal_note, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(h.office_id)
    .bind(h.application_id)
    .bind(seq)
    .bind(&at)
    .bind(h.actor_kind)
    .bind(h.actor_id)
    .bind(h.actor_name)
    .bind(h.actor_role)
    .bind(h.action)
    .bind(h.from_status)
    .bind(h.to_status)
    .bind(h.step)
    .bind(h.public_note)
    .bind(h.internal_note)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

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
    p.step1 = check_applicant_data(&v.app.data, &v.office).1;
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
    let applicant = load_applicant(state, applicant_id).await?;
    let start = crate::desks::prepare_start(state, &v.office, &permit.code, permit.sla_working_days).await?;

    let mut tx = state.db.begin().await?;
    if state.db.backend == Backend::Postgres {
        // Serialise this applicant's submissions so two parallel submits cannot both pass the cap.
        sqlx::query("SELECT id FROM applicants WHERE id = $1 FOR UPDATE")
            .bind(applicant_id)
            .fetch_one(&mut *tx)
            .await?;
    }
    let active = sqlx::query(
        "SELECT registration_number, permit_code, applicant_data FROM applications \
         WHERE applicant_id = $1 AND profession = $2 AND id <> $3 \
         AND status IN ('submitted', 'in_process', 'needs_revision', 'ready_to_sign', 'issued') ORDER BY submitted_at",
    )
    .bind(applicant_id)
    .bind(&permit.profession)
    .bind(&v.app.id)
    .fetch_all(&mut *tx)
    .await?;
    if active.len() as u32 >= permit.max_active_per_person {
        let list = active
            .iter()
            .map(|r| {
                let number = opt_text(r, "registration_number").ok().flatten().unwrap_or_default();
                let place = r
                    .try_get::<String, _>("applicant_data")
                    .ok()
                    .and_then(|s| serde_json::from_str::<ApplicantData>(&s).ok())
                    .map(|d| d.facility_name)
                    .unwrap_or_default();
                format!("{number} ({place})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ServiceError::Refused(format!(
            "Anda sudah memiliki {} izin aktif atau sedang diproses untuk profesi {} (batas {} tempat praktik): {list}. \
             Izin baru dapat diajukan setelah salah satunya berakhir atau dicabut.",
            active.len(),
            permit.profession,
            permit.max_active_per_person
        )));
    }
    let year = state_year(&v.office);
    let seq = crate::db::next_counter(&mut tx, &v.office.id, "registration", &year.to_string()).await?;
    let number = RegistrationNumber::new(&v.office.code, year, seq);
    let now = now_text();
    let updated = sqlx::query(
        "UPDATE applications SET status = 'submitted', registration_number = $1, submitted_at = $2, updated_at = $2, \
           lock_version = lock_version + 1 WHERE id = $3 AND status = 'draft'",
    )
    .bind(number.as_str())
    .bind(&now)
    .bind(&v.app.id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 1 {
        crate::desks::start_in_tx(&mut tx, &v.app.id, &start).await?;
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
    let body = format!(
        "Yth. {},\n\nPermohonan {} Anda telah kami terima dengan nomor registrasi {}.\n\
         Kantor: {}\nStatus: Menunggu Verifikasi\nJangka waktu layanan: {} hari kerja sejak berkas dinyatakan lengkap.\n\n\
         Pantau status di {}/permohonan atau di halaman Lacak Permohonan.\n",
        v.app.data.name,
        permit.name,
        number,
        v.office.name,
        permit.sla_working_days,
        state.config.base_url.trim_end_matches('/'),
    );
    enqueue_email(
        &mut tx,
        Some(&v.office.id),
        &applicant.email,
        &format!("Permohonan diterima: {number}"),
        &body,
    )
    .await?;
    tx.commit().await?;
    state.desks_changed(&v.office.id);
    state.wake_outbox();
    Ok(SubmitOutcome::Submitted(number))
}

fn state_year(office: &Office) -> i32 {
    Utc::now().with_timezone(&office.tz().offset()).year()
}

#[derive(Clone, Debug, Serialize)]
pub struct ListItem {
    pub id: String,
    pub permit_code: String,
    pub permit_name: String,
    pub office_name: String,
    pub facility_name: String,
    pub status: ApplicationStatus,
    pub registration_number: Option<String>,
    pub created_at: String,
    pub submitted_at: Option<String>,
}

/// One row of Permohonan Saya (`list_for_applicant`); on SQLite a JSON array in this order.
#[derive(Deserialize)]
struct ListRowJson {
    id: String,
    permit_code: String,
    catalog_version: i64,
    status: String,
    registration_number: Option<String>,
    facility_name: Option<String>,
    created_at: String,
    submitted_at: Option<String>,
    office_name: String,
}

/// Permohonan Saya: newest first. On SQLite read as one row (`Backend::json_rows`); on
/// PostgreSQL row by row, where rows are cheap and taking the facility out of the applicant's
/// data in SQL (a JSON parse per row in the server) cost more than the whole list
/// (docs/benchmarks.md).
pub async fn list_for_applicant(state: &AppState, applicant_id: &str) -> ServiceResult<Vec<ListItem>> {
    const FROM: &str = "FROM applications a JOIN offices o ON o.id = a.office_id WHERE a.applicant_id = $1 \
                        ORDER BY a.created_at DESC, a.id DESC LIMIT 500";
    let rows: Vec<ListRowJson> = match state.db.backend {
        crate::db::Backend::Sqlite => {
            let (agg, array) = state.db.backend.json_rows();
            let list: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT CAST({agg}({array}(x.id, x.permit_code, x.catalog_version, x.status, x.registration_number, \
                     x.facility_name, x.created_at, x.submitted_at, x.office_name) ORDER BY x.created_at DESC, x.id DESC) AS TEXT) \
                 FROM (SELECT a.id, a.permit_code, a.catalog_version, a.status, a.registration_number, json_extract(a.applicant_data, '$.facility_name') AS facility_name, \
                         a.created_at, a.submitted_at, o.name AS office_name {FROM}) AS x"
            )))
            .bind(applicant_id)
            .fetch_one(&state.db.pool)
            .await?;
            match list {
                Some(json) => serde_json::from_str(&json)?,
                None => Vec::new(),
            }
        }
        crate::db::Backend::Postgres => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT a.id, a.permit_code, a.catalog_version, a.status, a.registration_number, a.applicant_data, \
                        a.created_at, a.submitted_at, o.name AS office_name {FROM}"
            )))
            .bind(applicant_id)
            .fetch_all(&state.db.pool)
            .await?;
            let mut list = Vec::with_capacity(rows.len());
            for r in rows {
                let data: ApplicantData =
                    serde_json::from_str(&r.try_get::<String, _>("applicant_data")?).unwrap_or_default();
                list.push(ListRowJson {
                    id: r.try_get("id")?,
                    permit_code: r.try_get("permit_code")?,
                    catalog_version: r.try_get("catalog_version")?,
                    status: r.try_get("status")?,
                    registration_number: opt_text(&r, "registration_number")?,
                    facility_name: Some(data.facility_name),
                    created_at: r.try_get("created_at")?,
                    submitted_at: opt_text(&r, "submitted_at")?,
                    office_name: r.try_get("office_name")?,
                });
            }
            list
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let catalog = state.catalog(r.catalog_version).await?;
        out.push(ListItem {
            permit_name: catalog
                .get(&r.permit_code)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| r.permit_code.clone()),
            id: r.id,
            permit_code: r.permit_code,
            office_name: r.office_name,
            facility_name: r.facility_name.unwrap_or_default(),
            status: ApplicationStatus::from_code(&r.status).unwrap_or(ApplicationStatus::Draft),
            registration_number: r.registration_number,
            created_at: r.created_at,
            submitted_at: r.submitted_at,
        });
    }
    Ok(out)
}

#[derive(Clone, Debug, Serialize)]
pub struct TrackResult {
    pub registration_number: String,
    pub permit_name: String,
    pub office_name: String,
    pub status: ApplicationStatus,
    pub status_label: String,
    pub submitted_at: Option<String>,
    pub updated_at: String,
}

/// Public tracking by registration number and the last 4 digits of the identity number.
/// Shows status only. Failed lookups count against the client address, like logins.
pub async fn track(state: &AppState, number: &str, last4: &str, client: &str) -> ServiceResult<TrackResult> {
    let mut errors = FieldErrors::new();
    let number = RegistrationNumber::parse(number);
    if number.is_none() {
        errors.insert(
            "number".into(),
            "Nomor registrasi tidak valid (contoh: JBR-2026-000123).".into(),
        );
    }
    let last4 = last4.trim();
    if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_alphanumeric()) {
        errors.insert(
            "nik4".into(),
            "Masukkan 4 digit terakhir NIK/nomor identitas pemohon.".into(),
        );
    }
    let Some(number) = number.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let key = format!("track:{client}");
    let since = crate::db::ts(Utc::now() - chrono::Duration::minutes(crate::accounts::THROTTLE_WINDOW_MINUTES));
    let failures: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
        .bind(&key)
        .bind(&since)
        .fetch_one(&state.db.pool)
        .await?;
    if failures >= 20 {
        return Err(ServiceError::Throttled(
            "Terlalu banyak pencarian yang tidak cocok. Coba lagi dalam 15 menit.".into(),
        ));
    }
    let row = sqlx::query(
        "SELECT a.permit_code, a.catalog_version, a.status, a.submitted_at, a.updated_at, p.identity_number, o.name AS office_name \
         FROM applications a JOIN applicants p ON p.id = a.applicant_id JOIN offices o ON o.id = a.office_id \
         WHERE a.registration_number = $1",
    )
    .bind(number.as_str())
    .fetch_optional(&state.db.pool)
    .await?;
    let found = row.filter(|r| {
        r.try_get::<String, _>("identity_number")
            .map(|n| n.to_ascii_uppercase().ends_with(&last4.to_ascii_uppercase()))
            .unwrap_or(false)
    });
    let Some(r) = found else {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(&key)
            .bind(now_text())
            .execute(&state.db.pool)
            .await?;
        return Err(ServiceError::Refused(
            "Permohonan tidak ditemukan. Periksa nomor registrasi dan 4 digit terakhir NIK.".into(),
        ));
    };
    let code: String = r.try_get("permit_code")?;
    let catalog = state.catalog(r.try_get("catalog_version")?).await?;
    let status =
        ApplicationStatus::from_code(&r.try_get::<String, _>("status")?).unwrap_or(ApplicationStatus::Submitted);
    Ok(TrackResult {
        registration_number: number.to_string(),
        permit_name: catalog.get(&code).map(|p| p.name.clone()).unwrap_or(code),
        office_name: r.try_get("office_name")?,
        status,
        status_label: status.label_id().to_string(),
        submitted_at: opt_text(&r, "submitted_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(note: &'a str) -> NewHistory<'a> {
        NewHistory {
            office_id: "o",
            application_id: "a",
            actor_kind: "applicant",
            actor_id: Some("x"),
            actor_name: "Putu",
            actor_role: None,
            action: "ajukan",
            from_status: Some("draft"),
            to_status: "submitted",
            step: None,
            public_note: Some(note),
            internal_note: None,
        }
    }

    #[test]
    fn history_hash_changes_with_any_field_and_with_the_chain() {
        let h1 = history_hash(&"0".repeat(64), 1, "t", &entry("a"));
        assert_eq!(h1, history_hash(&"0".repeat(64), 1, "t", &entry("a")));
        assert_ne!(h1, history_hash(&"0".repeat(64), 1, "t", &entry("b")));
        assert_ne!(h1, history_hash(&"1".repeat(64), 1, "t", &entry("a")));
        assert_ne!(h1, history_hash(&"0".repeat(64), 2, "t", &entry("a")));
    }

    #[test]
    fn pseudo_answers_follow_proxy_and_company_flags() {
        let d = ApplicantData {
            by_proxy: true,
            ..ApplicantData::default()
        };
        let a = d.pseudo_answers();
        assert_eq!(a.get("pemohon.kuasa").map(String::as_str), Some("ya"));
        assert_eq!(a.get("pemohon.perusahaan").map(String::as_str), Some("tidak"));
    }
}
