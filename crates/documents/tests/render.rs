//! The documents as a reader sees them: each PDF is rendered, its text extracted with `pdftotext`, its
//! first page rasterized with `pdftoppm` and its QR code decoded with `zbarimg`, and its fonts listed
//! with `pdffonts` (Debian: poppler-utils, zbar-tools). Without those tools a test says so and passes,
//! except under CI (env `CI` set), where a missing tool fails it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    clippy::needless_pass_by_value,
    reason = "test code: a failed unwrap is a failed test, and a test reads top to bottom"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use image::{GenericImageView, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use izinkes_documents::render::{
    BSRE_FOOTER, InspectionData, Letterhead, ReceiptData, RecommendationData, RenderError, Signer, SkData, SkLayout,
    qr_svg, render_inspection, render_receipt, render_recommendation, render_sk, render_sk_with_signature,
    render_with_template, sk_signature_rect,
};

// ── Fixtures ───────────────────────────────────────────────────────────────────────────────────────

/// A PNG emblem: a green shield with a gold star-like diamond, on a transparent background.
fn logo_png() -> Vec<u8> {
    let (w, h) = (180u32, 210u32);
    let img = RgbaImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32 - 0.5, y as f32 / h as f32);
        let half_width = if fy < 0.6 {
            0.46
        } else {
            0.46 * (1.0 - (fy - 0.6) / 0.4)
        };
        if fx.abs() > half_width || fy < 0.02 {
            return Rgba([0, 0, 0, 0]);
        }
        let (dx, dy) = (fx.abs(), (fy - 0.45).abs());
        if dx + dy < 0.2 || fx.abs() > half_width - 0.04 {
            Rgba([214, 170, 40, 255])
        } else {
            Rgba([20, 110, 60, 255])
        }
    });
    encode(&image::DynamicImage::ImageRgba8(img), ImageFormat::Png)
}

/// A JPEG pas foto: red background, a grey head-and-shoulders silhouette.
fn photo_jpg() -> Vec<u8> {
    let (w, h) = (300u32, 400u32);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 - 150.0, y as f32);
        let head = (fx / 62.0).powi(2) + ((fy - 150.0) / 80.0).powi(2) < 1.0;
        let body = fy > 250.0 && (fx / 130.0).powi(2) + ((fy - 400.0) / 150.0).powi(2) < 1.0;
        if head {
            Rgb([222, 184, 150])
        } else if body {
            Rgb([40, 40, 60])
        } else {
            Rgb([190, 30, 40])
        }
    });
    encode(&image::DynamicImage::ImageRgb8(img), ImageFormat::Jpeg)
}

fn encode(img: &image::DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode test image");
    out.into_inner()
}

fn letterhead() -> Letterhead {
    Letterhead {
        office_name: "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU".into(),
        government: "PEMERINTAH KABUPATEN JEMBRANA".into(),
        address: "Jalan Surapati No. 1, Negara, Jembrana, Bali 82212".into(),
        contact: "Telepon (0365) 41210 · Pos-el dpmptsp@jembranakab.go.id · dpmptsp.jembranakab.go.id".into(),
        logo_png: Some(logo_png()),
    }
}

fn signer() -> Signer {
    Signer {
        name: "I Komang Wiasa Sudirga, S.Sos., M.Si.".into(),
        position: "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Jembrana".into(),
        nip: Some("19700512 199503 1 004".into()),
    }
}

const VERIFY_URL: &str = "https://izinkes.jembranakab.go.id/v/Q7xk2P9mWc4tRz8L";

fn sk() -> SkData {
    SkData {
        letterhead: letterhead(),
        number: "503/0042/SIP-DRSP/DPMPTSP/2026".into(),
        title: "Surat Izin Praktik Dokter Spesialis".into(),
        layout: SkLayout::Decree,
        considerations: vec![
            "bahwa berdasarkan permohonan Saudara dr. Ni Kadek Ayu Lestari, Sp.A. tanggal 2 November 2026 \
             beserta persyaratannya, yang bersangkutan telah memenuhi persyaratan untuk diberikan Surat Izin \
             Praktik Dokter Spesialis;"
                .into(),
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan \
             Kepala Dinas tentang Pemberian Surat Izin Praktik Dokter Spesialis;"
                .into(),
        ],
        legal_basis: vec![
            "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan (Lembaran Negara Republik Indonesia Tahun \
             2023 Nomor 105, Tambahan Lembaran Negara Republik Indonesia Nomor 6887);"
                .into(),
            "Peraturan Pemerintah Nomor 28 Tahun 2024 tentang Peraturan Pelaksanaan Undang-Undang Nomor 17 \
             Tahun 2023 tentang Kesehatan;"
                .into(),
            "Peraturan Bupati Jembrana Nomor 12 Tahun 2022 tentang Pendelegasian Kewenangan Perizinan kepada \
             Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu;"
                .into(),
        ],
        holder_name: "dr. Ni Kadek Ayu Lestari, Sp.A.".into(),
        holder_birth: "Denpasar, 9 Maret 1987".into(),
        holder_address: "Jalan Ngurah Rai No. 17, Kelurahan Dauhwaru, Kecamatan Jembrana".into(),
        profession: "Dokter Spesialis Anak".into(),
        str_number: "3121100324123456".into(),
        practice_place: "RSUD Negara".into(),
        practice_address: "Jalan Wijaya Kusuma No. 17, Negara, Jembrana".into(),
        practice_days: "Senin – Jumat".into(),
        practice_hours: "08.00 – 14.00 WITA".into(),
        valid_from: "22 November 2026".into(),
        valid_until: "21 November 2031".into(),
        photo: Some(photo_jpg()),
        place_and_date: "Negara, 22 November 2026".into(),
        signer: signer(),
        verify_url: VERIFY_URL.into(),
        draft: false,
        bsre_footer: true,
        subject: Default::default(),
        retribution: String::new(),
    }
}

fn receipt() -> ReceiptData {
    ReceiptData {
        letterhead: letterhead(),
        registration_number: "REG-2026-11-000317".into(),
        permit_name: "Surat Izin Praktik Dokter Spesialis".into(),
        holder_name: "dr. Ni Kadek Ayu Lestari, Sp.A.".into(),
        identity_masked: "5101••••••••0003".into(),
        facility: "RSUD Negara".into(),
        location: "Kecamatan Jembrana, Kabupaten Jembrana".into(),
        submitted_at: "22 November 2026 10.15 WITA".into(),
        documents: vec![
            ("Fotokopi KTP".into(), "Diunggah".into()),
            ("Surat Tanda Registrasi (STR)".into(), "Diunggah".into()),
            (
                "Surat keterangan dari fasilitas pelayanan kesehatan".into(),
                "Diunggah".into(),
            ),
            ("Pas foto 4 × 6".into(), "Diunggah".into()),
        ],
        sla_days: 5,
        fee: "Rp 150.000 (Perda Kota Bontang Nomor 1 Tahun 2024)".into(),
        track_url: "https://izinkes.jembranakab.go.id/lacak/REG-2026-11-000317".into(),
    }
}

fn inspection() -> InspectionData {
    InspectionData {
        letterhead: letterhead(),
        number: "BAP/0317/DPMPTSP/XI/2026".into(),
        date: "Senin, 16 November 2026".into(),
        place: "Negara".into(),
        officers: vec![
            "dr. I Made Sutama — Dinas Kesehatan".into(),
            "Ni Luh Sri Wahyuni, S.KM. — Dinas Kesehatan".into(),
            "I Gede Arsana, S.T. — DPMPTSP".into(),
        ],
        holder_name: "dr. Ni Kadek Ayu Lestari, Sp.A.".into(),
        permit_name: "Surat Izin Praktik Dokter Spesialis".into(),
        facility: "Klinik Utama Sehat Bersama".into(),
        address: "Jalan Gatot Subroto No. 5, Negara".into(),
        checklist: vec![
            ("Ruang praktik dan ruang tunggu".into(), "Sesuai".into()),
            ("Peralatan medis".into(), "Sesuai".into()),
            (
                "Pengelolaan limbah medis".into(),
                "Sesuai, kerja sama dengan pihak ketiga".into(),
            ),
        ],
        findings: "Sarana dan prasarana praktik sesuai dengan standar; papan nama praktik telah terpasang.".into(),
        result: "Memenuhi persyaratan".into(),
    }
}

fn recommendation() -> RecommendationData {
    RecommendationData {
        letterhead: Letterhead {
            office_name: "DINAS KESEHATAN".into(),
            address: "Jalan Dr. Sutomo No. 1, Negara, Jembrana, Bali 82212".into(),
            contact: "Telepon (0365) 41007".into(),
            ..letterhead()
        },
        number: "440/1187/DIKES/2026".into(),
        date: "20 November 2026".into(),
        place: "Negara".into(),
        addressee: "Kepala Dinas Penanaman Modal dan PTSP Kabupaten Jembrana".into(),
        permit_name: "Surat Izin Praktik Dokter Spesialis".into(),
        holder_name: "dr. Ni Kadek Ayu Lestari, Sp.A.".into(),
        profession: "Dokter Spesialis Anak".into(),
        facility: "RSUD Negara".into(),
        decision: true,
        considerations: "persyaratan administrasi lengkap dan hasil pemeriksaan lapangan memenuhi persyaratan.".into(),
        signer: Signer {
            name: "dr. I Gusti Agung Putu Arisantha, M.Kes.".into(),
            position: "Kepala Dinas Kesehatan Kabupaten Jembrana".into(),
            nip: Some("19710203 200012 1 002".into()),
        },
    }
}

// ── Tools ──────────────────────────────────────────────────────────────────────────────────────────

/// Whether `tool` can be run; under CI a missing tool fails the test instead.
fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing (apt-get install -y poppler-utils zbar-tools)"
        );
        eprintln!("skipped: {tool} is missing (apt-get install -y poppler-utils zbar-tools)");
    }
    found
}

fn have_all() -> bool {
    ["pdftotext", "pdftoppm", "pdffonts", "zbarimg"].iter().all(|t| have(t))
}

/// A fresh scratch directory in target/tmp.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "render-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_pdf(pdf: &[u8], name: &str) -> PathBuf {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let path = scratch(name).join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    path
}

fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

/// The text of the PDF with every run of white space made one space.
fn text_of(pdf: &Path) -> String {
    let out = run(Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(pdf).arg("-"));
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Page 1 rasterized at 150 dpi.
fn page_png(pdf: &Path) -> PathBuf {
    let prefix = pdf.with_extension("");
    let out = run(Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix));
    assert!(
        out.status.success(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    prefix.with_extension("png")
}

/// The QR codes zbarimg finds in a PNG (none: empty).
fn qr_codes(png: &Path) -> Vec<String> {
    let out = run(Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
        .arg(png));
    // zbarimg exits 4 when it finds nothing.
    assert!(
        matches!(out.status.code(), Some(0) | Some(4)),
        "zbarimg: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Every font `pdffonts` lists, with whether it is embedded.
fn fonts_of(pdf: &Path) -> Vec<(String, bool)> {
    let out = run(Command::new("pdffonts").arg(pdf));
    assert!(
        out.status.success(),
        "pdffonts: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8(out.stdout).unwrap();
    listing
        .lines()
        .skip(2)
        .map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // name … type … encoding emb sub uni object-id generation
            (cols[0].to_owned(), cols[cols.len() - 5] == "yes")
        })
        .collect()
}

fn contains_all(text: &str, needles: &[&str]) {
    for needle in needles {
        let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&needle), "the PDF text lacks {needle:?}:\n{text}");
    }
}

// ── The SK ─────────────────────────────────────────────────────────────────────────────────────────

#[test]
fn final_decree_sk_shows_everything_and_its_qr_opens_the_verification_page() {
    let d = sk();
    let pdf = render_sk(&d).unwrap();
    if !have_all() {
        return;
    }
    let path = write_pdf(&pdf, "sk-decree");
    let text = text_of(&path);
    contains_all(
        &text,
        &[
            "PEMERINTAH KABUPATEN JEMBRANA",
            "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
            "Jalan Surapati No. 1",
            "NOMOR 503/0042/SIP-DRSP/DPMPTSP/2026",
            "TENTANG",
            "PEMBERIAN SURAT IZIN PRAKTIK DOKTER SPESIALIS",
            "Menimbang",
            "Mengingat",
            "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan",
            "MEMUTUSKAN",
            "Menetapkan",
            "KESATU",
            "KEDUA",
            "dr. Ni Kadek Ayu Lestari, Sp.A.",
            "Denpasar, 9 Maret 1987",
            "3121100324123456",
            "RSUD Negara",
            "Jalan Wijaya Kusuma No. 17",
            "Senin – Jumat",
            "08.00 – 14.00 WITA",
            "22 November 2026",
            "21 November 2031",
            "Ditetapkan di",
            "Negara",
            "pada tanggal",
            "I Komang Wiasa Sudirga, S.Sos., M.Si.",
            "NIP. 19700512 199503 1 004",
            BSRE_FOOTER,
        ],
    );
    assert!(!text.contains("DRAF"), "a final SK has no draft mark");

    let png = page_png(&path);
    assert_eq!(qr_codes(&png), vec![VERIFY_URL.to_owned()]);

    let fonts = fonts_of(&path);
    assert!(!fonts.is_empty(), "pdffonts lists no font");
    assert!(
        fonts.iter().all(|(_, embedded)| *embedded),
        "fonts not embedded: {fonts:?}"
    );
    assert!(fonts.iter().any(|(name, _)| name.contains("Libertinus")), "{fonts:?}");
}

/// The default SK template at one fixed body size, as an office template that ignores `body_size`.
fn sk_template_at(size: &str) -> String {
    let fixed = izinkes_documents::render::SK_TEMPLATE.replace(
        "#sheet(d.at(\"body_size\", default: 11) * 1pt)",
        &format!("#sheet({size})"),
    );
    assert_ne!(fixed, izinkes_documents::render::SK_TEMPLATE);
    fixed
}

#[test]
fn a_full_decree_gets_smaller_type_not_a_second_page() {
    use izinkes_documents::render::render_sk_with_signature_using as render_using;
    // The full decree with photo and signer block runs onto a second page at 11 pt…
    let d = sk();
    let (_, at_11) = render_using(Some(&sk_template_at("11pt")), &d).unwrap();
    assert_eq!(at_11.page, 2, "at 11 pt the signer block falls on page 2");
    // …so the renderer sets it smaller, on one page, exactly as at 9.5 pt.
    let (pdf, placement) = render_sk_with_signature(&d).unwrap();
    assert_eq!(placement.page, 1, "the signature is on page 1");
    let (_, at_9_5) = render_using(Some(&sk_template_at("9.5pt")), &d).unwrap();
    assert_eq!(placement, at_9_5);
    // A shorter permit (the SIP layout) keeps the full 11 pt.
    let mut short = sk();
    short.layout = SkLayout::Sip;
    let (_, short_at_11) = render_using(Some(&sk_template_at("11pt")), &short).unwrap();
    assert_eq!(short_at_11.page, 1, "the SIP fits at 11 pt");
    assert_eq!(render_sk_with_signature(&short).unwrap().1, short_at_11);
    // Longer than fits even at the smallest size: the smallest size, and a second page.
    let mut long = sk();
    long.legal_basis = (0..3).flat_map(|_| sk().legal_basis).collect();
    assert_eq!(render_sk_with_signature(&long).unwrap().1.page, 2);
    if !have_all() {
        return;
    }
    let path = write_pdf(&pdf, "sk-fitted");
    let out = run(Command::new("pdfinfo").arg(&path));
    let info = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")),
        "{info}"
    );
    contains_all(
        &text_of(&path),
        &["Pendelegasian Kewenangan", "MEMUTUSKAN", "KEEMPAT", "NIP"],
    );
}

#[test]
fn the_signature_rect_is_where_the_qr_code_is_drawn() {
    let d = sk();
    let (pdf, placement) = render_sk_with_signature(&d).unwrap();
    assert_eq!(placement.page, 1, "a typical SK is one page");
    assert_eq!(sk_signature_rect(&d), placement.rect);
    let [llx, lly, urx, ury] = placement.rect;
    assert!(
        0.0 < llx && llx < urx && urx <= 595.3 && 0.0 < lly && lly < ury && ury <= 841.9,
        "{:?}",
        placement.rect
    );
    assert!(
        urx - llx > 150.0 && ury - lly > 60.0,
        "too small for a visible signature: {:?}",
        placement.rect
    );
    if !have_all() {
        return;
    }
    let path = write_pdf(&pdf, "sk-rect");
    let png = page_png(&path);
    let page = image::open(&png).unwrap();
    let scale = page.height() as f32 / 841.89;
    let px = |v: f32| (v * scale).round() as u32;
    let (x, y, w, h) = (px(llx), px(841.89 - ury), px(urx - llx), px(ury - lly));

    // Inside the rect: the QR code, whole.
    let inside = page.crop_imm(x, y, w, h);
    let inside_png = png.with_file_name("inside.png");
    inside.save(&inside_png).unwrap();
    assert_eq!(qr_codes(&inside_png), vec![VERIFY_URL.to_owned()]);

    // The page with the rect painted white: no QR code left.
    let mut outside = page.to_rgba8();
    for (px_x, px_y, pixel) in outside.enumerate_pixels_mut() {
        if (x..x + w).contains(&px_x) && (y..y + h).contains(&px_y) {
            *pixel = Rgba([255, 255, 255, 255]);
        }
    }
    let outside_png = png.with_file_name("outside.png");
    outside.save(&outside_png).unwrap();
    assert!(
        qr_codes(&outside_png).is_empty(),
        "a QR code outside the signature rect"
    );
    let _ = page.dimensions();
}

#[test]
fn sip_layout_shows_the_permit_and_its_qr() {
    let d = SkData {
        layout: SkLayout::Sip,
        bsre_footer: false,
        ..sk()
    };
    let (pdf, placement) = render_sk_with_signature(&d).unwrap();
    assert_eq!(placement.page, 1);
    if !have_all() {
        return;
    }
    let path = write_pdf(&pdf, "sk-sip");
    let text = text_of(&path);
    contains_all(
        &text,
        &[
            "SURAT IZIN PRAKTIK DOKTER SPESIALIS",
            "Nomor: 503/0042/SIP-DRSP/DPMPTSP/2026",
            "dr. Ni Kadek Ayu Lestari, Sp.A.",
            "Dokter Spesialis Anak",
            "RSUD Negara",
            "Senin – Jumat",
            "22 November 2026",
            "21 November 2031",
            "Negara, 22 November 2026",
            "NIP. 19700512 199503 1 004",
        ],
    );
    assert!(
        !text.contains("MEMUTUSKAN") && !text.contains("Balai Sertifikasi"),
        "{text}"
    );
    assert_eq!(qr_codes(&page_png(&path)), vec![VERIFY_URL.to_owned()]);
}

#[test]
fn draft_is_watermarked_and_has_no_qr_and_no_number() {
    let d = SkData {
        draft: true,
        bsre_footer: false,
        ..sk()
    };
    let (pdf, placement) = render_sk_with_signature(&d).unwrap();
    assert_eq!(
        placement.rect,
        render_sk_with_signature(&sk()).unwrap().1.rect,
        "the draft keeps the layout"
    );
    if !have_all() {
        return;
    }
    let path = write_pdf(&pdf, "sk-draft");
    let text = text_of(&path);
    contains_all(
        &text,
        &["DRAF", "dr. Ni Kadek Ayu Lestari, Sp.A.", "RSUD Negara", "Paraf"],
    );
    assert!(
        !text.contains("503/0042/SIP-DRSP/DPMPTSP/2026"),
        "a draft has no number yet"
    );
    assert!(qr_codes(&page_png(&path)).is_empty(), "a draft has no QR code");
}

#[test]
fn hostile_values_print_literally() {
    let hostile = r#"#panic() *tebal* _miring_ [kurung] $x^2$ <label> @ref \ `kode` = judul // komentar"#;
    let d = SkData {
        holder_name: hostile.into(),
        practice_place: "#include \"/etc/passwd\"".into(),
        considerations: vec!["#let x = 1; #x ]) } ]".into()],
        ..sk()
    };
    let pdf = render_sk(&d).unwrap();
    // The same through an office template.
    let data = serde_json::json!({ "name": hostile });
    let custom = render_with_template("#let d = json(\"data.json\")\nNama: #d.name\n", &data, &[]).unwrap();
    if !have_all() {
        return;
    }
    let text = text_of(&write_pdf(&pdf, "sk-hostile"));
    contains_all(&text, &[hostile, "#include \"/etc/passwd\"", "#let x = 1; #x ]) } ]"]);
    let text = text_of(&write_pdf(&custom, "custom-hostile"));
    contains_all(&text, &[&format!("Nama: {hostile}")]);
}

#[test]
fn indonesian_names_and_latin_1_render_with_embedded_fonts() {
    let d = SkData {
        holder_name: "Ni Luh Putu Ayu Ṣ Darmayanti".into(),
        holder_address: "Jalan Hernández No. 3, Café Renée, Nusa Penida".into(),
        signer: Signer {
            name: "Dr. José Müller-Ñuñez, S.H.".into(),
            ..signer()
        },
        ..sk()
    };
    let pdf = render_sk(&d).unwrap();
    if !have_all() {
        return;
    }
    let path = write_pdf(&pdf, "sk-diacritics");
    let text = text_of(&path);
    contains_all(
        &text,
        &[
            "Ni Luh Putu Ayu",
            "Darmayanti",
            "Jalan Hernández No. 3, Café Renée",
            "Dr. José Müller-Ñuñez, S.H.",
        ],
    );
    println!(
        "U+1E62 (Ṣ) {}",
        if text.contains('Ṣ') {
            "rendered"
        } else {
            "degraded (a fallback glyph)"
        }
    );
    let fonts = fonts_of(&path);
    assert!(
        fonts.iter().all(|(_, embedded)| *embedded),
        "fonts not embedded: {fonts:?}"
    );
}

// ── The other documents ────────────────────────────────────────────────────────────────────────────

#[test]
fn receipt_shows_the_registration_and_its_qr_opens_the_tracking_page() {
    let d = receipt();
    let pdf = render_receipt(&d).unwrap();
    if !have_all() {
        return;
    }
    let path = write_pdf(&pdf, "receipt");
    let text = text_of(&path);
    contains_all(
        &text,
        &[
            "BUKTI PENDAFTARAN",
            "REG-2026-11-000317",
            "dr. Ni Kadek Ayu Lestari, Sp.A.",
            "5101••••••••0003",
            "RSUD Negara",
            "22 November 2026 10.15 WITA",
            "Surat Tanda Registrasi (STR)",
            "5 hari kerja",
            "Rp 150.000",
        ],
    );
    assert_eq!(qr_codes(&page_png(&path)), vec![d.track_url]);
}

#[test]
fn inspection_report_shows_team_findings_and_result() {
    let pdf = render_inspection(&inspection()).unwrap();
    if !have_all() {
        return;
    }
    let text = text_of(&write_pdf(&pdf, "inspection"));
    contains_all(
        &text,
        &[
            "BERITA ACARA PEMERIKSAAN",
            "BAP/0317/DPMPTSP/XI/2026",
            "Senin, 16 November 2026",
            "dr. I Made Sutama — Dinas Kesehatan",
            "Klinik Utama Sehat Bersama",
            "Pengelolaan limbah medis",
            "papan nama praktik telah terpasang",
            "Memenuhi persyaratan",
            "Negara, 16 November 2026",
        ],
    );
}

#[test]
fn recommendation_shows_the_decision() {
    let yes = render_recommendation(&recommendation()).unwrap();
    let no = render_recommendation(&RecommendationData {
        decision: false,
        ..recommendation()
    })
    .unwrap();
    if !have_all() {
        return;
    }
    let text = text_of(&write_pdf(&yes, "recommendation"));
    contains_all(
        &text,
        &[
            "DINAS KESEHATAN",
            "440/1187/DIKES/2026",
            "Negara, 20 November 2026",
            "Kepala Dinas Penanaman Modal dan PTSP Kabupaten Jembrana",
            "dr. Ni Kadek Ayu Lestari, Sp.A.",
            "DIREKOMENDASIKAN",
            "dr. I Gusti Agung Putu Arisantha, M.Kes.",
        ],
    );
    assert!(!text.contains("TIDAK DIREKOMENDASIKAN"));
    assert!(text_of(&write_pdf(&no, "recommendation-no")).contains("TIDAK DIREKOMENDASIKAN"));
}

// ── Office templates and errors ────────────────────────────────────────────────────────────────────

#[test]
fn an_office_template_gets_data_and_images_and_nothing_else() {
    let template =
        "#let d = json(\"data.json\")\n#image(\"logo.png\", width: 2cm)\n#image(\"qr.svg\", width: 4cm)\n*#d.title*";
    let images = [
        ("logo.png", logo_png()),
        ("qr.svg", qr_svg("https://example.go.id/x").into_bytes()),
    ];
    let pdf = render_with_template(template, &serde_json::json!({ "title": "Izin Khusus" }), &images).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));

    // A syntax error names its line.
    let err = render_with_template("Baris satu\n#let = 3\n", &serde_json::json!({}), &[]).unwrap_err();
    assert!(matches!(&err, RenderError::Typst(m) if m.contains("line 2")), "{err}");
    // No file system, no packages, no network.
    for template in [
        "#read(\"/etc/passwd\")",
        "#import \"@preview/cetz:0.3.0\": *",
        "#include \"other.typ\"",
    ] {
        let err = render_with_template(template, &serde_json::json!({}), &[]).unwrap_err();
        assert!(matches!(err, RenderError::Typst(_)), "{template}: {err}");
    }
    // `datetime.today()` works (from the render's clock).
    render_with_template("#datetime.today().display()", &serde_json::json!({}), &[]).unwrap();

    if have_all() {
        let path = write_pdf(&pdf, "custom");
        assert!(text_of(&path).contains("Izin Khusus"));
        assert_eq!(qr_codes(&page_png(&path)), vec!["https://example.go.id/x".to_owned()]);
    }
}

#[test]
fn unusable_images_are_image_errors() {
    let d = SkData {
        photo: Some(b"GIF89a not really".to_vec()),
        ..sk()
    };
    assert!(matches!(render_sk(&d), Err(RenderError::Image(_))));
    let d = SkData {
        verify_url: "x".repeat(5000),
        ..sk()
    };
    assert!(matches!(render_sk(&d), Err(RenderError::Image(_))));
    // Without logo and photo the SK still renders.
    let d = SkData {
        photo: None,
        letterhead: Letterhead {
            logo_png: None,
            ..letterhead()
        },
        ..sk()
    };
    render_sk(&d).unwrap();
}

// ── Speed and samples ──────────────────────────────────────────────────────────────────────────────

#[test]
fn warm_render_time_is_printed() {
    izinkes_documents::render::warm_up();
    let d = sk();
    let cold = Instant::now();
    render_sk(&d).unwrap();
    let cold = cold.elapsed();
    let mut times = Vec::new();
    for i in 0..8 {
        // Another holder each time, as in a batch.
        let d = SkData {
            holder_name: format!("dr. Pemohon Ke-{i}, Sp.A."),
            number: format!("503/{i:04}/SIP/2026"),
            ..sk()
        };
        let t = Instant::now();
        render_sk_with_signature(&d).unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "render_sk: first {:.1} ms, warm median {:.1} ms, min {:.1} ms, max {:.1} ms ({} build)",
        cold.as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        if cfg!(debug_assertions) { "debug" } else { "release" },
    );
}

/// Writes one PDF of each document to target/document-samples/ for a person to look at.
#[test]
fn samples_are_written_to_target() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("document-samples");
    std::fs::create_dir_all(&dir).unwrap();
    let samples: [(&str, Vec<u8>); 7] = [
        ("sk-decree.pdf", render_sk(&sk()).unwrap()),
        (
            "sk-sip.pdf",
            render_sk(&SkData {
                layout: SkLayout::Sip,
                ..sk()
            })
            .unwrap(),
        ),
        (
            "sk-draft.pdf",
            render_sk(&SkData {
                draft: true,
                bsre_footer: false,
                ..sk()
            })
            .unwrap(),
        ),
        ("receipt.pdf", render_receipt(&receipt()).unwrap()),
        ("inspection.pdf", render_inspection(&inspection()).unwrap()),
        ("recommendation.pdf", render_recommendation(&recommendation()).unwrap()),
        (
            "logo-and-photo-missing.pdf",
            render_sk(&SkData {
                photo: None,
                letterhead: Letterhead {
                    logo_png: None,
                    ..letterhead()
                },
                ..sk()
            })
            .unwrap(),
        ),
    ];
    for (name, pdf) in samples {
        std::fs::write(dir.join(name), pdf).unwrap();
    }
    println!("samples in {}", dir.display());
}
