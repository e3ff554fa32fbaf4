//! The office's own document templates: typst markup held as data per office, one per kind of
//! document, with the compiled-in defaults (`crates/documents/templates/`) in force until an admin
//! saves another. Every save is a new version (append-only, with who and when); "kembalikan ke
//! bawaan" is a version without source. A template is rendered with sample data before it is
//! saved, so a template that does not compile, or an SK template without a signature area, never
//! reaches a permit; the admin previews the same sample as a PDF.
//!
//! Rendering is sandboxed by the documents crate (no file system, packages or network) and runs
//! on the blocking pool with a time limit, so a runaway template cannot hold a request.

use crate::auth::officer::Officer;
use crate::catalog::offices::Office;
use crate::permits;
use crate::permits::documents::OfficeDocs;
use crate::permits::queries;
use crate::permits::queries::NewTemplateVersion;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::NaiveDate;
use izinkes_documents::render;
use izinkes_documents::render::Document;
use izinkes_documents::render::InspectionData;
use izinkes_documents::render::Letterhead;
use izinkes_documents::render::ReceiptData;
use izinkes_documents::render::RecommendationData;
use izinkes_documents::render::RenderError;
use izinkes_documents::render::Signer;
use izinkes_documents::render::SkData;
use izinkes_documents::render::SkLayout;
use izinkes_domain::roles::Role;
use std::sync::Arc;
use std::time::Duration;

/// Largest template accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 200_000;

/// How long one render of a template may take before it is abandoned.
pub const RENDER_TIME_LIMIT: Duration = Duration::from_secs(20);

/// The kinds of documents an office renders from a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateKind {
    /// The final SK/SIP and its draft (watermarked DRAF for paraf): one template, `draft` tells.
    Sk,
    /// Bukti Pendaftaran.
    Receipt,
    /// Berita Acara Pemeriksaan.
    Inspection,
    /// Rekomendasi of the Dinas Kesehatan.
    Recommendation,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 4] = [
        TemplateKind::Sk,
        TemplateKind::Receipt,
        TemplateKind::Inspection,
        TemplateKind::Recommendation,
    ];

    /// The code in URLs and in the database.
    pub fn code(self) -> &'static str {
        match self {
            TemplateKind::Sk => "sk",
            TemplateKind::Receipt => "bukti-pendaftaran",
            TemplateKind::Inspection => "berita-acara",
            TemplateKind::Recommendation => "rekomendasi",
        }
    }

    pub fn from_code(code: &str) -> Option<TemplateKind> {
        TemplateKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_id(self) -> &'static str {
        match self {
            TemplateKind::Sk => "SK / SIP (final dan draf untuk paraf)",
            TemplateKind::Receipt => "Bukti Pendaftaran",
            TemplateKind::Inspection => "Berita Acara Pemeriksaan",
            TemplateKind::Recommendation => "Rekomendasi Dinas Kesehatan",
        }
    }

    /// The compiled-in default.
    pub fn default_source(self) -> &'static str {
        match self {
            TemplateKind::Sk => SkData::TEMPLATE,
            TemplateKind::Receipt => ReceiptData::TEMPLATE,
            TemplateKind::Inspection => InspectionData::TEMPLATE,
            TemplateKind::Recommendation => RecommendationData::TEMPLATE,
        }
    }

    /// What the template receives in `data.json` (shown beside the editor).
    pub fn fields_doc(self) -> &'static str {
        match self {
            TemplateKind::Sk => {
                "letterhead {government, office_name, address, contact, logo}, number, title, layout (\"decree\" | \"sip\"), \
                 considerations [..], legal_basis [..], holder {name, birth, address, profession, str_number}, \
                 practice {place, address, days, hours}, valid_from, valid_until, photo, show_photo, place_and_date, place, \
                 date, signer {name, position, nip}, verify_url, qr, draft, bsre_footer, body_size (ukuran huruf isi dalam pt: \
                 11, lalu 10,5, 10 atau 9,5 bila dokumen tidak muat satu halaman). Gambar: logo.png/logo.jpg, \
                 photo.png/photo.jpg, qr.svg. Area tanda tangan wajib ditandai dengan \
                 #metadata((width: .., height: ..)) <izinkes-signature>."
            }
            TemplateKind::Receipt => {
                "letterhead {…}, registration_number, permit_name, holder_name, identity_masked, facility, location, \
                 submitted_at, documents [{name, status}], sla_days, fee, track_url, qr (qr.svg)."
            }
            TemplateKind::Inspection => {
                "letterhead {…}, number, date, place, officers [..], holder_name, permit_name, facility, address, \
                 checklist [{aspect, finding}], findings, result."
            }
            TemplateKind::Recommendation => {
                "letterhead {…}, number, date, place, addressee, permit_name, holder_name, profession, facility, \
                 decision (true/false), considerations, signer {name, position, nip}."
            }
        }
    }
}

/// One saved version of an office's template.
#[derive(Clone, Debug)]
pub struct TemplateVersion {
    pub version: i64,
    /// False for a version that put the default back.
    pub custom: bool,
    pub created_at: String,
    pub created_by: String,
}

/// The office's own template of `kind` in force, or `None` when the default applies.
pub async fn in_force(state: &AppState, office_id: &str, kind: TemplateKind) -> ServiceResult<Option<Arc<str>>> {
    // Read for every document rendered (each permit of a batch): cached like the office's other
    // settings, forgotten by this server when a version is saved.
    let key = template_key(office_id, kind);
    if let Some(source) = state.templates.get(&key) {
        return Ok(source);
    }
    let row = queries::template_source(&state.db.pool, office_id, kind.code()).await?;
    let source: Option<Arc<str>> = row.flatten().map(Arc::from);
    state.templates.put(&key, source.clone());
    Ok(source)
}

/// The cache key of an office's template of one kind.
pub(crate) fn template_key(office_id: &str, kind: TemplateKind) -> String {
    format!("{office_id}/{}", kind.code())
}

/// Every saved version of the office's template of `kind`, newest first.
pub async fn versions(state: &AppState, office_id: &str, kind: TemplateKind) -> ServiceResult<Vec<TemplateVersion>> {
    let rows = queries::template_versions(&state.db.pool, office_id, kind.code()).await?;
    Ok(rows
        .into_iter()
        .map(|r| TemplateVersion {
            version: r.version,
            custom: r.custom == 1,
            created_at: r.created_at,
            created_by: r.who,
        })
        .collect())
}

/// Checks `source` by rendering the sample documents of `kind` with it, then saves it as the
/// office's new version. A template that fails is refused with typst's message next to the field.
pub async fn save(state: &AppState, officer: &Officer, kind: TemplateKind, source: &str) -> ServiceResult<i64> {
    require_admin(officer)?;
    let source = source.replace("\r\n", "\n");
    if source.trim().is_empty() {
        return Err(ServiceError::field(
            "source",
            "Templat tidak boleh kosong. Pakai \"Kembalikan ke bawaan\" untuk memakai templat bawaan.",
        ));
    }
    if source.len() > MAX_TEMPLATE_BYTES {
        return Err(ServiceError::field(
            "source",
            format!(
                "Templat terlalu besar: {} KB, paling banyak {} KB.",
                source.len().div_ceil(1000),
                MAX_TEMPLATE_BYTES / 1000
            ),
        ));
    }
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    let docs = permits::documents::office_docs(state, &office).await?;
    let samples = Samples::new(state, &office, &docs).await?;
    check(kind, &source, samples).await?;
    insert_version(state, officer, kind, Some(&source)).await
}

/// Puts the compiled-in default back in force (a new version without source).
pub async fn reset(state: &AppState, officer: &Officer, kind: TemplateKind) -> ServiceResult<i64> {
    require_admin(officer)?;
    insert_version(state, officer, kind, None).await
}

/// The sample document of `kind` rendered with `source`, or with the template in force when
/// `source` is `None`: what the admin sees before saving.
pub async fn preview(
    state: &AppState,
    officer: &Officer,
    kind: TemplateKind,
    source: Option<String>,
) -> ServiceResult<Vec<u8>> {
    require_admin(officer)?;
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    let docs = permits::documents::office_docs(state, &office).await?;
    let source = match source {
        Some(s) => Some(s.replace("\r\n", "\n")),
        None => in_force(state, &office.id, kind).await?.map(|s| s.to_string()),
    };
    let samples = Samples::new(state, &office, &docs).await?;
    let result = with_time_limit(move || match kind {
        TemplateKind::Sk => render::render_document_using(source.as_deref(), &samples.sk),
        TemplateKind::Receipt => render::render_document_using(source.as_deref(), &samples.receipt),
        TemplateKind::Inspection => render::render_document_using(source.as_deref(), &samples.inspection),
        TemplateKind::Recommendation => render::render_document_using(source.as_deref(), &samples.recommendation),
    })
    .await?;
    result.map_err(|e| template_error(&e))
}

fn require_admin(officer: &Officer) -> ServiceResult<()> {
    if officer.has(Role::Admin) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

async fn insert_version(
    state: &AppState,
    officer: &Officer,
    kind: TemplateKind,
    source: Option<&str>,
) -> ServiceResult<i64> {
    let mut tx = state.db.begin().await?;
    let last = queries::last_template_version(&mut *tx, &officer.office_id, kind.code()).await?;
    let version = last.unwrap_or(0) + 1;
    let row = NewTemplateVersion {
        office_id: &officer.office_id,
        kind: kind.code(),
        version,
        source,
        now: &now_text(),
        created_by: &officer.id,
    };
    let inserted = queries::insert_template_version(&mut *tx, &row).await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ServiceError::Conflict(
            "Templat ini baru saja diubah admin lain. Muat ulang halaman dan ulangi perubahan Anda.".into(),
        ));
    }
    tx.commit().await?;
    state.templates.forget(&template_key(&officer.office_id, kind));
    Ok(version)
}

/// The typst message of a template that failed, for the admin (never an internal).
fn template_error(e: &RenderError) -> ServiceError {
    let detail = match e {
        RenderError::Typst(m) | RenderError::Image(m) => m.clone(),
    };
    ServiceError::field(
        "source",
        format!("Templat tidak dapat dirender dengan data contoh: {detail}"),
    )
}

/// Runs a render on the blocking pool, giving up after [`RENDER_TIME_LIMIT`].
async fn with_time_limit<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ServiceResult<T> {
    match tokio::time::timeout(RENDER_TIME_LIMIT, tokio::task::spawn_blocking(f)).await {
        Ok(joined) => joined.map_err(|e| ServiceError::Internal(format!("join: {e}"))),
        Err(_) => Err(ServiceError::field(
            "source",
            format!(
                "Templat terlalu lama dirender (lebih dari {} detik). Periksa perulangan di dalamnya.",
                RENDER_TIME_LIMIT.as_secs()
            ),
        )),
    }
}

/// Renders every sample `source` must handle: for the SK both layouts, final and draft, and the
/// final one must mark its signature area.
async fn check(kind: TemplateKind, source: &str, samples: Samples) -> ServiceResult<()> {
    let source = source.to_owned();
    let result: Result<(), RenderError> = with_time_limit(move || {
        let s = Some(source.as_str());
        match kind {
            TemplateKind::Sk => {
                for layout in [SkLayout::Decree, SkLayout::Sip] {
                    let mut sk = samples.sk.clone();
                    sk.layout = layout;
                    render::render_sk_with_signature_using(s, &sk).map_err(|e| match e {
                        RenderError::Typst(m) if m.contains("<izinkes-signature>") => RenderError::Typst(
                            "templat SK tidak menandai area tanda tangan: tambahkan \
                             #metadata((width: 60mm, height: 30mm)) <izinkes-signature> di pojok kiri atas area itu"
                                .into(),
                        ),
                        other => other,
                    })?;
                    sk.draft = true;
                    render::render_document_using(s, &sk)?;
                }
                Ok(())
            }
            TemplateKind::Receipt => render::render_document_using(s, &samples.receipt).map(drop),
            TemplateKind::Inspection => render::render_document_using(s, &samples.inspection).map(drop),
            TemplateKind::Recommendation => render::render_document_using(s, &samples.recommendation).map(drop),
        }
    })
    .await?;
    result.map_err(|e| template_error(&e))
}

/// Renders `data` with the office's template of `kind`. When the office's own template fails on
/// this document's data (it passed the samples when saved), the default is used and the failure
/// logged: a receipt, report or recommendation must not be withheld for a layout problem. The SK
/// uses [`sk_with_signature`] instead, which refuses.
pub async fn render_for_office<D>(
    state: &AppState,
    office_id: &str,
    kind: TemplateKind,
    data: D,
) -> ServiceResult<Vec<u8>>
where
    D: Document + Send + 'static,
{
    let custom = in_force(state, office_id, kind).await?;
    let office_id = office_id.to_owned();
    let result = with_time_limit(move || match render::render_document_using(custom.as_deref(), &data) {
        Err(e) if custom.is_some() => {
            tracing::warn!(office = %office_id, kind = kind.code(), error = %e, "office template failed; default used");
            render::render_document(&data)
        }
        other => other,
    })
    .await
    .map_err(|_| ServiceError::Internal("render took too long".into()))?;
    result.map_err(|e| ServiceError::Internal(format!("render: {e}")))
}

/// The final SK (or its draft) with the office's template, and where its signature area is. A
/// photo the renderer cannot decode is left out rather than stopping the permit (the officers
/// saw it at the desk). An office template that fails is refused with a message for the signer.
pub async fn sk_with_signature(
    state: &AppState,
    office_id: &str,
    data: SkData,
) -> ServiceResult<(Vec<u8>, render::SignaturePlacement)> {
    let custom = in_force(state, office_id, TemplateKind::Sk).await?;
    let is_custom = custom.is_some();
    let result = with_time_limit(move || {
        let t = custom.as_deref();
        match render::render_sk_with_signature_using(t, &data) {
            Err(first) if data.photo.is_some() => {
                tracing::warn!(error = %first, "SK rendered without the photo");
                let mut without = data.clone();
                without.photo = None;
                render::render_sk_with_signature_using(t, &without)
            }
            other => other,
        }
    })
    .await
    .map_err(|_| ServiceError::Internal("render took too long".into()))?;
    result.map_err(|e| {
        if is_custom {
            ServiceError::Refused(format!(
                "Templat SK kantor tidak dapat dirender untuk izin ini ({e}). Admin dapat memperbaikinya atau \
                 mengembalikan templat bawaan di menu Dokumen kantor."
            ))
        } else {
            ServiceError::Internal(format!("render: {e}"))
        }
    })
}

/// The sample documents of an office: its real letterhead, signer and layout, a made-up holder.
#[derive(Clone)]
struct Samples {
    sk: SkData,
    receipt: ReceiptData,
    inspection: InspectionData,
    recommendation: RecommendationData,
}

impl Samples {
    async fn new(state: &AppState, office: &Office, docs: &OfficeDocs) -> ServiceResult<Samples> {
        let letterhead = permits::documents::letterhead_of(state, docs).await;
        let base = state.config.base_url.trim_end_matches('/');
        let today = crate::catalog::offices::today(office);
        let date = izinkes_domain::format_id::date_id(today);
        let sk = sample_sk(office, docs, &letterhead, base, today);
        let receipt = sample_receipt(office, &sk, &letterhead, base, today);
        let inspection = sample_inspection(docs, &sk, &receipt, &letterhead, today);
        let recommendation = sample_recommendation(docs, &sk, &receipt, letterhead, date);
        Ok(Samples {
            sk,
            receipt,
            inspection,
            recommendation,
        })
    }
}

/// The sample SK: a made-up midwife's SIP, with the office's letterhead, signer and layout.
fn sample_sk(office: &Office, docs: &OfficeDocs, letterhead: &Letterhead, base: &str, today: NaiveDate) -> SkData {
    let date = izinkes_domain::format_id::date_id(today);
    let until = izinkes_domain::format_id::date_id(permits::expiry::valid_until(today, 5, None, false));
    let signer = Signer {
        name: docs.signer_name.clone(),
        position: docs.signer_position.clone(),
        nip: docs.signer_nip.clone(),
    };
    SkData {
        letterhead: letterhead.clone(),
        number: format!("503/0001/SIP-BDN/DPMPTSP-{}/{}", office.code, chrono::Datelike::year(&today)),
        title: "SURAT IZIN PRAKTIK BIDAN".into(),
        layout: docs.layout,
        considerations: vec![
            "bahwa Ni Putu Contoh Pratinjau, A.Md.Keb. telah mengajukan permohonan Surat Izin Praktik Bidan dan telah memenuhi persyaratan sesuai ketentuan peraturan perundang-undangan;".into(),
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan tentang Surat Izin Praktik Bidan;".into(),
        ],
        legal_basis: vec![
            "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan;".into(),
            "Peraturan Pemerintah Nomor 28 Tahun 2024 tentang Peraturan Pelaksanaan Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan;".into(),
        ],
        holder_name: "Ni Putu Contoh Pratinjau, A.Md.Keb.".into(),
        holder_birth: "Negara, 9 Maret 1997".into(),
        holder_address: "Jalan Contoh No. 1, Desa Contoh".into(),
        profession: "Bidan".into(),
        str_number: "STR-CONTOH-0001".into(),
        practice_place: "Praktik Mandiri Bidan Contoh".into(),
        practice_address: "Jalan Contoh No. 2, Desa Contoh".into(),
        practice_days: "Senin – Jumat".into(),
        practice_hours: format!("16.00 – 20.00 {}", office.tz().label()),
        valid_from: date.clone(),
        valid_until: until,
        photo: None,
        place_and_date: format!("{}, {date}", docs.place),
        signer,
        verify_url: format!("{base}/v/contoh-pratinjau"),
        draft: false,
        bsre_footer: docs.signer_kind == "bsre",
        subject: Default::default(),
        retribution: String::new(),
    }
}

/// The sample receipt, for the same made-up holder as the sample SK.
fn sample_receipt(office: &Office, sk: &SkData, letterhead: &Letterhead, base: &str, today: NaiveDate) -> ReceiptData {
    let date = izinkes_domain::format_id::date_id(today);
    ReceiptData {
        letterhead: letterhead.clone(),
        registration_number: format!("{}-{}-000001", office.code, chrono::Datelike::year(&today)),
        permit_name: "Surat Izin Praktik Bidan".into(),
        holder_name: sk.holder_name.clone(),
        identity_masked: "5101••••••••0003".into(),
        facility: sk.practice_place.clone(),
        location: sk.practice_address.clone(),
        submitted_at: format!("{date} 10.15 {}", office.tz().label()),
        documents: vec![
            ("Fotokopi KTP".into(), "Diunggah (ktp.pdf)".into()),
            ("Surat Tanda Registrasi (STR)".into(), "Diunggah (str.pdf)".into()),
        ],
        sla_days: 5,
        fee: izinkes_domain::standard::fee_label(0),
        track_url: format!("{base}/lacak"),
    }
}

/// The sample Berita Acara, numbered after the sample receipt.
fn sample_inspection(
    docs: &OfficeDocs,
    sk: &SkData,
    receipt: &ReceiptData,
    letterhead: &Letterhead,
    today: NaiveDate,
) -> InspectionData {
    InspectionData {
        letterhead: letterhead.clone(),
        number: format!("BA/{}", receipt.registration_number),
        date: izinkes_domain::format_id::date_long_id(today),
        place: docs.place.clone(),
        officers: vec!["dr. Contoh Tim Teknis".into(), "Contoh Petugas, S.K.M.".into()],
        holder_name: sk.holder_name.clone(),
        permit_name: receipt.permit_name.clone(),
        facility: sk.practice_place.clone(),
        address: sk.practice_address.clone(),
        checklist: vec![
            ("Ruang praktik".into(), "Sesuai".into()),
            ("Peralatan".into(), "Sesuai".into()),
        ],
        findings: String::new(),
        result: "Memenuhi persyaratan".into(),
    }
}

/// The sample recommendation, under the Dinas Kesehatan's name on the office's letterhead.
fn sample_recommendation(
    docs: &OfficeDocs,
    sk: &SkData,
    receipt: &ReceiptData,
    letterhead: Letterhead,
    date: String,
) -> RecommendationData {
    let mut dinkes = letterhead;
    dinkes.office_name = "DINAS KESEHATAN".into();
    RecommendationData {
        letterhead: dinkes,
        number: "440/0001/DINKES".into(),
        date,
        place: docs.place.clone(),
        addressee: format!("Kepala {}", docs.office_title.to_lowercase()),
        permit_name: receipt.permit_name.clone(),
        holder_name: sk.holder_name.clone(),
        profession: "Bidan".into(),
        facility: sk.practice_place.clone(),
        decision: true,
        considerations: "Hasil pemeriksaan lapangan memenuhi persyaratan.".into(),
        signer: Signer {
            name: "Kepala Dinas Kesehatan".into(),
            position: "KEPALA DINAS KESEHATAN".into(),
            nip: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::TemplateKind;

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in TemplateKind::ALL {
            assert_eq!(TemplateKind::from_code(k.code()), Some(k));
            assert!(!k.default_source().is_empty());
        }
        assert_eq!(TemplateKind::from_code("../etc"), None);
    }
}
