//! Bantuan (`/bantuan`): a guide per journey, the common questions, and each office's contact
//! and own questions; and the admin's page that writes the office's questions.

use crate::catalog::help;
use crate::catalog::help::OfficeHelp;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::extract::OfficerUser;
use crate::web::extract::Visitor;
use crate::web::extract::admin;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;

#[derive(Template)]
#[template(path = "catalog/help.html")]
pub struct HelpPage {
    pub ctx: PageCtx,
    pub offices: Vec<OfficeHelp>,
}

pub(crate) async fn help_page(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&HelpPage {
        ctx: v.ctx(&state, "Bantuan", "bantuan"),
        offices: help::offices(&state).await?,
    }))
}

#[derive(Template)]
#[template(path = "office_admin/admin_help.html")]
pub struct AdminHelpPage {
    pub ctx: PageCtx,
    pub office_name: String,
    pub form: FormState,
    pub notice: String,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct SavedQuery {
    #[serde(default)]
    info: String,
}

pub(crate) async fn admin_help(
    State(state): State<AppState>,
    o: OfficerUser,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let officer = admin(&o)?;
    let office = crate::catalog::offices::get(&state, &officer.office_id).await?;
    let mut values = std::collections::HashMap::new();
    values.insert("faq".to_string(), help::text_of(&state, &officer.office_id).await?);
    Ok(page(&AdminHelpPage {
        ctx: o.visitor.ctx(&state, "Bantuan kantor", "admin"),
        office_name: office.name,
        form: FormState::new(values, Default::default()),
        notice: if q.info == "tersimpan" {
            "Tanya jawab tersimpan dan tampil di halaman Bantuan.".into()
        } else {
            String::new()
        },
    }))
}

pub(crate) async fn admin_help_save(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    match help::save(&state, &officer, &f.get("faq")).await {
        Ok(_) => Ok(see_other("/petugas/admin/bantuan?info=tersimpan")),
        Err(ServiceError::Invalid(errors)) => {
            let office = crate::catalog::offices::get(&state, &officer.office_id).await?;
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AdminHelpPage {
                    ctx: o.visitor.ctx(&state, "Bantuan kantor", "admin"),
                    office_name: office.name,
                    form: FormState::new(f.map(), errors),
                    notice: String::new(),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}
