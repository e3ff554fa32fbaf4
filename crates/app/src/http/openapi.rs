//! The OpenAPI document of the JSON API, served at `/api/openapi.json`: generated from the
//! handlers' `#[utoipa::path]` annotations and their typed bodies, assembled here once.
//!
//! Who may call an operation is not repeated in the annotations: [`Meta`] reads the route table
//! (`http::routes`), so public routes get `security: []` and the others the bearer token.
//! The committed `crates/app/openapi.json` is this document, kept equal by a test
//! (`UPDATE_OPENAPI=1` or `izinkes openapi` writes it).

use crate::http::access::Access;
use crate::http::routes;
use crate::web::api;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use std::sync::OnceLock;
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::InfoBuilder;
use utoipa::openapi::LicenseBuilder;
use utoipa::openapi::security::Http;
use utoipa::openapi::security::HttpAuthScheme;
use utoipa::openapi::security::SecurityScheme;

const DESCRIPTION: &str = "JSON API of izinkes, the online health-permit licensing service \
(perizinan kesehatan) of Indonesian one-stop offices (DPMPTSP): registration, the three-step \
application (Data Pemohon, Data Formulir, Data Syarat), submission with a registration number, \
the applicant's document library (Manajer Berkas), public tracking, the officers' desks, issued \
permits and their public verification — the same services as the web pages.\n\n\
Authentication: `Authorization: Bearer <token>`, with the token from `POST /api/v1/auth/login`.\n\n\
Errors are `{\"error\": {\"code\", \"message\", \"fields\"?, \"reference\"?}}` (schema `Error`). \
All user-facing text — `message`, the per-field messages in `fields`, labels in the catalog — is \
in Bahasa Indonesia and meant to be shown as is; codes, keys and enum values are English and stable.";

#[derive(OpenApi)]
#[openapi(
    servers((url = "/")),
    security(("bearerAuth" = [])),
    modifiers(&Meta),
    paths(
        openapi,
        crate::accounts::api::register,
        crate::accounts::api::verify,
        crate::accounts::api::resend,
        crate::auth::api::login,
        crate::auth::api::logout,
        crate::accounts::api::forgot,
        crate::accounts::api::reset,
        crate::accounts::api::me,
        crate::accounts::api::update_profile,
        crate::catalog::api::list_offices,
        crate::catalog::api::catalog,
        crate::catalog::api::catalog_item,
        crate::catalog::api::office_standard,
        crate::catalog::api::areas,
        crate::applications::api::list_applications,
        crate::applications::api::create_application,
        crate::applications::api::get_application,
        crate::applications::api::delete_application,
        crate::applications::api::put_applicant,
        crate::applications::api::put_form,
        crate::applications::api::put_document,
        crate::applications::api::delete_document,
        crate::applications::api::attach_from_library,
        crate::applications::api::submit,
        crate::applications::api::withdraw,
        crate::messages::api::applicant_thread,
        crate::messages::api::applicant_post,
        crate::messages::api::applicant_attachment,
        crate::desks::revision_api::get_revision,
        crate::desks::revision_api::put_revision_fields,
        crate::desks::revision_api::put_revision_document,
        crate::desks::revision_api::resubmit,
        crate::library::api::list_library,
        crate::library::api::add_library,
        crate::library::api::get_library_file,
        crate::library::api::delete_library,
        crate::applications::api::track,
        crate::desks::api::desk_tasks,
        crate::desks::api::desk_summary,
        crate::desks::api::desk_officers,
        crate::desks::api::desk_file,
        crate::desks::api::desk_document,
        crate::desks::api::desk_action,
        crate::desks::api::desk_inspection,
        crate::messages::api::desk_thread,
        crate::messages::api::desk_post,
        crate::messages::api::desk_attachment,
        crate::permits::api::list_permits,
        crate::permits::api::permit_pdf,
        crate::permits::api::renew_permit,
        crate::permits::api::cancel_permit,
        crate::permits::retribution_api::payment_callback,
        crate::permits::retribution_api::get_retribution,
        crate::permits::api::change_permit,
        crate::survey::api::survey_permit,
        crate::permits::api::verification_json,
        crate::complaints::api::create_complaint,
        crate::complaints::api::track_complaint,
        crate::complaints::api::respond_complaint,
        crate::complaints::api::desk_complaints,
        crate::complaints::api::record_complaint,
        crate::complaints::api::complaint_report,
        crate::complaints::api::desk_complaint,
        crate::complaints::api::desk_complaint_action,
        crate::complaints::api::desk_complaint_evidence,
        crate::office_admin::api::get_office,
        crate::office_admin::api::update_office,
        crate::office_admin::api::list_officers,
        crate::office_admin::api::invite_officer,
        crate::office_admin::api::get_officer,
        crate::office_admin::api::set_roles,
        crate::office_admin::api::account_step,
        crate::office_admin::api::audit,
        crate::office_admin::standard_api::list_standards,
        crate::office_admin::standard_api::get_standard,
        crate::office_admin::standard_api::publish_standard,
        crate::notifications::api::whatsapp_handshake,
        crate::notifications::api::whatsapp_webhook,
        crate::notifications::api::sms_webhook,
    ),
    components(
        schemas(api::ErrorBody),
        responses(
            api::BadRequest,
            api::Unauthenticated,
            api::Forbidden,
            api::NotFound,
            api::Conflict,
            api::TooLarge,
            api::Invalid,
            api::MfaNeeded,
            api::Throttled,
            api::Internal,
        )
    ),
    tags(
        (name = "Meta"),
        (name = "Auth", description = "Registration, email confirmation, login and password reset."),
        (name = "Account"),
        (name = "Catalog", description = "Public reference data: offices, permit types, areas."),
        (name = "Applications", description = "The applicant's applications (applicant token)."),
        (name = "Documents", description = "Manajer Berkas, the applicant's reusable files (applicant token)."),
        (name = "Tracking"),
        (name = "Messages", description = "Pesan Pengaduan: the thread of each application between its applicant (applicant token) and the office (officer token)."),
        (name = "Desk", description = "The officers' desks (officer token, scoped to the officer's office): Tugas Saya, the file, its actions, the heads' summary."),
        (name = "Permits", description = "Issued permits of the caller (Izin Saya): list, download the signed PDF, renewal (perpanjangan) and change of practice place or schedule (perubahan data)."),
        (name = "Verification", description = "Public verification of an issued permit by the token of its QR code."),
        (name = "Complaints", description = "Complaints (pengaduan): filed and tracked by anyone with the number and the complainant's contact; worked by the office's complaints desk (officer token with the Pengaduan or Admin role), with its monthly and yearly report."),
        (name = "Admin", description = "The office admin (officer token with the Admin role, scoped to the caller's office): the office's profile and setup checklist, its officers (invitations, roles, deactivation, MFA reset) and the audit of those changes."),
        (name = "Gateways", description = "Delivery reports from the WhatsApp Cloud API (signed webhook) and the SMS gateway (bearer callback token); see docs/gateways.md."),
    )
)]
struct ApiDoc;

/// The parts no annotation carries: the document's info, the bearer scheme, and each
/// operation's security as the route table registers it.
struct Meta;

impl Modify for Meta {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        doc.info = InfoBuilder::new()
            .title("izinkes")
            .version("0.1.0")
            .description(Some(DESCRIPTION))
            .license(Some(
                LicenseBuilder::new()
                    .name("AGPL-3.0-or-later")
                    .identifier(Some("AGPL-3.0-or-later"))
                    .build(),
            ))
            .build();
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some(
            "`Authorization: Bearer <token>` with the token returned by `POST /api/v1/auth/login` \
             (valid 30 days, ended by logout)."
                .into(),
        );
        if let Some(components) = doc.components.as_mut() {
            components.add_security_scheme("bearerAuth", SecurityScheme::Http(bearer));
        }
        let table = routes::table();
        for (path, item) in doc.paths.paths.iter_mut() {
            // `/v/{token}.json` is the JSON form of the route `/v/{token}`.
            let route = path
                .strip_suffix(".json")
                .filter(|p| !p.starts_with("/api/"))
                .unwrap_or(path);
            for (method, op) in [
                ("GET", &mut item.get),
                ("POST", &mut item.post),
                ("PUT", &mut item.put),
                ("DELETE", &mut item.delete),
            ] {
                let Some(op) = op.as_mut() else { continue };
                let public = table
                    .iter()
                    .any(|r| r.method == method && r.path == route && r.access == Access::Public);
                if public {
                    op.security = Some(Vec::new());
                }
            }
        }
    }
}

static DOCUMENT: OnceLock<String> = OnceLock::new();

/// The document as pretty JSON with a final newline, as committed; built on first use.
pub fn document() -> &'static str {
    DOCUMENT.get_or_init(|| {
        let mut text = ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| String::from("{}"));
        text.push('\n');
        text
    })
}

/// This OpenAPI document
#[utoipa::path(get, path = "/api/openapi.json", operation_id = "getOpenApi", tag = "Meta",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document.", body = Object),
        (status = 500, response = api::Internal),
    ))]
pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document()).into_response()
}
