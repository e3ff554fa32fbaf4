//! Accounts over the API: registration, confirmation, password recovery and the profile.

use crate::accounts::profile::Profile;
use crate::auth::sessions::SubjectKind;
use crate::state::AppState;
use axum::extract::State;
use serde::Deserialize;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::accounts;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiCaller;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::created;
use crate::web::api::ok;

pub(crate) async fn register(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<accounts::registration::RegisterInput>,
) -> ApiResult {
    let id = accounts::registration::register(&state, &input).await?;
    Ok(created(
        json!({"id": id, "message": "Akun dibuat. Buka tautan konfirmasi yang dikirim ke email Anda."}),
    ))
}

#[derive(Deserialize)]
pub(crate) struct TokenBody {
    token: String,
}

pub(crate) async fn verify(State(state): State<AppState>, ApiJson(b): ApiJson<TokenBody>) -> ApiResult {
    accounts::registration::verify_email(&state, &b.token).await?;
    Ok(ok(json!({"verified": true})))
}

#[derive(Deserialize)]
pub(crate) struct EmailBody {
    #[serde(default)]
    email: String,
}

pub(crate) async fn resend(State(state): State<AppState>, ApiJson(b): ApiJson<EmailBody>) -> ApiResult {
    accounts::registration::resend_verification(&state, &b.email).await?;
    Ok(ok(
        json!({"message": "Jika email terdaftar dan belum dikonfirmasi, tautan baru sudah dikirim."}),
    ))
}

pub(crate) async fn forgot(State(state): State<AppState>, ApiJson(b): ApiJson<EmailBody>) -> ApiResult {
    accounts::recovery::request_password_reset(&state, &b.email).await?;
    Ok(ok(
        json!({"message": "Jika email terdaftar, tautan atur ulang kata sandi sudah dikirim."}),
    ))
}

#[derive(Deserialize)]
pub(crate) struct ResetBody {
    token: String,
    password: String,
    password_confirm: String,
}

pub(crate) async fn reset(State(state): State<AppState>, ApiJson(b): ApiJson<ResetBody>) -> ApiResult {
    accounts::recovery::reset_password(&state, &b.token, &b.password, &b.password_confirm).await?;
    Ok(ok(json!({"reset": true})))
}

pub(crate) async fn me(State(state): State<AppState>, c: ApiCaller) -> ApiResult {
    match c.subject.kind {
        SubjectKind::Applicant => {
            let a = accounts::profile::load_applicant(&state, &c.subject.id).await?;
            Ok(ok(json!({
                "kind": "applicant",
                "id": a.id,
                "full_name": a.full_name,
                "email": a.email,
                "identity_type": a.identity_type.code(),
                "identity_number_masked": a.masked_identity(),
                "phone": a.phone,
                "address": a.address,
                "village_code": a.village_code,
                "profile": a.profile,
            })))
        }
        SubjectKind::Officer => Ok(ok(json!({
            "kind": "officer",
            "id": c.subject.id,
            "full_name": c.subject.name,
            "office_id": c.subject.office_id,
            "roles": c.subject.roles,
        }))),
    }
}

pub(crate) async fn update_profile(
    State(state): State<AppState>,
    a: ApiApplicant,
    ApiJson(p): ApiJson<Profile>,
) -> ApiResult {
    let applicant = accounts::profile::load_applicant(&state, a.id()).await?;
    let saved = accounts::profile::update_profile(&state, &applicant, &p).await?;
    Ok(ok(json!({"profile": saved})))
}
