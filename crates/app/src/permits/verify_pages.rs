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
use izinkes_domain::format_id::moment_id;

async fn verify_page(
    state: &AppState,
    v: &Visitor,
    token: &str,
    check: Option<UploadCheck>,
) -> Result<Response, WebError> {
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
            let signature_note = check.as_ref().map(|c| c.signature.note(office.tz()));
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
                check: check.map(|c| c.same),
                signature_note,
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
                signature_note: None,
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

/// Checks an uploaded PDF: the verdict is whether it is the stored issued document (its
/// SHA-256); beside it the page says what the file's own signature says (read with lopdf:
/// whether its byte ranges cover the file and the CMS verifies, who signed and when).
pub(crate) async fn verify_upload(
    State(state): State<AppState>,
    v: Visitor,
    Path(token): Path<String>,
    mp: Multipart,
) -> PageResult {
    let (file, _) = read_file_field(mp).await?;
    let p = permits::archive::by_token(&state, &token).await?;
    let bytes = file.map(|(_, bytes)| bytes).unwrap_or_default();
    // Parsing and RSA verification are CPU work on a stranger's file: off the async threads,
    // and a panic in the parser is a file that could not be read, not a failed request.
    let (sha256, signature) = tokio::task::spawn_blocking(move || {
        let signature = match izinkes_documents::sign::verify_embedded(&bytes) {
            Ok(report) => SignatureCheck::Found {
                intact: report.is_intact(),
                signer: report.signer_name.or(report.signer_common_name),
                at: report.signing_time,
            },
            Err(izinkes_documents::sign::SignError::NotSigned) => SignatureCheck::Missing,
            Err(_) => SignatureCheck::Unreadable,
        };
        (crate::platform::ids::sha256_hex(&bytes), signature)
    })
    .await
    .unwrap_or((String::new(), SignatureCheck::Unreadable));
    let check = UploadCheck {
        same: !sha256.is_empty() && Some(sha256) == p.pdf_sha256,
        signature,
    };
    verify_page(&state, &v, &token, Some(check)).await
}

struct UploadCheck {
    same: bool,
    signature: SignatureCheck,
}

/// The uploaded file's own signature, as `verify_embedded` found it.
enum SignatureCheck {
    Found {
        intact: bool,
        signer: Option<String>,
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    Missing,
    Unreadable,
}

impl SignatureCheck {
    fn note(&self, tz: izinkes_domain::calendar::OfficeTimeZone) -> SignatureNote {
        match self {
            SignatureCheck::Found { intact, signer, at } => {
                let by = signer.as_deref().map(|s| format!(" oleh {s}")).unwrap_or_default();
                let when = at
                    .map(|t| format!(" pada {}", moment_id(t, tz.offset(), tz.label())))
                    .unwrap_or_default();
                if *intact {
                    SignatureNote {
                        ok: true,
                        text: format!(
                            "Tanda tangan elektronik di dalam berkas utuh: ditandatangani{by}{when}, dan mencakup seluruh isi berkas."
                        ),
                    }
                } else {
                    SignatureNote {
                        ok: false,
                        text: format!(
                            "Tanda tangan elektronik di dalam berkas (ditandatangani{by}{when}) tidak utuh: isi berkas berubah atau ditambah setelah ditandatangani."
                        ),
                    }
                }
            }
            SignatureCheck::Missing => SignatureNote {
                ok: false,
                text: "Berkas ini tidak memuat tanda tangan elektronik.".into(),
            },
            SignatureCheck::Unreadable => SignatureNote {
                ok: false,
                text: "Tanda tangan elektronik di dalam berkas tidak dapat dibaca.".into(),
            },
        }
    }
}

/// One line under the verdict about the file's own signature.
pub struct SignatureNote {
    pub ok: bool,
    pub text: String,
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
    pub signature_note: Option<SignatureNote>,
}
