//! PAdES signing as a hospital would check it: poppler's `pdfsig` (with and without the office
//! CA in an NSS database), `qpdf --check`, and our own `verify_embedded`; the PKCS#12 import;
//! the BSrE adapter against a local fake of its HTTP API.
//!
//! Needs `pdfsig`, `certutil` and `qpdf` (Debian: poppler-utils, libnss3-tools, qpdf). Without
//! them the tests that need them are skipped locally and fail when `CI` is set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    clippy::needless_pass_by_value,
    reason = "test code: a failed unwrap is a failed test, and a test reads top to bottom"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use base64ct::{Base64, Encoding};
use chrono::Utc;
use izinkes_documents::sign::{
    BsreSigner, DemoPki, LocalSigner, SignError, SignRequest, demo_office_ca, prepare, sign_pdf, verify_embedded,
};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

const OFFICE: &str = "DPMPTSP Kota Cilegon";
const SIGNER: &str = "dr. Siti Rahmawati, M.Kes.";
const HEADLINE: &[u8] = b"SURAT IZIN PRAKTIK DOKTER";

fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| demo_office_ca(OFFICE, SIGNER).expect("demo PKI"))
}

fn local() -> &'static LocalSigner {
    static SIGNER: OnceLock<LocalSigner> = OnceLock::new();
    SIGNER.get_or_init(|| pki().local_signer().expect("local signer"))
}

fn request(rect: Option<[f32; 4]>) -> SignRequest<'static> {
    SignRequest {
        signer_name: SIGNER,
        reason: "Penerbitan Surat Izin Praktik",
        location: "Cilegon",
        signing_time: Utc::now(),
        rect,
        page: 1,
    }
}

/// A one-page A4 PDF; `xref_stream` saves it with object streams and an xref stream, the way
/// typst writes its output.
fn sample_pdf(xref_stream: bool) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    if !xref_stream {
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    }
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica"});
    let resources_id = doc.add_object(dictionary! {"Font" => dictionary! {"F1" => font_id}});
    let content = Content {
        operations: vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 14.into()]),
            Operation::new("Td", vec![72.into(), 760.into()]),
            Operation::new("Tj", vec![Object::string_literal(HEADLINE)]),
            Operation::new("ET", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1}),
    );
    let catalog_id = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    if xref_stream {
        doc.save_modern(&mut out).unwrap();
    } else {
        doc.save_to(&mut out).unwrap();
    }
    out
}

fn last_xref_is_stream(pdf: &[u8]) -> bool {
    let at = pdf.windows(9).rposition(|w| w == b"startxref").unwrap();
    let offset: usize = std::str::from_utf8(&pdf[at + 9..])
        .unwrap()
        .split_ascii_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    !pdf[offset..].starts_with(b"xref")
}

/// Whether `tool` can run; missing is a failure under CI and a skip elsewhere.
fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-h").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing under CI: apt-get install poppler-utils libnss3-tools qpdf"
        );
        eprintln!("{tool} not installed; skipping");
    }
    found
}

fn have_tools() -> bool {
    ["pdfsig", "qpdf", "certutil"].iter().all(|tool| have(tool))
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("tool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn pdfsig(file: &Path, nss_dir: Option<&Path>) -> String {
    let mut command = Command::new("pdfsig");
    if let Some(dir) = nss_dir {
        command.arg("-nssdir").arg(format!("sql:{}", dir.display()));
    }
    let (_, text) = run(command.arg(file));
    println!("pdfsig {}:\n{text}", file.display());
    text
}

fn qpdf_check(file: &Path) {
    let (ok, text) = run(Command::new("qpdf").arg("--check").arg(file));
    assert!(ok, "qpdf --check failed:\n{text}");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn nss_with_office_ca(dir: &Path) -> std::path::PathBuf {
    let nss = dir.join("nss");
    std::fs::create_dir_all(&nss).unwrap();
    let db = format!("sql:{}", nss.display());
    let (ok, text) = run(Command::new("certutil").args(["-N", "-d", &db, "--empty-password"]));
    assert!(ok, "{text}");
    let ca = write(dir, "ca.pem", pki().ca_cert_pem.as_bytes());
    // Trusted as a CA for S/MIME too ("C,C,"): pdfsig checks the signer for the email-signer
    // usage, so the SSL-only "C,," leaves it "Certificate issuer isn't Trusted.".
    let (ok, text) = run(Command::new("certutil")
        .args(["-A", "-d", &db, "-n", "office-ca", "-t", "C,C,", "-i"])
        .arg(&ca));
    assert!(ok, "{text}");
    nss
}

fn assert_valid_whole(text: &str) {
    assert!(text.contains("Signature Validation: Signature is Valid."), "{text}");
    assert!(text.contains("Total document signed"), "{text}");
    assert!(text.contains(SIGNER), "{text}");
}

#[test]
fn classic_xref_pdf_signed_visibly_verifies_with_pdfsig_qpdf_and_verify_embedded() {
    let original = sample_pdf(false);
    assert!(!last_xref_is_stream(&original));
    let signed = local()
        .sign_pdf(&original, &request(Some([380.0, 60.0, 540.0, 160.0])))
        .unwrap();

    assert!(signed.bytes.starts_with(&original), "the rendered bytes stay identical");
    assert!(!last_xref_is_stream(&signed.bytes));
    let report = verify_embedded(&signed.bytes).unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.signature_count, 1);
    assert_eq!(report.signer_common_name.as_deref(), Some(SIGNER));
    assert_eq!(report.sub_filter.as_deref(), Some("ETSI.CAdES.detached"));
    assert_eq!(report.reason.as_deref(), Some("Penerbitan Surat Izin Praktik"));
    assert_eq!(report.location.as_deref(), Some("Cilegon"));
    assert!(report.signing_time.is_some_and(|t| (Utc::now() - t).num_minutes() < 5));
    assert!(report.is_issued_by(&pki().ca_cert_pem).unwrap());

    if !have_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "sip.pdf", &signed.bytes);
    let text = pdfsig(&file, None);
    assert_valid_whole(&text);
    assert!(text.contains("Signature Type: ETSI.CAdES.detached"), "{text}");
    qpdf_check(&file);
}

#[test]
fn xref_stream_pdf_gets_an_xref_stream_update_that_verifies() {
    let original = sample_pdf(true);
    assert!(last_xref_is_stream(&original), "the sample must look like typst output");
    let signed = local().sign_pdf(&original, &request(None)).unwrap();

    assert!(signed.bytes.starts_with(&original));
    assert!(last_xref_is_stream(&signed.bytes));
    assert!(verify_embedded(&signed.bytes).unwrap().is_intact());

    if !have_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "sip.pdf", &signed.bytes);
    assert_valid_whole(&pdfsig(&file, None));
    qpdf_check(&file);
}

#[test]
fn typst_rendered_sk_signed_over_its_signature_area_verifies() {
    use izinkes_documents::render::{Signer, SkData, render_sk_with_signature};
    let sk = SkData {
        number: "503/0001/SIP-DRSP/DPMPTSP/2026".into(),
        title: "SURAT IZIN PRAKTIK DOKTER".into(),
        holder_name: "dr. Andi Wijaya".into(),
        place_and_date: "Cilegon, 22 November 2026".into(),
        signer: Signer {
            name: SIGNER.into(),
            position: "KEPALA DINAS".into(),
            nip: None,
        },
        verify_url: "https://izinkes.example/v/abc".into(),
        ..SkData::default()
    };
    let (pdf, placement) = render_sk_with_signature(&sk).unwrap();
    let req = SignRequest {
        rect: Some(placement.rect),
        page: placement.page,
        ..request(None)
    };
    let signed = local().sign_pdf(&pdf, &req).unwrap();
    assert!(signed.bytes.starts_with(&pdf));
    assert_eq!(last_xref_is_stream(&signed.bytes), last_xref_is_stream(&pdf));
    assert!(verify_embedded(&signed.bytes).unwrap().is_intact());

    if !have_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "sk.pdf", &signed.bytes);
    assert_valid_whole(&pdfsig(&file, None));
    qpdf_check(&file);
}

#[test]
fn office_ca_imported_into_nss_makes_the_certificate_trusted() {
    let signed = local()
        .sign_pdf(&sample_pdf(true), &request(Some([380.0, 60.0, 540.0, 160.0])))
        .unwrap();
    let report = verify_embedded(&signed.bytes).unwrap();
    assert!(report.is_issued_by(&pki().ca_cert_pem).unwrap());
    // Any certificate that did not issue it, here the signer's own, is not its CA.
    assert!(!report.is_issued_by(&pki().signer_cert_pem).unwrap());

    if !have_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "sip.pdf", &signed.bytes);
    let untrusted = pdfsig(&file, None);
    assert!(!untrusted.contains("Certificate is Trusted."), "{untrusted}");
    let nss = nss_with_office_ca(dir.path());
    let trusted = pdfsig(&file, Some(&nss));
    assert_valid_whole(&trusted);
    assert!(
        trusted.contains("Certificate Validation: Certificate is Trusted."),
        "{trusted}"
    );
}

#[test]
fn one_flipped_byte_inside_the_signed_range_is_reported_as_modified() {
    let signed = local().sign_pdf(&sample_pdf(false), &request(None)).unwrap();
    let mut tampered = signed.bytes.clone();
    let at = tampered.windows(HEADLINE.len()).position(|w| w == HEADLINE).unwrap();
    let report = verify_embedded(&signed.bytes).unwrap();
    assert!(
        (at as u64) < report.byte_range[1],
        "the flipped byte is inside the first signed range"
    );
    tampered[at] ^= 0x01;

    let report = verify_embedded(&tampered).unwrap();
    assert!(!report.digest_matches);
    assert!(!report.signature_valid);
    assert!(!report.is_intact());

    if !have_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "tampered.pdf", &tampered);
    let text = pdfsig(&file, None);
    assert!(!text.contains("Signature is Valid."), "{text}");
    assert!(text.contains("Digest Mismatch"), "{text}");
}

#[test]
fn bytes_appended_after_signing_are_reported() {
    let signed = local().sign_pdf(&sample_pdf(false), &request(None)).unwrap();
    let mut appended = signed.bytes.clone();
    appended.extend_from_slice(b"% ditambahkan setelah ditandatangani\n");
    let report = verify_embedded(&appended).unwrap();
    assert!(report.signature_valid);
    assert!(!report.covers_whole_file);
    assert_eq!(report.appended_bytes, 37);
    assert!(!report.is_intact());
}

#[test]
fn a_second_signature_keeps_the_first_one_valid() {
    let once = local()
        .sign_pdf(&sample_pdf(true), &request(Some([380.0, 60.0, 540.0, 160.0])))
        .unwrap();
    let twice = local()
        .sign_pdf(&once.bytes, &request(Some([40.0, 60.0, 200.0, 160.0])))
        .unwrap();
    let report = verify_embedded(&twice.bytes).unwrap();
    assert!(report.is_intact());
    assert_eq!(report.signature_count, 2);

    if !have_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "twice.pdf", &twice.bytes);
    let text = pdfsig(&file, None);
    assert!(text.contains("Signature #2"), "{text}");
    assert_eq!(text.matches("Signature is Valid.").count(), 2, "{text}");
    qpdf_check(&file);
}

#[test]
fn pkcs12_round_trip_signs_a_valid_pdf() {
    let p12 = pki().to_pkcs12("sandi-p12").unwrap();
    assert!(matches!(
        LocalSigner::from_pkcs12(&p12, "salah"),
        Err(SignError::WrongPassphrase)
    ));
    let imported = LocalSigner::from_pkcs12(&p12, "sandi-p12").unwrap();
    assert_eq!(imported.signer_subject(), local().signer_subject());
    assert_eq!(imported.certificate_chain_pem().unwrap(), pki().signer_chain_pem());
    let signed = imported.sign_pdf(&sample_pdf(false), &request(None)).unwrap();
    assert!(verify_embedded(&signed.bytes).unwrap().is_intact());

    if !have_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p12.pdf", &signed.bytes);
    assert_valid_whole(&pdfsig(&file, None));
}

#[test]
fn a_key_without_its_certificate_is_refused() {
    let result = LocalSigner::from_pem(&pki().signer_cert_pem, &pki().ca_key_pem);
    assert!(matches!(result, Err(SignError::Certificate(_))), "{result:?}");
}

#[test]
fn an_unsigned_pdf_has_no_signature() {
    assert!(matches!(verify_embedded(&sample_pdf(false)), Err(SignError::NotSigned)));
}

#[test]
fn finish_refuses_a_cms_made_for_another_document() {
    let first = prepare(&sample_pdf(false), &request(None)).unwrap();
    let second = prepare(&sample_pdf(true), &request(None)).unwrap();
    assert_ne!(first.digest(), second.digest());
    let cms = local().cms_for_digest(&first.digest()).unwrap();
    assert!(matches!(second.finish(&cms), Err(SignError::Crypto(_))));
    assert!(first.finish(&cms).is_ok());
}

#[test]
fn sha256_is_the_hash_of_the_whole_signed_file() {
    use sha2::Digest;
    let signed = local().sign_pdf(&sample_pdf(false), &request(None)).unwrap();
    assert_eq!(signed.sha256, hex::encode(sha2::Sha256::digest(&signed.bytes)));
}

// --- BSrE adapter against a local fake of its API ------------------------------------------

const NIK: &str = "3672010101800001";
const PASSPHRASE: &str = "passphrase-kadis";
const CLIENT: (&str, &str) = ("dpmptsp-cilegon", "klien-rahasia");

/// A tiny HTTP/1.1 server implementing `POST /api/v2/sign/hash` by signing with the demo
/// certificate, with BSrE-style errors. Returns its base URL.
fn fake_bsre() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    url
}

fn serve(stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    let mut length = 0;
    let mut authorization = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap(),
            "authorization" => authorization = value.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let (status, reply) = answer(&request_line, &authorization, &body);
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    )
    .unwrap();
}

fn answer(request_line: &str, authorization: &str, body: &[u8]) -> (u16, String) {
    if !request_line.starts_with("POST /api/v2/sign/hash ") {
        return (404, r#"{"error":"not found"}"#.into());
    }
    let expected = format!(
        "Basic {}",
        Base64::encode_string(format!("{}:{}", CLIENT.0, CLIENT.1).as_bytes())
    );
    if authorization != expected {
        return (401, r#"{"error":"Unauthorized client"}"#.into());
    }
    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(json["signatureType"], "PAdES");
    match (json["nik"].as_str().unwrap(), json["passphrase"].as_str().unwrap()) {
        ("0000000000000500", _) => (500, "<html>Internal Server Error</html>".into()),
        (nik, _) if nik != NIK => (
            400,
            format!(r#"{{"status_code":2021,"error":"NIK {nik} Tidak Terdaftar","message":"Gagal"}}"#),
        ),
        (_, passphrase) if passphrase != PASSPHRASE => {
            (400, r#"{"status_code":2031,"error":"Passphrase anda salah"}"#.into())
        }
        _ => {
            let hash = Base64::decode_vec(json["hash"][0].as_str().unwrap()).unwrap();
            let cms = local().cms_for_digest(&hash.try_into().unwrap()).unwrap();
            (
                200,
                serde_json::json!({ "signatures": [Base64::encode_string(&cms)] }).to_string(),
            )
        }
    }
}

fn bsre(url: &str, nik: &str, passphrase: &str) -> BsreSigner {
    BsreSigner::new(url, nik.into(), passphrase.into())
        .unwrap()
        .with_client_credentials(CLIENT.0, CLIENT.1.into())
}

#[tokio::test]
async fn bsre_signature_from_the_fake_service_verifies() {
    let url = fake_bsre();
    let signer = bsre(&url, NIK, PASSPHRASE);
    let signed = sign_pdf(&sample_pdf(true), &request(Some([380.0, 60.0, 540.0, 160.0])), &signer)
        .await
        .unwrap();
    assert!(verify_embedded(&signed.bytes).unwrap().is_intact());

    if !have_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "bsre.pdf", &signed.bytes);
    assert_valid_whole(&pdfsig(&file, None));
    qpdf_check(&file);
}

#[tokio::test]
async fn bsre_errors_map_to_clear_messages() {
    let url = fake_bsre();
    let pdf = sample_pdf(false);
    let req = request(None);

    let wrong = sign_pdf(&pdf, &req, &bsre(&url, NIK, "bukan-ini")).await.unwrap_err();
    assert!(matches!(wrong, SignError::WrongPassphrase), "{wrong:?}");
    assert_eq!(wrong.to_string(), "Passphrase salah.");

    let unknown = sign_pdf(&pdf, &req, &bsre(&url, "3672019999999999", PASSPHRASE))
        .await
        .unwrap_err();
    assert!(matches!(unknown, SignError::NotRegistered), "{unknown:?}");
    assert_eq!(unknown.to_string(), "NIK penandatangan tidak terdaftar di BSrE.");

    let broken = sign_pdf(&pdf, &req, &bsre(&url, "0000000000000500", PASSPHRASE))
        .await
        .unwrap_err();
    assert!(matches!(broken, SignError::Unavailable(_)), "{broken:?}");

    let unauthorised = BsreSigner::new(&url, NIK.into(), PASSPHRASE.into()).unwrap();
    let refused = sign_pdf(&pdf, &req, &unauthorised).await.unwrap_err();
    assert!(
        matches!(&refused, SignError::Unavailable(m) if m.contains("401")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn bsre_down_is_unavailable() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let signer = bsre(&format!("http://127.0.0.1:{port}"), NIK, PASSPHRASE);
    let error = sign_pdf(&sample_pdf(false), &request(None), &signer).await.unwrap_err();
    assert!(matches!(error, SignError::Unavailable(_)), "{error:?}");
    assert!(!error.to_string().contains(PASSPHRASE));
}

#[test]
fn bsre_signer_debug_hides_nik_and_passphrase() {
    let debug = format!("{:?}", bsre("http://127.0.0.1:9", NIK, PASSPHRASE));
    assert!(
        !debug.contains(NIK) && !debug.contains(PASSPHRASE) && !debug.contains(CLIENT.1),
        "{debug}"
    );
}
