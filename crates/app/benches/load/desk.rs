//! The back office in the seeded data: every non-draft application sits where its office's
//! workflow (as the service published it) would have put it — desk step, SLA dates, escalation
//! mark — with the history the desks would have written; issued applications have their permit
//! with a verification token; and two pools for the write scenarios: files waiting at the front
//! office with the checklist done (forward), and permits awaiting the head of office's signature.

use super::{AppRow, BulkApplicant, HistRow, OFFICES, Template, exec_tx, lit, opt_lit};
use chrono::{DateTime, Duration as ChronoDuration, FixedOffset, NaiveDate, Utc};
use izinkes_app::applications;
use izinkes_app::applications::history::NewHistory;
use izinkes_app::catalog::offices::Office;
use izinkes_app::desks;
use izinkes_app::platform::db::ts;
use izinkes_app::platform::ids::new_id;
use izinkes_app::platform::ids::new_token;
use izinkes_app::state::AppState;
use izinkes_domain::calendar::WorkingCalendar;
use izinkes_domain::numbering::NumberPattern;
use izinkes_domain::roles::role_label;
use izinkes_domain::workflow::{Position, WorkflowDefinition};
use rand::Rng;
use rand::rngs::StdRng;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// `lock_version` of the files in the forward pool (what the officer saw and sends back).
pub const FORWARD_LOCK: i64 = 7;

/// The workflow one office runs for one permit type, as the service published it.
pub struct Flow {
    pub version_id: String,
    pub def: WorkflowDefinition,
    /// Working days per step (the permit type's SLA split by the steps' shares) and in total.
    pub step_days: Vec<u32>,
    pub total_days: u32,
    pub validity_years: u32,
}

/// The workflow of every (office, permit type) the templates cover, through
/// `desks::workflows::current_workflow` (which publishes the office's default preset on first use).
pub async fn flows(state: &AppState, templates: &[Template]) -> HashMap<(usize, String), Flow> {
    let (_, catalog) = state.current_catalog().await.expect("catalog");
    let mut out = HashMap::new();
    for t in templates {
        let permit = catalog.get(&t.code).expect("permit type of a template");
        for &o in &t.offices {
            let v = desks::workflows::current_workflow(state, OFFICES[o].0, &t.code)
                .await
                .expect("current workflow");
            out.insert(
                (o, t.code.clone()),
                Flow {
                    version_id: v.id,
                    step_days: v.definition.step_days(permit.sla_working_days),
                    total_days: permit.sla_working_days,
                    validity_years: permit.validity.years,
                    def: v.definition,
                },
            );
        }
    }
    out
}

/// An office's calendar and clock, for the SLA dates.
pub struct OfficeClock {
    pub cal: Arc<WorkingCalendar>,
    pub tz: FixedOffset,
    pub today: NaiveDate,
}

impl OfficeClock {
    fn date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }
}

pub async fn clocks(state: &AppState, offices: &[Office]) -> Vec<OfficeClock> {
    let mut out = Vec::new();
    for o in offices {
        out.push(OfficeClock {
            cal: izinkes_app::office_admin::calendar::for_office(state, &o.id)
                .await
                .expect("calendar"),
            tz: o.tz().offset(),
            today: izinkes_app::catalog::offices::today(o),
        });
    }
    out
}

/// The workflow columns of one application row (NULL where the service leaves them NULL).
#[derive(Clone, Default)]
pub struct Wf {
    pub version_id: Option<String>,
    pub position: Option<String>,
    pub step_key: Option<String>,
    pub step_role: Option<String>,
    pub step_entered_at: Option<String>,
    pub step_due_on: Option<String>,
    pub sla_received_on: Option<String>,
    pub sla_paused_since: Option<String>,
    pub due_on: Option<String>,
    pub escalated_step: Option<String>,
    pub returned_by: Option<String>,
}

impl Wf {
    /// The column list and this row's values, for the multi-row INSERT.
    pub const COLUMNS: &'static str = "workflow_version_id, position, step_key, step_role, step_entered_at, step_due_on, \
         sla_received_on, sla_paused_since, due_on, escalated_step, returned_by";

    pub fn values(&self) -> String {
        [
            &self.version_id,
            &self.position,
            &self.step_key,
            &self.step_role,
            &self.step_entered_at,
            &self.step_due_on,
            &self.sla_received_on,
            &self.sla_paused_since,
            &self.due_on,
            &self.escalated_step,
            &self.returned_by,
        ]
        .iter()
        .map(|v| opt_lit(v.as_deref()))
        .collect::<Vec<_>>()
        .join(",")
    }
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// When a file moved: `times[0]` is the submission, `times[i]` the i-th move after it (12 hours
/// apart, closer together for files submitted less than a few days ago), never in the future.
pub fn step_times(submitted: DateTime<Utc>, moves: usize, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let room = (now - ChronoDuration::minutes(1) - submitted).max(ChronoDuration::zero());
    let gap = ChronoDuration::hours(12).min(room / (moves as i32 + 1));
    (0..=moves).map(|i| submitted + gap * i as i32).collect()
}

/// How many officer moves the history of a file in this status has (for [`step_times`]).
fn moves(status: &str, steps: usize, at_step: usize) -> usize {
    match status {
        "submitted" => 0,
        "in_process" => at_step,
        "needs_revision" | "rejected" => 1,
        "ready_to_sign" => steps,
        "issued" => steps + 1,
        _ => 0,
    }
}

/// Puts a submitted application where its workflow has it: the desk step (a random later step
/// for files in process), the SLA clock and step deadline as `desks::workflows::start_in_tx` and
/// `desks::actions::act` compute them, and the escalation mark the desk clock has set on overdue steps.
pub fn place(r: &mut AppRow, flow: &Flow, clock: &OfficeClock, fo_officer: &str, rng: &mut StdRng, now: DateTime<Utc>) {
    let Some(submitted) = r.submitted else { return };
    let n = flow.def.steps.len();
    if r.status == "in_process" {
        r.step = if n > 1 { rng.random_range(1..n) } else { 0 };
    }
    let times = step_times(submitted, moves(r.status, n, r.step), now);
    let received = clock.date(submitted);
    let mut wf = Wf {
        version_id: Some(flow.version_id.clone()),
        sla_received_on: Some(date_text(received)),
        due_on: Some(date_text(clock.cal.add_working_days(received, flow.total_days))),
        ..Wf::default()
    };
    let position = match r.status {
        "submitted" | "in_process" => {
            let k = r.step.min(n.saturating_sub(1));
            let step = &flow.def.steps[k];
            let entered = times[r.step.min(times.len() - 1)];
            let due = clock
                .cal
                .add_working_days(clock.date(entered), flow.step_days.get(k).copied().unwrap_or(0));
            wf.step_key = Some(step.key.clone());
            wf.step_role = Some(step.role.clone());
            wf.step_entered_at = Some(ts(entered));
            wf.step_due_on = Some(date_text(due));
            if due < clock.today {
                wf.escalated_step = Some(step.key.clone());
            }
            Position::AtStep { step: k }
        }
        "needs_revision" => {
            wf.sla_paused_since = Some(date_text(clock.date(times[1])));
            wf.returned_by = Some(fo_officer.to_string());
            Position::WithApplicant { return_to: 0 }
        }
        "ready_to_sign" | "issued" => Position::ReadyToSign,
        _ => Position::Rejected,
    };
    wf.position = Some(serde_json::to_string(&position).expect("position"));
    r.wf = wf;
}

/// One demo officer.
#[derive(Clone)]
pub struct OfficerRow {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// The (first) demo officer of each (office, role code).
pub type Officers = HashMap<(usize, String), OfficerRow>;

pub async fn officers(db: &sqlx::AnyPool) -> Officers {
    use sqlx::Row;
    let mut out = HashMap::new();
    for r in sqlx::query(
        "SELECT r.office_id, r.role, o.id, o.full_name, o.email FROM officer_roles r JOIN officers o ON o.id = r.officer_id \
         ORDER BY o.created_at",
    )
    .fetch_all(db)
    .await
    .expect("officers")
    {
        let office: String = r.try_get("office_id").expect("office");
        let Some(i) = OFFICES.iter().position(|o| o.0 == office) else {
            continue;
        };
        out.entry((i, r.try_get::<String, _>("role").expect("role")))
            .or_insert(OfficerRow {
                id: r.try_get("id").expect("id"),
                name: r.try_get("full_name").expect("name"),
                email: r.try_get("email").expect("email"),
            });
    }
    out
}

const SUBMIT_NOTE: &str = "Permohonan diajukan dan menunggu verifikasi kelengkapan oleh Front Office.";
const READY_NOTE: &str = "Berkas telah diverifikasi dan menunggu penandatanganan oleh Kepala Dinas.";
const RETURN_NOTE: &str =
    "Perlu perbaikan:\n• Pas Foto Berwarna 4 x 6 cm: Pas foto buram; unggah ulang pas foto berwarna 4x6 yang jelas.";
const REJECT_NOTE: &str = "Ditolak: dokumen rekomendasi tidak sesuai dengan tempat praktik yang dimohonkan.";

/// The hash-chained history of a seeded application, entry for entry what the service writes:
/// `ajukan` by the applicant, `teruskan` at every step passed (with the next step's public
/// note), `kembalikan_ke_pemohon` / `tolak` at the front office, `tandatangani` by the head of
/// office for issued permits.
pub fn history(
    r: &AppRow,
    a: &BulkApplicant,
    flow: &Flow,
    officers: &Officers,
    now: DateTime<Utc>,
    out: &mut Vec<HistRow>,
) {
    let Some(submitted) = r.submitted else { return };
    let steps = &flow.def.steps;
    let n = steps.len();
    let times = step_times(submitted, moves(r.status, n, r.step), now);
    // (officer role or None for the applicant, action, from, to, step, public note, at)
    let mut entries: Vec<(
        Option<&str>,
        &str,
        &str,
        &str,
        Option<&str>,
        Option<String>,
        DateTime<Utc>,
    )> = vec![(
        None,
        "ajukan",
        "draft",
        "submitted",
        None,
        Some(SUBMIT_NOTE.into()),
        submitted,
    )];
    let forward = |entries: &mut Vec<_>, i: usize| {
        let next = steps.get(i + 1);
        entries.push((
            Some(steps[i].role.as_str()),
            "teruskan",
            if i == 0 { "submitted" } else { "in_process" },
            if next.is_some() { "in_process" } else { "ready_to_sign" },
            Some(steps[i].key.as_str()),
            match next {
                Some(s) => s.public_note.clone(),
                None => Some(READY_NOTE.into()),
            },
            times[i + 1],
        ));
    };
    match r.status {
        "in_process" => (0..r.step).for_each(|i| forward(&mut entries, i)),
        "ready_to_sign" | "issued" => {
            (0..n).for_each(|i| forward(&mut entries, i));
            if r.status == "issued" {
                entries.push((
                    Some("kadis"),
                    "tandatangani",
                    "ready_to_sign",
                    "issued",
                    None,
                    Some(format!(
                        "Izin {} diterbitkan dan ditandatangani secara elektronik. Unduh di menu Izin Saya.",
                        r.permit_number.as_deref().unwrap_or_default()
                    )),
                    times[n + 1],
                ));
            }
        }
        "needs_revision" => entries.push((
            Some(steps[0].role.as_str()),
            "kembalikan_ke_pemohon",
            "submitted",
            "needs_revision",
            Some(steps[0].key.as_str()),
            Some(RETURN_NOTE.into()),
            times[1],
        )),
        "rejected" => entries.push((
            Some(steps[0].role.as_str()),
            "tolak",
            "submitted",
            "rejected",
            Some(steps[0].key.as_str()),
            Some(REJECT_NOTE.into()),
            times[1],
        )),
        _ => {}
    }
    let mut prev = "0".repeat(64);
    for (i, (role, action, from, to, step, note, at)) in entries.into_iter().enumerate() {
        let seq = i as i64 + 1;
        let at = ts(at);
        let (kind, actor_id, actor_name, actor_role) = match role {
            None => ("applicant", Some(a.id.clone()), a.name.clone(), "Pemohon".to_string()),
            Some(role) => {
                let (id, name) = officers
                    .get(&(r.office, role.to_string()))
                    .map(|o| (o.id.clone(), o.name.clone()))
                    .unwrap_or_else(|| (String::new(), role_label(role)));
                let label = if role == "kadis" {
                    "Kepala Dinas".to_string()
                } else {
                    role_label(role)
                };
                ("officer", Some(id).filter(|s| !s.is_empty()), name, label)
            }
        };
        let h = NewHistory {
            office_id: OFFICES[r.office].0,
            application_id: &r.id,
            actor_kind: kind,
            actor_id: actor_id.as_deref(),
            actor_name: &actor_name,
            actor_role: Some(&actor_role),
            action,
            from_status: Some(from),
            to_status: to,
            step,
            public_note: note.as_deref(),
            internal_note: None,
        };
        let hash = applications::history::history_hash(&prev, seq, &at, &h);
        out.push(HistRow {
            office: r.office,
            app: r.id.clone(),
            seq,
            at,
            actor_kind: kind,
            actor_id,
            actor_name,
            actor_role: Some(actor_role),
            action: action.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            step: step.map(str::to_string),
            note,
            prev: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
    }
}

/// Permit numbers of issued and ready-to-sign files, per office, permit type and year of the
/// move to ready-to-sign, continuing the `sk:<code>` counters (as `permits::assign_in_tx`).
pub fn number_permits<'a>(
    rows: impl Iterator<Item = &'a mut AppRow>,
    flows: &HashMap<(usize, String), Flow>,
    templates: &[Template],
    clocks: &[OfficeClock],
    counters: &mut HashMap<(usize, String, i32), i64>,
    now: DateTime<Utc>,
) {
    let mut ready: Vec<(DateTime<Utc>, &'a mut AppRow)> = rows
        .filter(|r| matches!(r.status, "issued" | "ready_to_sign"))
        .filter_map(|r| {
            let flow = flows.get(&(r.office, templates[r.template].code.clone()))?;
            let n = flow.def.steps.len();
            let at = step_times(r.submitted?, moves(r.status, n, r.step), now)[n];
            Some((at, r))
        })
        .collect();
    ready.sort_by_key(|(at, _)| *at);
    let pattern = NumberPattern::default_pattern();
    for (at, r) in ready {
        let code = templates[r.template].code.clone();
        let year = chrono::Datelike::year(&clocks[r.office].date(at));
        let c = counters.entry((r.office, code.clone(), year)).or_insert(0);
        *c += 1;
        r.permit_number = Some(pattern.format(*c, year, &code, OFFICES[r.office].1));
    }
}

/// What the permit rows copy from the office and the demo's signed permits.
pub struct PermitSource {
    pub signer_name: String,
    pub signer_position: String,
    /// The SHA-256 of a real signed SK of the office (a blob in the store).
    pub pdf_sha256: Option<String>,
}

/// The `permits` rows of issued files (active, a few revoked; reminders marked as the daily
/// job would have) and of the files awaiting signature.
pub async fn insert_permits(
    tx: &mut izinkes_app::platform::db::Tx,
    rows: &[&AppRow],
    templates: &[Template],
    people: &[BulkApplicant],
    flows: &HashMap<(usize, String), Flow>,
    clocks: &[OfficeClock],
    sources: &[PermitSource],
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> usize {
    let mut n = 0;
    for chunk in rows.chunks(400) {
        let mut sql = String::from(
            "INSERT INTO permits (id, office_id, application_id, applicant_id, permit_code, profession, number, token, status, holder_name, \
             nik_masked, practice_place, practice_address, issued_on, valid_until, signer_name, signer_position, pdf_sha256, signed_at, \
             revoked_at, revoke_reason, revoke_decree, reminders, created_at) VALUES ",
        );
        for (i, r) in chunk.iter().enumerate() {
            let t = &templates[r.template];
            let a = &people[r.applicant];
            let flow = &flows[&(r.office, t.code.clone())];
            let steps = flow.def.steps.len();
            let submitted = r.submitted.expect("submitted");
            let times = step_times(submitted, moves(r.status, steps, r.step), now);
            let clock = &clocks[r.office];
            let src = &sources[r.office];
            let (status, issued, until, signed, reminders, revoked) = if r.status == "issued" {
                let signed_at = times[steps + 1];
                let issued = clock.date(signed_at);
                let until = izinkes_app::permits::expiry::valid_until(issued, flow.validity_years, None, false);
                let left = (until - clock.today).num_days();
                let marked: Vec<i64> = izinkes_app::permits::expiry::REMINDER_DAYS
                    .iter()
                    .copied()
                    .filter(|d| left <= *d)
                    .collect();
                let revoked = rng.random_ratio(1, 50);
                (
                    if revoked { "revoked" } else { "active" },
                    Some(date_text(issued)),
                    Some(date_text(until)),
                    Some(ts(signed_at)),
                    serde_json::to_string(&marked).expect("json"),
                    revoked.then(|| ts((signed_at + ChronoDuration::days(90)).min(now))),
                )
            } else {
                ("awaiting_signature", None, None, None, "[]".to_string(), None)
            };
            let facility = &r.facility;
            let nik = izinkes_domain::nik::Nik::parse(&a.nik)
                .map(|n| n.masked())
                .unwrap_or_else(|_| a.nik.clone());
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(
                sql,
                "({},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{})",
                lit(&new_id()),
                lit(OFFICES[r.office].0),
                lit(&r.id),
                lit(&a.id),
                lit(&t.code),
                lit(&t.profession),
                lit(r.permit_number.as_deref().expect("permit number")),
                lit(&new_token()),
                lit(status),
                lit(&a.name),
                lit(&nik),
                lit(facility),
                lit(&format!(
                    "{facility}, Jl. Pahlawan No. 12, {}",
                    izinkes_domain::format_id::area_label(OFFICES[r.office].2)
                )),
                opt_lit(issued.as_deref()),
                opt_lit(until.as_deref()),
                opt_lit(signed.as_ref().map(|_| src.signer_name.as_str())),
                opt_lit(signed.as_ref().map(|_| src.signer_position.as_str())),
                opt_lit(signed.as_ref().and(src.pdf_sha256.as_deref())),
                opt_lit(signed.as_deref()),
                opt_lit(revoked.as_deref()),
                opt_lit(
                    revoked
                        .as_ref()
                        .map(|_| "Tempat praktik tidak lagi beroperasi sesuai hasil pengawasan Dinas Kesehatan.")
                ),
                opt_lit(revoked.as_ref().map(|_| "503/001/PENCABUTAN/DPMPTSP/2026")),
                lit(&reminders),
                lit(&ts(times[steps])),
            );
            n += 1;
        }
        exec_tx(tx, sql).await;
    }
    n
}

/// The products the desks recorded for the pools: the front office's checklist (with a check
/// per attached requirement) on the forward files, the back office's draft SK (no changed
/// fields, as in the demo) on the files awaiting signature.
pub async fn insert_products(
    tx: &mut izinkes_app::platform::db::Tx,
    forward: &[AppRow],
    ready: &[AppRow],
    templates: &[Template],
    docs: &[Vec<(String, String, String, String, i64)>],
    flows: &HashMap<(usize, String), Flow>,
    officers: &Officers,
    now: DateTime<Utc>,
) {
    let mut products = Vec::new();
    let mut checks = Vec::new();
    for r in forward {
        let flow = &flows[&(r.office, templates[r.template].code.clone())];
        let step = &flow.def.steps[0];
        let OfficerRow {
            id: officer_id,
            name: officer_name,
            ..
        } = officers
            .get(&(r.office, step.role.clone()))
            .cloned()
            .expect("front office officer");
        let at = ts((r.submitted.expect("submitted") + ChronoDuration::minutes(20)).min(now));
        let keys = &docs[r.template];
        products.push(format!(
            "({},{},{},'checklist',{},{},{},{})",
            lit(OFFICES[r.office].0),
            lit(&r.id),
            lit(&step.key),
            lit(&format!("{{\"checked\":{},\"not_ok\":0}}", keys.len())),
            lit(&officer_id),
            lit(&officer_name),
            lit(&at)
        ));
        for (key, ..) in keys {
            checks.push(format!(
                "({},{},{},1,'',{},{})",
                lit(OFFICES[r.office].0),
                lit(&r.id),
                lit(key),
                lit(&officer_id),
                lit(&at)
            ));
        }
    }
    for r in ready {
        let flow = &flows[&(r.office, templates[r.template].code.clone())];
        let Some(step) = flow
            .def
            .steps
            .iter()
            .find(|s| s.produces.contains(&izinkes_domain::workflow::Product::DraftSk))
        else {
            continue;
        };
        let OfficerRow {
            id: officer_id,
            name: officer_name,
            ..
        } = officers
            .get(&(r.office, step.role.clone()))
            .cloned()
            .expect("draft officer");
        products.push(format!(
            "({},{},{},'draft_sk','{{}}',{},{},{})",
            lit(OFFICES[r.office].0),
            lit(&r.id),
            lit(&step.key),
            lit(&officer_id),
            lit(&officer_name),
            lit(&ts(now - ChronoDuration::hours(2)))
        ));
    }
    for chunk in products.chunks(500) {
        exec_tx(
            tx,
            format!(
                "INSERT INTO application_products (office_id, application_id, step_key, product, data, officer_id, officer_name, at) VALUES {}",
                chunk.join(",")
            ),
        )
        .await;
    }
    for chunk in checks.chunks(1000) {
        exec_tx(
            tx,
            format!(
                "INSERT INTO application_checks (office_id, application_id, requirement_key, ok, note, officer_id, at) VALUES {}",
                chunk.join(",")
            ),
        )
        .await;
    }
}
