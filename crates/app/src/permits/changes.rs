//! Changing an issued permit's practice place or schedule, and renewing it: a new application
//! that, once issued, replaces the old permit.

use crate::applications;
use crate::catalog;
use crate::permits::archive::PermitRow;
use crate::permits::archive::owned_by;
use crate::permits::queries;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::NaiveDate;

/// The end date of the permit a change of data replaces (the new SK keeps it).
pub(crate) async fn changed_permit_end(state: &AppState, old_permit_id: &str) -> ServiceResult<NaiveDate> {
    let until = queries::valid_until(&state.db.pool, old_permit_id).await?.flatten();
    until
        .and_then(|u| NaiveDate::parse_from_str(&u, "%Y-%m-%d").ok())
        .ok_or_else(|| ServiceError::Internal(format!("changed permit {old_permit_id} has no validity")))
}

/// What a change of data (perubahan data) may change: the practice place, its address and area,
/// and the practice days and hours (the permit type's schedule fields). Everything else —
/// identity, profession, STR — needs a new application.
#[derive(Clone, Debug, Default)]
pub struct ChangeInput {
    pub facility_name: String,
    pub location_address: String,
    pub location_village_code: String,
    /// The permit type's schedule answers (Hari Praktik, Waktu Praktik), by field key.
    pub schedule: izinkes_domain::catalog::Answers,
    pub reason: String,
}

/// The form fields of a permit type a change of data may change (days and hours of practice).
pub fn schedule_fields(permit: &izinkes_domain::catalog::PermitType) -> Vec<&izinkes_domain::catalog::FormField> {
    use izinkes_domain::catalog::FieldKind;
    permit
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Days | FieldKind::TimeRange))
        .collect()
}

/// An active permit the applicant holds, and the application it was issued from, for a change.
pub async fn changeable(
    state: &AppState,
    applicant_id: &str,
    permit_id: &str,
) -> ServiceResult<(PermitRow, applications::view::ApplicationView)> {
    let p = owned_by(state, applicant_id, permit_id).await?;
    let office = catalog::offices::get(state, &p.office_id).await?;
    if p.public_status(catalog::offices::today(&office)) != "Aktif" {
        return Err(ServiceError::Refused(
            "Perubahan data hanya untuk izin yang masih aktif. Izin yang kedaluwarsa diperpanjang; izin yang dicabut \
             atau sudah diganti tidak dapat diubah."
                .into(),
        ));
    }
    let open = queries::open_change_or_renewal(&state.db.pool, permit_id).await?;
    if let Some(number) = open {
        return Err(ServiceError::Refused(format!(
            "Permohonan perubahan atau perpanjangan izin ini sedang diproses ({number}). Tunggu sampai selesai."
        )));
    }
    let v = applications::view::load_view(state, applicant_id, &p.application_id).await?;
    Ok((p, v))
}

/// Perubahan data: a new application copied from the permit's own, with the practice place or
/// schedule changed and the reason, submitted at once into the office's workflow. The permit it
/// yields replaces the old one and keeps its end date. Returns the new application's id; when it
/// cannot be submitted as it stands (the permit type's requirements changed since), it stays a
/// draft for the applicant to complete.
pub async fn start_change(
    state: &AppState,
    applicant_id: &str,
    permit_id: &str,
    input: &ChangeInput,
) -> ServiceResult<String> {
    let (p, v) = changeable(state, applicant_id, permit_id).await?;
    let permit_type = v.permit().ok_or(ServiceError::NotFound)?.clone();
    let mut changed = v.app.clone();
    changed.data.facility_name = input.facility_name.clone();
    changed.data.location_address = input.location_address.clone();
    changed.data.location_village_code = input.location_village_code.trim().to_string();
    let (data, step1_errors) = applications::drafts::check_applicant_data(&changed.data, &v.office, permit_type.holder);
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    for key in ["facility_name", "location_address", "location_village_code"] {
        if let Some(e) = step1_errors.get(key) {
            errors.insert(key.to_string(), e.clone());
        }
    }
    changed.data = data;
    let fields = schedule_fields(&permit_type);
    for f in &fields {
        let value: String = input
            .schedule
            .get(&f.key)
            .map(|s| s.trim().chars().filter(|c| !c.is_control()).take(200).collect())
            .unwrap_or_default();
        if value.is_empty() {
            changed.answers.remove(&f.key);
        } else {
            changed.answers.insert(f.key.clone(), value);
        }
    }
    let answer_errors = permit_type.check_answers(&changed.answers);
    for f in &fields {
        if let Some(e) = answer_errors.get(&f.key) {
            errors.insert(f.key.clone(), e.clone());
        }
    }
    let reason = crate::platform::text::clean_text(&input.reason, 500);
    if reason.chars().count() < 10 {
        errors.insert(
            "reason".into(),
            "Tuliskan alasan perubahan, paling sedikit 10 karakter (misalnya: pindah tempat praktik).".into(),
        );
    }
    let same = changed.data.facility_name == v.app.data.facility_name
        && changed.data.location_address == v.app.data.location_address
        && changed.data.location_village_code == v.app.data.location_village_code
        && fields
            .iter()
            .all(|f| changed.answers.get(&f.key) == v.app.answers.get(&f.key));
    if same && errors.is_empty() {
        errors.insert(
            "facility_name".into(),
            "Belum ada data yang diubah. Ubah tempat, alamat atau jadwal praktik.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    changed.renewal_of = None;
    changed.change_of = Some(p.id.clone());
    changed.change_reason = Some(reason);
    let applicant = crate::accounts::profile::load_applicant(state, applicant_id).await?;
    let new_id = applications::drafts::copy_as_draft(state, &applicant, &changed).await?;
    match applications::submit::submit(state, applicant_id, &new_id).await {
        Ok(_) => Ok(new_id),
        Err(ServiceError::Invalid(_) | ServiceError::Refused(_)) => Ok(new_id),
        Err(e) => Err(e),
    }
}

/// Renewal (perpanjangan): a new application prefilled from the permit's application,
/// linked to the permit it will replace.
pub async fn renew(state: &AppState, applicant_id: &str, permit_id: &str) -> ServiceResult<String> {
    let p = owned_by(state, applicant_id, permit_id).await?;
    if !matches!(p.status.as_str(), "active") {
        return Err(ServiceError::Refused(
            "Hanya izin yang masih tercatat (aktif atau kedaluwarsa, tidak dicabut) yang dapat diperpanjang.".into(),
        ));
    }
    let today = today_of(state, &p).await?;
    if let Some(opens) = renewal_opens(state, &p).await?.filter(|opens| *opens > today) {
        return Err(ServiceError::Refused(format!(
            "Perpanjangan izin {} dapat diajukan mulai {}, menjelang masa berlakunya berakhir pada {}.",
            p.number,
            izinkes_domain::format_id::date_id(opens),
            p.valid_until
                .as_deref()
                .map(izinkes_domain::format_id::iso_date_id)
                .unwrap_or_default()
        )));
    }
    let mut app = applications::view::load_owned(state, applicant_id, &p.application_id).await?;
    let applicant = crate::accounts::profile::load_applicant(state, applicant_id).await?;
    app.renewal_of = Some(p.id.clone());
    app.change_of = None;
    app.change_reason = None;
    let new_id = applications::drafts::copy_as_draft(state, &applicant, &app).await?;
    Ok(new_id)
}

/// The registration number of a filed change, renewal or cancellation of the permit still being
/// worked on, if any.
pub async fn open_request(state: &AppState, permit_id: &str) -> ServiceResult<Option<String>> {
    Ok(queries::open_change_or_renewal(&state.db.pool, permit_id).await?)
}

/// The first day the permit may be renewed (its type's window before the end), if it has an end.
pub async fn renewal_opens(state: &AppState, p: &PermitRow) -> ServiceResult<Option<NaiveDate>> {
    let Some(until) = p
        .valid_until
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return Ok(None);
    };
    let (_, catalog) = state.current_catalog().await?;
    Ok(catalog.get(&p.permit_code).map(|t| t.renewal_opens(until)))
}

async fn today_of(state: &AppState, p: &PermitRow) -> ServiceResult<NaiveDate> {
    let office = crate::catalog::offices::get(state, &p.office_id).await?;
    Ok(crate::catalog::offices::today(&office))
}
