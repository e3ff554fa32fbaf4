//! Offices as the instance administrator (the CLI) and each office's admin manage them: create
//! an office with its first admin (who gets a one-time link), change its public profile, close
//! and reopen it, and the setup checklist that says what is missing before it can open.

use crate::catalog;
use crate::catalog::offices::NewOffice;
use crate::catalog::offices::Office;
use crate::catalog::offices::Profile;
use crate::office_admin::queries;
use crate::office_admin::staff;
use crate::office_admin::staff::Actor;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::Datelike;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::roles::Role;

/// The first admin of a new office.
pub struct FirstAdmin<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
}

/// Creates an office and, when given, invites its first admin (the link is returned and
/// e-mailed). The office is written first: a refused admin leaves the office without an
/// admin, which `izinkes office invite-admin` (or a second try) mends.
pub async fn create(
    state: &AppState,
    o: &NewOffice<'_>,
    admin: Option<&FirstAdmin<'_>>,
) -> ServiceResult<Option<String>> {
    if let Some(a) = admin {
        let mut errors = catalog::offices::check_new(o);
        if izinkes_domain::email::Email::parse(a.email).is_err() {
            errors.insert("admin_email".into(), "Masukkan alamat e-mail admin yang valid.".into());
        }
        if a.full_name.trim().is_empty() {
            errors.insert("admin_name".into(), "Nama admin wajib diisi.".into());
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
    }
    catalog::offices::create(state, o).await?;
    let mut tx = state.db.begin().await?;
    staff::audit(
        &mut tx,
        o.id,
        Actor::Cli,
        "office_create",
        (None, o.name),
        &format!("Kantor dibuat (kode {}).", o.code),
    )
    .await?;
    tx.commit().await?;
    match admin {
        Some(a) => Ok(Some(invite_admin(state, o.id, a).await?)),
        None => Ok(None),
    }
}

/// Invites an admin of an office from the command line; returns the one-time link.
pub async fn invite_admin(state: &AppState, office_id: &str, a: &FirstAdmin<'_>) -> ServiceResult<String> {
    catalog::offices::get(state, office_id).await?;
    let invited = staff::invite(
        state,
        Actor::Cli,
        office_id,
        &staff::InviteInput {
            email: a.email.into(),
            full_name: a.full_name.into(),
            position: "Admin Kantor".into(),
            roles: vec![Role::Admin.code().into()],
        },
    )
    .await?;
    Ok(invited.link)
}

/// Changes an office's public profile; nothing is written when a field is refused.
pub async fn update_profile(
    state: &AppState,
    actor: Actor<'_>,
    office_id: &str,
    p: &Profile<'_>,
) -> ServiceResult<Office> {
    let before = catalog::offices::get(state, office_id).await?;
    let mut errors = FieldErrors::new();
    catalog::offices::check_profile(&mut errors, p);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let clean = |s: &str| crate::platform::text::clean_text(s, 300);
    let (name, short_name, address) = (clean(p.name), clean(p.short_name), clean(p.address));
    let (phone, email, website, hours) = (
        clean(p.phone),
        p.email.trim().to_lowercase(),
        p.website.trim().to_string(),
        clean(p.service_hours),
    );
    let mut tx = state.db.begin().await?;
    let row = queries::OfficeProfileRow {
        name: &name,
        short_name: &short_name,
        address: &address,
        phone: &phone,
        email: &email,
        website: &website,
        service_hours: &hours,
    };
    if !queries::update_office_profile(&mut tx, office_id, &row).await? {
        return Err(ServiceError::NotFound);
    }
    let changed = changed_fields(&before, &row);
    if !changed.is_empty() {
        let detail = format!("Profil kantor diubah: {}.", changed.join(", "));
        staff::audit(&mut tx, office_id, actor, "office_update", (None, &name), &detail).await?;
    }
    tx.commit().await?;
    catalog::offices::forget(state, office_id);
    catalog::offices::get(state, office_id).await
}

fn changed_fields(before: &Office, after: &queries::OfficeProfileRow<'_>) -> Vec<&'static str> {
    [
        ("nama", before.name.as_str(), after.name),
        ("nama singkat", &before.short_name, after.short_name),
        ("alamat", &before.address, after.address),
        ("telepon", &before.phone, after.phone),
        ("e-mail", &before.email, after.email),
        ("situs web", &before.website, after.website),
        ("jam layanan", &before.service_hours, after.service_hours),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(label, _, _)| label)
    .collect()
}

/// Closes an office (off the public pages, no new applications; files, permits and their
/// verification stay) or opens it again.
pub async fn set_open(state: &AppState, actor: Actor<'_>, office_id: &str, open: bool) -> ServiceResult<()> {
    let office = catalog::offices::get(state, office_id).await?;
    if office.disabled != open {
        return Ok(());
    }
    let now = now_text();
    let mut tx = state.db.begin().await?;
    queries::set_office_disabled(&mut tx, office_id, (!open).then_some(now.as_str())).await?;
    let (action, detail) = if open {
        ("office_open", "Kantor dibuka kembali untuk permohonan baru.")
    } else {
        (
            "office_close",
            "Kantor ditutup: tidak tampil di halaman publik dan tidak menerima permohonan baru.",
        )
    };
    staff::audit(&mut tx, office_id, actor, action, (None, &office.name), detail).await?;
    tx.commit().await?;
    catalog::offices::forget(state, office_id);
    Ok(())
}

/// One item of the setup checklist.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SetupItem {
    /// `profile`, `letterhead`, `signer`, `calendar`, `catalog`, `complaint_channels`, `officers`.
    pub key: String,
    pub label: String,
    pub done: bool,
    /// What to do, where, when it is not done.
    pub hint: String,
    /// The page that does it.
    pub link: String,
}

fn item(key: &str, label: &str, done: bool, hint: &str, link: &str) -> SetupItem {
    SetupItem {
        key: key.into(),
        label: label.into(),
        done,
        hint: if done { String::new() } else { hint.into() },
        link: link.into(),
    }
}

/// What the office has set up and what is missing before it can open.
pub async fn checklist(state: &AppState, office_id: &str) -> ServiceResult<Vec<SetupItem>> {
    let office = catalog::offices::get(state, office_id).await?;
    let s = queries::setup(&state.db.pool, office_id).await?;
    let next_year = catalog::offices::today(&office).year() + 1;
    let holidays = queries::holidays_in_year(&state.db.pool, office_id, next_year).await?;
    let (_, cat) = state.current_catalog().await?;
    let offered = usize::try_from(s.types_off).map_or(0, |off| cat.permit_types.len().saturating_sub(off));
    let staff = staff::list(state, office_id).await?;
    let desks = |r: Role| {
        staff
            .iter()
            .any(|m| m.active && m.roles.iter().any(|h| h.role == r.code()))
    };
    let profile_done = !office.phone.is_empty() && !office.email.is_empty() && !office.service_hours.is_empty();
    Ok(vec![
        item(
            "profile",
            "Profil kantor (alamat, telepon, e-mail, jam layanan)",
            profile_done,
            "Lengkapi telepon, e-mail dan jam layanan kantor.",
            "/petugas/admin/kantor",
        ),
        item(
            "letterhead",
            "Kop surat dan blok tanda tangan",
            s.letterhead > 0,
            "Isi kop surat, logo dan pejabat penanda tangan.",
            "/petugas/admin/dokumen",
        ),
        item(
            "signer",
            "Sertifikat tanda tangan elektronik (BSrE atau kunci lokal)",
            s.signer > 0,
            "Pasang sertifikat penanda tangan: izinkes signer --office … --kind bsre|local.",
            "/petugas/admin/dokumen",
        ),
        item(
            "calendar",
            &format!("Kalender hari libur {next_year}"),
            holidays > 0,
            "Tambahkan hari libur nasional dan cuti bersama tahun depan (SKB tiga menteri).",
            "/petugas/admin/kalender",
        ),
        item(
            "catalog",
            &format!("Jenis izin yang dilayani ({offered} aktif)"),
            offered > 0,
            "Aktifkan paling sedikit satu jenis izin.",
            "/petugas/admin/alur",
        ),
        item(
            "complaint_channels",
            "Saluran pengaduan kantor",
            s.complaint_channels > 0,
            "Isi alamat, telepon, e-mail dan tautan SP4N-LAPOR! kantor.",
            "/petugas/admin/pengaduan",
        ),
        item(
            "officers",
            "Petugas Front Office dan Kepala Dinas",
            desks(Role::FrontOffice) && desks(Role::Kadis),
            "Undang paling sedikit satu Front Office dan satu Kepala Dinas.",
            "/petugas/admin/petugas",
        ),
    ])
}
