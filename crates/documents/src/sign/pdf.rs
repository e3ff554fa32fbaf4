//! The PDF side of PAdES: the incremental update with the byte-range placeholder and embedding
//! the CMS (reading a signature back is `verify`).
//!
//! lopdf only reads the original (catalog, the widget's page, an existing AcroForm); the update is written
//! here byte by byte so the original bytes stay identical and the placeholder offsets are known.

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Document, Object, ObjectId, Writer};
use sha2::{Digest, Sha256};

use super::{SignError, SignRequest, SignedPdf, cms};

/// Bytes of DER reserved for the CMS in `/Contents` (written as twice as many hex digits).
/// A CMS with an RSA-2048 signer, its chain and no timestamp takes about 3 KiB; BSrE chains
/// with an RFC 3161 timestamp token stay well below 16 KiB.
pub const SIGNATURE_CAPACITY: usize = 16 * 1024;

/// Wide enough for offsets of files up to 10 GB; the real numbers are padded with spaces.
const BYTE_RANGE_PLACEHOLDER: &[u8] = b"[0 0000000000 0000000000 0000000000]";

fn pdf_error(message: impl Into<String>) -> SignError {
    SignError::Pdf(message.into())
}

/// A PDF with its signature update appended and `/Contents` still zero: hand [`Self::digest`]
/// to a [`super::PdfSigner`], then [`Self::finish`] with the CMS it returns.
pub struct PreparedPdf {
    bytes: Vec<u8>,
    /// Index of the `<` that opens the `/Contents` hex string.
    contents_at: usize,
    digest: [u8; 32],
}

impl std::fmt::Debug for PreparedPdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedPdf")
            .field("len", &self.bytes.len())
            .field("digest", &hex::encode(self.digest))
            .finish()
    }
}

impl PreparedPdf {
    /// SHA-256 over the two signed byte ranges (everything but the `/Contents` placeholder).
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// Embeds `cms_der` after checking that it fits, that its message-digest is this document's
    /// and that its signature verifies with the certificate it carries — a remote signer
    /// answering for another document is caught here, before anything is stored.
    pub fn finish(mut self, cms_der: &[u8]) -> Result<SignedPdf, SignError> {
        if cms_der.len() > SIGNATURE_CAPACITY {
            return Err(pdf_error(format!(
                "tanda tangan {} bita melebihi ruang {SIGNATURE_CAPACITY} bita",
                cms_der.len()
            )));
        }
        let parsed = cms::parse(cms_der)?;
        if !parsed.digest_matches(&self.digest) {
            return Err(SignError::Crypto(
                "CMS tidak menandatangani dokumen ini (message-digest berbeda)".into(),
            ));
        }
        if !parsed.signature_verifies()? {
            return Err(SignError::Crypto(
                "tanda tangan CMS tidak cocok dengan sertifikat penandatangan".into(),
            ));
        }
        let hex = hex::encode_upper(cms_der);
        let start = self.contents_at + 1;
        self.bytes[start..start + hex.len()].copy_from_slice(hex.as_bytes());
        let sha256 = hex::encode(Sha256::digest(&self.bytes));
        Ok(SignedPdf {
            bytes: self.bytes,
            sha256,
        })
    }
}

/// Appends the signature update to `pdf` and computes the digest to sign.
pub fn prepare(pdf: &[u8], req: &SignRequest<'_>) -> Result<PreparedPdf, SignError> {
    let rect = req.rect.map(checked_rect).transpose()?;
    let doc = load_signable(pdf)?;
    let prev_xref = last_startxref(pdf)?;
    let xref_is_stream = !pdf[prev_xref..].starts_with(b"xref");
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| pdf_error("trailer tanpa /Root"))?;
    let page = u32::try_from(req.page)
        .ok()
        .and_then(|number| doc.get_pages().get(&number).copied())
        .ok_or_else(|| pdf_error(format!("PDF tidak memiliki halaman {}", req.page)))?;

    // The numbers are handed out in a fixed order (signature, field, appearance, a new
    // AcroForm, the xref stream), so the same input always gives the same update.
    let mut ids = NewIds::after(&doc);
    let sig_id = ids.next();
    let field_id = ids.next();
    let appearance_id = rect.map(|_| ids.next());

    let mut changed: Vec<(ObjectId, Object)> = Vec::new();
    let mut new_objects: Vec<(ObjectId, Object)> = Vec::new();
    let field_ref = Object::Reference(field_id);
    add_to_page_annots(&doc, page, field_ref.clone(), &mut changed)?;
    add_to_acroform(&doc, root, field_ref, &mut ids, &mut changed, &mut new_objects)?;
    let widget = signature_widget(field_id, sig_id, page, rect, appearance_id);
    new_objects.insert(0, (field_id, Object::Dictionary(widget)));

    let xref_stream_id = xref_is_stream.then(|| ids.next());
    let size = ids.next;

    let mut out = pdf.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();

    offsets.push((sig_id, out.len()));
    let (byte_range_at, contents_at) = write_signature_dictionary(&mut out, sig_id, req)?;
    if let Some(ap) = appearance_id {
        offsets.push((ap, out.len()));
        write_appearance(&mut out, ap, rect.unwrap_or([0.0; 4]));
    }
    for (id, object) in new_objects.iter().chain(&changed) {
        offsets.push((*id, out.len()));
        write_object(&mut out, *id, object)?;
    }

    let trailer = update_trailer(&doc, size, root, prev_xref);
    match xref_stream_id {
        Some(id) => write_xref_stream(&mut out, id, offsets, trailer)?,
        None => write_xref_table(&mut out, offsets, &trailer)?,
    }

    let contents_end = fill_byte_range(&mut out, byte_range_at, contents_at)?;
    let mut hasher = Sha256::new();
    hasher.update(&out[..contents_at]);
    hasher.update(&out[contents_end..]);
    Ok(PreparedPdf {
        bytes: out,
        contents_at,
        digest: hasher.finalize().into(),
    })
}

/// Reads the original, refusing what an incremental update cannot sign safely.
fn load_signable(pdf: &[u8]) -> Result<Document, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| pdf_error(format!("PDF tidak dapat dibaca ({e})")))?;
    if doc.trailer.has(b"Encrypt") {
        return Err(pdf_error("PDF terenkripsi tidak didukung"));
    }
    if doc.xref_recovery.is_some() {
        return Err(pdf_error("tabel xref PDF rusak; buat ulang dokumennya"));
    }
    Ok(doc)
}

/// Object numbers for the update's new objects, after every number the original uses.
struct NewIds {
    next: u32,
}

impl NewIds {
    fn after(doc: &Document) -> NewIds {
        let size = doc.trailer.get(b"Size").and_then(Object::as_i64).unwrap_or(0);
        NewIds {
            next: u32::try_from(size).unwrap_or(0).max(doc.max_id + 1),
        }
    }

    fn next(&mut self) -> ObjectId {
        let id = (self.next, 0);
        self.next += 1;
        id
    }
}

/// Adds the signature field to the page's `/Annots`, changing the array object where the page
/// refers to one and the page itself otherwise.
fn add_to_page_annots(
    doc: &Document,
    page: ObjectId,
    field_ref: Object,
    changed: &mut Vec<(ObjectId, Object)>,
) -> Result<(), SignError> {
    let mut page_dict = dictionary(doc, page)?;
    match page_dict.get(b"Annots") {
        Ok(Object::Reference(id)) => {
            let mut annots = array(doc, *id)?;
            annots.push(field_ref);
            changed.push((*id, Object::Array(annots)));
        }
        Ok(Object::Array(annots)) => {
            let mut annots = annots.clone();
            annots.push(field_ref);
            page_dict.set("Annots", annots);
            changed.push((page, Object::Dictionary(page_dict)));
        }
        Ok(_) => return Err(pdf_error("/Annots halaman tidak valid")),
        Err(_) => {
            page_dict.set("Annots", vec![field_ref]);
            changed.push((page, Object::Dictionary(page_dict)));
        }
    }
    Ok(())
}

/// Adds the signature field to the document's AcroForm, creating the form (a new object) when
/// the catalog has none.
fn add_to_acroform(
    doc: &Document,
    root: ObjectId,
    field_ref: Object,
    ids: &mut NewIds,
    changed: &mut Vec<(ObjectId, Object)>,
    new_objects: &mut Vec<(ObjectId, Object)>,
) -> Result<(), SignError> {
    let mut catalog = dictionary(doc, root)?;
    match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => {
            let id = *id;
            let mut form = dictionary(doc, id)?;
            add_field(doc, &mut form, field_ref, changed)?;
            changed.push((id, Object::Dictionary(form)));
        }
        Ok(Object::Dictionary(form)) => {
            let mut form = form.clone();
            add_field(doc, &mut form, field_ref, changed)?;
            catalog.set("AcroForm", form);
            changed.push((root, Object::Dictionary(catalog)));
        }
        Ok(_) => return Err(pdf_error("/AcroForm tidak valid")),
        Err(_) => {
            let form_id = ids.next();
            let mut form = Dictionary::new();
            add_field(doc, &mut form, field_ref, changed)?;
            new_objects.push((form_id, Object::Dictionary(form)));
            catalog.set("AcroForm", Object::Reference(form_id));
            changed.push((root, Object::Dictionary(catalog)));
        }
    }
    Ok(())
}

/// The signature field merged with its widget annotation.
fn signature_widget(
    field_id: ObjectId,
    sig_id: ObjectId,
    page: ObjectId,
    rect: Option<[f32; 4]>,
    appearance_id: Option<ObjectId>,
) -> Dictionary {
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", Object::string_literal(format!("Signature{}", field_id.0)));
    widget.set("V", Object::Reference(sig_id));
    widget.set("P", Object::Reference(page));
    // Print + Locked.
    widget.set("F", 132);
    let [x1, y1, x2, y2] = rect.unwrap_or([0.0; 4]);
    widget.set("Rect", vec![x1.into(), y1.into(), x2.into(), y2.into()]);
    if let Some(ap) = appearance_id {
        widget.set("AP", Dictionary::from_iter(vec![("N", Object::Reference(ap))]));
    }
    widget
}

/// Writes the visible signature's (empty, transparent) appearance stream.
fn write_appearance(out: &mut Vec<u8>, ap: ObjectId, rect: [f32; 4]) {
    let [x1, y1, x2, y2] = rect;
    out.extend_from_slice(
        format!(
            "{} {} obj\n<</Type/XObject/Subtype/Form/BBox[0 0 {} {}]/Resources<<>>/Length 0>>\nstream\n\nendstream\nendobj\n",
            ap.0,
            ap.1,
            number(x2 - x1),
            number(y2 - y1)
        )
        .as_bytes(),
    );
}

/// The trailer of the update: chained to the original's last xref section, keeping its
/// `/Info` and `/ID`.
fn update_trailer(doc: &Document, size: u32, root: ObjectId, prev_xref: usize) -> Dictionary {
    let mut trailer = Dictionary::new();
    trailer.set("Size", i64::from(size));
    trailer.set("Root", Object::Reference(root));
    for key in [b"Info".as_slice(), b"ID"] {
        if let Ok(value) = doc.trailer.get(key) {
            trailer.set(key, value.clone());
        }
    }
    trailer.set("Prev", prev_xref as i64);
    trailer
}

/// Writes the real `/ByteRange` over its placeholder, padded with spaces so no offset moves.
/// Returns the offset just after the `/Contents` hex string.
fn fill_byte_range(out: &mut [u8], byte_range_at: usize, contents_at: usize) -> Result<usize, SignError> {
    let contents_end = contents_at + 2 + 2 * SIGNATURE_CAPACITY;
    let byte_range = format!("[0 {contents_at} {contents_end} {}]", out.len() - contents_end);
    if byte_range.len() > BYTE_RANGE_PLACEHOLDER.len() {
        return Err(pdf_error("PDF terlalu besar"));
    }
    let slot = &mut out[byte_range_at..byte_range_at + BYTE_RANGE_PLACEHOLDER.len()];
    slot.fill(b' ');
    slot[..byte_range.len()].copy_from_slice(byte_range.as_bytes());
    Ok(contents_end)
}

fn checked_rect(rect: [f32; 4]) -> Result<[f32; 4], SignError> {
    let [x1, y1, x2, y2] = rect;
    let normalised = [x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)];
    if rect.iter().any(|v| !v.is_finite()) || normalised[0] == normalised[2] || normalised[1] == normalised[3] {
        return Err(pdf_error("kotak tanda tangan tidak valid"));
    }
    Ok(normalised)
}

fn dictionary(doc: &Document, id: ObjectId) -> Result<Dictionary, SignError> {
    doc.get_dictionary(id)
        .cloned()
        .map_err(|_| pdf_error(format!("objek {} {} bukan kamus", id.0, id.1)))
}

fn array(doc: &Document, id: ObjectId) -> Result<Vec<Object>, SignError> {
    doc.get_object(id)
        .and_then(Object::as_array)
        .cloned()
        .map_err(|_| pdf_error(format!("objek {} {} bukan larik", id.0, id.1)))
}

/// Adds the signature field to an AcroForm's `/Fields` (inline or an array object) and sets
/// `/SigFlags` SignaturesExist | AppendOnly.
fn add_field(
    doc: &Document,
    form: &mut Dictionary,
    field: Object,
    changed: &mut Vec<(ObjectId, Object)>,
) -> Result<(), SignError> {
    match form.get(b"Fields") {
        Ok(Object::Reference(id)) => {
            let mut fields = array(doc, *id)?;
            fields.push(field);
            changed.push((*id, Object::Array(fields)));
        }
        Ok(Object::Array(fields)) => {
            let mut fields = fields.clone();
            fields.push(field);
            form.set("Fields", fields);
        }
        _ => form.set("Fields", vec![field]),
    }
    let flags = form.get(b"SigFlags").and_then(Object::as_i64).unwrap_or(0);
    form.set("SigFlags", flags | 3);
    Ok(())
}

/// The offset that the last `startxref` of the file points to.
fn last_startxref(pdf: &[u8]) -> Result<usize, SignError> {
    let invalid = || pdf_error("startxref tidak ditemukan");
    let at = rfind(pdf, b"startxref").ok_or_else(invalid)?;
    let rest = &pdf[at + b"startxref".len()..];
    let digits: Vec<u8> = rest
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    let offset: usize = std::str::from_utf8(&digits)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(invalid)?;
    if offset >= pdf.len() {
        return Err(invalid());
    }
    Ok(offset)
}

fn write_object(out: &mut Vec<u8>, id: ObjectId, object: &Object) -> Result<(), SignError> {
    out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
    Writer::write_object(out, object).map_err(|e| pdf_error(format!("gagal menulis objek: {e}")))?;
    out.extend_from_slice(b"\nendobj\n");
    Ok(())
}

/// Writes the signature dictionary; returns the offsets of the `/ByteRange` placeholder's `[`
/// and of the `<` opening `/Contents`.
fn write_signature_dictionary(
    out: &mut Vec<u8>,
    id: ObjectId,
    req: &SignRequest<'_>,
) -> Result<(usize, usize), SignError> {
    let mut head = format!(
        "{} {} obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached",
        id.0, id.1
    )
    .into_bytes();
    head.extend_from_slice(format!("/M({})", pdf_date(req.signing_time)).as_bytes());
    for (key, value) in [
        ("Name", req.signer_name),
        ("Reason", req.reason),
        ("Location", req.location),
    ] {
        if !value.is_empty() {
            head.extend_from_slice(format!("/{key} ").as_bytes());
            Writer::write_object(&mut head, &lopdf::text_string(value))
                .map_err(|e| pdf_error(format!("gagal menulis /{key}: {e}")))?;
        }
    }
    head.extend_from_slice(b"/ByteRange ");
    out.extend_from_slice(&head);
    let byte_range_at = out.len();
    out.extend_from_slice(BYTE_RANGE_PLACEHOLDER);
    out.extend_from_slice(b"/Contents ");
    let contents_at = out.len();
    out.push(b'<');
    out.resize(out.len() + 2 * SIGNATURE_CAPACITY, b'0');
    out.extend_from_slice(b">>>\nendobj\n");
    Ok((byte_range_at, contents_at))
}

fn write_xref_table(
    out: &mut Vec<u8>,
    mut offsets: Vec<(ObjectId, usize)>,
    trailer: &Dictionary,
) -> Result<(), SignError> {
    offsets.sort_by_key(|(id, _)| id.0);
    let xref_at = out.len();
    out.extend_from_slice(b"xref\n");
    for run in runs(&offsets) {
        out.extend_from_slice(format!("{} {}\n", run[0].0.0, run.len()).as_bytes());
        for ((_, generation), offset) in run {
            out.extend_from_slice(format!("{offset:010} {generation:05} n\r\n").as_bytes());
        }
    }
    out.extend_from_slice(b"trailer\n");
    Writer::write_object(out, &Object::Dictionary(trailer.clone()))
        .map_err(|e| pdf_error(format!("gagal menulis trailer: {e}")))?;
    out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    Ok(())
}

/// The update of a file whose last section is an xref stream gets an (uncompressed) xref stream
/// too, so strict readers never meet a classic table chained to a stream.
fn write_xref_stream(
    out: &mut Vec<u8>,
    id: ObjectId,
    mut offsets: Vec<(ObjectId, usize)>,
    mut dict: Dictionary,
) -> Result<(), SignError> {
    let xref_at = out.len();
    offsets.push((id, xref_at));
    offsets.sort_by_key(|(id, _)| id.0);
    let width = (usize::BITS - xref_at.leading_zeros()).div_ceil(8).max(1) as usize;
    let mut data = Vec::with_capacity(offsets.len() * (3 + width));
    let mut index = Vec::new();
    for run in runs(&offsets) {
        index.push(Object::from(i64::from(run[0].0.0)));
        index.push(Object::from(run.len() as i64));
        for ((_, generation), offset) in run {
            data.push(1);
            data.extend_from_slice(&offset.to_be_bytes()[usize::BITS as usize / 8 - width..]);
            data.extend_from_slice(&generation.to_be_bytes());
        }
    }
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("W", vec![1.into(), (width as i64).into(), 2.into()]);
    dict.set("Index", index);
    dict.set("Length", data.len() as i64);
    out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
    Writer::write_object(out, &Object::Dictionary(dict)).map_err(|e| pdf_error(format!("gagal menulis xref: {e}")))?;
    out.extend_from_slice(b"\nstream\n");
    out.extend_from_slice(&data);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    Ok(())
}

/// Splits entries sorted by object number into runs of consecutive numbers (xref subsections).
fn runs(sorted: &[(ObjectId, usize)]) -> Vec<&[(ObjectId, usize)]> {
    let mut result = Vec::new();
    let mut start = 0;
    for i in 1..=sorted.len() {
        if i == sorted.len() || sorted[i].0.0 != sorted[i - 1].0.0 + 1 {
            result.push(&sorted[start..i]);
            start = i;
        }
    }
    result
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|window| window == needle)
}

fn number(value: f32) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `D:YYYYMMDDHHmmSS+00'00'` (ISO 32000-1 §7.9.4).
pub(super) fn pdf_date(time: DateTime<Utc>) -> String {
    time.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xref_runs_split_on_gaps() {
        let entries = [((3, 0), 1), ((4, 0), 2), ((7, 0), 3), ((8, 0), 4), ((10, 0), 5)];
        let lens: Vec<usize> = runs(&entries).iter().map(|r| r.len()).collect();
        assert_eq!(lens, [2, 2, 1]);
    }

    #[test]
    fn numbers_are_written_without_exponent_or_trailing_zeros() {
        assert_eq!(number(150.0), "150");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.125), "0.125");
    }

    #[test]
    fn rectangles_are_normalised_and_checked() {
        assert_eq!(
            checked_rect([100.0, 50.0, 10.0, 5.0]).unwrap(),
            [10.0, 5.0, 100.0, 50.0]
        );
        assert!(checked_rect([1.0, 1.0, 1.0, 5.0]).is_err());
        assert!(checked_rect([f32::NAN, 1.0, 2.0, 5.0]).is_err());
    }
}
