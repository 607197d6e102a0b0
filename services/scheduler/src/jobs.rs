//! `POST /v1/jobs/auction-sync` and `GET /v1/jobs/runs`.

use crate::access::Operator;
use crate::auction_api::FetchError;
use crate::feed::{Category, parse_date};
use crate::sync::{RunFailure, SyncError, SyncRequest, Syncer};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, Utc};
use db::DbPool;
use domain::ErrorCode;
use platform::error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::json;

const DEFAULT_RUNS: i64 = 20;
const MAX_RUNS: i64 = 100;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/jobs/auction-sync", web::post().to(trigger_sync))
        .route("/v1/jobs/runs", web::get().to(runs));
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyncBody {
    date: Option<String>,
    categories: Option<Vec<i64>>,
}

/// Reads the optional body: no body means "today, cut flowers".
fn sync_request(body: &[u8], today: NaiveDate) -> Result<SyncRequest, ApiError> {
    let body: SyncBody = if body.iter().all(u8::is_ascii_whitespace) {
        SyncBody::default()
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidFormat.name(),
                format!("invalid JSON body: {e}"),
            )
        })?
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
            RunFailure::Database(_) => (ErrorCode::Internal, StatusCode::INTERNAL_SERVER_ERROR),
        },
        SyncError::Database(_) => (ErrorCode::Internal, StatusCode::SERVICE_UNAVAILABLE),
    };
    match e {
        SyncError::Database(db) => actix_web::ResponseError::error_response(&ApiError::from(db)),
        SyncError::Failed { error, report } => {
            let message = match error {
                // Details are in the run log, not in the answer.
                RunFailure::Database(_) => {
                    "the run failed in the database and was rolled back".to_owned()
                }
                RunFailure::Fetch(fetch) => fetch.to_string(),
            };
            HttpResponse::build(status).json(json!({
                "error": { "code": code.name(), "message": message },
                "run": report,
            }))
        }
        other => HttpResponse::build(status)
            .json(json!({ "error": { "code": code.name(), "message": other.to_string() } })),
    }
}

#[derive(Debug, Deserialize)]
struct RunsQuery {
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
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
    Ok(HttpResponse::Ok().json(json!({ "runs": runs })))
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
        let request = sync_request(b"", today()).unwrap();
        assert_eq!(request.date, today());
        assert_eq!(request.categories, vec![Category::CutFlowers]);
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
