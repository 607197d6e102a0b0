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
use platform::openapi::{ErrorEnvelope, Routes};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes(routes: &mut impl Routes) {
    routes.add(__path_upload_results, upload_results);
}

/// One purchase line of an upload: a JSON array element, or a CSV row under
/// a header row naming these columns in any order. Counts and prices are
/// whole non-negative numbers (JSON: a number or a string of digits).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct AuctionResultLine {
    #[schema(example = "블론디", max_length = 255)]
    flower_name: String,
    #[schema(example = "장미", max_length = 255)]
    flower_type_name: String,
    #[schema(example = "상", max_length = 255)]
    flower_grade: String,
    #[schema(minimum = 0, maximum = 2147483647)]
    box_count: i64,
    #[schema(minimum = 0, maximum = 2147483647)]
    flower_count: i64,
    #[schema(minimum = 0, maximum = 2147483647)]
    price: i64,
    #[schema(minimum = 0, maximum = 2147483647)]
    total_price: i64,
    /// With `auctionDate`, what identifies the line: re-uploading it changes
    /// nothing, a corrected line updates it.
    #[schema(example = "A-001", max_length = 255)]
    serial_code: String,
    /// 출하자; optional.
    #[schema(max_length = 255)]
    shipper: Option<String>,
    /// The auction day as `YYYYMMDD`.
    #[schema(example = 20261123, minimum = 19000101, maximum = 29991231)]
    auction_date: i64,
}

/// What became of an upload.
#[derive(Debug, Serialize, ToSchema)]
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

/// Upload a wholesaler's own auction purchases.
///
/// `text/csv` (UTF-8, a header row, any column order) or `application/json`
/// (an array of objects). Lines are keyed by (wholesaler, auctionDate,
/// serialCode): re-uploading changes nothing, a corrected line updates its
/// source columns and keeps the wholesaler's retail price. Bad lines come
/// back in `rejected`, good lines are stored. A wholesaler owner, or an
/// employee for its employer.
#[utoipa::path(
    post,
    path = "/v1/auction-results",
    tag = "auction results",
    request_body(
        description = "The lines, as CSV or JSON (at most `SCHEDULER_UPLOAD_MAX_BYTES`, within `SCHEDULER_UPLOAD_TIMEOUT_SECS`)",
        content(
            (Vec<AuctionResultLine> = "application/json"),
            (String = "text/csv", example = "flowerName,flowerTypeName,flowerGrade,boxCount,flowerCount,price,totalPrice,serialCode,shipper,auctionDate\n블론디,장미,상,2,20,9000,180000,A-001,양재농원,20261123\n"),
        )
    ),
    security(("userToken" = [])),
    responses(
        (status = 200, description = "Stored what was good; `rejected` says why the rest was not", body = UploadReport),
        (status = 400, description = "`INVALID_FORMAT` (not UTF-8, not a JSON array, missing or unknown columns, NUL characters, too many lines), `INVALID_DATA` (no lines, an unreadable body), `NO_WHOLESALE_CONNECTION` (an employee with no employer)", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: not a wholesaler (owner or employee), or the owner's account is gone", body = ErrorEnvelope),
        (status = 408, description = "`INVALID_DATA`: the upload did not arrive in time", body = ErrorEnvelope),
        (status = 413, description = "`INVALID_DATA`: the upload is too large", body = ErrorEnvelope),
        (status = 415, description = "`INVALID_FORMAT`: neither `text/csv` nor `application/json`", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
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
