//! Every route of izinkes, with who may call it: this table is the router.
//!
//! Each line registers a method, a path, its [`Access`] and its handler; [`Routes::add`] wraps the
//! handler in the access guard, so a route cannot exist without saying who may open it, and the
//! list the authorization test reads ([`table`]) is the one the server serves. Paths are as the
//! browser sees them; the JSON API lives under `/api`.

use crate::http::access::{ADMIN, Access, KADIS, guard};
use crate::state::AppState;
use crate::{
    accounts, applications, auth, catalog, demo, desks, library, messages, notifications, office_admin, permits, survey,
};
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodFilter, on};
use izinkes_domain::roles::Role;

/// One route: method, path and who may call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteAccess {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

/// The router under construction and the list of what it serves.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteAccess>,
}

impl Routes {
    fn new() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// Registers `handler` for `method path`, behind the guard of `access`.
    fn add<H, T>(mut self, method: &Method, path: &'static str, access: Access, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        let guarded = on(filter, handler).route_layer(middleware::from_fn(move |req, next| guard(access, req, next)));
        self.router = self.router.route(path, guarded);
        let method = match *method {
            Method::POST => "POST",
            Method::PUT => "PUT",
            Method::DELETE => "DELETE",
            _ => "GET",
        };
        self.table.push(RouteAccess { method, path, access });
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, access: Access, h: H) -> Routes {
        self.add(&Method::GET, path, access, h)
    }
    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, access: Access, h: H) -> Routes {
        self.add(&Method::POST, path, access, h)
    }
    fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, access: Access, h: H) -> Routes {
        self.add(&Method::PUT, path, access, h)
    }
    fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, access: Access, h: H) -> Routes {
        self.add(&Method::DELETE, path, access, h)
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteAccess>) {
        (self.router, self.table)
    }
}

/// Every route the server answers, with who may call it.
pub fn table() -> Vec<RouteAccess> {
    routes().into_parts().1
}

/// The routes: infrastructure, public pages and accounts, the applicant's applications and
/// files, the desks, the office admin, issued permits, and the JSON API.
pub fn routes() -> Routes {
    use Access::*;
    let r = Routes::new()
        // Infrastructure.
        .get("/healthz", Public, super::healthz)
        .get("/readyz", Public, super::readyz)
        .get("/static/app.css", Public, super::static_css)
        .get("/static/app.js", Public, super::static_js)
        // The public catalog and Standar Pelayanan.
        .get("/", Public, catalog::pages::home)
        .get("/layanan/{code}", Public, catalog::pages::service_page)
        .get("/tentang", Public, catalog::pages::about)
        .get("/bantuan", Public, catalog::help_pages::help_page)
        .get("/wilayah/{code}", Public, catalog::pages::area_children)
        // Applicant accounts.
        .get("/daftar", Public, accounts::pages::register_form)
        .post("/daftar", Public, accounts::pages::register)
        .get("/verifikasi", Public, accounts::pages::verify)
        .get("/verifikasi/kirim-ulang", Public, accounts::pages::resend_form)
        .post("/verifikasi/kirim-ulang", Public, accounts::pages::resend)
        .get("/lupa-sandi", Public, accounts::pages::forgot_form)
        .post("/lupa-sandi", Public, accounts::pages::forgot)
        .get("/atur-ulang-sandi", Public, accounts::pages::reset_form)
        .post("/atur-ulang-sandi", Public, accounts::pages::reset)
        .get(
            auth::password_pages::APPLICANT_PATH,
            Applicant,
            auth::password_pages::applicant_form,
        )
        .post(
            auth::password_pages::APPLICANT_PATH,
            Applicant,
            auth::password_pages::applicant_save,
        )
        .get(
            auth::password_pages::OFFICER_PATH,
            Officer,
            auth::password_pages::officer_form,
        )
        .post(
            auth::password_pages::OFFICER_PATH,
            Officer,
            auth::password_pages::officer_save,
        )
        .get("/akun/profil", Applicant, accounts::pages::profile_form)
        .post("/akun/profil", Applicant, accounts::pages::profile_save)
        .get("/akun/notifikasi", Applicant, notifications::pages::settings)
        .post("/akun/notifikasi", Applicant, notifications::pages::settings_save)
        .get("/akun/foto", Applicant, accounts::pages::photo)
        .post("/akun/foto", Applicant, accounts::pages::photo_upload)
        // Signing in and out; the officers' second factor.
        .get("/masuk", Public, auth::pages::login_form)
        .post("/masuk", Public, auth::pages::login)
        .post("/keluar", Public, auth::pages::logout)
        .get("/petugas/masuk", Public, auth::pages::officer_login_form)
        .get(
            "/petugas/undangan/{token}",
            Public,
            office_admin::staff_pages::invitation_form,
        )
        .post(
            "/petugas/undangan/{token}",
            Public,
            office_admin::staff_pages::invitation_accept,
        )
        .post("/petugas/masuk", Public, auth::pages::officer_login)
        .get(
            crate::web::extract::OFFICER_2FA_PATH,
            OfficerSignIn,
            auth::mfa_pages::officer_2fa_form,
        )
        .post(
            crate::web::extract::OFFICER_2FA_PATH,
            OfficerSignIn,
            auth::mfa_pages::officer_2fa,
        )
        .get(
            auth::mfa_pages::OFFICER_SECURITY_PATH,
            OfficerSignIn,
            auth::mfa_pages::officer_security,
        )
        .post(
            "/petugas/keamanan/aktifkan",
            OfficerSignIn,
            auth::mfa_pages::officer_totp_enable,
        )
        .post(
            "/petugas/keamanan/kode-pemulihan",
            Officer,
            auth::mfa_pages::officer_recovery_codes,
        )
        .post(
            "/petugas/keamanan/nonaktifkan",
            Officer,
            auth::mfa_pages::officer_totp_disable,
        )
        // Public tracking and the demonstration mailbox.
        .get("/lacak", Public, applications::pages::track_form)
        .post("/lacak", Public, applications::pages::track)
        .get("/dev/mailbox", DemoOnly, demo::pages::mailbox);
    let r = applicant_routes(r);
    let r = office_routes(r);
    let r = complaint_routes(r);
    let r = message_api_routes(r);
    let r = admin_api_routes(r);
    api_routes(r)
}

/// The applicant's applications, Manajer Berkas, the revision loop and Izin Saya.
fn applicant_routes(r: Routes) -> Routes {
    use Access::*;
    use applications::{pages, step_pages};
    r.get("/permohonan", Applicant, pages::list)
        .get("/permohonan/baru", Applicant, pages::start)
        .post("/permohonan/baru", Applicant, pages::create)
        .get("/permohonan/{id}", Applicant, pages::detail)
        .get("/permohonan/{id}/tahap-1", Applicant, step_pages::step1)
        .post("/permohonan/{id}/tahap-1", Applicant, step_pages::step1_save)
        .get("/permohonan/{id}/tahap-2", Applicant, step_pages::step2)
        .post("/permohonan/{id}/tahap-2", Applicant, step_pages::step2_save)
        .get("/permohonan/{id}/tahap-3", Applicant, step_pages::step3)
        .get("/permohonan/{id}/syarat/{key}", Applicant, step_pages::attachment)
        .post("/permohonan/{id}/syarat/{key}", Applicant, step_pages::upload)
        .post("/permohonan/{id}/syarat/{key}/pilih", Applicant, step_pages::pick)
        .post("/permohonan/{id}/syarat/{key}/hapus", Applicant, step_pages::unattach)
        .get("/permohonan/{id}/periksa", Applicant, step_pages::review)
        .post("/permohonan/{id}/ajukan", Applicant, step_pages::submit)
        .post(
            "/permohonan/{id}/batalkan",
            Applicant,
            applications::pages::withdraw_post,
        )
        .get("/permohonan/{id}/bukti", Applicant, pages::receipt)
        .get("/permohonan/{id}/bukti.pdf", Applicant, pages::receipt_pdf)
        .post("/permohonan/{id}/hapus", Applicant, pages::delete_draft)
        .post("/permohonan/{id}/pesan", Applicant, pages::message_post)
        .get(
            "/permohonan/{id}/pesan/{message}/lampiran",
            Applicant,
            messages::pages::applicant_attachment,
        )
        .post(
            "/permohonan/{id}/pesan/{message}/pengaduan",
            Applicant,
            messages::pages::applicant_complaint,
        )
        .get(
            "/permohonan/{id}/perbaikan",
            Applicant,
            desks::revision_pages::revision_form,
        )
        .post(
            "/permohonan/{id}/perbaikan",
            Applicant,
            desks::revision_pages::revision_save,
        )
        .post(
            "/permohonan/{id}/perbaikan/berkas/{key}",
            Applicant,
            desks::revision_pages::revision_upload,
        )
        .post(
            "/permohonan/{id}/ajukan-ulang",
            Applicant,
            desks::revision_pages::resubmit,
        )
        .post(
            "/permohonan/{id}/ajukan-baru",
            Applicant,
            desks::revision_pages::restart,
        )
        .get("/berkas", Applicant, library::pages::library)
        .post("/berkas", Applicant, library::pages::library_add)
        .get("/berkas/{id}", Applicant, library::pages::library_file)
        .post("/berkas/{id}/ganti", Applicant, library::pages::library_replace)
        .post("/berkas/{id}/hapus", Applicant, library::pages::library_delete)
        .get("/izin", Applicant, permits::pages::mine)
        .get("/izin/{id}/unduh", Applicant, permits::pages::download)
        .post("/izin/{id}/perpanjang", Applicant, permits::pages::renew)
        .post("/izin/{id}/cabut", Applicant, permits::pages::cancel)
        .get("/izin/{id}/ubah", Applicant, permits::pages::change_page)
        .post("/izin/{id}/ubah", Applicant, permits::pages::change_post)
        .get("/izin/{id}/survei", Applicant, survey::pages::survey_page)
        .post("/izin/{id}/survei", Applicant, survey::pages::survey_post)
        .get("/v/{token}", Public, permits::verify_pages::verify)
        .post("/v/{token}/periksa", Public, permits::verify_pages::verify_upload)
}

/// The office admin's pages.
fn admin_routes(r: Routes) -> Routes {
    use office_admin::{document_pages, pages as admin, staff_pages, standard_pages, workflow_pages};
    r.get("/petugas/admin", ADMIN, staff_pages::home)
        .post("/petugas/admin/kantor", ADMIN, staff_pages::save_profile)
        .get("/petugas/admin/kantor", ADMIN, staff_pages::home)
        .get("/petugas/admin/petugas", ADMIN, staff_pages::staff_list)
        .post("/petugas/admin/petugas", ADMIN, staff_pages::invite)
        .get("/petugas/admin/petugas/{id}", ADMIN, staff_pages::officer_detail)
        .post("/petugas/admin/petugas/{id}/{what}", ADMIN, staff_pages::officer_action)
        .get("/petugas/admin/bantuan", ADMIN, crate::catalog::help_pages::admin_help)
        .post(
            "/petugas/admin/bantuan",
            ADMIN,
            crate::catalog::help_pages::admin_help_save,
        )
        .get("/petugas/admin/kalender", ADMIN, admin::calendar_page)
        .post("/petugas/admin/kalender", ADMIN, admin::calendar_save)
        .get("/petugas/admin/notifikasi", ADMIN, notifications::pages::admin_page)
        .post("/petugas/admin/notifikasi", ADMIN, notifications::pages::admin_save)
        .post("/petugas/admin/kalender/hapus", ADMIN, admin::holiday_delete)
        .get("/petugas/admin/standar", ADMIN, standard_pages::standards_page)
        .get("/petugas/admin/standar/{code}", ADMIN, standard_pages::standard_page)
        .post("/petugas/admin/standar/{code}", ADMIN, standard_pages::standard_publish)
        .get("/petugas/admin/alur", ADMIN, workflow_pages::workflows)
        .get("/petugas/admin/alur/{code}", ADMIN, workflow_pages::workflow_edit)
        .post("/petugas/admin/alur/{code}", ADMIN, workflow_pages::workflow_publish)
        .get("/petugas/admin/dokumen", ADMIN, document_pages::documents_page)
        .post("/petugas/admin/dokumen", ADMIN, document_pages::letterhead_save)
        .post("/petugas/admin/dokumen/logo", ADMIN, document_pages::logo_save)
        .get(
            "/petugas/admin/dokumen/templat/{kind}",
            ADMIN,
            document_pages::template_page,
        )
        .post(
            "/petugas/admin/dokumen/templat/{kind}",
            ADMIN,
            document_pages::template_post,
        )
        .get(
            "/petugas/admin/dokumen/pratinjau/{kind}",
            ADMIN,
            document_pages::template_preview,
        )
}

/// The desks, the office admin, signing and the archive.
fn office_routes(r: Routes) -> Routes {
    use Access::*;
    admin_routes(r)
        .get("/petugas", Officer, desks::pages::tasks)
        .get("/petugas/ringkasan", Supervisor, desks::pages::summary)
        .get("/petugas/berkas/{id}", Officer, desks::pages::file)
        .post("/petugas/berkas/{id}/pesan", Officer, desks::pages::message_post)
        .get(
            "/petugas/berkas/{id}/pesan/{message}/lampiran",
            Officer,
            messages::pages::officer_attachment,
        )
        .post(
            "/petugas/berkas/{id}/pesan/{message}/pengaduan",
            Officer,
            messages::pages::officer_complaint,
        )
        .get("/petugas/pesan", Officer, messages::pages::inbox)
        .get("/petugas/pemberitahuan", Officer, notifications::pages::officer_choice)
        .post(
            "/petugas/pemberitahuan",
            Officer,
            notifications::pages::officer_choice_save,
        )
        .post("/petugas/berkas/{id}/aksi", StepRole, desks::pages::action)
        .post("/petugas/berkas/{id}/berita-acara", StepRole, desks::pages::inspection)
        .get("/petugas/berkas/{id}/dokumen/{which}", Officer, desks::pages::desk_pdf)
        .get(
            "/petugas/permohonan/{id}/syarat/{key}",
            Officer,
            applications::step_pages::officer_attachment,
        )
        .get(
            "/petugas/retribusi",
            OfficerRole(&[Role::Kasir, Role::Admin]),
            permits::retribution_pages::list,
        )
        .post(
            "/petugas/retribusi/{id}/bayar",
            OfficerRole(&[Role::Kasir, Role::Admin]),
            permits::retribution_pages::confirm,
        )
        .get("/petugas/tandatangan", KADIS, permits::pages::sign_list)
        .post("/petugas/tandatangan", KADIS, permits::pages::sign)
        .get("/petugas/izin", Officer, permits::pages::archive)
        .get("/petugas/izin/{id}", Officer, permits::pages::office_permit)
        .get("/petugas/izin/{id}/pdf", Officer, permits::pages::office_pdf)
        .post(
            "/petugas/izin/{id}/cabut",
            OfficerRole(&[Role::Kadis, Role::Admin]),
            permits::pages::revoke,
        )
        .post(
            "/petugas/izin/{id}/cetak",
            OfficerRole(&[Role::BackOffice, Role::Pencetakan]),
            permits::pages::print,
        )
        .post(
            "/petugas/izin/{id}/serahkan",
            OfficerRole(&[Role::FrontOffice, Role::Pencetakan]),
            permits::pages::handover,
        )
}

/// The complaints desk (Petugas Pengaduan and the admin).
const COMPLAINTS_DESK: Access = Access::OfficerRole(&[Role::Pengaduan, Role::Admin]);
/// The complaint report: the complaints desk, the head of office and the supervisors.
const COMPLAINTS_REPORT: Access =
    Access::OfficerRole(&[Role::Pengaduan, Role::Kasi, Role::Kabid, Role::Kadis, Role::Admin]);

/// Complaints: the public form and tracking, the complaints desk, its report and settings.
fn complaint_routes(r: Routes) -> Routes {
    use crate::complaints::{api, pages, report_pages, settings_pages};
    use Access::*;
    r.get("/pengaduan", Public, pages::form_page)
        .post("/pengaduan", Public, pages::form_post)
        .get("/pengaduan/lacak", Public, pages::track_form)
        .post("/pengaduan/lacak", Public, pages::track_post)
        .post("/pengaduan/lacak/tanggapan", Public, pages::respond_post)
        .get("/petugas/pengaduan", COMPLAINTS_DESK, pages::desk_list)
        .get("/petugas/pengaduan/baru", COMPLAINTS_DESK, pages::record_form)
        .post("/petugas/pengaduan/baru", COMPLAINTS_DESK, pages::record_post)
        .get(
            "/petugas/pengaduan/laporan",
            COMPLAINTS_REPORT,
            report_pages::report_page,
        )
        .get(
            "/petugas/pengaduan/laporan.csv",
            COMPLAINTS_REPORT,
            report_pages::report_csv,
        )
        .get("/petugas/pengaduan/{id}", COMPLAINTS_DESK, pages::desk_detail)
        .post("/petugas/pengaduan/{id}/aksi", COMPLAINTS_DESK, pages::desk_action)
        .post("/petugas/pengaduan/{id}/periksa", COMPLAINTS_DESK, pages::desk_examine)
        .get("/petugas/pengaduan/{id}/bukti", COMPLAINTS_DESK, pages::desk_evidence)
        .get("/petugas/admin/pengaduan", ADMIN, settings_pages::settings_page)
        .post("/petugas/admin/pengaduan", ADMIN, settings_pages::settings_save)
        .post("/api/v1/complaints", Public, api::create_complaint)
        .post("/api/v1/complaints/track", Public, api::track_complaint)
        .post("/api/v1/complaints/respond", Public, api::respond_complaint)
        .get("/api/v1/desk/complaints", COMPLAINTS_DESK, api::desk_complaints)
        .post("/api/v1/desk/complaints", COMPLAINTS_DESK, api::record_complaint)
        .get(
            "/api/v1/desk/complaints/report",
            COMPLAINTS_REPORT,
            api::complaint_report,
        )
        .get("/api/v1/desk/complaints/{id}", COMPLAINTS_DESK, api::desk_complaint)
        .post(
            "/api/v1/desk/complaints/{id}/actions",
            COMPLAINTS_DESK,
            api::desk_complaint_action,
        )
        .get(
            "/api/v1/desk/complaints/{id}/evidence/{evidence}",
            COMPLAINTS_DESK,
            api::desk_complaint_evidence,
        )
}

/// Pesan Pengaduan over the API: the applicant's side and the office's side of a thread.
/// The office admin's API.
fn admin_api_routes(r: Routes) -> Routes {
    use crate::office_admin::api;
    r.get("/api/v1/admin/office", ADMIN, api::get_office)
        .put("/api/v1/admin/office", ADMIN, api::update_office)
        .get("/api/v1/admin/officers", ADMIN, api::list_officers)
        .post("/api/v1/admin/officers", ADMIN, api::invite_officer)
        .get("/api/v1/admin/officers/{id}", ADMIN, api::get_officer)
        .put("/api/v1/admin/officers/{id}/roles", ADMIN, api::set_roles)
        .post("/api/v1/admin/officers/{id}/{step}", ADMIN, api::account_step)
        .get("/api/v1/admin/audit", ADMIN, api::audit)
        .get(
            "/api/v1/admin/standards",
            ADMIN,
            crate::office_admin::standard_api::list_standards,
        )
        .get(
            "/api/v1/admin/standards/{code}",
            ADMIN,
            crate::office_admin::standard_api::get_standard,
        )
        .post(
            "/api/v1/admin/standards/{code}",
            ADMIN,
            crate::office_admin::standard_api::publish_standard,
        )
}

fn message_api_routes(r: Routes) -> Routes {
    use Access::*;
    r.get(
        "/api/v1/applications/{id}/messages",
        Applicant,
        messages::api::applicant_thread,
    )
    .post(
        "/api/v1/applications/{id}/messages",
        Applicant,
        messages::api::applicant_post,
    )
    .get(
        "/api/v1/applications/{id}/messages/{message}/attachment",
        Applicant,
        messages::api::applicant_attachment,
    )
    .get(
        "/api/v1/desk/applications/{id}/messages",
        Officer,
        messages::api::desk_thread,
    )
    .post(
        "/api/v1/desk/applications/{id}/messages",
        Officer,
        messages::api::desk_post,
    )
    .get(
        "/api/v1/desk/applications/{id}/messages/{message}/attachment",
        Officer,
        messages::api::desk_attachment,
    )
}

/// The JSON API's public part: the document, accounts and sign-in, the gateways' callbacks, the
/// catalog and the areas.
fn api_public_routes(r: Routes) -> Routes {
    use Access::*;
    r.get("/api/openapi.json", Public, super::openapi::openapi)
        .post("/api/v1/auth/register", Public, accounts::api::register)
        .post("/api/v1/auth/verify", Public, accounts::api::verify)
        .post("/api/v1/auth/resend-verification", Public, accounts::api::resend)
        .get("/api/hooks/whatsapp", Public, notifications::api::whatsapp_handshake)
        .post("/api/hooks/whatsapp", Public, notifications::api::whatsapp_webhook)
        .post("/api/hooks/sms", Public, notifications::api::sms_webhook)
        .post("/api/hooks/payment", Public, permits::retribution_api::payment_callback)
        .post("/api/v1/auth/login", Public, auth::api::login)
        .post("/api/v1/auth/logout", SignedIn, auth::api::logout)
        .post("/api/v1/auth/forgot-password", Public, accounts::api::forgot)
        .post("/api/v1/auth/reset-password", Public, accounts::api::reset)
        .get("/api/v1/me", SignedIn, accounts::api::me)
        .put("/api/v1/me/profile", Applicant, accounts::api::update_profile)
        .get("/api/v1/offices", Public, catalog::api::list_offices)
        .get("/api/v1/catalog", Public, catalog::api::catalog)
        .get("/api/v1/catalog/{code}", Public, catalog::api::catalog_item)
        .get(
            "/api/v1/offices/{office}/standards/{code}",
            Public,
            catalog::api::office_standard,
        )
        .get("/api/v1/areas/{code}", Public, catalog::api::areas)
}

/// The JSON API (`/api`), described by `/api/openapi.json`.
fn api_routes(r: Routes) -> Routes {
    use Access::*;
    use applications::api as apps;
    let r = api_public_routes(r)
        .get("/api/v1/applications", Applicant, apps::list_applications)
        .post("/api/v1/applications", Applicant, apps::create_application)
        .get("/api/v1/applications/{id}", Applicant, apps::get_application)
        .get(
            "/api/v1/applications/{id}/retribution",
            Applicant,
            permits::retribution_api::get_retribution,
        )
        .delete("/api/v1/applications/{id}", Applicant, apps::delete_application)
        .put("/api/v1/applications/{id}/applicant", Applicant, apps::put_applicant)
        .put("/api/v1/applications/{id}/form", Applicant, apps::put_form)
        .put(
            "/api/v1/applications/{id}/documents/{key}",
            Applicant,
            apps::put_document,
        )
        .delete(
            "/api/v1/applications/{id}/documents/{key}",
            Applicant,
            apps::delete_document,
        )
        .post(
            "/api/v1/applications/{id}/documents/{key}/from-library",
            Applicant,
            apps::attach_from_library,
        )
        .post("/api/v1/applications/{id}/submit", Applicant, apps::submit)
        .post("/api/v1/applications/{id}/withdraw", Applicant, apps::withdraw)
        .get(
            "/api/v1/applications/{id}/revision",
            Applicant,
            desks::revision_api::get_revision,
        )
        .put(
            "/api/v1/applications/{id}/revision/fields",
            Applicant,
            desks::revision_api::put_revision_fields,
        )
        .put(
            "/api/v1/applications/{id}/revision/documents/{key}",
            Applicant,
            desks::revision_api::put_revision_document,
        )
        .post(
            "/api/v1/applications/{id}/resubmit",
            Applicant,
            desks::revision_api::resubmit,
        )
        .get("/api/v1/documents", Applicant, library::api::list_library)
        .post("/api/v1/documents", Applicant, library::api::add_library)
        .get("/api/v1/documents/{id}", Applicant, library::api::get_library_file)
        .delete("/api/v1/documents/{id}", Applicant, library::api::delete_library)
        .get("/api/v1/track", Public, apps::track);
    r.get("/api/v1/desk/tasks", Officer, desks::api::desk_tasks)
        .get("/api/v1/desk/summary", Supervisor, desks::api::desk_summary)
        .get("/api/v1/desk/officers", Officer, desks::api::desk_officers)
        .get("/api/v1/desk/applications/{id}", Officer, desks::api::desk_file)
        .get(
            "/api/v1/desk/applications/{id}/documents/{key}",
            Officer,
            desks::api::desk_document,
        )
        .post(
            "/api/v1/desk/applications/{id}/actions",
            StepRole,
            desks::api::desk_action,
        )
        .post(
            "/api/v1/desk/applications/{id}/inspection",
            StepRole,
            desks::api::desk_inspection,
        )
        .get("/api/v1/permits", Applicant, permits::api::list_permits)
        .get("/api/v1/permits/{id}/pdf", Applicant, permits::api::permit_pdf)
        .post("/api/v1/permits/{id}/renew", Applicant, permits::api::renew_permit)
        .post("/api/v1/permits/{id}/cancel", Applicant, permits::api::cancel_permit)
        .post("/api/v1/permits/{id}/change", Applicant, permits::api::change_permit)
        .post("/api/v1/permits/{id}/survey", Applicant, survey::api::survey_permit)
}

#[cfg(test)]
mod tests {
    use super::table;
    use std::collections::BTreeSet;

    #[test]
    fn each_route_is_registered_once() {
        let mut seen = BTreeSet::new();
        for r in table() {
            assert!(
                seen.insert((r.method, r.path)),
                "{} {} registered twice",
                r.method,
                r.path
            );
            assert!(r.path.starts_with('/'), "{}", r.path);
        }
    }
}
