//! The office admin's documents: the kop surat (letterhead, emblem), the layout of the office's
//! permits and the signer block, and the office's own templates of every document, each with a
//! preview rendered from sample data.

use crate::auth::officer::Officer;
use crate::office_admin::pages::Info;
use crate::permits;
use crate::permits::documents::LetterheadInput;
use crate::permits::templates::TemplateKind;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::OfficerUser;
use crate::web::extract::admin;
use crate::web::form::FormBody;
use crate::web::form::read_file_field;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use std::collections::HashMap;

fn kind_of(code: &str) -> Result<TemplateKind, WebError> {
    TemplateKind::from_code(code).ok_or(WebError::NotFound)
}

async fn documents_view(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    form: Option<FormState>,
    logo_error: String,
    notice: &str,
) -> Result<AdminDocumentsPage, WebError> {
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    let docs = permits::documents::office_docs(state, &office).await?;
    let form = form.unwrap_or_else(|| {
        let values: HashMap<String, String> = [
            ("government", docs.government.clone()),
            ("office_title", docs.office_title.clone()),
            ("address", docs.address.clone()),
            ("contact", docs.contact.clone()),
            ("place", docs.place.clone()),
            (
                "layout",
                match docs.layout {
                    izinkes_documents::render::SkLayout::Decree => "decree",
                    izinkes_documents::render::SkLayout::Sip => "sip",
                }
                .to_string(),
            ),
            ("signer_name", docs.signer_name.clone()),
            ("signer_position", docs.signer_position.clone()),
            ("signer_nip", docs.signer_nip.clone().unwrap_or_default()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        FormState::new(values, Default::default())
    });
    let mut templates = Vec::new();
    for kind in TemplateKind::ALL {
        let versions = permits::templates::versions(state, &office.id, kind).await?;
        let status = match versions.first() {
            Some(v) if v.custom => format!(
                "Templat kantor, versi {} ({}, {})",
                v.version,
                v.created_by,
                izinkes_domain::format_id::timestamp_id(&v.created_at, office.tz().offset(), office.tz().label())
            ),
            _ => "Templat bawaan".to_string(),
        };
        templates.push(AdminTemplateRow {
            code: kind.code().into(),
            label: kind.label_id().into(),
            status,
        });
    }
    Ok(AdminDocumentsPage {
        ctx: o.visitor.ctx(state, "Dokumen kantor", "admin"),
        form,
        has_logo: docs.logo_sha256.is_some(),
        logo_error,
        templates,
        signer_kind: if docs.signer_kind == "bsre" {
            "BSrE (Balai Sertifikasi Elektronik)".into()
        } else {
            "Sertifikat kantor (PKCS#12 / CA kantor)".into()
        },
        notice: notice.into(),
    })
}

pub(crate) async fn documents_page(State(state): State<AppState>, o: OfficerUser, Query(q): Query<Info>) -> PageResult {
    let officer = admin(&o)?;
    let notice = match q.info.as_str() {
        "kop" => "Kop surat dan penandatangan disimpan. Dokumen berikutnya memakai data ini.",
        "logo" => "Logo disimpan.",
        "logo-hapus" => "Logo dihapus.",
        _ => "",
    };
    Ok(page(
        &documents_view(&state, &o, &officer, None, String::new(), notice).await?,
    ))
}

pub(crate) async fn letterhead_save(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let input = LetterheadInput {
        government: f.get("government"),
        office_title: f.get("office_title"),
        address: f.get("address"),
        contact: f.get("contact"),
        place: f.get("place"),
        layout: f.get("layout"),
        signer_name: f.get("signer_name"),
        signer_position: f.get("signer_position"),
        signer_nip: f.get("signer_nip"),
    };
    match permits::documents::save_letterhead(&state, &officer, &input).await {
        Ok(()) => Ok(see_other("/petugas/admin/dokumen?info=kop")),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &documents_view(
                &state,
                &o,
                &officer,
                Some(FormState::new(f.map(), errors)),
                String::new(),
                "",
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn logo_save(State(state): State<AppState>, o: OfficerUser, mp: Multipart) -> PageResult {
    let officer = admin(&o)?;
    let (file, fields) = read_file_field(mp).await?;
    let remove = fields.get("what").is_some_and(|w| w == "hapus");
    let logo = if remove {
        None
    } else {
        Some(file.map(|(_, b)| b).unwrap_or_default())
    };
    match permits::documents::set_logo(&state, &officer, logo).await {
        Ok(()) => Ok(see_other(if remove {
            "/petugas/admin/dokumen?info=logo-hapus"
        } else {
            "/petugas/admin/dokumen?info=logo"
        })),
        Err(ServiceError::Invalid(errors)) => {
            let msg = errors.get("logo").cloned().unwrap_or_default();
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &documents_view(&state, &o, &officer, None, msg, "").await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn template_view(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    kind: TemplateKind,
    source: Option<String>,
    error: String,
    notice: &str,
) -> Result<AdminTemplatePage, WebError> {
    let office_source = permits::templates::in_force(state, &officer.office_id, kind).await?;
    let custom = office_source.is_some();
    let versions = permits::templates::versions(state, &officer.office_id, kind).await?;
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    Ok(AdminTemplatePage {
        ctx: o.visitor.ctx(state, &format!("Templat {}", kind.label_id()), "admin"),
        code: kind.code().into(),
        label: kind.label_id().into(),
        fields_doc: kind.fields_doc().into(),
        source: source
            .or(office_source.map(|s| s.to_string()))
            .unwrap_or_else(|| kind.default_source().to_string()),
        custom,
        error,
        notice: notice.into(),
        versions: versions
            .into_iter()
            .map(|v| AdminTemplateVersion {
                version: v.version,
                what: if v.custom {
                    "templat kantor".into()
                } else {
                    "kembali ke bawaan".into()
                },
                by: v.created_by,
                at: izinkes_domain::format_id::timestamp_id(&v.created_at, office.tz().offset(), office.tz().label()),
            })
            .collect(),
    })
}

pub(crate) async fn template_page(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
    Query(q): Query<Info>,
) -> PageResult {
    let officer = admin(&o)?;
    let kind = kind_of(&code)?;
    let notice = match q.info.as_str() {
        "simpan" => "Templat disimpan dan berlaku untuk dokumen berikutnya. Dokumen yang sudah terbit tidak berubah.",
        "bawaan" => "Templat bawaan berlaku kembali.",
        _ => "",
    };
    Ok(page(
        &template_view(&state, &o, &officer, kind, None, String::new(), notice).await?,
    ))
}

/// One form, three buttons: preview what is in the editor, save it, or put the default back.
pub(crate) async fn template_post(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
    body: Bytes,
) -> PageResult {
    let officer = admin(&o)?;
    let kind = kind_of(&code)?;
    let f = FormBody::parse(&body);
    let source = f.get("source");
    let result = match f.get("what").as_str() {
        "pratinjau" => match permits::templates::preview(&state, &officer, kind, Some(source.clone())).await {
            Ok(pdf) => return Ok(crate::web::view::plain_pdf(&format!("pratinjau-{code}.pdf"), pdf)),
            Err(e) => Err(e),
        },
        "bawaan" => permits::templates::reset(&state, &officer, kind)
            .await
            .map(|_| format!("/petugas/admin/dokumen/templat/{code}?info=bawaan")),
        _ => permits::templates::save(&state, &officer, kind, &source)
            .await
            .map(|_| format!("/petugas/admin/dokumen/templat/{code}?info=simpan")),
    };
    match result {
        Ok(to) => Ok(see_other(&to)),
        Err(ServiceError::Invalid(errors)) => {
            let msg = errors.get("source").cloned().unwrap_or_default();
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &template_view(&state, &o, &officer, kind, Some(source), msg, "").await?,
            ))
        }
        Err(ServiceError::Conflict(msg)) => Ok(page_with_status(
            StatusCode::CONFLICT,
            &template_view(&state, &o, &officer, kind, Some(source), msg, "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}

/// The sample document rendered with the template in force (shown in the editor page).
pub(crate) async fn template_preview(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(code): Path<String>,
) -> PageResult {
    let officer = admin(&o)?;
    let kind = kind_of(code.trim_end_matches(".pdf"))?;
    let pdf = permits::templates::preview(&state, &officer, kind, None).await?;
    Ok(crate::web::view::plain_pdf(
        &format!("pratinjau-{}.pdf", kind.code()),
        pdf,
    ))
}

pub struct AdminTemplateRow {
    pub code: String,
    pub label: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "office_admin/admin_documents.html")]
pub struct AdminDocumentsPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub has_logo: bool,
    pub logo_error: String,
    pub templates: Vec<AdminTemplateRow>,
    pub signer_kind: String,
    pub notice: String,
}

pub struct AdminTemplateVersion {
    pub version: i64,
    pub what: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "office_admin/admin_template.html")]
pub struct AdminTemplatePage {
    pub ctx: PageCtx,
    pub code: String,
    pub label: String,
    pub fields_doc: String,
    pub source: String,
    pub custom: bool,
    pub error: String,
    pub notice: String,
    pub versions: Vec<AdminTemplateVersion>,
}
