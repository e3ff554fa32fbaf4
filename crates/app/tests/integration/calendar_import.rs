//! Loading a year's holidays (issue 18): an admin pastes the decree as CSV, all rows or none,
//! days already there skipped; the admin's home and Kalender warn while the calendar knows the
//! national holidays for less than the next 60 days.

use crate::dual_test;
use crate::office_documents::admin;
use crate::support::TestApp;
use chrono::Datelike;

async fn holidays_of(app: &TestApp, office: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM holidays WHERE office_id = $1")
        .bind(office)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// New Year of the year 60 days from now and of the year after: enough for the calendar to
/// reach 60 days ahead whatever the date the test runs on.
fn next_decree() -> (i32, String) {
    let year = (chrono::Utc::now().date_naive() + chrono::Days::new(70)).year();
    let csv = format!(
        "date,kind,name,decree\n{year}-01-01,libur,Tahun Baru {year} Masehi,SKB uji\n\n{next}-01-01,libur,Tahun Baru {next} Masehi,SKB uji\n",
        next = year + 1
    );
    (year, csv)
}

dual_test!(
    an_admin_loads_next_years_decree_from_csv_all_or_nothing,
    |app: TestApp| async move {
        let a = admin(&app, "jembrana").await;
        let before = holidays_of(&app, "jembrana").await;
        let (year, good) = next_decree();

        // A wrong line: the line named next to the field, the text kept, nothing saved.
        let bad = format!("{good}{year}-02-30,libur,Hari yang tidak ada,SKB uji\n");
        let r = a
            .post("/petugas/admin/kalender", &[("what", "import"), ("csv", bad.as_str())])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.field_error("csv").contains("Baris 5"), "{}", r.field_error("csv"));
        assert!(r.body.contains("Hari yang tidak ada"), "the pasted text is kept");
        assert_eq!(holidays_of(&app, "jembrana").await, before, "nothing half-saved");
        let r = a
            .post(
                "/petugas/admin/kalender",
                &[("what", "import"), ("csv", "tanggal;nama")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("csv").contains("date,kind,name,decree"));

        // The decree: both days in, the notice counts them; again, both skipped.
        let r = a
            .post("/petugas/admin/kalender", &[("what", "import"), ("csv", good.as_str())])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = a.get(r.location.as_deref().unwrap()).await;
        assert!(page.body.contains("2 hari libur dimuat dari CSV"), "{}", page.body);
        assert!(page.body.contains(&format!("Tahun Baru {year} Masehi")));
        assert_eq!(holidays_of(&app, "jembrana").await, before + 2);
        let r = a
            .post("/petugas/admin/kalender", &[("what", "import"), ("csv", good.as_str())])
            .await;
        let page = a.get(r.location.as_deref().unwrap()).await;
        assert!(
            page.body
                .contains("0 hari libur dimuat dari CSV; 2 sudah ada dan dilewati")
        );
        assert_eq!(holidays_of(&app, "jembrana").await, before + 2);
        assert!(!page.body.contains("Sesudah itu setiap Senin–Jumat dihitung hari kerja"));

        // The other office's calendar is its own.
        assert_eq!(holidays_of(&app, "pontianak").await, 0);
    }
);

dual_test!(
    the_admin_is_warned_until_the_calendar_reaches_60_days_ahead,
    |app: TestApp| async move {
        sqlx::query("DELETE FROM holidays")
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        app.state.forget_office("jembrana");
        app.state.forget_office("pontianak");
        let a = admin(&app, "jembrana").await;
        for url in ["/petugas/admin", "/petugas/admin/kalender"] {
            let r = a.get(url).await;
            assert!(r.body.contains("belum memuat hari libur nasional"), "{url}: {}", r.body);
        }

        // National data from the instance administrator reaches every office.
        let (_, csv) = next_decree();
        let done = izinkes_app::office_admin::calendar::import_national_csv(&app.state, &csv)
            .await
            .unwrap();
        assert_eq!((done.added, done.skipped), (2, 0));
        for url in ["/petugas/admin", "/petugas/admin/kalender"] {
            let r = a.get(url).await;
            assert!(!r.body.contains("Sesudah itu setiap Senin–Jumat"), "{url}");
        }
        let b = admin(&app, "pontianak").await;
        assert!(
            !b.get("/petugas/admin")
                .await
                .body
                .contains("Sesudah itu setiap Senin–Jumat")
        );
    }
);
