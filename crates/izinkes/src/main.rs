//! `izinkes`: the web server, the background worker and the admin CLI in one binary.
#![forbid(unsafe_code)]

mod calendar_cli;
mod office_cli;

use clap::{Args, Parser, Subcommand};
use izinkes_app::platform::config::Config;
use izinkes_app::platform::config::S3Config;
use izinkes_app::platform::config::TrustedProxies;
use izinkes_app::state::AppState;
use izinkes_domain::catalog::Catalog;
use izinkes_domain::roles::Role;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a request makes many small allocations, and glibc's
/// arenas cost measurably more CPU under load (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "izinkes",
    version,
    about = "Perizinan tenaga kesehatan online — online health-sector licensing for Indonesian one-stop service offices (DPMPTSP)"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args, Clone)]
struct Common {
    /// Directory for the embedded SQLite database and uploaded files.
    #[arg(long, env = "IZINKES_DATA_DIR", default_value = "./data", global = true)]
    data_dir: PathBuf,
    /// PostgreSQL (`postgres://user@host/db`) or SQLite (`sqlite://file.db`) URL; default: SQLite in the data directory.
    /// A PostgreSQL on this machine is reached without TLS unless the URL names an `sslmode`.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Connections in the database pool; default 8 on SQLite, and on PostgreSQL 4 per core of this machine (4 to 32).
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    database_max_connections: Option<u32>,
    /// Keep uploaded files in this S3-compatible bucket instead of the data directory.
    #[arg(long, env = "IZINKES_S3_BUCKET", global = true)]
    s3_bucket: Option<String>,
    /// S3-compatible endpoint, e.g. http://127.0.0.1:9000 (MinIO, Ceph, Garage); default: AWS S3. Requests are path-style.
    #[arg(long, env = "IZINKES_S3_ENDPOINT", global = true)]
    s3_endpoint: Option<String>,
    /// Signing region of the bucket.
    #[arg(long, env = "IZINKES_S3_REGION", default_value = "us-east-1", global = true)]
    s3_region: String,
    /// Access key id; without a key pair the AWS credential chain applies (web identity, instance metadata).
    #[arg(long, env = "IZINKES_S3_ACCESS_KEY", global = true)]
    s3_access_key: Option<String>,
    /// Secret access key (prefer the environment variable over the flag).
    #[arg(long, env = "IZINKES_S3_SECRET_KEY", hide_env_values = true, global = true)]
    s3_secret_key: Option<String>,
}

impl Common {
    /// S3 is used when a bucket is set.
    fn s3(&self) -> Option<S3Config> {
        let bucket = self.s3_bucket.clone().filter(|b| !b.is_empty())?;
        let mut s3 = S3Config::new(self.s3_endpoint.clone().filter(|e| !e.is_empty()), bucket);
        s3.region = self.s3_region.clone();
        s3.access_key = self.s3_access_key.clone().filter(|k| !k.is_empty());
        s3.secret_key = self.s3_secret_key.clone().filter(|k| !k.is_empty());
        Some(s3)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server and background worker (the default command).
    Serve(ServeArgs),
    /// Apply database migrations and import the bundled catalog, then exit.
    Migrate,
    /// Print the OpenAPI document of the JSON API (as served at /api/openapi.json), or write it
    /// to a file: `izinkes openapi --out crates/app/openapi.json` refreshes the committed copy.
    Openapi {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Load the demo data (two offices, officers of every role, applicants) if the database has no office yet.
    Demo,
    /// Run a local stand-in for the WhatsApp Cloud API and the SMS gateway (docs/gateways.md) and print the settings that point izinkes at it.
    FakeGateway {
        #[arg(long, default_value_t = 9099)]
        port: u16,
        /// Where to send delivery reports: the izinkes base URL.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        callback: String,
    },
    /// Manage offices: create one with its first admin, list, show with its setup checklist, update, close, reopen.
    #[command(subcommand)]
    Office(office_cli::OfficeCommand),
    /// National and office holidays: import a year's decree from CSV, check each office's calendar reaches 60 days ahead.
    #[command(subcommand)]
    Calendar(calendar_cli::CalendarCommand),
    /// Manage officers.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Import or export the permit catalog (versioned JSON).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Check the tamper-evident history.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Workflows per office and permit type.
    #[command(subcommand)]
    Workflow(WorkflowCommand),
    /// The archive of issued permits.
    #[command(subcommand)]
    Permit(PermitCommand),
    /// How an office signs permits: its own certificate ("local", optionally importing the PKCS#12 its CA issued with --p12) or BSrE ("bsre" with --bsre-url).
    Signer {
        #[arg(long)]
        office: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        bsre_url: Option<String>,
        /// PKCS#12 (.p12/.pfx) issued by the certificate authority; its password is read from IZINKES_SIGNER_PASSWORD.
        #[arg(long)]
        p12: Option<PathBuf>,
        /// Name and position printed in the signer block (with --p12).
        #[arg(long, default_value = "")]
        signer_name: String,
        #[arg(long, default_value = "")]
        position: String,
    },
}

#[derive(Subcommand)]
enum PermitCommand {
    /// List permits (number, status, holder, validity).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write a permit's signed PDF to a file.
    Export {
        number: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a permit PDF: its signature, its hash against the archive, and the permit's current status.
    Verify { file: PathBuf },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every application's hash chain and report edited, deleted or reordered entries (exit 1 if any).
    Verify,
}

#[derive(Subcommand)]
enum WorkflowCommand {
    /// Print a preset (sepok, cilegon, bontang) or an office's current workflow for a permit type as JSON.
    Show {
        #[arg(long)]
        preset: Option<String>,
        #[arg(long)]
        office: Option<String>,
        #[arg(long)]
        permit: Option<String>,
    },
    /// Check and publish a workflow definition (JSON file) for an office and permit type; running applications keep their version.
    Publish {
        #[arg(long)]
        office: String,
        #[arg(long)]
        permit: String,
        file: PathBuf,
    },
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "IZINKES_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Public base URL used in emailed links (default: http://<listen>).
    #[arg(long, env = "IZINKES_BASE_URL")]
    base_url: Option<String>,
    /// SMTP server for outgoing mail, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@mail.example.go.id; without it mail goes to the demo mailbox page.
    #[arg(long, env = "IZINKES_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender address of outgoing mail.
    #[arg(long, env = "IZINKES_MAIL_FROM", default_value = "izinkes <noreply@izinkes.local>")]
    mail_from: String,
    /// Load demo data and show the demo logins and mailbox (automatic on the embedded default's first start).
    #[arg(long, env = "IZINKES_DEMO")]
    demo: bool,
    /// The secret a payment gateway signs its callbacks to /api/hooks/payment with (HMAC-SHA256,
    /// `X-Izinkes-Signature: sha256=<hex>`); without it the cashier confirms payments by hand.
    #[arg(long, env = "IZINKES_PAYMENT_SECRET", hide_env_values = true)]
    payment_secret: Option<String>,
    /// Send Strict-Transport-Security (one year) when the base URL is https; `--hsts false` to
    /// leave it to the proxy.
    #[arg(long, env = "IZINKES_HSTS", default_value_t = true, action = clap::ArgAction::Set)]
    hsts: bool,
    /// Real use: never demo mode, and refuse to start on a database that holds the demo data.
    /// Also implied by an SMTP server; a base URL that is not on this machine implies it too
    /// unless --demo is given (a public demonstration).
    #[arg(long, env = "IZINKES_PRODUCTION")]
    production: bool,
    /// Log as JSON lines (for production log collectors).
    #[arg(long, env = "IZINKES_LOG_JSON")]
    log_json: bool,
    /// Reverse proxies whose X-Forwarded-For / Forwarded headers name the client, as comma-separated CIDRs
    /// (e.g. 127.0.0.1/32,::1/128 for a proxy on this host). Default: none; then every client behind a proxy
    /// is the proxy's one address, for the login throttle too.
    #[arg(long, env = "TRUSTED_PROXIES", value_parser = TrustedProxies::parse, default_value = "")]
    trusted_proxies: TrustedProxies,
    #[command(flatten)]
    gateways: GatewayArgs,
}

/// The phone gateways (docs/gateways.md). Each is on when its URL and tokens are all set;
/// without them izinkes notifies by e-mail only.
#[derive(Args, Clone)]
struct GatewayArgs {
    /// WhatsApp Business Cloud API root with its version.
    #[arg(long, env = "IZINKES_WHATSAPP_URL", default_value = izinkes_app::platform::config::WhatsAppConfig::DEFAULT_URL)]
    whatsapp_url: String,
    /// A system user's access token for the Cloud API.
    #[arg(long, env = "IZINKES_WHATSAPP_TOKEN", hide_env_values = true)]
    whatsapp_token: Option<String>,
    /// The business phone number's id (the sender).
    #[arg(long, env = "IZINKES_WHATSAPP_PHONE_NUMBER_ID")]
    whatsapp_phone_number_id: Option<String>,
    /// The app secret that signs webhook notifications (X-Hub-Signature-256).
    #[arg(long, env = "IZINKES_WHATSAPP_APP_SECRET", hide_env_values = true)]
    whatsapp_app_secret: Option<String>,
    /// The verify token entered with the webhook URL in the Meta app dashboard.
    #[arg(long, env = "IZINKES_WHATSAPP_VERIFY_TOKEN", hide_env_values = true)]
    whatsapp_verify_token: Option<String>,
    /// The SMS gateway's send URL.
    #[arg(long, env = "IZINKES_SMS_URL")]
    sms_url: Option<String>,
    /// Our bearer token at the SMS gateway.
    #[arg(long, env = "IZINKES_SMS_TOKEN", hide_env_values = true)]
    sms_token: Option<String>,
    /// The bearer token the SMS gateway sends with delivery reports to /api/hooks/sms.
    #[arg(long, env = "IZINKES_SMS_CALLBACK_TOKEN", hide_env_values = true)]
    sms_callback_token: Option<String>,
}

impl GatewayArgs {
    fn config(&self) -> izinkes_app::platform::config::GatewayConfig {
        use izinkes_app::platform::config::{GatewayConfig, SmsConfig, WhatsAppConfig};
        let set = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        let whatsapp = match (
            set(&self.whatsapp_token),
            set(&self.whatsapp_phone_number_id),
            set(&self.whatsapp_app_secret),
            set(&self.whatsapp_verify_token),
        ) {
            (Some(token), Some(phone_number_id), Some(app_secret), Some(verify_token)) => Some(WhatsAppConfig {
                base_url: self.whatsapp_url.clone(),
                token,
                phone_number_id,
                app_secret,
                verify_token,
            }),
            _ => None,
        };
        let sms = match (set(&self.sms_url), set(&self.sms_token), set(&self.sms_callback_token)) {
            (Some(url), Some(token), Some(callback_token)) => Some(SmsConfig {
                url,
                token,
                callback_token,
            }),
            _ => None,
        };
        GatewayConfig { whatsapp, sms }
    }
}

#[derive(Subcommand)]
enum OfficerCommand {
    /// Clear an officer's authenticator (lost phone and recovery codes) and end their sessions; they enrol again at next sign-in.
    Reset2fa { email: String },
    /// Create an officer of an office with one or more roles.
    Add {
        /// Office id, e.g. `pontianak`.
        #[arg(long)]
        office: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Position shown on documents, e.g. "Kepala Seksi Perizinan".
        #[arg(long, default_value = "")]
        position: String,
        /// Comma-separated roles: front_office, back_office, kasi, kabid, kadis, tim_teknis, pencetakan, pengaduan, admin.
        #[arg(long, value_delimiter = ',')]
        roles: Vec<String>,
        /// Password (or set IZINKES_OFFICER_PASSWORD).
        #[arg(long, env = "IZINKES_OFFICER_PASSWORD")]
        password: String,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Import a catalog file as a new version (running applications keep their version).
    Import { file: PathBuf },
    /// Print a catalog version as JSON (default: the newest).
    Export {
        #[arg(long)]
        version: Option<i64>,
    },
    /// Offer a permit type at an office again.
    Enable {
        #[arg(long)]
        office: String,
        /// Permit type code, e.g. SIP-BDN.
        code: String,
    },
    /// Stop offering a permit type at an office (running applications continue).
    Disable {
        #[arg(long)]
        office: String,
        code: String,
    },
}

fn config(common: &Common, serve: Option<&ServeArgs>) -> Config {
    let mut c = Config::for_tests(common.data_dir.clone(), common.database_url.clone());
    c.db_max_connections = common.database_max_connections;
    c.signer_p12_password = std::env::var("IZINKES_SIGNER_PASSWORD").ok().filter(|p| !p.is_empty());
    c.s3 = common.s3();
    if let Some(s) = serve {
        c.listen = s.listen;
        c.base_url = s.base_url.clone().unwrap_or_else(|| format!("http://{}", s.listen));
        c.smtp_url = s.smtp_url.clone().filter(|u| !u.is_empty());
        c.mail_from = s.mail_from.clone();
        c.worker_interval_ms = 2000;
        c.trusted_proxies = s.trusted_proxies.clone();
        c.gateways = s.gateways.config();
        c.hsts = s.hsts;
        c.payment_secret = s
            .payment_secret
            .clone()
            .filter(|p| !p.is_empty())
            .map(izinkes_app::platform::config::Secret);
    }
    c
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("IZINKES_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(c: Config) -> Result<AppState, String> {
    izinkes_app::open(c)
        .await
        .map_err(|e| format!("cannot open storage: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(cli).await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("izinkes: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::parse_from_env()));
    match command {
        Command::Serve(args) => serve(&cli.common, args).await,
        Command::Openapi { out } => {
            let doc = izinkes_app::http::openapi::document();
            match out {
                Some(path) => std::fs::write(&path, doc).map_err(|e| format!("{}: {e}", path.display())),
                None => {
                    print!("{doc}");
                    Ok(())
                }
            }
        }
        Command::FakeGateway { port, callback } => fake_gateway(port, &callback).await,
        Command::Migrate => {
            init_logging(false);
            open(config(&cli.common, None)).await?;
            println!("Migrations applied; catalog imported.");
            Ok(())
        }
        Command::Demo => {
            let state = open(config(&cli.common, None)).await?;
            let loaded = izinkes_app::demo::load(&state).await.map_err(|e| e.to_string())?;
            println!(
                "{}",
                if loaded {
                    "Demo data loaded."
                } else {
                    "Offices already exist; demo data not loaded."
                }
            );
            print_logins();
            Ok(())
        }
        Command::Signer {
            office,
            kind,
            bsre_url,
            p12,
            signer_name,
            position,
        } => {
            let state = open(config(&cli.common, None)).await?;
            let o = izinkes_app::catalog::offices::get(&state, &office)
                .await
                .map_err(|_| format!("unknown office '{office}'"))?;
            if let Some(file) = p12 {
                let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
                let subject = izinkes_app::permits::signer::import_pkcs12(&state, &o, &bytes, &signer_name, &position)
                    .await
                    .map_err(describe)?;
                println!("Imported signing certificate {subject} for {office}.");
            }
            izinkes_app::permits::signer::set_signer(&state, &o, &kind, bsre_url.as_deref())
                .await
                .map_err(describe)?;
            println!("{office} now signs with {kind}.");
            Ok(())
        }
        Command::Office(c) => {
            let state = open(office_config(&cli.common)).await?;
            office_cli::run(&state, c, describe).await
        }
        Command::Calendar(c) => {
            let state = open(config(&cli.common, None)).await?;
            calendar_cli::run(&state, c, describe).await
        }
        Command::Officer(c) => officer(&cli.common, c).await,
        Command::Catalog(c) => catalog(&cli.common, c).await,
        Command::Permit(c) => permit(&cli.common, c).await,
        Command::Audit(c) => audit(&cli.common, c).await,
        Command::Workflow(c) => workflow(&cli.common, c).await,
    }
}

/// `izinkes officer …`
async fn officer(common: &Common, command: OfficerCommand) -> Result<(), String> {
    match command {
        OfficerCommand::Reset2fa { email } => {
            let state = open(config(common, None)).await?;
            izinkes_app::auth::mfa::reset_officer_totp(&state, &email)
                .await
                .map_err(describe)?;
            println!("Authenticator of {email} cleared; they will enrol again at next sign-in.");
            Ok(())
        }
        OfficerCommand::Add {
            office,
            email,
            name,
            position,
            roles,
            password,
        } => {
            let state = open(config(common, None)).await?;
            let mut parsed = Vec::new();
            for r in &roles {
                parsed.push(Role::parse(r).ok_or_else(|| format!("unknown role '{r}'"))?);
            }
            let id = izinkes_app::accounts::officers::add_officer(
                &state, &office, &email, &name, &position, &password, &parsed,
            )
            .await
            .map_err(describe)?;
            println!(
                "Officer created: {id} ({email}) at {office} with roles {}",
                roles.join(", ")
            );
            Ok(())
        }
    }
}

/// `izinkes catalog …`
async fn catalog(common: &Common, command: CatalogCommand) -> Result<(), String> {
    match command {
        CatalogCommand::Import { file } => {
            let state = open(config(common, None)).await?;
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let catalog = Catalog::from_json(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            let added = izinkes_app::catalog::service::import_catalog(&state, &catalog)
                .await
                .map_err(describe)?;
            println!(
                "Catalog version {} {} ({} permit types).",
                catalog.version,
                if added { "imported" } else { "was already imported" },
                catalog.permit_types.len()
            );
            Ok(())
        }
        CatalogCommand::Enable { office, code } => set_offered(common, &office, &code, true).await,
        CatalogCommand::Disable { office, code } => set_offered(common, &office, &code, false).await,
        CatalogCommand::Export { version } => {
            let state = open(config(common, None)).await?;
            let catalog = match version {
                Some(v) => state.catalog(v).await.map_err(describe)?,
                None => state.current_catalog().await.map_err(describe)?.1,
            };
            println!("{}", catalog.to_json_pretty());
            Ok(())
        }
    }
}

/// `izinkes permit …`
async fn permit(common: &Common, command: PermitCommand) -> Result<(), String> {
    match command {
        PermitCommand::List { json } => {
            let state = open(config(common, None)).await?;
            let permits = izinkes_app::permits::archive::all(&state).await.map_err(describe)?;
            let today = chrono::Utc::now().date_naive();
            if json {
                let rows: Vec<serde_json::Value> = permits
                    .iter()
                    .map(|p| serde_json::json!({"number": p.number, "status": p.public_status(today), "holder": p.holder_name, "office": p.office_id, "permit_code": p.permit_code, "issued_on": p.issued_on, "valid_until": p.valid_until, "sha256": p.pdf_sha256}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?);
            } else {
                for p in &permits {
                    println!(
                        "{:<36} {:<22} {:<12} {}",
                        p.number,
                        p.public_status(today),
                        p.valid_until.clone().unwrap_or_default(),
                        p.holder_name
                    );
                }
                println!("{} permit(s).", permits.len());
            }
            Ok(())
        }
        PermitCommand::Export { number, out } => {
            let state = open(config(common, None)).await?;
            let p = izinkes_app::permits::archive::by_number(&state, &number)
                .await
                .map_err(|_| format!("no permit numbered {number}"))?;
            let sha = p
                .pdf_sha256
                .clone()
                .ok_or_else(|| format!("{number} is not signed yet"))?;
            let bytes = state.store.get(&sha).await.map_err(|e| e.to_string())?;
            std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
            println!("Wrote {} ({} bytes, SHA-256 {sha}).", out.display(), bytes.len());
            Ok(())
        }
        PermitCommand::Verify { file } => {
            let state = open(config(common, None)).await?;
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let report = izinkes_documents::sign::verify_embedded(&bytes).map_err(|e| format!("signature: {e}"))?;
            let sha = izinkes_app::platform::ids::sha256_hex(&bytes);
            println!(
                "Signature: {}",
                if report.is_intact() {
                    "valid, document unaltered since signing"
                } else {
                    "INVALID or the document was changed after signing"
                }
            );
            println!("Signer: {}", report.signer_subject);
            let all = izinkes_app::permits::archive::all(&state).await.map_err(describe)?;
            match all.iter().find(|p| p.pdf_sha256.as_deref() == Some(sha.as_str())) {
                Some(p) => {
                    println!("Archive: matches permit {} (SHA-256 {sha})", p.number);
                    println!("Status: {}", p.public_status(chrono::Utc::now().date_naive()));
                    if report.is_intact() {
                        Ok(())
                    } else {
                        Err("signature check failed".into())
                    }
                }
                None => Err(format!(
                    "Archive: no issued permit has this file's SHA-256 ({sha}); the file is not an original"
                )),
            }
        }
    }
}

/// `izinkes audit …`
async fn audit(common: &Common, command: AuditCommand) -> Result<(), String> {
    match command {
        AuditCommand::Verify => {
            let state = open(config(common, None)).await?;
            let report = izinkes_app::applications::history::verify(&state)
                .await
                .map_err(describe)?;
            println!(
                "Checked {} history entries of {} applications.",
                report.entries, report.applications
            );
            if report.findings.is_empty() {
                println!("All chains intact.");
                Ok(())
            } else {
                for f in &report.findings {
                    println!(
                        "TAMPERED application {} entry {}: {}",
                        f.application_id, f.seq, f.problem
                    );
                }
                Err(format!("{} problem(s) found in the history", report.findings.len()))
            }
        }
    }
}

/// `izinkes workflow …`
async fn workflow(common: &Common, command: WorkflowCommand) -> Result<(), String> {
    match command {
        WorkflowCommand::Show { preset, office, permit } => {
            let def = match (preset, office, permit) {
                (Some(p), _, _) => izinkes_domain::workflow::WorkflowDefinition::preset(&p)
                    .ok_or_else(|| format!("unknown preset '{p}'"))?,
                (None, Some(o), Some(p)) => {
                    let state = open(config(common, None)).await?;
                    izinkes_app::desks::workflows::current_workflow(&state, &o, &p)
                        .await
                        .map_err(describe)?
                        .definition
                }
                _ => return Err("give --preset NAME, or --office ID and --permit CODE".into()),
            };
            println!("{}", def.to_json_pretty());
            Ok(())
        }
        WorkflowCommand::Publish { office, permit, file } => {
            let state = open(config(common, None)).await?;
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let def = izinkes_domain::workflow::WorkflowDefinition::from_json(&text)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            let v = izinkes_app::desks::workflows::publish(&state, &office, &permit, &def, None)
                .await
                .map_err(describe)?;
            println!("Published {} version {} for {permit} at {office}.", def.name, v.version);
            Ok(())
        }
    }
}

async fn set_offered(common: &Common, office: &str, code: &str, enabled: bool) -> Result<(), String> {
    let state = open(config(common, None)).await?;
    izinkes_app::catalog::offices::get(&state, office)
        .await
        .map_err(|_| format!("unknown office '{office}'"))?;
    let (_, catalog) = state.current_catalog().await.map_err(describe)?;
    if catalog.get(code).is_none() {
        return Err(format!("unknown permit type '{code}'"));
    }
    izinkes_app::catalog::service::set_enabled(&state, office, code, enabled)
        .await
        .map_err(describe)?;
    println!(
        "{code} is {} at {office}.",
        if enabled { "offered" } else { "no longer offered" }
    );
    Ok(())
}

impl ServeArgs {
    /// `izinkes` without a subcommand behaves as `izinkes serve` with its environment.
    fn parse_from_env() -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::parse_from(["izinkes"]).serve
    }
}

/// The configuration of `izinkes office`: its links point at IZINKES_BASE_URL (the address
/// the server is reached at), else at the default listen address.
fn office_config(common: &Common) -> Config {
    let mut c = config(common, None);
    if let Some(url) = std::env::var("IZINKES_BASE_URL").ok().filter(|u| !u.trim().is_empty()) {
        c.base_url = url.trim().trim_end_matches('/').to_string();
    }
    c
}

fn describe(e: izinkes_app::platform::error::ServiceError) -> String {
    match e {
        izinkes_app::platform::error::ServiceError::Invalid(f) => f
            .into_iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Why the settings are real use (never demo mode), if they are.
fn real_use(args: &ServeArgs, c: &izinkes_app::platform::config::Config) -> Option<&'static str> {
    if args.production {
        Some("--production (IZINKES_PRODUCTION)")
    } else if c.smtp_url.is_some() {
        Some("a mail server (IZINKES_SMTP_URL)")
    } else if !args.demo && !base_url_is_local(&c.base_url) {
        Some("a base URL that is not on this machine (IZINKES_BASE_URL)")
    } else {
        None
    }
}

/// Whether the base URL names this machine (localhost or a loopback address).
fn base_url_is_local(base_url: &str) -> bool {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

/// The refusal to start real use on a database that holds the demo data, with what to do.
fn demo_refusal(why: &str, c: &izinkes_app::platform::config::Config) -> String {
    let empty = if c.uses_embedded_db() {
        format!(
            "move the demo's data directory away and start on a new one (`mv {dir} {dir}.demo`, or --data-dir DIR)",
            dir = c.data_dir.display()
        )
    } else {
        "use an empty PostgreSQL database (`dropdb NAME && createdb NAME`, or another DATABASE_URL)".to_string()
    };
    format!(
        "this database holds the izinkes demo data (demo logins whose passwords are published), and the settings are \
         for real use: {why}. Refusing to start. To run for real, {empty}, then `izinkes migrate`. To run the demo, \
         start without a mail server and --production, or with --demo for a public demonstration."
    )
}

fn print_logins() {
    println!("Demo logins:");
    for (role, email, password) in izinkes_app::demo::logins() {
        println!("  {role:<52} {email:<40} {password}");
    }
}

/// The fake gateways, until Ctrl+C.
async fn fake_gateway(port: u16, callback: &str) -> Result<(), String> {
    init_logging(false);
    let fake = izinkes_app::platform::gateways::fake::FakeGateway::start(port, Default::default())
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    fake.call_back(callback);
    println!(
        "Fake WhatsApp and SMS gateways at {}; delivery reports go to {callback}.",
        fake.url()
    );
    println!("Start izinkes with:");
    for (k, v) in fake.env_vars() {
        println!("export {k}={v}");
    }
    println!(
        "What the fake received (WhatsApp and SMS messages): {}/received",
        fake.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

async fn serve(common: &Common, args: ServeArgs) -> Result<(), String> {
    init_logging(args.log_json);
    let c = config(common, Some(&args));
    let embedded_first_start = c.uses_embedded_db() && !c.data_dir.join("izinkes.db").exists();
    let real = real_use(&args, &c);
    let state = open(c).await?;
    let holds_demo = izinkes_app::demo::holds_demo_data(&state)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(why) = real.filter(|_| holds_demo || args.demo) {
        return Err(demo_refusal(why, &state.config));
    }
    let demo = real.is_none() && (args.demo || embedded_first_start || holds_demo);
    let state = state.with_demo(demo);
    if demo {
        println!(
            "DEMO MODE: demo logins with published passwords and the development mailbox are on (never for real use)."
        );
    }
    if demo && !holds_demo {
        match izinkes_app::demo::load(&state).await {
            Ok(true) => {
                println!("Demo data loaded.");
                print_logins();
            }
            Ok(false) => {}
            Err(e) => return Err(format!("demo data: {e}")),
        }
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("izinkes is running: open http://{addr}/ (Ctrl+C to stop)");
    if state.config.demo && state.config.smtp_url.is_none() {
        println!(
            "Mail is not sent (no IZINKES_SMTP_URL): read it at http://{addr}/dev/mailbox (from this machine only)"
        );
    } else if state.config.smtp_url.is_none() {
        println!("No mail server (IZINKES_SMTP_URL): mail is queued and sent once one is configured.");
    }
    izinkes_app::serve(state, listener).await.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::base_url_is_local;

    #[test]
    fn only_this_machine_is_local() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://LOCALHOST",
            "http://[::1]:8080/izin",
            "http://0.0.0.0:8080",
            "http://127.0.0.2",
        ] {
            assert!(base_url_is_local(url), "{url}");
        }
        for url in [
            "https://izin.jembranakab.go.id",
            "http://10.0.0.5:8080",
            "https://localhost.example.id",
            "http://user@203.0.113.9/",
            "https://[2001:db8::1]/",
        ] {
            assert!(!base_url_is_local(url), "{url}");
        }
    }
}
