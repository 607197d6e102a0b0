//! `POST /v1/auction-results`: a wholesaler loads its own auction purchases.

use crate::access::uploading_wholesaler;
use crate::upload::{self, BadLine};
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use db::DbPool;
use domain::ErrorCode;
use platform::caller::Caller;
use platform::error::ApiError;
use serde::Serialize;

/// 20,000 lines of CSV stay well below this.
const MAX_BODY_BYTES: usize = 8 << 20;

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

async fn upload_results(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await.map_err(db::DbError::from)?;
    // Who before what: a refused caller learns nothing about its file.
    let wholesaler_id = uploading_wholesaler(&mut conn, &caller).await?;
    let format = format_of(&req)?;
    let body = payload
        .to_bytes_limited(MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::InvalidData.name(),
                format!("the upload is larger than {} MiB", MAX_BODY_BYTES >> 20),
            )
        })?
        .map_err(|e| ApiError::bad_request(format!("cannot read the body: {e}")))?;
    let parsed = match format {
        Format::Csv => upload::parse_csv(&body),
        Format::Json => upload::parse_json(&body),
    }
    .map_err(|reason| {
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
