//! The office admin's complaint settings page (`/petugas/admin/pengaduan`): the channels the
//! Standar Pelayanan pages list, forwarding to SP4N-LAPOR!, and the three severity deadlines.

use crate::complaints::settings;
use crate::complaints::settings::Channels;
use crate::complaints::settings::SettingsInput;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::extract::OfficerUser;
use crate::web::extract::admin;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "complaints/settings.html")]
pub struct SettingsPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub saved: bool,
}

/// The text fields of the form: (name, label, hint).
pub const CHANNEL_FIELDS: [(&str, &str, &str); 7] = [
    (
        "address",
        "Alamat kantor (datang langsung / surat)",
        "Contoh: Jl. Bhayangkara No. 1, Bontang",
    ),
    (
        "box_note",
        "Kotak pengaduan",
        "Contoh: Kotak pengaduan di ruang pelayanan lantai 1",
    ),
    ("phone", "Telepon", "Contoh: (0548) 20594"),
    ("fax", "Faksimile", "Contoh: (0548) 20598"),
    ("email", "E-mail", "Contoh: dpmptsp@bontangkota.go.id"),
    ("website", "Website", "Contoh: dpmptsp.bontangkota.go.id"),
    ("lapor_url", "Tautan SP4N-LAPOR!", "Contoh: https://www.lapor.go.id"),
];

fn values_of(s: &settings::ComplaintSettings) -> HashMap<String, String> {
    let c = &s.channels;
    [
        ("address", c.address.clone()),
        ("box_note", c.box_note.clone()),
        ("phone", c.phone.clone()),
        ("fax", c.fax.clone()),
        ("email", c.email.clone()),
        ("website", c.website.clone()),
        ("lapor_url", c.lapor_url.clone()),
        (
            "forwards_to_lapor",
            if s.forwards_to_lapor { "1" } else { "" }.to_string(),
        ),
        ("ringan_hours", s.deadlines.ringan_hours.to_string()),
        ("sedang_days", s.deadlines.sedang_days.to_string()),
        ("berat_days", s.deadlines.berat_days.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

impl SettingsPage {
    pub fn fields(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        &CHANNEL_FIELDS
    }
}

pub(crate) async fn settings_page(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    let officer = admin(&o)?;
    let s = settings::settings(&state, &officer.office_id).await?;
    Ok(page(&SettingsPage {
        ctx: o.visitor.ctx(&state, "Pengaturan Pengaduan", "admin"),
        form: FormState::new(values_of(&s), Default::default()),
        saved: false,
    }))
}

pub(crate) async fn settings_save(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = admin(&o)?;
    let f = FormBody::parse(&body);
    let input = SettingsInput {
        channels: Channels {
            address: f.get("address"),
            phone: f.get("phone"),
            fax: f.get("fax"),
            email: f.get("email"),
            website: f.get("website"),
            lapor_url: f.get("lapor_url"),
            box_note: f.get("box_note"),
        },
        forwards_to_lapor: matches!(f.get("forwards_to_lapor").as_str(), "1" | "on"),
        ringan_hours: f.get("ringan_hours"),
        sedang_days: f.get("sedang_days"),
        berat_days: f.get("berat_days"),
    };
    let ctx = o.visitor.ctx(&state, "Pengaturan Pengaduan", "admin");
    match settings::save(&state, &officer.office_id, &input).await {
        Ok(()) => {
            let s = settings::settings(&state, &officer.office_id).await?;
            Ok(page(&SettingsPage {
                ctx,
                form: FormState::new(values_of(&s), Default::default()),
                saved: true,
            }))
        }
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage {
                ctx,
                form: FormState::new(f.map(), errors),
                saved: false,
            },
        )),
        Err(e) => Err(e.into()),
    }
}
