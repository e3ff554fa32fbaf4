//! Drafts: starting one, saving Tahap 1 and 2 (nothing typed is lost), copying one, deleting one.

use crate::accounts::profile::Applicant;
use crate::applications::queries;
use crate::applications::queries::CopiedDraft;
use crate::applications::queries::DraftColumns;
use crate::applications::queries::NewDraft;
use crate::applications::view::ApplicantData;
use crate::applications::view::Application;
use crate::applications::view::load_owned;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::platform::text::clean_text;
use crate::state::AppState;
use izinkes_domain::catalog::Answers;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::catalog::Holder;
use izinkes_domain::nib::Nib;
use izinkes_domain::npwp::Npwp;
use izinkes_domain::phone::PhoneE164;
use izinkes_domain::status::ApplicationStatus;
use izinkes_domain::wilayah::VillageCode;
use izinkes_domain::wilayah::Wilayah;

/// Starts a draft for a permit type at an office, prefilled from the account. A cancellation
/// (pencabutan) is started from the permit it cancels ([`crate::permits::cancellation`]).
pub async fn create_draft(
    state: &AppState,
    applicant: &Applicant,
    office_id: &str,
    permit_code: &str,
) -> ServiceResult<String> {
    let (_, catalog) = state.current_catalog().await?;
    if let Some(p) = catalog.get(permit_code).filter(|p| p.is_cancellation()) {
        return Err(ServiceError::field(
            "permit",
            format!(
                "{} diajukan dari izin yang akan dicabut: buka menu Izin Saya dan pilih \"Ajukan pencabutan\" pada izin tersebut.",
                p.name
            ),
        ));
    }
    start_draft(state, applicant, office_id, permit_code).await
}

async fn start_draft(
    state: &AppState,
    applicant: &Applicant,
    office_id: &str,
    permit_code: &str,
) -> ServiceResult<String> {
    let mut errors = FieldErrors::new();
    let (version, catalog) = state.current_catalog().await?;
    let office = match catalog::offices::get(state, office_id).await {
        Ok(o) if o.disabled => {
            errors.insert(
                "office".into(),
                format!("{} saat ini tidak menerima permohonan baru. Pilih kantor lain.", o.name),
            );
            None
        }
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
    if !catalog::service::is_enabled(state, &office.id, &permit.code).await? {
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
    let draft = NewDraft {
        id: &id,
        office_id: &office.id,
        applicant_id: &applicant.id,
        permit_code: &permit.code,
        profession: &permit.profession,
        catalog_version: version,
        applicant_data: &serde_json::to_string(&data)?,
        answers: &serde_json::to_string(&answers)?,
        holder_name: &applicant.full_name.to_lowercase(),
        now: &now,
    };
    queries::insert_draft(&state.db.pool, &draft).await?;
    Ok(id)
}

/// A new draft carrying the data and files of an earlier application of the same applicant
/// (a fresh start after rejection, a renewal or a change of data); `from.renewal_of`,
/// `from.change_of` and `from.change_reason` are carried over as given, linking the copy to
/// the permit it renews or changes.
pub async fn copy_as_draft(state: &AppState, applicant: &Applicant, from: &Application) -> ServiceResult<String> {
    let new_id = start_draft(state, applicant, &from.office_id, &from.permit_code).await?;
    let mut tx = state.db.begin().await?;
    let copied = CopiedDraft {
        applicant_data: &serde_json::to_string(&from.data)?,
        answers: &serde_json::to_string(&from.answers)?,
        renewal_of: from.renewal_of.as_deref(),
        change_of: from.change_of.as_deref(),
        change_reason: from.change_reason.as_deref(),
        cancels_permit: from.cancels_permit.as_deref(),
        step2_done: from.cancels_permit.is_none(),
    };
    queries::fill_copied_draft(&mut *tx, &copied, &new_id).await?;
    // A cancellation asks for its own documents; the permit's are not its requirements.
    if from.cancels_permit.is_none() {
        queries::copy_attachments(&mut *tx, &new_id, &now_text(), &from.id).await?;
    }
    tx.commit().await?;
    Ok(new_id)
}

pub(crate) fn editable(app: &Application) -> ServiceResult<()> {
    if app.status == ApplicationStatus::Draft {
        Ok(())
    } else {
        Err(ServiceError::Refused(format!(
            "Permohonan ini sudah diajukan (status: {}) dan tidak dapat diubah lagi.",
            app.status.label_id()
        )))
    }
}

/// Checks Tahap 1 and returns the cleaned data with field errors. An establishment's permit
/// always asks for the business (name, NIB, owner, person in charge, address, NPWP).
pub fn check_applicant_data(input: &ApplicantData, office: &Office, holder: Holder) -> (ApplicantData, FieldErrors) {
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
        is_company: input.is_company || holder == Holder::Establishment,
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
        let message = match holder {
            Holder::Person => {
                "Nama tempat praktik wajib diisi (contoh: RSUD Kota Pontianak, Klinik Sehat, Praktik Mandiri)."
            }
            Holder::Establishment => "Nama tempat usaha wajib diisi, seperti pada papan nama (contoh: RM Sederhana).",
        };
        e.insert("facility_name".into(), message.into());
    }
    check_location(&mut e, &d, office, wilayah);
    if d.is_company {
        check_company(&mut e, &mut d, input);
        check_establishment(&mut e, &mut d, input, holder);
    }
    (d, e)
}

/// The permit's location must be a village inside the office's regency, with an address.
fn check_location(e: &mut FieldErrors, d: &ApplicantData, office: &Office, wilayah: &Wilayah) {
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
}

/// The company's data, asked only when the applicant applies for a company.
fn check_company(e: &mut FieldErrors, d: &mut ApplicantData, input: &ApplicantData) {
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

/// The NIB, owner and person in charge: required for an establishment's permit, checked when
/// given for a company's practice permit.
fn check_establishment(e: &mut FieldErrors, d: &mut ApplicantData, input: &ApplicantData, holder: Holder) {
    let required = holder == Holder::Establishment;
    d.company_owner = clean_text(&input.company_owner, 120);
    d.person_in_charge = clean_text(&input.person_in_charge, 120);
    let nib = input.company_nib.trim();
    if required || !nib.is_empty() {
        match Nib::parse(nib) {
            Ok(n) => d.company_nib = n.as_str().to_string(),
            Err(err) => {
                d.company_nib = clean_text(nib, 30);
                e.insert("company_nib".into(), err.to_string());
            }
        }
    }
    if required && d.company_owner.chars().count() < 3 {
        e.insert("company_owner".into(), "Nama pemilik usaha wajib diisi.".into());
    }
    if required && d.person_in_charge.chars().count() < 3 {
        e.insert(
            "person_in_charge".into(),
            "Nama penanggung jawab tempat usaha wajib diisi (boleh sama dengan pemilik).".into(),
        );
    }
}

async fn save_columns(
    state: &AppState,
    app: &Application,
    data: &ApplicantData,
    answers: &Answers,
    step1: bool,
    step2: bool,
) -> ServiceResult<()> {
    let columns = DraftColumns {
        applicant_data: &serde_json::to_string(data)?,
        answers: &serde_json::to_string(answers)?,
        step1_done: step1,
        step2_done: step2,
        holder_name: &data.name.to_lowercase(),
        now: &now_text(),
    };
    let done = queries::save_draft_columns(&state.db.pool, &columns, &app.id).await?;
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
    let office = catalog::offices::get(state, &app.office_id).await?;
    let holder = state
        .catalog(app.catalog_version)
        .await?
        .get(&app.permit_code)
        .map(|p| p.holder)
        .unwrap_or_default();
    let (mut data, errors) = check_applicant_data(input, &office, holder);
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

/// Deletes a draft (never a submitted application).
pub async fn delete_draft(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let mut tx = state.db.begin().await?;
    queries::delete_all_attachments(&mut *tx, &app.id).await?;
    queries::delete_draft(&mut *tx, &app.id).await?;
    tx.commit().await?;
    Ok(())
}
