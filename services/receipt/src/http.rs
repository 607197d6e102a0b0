//! The REST API: issue a statement, read its metadata and file.

use crate::access::relation;
use crate::error::ReceiptError;
use crate::issue::{IssueCommand, Issued, issue};
use crate::startup::AppState;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use db::receipts::ReceiptRow;
use domain::ErrorCode;
use platform::ApiError;
use platform::api::receipt::{IssueReceipt, Receipt};
use platform::caller::Caller;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/v1/order-sheets/{order_sheet_id}/receipts",
        web::post().to(issue_receipt),
    )
    .route("/v1/receipts/render", web::post().to(crate::legacy::render))
    .route("/v1/renders/{name}", web::get().to(crate::legacy::file))
    .route("/v1/receipts/{id}", web::get().to(receipt_metadata))
    .route("/v1/receipts/{id}/file", web::get().to(receipt_file));
}

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

async fn issue_receipt(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // The frontend may post no body at all; core posts `{ "issuedBy": … }`.
    let body: IssueReceipt = if body.iter().all(u8::is_ascii_whitespace) {
        IssueReceipt::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?
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

fn idempotency_key(request: &HttpRequest) -> Result<Option<String>, ApiError> {
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

async fn receipt_metadata(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let row = readable(&state, &caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(to_api(row)))
}

async fn receipt_file(
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

/// The PDF itself. Objects never change, but they are private to the
/// parties, so only private caches may keep them.
pub fn pdf_response(bytes: Vec<u8>, file_name: &str) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: DispositionType::Inline,
        parameters: vec![DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".to_owned()),
            language_tag: None,
            value: file_name.as_bytes().to_vec(),
        })],
    };
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(disposition)
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600, immutable"))
        .body(bytes)
}

pub fn to_api(row: ReceiptRow) -> Receipt {
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
