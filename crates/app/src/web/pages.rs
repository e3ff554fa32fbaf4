//! Pages for everyone: the public catalog and Standar Pelayanan, accounts (register, verify,
//! login, reset, profile), tracking, the development mailbox, and the officer's inbox.

use super::ctx::{ApplicantUser, OfficerUser, Visitor};
use super::error::WebError;
use super::templates::*;
use super::{SESSION_COOKIE, set_cookie};
use crate::accounts::{self, Profile, SessionKind, SubjectKind};
use crate::applications;
use crate::error::ServiceError;
use crate::offices;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use izinkes_domain::catalog::{FieldErrors, PermitType};
use izinkes_domain::wilayah::{ODBL_CREDIT, Wilayah};
use std::collections::HashMap;

pub type PageResult = Result<Response, WebError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/layanan/{code}", get(service_page))
        .route("/tentang", get(about))
        .route("/daftar", get(register_form).post(register))
        .route("/verifikasi", get(verify))
        .route("/verifikasi/kirim-ulang", get(resend_form).post(resend))
        .route("/masuk", get(login_form).post(login))
        .route("/keluar", post(logout))
        .route("/lupa-sandi", get(forgot_form).post(forgot))
        .route("/atur-ulang-sandi", get(reset_form).post(reset))
        .route("/akun/profil", get(profile_form).post(profile_save))
        .route("/akun/foto", get(photo).post(photo_upload))
        .route("/wilayah/{code}", get(area_children))
        .route("/lacak", get(track_form).post(track))
        .route("/dev/mailbox", get(mailbox))
        .route("/petugas/masuk", get(officer_login_form).post(officer_login))
}

/// A urlencoded form body: first value per key, and every value for repeated keys.
pub struct FormBody {
    pub pairs: Vec<(String, String)>,
}

impl FormBody {
    pub fn parse(bytes: &[u8]) -> FormBody {
        FormBody { pairs: form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect() }
    }
    pub fn get(&self, key: &str) -> String {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }
    pub fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }
    /// All values as a map (first wins), without the CSRF token.
    pub fn map(&self) -> HashMap<String, String> {
        let mut m = HashMap::new();
        for (k, v) in &self.pairs {
            if k != super::CSRF_FIELD {
                m.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        m
    }
}

pub fn page<T: askama::Template>(t: &T) -> Response {
    render(t).into_response()
}

pub fn page_with_status<T: askama::Template>(status: StatusCode, t: &T) -> Response {
    (status, render(t)).into_response()
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Only local paths are followed after login (no open redirects).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.starts_with("/masuk") {
        next.to_string()
    } else {
        "/permohonan".to_string()
    }
}

pub fn group_services(permits: &[&PermitType], q: &str) -> Vec<ServiceGroup> {
    let q = q.trim().to_lowercase();
    let mut groups: Vec<ServiceGroup> = Vec::new();
    for p in permits {
        let hay = format!("{} {} {} {}", p.name, p.short_name, p.profession, p.code).to_lowercase();
        if !q.is_empty() && !q.split_whitespace().all(|w| hay.contains(w)) {
            continue;
        }
        match groups.iter_mut().find(|g| g.category == p.category) {
            Some(g) => g.items.push((*p).clone()),
            None => groups.push(ServiceGroup { category: p.category.clone(), items: vec![(*p).clone()] }),
        }
    }
    groups
}

#[derive(serde::Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn home(State(state): State<AppState>, v: Visitor, Query(sq): Query<SearchQuery>) -> PageResult {
    let (_, catalog) = state.current_catalog().await?;
    let permits: Vec<&PermitType> = catalog.permit_types.iter().collect();
    let groups = group_services(&permits, &sq.q);
    let total = groups.iter().map(|g| g.items.len()).sum();
    Ok(page(&HomePage {
        ctx: v.ctx(&state, "Layanan Perizinan Kesehatan", "layanan"),
        q: sq.q.chars().take(100).collect(),
        groups,
        total,
        offices: offices::list(&state).await?,
    }))
}

async fn service_page(State(state): State<AppState>, v: Visitor, Path(code): Path<String>) -> PageResult {
    let (_, catalog) = state.current_catalog().await?;
    let permit = catalog.get(&code).ok_or(WebError::NotFound)?.clone();
    let mut serving = Vec::new();
    for o in offices::list(&state).await? {
        if offices::is_enabled(&state, &o.id, &permit.code).await? {
            serving.push(o);
        }
    }
    Ok(page(&ServicePage { ctx: v.ctx(&state, &permit.name, "layanan"), permit, offices: serving }))
}

async fn about(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&AboutPage { ctx: v.ctx(&state, "Tentang izinkes", ""), credit: ODBL_CREDIT }))
}

fn register_page(state: &AppState, v: &Visitor, form: FormState) -> RegisterPage {
    let area = AreaPicker::from_form("village_code", "Wilayah alamat pemohon", &form);
    RegisterPage { ctx: v.ctx(state, "Pendaftaran Akun", "daftar"), form, area }
}

async fn register_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    let mut values = HashMap::new();
    values.insert("identity_type".to_string(), "KTP".to_string());
    Ok(page(&register_page(&state, &v, FormState::new(values, FieldErrors::new()))))
}

async fn register(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let mut values = f.map();
    values.remove("password");
    values.remove("password_confirm");
    if f.has("_pilih_wilayah") {
        return Ok(page(&register_page(&state, &v, FormState::new(values, FieldErrors::new()))));
    }
    let input = accounts::RegisterInput {
        full_name: f.get("full_name"),
        identity_type: f.get("identity_type"),
        identity_number: f.get("identity_number"),
        phone: f.get("phone"),
        address: f.get("address"),
        village_code: f.get("village_code"),
        email: f.get("email"),
        password: f.get("password"),
        password_confirm: f.get("password_confirm"),
        consent: f.has("consent"),
    };
    match accounts::register(&state, &input).await {
        Ok(_) => Ok(page(&MessagePage {
            ctx: v.ctx(&state, "Pendaftaran berhasil", "daftar"),
            heading: "Pendaftaran berhasil — silakan cek email Anda".into(),
            paragraphs: vec![
                format!("Kami telah mengirim tautan konfirmasi ke {}.", input.email.trim().to_lowercase()),
                "Klik Konfirmasi pada email tersebut untuk mengaktifkan akun, lalu masuk. Tautan berlaku 3 hari. \
                 Jika email tidak datang dalam beberapa menit, periksa folder spam atau minta tautan baru."
                    .into(),
            ],
            link: Some(("/verifikasi/kirim-ulang".into(), "Kirim ulang tautan konfirmasi".into())),
        })),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &register_page(&state, &v, FormState::new(values, errors)),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn verify(State(state): State<AppState>, v: Visitor, Query(q): Query<TokenQuery>) -> PageResult {
    match accounts::verify_email(&state, &q.token).await {
        Ok(()) => Ok(page(&MessagePage {
            ctx: v.ctx(&state, "Akun aktif", ""),
            heading: "Email terkonfirmasi — akun Anda aktif".into(),
            paragraphs: vec!["Silakan masuk dengan email dan kata sandi Anda, lalu lengkapi profil.".into()],
            link: Some(("/masuk".into(), "Masuk".into())),
        })),
        Err(ServiceError::Refused(m)) => Ok(page_with_status(
            StatusCode::BAD_REQUEST,
            &MessagePage {
                ctx: v.ctx(&state, "Tautan tidak berlaku", ""),
                heading: "Tautan konfirmasi tidak berlaku".into(),
                paragraphs: vec![m],
                link: Some(("/verifikasi/kirim-ulang".into(), "Minta tautan baru".into())),
            },
        )),
        Err(e) => Err(e.into()),
    }
}

fn email_page(state: &AppState, v: &Visitor, resend: bool, form: FormState) -> EmailFormPage {
    if resend {
        EmailFormPage {
            ctx: v.ctx(state, "Kirim ulang konfirmasi", ""),
            heading: "Kirim ulang tautan konfirmasi".into(),
            intro: "Masukkan email yang Anda daftarkan; jika akunnya belum dikonfirmasi, kami kirim tautan baru.".into(),
            action: "/verifikasi/kirim-ulang".into(),
            button: "Kirim tautan".into(),
            form,
        }
    } else {
        EmailFormPage {
            ctx: v.ctx(state, "Lupa kata sandi", ""),
            heading: "Lupa kata sandi".into(),
            intro: "Masukkan email akun Anda. Jika terdaftar, kami kirim tautan untuk mengatur ulang kata sandi (berlaku 1 jam).".into(),
            action: "/lupa-sandi".into(),
            button: "Kirim tautan".into(),
            form,
        }
    }
}

async fn email_action(state: AppState, v: Visitor, body: Bytes, resend: bool) -> PageResult {
    let f = FormBody::parse(&body);
    let email = f.get("email");
    let result = if resend {
        accounts::resend_verification(&state, &email).await
    } else {
        accounts::request_password_reset(&state, &email).await
    };
    match result {
        Ok(()) => Ok(page(&MessagePage {
            ctx: v.ctx(&state, "Tautan dikirim", ""),
            heading: "Periksa email Anda".into(),
            paragraphs: vec![format!(
                "Jika {} terdaftar{}, tautan sudah kami kirim. Periksa juga folder spam.",
                email.trim(),
                if resend { " dan belum dikonfirmasi" } else { "" }
            )],
            link: Some(("/masuk".into(), "Kembali ke halaman masuk".into())),
        })),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &email_page(&state, &v, resend, FormState::new(f.map(), errors)),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn resend_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&email_page(&state, &v, true, FormState::default())))
}

async fn resend(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    email_action(state, v, body, true).await
}

async fn forgot_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&email_page(&state, &v, false, FormState::default())))
}

async fn forgot(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    email_action(state, v, body, false).await
}

async fn reset_form(State(state): State<AppState>, v: Visitor, Query(q): Query<TokenQuery>) -> PageResult {
    Ok(page(&ResetPage { ctx: v.ctx(&state, "Atur ulang kata sandi", ""), token: q.token, form: FormState::default() }))
}

async fn reset(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let token = f.get("token");
    match accounts::reset_password(&state, &token, &f.get("password"), &f.get("password_confirm")).await {
        Ok(()) => Ok(page(&MessagePage {
            ctx: v.ctx(&state, "Kata sandi diperbarui", ""),
            heading: "Kata sandi berhasil diperbarui".into(),
            paragraphs: vec!["Semua sesi lama telah diakhiri. Silakan masuk dengan kata sandi baru.".into()],
            link: Some(("/masuk".into(), "Masuk".into())),
        })),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetPage { ctx: v.ctx(&state, "Atur ulang kata sandi", ""), token, form: FormState::new(HashMap::new(), errors) },
        )),
        Err(ServiceError::Refused(m)) => Ok(page_with_status(
            StatusCode::BAD_REQUEST,
            &MessagePage {
                ctx: v.ctx(&state, "Tautan tidak berlaku", ""),
                heading: "Tautan tidak berlaku".into(),
                paragraphs: vec![m],
                link: Some(("/lupa-sandi".into(), "Minta tautan baru".into())),
            },
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    lanjut: String,
}

pub fn demo_logins(state: &AppState, officer: bool) -> Vec<(String, String, String)> {
    if !state.config.demo {
        return Vec::new();
    }
    crate::demo::logins()
        .into_iter()
        .filter(|(role, _, _)| (role == "Pemohon") != officer)
        .collect()
}

fn login_page(state: &AppState, v: &Visitor, officer: bool, form: FormState, next: String, notice: String, show_resend: bool) -> LoginPage {
    LoginPage {
        ctx: v.ctx(state, if officer { "Masuk Petugas" } else { "Masuk" }, "masuk"),
        form,
        next,
        officer,
        notice,
        show_resend,
        demo_logins: demo_logins(state, officer),
    }
}

async fn login_form(State(state): State<AppState>, v: Visitor, Query(q): Query<NextQuery>) -> PageResult {
    let notice = if q.lanjut.is_empty() { String::new() } else { "Silakan masuk terlebih dahulu untuk melanjutkan.".into() };
    Ok(page(&login_page(&state, &v, false, FormState::default(), q.lanjut, notice, false)))
}

async fn officer_login_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&login_page(&state, &v, true, FormState::default(), "/petugas".into(), String::new(), false)))
}

async fn do_login(state: AppState, v: Visitor, body: Bytes, subject: SubjectKind) -> PageResult {
    let f = FormBody::parse(&body);
    let officer = subject == SubjectKind::Officer;
    let mut values = f.map();
    values.remove("password");
    let next = f.get("lanjut");
    match accounts::login(&state, subject, &f.get("email"), &f.get("password"), &v.client, SessionKind::Web).await {
        Ok(token) => {
            if let Some(old) = &v.session_token {
                accounts::logout(&state, old).await?;
            }
            let to = if officer { "/petugas".to_string() } else { safe_next(&next) };
            let mut r = see_other(&to);
            r.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, None, state.config.secure_cookies(), "Lax"));
            Ok(r)
        }
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &login_page(&state, &v, officer, FormState::new(values, errors), next, String::new(), false),
        )),
        Err(ServiceError::Refused(m)) | Err(ServiceError::Throttled(m)) => {
            let show_resend = m.contains("belum dikonfirmasi");
            let mut errors = FieldErrors::new();
            errors.insert("email".into(), m);
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &login_page(&state, &v, officer, FormState::new(values, errors), next, String::new(), show_resend),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn login(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    do_login(state, v, body, SubjectKind::Applicant).await
}

async fn officer_login(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    do_login(state, v, body, SubjectKind::Officer).await
}

async fn logout(State(state): State<AppState>, v: Visitor) -> PageResult {
    if let Some(t) = &v.session_token {
        accounts::logout(&state, t).await?;
    }
    let mut r = see_other("/");
    r.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), state.config.secure_cookies(), "Lax"));
    Ok(r)
}

fn profile_values(p: &Profile) -> HashMap<String, String> {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .map(|o| o.into_iter().map(|(k, v)| (k, v.as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default()
}

async fn profile_page(state: &AppState, user: &ApplicantUser, form: FormState, saved: bool, photo_error: String) -> Result<ProfilePage, WebError> {
    let a = accounts::load_applicant(state, &user.id).await?;
    let nik = a.nik();
    let w = Wilayah::builtin();
    let _ = w;
    Ok(ProfilePage {
        ctx: user.ctx(state, "Akun Profile", "profil"),
        ktp_area: AreaPicker::from_form("ktp_village_code", "Kelurahan / Kecamatan KTP", &form),
        domicile_area: AreaPicker::from_form("domicile_village_code", "Kelurahan / Kecamatan Domisili", &form),
        form,
        account: AccountSummary {
            full_name: a.full_name.clone(),
            email: a.email.clone(),
            identity: a.masked_identity(),
            identity_type: if a.identity_type == accounts::IdentityType::Ktp { "NIK KTP".into() } else { "Paspor".into() },
            phone: a.phone.clone(),
            address: format!("{}, {}", a.address, area_label(&a.village_code)),
            nik_sex: nik.as_ref().map(|n| n.sex().label_id().to_string()).unwrap_or_default(),
            nik_birth: nik.as_ref().map(|n| super::fmt::date_id(n.birth_date())).unwrap_or_default(),
        },
        religions: accounts::RELIGIONS.to_vec(),
        marital: accounts::MARITAL.to_vec(),
        education: accounts::EDUCATION.to_vec(),
        saved,
        has_photo: a.photo_sha256.is_some(),
        photo_error,
    })
}

#[derive(serde::Deserialize, Default)]
struct SavedQuery {
    #[serde(default)]
    tersimpan: Option<String>,
}

async fn profile_form(State(state): State<AppState>, user: ApplicantUser, Query(q): Query<SavedQuery>) -> PageResult {
    let a = accounts::load_applicant(&state, &user.id).await?;
    let form = FormState::new(profile_values(&a.profile), FieldErrors::new());
    Ok(page(&profile_page(&state, &user, form, q.tersimpan.is_some(), String::new()).await?))
}

async fn profile_save(State(state): State<AppState>, user: ApplicantUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let values = f.map();
    if f.has("_pilih_wilayah") {
        return Ok(page(&profile_page(&state, &user, FormState::new(values, FieldErrors::new()), false, String::new()).await?));
    }
    let input: Profile = serde_json::from_value(serde_json::to_value(&values).unwrap_or_default()).unwrap_or_default();
    let a = accounts::load_applicant(&state, &user.id).await?;
    match accounts::update_profile(&state, &a, &input).await {
        Ok(_) => Ok(see_other("/akun/profil?tersimpan=1")),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &profile_page(&state, &user, FormState::new(values, errors), false, String::new()).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

/// Reads the first file field of a multipart body: (field name, file name, bytes).
pub async fn read_file_field(mut mp: Multipart) -> Result<(Option<(String, Vec<u8>)>, HashMap<String, String>), WebError> {
    let mut file = None;
    let mut fields = HashMap::new();
    loop {
        let next = mp.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE { WebError::TooLarge } else { WebError::BadRequest("Unggahan terputus atau rusak; silakan coba lagi.".into()) }
        })?;
        let Some(field) = next else { break };
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) if file.is_none() => {
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE { WebError::TooLarge } else { WebError::BadRequest("Unggahan terputus; silakan coba lagi.".into()) }
                })?;
                if !filename.is_empty() || !bytes.is_empty() {
                    file = Some((filename, bytes.to_vec()));
                }
            }
            _ => {
                let text = field.text().await.unwrap_or_default();
                fields.insert(name, text.chars().take(500).collect());
            }
        }
    }
    Ok((file, fields))
}

async fn photo_upload(State(state): State<AppState>, user: ApplicantUser, mp: Multipart) -> PageResult {
    let (file, _) = read_file_field(mp).await?;
    let a = accounts::load_applicant(&state, &user.id).await?;
    let bytes = file.map(|(_, b)| b).unwrap_or_default();
    match accounts::set_photo(&state, &a, &bytes).await {
        Ok(()) => Ok(see_other("/akun/profil?tersimpan=1")),
        Err(ServiceError::Invalid(errors)) => {
            let msg = errors.get("photo").cloned().unwrap_or_default();
            let form = FormState::new(profile_values(&a.profile), FieldErrors::new());
            Ok(page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &profile_page(&state, &user, form, false, msg).await?))
        }
        Err(e) => Err(e.into()),
    }
}

async fn photo(State(state): State<AppState>, user: ApplicantUser) -> PageResult {
    let a = accounts::load_applicant(&state, &user.id).await?;
    let sha = a.photo_sha256.ok_or(WebError::NotFound)?;
    let bytes = state.store.get(&sha).await.map_err(ServiceError::from)?;
    let mime = crate::files::sniff(&bytes).map(|f| f.mime()).unwrap_or("application/octet-stream");
    Ok(([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "private, no-store")], bytes).into_response())
}

#[derive(serde::Serialize)]
struct AreaJson {
    code: String,
    name: String,
}

/// Children of an area code as JSON for the pickers (`/wilayah/51.01`); `/wilayah/root` lists provinces.
async fn area_children(Path(code): Path<String>) -> Response {
    let w = Wilayah::builtin();
    let list = if code == "root" { w.provinces() } else { w.children(&code) };
    let out: Vec<AreaJson> = list
        .iter()
        .map(|a| AreaJson { code: a.code.clone(), name: w.display_name(&a.code).unwrap_or_else(|| a.name.clone()) })
        .collect();
    ([(header::CACHE_CONTROL, "public, max-age=86400")], axum::Json(out)).into_response()
}

async fn track_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&TrackPage { ctx: v.ctx(&state, "Lacak Permohonan", "lacak"), form: FormState::default(), result: None, notice: String::new() }))
}

async fn track(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let values = f.map();
    let ctx = v.ctx(&state, "Lacak Permohonan", "lacak");
    match applications::track(&state, &f.get("number"), &f.get("nik4"), &v.client).await {
        Ok(r) => Ok(page(&TrackPage { ctx, form: FormState::new(values, FieldErrors::new()), result: Some(r), notice: String::new() })),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TrackPage { ctx, form: FormState::new(values, errors), result: None, notice: String::new() },
        )),
        Err(ServiceError::Refused(m)) | Err(ServiceError::Throttled(m)) => Ok(page_with_status(
            StatusCode::NOT_FOUND,
            &TrackPage { ctx, form: FormState::new(values, FieldErrors::new()), result: None, notice: m },
        )),
        Err(e) => Err(e.into()),
    }
}

/// The development mailbox: only in demo mode without SMTP.
async fn mailbox(State(state): State<AppState>, v: Visitor) -> PageResult {
    if !state.config.demo || state.config.smtp_url.is_some() {
        return Err(WebError::NotFound);
    }
    let rows = crate::outbox::dev_mailbox(&state.db, 100).await.map_err(ServiceError::from)?;
    let mails = rows
        .into_iter()
        .map(|(at, recipient, subject, body)| {
            let links = body
                .split_whitespace()
                .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                .map(|w| {
                    // Make links relative so they work whatever host the browser used.
                    let base = state.config.base_url.trim_end_matches('/');
                    w.strip_prefix(base).unwrap_or(w).to_string()
                })
                .collect();
            MailRow { at: super::fmt::timestamp_id(&at, super::fmt::wib(), "WIB"), recipient, subject, body, links }
        })
        .collect();
    Ok(page(&MailboxPage { ctx: v.ctx(&state, "Kotak surat pengembangan", ""), mails }))
}

pub async fn officer_home(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    let office = offices::get(&state, &o.office_id).await?;
    let items = crate::web::pages_apply::officer_rows(&state, &office).await?;
    Ok(page(&OfficerHomePage {
        ctx: o.visitor.ctx(&state, "Permohonan Masuk", "petugas"),
        office_name: office.name,
        roles: o.roles.iter().map(|r| crate::roles::role_label(r)).collect(),
        items,
    }))
}
