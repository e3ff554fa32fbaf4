//! `izinkes office …`: the instance administrator's commands for offices (create with the
//! first admin, list, show, update, close, reopen, invite another admin).

use clap::Subcommand;
use izinkes_app::catalog::offices::{NewOffice, Office, Profile};
use izinkes_app::office_admin::offices::{self, FirstAdmin};
use izinkes_app::office_admin::staff::Actor;
use izinkes_app::state::AppState;
use izinkes_domain::calendar::OfficeTimeZone;

#[derive(Subcommand)]
pub enum OfficeCommand {
    /// Create an office; with --admin-email and --admin-name its first admin gets a one-time link
    /// (printed, and e-mailed once the server runs) to set a password and enrol TOTP.
    Create(CreateArgs),
    /// List every office, closed ones too.
    List,
    /// Show an office's profile and setup checklist.
    Show { id: String },
    /// Change an office's public profile (only the fields given).
    Update(UpdateArgs),
    /// Close an office: off the public pages, no new applications (files and permits stay).
    Disable { id: String },
    /// Open a closed office again.
    Enable { id: String },
    /// Invite another admin of an office (one-time link).
    InviteAdmin {
        id: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

/// `izinkes office create`.
#[derive(clap::Args)]
pub struct CreateArgs {
    /// Id in URLs, lower case, e.g. `kota-bontang`.
    #[arg(long)]
    pub id: String,
    /// Code in permit numbers, 2–8 capitals or digits, e.g. `BTG`.
    #[arg(long)]
    pub code: String,
    /// Full name, e.g. "DPMPTSP Kota Bontang".
    #[arg(long)]
    pub name: String,
    /// Short name, e.g. "Kota Bontang".
    #[arg(long)]
    pub short_name: String,
    /// Kemendagri code of the kabupaten/kota, e.g. `64.74`.
    #[arg(long)]
    pub regency: String,
    #[arg(long)]
    pub address: String,
    #[arg(long, default_value = "")]
    pub phone: String,
    #[arg(long, default_value = "")]
    pub email: String,
    #[arg(long, default_value = "")]
    pub website: String,
    /// e.g. "Senin–Kamis 08.00–15.00, Jumat 08.00–11.00".
    #[arg(long, default_value = "")]
    pub service_hours: String,
    /// WIB, WITA or WIT.
    #[arg(long, default_value = "WIB")]
    pub timezone: String,
    #[arg(long)]
    pub admin_email: Option<String>,
    #[arg(long)]
    pub admin_name: Option<String>,
}

/// `izinkes office update`.
#[derive(clap::Args)]
pub struct UpdateArgs {
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub short_name: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub website: Option<String>,
    #[arg(long)]
    pub service_hours: Option<String>,
}

/// Runs an office command; `describe` renders a service error for the terminal.
pub async fn run(
    state: &AppState,
    command: OfficeCommand,
    describe: fn(izinkes_app::platform::error::ServiceError) -> String,
) -> Result<(), String> {
    match command {
        OfficeCommand::Create(args) => create(state, args, describe).await,
        OfficeCommand::List => {
            for o in izinkes_app::catalog::offices::all(state).await.map_err(describe)? {
                let status = if o.disabled { "closed" } else { "open" };
                println!("{:<20} {:<8} {:<6} {}", o.id, o.code, status, o.name);
            }
            Ok(())
        }
        OfficeCommand::Show { id } => show(state, &id, describe).await,
        OfficeCommand::Update(args) => update(state, args, describe).await,
        OfficeCommand::Disable { id } => {
            offices::set_open(state, Actor::Cli, &id, false)
                .await
                .map_err(describe)?;
            println!("Office {id} closed.");
            Ok(())
        }
        OfficeCommand::Enable { id } => {
            offices::set_open(state, Actor::Cli, &id, true)
                .await
                .map_err(describe)?;
            println!("Office {id} open.");
            Ok(())
        }
        OfficeCommand::InviteAdmin { id, email, name } => {
            let admin = FirstAdmin {
                email: &email,
                full_name: &name,
            };
            let link = offices::invite_admin(state, &id, &admin).await.map_err(describe)?;
            println!("Invitation for {email} (valid 7 days, single use):\n  {link}");
            Ok(())
        }
    }
}

async fn show(
    state: &AppState,
    id: &str,
    describe: fn(izinkes_app::platform::error::ServiceError) -> String,
) -> Result<(), String> {
    let o: Office = izinkes_app::catalog::offices::get(state, id).await.map_err(describe)?;
    println!(
        "{} ({}) — {}",
        o.name,
        o.code,
        if o.disabled { "closed" } else { "open" }
    );
    for (label, value) in [
        ("Short name", &o.short_name),
        ("Kabupaten/kota", &o.regency_code),
        ("Address", &o.address),
        ("Phone", &o.phone),
        ("E-mail", &o.email),
        ("Website", &o.website),
        ("Service hours", &o.service_hours),
        ("Time zone", &o.timezone),
    ] {
        println!("  {label:<16} {value}");
    }
    println!("Setup:");
    for item in offices::checklist(state, id).await.map_err(describe)? {
        let mark = if item.done { "[x]" } else { "[ ]" };
        println!(
            "  {mark} {}{}",
            item.label,
            if item.done {
                String::new()
            } else {
                format!(" — {}", item.hint)
            }
        );
    }
    Ok(())
}

async fn create(
    state: &AppState,
    args: CreateArgs,
    describe: fn(izinkes_app::platform::error::ServiceError) -> String,
) -> Result<(), String> {
    let CreateArgs {
        id,
        code,
        name,
        short_name,
        regency,
        address,
        phone,
        email,
        website,
        service_hours,
        timezone,
        admin_email,
        admin_name,
    } = args;
    let tz: OfficeTimeZone = timezone
        .parse()
        .map_err(|_| format!("timezone: WIB, WITA or WIT, not '{timezone}'"))?;
    let new = NewOffice {
        id: &id,
        code: &code,
        name: &name,
        short_name: &short_name,
        regency_code: &regency,
        address: &address,
        phone: &phone,
        email: &email,
        website: &website,
        service_hours: &service_hours,
        timezone: tz,
    };
    let admin = match (&admin_email, &admin_name) {
        (Some(e), Some(n)) => Some(FirstAdmin { email: e, full_name: n }),
        (None, None) => None,
        _ => return Err("give both --admin-email and --admin-name".into()),
    };
    let link = offices::create(state, &new, admin.as_ref()).await.map_err(describe)?;
    println!("Office created: {id} ({code}) {name}.");
    if let (Some(link), Some(e)) = (link, admin_email) {
        println!("Invitation for {e} (valid 7 days, single use):\n  {link}");
    }
    Ok(())
}

async fn update(
    state: &AppState,
    args: UpdateArgs,
    describe: fn(izinkes_app::platform::error::ServiceError) -> String,
) -> Result<(), String> {
    let UpdateArgs {
        id,
        name,
        short_name,
        address,
        phone,
        email,
        website,
        service_hours,
    } = args;
    let o = izinkes_app::catalog::offices::get(state, &id).await.map_err(describe)?;
    let pick = |new: &Option<String>, old: &str| new.clone().unwrap_or_else(|| old.to_string());
    let (n, s, a) = (
        pick(&name, &o.name),
        pick(&short_name, &o.short_name),
        pick(&address, &o.address),
    );
    let (p, e, w, h) = (
        pick(&phone, &o.phone),
        pick(&email, &o.email),
        pick(&website, &o.website),
        pick(&service_hours, &o.service_hours),
    );
    let profile = Profile {
        name: &n,
        short_name: &s,
        address: &a,
        phone: &p,
        email: &e,
        website: &w,
        service_hours: &h,
    };
    offices::update_profile(state, Actor::Cli, &id, &profile)
        .await
        .map_err(describe)?;
    println!("Office {id} updated.");
    Ok(())
}
