//! Accounts over the API: registration, confirmation, password recovery and the profile.

use crate::accounts;
use crate::accounts::profile::Profile;
use crate::auth::sessions::SubjectKind;
use crate::state::AppState;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiCaller;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::Message;
use crate::web::api::Unauthenticated;
use crate::web::api::created;
use crate::web::api::ok;
use axum::extract::State;
use serde::Deserialize;
use serde::Serialize;
use utoipa::ToSchema;

/// The schemas of the service's own types, as they are serialised (see the schema test).
#[allow(dead_code)]
pub(crate) mod schema {
    use utoipa::ToSchema;

    /// What the registration form sends.
    #[derive(ToSchema)]
    #[schema(as = RegisterInput)]
    pub(crate) struct RegisterInput {
        pub full_name: String,
        /// `KTP` (NIK, 16 digits) or `PASPOR`.
        #[schema(examples("KTP"))]
        pub identity_type: String,
        pub identity_number: String,
        pub phone: String,
        pub address: String,
        /// Kemendagri village code of the address.
        pub village_code: String,
        pub email: String,
        pub password: String,
        pub password_confirm: String,
        /// The applicant agreed to the privacy notice (UU 27/2022).
        pub consent: bool,
    }

    /// The applicant's profile (Akun Profile); every field is optional text, empty when unknown.
    #[derive(ToSchema)]
    #[schema(as = Profile)]
    pub(crate) struct Profile {
        pub birth_place: String,
        /// YYYY-MM-DD.
        pub birth_date: String,
        /// `L`, `P` or empty.
        pub sex: String,
        pub religion: String,
        pub marital_status: String,
        pub ktp_street: String,
        pub ktp_rt: String,
        pub ktp_rw: String,
        pub ktp_village_code: String,
        pub domicile_street: String,
        pub domicile_rt: String,
        pub domicile_rw: String,
        pub domicile_village_code: String,
        pub occupation: String,
        pub education: String,
        pub graduation_year: String,
        /// Surat Tanda Registrasi number.
        pub str_number: String,
        /// `seumur_hidup` (lifetime), `berjangka` (with an end date) or empty.
        pub str_kind: String,
        /// YYYY-MM-DD when `str_kind` is `berjangka`.
        pub str_expiry: String,
    }
}

/// The new account.
#[derive(Serialize, ToSchema)]
pub(crate) struct RegisterResponse {
    id: String,
    message: String,
}

/// Register an applicant account
///
/// Creates an unverified applicant account and mails a link to confirm the email address. One
/// account per email and per identity number. Login is refused until the email is confirmed
/// (`POST /api/v1/auth/verify`).
#[utoipa::path(post, path = "/api/v1/auth/register", operation_id = "register", tag = "Auth",
    request_body = schema::RegisterInput,
    responses(
        (status = 201, description = "Account created; a confirmation link was mailed (valid 3 days).", body = RegisterResponse),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn register(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<accounts::registration::RegisterInput>,
) -> ApiResult {
    let id = accounts::registration::register(&state, &input).await?;
    Ok(created(RegisterResponse {
        id,
        message: "Akun dibuat. Buka tautan konfirmasi yang dikirim ke email Anda.".into(),
    }))
}

/// A single-use token from a mailed link.
#[derive(Deserialize, ToSchema)]
#[schema(as = TokenRequest)]
pub(crate) struct TokenBody {
    token: String,
}

/// The email address is confirmed.
#[derive(Serialize, ToSchema)]
pub(crate) struct Verified {
    verified: bool,
}

/// Confirm the email address
///
/// Consumes the single-use token of the confirmation link (`…/verifikasi?token=…`). A used,
/// expired or unknown token is refused (422 `refused`).
#[utoipa::path(post, path = "/api/v1/auth/verify", operation_id = "verifyEmail", tag = "Auth",
    request_body = TokenBody,
    responses(
        (status = 200, description = "Email confirmed; the account can log in.", body = Verified),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn verify(State(state): State<AppState>, ApiJson(b): ApiJson<TokenBody>) -> ApiResult {
    accounts::registration::verify_email(&state, &b.token).await?;
    Ok(ok(Verified { verified: true }))
}

/// An email address.
#[derive(Deserialize, ToSchema)]
#[schema(as = EmailRequest)]
pub(crate) struct EmailBody {
    #[serde(default)]
    email: String,
}

/// Send a new confirmation link
#[utoipa::path(post, path = "/api/v1/auth/resend-verification", operation_id = "resendVerification", tag = "Auth",
    request_body = EmailBody,
    responses(
        (status = 200, description = "Accepted (the same answer whether or not the address has an unconfirmed account).", body = Message),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn resend(State(state): State<AppState>, ApiJson(b): ApiJson<EmailBody>) -> ApiResult {
    accounts::registration::resend_verification(&state, &b.email).await?;
    Ok(ok(Message::new(
        "Jika email terdaftar dan belum dikonfirmasi, tautan baru sudah dikirim.",
    )))
}

/// Mail a password-reset link
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", operation_id = "forgotPassword", tag = "Auth",
    request_body = EmailBody,
    responses(
        (status = 200, description = "Accepted (the same answer whether or not the email has an account).", body = Message),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn forgot(State(state): State<AppState>, ApiJson(b): ApiJson<EmailBody>) -> ApiResult {
    accounts::recovery::request_password_reset(&state, &b.email).await?;
    Ok(ok(Message::new(
        "Jika email terdaftar, tautan atur ulang kata sandi sudah dikirim.",
    )))
}

/// A new password with the token of a reset link.
#[derive(Deserialize, ToSchema)]
#[schema(as = ResetPasswordRequest)]
pub(crate) struct ResetBody {
    token: String,
    password: String,
    password_confirm: String,
}

/// The password was changed.
#[derive(Serialize, ToSchema)]
pub(crate) struct ResetDone {
    reset: bool,
}

/// Set a new password with a reset token
#[utoipa::path(post, path = "/api/v1/auth/reset-password", operation_id = "resetPassword", tag = "Auth",
    request_body = ResetBody,
    responses(
        (status = 200, description = "Password changed; every session of the account has ended.", body = ResetDone),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn reset(State(state): State<AppState>, ApiJson(b): ApiJson<ResetBody>) -> ApiResult {
    accounts::recovery::reset_password(&state, &b.token, &b.password, &b.password_confirm).await?;
    Ok(ok(ResetDone { reset: true }))
}

/// The caller's account: an applicant's or an officer's.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub(crate) enum Me {
    Applicant(Box<ApplicantMe>),
    Officer(OfficerMe),
}

/// An applicant's account (`kind` is `applicant`).
#[derive(Serialize, ToSchema)]
pub(crate) struct ApplicantMe {
    kind: String,
    id: String,
    full_name: String,
    email: String,
    /// `KTP` or `PASPOR`.
    identity_type: String,
    identity_number_masked: String,
    phone: String,
    address: String,
    village_code: String,
    #[schema(value_type = schema::Profile)]
    profile: Profile,
}

/// An officer's account (`kind` is `officer`).
#[derive(Serialize, ToSchema)]
pub(crate) struct OfficerMe {
    kind: String,
    id: String,
    full_name: String,
    office_id: Option<String>,
    /// Role codes, e.g. `front_office`.
    #[schema(value_type = Vec<String>)]
    roles: Vec<izinkes_domain::roles::Role>,
}

/// The caller's account
#[utoipa::path(get, path = "/api/v1/me", operation_id = "getMe", tag = "Account",
    responses(
        (status = 200, description = "OK", body = Me),
        (status = 401, response = Unauthenticated),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn me(State(state): State<AppState>, c: ApiCaller) -> ApiResult {
    match c.subject.kind {
        SubjectKind::Applicant => {
            let a = accounts::profile::load_applicant(&state, &c.subject.id).await?;
            Ok(ok(Me::Applicant(Box::new(ApplicantMe {
                kind: "applicant".into(),
                identity_type: a.identity_type.code().to_string(),
                identity_number_masked: a.masked_identity(),
                id: a.id,
                full_name: a.full_name,
                email: a.email,
                phone: a.phone,
                address: a.address,
                village_code: a.village_code,
                profile: a.profile,
            }))))
        }
        SubjectKind::Officer => Ok(ok(Me::Officer(OfficerMe {
            kind: "officer".into(),
            id: c.subject.id,
            full_name: c.subject.name,
            office_id: c.subject.office_id,
            roles: c.subject.roles,
        }))),
    }
}

/// The profile as saved.
#[derive(Serialize, ToSchema)]
pub(crate) struct ProfileResponse {
    #[schema(value_type = schema::Profile)]
    profile: Profile,
}

/// Replace the applicant's profile
#[utoipa::path(put, path = "/api/v1/me/profile", operation_id = "updateProfile", tag = "Account",
    request_body = schema::Profile,
    responses(
        (status = 200, description = "The profile as saved (cleaned).", body = ProfileResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn update_profile(
    State(state): State<AppState>,
    a: ApiApplicant,
    ApiJson(p): ApiJson<Profile>,
) -> ApiResult {
    let applicant = accounts::profile::load_applicant(&state, a.id()).await?;
    let saved = accounts::profile::update_profile(&state, &applicant, &p).await?;
    Ok(ok(ProfileResponse { profile: saved }))
}
