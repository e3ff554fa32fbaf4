//! Cancellation at the holder's request (pencabutan): the holder of an active permit files a
//! cancellation application from Izin Saya; the office works it through its workflow; signing
//! the Surat Keputusan Pencabutan revokes the permit in the same transaction, so its public
//! verification page says Dicabut at once.

use crate::applications;
use crate::catalog;
use crate::permits::archive::PermitRow;
use crate::permits::archive::owned_by;
use crate::permits::queries;
use crate::platform::db::Tx;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::catalog::Answers;
use izinkes_domain::catalog::PermitType;

/// The cancellation types the permit's office offers for a permit of `permit_code`.
pub async fn types_for(state: &AppState, office_id: &str, permit_code: &str) -> ServiceResult<Vec<PermitType>> {
    let (_, catalog) = state.current_catalog().await?;
    let offered = catalog::service::offered(state, office_id, &catalog).await?;
    Ok(offered
        .into_iter()
        .filter(|t| t.cancels.iter().any(|c| c == permit_code))
        .cloned()
        .collect())
}

/// Why the permit cannot be cancelled now, if it cannot.
pub async fn refusal(state: &AppState, p: &PermitRow) -> ServiceResult<Option<String>> {
    let office = catalog::offices::get(state, &p.office_id).await?;
    if p.cancels_permit.is_some() {
        return Ok(Some("Surat pencabutan tidak dapat dicabut lagi.".into()));
    }
    if p.public_status(catalog::offices::today(&office)) != "Aktif" {
        return Ok(Some(
            "Hanya izin yang masih aktif yang dapat dicabut atas permohonan; izin yang kedaluwarsa, diganti atau \
             sudah dicabut tidak perlu dicabut lagi."
                .into(),
        ));
    }
    if let Some(number) = queries::open_change_or_renewal(&state.db.pool, &p.id).await? {
        return Ok(Some(format!(
            "Permohonan lain atas izin ini sedang diproses ({number}). Tunggu sampai selesai."
        )));
    }
    Ok(None)
}

/// Starts (or reopens) the holder's cancellation draft for an active permit: Tahap 1 copied
/// from the permit's application, Tahap 2 and the documents of the cancellation type to fill.
/// Returns the draft's id.
pub async fn start(state: &AppState, applicant_id: &str, permit_id: &str) -> ServiceResult<String> {
    let p = owned_by(state, applicant_id, permit_id).await?;
    if let Some(reason) = refusal(state, &p).await? {
        return Err(ServiceError::Refused(reason));
    }
    let Some(kind) = types_for(state, &p.office_id, &p.permit_code).await?.into_iter().next() else {
        return Err(ServiceError::Refused(
            "Kantor ini belum melayani pencabutan untuk jenis izin ini secara daring. Hubungi kantor layanan.".into(),
        ));
    };
    if let Some(existing) = queries::cancellation_draft(&state.db.pool, applicant_id, &p.id).await? {
        return Ok(existing);
    }
    let mut app = applications::view::load_owned(state, applicant_id, &p.application_id).await?;
    app.permit_code = kind.code.clone();
    app.answers = Answers::new();
    app.renewal_of = None;
    app.change_of = None;
    app.change_reason = None;
    app.cancels_permit = Some(p.id.clone());
    let applicant = crate::accounts::profile::load_applicant(state, applicant_id).await?;
    applications::drafts::copy_as_draft(state, &applicant, &app).await
}

/// At submission: the permit named must still be the applicant's, active, and free of another
/// filed change, renewal or cancellation.
pub async fn check_at_submit(state: &AppState, applicant_id: &str, permit_id: &str) -> ServiceResult<()> {
    let p = owned_by(state, applicant_id, permit_id).await?;
    match refusal(state, &p).await? {
        Some(reason) => Err(ServiceError::Refused(reason)),
        None => Ok(()),
    }
}

/// The holder's reason as the decree states it: the chosen reason and the note, if any.
pub fn reason_of(answers: &Answers) -> String {
    let pick = |k: &str| answers.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    match (pick("alasan_pencabutan"), pick("keterangan")) {
        (Some(a), Some(k)) => format!("{a} ({k})"),
        (Some(a), None) => a.to_string(),
        (None, Some(k)) => k.to_string(),
        (None, None) => "atas permohonan pemegang izin".to_string(),
    }
}

/// What the Surat Keputusan Pencabutan shows of the permit it cancels.
pub async fn cancelled_data(
    state: &AppState,
    target_id: &str,
    answers: &Answers,
) -> ServiceResult<izinkes_documents::render::CancellationData> {
    let target = crate::permits::archive::by_id(state, target_id).await?;
    Ok(izinkes_documents::render::CancellationData {
        permit_name: crate::permits::archive::permit_name(state, &target).await,
        permit_number: target.number.clone(),
        permit_issued_on: target
            .issued_on
            .as_deref()
            .map(izinkes_domain::format_id::iso_date_id)
            .unwrap_or_default(),
        reason: reason_of(answers),
    })
}

/// In the signing transaction: revokes the permit the signed letter cancels, with the letter's
/// number as the decree. Returns the revoked permit, or a refusal when it is no longer active.
pub async fn revoke_in_tx(
    tx: &mut Tx,
    state: &AppState,
    letter: &PermitRow,
    target_id: &str,
    reason: &str,
    now: &str,
) -> ServiceResult<PermitRow> {
    let target = crate::permits::archive::by_id(state, target_id).await?;
    let reason = format!("Dicabut atas permohonan pemegang izin: {reason}");
    let done = queries::revoke(&mut **tx, now, &reason, &letter.number, target_id).await?;
    if done.rows_affected() == 0 {
        return Err(ServiceError::Refused(format!(
            "Izin {} yang akan dicabut tidak lagi aktif; surat pencabutan {} tidak diterbitkan.",
            target.number, letter.number
        )));
    }
    Ok(PermitRow {
        status: "revoked".into(),
        revoke_reason: Some(reason),
        revoke_decree: Some(letter.number.clone()),
        revoked_at: Some(now.to_string()),
        ..target
    })
}
