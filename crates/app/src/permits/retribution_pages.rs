//! The cashier's page (Retribusi): the office's SKRDs, unpaid first, and the form that confirms a
//! payment by hand.

use crate::permits::retribution;
use crate::permits::retribution::PaymentInput;
use crate::permits::retribution::Retribution;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::OfficerUser;
use crate::web::extract::officer_of;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;

#[derive(Template)]
#[template(path = "permits/retribution.html")]
pub struct RetributionPage {
    pub ctx: PageCtx,
    pub unpaid: Vec<Retribution>,
    pub paid: Vec<Retribution>,
    /// The SKRD whose form was refused, with its errors and values.
    pub failed_id: String,
    pub form: FormState,
    pub today: String,
    pub channels: Vec<(&'static str, &'static str)>,
    pub notice: String,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    info: String,
}

async fn list_page(
    state: &AppState,
    o: &OfficerUser,
    failed_id: &str,
    form: FormState,
    notice: &str,
) -> Result<RetributionPage, WebError> {
    let officer = officer_of(o)?;
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    let today = crate::catalog::offices::today(&office);
    let (paid, unpaid) = retribution::for_office(state, &officer.office_id, today)
        .await?
        .into_iter()
        .partition(|r| r.paid);
    Ok(RetributionPage {
        ctx: o.visitor.ctx(state, "Retribusi", "retribusi"),
        unpaid,
        paid,
        failed_id: failed_id.to_string(),
        form,
        today: today.format("%Y-%m-%d").to_string(),
        channels: izinkes_domain::retribution::CHANNELS.to_vec(),
        notice: notice.to_string(),
    })
}

pub(crate) async fn list(State(state): State<AppState>, o: OfficerUser, Query(q): Query<ListQuery>) -> PageResult {
    let notice = match q.info.as_str() {
        "lunas" => "Pembayaran tercatat; pemohon diberi tahu dan izin dapat ditandatangani.",
        _ => "",
    };
    Ok(page(&list_page(&state, &o, "", FormState::default(), notice).await?))
}

pub(crate) async fn confirm(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    let input = PaymentInput {
        reference: f.get("reference"),
        paid_on: f.get("paid_on"),
        channel: f.get("channel"),
    };
    match retribution::confirm_by_hand(&state, &officer, &id, &input).await {
        Ok(()) => Ok(see_other("/petugas/retribusi?info=lunas")),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list_page(&state, &o, &id, FormState::new(f.map(), errors), "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}
