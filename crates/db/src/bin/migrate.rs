//! One-shot schema migration: creates the database if it is missing, then applies
//! every pending migration. Run it before starting (or upgrading) the services.
//!
//! `migrate --wait [SECONDS]` applies nothing: it waits (default 600 s) until
//! the database is reachable and no migration of this build is pending, then
//! exits 0 (1 when time runs out). Kubernetes runs it as each service's init
//! container, so pods start once the migration Job has finished instead of
//! crash-looping on "migration pending"; only the Job migrates, so replicas
//! never race to apply the same migration.
//!
//! `migrate import-original --from <url> [--dry-run]` migrates DATABASE_URL,
//! then copies an original MarketBill database into it (db::import); the
//! report goes to stdout, progress to stderr.

use std::process::ExitCode;
use std::time::{Duration, Instant};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/marketbill".to_owned());
    let shown = db::migrations::redact_url(&url);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {}
        [flag] if flag == "--wait" => return wait(&url, &shown, 600).await,
        [flag, secs] if flag == "--wait" => match secs.parse() {
            Ok(secs) => return wait(&url, &shown, secs).await,
            Err(_) => return usage(),
        },
        [command, rest @ ..] if command == "import-original" => {
            return import_original(&url, rest).await;
        }
        _ => return usage(),
    }
    match run(&url).await {
        Ok(applied) if applied.is_empty() => {
            println!("migrate: {shown} is up to date");
            ExitCode::SUCCESS
        }
        Ok(applied) => {
            println!("migrate: applied {} to {shown}", applied.join(", "));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("migrate: {shown}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: migrate [--wait [SECONDS]]");
    eprintln!("       migrate import-original --from <postgres url> [--dry-run]");
    ExitCode::from(2)
}

async fn run(url: &str) -> Result<Vec<String>, db::DbError> {
    if db::migrations::create_database_if_missing(url).await? {
        println!("migrate: created database");
    }
    db::migrations::run_pending(url).await
}

async fn wait(url: &str, shown: &str, secs: u64) -> ExitCode {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut last = String::new();
    loop {
        let state = match db::migrations::pending(url).await {
            Ok(pending) if pending.is_empty() => {
                println!("migrate: {shown} is up to date");
                return ExitCode::SUCCESS;
            }
            Ok(pending) => format!("{} migration(s) pending", pending.len()),
            Err(e) => e.to_string(),
        };
        if state != last {
            println!("migrate: waiting for {shown}: {state}");
            last = state;
        }
        if Instant::now() >= deadline {
            eprintln!("migrate: {shown} not current after {secs} s: {last}");
            return ExitCode::FAILURE;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

async fn import_original(url: &str, args: &[String]) -> ExitCode {
    let mut from = None;
    let mut dry_run = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--from" => from = args.next().cloned(),
            "--dry-run" => dry_run = true,
            _ => return usage(),
        }
    }
    let Some(source_url) = from else {
        eprintln!(
            "migrate import-original: --from <postgres url of the original database> is required"
        );
        return usage();
    };
    // The target gets our schema first, so one command does the whole move.
    if let Err(e) = run(url).await {
        eprintln!("migrate: {}: {e}", db::migrations::redact_url(url));
        return ExitCode::FAILURE;
    }
    let options = db::import::Options {
        source_url,
        target_url: url.to_owned(),
        dry_run,
        show_progress: true,
    };
    match db::import::import_original(&options).await {
        Ok(report) => {
            println!("{report}");
            if !dry_run {
                println!("refresh tokens were not carried over: every user signs in again");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("migrate import-original: {e} (no data was written)");
            ExitCode::FAILURE
        }
    }
}
