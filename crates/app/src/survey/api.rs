//! The satisfaction survey over the API.

use crate::state::AppState;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::Message;
use crate::web::api::NotFound;
use crate::web::api::Unauthenticated;
use crate::web::api::created;
use axum::extract::Path;
use axum::extract::State;
use izinkes_domain::catalog::Answers;
use serde_json::Value;
use utoipa::ToSchema;

/// The body of a satisfaction survey: a score 1–4 for each element `u1` … `u9`.
#[derive(serde::Deserialize, ToSchema)]
#[schema(as = SurveyRequest)]
pub(crate) struct SurveyBody {
    /// Element (`u1` … `u9`) → score 1–4.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, i64>, example = json!({"u1": 4, "u2": 3}))]
    answers: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    comment: String,
}

/// Answer the satisfaction survey (SKM) for a permit
///
/// Once per permit. Every element must be answered; a missing or out-of-range score comes back
/// as 422 `invalid` keyed by element (`u1` … `u9`); a second answer is refused (422 `refused`).
/// Where the office requires it, the permit's PDF can be downloaded only after this.
#[utoipa::path(post, path = "/api/v1/permits/{id}/survey", operation_id = "answerSurvey", tag = "Permits",
    params(("id" = String, Path, description = "The permit's id (from `GET /api/v1/permits`).")),
    request_body = SurveyBody,
    responses(
        (status = 201, description = "Recorded.", body = Message),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
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
    Ok(created(Message::new(
        "Terima kasih, jawaban survei Anda sudah kami terima.",
    )))
}
