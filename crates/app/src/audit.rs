//! `izinkes audit verify`: recomputes every application's hash-chained history and reports any
//! entry that was edited, deleted or reordered.

use crate::applications::{NewHistory, history_hash};
use crate::db::opt_text;
use crate::error::ServiceResult;
use crate::state::AppState;
use sqlx::Row;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub application_id: String,
    pub seq: i64,
    pub problem: String,
}

#[derive(Debug, Default)]
pub struct Report {
    pub applications: usize,
    pub entries: usize,
    pub findings: Vec<Finding>,
}

/// Walks every chain. An edited row no longer matches its own hash; a deleted row leaves a
/// gap in the sequence and a broken link; a reordered row breaks the links around it.
pub async fn verify(state: &AppState) -> ServiceResult<Report> {
    let rows = sqlx::query(
        "SELECT id, application_id, office_id, seq, at, actor_kind, actor_id, actor_name, actor_role, action, from_status, to_status, step, \
           public_note, internal_note, prev_hash, hash FROM application_history ORDER BY application_id, id",
    )
    .fetch_all(&state.db.pool)
    .await?;
    let mut report = Report::default();
    let mut current = String::new();
    let mut expected_prev = String::new();
    let mut expected_seq = 0i64;
    for r in rows {
        let app: String = r.try_get("application_id")?;
        if app != current {
            current = app.clone();
            expected_prev = "0".repeat(64);
            expected_seq = 1;
            report.applications += 1;
        }
        report.entries += 1;
        let seq: i64 = r.try_get("seq")?;
        let prev: String = r.try_get("prev_hash")?;
        let hash: String = r.try_get("hash")?;
        let (office_id, at, actor_kind, actor_name, action, to_status): (
            String,
            String,
            String,
            String,
            String,
            String,
        ) = (
            r.try_get("office_id")?,
            r.try_get("at")?,
            r.try_get("actor_kind")?,
            r.try_get("actor_name")?,
            r.try_get("action")?,
            r.try_get("to_status")?,
        );
        let (actor_id, actor_role, from_status, step, public_note, internal_note) = (
            opt_text(&r, "actor_id")?,
            opt_text(&r, "actor_role")?,
            opt_text(&r, "from_status")?,
            opt_text(&r, "step")?,
            opt_text(&r, "public_note")?,
            opt_text(&r, "internal_note")?,
        );
        let entry = NewHistory {
            office_id: &office_id,
            application_id: &app,
            actor_kind: &actor_kind,
            actor_id: actor_id.as_deref(),
            actor_name: &actor_name,
            actor_role: actor_role.as_deref(),
            action: &action,
            from_status: from_status.as_deref(),
            to_status: &to_status,
            step: step.as_deref(),
            public_note: public_note.as_deref(),
            internal_note: internal_note.as_deref(),
        };
        let mut push = |problem: String| {
            report.findings.push(Finding {
                application_id: app.clone(),
                seq,
                problem,
            })
        };
        if history_hash(&prev, seq, &at, &entry) != hash {
            push("isi entri diubah (hash tidak cocok)".into());
        }
        if seq != expected_seq {
            push(format!(
                "urutan rusak: diharapkan entri {expected_seq}, ditemukan {seq} (entri dihapus atau disisipkan)"
            ));
        }
        if prev != expected_prev {
            push(
                "rantai terputus: hash entri sebelumnya tidak cocok (entri dihapus, diubah, atau diurutkan ulang)"
                    .into(),
            );
        }
        expected_prev = hash;
        expected_seq = seq + 1;
    }
    Ok(report)
}
