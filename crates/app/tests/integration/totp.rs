//! Officer two-step sign-in (TOTP, RFC 6238): Kepala Dinas and Admin must enrol on their first
//! sign-in and give a code every time after; other officers sign in with the password alone
//! unless they turn it on. Recovery codes work once; wrong codes count toward the login
//! throttle; a session that still owes its code opens no officer page and no API call.

use crate::dual_test;
use crate::support::{Browser, Response, TestApp};
use izinkes_app::accounts;
use izinkes_app::auth;
use izinkes_app::auth::sessions::SessionKind;
use izinkes_app::auth::sessions::SubjectKind;
use izinkes_domain::roles::Role;
use serde_json::{Value, json};

const PASSWORD: &str = "Petugas-Jembrana-2026";

async fn officer(app: &TestApp, email: &str, roles: &[Role]) -> String {
    accounts::officers::add_officer(
        &app.state,
        "jembrana",
        email,
        "I Made Kadis",
        "Kepala Dinas",
        PASSWORD,
        roles,
    )
    .await
    .expect("officer")
}

async fn sign_in(b: &Browser, email: &str) -> Response {
    b.post("/petugas/masuk", &[("email", email), ("password", PASSWORD)])
        .await
}

/// Failed logins recorded against the officer's account within the window.
async fn failures(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1")
        .bind(format!("officer:{email}"))
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count")
}

/// A code the server accepts now: the authenticator's, for a time step after the last one used
/// (each step is accepted once; one step of drift either way is allowed).
async fn fresh_code(app: &TestApp, officer_id: &str, secret: &str) -> String {
    let last: Option<i64> = sqlx::query_scalar("SELECT totp_last_step FROM officers WHERE id = $1")
        .bind(officer_id)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("last step");
    loop {
        let t = chrono::Utc::now().timestamp();
        let now = auth::totp::step_of(t);
        // The previous step only early in the window, so the code is still good when it arrives.
        let candidates = [(t % 30 < 20).then_some(now - 1), Some(now), Some(now + 1)];
        if let Some(step) = candidates.into_iter().flatten().find(|s| last.is_none_or(|l| *s > l)) {
            return auth::totp::code_at_step(secret, step).expect("code");
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// A 6-digit code that is none of the ones accepted around now.
fn wrong_code(secret: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let near: Vec<String> = (-2..=2)
        .filter_map(|d| auth::totp::code_at(secret, now + d * 30))
        .collect();
    (0..10)
        .map(|d| format!("{d}{d}{d}{d}{d}{d}"))
        .find(|c| !near.contains(c))
        .expect("a wrong code")
}

fn recovery_codes(r: &Response) -> Vec<String> {
    let doc = r.doc();
    let sel = scraper::Selector::parse("#kode-pemulihan li code").expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// Enrols through the pages the browser is on (pending sign-in or full session); returns the
/// secret and the recovery codes shown.
async fn enrol(app: &TestApp, b: &Browser, officer_id: &str) -> (String, Vec<String>) {
    let page = b.get("/petugas/keamanan").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let secret: String = page.text("#kunci-totp").split_whitespace().collect();
    assert_eq!(
        secret.len(),
        32,
        "the secret is shown in groups of four: {}",
        page.text("#kunci-totp")
    );
    let code = fresh_code(app, officer_id, &secret).await;
    let r = b.post("/petugas/keamanan/aktifkan", &[("code", &code)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let codes = recovery_codes(&r);
    assert_eq!(codes.len(), 10, "{}", r.body);
    (secret, codes)
}

dual_test!(
    officer_without_required_2fa_signs_in_directly,
    |app: TestApp| async move {
        let email = "fo@jembrana.go.id";
        officer(&app, email, &[Role::FrontOffice]).await;
        let b = app.browser();
        let r = sign_in(&b, email).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/petugas")), "{}", r.body);
        let desk = b.get("/petugas").await;
        assert_eq!(desk.status, 200, "a full session opens the desk: {:?}", desk.location);

        let r = app
            .api()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD, "kind": "officer"}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["token"].as_str().map(str::len), Some(52), "{body}");
    }
);

dual_test!(
    kadis_enrols_on_first_sign_in_then_gives_a_code_every_time,
    |app: TestApp| async move {
        let email = "kadis@jembrana.go.id";
        let id = officer(&app, email, &[Role::Kadis]).await;

        // First sign-in: the password is right, but the session is pending and must enrol first.
        let b = app.browser();
        let r = sign_in(&b, email).await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/petugas/keamanan")),
            "{}",
            r.body
        );
        let r = b.get("/petugas").await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/petugas/2fa")),
            "pending sessions open no officer page"
        );
        let r = b.get("/petugas/2fa").await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/petugas/keamanan")),
            "not enrolled yet: enrol first"
        );

        let page = b.get("/petugas/keamanan").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("wajib memakai"), "{}", page.body);
        let doc = page.doc();
        let img = doc
            .select(&scraper::Selector::parse("img").expect("selector"))
            .next()
            .and_then(|e| e.value().attr("src").map(str::to_string))
            .unwrap_or_default();
        assert!(
            img.starts_with("data:image/svg+xml,"),
            "the QR code is a data: URI image: {img:.60}"
        );
        let secret: String = page.text("#kunci-totp").split_whitespace().collect();
        assert_eq!(secret.len(), 32);
        assert!(page.text("#kunci-totp").contains(' '), "grouped for typing by hand");
        let stored: Option<String> = sqlx::query_scalar("SELECT totp_enabled_at FROM officers WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .expect("officer");
        assert_eq!(stored, None, "not enabled before a code confirms it");

        // A wrong code is refused, with a message next to the field, and counted.
        let r = b
            .post("/petugas/keamanan/aktifkan", &[("code", &wrong_code(&secret))])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.field_error("code").contains("Kode tidak cocok"),
            "{}",
            r.field_error("code")
        );
        assert_eq!(failures(&app, email).await, 1);
        let r = b.get("/petugas").await;
        assert_eq!(r.location.as_deref(), Some("/petugas/2fa"), "still pending");

        // The right code (computed from the secret on the page) enables it and shows 10 recovery
        // codes once; the sign-in is complete.
        let code = fresh_code(&app, &id, &secret).await;
        let r = b.post("/petugas/keamanan/aktifkan", &[("code", &code)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let codes = recovery_codes(&r);
        assert_eq!(codes.len(), 10, "{}", r.body);
        assert_eq!(failures(&app, email).await, 0, "a right code clears the count");
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT code_hash FROM officer_recovery_codes WHERE officer_id = $1")
                .bind(&id)
                .fetch_all(&app.state.db.pool)
                .await
                .expect("codes");
        assert_eq!(stored.len(), 10);
        assert!(
            stored
                .iter()
                .all(|h| h.len() == 64 && !codes.iter().any(|c| h.contains(&c.replace('-', "")))),
            "only hashes"
        );
        let r = b.get("/petugas").await;
        assert_eq!(r.status, 200, "the session is a full one now: {:?}", r.location);
        let r = b.get("/petugas/keamanan").await;
        assert!(r.text("#sisa-kode").contains("10 dari 10"), "{}", r.body);
        assert!(
            !r.body.contains("/petugas/keamanan/nonaktifkan"),
            "Kepala Dinas cannot turn it off"
        );
        let r = b.post("/petugas/keamanan/nonaktifkan", &[("code_off", "123456")]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("wajib untuk Kepala Dinas"), "{}", r.body);

        // Next sign-in asks for the code.
        let b2 = app.browser();
        let r = sign_in(&b2, email).await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/petugas/2fa")),
            "{}",
            r.body
        );
        let r = b2.get("/petugas").await;
        assert_eq!(r.location.as_deref(), Some("/petugas/2fa"));
        let r = b2.get("/petugas/2fa").await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Kode autentikator (6 digit)"), "{}", r.body);
        assert!(r.body.contains("kode pemulihan"), "{}", r.body);

        // A wrong code: refused, counted toward the login throttle.
        let r = b2.post("/petugas/2fa", &[("code", &wrong_code(&secret))]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.field_error("code").contains("Kode salah"),
            "{}",
            r.field_error("code")
        );
        assert_eq!(failures(&app, email).await, 1);
        let r = b2.post("/petugas/2fa", &[("code", "")]).await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("code").contains("Masukkan kode"), "{}", r.body);

        // The right code: a new session token replaces the pending one.
        let code = fresh_code(&app, &id, &secret).await;
        let r = b2.post("/petugas/2fa", &[("code", &code)]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/petugas")), "{}", r.body);
        assert_eq!(b2.get("/petugas").await.status, 200);
        assert_eq!(failures(&app, email).await, 0);
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE subject_id = $1 AND mfa_pending = 1")
                .bind(&id)
                .fetch_one(&app.state.db.pool)
                .await
                .expect("sessions");
        assert_eq!(pending, 0, "the pending session was replaced, not upgraded in place");

        // The same code again is refused (used within its window).
        let b3 = app.browser();
        sign_in(&b3, email).await;
        let r = b3.post("/petugas/2fa", &[("code", &code)]).await;
        assert_eq!(r.status, 422, "a code works once: {}", r.body);

        // A recovery code works once only (typed in capitals is fine).
        let r = b3.post("/petugas/2fa", &[("code", &codes[0].to_uppercase())]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/petugas")), "{}", r.body);
        let b4 = app.browser();
        sign_in(&b4, email).await;
        let r = b4.post("/petugas/2fa", &[("code", &codes[0])]).await;
        assert_eq!(r.status, 422, "a recovery code works once: {}", r.body);
        let r = b4.post("/petugas/2fa", &[("code", &codes[1])]).await;
        assert_eq!(r.location.as_deref(), Some("/petugas"), "{}", r.body);
        let r = b4.get("/petugas/keamanan").await;
        assert!(r.text("#sisa-kode").contains("8 dari 10"), "{}", r.body);

        // New recovery codes replace the old ones.
        let code = fresh_code(&app, &id, &secret).await;
        let r = b4
            .post("/petugas/keamanan/kode-pemulihan", &[("code_new", &code)])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let fresh = recovery_codes(&r);
        assert_eq!(fresh.len(), 10);
        let b5 = app.browser();
        sign_in(&b5, email).await;
        let r = b5.post("/petugas/2fa", &[("code", &codes[2])]).await;
        assert_eq!(r.status, 422, "old recovery codes stop working");

        // Wrong codes count toward the throttle: five failures pause the account, password too.
        let mut last = r;
        for _ in 0..10 {
            if last.status == 429 {
                break;
            }
            last = b5.post("/petugas/2fa", &[("code", &wrong_code(&secret))]).await;
        }
        assert_eq!(last.status, 429, "{}", last.body);
        assert!(
            last.field_error("code").contains("Terlalu banyak percobaan"),
            "{}",
            last.body
        );
        let r = b5.post("/petugas/2fa", &[("code", &fresh[0])]).await;
        assert_eq!(r.status, 429, "paused even for a right code");
        let r = sign_in(&app.browser(), email).await;
        assert!(
            r.field_error("email").contains("Terlalu banyak percobaan"),
            "{}",
            r.body
        );
    }
);

dual_test!(api_officer_login_needs_the_code, |app: TestApp| async move {
    let email = "admin@jembrana.go.id";
    let id = officer(&app, email, &[Role::Admin]).await;
    let login = |body: Value| {
        let http = app.api();
        let url = app.url("/api/v1/auth/login");
        async move {
            let r = http.post(url).json(&body).send().await.expect("login");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };

    // Not enrolled yet: the API cannot enrol; it says where to.
    let (status, body) = login(json!({"email": email, "password": PASSWORD, "kind": "officer"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("mfa_required")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("belum diaktifkan"),
        "{body}"
    );

    let enrolment = auth::mfa::begin_totp_enrolment(&app.state, &id).await.expect("begin");
    let code = fresh_code(&app, &id, &enrolment.secret).await;
    let codes = auth::mfa::confirm_totp_enrolment(&app.state, &id, &code, "127.0.0.1")
        .await
        .expect("confirm");

    let (status, body) = login(json!({"email": email, "password": PASSWORD, "kind": "officer"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("mfa_required")),
        "{body}"
    );
    assert!(
        body["error"]["message"].as_str().unwrap_or("").contains("kode 6 digit"),
        "{body}"
    );

    let wrong = wrong_code(&enrolment.secret);
    let (status, body) = login(json!({"email": email, "password": PASSWORD, "kind": "officer", "totp": wrong})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("mfa_invalid")),
        "{body}"
    );
    assert_eq!(failures(&app, email).await, 1);

    let (status, body) =
        login(json!({"email": email, "password": "Salah-Sandi-2026", "kind": "officer", "totp": "123456"})).await;
    assert_eq!(status, 422, "a wrong password is refused before any code: {body}");

    let code = fresh_code(&app, &id, &enrolment.secret).await;
    let (status, body) = login(json!({"email": email, "password": PASSWORD, "kind": "officer", "totp": code})).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap_or_default().to_string();
    let me = app
        .api()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);
    assert_eq!(failures(&app, email).await, 0);

    let (status, body) =
        login(json!({"email": email, "password": PASSWORD, "kind": "officer", "totp": codes[3]})).await;
    assert_eq!(status, 200, "a recovery code works in the API too: {body}");
    let (status, body) =
        login(json!({"email": email, "password": PASSWORD, "kind": "officer", "totp": codes[3]})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("mfa_invalid")),
        "once only: {body}"
    );

    // A pending web session is no session for the API either.
    let pending = auth::sessions::login(
        &app.state,
        SubjectKind::Officer,
        email,
        PASSWORD,
        "127.0.0.1",
        SessionKind::Web,
    )
    .await
    .expect("pending");
    assert!(
        auth::sessions::resolve_session(&app.state, &pending)
            .await
            .expect("resolve")
            .is_none()
    );
    let s = auth::sessions::resolve_any_session(&app.state, &pending)
        .await
        .expect("resolve")
        .expect("pending session");
    assert!(s.mfa_pending);
    let me = app
        .api()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&pending)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 401);
});

dual_test!(
    any_officer_may_turn_two_step_sign_in_on_and_off,
    |app: TestApp| async move {
        let email = "bo@jembrana.go.id";
        let id = officer(&app, email, &[Role::BackOffice]).await;
        let b = app.browser();
        assert_eq!(sign_in(&b, email).await.location.as_deref(), Some("/petugas"));
        let page = b.get("/petugas/keamanan").await;
        assert!(page.body.contains("Disarankan untuk semua petugas"), "{}", page.body);
        let (secret, _) = enrol(&app, &b, &id).await;

        let b2 = app.browser();
        assert_eq!(
            sign_in(&b2, email).await.location.as_deref(),
            Some("/petugas/2fa"),
            "now asked for a code"
        );
        let code = fresh_code(&app, &id, &secret).await;
        assert_eq!(
            b2.post("/petugas/2fa", &[("code", &code)]).await.location.as_deref(),
            Some("/petugas")
        );

        let page = b2.get("/petugas/keamanan").await;
        assert!(page.body.contains("/petugas/keamanan/nonaktifkan"), "{}", page.body);
        let r = b2
            .post("/petugas/keamanan/nonaktifkan", &[("code_off", &wrong_code(&secret))])
            .await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("code_off").contains("Kode salah"), "{}", r.body);
        let code = fresh_code(&app, &id, &secret).await;
        let r = b2.post("/petugas/keamanan/nonaktifkan", &[("code_off", &code)]).await;
        assert_eq!(
            r.location.as_deref(),
            Some("/petugas/keamanan?nonaktif=1"),
            "{}",
            r.body
        );
        let r = b2.get("/petugas/keamanan?nonaktif=1").await;
        assert!(r.body.contains("telah dimatikan"), "{}", r.body);

        let b3 = app.browser();
        assert_eq!(
            sign_in(&b3, email).await.location.as_deref(),
            Some("/petugas"),
            "password alone again"
        );

        // The admin's reset (lost phone and recovery codes) ends the sessions and clears it.
        let (_, _) = enrol(&app, &b3, &id).await;
        assert!(auth::mfa::reset_officer_totp(&app.state, email).await.expect("reset"));
        assert_eq!(
            b3.get("/petugas").await.location.as_deref(),
            Some("/petugas/masuk"),
            "signed out"
        );
        assert_eq!(
            sign_in(&app.browser(), email).await.location.as_deref(),
            Some("/petugas")
        );
        assert!(
            !auth::mfa::reset_officer_totp(&app.state, "nobody@jembrana.go.id")
                .await
                .expect("reset")
        );
    }
);
