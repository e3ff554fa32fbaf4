//! Rendering pages (askama, checked at compile time, escaped by default) and what page
//! templates share: the page context of the header, form state with values and errors, the area
//! picker, the error and message pages, and small response helpers.

use crate::web::error::WebError;
use askama::Template;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::Html;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::wilayah::AreaLevel;
use izinkes_domain::wilayah::Wilayah;
use std::collections::HashMap;

/// The common context of every page (header, footer, CSRF field).
#[derive(Clone)]
pub struct PageCtx {
    pub title: String,
    pub user_name: Option<String>,
    pub is_applicant: bool,
    pub is_officer: bool,
    pub is_admin: bool,
    pub is_kadis: bool,
    /// The cashier's (or admin's) Retribusi page is in the menu.
    pub is_cashier: bool,
    pub csrf: String,
    pub demo: bool,
    pub nav: &'static str,
    /// Unread Pesan Pengaduan for the header badge, where the page counted them (0 elsewhere).
    pub unread: i64,
    /// Where the header's "Pengaduan" link goes for this officer (`""`: no link).
    pub complaints_nav: &'static str,
}

pub type PageResult = Result<Response, WebError>;

pub fn page<T: askama::Template>(t: &T) -> Response {
    render(t).into_response()
}

pub fn page_with_status<T: askama::Template>(status: StatusCode, t: &T) -> Response {
    (status, render(t)).into_response()
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// How a downloaded file is shown.
#[derive(Clone, Copy)]
pub(crate) enum Shown {
    /// In the browser (PDFs and images preview, also in the desk's frame); the file's own CSP
    /// lets nothing else load.
    Inline,
    /// Saved by the browser or the API client.
    Saved,
}

/// A stored file as a response: its type, a `Content-Disposition` whose name cannot break the
/// header (quotes, backslashes, control and non-ASCII characters become `_`), never cached.
pub(crate) fn file_response(d: crate::platform::uploads::FileDownload, shown: Shown) -> Response {
    let name: String = d
        .filename
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let (kind, csp) = match shown {
        Shown::Inline => (
            "inline",
            "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'",
        ),
        Shown::Saved => ("attachment", "default-src 'none'"),
    };
    (
        [
            (header::CONTENT_TYPE, d.mime),
            (header::CONTENT_DISPOSITION, format!("{kind}; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (header::CONTENT_SECURITY_POLICY, csp.to_string()),
        ],
        d.bytes,
    )
        .into_response()
}

pub(crate) fn plain_pdf(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// Renders a template; a rendering failure becomes the 500 page.
pub fn render<T: Template>(t: &T) -> Html<String> {
    match t.render() {
        Ok(s) => Html(s),
        Err(e) => {
            let reference = crate::web::error::log_internal(&format!("template: {e}"));
            Html(format!(
                "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>Kesalahan sistem</title>\
                 <p>Terjadi kesalahan pada sistem. Nomor referensi: {reference}</p></html>"
            ))
        }
    }
}

/// What a form holds: the values as typed and the errors per field.
#[derive(Clone, Debug, Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: FieldErrors,
}

impl FormState {
    pub fn new(values: HashMap<String, String>, errors: FieldErrors) -> FormState {
        FormState { values, errors }
    }
    pub fn v(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or("")
    }
    pub fn e(&self, key: &str) -> &str {
        self.errors.get(key).map(String::as_str).unwrap_or("")
    }
    pub fn has(&self, key: &str) -> bool {
        self.errors.contains_key(key)
    }
    pub fn checked(&self, key: &str) -> bool {
        matches!(self.v(key), "1" | "on" | "true" | "ya")
    }
    pub fn is(&self, key: &str, value: &str) -> bool {
        self.v(key) == value
    }
    /// For multi-valued answers stored comma-separated (Hari Praktik).
    pub fn contains(&self, key: &str, item: &str) -> bool {
        self.v(key).split(',').any(|d| d.trim().eq_ignore_ascii_case(item))
    }
    pub fn error_list(&self) -> Vec<(String, String)> {
        self.errors.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

#[derive(Clone, Debug)]
pub struct Opt {
    pub code: String,
    pub name: String,
}

/// Province → regency → district → village selects. Works without JavaScript (a "Pilih" button
/// reloads the next level); with JavaScript the next level loads as soon as one is chosen.
#[derive(Clone, Debug)]
pub struct AreaPicker {
    pub name: String,
    pub label: String,
    pub province: String,
    pub regency: String,
    pub district: String,
    pub village: String,
    pub provinces: Vec<Opt>,
    pub regencies: Vec<Opt>,
    pub districts: Vec<Opt>,
    pub villages: Vec<Opt>,
    pub error: String,
}

pub(crate) fn opts(areas: &[izinkes_domain::wilayah::Area]) -> Vec<Opt> {
    let w = Wilayah::builtin();
    areas
        .iter()
        .map(|a| Opt {
            code: a.code.clone(),
            name: w.display_name(&a.code).unwrap_or_else(|| a.name.clone()),
        })
        .collect()
}

impl AreaPicker {
    /// Builds the picker from the form values `{name}__prov`, `{name}__kab`, `{name}__kec` and
    /// `{name}` (the village code). A valid village decides everything above it.
    pub fn from_form(name: &str, label: &str, form: &FormState) -> AreaPicker {
        let w = Wilayah::builtin();
        let mut province = form.v(&format!("{name}__prov")).to_string();
        let mut regency = form.v(&format!("{name}__kab")).to_string();
        let mut district = form.v(&format!("{name}__kec")).to_string();
        let mut village = form.v(name).to_string();
        if Wilayah::level_of(&village) == Some(AreaLevel::Village) && w.get(&village).is_some() {
            let path = w.path(&village);
            if path.len() == 4 {
                province = path[0].code.clone();
                regency = path[1].code.clone();
                district = path[2].code.clone();
            }
        }
        // Drop any level that does not belong to the one above (the user changed a parent).
        if w.get(&province).is_none() || Wilayah::level_of(&province) != Some(AreaLevel::Province) {
            province.clear();
        }
        if !w.children(&province).iter().any(|a| a.code == regency) {
            regency.clear();
        }
        if !w.children(&regency).iter().any(|a| a.code == district) {
            district.clear();
        }
        if !w.children(&district).iter().any(|a| a.code == village) {
            village.clear();
        }
        AreaPicker {
            name: name.to_string(),
            label: label.to_string(),
            provinces: opts(w.provinces()),
            regencies: opts(w.children(&province)),
            districts: opts(w.children(&regency)),
            villages: opts(w.children(&district)),
            province,
            regency,
            district,
            village,
            error: form.e(name).to_string(),
        }
    }

    /// Puts a stored village code into form values so `from_form` can rebuild the picker.
    pub fn seed(values: &mut HashMap<String, String>, name: &str, village_code: &str) {
        values.insert(name.to_string(), village_code.to_string());
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub status: u16,
    pub message: String,
    pub reference: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub ctx: PageCtx,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
}
