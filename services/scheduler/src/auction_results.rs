//! `POST /v1/auction-results`: a wholesaler loads its own auction purchases.
//!
//! The order of the work matters for the pool: everything that waits on the
//! client (reading the body, bounded in size and time) or only costs CPU
//! (parsing) happens before a database connection is taken, so slow senders
//! cannot hold the connections `/readyz` and every other request need.

use crate::access::uploading_wholesaler;
use crate::config::UploadLimits;
use crate::upload::{self, BadLine, Parsed};
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use db::DbPool;
use domain::{ErrorCode, Role};
use platform::caller::Caller;
use platform::error::ApiError;
use serde::Serialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/auction-results", web::post().to(upload_results));
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UploadReport {
    /// Data lines (CSV) or array elements (JSON) received.
    received: usize,
    inserted: i64,
    updated: i64,
    unchanged: i64,
    rejected: Vec<BadLine>,
}

enum Format {
    Csv,
    Json,
}

fn format_of(req: &HttpRequest) -> Result<Format, ApiError> {
    let media = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media.as_str() {
        "text/csv" => Ok(Format::Csv),
        "application/json" => Ok(Format::Json),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::InvalidFormat.name(),
            "send Content-Type: text/csv or application/json",
        )),
    }
}

/// The whole body within the limits; `web::Payload` has no limit of its own.
async fn read_body(payload: web::Payload, limits: UploadLimits) -> Result<web::Bytes, ApiError> {
    let read = tokio::time::timeout(
        limits.body_timeout,
        payload.to_bytes_limited(limits.max_bytes),
    )
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::InvalidData.name(),
            format!(
                "the upload did not arrive within {} s",
                limits.body_timeout.as_secs()
            ),
        )
    })?;
    read.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::InvalidData.name(),
            format!("the upload is larger than {} KiB", limits.max_bytes >> 10),
        )
    })?
    .map_err(|e| ApiError::bad_request(format!("cannot read the body: {e}")))
}

async fn upload_results(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    limits: web::Data<UploadLimits>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Who may upload at all is in the token: refused callers cost no
    // connection and no read.
    let may_upload = caller
        .user()
        .is_some_and(|u| matches!(u.role, Role::WholesalerEmpr | Role::WholesalerEmpe));
    if !may_upload {
        return Err(ApiError::forbidden());
    }
    let format = format_of(&req)?;
    let body = read_body(payload, **limits).await?;
    let parsed = web::block(move || match format {
        Format::Csv => upload::parse_csv(&body),
        Format::Json => upload::parse_json(&body),
    })
    .await
    .map_err(|e| ApiError::internal("parsing an upload", e))?;
    let mut conn = pool.get().await.map_err(db::DbError::from)?;
    // Who before what: a caller the database refuses learns nothing about
    // its file, not even whether it parsed.
    let wholesaler_id = uploading_wholesaler(&mut conn, &caller).await?;
    let parsed: Parsed = parsed.map_err(|reason| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidFormat.name(),
            reason,
        )
    })?;
    if parsed.received == 0 {
        return Err(ApiError::bad_request("the upload has no lines"));
    }
    let counts = db::scheduler::auction_results::upsert(&mut conn, wholesaler_id, &parsed.lines)
        .await
        .map_err(db::DbError::from)?;
    let accepted = i64::try_from(parsed.lines.len()).unwrap_or(i64::MAX);
    tracing::info!(
        wholesaler_id,
        received = parsed.received,
        inserted = counts.inserted,
        updated = counts.updated,
        rejected = parsed.rejected.len(),
        "auction results uploaded"
    );
    Ok(HttpResponse::Ok().json(UploadReport {
        received: parsed.received,
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: accepted - counts.inserted - counts.updated,
        rejected: parsed.rejected,
    }))
}
