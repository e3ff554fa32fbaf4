//! PDF rendering with typst used as a library.
//!
//! Every document is a typst template held as data (the defaults live in `crates/documents/templates/`
//! and are compiled in; an office may replace one through [`render_with_template`]). The values of a
//! document reach the template only as the virtual file `data.json`, read there with
//! `json("data.json")`, and its images (logo, photo, QR code as SVG) as virtual files: nothing is ever
//! pasted into markup, so a name such as `#panic()` or `*[x]*` prints exactly as written.
//!
//! The typst world has no file system, no packages and no network; its fonts are the ones bundled by
//! `typst-assets` (Libertinus Serif for the text), parsed once per process together with the standard
//! library and shared by every render, and every PDF embeds the subsets it uses.
//!
//! Rendering is CPU-bound and synchronous: async callers run it in `tokio::task::spawn_blocking`.

mod qr;
mod world;

use chrono::Utc;
use serde_json::{Value, json};
use typst::foundations::Bytes;
use typst_layout::PagedDocument;

use self::world::{DocWorld, file_id};

/// Default template of the SK (decree layout) and the SIP (permit layout), final and draft.
pub const SK_TEMPLATE: &str = include_str!("../templates/sk.typ");
/// Default template of the Bukti Pendaftaran (registration receipt).
pub const RECEIPT_TEMPLATE: &str = include_str!("../templates/receipt.typ");
/// Default template of the Berita Acara Pemeriksaan (inspection report).
pub const INSPECTION_TEMPLATE: &str = include_str!("../templates/inspection.typ");
/// Default template of the Rekomendasi of the Dinas Kesehatan.
pub const RECOMMENDATION_TEMPLATE: &str = include_str!("../templates/recommendation.typ");

/// The footer sentence of a document signed through BSrE.
pub const BSRE_FOOTER: &str = "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang \
     diterbitkan oleh Balai Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara";

/// The kop surat (letterhead) of an office.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    /// "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU"
    pub office_name: String,
    /// "PEMERINTAH KABUPATEN JEMBRANA"
    pub government: String,
    /// "Jalan Surapati No. 1, Negara, Bali 82212"
    pub address: String,
    /// "Telepon (0365) 41210 · Pos-el dpmptsp@jembranakab.go.id"
    pub contact: String,
    /// The office's emblem, PNG (JPEG is accepted too).
    pub logo_png: Option<Vec<u8>>,
}

/// Who signs a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signer {
    pub name: String,
    /// "KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KABUPATEN JEMBRANA"
    pub position: String,
    pub nip: Option<String>,
}

/// The layout an office chooses for its permits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SkLayout {
    /// A Keputusan: Menimbang / Mengingat / MEMUTUSKAN / Menetapkan KESATU … KEEMPAT.
    #[default]
    Decree,
    /// A Surat Izin Praktik: title, number, holder and practice data, validity.
    Sip,
}

/// What a decree grants or takes away.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SkSubject {
    /// A person's practice permit: the holder and the practice place.
    #[default]
    Practice,
    /// A business's permit or certificate (SLHS, pest control).
    Establishment(EstablishmentData),
    /// The cancellation (pencabutan) of an earlier permit at its holder's request.
    Cancellation(CancellationData),
}

/// The business a permit is issued to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EstablishmentData {
    pub name: String,
    pub nib: String,
    /// "Rumah Makan/Restoran"
    pub kind: String,
    pub owner: String,
    pub person_in_charge: String,
    pub address: String,
}

/// The permit a Surat Keputusan Pencabutan cancels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CancellationData {
    /// "Surat Izin Praktik Dokter"
    pub permit_name: String,
    pub permit_number: String,
    /// "2 Januari 2026"
    pub permit_issued_on: String,
    /// The holder's reason, as filed.
    pub reason: String,
}

/// The SK or SIP of one permit. Dates are Indonesian text ("22 November 2026").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkData {
    pub letterhead: Letterhead,
    /// "503/0042/SIP-DRSP/DPMPTSP/2026"; not shown on a draft.
    pub number: String,
    /// "SURAT IZIN PRAKTIK DOKTER SPESIALIS"
    pub title: String,
    pub layout: SkLayout,
    /// Menimbang a., b., … (decree layout).
    pub considerations: Vec<String>,
    /// Mengingat 1., 2., … (decree layout; "Dasar" in the SIP layout).
    pub legal_basis: Vec<String>,
    pub holder_name: String,
    /// "Denpasar, 9 Maret 1997"
    pub holder_birth: String,
    pub holder_address: String,
    pub profession: String,
    pub str_number: String,
    pub practice_place: String,
    pub practice_address: String,
    pub practice_days: String,
    pub practice_hours: String,
    pub valid_from: String,
    pub valid_until: String,
    /// Pas foto, JPEG or PNG, shown 3 × 4 cm.
    pub photo: Option<Vec<u8>>,
    /// "Negara, 22 November 2026": the place is what precedes the first comma.
    pub place_and_date: String,
    pub signer: Signer,
    /// Target of the QR code in the signature area (the public verification page).
    pub verify_url: String,
    /// A draft: diagonal "DRAF" watermark, no number, no QR code, a paraf box.
    pub draft: bool,
    /// Print the BSrE footer sentence ([`BSRE_FOOTER`]).
    pub bsre_footer: bool,
    /// A practice permit, an establishment's permit or a cancellation.
    pub subject: SkSubject,
    /// The retribusi paid for the permit, as one sentence ("" when the service is free).
    pub retribution: String,
}

/// The Bukti Pendaftaran handed to an applicant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptData {
    pub letterhead: Letterhead,
    pub registration_number: String,
    pub permit_name: String,
    pub holder_name: String,
    /// "5101••••••••0003"
    pub identity_masked: String,
    pub facility: String,
    pub location: String,
    /// "22 November 2026 10.15 WITA"
    pub submitted_at: String,
    /// (requirement, status) — ("Fotokopi KTP", "Diunggah").
    pub documents: Vec<(String, String)>,
    /// Service standard in working days.
    pub sla_days: u32,
    /// "Tidak dipungut biaya", or the fee with its legal basis.
    pub fee: String,
    /// Target of the QR code (the public tracking page).
    pub track_url: String,
}

/// The Berita Acara Pemeriksaan of the technical team's field inspection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectionData {
    pub letterhead: Letterhead,
    pub number: String,
    /// "Senin, 16 November 2026"
    pub date: String,
    /// Where the report is made ("Negara").
    pub place: String,
    /// "dr. Made Sutama — Dinas Kesehatan", one per member of the team.
    pub officers: Vec<String>,
    pub holder_name: String,
    pub permit_name: String,
    pub facility: String,
    pub address: String,
    /// (aspect inspected, finding) — ("Ruang praktik", "Sesuai").
    pub checklist: Vec<(String, String)>,
    pub findings: String,
    /// "Memenuhi persyaratan"
    pub result: String,
}

/// The Rekomendasi of the Dinas Kesehatan for a permit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecommendationData {
    /// The kop of the Dinas Kesehatan.
    pub letterhead: Letterhead,
    pub number: String,
    /// "20 November 2026"
    pub date: String,
    /// "Negara"
    pub place: String,
    /// "Kepala Dinas Penanaman Modal dan PTSP Kabupaten Jembrana"
    pub addressee: String,
    /// "Surat Izin Praktik Dokter Spesialis"
    pub permit_name: String,
    pub holder_name: String,
    pub profession: String,
    pub facility: String,
    /// Recommended (true) or not.
    pub decision: bool,
    pub considerations: String,
    pub signer: Signer,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The template failed to compile or lay out (the message names the line for the main template).
    #[error("template: {0}")]
    Typst(String),
    /// An image or file given to the template is unusable.
    #[error("image: {0}")]
    Image(String),
}

/// Where the visible signature area of a rendered SK sits, for the PDF signature widget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignaturePlacement {
    /// Page number, starting at 1.
    pub page: usize,
    /// `[llx, lly, urx, ury]` in PDF points, origin at the bottom-left of the page (a PDF `/Rect`).
    pub rect: [f32; 4],
}

/// What a template receives: the value behind `data.json` and the virtual image files it names.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateInput {
    pub data: Value,
    pub images: Vec<(&'static str, Vec<u8>)>,
}

/// A document that has a default template; its [`TemplateInput`] also feeds an office's own template.
pub trait Document {
    /// The compiled-in default template.
    const TEMPLATE: &'static str;
    /// The data and images handed to the template.
    fn template_input(&self) -> Result<TemplateInput, RenderError>;

    /// Body text sizes (points) to try, largest first: the document is laid out with
    /// `data.body_size` at each until it fits on one page. Empty: laid out once, as it comes.
    fn body_sizes(&self) -> &'static [f64] {
        &[]
    }
}

/// The SK's body sizes: a long Mengingat gets smaller type rather than a second page.
const SK_BODY_SIZES: [f64; 4] = [11.0, 10.5, 10.0, 9.5];

/// Lays a document out at the largest of its body sizes at which it fits on one page (see
/// [`Document::body_sizes`]), remembering per template and shape of data what the last ones
/// needed ([`FitMemory`]): an office's SKs of one layout almost always need the same size, so
/// after the first few each costs one layout. When no size fits, the smallest is used.
fn compile_fitting<D: Document>(template: Option<&str>, d: &D) -> Result<(DocWorld, PagedDocument), RenderError> {
    let input = d.template_input()?;
    let template = template.unwrap_or(D::TEMPLATE);
    let sizes = d.body_sizes();
    if sizes.is_empty() {
        let world = world_for(template, input)?;
        let document = world.compile()?;
        return Ok((world, document));
    }
    compile_fitting_with(&FIT_MEMORY, template, &input, sizes, compile_at).map(|(_, laid_out)| laid_out)
}

/// What the size search remembers for one template and one shape of its data (the same lists
/// with the same number of items, the same images present: see [`shape_of`]).
#[derive(Debug, Default, Clone, PartialEq)]
struct FitMemory {
    /// The size index the last document of this shape needed.
    hint: usize,
    /// Per size index: the least text (in characters, [`text_chars`]) seen not to fit at that
    /// size. A document with at least as much text is taken not to fit there either, so the
    /// larger sizes are not laid out again just to see them overflow. Text longer in characters
    /// could wrap into fewer lines only by chance; the cost of such a mistake is an SK set half a
    /// point smaller than it had to be, never one that does not fit.
    not_fitting_from: Vec<Option<usize>>,
}

type FitMemories = std::sync::Mutex<std::collections::HashMap<u64, FitMemory>>;

/// Per (template, shape of data): a few templates times the offices' layouts; edited templates
/// in the admin's preview each add one, so the map is emptied when it grows past 256.
static FIT_MEMORY: std::sync::LazyLock<FitMemories> = std::sync::LazyLock::new(Default::default);

/// The size search over `layout(template, input, size)`, with `memory` (see [`FitMemory`]).
/// Returns the index of the size used and its layout.
fn compile_fitting_with<T>(
    memory: &FitMemories,
    template: &str,
    input: &TemplateInput,
    sizes: &[f64],
    mut layout: impl FnMut(&str, &TemplateInput, f64) -> Result<T, RenderError>,
) -> Result<(usize, T), RenderError>
where
    T: FitsOnePage,
{
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        template.hash(&mut h);
        shape_of(&input.data, &mut h);
        input.images.len().hash(&mut h);
        h.finish()
    };
    let chars = text_chars(&input.data);
    let known = memory.lock().ok().and_then(|m| m.get(&key).cloned());
    // The first document of its shape starts in the middle and bisects.
    let hint = known.as_ref().map_or(sizes.len() / 2, |k| k.hint);
    let known = known.unwrap_or_default();
    // Every size below `known_lo` is known to be too large for this much text.
    let known_lo = known
        .not_fitting_from
        .iter()
        .enumerate()
        .filter(|(_, least)| least.is_some_and(|least| least <= chars))
        .map(|(i, _)| i + 1)
        .max()
        .unwrap_or(0);
    let mut overflowed = Vec::new();
    let found = first_fitting(sizes.len(), known_lo, hint, |i| {
        let laid_out = layout(template, input, sizes[i])?;
        let fits = laid_out.fits_one_page();
        if !fits {
            overflowed.push(i);
        }
        Ok::<_, RenderError>((fits, laid_out))
    })?;
    let out = match found {
        Some(found) => found,
        None => (sizes.len() - 1, layout(template, input, sizes[sizes.len() - 1])?),
    };
    if let Ok(mut m) = memory.lock() {
        if m.len() >= 256 {
            m.clear();
        }
        let entry = m.entry(key).or_default();
        entry.hint = out.0;
        entry.not_fitting_from.resize(sizes.len(), None);
        for i in overflowed {
            let least = &mut entry.not_fitting_from[i];
            *least = Some(least.map_or(chars, |l| l.min(chars)));
        }
    }
    Ok(out)
}

/// A layout that can tell whether it fits on one page.
trait FitsOnePage {
    fn fits_one_page(&self) -> bool;
}

impl FitsOnePage for (DocWorld, PagedDocument) {
    fn fits_one_page(&self) -> bool {
        self.1.pages().len() <= 1
    }
}

/// Hashes what of the data decides the layout apart from the length of its text: the keys,
/// the number of items of every list, flags, numbers and which values are empty.
fn shape_of(v: &Value, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, *b).hash(h),
        Value::Number(n) => (2u8, n.to_string()).hash(h),
        Value::String(s) => (3u8, s.is_empty()).hash(h),
        Value::Array(items) => {
            (4u8, items.len()).hash(h);
            items.iter().for_each(|i| shape_of(i, h));
        }
        Value::Object(map) => {
            (5u8, map.len()).hash(h);
            for (k, v) in map {
                k.hash(h);
                shape_of(v, h);
            }
        }
    }
}

/// The characters of every text in the data.
fn text_chars(v: &Value) -> usize {
    match v {
        Value::String(s) => s.chars().count(),
        Value::Array(items) => items.iter().map(text_chars).sum(),
        Value::Object(map) => map.values().map(text_chars).sum(),
        _ => 0,
    }
}

/// The first index of `lo..n` at which `probe` says "fits", for answers that are false up to
/// some index and true from there on (every index below `lo` is known not to fit); when none
/// fits, the last index. Probes `hint` first and, when it fits and is above `lo`, the index
/// right above it, then bisects what is left: a right hint costs two probes, one when it is
/// `lo`. Returns the index with what `probe` gave there; `None` when `n` is 0 or `lo` ≥ `n`.
fn first_fitting<T, E>(
    n: usize,
    lo: usize,
    hint: usize,
    mut probe: impl FnMut(usize) -> Result<(bool, T), E>,
) -> Result<Option<(usize, T)>, E> {
    if n == 0 || lo >= n {
        return Ok(None);
    }
    let hint = hint.clamp(lo, n - 1);
    // Every index below `lo` does not fit; `hi` fits (or is `n`), and `found` is its outcome.
    let (mut lo, mut hi) = (lo, n);
    let (mut found, mut last) = (None, None);
    let mut next = hint;
    while lo < hi {
        let at = next;
        let (fits, out) = probe(at)?;
        if fits {
            hi = at;
            found = Some((at, out));
        } else {
            lo = at + 1;
            if at == n - 1 {
                last = Some((at, out));
            }
        }
        next = if fits && at == hint && hint > lo {
            hint - 1
        } else {
            lo + (hi - lo) / 2
        };
    }
    Ok(found.or(last))
}

fn compile_at(template: &str, input: &TemplateInput, size: f64) -> Result<(DocWorld, PagedDocument), RenderError> {
    let mut input = input.clone();
    if let Value::Object(map) = &mut input.data {
        map.insert("body_size".to_owned(), Value::from(size));
    }
    let world = world_for(template, input)?;
    let document = world.compile()?;
    Ok((world, document))
}

/// Renders the final or draft SK/SIP with the default template.
pub fn render_sk(d: &SkData) -> Result<Vec<u8>, RenderError> {
    render_document(d)
}

/// Renders the SK/SIP and tells where its signature area was drawn, from one layout.
pub fn render_sk_with_signature(d: &SkData) -> Result<(Vec<u8>, SignaturePlacement), RenderError> {
    render_sk_with_signature_using(None, d)
}

/// [`render_sk_with_signature`] with an office's own template (`None`: the default). The template
/// must mark its signature area with `<izinkes-signature>` metadata, as the default does.
pub fn render_sk_with_signature_using(
    template: Option<&str>,
    d: &SkData,
) -> Result<(Vec<u8>, SignaturePlacement), RenderError> {
    let (world, document) = compile_fitting(template, d)?;
    let placement = world::signature_placement(&document)
        .ok_or_else(|| RenderError::Typst("the template has no <izinkes-signature> metadata".to_owned()))?;
    Ok((world.pdf(&document)?, placement))
}

/// Where the visible signature sits on page 1 of an SK (PDF points, origin bottom-left) so the signer can
/// put its widget there: `[llx, lly, urx, ury]`. It lays the document out (no PDF export); prefer
/// [`render_sk_with_signature`], which also gives the page, when rendering anyway. Returns an empty
/// rectangle at the origin (an invisible widget) if the SK cannot be laid out, which `render_sk` reports.
pub fn sk_signature_rect(d: &SkData) -> [f32; 4] {
    let placement = compile_fitting(None, d)
        .ok()
        .and_then(|(_, document)| world::signature_placement(&document));
    placement.map_or([0.0; 4], |p| p.rect)
}

/// Renders the Bukti Pendaftaran with the default template.
pub fn render_receipt(d: &ReceiptData) -> Result<Vec<u8>, RenderError> {
    render_document(d)
}

/// Renders the Berita Acara Pemeriksaan with the default template.
pub fn render_inspection(d: &InspectionData) -> Result<Vec<u8>, RenderError> {
    render_document(d)
}

/// Renders the Rekomendasi with the default template.
pub fn render_recommendation(d: &RecommendationData) -> Result<Vec<u8>, RenderError> {
    render_document(d)
}

/// Renders any document with its default template.
pub fn render_document<D: Document>(d: &D) -> Result<Vec<u8>, RenderError> {
    render_document_using(None, d)
}

/// Renders a document with an office's own template, or its default when `template` is `None`.
pub fn render_document_using<D: Document>(template: Option<&str>, d: &D) -> Result<Vec<u8>, RenderError> {
    let (world, document) = compile_fitting(template, d)?;
    world.pdf(&document)
}

/// Renders `template` (typst markup, e.g. an office's own version of a default template) with `data` as
/// its `data.json` and `images` as virtual files named as given ("logo.png", "photo.jpg", "qr.svg").
/// Only those files exist: no other file, no package, no network.
pub fn render_with_template(
    template: &str,
    data: &serde_json::Value,
    images: &[(&str, Vec<u8>)],
) -> Result<Vec<u8>, RenderError> {
    let mut files = Vec::with_capacity(images.len() + 1);
    files.push((file_id("data.json")?, json_bytes(data)?));
    for (name, bytes) in images {
        let id = file_id(name)?;
        if files.iter().any(|(other, _)| *other == id) || id == file_id("main.typ")? {
            return Err(RenderError::Image(format!(
                "{name:?} is given twice or is a reserved name"
            )));
        }
        files.push((id, Bytes::new(bytes.clone())));
    }
    let world = DocWorld::new(template, files, Utc::now())?;
    world.pdf(&world.compile()?)
}

/// A QR code of `url` as an SVG document: error correction level M, 4-module quiet zone, black on white.
/// A text too long for any QR version (about 2,300 bytes) gives an empty SVG; the renderers report it.
pub fn qr_svg(url: &str) -> String {
    qr::try_qr_svg(url).unwrap_or_else(|_| qr::EMPTY_SVG.to_owned())
}

/// Parses the bundled fonts and builds typst's standard library now (a server calls it at start-up, so
/// the first render is as fast as the next).
pub fn warm_up() {
    world::warm_up();
}

fn world_for(template: &str, input: TemplateInput) -> Result<DocWorld, RenderError> {
    let mut files = Vec::with_capacity(input.images.len() + 1);
    files.push((file_id("data.json")?, json_bytes(&input.data)?));
    for (name, bytes) in input.images {
        files.push((file_id(name)?, Bytes::new(bytes)));
    }
    DocWorld::new(template, files, Utc::now())
}

fn json_bytes(data: &Value) -> Result<Bytes, RenderError> {
    serde_json::to_vec(data)
        .map(Bytes::new)
        .map_err(|e| RenderError::Typst(format!("data.json: {e}")))
}

/// Collects the virtual image files of one document.
#[derive(Default)]
struct Images(Vec<(&'static str, Vec<u8>)>);

impl Images {
    /// Adds a raster image (PNG or JPEG, recognised by content) as `<stem>.png` / `<stem>.jpg` and returns
    /// the name for `data.json`; an empty or absent image gives `null`.
    fn raster(
        &mut self,
        what: &str,
        png: &'static str,
        jpg: &'static str,
        bytes: Option<&Vec<u8>>,
    ) -> Result<Value, RenderError> {
        let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
            return Ok(Value::Null);
        };
        let name = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            png
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            jpg
        } else {
            return Err(RenderError::Image(format!("{what} is neither a PNG nor a JPEG image")));
        };
        self.0.push((name, bytes.clone()));
        Ok(Value::from(name))
    }

    /// Adds the QR code of `url` as `qr.svg`.
    fn qr(&mut self, url: &str) -> Result<Value, RenderError> {
        self.0.push(("qr.svg", qr::try_qr_svg(url)?.into_bytes()));
        Ok(Value::from("qr.svg"))
    }
}

fn letterhead_json(l: &Letterhead, images: &mut Images) -> Result<Value, RenderError> {
    Ok(json!({
        "government": l.government,
        "office_name": l.office_name,
        "address": l.address,
        "contact": l.contact,
        "logo": images.raster("the letterhead logo", "logo.png", "logo.jpg", l.logo_png.as_ref())?,
    }))
}

fn signer_json(s: &Signer) -> Value {
    json!({ "name": s.name, "position": s.position, "nip": s.nip })
}

/// "Negara, 22 November 2026" → ("Negara", "22 November 2026").
fn split_place_and_date(s: &str) -> (&str, &str) {
    match s.split_once(',') {
        Some((place, date)) => (place.trim(), date.trim()),
        None => (s.trim(), ""),
    }
}

impl Document for SkData {
    const TEMPLATE: &'static str = SK_TEMPLATE;

    fn body_sizes(&self) -> &'static [f64] {
        &SK_BODY_SIZES
    }

    /// `data.json` of the SK template:
    /// `{ letterhead: {government, office_name, address, contact, logo}, number, title, layout: "decree"|"sip",
    ///    considerations: [str], legal_basis: [str], holder: {name, birth, address, profession, str_number},
    ///    practice: {place, address, days, hours}, valid_from, valid_until, photo, show_photo,
    ///    place_and_date, place, date, signer: {name, position, nip}, verify_url, qr, draft, bsre_footer, body_size }`
    /// where `logo`, `photo` and `qr` are file names or null, `bsre_footer` is the sentence or null and
    /// `body_size` is the body text size in points (11, then smaller until the sheet fits one page).
    fn template_input(&self) -> Result<TemplateInput, RenderError> {
        let d = self;
        let mut images = Images::default();
        let letterhead = letterhead_json(&d.letterhead, &mut images)?;
        let photo = images.raster("the holder's photo", "photo.png", "photo.jpg", d.photo.as_ref())?;
        let qr = if d.draft {
            Value::Null
        } else {
            images.qr(&d.verify_url)?
        };
        let (place, date) = split_place_and_date(&d.place_and_date);
        let data = json!({
            "letterhead": letterhead,
            "number": d.number,
            "title": d.title,
            "layout": match d.layout { SkLayout::Decree => "decree", SkLayout::Sip => "sip" },
            "considerations": d.considerations,
            "legal_basis": d.legal_basis,
            "holder": {
                "name": d.holder_name,
                "birth": d.holder_birth,
                "address": d.holder_address,
                "profession": d.profession,
                "str_number": d.str_number,
            },
            "practice": {
                "place": d.practice_place,
                "address": d.practice_address,
                "days": d.practice_days,
                "hours": d.practice_hours,
            },
            "valid_from": d.valid_from,
            "valid_until": d.valid_until,
            "photo": photo,
            "show_photo": d.subject == SkSubject::Practice,
            "retribution": (!d.retribution.is_empty()).then_some(&d.retribution),
            "kind": match &d.subject {
                SkSubject::Practice => "practice",
                SkSubject::Establishment(_) => "establishment",
                SkSubject::Cancellation(_) => "cancellation",
            },
            "establishment": match &d.subject {
                SkSubject::Establishment(e) => json!({
                    "name": e.name, "nib": e.nib, "kind": e.kind, "owner": e.owner,
                    "person_in_charge": e.person_in_charge, "address": e.address,
                }),
                _ => Value::Null,
            },
            "cancellation": match &d.subject {
                SkSubject::Cancellation(c) => json!({
                    "permit_name": c.permit_name, "permit_number": c.permit_number,
                    "permit_issued_on": c.permit_issued_on, "reason": c.reason,
                }),
                _ => Value::Null,
            },
            "place_and_date": d.place_and_date,
            "place": place,
            "date": date,
            "signer": signer_json(&d.signer),
            "verify_url": d.verify_url,
            "qr": qr,
            "draft": d.draft,
            "bsre_footer": d.bsre_footer.then_some(BSRE_FOOTER),
        });
        Ok(TemplateInput { data, images: images.0 })
    }
}

impl Document for ReceiptData {
    const TEMPLATE: &'static str = RECEIPT_TEMPLATE;

    /// `data.json`: `{ letterhead, registration_number, permit_name, holder_name, identity_masked, facility,
    /// location, submitted_at, documents: [{name, status}], sla_days, fee, track_url, qr }`.
    fn template_input(&self) -> Result<TemplateInput, RenderError> {
        let d = self;
        let mut images = Images::default();
        let letterhead = letterhead_json(&d.letterhead, &mut images)?;
        let qr = images.qr(&d.track_url)?;
        let documents: Vec<Value> = d
            .documents
            .iter()
            .map(|(name, status)| json!({ "name": name, "status": status }))
            .collect();
        let data = json!({
            "letterhead": letterhead,
            "registration_number": d.registration_number,
            "permit_name": d.permit_name,
            "holder_name": d.holder_name,
            "identity_masked": d.identity_masked,
            "facility": d.facility,
            "location": d.location,
            "submitted_at": d.submitted_at,
            "documents": documents,
            "sla_days": d.sla_days,
            "fee": d.fee,
            "track_url": d.track_url,
            "qr": qr,
        });
        Ok(TemplateInput { data, images: images.0 })
    }
}

impl Document for InspectionData {
    const TEMPLATE: &'static str = INSPECTION_TEMPLATE;

    /// `data.json`: `{ letterhead, number, date, place, officers: [str], holder_name, permit_name, facility,
    /// address, checklist: [{aspect, finding}], findings, result }`.
    fn template_input(&self) -> Result<TemplateInput, RenderError> {
        let d = self;
        let mut images = Images::default();
        let letterhead = letterhead_json(&d.letterhead, &mut images)?;
        let checklist: Vec<Value> = d
            .checklist
            .iter()
            .map(|(aspect, finding)| json!({ "aspect": aspect, "finding": finding }))
            .collect();
        let data = json!({
            "letterhead": letterhead,
            "number": d.number,
            "date": d.date,
            "place": d.place,
            "officers": d.officers,
            "holder_name": d.holder_name,
            "permit_name": d.permit_name,
            "facility": d.facility,
            "address": d.address,
            "checklist": checklist,
            "findings": d.findings,
            "result": d.result,
        });
        Ok(TemplateInput { data, images: images.0 })
    }
}

impl Document for RecommendationData {
    const TEMPLATE: &'static str = RECOMMENDATION_TEMPLATE;

    /// `data.json`: `{ letterhead, number, date, place, addressee, permit_name, holder_name, profession,
    /// facility, decision: bool, considerations, signer: {name, position, nip} }`.
    fn template_input(&self) -> Result<TemplateInput, RenderError> {
        let d = self;
        let mut images = Images::default();
        let letterhead = letterhead_json(&d.letterhead, &mut images)?;
        let data = json!({
            "letterhead": letterhead,
            "number": d.number,
            "date": d.date,
            "place": d.place,
            "addressee": d.addressee,
            "permit_name": d.permit_name,
            "holder_name": d.holder_name,
            "profession": d.profession,
            "facility": d.facility,
            "decision": d.decision,
            "considerations": d.considerations,
            "signer": signer_json(&d.signer),
        });
        Ok(TemplateInput { data, images: images.0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every answer, every known lower bound at or below it, every hint: the right index, its own
    /// outcome, no index probed twice, and a right hint costs one probe at the lower bound (or
    /// when nothing fits) and two elsewhere.
    #[test]
    fn first_fitting_finds_the_first_fitting_size_from_any_hint() {
        for n in 1..=6usize {
            // `answer`: the first index that fits; `n` means none does.
            for answer in 0..=n {
                for lo in 0..=answer.min(n - 1) {
                    for hint in 0..=n + 1 {
                        let what = format!("n {n} answer {answer} lo {lo} hint {hint}");
                        let mut probed = Vec::new();
                        let found = first_fitting(n, lo, hint, |i| {
                            probed.push(i);
                            Ok::<_, ()>((i >= answer, i))
                        })
                        .expect("no error");
                        let want = answer.min(n - 1);
                        assert_eq!(found, Some((want, want)), "{what}");
                        assert!(probed.iter().all(|&i| i >= lo), "{what}: {probed:?}");
                        let mut unique = probed.clone();
                        unique.sort_unstable();
                        unique.dedup();
                        assert_eq!(unique.len(), probed.len(), "{what}: {probed:?}");
                        assert!(probed.len() <= 2 + n.ilog2() as usize + 1, "{probed:?}");
                        if hint == want {
                            let cheapest = if want == lo || answer == n { 1 } else { 2 };
                            assert_eq!(probed.len(), cheapest, "{what}: {probed:?}");
                        }
                    }
                }
            }
        }
        assert_eq!(first_fitting(0, 0, 0, |i| Ok::<_, ()>((true, i))), Ok(None));
        assert_eq!(first_fitting(3, 3, 0, |i| Ok::<_, ()>((true, i))), Ok(None));
        assert_eq!(
            first_fitting(3, 0, 1, |_| Err::<(bool, usize), _>("broken")),
            Err("broken")
        );
    }

    /// A stand-in layout: the text takes `chars × size` of a page of `PAGE`.
    struct Fake(bool);
    impl FitsOnePage for Fake {
        fn fits_one_page(&self) -> bool {
            self.0
        }
    }
    const PAGE: f64 = 10_000.0;

    fn input(text: &str, items: usize) -> TemplateInput {
        TemplateInput {
            data: serde_json::json!({ "text": text, "list": vec!["x"; items], "photo": null }),
            images: Vec::new(),
        }
    }

    /// Lays `input` out with `memory`; returns the size index used and how many layouts it took.
    fn fit(memory: &FitMemories, input: &TemplateInput) -> (usize, usize) {
        let mut layouts = 0;
        let (i, _) = compile_fitting_with(memory, "template", input, &SK_BODY_SIZES, |_, input, size| {
            layouts += 1;
            Ok(Fake(text_chars(&input.data) as f64 * size <= PAGE))
        })
        .expect("laid out");
        (i, layouts)
    }

    #[test]
    fn the_size_search_remembers_what_did_not_fit() {
        let memory = FitMemories::default();
        // 960 characters fit at 10 pt (index 2), not at 10.5.
        let long = input(&"a".repeat(958), 2);
        let (i, first) = fit(&memory, &long);
        assert_eq!(i, 2);
        assert!(first >= 2, "the first of its shape searches: {first}");
        // The same shape with as much text or more: one layout, at the size found before.
        assert_eq!(fit(&memory, &long), (2, 1));
        assert_eq!(fit(&memory, &input(&"b".repeat(960), 2)), (2, 1));
        // Less text is tried one size larger, and gets it when it fits.
        assert_eq!(fit(&memory, &input(&"c".repeat(930), 2)).0, 1);
        // …and the largest size is checked again for still less text.
        assert_eq!(fit(&memory, &input(&"d".repeat(500), 2)).0, 0);
        // More text than fits anywhere: the smallest size, once the memory knows.
        let huge = input(&"e".repeat(5_000), 2);
        assert_eq!(fit(&memory, &huge).0, 3);
        assert_eq!(fit(&memory, &huge), (3, 1));
        // Another shape (one more list item) has its own memory and searches afresh.
        let (i, layouts) = fit(&memory, &input(&"f".repeat(957), 3));
        assert_eq!(i, 2);
        assert!(layouts >= 2, "{layouts}");
    }

    #[test]
    fn place_and_date_split_at_the_first_comma() {
        assert_eq!(
            split_place_and_date("Negara, 22 November 2026"),
            ("Negara", "22 November 2026")
        );
        assert_eq!(split_place_and_date("Negara"), ("Negara", ""));
    }

    #[test]
    fn images_are_recognised_by_content() {
        let mut images = Images::default();
        assert_eq!(
            images
                .raster("x", "a.png", "a.jpg", Some(&b"\x89PNG\r\n\x1a\n...".to_vec()))
                .unwrap(),
            "a.png"
        );
        assert_eq!(
            images
                .raster("x", "b.png", "b.jpg", Some(&vec![0xFF, 0xD8, 0xFF, 0xE0]))
                .unwrap(),
            "b.jpg"
        );
        assert_eq!(
            images.raster("x", "c.png", "c.jpg", Some(&Vec::new())).unwrap(),
            Value::Null
        );
        assert!(matches!(
            images.raster("x", "d.png", "d.jpg", Some(&b"GIF89a".to_vec())),
            Err(RenderError::Image(_))
        ));
    }

    #[test]
    fn qr_svg_is_an_svg_and_too_long_text_is_an_error() {
        assert!(qr_svg("https://izin.example.go.id/v/abc").contains("<svg"));
        assert!(qr::try_qr_svg(&"x".repeat(5000)).is_err());
        assert_eq!(qr_svg(&"x".repeat(5000)), qr::EMPTY_SVG);
    }
}
