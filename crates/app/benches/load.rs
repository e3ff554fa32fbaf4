//! Load benchmark of the running server: `cargo bench -p izinkes-app --bench load`.
//!
//! Starts the real server in-process on 127.0.0.1:0 with a fresh database holding 100,000
//! applications over the two demo offices, logs applicants and officers in over HTTP and drives
//! each scenario with 64 concurrent keep-alive clients for a fixed time, recording every latency.
//! Also measures rendering + signing the final SK (CPU only, and the real `permits::sign_one`
//! path per backend). Writes docs/benchmarks.md.
//!
//! Backends: SQLite (fresh temporary data directory) always; PostgreSQL as well when
//! `BENCH_DATABASE_URL` is an admin URL (`postgres://postgres@127.0.0.1:5432/postgres`): a fresh
//! database is created and dropped at the end.
//!
//! Scenarios (`BENCH_SCENARIOS`, comma-separated; default all):
//! - `catalog`, `list`, `detail`, `api`: applicant pages and JSON list (≥ 2,000 req/s, p99 ≤ 25 ms);
//!   `thread`: the application page with a Pesan Pengaduan thread of 200 messages (p99 ≤ 20 ms at 200/s);
//!   `submit`: submitting complete drafts through the API (≥ 300/s).
//! - `desk` (= `desk-page` + `desk-api`): Tugas Saya, `GET /petugas` as signed-in officers with a
//!   cookie session and `GET /api/v1/desk/tasks` with officer tokens (≥ 2,000 req/s, p99 ≤ 25 ms).
//! - `forward`: front office officers forwarding files, `POST /api/v1/desk/applications/{id}/actions`
//!   with `{"action": "forward", "lock_version", "request_key"}`, a different file each time (≥ 300/s).
//! - `verify` (= `verify-page` + `verify-json`): the public verification page `GET /v/{token}` and
//!   `GET /v/{token}.json`, random tokens of issued permits (≥ 5,000 req/s, p99 ≤ 10 ms).
//! - `sign`: render + sign per final SK (≥ 50 permits/s, p99 ≤ 100 ms warm on 2 cores).
//!
//! Environment (all optional):
//! - `BENCH_SECONDS` (10): measured seconds per scenario (closed loop); `BENCH_WARMUP` (1): unmeasured seconds first.
//! - `BENCH_PACED_SECONDS` (5): seconds of the open-loop run at the target rate per page scenario (0 = skip).
//! - `BENCH_SCENARIOS` (`catalog,list,detail,thread,api,submit,desk,forward,verify,sign`): which scenarios to run.
//! - `BENCH_CONCURRENCY` (64): concurrent clients.
//! - `BENCH_APPLICATIONS` (100000), `BENCH_APPLICANTS` (2000): dataset size.
//! - `BENCH_SUBMIT_DRAFTS`: complete drafts prepared for the submit scenario (default 1,200 per second run).
//! - `BENCH_FORWARD_FILES`: files waiting at the front office for the forward scenario (default 1,200 per second run).
//! - `BENCH_SIGN_PERMITS`: permits awaiting signature for the real signing path (default 150 per second of three runs).
//! - `BENCH_SIGN_SECONDS` (`BENCH_SECONDS`): measured seconds per signing run.
//! - `BENCH_SIGN_WORKERS` (`1,2,` and `permits::batch_parallelism`): the signing runs, by their number of workers.
//! - `BENCH_BACKENDS` (`sqlite,postgres`): which backends to run (postgres needs `BENCH_DATABASE_URL`).
//! - `BENCH_GZIP` (1): send `Accept-Encoding: gzip` like a browser does (0 = identity responses).
//! - `BENCH_TIMELINE` (0): 1 prints per-second latencies of every run (to find stalls).
//! - `BENCH_OUTPUT` (docs/benchmarks.md of the workspace).
//!
//! Seeding: the demo data and one complete template draft per permit type are made through the
//! service layer (so the data is what the service writes); the bulk applicants, applications,
//! attachments, history rows and permits are then copied from those with direct multi-row SQL,
//! each application placed in its office's workflow as the service published it
//! (`desks::current_workflow`): desk step, step deadline and SLA clock from the office calendar.
#![allow(clippy::type_complexity, clippy::too_many_arguments, clippy::manual_checked_ops)] // a load harness: row tuples and long worker signatures are clearer inline
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    clippy::needless_pass_by_value,
    reason = "a load harness: a failed unwrap stops the run"
)]

/// The allocator of the `izinkes` binary, so the server measured here allocates as in production.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::{DateTime, Datelike, Duration as ChronoDuration, Utc};
use izinkes_app::accounts;
use izinkes_app::applications;
use izinkes_app::applications::view::ApplicantData;
use izinkes_app::auth::officer::Officer;
use izinkes_app::catalog;
use izinkes_app::catalog::offices::Office;
use izinkes_app::demo;
use izinkes_app::platform::config::Config;
use izinkes_app::platform::db::Backend;
use izinkes_app::platform::db::ts;
use izinkes_app::platform::ids::new_id;
use izinkes_app::state::AppState;
use izinkes_domain::catalog::FileFormat;
use izinkes_domain::roles::Role;
use izinkes_domain::status::RegistrationNumber;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::redirect::Policy;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "load/desk.rs"]
mod desk;
#[path = "load/sign.rs"]
mod sign;

/// Domain of the bulk-inserted accounts (the service never makes these).
const BULK_DOMAIN: &str = "beban.izinkes.id";
const PASSWORD: &str = izinkes_app::demo::APPLICANT_PASSWORD;
/// Most drafts one submitter can submit: 3 active per profession (DOMAIN rule 1).
const PER_PROFESSION: usize = 3;

// ---------------------------------------------------------------------------------------------
// Settings

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Sqlite => "SQLite",
            Kind::Postgres => "PostgreSQL",
        }
    }
}

#[derive(Clone)]
struct Settings {
    seconds: u64,
    warmup: u64,
    concurrency: usize,
    applications: usize,
    applicants: usize,
    submit_drafts: usize,
    forward_files: usize,
    sign_permits: usize,
    sign_seconds: u64,
    pg_admin: Option<String>,
    backends: Vec<Kind>,
    gzip: bool,
    output: PathBuf,
    paced_seconds: u64,
    scenarios: Vec<Scenario>,
    /// Render + sign per final SK (not HTTP).
    sign: bool,
}

/// The names `BENCH_SCENARIOS` takes, and what each selects.
const SCENARIO_NAMES: [(&str, &[Scenario]); 13] = [
    ("catalog", &[Scenario::Catalog]),
    ("list", &[Scenario::MyList]),
    ("detail", &[Scenario::Detail]),
    ("thread", &[Scenario::Thread]),
    ("api", &[Scenario::ApiList]),
    ("submit", &[Scenario::Submit]),
    ("desk", &[Scenario::DeskPage, Scenario::DeskApi]),
    ("desk-page", &[Scenario::DeskPage]),
    ("desk-api", &[Scenario::DeskApi]),
    ("forward", &[Scenario::Forward]),
    ("verify", &[Scenario::VerifyPage, Scenario::VerifyJson]),
    ("verify-page", &[Scenario::VerifyPage]),
    ("verify-json", &[Scenario::VerifyJson]),
];
const DEFAULT_SCENARIOS: &str = "catalog,list,detail,thread,api,submit,desk,forward,verify,sign";

fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {v:?}")),
        Err(_) => default,
    }
}

impl Settings {
    fn from_env() -> Settings {
        let seconds = env_num("BENCH_SECONDS", 10).max(1);
        let warmup = env_num("BENCH_WARMUP", 1);
        let concurrency = env_num("BENCH_CONCURRENCY", 64).max(1) as usize;
        let pg_admin = std::env::var("BENCH_DATABASE_URL")
            .ok()
            .filter(|s| !s.trim().is_empty());
        let wanted = std::env::var("BENCH_BACKENDS")
            .unwrap_or_else(|_| "sqlite,postgres".into())
            .to_lowercase();
        let mut backends = Vec::new();
        if wanted.contains("sqlite") {
            backends.push(Kind::Sqlite);
        }
        if wanted.contains("postgres") {
            if pg_admin.is_some() {
                backends.push(Kind::Postgres);
            } else {
                eprintln!("bench: BENCH_DATABASE_URL is not set: PostgreSQL is skipped");
            }
        }
        let output = std::env::var("BENCH_OUTPUT").map(PathBuf::from).unwrap_or_else(|_| {
            let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            crate_dir
                .ancestors()
                .nth(2)
                .unwrap_or(&crate_dir)
                .join("docs/benchmarks.md")
        });
        Settings {
            seconds,
            warmup,
            concurrency,
            applications: env_num("BENCH_APPLICATIONS", 100_000) as usize,
            applicants: env_num("BENCH_APPLICANTS", 2_000).max(concurrency as u64) as usize,
            submit_drafts: env_num("BENCH_SUBMIT_DRAFTS", 1_200 * (seconds + warmup)) as usize,
            pg_admin,
            backends,
            gzip: env_num("BENCH_GZIP", 1) != 0,
            output,
            paced_seconds: env_num("BENCH_PACED_SECONDS", 5),
            forward_files: env_num("BENCH_FORWARD_FILES", 1_200 * (seconds + warmup)) as usize,
            sign_permits: env_num(
                "BENCH_SIGN_PERMITS",
                150 * 3 * (env_num("BENCH_SIGN_SECONDS", seconds) + warmup),
            ) as usize,
            sign_seconds: env_num("BENCH_SIGN_SECONDS", seconds).max(1),
            scenarios: Vec::new(),
            sign: false,
        }
        .with_scenarios(&std::env::var("BENCH_SCENARIOS").unwrap_or_else(|_| DEFAULT_SCENARIOS.into()))
    }

    fn with_scenarios(mut self, wanted: &str) -> Settings {
        let chosen: Vec<String> = wanted
            .split(',')
            .map(|x| x.trim().to_lowercase())
            .filter(|x| !x.is_empty())
            .collect();
        let all = chosen.iter().any(|c| c == "all");
        for c in &chosen {
            if c != "all" && c != "sign" && !SCENARIO_NAMES.iter().any(|(n, _)| n == c) {
                panic!(
                    "BENCH_SCENARIOS: unknown scenario {c:?}; known: all, sign, {}",
                    SCENARIO_NAMES.map(|(n, _)| n).join(", ")
                );
            }
        }
        // Always in the canonical order: the desk lists run before forward moves files on.
        for sc in Scenario::ALL {
            if all
                || SCENARIO_NAMES
                    .iter()
                    .any(|(n, list)| list.contains(&sc) && chosen.iter().any(|c| c == n))
            {
                self.scenarios.push(sc);
            }
        }
        self.sign = all || chosen.iter().any(|c| c == "sign");
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/// An SQL string literal (standard quoting: both backends take `''` for a quote).
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn opt_lit(s: Option<&str>) -> String {
    s.map(lit).unwrap_or_else(|| "NULL".into())
}

async fn exec(db: &sqlx::AnyPool, sql: String) {
    let head: String = sql.chars().take(120).collect();
    if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(db).await {
        panic!("bench SQL failed: {e}\n{head}…");
    }
}

async fn exec_tx(tx: &mut izinkes_app::platform::db::Tx, sql: String) {
    let head: String = sql.chars().take(120).collect();
    if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await {
        panic!("bench SQL failed: {e}\n{head}…");
    }
}

async fn count(db: &sqlx::AnyPool, sql: &'static str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(db).await.expect(sql)
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const FIRST: [&str; 24] = [
    "Putu",
    "Made",
    "Nyoman",
    "Ketut",
    "Wayan",
    "Kadek",
    "Komang",
    "Gede",
    "Dewi",
    "Siti",
    "Budi",
    "Agus",
    "Rina",
    "Yohanes",
    "Maria",
    "Fransiska",
    "Andi",
    "Nur",
    "Rudi",
    "Sri",
    "Hendra",
    "Lestari",
    "Yuliana",
    "Stefanus",
];
const LAST: [&str; 20] = [
    "Setiawan", "Lestari", "Santoso", "Pratama", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Sari", "Nugroho",
    "Purnama", "Suryadi", "Halim", "Tanjaya", "Mahendra", "Astuti", "Gunawan", "Wibowo", "Utami", "Aryasa",
];
const FACILITIES: [&str; 10] = [
    "RSU Negara",
    "Klinik Pratama Sehat Bersama",
    "Puskesmas Kota",
    "Apotek Kimia Farma",
    "Praktik Mandiri",
    "RSUD Sultan Syarif Mohamad Alkadrie",
    "Klinik Utama Medika",
    "RS Bhayangkara",
    "Laboratorium Klinik Prodia",
    "Apotek Sehat Selalu",
];

/// The two demo offices: (id, code, regency, a village in the regency).
const OFFICES: [(&str, &str, &str); 2] = [
    ("pontianak", "PTK", "61.71.01.1002"),
    ("jembrana", "JBR", "51.01.03.2004"),
];

// ---------------------------------------------------------------------------------------------
// Seeding

/// A complete draft of one permit type made through the service, copied into the bulk rows.
struct Template {
    code: String,
    profession: String,
    app_id: String,
    data: ApplicantData,
    answers: String,
    /// Offices that offer the type.
    offices: Vec<usize>,
}

struct BulkApplicant {
    id: String,
    email: String,
    name: String,
    phone: String,
    address: String,
    office: usize,
    nik: String,
}

struct Reader {
    email: String,
    /// Non-draft applications the reader owns (detail pages).
    detail_ids: Vec<String>,
    own_applications: usize,
}

struct Seeded {
    base: String,
    readers: Vec<Reader>,
    /// Per submitter: email and complete drafts.
    submitters: Vec<(String, Vec<String>)>,
    /// Officers whose desk has files (Tugas Saya scenarios).
    desk_officers: Vec<DeskOfficer>,
    /// Per office: files at the front office with the checklist done (forward scenario).
    forward_ids: Vec<Vec<String>>,
    /// Per office: permits awaiting signature, and the head of office (id, name) who signs them.
    sign_queues: Vec<Vec<String>>,
    kadis: Vec<(String, String)>,
    /// Tokens of issued permits (verification scenarios).
    verify_tokens: Vec<String>,
    timings: Vec<(String, Duration)>,
    dataset: Vec<(String, String)>,
    version: String,
}

struct DeskOfficer {
    email: String,
    label: String,
    /// Files waiting at the officer's role in the office.
    waiting: i64,
}

struct Running {
    state: AppState,
    seeded: Seeded,
    _dir: tempfile::TempDir,
    pg_db: Option<String>,
}

/// The admin URL with the database name replaced (query parameters such as `sslmode` kept).
fn pg_url_for(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}{query}"),
        None => panic!("bad BENCH_DATABASE_URL {admin}"),
    }
}

async fn prepare(kind: Kind, s: &Settings) -> Running {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut timings = Vec::new();
    let (database_url, pg_db) = match kind {
        Kind::Sqlite => (None, None),
        Kind::Postgres => {
            let admin = s.pg_admin.clone().expect("admin url");
            let name = format!("izk_bench_{}", new_id());
            let db = izinkes_app::platform::db::Db::connect(&admin)
                .await
                .expect("BENCH_DATABASE_URL: PostgreSQL must answer");
            exec(&db.pool, format!("CREATE DATABASE {name}")).await;
            db.pool.close().await;
            (Some(pg_url_for(&admin, &name)), Some(name))
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut config = Config::for_tests(dir.path().to_path_buf(), database_url);
    config.base_url = format!("http://127.0.0.1:{port}");

    let t = Instant::now();
    let state = izinkes_app::open(config).await.expect("open");
    izinkes_app::demo::load(&state).await.expect("demo data");
    timings.push((
        "open, migrate, demo data (service layer: 2 offices, 18 officers, 3 applicants, 6 applications)".into(),
        t.elapsed(),
    ));

    let t = Instant::now();
    let templates = make_templates(&state).await;
    timings.push((
        format!(
            "{} complete template drafts, one per permit type (service layer)",
            templates.len()
        ),
        t.elapsed(),
    ));

    let version = match kind {
        Kind::Sqlite => sqlx::query_scalar::<_, String>("SELECT sqlite_version()")
            .fetch_one(&state.db.pool)
            .await
            .map(|v| format!("SQLite {v}")),
        Kind::Postgres => {
            let v = sqlx::query_scalar::<_, String>("SHOW server_version")
                .fetch_one(&state.db.pool)
                .await;
            let tls = sqlx::query_scalar::<_, String>(
                "SELECT CASE WHEN ssl THEN 'TLS' ELSE 'no TLS' END FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            )
            .fetch_one(&state.db.pool)
            .await
            .unwrap_or_else(|_| "TLS unknown".into());
            v.map(|v| format!("PostgreSQL {v}, local TCP, connections with {tls}"))
        }
    }
    .unwrap_or_default();

    let seeded = bulk_seed(&state, s, &templates, &mut timings).await;
    let serve_state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = izinkes_app::serve(serve_state, listener).await {
            eprintln!("bench: server stopped: {e}");
        }
    });
    Running {
        state,
        seeded: Seeded {
            base: format!("http://127.0.0.1:{port}"),
            timings,
            version,
            ..seeded
        },
        _dir: dir,
        pg_db,
    }
}

async fn make_templates(state: &AppState) -> Vec<Template> {
    let id = accounts::registration::register(
        state,
        &accounts::registration::RegisterInput {
            full_name: "Ni Made Templat Beban".into(),
            identity_type: "KTP".into(),
            identity_number: "5101034507929001".into(),
            phone: "081234509001".into(),
            address: "Jl. Ngurah Rai No. 9, Negara".into(),
            village_code: "51.01.03.2004".into(),
            email: "templat.beban@contoh.id".into(),
            password: PASSWORD.into(),
            password_confirm: PASSWORD.into(),
            consent: true,
        },
    )
    .await
    .expect("register template applicant");
    sqlx::query("UPDATE applicants SET email_verified_at = $1 WHERE id = $2")
        .bind(izinkes_app::platform::db::now_text())
        .bind(&id)
        .execute(&state.db.pool)
        .await
        .expect("verify");
    let applicant = accounts::profile::load_applicant(state, &id).await.expect("applicant");
    let (_, catalog) = state.current_catalog().await.expect("catalog");
    let mut out = Vec::new();
    for permit in &catalog.permit_types {
        let mut serving = Vec::new();
        for (i, (office, _, _)) in OFFICES.iter().enumerate() {
            if catalog::service::is_enabled(state, office, &permit.code)
                .await
                .expect("enabled")
            {
                serving.push(i);
            }
        }
        let office = OFFICES[*serving.first().expect("an office offers the type")];
        let app_id = applications::drafts::create_draft(state, &applicant, office.0, &permit.code)
            .await
            .expect("draft");
        let data = ApplicantData {
            name: applicant.full_name.clone(),
            email: applicant.email.clone(),
            phone: applicant.phone.clone(),
            address: applicant.address.clone(),
            village_code: applicant.village_code.clone(),
            facility_name: "Klinik Pratama Sehat Bersama".into(),
            location_village_code: office.2.into(),
            location_address: "Jl. Pahlawan No. 12, RT 004/RW 002".into(),
            ..ApplicantData::default()
        };
        let e = applications::drafts::save_step1(state, &id, &app_id, &data)
            .await
            .expect("step 1");
        assert!(e.is_empty(), "template step 1 {}: {e:?}", permit.code);
        let answers = izinkes_app::demo::sample_answers(permit);
        let e = applications::drafts::save_step2(state, &id, &app_id, &answers)
            .await
            .expect("step 2");
        assert!(e.is_empty(), "template step 2 {}: {e:?}", permit.code);
        let v = applications::view::load_view(state, &id, &app_id).await.expect("view");
        for req in permit.needed_requirements(&v.all_answers()) {
            let (name, bytes) = if req.formats.contains(&FileFormat::Pdf) {
                (format!("{}.pdf", req.key), demo::samples::pdf(&req.label))
            } else if req.formats.contains(&FileFormat::Png) {
                (format!("{}.png", req.key), demo::samples::PNG.to_vec())
            } else {
                (format!("{}.jpg", req.key), demo::samples::jpeg())
            };
            applications::attachments::upload_requirement(state, &id, &app_id, &req.key, &name, &bytes)
                .await
                .expect("upload");
        }
        let v = applications::view::load_view(state, &id, &app_id).await.expect("view");
        let problems = applications::submit::check_complete(&v);
        assert!(
            problems.is_empty(),
            "template {} incomplete: {:?}",
            permit.code,
            problems.all()
        );
        out.push(Template {
            code: permit.code.clone(),
            profession: permit.profession.clone(),
            app_id,
            data: v.app.data.clone(),
            answers: serde_json::to_string(&v.app.answers).expect("json"),
            offices: serving,
        });
    }
    out
}

/// The applicant data of a copy: the template's answers, this applicant's contact, the office's area.
fn data_for(t: &Template, a: &BulkApplicant, office: usize, facility: &str) -> ApplicantData {
    let mut d = t.data.clone();
    d.name = a.name.clone();
    d.email = a.email.clone();
    d.phone = a.phone.clone();
    d.address = a.address.clone();
    d.village_code = OFFICES[a.office].2.into();
    d.facility_name = facility.into();
    d.location_village_code = OFFICES[office].2.into();
    d.location_address = format!("{facility}, Jl. Pahlawan No. 12");
    d
}

struct AppRow {
    id: String,
    office: usize,
    applicant: usize,
    template: usize,
    status: &'static str,
    created: DateTime<Utc>,
    submitted: Option<DateTime<Utc>>,
    number: Option<String>,
    facility: &'static str,
    /// The desk step of a file at a desk (0: the first desk, the front office).
    step: usize,
    /// The workflow columns (position, step, SLA dates); all NULL for drafts.
    wf: desk::Wf,
    lock: i64,
    /// The permit number of an issued or ready-to-sign file.
    permit_number: Option<String>,
}

impl AppRow {
    fn new(
        office: usize,
        applicant: usize,
        template: usize,
        status: &'static str,
        created: DateTime<Utc>,
        submitted: Option<DateTime<Utc>>,
        facility: &'static str,
    ) -> AppRow {
        AppRow {
            id: new_id(),
            office,
            applicant,
            template,
            status,
            created,
            submitted,
            number: None,
            facility,
            step: 0,
            wf: desk::Wf::default(),
            lock: if status == "draft" { 3 } else { 6 },
            permit_number: None,
        }
    }
}

struct HistRow {
    office: usize,
    app: String,
    seq: i64,
    at: String,
    actor_kind: &'static str,
    actor_id: Option<String>,
    actor_name: String,
    actor_role: Option<String>,
    action: String,
    from: String,
    to: String,
    step: Option<String>,
    note: Option<String>,
    prev: String,
    hash: String,
}

fn is_active(status: &str) -> bool {
    matches!(
        status,
        "submitted" | "in_process" | "needs_revision" | "ready_to_sign" | "issued"
    )
}

/// A transaction for bulk loading. On PostgreSQL as a superuser the foreign-key triggers are
/// skipped for it (`session_replication_role = replica`): the rows are consistent by construction
/// and checking 1.3 million references one by one would dominate the seeding time.
async fn bulk_tx(db: &sqlx::AnyPool) -> izinkes_app::platform::db::Tx {
    let mut tx = db.begin().await.expect("tx");
    if tx.backend_name() == "PostgreSQL" {
        let superuser: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN rolsuper THEN 1 ELSE 0 END::bigint FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap_or(0);
        if superuser == 1 {
            exec_tx(&mut tx, "SET LOCAL session_replication_role = replica".into()).await;
        }
    }
    tx
}

async fn insert_applicants(db: &sqlx::AnyPool, list: &[BulkApplicant], hash: &str) {
    let now = izinkes_app::platform::db::now_text();
    let mut tx = bulk_tx(db).await;
    for chunk in list.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO applicants (id, email, password_hash, full_name, identity_type, identity_number, phone, address, \
             village_code, email_verified_at, profile, created_at, updated_at) VALUES ",
        );
        for (i, a) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(
                sql,
                "({},{},{},{},'KTP',{},{},{},{},{},'{{}}',{},{})",
                lit(&a.id),
                lit(&a.email),
                lit(hash),
                lit(&a.name),
                lit(&a.nik),
                lit(&a.phone),
                lit(&a.address),
                lit(OFFICES[a.office].2),
                lit(&now),
                lit(&now),
                lit(&now)
            );
        }
        exec_tx(&mut tx, sql).await;
    }
    tx.commit().await.expect("commit");
}

async fn insert_applications(
    db: &sqlx::AnyPool,
    rows: &[AppRow],
    templates: &[Template],
    applicants: &[BulkApplicant],
    version: i64,
) {
    let mut tx = bulk_tx(db).await;
    for chunk in rows.chunks(500) {
        let mut sql = format!(
            "INSERT INTO applications (id, office_id, applicant_id, permit_code, profession, catalog_version, status, \
             registration_number, applicant_data, answers, step1_done, step2_done, holder_name, created_at, updated_at, \
             submitted_at, lock_version, {}) VALUES ",
            desk::Wf::COLUMNS
        );
        for (i, r) in chunk.iter().enumerate() {
            let t = &templates[r.template];
            let a = &applicants[r.applicant];
            let data = serde_json::to_string(&data_for(t, a, r.office, r.facility)).expect("json");
            let updated = r
                .submitted
                .map(|s| s + ChronoDuration::hours(30))
                .unwrap_or(r.created)
                .min(Utc::now());
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(
                sql,
                "({},{},{},{},{},{version},{},{},{},{},1,1,{},{},{},{},{},{})",
                lit(&r.id),
                lit(OFFICES[r.office].0),
                lit(&a.id),
                lit(&t.code),
                lit(&t.profession),
                lit(r.status),
                opt_lit(r.number.as_deref()),
                lit(&data),
                lit(&t.answers),
                lit(&a.name.to_lowercase()),
                lit(&ts(r.created)),
                lit(&ts(updated)),
                opt_lit(r.submitted.map(ts).as_deref()),
                r.lock,
                r.wf.values()
            );
        }
        exec_tx(&mut tx, sql).await;
    }
    tx.commit().await.expect("commit");
}

/// The template's attachment rows for every bulk application, in primary-key order.
async fn insert_documents<'a>(
    db: &sqlx::AnyPool,
    apps: impl Iterator<Item = &'a AppRow>,
    docs: &[Vec<(String, String, String, String, i64)>],
) {
    let mut all: Vec<(&str, usize, String)> = apps.map(|r| (r.id.as_str(), r.template, ts(r.created))).collect();
    all.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut tx = bulk_tx(db).await;
    let mut sql = String::new();
    let mut n = 0;
    for (id, template, at) in all {
        for (key, filename, sha, mime, size) in &docs[template] {
            if n == 0 {
                sql.push_str(
                    "INSERT INTO application_documents (application_id, requirement_key, document_id, filename, sha256, mime, size, attached_at) VALUES ",
                );
            } else {
                sql.push(',');
            }
            let _ = write!(
                sql,
                "({},{},NULL,{},{},{},{size},{})",
                lit(id),
                lit(key),
                lit(filename),
                lit(sha),
                lit(mime),
                lit(&at)
            );
            n += 1;
            if n == 2000 {
                exec_tx(&mut tx, std::mem::take(&mut sql)).await;
                n = 0;
            }
        }
    }
    if n > 0 {
        exec_tx(&mut tx, sql).await;
    }
    tx.commit().await.expect("commit");
}

async fn insert_history(tx: &mut izinkes_app::platform::db::Tx, rows: &[HistRow]) {
    for chunk in rows.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO application_history (office_id, application_id, seq, at, actor_kind, actor_id, actor_name, actor_role, \
             action, from_status, to_status, step, public_note, internal_note, prev_hash, hash) VALUES ",
        );
        for (i, h) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(
                sql,
                "({},{},{},{},{},{},{},{},{},{},{},{},{},NULL,{},{})",
                lit(OFFICES[h.office].0),
                lit(&h.app),
                h.seq,
                lit(&h.at),
                lit(h.actor_kind),
                opt_lit(h.actor_id.as_deref()),
                lit(&h.actor_name),
                opt_lit(h.actor_role.as_deref()),
                lit(&h.action),
                lit(&h.from),
                lit(&h.to),
                opt_lit(h.step.as_deref()),
                opt_lit(h.note.as_deref()),
                lit(&h.prev),
                lit(&h.hash)
            );
        }
        exec_tx(tx, sql).await;
    }
}

async fn set_counter(db: &sqlx::AnyPool, office: usize, name: &str, period: &str, value: i64) {
    sqlx::query(
        "INSERT INTO counters (office_id, name, period, value) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (office_id, name, period) DO UPDATE SET value = excluded.value",
    )
    .bind(OFFICES[office].0)
    .bind(name)
    .bind(period)
    .bind(value)
    .execute(db)
    .await
    .expect("counter");
}

/// Complete files for the write scenarios, owned by their own accounts (3 per profession each,
/// so the cap of active permits holds), spread over the offices that offer each type.
fn pool_rows(
    first_person: usize,
    accounts: usize,
    wanted: usize,
    by_profession: &BTreeMap<String, Vec<usize>>,
    templates: &[Template],
    status: &'static str,
    age_minutes: std::ops::Range<i64>,
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Vec<AppRow> {
    let mut out = Vec::with_capacity(wanted);
    'accounts: for k in 0..accounts {
        for (pi, (_, types)) in by_profession.iter().enumerate() {
            for c in 0..PER_PROFESSION {
                if out.len() >= wanted {
                    break 'accounts;
                }
                let template = types[(k + c) % types.len()];
                let tpl = &templates[template];
                let office = tpl.offices[(k + pi + c) % tpl.offices.len()];
                let created = now - ChronoDuration::minutes(rng.random_range(age_minutes.clone()));
                let submitted = (created + ChronoDuration::minutes(rng.random_range(10..60)))
                    .min(now - ChronoDuration::minutes(30));
                out.push(AppRow::new(
                    office,
                    first_person + k,
                    template,
                    status,
                    created,
                    Some(submitted),
                    FACILITIES[rng.random_range(0..FACILITIES.len())],
                ));
            }
        }
    }
    out
}

async fn bulk_seed(
    state: &AppState,
    s: &Settings,
    templates: &[Template],
    timings: &mut Vec<(String, Duration)>,
) -> Seeded {
    let db = &state.db.pool;
    let mut rng = StdRng::seed_from_u64(20_260_101);
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM catalog_versions")
        .fetch_one(db)
        .await
        .expect("version");
    let existing_apps = count(db, "SELECT COUNT(*) FROM applications").await as usize;
    let bulk_apps = s.applications.saturating_sub(existing_apps);

    // Submitters: enough accounts that the cap never refuses a prepared draft.
    let mut by_profession: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, t) in templates.iter().enumerate() {
        by_profession.entry(t.profession.clone()).or_default().push(i);
    }
    let per_submitter = by_profession.len() * PER_PROFESSION;
    let per_worker = s.submit_drafts.div_ceil(s.concurrency).max(1);
    let submitters_per_worker = per_worker.div_ceil(per_submitter);
    let n_submitters = submitters_per_worker * s.concurrency;
    let n_forwarders = s.forward_files.div_ceil(per_submitter);
    let n_signees = s.sign_permits.div_ceil(per_submitter);

    // --- the offices' workflows and calendars, through the service
    let t = Instant::now();
    let offices_full: Vec<Office> = {
        let mut v = Vec::new();
        for o in OFFICES {
            v.push(catalog::offices::get(state, o.0).await.expect("office"));
        }
        v
    };
    let flows = desk::flows(state, templates).await;
    let clocks = desk::clocks(state, &offices_full).await;
    let officers = desk::officers(db).await;
    timings.push((
        format!(
            "{} workflows (office × permit type, `desks::current_workflow`: the office's preset published on first use) and calendars",
            flows.len()
        ),
        t.elapsed(),
    ));

    // --- applicants
    let t = Instant::now();
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM applicants WHERE email = 'templat.beban@contoh.id'")
            .fetch_one(db)
            .await
            .expect("template hash");
    let first_submitter = s.applicants;
    let first_forwarder = first_submitter + n_submitters;
    let first_signee = first_forwarder + n_forwarders;
    let total_people = first_signee + n_signees;
    let mut people = Vec::with_capacity(total_people);
    for n in 0..total_people {
        let name = format!(
            "{} {} {}",
            FIRST[n % FIRST.len()],
            FIRST[(n / FIRST.len()) % FIRST.len()],
            LAST[(n / 7) % LAST.len()]
        );
        let email = if n < first_submitter {
            format!("pemohon{n}@{BULK_DOMAIN}")
        } else if n < first_forwarder {
            format!("pengaju{}@{BULK_DOMAIN}", n - first_submitter)
        } else if n < first_signee {
            format!("penerus{}@{BULK_DOMAIN}", n - first_forwarder)
        } else {
            format!("penanda{}@{BULK_DOMAIN}", n - first_signee)
        };
        let address = format!("Jl. Melati No. {}, RT {:03}/RW {:03}", 1 + n % 97, 1 + n % 9, 1 + n % 5);
        let office = n % 2;
        let female = n % 2 == 1;
        let day = 1 + n % 28 + if female { 40 } else { 0 };
        let nik = format!(
            "{}{day:02}{:02}{:02}{:04}",
            if office == 0 { "617101" } else { "510103" },
            1 + (n / 28) % 12,
            60 + n % 40,
            (n + 1) % 10_000
        );
        people.push(BulkApplicant {
            id: new_id(),
            email,
            name,
            phone: format!("+62812{:08}", 10_000_000 + n),
            address,
            office,
            nik,
        });
    }
    insert_applicants(db, &people, &hash).await;
    timings.push((
        format!(
            "{} applicants (direct SQL, password hash copied, verified)",
            thousands(people.len() as u64)
        ),
        t.elapsed(),
    ));

    // --- applications of the ordinary applicants
    let t = Instant::now();
    let now = Utc::now();
    let mut rows: Vec<AppRow> = Vec::with_capacity(bulk_apps);
    let statuses: [(&str, u32); 6] = [
        ("draft", 8),
        ("submitted", 12),
        ("in_process", 18),
        ("needs_revision", 5),
        ("issued", 42),
        ("rejected", 15),
    ];
    let total_weight: u32 = statuses.iter().map(|s| s.1).sum();
    let per_person = bulk_apps.div_ceil(s.applicants).max(1);
    'people: for p in 0..s.applicants {
        let mut active: HashMap<&str, usize> = HashMap::new();
        let mut created = now - ChronoDuration::days(720) + ChronoDuration::minutes(rng.random_range(0..60 * 24 * 30));
        for j in 0..per_person {
            if rows.len() >= bulk_apps {
                break 'people;
            }
            let template = (p * 7 + j) % templates.len();
            let tpl = &templates[template];
            let office = tpl.offices[rng.random_range(0..tpl.offices.len())];
            let mut pick = rng.random_range(0..total_weight);
            let mut status = "draft";
            for (st, w) in statuses {
                if pick < w {
                    status = st;
                    break;
                }
                pick -= w;
            }
            if is_active(status) {
                let n = active.entry(tpl.profession.as_str()).or_default();
                if *n >= PER_PROFESSION {
                    status = "rejected";
                } else {
                    *n += 1;
                }
            }
            created += ChronoDuration::minutes(rng.random_range(60..60 * 24 * 24));
            let created_at = created.min(now - ChronoDuration::hours(2));
            let submitted = (status != "draft").then(|| {
                (created_at + ChronoDuration::minutes(rng.random_range(10..600))).min(now - ChronoDuration::hours(1))
            });
            rows.push(AppRow::new(
                office,
                p,
                template,
                status,
                created_at,
                submitted,
                FACILITIES[rng.random_range(0..FACILITIES.len())],
            ));
        }
    }
    // The pools of the write scenarios: files at the front office submitted in the last two days
    // (forward), files that went through every desk in the last weeks (sign).
    let mut forward = pool_rows(
        first_forwarder,
        n_forwarders,
        s.forward_files,
        &by_profession,
        templates,
        "submitted",
        60..60 * 48,
        &mut rng,
        now,
    );
    let mut ready = pool_rows(
        first_signee,
        n_signees,
        s.sign_permits,
        &by_profession,
        templates,
        "ready_to_sign",
        60 * 24 * 5..60 * 24 * 30,
        &mut rng,
        now,
    );
    // Registration numbers in submission order, continuing the demo's counters, per office and year.
    let mut counters: HashMap<(usize, i32), i64> = HashMap::new();
    let mut sk_counters: HashMap<(usize, String, i32), i64> = HashMap::new();
    for r in sqlx::query("SELECT office_id, name, period, value FROM counters")
        .fetch_all(db)
        .await
        .expect("counters")
    {
        let office: String = r.try_get("office_id").expect("office");
        let name: String = r.try_get("name").expect("name");
        let period: String = r.try_get("period").expect("period");
        let value: i64 = r.try_get("value").expect("value");
        let (Some(o), Ok(y)) = (OFFICES.iter().position(|x| x.0 == office), period.parse()) else {
            continue;
        };
        if name == "registration" {
            counters.insert((o, y), value);
        } else if let Some(code) = name.strip_prefix("sk:") {
            sk_counters.insert((o, code.to_string(), y), value);
        }
    }
    {
        let mut order: Vec<&mut AppRow> = rows
            .iter_mut()
            .chain(forward.iter_mut())
            .chain(ready.iter_mut())
            .filter(|r| r.submitted.is_some())
            .collect();
        order.sort_by_key(|r| r.submitted);
        for r in order {
            let office = &offices_full[r.office];
            let year = r
                .submitted
                .expect("submitted")
                .with_timezone(&office.tz().offset())
                .year();
            let c = counters.entry((r.office, year)).or_insert(0);
            *c += 1;
            r.number = Some(
                RegistrationNumber::new(OFFICES[r.office].1, year, *c)
                    .as_str()
                    .to_string(),
            );
        }
    }
    // Where each file is in its workflow, then the permit numbers of the files past the desks.
    let fo = |o: usize| {
        officers
            .get(&(o, Role::FrontOffice.code().to_string()))
            .map(|x| x.id.clone())
            .unwrap_or_default()
    };
    for r in rows.iter_mut().chain(forward.iter_mut()).chain(ready.iter_mut()) {
        let flow = &flows[&(r.office, templates[r.template].code.clone())];
        desk::place(r, flow, &clocks[r.office], &fo(r.office), &mut rng, now);
    }
    for r in forward.iter_mut() {
        r.lock = desk::FORWARD_LOCK;
    }
    desk::number_permits(
        rows.iter_mut().chain(ready.iter_mut()),
        &flows,
        templates,
        &clocks,
        &mut sk_counters,
        now,
    );
    insert_applications(db, &rows, templates, &people, version).await;
    for ((office, year), value) in &counters {
        set_counter(db, *office, "registration", &year.to_string(), *value).await;
    }
    for ((office, code, year), value) in &sk_counters {
        set_counter(db, *office, &format!("sk:{code}"), &year.to_string(), *value).await;
    }
    timings.push((
        format!(
            "{} applications (multi-row INSERT, 500 rows per statement, one transaction; workflow position and SLA dates as the desks set them)",
            thousands(rows.len() as u64)
        ),
        t.elapsed(),
    ));

    // --- complete drafts for the submit scenario: 3 per profession per submitter
    let t = Instant::now();
    // Data of every (template, office) pair must pass the server-side check of Tahap 1.
    for tpl in templates {
        for &o in &tpl.offices {
            let sample = data_for(tpl, &people[s.applicants], o, "Klinik Pratama Sehat Bersama");
            let (_, errors) = applications::drafts::check_applicant_data(
                &sample,
                &offices_full[o],
                izinkes_domain::catalog::Holder::Person,
            );
            assert!(
                errors.is_empty(),
                "draft data for {} at {}: {errors:?}",
                tpl.code,
                OFFICES[o].0
            );
        }
    }
    let mut drafts: Vec<AppRow> = Vec::new();
    let mut submitters: Vec<(String, Vec<String>)> = Vec::new();
    for k in 0..n_submitters {
        let person = first_submitter + k;
        let mut mine = Vec::new();
        for (pi, (_, types)) in by_profession.iter().enumerate() {
            for c in 0..PER_PROFESSION {
                let template = types[(k + c) % types.len()];
                let tpl = &templates[template];
                let office = tpl.offices[(k + pi + c) % tpl.offices.len()];
                let row = AppRow::new(
                    office,
                    person,
                    template,
                    "draft",
                    now - ChronoDuration::minutes(rng.random_range(5..600)),
                    None,
                    FACILITIES[rng.random_range(0..FACILITIES.len())],
                );
                mine.push(row.id.clone());
                drafts.push(row);
            }
        }
        // Interleave professions so consecutive submits of one account do not queue on one row.
        mine.sort_by_key(|id| id.clone());
        submitters.push((people[person].email.clone(), mine));
    }
    insert_applications(db, &drafts, templates, &people, version).await;
    timings.push((
        format!(
            "{} complete drafts for the submit scenario ({n_submitters} submitter accounts)",
            thousands(drafts.len() as u64)
        ),
        t.elapsed(),
    ));
    let t = Instant::now();
    insert_applications(db, &forward, templates, &people, version).await;
    insert_applications(db, &ready, templates, &people, version).await;
    timings.push((
        format!(
            "{} files at the front office for the forward scenario, {} files ready to sign with their permit numbers for the sign scenario",
            thousands(forward.len() as u64),
            thousands(ready.len() as u64)
        ),
        t.elapsed(),
    ));

    // --- attachments: the template's rows (real blobs) for every bulk application
    let t = Instant::now();
    let mut template_docs: Vec<Vec<(String, String, String, String, i64)>> = Vec::new();
    for tpl in templates {
        let rows = sqlx::query("SELECT requirement_key, filename, sha256, mime, size FROM application_documents WHERE application_id = $1 ORDER BY requirement_key")
            .bind(&tpl.app_id)
            .fetch_all(db)
            .await
            .expect("template documents");
        template_docs.push(
            rows.iter()
                .map(|r| {
                    (
                        r.try_get("requirement_key").expect("key"),
                        r.try_get("filename").expect("filename"),
                        r.try_get("sha256").expect("sha"),
                        r.try_get("mime").expect("mime"),
                        r.try_get("size").expect("size"),
                    )
                })
                .collect(),
        );
    }
    if state.db.backend == Backend::Postgres {
        // One hash join is much faster on PostgreSQL than parsing 650k literal rows.
        let template_ids = templates.iter().map(|t| lit(&t.app_id)).collect::<Vec<_>>().join(",");
        let mut tx = bulk_tx(db).await;
        exec_tx(
            &mut tx,
            format!(
                "INSERT INTO application_documents (application_id, requirement_key, document_id, filename, sha256, mime, size, attached_at) \
                 SELECT a.id, d.requirement_key, NULL, d.filename, d.sha256, d.mime, d.size, a.created_at \
                 FROM applications a \
                 JOIN applications t ON t.permit_code = a.permit_code AND t.id IN ({template_ids}) \
                 JOIN application_documents d ON d.application_id = t.id \
                 WHERE a.applicant_id IN (SELECT id FROM applicants WHERE email LIKE {}) ORDER BY a.id",
                lit(&format!("%@{BULK_DOMAIN}"))
            ),
        )
        .await;
        tx.commit().await.expect("commit");
    } else {
        insert_documents(
            db,
            rows.iter()
                .chain(drafts.iter())
                .chain(forward.iter())
                .chain(ready.iter()),
            &template_docs,
        )
        .await;
    }
    let docs = count(db, "SELECT COUNT(*) FROM application_documents").await;
    timings.push((format!("{} application_documents rows (the template's rows: multi-row INSERT on SQLite, INSERT … SELECT on PostgreSQL)", thousands(docs as u64)), t.elapsed()));

    // --- history: the hash chain of every submitted application
    let t = Instant::now();
    let mut tx = bulk_tx(db).await;
    let mut hist = Vec::with_capacity(10_000);
    let mut hist_n = 0;
    for r in rows.iter().chain(forward.iter()).chain(ready.iter()) {
        let flow = &flows[&(r.office, templates[r.template].code.clone())];
        desk::history(r, &people[r.applicant], flow, &officers, now, &mut hist);
        if hist.len() >= 5_000 {
            hist_n += hist.len();
            insert_history(&mut tx, &hist).await;
            hist.clear();
        }
    }
    hist_n += hist.len();
    insert_history(&mut tx, &hist).await;
    drop(hist);
    tx.commit().await.expect("commit");
    timings.push((
        format!(
            "{} history rows (the entries the service writes at each move, hash chain via applications::history::history_hash)",
            thousands(hist_n as u64)
        ),
        t.elapsed(),
    ));

    // --- permits of issued files (verification tokens) and of the files awaiting signature;
    // the desks' products on the pool files
    let t = Instant::now();
    let mut sources = Vec::new();
    for o in &offices_full {
        let docs = izinkes_app::permits::documents::office_docs(state, o)
            .await
            .expect("office documents");
        let sha: Option<String> = sqlx::query_scalar(
            "SELECT pdf_sha256 FROM permits WHERE office_id = $1 AND pdf_sha256 IS NOT NULL ORDER BY signed_at LIMIT 1",
        )
        .bind(&o.id)
        .fetch_optional(db)
        .await
        .expect("signed demo permit");
        sources.push(desk::PermitSource {
            signer_name: docs.signer_name,
            signer_position: docs.signer_position,
            pdf_sha256: sha,
        });
    }
    let with_permit: Vec<&AppRow> = rows
        .iter()
        .chain(ready.iter())
        .filter(|r| r.permit_number.is_some())
        .collect();
    let mut tx = bulk_tx(db).await;
    let permits_n = desk::insert_permits(
        &mut tx,
        &with_permit,
        templates,
        &people,
        &flows,
        &clocks,
        &sources,
        &mut rng,
        now,
    )
    .await;
    desk::insert_products(
        &mut tx,
        &forward,
        &ready,
        templates,
        &template_docs,
        &flows,
        &officers,
        now,
    )
    .await;
    tx.commit().await.expect("commit");
    timings.push((
        format!(
            "{} permits (issued: active, 1 in 50 revoked, the office's real signed SK as their document; the rest awaiting signature) and the desks' products on the pool files",
            thousands(permits_n as u64)
        ),
        t.elapsed(),
    ));

    if state.db.backend == Backend::Postgres {
        // Autovacuum would get there within a minute of a bulk load; do it now so plans are stable.
        let t = Instant::now();
        exec(db, "VACUUM ANALYZE".into()).await;
        timings.push((
            "VACUUM ANALYZE (PostgreSQL only: the steady state autovacuum reaches)".into(),
            t.elapsed(),
        ));
    } else {
        // The bulk load went through the write-ahead log. Left alone, the next small write would
        // start checkpointing hundreds of MB in the middle of a scenario, and every page read
        // would search the huge WAL index meanwhile; a running service has a small WAL.
        let wal = state.config.data_dir.join("izinkes.db-wal");
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let t = Instant::now();
        exec(db, "PRAGMA wal_checkpoint(TRUNCATE)".into()).await;
        timings.push((
            format!(
                "WAL checkpoint (SQLite only: {} MiB of WAL from the bulk load, as a running service would have checkpointed)",
                size / (1024 * 1024)
            ),
            t.elapsed(),
        ));
    }

    // The server's clock job (escalations, expiry reminders) runs at start and then every
    // minute, i.e. during the scenarios too: one pass over the seeded data, timed.
    let t = Instant::now();
    let escalated = izinkes_app::desks::clock::tick(state).await.expect("desk clock");
    let tick_time = t.elapsed();
    let t = Instant::now();
    let reminded = izinkes_app::permits::expiry::remind_expiring(state)
        .await
        .expect("reminders");
    let remind_time = t.elapsed();
    timings.push((
        format!(
            "one pass of the server's minute clock: `desks::tick` {} ({escalated} escalated), `permits::remind_expiring` {} ({reminded} reminders) — it also runs during the scenarios",
            secs(tick_time),
            secs(remind_time)
        ),
        tick_time + remind_time,
    ));

    // Readers: the first applicants, each with ~50 applications of their own.
    let mut readers: Vec<Reader> = people
        .iter()
        .take(s.concurrency)
        .map(|p| Reader {
            email: p.email.clone(),
            detail_ids: Vec::new(),
            own_applications: 0,
        })
        .collect();
    for r in &rows {
        if r.applicant < readers.len() {
            readers[r.applicant].own_applications += 1;
            if r.status != "draft" {
                readers[r.applicant].detail_ids.push(r.id.clone());
            }
        }
    }

    // The desks: every officer role with files waiting, per office.
    let mut desk_officers = Vec::new();
    let mut small_desks: Vec<String> = Vec::new();
    for (o, office) in OFFICES.iter().enumerate() {
        for role in [
            Role::FrontOffice,
            Role::BackOffice,
            Role::TimTeknis,
            Role::Kasi,
            Role::Kabid,
        ] {
            let Some(officer) = officers.get(&(o, role.code().to_string())) else {
                continue;
            };
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process') AND step_role = $2",
            )
            .bind(office.0)
            .bind(role.code())
            .fetch_one(db)
            .await
            .expect("desk size");
            if waiting > 0 {
                desk_officers.push(DeskOfficer {
                    email: officer.email.clone(),
                    label: format!("{} {}", role.label_id(), offices_full[o].short_name),
                    waiting,
                });
            }
        }
    }
    // The load runs as the officers whose desk holds at least 200 files: every request then counts
    // a large desk and renders a full page. Smaller desks are left out (and named).
    let full = |d: &DeskOfficer| d.waiting >= 200;
    if desk_officers.iter().any(full) {
        let (kept, small): (Vec<DeskOfficer>, Vec<DeskOfficer>) = desk_officers.into_iter().partition(full);
        desk_officers = kept;
        small_desks = small
            .iter()
            .map(|d| format!("{} {}", d.label, thousands(d.waiting as u64)))
            .collect();
    }
    // Where a Tugas Saya request's time goes, measured in-process before any load: the service
    // call (count + one page), and its two queries alone through sqlx (the query texts of
    // `desks::tasks`, copied).
    let desk_probe = match officers.get(&(0, Role::FrontOffice.code().to_string())) {
        Some(fo) => {
            let officer = Officer {
                id: fo.id.clone(),
                name: fo.name.clone(),
                office_id: OFFICES[0].0.to_string(),
                roles: vec![Role::FrontOffice],
            };
            let calls = 30;
            let t = Instant::now();
            let mut shown = 0;
            let mut total = 0;
            for _ in 0..calls {
                // Each call reads the database: the shared read of the desk is marked stale.
                state.desks_changed(&officer.office_id);
                let page = izinkes_app::desks::tasks::tasks(state, &officer, &Default::default())
                    .await
                    .expect("desks::tasks");
                shown = page.tasks.len();
                total = page.total;
            }
            let service = t.elapsed() / calls;
            let cond = "a.office_id = $1 AND a.status IN ('submitted', 'in_process') AND a.step_role IN ($2)";
            let t = Instant::now();
            for _ in 0..calls {
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM applications a WHERE {cond} LIMIT {}) AS c",
                    izinkes_app::desks::tasks::DESK_COUNT_LIMIT + 1
                )))
                .bind(OFFICES[0].0)
                .bind(Role::FrontOffice.code())
                .fetch_one(db)
                .await
                .expect("desk count");
            }
            let count = t.elapsed() / calls;
            let t = Instant::now();
            for _ in 0..calls {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT a.id, a.registration_number, a.holder_name, a.permit_code, a.step_key, a.step_role, a.status, a.submitted_at, \
                       a.step_due_on, a.step_entered_at, a.claimed_by, a.claimed_until, o.full_name AS claimer \
                     FROM applications a LEFT JOIN officers o ON o.id = a.claimed_by WHERE {cond} \
                     ORDER BY a.step_due_on ASC, a.submitted_at ASC, a.id ASC LIMIT {} OFFSET 0",
                    izinkes_app::desks::tasks::DESK_PAGE_SIZE
                )))
                .bind(OFFICES[0].0)
                .bind(Role::FrontOffice.code())
                .fetch_all(db)
                .await
                .expect("desk query");
            }
            let query = t.elapsed() / calls;
            Some(format!(
                "one at a time, no HTTP, {calls} calls as the Front Office of {}: `desks::tasks` {:.2} ms per call (page 1: {shown} rows; counted {}), (`desks::tasks` runs both \
                 in one statement; alone through sqlx: the bounded count {:.2} ms, the page query {:.2} ms)",
                offices_full[0].short_name,
                service.as_secs_f64() * 1000.0,
                thousands(total as u64),
                count.as_secs_f64() * 1000.0,
                query.as_secs_f64() * 1000.0,
            ))
        }
        None => None,
    };
    let forward_ids: Vec<Vec<String>> = (0..OFFICES.len())
        .map(|o| forward.iter().filter(|r| r.office == o).map(|r| r.id.clone()).collect())
        .collect();
    let mut sign_queues = Vec::new();
    let mut kadis = Vec::new();
    for (o, office) in OFFICES.iter().enumerate() {
        sign_queues.push(
            sqlx::query_scalar::<_, String>(
                "SELECT id FROM permits WHERE office_id = $1 AND status = 'awaiting_signature' ORDER BY created_at",
            )
            .bind(office.0)
            .fetch_all(db)
            .await
            .expect("permits awaiting signature"),
        );
        let k = officers.get(&(o, Role::Kadis.code().to_string())).expect("kadis");
        kadis.push((k.id.clone(), k.name.clone()));
    }
    let mut verify_tokens: Vec<String> =
        sqlx::query_scalar("SELECT token FROM permits WHERE status <> 'awaiting_signature' ORDER BY id")
            .fetch_all(db)
            .await
            .expect("tokens");
    // A random sample, the same for both backends' runs of this seed.
    for i in (1..verify_tokens.len()).rev() {
        verify_tokens.swap(i, rng.random_range(0..=i));
    }
    verify_tokens.truncate(20_000);

    let mut dataset = Vec::new();
    dataset.push((
        "applicants".into(),
        thousands(count(db, "SELECT COUNT(*) FROM applicants").await as u64),
    ));
    let total = count(db, "SELECT COUNT(*) FROM applications").await;
    let drafts_n = drafts.len() as i64;
    let offices_n =
        sqlx::query("SELECT office_id, COUNT(*) AS n FROM applications GROUP BY office_id ORDER BY office_id")
            .fetch_all(db)
            .await
            .expect("per office")
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r.try_get::<String, _>("office_id").unwrap_or_default(),
                    thousands(r.try_get::<i64, _>("n").unwrap_or(0) as u64)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
    dataset.push((
        "applications".into(),
        format!(
            "{} — {} ordinary, {} at the front office for the forward scenario, {} ready to sign for the sign scenario \
             (+ {} prepared drafts consumed by the submit scenario); per office: {offices_n}",
            thousands((total - drafts_n) as u64),
            thousands((total - drafts_n) as u64 - forward.len() as u64 - ready.len() as u64),
            thousands(forward.len() as u64),
            thousands(ready.len() as u64),
            thousands(drafts_n as u64)
        ),
    ));
    let by_status = sqlx::query("SELECT status, COUNT(*) AS n FROM applications GROUP BY status ORDER BY status")
        .fetch_all(db)
        .await
        .expect("status");
    let mut parts = Vec::new();
    for r in by_status {
        let st: String = r.try_get("status").expect("status");
        let mut n: i64 = r.try_get("n").expect("n");
        if st == "draft" {
            n -= drafts_n;
        }
        parts.push(format!("{st} {}", thousands(n as u64)));
    }
    dataset.push(("by status (before the write scenarios)".into(), parts.join(", ")));
    dataset.push((
        "at a desk step (submitted or in process, with position, step role and step deadline)".into(),
        format!(
            "{} — per desk: {}; {} of them past their step deadline (already escalated, as the clock would have done)",
            thousands(
                count(
                    db,
                    "SELECT COUNT(*) FROM applications WHERE status IN ('submitted', 'in_process') AND step_role IS NOT NULL"
                )
                .await as u64
            ),
            desk_officers
                .iter()
                .map(|d| format!("{} {}", d.label, thousands(d.waiting as u64)))
                .collect::<Vec<_>>()
                .join(", "),
            thousands(count(db, "SELECT COUNT(*) FROM applications WHERE escalated_step IS NOT NULL").await as u64)
        ),
    ));
    if let Some(probe) = desk_probe {
        dataset.push(("Tugas Saya's service call alone".into(), probe));
    }
    if !small_desks.is_empty() {
        dataset.push((
            "desks with fewer than 200 files, not used as Tugas Saya workers".into(),
            small_desks.join(", "),
        ));
    }
    dataset.push((
        "permits".into(),
        format!(
            "{} ({}): the verification scenarios pick among {} tokens at random",
            thousands(count(db, "SELECT COUNT(*) FROM permits").await as u64),
            sqlx::query("SELECT status, COUNT(*) AS n FROM permits GROUP BY status ORDER BY status")
                .fetch_all(db)
                .await
                .expect("permits by status")
                .iter()
                .map(|r| format!(
                    "{} {}",
                    r.try_get::<String, _>("status").unwrap_or_default(),
                    thousands(r.try_get::<i64, _>("n").unwrap_or(0) as u64)
                ))
                .collect::<Vec<_>>()
                .join(", "),
            thousands(verify_tokens.len() as u64)
        ),
    ));
    dataset.push(("application_documents".into(), thousands(docs as u64)));
    dataset.push((
        "application_history".into(),
        thousands(count(db, "SELECT COUNT(*) FROM application_history").await as u64),
    ));
    let own: Vec<usize> = readers.iter().map(|r| r.own_applications).collect();
    dataset.push((
        "applications per logged-in reader".into(),
        format!(
            "{}–{} (detail pages: their non-draft ones)",
            own.iter().min().unwrap_or(&0),
            own.iter().max().unwrap_or(&0)
        ),
    ));

    Seeded {
        base: String::new(),
        readers,
        submitters,
        desk_officers,
        forward_ids,
        sign_queues,
        kadis,
        verify_tokens,
        timings: Vec::new(),
        dataset,
        version: String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Load

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scenario {
    Catalog,
    MyList,
    Detail,
    Thread,
    ApiList,
    Submit,
    DeskPage,
    DeskApi,
    Forward,
    VerifyPage,
    VerifyJson,
}

impl Scenario {
    const ALL: [Scenario; 11] = [
        Scenario::Catalog,
        Scenario::MyList,
        Scenario::Detail,
        Scenario::Thread,
        Scenario::ApiList,
        Scenario::Submit,
        Scenario::DeskPage,
        Scenario::DeskApi,
        Scenario::Forward,
        Scenario::VerifyPage,
        Scenario::VerifyJson,
    ];

    fn name(self) -> &'static str {
        match self {
            Scenario::Catalog => "Catalog page `GET /`",
            Scenario::MyList => "Permohonan Saya `GET /permohonan`",
            Scenario::Detail => "Detail page `GET /permohonan/{id}`",
            Scenario::Thread => "Thread of 200 messages `GET /permohonan/{id}`",
            Scenario::ApiList => "JSON list `GET /api/v1/applications`",
            Scenario::Submit => "Submit `POST /api/v1/applications/{id}/submit`",
            Scenario::DeskPage => "Tugas Saya `GET /petugas`",
            Scenario::DeskApi => "Desk JSON `GET /api/v1/desk/tasks`",
            Scenario::Forward => "Forward `POST /api/v1/desk/applications/{id}/actions`",
            Scenario::VerifyPage => "Verification page `GET /v/{token}`",
            Scenario::VerifyJson => "Verification JSON `GET /v/{token}.json`",
        }
    }
    /// (req/s, p99 ms) targets of the issue.
    fn target(self) -> (f64, Option<f64>) {
        match self {
            Scenario::Submit | Scenario::Forward => (300.0, None),
            Scenario::VerifyPage | Scenario::VerifyJson => (5000.0, Some(10.0)),
            Scenario::Thread => (200.0, Some(20.0)),
            _ => (2000.0, Some(25.0)),
        }
    }
    /// Consumes prepared rows (a request per file): the knob that sizes the pool.
    fn pool_knob(self) -> Option<&'static str> {
        match self {
            Scenario::Submit => Some("BENCH_SUBMIT_DRAFTS"),
            Scenario::Forward => Some("BENCH_FORWARD_FILES"),
            _ => None,
        }
    }
}

/// Messages in each thread of the `thread` scenario.
const THREAD_MESSAGES: usize = 200;

/// Writes a thread of `n` messages on an application, the applicant and the office in turn
/// (the office's messages unread by the applicant, so the first view also marks them read).
async fn seed_thread(db: &sqlx::AnyPool, application_id: &str, n: usize) {
    let (office, applicant): (String, String) =
        sqlx::query_as("SELECT office_id, applicant_id FROM applications WHERE id = $1")
            .bind(application_id)
            .fetch_one(db)
            .await
            .expect("thread application");
    let at = |i: usize| format!("2026-11-{:02}T08:{:02}:00.000000Z", 1 + i / 60, i % 60);
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let office_side = i % 2 == 1;
            let (author, label) = if office_side {
                ("officer", "Front Office")
            } else {
                (applicant.as_str(), "Pemohon")
            };
            let body = format!(
                "Pesan ke-{} tentang permohonan ini: mohon dijelaskan syarat yang masih kurang, \
                 dan kapan berkas saya diperiksa oleh petugas. Terima kasih atas bantuannya.",
                i + 1
            );
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {})",
                lit(&office),
                lit(application_id),
                i64::from(office_side),
                lit(author),
                lit(label),
                lit(&body),
                lit(&format!("{:064x}", i)),
                lit(&at(i))
            )
        })
        .collect();
    exec(
        db,
        format!(
            "INSERT INTO messages (office_id, application_id, from_office, author_id, author_label, body, digest, created_at) VALUES {}",
            rows.join(", ")
        ),
    )
    .await;
    let (last, last_applicant, last_office): (i64, i64, i64) = sqlx::query_as(
        "SELECT MAX(id), MAX(CASE WHEN from_office = 0 THEN id ELSE 0 END), MAX(CASE WHEN from_office = 1 THEN id ELSE 0 END) \
         FROM messages WHERE application_id = $1",
    )
    .bind(application_id)
    .fetch_one(db)
    .await
    .expect("thread ids");
    exec(
        db,
        format!(
            "INSERT INTO message_threads (application_id, office_id, applicant_id, last_id, last_applicant_id, last_office_id, \
             awaiting_office, updated_at) VALUES ({}, {}, {}, {last}, {last_applicant}, {last_office}, 0, {})",
            lit(application_id),
            lit(&office),
            lit(&applicant),
            lit(&at(n))
        ),
    )
    .await;
}

struct Session {
    /// Browser-like client: cookie store, redirects not followed.
    browser: reqwest::Client,
    token: String,
}

struct WorkerOut {
    lat_us: Vec<u32>,
    /// When each measured request was due/sent, in ms after the window opened (for the timeline).
    at_ms: Vec<u32>,
    errors: u64,
    samples: Vec<String>,
    bytes: u64,
    exhausted_at: Option<Duration>,
    /// Open loop: requests that were due but never sent because the server fell too far behind.
    not_sent: u64,
    last_done: Option<Instant>,
}

#[derive(Default)]
struct Stats {
    requests: u64,
    errors: u64,
    rps: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    avg_bytes: u64,
    samples: Vec<String>,
    note: String,
    cpu: CpuSplit,
    /// Resident memory of the process when the scenario ended.
    rss_kb: u64,
}

#[derive(Default, Clone, Copy)]
struct CpuSplit {
    server: f64,
    load: f64,
    postgres: f64,
    machine_busy: f64,
}

fn client(gzip: bool, cookies: bool) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if gzip {
        headers.insert(
            reqwest::header::ACCEPT_ENCODING,
            reqwest::header::HeaderValue::from_static("gzip"),
        );
    }
    reqwest::Client::builder()
        .cookie_store(cookies)
        .redirect(Policy::none())
        .default_headers(headers)
        .pool_max_idle_per_host(4)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// Logs in through the pages (cookie session) and through the API (bearer token): applicants at
/// `/masuk`, officers at `/petugas/masuk` (and `"kind": "officer"` for the API).
async fn login(base: &str, email: &str, gzip: bool, web: bool, officer: bool) -> Session {
    let browser = client(gzip, true);
    let password = if officer {
        izinkes_app::demo::OFFICER_PASSWORD
    } else {
        PASSWORD
    };
    if web {
        let form = if officer { "/petugas/masuk" } else { "/masuk" };
        let page = browser
            .get(format!("{base}{form}"))
            .send()
            .await
            .expect("GET login page");
        assert_eq!(page.status(), 200, "GET {form}");
        let csrf = page
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.strip_prefix("izk_csrf=")
                    .map(|v| v.split(';').next().unwrap_or("").to_string())
            })
            .expect("izk_csrf cookie");
        let _ = page.bytes().await;
        let next = if officer { "/petugas" } else { "/permohonan" };
        let r = browser
            .post(format!("{base}{form}"))
            .form(&[
                ("email", email),
                ("password", password),
                ("lanjut", next),
                ("_csrf", &csrf),
            ])
            .send()
            .await
            .expect("POST login");
        assert_eq!(r.status(), 303, "web login of {email}");
        let to = r
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(to.ends_with(next), "web login of {email} went to {to:?}, not {next}");
        let _ = r.bytes().await;
    }
    let body = if officer {
        serde_json::json!({"email": email, "password": password, "kind": "officer"})
    } else {
        serde_json::json!({"email": email, "password": password})
    };
    let r = browser
        .post(format!("{base}/api/v1/auth/login"))
        .header("accept-encoding", "identity")
        .json(&body)
        .send()
        .await
        .expect("API login");
    let status = r.status();
    let v: serde_json::Value = r.json().await.unwrap_or_default();
    assert_eq!(status, 200, "API login of {email}: {v}");
    let token = v["token"].as_str().expect("token").to_string();
    Session { browser, token }
}

async fn worker(
    scenario: Scenario,
    base: Arc<str>,
    client: reqwest::Client,
    tokens: Vec<String>,
    paths: Vec<(usize, String)>,
    start: Instant,
    measure_from: Instant,
    end: Instant,
    // Open loop: this worker's requests are due at `start + offset + k * interval`.
    pace: Option<(Duration, Duration)>,
) -> WorkerOut {
    let mut out = WorkerOut {
        lat_us: Vec::with_capacity(32_768),
        at_ms: Vec::with_capacity(32_768),
        errors: 0,
        samples: Vec::new(),
        bytes: 0,
        exhausted_at: None,
        not_sent: 0,
        last_done: None,
    };
    // An open loop stops sending a little after the window even if requests are still due.
    let hard_stop = end + Duration::from_secs(2);
    let mut next = 0usize;
    let mut due_no: u32 = 0;
    let mut rng = StdRng::seed_from_u64(paths.len() as u64 ^ start.elapsed().as_nanos() as u64);
    loop {
        // Latency is measured from when the request was due (so a slow server cannot hide its
        // queue by delaying the next send: no coordinated omission).
        let t0 = match pace {
            None => Instant::now(),
            Some((offset, interval)) => {
                let due = start + offset + interval * due_no;
                due_no += 1;
                if due > Instant::now() {
                    tokio::time::sleep_until(due.into()).await;
                }
                due
            }
        };
        if t0 >= end {
            break;
        }
        if pace.is_some() && Instant::now() >= hard_stop {
            if let Some((_, interval)) = pace {
                let left = end.saturating_duration_since(t0).as_secs_f64() / interval.as_secs_f64();
                out.not_sent += left.ceil() as u64;
            }
            break;
        }
        let req = match scenario {
            Scenario::Catalog => client.get(format!("{base}/")),
            Scenario::MyList => client.get(format!("{base}/permohonan")),
            Scenario::Detail | Scenario::Thread => {
                let (_, p) = &paths[rng.random_range(0..paths.len())];
                client.get(format!("{base}{p}"))
            }
            Scenario::ApiList => client
                .get(format!("{base}/api/v1/applications"))
                .bearer_auth(&tokens[0]),
            Scenario::Submit => {
                let Some((tok, p)) = paths.get(next) else {
                    out.exhausted_at = Some(t0.duration_since(measure_from));
                    break;
                };
                next += 1;
                client.post(format!("{base}{p}")).bearer_auth(&tokens[*tok])
            }
            Scenario::DeskPage => client.get(format!("{base}/petugas")),
            Scenario::DeskApi => client.get(format!("{base}/api/v1/desk/tasks")).bearer_auth(&tokens[0]),
            Scenario::Forward => {
                let Some((tok, p)) = paths.get(next) else {
                    out.exhausted_at = Some(t0.duration_since(measure_from));
                    break;
                };
                next += 1;
                client
                    .post(format!("{base}{p}"))
                    .bearer_auth(&tokens[*tok])
                    .json(&forward_body())
            }
            Scenario::VerifyPage | Scenario::VerifyJson => {
                let (_, p) = &paths[rng.random_range(0..paths.len())];
                client.get(format!("{base}{p}"))
            }
        };
        let result = match req.send().await {
            Ok(r) => {
                let status = r.status();
                match r.bytes().await {
                    Ok(b) => Ok((status, b)),
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        let elapsed = t0.elapsed();
        if t0 < measure_from {
            continue;
        }
        out.last_done = Some(Instant::now());
        out.lat_us.push(elapsed.as_micros().min(u32::MAX as u128) as u32);
        out.at_ms.push(t0.duration_since(measure_from).as_millis() as u32);
        match result {
            Ok((status, body)) => {
                out.bytes += body.len() as u64;
                if !(status.is_success() || status.is_redirection()) {
                    out.errors += 1;
                    if out.samples.len() < 3 {
                        let text = String::from_utf8_lossy(&body);
                        out.samples
                            .push(format!("{status}: {}", text.chars().take(300).collect::<String>()));
                    }
                }
            }
            Err(e) => {
                out.errors += 1;
                if out.samples.len() < 3 {
                    out.samples.push(e);
                }
            }
        }
    }
    out
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

// --- CPU accounting from /proc: who spent the cores during a scenario.

fn clk_tck() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// (comm, utime + stime in ticks) from a /proc stat file.
fn stat_ticks(path: &std::path::Path) -> Option<(String, u64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text[open + 1..close].to_string();
    let fields: Vec<&str> = text[close + 2..].split_whitespace().collect();
    // After the comm: state is field 3, utime field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((comm, utime + stime))
}

#[derive(Clone, Default)]
struct CpuSnap {
    /// utime + stime of the whole process (includes threads that have exited).
    process: u64,
    /// Per load-generator thread.
    load: HashMap<String, u64>,
    /// Per PostgreSQL process of this benchmark's database (and the server's background processes).
    postgres: HashMap<String, u64>,
    machine_busy: u64,
    at: Option<Instant>,
}

fn cpu_snapshot(pg_db: Option<&str>) -> CpuSnap {
    let mut s = CpuSnap {
        at: Some(Instant::now()),
        ..CpuSnap::default()
    };
    if let Some((_, ticks)) = stat_ticks(std::path::Path::new("/proc/self/stat")) {
        s.process = ticks;
    }
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            if let Some((comm, ticks)) = stat_ticks(&t.path().join("stat"))
                && comm.starts_with("izk-load")
            {
                s.load.insert(t.file_name().to_string_lossy().into_owned(), ticks);
            }
        }
    }
    if let Some(db) = pg_db
        && let Ok(procs) = std::fs::read_dir("/proc")
    {
        for p in procs.flatten() {
            let pid = p.file_name().to_string_lossy().into_owned();
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Some((comm, ticks)) = stat_ticks(&p.path().join("stat")) else {
                continue;
            };
            if !comm.starts_with("postgres") {
                continue;
            }
            // Backends show "postgres: user db client state"; background processes have no client.
            let title = std::fs::read(p.path().join("cmdline"))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let is_backend = title.contains("127.0.0.1(") || title.contains("[local]") || title.contains("::1(");
            if !is_backend || title.contains(db) {
                s.postgres.insert(pid, ticks);
            }
        }
    }
    if let Ok(stat) = std::fs::read_to_string("/proc/stat")
        && let Some(line) = stat.lines().next()
    {
        let v: Vec<u64> = line.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
        // user nice system idle iowait irq softirq steal
        if v.len() >= 8 {
            s.machine_busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        }
    }
    s
}

fn delta(a: &HashMap<String, u64>, b: &HashMap<String, u64>) -> u64 {
    b.iter()
        .map(|(k, v)| v.saturating_sub(a.get(k).copied().unwrap_or(0)))
        .sum()
}

fn cpu_split(a: &CpuSnap, b: &CpuSnap, tck: f64) -> CpuSplit {
    let wall =
        b.at.zip(a.at)
            .map(|(b, a)| b.duration_since(a).as_secs_f64())
            .unwrap_or(1.0)
            .max(0.001);
    let pct = |ticks: u64| ticks as f64 / tck / wall * 100.0;
    let load = delta(&a.load, &b.load);
    CpuSplit {
        server: pct(b.process.saturating_sub(a.process).saturating_sub(load)),
        load: pct(load),
        postgres: pct(delta(&a.postgres, &b.postgres)),
        machine_busy: pct(b.machine_busy.saturating_sub(a.machine_busy)),
    }
}

/// A write scenario's worker: its client, its accounts' tokens, and (token index, path) per request.
type WritePlan = (reqwest::Client, Vec<String>, Vec<(usize, String)>);

struct Plans<'a> {
    readers: &'a [Session],
    anonymous: &'a [reqwest::Client],
    submit: &'a [WritePlan],
    reader_paths: &'a [Vec<(usize, String)>],
    /// One officer session per worker (the desk officers in turn).
    desk: &'a [Session],
    forward: &'a [WritePlan],
    /// Per worker: `/v/{token}` paths (the JSON scenario appends `.json`).
    verify_paths: &'a [Vec<(usize, String)>],
    verify_json_paths: &'a [Vec<(usize, String)>],
}

/// The forward action as a desk client sends it: the version it saw, a fresh idempotency key.
fn forward_body() -> serde_json::Value {
    serde_json::json!({"action": "forward", "lock_version": desk::FORWARD_LOCK, "request_key": new_id()})
}

/// Runs one scenario: closed loop (`rate` None: every client sends its next request as soon as
/// the previous answer is read) or open loop at `rate` req/s spread evenly over the clients.
async fn run_scenario(
    scenario: Scenario,
    s: &Settings,
    base: &str,
    plans: &Plans<'_>,
    rate: Option<f64>,
    warmup: u64,
    seconds: u64,
    tck: f64,
    pg_db: Option<&str>,
) -> Stats {
    let base: Arc<str> = Arc::from(base);
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(warmup);
    let end = measure_from + Duration::from_secs(seconds);
    let mut handles = Vec::new();
    for w in 0..s.concurrency {
        let (client, tokens, paths) = match scenario {
            Scenario::Catalog => (plans.anonymous[w].clone(), Vec::new(), Vec::new()),
            Scenario::MyList => (plans.readers[w].browser.clone(), Vec::new(), Vec::new()),
            Scenario::Detail => (
                plans.readers[w].browser.clone(),
                Vec::new(),
                plans.reader_paths[w].clone(),
            ),
            Scenario::Thread => (
                plans.readers[w].browser.clone(),
                Vec::new(),
                plans.reader_paths[w][..1].to_vec(),
            ),
            Scenario::ApiList => (
                plans.readers[w].browser.clone(),
                vec![plans.readers[w].token.clone()],
                Vec::new(),
            ),
            Scenario::Submit => plans.submit[w].clone(),
            Scenario::DeskPage => (plans.desk[w].browser.clone(), Vec::new(), Vec::new()),
            Scenario::DeskApi => (
                plans.desk[w].browser.clone(),
                vec![plans.desk[w].token.clone()],
                Vec::new(),
            ),
            Scenario::Forward => plans.forward[w].clone(),
            Scenario::VerifyPage => (plans.anonymous[w].clone(), Vec::new(), plans.verify_paths[w].clone()),
            Scenario::VerifyJson => (
                plans.anonymous[w].clone(),
                Vec::new(),
                plans.verify_json_paths[w].clone(),
            ),
        };
        let pace = rate.map(|r| {
            let interval = Duration::from_secs_f64(s.concurrency as f64 / r);
            (interval.mul_f64(w as f64 / s.concurrency as f64), interval)
        });
        handles.push(tokio::spawn(worker(
            scenario,
            base.clone(),
            client,
            tokens,
            paths,
            start,
            measure_from,
            end,
            pace,
        )));
    }
    // CPU shares over the measured window only.
    tokio::time::sleep_until(measure_from.into()).await;
    let before = cpu_snapshot(pg_db);
    tokio::time::sleep_until(end.into()).await;
    let after = cpu_snapshot(pg_db);
    let mut lat = Vec::new();
    let mut timeline: Vec<(u32, u32)> = Vec::new();
    let mut stats = Stats {
        cpu: cpu_split(&before, &after, tck),
        rss_kb: vm_rss_kb(),
        ..Stats::default()
    };
    let mut bytes = 0;
    let mut exhausted = Vec::new();
    let mut not_sent = 0;
    let mut last_done = measure_from;
    for h in handles {
        let o = h.await.expect("worker");
        not_sent += o.not_sent;
        if let Some(t) = o.last_done {
            last_done = last_done.max(t);
        }
        timeline.extend(o.at_ms.iter().copied().zip(o.lat_us.iter().copied()));
        lat.extend(o.lat_us);
        stats.errors += o.errors;
        bytes += o.bytes;
        for smp in o.samples {
            if stats.samples.len() < 3 {
                stats.samples.push(smp);
            }
        }
        if let Some(t) = o.exhausted_at {
            exhausted.push(t);
        }
    }
    if std::env::var("BENCH_TIMELINE").is_ok_and(|v| v == "1") {
        // Per second of the window: requests, p50, p99, max — to see stalls (debugging aid).
        let mut per_second: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (at, l) in &timeline {
            per_second.entry(at / 1000).or_default().push(*l);
        }
        for (sec, mut v) in per_second {
            v.sort_unstable();
            eprintln!(
                "bench:     t={sec:>3}s {:>6} req  p50 {:>7.2}  p99 {:>7.2}  max {:>7.2} ms",
                v.len(),
                percentile(&v, 0.5),
                percentile(&v, 0.99),
                v.last().copied().unwrap_or(0) as f64 / 1000.0
            );
        }
    }
    lat.sort_unstable();
    stats.requests = lat.len() as u64;
    // Open loop: what the server actually got through, i.e. until the last answer came back.
    let took = if rate.is_some() {
        last_done.duration_since(measure_from).as_secs_f64().max(seconds as f64)
    } else {
        seconds as f64
    };
    stats.rps = stats.requests as f64 / took;
    stats.errors += not_sent;
    if not_sent > 0 {
        stats.note = format!(
            "{} due requests were never sent: the server fell more than 2 s behind (counted as errors)",
            thousands(not_sent)
        );
    }
    stats.p50 = percentile(&lat, 0.50);
    stats.p90 = percentile(&lat, 0.90);
    stats.p99 = percentile(&lat, 0.99);
    stats.max = lat.last().map(|&m| m as f64 / 1000.0).unwrap_or(0.0);
    stats.avg_bytes = if stats.requests > 0 { bytes / stats.requests } else { 0 };
    if !exhausted.is_empty() {
        let first = exhausted.iter().min().copied().unwrap_or_default();
        stats.note = format!(
            "{} of {} workers ran out of prepared files (first after {:.1} s of the measured window): req/s is a lower bound; raise {}",
            exhausted.len(),
            s.concurrency,
            first.as_secs_f64(),
            scenario.pool_knob().unwrap_or("the pool")
        );
    }
    stats
}

fn log_stats(label: &str, st: &Stats) {
    eprintln!(
        "bench:   {label:<58} {:>7} req {:>4} err {:>6.0} req/s  p50 {:>6.2}  p90 {:>6.2}  p99 {:>7.2}  max {:>7.2} ms | cpu srv {:.0}% load {:.0}% pg {:.0}% machine {:.0}% | rss {} MiB",
        st.requests,
        st.errors,
        st.rps,
        st.p50,
        st.p90,
        st.p99,
        st.max,
        st.cpu.server,
        st.cpu.load,
        st.cpu.postgres,
        st.cpu.machine_busy,
        st.rss_kb / 1024
    );
    for smp in &st.samples {
        eprintln!("bench:     error sample: {smp}");
    }
    if !st.note.is_empty() {
        eprintln!("bench:     {}", st.note);
    }
}

struct BackendReport {
    kind: Kind,
    version: String,
    timings: Vec<(String, Duration)>,
    seed_total: Duration,
    dataset: Vec<(String, String)>,
    login: Duration,
    logins: usize,
    results: Vec<(Scenario, Stats, Option<Stats>)>,
    /// Render + sign through `permits::sign_one` (1 worker, 2, and as many as a batch signs at once) and the check of its output.
    sign: Vec<sign::RunStats>,
    sign_check: Result<String, String>,
    /// Tugas Saya as each desk officer sees it: (label, files waiting, rows the page shows).
    desks: Vec<(String, i64, usize)>,
    /// Tugas Saya page views in the desk scenarios: (served from a shared read, read from the database).
    desk_views: (u64, u64),
    peak_seed_kb: u64,
    rss_after_seed_kb: u64,
    peak_load_kb: u64,
    rss_file_end_kb: u64,
    after: Vec<(String, String)>,
}

fn proc_status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn vm_hwm_kb() -> u64 {
    proc_status_kb("VmHWM:")
}

/// The process's own memory (anonymous RSS): VmRSS also counts the pages of the SQLite file
/// the server reads through its memory map, which are the kernel's page cache, shared and
/// reclaimable.
fn vm_rss_kb() -> u64 {
    proc_status_kb("RssAnon:")
}

/// Pages of mapped files resident in the process (on SQLite: the database file's map).
fn rss_file_kb() -> u64 {
    proc_status_kb("RssFile:")
}

fn run_backend(kind: Kind, s: &Settings, cores: usize, client_rt: &tokio::runtime::Runtime) -> BackendReport {
    eprintln!(
        "bench: {} — seeding {} applications …",
        kind.label(),
        thousands(s.applications as u64)
    );
    // Peak RSS per backend: "5" resets VmHWM (Linux ≥ 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .thread_name("izk-srv")
        .enable_all()
        .build()
        .expect("server runtime");
    let t = Instant::now();
    let running = server_rt.block_on(prepare(kind, s));
    let seed_total = t.elapsed();
    let peak_seed = vm_hwm_kb();
    let rss_after_seed = vm_rss_kb();
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    for (what, d) in &running.seeded.timings {
        eprintln!("bench:   {:>7}  {what}", secs(*d));
    }
    let seeded = &running.seeded;
    let tck = clk_tck();

    let report = client_rt.block_on(async {
        let has = |sc: Scenario| s.scenarios.contains(&sc);
        let need_readers =
            has(Scenario::MyList) || has(Scenario::Detail) || has(Scenario::Thread) || has(Scenario::ApiList);
        // Log in: readers through the login page (cookie) and the API (token); submitters through
        // the API; desk officers both ways (in turn over the desks, one session per worker);
        // front office officers through the API for the forward scenario.
        let t = Instant::now();
        let sem = Arc::new(tokio::sync::Semaphore::new(cores * 2));
        let spawn_login = |email: String, web: bool, officer: bool| {
            let (base, sem, gzip) = (seeded.base.clone(), sem.clone(), s.gzip);
            tokio::spawn(async move {
                let _p = sem.acquire().await.expect("sem");
                login(&base, &email, gzip, web, officer).await
            })
        };
        let mut jobs = Vec::new();
        if need_readers {
            for r in &seeded.readers {
                jobs.push(spawn_login(r.email.clone(), true, false));
            }
        }
        let mut readers = Vec::new();
        for j in jobs {
            readers.push(j.await.expect("login"));
        }
        let mut jobs = Vec::new();
        if has(Scenario::Submit) {
            for (email, _) in &seeded.submitters {
                jobs.push(spawn_login(email.clone(), false, false));
            }
        }
        let mut submit_tokens = Vec::new();
        for j in jobs {
            submit_tokens.push(j.await.expect("login").token);
        }
        let mut jobs = Vec::new();
        if (has(Scenario::DeskPage) || has(Scenario::DeskApi)) && !seeded.desk_officers.is_empty() {
            for w in 0..s.concurrency {
                let o = &seeded.desk_officers[w % seeded.desk_officers.len()];
                jobs.push(spawn_login(o.email.clone(), true, true));
            }
        }
        let mut desk_sessions = Vec::new();
        for j in jobs {
            desk_sessions.push(j.await.expect("login"));
        }
        // Forward: each worker is a front office officer of one office, with its own slice of
        // that office's files; the last file of each office is kept for the pre-flight check.
        let fo_email = |o: usize| format!("frontoffice.{}@demo.izinkes.id", OFFICES[o].0);
        let mut jobs = Vec::new();
        if has(Scenario::Forward) {
            for w in 0..s.concurrency {
                jobs.push(spawn_login(fo_email(w % OFFICES.len()), false, true));
            }
        }
        let mut forward_tokens = Vec::new();
        for j in jobs {
            forward_tokens.push(j.await.expect("login").token);
        }
        let login_time = t.elapsed();
        let logins = readers.len() * 2 + submit_tokens.len() + desk_sessions.len() * 2 + forward_tokens.len();
        eprintln!("bench:   {:>7}  {logins} logins over HTTP (argon2)", secs(login_time));

        // Each submit worker owns whole accounts, so two workers never submit for one person.
        let mut submit_plans = Vec::new();
        if has(Scenario::Submit) {
            let per_worker = seeded.submitters.len() / s.concurrency;
            for w in 0..s.concurrency {
                let mut tokens = Vec::new();
                let mut lists = Vec::new();
                for k in 0..per_worker {
                    let idx = w * per_worker + k;
                    tokens.push(submit_tokens[idx].clone());
                    lists.push(seeded.submitters[idx].1.clone());
                }
                // Round-robin over the worker's accounts.
                let mut paths = Vec::new();
                let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
                for i in 0..longest {
                    for (k, l) in lists.iter().enumerate() {
                        if let Some(id) = l.get(i) {
                            paths.push((k, format!("/api/v1/applications/{id}/submit")));
                        }
                    }
                }
                submit_plans.push((client(s.gzip, false), tokens, paths));
            }
        }
        let mut preflight_forward: Vec<String> = Vec::new();
        let mut forward_plans = Vec::new();
        if has(Scenario::Forward) {
            let mut pools: Vec<Vec<String>> = seeded.forward_ids.clone();
            for p in pools.iter_mut() {
                if let Some(id) = p.pop() {
                    preflight_forward.push(id);
                }
            }
            let per_office = s.concurrency.div_ceil(OFFICES.len());
            for (w, token) in forward_tokens.iter().enumerate() {
                let (o, k) = (w % OFFICES.len(), w / OFFICES.len());
                let pool = &pools[o];
                let chunk = pool.len() / per_office;
                let paths = pool[k * chunk..(k + 1) * chunk]
                    .iter()
                    .map(|id| (0, format!("/api/v1/desk/applications/{id}/actions")))
                    .collect();
                forward_plans.push((client(s.gzip, false), vec![token.clone()], paths));
            }
        }
        let reader_paths: Vec<Vec<(usize, String)>> = seeded
            .readers
            .iter()
            .map(|r| r.detail_ids.iter().map(|id| (0, format!("/permohonan/{id}"))).collect())
            .collect();
        if has(Scenario::Thread) {
            let t = Instant::now();
            for paths in reader_paths.iter().take(s.concurrency) {
                let id = paths[0].1.trim_start_matches("/permohonan/");
                seed_thread(&running.state.db.pool, id, THREAD_MESSAGES).await;
            }
            eprintln!(
                "bench:   {:>7}  threads of {THREAD_MESSAGES} messages",
                secs(t.elapsed())
            );
            let r = readers[0]
                .browser
                .get(format!("{}{}", seeded.base, reader_paths[0][0].1))
                .header("accept-encoding", "identity")
                .send()
                .await
                .expect("thread");
            assert_eq!(r.status(), 200, "thread page");
            let body = r.text().await.unwrap_or_default();
            assert!(
                body.contains(&format!("Pesan ke-{THREAD_MESSAGES} ")),
                "the page shows the whole thread"
            );
        }
        let verify_paths: Vec<Vec<(usize, String)>> = (0..s.concurrency)
            .map(|w| {
                seeded
                    .verify_tokens
                    .iter()
                    .skip(w)
                    .step_by(s.concurrency)
                    .map(|t| (0, format!("/v/{t}")))
                    .collect()
            })
            .collect();
        let verify_json_paths: Vec<Vec<(usize, String)>> = verify_paths
            .iter()
            .map(|l| l.iter().map(|(i, p)| (*i, format!("{p}.json"))).collect())
            .collect();
        let anonymous: Vec<reqwest::Client> = (0..s.concurrency).map(|_| client(s.gzip, true)).collect();

        // Pre-flight: every scenario answers as expected before it is loaded.
        let identity = |req: reqwest::RequestBuilder| req.header("accept-encoding", "identity");
        let r = anonymous[0]
            .get(format!("{}/", seeded.base))
            .send()
            .await
            .expect("GET /");
        assert_eq!(r.status(), 200, "catalog page");
        if need_readers {
            let r = identity(readers[0].browser.get(format!("{}/permohonan", seeded.base)))
                .send()
                .await
                .expect("list");
            assert_eq!(r.status(), 200, "Permohonan Saya");
            let body = r.text().await.unwrap_or_default();
            assert!(
                body.contains("PTK-") || body.contains("JBR-"),
                "Permohonan Saya shows registration numbers"
            );
            let r = identity(
                readers[0]
                    .browser
                    .get(format!("{}{}", seeded.base, reader_paths[0][0].1)),
            )
            .send()
            .await
            .expect("detail");
            assert_eq!(r.status(), 200, "detail page");
            let r = identity(readers[0].browser.get(format!("{}/api/v1/applications", seeded.base)))
                .bearer_auth(&readers[0].token)
                .send()
                .await
                .expect("api");
            assert_eq!(r.status(), 200, "JSON list");
            let v: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap_or_default()).unwrap_or_default();
            let n = v["applications"].as_array().map(Vec::len).unwrap_or(0);
            let own = seeded.readers[0].own_applications.min(40);
            assert!(n >= own, "JSON list has the reader's applications ({n} of {own})");
        }
        // Tugas Saya: every desk officer's page lists files (so the scenario cannot pass on an
        // empty desk), and the JSON lists as many.
        let mut desks = Vec::new();
        for (i, o) in seeded.desk_officers.iter().enumerate() {
            let Some(session) = desk_sessions.get(i) else { break };
            let r = identity(session.browser.get(format!("{}/petugas", seeded.base)))
                .send()
                .await
                .expect("Tugas Saya");
            assert_eq!(r.status(), 200, "Tugas Saya of {}", o.label);
            let body = r.text().await.unwrap_or_default();
            let rows = body.matches("href=\"/petugas/berkas/").count();
            assert!(
                rows > 0,
                "Tugas Saya of {} lists no file ({} waiting)",
                o.label,
                o.waiting
            );
            let r = identity(session.browser.get(format!("{}/api/v1/desk/tasks", seeded.base)))
                .bearer_auth(&session.token)
                .send()
                .await
                .expect("desk tasks");
            assert_eq!(r.status(), 200, "desk JSON of {}", o.label);
            let v: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap_or_default()).unwrap_or_default();
            let n = v["tasks"].as_array().map(Vec::len).unwrap_or(0);
            assert_eq!(n, rows, "desk JSON and Tugas Saya of {} list the same files", o.label);
            let limit = izinkes_app::desks::tasks::DESK_COUNT_LIMIT;
            assert_eq!(
                (v["total"].as_i64(), v["total_exact"].as_bool()),
                (Some(o.waiting.min(limit)), Some(o.waiting <= limit)),
                "desk JSON of {} counts the files waiting (exactly up to {limit})",
                o.label
            );
            eprintln!(
                "bench:   Tugas Saya of {}: {rows} rows shown of {} waiting",
                o.label, o.waiting
            );
            desks.push((o.label.clone(), o.waiting, rows));
        }
        // Forward: one file per office through the API as the scenario will, answered `done`.
        for (w, id) in preflight_forward.iter().enumerate() {
            let r = client(false, false)
                .post(format!("{}/api/v1/desk/applications/{id}/actions", seeded.base))
                .bearer_auth(&forward_tokens[w])
                .json(&forward_body())
                .send()
                .await
                .expect("forward");
            let status = r.status();
            let v: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap_or_default()).unwrap_or_default();
            assert_eq!(status, 200, "forward pre-flight: {v}");
            assert_eq!(v["outcome"], "done", "forward pre-flight: {v}");
            assert_eq!(v["application"]["status"], "in_process", "forward pre-flight: {v}");
        }
        if has(Scenario::VerifyPage) || has(Scenario::VerifyJson) {
            assert!(!verify_paths[0].is_empty(), "issued permits with tokens");
            let r = identity(anonymous[0].get(format!("{}{}", seeded.base, verify_paths[0][0].1)))
                .send()
                .await
                .expect("verify");
            assert_eq!(r.status(), 200, "verification page");
            let body = r.text().await.unwrap_or_default();
            assert!(
                body.contains("/DPMPTSP-PTK/") || body.contains("/DPMPTSP-JBR/"),
                "the verification page shows the permit number"
            );
            let r = identity(anonymous[0].get(format!("{}{}", seeded.base, verify_json_paths[0][0].1)))
                .send()
                .await
                .expect("verify json");
            assert_eq!(r.status(), 200, "verification JSON");
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            assert!(
                matches!(v["status_code"].as_str(), Some("active" | "revoked" | "expired")),
                "verification JSON: {v}"
            );
        }

        let plans = Plans {
            readers: &readers,
            anonymous: &anonymous,
            submit: &submit_plans,
            reader_paths: &reader_paths,
            desk: &desk_sessions,
            forward: &forward_plans,
            verify_paths: &verify_paths,
            verify_json_paths: &verify_json_paths,
        };
        let pg_db = running.pg_db.as_deref();
        let mut results = Vec::new();
        let mut desk_views = (0, 0);
        for scenario in s.scenarios.clone() {
            let views_before = running.state.desk_page_counts();
            let st = run_scenario(scenario, s, &seeded.base, &plans, None, s.warmup, s.seconds, tck, pg_db).await;
            log_stats(&format!("{} (closed loop)", scenario.name()), &st);
            let paced = match scenario.target() {
                // Pacing at a rate the server reached not even half of only builds a queue for
                // seconds: skipped, and reported as such.
                (rate, Some(_)) if s.paced_seconds > 0 && st.rps < rate * 0.5 => {
                    eprintln!(
                        "bench:   {} (open loop at {rate:.0}/s) skipped: the closed loop reached {:.0} req/s",
                        scenario.name(),
                        st.rps
                    );
                    None
                }
                (rate, Some(_)) if s.paced_seconds > 0 => {
                    let st = run_scenario(
                        scenario,
                        s,
                        &seeded.base,
                        &plans,
                        Some(rate),
                        1,
                        s.paced_seconds,
                        tck,
                        pg_db,
                    )
                    .await;
                    log_stats(&format!("{} (open loop at {rate:.0}/s)", scenario.name()), &st);
                    Some(st)
                }
                _ => None,
            };
            if matches!(scenario, Scenario::DeskPage | Scenario::DeskApi) {
                let after = running.state.desk_page_counts();
                desk_views.0 += after.0 - views_before.0;
                desk_views.1 += after.1 - views_before.1;
            }
            results.push((scenario, st, paced));
        }
        (login_time, logins, results, desks, desk_views)
    });

    // Render + sign through the service, on the server's runtime, with no HTTP load running.
    let (sign_runs, sign_check) = if s.sign {
        let kadis: Vec<Officer> = seeded
            .kadis
            .iter()
            .enumerate()
            .map(|(o, (id, name))| Officer {
                id: id.clone(),
                name: name.clone(),
                office_id: OFFICES[o].0.to_string(),
                roles: vec![Role::Kadis],
            })
            .collect();
        let queues: Vec<Arc<std::sync::Mutex<std::collections::VecDeque<String>>>> = seeded
            .sign_queues
            .iter()
            .map(|q| Arc::new(std::sync::Mutex::new(q.iter().cloned().collect())))
            .collect();
        // One worker, two, and as many at once as a batch signs (the target's run), unless
        // BENCH_SIGN_WORKERS lists others.
        let mut counts: Vec<usize> = std::env::var("BENCH_SIGN_WORKERS")
            .ok()
            .map(|v| {
                v.split(',')
                    .filter_map(|n| n.trim().parse().ok())
                    .filter(|n| *n > 0)
                    .collect()
            })
            .unwrap_or_else(|| vec![1, 2, izinkes_app::permits::signing::batch_parallelism()]);
        counts.sort_unstable();
        counts.dedup();
        if running.pg_db.is_some() {
            // The write scenarios before leave dead rows that autovacuum cleans up within a
            // minute or two; left to it, that cleanup ran during the signing runs (about a fifth
            // of a core). Do it now, so the runs measure signing (disclosed in the doc).
            server_rt.block_on(exec(&running.state.db.pool, "VACUUM ANALYZE".into()));
        }
        let runs: Vec<sign::RunStats> = counts
            .into_iter()
            .map(|workers| {
                server_rt.block_on(sign::real_path(
                    &running.state,
                    &kadis,
                    &queues,
                    workers,
                    s.warmup.max(1),
                    s.sign_seconds,
                    tck,
                    running.pg_db.as_deref(),
                ))
            })
            .collect();
        let check = server_rt.block_on(sign::check_signed(&running.state));
        (runs, check)
    } else {
        (Vec::new(), Err("not run".into()))
    };

    let peak_load = vm_hwm_kb();
    let rss_file_end = rss_file_kb();
    let after = server_rt.block_on(async {
        let db = &running.state.db.pool;
        vec![
            (
                "submitted through the API in this run".to_string(),
                thousands(
                    sqlx::query_scalar::<_, i64>(
                        "SELECT COUNT(*) FROM applications a JOIN applicants p ON p.id = a.applicant_id \
                     WHERE p.email LIKE 'pengaju%' AND a.status = 'submitted'",
                    )
                    .fetch_one(db)
                    .await
                    .unwrap_or(0) as u64,
                ),
            ),
            (
                "forwarded through the desk API in this run (front office → next desk)".to_string(),
                thousands(
                    sqlx::query_scalar::<_, i64>(
                        "SELECT COUNT(*) FROM applications a JOIN applicants p ON p.id = a.applicant_id \
                     WHERE p.email LIKE 'penerus%' AND a.status = 'in_process'",
                    )
                    .fetch_one(db)
                    .await
                    .unwrap_or(0) as u64,
                ),
            ),
            (
                "signed through `permits::sign_one` in this run".to_string(),
                thousands(
                    sqlx::query_scalar::<_, i64>(
                        "SELECT COUNT(*) FROM applications a JOIN applicants p ON p.id = a.applicant_id \
                     WHERE p.email LIKE 'penanda%' AND a.status = 'issued'",
                    )
                    .fetch_one(db)
                    .await
                    .unwrap_or(0) as u64,
                ),
            ),
            (
                "applications at the end".to_string(),
                thousands(count(db, "SELECT COUNT(*) FROM applications").await as u64),
            ),
        ]
    });
    let Running {
        state,
        seeded,
        _dir,
        pg_db,
    } = running;
    server_rt.block_on(state.db.pool.close());
    drop(state);
    server_rt.shutdown_timeout(Duration::from_secs(5));
    if let (Some(name), Some(admin)) = (pg_db, s.pg_admin.clone()) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(async move {
            if let Ok(db) = izinkes_app::platform::db::Db::connect(&admin).await {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&db.pool)
                .await;
                db.pool.close().await;
            }
        });
    }
    drop(_dir);
    let (login, logins, results, desks, desk_views) = report;
    BackendReport {
        kind,
        version: seeded.version,
        timings: seeded.timings,
        seed_total,
        dataset: seeded.dataset,
        login,
        logins,
        results,
        sign: sign_runs,
        sign_check,
        desks,
        desk_views,
        peak_seed_kb: peak_seed,
        rss_after_seed_kb: rss_after_seed,
        peak_load_kb: peak_load,
        rss_file_end_kb: rss_file_end,
        after,
    }
}

// ---------------------------------------------------------------------------------------------
// Report

fn command(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> Vec<(String, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let mem_kb: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    vec![
        (
            "CPU".into(),
            format!(
                "{model} — {cores} logical cores available to the process (`nproc`: {})",
                command("nproc", &[])
            ),
        ),
        ("memory".into(), format!("{:.1} GiB", mem_kb as f64 / 1024.0 / 1024.0)),
        (
            "kernel".into(),
            std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .unwrap_or_default()
                .trim()
                .to_string(),
        ),
        (
            "load average at start".into(),
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        ("rustc".into(), command("rustc", &["--version"])),
    ]
}

fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn verdict(scenario: Scenario, st: &Stats) -> (String, bool) {
    let (rps, p99) = scenario.target();
    let ok_rps = st.rps >= rps;
    let ok_p99 = p99.is_none_or(|t| st.p99 <= t);
    let ok = ok_rps && ok_p99 && st.errors == 0;
    let target = match p99 {
        Some(t) => format!("≥ {} req/s, p99 ≤ {t:.0} ms", thousands(rps as u64)),
        None => format!("≥ {rps:.0} req/s"),
    };
    (target, ok)
}

fn pass(ok: bool) -> &'static str {
    if ok { "PASS" } else { "**FAIL**" }
}

/// Where the time of a scenario that missed its target went, from its CPU split.
fn diagnosis(st: &Stats, cores: usize, postgres: bool) -> String {
    let c = st.cpu;
    let capacity = cores as f64 * 100.0;
    let used = c.server + c.load + c.postgres;
    let other = (c.machine_busy - used).max(0.0);
    let per_req = if st.rps > 0.0 {
        (c.server + c.postgres) / 100.0 / st.rps * 1e6
    } else {
        0.0
    };
    if c.machine_busy >= capacity * 0.85 {
        let ceiling = if per_req > 0.0 {
            (capacity - c.load) / 100.0 / (per_req / 1e6)
        } else {
            0.0
        };
        format!(
            "CPU-bound: the cores were {:.0}% busy (server {:.0}%{}, load generator {:.0}%, other work {:.0}%); at {per_req:.0} µs of server{} CPU \
             per request the {cores} cores minus the load generator give at most ≈ {} req/s",
            c.machine_busy / capacity * 100.0,
            c.server,
            if postgres {
                format!(", PostgreSQL {:.0}%", c.postgres)
            } else {
                String::new()
            },
            c.load,
            other,
            if postgres { " + PostgreSQL" } else { "" },
            thousands(ceiling as u64)
        )
    } else {
        format!(
            "not CPU-bound (cores {:.0}% busy): requests wait — on the database (one SQLite writer at a time, the connection pool) or on locks — \
             rather than compute",
            c.machine_busy / capacity * 100.0
        )
    }
}

fn render(
    s: &Settings,
    started: DateTime<Utc>,
    machine: &[(String, String)],
    reports: &[BackendReport],
    cpu_sign: Option<&sign::CpuOnly>,
    commit: &str,
) -> String {
    let cores = machine_cores();
    let mut md = String::new();
    let _ = writeln!(md, "# Load benchmark\n");
    let _ = writeln!(
        md,
        "Generated by `cargo bench -p izinkes-app --bench load` (crates/app/benches/load.rs); re-running it overwrites this file.\n"
    );
    let _ = writeln!(md, "- **Date:** {}", started.format("%Y-%m-%d %H:%M UTC"));
    let _ = writeln!(md, "- **Commit:** `{commit}`");
    for (k, v) in machine {
        let _ = writeln!(md, "- **{}:** {v}", k[..1].to_uppercase() + &k[1..]);
    }
    let _ = writeln!(
        md,
        "- **Load:** {} concurrent clients (tokio tasks with reqwest, one keep-alive connection each); per scenario {} s warm-up, then {} s measured; \
         every latency recorded (request sent → whole body read){}.",
        s.concurrency,
        s.warmup,
        s.seconds,
        if s.gzip {
            "; `Accept-Encoding: gzip` sent, as browsers do"
        } else {
            "; no compression requested"
        }
    );
    let _ = writeln!(
        md,
        "- **Server:** the real router through `izinkes_app::serve` on 127.0.0.1:0, in the same process as the load generator but on its own \
         tokio runtime ({cores} worker threads each); `bench` profile (optimised).\n"
    );
    let _ = writeln!(md, "## Targets (issue)\n");
    let _ = writeln!(
        md,
        "On 2 cores at 64 concurrent clients. Any error fails a scenario.\n\n\
         | Scenario | Target |\n|---|---|\n\
         | Applicant pages and JSON list (catalog, Permohonan Saya, detail, `GET /api/v1/applications`) | ≥ 2,000 req/s, p99 ≤ 25 ms |\n\
         | Submit | ≥ 300/s |\n\
         | Tugas Saya with 100,000 applications across two offices (`GET /petugas`, `GET /api/v1/desk/tasks`) | ≥ 2,000 req/s, p99 ≤ 25 ms |\n\
         | A forward action (`teruskan`) through the desk API | ≥ 300/s |\n\
         | Public verification `GET /v/{{token}}` (and `GET /v/{{token}}.json`) | ≥ 5,000 req/s, p99 ≤ 10 ms |\n\
         | Render + sign per final SK (not HTTP) | ≥ 50 permits/s and p99 ≤ 100 ms, warm, 2 cores |\n\n\
         Two measurements per read scenario, because the two halves of a target pull against each other with 64 clients sending back to back: \
         by Little's law the mean latency of a closed loop is 64 / throughput, i.e. 32 ms at exactly 2,000 req/s (12.8 ms at 5,000 req/s), so a \
         closed-loop p99 within the target needs well over the target rate.\n\n\
         - **Closed loop** — every client sends its next request as soon as the last answer is read: the most the server does (req/s) and \
         the latency when saturated. PASS = req/s and p99 targets both met, as the issue reads literally.\n\
         - **Open loop at the target rate** — {} s at the scenario's target rate spread evenly over the same 64 connections; latency counted from \
         when each request was due, so queueing is not hidden. PASS = p99 within the target and the rate was kept.\n",
        s.paced_seconds
    );

    for r in reports {
        let _ = writeln!(md, "## {} ({})\n", r.kind.label(), r.version);
        let _ = writeln!(md, "### Closed loop, {} clients\n", s.concurrency);
        let _ = writeln!(
            md,
            "| Scenario | Requests | Errors | req/s | p50 ms | p90 ms | p99 ms | max ms | Target | Result |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (sc, st, _) in &r.results {
            let (target, ok) = verdict(*sc, st);
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {target} | {} |",
                sc.name(),
                thousands(st.requests),
                thousands(st.errors),
                thousands(st.rps.round() as u64),
                ms(st.p50),
                ms(st.p90),
                ms(st.p99),
                ms(st.max),
                pass(ok)
            );
        }
        if r.results.iter().any(|(_, _, p)| p.is_some()) {
            let _ = writeln!(
                md,
                "\n### Open loop at the target rate over {} connections\n",
                s.concurrency
            );
            let _ = writeln!(
                md,
                "| Scenario | Rate | Requests | Errors | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | Target | Result |"
            );
            let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
            for (sc, closed, paced) in &r.results {
                let Some(st) = paced else {
                    if let (rate, Some(p99)) = sc.target() {
                        let _ = writeln!(
                            md,
                            "| {} | {} | — | — | — | — | — | — | — | p99 ≤ {p99:.0} ms | **FAIL** (not run: the closed loop reached {} req/s, under half the rate) |",
                            sc.name(),
                            thousands(rate as u64),
                            thousands(closed.rps.round() as u64)
                        );
                    }
                    continue;
                };
                let (rate, p99) = sc.target();
                let p99 = p99.unwrap_or(f64::MAX);
                let ok = st.errors == 0 && st.p99 <= p99 && st.rps >= rate * 0.97;
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | p99 ≤ {p99:.0} ms | {} |",
                    sc.name(),
                    thousands(rate as u64),
                    thousands(st.requests),
                    thousands(st.errors),
                    thousands(st.rps.round() as u64),
                    ms(st.p50),
                    ms(st.p90),
                    ms(st.p99),
                    ms(st.max),
                    pass(ok)
                );
            }
        }
        let _ = writeln!(md);
        // Where the time went when a target was missed (closed loop).
        let mut wrote = false;
        for (sc, st, _) in &r.results {
            if !verdict(*sc, st).1 {
                let _ = writeln!(
                    md,
                    "- {} **FAIL**: {}.",
                    sc.name(),
                    diagnosis(st, cores, r.kind == Kind::Postgres)
                );
                wrote = true;
            }
        }
        if !r.desks.is_empty() {
            let _ = writeln!(
                md,
                "- Tugas Saya shows {} files a page, the most pressing first, with the count of the desk, exact up to {} files and \"more than\" \
                 beyond (`desks::tasks`: a bounded COUNT and one page, both from the covering partial index `applications_desk_open`); the \
                 requests ask for page 1. The workers are the officers of the desks holding ≥ 200 files, in turn, one session each. Files \
                 waiting / rows shown per desk: {}. Officers of one desk share a read of its page (`read_cache`: trusted until this server \
                 changes a file of the office, at most {} s): of the {} page views of the Tugas Saya scenarios, {} read the database.",
                izinkes_app::desks::tasks::DESK_PAGE_SIZE,
                thousands(izinkes_app::desks::tasks::DESK_COUNT_LIMIT as u64),
                r.desks
                    .iter()
                    .map(|(label, waiting, shown)| format!("{label} {} / {shown}", thousands(*waiting as u64)))
                    .collect::<Vec<_>>()
                    .join(", "),
                izinkes_app::platform::read_cache::DESK_CACHE_TTL.as_secs(),
                thousands(r.desk_views.0 + r.desk_views.1),
                thousands(r.desk_views.1)
            );
            wrote = true;
        }
        if wrote {
            let _ = writeln!(md);
        }
        sign::render_real(&mut md, &r.sign, &r.sign_check, cores, r.kind == Kind::Postgres);
        let _ = writeln!(
            md,
            "### Where the CPU went (closed loop)\n\n100% = one core; {cores} cores in total. \"other\" is everything else on the machine \
             (other users of the shared cores) — CPU the server could not have.\n"
        );
        let _ = writeln!(
            md,
            "| Scenario | server (this process) | load generator | PostgreSQL | other | server CPU per request | avg response bytes | process memory after (RssAnon) |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
        for (sc, st, _) in &r.results {
            let c = st.cpu;
            let other = (c.machine_busy - c.server - c.load - c.postgres).max(0.0);
            let per_req = if st.rps > 0.0 {
                (c.server + c.postgres) / 100.0 / st.rps * 1e6
            } else {
                0.0
            };
            let _ = writeln!(
                md,
                "| {} | {:.0}% | {:.0}% | {} | {:.0}% | {:.0} µs{} | {} | {:.0} MiB |",
                sc.name(),
                c.server,
                c.load,
                if r.kind == Kind::Postgres {
                    format!("{:.0}%", c.postgres)
                } else {
                    "—".into()
                },
                other,
                per_req,
                if r.kind == Kind::Postgres {
                    " (incl. PostgreSQL)"
                } else {
                    ""
                },
                thousands(st.avg_bytes),
                st.rss_kb as f64 / 1024.0
            );
        }
        let _ = writeln!(md);
        for (sc, st, paced) in &r.results {
            for st in std::iter::once(st).chain(paced.iter()) {
                if !st.note.is_empty() {
                    let _ = writeln!(md, "- {}: {}", sc.name(), st.note);
                }
                for smp in &st.samples {
                    let _ = writeln!(
                        md,
                        "- {} error sample: `{}`",
                        sc.name(),
                        smp.replace('`', "'").replace('\n', " ")
                    );
                }
            }
        }
        let _ = writeln!(
            md,
            "- Memory of the benchmark process (server *and* load generator{}): {:.0} MiB of its own memory (RssAnon) after seeding \
             (the allocator keeps what seeding used); peak RSS (VmHWM, which also counts mapped file pages, once per connection that \
             mapped them) {:.0} MiB while seeding, \
             {:.0} MiB by the end of the load{}.",
            if r.kind == Kind::Postgres {
                "; PostgreSQL's processes not included"
            } else {
                ""
            },
            r.rss_after_seed_kb as f64 / 1024.0,
            r.peak_seed_kb as f64 / 1024.0,
            r.peak_load_kb as f64 / 1024.0,
            if r.kind == Kind::Sqlite {
                format!(
                    "; of the RSS at the end, {:.0} MiB are pages of the database file read through SQLite's memory map \
                     (`db::SQLITE_MMAP_BYTES`: the kernel's page cache, shared and reclaimable, not the server's own memory)",
                    r.rss_file_end_kb as f64 / 1024.0
                )
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            md,
            "- Logins before the load: {} over HTTP (argon2) in {}.",
            r.logins,
            secs(r.login)
        );
        for (k, v) in &r.after {
            let _ = writeln!(md, "- {}: {v}.", k[..1].to_uppercase() + &k[1..]);
        }
        let _ = writeln!(md, "\nDataset:\n");
        for (k, v) in &r.dataset {
            let _ = writeln!(md, "- {k}: {v}");
        }
        let _ = writeln!(md, "\nSeeding took **{}** in total:\n", secs(r.seed_total));
        let _ = writeln!(md, "| Step | Time |");
        let _ = writeln!(md, "|---|---:|");
        for (k, d) in &r.timings {
            let _ = writeln!(md, "| {k} | {} |", secs(*d));
        }
        let _ = writeln!(md);
    }

    if let Some(c) = cpu_sign {
        sign::render_cpu_only(&mut md, c, s.sign_seconds, s.warmup.max(1), cores);
    }
    let _ = writeln!(md, "## How to read these numbers\n");
    let _ = writeln!(
        md,
        "- The load generator runs in the same process and on the same {cores} cores as the server (and for PostgreSQL the database server \
         runs there too). Every core-second it uses is one the server does not get, so the req/s are a lower bound for the server alone on this \
         machine, and the latencies include the client's own scheduling delay. The \"other\" column shows how much of the machine other work took \
         during the window: the cores are shared, so compare runs by *server CPU per request* as much as by req/s."
    );
    let _ = writeln!(
        md,
        "- The dataset is synthetic but made of the service's own rows: one complete draft per permit type is made through the service layer \
         (Tahap 1–3 with real uploads) and copied into the bulk rows; statuses follow a plausible spread, and the cap of 3 active permits per \
         profession holds for every applicant. Registration numbers are unique per office and year and the `counters` rows continue them, so \
         submits during the run get fresh numbers."
    );
    let _ = writeln!(
        md,
        "- Submit consumes prepared complete drafts (3 per profession per account, so the cap never refuses one; each worker owns its accounts). \
         Each submit re-checks the whole application, then in one transaction takes the office's registration counter, updates the status, \
         appends a history row and queues the email in the outbox; the outbox worker delivers to the development mailbox meanwhile."
    );
    let _ = writeln!(
        md,
        "- The desks: every submitted application sits where its office's workflow puts it — Pontianak runs SEPOK (3 desks; Perekam Medis \
         on Bontang's 8), Jembrana Cilegon's 6 desks, as the demo publishes them — with the step deadline and SLA clock computed from the \
         office calendar, and the history the desks write at each move. Files in process are spread over the later desks. Steps already past \
         their deadline carry the escalation mark, as the minute clock would have set it. Tugas Saya runs as the officers of every desk that \
         fills the page (no TOTP: kepala dinas and admin must use a second factor and have no desk)."
    );
    let _ = writeln!(
        md,
        "- Forward: each worker is a front office officer (the two offices alternate, one API token per worker) forwarding its own slice of \
         files that were submitted in the last two days with the checklist product and checks recorded, sending the `lock_version` it saw \
         and a fresh `request_key`. Each forward loads the file (three times: the handler, the action, the answer), writes the idempotency \
         key, the position, the history row, and the applicant's mail \"Berkas … lengkap\" to the outbox."
    );
    let _ = writeln!(
        md,
        "- Verification: every issued application has its permit row (number from the `sk:<code>` counters, a random token, the office's \
         real signed SK as its document hash); the clients are anonymous browsers picking tokens at random."
    );
    let _ = writeln!(
        md,
        "- SQLite runs with the service's settings (WAL, synchronous=NORMAL, pool of 8) in a temporary directory on the local disk. PostgreSQL \
         runs with the service's pool of 16 against the local server, after `VACUUM ANALYZE` of the freshly loaded tables; its connections go \
         as the service's would: without TLS to a server on this machine unless `BENCH_DATABASE_URL` asks for an `sslmode` (`db::pg_url_for_connect`; \
         append `?sslmode=prefer` to measure with TLS)."
    );
    let _ = writeln!(
        md,
        "- Numbers on these shared cores move by ±30% from run to run when other work starts; a run whose \"other\" column is high \
         is not comparable. For a decision, run twice and compare *server CPU per request*."
    );
    let _ = writeln!(md);
    let _ = writeln!(md, "## How to run\n");
    let _ = writeln!(md, "```sh");
    let _ = writeln!(
        md,
        "cargo bench -p izinkes-app --bench load                         # SQLite only"
    );
    let _ = writeln!(md, "BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\");
    let _ = writeln!(
        md,
        "  cargo bench -p izinkes-app --bench load                       # SQLite and PostgreSQL"
    );
    let _ = writeln!(md, "```\n");
    let _ = writeln!(
        md,
        "Knobs (environment): `BENCH_SECONDS` (10), `BENCH_WARMUP` (1), `BENCH_PACED_SECONDS` (5; 0 skips the open-loop runs), \
         `BENCH_CONCURRENCY` (64), `BENCH_APPLICATIONS` (100000), `BENCH_APPLICANTS` (2000), `BENCH_SUBMIT_DRAFTS`, `BENCH_FORWARD_FILES`, \
         `BENCH_SIGN_PERMITS`, `BENCH_SIGN_SECONDS` (`BENCH_SECONDS`), `BENCH_SIGN_WORKERS` (`1,2,` and the batch's concurrency), `BENCH_BACKENDS` (sqlite,postgres), `BENCH_GZIP` (1), \
         `BENCH_TIMELINE` (0), `BENCH_OUTPUT`.\n\n\
         `BENCH_SCENARIOS` picks scenarios, comma-separated (default `{DEFAULT_SCENARIOS}`; `all` is everything): `catalog`, `list`, \
         `detail`, `thread`, `api`, `submit`, `desk` (= `desk-page` + `desk-api`), `forward`, `verify` (= `verify-page` + `verify-json`), `sign` \
         (render + sign: CPU only once, `permits::sign_one` per backend). For example \
         `BENCH_SCENARIOS=desk,forward,verify,sign BENCH_BACKENDS=sqlite cargo bench -p izinkes-app --bench load`."
    );
    md
}

fn machine_cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn main() {
    let s = Settings::from_env();
    let started = Utc::now();
    let machine = machine();
    let mut commit = command("git", &["rev-parse", "--short", "HEAD"]);
    if command("git", &["status", "--porcelain", "--untracked-files=no"])
        .lines()
        .any(|l| !l.trim().is_empty())
    {
        commit.push_str(" (with uncommitted changes in the working tree)");
    }
    let cores = machine_cores();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .thread_name("izk-load")
        .enable_all()
        .build()
        .expect("client runtime");
    // Render + sign without the database first: the first render of the process is the cold one.
    let cpu_sign = s.sign.then(|| {
        eprintln!("bench: render + sign per final SK, CPU only …");
        sign::cpu_only(s.sign_seconds, s.warmup.max(1), &[1, 2], clk_tck())
    });
    let mut reports = Vec::new();
    for kind in s.backends.clone() {
        reports.push(run_backend(kind, &s, cores, &client_rt));
    }
    let md = render(&s, started, &machine, &reports, cpu_sign.as_ref(), &commit);
    if let Some(dir) = s.output.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(&s.output, md).expect("write report");
    eprintln!("bench: wrote {}", s.output.display());
}
