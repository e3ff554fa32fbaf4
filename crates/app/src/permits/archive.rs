//! The register of issued permits: looking them up (by id, token, number, office, holder), the
//! permit's PDF, revocation, and the print and handover register.

use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::auth::officer::Officer;
use crate::notifications;
use crate::notifications::service::Notice;
use crate::permits::queries;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::looks_like_id;
use crate::platform::mail::PermitRevoked;
use crate::state::AppState;
use chrono::NaiveDate;
use izinkes_domain::roles::Role;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct PermitRow {
    pub id: String,
    pub office_id: String,
    pub application_id: String,
    /// The holder's account (not shown: the holder is named by `holder_name`).
    #[serde(skip)]
    pub applicant_id: String,
    pub permit_code: String,
    pub number: String,
    pub token: String,
    pub status: String,
    pub holder_name: String,
    pub nik_masked: String,
    pub practice_place: String,
    pub practice_address: String,
    pub issued_on: Option<String>,
    pub valid_until: Option<String>,
    pub signer_name: Option<String>,
    pub signer_position: Option<String>,
    pub pdf_sha256: Option<String>,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
    pub revoke_decree: Option<String>,
    pub replaced_by: Option<String>,
    pub renewal_of: Option<String>,
    /// The permit this one changes (perubahan data): it replaces it and keeps its validity.
    pub change_of: Option<String>,
    /// A Surat Keputusan Pencabutan: the permit it revoked.
    pub cancels_permit: Option<String>,
}

/// The status a person reads: Aktif / Kedaluwarsa / Dicabut / Diganti (or waiting).
impl PermitRow {
    pub fn public_status(&self, today: NaiveDate) -> &'static str {
        match self.status.as_str() {
            "revoked" => "Dicabut",
            "replaced" => "Diganti",
            "awaiting_signature" => "Menunggu Tanda Tangan",
            _ => match self
                .valid_until
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            {
                Some(until) if until < today => "Kedaluwarsa",
                _ => "Aktif",
            },
        }
    }

    /// [`PermitRow::public_status`] for machines: active / expired / revoked / replaced / pending.
    pub fn public_status_code(&self, today: NaiveDate) -> &'static str {
        match self.public_status(today) {
            "Aktif" => "active",
            "Kedaluwarsa" => "expired",
            "Dicabut" => "revoked",
            "Diganti" => "replaced",
            _ => "pending",
        }
    }
}

/// The permit type's name as the catalog has it now (its code if the type is gone).
pub(crate) async fn permit_name(state: &AppState, p: &PermitRow) -> String {
    match state.current_catalog().await {
        Ok((_, c)) => c
            .get(&p.permit_code)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| p.permit_code.clone()),
        Err(_) => p.permit_code.clone(),
    }
}

async fn query_permits(state: &AppState, sql: &'static str, bind: &str) -> ServiceResult<Vec<PermitRow>> {
    let rows = queries::permits_where(&state.db.pool, sql, bind).await?;
    Ok(rows.into_iter().map(PermitRow::from).collect())
}

pub async fn awaiting_signature(state: &AppState, office_id: &str) -> ServiceResult<Vec<PermitRow>> {
    query_permits(state, queries::AWAITING_SIGNATURE, office_id).await
}

pub async fn for_applicant(state: &AppState, applicant_id: &str) -> ServiceResult<Vec<PermitRow>> {
    query_permits(state, queries::FOR_APPLICANT, applicant_id).await
}

pub async fn by_token(state: &AppState, token: &str) -> ServiceResult<PermitRow> {
    if token.len() != 52 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ServiceError::NotFound);
    }
    query_permits(state, queries::BY_TOKEN, token)
        .await?
        .into_iter()
        .next()
        .ok_or(ServiceError::NotFound)
}

pub async fn by_id(state: &AppState, id: &str) -> ServiceResult<PermitRow> {
    if !looks_like_id(id) {
        return Err(ServiceError::NotFound);
    }
    query_permits(state, queries::BY_ID, id)
        .await?
        .into_iter()
        .next()
        .ok_or(ServiceError::NotFound)
}

/// The signed permit of an application, if it has one.
pub async fn of_application(state: &AppState, application_id: &str) -> ServiceResult<Option<PermitRow>> {
    Ok(query_permits(state, queries::BY_APPLICATION, application_id)
        .await?
        .into_iter()
        .next())
}

/// What the holder and the public read about a permit: its state and, once revoked, by which
/// decree, when and why.
#[derive(Clone, Debug, Default)]
pub struct PermitInfo {
    pub id: String,
    pub number: String,
    pub token: String,
    /// Aktif, Kedaluwarsa, Dicabut, Diganti.
    pub status: String,
    pub status_code: String,
    pub issued_on: String,
    pub valid_until: String,
    pub revoked_on: String,
    pub revoke_decree: String,
    pub revoke_reason: String,
}

impl PermitInfo {
    pub fn of(p: &PermitRow, today: NaiveDate, tz: izinkes_domain::calendar::OfficeTimeZone) -> PermitInfo {
        let date = |d: &Option<String>| {
            d.as_deref()
                .map(izinkes_domain::format_id::iso_date_id)
                .unwrap_or_default()
        };
        PermitInfo {
            id: p.id.clone(),
            number: p.number.clone(),
            token: p.token.clone(),
            status: p.public_status(today).to_owned(),
            status_code: p.public_status_code(today).to_owned(),
            issued_on: date(&p.issued_on),
            valid_until: date(&p.valid_until),
            revoked_on: p
                .revoked_at
                .as_deref()
                .map(|at| izinkes_domain::format_id::timestamp_in(at, tz))
                .unwrap_or_default(),
            revoke_decree: p.revoke_decree.clone().unwrap_or_default(),
            revoke_reason: p.revoke_reason.clone().unwrap_or_default(),
        }
    }

    pub fn is_revoked(&self) -> bool {
        self.status_code == "revoked"
    }
}

pub async fn by_number(state: &AppState, number: &str) -> ServiceResult<PermitRow> {
    query_permits(state, queries::BY_NUMBER, number)
        .await?
        .into_iter()
        .next()
        .ok_or(ServiceError::NotFound)
}

pub async fn all(state: &AppState) -> ServiceResult<Vec<PermitRow>> {
    let rows = queries::all_permits(&state.db.pool).await?;
    Ok(rows.into_iter().map(PermitRow::from).collect())
}

/// Archive search for an office: number, holder or practice place.
pub async fn search(state: &AppState, office_id: &str, q: &str) -> ServiceResult<Vec<PermitRow>> {
    let rows = queries::office_archive(&state.db.pool, office_id).await?;
    let q = q.trim().to_lowercase();
    Ok(rows
        .into_iter()
        .map(PermitRow::from)
        .filter(|p| {
            q.is_empty()
                || format!("{} {} {}", p.number, p.holder_name, p.practice_place)
                    .to_lowercase()
                    .contains(&q)
        })
        .collect())
}

/// The signed PDF, for its holder or an officer of its office.
pub async fn pdf_for(
    state: &AppState,
    viewer: &crate::auth::sessions::SessionSubject,
    permit_id: &str,
) -> ServiceResult<(PermitRow, Vec<u8>)> {
    let p = by_id(state, permit_id).await?;
    let allowed = match viewer.kind {
        crate::auth::sessions::SubjectKind::Applicant => viewer.id == p.applicant_id,
        crate::auth::sessions::SubjectKind::Officer => viewer.office_id.as_deref() == Some(p.office_id.as_str()),
    };
    if !allowed {
        return Err(ServiceError::NotFound);
    }
    let sha = p.pdf_sha256.clone().ok_or(ServiceError::NotFound)?;
    let bytes = state.store.get(&sha).await?;
    Ok((p, bytes))
}

/// Revocation (pencabutan) with a reason and a decree number; flips the public status at once.
pub async fn revoke(
    state: &AppState,
    officer: &Officer,
    permit_id: &str,
    reason: &str,
    decree: &str,
) -> ServiceResult<()> {
    if !(officer.has(Role::Kadis) || officer.has(Role::Admin)) {
        return Err(ServiceError::Forbidden);
    }
    let p = by_id(state, permit_id).await?;
    if p.office_id != officer.office_id {
        return Err(ServiceError::NotFound);
    }
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    let reason = crate::platform::text::clean_text(reason, 1000);
    let decree = crate::platform::text::clean_text(decree, 100);
    if reason.chars().count() < 10 {
        errors.insert("reason".into(), "Tuliskan alasan pencabutan (minimal 10 huruf).".into());
    }
    if decree.is_empty() {
        errors.insert("decree".into(), "Tuliskan nomor keputusan pencabutan.".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let mut tx = state.db.begin().await?;
    let done = queries::revoke(&mut *tx, &now_text(), &reason, &decree, &p.id).await?;
    if done.rows_affected() == 0 {
        return Err(ServiceError::Refused(
            "Hanya izin yang aktif yang dapat dicabut.".into(),
        ));
    }
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &p.office_id,
            application_id: &p.application_id,
            actor_kind: "officer",
            actor_id: Some(&officer.id),
            actor_name: &officer.name,
            actor_role: None,
            action: "cabut",
            from_status: Some("issued"),
            to_status: "issued",
            step: None,
            public_note: Some(&format!(
                "Izin {} dicabut dengan keputusan {decree}: {reason}",
                p.number
            )),
            internal_note: None,
        },
    )
    .await?;
    let office = crate::catalog::offices::get(state, &p.office_id).await?;
    let base_url = state.config.base_url.trim_end_matches('/');
    let permit_name = permit_name(state, &p).await;
    let revoked = PermitRevoked {
        holder_name: &p.holder_name,
        permit_name: &permit_name,
        number: &p.number,
        office_name: &office.name,
        revoked_on: &izinkes_domain::format_id::date_id(crate::catalog::offices::today(&office)),
        decree: &decree,
        reason: &reason,
        base_url,
        token: &p.token,
    };
    let text = format!("Izin {} dicabut dengan keputusan {decree}. Alasan: {reason}", p.number);
    let notice = Notice::new("revoked", &revoked, text, format!("{base_url}/izin"))?.about(&p.application_id);
    notifications::service::to_applicant(&mut tx, &p.office_id, &p.applicant_id, &notice).await?;
    tx.commit().await?;
    Ok(())
}

/// The print and handover register (seed 002 steps 9–11).
pub async fn record_print(state: &AppState, officer: &Officer, permit_id: &str) -> ServiceResult<()> {
    // Printing is the Back Office's or the print room's (DOMAIN.md "Who uses it").
    if !(officer.has(Role::BackOffice) || officer.has(Role::Pencetakan)) {
        return Err(ServiceError::Forbidden);
    }
    let p = by_id(state, permit_id).await?;
    if p.office_id != officer.office_id {
        return Err(ServiceError::NotFound);
    }
    queries::insert_print(&state.db.pool, &p.office_id, &p.id, &officer.name, &now_text()).await?;
    Ok(())
}

pub async fn record_handover(
    state: &AppState,
    officer: &Officer,
    permit_id: &str,
    received_by: &str,
) -> ServiceResult<()> {
    // Handing over is the Front Office's (or the print room's, which keeps the register).
    if !(officer.has(Role::FrontOffice) || officer.has(Role::Pencetakan)) {
        return Err(ServiceError::Forbidden);
    }
    let p = by_id(state, permit_id).await?;
    if p.office_id != officer.office_id {
        return Err(ServiceError::NotFound);
    }
    let received_by = crate::platform::text::clean_text(received_by, 120);
    if received_by.is_empty() {
        return Err(ServiceError::field("received_by", "Tuliskan nama penerima izin."));
    }
    let done = queries::record_handover(&state.db.pool, &received_by, &officer.name, &now_text(), &p.id).await?;
    if done.rows_affected() == 0 {
        return Err(ServiceError::Refused("Catat pencetakan izin terlebih dahulu.".into()));
    }
    Ok(())
}

/// One line of the print and handover register, its times in the office's zone
/// (`17 Maret 2026 09.30 WITA`).
#[derive(Clone, Debug, Serialize)]
pub struct PrintRecord {
    pub printed_by: String,
    pub printed_at: String,
    pub received_by: Option<String>,
    pub handed_over_by: Option<String>,
    pub handed_over_at: Option<String>,
}

pub async fn prints(
    state: &AppState,
    permit_id: &str,
    tz: izinkes_domain::calendar::OfficeTimeZone,
) -> ServiceResult<Vec<PrintRecord>> {
    let rows = queries::prints(&state.db.pool, permit_id).await?;
    let local = |at: &str| izinkes_domain::format_id::timestamp_in(at, tz);
    Ok(rows
        .into_iter()
        .map(|r| PrintRecord {
            printed_by: r.printed_by,
            printed_at: local(&r.printed_at),
            received_by: r.received_by,
            handed_over_by: r.handed_over_by,
            handed_over_at: r.handed_over_at.as_deref().map(local),
        })
        .collect())
}

/// A permit of the applicant `applicant_id`, signed or not; anyone else's is "not found".
pub async fn owned_by(state: &AppState, applicant_id: &str, permit_id: &str) -> ServiceResult<PermitRow> {
    let p = by_id(state, permit_id).await?;
    if p.applicant_id != applicant_id {
        return Err(ServiceError::NotFound);
    }
    Ok(p)
}

impl From<queries::PermitDbRow> for PermitRow {
    fn from(r: queries::PermitDbRow) -> PermitRow {
        PermitRow {
            id: r.id,
            office_id: r.office_id,
            application_id: r.application_id,
            applicant_id: r.applicant_id,
            permit_code: r.permit_code,
            number: r.number,
            token: r.token,
            status: r.status,
            holder_name: r.holder_name,
            nik_masked: r.nik_masked,
            practice_place: r.practice_place,
            practice_address: r.practice_address,
            issued_on: r.issued_on,
            valid_until: r.valid_until,
            signer_name: r.signer_name,
            signer_position: r.signer_position,
            pdf_sha256: r.pdf_sha256,
            revoked_at: r.revoked_at,
            revoke_reason: r.revoke_reason,
            revoke_decree: r.revoke_decree,
            replaced_by: r.replaced_by,
            renewal_of: r.renewal_of,
            change_of: r.change_of,
            cancels_permit: r.cancels_permit,
        }
    }
}
