//! The satisfaction survey over the API.

use crate::state::AppState;
use axum::extract::Path;
use axum::extract::State;
use izinkes_domain::catalog::Answers;
use serde_json::Value;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::web::api::ApiApplicant;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::created;

/// The body of a satisfaction survey: a score 1–4 for each element `u1` … `u9`.
#[derive(serde::Deserialize)]
pub(crate) struct SurveyBody {
    #[serde(default)]
    answers: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    comment: String,
}

pub(crate) async fn survey_permit(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SurveyBody>,
) -> ApiResult {
    let answers: Answers = body
        .answers
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    crate::survey::service::submit(&state, a.id(), &id, &answers, &body.comment).await?;
    Ok(created(
        json!({"message": "Terima kasih, jawaban survei Anda sudah kami terima."}),
    ))
}
