//! The outbox worker on a backlog: every message delivered once, every outcome recorded.

use crate::dual_test;
use crate::support::{Backend, TestApp};
use std::time::Duration;

const BACKLOG: usize = 45; // more than two claimed batches of 20

async fn queue_backlog(app: &TestApp) {
    let mut tx = app.state.db.begin().await.expect("begin");
    for i in 0..BACKLOG {
        izinkes_app::platform::outbox::enqueue_email(
            &mut tx,
            None,
            &format!("antrean{i}@example.com"),
            &format!("Pengingat {i}"),
            "Izin Anda akan berakhir.",
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");
    app.state.wake_outbox();
}

/// (sent, unsent with an error recorded, unsent without one) among the backlog's rows.
async fn backlog_rows(app: &TestApp) -> (i64, i64, i64) {
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&app.state.db.pool)
            .await
            .expect("count")
    };
    (
        count("SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'antrean%' AND sent_at IS NOT NULL").await,
        count(
            "SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'antrean%' AND sent_at IS NULL AND last_error IS NOT NULL",
        )
        .await,
        count("SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'antrean%' AND sent_at IS NULL AND last_error IS NULL")
            .await,
    )
}

dual_test!(
    a_backlog_is_delivered_once_each_and_marked_sent,
    |app: TestApp| async move {
        queue_backlog(&app).await;
        for _ in 0..200 {
            if backlog_rows(&app).await.0 == BACKLOG as i64 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(backlog_rows(&app).await, (BACKLOG as i64, 0, 0), "all marked sent");
        let mails = app.smtp.mails.lock().expect("lock").clone();
        for i in 0..BACKLOG {
            let to = format!("antrean{i}@example.com");
            assert_eq!(
                mails.iter().filter(|m| m.to == to).count(),
                1,
                "exactly one mail to {to}"
            );
        }
        let leases: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'antrean%' AND lease_until IS NOT NULL",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .expect("leases");
        assert_eq!(leases, 0, "no lease left behind");
    }
);

async fn with_mail_server_down(backend: Backend) {
    // A port nothing listens on: every delivery fails to connect.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let app = TestApp::spawn_configured(backend, false, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    })
    .await;
    queue_backlog(&app).await;
    for _ in 0..400 {
        if backlog_rows(&app).await.1 == BACKLOG as i64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        backlog_rows(&app).await,
        (0, BACKLOG as i64, 0),
        "every failure recorded, nothing marked sent"
    );
    let (early, attempts_wrong): (i64, i64) = (
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'antrean%' AND next_attempt_at <= created_at",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .expect("next attempts"),
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'antrean%' AND attempts <> 1")
            .fetch_one(&app.state.db.pool)
            .await
            .expect("attempts"),
    );
    assert_eq!(early, 0, "each failure waits for its backoff before the next attempt");
    assert_eq!(attempts_wrong, 0, "one attempt each, not retried at once");
}

mod a_failed_backlog_waits_for_its_backoff {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        with_mail_server_down(Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        with_mail_server_down(Backend::Postgres).await;
    }
}
