//! The append-only, hash-chained history of each application, and `izinkes audit verify`, which
//! recomputes every chain and reports any entry that was edited, deleted or reordered.

use crate::applications::queries;
use crate::applications::queries::HistoryLink;
use crate::platform::db::Tx;
use crate::platform::db::now_text;
use crate::platform::error::ServiceResult;
use crate::platform::ids::sha256_hex;
use crate::state::AppState;

/// One row of the append-only history. Each entry carries the hash of the previous entry of
/// the same application, so an edited, deleted or reordered row breaks the chain.
pub struct NewHistory<'a> {
    pub office_id: &'a str,
    pub application_id: &'a str,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: &'a str,
    pub step: Option<&'a str>,
    pub public_note: Option<&'a str>,
    pub internal_note: Option<&'a str>,
}

pub fn history_hash(prev_hash: &str, seq: i64, at: &str, h: &NewHistory<'_>) -> String {
    let fields = [
        prev_hash,
        &seq.to_string(),
        at,
        h.application_id,
        h.actor_kind,
        h.actor_id.unwrap_or(""),
        h.actor_name,
        h.actor_role.unwrap_or(""),
        h.action,
        h.from_status.unwrap_or(""),
        h.to_status,
        h.step.unwrap_or(""),
        h.public_note.unwrap_or(""),
        h.internal_note.unwrap_or(""),
    ];
    // Length-prefixed, so no two different entries serialise to the same bytes.
    let mut buf = String::new();
    for f in fields {
        buf.push_str(&f.len().to_string());
        buf.push(':');
        buf.push_str(f);
        buf.push('|');
    }
    sha256_hex(buf.as_bytes())
}

pub async fn append_history(tx: &mut Tx, h: &NewHistory<'_>) -> ServiceResult<()> {
    let last = queries::last_history(&mut **tx, h.application_id).await?;
    let (seq, prev) = match last {
        Some(r) => (r.seq + 1, r.hash),
        None => (1, "0".repeat(64)),
    };
    let at = now_text();
    let hash = history_hash(&prev, seq, &at, h);
    let link = HistoryLink {
        seq,
        at: &at,
        prev_hash: &prev,
        hash: &hash,
    };
    queries::insert_history(&mut **tx, h, &link).await?;
    Ok(())
}

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
    let rows = queries::all_history(&state.db.pool).await?;
    let mut report = Report::default();
    let mut current = String::new();
    let mut expected_prev = String::new();
    let mut expected_seq = 0i64;
    for r in rows {
        let app = r.application_id;
        if app != current {
            current = app.clone();
            expected_prev = "0".repeat(64);
            expected_seq = 1;
            report.applications += 1;
        }
        report.entries += 1;
        let (seq, prev, hash, at) = (r.seq, r.prev_hash, r.hash, r.at);
        let entry = NewHistory {
            office_id: &r.office_id,
            application_id: &app,
            actor_kind: &r.actor_kind,
            actor_id: r.actor_id.as_deref(),
            actor_name: &r.actor_name,
            actor_role: r.actor_role.as_deref(),
            action: &r.action,
            from_status: r.from_status.as_deref(),
            to_status: &r.to_status,
            step: r.step.as_deref(),
            public_note: r.public_note.as_deref(),
            internal_note: r.internal_note.as_deref(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(note: &'a str) -> NewHistory<'a> {
        NewHistory {
            office_id: "o",
            application_id: "a",
            actor_kind: "applicant",
            actor_id: Some("x"),
            actor_name: "Putu",
            actor_role: None,
            action: "ajukan",
            from_status: Some("draft"),
            to_status: "submitted",
            step: None,
            public_note: Some(note),
            internal_note: None,
        }
    }

    #[test]
    fn history_hash_changes_with_any_field_and_with_the_chain() {
        let h1 = history_hash(&"0".repeat(64), 1, "t", &entry("a"));
        assert_eq!(h1, history_hash(&"0".repeat(64), 1, "t", &entry("a")));
        assert_ne!(h1, history_hash(&"0".repeat(64), 1, "t", &entry("b")));
        assert_ne!(h1, history_hash(&"1".repeat(64), 1, "t", &entry("a")));
        assert_ne!(h1, history_hash(&"0".repeat(64), 2, "t", &entry("a")));
    }
}
