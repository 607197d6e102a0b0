//! Statements beyond one sheet: a florist's day with the wholesaler (DAILY)
//! and a statement of account between two dates (PERIOD). The wholesaler's
//! owner and employees issue them; the receipt service renders, stores,
//! bills (DAILY) and records them, as it does a sheet's statement. Whoever
//! may read the pair's ledger may list its documents.
//!
//! Idempotency: the key is derived from what the document is drawn from, so
//! a double click or a retried request answers the first document, and any
//! change (a price, a payment, a party's business info) makes a new one.

use crate::app::{Error, Page, Result, Viewer};
use crate::trading::ledger::{Pair, readable_pair};
use crate::trading::receipts::from_call;
use crate::trading::scope::acting_wholesaler;
use aws_lc_rs::digest;
use chrono::NaiveDate;
use db::DbPool;
use db::account_statements::{self, AccountStatementRow};
use diesel_async::AsyncPgConnection;
use domain::ErrorCode;
use platform::api::receipt::{AccountStatementKind, IssueAccountStatement, ReceiptClient};

/// Longest period a statement of account covers (the receipt service's rule,
/// checked here first so a bad request costs no call).
const MAX_PERIOD_DAYS: i64 = 366;

/// What to issue, for which florist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Daily {
        retailer_id: i64,
        day: NaiveDate,
    },
    Period {
        retailer_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    },
}

impl Request {
    fn retailer_id(self) -> i64 {
        match self {
            Request::Daily { retailer_id, .. } | Request::Period { retailer_id, .. } => retailer_id,
        }
    }

    fn check(self) -> Result<Request> {
        if let Request::Period { from, to, .. } = self {
            if from > to {
                return Err(Error::with_message(
                    ErrorCode::InvalidData,
                    "from must not be after to",
                ));
            }
            if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
                return Err(Error::with_message(
                    ErrorCode::InvalidData,
                    format!("a statement of account covers at most {MAX_PERIOD_DAYS} days"),
                ));
            }
        }
        Ok(self)
    }
}

/// Issues the document (or answers the one already issued from the same
/// facts) and returns its row.
pub async fn issue(
    pool: &DbPool,
    receipts: &ReceiptClient,
    viewer: Viewer,
    request: Request,
) -> Result<AccountStatementRow> {
    let request = request.check()?;
    let (wholesaler_id, key) = {
        let mut conn = crate::app::conn(pool).await?;
        let wholesaler_id = acting_wholesaler(&mut conn, viewer).await?;
        let key = idempotency_key(&mut conn, wholesaler_id, request).await?;
        (wholesaler_id, key)
    };
    let body = match request {
        Request::Daily { retailer_id, day } => IssueAccountStatement {
            kind: AccountStatementKind::Daily,
            retailer_id,
            wholesaler_id: Some(wholesaler_id),
            day: Some(day),
            from: None,
            to: None,
            issued_by: Some(viewer.user_id.get()),
        },
        Request::Period {
            retailer_id,
            from,
            to,
        } => IssueAccountStatement {
            kind: AccountStatementKind::Period,
            retailer_id,
            wholesaler_id: Some(wholesaler_id),
            day: None,
            from: Some(from),
            to: Some(to),
            issued_by: Some(viewer.user_id.get()),
        },
    };
    // No connection is held during the call: rendering may take a while.
    let issued = receipts
        .issue_account_statement(&body, &key)
        .await
        .map_err(from_call)?;
    let mut conn = crate::app::conn(pool).await?;
    account_statements::by_id(&mut conn, issued.id)
        .await?
        .ok_or_else(|| Error::internal("account statement", "issued row not found"))
}

/// The same facts give the same key: the sheets of the day with their lines
/// (DAILY), the ledger as it stands apart from what a daily statement books
/// itself, and both parties' business info.
async fn idempotency_key(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    request: Request,
) -> Result<String> {
    let retailer_id = request.retailer_id();
    let infos = db::business_infos::live_by_user_ids(conn, &[wholesaler_id, retailer_id]).await?;
    let mut text = format!("{wholesaler_id}:{retailer_id}");
    for info in &infos {
        text.push_str(&format!(
            "|b{}:{}",
            info.user_id,
            info.updated_at.timestamp_micros()
        ));
    }
    let kind = match request {
        Request::Daily { day, .. } => {
            let (start, end) = domain::time::kst_day_bounds(day);
            let sheets =
                account_statements::day_fingerprint(conn, wholesaler_id, retailer_id, start, end)
                    .await?;
            let ledger =
                account_statements::newest_outside_entry(conn, wholesaler_id, retailer_id).await?;
            text.push_str(&format!("|d{day}|{sheets}|l{ledger}"));
            "daily"
        }
        Request::Period { from, to, .. } => {
            let ledger = db::ledger::last_entry_id(conn, wholesaler_id, retailer_id).await?;
            text.push_str(&format!("|p{from}:{to}|l{ledger}"));
            "period"
        }
    };
    let hash = digest::digest(&digest::SHA256, text.as_bytes());
    let hex: String = hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{kind}-{retailer_id}-{}", &hex[..32]))
}

/// A page of a pair's documents (newest period first), with their count,
/// for whoever may read the pair's ledger.
pub async fn list(
    pool: &DbPool,
    viewer: Viewer,
    wholesaler_id: Option<i64>,
    retailer_id: Option<i64>,
    page: Page,
) -> Result<(Pair, Vec<AccountStatementRow>, i64)> {
    let mut conn = crate::app::conn(pool).await?;
    let pair = readable_pair(&mut conn, viewer, wholesaler_id, retailer_id).await?;
    let (w, r) = (pair.wholesaler_id, pair.retailer_id);
    let rows = account_statements::of_pair(&mut conn, w, r, page.offset, page.limit).await?;
    let total = account_statements::count_of_pair(&mut conn, w, r).await?;
    Ok((pair, rows, total))
}
