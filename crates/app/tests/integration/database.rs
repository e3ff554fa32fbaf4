//! The database as the service opens it: the PostgreSQL connection, and the migrations'
//! checksums (an applied migration edited since is refused, an older database gets them).

use crate::dual_test;
use crate::support::TestApp;
use crate::support::pg_admin_url;
use izinkes_app::platform::db::Db;

async fn uses_tls(db: &Db) -> bool {
    sqlx::query_scalar::<_, bool>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&db.pool)
        .await
        .expect("pg_stat_ssl")
}

/// A PostgreSQL on this machine named without an `sslmode` is reached without TLS (the traffic
/// never leaves the machine); an `sslmode` in the URL is honoured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_postgresql_is_reached_without_tls_unless_the_url_asks() {
    let admin = pg_admin_url();
    let url = url::Url::parse(&admin).expect("TEST_DATABASE_URL is a URL");
    let local = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    let asked = url.query_pairs().any(|(k, _)| k == "sslmode");
    assert!(
        local && !asked && std::env::var_os("PGSSLMODE").is_none(),
        "this test needs TEST_DATABASE_URL on this machine without an sslmode (got {admin})"
    );
    let db = Db::connect(&admin).await.expect("connect");
    assert!(!uses_tls(&db).await, "no TLS to a local server by default");
    let server_has_tls: String = sqlx::query_scalar("SHOW ssl")
        .fetch_one(&db.pool)
        .await
        .expect("show ssl");
    db.pool.close().await;
    if server_has_tls == "on" {
        let sep = if admin.contains('?') { '&' } else { '?' };
        let db = Db::connect(&format!("{admin}{sep}sslmode=require"))
            .await
            .expect("connect with TLS");
        assert!(uses_tls(&db).await, "sslmode=require in the URL is honoured");
        db.pool.close().await;
    }
}

async fn recorded_checksums(db: &Db) -> Vec<(i64, Option<String>)> {
    sqlx::query_as("SELECT version, checksum FROM schema_migrations ORDER BY version")
        .fetch_all(&db.pool)
        .await
        .expect("schema_migrations")
}

fn expected_checksums() -> Vec<(i64, Option<String>)> {
    izinkes_app::platform::migrations::MIGRATIONS
        .iter()
        .map(|(version, _, sql)| (*version, Some(izinkes_app::platform::migrations::checksum(sql))))
        .collect()
}

dual_test!(
    every_applied_migration_is_recorded_with_the_checksum_of_its_text,
    |app: TestApp| async move {
        assert_eq!(recorded_checksums(&app.state.db).await, expected_checksums());
        assert_eq!(app.state.db.migrate().await.expect("again"), 0, "nothing left to apply");
    }
);

dual_test!(
    a_migration_edited_after_it_was_applied_stops_the_start,
    |app: TestApp| async move {
        // What an edited file looks like from the database: its recorded checksum is not the
        // checksum of the text the binary carries.
        sqlx::query("UPDATE schema_migrations SET checksum = $1 WHERE version = 5")
            .bind(izinkes_app::platform::migrations::checksum(
                "-- the text as it was released\n",
            ))
            .execute(&app.state.db.pool)
            .await
            .expect("update");
        let err = app
            .state
            .db
            .migrate()
            .await
            .expect_err("an edited migration is refused");
        let message = err.to_string();
        assert!(
            message.starts_with("migration 0005_templates_changes was edited after it was applied;"),
            "{message}"
        );
        assert!(message.contains("new migration"), "{message}");
    }
);

dual_test!(
    a_database_migrated_before_checksums_gets_them_on_its_next_start,
    |app: TestApp| async move {
        let db = &app.state.db;
        sqlx::query("ALTER TABLE schema_migrations DROP COLUMN checksum")
            .execute(&db.pool)
            .await
            .expect("back to the table as it was");
        assert_eq!(db.migrate().await.expect("upgrade"), 0);
        assert_eq!(recorded_checksums(db).await, expected_checksums());
        // Recorded once: an edit after the upgrade is caught.
        sqlx::query("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1")
            .execute(&db.pool)
            .await
            .expect("update");
        let message = db.migrate().await.expect_err("refused").to_string();
        assert!(message.contains("migration 0001_init was edited"), "{message}");
    }
);
