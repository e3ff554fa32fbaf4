//! The PDF side of PAdES: the incremental update with the byte-range placeholder, embedding the
//! CMS, and reading the last signature back out of a file.
//!
//! lopdf only reads the original (catalog, the widget's page, an existing AcroForm); the update is written
//! here byte by byte so the original bytes stay identical and the placeholder offsets are known.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
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
    let doc = Document::load_mem(pdf).map_err(|e| pdf_error(format!("PDF tidak dapat dibaca ({e})")))?;
    if doc.trailer.has(b"Encrypt") {
        return Err(pdf_error("PDF terenkripsi tidak didukung"));
    }
    if doc.xref_recovery.is_some() {
        return Err(pdf_error("tabel xref PDF rusak; buat ulang dokumennya"));
    }
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

    let size = doc.trailer.get(b"Size").and_then(Object::as_i64).unwrap_or(0);
    let mut next_id = u32::try_from(size).unwrap_or(0).max(doc.max_id + 1);
    let mut alloc = || {
        let id = (next_id, 0);
        next_id += 1;
        id
    };
    let sig_id = alloc();
    let field_id = alloc();
    let appearance_id = rect.map(|_| alloc());

    let mut changed: Vec<(ObjectId, Object)> = Vec::new();
    let mut new_objects: Vec<(ObjectId, Object)> = Vec::new();

    let mut page_dict = dictionary(&doc, page)?;
    let field_ref = Object::Reference(field_id);
    match page_dict.get(b"Annots") {
        Ok(Object::Reference(id)) => {
            let mut annots = array(&doc, *id)?;
            annots.push(field_ref.clone());
            changed.push((*id, Object::Array(annots)));
        }
        Ok(Object::Array(annots)) => {
            let mut annots = annots.clone();
            annots.push(field_ref.clone());
            page_dict.set("Annots", annots);
            changed.push((page, Object::Dictionary(page_dict)));
        }
        Ok(_) => return Err(pdf_error("/Annots halaman tidak valid")),
        Err(_) => {
            page_dict.set("Annots", vec![field_ref.clone()]);
            changed.push((page, Object::Dictionary(page_dict)));
        }
    }

    let mut catalog = dictionary(&doc, root)?;
    match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => {
            let id = *id;
            let mut form = dictionary(&doc, id)?;
            add_field(&doc, &mut form, field_ref, &mut changed)?;
            changed.push((id, Object::Dictionary(form)));
        }
        Ok(Object::Dictionary(form)) => {
            let mut form = form.clone();
            add_field(&doc, &mut form, field_ref, &mut changed)?;
            catalog.set("AcroForm", form);
            changed.push((root, Object::Dictionary(catalog)));
        }
        Ok(_) => return Err(pdf_error("/AcroForm tidak valid")),
        Err(_) => {
            let form_id = alloc();
            let mut form = Dictionary::new();
            add_field(&doc, &mut form, field_ref, &mut changed)?;
            new_objects.push((form_id, Object::Dictionary(form)));
            catalog.set("AcroForm", Object::Reference(form_id));
            changed.push((root, Object::Dictionary(catalog)));
        }
    }

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
    new_objects.insert(0, (field_id, Object::Dictionary(widget)));

    let xref_stream_id = xref_is_stream.then(&mut alloc);
    let size = next_id;

    let mut out = pdf.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();

    offsets.push((sig_id, out.len()));
    let (byte_range_at, contents_at) = write_signature_dictionary(&mut out, sig_id, req)?;
    if let Some(ap) = appearance_id {
        offsets.push((ap, out.len()));
        let [x1, y1, x2, y2] = rect.unwrap_or([0.0; 4]);
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
    for (id, object) in new_objects.iter().chain(&changed) {
        offsets.push((*id, out.len()));
        write_object(&mut out, *id, object)?;
    }

    let mut trailer = Dictionary::new();
    trailer.set("Size", i64::from(size));
    trailer.set("Root", Object::Reference(root));
    for key in [b"Info".as_slice(), b"ID"] {
        if let Ok(value) = doc.trailer.get(key) {
            trailer.set(key, value.clone());
        }
    }
    trailer.set("Prev", prev_xref as i64);
    match xref_stream_id {
        Some(id) => write_xref_stream(&mut out, id, offsets, trailer)?,
        None => write_xref_table(&mut out, offsets, &trailer)?,
    }

    let contents_end = contents_at + 2 + 2 * SIGNATURE_CAPACITY;
    let byte_range = format!("[0 {contents_at} {contents_end} {}]", out.len() - contents_end);
    if byte_range.len() > BYTE_RANGE_PLACEHOLDER.len() {
        return Err(pdf_error("PDF terlalu besar"));
    }
    let slot = &mut out[byte_range_at..byte_range_at + BYTE_RANGE_PLACEHOLDER.len()];
    slot.fill(b' ');
    slot[..byte_range.len()].copy_from_slice(byte_range.as_bytes());

    let mut hasher = Sha256::new();
    hasher.update(&out[..contents_at]);
    hasher.update(&out[contents_end..]);
    Ok(PreparedPdf {
        bytes: out,
        contents_at,
        digest: hasher.finalize().into(),
    })
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

fn number(value: f32) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `D:YYYYMMDDHHmmSS+00'00'` (ISO 32000-1 §7.9.4).
fn pdf_date(time: DateTime<Utc>) -> String {
    time.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

/// Parses a PDF date (`D:` and everything after the year optional; offset `Z`, `+HH'mm'` or
/// `-HH'mm'`).
fn parse_pdf_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits: String = text.chars().take_while(char::is_ascii_digit).take(14).collect();
    if digits.len() < 4 {
        return None;
    }
    let field = |from: usize, len: usize, default: u32| -> Option<u32> {
        digits.get(from..from + len).map_or(Some(default), |s| s.parse().ok())
    };
    let date = NaiveDate::from_ymd_opt(digits[..4].parse().ok()?, field(4, 2, 1)?, field(6, 2, 1)?)?;
    let local = date.and_hms_opt(field(8, 2, 0)?, field(10, 2, 0)?, field(12, 2, 0)?)?;
    let rest = &text[digits.len()..];
    let offset_seconds = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let numbers: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let hours: i32 = numbers.get(..2).and_then(|s| s.parse().ok()).unwrap_or(0);
            let minutes: i32 = numbers.get(2..4).and_then(|s| s.parse().ok()).unwrap_or(0);
            let seconds = hours * 3600 + minutes * 60;
            if sign == '-' { -seconds } else { seconds }
        }
        _ => 0,
    };
    let offset = chrono::FixedOffset::east_opt(offset_seconds)?;
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// What [`verify_embedded`] found about the last signature of a PDF.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// The digest matches and the signature over the signed attributes verifies.
    pub signature_valid: bool,
    /// The CMS message-digest equals the SHA-256 of the signed byte ranges.
    pub digest_matches: bool,
    /// The signed ranges reach the end of the file: nothing was appended after signing.
    pub covers_whole_file: bool,
    /// Bytes after the signed range (0 when `covers_whole_file`).
    pub appended_bytes: u64,
    pub byte_range: [u64; 4],
    /// How many `/ByteRange` entries (signatures) the file holds.
    pub signature_count: usize,
    pub sub_filter: Option<String>,
    /// RFC 4514 subject of the signer certificate, e.g. `CN=dr. Siti,O=DPMPTSP Kota Cilegon,C=ID`.
    pub signer_subject: String,
    pub signer_common_name: Option<String>,
    pub issuer_subject: String,
    pub certificate_not_before: DateTime<Utc>,
    pub certificate_not_after: DateTime<Utc>,
    /// The claimed time: `/M` of the signature dictionary, else a CMS signing-time attribute.
    pub signing_time: Option<DateTime<Utc>>,
    pub signer_name: Option<String>,
    pub reason: Option<String>,
    pub location: Option<String>,
    certificates: Vec<x509_cert::Certificate>,
    signer: x509_cert::Certificate,
}

impl VerifyReport {
    /// Valid and nothing appended: the file is exactly what was signed.
    pub fn is_intact(&self) -> bool {
        self.signature_valid && self.covers_whole_file
    }

    /// Whether the signer certificate was issued by the CA in `ca_cert_pem`, directly or through
    /// intermediates carried in the CMS (signatures checked, names matched). No revocation or
    /// validity-period checks: the permit register holds the status.
    pub fn is_issued_by(&self, ca_cert_pem: &str) -> Result<bool, SignError> {
        use der::DecodePem;
        let anchor = x509_cert::Certificate::from_pem(ca_cert_pem)
            .map_err(|e| SignError::Certificate(format!("sertifikat CA tidak dapat dibaca: {e}")))?;
        let mut current = &self.signer;
        for _ in 0..8 {
            if cms::is_signed_by(current, &anchor) {
                return Ok(true);
            }
            match self
                .certificates
                .iter()
                .find(|c| *c != current && cms::is_signed_by(current, c))
            {
                Some(issuer) => current = issuer,
                None => return Ok(false),
            }
        }
        Ok(false)
    }
}

/// Checks the last signature in `pdf`: recomputes the digest of its byte ranges, compares it
/// with the CMS message-digest and verifies the RSA signature with the embedded certificate.
/// [`SignError::NotSigned`] when there is no signature; `Ok` with `signature_valid == false`
/// when the file was changed inside the signed ranges.
pub fn verify_embedded(pdf: &[u8]) -> Result<VerifyReport, SignError> {
    let positions = find_all(pdf, b"/ByteRange");
    let &at = positions.last().ok_or(SignError::NotSigned)?;
    let invalid = || pdf_error("/ByteRange tidak valid");
    let byte_range = parse_byte_range(&pdf[at + b"/ByteRange".len()..]).ok_or_else(invalid)?;
    let [start, contents_at, contents_end, tail] = byte_range;
    let to_usize = |v: u64| usize::try_from(v).map_err(|_| invalid());
    let (contents_at, contents_end, tail) = (to_usize(contents_at)?, to_usize(contents_end)?, to_usize(tail)?);
    let signed_end = contents_end.checked_add(tail).ok_or_else(invalid)?;
    if start != 0
        || contents_end < contents_at + 2
        || signed_end > pdf.len()
        || pdf[contents_at] != b'<'
        || pdf[contents_end - 1] != b'>'
    {
        return Err(invalid());
    }
    let der = hex::decode(&pdf[contents_at + 1..contents_end - 1])
        .map_err(|_| pdf_error("/Contents bukan string heksadesimal"))?;
    let parsed = cms::parse(&der)?;
    let digest = parsed.digest_of(&[&pdf[..contents_at], &pdf[contents_end..signed_end]]);
    let digest_matches = parsed.digest_matches(&digest);
    let signature_valid = digest_matches && parsed.signature_verifies()?;

    let dict = signature_dictionary(pdf, at, contents_end);
    let text = |key: &[u8]| dict_string(dict, key);
    let (not_before, not_after) = cms::validity(&parsed.signer);
    let tbs = &parsed.signer.tbs_certificate;
    Ok(VerifyReport {
        signature_valid,
        digest_matches,
        covers_whole_file: signed_end == pdf.len(),
        appended_bytes: (pdf.len() - signed_end) as u64,
        byte_range,
        signature_count: positions.len(),
        sub_filter: dict_name(dict, b"SubFilter"),
        signer_subject: tbs.subject.to_string(),
        signer_common_name: cms::common_name(&tbs.subject),
        issuer_subject: tbs.issuer.to_string(),
        certificate_not_before: not_before,
        certificate_not_after: not_after,
        signing_time: text(b"M").as_deref().and_then(parse_pdf_date).or(parsed.signing_time),
        signer_name: text(b"Name"),
        reason: text(b"Reason"),
        location: text(b"Location"),
        certificates: parsed.certificates.clone(),
        signer: parsed.signer,
    })
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| *window == needle)
        .map(|(i, _)| i)
        .collect()
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|window| window == needle)
}

/// `[a b c d]` after optional whitespace.
fn parse_byte_range(rest: &[u8]) -> Option<[u64; 4]> {
    let text = rest.get(..rest.iter().position(|&b| b == b']')? + 1)?;
    let text = std::str::from_utf8(text)
        .ok()?
        .trim_start()
        .strip_prefix('[')?
        .strip_suffix(']')?;
    let numbers: Vec<u64> = text
        .split_ascii_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    numbers.try_into().ok()
}

/// The bytes of the indirect object holding the signature dictionary whose `/ByteRange` is at
/// `byte_range_at` — for the informational entries (`/M`, `/Reason`, …) only.
fn signature_dictionary(pdf: &[u8], byte_range_at: usize, contents_end: usize) -> &[u8] {
    let start = rfind(&pdf[..byte_range_at], b" obj").unwrap_or(0);
    let from = byte_range_at.max(contents_end);
    let window_end = pdf.len().min(from + 4096);
    let end = find_all(&pdf[from..window_end], b"endobj")
        .first()
        .map_or(window_end, |i| from + i);
    &pdf[start..end]
}

/// Position right after `/key` used as a dictionary key (not a prefix of a longer name).
fn key_value<'a>(dict: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut needle = vec![b'/'];
    needle.extend_from_slice(key);
    find_all(dict, &needle).into_iter().find_map(|i| {
        let rest = &dict[i + needle.len()..];
        let boundary = rest.first().is_some_and(|b| b" \t\r\n\x0c(<[/".contains(b));
        boundary.then(|| {
            let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            &rest[skip..]
        })
    })
}

fn dict_name(dict: &[u8], key: &[u8]) -> Option<String> {
    let rest = key_value(dict, key)?.strip_prefix(b"/")?;
    let len = rest
        .iter()
        .take_while(|b| !b" \t\r\n\x0c()<>[]{}/%".contains(b))
        .count();
    Some(String::from_utf8_lossy(&rest[..len]).into_owned())
}

fn dict_string(dict: &[u8], key: &[u8]) -> Option<String> {
    let raw = parse_string(key_value(dict, key)?)?;
    lopdf::decode_text_string(&Object::String(raw, lopdf::StringFormat::Literal)).ok()
}

/// Parses a PDF literal `( … )` or hex `< … >` string at the start of `input`.
fn parse_string(input: &[u8]) -> Option<Vec<u8>> {
    match input.first()? {
        b'<' => {
            let end = input.iter().position(|&b| b == b'>')?;
            let mut digits: Vec<u8> = input[1..end]
                .iter()
                .filter(|b| !b.is_ascii_whitespace())
                .copied()
                .collect();
            if digits.len() % 2 == 1 {
                digits.push(b'0');
            }
            hex::decode(digits).ok()
        }
        b'(' => {
            let mut out = Vec::new();
            let mut depth = 0usize;
            let mut bytes = input[1..].iter().copied().peekable();
            while let Some(b) = bytes.next() {
                match b {
                    b'\\' => match bytes.next()? {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            bytes.next_if_eq(&b'\n');
                        }
                        b'\n' => {}
                        d @ b'0'..=b'7' => {
                            let mut value = u32::from(d - b'0');
                            for _ in 0..2 {
                                match bytes.next_if(|c| (b'0'..=b'7').contains(c)) {
                                    Some(c) => value = value * 8 + u32::from(c - b'0'),
                                    None => break,
                                }
                            }
                            out.push((value & 0xff) as u8);
                        }
                        other => out.push(other),
                    },
                    b'(' => {
                        depth += 1;
                        out.push(b);
                    }
                    b')' if depth == 0 => return Some(out),
                    b')' => {
                        depth -= 1;
                        out.push(b);
                    }
                    _ => out.push(b),
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_round_trip_and_accept_offsets() {
        let time = Utc.with_ymd_and_hms(2026, 3, 9, 7, 5, 1).unwrap();
        assert_eq!(pdf_date(time), "D:20260309070501+00'00'");
        assert_eq!(parse_pdf_date(&pdf_date(time)), Some(time));
        assert_eq!(parse_pdf_date("D:20260309140501+07'00'"), Some(time));
        assert_eq!(parse_pdf_date("D:20260309070501Z"), Some(time));
        assert_eq!(
            parse_pdf_date("D:2026"),
            Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        );
        assert_eq!(parse_pdf_date("kemarin"), None);
    }

    #[test]
    fn literal_and_hex_strings_parse() {
        assert_eq!(parse_string(b"(a\\(b\\) (c) \\101\\n)rest").unwrap(), b"a(b) (c) A\n");
        assert_eq!(parse_string(b"<FEFF 0041>").unwrap(), vec![0xfe, 0xff, 0, 0x41]);
        assert_eq!(parse_string(b"(unterminated"), None);
    }

    #[test]
    fn keys_are_matched_as_whole_names() {
        let dict = b"<</Matrix[1]/M(D:2026)/Name<FEFF0041>/SubFilter/ETSI.CAdES.detached>>";
        assert_eq!(dict_string(dict, b"M").as_deref(), Some("D:2026"));
        assert_eq!(dict_string(dict, b"Name").as_deref(), Some("A"));
        assert_eq!(dict_name(dict, b"SubFilter").as_deref(), Some("ETSI.CAdES.detached"));
        assert_eq!(dict_string(dict, b"Reason"), None);
    }

    #[test]
    fn byte_ranges_parse_with_padding() {
        assert_eq!(parse_byte_range(b" [0 10 20 30]   /Contents"), Some([0, 10, 20, 30]));
        assert_eq!(parse_byte_range(b"[0 10 20]"), None);
        assert_eq!(parse_byte_range(b"[0 a 20 30]"), None);
    }

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
