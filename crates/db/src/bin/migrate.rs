//! One-shot schema migration: creates the database if it is missing, then applies
//! every pending migration. Run it before starting (or upgrading) the services.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/marketbill".to_owned());
    let shown = db::migrations::redact_url(&url);
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

async fn run(url: &str) -> Result<Vec<String>, db::DbError> {
    if db::migrations::create_database_if_missing(url).await? {
        println!("migrate: created database");
    }
    db::migrations::run_pending(url).await
}
