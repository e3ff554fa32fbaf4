//! Issued permits: the number at ready-to-sign, the head of office signing a batch after
//! re-entering the authenticator code, the signed PDF checked by standard tools (pdfsig,
//! pdftotext, zbarimg), public verification, revocation, tampering and renewal.

use crate::bad_input::quick_applicant;
use crate::dual_test;
use crate::journey::{fill_step1, fill_step2, start_drsp, upload_all};
use crate::support::{Browser, TestApp};
use izinkes_domain::roles::Role;
use izinkes_domain::workflow::{Product, WorkflowDefinition};
use std::process::Command;

pub(crate) const PASSWORD: &str = "petugas-kantor-2026";

pub(crate) async fn staff(app: &TestApp, office: &str) -> String {
    for role in [
        Role::FrontOffice,
        Role::BackOffice,
        Role::Kasi,
        Role::Kabid,
        Role::TimTeknis,
        Role::Kadis,
    ] {
        izinkes_app::accounts::officers::add_officer(
            &app.state,
            office,
            &format!("{}.{office}@kantor.example.id", role.code().replace('_', "")),
            &format!("Pejabat {}", role.label_id()),
            role.label_id(),
            PASSWORD,
            &[role],
        )
        .await
        .unwrap();
    }
    izinkes_app::office_admin::settings::save_settings(
        &app.state,
        office,
        &izinkes_app::office_admin::settings::OfficeSettings {
            default_preset: "sepok".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // The head of office has an authenticator enrolled.
    enrol_totp(app, &format!("kadis.{office}@kantor.example.id")).await
}

/// The head of office of `office` (added by [`staff`]) as the service layer sees an officer.
pub(crate) async fn kadis_officer(app: &TestApp, office: &str) -> izinkes_app::auth::officer::Officer {
    let id: String = sqlx::query_scalar("SELECT id FROM officers WHERE email = $1")
        .bind(format!("kadis.{office}@kantor.example.id"))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    izinkes_app::auth::officer::Officer {
        id,
        name: "Kadis".into(),
        office_id: office.into(),
        roles: vec![izinkes_domain::roles::Role::Kadis],
    }
}

/// Gives the officer `email` an enrolled authenticator; returns its secret.
pub(crate) async fn enrol_totp(app: &TestApp, email: &str) -> String {
    let secret = izinkes_app::auth::totp::new_secret();
    sqlx::query(
        "UPDATE officers SET totp_secret = $1, totp_enabled_at = '2026-01-01T00:00:00.000000Z' WHERE email = $2",
    )
    .bind(&secret)
    .bind(email)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    secret
}

pub(crate) async fn login_officer(app: &TestApp, office: &str, role: &str, totp: Option<&str>) -> Browser {
    let b = app.browser();
    let r = b
        .post(
            "/petugas/masuk",
            &[
                (
                    "email",
                    &format!("{}.{office}@kantor.example.id", role.replace('_', "")),
                ),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    if let Some(secret) = totp {
        let code = izinkes_app::auth::totp::current_code(secret).unwrap();
        let r = b.post("/petugas/2fa", &[("code", &code)]).await;
        assert_eq!(r.status, 303, "2fa: {}", r.body);
    }
    b
}

pub(crate) async fn desk(b: &Browser, id: &str, fields: &[(&str, &str)]) {
    let page = b.get(&format!("/petugas/berkas/{id}")).await;
    let lock = page.value_of("lock_version");
    let key = format!("{}-{}", page.value_of("request_key"), fields[0].1);
    let mut all = fields.to_vec();
    all.push(("lock_version", &lock));
    all.push(("request_key", &key));
    let r = b.post(&format!("/petugas/berkas/{id}/aksi"), &all).await;
    assert_eq!(r.status, 303, "{:?}: {}", fields, r.body);
}

/// The officer `b` marks every document of the file as in order (the checklist).
pub(crate) async fn check_all(app: &TestApp, b: &Browser, id: &str) {
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT requirement_key FROM application_documents WHERE application_id = $1")
            .bind(id)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let names: Vec<String> = keys.iter().map(|k| format!("check_{k}")).collect();
    let mut f: Vec<(&str, &str)> = vec![("action", "checklist")];
    f.extend(names.iter().map(|n| (n.as_str(), "sesuai")));
    desk(b, id, &f).await;
}

/// Through the SEPOK desks to ready-to-sign.
pub(crate) async fn ready_to_sign(app: &TestApp, applicant: &Browser) -> String {
    let id = start_drsp(applicant).await;
    fill_step1(applicant, &id).await;
    fill_step2(applicant, &id).await;
    upload_all(applicant, &id).await;
    assert_eq!(
        applicant.post(&format!("/permohonan/{id}/ajukan"), &[]).await.status,
        303
    );
    walk_to_ready(app, &id).await;
    id
}

/// A submitted file of the Jembrana office through every SEPOK desk to ready-to-sign.
pub(crate) async fn walk_to_ready(app: &TestApp, id: &str) {
    let id = id.to_string();
    let def = WorkflowDefinition::preset("sepok").unwrap();
    for step in &def.steps {
        let b = login_officer(app, "jembrana", &step.role, None).await;
        for p in &step.produces {
            match p {
                Product::Checklist => {
                    let keys: Vec<String> = sqlx::query_scalar(
                        "SELECT requirement_key FROM application_documents WHERE application_id = $1",
                    )
                    .bind(&id)
                    .fetch_all(&app.state.db.pool)
                    .await
                    .unwrap();
                    let names: Vec<String> = keys.iter().map(|k| format!("check_{k}")).collect();
                    let mut f: Vec<(&str, &str)> = vec![("action", "checklist")];
                    f.extend(names.iter().map(|n| (n.as_str(), "sesuai")));
                    desk(&b, &id, &f).await;
                }
                Product::BeritaAcara => {
                    let page = b.get(&format!("/petugas/berkas/{id}")).await;
                    let lock = page.value_of("lock_version");
                    let request_key = format!("ba-{id}");
                    let r = b
                        .upload(
                            &format!("/petugas/berkas/{id}/berita-acara"),
                            "file",
                            "ba.pdf",
                            izinkes_app::demo::samples::pdf("BA"),
                            &[
                                ("lock_version", &lock),
                                ("request_key", &request_key),
                                ("date", "2026-01-05"),
                                ("officers", "Tim"),
                                ("result", "sesuai"),
                            ],
                        )
                        .await;
                    assert_eq!(r.status, 303, "{}", r.body);
                }
                Product::Recommendation => {
                    desk(
                        &b,
                        &id,
                        &[
                            ("action", "recommend"),
                            ("approve", "ya"),
                            ("number", "440/7/DINKES/2026"),
                        ],
                    )
                    .await
                }
                Product::DraftSk => {
                    desk(
                        &b,
                        &id,
                        &[
                            ("action", "prepare_draft"),
                            ("sk_nama", "dr. Putu Heri Setiawan, Sp.PD"),
                            ("sk_tempat_praktik", "RSU Negara"),
                        ],
                    )
                    .await
                }
                Product::Paraf => desk(&b, &id, &[("action", "paraf")]).await,
                Product::Approval => desk(&b, &id, &[("action", "approve")]).await,
            }
        }
        desk(&b, &id, &[("action", "forward")]).await;
    }
}

pub(crate) fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (poppler-utils, zbar-tools): {e}"));
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

dual_test!(head_of_office_signs_and_anyone_can_verify, |app: TestApp| async move {
    let secret = staff(&app, "jembrana").await;
    let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let id = ready_to_sign(&app, &applicant).await;
    let number: String = sqlx::query_scalar("SELECT number FROM permits WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(number.starts_with("503/0001/SIP-DRSP/DPMPTSP-JBR/"), "{number}");

    // The office documents of the desks render as PDFs, and the receipt too.
    let bo = login_officer(&app, "jembrana", "back_office", None).await;
    let dir0 = tempfile::tempdir().unwrap();
    for (who, path, needle) in [
        (&bo, format!("/petugas/berkas/{id}/dokumen/draf-sk.pdf"), "DRAF"),
        (
            &bo,
            format!("/petugas/berkas/{id}/dokumen/berita-acara.pdf"),
            "BERITA ACARA",
        ),
        (
            &bo,
            format!("/petugas/berkas/{id}/dokumen/rekomendasi.pdf"),
            "440/7/DINKES/2026",
        ),
        (&applicant, format!("/permohonan/{id}/bukti.pdf"), "JBR-"),
    ] {
        let r = who.client.get(format!("{}{path}", who.base)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let bytes = r.bytes().await.unwrap();
        let f = dir0.path().join("doc.pdf");
        std::fs::write(&f, &bytes).unwrap();
        let text = tool("pdftotext", &[f.to_str().unwrap(), "-"]);
        assert!(text.to_uppercase().contains(&needle.to_uppercase()), "{path}: {text}");
    }
    let kadis = login_officer(&app, "jembrana", "kadis", Some(&secret)).await;
    let list = kadis.get("/petugas/tandatangan").await;
    assert!(list.body.contains(&number));
    let permit_id: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let r = kadis
        .post("/petugas/tandatangan", &[("permit", &permit_id), ("totp", "000000")])
        .await;
    assert_eq!(r.status, 422, "a wrong authenticator code signs nothing");
    let code = izinkes_app::auth::totp::current_code(&secret).unwrap();
    let r = kadis
        .post("/petugas/tandatangan", &[("permit", &permit_id), ("totp", &code)])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("1 izin ditandatangani"), "{}", r.body);

    // The applicant downloads it.
    let pdf = applicant
        .client
        .get(format!("{}/izin/{permit_id}/unduh", applicant.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert!(pdf.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("izin.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let f = file.to_str().unwrap();
    let sig = tool("pdfsig", &[f]);
    assert!(sig.contains("Signature is Valid"), "{sig}");
    let text = tool("pdftotext", &[f, "-"]);
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("RSU Negara"), "{text}");
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            f,
            dir.path().join("page").to_str().unwrap(),
        ],
    );
    let png = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .unwrap();
    let qr = tool("zbarimg", &["-q", "--raw", png.to_str().unwrap()]);
    let url = qr
        .lines()
        .find(|l| l.contains("/v/"))
        .unwrap_or_else(|| panic!("no QR: {qr}"))
        .trim()
        .to_string();
    let path = url
        .strip_prefix(&app.base)
        .expect("QR points to this server")
        .to_string();
    let public = app.browser();
    let page = public.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Aktif"));
    assert!(page.body.contains("5104********0004"));
    let json: serde_json::Value = reqwest::get(format!("{}{path}.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["status_code"], "active");
    assert_eq!(json["number"], number.as_str());

    // Upload check: the same PDF matches, a changed one does not; pdfsig sees the change too.
    let token = path.trim_start_matches("/v/").to_string();
    let r = public
        .upload(&format!("/v/{token}/periksa"), "file", "izin.pdf", pdf.clone(), &[])
        .await;
    assert!(r.body.contains("Cocok."), "{}", r.body);
    let mut tampered = pdf.clone();
    let i = tampered.len() / 3;
    tampered[i] ^= 0x20;
    let r = public
        .upload(
            &format!("/v/{token}/periksa"),
            "file",
            "izin.pdf",
            tampered.clone(),
            &[],
        )
        .await;
    assert!(r.body.contains("Tidak cocok."));
    let bad = dir.path().join("ubah.pdf");
    std::fs::write(&bad, &tampered).unwrap();
    let sig = tool("pdfsig", &[bad.to_str().unwrap()]);
    assert!(!sig.contains("Signature is Valid"), "{sig}");
    assert_eq!(
        public
            .get("/v/palsu0000000000000000000000000000000000000000000000")
            .await
            .status,
        404
    );

    // Informasi Perizinan on the file's page (seed 000 §4): number, validity, download, verify.
    let page = applicant.get(&format!("/permohonan/{id}")).await;
    assert!(page.body.contains("Informasi Perizinan"), "{}", page.body);
    assert!(page.body.contains(&number) && page.body.contains("Berlaku sampai"));
    assert!(page.body.contains(&format!("/izin/{permit_id}/unduh")) && page.body.contains(&path));

    // Revocation flips the public status at once.
    let r = kadis
        .post(
            &format!("/petugas/izin/{permit_id}/cabut"),
            &[
                ("reason", "Pelanggaran etik profesi berat."),
                ("decree", "503/12/DPMPTSP/2026"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(public.get(&path).await.body.contains("Dicabut"));
    let json: serde_json::Value = reqwest::get(format!("{}{path}.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["status_code"], "revoked");

    // The holder hears of it and reads Dicabut everywhere (issue 18).
    let mail = app.smtp.wait_for("putu@example.com", "Izin dicabut").await;
    let text = crate::support::mail_text(&mail.data);
    for needle in ["503/12/DPMPTSP/2026", "Pelanggaran etik profesi berat.", path.as_str()] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    let page = applicant.get(&format!("/permohonan/{id}")).await;
    assert!(page.body.contains("Izin Dicabut"), "{}", page.body);
    assert!(page.body.contains("Informasi Perizinan") && page.body.contains("503/12/DPMPTSP/2026"));
    assert!(!page.body.contains("Berlaku sampai"));
    let mine = applicant.get("/izin").await;
    assert!(mine.body.contains("Belum ada izin aktif."), "{}", mine.body);
    assert!(mine.body.contains("dicabut pada") && mine.body.contains("Pelanggaran etik profesi berat."));
    let r = applicant
        .client
        .get(format!("{}/izin/{permit_id}/unduh", applicant.base))
        .send()
        .await
        .unwrap();
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.contains("-DICABUT.pdf"), "{disposition}");
    let nik4 = "0004";
    let reg: String = sqlx::query_scalar("SELECT registration_number FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let tracked = public.post("/lacak", &[("number", reg.as_str()), ("nik4", nik4)]).await;
    assert!(tracked.body.contains("Izin Dicabut"), "{}", tracked.body);
    assert!(
        izinkes_app::applications::history::verify(&app.state)
            .await
            .unwrap()
            .findings
            .is_empty()
    );
});

dual_test!(
    numbers_are_unique_and_gapless_under_parallel_issuance,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        // Forty files become ready to sign at once (the automatic approval path assigns numbers too).
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let _ = applicant;
        let v = {
            let id = start_drsp(&applicant).await;
            fill_step1(&applicant, &id).await;
            fill_step2(&applicant, &id).await;
            upload_all(&applicant, &id).await;
            id
        };
        let view = izinkes_app::applications::view::load_view(
            &app.state,
            &sqlx::query_scalar::<_, String>("SELECT applicant_id FROM applications WHERE id = $1")
                .bind(&v)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap(),
            &v,
        )
        .await
        .unwrap();
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let state = app.state.clone();
            let view = izinkes_app::applications::view::load_view(&state, &view.app.applicant_id, &view.app.id)
                .await
                .unwrap();
            tasks.push(tokio::spawn(async move {
            // Each issuance in its own transaction, as the desks do; the permit row is unique per
            // application, so give each a fresh application id copy.
            let mut tx = state.db.begin().await.unwrap();
            let new_id = izinkes_app::platform::ids::new_id();
            sqlx::query(
                "INSERT INTO applications (id, office_id, applicant_id, permit_code, profession, catalog_version, status, applicant_data, answers, step1_done, step2_done, holder_name, created_at, updated_at, lock_version) \
                 SELECT $1, office_id, applicant_id, permit_code, profession, catalog_version, 'ready_to_sign', applicant_data, answers, 1, 1, holder_name, created_at, updated_at, 0 FROM applications WHERE id = $2",
            )
            .bind(&new_id)
            .bind(&view.app.id)
            .execute(&mut *tx)
            .await
            .unwrap();
            let mut v2 = view;
            v2.app.id = new_id;
            let n = izinkes_app::permits::numbering::assign_in_tx(&mut tx, &v2, "5104********0004", "Putu").await.unwrap();
            tx.commit().await.unwrap();
            n
        }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(t.await.unwrap());
        }
        let mut seqs: Vec<u32> = numbers
            .iter()
            .map(|n| n.split('/').nth(1).unwrap().parse().unwrap())
            .collect();
        seqs.sort();
        assert_eq!(seqs, (1..=40).collect::<Vec<u32>>(), "no duplicates, no gaps");
    }
);

/// A local stand-in for BSrE's hash-signing API (the real one is unreachable here): it signs the
/// digest it receives with a certificate of its own, and refuses unknown NIKs and wrong passphrases.
async fn fake_bsre() -> String {
    use axum::Json;
    use axum::http::StatusCode;
    use axum::routing::post;
    use base64ct::{Base64, Encoding};
    let pki =
        izinkes_documents::sign::demo_office_ca("Balai Sertifikasi Elektronik (uji)", "Kepala Dinas Uji").unwrap();
    let signer = std::sync::Arc::new(pki.local_signer().unwrap());
    let app = axum::Router::new().route(
        "/api/v2/sign/hash",
        post(move |Json(body): Json<serde_json::Value>| {
            let signer = signer.clone();
            async move {
                if body["nik"] != "5104010903970004" {
                    return (
                        StatusCode::BAD_REQUEST,
                        Json(serde_json::json!({"error": "NIK Tidak Terdaftar"})),
                    );
                }
                if body["passphrase"] != "rahasia-bsre" {
                    return (
                        StatusCode::UNAUTHORIZED,
                        Json(serde_json::json!({"message": "Passphrase anda salah"})),
                    );
                }
                let digest: [u8; 32] = Base64::decode_vec(body["hash"][0].as_str().unwrap())
                    .unwrap()
                    .try_into()
                    .unwrap();
                let cms = signer.cms_for_digest(&digest).unwrap();
                (
                    StatusCode::OK,
                    Json(serde_json::json!({"signatures": [Base64::encode_string(&cms)]})),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

dual_test!(
    bsre_signs_the_hash_with_nik_and_passphrase_typed_at_signing,
    |app: TestApp| async move {
        let secret = staff(&app, "jembrana").await;
        let url = fake_bsre().await;
        let office = izinkes_app::catalog::offices::get(&app.state, "jembrana")
            .await
            .unwrap();
        izinkes_app::permits::signer::set_signer(&app.state, &office, "bsre", Some(&url))
            .await
            .unwrap();
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = ready_to_sign(&app, &applicant).await;
        let permit_id: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let kadis = login_officer(&app, "jembrana", "kadis", Some(&secret)).await;
        let page = kadis.get("/petugas/tandatangan").await;
        assert!(page.body.contains("Passphrase BSrE"));
        for (nik, pass, expected) in [
            ("9999999999999999", "rahasia-bsre", "tidak terdaftar"),
            ("5104010903970004", "salah", "Passphrase salah"),
        ] {
            let code = izinkes_app::auth::totp::current_code(&secret).unwrap();
            let r = kadis
                .post(
                    "/petugas/tandatangan",
                    &[
                        ("permit", &permit_id),
                        ("totp", &code),
                        ("nik", nik),
                        ("passphrase", pass),
                    ],
                )
                .await;
            assert!(r.body.contains(expected), "{}", r.body);
            assert!(
                !r.body.contains(pass) || pass == "salah",
                "the passphrase is never echoed"
            );
        }
        let code = izinkes_app::auth::totp::current_code(&secret).unwrap();
        let r = kadis
            .post(
                "/petugas/tandatangan",
                &[
                    ("permit", &permit_id),
                    ("totp", &code),
                    ("nik", "5104010903970004"),
                    ("passphrase", "rahasia-bsre"),
                ],
            )
            .await;
        assert!(r.body.contains("1 izin ditandatangani"), "{}", r.body);
        let pdf = applicant
            .client
            .get(format!("{}/izin/{permit_id}/unduh", applicant.base))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("bsre.pdf");
        std::fs::write(&f, &pdf).unwrap();
        let sig = tool("pdfsig", &[f.to_str().unwrap()]);
        assert!(sig.contains("Signature is Valid"), "{sig}");
        let text = tool("pdftotext", &[f.to_str().unwrap(), "-"]);
        assert!(
            text.contains("Balai Sertifikasi Elektronik"),
            "the BSrE footer sentence: {text}"
        );
    }
);

dual_test!(
    an_office_signs_with_the_pkcs12_its_ca_issued,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let office = izinkes_app::catalog::offices::get(&app.state, "jembrana")
            .await
            .unwrap();
        let pki =
            izinkes_documents::sign::demo_office_ca("DPMPTSPTK Kabupaten Jembrana", "Drs. I Nyoman Sutama").unwrap();
        let kadis = kadis_officer(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let permit_of = |id: String| {
            let app = &app;
            async move {
                let permit_id: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
                    .bind(&id)
                    .fetch_one(&app.state.db.pool)
                    .await
                    .unwrap();
                permit_id
            }
        };
        let signed_report = |permit_id: String| {
            let app = &app;
            async move {
                let p = izinkes_app::permits::archive::by_id(&app.state, &permit_id)
                    .await
                    .unwrap();
                let bytes = app.state.store.get(p.pdf_sha256.as_deref().unwrap()).await.unwrap();
                izinkes_documents::sign::verify_embedded(&bytes).unwrap()
            }
        };
        // Before the import the office signs with its demo certificate (the signer is now cached).
        let before = permit_of(ready_to_sign(&app, &applicant).await).await;
        izinkes_app::permits::signing::sign_one(&app.state, &kadis, &before)
            .await
            .unwrap();
        let report = signed_report(before).await;
        assert!(report.is_intact());
        assert!(!report.is_issued_by(&pki.ca_cert_pem).unwrap());

        let wrong = pki.to_pkcs12("bukan-sandinya").unwrap();
        assert!(
            izinkes_app::permits::signer::import_pkcs12(
                &app.state,
                &office,
                &wrong,
                "Drs. I Nyoman Sutama",
                "Kepala Dinas"
            )
            .await
            .is_err(),
            "a wrong password is refused at import"
        );
        let p12 = pki.to_pkcs12("uji-sandi-p12").unwrap();
        let subject = izinkes_app::permits::signer::import_pkcs12(
            &app.state,
            &office,
            &p12,
            "Drs. I Nyoman Sutama",
            "Kepala Dinas",
        )
        .await
        .unwrap();
        assert!(subject.contains("Sutama"), "{subject}");
        // The next permit is signed with the imported certificate, not the cached demo one.
        let after = permit_of(ready_to_sign(&app, &applicant).await).await;
        izinkes_app::permits::signing::sign_one(&app.state, &kadis, &after)
            .await
            .unwrap();
        let report = signed_report(after).await;
        assert!(report.is_intact());
        assert!(
            report.is_issued_by(&pki.ca_cert_pem).unwrap(),
            "signed by the imported certificate"
        );
        // The password is never stored.
        let stored: String =
            sqlx::query_scalar("SELECT signer_key_pem FROM office_documents WHERE office_id = 'jembrana'")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert!(!stored.contains("uji-sandi-p12"));
    }
);

dual_test!(a_renewal_replaces_the_old_permit, |app: TestApp| async move {
    staff(&app, "jembrana").await;
    let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let kadis = kadis_officer(&app, "jembrana").await;
    let first = ready_to_sign(&app, &applicant).await;
    let old: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
        .bind(&first)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    izinkes_app::permits::signing::sign_one(&app.state, &kadis, &old)
        .await
        .unwrap();
    // Perpanjangan opens 90 days before the end (issue 18), not right after issue.
    let r = applicant.post(&format!("/izin/{old}/perpanjang"), &[]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("dapat diajukan mulai"), "{}", r.body);
    assert!(
        applicant
            .get("/izin")
            .await
            .body
            .contains("Perpanjangan dapat diajukan mulai")
    );
    near_expiry(&app, &old).await;
    assert!(
        !applicant
            .get("/izin")
            .await
            .body
            .contains("Perpanjangan dapat diajukan mulai")
    );
    // …then a new application prefilled from the permit.
    let r = applicant.post(&format!("/izin/{old}/perpanjang"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let new_app = r
        .location
        .unwrap()
        .trim_start_matches("/permohonan/")
        .trim_end_matches("/tahap-1")
        .to_string();
    let review = applicant.get(&format!("/permohonan/{new_app}/periksa")).await;
    assert!(review.body.contains("RSU Negara"), "prefilled");
    assert_eq!(
        applicant
            .post(&format!("/permohonan/{new_app}/ajukan"), &[])
            .await
            .status,
        303
    );
    let def = WorkflowDefinition::preset("sepok").unwrap();
    let _ = def;
    // Walk the renewal through the desks with the same helper flow.
    let fo = login_officer(&app, "jembrana", "front_office", None).await;
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT requirement_key FROM application_documents WHERE application_id = $1")
            .bind(&new_app)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let names: Vec<String> = keys.iter().map(|k| format!("check_{k}")).collect();
    let mut f: Vec<(&str, &str)> = vec![("action", "checklist")];
    f.extend(names.iter().map(|n| (n.as_str(), "sesuai")));
    desk(&fo, &new_app, &f).await;
    desk(&fo, &new_app, &[("action", "forward")]).await;
    let tt = login_officer(&app, "jembrana", "tim_teknis", None).await;
    let page = tt.get(&format!("/petugas/berkas/{new_app}")).await;
    let lock = page.value_of("lock_version");
    tt.upload(
        &format!("/petugas/berkas/{new_app}/berita-acara"),
        "file",
        "ba.pdf",
        izinkes_app::demo::samples::pdf("BA"),
        &[
            ("lock_version", &lock),
            ("request_key", "ba2"),
            ("date", "2026-01-05"),
            ("officers", "Tim"),
            ("result", "sesuai"),
        ],
    )
    .await;
    desk(
        &tt,
        &new_app,
        &[
            ("action", "recommend"),
            ("approve", "ya"),
            ("number", "440/8/DINKES/2026"),
        ],
    )
    .await;
    desk(&tt, &new_app, &[("action", "forward")]).await;
    let bo = login_officer(&app, "jembrana", "back_office", None).await;
    desk(&bo, &new_app, &[("action", "prepare_draft")]).await;
    desk(&bo, &new_app, &[("action", "forward")]).await;
    let new_permit: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
        .bind(&new_app)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    izinkes_app::permits::signing::sign_one(&app.state, &kadis, &new_permit)
        .await
        .unwrap();
    let old_row = izinkes_app::permits::archive::by_id(&app.state, &old).await.unwrap();
    assert_eq!(old_row.status, "replaced");
    assert_eq!(old_row.replaced_by.as_deref(), Some(new_permit.as_str()));
    let public = app.browser().get(&format!("/v/{}", old_row.token)).await;
    assert!(public.body.contains("Diganti"));
});

dual_test!(
    holders_are_reminded_before_expiry_and_expired_permits_say_so,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let kadis = kadis_officer(&app, "jembrana").await;
        let id = ready_to_sign(&app, &applicant).await;
        let permit: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        izinkes_app::permits::signing::sign_one(&app.state, &kadis, &permit)
            .await
            .unwrap();
        assert_eq!(
            izinkes_app::permits::expiry::remind_expiring(&app.state).await.unwrap(),
            0,
            "five years ahead: nothing yet"
        );
        let in_days = |d: i64| {
            (chrono::Utc::now() + chrono::Duration::days(d))
                .format("%Y-%m-%d")
                .to_string()
        };
        sqlx::query("UPDATE permits SET valid_until = $1 WHERE id = $2")
            .bind(in_days(50))
            .bind(&permit)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(
            izinkes_app::permits::expiry::remind_expiring(&app.state).await.unwrap(),
            1
        );
        assert_eq!(
            izinkes_app::permits::expiry::remind_expiring(&app.state).await.unwrap(),
            0,
            "once per threshold"
        );
        app.smtp.wait_for("putu@example.com", "berakhir dalam").await;
        sqlx::query("UPDATE permits SET valid_until = $1 WHERE id = $2")
            .bind(in_days(20))
            .bind(&permit)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(
            izinkes_app::permits::expiry::remind_expiring(&app.state).await.unwrap(),
            1,
            "the 30-day reminder"
        );
        sqlx::query("UPDATE permits SET valid_until = $1 WHERE id = $2")
            .bind(in_days(-1))
            .bind(&permit)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let page = applicant.get("/izin").await;
        assert!(page.body.contains("Kedaluwarsa"), "{}", page.body);
        let token: String = sqlx::query_scalar("SELECT token FROM permits WHERE id = $1")
            .bind(&permit)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert!(
            app.browser()
                .get(&format!("/v/{token}"))
                .await
                .body
                .contains("Kedaluwarsa")
        );
    }
);

dual_test!(
    a_batch_signs_several_permits_at_once_and_answers_in_the_order_asked,
    |app: TestApp| async move {
        let secret = staff(&app, "jembrana").await;
        let kadis = kadis_officer(&app, "jembrana").await;
        let mut ids = Vec::new();
        for (i, nik) in ["5104010903970004", "5104010903970005", "5104010903970006"]
            .iter()
            .enumerate()
        {
            let applicant = quick_applicant(&app, nik, &format!("dokter{i}@example.com")).await;
            let id = ready_to_sign(&app, &applicant).await;
            let permit_id: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
                .bind(&id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
            ids.push(permit_id);
        }
        // The middle one is signed already.
        izinkes_app::permits::signing::sign_one(&app.state, &kadis, &ids[1])
            .await
            .unwrap();
        let code = izinkes_app::auth::totp::current_code(&secret).unwrap();
        let out = izinkes_app::permits::signing::sign_batch(&app.state, &kadis, &ids, &code, None)
            .await
            .unwrap();
        assert_eq!(out.iter().map(|o| o.permit_id.clone()).collect::<Vec<_>>(), ids);
        assert!(out[0].result.is_ok(), "{:?}", out[0].result);
        assert!(
            out[1]
                .result
                .as_ref()
                .is_err_and(|e| e.contains("sudah ditandatangani")),
            "{:?}",
            out[1].result
        );
        assert!(out[2].result.is_ok(), "{:?}", out[2].result);
        for (o, id) in out.iter().zip(&ids) {
            let p = izinkes_app::permits::archive::by_id(&app.state, id).await.unwrap();
            assert_eq!(p.status, "active");
            assert_eq!(o.number, p.number);
            let bytes = app.state.store.get(p.pdf_sha256.as_deref().unwrap()).await.unwrap();
            assert!(izinkes_documents::sign::verify_embedded(&bytes).unwrap().is_intact());
        }
        // Each permit has one number and one signed document.
        let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM permits WHERE office_id = 'jembrana'")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
        let mut unique = numbers.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), numbers.len());
    }
);

dual_test!(
    the_upload_check_reports_the_files_own_signature_beside_the_verdict,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let kadis = kadis_officer(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970007", "dokter7@example.com").await;
        let id = ready_to_sign(&app, &applicant).await;
        let permit_id: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        izinkes_app::permits::signing::sign_one(&app.state, &kadis, &permit_id)
            .await
            .unwrap();
        let p = izinkes_app::permits::archive::by_id(&app.state, &permit_id)
            .await
            .unwrap();
        let pdf = app.state.store.get(p.pdf_sha256.as_deref().unwrap()).await.unwrap();
        let signer = p.signer_name.clone().unwrap();
        let public = app.browser();
        let check = |bytes: Vec<u8>| {
            let public = &public;
            let path = format!("/v/{}/periksa", p.token);
            async move {
                let r = public.upload(&path, "file", "izin.pdf", bytes, &[]).await;
                assert_eq!(r.status, 200, "{}", r.body);
                (r.body.contains("Cocok."), r.text("#tanda-tangan-berkas"))
            }
        };

        let (same, note) = check(pdf.clone()).await;
        assert!(same);
        assert!(
            note.starts_with("Tanda tangan elektronik di dalam berkas utuh"),
            "{note}"
        );
        assert!(note.contains(&signer), "the signer's /Name: {note}");

        let mut appended = pdf.clone();
        appended.extend_from_slice(b"% ditambahkan\n");
        let (same, note) = check(appended).await;
        assert!(!same);
        assert!(note.contains("tidak utuh"), "{note}");

        let (same, note) = check(b"%PDF-1.7 bukan dokumen".to_vec()).await;
        assert!(!same);
        assert!(note.contains("tidak"), "{note}");
    }
);

async fn issue(app: &TestApp, applicant: &Browser, kadis: &izinkes_app::auth::officer::Officer) -> String {
    let id = ready_to_sign(app, applicant).await;
    let permit: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    izinkes_app::permits::signing::sign_one(&app.state, kadis, &permit)
        .await
        .unwrap();
    permit
}

/// Moves a permit's end to 30 days from now, inside its renewal window.
pub(crate) async fn near_expiry(app: &TestApp, permit_id: &str) {
    let end = (chrono::Utc::now().date_naive() + chrono::Days::new(30))
        .format("%Y-%m-%d")
        .to_string();
    sqlx::query("UPDATE permits SET valid_until = $1 WHERE id = $2")
        .bind(end)
        .bind(permit_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

pub(crate) async fn status_of(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar("SELECT status FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

// Issue 18: the three-place cap counts places in use, not applications ever filed.
dual_test!(
    the_practice_place_cap_counts_places_in_use_not_applications,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let kadis = kadis_officer(&app, "jembrana").await;
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(issue(&app, &applicant, &kadis).await);
        }
        let numbers: Vec<String> = {
            let mut n = Vec::new();
            for p in &held {
                n.push(
                    izinkes_app::permits::archive::by_id(&app.state, p)
                        .await
                        .unwrap()
                        .number,
                );
            }
            n
        };

        // A fourth place is refused, naming the three permits it counted.
        let fourth = start_drsp(&applicant).await;
        fill_step1(&applicant, &fourth).await;
        fill_step2(&applicant, &fourth).await;
        upload_all(&applicant, &fourth).await;
        let r = applicant.post(&format!("/permohonan/{fourth}/ajukan"), &[]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("3 dari 3 tempat praktik"), "{}", r.body);
        for n in &numbers {
            assert!(r.body.contains(n.as_str()), "{n} named");
        }
        assert_eq!(status_of(&app, &fourth).await, "draft");

        // Renewing the third is the same place: allowed (refused before issue 18).
        near_expiry(&app, &held[2]).await;
        let r = applicant.post(&format!("/izin/{}/perpanjang", held[2]), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let renewal = r
            .location
            .unwrap()
            .trim_start_matches("/permohonan/")
            .trim_end_matches("/tahap-1")
            .to_string();
        let r = applicant.post(&format!("/permohonan/{renewal}/ajukan"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(status_of(&app, &renewal).await, "submitted");
        // …and the open renewal does not take a fourth place either.
        let r = applicant.post(&format!("/permohonan/{fourth}/ajukan"), &[]).await;
        assert_eq!(r.status, 422, "{}", r.body);

        // A revoked permit frees its place.
        izinkes_app::permits::archive::revoke(
            &app.state,
            &kadis,
            &held[0],
            "Pindah ke kabupaten lain atas permintaan pemegang izin.",
            "800/12/DPMPTSP/2026",
        )
        .await
        .unwrap();
        let r = applicant.post(&format!("/permohonan/{fourth}/ajukan"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(status_of(&app, &fourth).await, "submitted");

        // Izin Saya filters by status, number, type and year (seed 003, Cetak Dokumen).
        let page = applicant.get("/izin?status=revoked").await;
        assert!(page.body.contains("1 dari 3 izin sesuai saringan"), "{}", page.body);
        assert!(page.body.contains(&numbers[0]) && !page.body.contains(&numbers[1]));
        let page = applicant.get(&format!("/izin?nomor={}", &numbers[1][..8])).await;
        assert!(page.body.contains("sesuai saringan"));
        let page = applicant
            .get(&format!(
                "/izin?jenis=SIP-DRSP&nomor={}",
                numbers[2].replace('/', "%2F")
            ))
            .await;
        assert!(page.body.contains("1 dari 3 izin sesuai saringan"), "{}", page.body);
        assert!(page.body.contains(&numbers[2]) && !page.body.contains(&numbers[1]));
        let page = applicant.get("/izin?tahun=1999").await;
        assert!(page.body.contains("0 dari 3 izin sesuai saringan"));
        assert!(page.body.contains("Tidak ada izin aktif yang sesuai saringan"));
    }
);
