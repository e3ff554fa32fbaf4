//! The applicant's notification settings (`/akun/notifikasi`: channels and the proof of the
//! phone number) and the admin's list of messages and WhatsApp templates
//! (`/petugas/admin/notifikasi`), and the officer's choice between the daily digest and
//! immediate notices (`/petugas/pemberitahuan`).

use crate::notifications::queries::MessageRow;
use crate::notifications::service;
use crate::notifications::service::Choice;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
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
use std::collections::HashMap;

#[derive(serde::Deserialize, Default)]
pub(crate) struct Info {
    #[serde(default)]
    info: String,
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "notifications/settings.html")]
pub struct SettingsPage {
    pub ctx: PageCtx,
    pub choice: Choice,
    pub form: FormState,
    pub notice: String,
}

async fn settings_view(
    state: &AppState,
    user: &ApplicantUser,
    mut form: FormState,
    notice: &str,
) -> Result<SettingsPage, WebError> {
    let choice = service::choice(state, &user.id).await?;
    if form.v("phone").is_empty() {
        let phone = choice
            .pending_phone
            .clone()
            .or_else(|| choice.verified_phone.clone())
            .unwrap_or_else(|| choice.account_phone.clone());
        form.values.insert("phone".into(), phone);
    }
    Ok(SettingsPage {
        ctx: user.ctx(state, "Pemberitahuan", "profil"),
        choice,
        form,
        notice: notice.into(),
    })
}

pub(crate) async fn settings(State(state): State<AppState>, user: ApplicantUser, Query(q): Query<Info>) -> PageResult {
    let notice = match q.info.as_str() {
        "saluran" => "Pilihan saluran pemberitahuan disimpan.",
        "kode" => "Kode verifikasi dikirim. Masukkan 6 angka yang Anda terima.",
        "terverifikasi" => "Nomor handphone terverifikasi. Sekarang Anda dapat memilih WhatsApp atau SMS.",
        _ => "",
    };
    Ok(page(&settings_view(&state, &user, FormState::default(), notice).await?))
}

pub(crate) async fn settings_save(State(state): State<AppState>, user: ApplicantUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let result = match f.get("what").as_str() {
        "kode" => service::send_code(&state, &user.id, &f.get("phone"), &f.get("via"))
            .await
            .map(|_| "kode"),
        "verifikasi" => service::confirm_code(&state, &user.id, &f.get("code"))
            .await
            .map(|_| "terverifikasi"),
        _ => service::save_choice(&state, &user.id, f.has("email"), f.has("whatsapp"), f.has("sms"))
            .await
            .map(|()| "saluran"),
    };
    match result {
        Ok(info) => Ok(see_other(&format!("/akun/notifikasi?info={info}"))),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &settings_view(&state, &user, FormState::new(f.map(), errors), "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}

/// One message as the lists show it.
pub struct MessageLine {
    pub created_at: String,
    pub channel: &'static str,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub status_label: &'static str,
    pub reason: String,
    pub attempts: i64,
    pub application_id: String,
}

/// A recipient shown without most of its digits or local part.
fn masked(recipient: &str) -> String {
    if let Some((local, domain)) = recipient.split_once('@') {
        let first: String = local.chars().take(2).collect();
        return format!("{first}…@{domain}");
    }
    let n = recipient.chars().count();
    let tail: String = recipient.chars().skip(n.saturating_sub(4)).collect();
    let head: String = recipient.chars().take(5).collect();
    format!("{head}…{tail}")
}

pub fn lines(rows: Vec<MessageRow>) -> Vec<MessageLine> {
    rows.into_iter()
        .map(|r| MessageLine {
            created_at: format!(
                "{} {} UTC",
                izinkes_domain::format_id::iso_date_id(r.created_at.get(..10).unwrap_or_default()),
                r.created_at.get(11..16).unwrap_or_default()
            ),
            channel: service::channel_label(&r.channel),
            recipient: masked(&r.recipient),
            subject: r.subject,
            status_label: service::status_label(&r.status),
            reason: if r.status == "failed" || r.status == "queued" {
                r.last_error.unwrap_or_default()
            } else {
                String::new()
            },
            status: r.status,
            attempts: r.attempts,
            application_id: r.application_id.unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "notifications/admin.html")]
pub struct AdminPage {
    pub ctx: PageCtx,
    pub email_only: bool,
    pub whatsapp_on: bool,
    pub sms_on: bool,
    pub templates: Vec<(String, String, String, String)>,
    pub messages: Vec<MessageLine>,
    pub status: String,
    pub form: FormState,
    pub notice: String,
}

async fn admin_view(
    state: &AppState,
    o: &OfficerUser,
    office_id: &str,
    status: &str,
    form: FormState,
    notice: &str,
) -> Result<AdminPage, WebError> {
    let gateways = &state.config.gateways;
    Ok(AdminPage {
        ctx: o.visitor.ctx(state, "Pemberitahuan", "admin"),
        email_only: gateways.is_email_only(),
        whatsapp_on: gateways.whatsapp.is_some(),
        sms_on: gateways.sms.is_some(),
        templates: service::office_templates(state, office_id).await?,
        messages: lines(service::office_messages(state, office_id, status).await?),
        status: status.into(),
        form,
        notice: notice.into(),
    })
}

pub(crate) async fn admin_page(State(state): State<AppState>, o: OfficerUser, Query(q): Query<Info>) -> PageResult {
    let officer = admin(&o)?;
    let notice = if q.info == "templat" {
        "Nama templat WhatsApp disimpan."
    } else {
        ""
    };
    Ok(page(
        &admin_view(&state, &o, &officer.office_id, &q.status, FormState::default(), notice).await?,
    ))
}

pub(crate) async fn admin_save(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let entries: Vec<(String, String, String)> = service::KINDS
        .iter()
        .filter(|(kind, _)| f.has(&format!("name_{kind}")))
        .map(|(kind, _)| {
            (
                (*kind).to_string(),
                f.get(&format!("name_{kind}")),
                f.get(&format!("lang_{kind}")),
            )
        })
        .collect();
    match service::save_templates(&state, &officer.office_id, &entries).await {
        Ok(()) => Ok(see_other("/petugas/admin/notifikasi?info=templat")),
        Err(ServiceError::Invalid(errors)) => {
            let values: HashMap<String, String> = f.map();
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &admin_view(&state, &o, &officer.office_id, "", FormState::new(values, errors), "").await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The officer's choice (`/petugas/pemberitahuan`): the daily digest (the default) or every
/// notice at once.
#[derive(Template)]
#[template(path = "notifications/officer.html")]
pub struct OfficerChoicePage {
    pub ctx: PageCtx,
    pub immediate: bool,
    pub notice: String,
}

pub(crate) async fn officer_choice(State(state): State<AppState>, o: OfficerUser, Query(q): Query<Info>) -> PageResult {
    let notice = if q.info == "disimpan" {
        "Pilihan pemberitahuan disimpan."
    } else {
        ""
    };
    Ok(page(&OfficerChoicePage {
        ctx: o.visitor.ctx(&state, "Pemberitahuan Saya", "pemberitahuan"),
        immediate: service::officer_immediate(&state, &o.id).await?,
        notice: notice.into(),
    }))
}

pub(crate) async fn officer_choice_save(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    service::save_officer_choice(&state, &o.id, f.get("cara") == "segera").await?;
    Ok(see_other("/petugas/pemberitahuan?info=disimpan"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_masked() {
        assert_eq!(masked("siti.aminah@example.com"), "si…@example.com");
        assert_eq!(masked("+6281234567890"), "+6281…7890");
    }
}
