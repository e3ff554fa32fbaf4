//! Issued permits (Izin): the number assigned once when a file becomes ready to sign, the final
//! SK rendered and signed by the head of office (one file or a batch, after re-entering the
//! authenticator code), the immutable signed PDF with its SHA-256, the public verification page
//! behind a random token, and the permit's life after issue: active, expired, revoked, replaced.

use crate::applications::{self, ApplicationView, NewHistory, append_history};
use crate::calendar;
use crate::db::{Tx, next_counter, now_text, opt_text};
use crate::desks::Officer;
use crate::doc_templates::TemplateKind;
use crate::error::{ServiceError, ServiceResult};
use crate::ids::{looks_like_id, new_id, new_token};
use crate::offices::{self, Office};
use crate::outbox::enqueue_email;
use crate::state::AppState;
use chrono::{Datelike, Months, NaiveDate, Utc};
use izinkes_documents::render::{Letterhead, Signer, SkData, SkLayout};
use izinkes_documents::sign::{LocalSigner, SignRequest};
use izinkes_domain::numbering::NumberPattern;
use serde::Serialize;
use sqlx::Row;
use std::sync::Arc;

/// Days before expiry at which the holder is reminded.
pub const REMINDER_DAYS: [i64; 3] = [90, 60, 30];

/// The office's letterhead and signing setup.
#[derive(Clone, Debug)]
pub struct OfficeDocs {
    pub government: String,
    pub office_title: String,
    pub address: String,
    pub contact: String,
    pub place: String,
    pub layout: SkLayout,
    pub signer_kind: String,
    pub signer_name: String,
    pub signer_position: String,
    pub signer_nip: Option<String>,
    pub signer_cert_pem: Option<String>,
    pub signer_key_pem: Option<String>,
    pub ca_cert_pem: Option<String>,
    pub bsre_url: Option<String>,
    /// The office's emblem on the kop surat (PNG or JPEG in the object store).
    pub logo_sha256: Option<String>,
}

/// The office's document setup; on first use an office gets a letterhead from its data and a
/// generated office CA with a signer certificate (the demo setup; production imports the
/// certificate issued by its CA).
pub async fn office_docs(state: &AppState, office: &Office) -> ServiceResult<OfficeDocs> {
    if let Some(docs) = state.office_docs.get(&office.id) {
        return Ok(OfficeDocs::clone(&docs));
    }
    let docs = load_office_docs(state, office).await?;
    state.office_docs.put(&office.id, Arc::new(docs.clone()));
    Ok(docs)
}

async fn load_office_docs(state: &AppState, office: &Office) -> ServiceResult<OfficeDocs> {
    let row = sqlx::query("SELECT * FROM office_documents WHERE office_id = $1")
        .bind(&office.id)
        .fetch_optional(&state.db.pool)
        .await?;
    if let Some(r) = row {
        return Ok(OfficeDocs {
            government: r.try_get("government")?,
            office_title: r.try_get("office_title")?,
            address: r.try_get("address")?,
            contact: r.try_get("contact")?,
            place: r.try_get("place")?,
            layout: if r.try_get::<String, _>("layout")? == "sip" {
                SkLayout::Sip
            } else {
                SkLayout::Decree
            },
            signer_kind: r.try_get("signer_kind")?,
            signer_name: r.try_get("signer_name")?,
            signer_position: r.try_get("signer_position")?,
            signer_nip: opt_text(&r, "signer_nip")?,
            signer_cert_pem: opt_text(&r, "signer_cert_pem")?,
            signer_key_pem: opt_text(&r, "signer_key_pem")?,
            ca_cert_pem: opt_text(&r, "ca_cert_pem")?,
            bsre_url: opt_text(&r, "bsre_url")?,
            logo_sha256: opt_text(&r, "logo_sha256")?,
        });
    }
    let signer_name: String = sqlx::query_scalar(
        "SELECT o.full_name FROM officers o JOIN officer_roles r ON r.officer_id = o.id WHERE r.office_id = $1 AND r.role = 'kadis' AND o.active = 1 ORDER BY o.created_at LIMIT 1",
    )
    .bind(&office.id)
    .fetch_optional(&state.db.pool)
    .await?
    .unwrap_or_else(|| "Kepala Dinas".into());
    let region = izinkes_domain::wilayah::Wilayah::builtin()
        .display_name(&office.regency_code)
        .unwrap_or_default();
    let office_name = office.name.clone();
    let signer_for_ca = signer_name.clone();
    let pki =
        tokio::task::spawn_blocking(move || izinkes_documents::sign::demo_office_ca(&office_name, &signer_for_ca))
            .await
            .map_err(|e| ServiceError::Internal(format!("join: {e}")))?
            .map_err(|e| ServiceError::Internal(format!("demo pki: {e}")))?;
    let place = office
        .address
        .split(',')
        .next_back()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| region.clone());
    let docs = OfficeDocs {
        government: format!("PEMERINTAH {}", region.to_uppercase()),
        office_title: "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU".into(),
        address: office.address.clone(),
        contact: format!("Telepon {} · Pos-el {}", office.phone, office.email),
        place,
        layout: SkLayout::Decree,
        signer_kind: "local".into(),
        signer_position: format!(
            "KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU {}",
            region.to_uppercase()
        ),
        signer_name,
        signer_nip: None,
        signer_cert_pem: Some(pki.signer_chain_pem()),
        signer_key_pem: Some(pki.signer_key_pem.clone()),
        ca_cert_pem: Some(pki.ca_cert_pem.clone()),
        bsre_url: None,
        logo_sha256: None,
    };
    sqlx::query(
        "INSERT INTO office_documents (office_id, government, office_title, address, contact, place, layout, signer_kind, signer_name, signer_position, \
           signer_nip, signer_cert_pem, signer_key_pem, ca_cert_pem, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'decree', $7, $8, $9, NULL, $10, $11, $12, $13) \
         ON CONFLICT (office_id) DO NOTHING",
    )
    .bind(&office.id)
    .bind(&docs.government)
    .bind(&docs.office_title)
    .bind(&docs.address)
    .bind(&docs.contact)
    .bind(&docs.place)
    .bind(&docs.signer_kind)
    .bind(&docs.signer_name)
    .bind(&docs.signer_position)
    .bind(&docs.signer_cert_pem)
    .bind(&docs.signer_key_pem)
    .bind(&docs.ca_cert_pem)
    .bind(now_text())
    .execute(&state.db.pool)
    .await?;
    Box::pin(load_office_docs(state, office)).await
}

/// What the office admin edits of the office's documents: the kop surat, the layout of its
/// permits and the signer block printed under them.
#[derive(Clone, Debug, Default)]
pub struct LetterheadInput {
    pub government: String,
    pub office_title: String,
    pub address: String,
    pub contact: String,
    pub place: String,
    /// "decree" (Keputusan) or "sip" (Surat Izin Praktik).
    pub layout: String,
    pub signer_name: String,
    pub signer_position: String,
    pub signer_nip: String,
}

/// Largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 1_000_000;

/// Saves the kop surat, layout and signer block; every field checked, nothing written on error.
pub async fn save_letterhead(state: &AppState, officer: &Officer, input: &LetterheadInput) -> ServiceResult<()> {
    if !officer.has("admin") {
        return Err(ServiceError::Forbidden);
    }
    let clean = |s: &str| crate::accounts::clean_text(s, 300);
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    let mut required = |key: &str, value: &str, label: &str| {
        if value.is_empty() {
            errors.insert(key.to_string(), format!("{label} wajib diisi."));
        }
    };
    let v = LetterheadInput {
        government: clean(&input.government),
        office_title: clean(&input.office_title),
        address: clean(&input.address),
        contact: clean(&input.contact),
        place: crate::accounts::clean_text(&input.place, 80),
        layout: input.layout.trim().to_string(),
        signer_name: crate::accounts::clean_text(&input.signer_name, 120),
        signer_position: clean(&input.signer_position),
        signer_nip: input.signer_nip.chars().filter(|c| !c.is_whitespace()).collect(),
    };
    required("government", &v.government, "Nama pemerintah daerah");
    required("office_title", &v.office_title, "Nama dinas");
    required("address", &v.address, "Alamat kantor");
    required("place", &v.place, "Tempat penetapan");
    required("signer_name", &v.signer_name, "Nama penandatangan");
    required("signer_position", &v.signer_position, "Jabatan penandatangan");
    if !matches!(v.layout.as_str(), "decree" | "sip") {
        errors.insert("layout".into(), "Pilih bentuk dokumen izin.".into());
    }
    let nip_ok = v.signer_nip.len() == 18 && v.signer_nip.bytes().all(|b| b.is_ascii_digit());
    if !v.signer_nip.is_empty() && !nip_ok {
        errors.insert(
            "signer_nip".into(),
            "NIP terdiri dari 18 angka (kosongkan bila penandatangan tidak ber-NIP).".into(),
        );
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let office = offices::get(state, &officer.office_id).await?;
    office_docs(state, &office).await?; // creates the row on first use
    sqlx::query(
        "UPDATE office_documents SET government = $1, office_title = $2, address = $3, contact = $4, place = $5, layout = $6,            signer_name = $7, signer_position = $8, signer_nip = $9, updated_at = $10 WHERE office_id = $11",
    )
    .bind(&v.government)
    .bind(&v.office_title)
    .bind(&v.address)
    .bind(&v.contact)
    .bind(&v.place)
    .bind(&v.layout)
    .bind(&v.signer_name)
    .bind(&v.signer_position)
    .bind(Some(v.signer_nip.as_str()).filter(|s| !s.is_empty()))
    .bind(now_text())
    .bind(&officer.office_id)
    .execute(&state.db.pool)
    .await?;
    state.forget_office(&officer.office_id);
    Ok(())
}

/// Sets (or with `None` removes) the office's emblem. The image must be a PNG or JPEG the renderer
/// can draw: it is tried on a sample letterhead before it is stored.
pub async fn set_logo(state: &AppState, officer: &Officer, logo: Option<Vec<u8>>) -> ServiceResult<()> {
    if !officer.has("admin") {
        return Err(ServiceError::Forbidden);
    }
    let office = offices::get(state, &officer.office_id).await?;
    let docs = office_docs(state, &office).await?;
    let sha = match logo {
        None => None,
        Some(bytes) => {
            if bytes.is_empty() {
                return Err(ServiceError::field("logo", "Pilih berkas logo (PNG atau JPEG)."));
            }
            if bytes.len() > MAX_LOGO_BYTES {
                return Err(ServiceError::field(
                    "logo",
                    format!(
                        "Berkas logo terlalu besar ({} KB); paling besar {} KB.",
                        bytes.len().div_ceil(1000),
                        MAX_LOGO_BYTES / 1000
                    ),
                ));
            }
            let is_png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
            let is_jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
            if !is_png && !is_jpeg {
                return Err(ServiceError::field("logo", "Logo harus berupa gambar PNG atau JPEG."));
            }
            let mut letterhead = letterhead_of(state, &docs).await;
            letterhead.logo_png = Some(bytes.clone());
            let probe = izinkes_documents::render::ReceiptData {
                letterhead,
                registration_number: "CONTOH".into(),
                ..Default::default()
            };
            let drawn = tokio::task::spawn_blocking(move || izinkes_documents::render::render_receipt(&probe))
                .await
                .map_err(|e| ServiceError::Internal(format!("join: {e}")))?;
            if drawn.is_err() {
                return Err(ServiceError::field(
                    "logo",
                    "Gambar logo rusak atau tidak dapat dibaca. Simpan ulang sebagai PNG lalu unggah kembali.",
                ));
            }
            let mime = if is_png { "image/png" } else { "image/jpeg" };
            Some(crate::documents::store_blob(state, &bytes, mime).await?)
        }
    };
    sqlx::query("UPDATE office_documents SET logo_sha256 = $1, updated_at = $2 WHERE office_id = $3")
        .bind(sha)
        .bind(now_text())
        .bind(&officer.office_id)
        .execute(&state.db.pool)
        .await?;
    state.forget_office(&officer.office_id);
    Ok(())
}

const PKCS12_PREFIX: &str = "pkcs12:";

/// The office's own signer: PEM material (the demo CA) or an imported PKCS#12 whose password
/// comes from the configuration, never from the database.
/// The office's local signer, parsed once and kept per office for [`crate::state::CACHE_TTL`]
/// while its stored certificate and key stay the same (parsing and checking an RSA key costs
/// about 2 ms, a tenth of an SK's signing).
fn local_signer(state: &AppState, office_id: &str, chain: &str, key: &str) -> ServiceResult<Arc<LocalSigner>> {
    let material = crate::ids::sha256_hex(format!("{chain}\n{key}").as_bytes());
    if let Some((cached, signer)) = state.signers.get(office_id)
        && cached == material
    {
        return Ok(signer);
    }
    let signer = Arc::new(parse_local_signer(state, chain, key)?);
    state.signers.put(office_id, (material, signer.clone()));
    Ok(signer)
}

fn parse_local_signer(state: &AppState, chain: &str, key: &str) -> ServiceResult<LocalSigner> {
    match key.strip_prefix(PKCS12_PREFIX) {
        Some(b64) => {
            let bytes =
                hex::decode(b64.trim()).map_err(|_| ServiceError::Internal("stored PKCS#12 is not hex".into()))?;
            let password = state.config.signer_p12_password.clone().ok_or_else(|| {
                ServiceError::Refused(
                    "Kata sandi sertifikat penandatangan belum diatur (IZINKES_SIGNER_PASSWORD).".into(),
                )
            })?;
            LocalSigner::from_pkcs12(&bytes, &password).map_err(|e| ServiceError::Refused(e.to_string()))
        }
        None => {
            let _ = chain;
            LocalSigner::from_pem(chain, key).map_err(|e| ServiceError::Internal(format!("signer: {e}")))
        }
    }
}

/// Imports the office's signing certificate from the PKCS#12 its CA issued (production). The
/// file is checked with the configured password and stored; the password is not.
pub async fn import_pkcs12(
    state: &AppState,
    office: &Office,
    p12: &[u8],
    signer_name: &str,
    position: &str,
) -> ServiceResult<String> {
    office_docs(state, office).await?;
    let password = state
        .config
        .signer_p12_password
        .clone()
        .ok_or_else(|| ServiceError::Refused("Set IZINKES_SIGNER_PASSWORD to the PKCS#12 password.".into()))?;
    let signer = LocalSigner::from_pkcs12(p12, &password).map_err(|e| ServiceError::Refused(e.to_string()))?;
    let chain = signer
        .certificate_chain_pem()
        .map_err(|e| ServiceError::Refused(e.to_string()))?;
    sqlx::query(
        "UPDATE office_documents SET signer_kind = 'local', signer_cert_pem = $1, signer_key_pem = $2, ca_cert_pem = NULL, signer_name = $3, signer_position = $4, updated_at = $5 WHERE office_id = $6",
    )
    .bind(&chain)
    .bind(format!("{PKCS12_PREFIX}{}", hex::encode(p12)))
    .bind(signer_name)
    .bind(position)
    .bind(now_text())
    .bind(&office.id)
    .execute(&state.db.pool)
    .await?;
    state.forget_office(&office.id);
    Ok(signer.signer_subject())
}

/// Switches an office's signing between its own certificate ("local") and BSrE (`bsre_url`).
pub async fn set_signer(state: &AppState, office: &Office, kind: &str, bsre_url: Option<&str>) -> ServiceResult<()> {
    office_docs(state, office).await?;
    if !matches!(kind, "local" | "bsre") || (kind == "bsre" && bsre_url.is_none_or(|u| !u.starts_with("http"))) {
        return Err(ServiceError::Refused(
            "Pilih 'local', atau 'bsre' dengan alamat layanan BSrE (https://…).".into(),
        ));
    }
    sqlx::query("UPDATE office_documents SET signer_kind = $1, bsre_url = $2, updated_at = $3 WHERE office_id = $4")
        .bind(kind)
        .bind(bsre_url)
        .bind(now_text())
        .bind(&office.id)
        .execute(&state.db.pool)
        .await?;
    state.forget_office(&office.id);
    Ok(())
}

fn pattern_for(code: &str, stored: Option<String>) -> NumberPattern {
    stored.and_then(|p| NumberPattern::parse(&p).ok()).unwrap_or_else(|| {
        let _ = code;
        NumberPattern::default_pattern()
    })
}

/// Assigns the permit number in the caller's transaction, when a file becomes ready to sign.
/// Per office, permit type and year; the upsert counter makes it unique and gapless under
/// concurrency; once assigned it is never reused, even if the file is later cancelled.
pub async fn assign_in_tx(
    tx: &mut Tx,
    v: &ApplicationView,
    applicant_identity_masked: &str,
    holder_name: &str,
) -> ServiceResult<String> {
    let office = &v.office;
    let year = Utc::now().with_timezone(&office.tz().offset()).year();
    let stored: Option<String> =
        sqlx::query_scalar("SELECT pattern FROM number_patterns WHERE office_id = $1 AND permit_code = $2")
            .bind(&office.id)
            .bind(&v.app.permit_code)
            .fetch_optional(&mut **tx)
            .await?;
    let pattern = pattern_for(&v.app.permit_code, stored);
    let seq = next_counter(tx, &office.id, &format!("sk:{}", v.app.permit_code), &year.to_string()).await?;
    let number = pattern.format(seq, year, &v.app.permit_code, &office.code);
    let profession = v.permit().map(|p| p.profession.clone()).unwrap_or_default();
    sqlx::query(
        "INSERT INTO permits (id, office_id, application_id, applicant_id, permit_code, profession, number, token, status, holder_name, nik_masked, \
           practice_place, practice_address, renewal_of, change_of, reminders, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'awaiting_signature', $9, $10, $11, $12, $13, $14, '[]', $15)",
    )
    .bind(new_id())
    .bind(&office.id)
    .bind(&v.app.id)
    .bind(&v.app.applicant_id)
    .bind(&v.app.permit_code)
    .bind(profession)
    .bind(&number)
    .bind(new_token())
    .bind(holder_name)
    .bind(applicant_identity_masked)
    .bind(&v.app.data.facility_name)
    .bind(format!("{}, {}", v.app.data.location_address, crate::web::templates::area_label(&v.app.data.location_village_code)))
    .bind(v.app.renewal_of.as_deref())
    .bind(v.app.change_of.as_deref())
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(number)
}

#[derive(Clone, Debug, Serialize)]
pub struct PermitRow {
    pub id: String,
    pub office_id: String,
    pub application_id: String,
    /// The holder's account (not shown: the holder is named by `holder_name`).
    #[serde(skip)]
    pub applicant_id: String,
    pub permit_code: String,
    pub number: String,
    pub token: String,
    pub status: String,
    pub holder_name: String,
    pub nik_masked: String,
    pub practice_place: String,
    pub practice_address: String,
    pub issued_on: Option<String>,
    pub valid_until: Option<String>,
    pub signer_name: Option<String>,
    pub signer_position: Option<String>,
    pub pdf_sha256: Option<String>,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
    pub revoke_decree: Option<String>,
    pub replaced_by: Option<String>,
    pub renewal_of: Option<String>,
    /// The permit this one changes (perubahan data): it replaces it and keeps its validity.
    pub change_of: Option<String>,
}

/// The status a person reads: Aktif / Kedaluwarsa / Dicabut / Diganti (or waiting).
impl PermitRow {
    pub fn public_status(&self, today: NaiveDate) -> &'static str {
        match self.status.as_str() {
            "revoked" => "Dicabut",
            "replaced" => "Diganti",
            "awaiting_signature" => "Menunggu Tanda Tangan",
            _ => match self
                .valid_until
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            {
                Some(until) if until < today => "Kedaluwarsa",
                _ => "Aktif",
            },
        }
    }

    /// [`PermitRow::public_status`] for machines: active / expired / revoked / replaced / pending.
    pub fn public_status_code(&self, today: NaiveDate) -> &'static str {
        match self.public_status(today) {
            "Aktif" => "active",
            "Kedaluwarsa" => "expired",
            "Dicabut" => "revoked",
            "Diganti" => "replaced",
            _ => "pending",
        }
    }
}

fn permit_from_row(r: &sqlx::any::AnyRow) -> Result<PermitRow, sqlx::Error> {
    Ok(PermitRow {
        id: r.try_get("id")?,
        office_id: r.try_get("office_id")?,
        application_id: r.try_get("application_id")?,
        applicant_id: r.try_get("applicant_id")?,
        permit_code: r.try_get("permit_code")?,
        number: r.try_get("number")?,
        token: r.try_get("token")?,
        status: r.try_get("status")?,
        holder_name: r.try_get("holder_name")?,
        nik_masked: r.try_get("nik_masked")?,
        practice_place: r.try_get("practice_place")?,
        practice_address: r.try_get("practice_address")?,
        issued_on: opt_text(r, "issued_on")?,
        valid_until: opt_text(r, "valid_until")?,
        signer_name: opt_text(r, "signer_name")?,
        signer_position: opt_text(r, "signer_position")?,
        pdf_sha256: opt_text(r, "pdf_sha256")?,
        revoked_at: opt_text(r, "revoked_at")?,
        revoke_reason: opt_text(r, "revoke_reason")?,
        revoke_decree: opt_text(r, "revoke_decree")?,
        replaced_by: opt_text(r, "replaced_by")?,
        renewal_of: opt_text(r, "renewal_of")?,
        change_of: opt_text(r, "change_of")?,
    })
}

async fn query_permits(state: &AppState, sql: &'static str, bind: &str) -> ServiceResult<Vec<PermitRow>> {
    let rows = sqlx::query(sql).bind(bind).fetch_all(&state.db.pool).await?;
    Ok(rows.iter().map(permit_from_row).collect::<Result<_, _>>()?)
}

pub async fn awaiting_signature(state: &AppState, office_id: &str) -> ServiceResult<Vec<PermitRow>> {
    query_permits(
        state,
        "SELECT * FROM permits WHERE office_id = $1 AND status = 'awaiting_signature' ORDER BY created_at",
        office_id,
    )
    .await
}

pub async fn for_applicant(state: &AppState, applicant_id: &str) -> ServiceResult<Vec<PermitRow>> {
    query_permits(
        state,
        "SELECT * FROM permits WHERE applicant_id = $1 AND status <> 'awaiting_signature' ORDER BY created_at DESC",
        applicant_id,
    )
    .await
}

pub async fn by_token(state: &AppState, token: &str) -> ServiceResult<PermitRow> {
    if token.len() != 52 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ServiceError::NotFound);
    }
    query_permits(
        state,
        "SELECT * FROM permits WHERE token = $1 AND status <> 'awaiting_signature'",
        token,
    )
    .await?
    .into_iter()
    .next()
    .ok_or(ServiceError::NotFound)
}

pub async fn by_id(state: &AppState, id: &str) -> ServiceResult<PermitRow> {
    if !looks_like_id(id) {
        return Err(ServiceError::NotFound);
    }
    query_permits(state, "SELECT * FROM permits WHERE id = $1", id)
        .await?
        .into_iter()
        .next()
        .ok_or(ServiceError::NotFound)
}

pub async fn by_number(state: &AppState, number: &str) -> ServiceResult<PermitRow> {
    query_permits(state, "SELECT * FROM permits WHERE number = $1", number)
        .await?
        .into_iter()
        .next()
        .ok_or(ServiceError::NotFound)
}

pub async fn all(state: &AppState) -> ServiceResult<Vec<PermitRow>> {
    let rows = sqlx::query("SELECT * FROM permits ORDER BY office_id, created_at")
        .fetch_all(&state.db.pool)
        .await?;
    Ok(rows.iter().map(permit_from_row).collect::<Result<_, _>>()?)
}

/// Archive search for an office: number, holder or practice place.
pub async fn search(state: &AppState, office_id: &str, q: &str) -> ServiceResult<Vec<PermitRow>> {
    let rows = sqlx::query("SELECT * FROM permits WHERE office_id = $1 AND status <> 'awaiting_signature' ORDER BY created_at DESC LIMIT 500")
        .bind(office_id)
        .fetch_all(&state.db.pool)
        .await?;
    let q = q.trim().to_lowercase();
    Ok(rows
        .iter()
        .map(permit_from_row)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|p| {
            q.is_empty()
                || format!("{} {} {}", p.number, p.holder_name, p.practice_place)
                    .to_lowercase()
                    .contains(&q)
        })
        .collect())
}

fn date_id(d: NaiveDate) -> String {
    crate::web::fmt::date_id(d)
}

/// The validity end (DOMAIN rule 2): years from issue, or earlier when an old-style STR ends.
pub fn valid_until(issued: NaiveDate, years: u32, str_expiry: Option<NaiveDate>, ends_with_str: bool) -> NaiveDate {
    let by_years = issued.checked_add_months(Months::new(years * 12)).unwrap_or(issued);
    match str_expiry {
        Some(s) if ends_with_str && s < by_years => s,
        _ => by_years,
    }
}

/// Everything the SK shows, from the application, the desks' draft SK and the office setup.
async fn sk_data(
    state: &AppState,
    v: &ApplicationView,
    p: &PermitRow,
    docs: &OfficeDocs,
    issued: NaiveDate,
    until: NaiveDate,
) -> ServiceResult<SkData> {
    let permit = v.permit().ok_or(ServiceError::NotFound)?;
    let draft: serde_json::Value = sqlx::query_scalar::<_, String>(
        "SELECT data FROM application_products WHERE application_id = $1 AND product = 'draft_sk' ORDER BY at DESC LIMIT 1",
    )
    .bind(&v.app.id)
    .fetch_optional(&state.db.pool)
    .await?
    .and_then(|s| serde_json::from_str(&s).ok())
    .unwrap_or(serde_json::Value::Null);
    let d = |k: &str, fallback: String| {
        draft
            .get(k)
            .and_then(|x| x.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
            .unwrap_or(fallback)
    };
    let a = |k: &str| v.app.answers.get(k).cloned().unwrap_or_default();
    let changed_number: Option<String> = match &v.app.change_of {
        Some(old) => {
            sqlx::query_scalar("SELECT number FROM permits WHERE id = $1")
                .bind(old)
                .fetch_optional(&state.db.pool)
                .await?
        }
        None => None,
    };
    let photo = match v.attachment("pas_foto") {
        Some(att) if att.mime.starts_with("image/") => state.store.get(&att.sha256).await.ok(),
        _ => None,
    };
    let birth = {
        let date = NaiveDate::parse_from_str(&a("tanggal_lahir"), "%Y-%m-%d")
            .map(date_id)
            .unwrap_or_default();
        [a("tempat_lahir"), date]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(SkData {
        letterhead: letterhead_of(state, docs).await,
        number: p.number.clone(),
        title: permit.name.to_uppercase(),
        layout: docs.layout,
        considerations: vec![
            match &changed_number {
                Some(old) => format!(
                    "bahwa {} selaku pemegang {} Nomor {} telah mengajukan perubahan data tempat dan/atau jadwal praktik \
                     dan telah memenuhi persyaratan sesuai ketentuan peraturan perundang-undangan;",
                    p.holder_name, permit.name, old
                ),
                None => format!(
                    "bahwa {} telah mengajukan permohonan {} dan telah memenuhi persyaratan sesuai ketentuan peraturan perundang-undangan;",
                    p.holder_name, permit.name
                ),
            },
            format!(
                "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan tentang {};",
                permit.name
            ),
        ],
        legal_basis: permit.legal_basis.clone(),
        holder_name: d("nama", p.holder_name.clone()),
        holder_birth: birth,
        holder_address: format!(
            "{}, {}",
            v.app.data.address,
            crate::web::templates::area_label(&v.app.data.village_code)
        ),
        profession: permit.profession.clone(),
        str_number: d("nomor_str", a("nomor_str")),
        practice_place: d("tempat_praktik", p.practice_place.clone()),
        practice_address: d("alamat_praktik", p.practice_address.clone()),
        practice_days: d("hari_praktik", izinkes_domain::catalog::format_days(&a("hari_praktik"))),
        practice_hours: d(
            "jam_praktik",
            format!(
                "{} {}",
                izinkes_domain::catalog::format_time_range(&a("waktu_praktik")),
                v.office.tz().label()
            ),
        ),
        valid_from: date_id(issued),
        valid_until: date_id(until),
        photo,
        place_and_date: format!("{}, {}", docs.place, date_id(issued)),
        signer: Signer {
            name: docs.signer_name.clone(),
            position: docs.signer_position.clone(),
            nip: docs.signer_nip.clone(),
        },
        verify_url: format!("{}/v/{}", state.config.base_url.trim_end_matches('/'), p.token),
        draft: false,
        bsre_footer: docs.signer_kind == "bsre",
    })
}

/// Checks the head of office's authenticator code again before signing.
async fn check_code(state: &AppState, officer: &Officer, code: &str) -> ServiceResult<()> {
    let secret: Option<String> =
        sqlx::query_scalar("SELECT totp_secret FROM officers WHERE id = $1 AND totp_enabled_at IS NOT NULL")
            .bind(&officer.id)
            .fetch_optional(&state.db.pool)
            .await?
            .flatten();
    let Some(secret) = secret else {
        return Err(ServiceError::Refused(
            "Aktifkan autentikator (Keamanan akun) sebelum menandatangani.".into(),
        ));
    };
    if crate::totp::verify_now(&secret, code).is_none() {
        return Err(ServiceError::field(
            "totp",
            "Kode autentikator salah atau kedaluwarsa. Masukkan kode 6 digit yang sedang tampil.",
        ));
    }
    Ok(())
}

#[derive(Debug)]
pub struct SignOutcome {
    pub permit_id: String,
    pub number: String,
    pub result: Result<(), String>,
}

/// The head of office signs one file or a batch, after re-entering the authenticator code.
/// Each permit is rendered, signed and stored on its own; one failure does not stop the rest.
/// BSrE credentials typed at signing; used for this batch only, never stored or logged.
pub struct BsreCredentials {
    pub nik: String,
    pub passphrase: String,
}

impl std::fmt::Debug for BsreCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BsreCredentials([disembunyikan])")
    }
}

pub async fn sign_batch(
    state: &AppState,
    officer: &Officer,
    permit_ids: &[String],
    code: &str,
    bsre: Option<&BsreCredentials>,
) -> ServiceResult<Vec<SignOutcome>> {
    if !officer.has("kadis") {
        return Err(ServiceError::Forbidden);
    }
    if permit_ids.is_empty() {
        return Err(ServiceError::field(
            "permits",
            "Pilih paling sedikit satu izin untuk ditandatangani.",
        ));
    }
    check_code(state, officer, code).await?;
    // Several permits at once; each is its own transaction, the outcomes keep the order asked.
    use futures_util::StreamExt;
    let at_once = batch_parallelism();
    let out = futures_util::stream::iter(permit_ids.iter().cloned())
        .map(|id: String| async move {
            let result = sign_with(state, officer, &id, bsre).await;
            let number = by_id(state, &id).await.map(|p| p.number).unwrap_or_default();
            let result = result.map_err(|e| match e {
                ServiceError::Internal(detail) => format!(
                    "kesalahan sistem; sebutkan nomor referensi {} kepada admin",
                    crate::web::error::log_internal(&detail)
                ),
                other => other.to_string(),
            });
            SignOutcome {
                permit_id: id,
                number,
                result,
            }
        })
        .buffered(at_once)
        .collect::<Vec<_>>()
        .await;
    Ok(out)
}

/// How many permits a batch signs at once: one more than the cores (at least two, at most
/// eight). Each signing alternates CPU work (rendering, RSA) with waits (the database, the
/// signed PDF synced to the blob store, a BSrE call over the network): with one per core the
/// cores stood idle a fifth of a batch; one more keeps them busy, more only lengthens each
/// signing (docs/benchmarks.md, "the real path").
pub fn batch_parallelism() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get().saturating_add(1))
        .clamp(2, 8)
}

/// Renders and signs one permit with the office's own certificate (demo loader, tests).
pub async fn sign_one(state: &AppState, officer: &Officer, permit_id: &str) -> ServiceResult<()> {
    sign_with(state, officer, permit_id, None).await
}

async fn sign_with(
    state: &AppState,
    officer: &Officer,
    permit_id: &str,
    bsre: Option<&BsreCredentials>,
) -> ServiceResult<()> {
    let p = by_id(state, permit_id).await?;
    if p.office_id != officer.office_id {
        return Err(ServiceError::NotFound);
    }
    if p.status != "awaiting_signature" {
        return Err(ServiceError::Refused(format!(
            "Izin {} sudah ditandatangani.",
            p.number
        )));
    }
    let office = offices::get(state, &p.office_id).await?;
    let docs = office_docs(state, &office).await?;
    let applicant_id = p.applicant_id.clone();
    let v = applications::load_view(state, &applicant_id, &p.application_id).await?;
    let permit_type = v.permit().ok_or(ServiceError::NotFound)?.clone();
    let applicant = crate::accounts::load_applicant(state, &applicant_id).await?;
    let issued = calendar::today(&office);
    let str_expiry = (applicant.profile.str_kind == "berjangka")
        .then(|| NaiveDate::parse_from_str(&applicant.profile.str_expiry, "%Y-%m-%d").ok())
        .flatten();
    let until = match &p.change_of {
        // A change of data does not extend the permit: the new SK keeps the old end date.
        Some(old) => changed_permit_end(state, old).await?,
        None => valid_until(
            issued,
            permit_type.validity.years,
            str_expiry,
            permit_type.validity.ends_with_str,
        ),
    };
    let data = sk_data(state, &v, &p, &docs, issued, until).await?;
    let reason = format!("Penetapan {}", permit_type.name);
    let location = docs.place.clone();
    let signer_name = docs.signer_name.clone();
    let (pdf, placement) = crate::doc_templates::sk_with_signature(state, &office.id, data).await?;
    let req = SignRequest {
        signer_name: &signer_name,
        reason: &reason,
        location: &location,
        signing_time: Utc::now(),
        rect: Some(placement.rect),
        page: placement.page,
    };
    let signed = if docs.signer_kind == "bsre" {
        // BSrE signs the hash only: the PDF never leaves the server.
        let Some(creds) = bsre else {
            return Err(ServiceError::field(
                "nik",
                "Kantor ini menandatangani melalui BSrE: masukkan NIK dan passphrase penandatangan.",
            ));
        };
        let url = docs
            .bsre_url
            .clone()
            .ok_or_else(|| ServiceError::Refused("Alamat layanan BSrE kantor belum diatur.".into()))?;
        let signer = izinkes_documents::sign::BsreSigner::new(
            &url,
            izinkes_documents::sign::SecretString::new(creds.nik.trim()),
            izinkes_documents::sign::SecretString::new(creds.passphrase.as_str()),
        )
        .map_err(|e| ServiceError::Refused(e.to_string()))?;
        match izinkes_documents::sign::sign_pdf(&pdf, &req, &signer).await {
            Ok(s) => s,
            Err(
                e @ (izinkes_documents::sign::SignError::NotRegistered
                | izinkes_documents::sign::SignError::WrongPassphrase
                | izinkes_documents::sign::SignError::Unavailable(_)),
            ) => return Err(ServiceError::Refused(e.to_string())),
            Err(e) => return Err(ServiceError::Internal(format!("bsre: {e}"))),
        }
    } else {
        let (chain, key) = match (&docs.signer_cert_pem, &docs.signer_key_pem) {
            (Some(c), Some(k)) => (c.clone(), k.clone()),
            _ => {
                return Err(ServiceError::Refused(
                    "Sertifikat penandatangan kantor belum dipasang.".into(),
                ));
            }
        };
        let signer = local_signer(state, &office.id, &chain, &key)?;
        // RSA signing is CPU work: off the async workers.
        let (reason, location, signer_name, rect, page) = (
            reason.clone(),
            location.clone(),
            signer_name.clone(),
            req.rect,
            req.page,
        );
        let signing_time = req.signing_time;
        tokio::task::spawn_blocking(move || {
            let req = SignRequest {
                signer_name: &signer_name,
                reason: &reason,
                location: &location,
                signing_time,
                rect,
                page,
            };
            signer.sign_pdf(&pdf, &req)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("join: {e}")))?
        .map_err(|e| ServiceError::Internal(format!("sign: {e}")))?
    };
    let sha = crate::documents::store_blob(state, &signed.bytes, "application/pdf").await?;
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let updated = sqlx::query(
        "UPDATE permits SET status = 'active', issued_on = $1, valid_until = $2, signer_name = $3, signer_position = $4, pdf_sha256 = $5, signed_at = $6 \
         WHERE id = $7 AND status = 'awaiting_signature'",
    )
    .bind(issued.format("%Y-%m-%d").to_string())
    .bind(until.format("%Y-%m-%d").to_string())
    .bind(&docs.signer_name)
    .bind(&docs.signer_position)
    .bind(&sha)
    .bind(&now)
    .bind(&p.id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ServiceError::Conflict(format!(
            "Izin {} baru saja ditandatangani.",
            p.number
        )));
    }
    sqlx::query(
        "UPDATE applications SET status = 'issued', updated_at = $1, lock_version = lock_version + 1 WHERE id = $2",
    )
    .bind(&now)
    .bind(&p.application_id)
    .execute(&mut *tx)
    .await?;
    // A renewal or a change of data replaces the permit it renews or changes.
    if let Some(old) = p.renewal_of.as_ref().or(p.change_of.as_ref()) {
        sqlx::query("UPDATE permits SET status = 'replaced', replaced_by = $1 WHERE id = $2 AND status = 'active'")
            .bind(&p.id)
            .bind(old)
            .execute(&mut *tx)
            .await?;
    }
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &office.id,
            application_id: &p.application_id,
            actor_kind: "officer",
            actor_id: Some(&officer.id),
            actor_name: &officer.name,
            actor_role: Some("Kepala Dinas"),
            action: "tandatangani",
            from_status: Some("ready_to_sign"),
            to_status: "issued",
            step: None,
            public_note: Some(&format!(
                "Izin {} diterbitkan dan ditandatangani secara elektronik. Unduh di menu Izin Saya.",
                p.number
            )),
            internal_note: None,
        },
    )
    .await?;
    enqueue_email(
        &mut tx,
        Some(&office.id),
        &applicant.email,
        &format!("Izin terbit: {}", p.number),
        &format!(
            "Yth. {},\n\n{} Anda telah terbit dengan nomor {} dan ditandatangani secara elektronik.\nBerlaku sampai {}.\n\nUnduh di {}/izin\nKeaslian dapat diperiksa siapa saja di {}/v/{}\n",
            applicant.full_name,
            permit_type.name,
            p.number,
            date_id(until),
            state.config.base_url.trim_end_matches('/'),
            state.config.base_url.trim_end_matches('/'),
            p.token
        ),
    )
    .await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// The signed PDF, for its holder or an officer of its office.
pub async fn pdf_for(
    state: &AppState,
    viewer: &crate::accounts::SessionSubject,
    permit_id: &str,
) -> ServiceResult<(PermitRow, Vec<u8>)> {
    let p = by_id(state, permit_id).await?;
    let allowed = match viewer.kind {
        crate::accounts::SubjectKind::Applicant => viewer.id == p.applicant_id,
        crate::accounts::SubjectKind::Officer => viewer.office_id.as_deref() == Some(p.office_id.as_str()),
    };
    if !allowed {
        return Err(ServiceError::NotFound);
    }
    let sha = p.pdf_sha256.clone().ok_or(ServiceError::NotFound)?;
    let bytes = state.store.get(&sha).await?;
    Ok((p, bytes))
}

/// Revocation (pencabutan) with a reason and a decree number; flips the public status at once.
pub async fn revoke(
    state: &AppState,
    officer: &Officer,
    permit_id: &str,
    reason: &str,
    decree: &str,
) -> ServiceResult<()> {
    if !(officer.has("kadis") || officer.has("admin")) {
        return Err(ServiceError::Forbidden);
    }
    let p = by_id(state, permit_id).await?;
    if p.office_id != officer.office_id {
        return Err(ServiceError::NotFound);
    }
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    let reason = crate::accounts::clean_text(reason, 1000);
    let decree = crate::accounts::clean_text(decree, 100);
    if reason.chars().count() < 10 {
        errors.insert("reason".into(), "Tuliskan alasan pencabutan (minimal 10 huruf).".into());
    }
    if decree.is_empty() {
        errors.insert("decree".into(), "Tuliskan nomor keputusan pencabutan.".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let mut tx = state.db.begin().await?;
    let done = sqlx::query("UPDATE permits SET status = 'revoked', revoked_at = $1, revoke_reason = $2, revoke_decree = $3 WHERE id = $4 AND status = 'active'")
        .bind(now_text())
        .bind(&reason)
        .bind(&decree)
        .bind(&p.id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ServiceError::Refused(
            "Hanya izin yang aktif yang dapat dicabut.".into(),
        ));
    }
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &p.office_id,
            application_id: &p.application_id,
            actor_kind: "officer",
            actor_id: Some(&officer.id),
            actor_name: &officer.name,
            actor_role: None,
            action: "cabut",
            from_status: Some("issued"),
            to_status: "issued",
            step: None,
            public_note: Some(&format!(
                "Izin {} dicabut dengan keputusan {decree}: {reason}",
                p.number
            )),
            internal_note: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The print and handover register (seed 002 steps 9–11).
pub async fn record_print(state: &AppState, officer: &Officer, permit_id: &str) -> ServiceResult<()> {
    // Printing is the Back Office's or the print room's (DOMAIN.md "Who uses it").
    if !(officer.has("back_office") || officer.has("pencetakan")) {
        return Err(ServiceError::Forbidden);
    }
    let p = by_id(state, permit_id).await?;
    if p.office_id != officer.office_id {
        return Err(ServiceError::NotFound);
    }
    sqlx::query("INSERT INTO permit_prints (office_id, permit_id, printed_by, printed_at) VALUES ($1, $2, $3, $4)")
        .bind(&p.office_id)
        .bind(&p.id)
        .bind(&officer.name)
        .bind(now_text())
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

pub async fn record_handover(
    state: &AppState,
    officer: &Officer,
    permit_id: &str,
    received_by: &str,
) -> ServiceResult<()> {
    // Handing over is the Front Office's (or the print room's, which keeps the register).
    if !(officer.has("front_office") || officer.has("pencetakan")) {
        return Err(ServiceError::Forbidden);
    }
    let p = by_id(state, permit_id).await?;
    if p.office_id != officer.office_id {
        return Err(ServiceError::NotFound);
    }
    let received_by = crate::accounts::clean_text(received_by, 120);
    if received_by.is_empty() {
        return Err(ServiceError::field("received_by", "Tuliskan nama penerima izin."));
    }
    let done = sqlx::query(
        "UPDATE permit_prints SET received_by = $1, handed_over_by = $2, handed_over_at = $3 WHERE id = (SELECT MAX(id) FROM permit_prints WHERE permit_id = $4) AND handed_over_at IS NULL",
    )
    .bind(&received_by)
    .bind(&officer.name)
    .bind(now_text())
    .bind(&p.id)
    .execute(&state.db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ServiceError::Refused("Catat pencetakan izin terlebih dahulu.".into()));
    }
    Ok(())
}

#[derive(Clone, Debug, Serialize)]
pub struct PrintRecord {
    pub printed_by: String,
    pub printed_at: String,
    pub received_by: Option<String>,
    pub handed_over_by: Option<String>,
    pub handed_over_at: Option<String>,
}

pub async fn prints(state: &AppState, permit_id: &str) -> ServiceResult<Vec<PrintRecord>> {
    let rows = sqlx::query("SELECT printed_by, printed_at, received_by, handed_over_by, handed_over_at FROM permit_prints WHERE permit_id = $1 ORDER BY id")
        .bind(permit_id)
        .fetch_all(&state.db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PrintRecord {
                printed_by: r.try_get("printed_by")?,
                printed_at: r.try_get("printed_at")?,
                received_by: opt_text(r, "received_by")?,
                handed_over_by: opt_text(r, "handed_over_by")?,
                handed_over_at: opt_text(r, "handed_over_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// A permit of the applicant `applicant_id`, signed or not; anyone else's is "not found".
pub async fn owned_by(state: &AppState, applicant_id: &str, permit_id: &str) -> ServiceResult<PermitRow> {
    let p = by_id(state, permit_id).await?;
    if p.applicant_id != applicant_id {
        return Err(ServiceError::NotFound);
    }
    Ok(p)
}

/// The end date of the permit a change of data replaces (the new SK keeps it).
async fn changed_permit_end(state: &AppState, old_permit_id: &str) -> ServiceResult<NaiveDate> {
    let until: Option<String> = sqlx::query_scalar("SELECT valid_until FROM permits WHERE id = $1")
        .bind(old_permit_id)
        .fetch_optional(&state.db.pool)
        .await?
        .flatten();
    until
        .and_then(|u| NaiveDate::parse_from_str(&u, "%Y-%m-%d").ok())
        .ok_or_else(|| ServiceError::Internal(format!("changed permit {old_permit_id} has no validity")))
}

/// What a change of data (perubahan data) may change: the practice place, its address and area,
/// and the practice days and hours (the permit type's schedule fields). Everything else —
/// identity, profession, STR — needs a new application.
#[derive(Clone, Debug, Default)]
pub struct ChangeInput {
    pub facility_name: String,
    pub location_address: String,
    pub location_village_code: String,
    /// The permit type's schedule answers (Hari Praktik, Waktu Praktik), by field key.
    pub schedule: izinkes_domain::catalog::Answers,
    pub reason: String,
}

/// The form fields of a permit type a change of data may change (days and hours of practice).
pub fn schedule_fields(permit: &izinkes_domain::catalog::PermitType) -> Vec<&izinkes_domain::catalog::FormField> {
    use izinkes_domain::catalog::FieldKind;
    permit
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Days | FieldKind::TimeRange))
        .collect()
}

/// An active permit the applicant holds, and the application it was issued from, for a change.
pub async fn changeable(
    state: &AppState,
    applicant_id: &str,
    permit_id: &str,
) -> ServiceResult<(PermitRow, applications::ApplicationView)> {
    let p = owned_by(state, applicant_id, permit_id).await?;
    let office = offices::get(state, &p.office_id).await?;
    if p.public_status(calendar::today(&office)) != "Aktif" {
        return Err(ServiceError::Refused(
            "Perubahan data hanya untuk izin yang masih aktif. Izin yang kedaluwarsa diperpanjang; izin yang dicabut \
             atau sudah diganti tidak dapat diubah."
                .into(),
        ));
    }
    let open: Option<String> = sqlx::query_scalar(
        "SELECT COALESCE(registration_number, 'draf') FROM applications WHERE (change_of = $1 OR renewal_of = $1) \
           AND status NOT IN ('draft', 'rejected', 'issued', 'cancelled') LIMIT 1",
    )
    .bind(permit_id)
    .fetch_optional(&state.db.pool)
    .await?;
    if let Some(number) = open {
        return Err(ServiceError::Refused(format!(
            "Permohonan perubahan atau perpanjangan izin ini sedang diproses ({number}). Tunggu sampai selesai."
        )));
    }
    let v = applications::load_view(state, applicant_id, &p.application_id).await?;
    Ok((p, v))
}

/// Perubahan data: a new application copied from the permit's own, with the practice place or
/// schedule changed and the reason, submitted at once into the office's workflow. The permit it
/// yields replaces the old one and keeps its end date. Returns the new application's id; when it
/// cannot be submitted as it stands (the permit type's requirements changed since), it stays a
/// draft for the applicant to complete.
pub async fn start_change(
    state: &AppState,
    applicant_id: &str,
    permit_id: &str,
    input: &ChangeInput,
) -> ServiceResult<String> {
    let (p, v) = changeable(state, applicant_id, permit_id).await?;
    let permit_type = v.permit().ok_or(ServiceError::NotFound)?.clone();
    let mut changed = v.app.clone();
    changed.data.facility_name = input.facility_name.clone();
    changed.data.location_address = input.location_address.clone();
    changed.data.location_village_code = input.location_village_code.trim().to_string();
    let (data, step1_errors) = applications::check_applicant_data(&changed.data, &v.office);
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    for key in ["facility_name", "location_address", "location_village_code"] {
        if let Some(e) = step1_errors.get(key) {
            errors.insert(key.to_string(), e.clone());
        }
    }
    changed.data = data;
    let fields = schedule_fields(&permit_type);
    for f in &fields {
        let value: String = input
            .schedule
            .get(&f.key)
            .map(|s| s.trim().chars().filter(|c| !c.is_control()).take(200).collect())
            .unwrap_or_default();
        if value.is_empty() {
            changed.answers.remove(&f.key);
        } else {
            changed.answers.insert(f.key.clone(), value);
        }
    }
    let answer_errors = permit_type.check_answers(&changed.answers);
    for f in &fields {
        if let Some(e) = answer_errors.get(&f.key) {
            errors.insert(f.key.clone(), e.clone());
        }
    }
    let reason = crate::accounts::clean_text(&input.reason, 500);
    if reason.chars().count() < 10 {
        errors.insert(
            "reason".into(),
            "Tuliskan alasan perubahan, paling sedikit 10 karakter (misalnya: pindah tempat praktik).".into(),
        );
    }
    let same = changed.data.facility_name == v.app.data.facility_name
        && changed.data.location_address == v.app.data.location_address
        && changed.data.location_village_code == v.app.data.location_village_code
        && fields
            .iter()
            .all(|f| changed.answers.get(&f.key) == v.app.answers.get(&f.key));
    if same && errors.is_empty() {
        errors.insert(
            "facility_name".into(),
            "Belum ada data yang diubah. Ubah tempat, alamat atau jadwal praktik.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    changed.renewal_of = None;
    changed.change_of = Some(p.id.clone());
    changed.change_reason = Some(reason);
    let applicant = crate::accounts::load_applicant(state, applicant_id).await?;
    let new_id = applications::copy_as_draft(state, &applicant, &changed).await?;
    match applications::submit(state, applicant_id, &new_id).await {
        Ok(_) => Ok(new_id),
        Err(ServiceError::Invalid(_) | ServiceError::Refused(_)) => Ok(new_id),
        Err(e) => Err(e),
    }
}

/// Renewal (perpanjangan): a new application prefilled from the permit's application,
/// linked to the permit it will replace.
pub async fn renew(state: &AppState, applicant_id: &str, permit_id: &str) -> ServiceResult<String> {
    let p = owned_by(state, applicant_id, permit_id).await?;
    if !matches!(p.status.as_str(), "active") {
        return Err(ServiceError::Refused(
            "Hanya izin yang masih tercatat (aktif atau kedaluwarsa, tidak dicabut) yang dapat diperpanjang.".into(),
        ));
    }
    let mut app = applications::load_owned(state, applicant_id, &p.application_id).await?;
    let applicant = crate::accounts::load_applicant(state, applicant_id).await?;
    app.renewal_of = Some(p.id.clone());
    app.change_of = None;
    app.change_reason = None;
    let new_id = applications::copy_as_draft(state, &applicant, &app).await?;
    Ok(new_id)
}

/// The daily job: reminders to holders 90, 60 and 30 days before expiry, through the outbox.
/// (Expiry itself needs no write: the status is read from the validity date.)
pub async fn remind_expiring(state: &AppState) -> ServiceResult<usize> {
    // Only permits ending within the largest threshold can be due (a day of margin either side
    // for the offices' time zones): the clock runs every minute over an archive of thousands.
    let utc_today = Utc::now().date_naive();
    let horizon = utc_today + chrono::Days::new(REMINDER_DAYS[0].unsigned_abs() + 1);
    let since = utc_today - chrono::Days::new(1);
    let rows = sqlx::query(
        "SELECT p.id, p.office_id, p.number, p.valid_until, p.reminders, a.email, a.full_name FROM permits p JOIN applicants a ON a.id = p.applicant_id \
         WHERE p.status = 'active' AND p.valid_until IS NOT NULL AND p.valid_until >= $1 AND p.valid_until <= $2",
    )
    .bind(since.format("%Y-%m-%d").to_string())
    .bind(horizon.format("%Y-%m-%d").to_string())
    .fetch_all(&state.db.pool)
    .await?;
    let mut sent = 0;
    let mut offices_seen: std::collections::HashMap<String, Office> = std::collections::HashMap::new();
    for r in rows {
        let office_id: String = r.try_get("office_id")?;
        let office = match offices_seen.get(&office_id) {
            Some(o) => o.clone(),
            None => {
                let o = offices::get(state, &office_id).await?;
                offices_seen.insert(office_id, o.clone());
                o
            }
        };
        let today = calendar::today(&office);
        let Some(until) = NaiveDate::parse_from_str(&r.try_get::<String, _>("valid_until")?, "%Y-%m-%d").ok() else {
            continue;
        };
        let left = (until - today).num_days();
        let mut done: Vec<i64> = serde_json::from_str(&r.try_get::<String, _>("reminders")?).unwrap_or_default();
        let Some(&mark) = REMINDER_DAYS
            .iter()
            .find(|&&d| left <= d && left >= 0 && !done.contains(&d))
        else {
            continue;
        };
        // Mark every threshold already passed, so a late start sends one reminder, not three.
        for d in REMINDER_DAYS {
            if left <= d && !done.contains(&d) {
                done.push(d);
            }
        }
        let id: String = r.try_get("id")?;
        let number: String = r.try_get("number")?;
        let mut tx = state.db.begin().await?;
        sqlx::query("UPDATE permits SET reminders = $1 WHERE id = $2")
            .bind(serde_json::to_string(&done)?)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        enqueue_email(
            &mut tx,
            Some(&office.id),
            &r.try_get::<String, _>("email")?,
            &format!("Izin {number} berakhir dalam {left} hari"),
            &format!(
                "Yth. {},\n\nIzin {number} berakhir pada {} ({mark} hari lagi atau kurang). Ajukan perpanjangan di {}/izin.\n",
                r.try_get::<String, _>("full_name")?,
                date_id(until),
                state.config.base_url.trim_end_matches('/')
            ),
        )
        .await?;
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        state.wake_outbox();
    }
    Ok(sent)
}

/// The office's kop surat with its emblem. A logo that cannot be read from the store is left out
/// (and logged) rather than stopping the document.
pub async fn letterhead_of(state: &AppState, docs: &OfficeDocs) -> Letterhead {
    let logo_png = match &docs.logo_sha256 {
        Some(sha) => match state.store.get(sha).await {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                tracing::warn!(error = %e, "office logo unreadable; letterhead without it");
                None
            }
        },
        None => None,
    };
    Letterhead {
        office_name: docs.office_title.clone(),
        government: docs.government.clone(),
        address: docs.address.clone(),
        contact: docs.contact.clone(),
        logo_png,
    }
}

/// Bukti Pendaftaran as a PDF, with a QR code to the tracking page.
pub async fn receipt_pdf(state: &AppState, applicant_id: &str, app_id: &str) -> ServiceResult<Vec<u8>> {
    let v = applications::load_view(state, applicant_id, app_id).await?;
    let number = v.app.registration_number.clone().ok_or(ServiceError::NotFound)?;
    let docs = office_docs(state, &v.office).await?;
    let applicant = crate::accounts::load_applicant(state, applicant_id).await?;
    let tz = v.office.tz();
    let documents = v
        .permit()
        .map(|p| {
            p.requirements
                .iter()
                .filter_map(|r| {
                    v.attachment(&r.key)
                        .map(|a| (r.label.clone(), format!("Diunggah ({})", a.filename)))
                })
                .collect()
        })
        .unwrap_or_default();
    let data = izinkes_documents::render::ReceiptData {
        letterhead: letterhead_of(state, &docs).await,
        registration_number: number,
        permit_name: v.permit().map(|p| p.name.clone()).unwrap_or_default(),
        holder_name: v.app.data.name.clone(),
        identity_masked: applicant.masked_identity(),
        facility: v.app.data.facility_name.clone(),
        location: format!(
            "{}, {}",
            v.app.data.location_address,
            crate::web::templates::area_label(&v.app.data.location_village_code)
        ),
        submitted_at: v
            .app
            .submitted_at
            .as_deref()
            .map(|s| crate::web::fmt::timestamp_id(s, tz.offset(), tz.label()))
            .unwrap_or_default(),
        documents,
        sla_days: v.permit().map(|p| p.sla_working_days).unwrap_or(0),
        track_url: format!("{}/lacak", state.config.base_url.trim_end_matches('/')),
    };
    crate::doc_templates::render_for_office(state, &v.office.id, TemplateKind::Receipt, data).await
}

/// The office documents made at the desks: the Berita Acara from the inspection record, the
/// Dinas Kesehatan's recommendation, and the draft SK (watermarked DRAF) for paraf.
pub async fn desk_pdf(state: &AppState, officer: &Officer, app_id: &str, which: &str) -> ServiceResult<Vec<u8>> {
    let file = crate::desks::open_file(state, officer, app_id).await?;
    let v = &file.view;
    let docs = office_docs(state, &v.office).await?;
    let today = calendar::today(&v.office);
    let product = |p: izinkes_domain::workflow::Product| {
        file.products
            .iter()
            .rev()
            .find(|x| x.product == p)
            .map(|x| x.data.clone())
    };
    let s = |d: &serde_json::Value, k: &str| d.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let permit_name = v.permit().map(|p| p.name.clone()).unwrap_or_default();
    match which {
        "berita-acara" => {
            let d = product(izinkes_domain::workflow::Product::BeritaAcara).ok_or(ServiceError::NotFound)?;
            let date = NaiveDate::parse_from_str(&s(&d, "date"), "%Y-%m-%d")
                .map(crate::web::fmt::date_long_id)
                .unwrap_or_default();
            let data = izinkes_documents::render::InspectionData {
                letterhead: letterhead_of(state, &docs).await,
                number: format!("BA/{}", v.app.registration_number.clone().unwrap_or_default()),
                date,
                place: docs.place.clone(),
                officers: s(&d, "officers")
                    .split(';')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect(),
                holder_name: v.app.data.name.clone(),
                permit_name,
                facility: v.app.data.facility_name.clone(),
                address: format!(
                    "{}, {}",
                    v.app.data.location_address,
                    crate::web::templates::area_label(&v.app.data.location_village_code)
                ),
                checklist: file
                    .checks
                    .iter()
                    .map(|c| {
                        (
                            c.requirement_key.replace('_', " "),
                            if c.ok {
                                "Sesuai".into()
                            } else {
                                format!("Tidak sesuai: {}", c.note)
                            },
                        )
                    })
                    .collect(),
                findings: String::new(),
                result: if s(&d, "result") == "sesuai" {
                    "Memenuhi persyaratan".into()
                } else {
                    "Tidak memenuhi persyaratan".into()
                },
            };
            crate::doc_templates::render_for_office(state, &v.office.id, TemplateKind::Inspection, data).await
        }
        "rekomendasi" => {
            let d = product(izinkes_domain::workflow::Product::Recommendation).ok_or(ServiceError::NotFound)?;
            let region = izinkes_domain::wilayah::Wilayah::builtin()
                .display_name(&v.office.regency_code)
                .unwrap_or_default();
            let data = izinkes_documents::render::RecommendationData {
                letterhead: Letterhead {
                    office_name: "DINAS KESEHATAN".into(),
                    ..letterhead_of(state, &docs).await
                },
                number: s(&d, "number"),
                date: crate::web::fmt::date_id(today),
                place: docs.place.clone(),
                addressee: format!("Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {region}"),
                permit_name,
                holder_name: v.app.data.name.clone(),
                profession: v.permit().map(|p| p.profession.clone()).unwrap_or_default(),
                facility: v.app.data.facility_name.clone(),
                decision: d.get("approve").and_then(|x| x.as_bool()).unwrap_or(false),
                considerations: s(&d, "note"),
                signer: Signer {
                    name: "Kepala Dinas Kesehatan".into(),
                    position: format!("KEPALA DINAS KESEHATAN {}", region.to_uppercase()),
                    nip: None,
                },
            };
            crate::doc_templates::render_for_office(state, &v.office.id, TemplateKind::Recommendation, data).await
        }
        "draf-sk" => {
            let p = PermitRow {
                id: String::new(),
                office_id: v.office.id.clone(),
                application_id: v.app.id.clone(),
                applicant_id: v.app.applicant_id.clone(),
                permit_code: v.app.permit_code.clone(),
                number: String::new(),
                token: String::new(),
                status: "draft".into(),
                holder_name: v.app.data.name.clone(),
                nik_masked: String::new(),
                practice_place: v.app.data.facility_name.clone(),
                practice_address: format!(
                    "{}, {}",
                    v.app.data.location_address,
                    crate::web::templates::area_label(&v.app.data.location_village_code)
                ),
                issued_on: None,
                valid_until: None,
                signer_name: None,
                signer_position: None,
                pdf_sha256: None,
                revoked_at: None,
                revoke_reason: None,
                revoke_decree: None,
                replaced_by: None,
                renewal_of: None,
                change_of: None,
            };
            let years = v.permit().map(|x| x.validity.years).unwrap_or(5);
            let mut data = sk_data(state, v, &p, &docs, today, valid_until(today, years, None, false)).await?;
            data.draft = true;
            Ok(crate::doc_templates::sk_with_signature(state, &v.office.id, data)
                .await?
                .0)
        }
        _ => Err(ServiceError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_is_five_years_or_the_end_of_an_old_str() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(valid_until(d("2026-11-22"), 5, None, true), d("2031-11-22"));
        assert_eq!(
            valid_until(d("2026-11-22"), 5, Some(d("2028-01-31")), true),
            d("2028-01-31")
        );
        assert_eq!(
            valid_until(d("2026-11-22"), 5, Some(d("2028-01-31")), false),
            d("2031-11-22")
        );
        assert_eq!(valid_until(d("2024-02-29"), 5, None, true), d("2029-02-28"));
    }
}
