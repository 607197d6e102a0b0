//! One sync run: an auction day, one or more categories, fetched and ingested
//! in ONE transaction that also holds the day's advisory lock, so a second
//! trigger for the same day is turned away instead of running twice, and a
//! failure anywhere (a page, a row, the database) leaves the previous state.
//!
//! The run log is written on its own connection: RUNNING rows as soon as the
//! lock is held, then SUCCESS or FAILURE (with the error) once the ingest
//! transaction has committed or rolled back.

use crate::auction_api::{AuctionApi, FetchError, FetchedDay};
use crate::feed::{self, Category};
use crate::sample;
use chrono::NaiveDate;
use db::scheduler::catalogue::{FeedRow, IngestCounts};
use db::scheduler::run_logs;
use db::{DbError, DbPool};
use diesel_async::AsyncConnection;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// Rejected rows listed in a report (all are counted; the log keeps more).
const REPORTED_REJECTIONS: usize = 100;
/// Rejected rows written to the upload log's `err_logs`.
const LOGGED_REJECTIONS: usize = 1000;

/// Where a run's items come from.
#[derive(Clone)]
pub enum FeedSource {
    Api(AuctionApi),
    /// The bundled sample day (development without a service key).
    Sample,
}

impl FeedSource {
    fn is_configured(&self) -> bool {
        match self {
            FeedSource::Api(api) => api.is_configured(),
            FeedSource::Sample => true,
        }
    }

    async fn fetch_day(
        &self,
        date: NaiveDate,
        category: Category,
    ) -> Result<FetchedDay, FetchError> {
        match self {
            FeedSource::Api(api) => api.fetch_day(date, category).await,
            FeedSource::Sample => sample::day(date, category),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRequest {
    pub date: NaiveDate,
    /// Distinct, in request order.
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rejection {
    pub category: i16,
    pub page: u32,
    /// 1-based position of the item in its page.
    pub item: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CategoryReport {
    pub category: i16,
    pub category_name: &'static str,
    /// The `flower_batch_process_logs` row of this category.
    pub run_id: i64,
    pub pages: u32,
    pub rows_fetched: i64,
    pub rows_rejected: i64,
    pub raw_rows_inserted: i64,
    pub raw_rows_updated: i64,
    pub new_flower_types: i64,
    pub new_flowers: i64,
    pub flowers_seen: i64,
    pub bidding_dates_added: i64,
}

/// What `POST /v1/jobs/auction-sync` answers, and what the CLI prints.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    /// `SUCCESS` or `FAILURE`; on FAILURE nothing of the run was stored.
    pub status: &'static str,
    pub date: NaiveDate,
    pub pages: u32,
    pub rows_fetched: i64,
    pub rows_accepted: i64,
    pub rows_rejected: i64,
    pub raw_rows_inserted: i64,
    pub raw_rows_updated: i64,
    pub raw_rows_unchanged: i64,
    pub new_flower_types: i64,
    pub new_flowers: i64,
    pub bidding_dates_added: i64,
    pub duration_ms: i64,
    pub categories: Vec<CategoryReport>,
    /// The first rejected rows with their reasons.
    pub rejections: Vec<Rejection>,
    pub error: Option<String>,
}

/// Why a run did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Another run of the same day holds the lock; nothing was done or logged.
    #[error("a sync of {0} is already running")]
    InProgress(NaiveDate),
    #[error("{0}")]
    NotConfigured(FetchError),
    /// The run started, failed and rolled back; its FAILURE is logged.
    #[error("{error}")]
    Failed {
        error: RunFailure,
        report: Box<RunReport>,
    },
    /// The database was unavailable before the run could start.
    #[error(transparent)]
    Database(#[from] DbError),
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum RunFailure {
    #[error(transparent)]
    Fetch(FetchError),
    /// `outage`: the database was out of reach (a dropped connection, a
    /// restart), so the caller may retry; otherwise the run itself failed.
    #[error("database: {detail}")]
    Database { detail: String, outage: bool },
}

impl RunFailure {
    fn database(e: DbError) -> Self {
        RunFailure::Database {
            outage: e.is_outage(),
            detail: e.to_string(),
        }
    }
}

/// Aborts the ingest transaction (diesel rolls back on any `Err`).
#[derive(Debug)]
enum Abort {
    InProgress,
    Failed(RunFailure),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Failed(RunFailure::database(e.into()))
    }
}

impl From<DbError> for Abort {
    fn from(e: DbError) -> Self {
        Abort::Failed(RunFailure::database(e))
    }
}

/// When the last successful run finished, for `/metrics` (read from the run
/// log at scrape time, so a restart or another instance does not reset it).
pub async fn sample_last_success(pool: DbPool) {
    use diesel::sql_types::Double;
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Last {
        #[diesel(sql_type = Double)]
        finished: f64,
    }
    let read = async {
        let mut conn = pool.get().await.map_err(DbError::from)?;
        diesel::sql_query(
            "SELECT coalesce(extract(epoch FROM max(finished_at)), 0)::float8 AS finished \
             FROM flower_batch_process_logs WHERE status = 'SUCCESS' AND deleted_at IS NULL",
        )
        .get_result::<Last>(&mut conn)
        .await
        .map_err(DbError::from)
    };
    match read.await {
        Ok(last) => platform::metrics::scheduler_last_success(last.finished),
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the last successful run"),
    }
}

/// Runs syncs; cheap to clone (a pool and an HTTP client).
#[derive(Clone)]
pub struct Syncer {
    pool: DbPool,
    source: FeedSource,
}

/// The progress of a run, kept outside the transaction so a failed run can
/// still log and report how far it got.
#[derive(Default)]
struct Progress {
    run_ids: Vec<i64>,
    categories: Vec<CategoryReport>,
    rejections: Vec<Rejection>,
}

impl Syncer {
    pub fn new(pool: DbPool, source: FeedSource) -> Self {
        Syncer { pool, source }
    }

    /// One run, counted in the metrics by its outcome.
    pub async fn run(&self, request: &SyncRequest) -> Result<RunReport, SyncError> {
        let started = Instant::now();
        let result = self.run_once(request).await;
        let (outcome, elapsed, rows) = match &result {
            Ok(report) => ("success", Some(started.elapsed()), report.rows_accepted),
            Err(SyncError::InProgress(_)) => ("in_progress", None, 0),
            Err(SyncError::NotConfigured(_)) => ("not_configured", None, 0),
            Err(_) => ("failure", Some(started.elapsed()), 0),
        };
        platform::metrics::scheduler_run(outcome, elapsed, u64::try_from(rows).unwrap_or(0));
        result
    }

    async fn run_once(&self, request: &SyncRequest) -> Result<RunReport, SyncError> {
        let started = Instant::now();
        if !self.source.is_configured() {
            return Err(SyncError::NotConfigured(FetchError::NotConfigured));
        }
        let mut conn = self.pool.get().await.map_err(DbError::from)?;
        let mut progress = Progress::default();
        let outcome = conn
            .transaction(async |conn| {
                let day = domain::time::yyyymmdd(request.date);
                if !db::scheduler::try_lock_sync_day(conn, day).await? {
                    return Err(Abort::InProgress);
                }
                self.start_logs(request, &mut progress).await?;
                for (index, category) in request.categories.iter().copied().enumerate() {
                    let fetched = self
                        .source
                        .fetch_day(request.date, category)
                        .await
                        .map_err(|e| Abort::Failed(RunFailure::Fetch(e)))?;
                    let rows = accept(request.date, category, &fetched, &mut progress, index);
                    let counts =
                        db::scheduler::catalogue::ingest(conn, category.code(), &rows).await?;
                    record_counts(&mut progress.categories[index], counts);
                }
                refresh_board(conn, request.date, &progress).await?;
                Ok(())
            })
            .await;
        drop(conn);
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        match outcome {
            Ok(()) => {
                let report = report(request.date, &progress, duration_ms, None);
                self.finish_logs(request, &progress, duration_ms, None)
                    .await;
                tracing::info!(
                    date = %request.date, rows = report.rows_fetched, rejected = report.rows_rejected,
                    new_flowers = report.new_flowers, duration_ms, "auction sync succeeded"
                );
                Ok(report)
            }
            Err(Abort::InProgress) => Err(SyncError::InProgress(request.date)),
            Err(Abort::Failed(error)) => {
                let message = error.to_string();
                // Nothing was stored: the counts of the rolled-back ingest are void.
                for category in &mut progress.categories {
                    record_counts(category, IngestCounts::default());
                }
                self.finish_logs(request, &progress, duration_ms, Some(&message))
                    .await;
                tracing::warn!(date = %request.date, error = %message, "auction sync failed");
                let report = report(request.date, &progress, duration_ms, Some(message));
                Err(SyncError::Failed {
                    error,
                    report: Box::new(report),
                })
            }
        }
    }

    async fn start_logs(
        &self,
        request: &SyncRequest,
        progress: &mut Progress,
    ) -> Result<(), Abort> {
        let mut conn = self.pool.get().await.map_err(DbError::from)?;
        for category in &request.categories {
            let id = run_logs::start(&mut conn, request.date, category.code()).await?;
            progress.run_ids.push(id);
            progress.categories.push(CategoryReport {
                category: category.code(),
                category_name: category.name(),
                run_id: id,
                ..CategoryReport::default()
            });
        }
        Ok(())
    }

    /// Best effort: a run's outcome stands even if its log cannot be written.
    async fn finish_logs(
        &self,
        request: &SyncRequest,
        progress: &Progress,
        duration_ms: i64,
        error: Option<&str>,
    ) {
        let finish = async {
            let mut conn = self.pool.get().await.map_err(DbError::from)?;
            for category in &progress.categories {
                let log = rejection_log(&progress.rejections, category.category);
                let outcome = run_logs::Outcome {
                    succeeded: error.is_none(),
                    error: error.unwrap_or_default().to_owned(),
                    pages: i32::try_from(category.pages).unwrap_or(i32::MAX),
                    rows_fetched: category.rows_fetched,
                    rows_rejected: category.rows_rejected,
                    rejection_log: log,
                    new_flower_count: category.new_flowers,
                    new_flower_type_count: category.new_flower_types,
                    affected_flower_count: category.flowers_seen,
                    bidding_dates_added: category.bidding_dates_added,
                    duration_ms,
                };
                run_logs::finish(
                    &mut conn,
                    category.run_id,
                    request.date,
                    category.category,
                    &outcome,
                )
                .await?;
            }
            Ok::<(), DbError>(())
        };
        if let Err(e) = finish.await {
            tracing::error!(date = %request.date, error = %e, "cannot write the run log");
        }
    }
}

/// Validates one category's items, records rejections and fetch counts, and
/// returns the rows to store. A key seen twice keeps its first row.
fn accept(
    date: NaiveDate,
    category: Category,
    fetched: &FetchedDay,
    progress: &mut Progress,
    index: usize,
) -> Vec<FeedRow> {
    let mut rows = Vec::with_capacity(fetched.rows());
    let mut seen: HashMap<(String, String, String), (u32, usize)> = HashMap::new();
    let mut rejected = 0_i64;
    for (page_index, items) in fetched.pages_items.iter().enumerate() {
        let page = u32::try_from(page_index + 1).unwrap_or(u32::MAX);
        for (item_index, item) in items.iter().enumerate() {
            let position = item_index + 1;
            let verdict = feed::parse_item(item, date, category).and_then(|row| {
                let key = (
                    row.flower_type.clone(),
                    row.flower_name.clone(),
                    row.grade.clone(),
                );
                match seen.get(&key) {
                    Some((p, i)) => Err(format!("duplicate of page {p} item {i}")),
                    None => {
                        seen.insert(key, (page, position));
                        Ok(row)
                    }
                }
            });
            match verdict {
                Ok(row) => rows.push(row),
                Err(reason) => {
                    rejected += 1;
                    progress.rejections.push(Rejection {
                        category: category.code(),
                        page,
                        item: position,
                        reason,
                    });
                }
            }
        }
    }
    if let Some(report) = progress.categories.get_mut(index) {
        report.pages = fetched.pages;
        report.rows_fetched = i64::try_from(fetched.rows()).unwrap_or(i64::MAX);
        report.rows_rejected = rejected;
    }
    rows
}

/// The price board of the synced day, in the ingest's transaction so it never
/// shows a half-stored day. When the day's prices changed, the days after it
/// whose week-before figure or band read them are rebuilt too (none when the
/// day is the newest, as in the nightly run).
async fn refresh_board(
    conn: &mut diesel_async::AsyncPgConnection,
    date: NaiveDate,
    progress: &Progress,
) -> diesel::QueryResult<i64> {
    let changed = progress
        .categories
        .iter()
        .any(|c| c.raw_rows_inserted + c.raw_rows_updated > 0);
    let through = if changed {
        date.checked_add_days(chrono::Days::new(db::price_board::HISTORY_WINDOW_DAYS))
            .unwrap_or(date)
    } else {
        date
    };
    db::price_board::refresh(conn, date, through).await
}

fn record_counts(report: &mut CategoryReport, counts: IngestCounts) {
    report.raw_rows_inserted = counts.raw_inserted;
    report.raw_rows_updated = counts.raw_updated;
    report.new_flower_types = counts.new_flower_types;
    report.new_flowers = counts.new_flowers;
    report.flowers_seen = counts.flowers_seen;
    report.bidding_dates_added = counts.bidding_dates_added;
}

fn rejection_log(rejections: &[Rejection], category: i16) -> String {
    rejections
        .iter()
        .filter(|r| r.category == category)
        .take(LOGGED_REJECTIONS)
        .map(|r| format!("page {} item {}: {}", r.page, r.item, r.reason))
        .collect::<Vec<_>>()
        .join(" || ")
}

fn report(
    date: NaiveDate,
    progress: &Progress,
    duration_ms: i64,
    error: Option<String>,
) -> RunReport {
    let sum = |f: fn(&CategoryReport) -> i64| progress.categories.iter().map(f).sum::<i64>();
    let rows_fetched = sum(|c| c.rows_fetched);
    let rows_rejected = sum(|c| c.rows_rejected);
    let rows_accepted = rows_fetched - rows_rejected;
    let raw_rows_inserted = sum(|c| c.raw_rows_inserted);
    let raw_rows_updated = sum(|c| c.raw_rows_updated);
    RunReport {
        status: if error.is_none() {
            run_logs::SUCCESS
        } else {
            run_logs::FAILURE
        },
        date,
        pages: progress.categories.iter().map(|c| c.pages).sum(),
        rows_fetched,
        rows_accepted,
        rows_rejected,
        raw_rows_inserted,
        raw_rows_updated,
        raw_rows_unchanged: if error.is_none() {
            rows_accepted - raw_rows_inserted - raw_rows_updated
        } else {
            0
        },
        new_flower_types: sum(|c| c.new_flower_types),
        new_flowers: sum(|c| c.new_flowers),
        bidding_dates_added: sum(|c| c.bidding_dates_added),
        duration_ms,
        categories: progress.categories.clone(),
        rejections: progress
            .rejections
            .iter()
            .take(REPORTED_REJECTIONS)
            .cloned()
            .collect(),
        error,
    }
}
