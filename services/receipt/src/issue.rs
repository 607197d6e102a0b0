//! Issuing a statement for an order sheet: read the sheet and both parties,
//! validate as core's `issueOrderSheetReceipt` does, render, store, record.
//!
//! Order matters for "nothing half-written": the receipt id is taken from
//! the sequence first (the object key contains it), the object is uploaded,
//! and only then is the row inserted. A failed upload leaves no row; a failed
//! insert removes the object (or logs the orphan's key if even that fails).

use crate::access::{Relation, relation};
use crate::error::ReceiptError;
use crate::ledger::{self, BookError, LedgerView};
use crate::notify::Notice;
use crate::pdf::{self, Rendered};
use crate::stamp::{StampImage, StampStatus};
use crate::state::AppState;
use crate::statement::{LineInput, Statement, has_issuable_prices};
use chrono::Utc;
use db::receipts::{self, CustomLineRow, NewReceipt, OrderLineRow, ReceiptRow};
use domain::{DomainError, ErrorCode, KST, TaxKind};
use platform::caller::Caller;

pub const SHIPPING_FEE: &str = "배송비";

/// Draws of one statement before giving up on a ledger that keeps moving.
const BOOK_ATTEMPTS: u32 = 3;

pub struct IssueCommand {
    pub sheet_id: i64,
    pub caller: Caller,
    /// For service callers: the user core acts for (audit only).
    pub issued_by: Option<i64>,
    pub idempotency_key: Option<String>,
}

pub enum Issued {
    Created(ReceiptRow),
    /// A retried request with the same idempotency key.
    Repeated(ReceiptRow),
}

pub async fn issue(
    state: &AppState,
    cmd: IssueCommand,
) -> Result<(Issued, Option<Notice>), ReceiptError> {
    let mut conn = state.pool.get().await.map_err(db::DbError::from)?;
    let no_sheet = || {
        DomainError::with_message(
            ErrorCode::NoOrderSheet,
            format!("There's no OrderSheet data whose id is {}", cmd.sheet_id),
        )
    };
    let sheet = receipts::live_sheet(&mut conn, cmd.sheet_id)
        .await?
        .ok_or_else(no_sheet)?;
    let issued_by = match relation(
        &mut conn,
        &cmd.caller,
        sheet.retailer_id,
        sheet.wholesaler_id,
    )
    .await?
    {
        Relation::Service => cmd.issued_by,
        Relation::Wholesaler => cmd.caller.user().map(|u| u.user_id.get()),
        Relation::Retailer | Relation::Admin => {
            return Err(ReceiptError::code(ErrorCode::PermissionDenied));
        }
        Relation::Stranger => return Err(no_sheet().into()),
    };
    if let Some(key) = &cmd.idempotency_key
        && let Some(existing) = receipts::by_idempotency_key(&mut conn, sheet.id, key).await?
    {
        return Ok((Issued::Repeated(existing), None));
    }
    // A service names the user it acts for; the row would refer to it, so a
    // name that is no user is the caller's mistake, found before any work.
    if let (Caller::Service, Some(user)) = (cmd.caller, issued_by)
        && db::users::live_users_by_ids(&mut conn, &[user])
            .await?
            .is_empty()
    {
        return Err(DomainError::with_message(
            ErrorCode::InvalidData,
            format!("issuedBy names no user: {user}"),
        )
        .into());
    }

    let lines = receipts::sheet_lines(&mut conn, sheet.id).await?;
    let (inputs, checked_prices) = collect_lines(lines.order.clone(), lines.custom.clone());
    if !has_issuable_prices(&checked_prices) {
        return Err(ReceiptError::code(ErrorCode::NoPriceOrderItem));
    }
    let parties = crate::parties::load(&mut conn, sheet.retailer_id, sheet.wholesaler_id).await?;
    let stamp = parties.stamp;
    let statement = Statement::new(
        sheet.order_no.clone(),
        Utc::now(),
        parties.supplier,
        parties.buyer,
        inputs,
    )
    .map_err(DomainError::from)?;
    let notice_phone = match cmd.caller {
        Caller::User(_) => db::users::live_credentials_by_user_ids(&mut conn, &[sheet.retailer_id])
            .await?
            .into_iter()
            .next()
            .map(|c| c.phone_no),
        Caller::Service => None,
    };
    drop(conn);

    let day = domain::time::business_day(statement.issued_at);
    let split = ledger::split_of(&statement);
    let mut attempt = 0;
    let receipt = loop {
        attempt += 1;
        let mut conn = state.pool.get().await.map_err(db::DbError::from)?;
        let view = LedgerView::read(&mut conn, &sheet, day).await?;
        let id = receipts::next_receipt_id(&mut conn).await?;
        drop(conn);

        let balances = view.balances(&statement);
        let drawn = statement.clone().with_balances(balances);
        let stored = produce(state, drawn, &stamp, sheet.id, id).await?;
        let row = NewReceipt {
            id,
            order_sheet_id: sheet.id,
            file_name: stored.file_name,
            file_path: format!("{}/v1/receipts/{id}/file", state.public_base_url),
            file_format: ".pdf".to_owned(),
            metadata: stored.metadata,
            storage_key: stored.key.clone(),
            idempotency_key: cmd.idempotency_key.clone(),
            issued_by,
            byte_size: Some(stored.byte_size),
            previous_balance: Some(balances.previous),
            payments_today: Some(balances.payments),
            balance: Some(balances.balance),
        };
        let booked = match state.pool.get().await {
            Ok(mut conn) => ledger::book(&mut conn, &row, &sheet, &lines, &view, split, day).await,
            Err(e) => {
                discard(state, &stored.key).await;
                return Err(db::DbError::from(e).into());
            }
        };
        let e = match booked {
            Ok(receipt) => break receipt,
            Err(e) => {
                discard(state, &stored.key).await;
                e
            }
        };
        let e = match e {
            // A payment came in while the PDF rendered: draw it again.
            BookError::LedgerMoved if attempt < BOOK_ATTEMPTS => continue,
            BookError::LedgerMoved => {
                return Err(DomainError::with_message(
                    ErrorCode::Conflict,
                    "The ledger kept changing while the statement was drawn; try again.",
                )
                .into());
            }
            // The florist changed the sheet meanwhile (its price flags are
            // gone): the wholesaler looks at it again before billing it.
            BookError::SheetMoved => {
                return Err(DomainError::with_message(
                    ErrorCode::Conflict,
                    "The order sheet changed while its statement was drawn; check it and issue again.",
                )
                .into());
            }
            BookError::Db(e) => db::DbError::from(e),
        };
        // Two retries with one key raced: the other one's receipt is the answer.
        if e.is_unique_violation()
            && let Some(key) = &cmd.idempotency_key
        {
            let mut conn = state.pool.get().await.map_err(db::DbError::from)?;
            if let Some(existing) = receipts::by_idempotency_key(&mut conn, sheet.id, key).await? {
                return Ok((Issued::Repeated(existing), None));
            }
        }
        return Err(e.into());
    };
    let notice = notice_phone.map(|phone| Notice {
        phone,
        wholesaler_name: parties.wholesaler_name,
        order_no: sheet.order_no.clone(),
        receipt_id: receipt.id,
    });
    Ok((Issued::Created(receipt), notice))
}

/// A rendered and stored statement, before its row exists.
pub struct Stored {
    pub key: String,
    pub file_name: String,
    pub metadata: String,
    pub byte_size: i64,
}

/// Where a statement's seal stamp comes from.
pub enum StampSource {
    /// The stored copy of the supplier's stamp (fetched first if its
    /// business info's URL has none yet).
    Supplier { user_id: i64, url: String },
    /// A URL named in the request of the original render contract.
    Url(String),
}

/// Renders and uploads; shared by the issue flow and the original's render
/// contract. `key_stem` names the object (`receipts/<sheet>/<id>`).
pub async fn render_and_store(
    state: &AppState,
    statement: Statement,
    stamp: &StampSource,
    key_stem: &str,
) -> Result<Stored, ReceiptError> {
    let (stamp, stamp_status) = match stamp {
        StampSource::Supplier { user_id, url } => state.stamps.for_supplier(*user_id, url).await,
        StampSource::Url(url) => state.stamps.for_url(url).await,
    };
    let file_name = statement.file_name();
    let started = std::time::Instant::now();
    let rendered = render_blocking(state.fonts.clone(), statement, stamp, stamp_status).await;
    platform::metrics::receipt_render(&rendered, started.elapsed());
    let (statement, rendered, stamp_status) = rendered?;
    let byte_size = i64::try_from(rendered.bytes.len()).unwrap_or(i64::MAX);
    let metadata = metadata_json(&statement, &rendered, &stamp_status, state.storage.kind());
    let key = put_pdf(state, key_stem, rendered.bytes).await?;
    Ok(Stored {
        key,
        file_name,
        metadata,
        byte_size,
    })
}

/// Uploads a rendered PDF under `<key_stem>-<nonce>.pdf` and answers the key.
pub async fn put_pdf(
    state: &AppState,
    key_stem: &str,
    bytes: Vec<u8>,
) -> Result<String, ReceiptError> {
    // The nonce keeps keys unique even if a database is reset against the
    // same bucket; the id alone would then repeat.
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let key = format!("{key_stem}-{}.pdf", &nonce[..12]);
    let started = std::time::Instant::now();
    let put = state.storage.put(&key, bytes).await;
    platform::metrics::receipt_store(state.storage.kind(), &put, started.elapsed());
    put?;
    Ok(key)
}

async fn produce(
    state: &AppState,
    statement: Statement,
    stamp: &StampSource,
    sheet_id: i64,
    id: i64,
) -> Result<Stored, ReceiptError> {
    render_and_store(
        state,
        statement,
        stamp,
        &format!("receipts/{sheet_id}/{id}"),
    )
    .await
}

/// Rendering is CPU work: off the async workers. A stamp that krilla cannot
/// embed after all (a JPEG that fails to decode) is dropped and the statement
/// drawn without it.
async fn render_blocking(
    fonts: crate::pdf::Fonts,
    statement: Statement,
    stamp: Option<StampImage>,
    status: StampStatus,
) -> Result<(Statement, Rendered, StampStatus), ReceiptError> {
    tokio::task::spawn_blocking(
        move || match pdf::render(&statement, &fonts, stamp.as_ref()) {
            Ok(rendered) => Ok((statement, rendered, status)),
            Err(e) if stamp.is_some() => {
                let status = StampStatus::Broken(format!("could not be embedded: {e}"));
                let rendered = pdf::render(&statement, &fonts, None)?;
                Ok((statement, rendered, status))
            }
            Err(e) => Err(e.into()),
        },
    )
    .await
    .map_err(|e| ReceiptError::Internal(format!("render task: {e}")))?
}

pub async fn discard(state: &AppState, key: &str) {
    if let Err(e) = state.storage.delete(key).await {
        tracing::error!(key, error = %e, "orphan receipt object left in storage");
    }
}

/// Order items first, then the valid free-text lines, then the shipping fee
/// once (the original sent it twice when it was also a valid free-text line,
/// and crashed when it lacked fields). Returns the lines and the prices the
/// issue rule looks at (order items and valid free-text lines, as core does).
pub fn collect_lines(
    order_lines: Vec<OrderLineRow>,
    custom_lines: Vec<CustomLineRow>,
) -> (Vec<LineInput>, Vec<Option<i64>>) {
    let mut inputs = Vec::with_capacity(order_lines.len() + custom_lines.len());
    let mut prices = Vec::with_capacity(inputs.capacity());
    for line in order_lines {
        let price = line.price.map(i64::from);
        prices.push(price);
        inputs.push(LineInput {
            item_type: line.flower_type_name,
            variety: line.flower_name,
            grade: Some(line.grade),
            quantity: i64::from(line.quantity),
            unit_price: price,
            tax: TaxKind::Exempt,
        });
    }
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut shipping = None;
    for line in custom_lines {
        let is_shipping = line.flower_name.as_deref() == Some(SHIPPING_FEE);
        let valid = !blank(&line.flower_name)
            && !blank(&line.flower_type_name)
            && line.grade.is_some()
            && line.quantity.is_some();
        let price = line.price.map(i64::from);
        if valid {
            prices.push(price);
        }
        let input = LineInput {
            item_type: line.flower_type_name.unwrap_or_default(),
            variety: line.flower_name.unwrap_or_default(),
            grade: line.grade,
            quantity: i64::from(line.quantity.unwrap_or(1)),
            unit_price: price,
            tax: TaxKind::Taxable,
        };
        if is_shipping {
            shipping.get_or_insert(input);
        } else if valid {
            inputs.push(input);
        }
    }
    inputs.extend(shipping);
    (inputs, prices)
}

fn metadata_json(
    statement: &Statement,
    rendered: &Rendered,
    stamp: &StampStatus,
    storage: &str,
) -> String {
    let t = &statement.totals;
    serde_json::json!({
        "title": statement.file_name(),
        "orderNo": statement.order_no,
        "issuedAt": statement.issued_at.with_timezone(&KST).to_rfc3339(),
        "pages": rendered.pages,
        "lines": statement.lines.len(),
        "unpricedLines": t.unpriced_lines,
        "supplyTotal": t.supply.get(),
        "vatTotal": t.vat.get(),
        "total": t.total.get(),
        "taxableTotal": t.taxable_total.get(),
        "exemptTotal": t.exempt_total.get(),
        "stamp": stamp.label(),
        "stampDetail": stamp.detail(),
        "byteSize": rendered.bytes.len(),
        "storage": storage,
        "previousBalance": statement.balances.map(|b| b.previous),
        "paymentsToday": statement.balances.map(|b| b.payments),
        "balance": statement.balances.map(|b| b.balance),
    })
    .to_string()
}
