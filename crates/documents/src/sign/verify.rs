//! Reading a signature back out of a PDF and checking it (ISO 32000-1 §12.8.1).
//!
//! lopdf parses the file, incremental updates included: the signature dictionaries are the
//! values (`/V`) of the AcroForm's signature fields (`/FT /Sig`, nested `/Kids` too) and any
//! object typed `/Type /Sig`. The last signature is the one whose `/ByteRange` reaches furthest.
//! Its `/ByteRange` must be `[0 a b c]` with the hole `a..b` holding exactly the `<hex>` of its
//! `/Contents`; the CMS found there is then checked against the digest of the two ranges.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::{SignError, cms};

fn invalid(message: &str) -> SignError {
    SignError::Pdf(message.to_owned())
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
    /// How many signature dictionaries (with a `/ByteRange`) the file holds.
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
    /// `/Name` of the signature dictionary.
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

/// One signature dictionary as the file declares it.
struct Signature<'a> {
    dict: &'a Dictionary,
    byte_range: [u64; 4],
    /// The DER of `/Contents` (with the placeholder's trailing zero padding).
    contents: &'a [u8],
}

impl Signature<'_> {
    fn signed_end(&self) -> u64 {
        self.byte_range[2].saturating_add(self.byte_range[3])
    }

    fn text(&self, key: &[u8]) -> Option<String> {
        self.dict.get(key).ok().and_then(|o| lopdf::decode_text_string(o).ok())
    }

    fn name(&self, key: &[u8]) -> Option<String> {
        let name = self.dict.get(key).and_then(Object::as_name).ok()?;
        Some(String::from_utf8_lossy(name).into_owned())
    }
}

/// Checks the last signature in `pdf`: reads its dictionary with lopdf, checks that its
/// `/ByteRange` leaves out exactly its `/Contents`, recomputes the digest of the ranges,
/// compares it with the CMS message-digest and verifies the RSA signature with the embedded
/// certificate. [`SignError::NotSigned`] when there is no signature; `Ok` with
/// `signature_valid == false` when the file was changed inside the signed ranges, with
/// `covers_whole_file == false` when bytes follow them.
pub fn verify_embedded(pdf: &[u8]) -> Result<VerifyReport, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| SignError::Pdf(format!("PDF tidak dapat dibaca ({e})")))?;
    let signatures = signatures(&doc);
    let last = signatures
        .iter()
        .max_by_key(|s| s.signed_end())
        .ok_or(SignError::NotSigned)?;
    let (contents_at, contents_end, signed_end) = checked_ranges(pdf, last)?;
    let parsed = cms::parse(last.contents)?;
    let digest = parsed.digest_of(&[&pdf[..contents_at], &pdf[contents_end..signed_end]]);
    let digest_matches = parsed.digest_matches(&digest);
    let signature_valid = digest_matches && parsed.signature_verifies()?;
    let (not_before, not_after) = cms::validity(&parsed.signer);
    let tbs = &parsed.signer.tbs_certificate;
    Ok(VerifyReport {
        signature_valid,
        digest_matches,
        covers_whole_file: signed_end == pdf.len(),
        appended_bytes: (pdf.len() - signed_end) as u64,
        byte_range: last.byte_range,
        signature_count: signatures.len(),
        sub_filter: last.name(b"SubFilter"),
        signer_subject: tbs.subject.to_string(),
        signer_common_name: cms::common_name(&tbs.subject),
        issuer_subject: tbs.issuer.to_string(),
        certificate_not_before: not_before,
        certificate_not_after: not_after,
        signing_time: last
            .text(b"M")
            .as_deref()
            .and_then(parse_pdf_date)
            .or(parsed.signing_time),
        signer_name: last.text(b"Name"),
        reason: last.text(b"Reason"),
        location: last.text(b"Location"),
        certificates: parsed.certificates.clone(),
        signer: parsed.signer,
    })
}

/// The ranges of `sig` as offsets into `pdf`, `(contents_at, contents_end, signed_end)`, after
/// checking that they start the file, stay inside it, and that the hole between them is the
/// `<hex>` of this dictionary's `/Contents` — so the digest covers every byte but the
/// signature itself.
fn checked_ranges(pdf: &[u8], sig: &Signature<'_>) -> Result<(usize, usize, usize), SignError> {
    let bad = || invalid("/ByteRange tidak valid");
    let to_usize = |v: u64| usize::try_from(v).map_err(|_| bad());
    let [start, contents_at, contents_end, tail] = sig.byte_range;
    let (contents_at, contents_end, tail) = (to_usize(contents_at)?, to_usize(contents_end)?, to_usize(tail)?);
    let signed_end = contents_end.checked_add(tail).ok_or_else(bad)?;
    if start != 0
        || contents_end < contents_at.saturating_add(2)
        || signed_end > pdf.len()
        || pdf[contents_at] != b'<'
        || pdf[contents_end - 1] != b'>'
    {
        return Err(bad());
    }
    let hole = hex::decode(&pdf[contents_at + 1..contents_end - 1])
        .map_err(|_| invalid("/Contents bukan string heksadesimal"))?;
    if hole != sig.contents {
        return Err(invalid("celah /ByteRange bukan /Contents tanda tangan ini"));
    }
    Ok((contents_at, contents_end, signed_end))
}

/// Every signature dictionary of the document holding a `/ByteRange` and `/Contents`: the
/// values of the signature fields, and objects typed `/Sig`. Each once, in object order.
fn signatures(doc: &Document) -> Vec<Signature<'_>> {
    let mut ids: BTreeSet<ObjectId> = BTreeSet::new();
    let mut inline: Vec<&Dictionary> = Vec::new();
    if let Some(fields) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get_deref(b"AcroForm", doc).ok())
        .and_then(|f| f.as_dict().ok())
        .and_then(|f| f.get_deref(b"Fields", doc).ok())
        .and_then(|f| f.as_array().ok())
    {
        for field in fields {
            collect_fields(doc, field, 0, &mut ids, &mut inline);
        }
    }
    for (id, object) in &doc.objects {
        if object.as_dict().is_ok_and(|d| d.has_type(b"Sig")) {
            ids.insert(*id);
        }
    }
    ids.iter()
        .filter_map(|id| doc.get_dictionary(*id).ok())
        .chain(inline)
        .filter_map(|dict| signature(doc, dict))
        .collect()
}

/// Adds the signature value of `field`, and of its `/Kids`, to `ids` (or `inline` when the
/// value is a direct dictionary). Depth-limited: a field tree that loops is not followed.
fn collect_fields<'a>(
    doc: &'a Document,
    field: &'a Object,
    depth: usize,
    ids: &mut BTreeSet<ObjectId>,
    inline: &mut Vec<&'a Dictionary>,
) {
    let Some(dict) = doc.dereference(field).ok().and_then(|(_, o)| o.as_dict().ok()) else {
        return;
    };
    if dict.get(b"FT").and_then(Object::as_name).ok() == Some(b"Sig".as_slice()) {
        match dict.get(b"V") {
            Ok(Object::Reference(id)) => {
                ids.insert(*id);
            }
            Ok(Object::Dictionary(value)) => inline.push(value),
            _ => {}
        }
    }
    if depth < 16
        && let Ok(kids) = dict.get_deref(b"Kids", doc).and_then(Object::as_array)
    {
        for kid in kids {
            collect_fields(doc, kid, depth + 1, ids, inline);
        }
    }
}

fn signature<'a>(doc: &'a Document, dict: &'a Dictionary) -> Option<Signature<'a>> {
    let numbers: Vec<u64> = dict
        .get_deref(b"ByteRange", doc)
        .and_then(Object::as_array)
        .ok()?
        .iter()
        .map(|n| n.as_i64().ok().and_then(|n| u64::try_from(n).ok()))
        .collect::<Option<_>>()?;
    let contents = dict.get_deref(b"Contents", doc).and_then(Object::as_str).ok()?;
    Some(Signature {
        dict,
        byte_range: numbers.try_into().ok()?,
        contents,
    })
}

/// Parses a PDF date (`D:` and everything after the year optional; offset `Z`, `+HH'mm'` or
/// `-HH'mm'`).
pub(super) fn parse_pdf_date(text: &str) -> Option<DateTime<Utc>> {
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

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use lopdf::{Stream, dictionary};

    use super::super::pdf::pdf_date;
    use super::super::{LocalSigner, SignRequest, SignedPdf, demo_office_ca};
    use super::*;

    const SIGNER: &str = "dr. Siti Rahmawati, M.Kes.";
    const HEADLINE: &[u8] = b"SURAT IZIN PRAKTIK";

    fn signer() -> &'static LocalSigner {
        static SIGNER_CELL: OnceLock<LocalSigner> = OnceLock::new();
        SIGNER_CELL.get_or_init(|| {
            demo_office_ca("DPMPTSP Kota Cilegon", SIGNER)
                .and_then(|pki| pki.local_signer())
                .unwrap()
        })
    }

    /// A one-page PDF with a classic xref table and an uncompressed content stream.
    fn sample_pdf() -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let pages_id = doc.new_object_id();
        let mut content = b"BT /F1 14 Tf 72 760 Td (".to_vec();
        content.extend_from_slice(HEADLINE);
        content.extend_from_slice(b") Tj ET");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1}),
        );
        let catalog_id = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn signed_at(time: DateTime<Utc>) -> SignedPdf {
        let req = SignRequest {
            signer_name: SIGNER,
            reason: "Penerbitan izin",
            location: "Cilegon",
            signing_time: time,
            rect: None,
            page: 1,
        };
        signer().sign_pdf(&sample_pdf(), &req).unwrap()
    }

    /// `bytes` with the `/ByteRange` array replaced by `range` (padded, so no offset moves).
    fn with_byte_range(bytes: &[u8], range: [u64; 4]) -> Vec<u8> {
        let key = bytes.windows(11).position(|w| w == b"/ByteRange ").unwrap() + 11;
        let end = key + bytes[key..].iter().position(|&b| b == b']').unwrap() + 1;
        let text = format!("[{} {} {} {}]", range[0], range[1], range[2], range[3]);
        assert!(text.len() <= end - key);
        let mut out = bytes.to_vec();
        out[key..end].fill(b' ');
        out[key..key + text.len()].copy_from_slice(text.as_bytes());
        out
    }

    #[test]
    fn a_pdf_signed_here_verifies_with_its_signer_and_time() {
        let time = Utc.with_ymd_and_hms(2026, 3, 9, 7, 5, 1).unwrap();
        let signed = signed_at(time);
        let report = verify_embedded(&signed.bytes).unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert!(report.digest_matches && report.covers_whole_file);
        assert_eq!(report.appended_bytes, 0);
        assert_eq!(report.signature_count, 1);
        assert_eq!(report.signer_name.as_deref(), Some(SIGNER));
        assert_eq!(report.signing_time, Some(time));
        assert_eq!(report.reason.as_deref(), Some("Penerbitan izin"));
        assert_eq!(report.location.as_deref(), Some("Cilegon"));
        assert_eq!(report.sub_filter.as_deref(), Some("ETSI.CAdES.detached"));
        assert_eq!(report.byte_range[0], 0);
        assert_eq!(report.byte_range[2] + report.byte_range[3], signed.bytes.len() as u64);
    }

    #[test]
    fn a_byte_changed_after_signing_is_refused() {
        let signed = signed_at(Utc::now());
        let mut tampered = signed.bytes.clone();
        let at = tampered.windows(HEADLINE.len()).position(|w| w == HEADLINE).unwrap();
        tampered[at] ^= 0x01;
        let report = verify_embedded(&tampered).unwrap();
        assert!(!report.digest_matches);
        assert!(!report.signature_valid);
        assert!(!report.is_intact());
    }

    #[test]
    fn a_byte_range_that_does_not_cover_the_file_is_refused() {
        let signed = signed_at(Utc::now());
        let [_, a, b, c] = verify_embedded(&signed.bytes).unwrap().byte_range;

        let mut appended = signed.bytes.clone();
        appended.extend_from_slice(b"% ditambahkan\n");
        let report = verify_embedded(&appended).unwrap();
        assert!(report.signature_valid, "the signed ranges themselves are unchanged");
        assert!(!report.covers_whole_file && !report.is_intact());
        assert_eq!(report.appended_bytes, 14);

        let short = with_byte_range(&signed.bytes, [0, a, b, c - 100]);
        let report = verify_embedded(&short).unwrap();
        assert!(!report.covers_whole_file && !report.is_intact());

        for (range, why) in [
            ([0, a - 10, b, c], "the hole starts before /Contents"),
            ([0, a, b + 10, c - 10], "the hole ends after /Contents"),
            ([5, a, b, c], "the first range does not start the file"),
            ([0, a, b, c + 1], "past the end of the file"),
        ] {
            let bytes = with_byte_range(&signed.bytes, range);
            assert!(matches!(verify_embedded(&bytes), Err(SignError::Pdf(_))), "{why}");
        }
    }

    #[test]
    fn the_hole_must_hold_this_dictionarys_contents() {
        let pdf = b"%PDF<00ff>tail";
        let dict = Dictionary::new();
        let sig = |contents: &'static [u8], byte_range| Signature {
            dict: &dict,
            byte_range,
            contents,
        };
        assert_eq!(
            checked_ranges(pdf, &sig(&[0x00, 0xff], [0, 4, 10, 4])).ok(),
            Some((4, 10, 14))
        );
        assert!(
            checked_ranges(pdf, &sig(&[0x12], [0, 4, 10, 4])).is_err(),
            "a hole holding another string than /Contents"
        );
        assert!(
            checked_ranges(pdf, &sig(&[0x00, 0xff], [0, 4, 10, 3])).is_ok(),
            "short: reported, not refused"
        );
        assert!(checked_ranges(pdf, &sig(&[0x00, 0xff], [0, 4, 10, 5])).is_err());
        assert!(checked_ranges(pdf, &sig(&[0x00, 0xff], [0, 10, 4, 4])).is_err());
        assert!(checked_ranges(pdf, &sig(&[], [0, 4, u64::MAX, 4])).is_err());
    }

    #[test]
    fn an_unsigned_pdf_has_no_signature() {
        assert!(matches!(verify_embedded(&sample_pdf()), Err(SignError::NotSigned)));
        assert!(matches!(verify_embedded(b"not a pdf"), Err(SignError::Pdf(_))));
    }

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
}
