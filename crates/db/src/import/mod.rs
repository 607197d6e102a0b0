//! `migrate import-original`: moves an original MarketBill database (the
//! Kotlin/Go platform's one PostgreSQL database) into ours.
//!
//! One run is one transaction on the target: the original tables are streamed
//! with COPY into temporary staging tables, the anomaly rules (`rules.rs`)
//! settle what our constraints refuse, `INSERT … SELECT` moves each table into
//! ours with its ids, and the identity sequences continue after the highest
//! id. Anything failing rolls the whole run back, so the target is either
//! untouched or complete. `--dry-run` does all of it and rolls back, so its
//! report is exactly what a real run would do.
//!
//! The source is read in one REPEATABLE READ, READ ONLY transaction: a
//! consistent snapshot even if the original is still running.

mod report;
mod rules;
mod source;
mod tables;

pub use report::{Anomaly, NotCarried, Report, TableCount};
pub use rules::{
    Action, DANGLING, DUPLICATE_APPLICATION, DUPLICATE_CART_LINE, DUPLICATE_ORDER_NO,
    DUPLICATE_PHONE, MISSING_TIMES, NEGATIVE_PRICE, ORPHAN, RULES, SECOND_SHIPPING_FEE,
};
pub use tables::{NOT_CARRIED, TABLES};

use crate::migrations::{quote_ident, redact_url};
use crate::progress::Progress;
use futures_util::{SinkExt, StreamExt, pin_mut};
use source::SourceSchema;
use std::time::Instant;
use tokio_postgres::{Client, Config, IsolationLevel, NoTls, Transaction};

#[derive(Debug, Clone)]
pub struct Options {
    /// The original database (`--from`).
    pub source_url: String,
    /// Ours (DATABASE_URL), migrated.
    pub target_url: String,
    /// Do everything, print the report, write nothing.
    pub dry_run: bool,
    /// Progress bars on a terminal / log lines otherwise; false prints nothing.
    pub show_progress: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{which} URL is not a PostgreSQL URL ({url}): {reason}")]
    BadUrl {
        which: &'static str,
        url: String,
        reason: String,
    },
    #[error("cannot connect to the {which} database {url}: {reason}")]
    Unreachable {
        which: &'static str,
        url: String,
        reason: String,
    },
    #[error("the source is not an original MarketBill database: {0}")]
    NotOriginal(String),
    #[error(
        "the target database is not empty ({0}); import-original only writes into an empty MarketBill database"
    )]
    TargetNotEmpty(String),
    #[error("the target has no MarketBill schema (table users is missing): run `migrate` first")]
    TargetNotMigrated,
    #[error("{step}: {reason}")]
    Sql { step: String, reason: String },
}

impl ImportError {
    /// Maps a PostgreSQL error to a step of the run. Only the message, the
    /// table and the constraint are kept: the error's DETAIL can quote a row
    /// (a phone number in a unique violation), which must not reach logs.
    fn sql(step: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> ImportError {
        let step = step.into();
        move |e| {
            let reason = match e.as_db_error() {
                Some(db) => {
                    let mut reason = db.message().to_owned();
                    if let Some(table) = db.table() {
                        reason.push_str(&format!(" (table {table}"));
                        if let Some(constraint) = db.constraint() {
                            reason.push_str(&format!(", constraint {constraint}"));
                        }
                        reason.push(')');
                    }
                    reason
                }
                None => e.to_string(),
            };
            ImportError::Sql { step, reason }
        }
    }
}

/// Runs the import; answers the report (also for a dry run).
pub async fn import_original(options: &Options) -> Result<Report, ImportError> {
    let started = Instant::now();
    let mut source = connect("source", &options.source_url).await?;
    let mut target = connect("target", &options.target_url).await?;

    let schema = SourceSchema::read(&source).await?;
    schema.check(TABLES)?;

    let src = source
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(ImportError::sql("starting the source snapshot"))?;
    let dst = target
        .transaction()
        .await
        .map_err(ImportError::sql("starting the target transaction"))?;
    ensure_empty_target(&dst).await?;

    let mut report = Report {
        dry_run: options.dry_run,
        legacy_columns: schema.legacy_columns(),
        ..Report::default()
    };
    let mut staged = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let read = stage(&src, &dst, &schema, table, options.show_progress).await?;
        if !schema.has_table(table.name) {
            report.missing_tables.push(table.name);
        }
        staged.push((table.name, read));
    }
    for (table, why) in NOT_CARRIED {
        if schema.has_table(table) {
            let rows = count(&src, table).await?;
            report.not_carried.push(NotCarried { table, rows, why });
        }
    }
    src.commit()
        .await
        .map_err(ImportError::sql("ending the source snapshot"))?;

    for table in TABLES {
        let rows = execute(&dst, &rules::missing_times_sql(table.name), table.name).await?;
        push_anomaly(&mut report, table.name, MISSING_TIMES, Action::Fixed, rows);
    }
    for rule in RULES {
        let rows = execute(&dst, rule.sql, rule.table).await?;
        push_anomaly(&mut report, rule.table, rule.name, rule.action, rows);
    }

    for (table, (name, read)) in TABLES.iter().zip(staged) {
        let mut progress = new_progress(
            &format!("write {name}"),
            staged_rows(&dst, name).await?,
            options.show_progress,
        );
        let imported = execute(&dst, table.insert, name).await?;
        progress.inc(imported);
        progress.finish();
        report.tables.push(TableCount {
            table: name,
            read,
            imported,
        });
    }

    // The imported auction rows on the price board (its migration's backfill
    // ran before they were here), in the same transaction.
    execute(
        &dst,
        "SELECT refresh_auction_price_board(min(sale_date), max(sale_date)) \
           FROM public_bidding_flowers",
        "auction_price_board",
    )
    .await?;

    // Last, just before the commit, and never in a dry run: setval is not
    // transactional, so a rolled-back run must not have moved a sequence.
    if !options.dry_run {
        for table in TABLES {
            continue_sequence(&dst, table.name).await?;
        }
    }
    if options.dry_run {
        dst.rollback()
            .await
            .map_err(ImportError::sql("rolling back the dry run"))?;
    } else {
        dst.commit()
            .await
            .map_err(ImportError::sql("committing the import"))?;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

async fn connect(which: &'static str, url: &str) -> Result<Client, ImportError> {
    let shown = redact_url(url);
    let config: Config = url
        .parse()
        .map_err(|e: tokio_postgres::Error| ImportError::BadUrl {
            which,
            url: shown.clone(),
            reason: e.to_string(),
        })?;
    let (client, connection) =
        config
            .connect(NoTls)
            .await
            .map_err(|e| ImportError::Unreachable {
                which,
                url: shown.clone(),
                reason: e.to_string(),
            })?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(database = which, error = %e, "import connection ended");
        }
    });
    Ok(client)
}

/// Refuses a target that holds any row in a table the import writes: merging
/// two histories (ids, order numbers, phone numbers) has no safe answer. The
/// tables are locked first, so no writer slips a row in after the check.
async fn ensure_empty_target(dst: &Transaction<'_>) -> Result<(), ImportError> {
    let exists: bool = dst
        .query_one("SELECT to_regclass('users') IS NOT NULL", &[])
        .await
        .map_err(ImportError::sql("checking the target schema"))?
        .get(0);
    if !exists {
        return Err(ImportError::TargetNotMigrated);
    }
    let names: Vec<&str> = tables::target_tables().collect();
    let list = names
        .iter()
        .map(|t| quote_ident(t))
        .collect::<Vec<_>>()
        .join(", ");
    dst.batch_execute(&format!("LOCK TABLE {list} IN EXCLUSIVE MODE"))
        .await
        .map_err(ImportError::sql("locking the target tables"))?;
    let mut filled = Vec::new();
    for table in names {
        let rows: i64 = dst
            .query_one(&format!("SELECT count(*) FROM {}", quote_ident(table)), &[])
            .await
            .map_err(ImportError::sql(format!("counting {table}")))?
            .get(0);
        if rows > 0 {
            filled.push(format!("{table}: {rows} rows"));
        }
    }
    if filled.is_empty() {
        Ok(())
    } else {
        Err(ImportError::TargetNotEmpty(filled.join(", ")))
    }
}

/// Streams one original table into its staging table; answers the rows read.
async fn stage(
    src: &Transaction<'_>,
    dst: &Transaction<'_>,
    schema: &SourceSchema,
    table: &tables::Table,
    show_progress: bool,
) -> Result<u64, ImportError> {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("{} {}", quote_ident(c.name), c.kind.sql()))
        .collect();
    let staging = format!("import_{}", table.name);
    dst.batch_execute(&format!(
        "CREATE TEMP TABLE {staging} ({}) ON COMMIT DROP",
        columns.join(", ")
    ))
    .await
    .map_err(ImportError::sql(format!("staging {}", table.name)))?;
    if !schema.has_table(table.name) {
        return Ok(0);
    }
    let total = count(src, table.name).await?;
    let mut progress = new_progress(&format!("read {}", table.name), total, show_progress);
    let step = || format!("copying {}", table.name);
    let out = src
        .copy_out(&format!("COPY ({}) TO STDOUT", schema.select(table)))
        .await
        .map_err(ImportError::sql(step()))?;
    let names: Vec<String> = table.columns.iter().map(|c| quote_ident(c.name)).collect();
    let sink = dst
        .copy_in(&format!("COPY {staging} ({}) FROM STDIN", names.join(", ")))
        .await
        .map_err(ImportError::sql(step()))?;
    pin_mut!(out);
    pin_mut!(sink);
    while let Some(chunk) = out.next().await {
        let chunk = chunk.map_err(ImportError::sql(step()))?;
        // Text COPY ends every row with a newline and escapes newlines inside
        // values, so newlines count rows exactly.
        let rows = chunk.iter().filter(|b| **b == b'\n').count() as u64;
        sink.send(chunk).await.map_err(ImportError::sql(step()))?;
        progress.inc(rows);
    }
    let copied = sink
        .as_mut()
        .finish()
        .await
        .map_err(ImportError::sql(step()))?;
    progress.finish();
    // Temporary tables have no statistics until analysed; without them the
    // rules' anti-joins can be planned as nested loops over 100k rows.
    dst.batch_execute(&format!("ANALYZE {staging}"))
        .await
        .map_err(ImportError::sql(step()))?;
    Ok(copied)
}

fn new_progress(label: &str, total: u64, show: bool) -> Progress {
    if show {
        Progress::new(label, "rows", total)
    } else {
        Progress::quiet(label, "rows", total)
    }
}

async fn count(src: &Transaction<'_>, table: &str) -> Result<u64, ImportError> {
    let rows: i64 = src
        .query_one(&format!("SELECT count(*) FROM {}", quote_ident(table)), &[])
        .await
        .map_err(ImportError::sql(format!("counting {table}")))?
        .get(0);
    Ok(u64::try_from(rows).unwrap_or(0))
}

async fn staged_rows(dst: &Transaction<'_>, table: &str) -> Result<u64, ImportError> {
    let rows: i64 = dst
        .query_one(&format!("SELECT count(*) FROM import_{table}"), &[])
        .await
        .map_err(ImportError::sql(format!("counting staged {table}")))?
        .get(0);
    Ok(u64::try_from(rows).unwrap_or(0))
}

async fn execute(dst: &Transaction<'_>, sql: &str, table: &str) -> Result<u64, ImportError> {
    dst.execute(sql, &[])
        .await
        .map_err(ImportError::sql(format!("importing {table}")))
}

fn push_anomaly(
    report: &mut Report,
    table: &'static str,
    rule: &'static str,
    action: Action,
    rows: u64,
) {
    if rows > 0 {
        report.anomalies.push(Anomaly {
            table,
            rule,
            action,
            rows,
        });
    }
}

/// The next id our code takes continues after the highest imported one.
async fn continue_sequence(dst: &Transaction<'_>, table: &str) -> Result<(), ImportError> {
    dst.batch_execute(&format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {}",
        quote_ident(table)
    ))
    .await
    .map_err(ImportError::sql(format!("continuing the id sequence of {table}")))
}
