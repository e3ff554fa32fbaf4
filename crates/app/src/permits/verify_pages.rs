//! Public verification of a permit by the token of its QR code, as a page or JSON, and the check
//! of an uploaded copy.

use crate::permits;
use crate::permits::pages::permit_name;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::Visitor;
use crate::web::form::read_file_field;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use askama::Template;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use izinkes_domain::format_id::iso_date_id;

async fn verify_page(state: &AppState, v: &Visitor, token: &str, check: Option<bool>) -> Result<Response, WebError> {
    match permits::archive::by_token(state, token).await {
        Ok(p) => {
            let office = crate::catalog::offices::get(state, &p.office_id).await?;
            let status = p.public_status(crate::catalog::offices::today(&office)).to_string();
            let status_class = match status.as_str() {
                "Aktif" => "issued",
                "Kedaluwarsa" => "needs_revision",
                _ => "rejected",
            }
            .to_string();
            Ok(page(&VerifyPage {
                ctx: v.ctx(state, &format!("Verifikasi {}", p.number), ""),
                permit_name: permit_name(state, &p).await,
                status,
                status_class,
                issued: p.issued_on.as_deref().map(iso_date_id).unwrap_or_default(),
                until: p.valid_until.as_deref().map(iso_date_id).unwrap_or_default(),
                signer: format!(
                    "{}, {}",
                    p.signer_name.clone().unwrap_or_default(),
                    p.signer_position.clone().unwrap_or_default()
                ),
                office: office.name,
                check,
                permit: Some(p),
            }))
        }
        Err(ServiceError::NotFound) => Ok(page_with_status(
            StatusCode::NOT_FOUND,
            &VerifyPage {
                ctx: v.ctx(state, "Izin tidak ditemukan", ""),
                permit: None,
                permit_name: String::new(),
                status: String::new(),
                status_class: String::new(),
                issued: String::new(),
                until: String::new(),
                signer: String::new(),
                office: String::new(),
                check: None,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

/// `/v/{token}` for people, `/v/{token}.json` for machines (hospitals, BPJS).
pub(crate) async fn verify(State(state): State<AppState>, v: Visitor, Path(token): Path<String>) -> PageResult {
    if let Some(t) = token.strip_suffix(".json") {
        return permits::api::verification_json(&state, t).await;
    }
    verify_page(&state, &v, &token, None).await
}

/// Checks an uploaded PDF against the stored hash of the issued document.
pub(crate) async fn verify_upload(
    State(state): State<AppState>,
    v: Visitor,
    Path(token): Path<String>,
    mp: Multipart,
) -> PageResult {
    let (file, _) = read_file_field(mp).await?;
    let p = permits::archive::by_token(&state, &token).await?;
    let same = file
        .map(|(_, bytes)| crate::platform::ids::sha256_hex(&bytes))
        .is_some_and(|h| Some(h) == p.pdf_sha256);
    verify_page(&state, &v, &token, Some(same)).await
}

#[derive(Template)]
#[template(path = "permits/verify.html")]
pub struct VerifyPage {
    pub ctx: PageCtx,
    pub permit: Option<crate::permits::archive::PermitRow>,
    pub permit_name: String,
    pub status: String,
    pub status_class: String,
    pub issued: String,
    pub until: String,
    pub signer: String,
    pub office: String,
    pub check: Option<bool>,
}
