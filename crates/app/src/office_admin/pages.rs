//! The admin's calendar page: settings and the office's holidays.

use crate::auth::officer::Officer;
use crate::office_admin;
use crate::office_admin::settings::OfficeSettings;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::OfficerUser;
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
use izinkes_domain::workflow::WorkflowDefinition;

async fn calendar_view(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    form: FormState,
    notice: &str,
) -> Result<AdminCalendarPage, WebError> {
    let settings = office_admin::settings::settings(state, &officer.office_id).await?;
    let rows = office_admin::calendar::list(state, &officer.office_id).await?;
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    let calendar_warning = office_admin::calendar::coverage_warning(state, &office)
        .await?
        .unwrap_or_default();
    Ok(AdminCalendarPage {
        ctx: o.visitor.ctx(state, "Kalender dan jangka waktu", "admin"),
        calendar_warning,
        holidays: rows
            .into_iter()
            .map(|h| AdminHoliday {
                id: h.id,
                national: h.national,
                date: izinkes_domain::format_id::iso_date_id(&h.date),
                kind: match h.kind.as_str() {
                    "libur" => "Libur nasional",
                    "cuti" => "Cuti bersama",
                    _ => "Libur daerah",
                }
                .into(),
                name: h.name,
                decree: h.decree,
            })
            .collect(),
        settings,
        presets: WorkflowDefinition::presets()
            .into_iter()
            .map(|p| (p.key, p.name))
            .collect(),
        form,
        notice: notice.into(),
    })
}

/// The `?info=` of a page shown after a successful form.
#[derive(serde::Deserialize, Default)]
pub(crate) struct Info {
    #[serde(default)]
    pub(super) info: String,
}

/// The `?info=` of the calendar page, and the counts of a CSV import.
#[derive(serde::Deserialize, Default)]
pub(crate) struct CalendarInfo {
    #[serde(default)]
    info: String,
    #[serde(default)]
    added: String,
    #[serde(default)]
    skipped: String,
}

pub(crate) async fn calendar_page(
    State(state): State<AppState>,
    o: OfficerUser,
    Query(q): Query<CalendarInfo>,
) -> PageResult {
    let officer = admin(&o)?;
    let notice = match q.info.as_str() {
        "libur" => "Hari libur ditambahkan.",
        "hapus" => "Hari libur dihapus.",
        "setelan" => "Setelan disimpan.",
        _ => "",
    };
    let notice = match (q.added.parse::<usize>(), q.skipped.parse::<usize>()) {
        (Ok(added), Ok(skipped)) => format!(
            "{added} hari libur dimuat dari CSV{}.",
            if skipped > 0 {
                format!("; {skipped} sudah ada dan dilewati")
            } else {
                String::new()
            }
        ),
        _ => notice.to_owned(),
    };
    let notice = notice.as_str();
    Ok(page(
        &calendar_view(&state, &o, &officer, FormState::default(), notice).await?,
    ))
}

pub(crate) async fn calendar_save(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    if f.get("what") == "import" {
        return match office_admin::calendar::import_csv(&state, &officer.office_id, &f.get("csv")).await {
            Ok(done) => Ok(see_other(&format!(
                "/petugas/admin/kalender?added={}&skipped={}",
                done.added, done.skipped
            ))),
            Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &calendar_view(&state, &o, &officer, FormState::new(f.map(), errors), "").await?,
            )),
            Err(e) => Err(e.into()),
        };
    }
    let result = if f.get("what") == "settings" {
        let settings = OfficeSettings {
            default_preset: f.get("default_preset"),
            count_cuti_bersama: f.has("count_cuti_bersama"),
            auto_approve_at_deadline: f.has("auto_approve_at_deadline"),
            warning_threshold_pct: f.get("warning_threshold_pct").trim().parse().unwrap_or(0),
            skm_gate: f.has("skm_gate"),
            messages_show_officer_name: f.has("messages_show_officer_name"),
        };
        office_admin::settings::save_settings(&state, &officer.office_id, &settings)
            .await
            .map(|_| "setelan")
    } else {
        office_admin::calendar::add(
            &state,
            &officer.office_id,
            &f.get("date"),
            &f.get("kind"),
            &f.get("name"),
            &f.get("decree"),
        )
        .await
        .map(|_| "libur")
    };
    match result {
        Ok(info) => Ok(see_other(&format!("/petugas/admin/kalender?info={info}"))),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &calendar_view(&state, &o, &officer, FormState::new(f.map(), errors), "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn holiday_delete(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let id: i64 = f
        .get("id")
        .parse()
        .map_err(|_| WebError::BadRequest("Hari libur tidak dikenal.".into()))?;
    office_admin::calendar::remove(&state, &officer.office_id, id).await?;
    Ok(see_other("/petugas/admin/kalender?info=hapus"))
}

pub struct AdminHoliday {
    pub id: i64,
    pub national: bool,
    pub date: String,
    pub kind: String,
    pub name: String,
    pub decree: String,
}

#[derive(Template)]
#[template(path = "office_admin/admin_calendar.html")]
pub struct AdminCalendarPage {
    pub ctx: PageCtx,
    /// Empty unless the calendar covers less than the next 60 days.
    pub calendar_warning: String,
    pub holidays: Vec<AdminHoliday>,
    pub settings: crate::office_admin::settings::OfficeSettings,
    pub presets: Vec<(String, String)>,
    pub form: FormState,
    pub notice: String,
}
