//! The `scheduler` command line: serve (default), `backfill` past days, and
//! `load-sample` (the bundled sample day, for a catalogue without a key).

use crate::auction_api::{AuctionApi, FetchError};
use crate::config::TaskConfig;
use crate::feed::{Category, parse_date};
use crate::sync::{FeedSource, RunFailure, SyncError, SyncRequest, Syncer};
use chrono::{NaiveDate, Utc};
use platform::config::Env;
use std::process::ExitCode;

const USAGE: &str = "usage:
  scheduler [serve]                                   run the HTTP service
  scheduler config check                              load the configuration from the environment, print what it read
  scheduler backfill --from YYYY-MM-DD --to YYYY-MM-DD [--categories 1,2,3,4]
                                                      sync each day of the range, oldest first
  scheduler load-sample [--date YYYY-MM-DD]           load the bundled SAMPLE day (default: today, KST)";

/// Longest backfill in one command: the aT key allows about 1,000 calls a day.
const MAX_BACKFILL_DAYS: i64 = 366;

#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve,
    Backfill {
        from: NaiveDate,
        to: NaiveDate,
        categories: Vec<Category>,
    },
    LoadSample {
        date: Option<NaiveDate>,
    },
    Help,
}

pub async fn run(args: &[String], env: &Env) -> ExitCode {
    let command = match parse(args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("scheduler: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Command::Serve => {
            let started = crate::Application::from_env(env).await;
            platform::server::serve_until_stopped("scheduler", started).await
        }
        Command::Backfill {
            from,
            to,
            categories,
        } => match task_syncer(env, false).await {
            Ok(syncer) => backfill(&syncer, from, to, &categories).await,
            Err(e) => fail(&e),
        },
        Command::LoadSample { date } => match task_syncer(env, true).await {
            Ok(syncer) => {
                let request = SyncRequest {
                    date: date.unwrap_or_else(|| domain::business_day(Utc::now())),
                    categories: vec![Category::CutFlowers],
                };
                println!(
                    "scheduler: loading the bundled SAMPLE auction day as {}",
                    request.date
                );
                if report(syncer.run(&request).await) {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => fail(&e),
        },
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("scheduler: {message}");
    ExitCode::FAILURE
}

async fn task_syncer(env: &Env, sample: bool) -> Result<Syncer, String> {
    let config = TaskConfig::from_env(env).map_err(|e| e.to_string())?;
    db::migrations::ensure_current(&config.database.url)
        .await
        .map_err(|e| e.to_string())?;
    let pool = db::connect(&config.database.url, 2).map_err(|e| e.to_string())?;
    let source = if sample {
        FeedSource::Sample
    } else {
        FeedSource::Api(AuctionApi::new(config.auction_api)?)
    };
    Ok(Syncer::new(pool, source))
}

async fn backfill(
    syncer: &Syncer,
    from: NaiveDate,
    to: NaiveDate,
    categories: &[Category],
) -> ExitCode {
    let mut all_ok = true;
    let days = u64::try_from((to - from).num_days() + 1).unwrap_or(0);
    // A bar (days done of total, rate, time left) on a terminal, log lines otherwise.
    let mut progress = db::progress::Progress::new("backfill", "days", days);
    for date in from.iter_days().take_while(|d| *d <= to) {
        let request = SyncRequest {
            date,
            categories: categories.to_vec(),
        };
        let result = syncer.run(&request).await;
        let quota = matches!(
            &result,
            Err(SyncError::Failed {
                error: RunFailure::Fetch(FetchError::QuotaExhausted { .. }),
                ..
            })
        );
        all_ok &= progress.suspend(|| report(result));
        progress.inc(1);
        if quota {
            progress.finish();
            eprintln!("scheduler: stopping at {date}: the API's daily quota is exhausted");
            return ExitCode::FAILURE;
        }
    }
    progress.finish();
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Prints one run's report as a JSON line; true when it succeeded.
fn report(result: Result<crate::sync::RunReport, SyncError>) -> bool {
    match result {
        Ok(report) => {
            println!("{}", serde_json::to_string(&report).unwrap_or_default());
            true
        }
        Err(SyncError::Failed { report, .. }) => {
            println!("{}", serde_json::to_string(&report).unwrap_or_default());
            false
        }
        Err(other) => {
            eprintln!("scheduler: {other}");
            false
        }
    }
}

fn parse(args: &[String]) -> Result<Command, String> {
    let Some((name, rest)) = args.split_first() else {
        return Ok(Command::Serve);
    };
    let options = options(rest)?;
    let date = |key: &str| -> Result<Option<NaiveDate>, String> {
        options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| {
                parse_date(v).ok_or_else(|| format!("--{key} must be YYYY-MM-DD, got {v:?}"))
            })
            .transpose()
    };
    let allow = |known: &[&str]| -> Result<(), String> {
        match options.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((k, _)) => Err(format!("unknown option --{k} for {name}")),
            None => Ok(()),
        }
    };
    match name.as_str() {
        "serve" => {
            allow(&[])?;
            Ok(Command::Serve)
        }
        "help" | "--help" | "-h" => Ok(Command::Help),
        "backfill" => {
            allow(&["from", "to", "categories"])?;
            let from = date("from")?.ok_or("backfill needs --from")?;
            let to = date("to")?.ok_or("backfill needs --to")?;
            if to < from {
                return Err("--to is before --from".to_owned());
            }
            if (to - from).num_days() >= MAX_BACKFILL_DAYS {
                return Err(format!(
                    "backfill at most {MAX_BACKFILL_DAYS} days at a time"
                ));
            }
            let categories = match options.iter().find(|(k, _)| k == "categories") {
                None => vec![Category::CutFlowers],
                Some((_, list)) => categories(list)?,
            };
            Ok(Command::Backfill {
                from,
                to,
                categories,
            })
        }
        "load-sample" => {
            allow(&["date"])?;
            Ok(Command::LoadSample {
                date: date("date")?,
            })
        }
        other => Err(format!("unknown command {other:?}")),
    }
}

/// `--key value` pairs.
fn options(args: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let key = arg
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {arg:?}"))?;
        let value = iter
            .next()
            .ok_or_else(|| format!("--{key} needs a value"))?;
        pairs.push((key.to_owned(), value.clone()));
    }
    Ok(pairs)
}

fn categories(list: &str) -> Result<Vec<Category>, String> {
    let mut out = Vec::new();
    for part in list.split(',') {
        let category = part
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(Category::from_code)
            .ok_or_else(|| format!("unknown category {part:?} (use 1-4)"))?;
        if !out.contains(&category) {
            out.push(category);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn commands_parse() {
        assert_eq!(parse(&[]).unwrap(), Command::Serve);
        assert_eq!(
            parse(&args(
                "backfill --from 2026-11-01 --to 2026-11-03 --categories 1,2"
            ))
            .unwrap(),
            Command::Backfill {
                from: day(1),
                to: day(3),
                categories: vec![Category::CutFlowers, Category::Foliage],
            }
        );
        assert_eq!(
            parse(&args("load-sample --date 2026-11-02")).unwrap(),
            Command::LoadSample { date: Some(day(2)) }
        );
        assert_eq!(
            parse(&args("load-sample")).unwrap(),
            Command::LoadSample { date: None }
        );
    }

    #[test]
    fn mistakes_are_explained() {
        for (line, expected) in [
            ("backfill --from 2026-11-03 --to 2026-11-01", "before"),
            ("backfill --from 2026-11-01", "needs --to"),
            ("backfill --from 2026-11-1 --to 2026-11-02", "YYYY-MM-DD"),
            ("backfill --from 2025-01-01 --to 2026-11-02", "at most"),
            (
                "backfill --from 2026-11-01 --to 2026-11-02 --categories 9",
                "unknown category",
            ),
            ("load-sample --when today", "unknown option"),
            ("load-sample --date", "needs a value"),
            ("frobnicate", "unknown command"),
        ] {
            let err = parse(&args(line)).unwrap_err();
            assert!(err.contains(expected), "{line}: {err}");
        }
    }
}
