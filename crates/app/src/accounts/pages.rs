//! The account pages: registration, e-mail confirmation, password recovery and the profile.

use crate::accounts;
use crate::accounts::profile::Profile;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
use crate::web::extract::Visitor;
use crate::web::form::FormBody;
use crate::web::form::read_file_field;
use crate::web::view::AreaPicker;
use crate::web::view::FormState;
use crate::web::view::MessagePage;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::format_id::area_label;
use izinkes_domain::wilayah::Wilayah;
use std::collections::HashMap;

fn register_page(state: &AppState, v: &Visitor, form: FormState) -> RegisterPage {
    let area = AreaPicker::from_form("village_code", "Wilayah alamat pemohon", &form);
    RegisterPage {
        ctx: v.ctx(state, "Pendaftaran Akun", "daftar"),
        form,
        area,
    }
}

pub(crate) async fn register_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    let mut values = HashMap::new();
    values.insert("identity_type".to_string(), "KTP".to_string());
    Ok(page(&register_page(
        &state,
        &v,
        FormState::new(values, FieldErrors::new()),
    )))
}

pub(crate) async fn register(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
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
    let input = accounts::registration::RegisterInput {
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
    match accounts::registration::register(&state, &input).await {
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
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub(crate) async fn verify(State(state): State<AppState>, v: Visitor, Query(q): Query<TokenQuery>) -> PageResult {
    match accounts::registration::verify_email(&state, &q.token).await {
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
        accounts::registration::resend_verification(&state, &email).await
    } else {
        accounts::recovery::request_password_reset(&state, &email).await
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

pub(crate) async fn resend_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&email_page(&state, &v, true, FormState::default())))
}

pub(crate) async fn resend(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    email_action(state, v, body, true).await
}

pub(crate) async fn forgot_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&email_page(&state, &v, false, FormState::default())))
}

pub(crate) async fn forgot(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    email_action(state, v, body, false).await
}

pub(crate) async fn reset_form(State(state): State<AppState>, v: Visitor, Query(q): Query<TokenQuery>) -> PageResult {
    Ok(page(&ResetPage {
        ctx: v.ctx(&state, "Atur ulang kata sandi", ""),
        token: q.token,
        form: FormState::default(),
    }))
}

pub(crate) async fn reset(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let token = f.get("token");
    match accounts::recovery::reset_password(&state, &token, &f.get("password"), &f.get("password_confirm")).await {
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
    let a = accounts::profile::load_applicant(state, &user.id).await?;
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
            identity_type: if a.identity_type == accounts::registration::IdentityType::Ktp {
                "NIK KTP".into()
            } else {
                "Paspor".into()
            },
            phone: a.phone.clone(),
            address: format!("{}, {}", a.address, area_label(&a.village_code)),
            nik_sex: nik.as_ref().map(|n| n.sex().label_id().to_string()).unwrap_or_default(),
            nik_birth: nik
                .as_ref()
                .map(|n| izinkes_domain::format_id::date_id(n.birth_date()))
                .unwrap_or_default(),
        },
        religions: accounts::profile::RELIGIONS.to_vec(),
        marital: accounts::profile::MARITAL.to_vec(),
        education: accounts::profile::EDUCATION.to_vec(),
        saved,
        has_photo: a.photo_sha256.is_some(),
        photo_error,
    })
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct SavedQuery {
    #[serde(default)]
    tersimpan: Option<String>,
}

pub(crate) async fn profile_form(
    State(state): State<AppState>,
    user: ApplicantUser,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let a = accounts::profile::load_applicant(&state, &user.id).await?;
    let form = FormState::new(profile_values(&a.profile), FieldErrors::new());
    Ok(page(
        &profile_page(&state, &user, form, q.tersimpan.is_some(), String::new()).await?,
    ))
}

pub(crate) async fn profile_save(State(state): State<AppState>, user: ApplicantUser, body: Bytes) -> PageResult {
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
    let a = accounts::profile::load_applicant(&state, &user.id).await?;
    match accounts::profile::update_profile(&state, &a, &input).await {
        Ok(_) => Ok(see_other("/akun/profil?tersimpan=1")),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &profile_page(&state, &user, FormState::new(values, errors), false, String::new()).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn photo_upload(State(state): State<AppState>, user: ApplicantUser, mp: Multipart) -> PageResult {
    let (file, _) = read_file_field(mp).await?;
    let a = accounts::profile::load_applicant(&state, &user.id).await?;
    let bytes = file.map(|(_, b)| b).unwrap_or_default();
    match accounts::profile::set_photo(&state, &a, &bytes).await {
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

pub(crate) async fn photo(State(state): State<AppState>, user: ApplicantUser) -> PageResult {
    let a = accounts::profile::load_applicant(&state, &user.id).await?;
    let sha = a.photo_sha256.ok_or(WebError::NotFound)?;
    let bytes = state.store.get(&sha).await.map_err(ServiceError::from)?;
    let mime = crate::platform::files::sniff(&bytes)
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

#[derive(Template)]
#[template(path = "accounts/register.html")]
pub struct RegisterPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub area: AreaPicker,
}

#[derive(Template)]
#[template(path = "accounts/email_form.html")]
pub struct EmailFormPage {
    pub ctx: PageCtx,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub button: String,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
pub struct ResetPage {
    pub ctx: PageCtx,
    pub token: String,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "accounts/profile.html")]
pub struct ProfilePage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub account: AccountSummary,
    pub ktp_area: AreaPicker,
    pub domicile_area: AreaPicker,
    pub religions: Vec<&'static str>,
    pub marital: Vec<&'static str>,
    pub education: Vec<&'static str>,
    pub saved: bool,
    pub has_photo: bool,
    pub photo_error: String,
}

pub struct AccountSummary {
    pub full_name: String,
    pub email: String,
    pub identity: String,
    pub identity_type: String,
    pub phone: String,
    pub address: String,
    pub nik_sex: String,
    pub nik_birth: String,
}
