//! `POST /v1/jobs/auction-sync` and `GET /v1/jobs/runs`.

use crate::access::Operator;
use crate::auction_api::FetchError;
use crate::feed::{Category, parse_date};
use crate::sync::RunReport;
use crate::sync::{RunFailure, SyncError, SyncRequest, Syncer};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, Utc};
use db::DbPool;
use domain::ErrorCode;
use platform::error::ApiError;
use platform::openapi::{ErrorBody, ErrorEnvelope, Routes};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const DEFAULT_RUNS: i64 = 20;
const MAX_RUNS: i64 = 100;

pub fn routes(routes: &mut impl Routes) {
    routes
        .add(__path_trigger_sync, trigger_sync)
        .add(__path_runs, runs);
}

/// Which day and categories to sync; an empty body means today (KST), cut
/// flowers.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SyncBody {
    /// `YYYY-MM-DD`, not after today in KST (default: today).
    #[schema(example = "2026-11-23", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    date: Option<String>,
    /// 1 = 절화 (cut flowers), 2 = 관엽 (foliage), 3 = 난 (orchids), 4 = 춘란;
    /// default `[1]`.
    #[schema(example = json!([1]), min_items = 1)]
    categories: Option<Vec<i64>>,
}

/// A sync that did not succeed: the error envelope, plus the run report when
/// the run had started (its FAILURE is logged; nothing of it was stored).
#[derive(Serialize, ToSchema)]
struct RunFailed {
    error: ErrorBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<RunReport>,
}

impl RunFailed {
    fn new(code: ErrorCode, message: String, run: Option<RunReport>) -> Self {
        RunFailed {
            error: ErrorBody {
                code: code.name().to_owned(),
                message,
            },
            run,
        }
    }
}

/// The most recent runs, newest first.
#[derive(Serialize, ToSchema)]
struct Runs {
    runs: Vec<RunView>,
}

/// Reads the optional body: no body (or `null`) means "today, cut flowers".
fn sync_request(body: &[u8], today: NaiveDate) -> Result<SyncRequest, ApiError> {
    let body: SyncBody = if body.iter().all(u8::is_ascii_whitespace) {
        SyncBody::default()
    } else {
        serde_json::from_slice::<Option<SyncBody>>(body)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidFormat.name(),
                    format!("invalid JSON body: {e}"),
                )
            })?
            .unwrap_or_default()
    };
    let date = match body.date.as_deref() {
        None => today,
        Some(raw) => parse_date(raw).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidFormat.name(),
                format!("date must be a YYYY-MM-DD day, got {raw:?}"),
            )
        })?,
    };
    if date > today {
        return Err(ApiError::bad_request(format!(
            "{date} is in the future (today is {today} in KST)"
        )));
    }
    let codes = body.categories.unwrap_or_else(|| vec![1]);
    if codes.is_empty() {
        return Err(ApiError::bad_request("categories must not be empty"));
    }
    let mut categories = Vec::new();
    for code in codes {
        let category = Category::from_code(code).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown category {code}: use 1 (절화), 2 (관엽), 3 (난) or 4 (춘란)"
            ))
        })?;
        if !categories.contains(&category) {
            categories.push(category);
        }
    }
    Ok(SyncRequest { date, categories })
}

/// Sync one day of the auction feed now.
///
/// Every page of every category is fetched and ingested in one transaction
/// holding the day's lock: a second trigger for the same day gets 409, and a
/// failure anywhere stores nothing. Answers the run report. The cron
/// credential, or an ADMIN; the service credential only while no trigger
/// token is configured.
#[utoipa::path(
    post,
    path = "/v1/jobs/auction-sync",
    tag = "jobs",
    request_body(content = Option<SyncBody>, description = "Optional; none or `null` means today (KST), cut flowers"),
    security(("triggerToken" = []), ("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 200, description = "The run succeeded", body = RunReport),
        (status = 400, description = "`INVALID_FORMAT` (malformed body, unknown keys, a date that is not YYYY-MM-DD), `INVALID_DATA` (a future date, no or unknown categories)", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: not the trigger token, an ADMIN or (without a trigger token) the service", body = ErrorEnvelope),
        (status = 409, description = "`RUN_IN_PROGRESS`: a sync of the same day is running", body = ErrorEnvelope),
        (status = 500, description = "`INTERNAL`: the run failed in the database and was rolled back (its FAILURE is logged)", body = RunFailed),
        (status = 502, description = "`AUCTION_API_UNAVAILABLE` (network, timeouts, HTTP 5xx after retries) or `AUCTION_API_ERROR` (an error `resultCd`, malformed JSON)", body = RunFailed),
        (status = 503, description = "`AUCTION_API_NOT_CONFIGURED` (no `AUCTION_API_KEY`: envelope only), `AUCTION_API_QUOTA_EXCEEDED` (with the run), or `UNAVAILABLE` (database)", body = RunFailed, headers(("Retry-After" = u64, description = "Seconds to wait (database unavailable)"))),
    )
)]
async fn trigger_sync(
    operator: Operator,
    syncer: web::Data<Syncer>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request = sync_request(&body, domain::business_day(Utc::now()))?;
    tracing::info!(date = %request.date, by = %operator.label(), "auction sync requested");
    // The run continues on its own task even if the caller hangs up, so a
    // disconnect can never interrupt an ingest halfway.
    let syncer = syncer.get_ref().clone();
    let run = actix_web::rt::spawn(async move { syncer.run(&request).await });
    match run.await {
        Ok(Ok(report)) => Ok(HttpResponse::Ok().json(report)),
        Ok(Err(e)) => Ok(failure_response(e)),
        Err(e) => Err(ApiError::internal("sync task", e)),
    }
}

/// A run that did not succeed: the error envelope, plus the run report when
/// the run started (its FAILURE is logged and nothing of it was stored).
fn failure_response(e: SyncError) -> HttpResponse {
    let (code, status) = match &e {
        SyncError::InProgress(_) => (ErrorCode::RunInProgress, StatusCode::CONFLICT),
        SyncError::NotConfigured(_) => (
            ErrorCode::AuctionApiNotConfigured,
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        SyncError::Failed { error, .. } => match error {
            RunFailure::Fetch(FetchError::QuotaExhausted { .. }) => (
                ErrorCode::AuctionApiQuotaExceeded,
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            RunFailure::Fetch(FetchError::Unavailable { .. } | FetchError::Status { .. }) => {
                (ErrorCode::AuctionApiUnavailable, StatusCode::BAD_GATEWAY)
            }
            RunFailure::Fetch(_) => (ErrorCode::AuctionApiError, StatusCode::BAD_GATEWAY),
            RunFailure::Database { outage: true, .. } => (
                ErrorCode::DatabaseUnavailable,
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            RunFailure::Database { .. } => (ErrorCode::Internal, StatusCode::INTERNAL_SERVER_ERROR),
        },
        SyncError::Database(_) => (ErrorCode::Internal, StatusCode::SERVICE_UNAVAILABLE),
    };
    match e {
        SyncError::Database(db) => actix_web::ResponseError::error_response(&ApiError::from(db)),
        SyncError::Failed { error, report } => {
            let message = match error {
                // Details are in the run log, not in the answer.
                RunFailure::Database { .. } => {
                    "the run failed in the database and was rolled back".to_owned()
                }
                RunFailure::Fetch(fetch) => fetch.to_string(),
            };
            let mut response = HttpResponse::build(status);
            if code == ErrorCode::DatabaseUnavailable {
                response.insert_header((actix_web::http::header::RETRY_AFTER, "1"));
            }
            response.json(RunFailed::new(code, message, Some(*report)))
        }
        other => HttpResponse::build(status).json(RunFailed::new(code, other.to_string(), None)),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
struct RunsQuery {
    /// How many runs, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

/// One category's run, as `flower_batch_process_logs` records it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct RunView {
    id: i64,
    status: String,
    date: Option<NaiveDate>,
    category: Option<i16>,
    pages: i32,
    rows_fetched: i64,
    rows_rejected: i64,
    new_flower_types: i64,
    new_flowers: i64,
    flowers_seen: i64,
    bidding_dates_added: i64,
    duration_ms: i64,
    error: Option<String>,
    started_at: chrono::DateTime<Utc>,
    finished_at: Option<chrono::DateTime<Utc>>,
    upload_log_id: Option<i64>,
}

/// List the recent sync runs.
#[utoipa::path(
    get,
    path = "/v1/jobs/runs",
    tag = "jobs",
    params(RunsQuery),
    security(("triggerToken" = []), ("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 200, description = "The runs, newest first", body = Runs),
        (status = 400, description = "`INVALID_DATA`: limit is not 1 to 100", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: not the trigger token, an ADMIN or (without a trigger token) the service", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn runs(
    _operator: Operator,
    pool: web::Data<DbPool>,
    query: web::Query<RunsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_RUNS);
    if !(1..=MAX_RUNS).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_RUNS}"
        )));
    }
    let mut conn = pool.get().await.map_err(db::DbError::from)?;
    let rows = db::scheduler::run_logs::recent(&mut conn, limit)
        .await
        .map_err(db::DbError::from)?;
    let runs: Vec<RunView> = rows
        .into_iter()
        .map(|r| RunView {
            id: r.id,
            status: r.status,
            date: r.base_date,
            category: r.flower_gubn,
            pages: r.pages,
            rows_fetched: r.rows_fetched,
            rows_rejected: r.rows_rejected,
            new_flower_types: r.new_flower_type_count,
            new_flowers: r.new_flower_count,
            flowers_seen: r.affected_flower_count,
            bidding_dates_added: r.bidding_dates_added,
            duration_ms: r.duration_ms,
            error: Some(r.err_logs).filter(|e| !e.is_empty()),
            started_at: r.created_at,
            finished_at: r.finished_at,
            upload_log_id: r.upload_log_id,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Runs { runs }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn an_empty_body_means_today_and_cut_flowers() {
        for empty in [&b""[..], b" \n", b"null", b"{}"] {
            let request = sync_request(empty, today()).unwrap();
            assert_eq!(request.date, today());
            assert_eq!(request.categories, vec![Category::CutFlowers]);
        }
        let request =
            sync_request(br#"{"date":"2026-11-23","categories":[2,1,2]}"#, today()).unwrap();
        assert_eq!(request.date, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(
            request.categories,
            vec![Category::Foliage, Category::CutFlowers]
        );
    }

    #[test]
    fn bad_bodies_get_stable_codes() {
        let code = |body: &str| sync_request(body.as_bytes(), today()).unwrap_err().code;
        assert_eq!(code("{"), "INVALID_FORMAT");
        assert_eq!(code(r#"{"date":"2026/11/23"}"#), "INVALID_FORMAT");
        assert_eq!(code(r#"{"dates":"2026-11-23"}"#), "INVALID_FORMAT");
        assert_eq!(code(r#"{"date":"2026-11-26"}"#), "INVALID_DATA");
        assert_eq!(code(r#"{"categories":[]}"#), "INVALID_DATA");
        assert_eq!(code(r#"{"categories":[5]}"#), "INVALID_DATA");
    }
}
