//! The applicant's applications over the API.

use crate::accounts;
use crate::applications;
use crate::applications::list::ListItem;
use crate::applications::submit::SubmitOutcome;
use crate::applications::tracking::TrackResult;
use crate::applications::view::ApplicantData;
use crate::applications::view::ApplicationView;
use crate::applications::view::HistoryEntry;
use crate::catalog::api::schema::FileFormat as FileFormatSchema;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiBody;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Conflict;
use crate::web::api::FileBytes;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::NotFound;
use crate::web::api::Throttled;
use crate::web::api::TooLarge;
use crate::web::api::Unauthenticated;
use crate::web::api::created;
use crate::web::api::error_body;
use crate::web::api::ok;
use crate::web::error::WebError;
use crate::web::extract::ClientAddr;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use izinkes_domain::catalog::Answers;
use izinkes_domain::catalog::FileFormat;
use izinkes_domain::status::ApplicationStatus;
use serde::Deserialize;
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::ToSchema;

/// The schemas of the applications service's own types, as they are serialised; the schema
/// test holds them to the real bodies.
#[allow(dead_code)]
pub(crate) mod schema {
    use std::collections::BTreeMap;
    use utoipa::ToSchema;

    /// Where an application is in its life.
    #[derive(ToSchema)]
    #[schema(as = ApplicationStatus)]
    #[serde(rename_all = "snake_case")]
    pub(crate) enum ApplicationStatus {
        Draft,
        Submitted,
        InProcess,
        NeedsRevision,
        ReadyToSign,
        Issued,
        Rejected,
    }

    /// Tahap 1 (Data Pemohon): who applies and where the permit is for; every field optional.
    #[derive(ToSchema)]
    #[schema(as = ApplicantData)]
    pub(crate) struct ApplicantData {
        pub name: String,
        pub email: String,
        pub phone: String,
        pub address: String,
        pub village_code: String,
        /// Filed by a proxy (kuasa) on the holder's behalf.
        pub by_proxy: bool,
        pub proxy_phone: String,
        pub facility_name: String,
        pub location_village_code: String,
        pub location_address: String,
        pub is_company: bool,
        pub company_name: String,
        pub company_address: String,
        pub company_email: String,
        pub company_fax: String,
        pub company_phone: String,
        pub company_npwp: String,
        pub business_type: String,
        /// Nomor Induk Berusaha (13 digits; required for an establishment's permit).
        pub company_nib: String,
        /// The owner of the establishment.
        pub company_owner: String,
        /// The establishment's person in charge (penanggung jawab).
        pub person_in_charge: String,
    }

    /// Tahap 2 (Data Formulir): field key of the permit type → answer as text.
    #[derive(ToSchema)]
    #[schema(as = Answers)]
    pub(crate) struct Answers(BTreeMap<String, String>);

    /// One entry of the public history.
    #[derive(ToSchema)]
    #[schema(as = HistoryEntry)]
    pub(crate) struct HistoryEntry {
        pub seq: i64,
        pub at: String,
        pub actor_name: String,
        pub actor_role: Option<String>,
        pub action: String,
        pub to_status: String,
        pub public_note: Option<String>,
    }

    /// One row of Permohonan Saya.
    #[derive(ToSchema)]
    #[schema(as = ListItem)]
    pub(crate) struct ListItem {
        pub id: String,
        pub permit_code: String,
        pub permit_name: String,
        pub office_name: String,
        pub facility_name: String,
        pub status: ApplicationStatus,
        pub registration_number: Option<String>,
        pub created_at: String,
        pub submitted_at: Option<String>,
    }

    /// The public status of an application.
    #[derive(ToSchema)]
    #[schema(as = TrackResult)]
    pub(crate) struct TrackResult {
        pub registration_number: String,
        pub permit_name: String,
        pub office_name: String,
        pub status: ApplicationStatus,
        pub status_label: String,
        pub submitted_at: Option<String>,
        pub updated_at: String,
        /// The desk the file is at, while it is worked.
        pub stage: Option<String>,
        /// What happens at that desk.
        pub stage_note: Option<String>,
        /// That desk's due date (`YYYY-MM-DD`).
        pub stage_due_on: Option<String>,
        /// The service's due date (`YYYY-MM-DD`), while the file is worked.
        pub due_on: Option<String>,
    }
}

/// The file attached to a requirement.
#[derive(Serialize, ToSchema)]
#[schema(as = Attachment)]
pub(crate) struct AttachmentBody {
    filename: String,
    /// Bytes.
    size: i64,
    mime: String,
    sha256: String,
}

/// A requirement of the application's permit type, whether the answers make it needed, and
/// its file.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApplicationRequirement {
    key: String,
    label: String,
    needed: bool,
    #[schema(value_type = Vec<FileFormatSchema>)]
    formats: Vec<FileFormat>,
    max_size_kb: u32,
    attached: Option<AttachmentBody>,
}

/// Which of the three steps are complete.
#[derive(Serialize, ToSchema)]
#[schema(as = ApplicationSteps)]
pub(crate) struct Steps {
    applicant: bool,
    form: bool,
    documents: bool,
}

/// An application as its applicant sees it.
#[derive(Serialize, ToSchema)]
#[schema(as = Application)]
pub(crate) struct ApplicationBody {
    id: String,
    office_id: String,
    office_name: String,
    permit_code: String,
    permit_name: Option<String>,
    catalog_version: i64,
    #[schema(value_type = schema::ApplicationStatus)]
    status: ApplicationStatus,
    status_label: String,
    registration_number: Option<String>,
    #[schema(value_type = schema::ApplicantData)]
    applicant: ApplicantData,
    #[schema(value_type = schema::Answers)]
    form: Answers,
    steps: Steps,
    requirements: Vec<ApplicationRequirement>,
    #[schema(value_type = Vec<schema::HistoryEntry>)]
    history: Vec<HistoryEntry>,
    created_at: String,
    submitted_at: Option<String>,
    /// A cancellation (pencabutan): the id of the permit it asks to cancel.
    cancels_permit: Option<String>,
}

pub(crate) fn application_json(v: &ApplicationView) -> ApplicationBody {
    let answers = v.all_answers();
    let requirements = v
        .permit()
        .map(|p| {
            p.requirements
                .iter()
                .map(|r| ApplicationRequirement {
                    key: r.key.clone(),
                    label: r.label.clone(),
                    needed: p.is_triggered(r, &answers),
                    formats: r.formats.clone(),
                    max_size_kb: r.max_size_kb,
                    attached: v.attachment(&r.key).map(|a| AttachmentBody {
                        filename: a.filename.clone(),
                        size: a.size,
                        mime: a.mime.clone(),
                        sha256: a.sha256.clone(),
                    }),
                })
                .collect()
        })
        .unwrap_or_default();
    ApplicationBody {
        id: v.app.id.clone(),
        office_id: v.app.office_id.clone(),
        office_name: v.office.name.clone(),
        permit_code: v.app.permit_code.clone(),
        permit_name: v.permit().map(|p| p.name.clone()),
        catalog_version: v.app.catalog_version,
        status: v.app.status,
        status_label: v.app.status.label_id().to_string(),
        registration_number: v.app.registration_number.clone(),
        applicant: v.app.data.clone(),
        form: v.app.answers.clone(),
        steps: Steps {
            applicant: v.app.step1_done,
            form: v.app.step2_done,
            documents: v.step3_done(),
        },
        requirements,
        history: v.history.clone(),
        created_at: v.app.created_at.clone(),
        submitted_at: v.app.submitted_at.clone(),
        cancels_permit: v.app.cancels_permit.clone(),
    }
}

/// The applicant's applications.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApplicationList {
    #[schema(value_type = Vec<schema::ListItem>)]
    applications: Vec<ListItem>,
}

/// The applicant's applications (Permohonan Saya)
#[utoipa::path(get, path = "/api/v1/applications", operation_id = "listApplications", tag = "Applications",
    responses(
        (status = 200, description = "OK", body = ApplicationList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn list_applications(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    Ok(ok(ApplicationList {
        applications: applications::list::list_for_applicant(&state, a.id()).await?,
    }))
}

/// Which permit type to apply for, at which office.
#[derive(Deserialize, ToSchema)]
#[schema(as = CreateApplicationRequest)]
pub(crate) struct CreateBody {
    #[serde(default)]
    office_id: String,
    #[serde(default)]
    permit_code: String,
}

/// Start a draft application
///
/// Unknown office or permit type, or a permit type the office does not serve: 422 `invalid`
/// (fields `office`, `permit`).
#[utoipa::path(post, path = "/api/v1/applications", operation_id = "createApplication", tag = "Applications",
    request_body = CreateBody,
    responses(
        (status = 201, description = "Draft created, prefilled from the account and profile.", body = ApplicationBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn create_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    ApiJson(b): ApiJson<CreateBody>,
) -> ApiResult {
    let applicant = accounts::profile::load_applicant(&state, a.id()).await?;
    let id = applications::drafts::create_draft(&state, &applicant, &b.office_id, &b.permit_code).await?;
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(created(application_json(&v)))
}

/// One application
#[utoipa::path(get, path = "/api/v1/applications/{id}", operation_id = "getApplication", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 200, description = "OK", body = ApplicationBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn get_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

/// Delete a draft
///
/// Only drafts can be deleted; a submitted application is refused (422 `refused`).
#[utoipa::path(delete, path = "/api/v1/applications/{id}", operation_id = "deleteApplication", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 204, description = "Done; no body."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn delete_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    applications::drafts::delete_draft(&state, a.id(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Saving a step: 200 with the application when valid, 422 with the field errors (the draft
/// keeps what was sent either way).
pub(crate) async fn step_result(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    errors: izinkes_domain::catalog::FieldErrors,
) -> ApiResult {
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors).into());
    }
    let v = applications::view::load_view(state, applicant_id, id).await?;
    Ok(ok(application_json(&v)))
}

/// Save Tahap 1 (Data Pemohon)
///
/// What is sent is always kept in the draft; when it is not valid the answer is 422 `invalid`
/// with a message per field and the step stays not done. Only drafts can be changed (422
/// `refused` otherwise).
#[utoipa::path(put, path = "/api/v1/applications/{id}/applicant", operation_id = "saveApplicant", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    request_body = schema::ApplicantData,
    responses(
        (status = 200, description = "Saved and valid.", body = ApplicationBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn put_applicant(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<ApplicantData>,
) -> ApiResult {
    let errors = applications::drafts::save_step1(&state, a.id(), &id, &d).await?;
    step_result(&state, a.id(), &id, errors).await
}

/// Save Tahap 2 (Data Formulir)
///
/// Replaces the answers (keys of the permit type's `fields`). Same keep-everything rule as
/// Tahap 1.
#[utoipa::path(put, path = "/api/v1/applications/{id}/form", operation_id = "saveForm", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    request_body = schema::Answers,
    responses(
        (status = 200, description = "Saved and valid.", body = ApplicationBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn put_form(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(answers): ApiJson<Answers>,
) -> ApiResult {
    let errors = applications::drafts::save_step2(&state, a.id(), &id, &answers).await?;
    step_result(&state, a.id(), &id, errors).await
}

/// The name (and, in Manajer Berkas, the title) of an uploaded file.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FileQuery {
    /// The file's name, e.g. `ktp.pdf`.
    #[serde(default)]
    #[param(required = false)]
    pub(crate) filename: String,
    /// The title shown in Manajer Berkas (the file name when empty).
    #[serde(default)]
    #[param(required = false)]
    pub(crate) title: String,
}

/// Uploads the raw request body as the file for one requirement (`?filename=ktp.pdf`).
/// Upload the file for one requirement (Tahap 3)
///
/// The request body is the raw file. It is checked by content against the requirement's
/// formats and size; a wrong file is 422 `invalid` with the message under the requirement key.
#[utoipa::path(put, path = "/api/v1/applications/{id}/documents/{key}", operation_id = "uploadRequirement", tag = "Applications",
    params(("id" = String, Path, description = "Application id."), ("key" = String, Path, description = "Requirement key of the application's permit type (see `requirements[].key`).", example = "ktp"), FileQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file."),
    responses(
        (status = 200, description = "Attached (replacing any earlier file); a copy is also kept in Manajer Berkas.", body = ApplicationBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn put_document(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
    Query(q): Query<FileQuery>,
    ApiBody(body): ApiBody,
) -> ApiResult {
    applications::attachments::upload_requirement(&state, a.id(), &id, &key, &q.filename, &body).await?;
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

/// Detach the file of one requirement
#[utoipa::path(delete, path = "/api/v1/applications/{id}/documents/{key}", operation_id = "removeRequirementFile", tag = "Applications",
    params(("id" = String, Path, description = "Application id."), ("key" = String, Path, description = "Requirement key of the application's permit type (see `requirements[].key`).", example = "ktp")),
    responses(
        (status = 204, description = "Done; no body."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn delete_document(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult {
    applications::attachments::remove_attachment(&state, a.id(), &id, &key).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A Manajer Berkas file to attach.
#[derive(Deserialize, ToSchema)]
pub(crate) struct LibraryRef {
    document_id: String,
}

/// Attach a Manajer Berkas file to one requirement
///
/// The library file must suit the requirement's formats and size (422 `invalid` otherwise).
#[utoipa::path(post, path = "/api/v1/applications/{id}/documents/{key}/from-library", operation_id = "attachFromLibrary", tag = "Applications",
    params(("id" = String, Path, description = "Application id."), ("key" = String, Path, description = "Requirement key of the application's permit type (see `requirements[].key`).", example = "ktp")),
    request_body = LibraryRef,
    responses(
        (status = 200, description = "Attached.", body = ApplicationBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn attach_from_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
    ApiJson(b): ApiJson<LibraryRef>,
) -> ApiResult {
    applications::attachments::attach_library(&state, a.id(), &id, &key, &b.document_id).await?;
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

/// Why the applicant withdraws.
#[derive(serde::Deserialize, ToSchema)]
#[schema(as = WithdrawRequest)]
pub(crate) struct WithdrawBody {
    /// At least 10 characters.
    #[serde(default)]
    reason: String,
}

/// Withdraw a submitted application
///
/// Possible while the file is submitted, in process or returned for revision; the office stops
/// working it, its clocks stop, and it no longer takes a practice place. Status `withdrawn`
/// ("Dibatalkan Pemohon"). A missing reason is 422 `invalid` (field `reason`); a file ready to
/// sign or decided is 422 `refused`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", operation_id = "withdrawApplication", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    request_body = WithdrawBody,
    responses(
        (status = 200, description = "Withdrawn.", body = ApplicationBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> ApiResult {
    applications::withdraw::withdraw(&state, a.id(), &id, &body.reason).await?;
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

/// Submit a draft
///
/// Re-checks all three steps on the server: problems come back as 422 `invalid` with `fields`
/// keyed by field or requirement key. A person may use at most `max_active_per_person` practice
/// places per profession: active, unexpired permits and filed applications still open (a renewal
/// or change continues its permit's place and never counts against it). Beyond that the
/// submission is refused (422 `refused`, naming the permits and applications counted).
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", operation_id = "submitApplication", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 200, description = "Submitted (status `submitted`, with its registration number). Submitting again returns the same number.", body = ApplicationBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn submit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    match applications::submit::submit(&state, a.id(), &id).await? {
        SubmitOutcome::Submitted(number) => {
            let v = applications::view::load_view(&state, a.id(), &id).await?;
            let mut body = application_json(&v);
            body.registration_number = Some(number.as_str().to_string());
            Ok(ok(body))
        }
        SubmitOutcome::Problems(p) => Err(ServiceError::Invalid(p.all()).into()),
    }
}

/// What tracking asks for.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TrackQuery {
    /// Registration number.
    #[serde(default)]
    #[param(required = true, example = "JBR-2026-000001")]
    number: String,
    /// Last 4 digits of the NIK (or characters of the identity number).
    #[serde(default)]
    #[param(required = true, example = "0004")]
    nik4: String,
}

/// Track an application (public)
///
/// Status only, by registration number and the last 4 characters of the applicant's identity
/// number. An unknown number or wrong digits is 404 `not_found`; malformed input is 422
/// `invalid`; too many misses from one address is 429.
#[utoipa::path(get, path = "/api/v1/track", operation_id = "trackApplication", tag = "Tracking",
    params(TrackQuery),
    responses(
        (status = 200, description = "OK", body = schema::TrackResult),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 429, response = Throttled),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn track(State(state): State<AppState>, client: ClientAddr, Query(q): Query<TrackQuery>) -> ApiResult {
    match applications::tracking::track(&state, &q.number, &q.nik4, &client.0).await {
        Ok(r) => Ok(ok::<TrackResult>(r)),
        // No such number for these digits: 404 with the service's explanation, like the page.
        Err(ServiceError::Refused(m)) => Ok(error_body(StatusCode::NOT_FOUND, "not_found", &m)),
        Err(e) => Err(e.into()),
    }
}
