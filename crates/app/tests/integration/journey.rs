//! The applicant's whole journey of issue 2, as a person would do it in the browser.

use crate::dual_test;
use crate::support::{Browser, TestApp, extract_link};
use izinkes_app::demo;

pub const PUTU_NIK: &str = "5104010903970004";

/// Registers through the page, follows the link from the real mail, logs in.
pub async fn register_and_login(app: &TestApp, b: &Browser, nik: &str, email: &str) {
    let r = b
        .post(
            "/daftar",
            &[
                ("full_name", "Putu Heri Setiawan"),
                ("identity_type", "KTP"),
                ("identity_number", nik),
                ("phone", "087897893492"),
                ("address", "Jl. Denpasar Gilimanuk, Pekutatan"),
                ("village_code", "51.01.03.2004"),
                ("email", email),
                ("password", "Rahasia-Praktik-2026"),
                ("password_confirm", "Rahasia-Praktik-2026"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("silakan cek email"), "{}", r.body);

    // Not verified yet: login is refused with a clear message.
    let r = b
        .post("/masuk", &[("email", email), ("password", "Rahasia-Praktik-2026")])
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.field_error("email").contains("belum dikonfirmasi"),
        "{}",
        r.field_error("email")
    );

    let mail = app.smtp.wait_for(email, "Konfirmasi akun").await;
    let link = extract_link(&mail, &format!("{}/verifikasi?token=", app.base));
    let path = link.strip_prefix(&app.base).expect("link to this server");
    let r = b.get(path).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("akun Anda aktif"), "{}", r.body);
    // The link is single-use.
    assert_eq!(b.get(path).await.status, 400);

    let r = b
        .post(
            "/masuk",
            &[
                ("email", email),
                ("password", "Rahasia-Praktik-2026"),
                ("lanjut", "/permohonan"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/permohonan"));
}

/// Creates a SIP Dokter Spesialis draft at Jembrana and returns its id.
pub async fn start_drsp(b: &Browser) -> String {
    let r = b.get("/permohonan/baru?izin=SIP-DRSP").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Informasi Pengajuan Permohonan"));
    assert!(r.body.contains("Nomor Rekomendasi Organisasi Profesi"));
    let r = b
        .post("/permohonan/baru", &[("izin", "SIP-DRSP"), ("office", "jembrana")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.location.expect("redirect");
    loc.trim_start_matches("/permohonan/")
        .trim_end_matches("/tahap-1")
        .to_string()
}

pub async fn fill_step1(b: &Browser, id: &str) {
    let r = b
        .post(
            &format!("/permohonan/{id}/tahap-1"),
            &[
                ("name", "HERI SETIAWAN"),
                ("email", "herisetiawanputu@gmail.com"),
                ("phone", "087897893492"),
                ("address", "JL. RAYA DENPASAR GILIMANUK, PEKUTATAN"),
                ("village_code", "51.01.03.2004"),
                ("facility_name", "RSU Negara"),
                ("location_village_code", "51.01.03.2004"),
                ("location_address", "JL. RAYA DENPASAR GILIMANUK, PEKUTATAN"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

pub async fn fill_step2(b: &Browser, id: &str) {
    let r = b
        .post(
            &format!("/permohonan/{id}/tahap-2"),
            &[
                ("tempat_lahir", "Denpasar"),
                ("tanggal_lahir", "1997-03-09"),
                ("nama_sesuai_ijazah", "dr. Putu Heri Setiawan, Sp.PD"),
                ("hari_praktik", "Senin"),
                ("hari_praktik", "Selasa"),
                ("hari_praktik", "Rabu"),
                ("waktu_praktik__from", "08:00"),
                ("waktu_praktik__to", "12:00"),
                ("permohonan_ke", "1"),
                ("nomor_str", "5121103318134121"),
                ("nomor_rekomendasi_op", "21/PKB01-BALI.N.IT/2021"),
                ("jenis_tempat_praktik", "Fasilitas Pelayanan Kesehatan"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

pub async fn upload_all(b: &Browser, id: &str) {
    for key in [
        "ktp",
        "rekomendasi_dinkes",
        "izin_operasional_fasyankes",
        "bpjs_kesehatan",
        "str",
        "keterangan_tempat_praktik",
    ] {
        let r = b
            .upload(
                &format!("/permohonan/{id}/syarat/{key}"),
                "file",
                &format!("{key}.pdf"),
                demo::samples::pdf(key),
                &[],
            )
            .await;
        assert_eq!(r.status, 303, "{key}: {}", r.body);
    }
    let r = b
        .upload(
            &format!("/permohonan/{id}/syarat/pas_foto"),
            "file",
            "foto.jpg",
            demo::samples::jpeg(),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

dual_test!(
    applicant_registers_applies_and_sees_menunggu_verifikasi,
    |app: TestApp| async move {
        let b = app.browser();
        register_and_login(&app, &b, PUTU_NIK, "putu@example.com").await;
        let id = start_drsp(&b).await;

        // Tahap 1 is prefilled from the account.
        let r = b.get(&format!("/permohonan/{id}/tahap-1")).await;
        assert_eq!(r.value_of("name"), "Putu Heri Setiawan");
        assert_eq!(r.value_of("phone"), "087897893492");
        fill_step1(&b, &id).await;

        let r = b.get(&format!("/permohonan/{id}/tahap-2")).await;
        assert!(
            r.body.contains("Contoh : Denpasar"),
            "examples are shown as in seed 000"
        );
        assert!(r.body.contains("Contoh : Pukul 08:00 s/d 12:00 WITA"));
        fill_step2(&b, &id).await;

        let r = b.get(&format!("/permohonan/{id}/tahap-3")).await;
        assert!(r.body.contains("Scan KTP Pemohon/Penanggung Jawab"));
        assert!(r.body.contains("Pas Foto Berwarna 4 x 6 cm"));
        assert!(
            !r.body.contains("Scan Surat Kuasa Pengurusan Izin"),
            "the proxy letter is asked only for a proxy"
        );
        upload_all(&b, &id).await;

        let r = b.get(&format!("/permohonan/{id}/periksa")).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Senin, Selasa, Rabu"));
        assert!(r.body.contains("Pukul 08:00 s/d 12:00 WITA"));
        assert!(!r.body.contains("Masih ada"), "nothing missing: {}", r.body);

        let r = b.post(&format!("/permohonan/{id}/ajukan"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some(format!("/permohonan/{id}/bukti").as_str()));
        let receipt = b.get(&format!("/permohonan/{id}/bukti")).await;
        assert!(receipt.body.contains("Bukti Pendaftaran"));
        assert!(receipt.body.contains("JBR-"), "registration number of the office");
        assert!(receipt.body.contains("5104********0004"), "NIK masked on the receipt");

        // Double submit has one effect.
        let again = b.post(&format!("/permohonan/{id}/ajukan"), &[]).await;
        assert_eq!(again.status, 303);

        let list = b.get("/permohonan").await;
        assert!(list.body.contains("Menunggu Verifikasi"), "{}", list.body);
        assert!(list.body.contains("Surat Izin Praktik Dokter Spesialis"));

        let mail = app.smtp.wait_for("putu@example.com", "Permohonan diterima").await;
        assert!(mail.data.contains("JBR-"));

        // Detail page shows the history step.
        let detail = b.get(&format!("/permohonan/{id}")).await;
        assert!(detail.body.contains("Permohonan diajukan"));

        // The submitted application can no longer be edited.
        let r = b.post(&format!("/permohonan/{id}/tahap-1"), &[("name", "X")]).await;
        assert_eq!(r.status, 303);
        assert_eq!(r.location.as_deref(), Some(format!("/permohonan/{id}").as_str()));

        // Public tracking: status only, with the number and the last 4 NIK digits.
        let number = receipt.text(".big strong");
        let r = b.post("/lacak", &[("number", &number), ("nik4", "0004")]).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Menunggu Verifikasi"));
        // …with the desk it is at and when that desk must be done (issue 18).
        let step: String = sqlx::query_scalar("SELECT step_key FROM applications WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let def = izinkes_app::desks::workflows::current_workflow(&app.state, "jembrana", "SIP-DRSP")
            .await
            .unwrap()
            .definition;
        let desk = def.steps.iter().find(|s| s.key == step).expect("the file's desk");
        assert!(r.body.contains("Tahap saat ini"), "{}", r.body);
        assert!(r.body.contains(&desk.name), "{} in {}", desk.name, r.body);
        assert!(r.body.contains("Tahap ini selesai paling lambat"));
        let r = b.post("/lacak", &[("number", &number), ("nik4", "9999")]).await;
        assert_eq!(r.status, 404);
        assert!(!r.body.contains("Menunggu Verifikasi"));
    }
);

/// Pages go out gzip-compressed when the browser accepts it; answers that fit one packet
/// anyway (a health check, a short JSON) go out as they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_answers_are_compressed_small_ones_are_not() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await;
    let client = reqwest::Client::new();
    let get = |path: &str| {
        client
            .get(format!("{}{path}", app.base))
            .header(reqwest::header::ACCEPT_ENCODING, "gzip")
            .send()
    };
    let encoding = |r: &reqwest::Response| {
        r.headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let page = get("/").await.expect("catalog");
    assert_eq!(page.status(), 200);
    assert_eq!(encoding(&page), "gzip", "{:?}", page.headers());
    assert!(
        page.headers()
            .get_all(reqwest::header::VARY)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.contains("accept-encoding"))),
        "caches keep the encodings apart: {:?}",
        page.headers()
    );
    let body = page.bytes().await.expect("body");
    assert!(body.starts_with(&[0x1f, 0x8b]), "a gzip stream");
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut html).expect("valid gzip");
    assert!(
        html.contains("</html>") && html.contains("Surat Izin Praktik"),
        "the whole page: {html}"
    );
    let plain = client
        .get(format!("{}/", app.base))
        .header(reqwest::header::ACCEPT_ENCODING, "gzip;q=0, identity")
        .send()
        .await
        .expect("catalog");
    assert_eq!(encoding(&plain), "", "gzip;q=0 refuses gzip");
    assert!(plain.text().await.expect("text").contains("</html>"));
    let small = get("/healthz").await.expect("healthz");
    assert_eq!(small.status(), 200);
    assert_eq!(encoding(&small), "");
    let body = small.bytes().await.expect("body");
    assert!(body.len() as u64 <= izinkes_app::http::compress::COMPRESS_ABOVE_BYTES);
}
