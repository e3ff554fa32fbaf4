//! The JSON API under `/api/v1`: the same services as the pages, bearer-token authentication,
//! errors as `{"error": {"code", "message", "fields"}}` with Indonesian messages per field.
//! Described by the OpenAPI document at `/api/openapi.json` (checked against this router by a test).

use super::ctx::client_address;
use super::error::WebError;
use crate::accounts::{self, Profile, SessionKind, SessionSubject, SubjectKind};
use crate::applications::{self, ApplicantData, ApplicationView, SubmitOutcome};
use crate::documents;
use crate::error::ServiceError;
use crate::offices;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use izinkes_domain::catalog::Answers;
use izinkes_domain::wilayah::Wilayah;
use serde::Deserialize;
use serde_json::{Value, json};

pub const OPENAPI: &str = include_str!("../../openapi.json");

/// An error rendered as API JSON.
pub struct ApiError(WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_api_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// The JSON body, or a clear 400 in the API's error shape.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError(WebError::TooLarge))?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            ApiError(WebError::BadRequest(format!(
                "Badan permintaan bukan JSON yang sesuai: {e}"
            )))
        })
    }
}

/// A caller with a valid bearer token.
pub struct ApiCaller {
    pub subject: SessionSubject,
    pub token: String,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .ok_or(ApiError(WebError::LoginRequired(String::new())))?;
        let subject = accounts::resolve_session(state, &token)
            .await?
            .ok_or(ApiError(WebError::LoginRequired(String::new())))?;
        Ok(ApiCaller { subject, token })
    }
}

/// A caller that must be an applicant.
pub struct ApiApplicant(pub ApiCaller);

impl FromRequestParts<AppState> for ApiApplicant {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let c = ApiCaller::from_request_parts(parts, state).await?;
        if c.subject.kind != SubjectKind::Applicant {
            return Err(ApiError(WebError::Forbidden));
        }
        Ok(ApiApplicant(c))
    }
}

impl ApiApplicant {
    fn id(&self) -> &str {
        &self.0.subject.id
    }
}

/// A caller that must be an officer; the office scope of everything it does is the token's
/// officer's office (files of other offices do not exist for it: 404).
pub struct ApiOfficer(pub crate::desks::Officer);

impl FromRequestParts<AppState> for ApiOfficer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let c = ApiCaller::from_request_parts(parts, state).await?;
        if c.subject.kind != SubjectKind::Officer || c.subject.mfa_pending {
            return Err(ApiError(WebError::Forbidden));
        }
        Ok(ApiOfficer(crate::desks::Officer::from_subject(&c.subject)?))
    }
}

/// Every operation of [`routes`] as (method, full path with `{param}` segments). The OpenAPI
/// document must describe exactly these (integration test `openapi`), every one must reach a
/// handler on the live server, and a unit test below reads [`routes`] itself so neither list can
/// drift from the router.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/openapi.json"),
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/verify"),
    ("POST", "/api/v1/auth/resend-verification"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/forgot-password"),
    ("POST", "/api/v1/auth/reset-password"),
    ("GET", "/api/v1/me"),
    ("PUT", "/api/v1/me/profile"),
    ("GET", "/api/v1/offices"),
    ("GET", "/api/v1/catalog"),
    ("GET", "/api/v1/catalog/{code}"),
    ("GET", "/api/v1/areas/{code}"),
    ("GET", "/api/v1/applications"),
    ("POST", "/api/v1/applications"),
    ("GET", "/api/v1/applications/{id}"),
    ("DELETE", "/api/v1/applications/{id}"),
    ("PUT", "/api/v1/applications/{id}/applicant"),
    ("PUT", "/api/v1/applications/{id}/form"),
    ("PUT", "/api/v1/applications/{id}/documents/{key}"),
    ("DELETE", "/api/v1/applications/{id}/documents/{key}"),
    ("POST", "/api/v1/applications/{id}/documents/{key}/from-library"),
    ("POST", "/api/v1/applications/{id}/submit"),
    ("GET", "/api/v1/documents"),
    ("POST", "/api/v1/documents"),
    ("GET", "/api/v1/documents/{id}"),
    ("DELETE", "/api/v1/documents/{id}"),
    ("GET", "/api/v1/track"),
    ("GET", "/api/v1/applications/{id}/revision"),
    ("PUT", "/api/v1/applications/{id}/revision/fields"),
    ("PUT", "/api/v1/applications/{id}/revision/documents/{key}"),
    ("POST", "/api/v1/applications/{id}/resubmit"),
    ("GET", "/api/v1/desk/tasks"),
    ("GET", "/api/v1/desk/summary"),
    ("GET", "/api/v1/desk/officers"),
    ("GET", "/api/v1/desk/applications/{id}"),
    ("GET", "/api/v1/desk/applications/{id}/documents/{key}"),
    ("POST", "/api/v1/desk/applications/{id}/actions"),
    ("POST", "/api/v1/desk/applications/{id}/inspection"),
    ("GET", "/api/v1/permits"),
    ("GET", "/api/v1/permits/{id}/pdf"),
    ("POST", "/api/v1/permits/{id}/renew"),
    ("POST", "/api/v1/permits/{id}/change"),
    ("POST", "/api/v1/permits/{id}/survey"),
];

/// The router, nested under `/api`. Keep [`ROUTES`] and `openapi.json` in step with it.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/v1/auth/register", post(register))
        .route("/v1/auth/verify", post(verify))
        .route("/v1/auth/resend-verification", post(resend))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/forgot-password", post(forgot))
        .route("/v1/auth/reset-password", post(reset))
        .route("/v1/me", get(me))
        .route("/v1/me/profile", put(update_profile))
        .route("/v1/offices", get(list_offices))
        .route("/v1/catalog", get(catalog))
        .route("/v1/catalog/{code}", get(catalog_item))
        .route("/v1/areas/{code}", get(areas))
        .route("/v1/applications", get(list_applications).post(create_application))
        .route("/v1/applications/{id}", get(get_application).delete(delete_application))
        .route("/v1/applications/{id}/applicant", put(put_applicant))
        .route("/v1/applications/{id}/form", put(put_form))
        .route(
            "/v1/applications/{id}/documents/{key}",
            put(put_document).delete(delete_document),
        )
        .route(
            "/v1/applications/{id}/documents/{key}/from-library",
            post(attach_from_library),
        )
        .route("/v1/applications/{id}/submit", post(submit))
        .route("/v1/documents", get(list_library).post(add_library))
        .route("/v1/documents/{id}", get(get_library_file).delete(delete_library))
        .route("/v1/track", get(track))
        .route("/v1/applications/{id}/revision", get(get_revision))
        .route("/v1/applications/{id}/revision/fields", put(put_revision_fields))
        .route(
            "/v1/applications/{id}/revision/documents/{key}",
            put(put_revision_document),
        )
        .route("/v1/applications/{id}/resubmit", post(resubmit))
        .route("/v1/desk/tasks", get(desk_tasks))
        .route("/v1/desk/summary", get(desk_summary))
        .route("/v1/desk/officers", get(desk_officers))
        .route("/v1/desk/applications/{id}", get(desk_file))
        .route("/v1/desk/applications/{id}/documents/{key}", get(desk_document))
        .route("/v1/desk/applications/{id}/actions", post(desk_action))
        .route("/v1/desk/applications/{id}/inspection", post(desk_inspection))
        .route("/v1/permits", get(list_permits))
        .route("/v1/permits/{id}/pdf", get(permit_pdf))
        .route("/v1/permits/{id}/renew", post(renew_permit))
        .route("/v1/permits/{id}/change", post(change_permit))
        .route("/v1/permits/{id}/survey", post(survey_permit))
        .fallback(no_route)
}

/// An error body in the API's shape, for the few errors made here rather than in `WebError`.
fn error_body(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message}});
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// Any `/api/…` path that is not an operation: 404 with code `no_route`, so a client (and the
/// route test) can tell "no such operation" from "no such record" (`not_found`).
async fn no_route() -> Response {
    error_body(
        StatusCode::NOT_FOUND,
        "no_route",
        "Alamat API ini tidak ada. Daftar operasi yang tersedia ada di /api/openapi.json.",
    )
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

fn created(v: Value) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

fn ok(v: Value) -> Response {
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Json(v)).into_response()
}

async fn register(State(state): State<AppState>, ApiJson(input): ApiJson<accounts::RegisterInput>) -> ApiResult {
    let id = accounts::register(&state, &input).await?;
    Ok(created(
        json!({"id": id, "message": "Akun dibuat. Buka tautan konfirmasi yang dikirim ke email Anda."}),
    ))
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

async fn verify(State(state): State<AppState>, ApiJson(b): ApiJson<TokenBody>) -> ApiResult {
    accounts::verify_email(&state, &b.token).await?;
    Ok(ok(json!({"verified": true})))
}

#[derive(Deserialize)]
struct EmailBody {
    #[serde(default)]
    email: String,
}

async fn resend(State(state): State<AppState>, ApiJson(b): ApiJson<EmailBody>) -> ApiResult {
    accounts::resend_verification(&state, &b.email).await?;
    Ok(ok(
        json!({"message": "Jika email terdaftar dan belum dikonfirmasi, tautan baru sudah dikirim."}),
    ))
}

async fn forgot(State(state): State<AppState>, ApiJson(b): ApiJson<EmailBody>) -> ApiResult {
    accounts::request_password_reset(&state, &b.email).await?;
    Ok(ok(
        json!({"message": "Jika email terdaftar, tautan atur ulang kata sandi sudah dikirim."}),
    ))
}

#[derive(Deserialize)]
struct ResetBody {
    token: String,
    password: String,
    password_confirm: String,
}

async fn reset(State(state): State<AppState>, ApiJson(b): ApiJson<ResetBody>) -> ApiResult {
    accounts::reset_password(&state, &b.token, &b.password, &b.password_confirm).await?;
    Ok(ok(json!({"reset": true})))
}

#[derive(Deserialize)]
struct LoginBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// "applicant" (default) or "officer".
    #[serde(default)]
    kind: Option<String>,
    /// Officers with two-step sign-in: the 6-digit authenticator code or a recovery code.
    #[serde(default)]
    totp: Option<String>,
}

async fn login(State(state): State<AppState>, parts: Parts0, ApiJson(b): ApiJson<LoginBody>) -> ApiResult {
    let subject = match b.kind.as_deref() {
        Some("officer") => SubjectKind::Officer,
        _ => SubjectKind::Applicant,
    };
    if subject == SubjectKind::Officer {
        let outcome = accounts::login_officer(
            &state,
            &b.email,
            &b.password,
            b.totp.as_deref(),
            &parts.0,
            SessionKind::Api,
        )
        .await?;
        return Ok(match outcome {
            accounts::OfficerLogin::Signed(token) => {
                ok(json!({"token": token, "token_type": "Bearer", "expires_in_days": accounts::API_TOKEN_DAYS}))
            }
            accounts::OfficerLogin::MfaRequired { enrol } => error_body(
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                accounts::OfficerLogin::required_message(enrol),
            ),
            accounts::OfficerLogin::CodeRejected(m) => error_body(StatusCode::UNAUTHORIZED, "mfa_invalid", &m),
            // Not made for API sign-ins; refuse rather than hand out a half session.
            accounts::OfficerLogin::Pending { .. } => error_body(
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                accounts::OfficerLogin::required_message(false),
            ),
        });
    }
    let token = accounts::login(&state, subject, &b.email, &b.password, &parts.0, SessionKind::Api).await?;
    Ok(ok(
        json!({"token": token, "token_type": "Bearer", "expires_in_days": accounts::API_TOKEN_DAYS}),
    ))
}

/// The client address, for throttling.
struct Parts0(String);

impl FromRequestParts<AppState> for Parts0 {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Parts0(client_address(parts)))
    }
}

async fn logout(State(state): State<AppState>, c: ApiCaller) -> ApiResult {
    accounts::logout(&state, &c.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn me(State(state): State<AppState>, c: ApiCaller) -> ApiResult {
    match c.subject.kind {
        SubjectKind::Applicant => {
            let a = accounts::load_applicant(&state, &c.subject.id).await?;
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

async fn update_profile(State(state): State<AppState>, a: ApiApplicant, ApiJson(p): ApiJson<Profile>) -> ApiResult {
    let applicant = accounts::load_applicant(&state, a.id()).await?;
    let saved = accounts::update_profile(&state, &applicant, &p).await?;
    Ok(ok(json!({"profile": saved})))
}

async fn list_offices(State(state): State<AppState>) -> ApiResult {
    Ok(ok(json!({"offices": offices::list(&state).await?})))
}

async fn catalog(State(state): State<AppState>) -> ApiResult {
    let (version, c) = state.current_catalog().await?;
    Ok(ok(json!({"version": version, "permit_types": c.permit_types})))
}

async fn catalog_item(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult {
    let (_, c) = state.current_catalog().await?;
    let p = c.get(&code).ok_or(WebError::NotFound)?;
    Ok(ok(json!(p)))
}

async fn areas(Path(code): Path<String>) -> ApiResult {
    let w = Wilayah::builtin();
    if code != "root" && w.get(&code).is_none() {
        return Err(WebError::NotFound.into());
    }
    let list = if code == "root" {
        w.provinces()
    } else {
        w.children(&code)
    };
    let items: Vec<Value> = list
        .iter()
        .map(|a| json!({"code": a.code, "name": w.display_name(&a.code).unwrap_or_else(|| a.name.clone()), "level": a.level}))
        .collect();
    Ok(ok(json!({"areas": items})))
}

fn application_json(v: &ApplicationView) -> Value {
    let answers = v.all_answers();
    let requirements: Vec<Value> = v
        .permit()
        .map(|p| {
            p.requirements
                .iter()
                .map(|r| {
                    json!({
                        "key": r.key,
                        "label": r.label,
                        "needed": p.is_triggered(r, &answers),
                        "formats": r.formats,
                        "max_size_kb": r.max_size_kb,
                        "attached": v.attachment(&r.key).map(|a| json!({"filename": a.filename, "size": a.size, "mime": a.mime, "sha256": a.sha256})),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": v.app.id,
        "office_id": v.app.office_id,
        "office_name": v.office.name,
        "permit_code": v.app.permit_code,
        "permit_name": v.permit().map(|p| p.name.clone()),
        "catalog_version": v.app.catalog_version,
        "status": v.app.status,
        "status_label": v.app.status.label_id(),
        "registration_number": v.app.registration_number,
        "applicant": v.app.data,
        "form": v.app.answers,
        "steps": {"applicant": v.app.step1_done, "form": v.app.step2_done, "documents": v.step3_done()},
        "requirements": requirements,
        "history": v.history,
        "created_at": v.app.created_at,
        "submitted_at": v.app.submitted_at,
    })
}

async fn list_applications(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    Ok(ok(
        json!({"applications": applications::list_for_applicant(&state, a.id()).await?}),
    ))
}

#[derive(Deserialize)]
struct CreateBody {
    #[serde(default)]
    office_id: String,
    #[serde(default)]
    permit_code: String,
}

async fn create_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    ApiJson(b): ApiJson<CreateBody>,
) -> ApiResult {
    let applicant = accounts::load_applicant(&state, a.id()).await?;
    let id = applications::create_draft(&state, &applicant, &b.office_id, &b.permit_code).await?;
    let v = applications::load_view(&state, a.id(), &id).await?;
    Ok(created(application_json(&v)))
}

async fn get_application(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let v = applications::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

async fn delete_application(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    applications::delete_draft(&state, a.id(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Saving a step: 200 with the application when valid, 422 with the field errors (the draft
/// keeps what was sent either way).
async fn step_result(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    errors: izinkes_domain::catalog::FieldErrors,
) -> ApiResult {
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors).into());
    }
    let v = applications::load_view(state, applicant_id, id).await?;
    Ok(ok(application_json(&v)))
}

async fn put_applicant(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<ApplicantData>,
) -> ApiResult {
    let errors = applications::save_step1(&state, a.id(), &id, &d).await?;
    step_result(&state, a.id(), &id, errors).await
}

async fn put_form(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(answers): ApiJson<Answers>,
) -> ApiResult {
    let errors = applications::save_step2(&state, a.id(), &id, &answers).await?;
    step_result(&state, a.id(), &id, errors).await
}

#[derive(Deserialize, Default)]
struct FileQuery {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    title: String,
}

/// Uploads the raw request body as the file for one requirement (`?filename=ktp.pdf`).
async fn put_document(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> ApiResult {
    applications::upload_requirement(&state, a.id(), &id, &key, &q.filename, &body).await?;
    let v = applications::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

async fn delete_document(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult {
    applications::remove_attachment(&state, a.id(), &id, &key).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct LibraryRef {
    document_id: String,
}

async fn attach_from_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
    ApiJson(b): ApiJson<LibraryRef>,
) -> ApiResult {
    applications::attach_library(&state, a.id(), &id, &key, &b.document_id).await?;
    let v = applications::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

async fn submit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    match applications::submit(&state, a.id(), &id).await? {
        SubmitOutcome::Submitted(number) => {
            let v = applications::load_view(&state, a.id(), &id).await?;
            let mut body = application_json(&v);
            body["registration_number"] = json!(number.as_str());
            Ok(ok(body))
        }
        SubmitOutcome::Problems(p) => Err(ServiceError::Invalid(p.all()).into()),
    }
}

async fn list_library(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    Ok(ok(json!({"documents": documents::list(&state, a.id()).await?})))
}

async fn add_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> ApiResult {
    let id = documents::add(&state, a.id(), &q.title, &q.filename, &body).await?;
    Ok(created(json!(documents::get(&state, a.id(), &id).await?)))
}

async fn get_library_file(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let d = documents::download_library(&state, &a.0.subject, &id).await?;
    Ok(([(header::CONTENT_TYPE, d.mime)], d.bytes).into_response())
}

async fn delete_library(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    documents::delete(&state, a.id(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
struct TrackQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    nik4: String,
}

async fn track(State(state): State<AppState>, client: Parts0, Query(q): Query<TrackQuery>) -> ApiResult {
    match applications::track(&state, &q.number, &q.nik4, &client.0).await {
        Ok(r) => Ok(ok(json!(r))),
        // No such number for these digits: 404 with the service's explanation, like the page.
        Err(ServiceError::Refused(m)) => Ok(error_body(StatusCode::NOT_FOUND, "not_found", &m)),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The applicant's side of the revision loop (Perlu Perbaikan): only the items the officer named
// can change; resubmitting sends the file back to the step and officer that returned it.

/// The revision rounds of an own application; `open_round` is the one waiting for the applicant
/// (null when the application is not in Perlu Perbaikan).
async fn get_revision(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let v = applications::load_view(&state, a.id(), &id).await?;
    let rounds = crate::desks::load_rounds(&state, &id).await?;
    let open = rounds
        .iter()
        .rev()
        .find(|r| r.resubmitted_at.is_none())
        .filter(|_| v.app.status == ApplicationStatus::NeedsRevision);
    Ok(ok(
        json!({"status": v.app.status, "open_round": open, "rounds": rounds}),
    ))
}

/// A JSON object of field values as the text the forms send (`true`/`false` for yes/no fields).
fn field_values(body: serde_json::Map<String, Value>) -> Result<Answers, ApiError> {
    let mut out = Answers::new();
    for (k, v) in body {
        let text = match v {
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            _ => {
                return Err(ApiError(WebError::BadRequest(format!(
                    "Isian \"{k}\" harus berupa teks, angka atau true/false."
                ))));
            }
        };
        out.insert(k, text);
    }
    Ok(out)
}

async fn put_revision_fields(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Map<String, Value>>,
) -> ApiResult {
    let values = field_values(body)?;
    let errors = crate::revisions::save_fields(&state, a.id(), &id, &values).await?;
    step_result(&state, a.id(), &id, errors).await
}

async fn put_revision_document(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> ApiResult {
    crate::revisions::replace_document(&state, a.id(), &id, &key, &q.filename, &body).await?;
    let v = applications::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

async fn resubmit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    match crate::revisions::resubmit(&state, a.id(), &id).await? {
        Ok(()) => {
            let v = applications::load_view(&state, a.id(), &id).await?;
            Ok(ok(application_json(&v)))
        }
        Err(errors) => Err(WebError::Invalid(errors).into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.

use crate::desks::{ActOutcome, CheckItem, DeskAction, DeskFile, DeskFilter, Officer, RevisionItem};
use izinkes_domain::status::ApplicationStatus;
use izinkes_domain::workflow::Position;
use std::collections::BTreeMap;

async fn desk_tasks(State(state): State<AppState>, o: ApiOfficer, Query(filter): Query<DeskFilter>) -> ApiResult {
    Ok(ok(json!(crate::desks::tasks(&state, &o.0, &filter).await?)))
}

async fn desk_summary(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    Ok(ok(json!({"steps": crate::desks::summary(&state, &o.0).await?})))
}

/// The active officers of the caller's office (whom a supervisor can hand a file to).
async fn desk_officers(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    let list = super::pages_desk::office_officers(&state, &o.0.office_id).await?;
    let officers: Vec<Value> = list
        .into_iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    Ok(ok(json!({"officers": officers})))
}

fn date_text(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The actions this officer can take on the file now: claim or release when the step is theirs
/// and nobody else holds the file, the step's own actions, and reassign for supervisors.
fn allowed_actions(f: &DeskFile, officer: &Officer) -> Vec<&'static str> {
    let Some(step) = f.current_step() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mine = f.claimed_by.as_ref().is_some_and(|(id, _)| id == &officer.id);
    if officer.has(&step.role) && (mine || f.claimed_by.is_none()) {
        out.push(if mine { "release" } else { "claim" });
        out.extend(f.allowed_actions(officer).iter().map(|a| a.code()));
    }
    if officer.is_supervisor() {
        out.push("reassign");
    }
    out
}

/// The file as an officer of its office sees it: the application plus its place in the
/// workflow, what the officer may do, the step's products, the checks, the revision rounds,
/// the claim, the lock version to send back with an action, and the SLA clock.
fn desk_file_json(f: &DeskFile, officer: &Officer) -> Value {
    let mut body = application_json(&f.view);
    let def = &f.workflow.definition;
    let days = def.step_days(f.view.permit().map(|p| p.sla_working_days).unwrap_or(0));
    let steps: Vec<Value> = def
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = match f.position {
                Position::AtStep { step } if step == i => "current",
                Position::AtStep { step } if i < step => "done",
                Position::WithApplicant { return_to } if return_to == i => "returned",
                Position::WithApplicant { return_to } if i < return_to => "done",
                Position::ReadyToSign => "done",
                _ => "pending",
            };
            json!({
                "key": s.key,
                "name": s.name,
                "role": s.role,
                "role_label": crate::roles::role_label(&s.role),
                "sla_share": s.sla_share,
                "working_days": days.get(i),
                "actions": s.actions.iter().map(|a| a.code()).collect::<Vec<_>>(),
                "produces": s.produces,
                "state": state,
            })
        })
        .collect();
    let current = f.current_step().map(|s| {
        let progress = f.progress_for_current();
        json!({
            "key": s.key,
            "name": s.name,
            "role": s.role,
            "role_label": crate::roles::role_label(&s.role),
            "produces": s.produces,
            "produced": progress.done.iter().collect::<Vec<_>>(),
        })
    });
    let extra = json!({
        "status_officer": f.view.app.status.label_officer(),
        "workflow": {
            "id": f.workflow.id,
            "key": f.workflow.preset_key,
            "name": def.name,
            "version": f.workflow.version,
            "steps": steps,
        },
        "position": f.position,
        "current_step": current,
        "allowed_actions": allowed_actions(f, officer),
        "products": f.products,
        "checks": f.checks,
        "revision_rounds": f.rounds,
        "internal_notes": f.internal_history.iter().map(|(at, who, note)| json!({"at": at, "actor_name": who, "note": note})).collect::<Vec<_>>(),
        "lock_version": f.lock_version,
        "claimed_by": f.claimed_by.as_ref().map(|(id, name)| json!({"id": id, "name": name})),
        "claimed_by_me": f.claimed_by.as_ref().is_some_and(|(id, _)| id == &officer.id),
        "step_due_on": date_text(f.step_due_on),
        "due_on": date_text(f.due_on),
        "remaining_step_days": f.remaining_step_days,
        "remaining_days": f.remaining_days,
        "sla_paused": f.paused,
    });
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    body
}

async fn desk_file(State(state): State<AppState>, o: ApiOfficer, Path(id): Path<String>) -> ApiResult {
    let f = crate::desks::open_file(&state, &o.0, &id).await?;
    Ok(ok(desk_file_json(&f, &o.0)))
}

/// A document attached to a file of the officer's office (every view is logged).
async fn desk_document(
    State(state): State<AppState>,
    c: ApiCaller,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult {
    if c.subject.kind != SubjectKind::Officer {
        return Err(WebError::Forbidden.into());
    }
    let d = documents::download_attachment(&state, &c.subject, &id, &key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, d.mime.as_str()),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        d.bytes,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReturnItem {
    /// "field" (Tahap 1 or 2) or "document".
    kind: String,
    key: String,
    label: String,
    note: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeskActionBody {
    action: String,
    lock_version: Option<i64>,
    request_key: String,
    note: String,
    reason: String,
    officer_id: String,
    items: Vec<ReturnItem>,
    checks: Vec<CheckItem>,
    approve: Option<bool>,
    number: String,
    fields: BTreeMap<String, String>,
}

fn one_field(key: &str, message: impl Into<String>) -> ApiError {
    ApiError(ServiceError::field(key, message).into())
}

/// The label the applicant sees for a field of Tahap 1.
fn applicant_field_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => "Nama Pemohon",
        "email" => "Email Pemohon",
        "phone" => "Handphone",
        "address" => "Alamat",
        "village_code" => "Wilayah alamat pemohon",
        "proxy_phone" => "Handphone Kuasa",
        "facility_name" => "Nama Tempat Praktik",
        "location_village_code" => "Lokasi Izin",
        "location_address" => "Detail Alamat Lokasi",
        "company_name" => "Nama Perusahaan",
        "company_address" => "Alamat Perusahaan",
        "company_email" => "Email Perusahaan",
        "company_phone" => "Telepon Perusahaan",
        "company_fax" => "Fax Perusahaan",
        "company_npwp" => "NPWP Perusahaan",
        "business_type" => "Jenis Usaha",
        _ => return None,
    })
}

/// The items named for a revision, checked against the file's permit type, labelled as the
/// applicant knows them when the client sent no label.
fn revision_items(f: &DeskFile, items: Vec<ReturnItem>) -> Result<Vec<RevisionItem>, ApiError> {
    let permit = f.view.permit();
    let mut out = Vec::new();
    for i in items {
        let known = match i.kind.as_str() {
            "document" => permit
                .and_then(|p| p.requirements.iter().find(|r| r.key == i.key))
                .map(|r| r.label.clone()),
            "field" => applicant_field_label(&i.key).map(str::to_string).or_else(|| {
                permit
                    .and_then(|p| p.fields.iter().find(|x| x.key == i.key))
                    .map(|x| x.label.clone())
            }),
            _ => {
                return Err(one_field(
                    "items",
                    "Jenis item perbaikan harus \"field\" atau \"document\".",
                ));
            }
        };
        let Some(label) = known else {
            return Err(one_field(
                "items",
                format!("Isian atau syarat \"{}\" tidak ada pada permohonan ini.", i.key),
            ));
        };
        let label = if i.label.trim().is_empty() { label } else { i.label };
        out.push(RevisionItem {
            kind: i.kind,
            key: i.key,
            label,
            note: i.note,
        });
    }
    Ok(out)
}

fn desk_action_of(f: &DeskFile, b: DeskActionBody) -> Result<DeskAction, ApiError> {
    Ok(match b.action.as_str() {
        "claim" => DeskAction::Claim,
        "release" => DeskAction::Release,
        "reassign" if b.officer_id.trim().is_empty() => {
            return Err(one_field("officer_id", "Pilih petugas kantor ini."));
        }
        "reassign" => DeskAction::Reassign {
            officer_id: b.officer_id,
        },
        "forward" => DeskAction::Forward { note: b.note },
        "return_to_applicant" => DeskAction::ReturnToApplicant {
            items: revision_items(f, b.items)?,
            note: b.note,
        },
        "send_back" => DeskAction::SendBack { note: b.note },
        "reject" => DeskAction::Reject { reason: b.reason },
        "checklist" if b.checks.is_empty() => {
            return Err(one_field(
                "checks",
                "Sertakan hasil pemeriksaan tiap syarat: [{\"key\", \"ok\", \"note\"}].",
            ));
        }
        "checklist" => DeskAction::Checklist { items: b.checks },
        "recommend" => {
            let Some(approve) = b.approve else {
                return Err(one_field(
                    "approve",
                    "Pilih rekomendasi: terbitkan (true) atau tolak (false).",
                ));
            };
            DeskAction::Recommend {
                approve,
                number: b.number,
                note: b.note,
            }
        }
        "prepare_draft" => DeskAction::PrepareDraft { fields: b.fields },
        "paraf" => DeskAction::Paraf { note: b.note },
        "approve" => DeskAction::Approve { note: b.note },
        "record_inspection" => {
            return Err(one_field(
                "action",
                "Berita Acara Pemeriksaan dikirim dengan berkas PDF-nya ke POST /api/v1/desk/applications/{id}/inspection.",
            ));
        }
        other => return Err(one_field("action", format!("Tindakan \"{other}\" tidak dikenal."))),
    })
}

fn lock_missing() -> ApiError {
    one_field(
        "lock_version",
        "Sertakan lock_version berkas seperti yang terakhir Anda lihat.",
    )
}

/// Carries out an action and answers with the outcome and the file as it is now.
async fn run_desk_action(
    state: &AppState,
    officer: &Officer,
    id: &str,
    lock: i64,
    key: &str,
    action: DeskAction,
) -> ApiResult {
    let outcome = match crate::desks::act(state, officer, id, lock, key, action).await? {
        ActOutcome::Done => "done",
        ActOutcome::AlreadyDone => "already_done",
    };
    let f = crate::desks::open_file(state, officer, id).await?;
    Ok(ok(
        json!({"outcome": outcome, "application": desk_file_json(&f, officer)}),
    ))
}

async fn desk_action(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DeskActionBody>,
) -> ApiResult {
    // The office scope first: another office's file is 404 whatever the body says.
    let f = crate::desks::open_file(&state, &o.0, &id).await?;
    let lock = b.lock_version.ok_or_else(lock_missing)?;
    let key = b.request_key.clone();
    let action = desk_action_of(&f, b)?;
    run_desk_action(&state, &o.0, &id, lock, &key, action).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InspectionQuery {
    lock_version: String,
    request_key: String,
    date: String,
    officers: String,
    result: String,
    filename: String,
}

/// Records the Berita Acara Pemeriksaan: the raw PDF as the body, the rest in the query.
async fn desk_inspection(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    Query(q): Query<InspectionQuery>,
    body: Bytes,
) -> ApiResult {
    crate::desks::open_file(&state, &o.0, &id).await?;
    let lock = q.lock_version.trim().parse::<i64>().map_err(|_| lock_missing())?;
    let filename = if q.filename.trim().is_empty() {
        "berita-acara.pdf".to_string()
    } else {
        q.filename
    };
    let file = (!body.is_empty()).then(|| (filename, body.to_vec()));
    let action = DeskAction::RecordInspection {
        date: q.date,
        officers: q.officers,
        result: q.result,
        file,
    };
    run_desk_action(&state, &o.0, &id, lock, &q.request_key, action).await
}

#[cfg(test)]
mod tests {
    use super::ROUTES;
    use std::collections::BTreeSet;

    /// The (method, path) pairs that `routes()` registers, read from this file's source: each
    /// `.route("path", get(a).post(b))` call of the function body.
    fn registered() -> BTreeSet<(String, String)> {
        let src = include_str!("api.rs");
        let start = src
            .find("pub fn routes() -> Router<AppState> {")
            .expect("routes() in api.rs");
        let body = &src[start..];
        let body = &body[..body.find("\n}\n").expect("end of routes()")];
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        for other in [".nest(", ".merge(", ".route_service(", ".nest_service("] {
            assert!(
                !compact.contains(other),
                "routes() uses {other}: extend this test and ROUTES"
            );
        }
        let mut out = BTreeSet::new();
        for chunk in compact.split(".route(").skip(1) {
            // The call's own arguments: up to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let end = chunk
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .expect("closed .route(");
            let args = &chunk[..end];
            let (path, handlers) = args
                .strip_prefix('"')
                .and_then(|a| a.split_once("\","))
                .expect("a literal path then method routers");
            let mut found = 0;
            for (i, _) in handlers.match_indices('(') {
                let head = &handlers[..i];
                let name_start = head.rfind(['.', ',', '(']).map_or(0, |p| p + 1);
                let name = &head[name_start..];
                let at_top = handlers[..name_start].matches('(').count() == handlers[..name_start].matches(')').count();
                if at_top && ["get", "post", "put", "delete", "patch", "head", "options"].contains(&name) {
                    out.insert((name.to_ascii_uppercase(), format!("/api{path}")));
                    found += 1;
                }
            }
            assert!(found > 0, "no method router understood in .route({args})");
        }
        out
    }

    #[test]
    fn routes_const_lists_exactly_the_router() {
        let listed: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
        assert_eq!(listed.len(), ROUTES.len(), "ROUTES has a duplicate");
        let registered = registered();
        let missing: Vec<_> = registered.difference(&listed).collect();
        let extra: Vec<_> = listed.difference(&registered).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "in routes() but not ROUTES: {missing:?}; in ROUTES but not routes(): {extra:?}"
        );
    }
}

// --- Issued permits (Izin Saya) -------------------------------------------------------------------

fn permit_json(state: &AppState, p: &crate::permits::PermitRow, today: chrono::NaiveDate) -> Value {
    let status = p.public_status(today);
    json!({
        "id": p.id,
        "number": p.number,
        "permit_code": p.permit_code,
        "holder_name": p.holder_name,
        "practice_place": p.practice_place,
        "practice_address": p.practice_address,
        "issued_on": p.issued_on,
        "valid_until": p.valid_until,
        "status": status,
        "status_code": p.public_status_code(today),
        "replaced_by": p.replaced_by,
        "renewal_of": p.renewal_of,
        "change_of": p.change_of,
        "document_sha256": p.pdf_sha256,
        "verify_url": format!("{}/v/{}", state.config.base_url.trim_end_matches('/'), p.token),
    })
}

async fn list_permits(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    let rows = crate::permits::for_applicant(&state, a.id()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for p in &rows {
        let office = crate::offices::get(&state, &p.office_id).await?;
        out.push(permit_json(&state, p, crate::calendar::today(&office)));
    }
    Ok(ok(json!({ "permits": out })))
}

async fn permit_pdf(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let (p, bytes) = crate::permits::pdf_for(&state, &a.0.subject, &id).await?;
    if crate::calendar::skm_gate(&state, &p.office_id).await?
        && !crate::calendar::skm_done(&state, &p.application_id).await?
    {
        return Err(ServiceError::Refused(
            "Isi survei kepuasan masyarakat (SKM) dahulu; setelah itu izin dapat diunduh.".into(),
        )
        .into());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"izin-{}.pdf\"",
                    p.number.replace(['/', '"', '\\'], "-")
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

async fn renew_permit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let new_id = crate::permits::renew(&state, a.id(), &id).await?;
    let v = applications::load_view(&state, a.id(), &new_id).await?;
    Ok(created(application_json(&v)))
}

/// The body of a change of data: what changes and why.
#[derive(serde::Deserialize)]
struct ChangeBody {
    #[serde(default)]
    facility_name: String,
    #[serde(default)]
    location_address: String,
    #[serde(default)]
    location_village_code: String,
    /// The permit type's schedule answers, e.g. `{"hari_praktik": "Senin, Rabu", "waktu_praktik": "16:00-20:00"}`.
    #[serde(default)]
    schedule: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    reason: String,
}

async fn change_permit(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> ApiResult {
    let input = crate::permits::ChangeInput {
        facility_name: body.facility_name,
        location_address: body.location_address,
        location_village_code: body.location_village_code,
        schedule: body.schedule.into_iter().collect(),
        reason: body.reason,
    };
    let new_id = crate::permits::start_change(&state, a.id(), &id, &input).await?;
    let v = applications::load_view(&state, a.id(), &new_id).await?;
    Ok(created(application_json(&v)))
}

/// The body of a satisfaction survey: a score 1–4 for each element `u1` … `u9`.
#[derive(serde::Deserialize)]
struct SurveyBody {
    #[serde(default)]
    answers: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    comment: String,
}

async fn survey_permit(
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
    crate::skm::submit(&state, a.id(), &id, &answers, &body.comment).await?;
    Ok(created(
        json!({"message": "Terima kasih, jawaban survei Anda sudah kami terima."}),
    ))
}
