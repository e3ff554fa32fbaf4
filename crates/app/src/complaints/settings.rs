//! Each office's complaint settings: the channels it publishes on its Standar Pelayanan pages
//! (address, phone, fax, e-mail, website, the SP4N-LAPOR! link, the complaint box), whether it
//! forwards complaints to SP4N-LAPOR!, and the deadlines of the three severities.

use crate::catalog;
use crate::catalog::offices::Office;
use crate::complaints::queries;
use crate::complaints::queries::SettingsRow;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::complaints::Deadlines;

/// The national complaint channel every office may forward to.
pub const LAPOR_URL: &str = "https://www.lapor.go.id";

/// Longest text of one channel entry.
const CHANNEL_MAX: usize = 200;

/// An office's complaint channels as it publishes them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintChannels)]
pub struct Channels {
    pub address: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub website: String,
    pub lapor_url: String,
    /// Where the complaint box (kotak pengaduan) is, if the office has one.
    pub box_note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplaintSettings {
    pub channels: Channels,
    pub forwards_to_lapor: bool,
    pub deadlines: Deadlines,
}

/// One line of the list of channels: what, the value, and a link where it is one.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ChannelLine {
    pub label: &'static str,
    pub value: String,
    pub href: Option<String>,
}

impl ComplaintSettings {
    /// Before the admin saves anything: the office's own address, phone and e-mail, the
    /// national LAPOR! link, forwarding on, and the default deadlines.
    fn defaults(office: &Office) -> ComplaintSettings {
        ComplaintSettings {
            channels: Channels {
                address: office.address.clone(),
                phone: office.phone.clone(),
                fax: String::new(),
                email: office.email.clone(),
                website: String::new(),
                lapor_url: LAPOR_URL.into(),
                box_note: String::new(),
            },
            forwards_to_lapor: true,
            deadlines: Deadlines::default(),
        }
    }

    fn from_row(r: SettingsRow) -> ComplaintSettings {
        let days = |v: i64| u32::try_from(v).unwrap_or(1);
        ComplaintSettings {
            channels: Channels {
                address: r.address,
                phone: r.phone,
                fax: r.fax,
                email: r.email,
                website: r.website,
                lapor_url: r.lapor_url,
                box_note: r.box_note,
            },
            forwards_to_lapor: r.forwards_to_lapor != 0,
            deadlines: Deadlines {
                ringan_hours: days(r.ringan_hours),
                sedang_days: days(r.sedang_days),
                berat_days: days(r.berat_days),
            },
        }
    }

    /// The channels as the Standar Pelayanan lists them, the online form first.
    pub fn lines(&self, office_id: &str) -> Vec<ChannelLine> {
        let c = &self.channels;
        let mut out = vec![ChannelLine {
            label: "Formulir daring",
            value: "Sampaikan pengaduan".into(),
            href: Some(format!("/pengaduan?kantor={office_id}")),
        }];
        let mut push = |label, value: &str, href: Option<String>| {
            if !value.trim().is_empty() {
                out.push(ChannelLine {
                    label,
                    value: value.to_string(),
                    href,
                });
            }
        };
        push("Datang langsung / surat", &c.address, None);
        push("Kotak pengaduan", &c.box_note, None);
        push(
            "Telepon",
            &c.phone,
            Some(format!("tel:{}", c.phone.replace([' ', '(', ')', '-'], ""))),
        );
        push("Faksimile", &c.fax, None);
        push("E-mail", &c.email, Some(format!("mailto:{}", c.email)));
        push("Website", &c.website, web_link(&c.website));
        push("SP4N-LAPOR!", &c.lapor_url, web_link(&c.lapor_url));
        out
    }
}

/// A link for an address typed with or without its scheme.
fn web_link(url: &str) -> Option<String> {
    let url = url.trim();
    if url.starts_with("https://") || url.starts_with("http://") {
        Some(url.to_string())
    } else {
        Some(format!("https://{url}"))
    }
}

/// The office's complaint settings (its defaults before the admin saved any); cached for
/// [`crate::platform::cache::CACHE_TTL`], saving forgets them.
pub async fn settings(state: &AppState, office_id: &str) -> ServiceResult<ComplaintSettings> {
    if let Some(s) = state.complaint_settings.get(office_id) {
        return Ok(ComplaintSettings::clone(&s));
    }
    let office = catalog::offices::get(state, office_id).await?;
    let s = match queries::settings(&state.db.pool, office_id).await? {
        Some(row) => ComplaintSettings::from_row(row),
        None => ComplaintSettings::defaults(&office),
    };
    state.complaint_settings.put(office_id, std::sync::Arc::new(s.clone()));
    Ok(s)
}

/// What the admin's form sends.
#[derive(Clone, Debug, Default)]
pub struct SettingsInput {
    pub channels: Channels,
    pub forwards_to_lapor: bool,
    pub ringan_hours: String,
    pub sedang_days: String,
    pub berat_days: String,
}

/// Checks and saves the office's complaint settings; field errors in Indonesian.
pub async fn save(state: &AppState, office_id: &str, input: &SettingsInput) -> ServiceResult<()> {
    let mut errors = FieldErrors::new();
    let number = |key: &str, v: &str, errors: &mut FieldErrors| match v.trim().parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            errors.insert(key.into(), "Isi dengan bilangan bulat.".into());
            1
        }
    };
    let deadlines = Deadlines {
        ringan_hours: number("ringan_hours", &input.ringan_hours, &mut errors),
        sedang_days: number("sedang_days", &input.sedang_days, &mut errors),
        berat_days: number("berat_days", &input.berat_days, &mut errors),
    };
    for (key, message) in deadlines.check() {
        errors.entry(key.into()).or_insert(message);
    }
    let c = &input.channels;
    let mut clean = |key: &str, v: &str| -> String {
        let v = crate::platform::text::clean_text(v, CHANNEL_MAX + 1);
        if v.chars().count() > CHANNEL_MAX {
            errors.insert(
                key.into(),
                format!("Terlalu panjang: paling banyak {CHANNEL_MAX} karakter."),
            );
        }
        v
    };
    let channels = Channels {
        address: clean("address", &c.address),
        phone: clean("phone", &c.phone),
        fax: clean("fax", &c.fax),
        email: clean("email", &c.email),
        website: clean("website", &c.website),
        lapor_url: clean("lapor_url", &c.lapor_url),
        box_note: clean("box_note", &c.box_note),
    };
    if !channels.email.is_empty() && izinkes_domain::email::Email::parse(&channels.email).is_err() {
        errors.insert(
            "email".into(),
            "Alamat e-mail tidak valid (contoh: pengaduan@kota.go.id).".into(),
        );
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let row = SettingsRow {
        address: channels.address,
        phone: channels.phone,
        fax: channels.fax,
        email: channels.email,
        website: channels.website,
        lapor_url: channels.lapor_url,
        box_note: channels.box_note,
        forwards_to_lapor: i64::from(input.forwards_to_lapor),
        ringan_hours: i64::from(deadlines.ringan_hours),
        sedang_days: i64::from(deadlines.sedang_days),
        berat_days: i64::from(deadlines.berat_days),
    };
    catalog::offices::get(state, office_id).await?;
    queries::save_settings(&state.db.pool, office_id, &row, &now_text()).await?;
    state.complaint_settings.forget(office_id);
    Ok(())
}
