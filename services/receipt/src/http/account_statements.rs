//! Documents over more than one sheet: a florist's day (DAILY) and a
//! statement of account between two dates (PERIOD). Issue one, read its
//! metadata and its file.

use super::pdf_response;
use super::receipts::idempotency_key;
use crate::access::relation;
use crate::account::{IssueCommand, Issued, issue};
use crate::error::ReceiptError;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use db::account_statements::AccountStatementRow;
use domain::ErrorCode;
use platform::ApiError;
use platform::api::receipt::{AccountStatement, AccountStatementKind, IssueAccountStatement};
use platform::caller::Caller;
use platform::openapi::{ErrorEnvelope, IdempotencyKey};

/// Issue a daily statement or a statement of account.
///
/// DAILY: every line of the florist's live sheets with the wholesaler
/// created on `day` (KST), labelled by order number, VAT split per line, with
/// 전잔액 / 금일 / 입금 / 잔액 from the ledger; it bills each sheet whose
/// charge differs from its total (reversing the old charge) and leaves a
/// sheet already billed at the same total alone. PERIOD: the balance carried
/// in, every ledger entry between `from` and `to` (at most 366 days) with the
/// running balance, the totals and the closing balance; it bills nothing.
/// The wholesaler's owner, its employees, or core with the service
/// credential (naming `wholesalerId` and the user it acts for in
/// `issuedBy`). Documents are immutable; a retry with the same
/// `Idempotency-Key` answers the first one with 200.
#[utoipa::path(
    post,
    path = "/v1/account-statements",
    tag = "account statements",
    params(IdempotencyKey),
    request_body(content = IssueAccountStatement),
    security(("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 201, description = "A new document", body = AccountStatement),
        (status = 200, description = "A retry with the same Idempotency-Key: the document it issued", body = AccountStatement),
        (status = 400, description = "`INVALID_DATA` (malformed body or Idempotency-Key; a missing date; `from` after `to`; a period over 366 days; `wholesalerId` missing for a service; `issuedBy` names no user), `NO_PRICE_ORDER_ITEM` (nothing priced on the day), `NOT_CONNECTED` (PERIOD for a florist the wholesaler never traded with)", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: not the wholesaler's owner or employee (florists and admins read, they do not issue)", body = ErrorEnvelope),
        (status = 404, description = "`NO_ORDER_SHEET` (DAILY: no live sheet of the pair on that day), `NO_BUSINESS_INFO` (the wholesaler has none)", body = ErrorEnvelope),
        (status = 409, description = "`CONFLICT`: the ledger kept changing while the document was drawn; retry", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE` (database) or `STORAGE_UNAVAILABLE` (object storage); retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn issue_account_statement(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: IssueAccountStatement = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?;
    let cmd = IssueCommand {
        caller,
        request: body,
        idempotency_key: idempotency_key(&request)?,
    };
    Ok(match issue(&state, cmd).await? {
        Issued::Created(row) => HttpResponse::Created().json(to_api(row)?),
        Issued::Repeated(row) => HttpResponse::Ok().json(to_api(row)?),
    })
}

/// A document the caller may read; anyone else gets the same 404 as for a
/// document that does not exist.
async fn readable(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<AccountStatementRow, ApiError> {
    let mut conn = state
        .pool
        .get()
        .await
        .map_err(|e| ApiError::from(db::DbError::from(e)))?;
    let not_found = || ApiError::from(ReceiptError::code(ErrorCode::NoAccountStatement));
    let row = db::account_statements::by_id(&mut conn, id)
        .await
        .map_err(ReceiptError::from)?
        .ok_or_else(not_found)?;
    if relation(&mut conn, caller, row.retailer_id, row.wholesaler_id)
        .await?
        .may_read()
    {
        Ok(row)
    } else {
        Err(not_found())
    }
}

/// Read a daily statement's or a statement of account's record.
///
/// The florist, the wholesaler and its employees, core and admins; anyone
/// else gets the same 404 as for a document that does not exist.
#[utoipa::path(
    get,
    path = "/v1/account-statements/{id}",
    tag = "account statements",
    params(("id" = i64, Path, description = "The document")),
    security(("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 200, description = "The document's record", body = AccountStatement),
        (status = 400, description = "`INVALID_DATA`: the id is not a 64-bit integer", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 404, description = "`NO_ACCOUNT_STATEMENT`: none, or not the caller's to read", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn account_statement_metadata(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let row = readable(&state, &caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(to_api(row)?))
}

/// Download a daily statement's or a statement of account's PDF.
///
/// Who may read it as for the record. Objects never change; private caches
/// may keep them.
#[utoipa::path(
    get,
    path = "/v1/account-statements/{id}/file",
    tag = "account statements",
    params(("id" = i64, Path, description = "The document")),
    security(("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 200, description = "The PDF (`Content-Disposition: inline; filename*=UTF-8''<name>.pdf`)", body = Vec<u8>, content_type = "application/pdf"),
        (status = 400, description = "`INVALID_DATA`: the id is not a 64-bit integer", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 404, description = "`NO_ACCOUNT_STATEMENT`: none, or not the caller's to read; `NO_ORDER_SHEET_RECEIPT`: its file is missing from storage", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE` (database) or `STORAGE_UNAVAILABLE` (object storage); retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn account_statement_file(
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

fn to_api(row: AccountStatementRow) -> Result<AccountStatement, ApiError> {
    let kind = AccountStatementKind::parse(&row.kind)
        .ok_or_else(|| ApiError::internal("account statement", format!("kind {}", row.kind)))?;
    Ok(AccountStatement {
        id: row.id,
        kind,
        wholesaler_id: row.wholesaler_id,
        retailer_id: row.retailer_id,
        period_from: row.period_from,
        period_to: row.period_to,
        file_name: row.file_name,
        file_path: row.file_path,
        opening_balance: row.opening_balance,
        charges: row.charges,
        payments: row.payments,
        closing_balance: row.closing_balance,
        metadata: row.metadata,
        created_at: row.created_at,
    })
}
