//! The community satisfaction survey (SKM): the holder of an issued permit answers the nine
//! elements once per application; the office's satisfaction index (IKM) is computed from every
//! answer sheet (rules in `izinkes_domain::skm`). When the office's policy says so, downloading
//! the permit waits for the answer (`skm_gate`, off by default).

use crate::office_admin::settings::settings;
use crate::permits;
use crate::platform::db::is_unique_violation;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use crate::survey::queries;
use crate::survey::queries::NewResponse;
use izinkes_domain::catalog::Answers;
use izinkes_domain::skm::Ikm;
use izinkes_domain::skm::Scores;
use izinkes_domain::skm::ikm;

/// Whether downloading a permit waits for the SKM survey (an office setting, off by default).
pub async fn skm_gate(state: &AppState, office_id: &str) -> ServiceResult<bool> {
    Ok(settings(state, office_id).await?.skm_gate)
}

/// Whether the applicant answered the satisfaction survey for this application.
pub async fn skm_done(state: &AppState, application_id: &str) -> ServiceResult<bool> {
    crate::survey::service::done(state, application_id).await
}

/// Whether the application's holder has answered the survey.
pub async fn done(state: &AppState, application_id: &str) -> ServiceResult<bool> {
    let n = queries::responses_for(&state.db.pool, application_id).await?;
    Ok(n > 0)
}

/// Records the holder's answers for the permit `permit_id` (one sheet per application). Every
/// element must be answered 1–4; the comment is optional.
pub async fn submit(
    state: &AppState,
    applicant_id: &str,
    permit_id: &str,
    answers: &Answers,
    comment: &str,
) -> ServiceResult<()> {
    let p = permits::archive::owned_by(state, applicant_id, permit_id).await?;
    if p.status == "awaiting_signature" {
        return Err(ServiceError::NotFound);
    }
    let scores = Scores::parse(answers).map_err(ServiceError::Invalid)?;
    let comment = crate::platform::text::clean_text(comment, 1000);
    let response = NewResponse {
        application_id: &p.application_id,
        office_id: &p.office_id,
        applicant_id,
        permit_code: &p.permit_code,
        scores: &scores.to_stored(),
        comment: &comment,
        now: &now_text(),
    };
    let inserted = queries::insert_response(&state.db.pool, &response).await;
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(ServiceError::Refused(
            "Survei untuk izin ini sudah Anda isi. Terima kasih.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The office's satisfaction index from every answer sheet; `None` before the first answer.
pub async fn office_index(state: &AppState, office_id: &str) -> ServiceResult<Option<Ikm>> {
    let rows = queries::office_scores(&state.db.pool, office_id).await?;
    let sheets: Vec<Scores> = rows.iter().filter_map(|s| Scores::from_stored(s)).collect();
    Ok(ikm(&sheets))
}
