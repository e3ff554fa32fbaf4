//! `izinkes calendar …`: load a year's holidays and check that every office's calendar reaches
//! far enough ahead (DOMAIN rule 5; beyond its last decree every weekday counts as working).

use clap::Subcommand;
use izinkes_app::office_admin::calendar;
use izinkes_app::platform::error::ServiceError;
use izinkes_app::state::AppState;
use izinkes_domain::calendar::CALENDAR_NOTICE_DAYS;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Load holidays from a CSV in the format of data/holidays/ (date,kind,name,decree): as
    /// national data for every office, or with --office as that office's own days. All rows or
    /// none; days already present are skipped.
    Import {
        file: PathBuf,
        #[arg(long)]
        office: Option<String>,
    },
    /// Show how far each open office's calendar knows the national holidays; exit 1 when one
    /// covers less than the next 60 days.
    Check,
}

pub async fn run(
    state: &AppState,
    command: CalendarCommand,
    describe: fn(ServiceError) -> String,
) -> Result<(), String> {
    match command {
        CalendarCommand::Import { file, office } => {
            let csv = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let done = match &office {
                Some(id) => {
                    izinkes_app::catalog::offices::get(state, id)
                        .await
                        .map_err(|_| format!("no office {id}"))?;
                    calendar::import_csv(state, id, &csv).await
                }
                None => calendar::import_national_csv(state, &csv).await,
            }
            .map_err(|e| format!("{}: {}", file.display(), describe(e)))?;
            let whose = office.map_or_else(|| "national".to_owned(), |id| format!("office {id}"));
            println!(
                "{} holidays added to the {whose} calendar, {} already present.",
                done.added, done.skipped
            );
            Ok(())
        }
        CalendarCommand::Check => check(state, describe).await,
    }
}

async fn check(state: &AppState, describe: fn(ServiceError) -> String) -> Result<(), String> {
    let mut short = 0;
    for office in izinkes_app::catalog::offices::list(state).await.map_err(describe)? {
        let cal = calendar::for_office(state, &office.id).await.map_err(describe)?;
        let today = izinkes_app::catalog::offices::today(&office);
        let until = cal
            .covered_until()
            .map_or_else(|| "no national holidays".to_owned(), |d| d.to_string());
        let ok = !cal.needs_next_decree(today);
        if !ok {
            short += 1;
        }
        println!(
            "{:<20} holidays known until {until:<12} {}",
            office.id,
            if ok { "ok" } else { "LOAD THE NEXT DECREE" }
        );
    }
    if short > 0 {
        return Err(format!(
            "{short} office(s) know the holidays for less than the next {CALENDAR_NOTICE_DAYS} days: \
             load the next SKB with `izinkes calendar import FILE` (README, Working calendar)."
        ));
    }
    Ok(())
}
