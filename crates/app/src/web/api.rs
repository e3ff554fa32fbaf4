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
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
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
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
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
    (
        "POST",
        "/api/v1/applications/{id}/documents/{key}/from-library",
    ),
    ("POST", "/api/v1/applications/{id}/submit"),
    ("GET", "/api/v1/documents"),
    ("POST", "/api/v1/documents"),
    ("GET", "/api/v1/documents/{id}"),
    ("DELETE", "/api/v1/documents/{id}"),
    ("GET", "/api/v1/track"),
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
        .route(
            "/v1/applications",
            get(list_applications).post(create_application),
        )
        .route(
            "/v1/applications/{id}",
            get(get_application).delete(delete_application),
        )
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
        .route(
            "/v1/documents/{id}",
            get(get_library_file).delete(delete_library),
        )
        .route("/v1/track", get(track))
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
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Json(v),
    )
        .into_response()
}

async fn register(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<accounts::RegisterInput>,
) -> ApiResult {
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

async fn login(
    State(state): State<AppState>,
    parts: Parts0,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult {
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
            accounts::OfficerLogin::Signed(token) => ok(
                json!({"token": token, "token_type": "Bearer", "expires_in_days": accounts::API_TOKEN_DAYS}),
            ),
            accounts::OfficerLogin::MfaRequired { enrol } => error_body(
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                accounts::OfficerLogin::required_message(enrol),
            ),
            accounts::OfficerLogin::CodeRejected(m) => {
                error_body(StatusCode::UNAUTHORIZED, "mfa_invalid", &m)
            }
            // Not made for API sign-ins; refuse rather than hand out a half session.
            accounts::OfficerLogin::Pending { .. } => error_body(
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                accounts::OfficerLogin::required_message(false),
            ),
        });
    }
    let token = accounts::login(
        &state,
        subject,
        &b.email,
        &b.password,
        &parts.0,
        SessionKind::Api,
    )
    .await?;
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

async fn update_profile(
    State(state): State<AppState>,
    a: ApiApplicant,
    ApiJson(p): ApiJson<Profile>,
) -> ApiResult {
    let applicant = accounts::load_applicant(&state, a.id()).await?;
    let saved = accounts::update_profile(&state, &applicant, &p).await?;
    Ok(ok(json!({"profile": saved})))
}

async fn list_offices(State(state): State<AppState>) -> ApiResult {
    Ok(ok(json!({"offices": offices::list(&state).await?})))
}

async fn catalog(State(state): State<AppState>) -> ApiResult {
    let (version, c) = state.current_catalog().await?;
    Ok(ok(
        json!({"version": version, "permit_types": c.permit_types}),
    ))
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

async fn get_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    let v = applications::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

async fn delete_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
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

async fn submit(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
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
    Ok(ok(
        json!({"documents": documents::list(&state, a.id()).await?}),
    ))
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

async fn get_library_file(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    let d = documents::download_library(&state, &a.0.subject, &id).await?;
    Ok(([(header::CONTENT_TYPE, d.mime)], d.bytes).into_response())
}

async fn delete_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
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

async fn track(
    State(state): State<AppState>,
    client: Parts0,
    Query(q): Query<TrackQuery>,
) -> ApiResult {
    match applications::track(&state, &q.number, &q.nik4, &client.0).await {
        Ok(r) => Ok(ok(json!(r))),
        // No such number for these digits: 404 with the service's explanation, like the page.
        Err(ServiceError::Refused(m)) => Ok(error_body(StatusCode::NOT_FOUND, "not_found", &m)),
        Err(e) => Err(e.into()),
    }
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
                let at_top = handlers[..name_start].matches('(').count()
                    == handlers[..name_start].matches(')').count();
                if at_top
                    && ["get", "post", "put", "delete", "patch", "head", "options"].contains(&name)
                {
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
        let listed: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
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
