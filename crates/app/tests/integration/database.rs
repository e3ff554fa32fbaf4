//! The PostgreSQL connection as the service opens it.

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
