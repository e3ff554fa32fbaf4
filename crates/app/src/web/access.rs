//! Who may call each route: the reviewed statement of intent for every page and API operation.
//!
//! The router does not read this table — each handler declares its guard through its extractors
//! (`Visitor`, `ApplicantUser`, `OfficerUser`, `ApiCaller`, `ApiApplicant`, `ApiOfficer`) and the
//! services scope every record to its owner or office. The integration test `authz` holds both to
//! this table: it reads every `.route(…)` of `web/*.rs` and fails when a route is missing here (or
//! listed here but gone), then calls every route as every kind of caller and expects exactly the
//! callers allowed here to get through.
//!
//! What "refused" looks like: pages send someone who is not signed in to the login page
//! (`/masuk`, or `/petugas/masuk` for officer pages) and answer 403 to the wrong kind of account;
//! the API answers 401 without a valid token and 403 to the wrong kind of account. A record that
//! exists but is not the caller's (another applicant's application or file, another office's
//! file) is 404 everywhere, so ids cannot be probed.

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: public pages, registration and sign-in, tracking, reference data.
    Public,
    /// Only on a demonstration server without SMTP (the development mailbox); 404 for everyone
    /// anywhere else.
    DemoOnly,
    /// Anyone with a valid session or token, applicant or officer (who am I, sign out).
    SignedIn,
    /// A signed-in applicant (Pemohon). Where the path has `{id}` — an application, a file of
    /// Manajer Berkas or a permit — only its owner; anyone else gets 404.
    Applicant,
    /// An officer whose password was accepted, including a session that still owes its second
    /// factor: the two-step sign-in and enrolment pages. Anyone else goes to the officer login.
    OfficerSignIn,
    /// A fully signed-in officer of any office (own desk, own account). Where the path has `{id}`
    /// — an application or a permit — only officers of its office; other offices get 404.
    Officer,
    /// A desk action on the file `{id}`: an officer of the file's office (other offices get 404).
    /// The service then lets only holders of the role of the file's current step act (others
    /// 422 `refused`; 409 when the file changed since it was read or another officer holds it),
    /// and only supervisors reassign a file.
    StepRole,
    /// The heads who supervise the desks of their own office
    /// ([`crate::desks::Officer::is_supervisor`]: Kepala Seksi, Kepala Bidang, Kepala Dinas, Admin).
    Supervisor,
    /// Officers holding one of these roles, for their own office (the admin pages: `["admin"]`).
    /// Where the path has `{id}`, only for records of their own office (others 404).
    OfficerRole(&'static [&'static str]),
}

/// The office admin's pages.
const ADMIN: Access = Access::OfficerRole(&["admin"]);
/// The head of office's signing desk.
const KADIS: Access = Access::OfficerRole(&["kadis"]);

use Access::*;

/// Every route of the application: (method, full path with `{param}` segments, who may call it).
/// Paths are as the router sees them, the API's with its `/api` prefix.
pub const ACCESS: &[(&str, &str, Access)] = &[
    // Infrastructure (web/mod.rs).
    ("GET", "/healthz", Public),
    ("GET", "/readyz", Public),
    ("GET", "/static/app.css", Public),
    ("GET", "/static/app.js", Public),
    // Public pages and accounts (web/pages.rs).
    ("GET", "/", Public),
    ("GET", "/layanan/{code}", Public),
    ("GET", "/tentang", Public),
    ("GET", "/daftar", Public),
    ("POST", "/daftar", Public),
    ("GET", "/verifikasi", Public),
    ("GET", "/verifikasi/kirim-ulang", Public),
    ("POST", "/verifikasi/kirim-ulang", Public),
    ("GET", "/masuk", Public),
    ("POST", "/masuk", Public),
    ("POST", "/keluar", Public),
    ("GET", "/lupa-sandi", Public),
    ("POST", "/lupa-sandi", Public),
    ("GET", "/atur-ulang-sandi", Public),
    ("POST", "/atur-ulang-sandi", Public),
    ("GET", "/akun/profil", Applicant),
    ("POST", "/akun/profil", Applicant),
    ("GET", "/akun/foto", Applicant),
    ("POST", "/akun/foto", Applicant),
    ("GET", "/wilayah/{code}", Public),
    ("GET", "/lacak", Public),
    ("POST", "/lacak", Public),
    ("GET", "/dev/mailbox", DemoOnly),
    ("GET", "/petugas/masuk", Public),
    ("POST", "/petugas/masuk", Public),
    ("GET", "/petugas/2fa", OfficerSignIn),
    ("POST", "/petugas/2fa", OfficerSignIn),
    ("GET", "/petugas/keamanan", OfficerSignIn),
    ("POST", "/petugas/keamanan/aktifkan", OfficerSignIn),
    ("POST", "/petugas/keamanan/kode-pemulihan", Officer),
    ("POST", "/petugas/keamanan/nonaktifkan", Officer),
    // The applicant's applications and Manajer Berkas (web/pages_apply.rs).
    ("GET", "/permohonan", Applicant),
    ("GET", "/permohonan/baru", Applicant),
    ("POST", "/permohonan/baru", Applicant),
    ("GET", "/permohonan/{id}", Applicant),
    ("GET", "/permohonan/{id}/tahap-1", Applicant),
    ("POST", "/permohonan/{id}/tahap-1", Applicant),
    ("GET", "/permohonan/{id}/tahap-2", Applicant),
    ("POST", "/permohonan/{id}/tahap-2", Applicant),
    ("GET", "/permohonan/{id}/tahap-3", Applicant),
    ("GET", "/permohonan/{id}/syarat/{key}", Applicant),
    ("POST", "/permohonan/{id}/syarat/{key}", Applicant),
    ("POST", "/permohonan/{id}/syarat/{key}/pilih", Applicant),
    ("POST", "/permohonan/{id}/syarat/{key}/hapus", Applicant),
    ("GET", "/permohonan/{id}/periksa", Applicant),
    ("POST", "/permohonan/{id}/ajukan", Applicant),
    ("GET", "/permohonan/{id}/bukti", Applicant),
    ("POST", "/permohonan/{id}/hapus", Applicant),
    ("GET", "/berkas", Applicant),
    ("POST", "/berkas", Applicant),
    ("GET", "/berkas/{id}", Applicant),
    ("POST", "/berkas/{id}/ganti", Applicant),
    ("POST", "/berkas/{id}/hapus", Applicant),
    ("GET", "/petugas/permohonan/{id}/syarat/{key}", Officer),
    // The desks and the applicant's side of the revision loop (web/pages_desk.rs).
    ("GET", "/petugas", Officer),
    ("GET", "/petugas/ringkasan", Supervisor),
    ("GET", "/petugas/berkas/{id}", Officer),
    ("POST", "/petugas/berkas/{id}/aksi", StepRole),
    ("POST", "/petugas/berkas/{id}/berita-acara", StepRole),
    ("GET", "/permohonan/{id}/perbaikan", Applicant),
    ("POST", "/permohonan/{id}/perbaikan", Applicant),
    ("POST", "/permohonan/{id}/perbaikan/berkas/{key}", Applicant),
    ("POST", "/permohonan/{id}/ajukan-ulang", Applicant),
    ("POST", "/permohonan/{id}/ajukan-baru", Applicant),
    // The office admin (web/pages_admin.rs).
    ("GET", "/petugas/admin/kalender", ADMIN),
    ("POST", "/petugas/admin/kalender", ADMIN),
    ("POST", "/petugas/admin/kalender/hapus", ADMIN),
    ("GET", "/petugas/admin/alur", ADMIN),
    ("GET", "/petugas/admin/alur/{code}", ADMIN),
    ("POST", "/petugas/admin/alur/{code}", ADMIN),
    // The office's documents: kop surat, signer block, templates with preview
    // (web/pages_documents.rs).
    ("GET", "/petugas/admin/dokumen", ADMIN),
    ("POST", "/petugas/admin/dokumen", ADMIN),
    ("POST", "/petugas/admin/dokumen/logo", ADMIN),
    ("GET", "/petugas/admin/dokumen/templat/{kind}", ADMIN),
    ("POST", "/petugas/admin/dokumen/templat/{kind}", ADMIN),
    ("GET", "/petugas/admin/dokumen/pratinjau/{kind}", ADMIN),
    // Issued permits: signing, the office archive, Izin Saya, public verification
    // (web/pages_permits.rs).
    ("GET", "/petugas/tandatangan", KADIS),
    ("POST", "/petugas/tandatangan", KADIS),
    ("GET", "/petugas/izin", Officer),
    ("GET", "/petugas/izin/{id}", Officer),
    ("GET", "/petugas/izin/{id}/pdf", Officer),
    ("POST", "/petugas/izin/{id}/cabut", OfficerRole(&["kadis", "admin"])),
    (
        "POST",
        "/petugas/izin/{id}/cetak",
        OfficerRole(&["back_office", "pencetakan"]),
    ),
    (
        "POST",
        "/petugas/izin/{id}/serahkan",
        OfficerRole(&["front_office", "pencetakan"]),
    ),
    ("GET", "/izin", Applicant),
    ("GET", "/izin/{id}/unduh", Applicant),
    ("POST", "/izin/{id}/perpanjang", Applicant),
    ("GET", "/izin/{id}/ubah", Applicant),
    ("POST", "/izin/{id}/ubah", Applicant),
    ("GET", "/izin/{id}/survei", Applicant),
    ("POST", "/izin/{id}/survei", Applicant),
    ("GET", "/permohonan/{id}/bukti.pdf", Applicant),
    ("GET", "/petugas/berkas/{id}/dokumen/{which}", Officer),
    ("GET", "/v/{token}", Public),
    ("POST", "/v/{token}/periksa", Public),
    // The JSON API (web/api.rs, nested under /api).
    ("GET", "/api/openapi.json", Public),
    ("POST", "/api/v1/auth/register", Public),
    ("POST", "/api/v1/auth/verify", Public),
    ("POST", "/api/v1/auth/resend-verification", Public),
    ("POST", "/api/v1/auth/login", Public),
    ("POST", "/api/v1/auth/logout", SignedIn),
    ("POST", "/api/v1/auth/forgot-password", Public),
    ("POST", "/api/v1/auth/reset-password", Public),
    ("GET", "/api/v1/me", SignedIn),
    ("PUT", "/api/v1/me/profile", Applicant),
    ("GET", "/api/v1/offices", Public),
    ("GET", "/api/v1/catalog", Public),
    ("GET", "/api/v1/catalog/{code}", Public),
    ("GET", "/api/v1/areas/{code}", Public),
    ("GET", "/api/v1/applications", Applicant),
    ("POST", "/api/v1/applications", Applicant),
    ("GET", "/api/v1/applications/{id}", Applicant),
    ("DELETE", "/api/v1/applications/{id}", Applicant),
    ("PUT", "/api/v1/applications/{id}/applicant", Applicant),
    ("PUT", "/api/v1/applications/{id}/form", Applicant),
    ("PUT", "/api/v1/applications/{id}/documents/{key}", Applicant),
    ("DELETE", "/api/v1/applications/{id}/documents/{key}", Applicant),
    (
        "POST",
        "/api/v1/applications/{id}/documents/{key}/from-library",
        Applicant,
    ),
    ("POST", "/api/v1/applications/{id}/submit", Applicant),
    ("GET", "/api/v1/applications/{id}/revision", Applicant),
    ("PUT", "/api/v1/applications/{id}/revision/fields", Applicant),
    ("PUT", "/api/v1/applications/{id}/revision/documents/{key}", Applicant),
    ("POST", "/api/v1/applications/{id}/resubmit", Applicant),
    ("GET", "/api/v1/documents", Applicant),
    ("POST", "/api/v1/documents", Applicant),
    ("GET", "/api/v1/documents/{id}", Applicant),
    ("DELETE", "/api/v1/documents/{id}", Applicant),
    ("GET", "/api/v1/track", Public),
    ("GET", "/api/v1/desk/tasks", Officer),
    ("GET", "/api/v1/desk/summary", Supervisor),
    ("GET", "/api/v1/desk/officers", Officer),
    ("GET", "/api/v1/desk/applications/{id}", Officer),
    ("GET", "/api/v1/desk/applications/{id}/documents/{key}", Officer),
    ("POST", "/api/v1/desk/applications/{id}/actions", StepRole),
    ("POST", "/api/v1/desk/applications/{id}/inspection", StepRole),
    ("GET", "/api/v1/permits", Applicant),
    ("GET", "/api/v1/permits/{id}/pdf", Applicant),
    ("POST", "/api/v1/permits/{id}/renew", Applicant),
    ("POST", "/api/v1/permits/{id}/change", Applicant),
    ("POST", "/api/v1/permits/{id}/survey", Applicant),
];

/// Who may call `method path` (the path with `{param}` segments as in [`ACCESS`]).
pub fn access_of(method: &str, path: &str) -> Option<Access> {
    ACCESS
        .iter()
        .find(|(m, p, _)| m.eq_ignore_ascii_case(method) && *p == path)
        .map(|(_, _, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::{ACCESS, access_of};
    use std::collections::BTreeSet;

    #[test]
    fn each_route_is_listed_once() {
        let mut seen = BTreeSet::new();
        for (m, p, _) in ACCESS {
            assert!(seen.insert((*m, *p)), "{m} {p} listed twice");
            assert!(
                ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(m),
                "{m} {p}: method in capitals"
            );
            assert!(p.starts_with('/'), "{m} {p}");
        }
    }

    #[test]
    fn every_api_operation_is_in_the_table() {
        for (m, p) in super::super::api::ROUTES {
            assert!(
                access_of(m, p).is_some(),
                "{m} {p} of api::ROUTES is missing from ACCESS"
            );
        }
        let api: Vec<_> = ACCESS.iter().filter(|(_, p, _)| p.starts_with("/api/")).collect();
        assert_eq!(
            api.len(),
            super::super::api::ROUTES.len(),
            "ACCESS lists API routes that api::ROUTES does not"
        );
    }
}
