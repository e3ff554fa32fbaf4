//! The office's documents: letterhead and logo, the signing block, and the PDFs made from them
//! (the SK's data, the receipt, the desk's drafts).

use crate::applications;
use crate::applications::view::ApplicationView;
use crate::auth::officer::Officer;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::desks::file::DeskFile;
use crate::permits::archive::PermitRow;
use crate::permits::expiry::valid_until;
use crate::permits::queries;
use crate::permits::templates::TemplateKind;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::NaiveDate;
use izinkes_documents::render::EstablishmentData;
use izinkes_documents::render::Letterhead;
use izinkes_documents::render::Signer;
use izinkes_documents::render::SkData;
use izinkes_documents::render::SkLayout;
use izinkes_documents::render::SkSubject;
use izinkes_domain::catalog::Holder;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::format_id::date_id;
use izinkes_domain::roles::Role;
use std::sync::Arc;

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
    let row = queries::office_docs(&state.db.pool, &office.id).await?;
    if let Some(r) = row {
        return Ok(OfficeDocs {
            government: r.government,
            office_title: r.office_title,
            address: r.address,
            contact: r.contact,
            place: r.place,
            layout: if r.layout == "sip" {
                SkLayout::Sip
            } else {
                SkLayout::Decree
            },
            signer_kind: r.signer_kind,
            signer_name: r.signer_name,
            signer_position: r.signer_position,
            signer_nip: r.signer_nip,
            signer_cert_pem: r.signer_cert_pem,
            signer_key_pem: r.signer_key_pem,
            ca_cert_pem: r.ca_cert_pem,
            bsre_url: r.bsre_url,
            logo_sha256: r.logo_sha256,
        });
    }
    let signer_name = queries::kadis_name(&state.db.pool, &office.id)
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
    let row = queries::NewOfficeDocs {
        government: &docs.government,
        office_title: &docs.office_title,
        address: &docs.address,
        contact: &docs.contact,
        place: &docs.place,
        signer_kind: &docs.signer_kind,
        signer_name: &docs.signer_name,
        signer_position: &docs.signer_position,
        signer_cert_pem: docs.signer_cert_pem.as_deref(),
        signer_key_pem: docs.signer_key_pem.as_deref(),
        ca_cert_pem: docs.ca_cert_pem.as_deref(),
    };
    queries::insert_office_docs(&state.db.pool, &office.id, &row, &now_text()).await?;
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
    if !officer.has(Role::Admin) {
        return Err(ServiceError::Forbidden);
    }
    let clean = |s: &str| crate::platform::text::clean_text(s, 300);
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
        place: crate::platform::text::clean_text(&input.place, 80),
        layout: input.layout.trim().to_string(),
        signer_name: crate::platform::text::clean_text(&input.signer_name, 120),
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
    let office = catalog::offices::get(state, &officer.office_id).await?;
    office_docs(state, &office).await?; // creates the row on first use
    let row = queries::LetterheadUpdate {
        government: &v.government,
        office_title: &v.office_title,
        address: &v.address,
        contact: &v.contact,
        place: &v.place,
        layout: &v.layout,
        signer_name: &v.signer_name,
        signer_position: &v.signer_position,
        signer_nip: Some(v.signer_nip.as_str()).filter(|s| !s.is_empty()),
    };
    queries::update_letterhead(&state.db.pool, &row, &now_text(), &officer.office_id).await?;
    state.forget_office(&officer.office_id);
    Ok(())
}

/// Sets (or with `None` removes) the office's emblem. The image must be a PNG or JPEG the renderer
/// can draw: it is tried on a sample letterhead before it is stored.
pub async fn set_logo(state: &AppState, officer: &Officer, logo: Option<Vec<u8>>) -> ServiceResult<()> {
    if !officer.has(Role::Admin) {
        return Err(ServiceError::Forbidden);
    }
    let office = catalog::offices::get(state, &officer.office_id).await?;
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
            Some(crate::platform::uploads::store_blob(state, &bytes, mime).await?)
        }
    };
    queries::set_logo(&state.db.pool, sha.as_deref(), &now_text(), &officer.office_id).await?;
    state.forget_office(&officer.office_id);
    Ok(())
}

/// Everything the SK shows, from the application, the desks' draft SK and the office setup.
pub(crate) async fn sk_data(
    state: &AppState,
    v: &ApplicationView,
    p: &PermitRow,
    docs: &OfficeDocs,
    issued: NaiveDate,
    until: Option<NaiveDate>,
) -> ServiceResult<SkData> {
    let permit = v.permit().ok_or(ServiceError::NotFound)?;
    let subject = sk_subject(state, v, permit).await?;
    let draft: serde_json::Value = queries::draft_sk(&state.db.pool, &v.app.id)
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
        Some(old) => queries::permit_number(&state.db.pool, old).await?,
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
        considerations: considerations(&p.holder_name, permit, changed_number.as_deref(), &subject),
        legal_basis: permit.legal_basis.clone(),
        holder_name: d("nama", p.holder_name.clone()),
        holder_birth: birth,
        holder_address: format!(
            "{}, {}",
            v.app.data.address,
            izinkes_domain::format_id::area_label(&v.app.data.village_code)
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
        valid_until: until.map(date_id).unwrap_or_default(),
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
        subject,
        retribution: crate::permits::retribution::of_application(state, &v.app.id, issued)
            .await?
            .filter(|r| r.paid)
            .map(|r| r.permit_line())
            .unwrap_or_default(),
    })
}

/// Menimbang a. and b.: why the decree is made (a new permit, a change of data, a cancellation).
fn considerations(holder: &str, permit: &PermitType, changed_number: Option<&str>, subject: &SkSubject) -> Vec<String> {
    let why = match (changed_number, subject) {
        (_, SkSubject::Cancellation(c)) => format!(
            "bahwa {holder} selaku pemegang {} Nomor {} telah mengajukan permohonan pencabutan izin tersebut dengan \
             alasan: {};",
            c.permit_name, c.permit_number, c.reason
        ),
        (Some(old), _) => format!(
            "bahwa {holder} selaku pemegang {} Nomor {old} telah mengajukan perubahan data tempat dan/atau jadwal praktik \
             dan telah memenuhi persyaratan sesuai ketentuan peraturan perundang-undangan;",
            permit.name
        ),
        (None, _) => format!(
            "bahwa {holder} telah mengajukan permohonan {} dan telah memenuhi persyaratan sesuai ketentuan peraturan \
             perundang-undangan;",
            permit.name
        ),
    };
    vec![
        why,
        format!(
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan tentang {};",
            permit.name
        ),
    ]
}

/// Whom the decree is about: the practitioner (the default), the establishment named in Tahap 1,
/// or the permit a cancellation revokes.
async fn sk_subject(state: &AppState, v: &ApplicationView, permit: &PermitType) -> ServiceResult<SkSubject> {
    if let Some(target) = &v.app.cancels_permit {
        let c = crate::permits::cancellation::cancelled_data(state, target, &v.app.answers).await?;
        return Ok(SkSubject::Cancellation(c));
    }
    if permit.holder == Holder::Establishment {
        let d = &v.app.data;
        return Ok(SkSubject::Establishment(EstablishmentData {
            name: d.company_name.clone(),
            nib: d.company_nib.clone(),
            kind: permit.profession.clone(),
            owner: d.company_owner.clone(),
            person_in_charge: d.person_in_charge.clone(),
            address: format!(
                "{}, {}",
                d.location_address,
                izinkes_domain::format_id::area_label(&d.location_village_code)
            ),
        }));
    }
    Ok(SkSubject::Practice)
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
    let v = applications::view::load_view(state, applicant_id, app_id).await?;
    let number = v.app.registration_number.clone().ok_or(ServiceError::NotFound)?;
    let docs = office_docs(state, &v.office).await?;
    let applicant = crate::accounts::profile::load_applicant(state, applicant_id).await?;
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
            izinkes_domain::format_id::area_label(&v.app.data.location_village_code)
        ),
        submitted_at: v
            .app
            .submitted_at
            .as_deref()
            .map(|s| izinkes_domain::format_id::timestamp_id(s, tz.offset(), tz.label()))
            .unwrap_or_default(),
        documents,
        sla_days: v.standard.standard.sla_working_days,
        fee: v.standard.standard.fee_text(),
        track_url: format!("{}/lacak", state.config.base_url.trim_end_matches('/')),
    };
    crate::permits::templates::render_for_office(state, &v.office.id, TemplateKind::Receipt, data).await
}

/// The office documents made at the desks: the Berita Acara from the inspection record, the
/// Dinas Kesehatan's recommendation, and the draft SK (watermarked DRAF for paraf).
pub async fn desk_pdf(state: &AppState, officer: &Officer, app_id: &str, which: &str) -> ServiceResult<Vec<u8>> {
    let file = crate::desks::file::open_file(state, officer, app_id).await?;
    let docs = office_docs(state, &file.view.office).await?;
    let today = catalog::offices::today(&file.view.office);
    match which {
        "berita-acara" => inspection_pdf(state, &file, &docs).await,
        "rekomendasi" => recommendation_pdf(state, &file, &docs, today).await,
        "draf-sk" => draft_sk_pdf(state, &file.view, &docs, today).await,
        _ => Err(ServiceError::NotFound),
    }
}

/// The data of the newest record of a desk product on the file (a step can be done again).
fn latest_product(file: &DeskFile, p: izinkes_domain::workflow::Product) -> Option<serde_json::Value> {
    file.products
        .iter()
        .rev()
        .find(|x| x.product == p)
        .map(|x| x.data.clone())
}

/// A text field of a product's data; a missing or non-text field reads as empty.
fn product_text(d: &serde_json::Value, k: &str) -> String {
    d.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
}

/// The practice location of an application: its address and the area's name.
fn practice_location(v: &ApplicationView) -> String {
    format!(
        "{}, {}",
        v.app.data.location_address,
        izinkes_domain::format_id::area_label(&v.app.data.location_village_code)
    )
}

/// The Berita Acara Pemeriksaan, from the newest inspection record and the front office's checks.
async fn inspection_pdf(state: &AppState, file: &DeskFile, docs: &OfficeDocs) -> ServiceResult<Vec<u8>> {
    let v = &file.view;
    let d = latest_product(file, izinkes_domain::workflow::Product::BeritaAcara).ok_or(ServiceError::NotFound)?;
    let date = NaiveDate::parse_from_str(&product_text(&d, "date"), "%Y-%m-%d")
        .map(izinkes_domain::format_id::date_long_id)
        .unwrap_or_default();
    let data = izinkes_documents::render::InspectionData {
        letterhead: letterhead_of(state, docs).await,
        number: format!("BA/{}", v.app.registration_number.clone().unwrap_or_default()),
        date,
        place: docs.place.clone(),
        officers: product_text(&d, "officers")
            .split(';')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        holder_name: v.app.data.name.clone(),
        permit_name: v.permit().map(|p| p.name.clone()).unwrap_or_default(),
        facility: v.app.data.facility_name.clone(),
        address: practice_location(v),
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
        findings: match product_text(&d, "lab_result").as_str() {
            "" => String::new(),
            result => format!(
                "Hasil uji laboratorium {} nomor {}: sampel {}.",
                product_text(&d, "lab_laboratory"),
                product_text(&d, "lab_report_number"),
                if result == "memenuhi" {
                    "memenuhi syarat"
                } else {
                    "tidak memenuhi syarat"
                }
            ),
        },
        result: if product_text(&d, "result") == "sesuai" {
            "Memenuhi persyaratan".into()
        } else {
            "Tidak memenuhi persyaratan".into()
        },
    };
    crate::permits::templates::render_for_office(state, &v.office.id, TemplateKind::Inspection, data).await
}

/// The Dinas Kesehatan's recommendation, from the newest recommendation record.
async fn recommendation_pdf(
    state: &AppState,
    file: &DeskFile,
    docs: &OfficeDocs,
    today: NaiveDate,
) -> ServiceResult<Vec<u8>> {
    let v = &file.view;
    let d = latest_product(file, izinkes_domain::workflow::Product::Recommendation).ok_or(ServiceError::NotFound)?;
    let region = izinkes_domain::wilayah::Wilayah::builtin()
        .display_name(&v.office.regency_code)
        .unwrap_or_default();
    let data = izinkes_documents::render::RecommendationData {
        letterhead: Letterhead {
            office_name: "DINAS KESEHATAN".into(),
            ..letterhead_of(state, docs).await
        },
        number: product_text(&d, "number"),
        date: izinkes_domain::format_id::date_id(today),
        place: docs.place.clone(),
        addressee: format!("Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {region}"),
        permit_name: v.permit().map(|p| p.name.clone()).unwrap_or_default(),
        holder_name: v.app.data.name.clone(),
        profession: v.permit().map(|p| p.profession.clone()).unwrap_or_default(),
        facility: v.app.data.facility_name.clone(),
        decision: d.get("approve").and_then(|x| x.as_bool()).unwrap_or(false),
        considerations: product_text(&d, "note"),
        signer: Signer {
            name: "Kepala Dinas Kesehatan".into(),
            position: format!("KEPALA DINAS KESEHATAN {}", region.to_uppercase()),
            nip: None,
        },
    };
    crate::permits::templates::render_for_office(state, &v.office.id, TemplateKind::Recommendation, data).await
}

/// The draft SK for paraf: the SK as it would be issued today, watermarked DRAF and unsigned.
async fn draft_sk_pdf(
    state: &AppState,
    v: &ApplicationView,
    docs: &OfficeDocs,
    today: NaiveDate,
) -> ServiceResult<Vec<u8>> {
    let p = draft_permit_row(v);
    let until = v
        .permit()
        .filter(|x| !x.is_cancellation())
        .map(|x| valid_until(today, x.validity.years, None, false));
    let mut data = sk_data(state, v, &p, docs, today, until).await?;
    data.draft = true;
    Ok(crate::permits::templates::sk_with_signature(state, &v.office.id, data)
        .await?
        .0)
}

/// The permit an application would become, before it has a number, token or dates.
fn draft_permit_row(v: &ApplicationView) -> PermitRow {
    PermitRow {
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
        practice_address: practice_location(v),
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
        cancels_permit: v.app.cancels_permit.clone(),
    }
}
