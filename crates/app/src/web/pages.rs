//! Pages for everyone: the public catalog and Standar Pelayanan, accounts (register, verify,
//! login, reset, profile), tracking, the development mailbox, and the officer's inbox.

use super::ctx::{ApplicantUser, OFFICER_2FA_PATH, OfficerUser, Visitor};
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
        .route(OFFICER_2FA_PATH, get(officer_2fa_form).post(officer_2fa))
        .route(OFFICER_SECURITY_PATH, get(officer_security))
        .route("/petugas/keamanan/aktifkan", post(officer_totp_enable))
        .route("/petugas/keamanan/kode-pemulihan", post(officer_recovery_codes))
        .route("/petugas/keamanan/nonaktifkan", post(officer_totp_disable))
}

/// A urlencoded form body: first value per key, and every value for repeated keys.
pub struct FormBody {
    pub pairs: Vec<(String, String)>,
}

impl FormBody {
    pub fn parse(bytes: &[u8]) -> FormBody {
        FormBody {
            pairs: form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }
    pub fn get(&self, key: &str) -> String {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
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
            None => groups.push(ServiceGroup {
                category: p.category.clone(),
                items: vec![(*p).clone()],
            }),
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
    Ok(page(&ServicePage {
        ctx: v.ctx(&state, &permit.name, "layanan"),
        permit,
        offices: serving,
    }))
}

async fn about(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&AboutPage {
        ctx: v.ctx(&state, "Tentang izinkes", ""),
        credit: ODBL_CREDIT,
    }))
}

fn register_page(state: &AppState, v: &Visitor, form: FormState) -> RegisterPage {
    let area = AreaPicker::from_form("village_code", "Wilayah alamat pemohon", &form);
    RegisterPage {
        ctx: v.ctx(state, "Pendaftaran Akun", "daftar"),
        form,
        area,
    }
}

async fn register_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    let mut values = HashMap::new();
    values.insert("identity_type".to_string(), "KTP".to_string());
    Ok(page(&register_page(
        &state,
        &v,
        FormState::new(values, FieldErrors::new()),
    )))
}

async fn register(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let mut values = f.map();
    values.remove("password");
    values.remove("password_confirm");
    if f.has("_pilih_wilayah") {
        return Ok(page(&register_page(
            &state,
            &v,
            FormState::new(values, FieldErrors::new()),
        )));
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
                format!(
                    "Kami telah mengirim tautan konfirmasi ke {}.",
                    input.email.trim().to_lowercase()
                ),
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
            intro: "Masukkan email yang Anda daftarkan; jika akunnya belum dikonfirmasi, kami kirim tautan baru."
                .into(),
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
    Ok(page(&ResetPage {
        ctx: v.ctx(&state, "Atur ulang kata sandi", ""),
        token: q.token,
        form: FormState::default(),
    }))
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
            &ResetPage {
                ctx: v.ctx(&state, "Atur ulang kata sandi", ""),
                token,
                form: FormState::new(HashMap::new(), errors),
            },
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

fn login_page(
    state: &AppState,
    v: &Visitor,
    officer: bool,
    form: FormState,
    next: String,
    notice: String,
    show_resend: bool,
) -> LoginPage {
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
    let notice = if q.lanjut.is_empty() {
        String::new()
    } else {
        "Silakan masuk terlebih dahulu untuk melanjutkan.".into()
    };
    Ok(page(&login_page(
        &state,
        &v,
        false,
        FormState::default(),
        q.lanjut,
        notice,
        false,
    )))
}

async fn officer_login_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&login_page(
        &state,
        &v,
        true,
        FormState::default(),
        "/petugas".into(),
        String::new(),
        false,
    )))
}

async fn do_login(state: AppState, v: Visitor, body: Bytes, subject: SubjectKind) -> PageResult {
    let f = FormBody::parse(&body);
    let officer = subject == SubjectKind::Officer;
    let mut values = f.map();
    values.remove("password");
    let next = f.get("lanjut");
    let result = if officer {
        // Officers: the second-factor policy decides where the browser goes next.
        match accounts::login_officer(
            &state,
            &f.get("email"),
            &f.get("password"),
            None,
            &v.client,
            SessionKind::Web,
        )
        .await
        {
            Ok(accounts::OfficerLogin::Signed(token)) => Ok((token, "/petugas".to_string())),
            Ok(accounts::OfficerLogin::Pending { token, enrol }) => Ok((
                token,
                if enrol { OFFICER_SECURITY_PATH } else { OFFICER_2FA_PATH }.to_string(),
            )),
            Ok(accounts::OfficerLogin::MfaRequired { enrol }) => Err(ServiceError::Refused(
                accounts::OfficerLogin::required_message(enrol).into(),
            )),
            Ok(accounts::OfficerLogin::CodeRejected(m)) => Err(ServiceError::Refused(m)),
            Err(e) => Err(e),
        }
    } else {
        accounts::login(
            &state,
            subject,
            &f.get("email"),
            &f.get("password"),
            &v.client,
            SessionKind::Web,
        )
        .await
        .map(|token| (token, safe_next(&next)))
    };
    match result {
        Ok((token, to)) => {
            if let Some(old) = &v.session_token {
                accounts::logout(&state, old).await?;
            }
            let mut r = see_other(&to);
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &token, None, state.config.secure_cookies(), "Lax"),
            );
            Ok(r)
        }
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &login_page(
                &state,
                &v,
                officer,
                FormState::new(values, errors),
                next,
                String::new(),
                false,
            ),
        )),
        Err(ServiceError::Refused(m)) | Err(ServiceError::Throttled(m)) => {
            let show_resend = m.contains("belum dikonfirmasi");
            let mut errors = FieldErrors::new();
            errors.insert("email".into(), m);
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &login_page(
                    &state,
                    &v,
                    officer,
                    FormState::new(values, errors),
                    next,
                    String::new(),
                    show_resend,
                ),
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
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), state.config.secure_cookies(), "Lax"),
    );
    Ok(r)
}

fn profile_values(p: &Profile) -> HashMap<String, String> {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .map(|o| {
            o.into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

async fn profile_page(
    state: &AppState,
    user: &ApplicantUser,
    form: FormState,
    saved: bool,
    photo_error: String,
) -> Result<ProfilePage, WebError> {
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
            identity_type: if a.identity_type == accounts::IdentityType::Ktp {
                "NIK KTP".into()
            } else {
                "Paspor".into()
            },
            phone: a.phone.clone(),
            address: format!("{}, {}", a.address, area_label(&a.village_code)),
            nik_sex: nik.as_ref().map(|n| n.sex().label_id().to_string()).unwrap_or_default(),
            nik_birth: nik
                .as_ref()
                .map(|n| super::fmt::date_id(n.birth_date()))
                .unwrap_or_default(),
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
    Ok(page(
        &profile_page(&state, &user, form, q.tersimpan.is_some(), String::new()).await?,
    ))
}

async fn profile_save(State(state): State<AppState>, user: ApplicantUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let values = f.map();
    if f.has("_pilih_wilayah") {
        return Ok(page(
            &profile_page(
                &state,
                &user,
                FormState::new(values, FieldErrors::new()),
                false,
                String::new(),
            )
            .await?,
        ));
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
pub async fn read_file_field(
    mut mp: Multipart,
) -> Result<(Option<(String, Vec<u8>)>, HashMap<String, String>), WebError> {
    let mut file = None;
    let mut fields = HashMap::new();
    loop {
        let next = mp.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                WebError::TooLarge
            } else {
                WebError::BadRequest("Unggahan terputus atau rusak; silakan coba lagi.".into())
            }
        })?;
        let Some(field) = next else { break };
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) if file.is_none() => {
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        WebError::TooLarge
                    } else {
                        WebError::BadRequest("Unggahan terputus; silakan coba lagi.".into())
                    }
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
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &profile_page(&state, &user, form, false, msg).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn photo(State(state): State<AppState>, user: ApplicantUser) -> PageResult {
    let a = accounts::load_applicant(&state, &user.id).await?;
    let sha = a.photo_sha256.ok_or(WebError::NotFound)?;
    let bytes = state.store.get(&sha).await.map_err(ServiceError::from)?;
    let mime = crate::files::sniff(&bytes)
        .map(|f| f.mime())
        .unwrap_or("application/octet-stream");
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        bytes,
    )
        .into_response())
}

#[derive(serde::Serialize)]
struct AreaJson {
    code: String,
    name: String,
}

/// Children of an area code as JSON for the pickers (`/wilayah/51.01`); `/wilayah/root` lists provinces.
async fn area_children(Path(code): Path<String>) -> Response {
    let w = Wilayah::builtin();
    let list = if code == "root" {
        w.provinces()
    } else {
        w.children(&code)
    };
    let out: Vec<AreaJson> = list
        .iter()
        .map(|a| AreaJson {
            code: a.code.clone(),
            name: w.display_name(&a.code).unwrap_or_else(|| a.name.clone()),
        })
        .collect();
    ([(header::CACHE_CONTROL, "public, max-age=86400")], axum::Json(out)).into_response()
}

async fn track_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&TrackPage {
        ctx: v.ctx(&state, "Lacak Permohonan", "lacak"),
        form: FormState::default(),
        result: None,
        notice: String::new(),
    }))
}

async fn track(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let values = f.map();
    let ctx = v.ctx(&state, "Lacak Permohonan", "lacak");
    match applications::track(&state, &f.get("number"), &f.get("nik4"), &v.client).await {
        Ok(r) => Ok(page(&TrackPage {
            ctx,
            form: FormState::new(values, FieldErrors::new()),
            result: Some(r),
            notice: String::new(),
        })),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TrackPage {
                ctx,
                form: FormState::new(values, errors),
                result: None,
                notice: String::new(),
            },
        )),
        Err(ServiceError::Refused(m)) | Err(ServiceError::Throttled(m)) => Ok(page_with_status(
            StatusCode::NOT_FOUND,
            &TrackPage {
                ctx,
                form: FormState::new(values, FieldErrors::new()),
                result: None,
                notice: m,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

/// The development mailbox: only in demo mode without SMTP.
async fn mailbox(State(state): State<AppState>, v: Visitor) -> PageResult {
    if !state.config.demo || state.config.smtp_url.is_some() {
        return Err(WebError::NotFound);
    }
    let rows = crate::outbox::dev_mailbox(&state.db, 100)
        .await
        .map_err(ServiceError::from)?;
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
            MailRow {
                at: super::fmt::timestamp_id(&at, super::fmt::wib(), "WIB"),
                recipient,
                subject,
                body,
                links,
            }
        })
        .collect();
    Ok(page(&MailboxPage {
        ctx: v.ctx(&state, "Kotak surat pengembangan", ""),
        mails,
    }))
}

// ---------------------------------------------------------------------------------------------
// Officer two-step sign-in: the code page after the password, and Keamanan Akun (enrolment with
// a QR code, recovery codes, turning it off where allowed). These pages accept a session that
// still owes its second factor; every other officer page refuses it (`OfficerUser`).

pub const OFFICER_SECURITY_PATH: &str = "/petugas/keamanan";

#[derive(askama::Template)]
#[template(path = "officer_2fa.html")]
pub struct Officer2faPage {
    pub ctx: super::ctx::PageCtx,
    pub name: String,
    pub form: FormState,
}

/// Keamanan Akun. `mode`: "enrol" (QR and confirmation), "codes" (new recovery codes, shown
/// once) or "status" (TOTP on).
#[derive(askama::Template)]
#[template(path = "officer_security.html")]
pub struct OfficerSecurityPage {
    pub ctx: super::ctx::PageCtx,
    pub mode: &'static str,
    pub name: String,
    pub required: bool,
    /// Signing in: the officer must finish this before anything else.
    pub pending: bool,
    pub enrolment: Option<accounts::TotpEnrolment>,
    pub codes: Vec<String>,
    pub enabled_at: String,
    pub recovery_left: i64,
    pub form: FormState,
    pub notice: String,
}

/// The officer of this request, full or still owing the second factor, with the session token.
struct AnyOfficer {
    subject: accounts::SessionSubject,
    token: String,
}

async fn any_officer(state: &AppState, v: &Visitor) -> Result<Option<AnyOfficer>, WebError> {
    let Some(token) = v.session_token.clone() else {
        return Ok(None);
    };
    if let Some(s) = &v.subject {
        return Ok((s.kind == SubjectKind::Officer).then(|| AnyOfficer {
            subject: s.clone(),
            token,
        }));
    }
    match accounts::pending_officer(state, &token).await {
        Ok(subject) => Ok(Some(AnyOfficer { subject, token })),
        Err(ServiceError::Unauthenticated) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The page context; a pending officer is not signed in yet, but sees their name and "Keluar".
fn officer_ctx(state: &AppState, v: &Visitor, o: &AnyOfficer, title: &str) -> super::ctx::PageCtx {
    let mut ctx = v.ctx(state, title, "keamanan");
    ctx.user_name = Some(o.subject.name.clone());
    ctx
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    r
}

fn with_session_cookie(state: &AppState, mut r: Response, token: &str) -> Response {
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, token, None, state.config.secure_cookies(), "Lax"),
    );
    r
}

fn code_error(key: &str, message: String) -> FormState {
    let mut errors = FieldErrors::new();
    errors.insert(key.to_string(), message);
    FormState::new(HashMap::new(), errors)
}

/// A service error about a code, as the form to show again; other errors pass through.
fn code_form(e: ServiceError, key: &str) -> Result<(StatusCode, FormState), ServiceError> {
    match e {
        ServiceError::Invalid(errors) => {
            let m = errors.into_values().next().unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, code_error(key, m)))
        }
        ServiceError::Throttled(m) => Ok((StatusCode::TOO_MANY_REQUESTS, code_error(key, m))),
        other => Err(other),
    }
}

async fn officer_2fa_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    let Some(o) = any_officer(&state, &v).await? else {
        return Ok(see_other("/petugas/masuk"));
    };
    if !o.subject.mfa_pending {
        return Ok(see_other("/petugas"));
    }
    if !accounts::officer_mfa(&state, &o.subject.id).await?.enabled {
        return Ok(see_other(OFFICER_SECURITY_PATH));
    }
    let ctx = officer_ctx(&state, &v, &o, "Verifikasi Dua Langkah");
    Ok(no_store(page(&Officer2faPage {
        ctx,
        name: o.subject.name,
        form: FormState::default(),
    })))
}

async fn officer_2fa(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let Some(o) = any_officer(&state, &v).await? else {
        return Ok(see_other("/petugas/masuk"));
    };
    if !o.subject.mfa_pending {
        return Ok(see_other("/petugas"));
    }
    let f = FormBody::parse(&body);
    match accounts::verify_pending_session(&state, &o.token, &f.get("code"), &v.client).await {
        Ok(token) => Ok(with_session_cookie(&state, see_other("/petugas"), &token)),
        Err(ServiceError::Refused(_)) => Ok(see_other(OFFICER_SECURITY_PATH)),
        Err(ServiceError::Unauthenticated) => Ok(see_other("/petugas/masuk")),
        Err(e) => {
            let (status, form) = code_form(e, "code")?;
            let ctx = officer_ctx(&state, &v, &o, "Verifikasi Dua Langkah");
            Ok(no_store(page_with_status(
                status,
                &Officer2faPage {
                    ctx,
                    name: o.subject.name,
                    form,
                },
            )))
        }
    }
}

/// Keamanan Akun as it stands: enrolment when TOTP is off, the status when it is on.
async fn security_page(
    state: &AppState,
    v: &Visitor,
    o: &AnyOfficer,
    form: FormState,
    notice: String,
) -> Result<OfficerSecurityPage, WebError> {
    let mfa = accounts::officer_mfa(state, &o.subject.id).await?;
    let enrolment = if mfa.enabled {
        None
    } else {
        Some(accounts::begin_totp_enrolment(state, &o.subject.id).await?)
    };
    let tz = crate::offices::get(state, o.subject.office_id.as_deref().unwrap_or_default())
        .await
        .ok()
        .map(|of| of.tz());
    let enabled_at = match (&mfa.enabled_at, tz) {
        (Some(at), Some(tz)) => super::fmt::timestamp_id(at, tz.offset(), tz.label()),
        (Some(at), None) => super::fmt::timestamp_id(at, super::fmt::wib(), "WIB"),
        (None, _) => String::new(),
    };
    Ok(OfficerSecurityPage {
        ctx: officer_ctx(state, v, o, "Keamanan Akun"),
        mode: if mfa.enabled { "status" } else { "enrol" },
        name: o.subject.name.clone(),
        required: mfa.required,
        pending: o.subject.mfa_pending,
        enrolment,
        codes: Vec::new(),
        enabled_at,
        recovery_left: mfa.recovery_left,
        form,
        notice,
    })
}

#[derive(serde::Deserialize, Default)]
struct SecurityQuery {
    #[serde(default)]
    nonaktif: Option<String>,
}

async fn officer_security(State(state): State<AppState>, v: Visitor, Query(q): Query<SecurityQuery>) -> PageResult {
    let Some(o) = any_officer(&state, &v).await? else {
        return Ok(see_other("/petugas/masuk"));
    };
    if o.subject.mfa_pending && accounts::officer_mfa(&state, &o.subject.id).await?.enabled {
        return Ok(see_other(OFFICER_2FA_PATH));
    }
    let notice = if q.nonaktif.is_some() {
        "Verifikasi dua langkah telah dimatikan.".to_string()
    } else {
        String::new()
    };
    Ok(no_store(page(
        &security_page(&state, &v, &o, FormState::default(), notice).await?,
    )))
}

fn codes_page(mut p: OfficerSecurityPage, codes: Vec<String>) -> Response {
    p.mode = "codes";
    p.codes = codes;
    p.enrolment = None;
    no_store(page(&p))
}

async fn officer_totp_enable(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let Some(o) = any_officer(&state, &v).await? else {
        return Ok(see_other("/petugas/masuk"));
    };
    let f = FormBody::parse(&body);
    match accounts::confirm_totp_enrolment(&state, &o.subject.id, &f.get("code"), &v.client).await {
        Ok(codes) => {
            let mut p = security_page(&state, &v, &o, FormState::default(), String::new()).await?;
            if o.subject.mfa_pending {
                // Enrolment was the second factor of this sign-in: the session becomes a full one.
                let token = accounts::finish_pending_after_enrolment(&state, &o.token).await?;
                p.pending = false;
                p.ctx.is_officer = true;
                return Ok(with_session_cookie(&state, codes_page(p, codes), &token));
            }
            Ok(codes_page(p, codes))
        }
        Err(ServiceError::Refused(_)) | Err(ServiceError::Conflict(_)) => Ok(see_other(OFFICER_SECURITY_PATH)),
        Err(e) => {
            let (status, form) = code_form(e, "code")?;
            Ok(no_store(page_with_status(
                status,
                &security_page(&state, &v, &o, form, String::new()).await?,
            )))
        }
    }
}

async fn officer_recovery_codes(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let any = AnyOfficer {
        subject: o.visitor.subject.clone().ok_or(WebError::OfficerLoginRequired)?,
        token: o.visitor.session_token.clone().unwrap_or_default(),
    };
    match accounts::regenerate_recovery_codes(&state, &o.id, &f.get("code_new"), &o.visitor.client).await {
        Ok(codes) => Ok(codes_page(
            security_page(&state, &o.visitor, &any, FormState::default(), String::new()).await?,
            codes,
        )),
        Err(ServiceError::Refused(_)) => Ok(see_other(OFFICER_SECURITY_PATH)),
        Err(e) => {
            let (status, form) = code_form(e, "code_new")?;
            Ok(no_store(page_with_status(
                status,
                &security_page(&state, &o.visitor, &any, form, String::new()).await?,
            )))
        }
    }
}

async fn officer_totp_disable(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let any = AnyOfficer {
        subject: o.visitor.subject.clone().ok_or(WebError::OfficerLoginRequired)?,
        token: o.visitor.session_token.clone().unwrap_or_default(),
    };
    match accounts::disable_totp(&state, &o.id, &f.get("code_off"), &o.visitor.client).await {
        Ok(()) => Ok(see_other("/petugas/keamanan?nonaktif=1")),
        Err(ServiceError::Refused(m)) => Ok(no_store(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &security_page(&state, &o.visitor, &any, FormState::default(), m).await?,
        ))),
        Err(e) => {
            let (status, form) = code_form(e, "code_off")?;
            Ok(no_store(page_with_status(
                status,
                &security_page(&state, &o.visitor, &any, form, String::new()).await?,
            )))
        }
    }
}
