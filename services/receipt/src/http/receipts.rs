//! Statements of order sheets: issue one, read its metadata and its file.

use super::pdf_response;
use crate::access::relation;
use crate::error::ReceiptError;
use crate::issue::{IssueCommand, Issued, issue};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use db::receipts::ReceiptRow;
use domain::ErrorCode;
use platform::ApiError;
use platform::api::receipt::{IssueReceipt, Receipt};
use platform::caller::Caller;
use platform::openapi::{ErrorEnvelope, IdempotencyKey};

const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// Issue a statement (거래명세서) for an order sheet.
///
/// Renders the sheet's priced lines as a PDF, stores it and records it. The
/// sheet's wholesaler, its employees, or core with the service credential
/// (naming the user it acts for in `issuedBy`). Every issue is a new,
/// immutable statement; a retry with the same `Idempotency-Key` answers the
/// receipt it issued with 200. The body may be empty. Anyone with no
/// relation to the sheet gets 404.
#[utoipa::path(
    post,
    path = "/v1/order-sheets/{order_sheet_id}/receipts",
    tag = "receipts",
    params(("order_sheet_id" = i64, Path, description = "The order sheet"), IdempotencyKey),
    request_body(content = Option<IssueReceipt>, description = "Optional (none, `null` or `{}`): core sends `issuedBy`; the frontend may send nothing"),
    security(("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 201, description = "A new statement", body = Receipt),
        (status = 200, description = "A retry with the same Idempotency-Key: the statement it issued", body = Receipt),
        (status = 400, description = "`INVALID_DATA` (malformed body, Idempotency-Key, path; `issuedBy` names no user), `NO_PRICE_ORDER_ITEM` (no priced line to issue)", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: the sheet's retailer or an admin (they may read, not issue)", body = ErrorEnvelope),
        (status = 404, description = "`NO_ORDER_SHEET` (none, or not the caller's), `NO_BUSINESS_INFO` (the wholesaler has none)", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE` (database) or `STORAGE_UNAVAILABLE` (object storage); retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn issue_receipt(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // The frontend may post no body at all (or `null`); core posts
    // `{ "issuedBy": … }`.
    let body: IssueReceipt = if body.iter().all(u8::is_ascii_whitespace) {
        IssueReceipt::default()
    } else {
        serde_json::from_slice::<Option<IssueReceipt>>(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?
            .unwrap_or_default()
    };
    let idempotency_key = idempotency_key(&request)?;
    let cmd = IssueCommand {
        sheet_id: path.into_inner(),
        caller,
        issued_by: body.issued_by,
        idempotency_key,
    };
    let (issued, notice) = issue(&state, cmd).await?;
    if let Some(notice) = notice {
        crate::notify::spawn(state.messaging.clone(), &state.app_base_url, notice);
    }
    Ok(match issued {
        Issued::Created(row) => HttpResponse::Created().json(to_api(row)),
        Issued::Repeated(row) => HttpResponse::Ok().json(to_api(row)),
    })
}

pub(super) fn idempotency_key(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters.")
        })?;
    Ok(Some(key.to_owned()))
}

/// A live receipt the caller may read; anyone else gets the same 404 as for
/// a receipt that does not exist.
async fn readable(state: &AppState, caller: &Caller, id: i64) -> Result<ReceiptRow, ApiError> {
    let mut conn = state
        .pool
        .get()
        .await
        .map_err(|e| ApiError::from(db::DbError::from(e)))?;
    let found = db::receipts::live_receipt_with_parties(&mut conn, id)
        .await
        .map_err(ReceiptError::from)?;
    let not_found = || ApiError::from(ReceiptError::code(ErrorCode::NoOrderSheetReceipt));
    let (row, (retailer_id, wholesaler_id)) = found.ok_or_else(not_found)?;
    if relation(&mut conn, caller, retailer_id, wholesaler_id)
        .await?
        .may_read()
    {
        Ok(row)
    } else {
        Err(not_found())
    }
}

/// Read a statement's metadata.
///
/// The sheet's retailer, its wholesaler and employees, core and admins;
/// anyone else gets the same 404 as for a receipt that does not exist.
#[utoipa::path(
    get,
    path = "/v1/receipts/{id}",
    tag = "receipts",
    params(("id" = i64, Path, description = "The receipt")),
    security(("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 200, description = "The statement's record", body = Receipt),
        (status = 400, description = "`INVALID_DATA`: the id is not a 64-bit integer", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 404, description = "`NO_ORDER_SHEET_RECEIPT`: none, or not the caller's to read", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn receipt_metadata(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let row = readable(&state, &caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(to_api(row)))
}

/// Download a statement's PDF.
///
/// Who may read it as for the metadata. Objects never change; private
/// caches may keep them (`Cache-Control: private, max-age=3600, immutable`).
#[utoipa::path(
    get,
    path = "/v1/receipts/{id}/file",
    tag = "receipts",
    params(("id" = i64, Path, description = "The receipt")),
    security(("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 200, description = "The PDF (`Content-Disposition: inline; filename*=UTF-8''<name>.pdf`)", body = Vec<u8>, content_type = "application/pdf"),
        (status = 400, description = "`INVALID_DATA`: the id is not a 64-bit integer", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 404, description = "`NO_ORDER_SHEET_RECEIPT`: none, not the caller's to read, or its file is missing from storage", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE` (database) or `STORAGE_UNAVAILABLE` (object storage); retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn receipt_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let row = readable(&state, &caller, path.into_inner()).await?;
    let bytes = state
        .storage
        .get(&row.storage_key)
        .await
        .map_err(ReceiptError::from)?;
    Ok(pdf_response(bytes, &format!("{}.pdf", row.file_name)))
}

fn to_api(row: ReceiptRow) -> Receipt {
    Receipt {
        id: row.id,
        order_sheet_id: row.order_sheet_id,
        file_name: row.file_name,
        file_path: row.file_path,
        file_format: row.file_format,
        metadata: row.metadata,
        created_at: row.created_at,
    }
}
