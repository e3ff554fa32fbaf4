//! Screening of uploaded files beyond their format: a PDF that would run something when opened
//! (JavaScript, a launched program, an embedded file, a form that submits itself), a PDF that is
//! also a web page, an image whose header claims a picture too large to open, and the EICAR test
//! string of antivirus scanners. An office opens these files on its own computers; a real office
//! would rather ask for a clean copy than open such a file.
//!
//! A PDF's objects may be compressed (object streams): every Flate-compressed stream is inflated
//! (up to a bound, so a compression bomb is refused too) and searched as well. Names are compared
//! after decoding `#xx` escapes, so `/J#61vaScript` is `/JavaScript`.

use flate2::read::ZlibDecoder;
use std::io::Read;

/// Names of PDF actions and objects that make a document active.
const ACTIVE_NAMES: [(&str, &str); 10] = [
    ("JavaScript", "JavaScript"),
    ("JS", "JavaScript"),
    ("Launch", "perintah menjalankan program (Launch)"),
    ("EmbeddedFile", "berkas tersemat"),
    ("EmbeddedFiles", "berkas tersemat"),
    ("RichMedia", "media aktif (RichMedia)"),
    ("SubmitForm", "formulir yang mengirim data"),
    ("ImportData", "impor data"),
    ("GoToR", "tautan ke berkas lain"),
    ("GoToE", "tautan ke berkas tersemat"),
];

/// The most a PDF's streams may inflate to in all (a compression bomb is refused).
const MAX_INFLATED: u64 = 64 * 1024 * 1024;

/// The largest picture accepted: 50 megapixels, at most 20,000 pixels a side (a scan of an A4
/// page at 600 dpi is about 35 megapixels).
const MAX_PIXELS: u64 = 50_000_000;
const MAX_SIDE: usize = 20_000;

const EICAR: &[u8] = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE";

/// Why the file is refused, in Bahasa Indonesia, if it is.
pub fn refusal(bytes: &[u8], is_pdf: bool) -> Option<String> {
    if contains(bytes, EICAR) {
        return Some("Berkas ini terdeteksi sebagai berkas uji antivirus (EICAR) dan tidak diterima.".into());
    }
    if is_pdf {
        pdf_refusal(bytes, MAX_INFLATED)
    } else {
        image_refusal(bytes)
    }
}

fn pdf_refusal(bytes: &[u8], max_inflated: u64) -> Option<String> {
    let lower: Vec<u8> = bytes.iter().take(1 << 20).map(u8::to_ascii_lowercase).collect();
    if [&b"<script"[..], b"<html", b"<svg", b"<iframe"]
        .iter()
        .any(|t| contains(&lower, t))
    {
        return Some(
            "Berkas ini PDF sekaligus halaman web (berisi kode HTML) dan tidak diterima. Simpan ulang sebagai PDF biasa, \
             lalu unggah kembali."
                .into(),
        );
    }
    let mut budget = max_inflated;
    // Raw stream data (pictures, fonts) is binary: a short name like /JS turns up in it by chance.
    let mut found = active_name(&outside_streams(bytes));
    for (stream, flate) in streams(bytes) {
        if found.is_some() {
            break;
        }
        if !flate {
            found = active_name(stream);
            continue;
        }
        match inflate(stream, &mut budget) {
            Some(plain) => found = active_name(&plain),
            None => {
                return Some(
                    "Berkas PDF ini mengembang terlalu besar saat dibuka (bom kompresi) dan tidak diterima.".into(),
                );
            }
        }
    }
    found.map(|what| {
        format!(
            "Berkas PDF ini berisi {what} yang dapat berjalan saat dibuka, sehingga tidak diterima demi keamanan. \
             Cetak ulang dokumen ke PDF (Print to PDF) atau pindai ulang, lalu unggah kembali."
        )
    })
}

fn image_refusal(bytes: &[u8]) -> Option<String> {
    let size = imagesize::blob_size(bytes).ok()?;
    let pixels = (size.width as u64).saturating_mul(size.height as u64);
    (size.width > MAX_SIDE || size.height > MAX_SIDE || pixels > MAX_PIXELS).then(|| {
        format!(
            "Gambar {} × {} piksel terlalu besar untuk dibuka. Perkecil gambar (misalnya pindai pada 300 dpi), lalu \
             unggah kembali.",
            size.width, size.height
        )
    })
}

/// The first active name in `bytes`, as the message names it.
fn active_name(bytes: &[u8]) -> Option<&'static str> {
    let mut i = 0;
    while let Some(off) = bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'/')) {
        let start = i + off + 1;
        let end = bytes[start..]
            .iter()
            .position(|&b| is_delimiter(b))
            .map_or(bytes.len(), |p| start + p);
        let name = decode_name(&bytes[start..end]);
        if let Some((_, what)) = ACTIVE_NAMES.iter().find(|(n, _)| n.as_bytes() == name.as_slice()) {
            return Some(what);
        }
        i = end.max(start);
    }
    None
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"/<>[](){}%".contains(&b) || b == 0
}

/// A PDF name with its `#xx` escapes decoded.
fn decode_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#'
            && let Some(v) = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// The data of the streams that may hold objects: Flate-compressed ones (`true`: to inflate) and
/// unfiltered ones (`false`); pictures and other filters are left out.
fn streams(bytes: &[u8]) -> Vec<(&[u8], bool)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = find(&bytes[from..], b"stream") {
        let kw = from + pos;
        // The stream's own dictionary: from its object's "obj" keyword (within 4 KB).
        let window = kw.saturating_sub(4096);
        let dict_start = rfind(&bytes[window..kw], b"obj").map_or(window, |p| window + p);
        let dict = &bytes[dict_start..kw];
        // Pictures cannot run anything and are the bulk of a scan: not searched.
        let picture = contains(dict, b"/Image");
        let flate = contains(dict, b"FlateDecode") || contains(dict, b"/Fl");
        let plain = !contains(dict, b"/Filter");
        let mut data = kw + b"stream".len();
        if bytes.get(data) == Some(&b'\r') {
            data += 1;
        }
        if bytes.get(data) == Some(&b'\n') {
            data += 1;
        }
        let Some(end) = find(&bytes[data..], b"endstream").map(|p| data + p) else {
            break;
        };
        // "endstream" itself contains "stream": skip past it.
        if kw >= 3 && &bytes[kw - 3..kw] == b"end" {
            from = kw + b"stream".len();
            continue;
        }
        if !picture && (flate || plain) {
            out.push((&bytes[data..end], flate));
        }
        from = end + b"endstream".len();
    }
    out
}

/// The document without the data of its streams: its objects' dictionaries and the rest.
fn outside_streams(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len().min(1 << 20));
    let mut from = 0;
    while let Some(pos) = find(&bytes[from..], b"stream") {
        let kw = from + pos;
        if kw >= 3 && &bytes[kw - 3..kw] == b"end" {
            out.extend_from_slice(&bytes[from..kw + b"stream".len()]);
            from = kw + b"stream".len();
            continue;
        }
        out.extend_from_slice(&bytes[from..kw]);
        match find(&bytes[kw..], b"endstream") {
            Some(p) => from = kw + p + b"endstream".len(),
            None => return out,
        }
    }
    out.extend_from_slice(&bytes[from..]);
    out
}

/// Inflates a stream within the remaining budget; None when the budget runs out.
fn inflate(data: &[u8], budget: &mut u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut reader = ZlibDecoder::new(data).take(*budget + 1);
    // A damaged stream is not our concern here: what could be read is searched.
    let _ = reader.read_to_end(&mut out);
    let used = out.len() as u64;
    if used > *budget {
        return None;
    }
    *budget -= used;
    Some(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use std::io::Write;

    fn pdf(body: &str) -> Vec<u8> {
        format!("%PDF-1.7\n1 0 obj\n{body}\nendobj\nxref\n0 1\nstartxref\n9\n%%EOF\n").into_bytes()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
        e.write_all(data).expect("write");
        e.finish().expect("finish")
    }

    #[test]
    fn a_plain_pdf_and_its_links_pass() {
        assert_eq!(
            refusal(&pdf("<< /Type /Catalog /OpenAction [3 0 R /Fit] >>"), true),
            None
        );
        assert_eq!(
            refusal(&pdf("<< /A << /S /URI /URI (https://oss.go.id) >> >>"), true),
            None
        );
        assert_eq!(
            refusal(&pdf("<< /JSONData 1 /Launcher 2 >>"), true),
            None,
            "whole names only"
        );
    }

    #[test]
    fn active_content_is_refused_also_escaped_or_compressed() {
        for body in [
            "<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            "<< /AA << /O << /S /Launch /F (cmd.exe) >> >> >>",
            "<< /Names << /EmbeddedFiles 5 0 R >> >>",
            "<< /S /J#61vaScript >>",
            "<< /S /SubmitForm /F (https://evil.example) >>",
        ] {
            let e = refusal(&pdf(body), true).unwrap_or_else(|| panic!("{body}"));
            assert!(e.contains("tidak diterima"), "{e}");
        }
        let hidden = zlib(b"5 0 obj << /S /JavaScript /JS (x) >> endobj");
        let mut doc = b"%PDF-1.7\n4 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length 9 >>\nstream\n".to_vec();
        doc.extend_from_slice(&hidden);
        doc.extend_from_slice(b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
        assert!(refusal(&doc, true).is_some_and(|e| e.contains("JavaScript")));
    }

    #[test]
    fn a_compression_bomb_and_a_pdf_web_page_are_refused() {
        // The bound scaled down (64 MB in use) so the test stays quick in a debug build.
        let bomb = zlib(&vec![0u8; 2 << 20]);
        let mut doc = b"%PDF-1.7\n4 0 obj\n<< /Filter /FlateDecode >>\nstream\n".to_vec();
        doc.extend_from_slice(&bomb);
        doc.extend_from_slice(b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
        assert!(pdf_refusal(&doc, 1 << 20).is_some_and(|e| e.contains("bom kompresi")));
        assert_eq!(
            pdf_refusal(&doc, 4 << 20),
            None,
            "within the bound it is only a large stream"
        );
        let polyglot = pdf("<< >>\n<html><script>alert(1)</script></html>");
        assert!(refusal(&polyglot, true).is_some_and(|e| e.contains("halaman web")));
    }

    #[test]
    fn pictures_too_large_to_open_and_the_eicar_string_are_refused() {
        // A PNG header claiming 100,000 × 100,000 pixels.
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(b"\x08\x02\x00\x00\x00\x00\x00\x00\x00");
        assert!(refusal(&png, false).is_some_and(|e| e.contains("100000 × 100000")));
        let eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
        assert!(refusal(eicar, true).is_some_and(|e| e.contains("EICAR")));
    }
}
