//! The ledger (외상 장부) of a wholesaler–florist pair: who may read it, who
//! may write it, and what a payment, an adjustment or a reversal must be.
//!
//! Reads: the florist its own pairs, the wholesaler's owner and employees
//! their company's, operators any. Writes: the owner and employees only, for
//! florists the company trades with (a confirmed connection, or a pair that
//! already has entries: a florist whose link was removed may still owe).
//! Statements' charges are written by the receipt service when it issues one.

use crate::app::{Error, Page, Result, Viewer, text};
use crate::trading::scope::acting_wholesaler;
use chrono::{Datelike, NaiveDate, Utc};
use db::DbPool;
use db::ledger::{
    self, AccountListRow, EntryKind, EntryRow, EntryWithBalance, Movement, NewEntry, Side,
};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{ErrorCode, Role};

/// Largest single payment or adjustment (10억 원): above it is a typo.
pub const MAX_AMOUNT: i64 = 1_000_000_000;
/// Longest period one ledger page spans.
const MAX_PERIOD_DAYS: i64 = 3 * 366;
const MAX_KEY: usize = 100;
pub const METHODS: [&str; 4] = ["CASH", "TRANSFER", "CARD", "OTHER"];

/// One pair: whose ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub wholesaler_id: i64,
    pub retailer_id: i64,
}

/// The pair a viewer may read. A florist names the wholesaler (its own side
/// is itself); a wholesaler account names the florist; an operator names
/// both. Naming someone else's side is refused.
pub async fn readable_pair(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    wholesaler_id: Option<i64>,
    retailer_id: Option<i64>,
) -> Result<Pair> {
    let missing =
        |what: &str| Error::with_message(ErrorCode::InvalidData, format!("{what} is required"));
    let me = viewer.user_id.get();
    let pair = match viewer.role {
        Role::Retailer => Pair {
            wholesaler_id: wholesaler_id.ok_or_else(|| missing("wholesalerId"))?,
            retailer_id: retailer_id.unwrap_or(me),
        },
        Role::Admin => Pair {
            wholesaler_id: wholesaler_id.ok_or_else(|| missing("wholesalerId"))?,
            retailer_id: retailer_id.ok_or_else(|| missing("retailerId"))?,
        },
        Role::WholesalerEmpr | Role::WholesalerEmpe => {
            let acting = acting_wholesaler(conn, viewer).await?;
            Pair {
                wholesaler_id: wholesaler_id.unwrap_or(acting),
                retailer_id: retailer_id.ok_or_else(|| missing("retailerId"))?,
            }
        }
    };
    let mine = match viewer.role {
        Role::Retailer => pair.retailer_id == me,
        Role::Admin => true,
        _ => Some(pair.wholesaler_id) == acting_wholesaler(conn, viewer).await.ok(),
    };
    if mine {
        Ok(pair)
    } else {
        Err(Error::with_message(
            ErrorCode::PermissionDenied,
            "This ledger is not yours.",
        ))
    }
}

/// The pair the caller's company may write for `retailer_id`.
async fn writable_pair(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    retailer_id: i64,
) -> Result<Pair> {
    let wholesaler_id = acting_wholesaler(conn, viewer).await?;
    let pair = Pair {
        wholesaler_id,
        retailer_id,
    };
    let linked = db::connections::live_between(conn, retailer_id, wholesaler_id)
        .await?
        .iter()
        .any(|c| {
            c.retailer_id == retailer_id
                && c.wholesaler_id == wholesaler_id
                && c.apply_status == domain::ApplyStatus::Confirmed.as_str()
        });
    if linked || has_account(conn, pair).await? {
        Ok(pair)
    } else {
        Err(Error::with_message(
            ErrorCode::NotConnected,
            "Record payments only for florists you trade with.",
        ))
    }
}

async fn has_account(conn: &mut AsyncPgConnection, pair: Pair) -> Result<bool> {
    Ok(ledger::account(conn, pair.wholesaler_id, pair.retailer_id)
        .await?
        .is_some())
}

pub fn today() -> NaiveDate {
    domain::time::business_day(Utc::now())
}

/// A period as asked: defaults to the current month up to today; bounded.
pub fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(NaiveDate, NaiveDate)> {
    let to = to.unwrap_or_else(today);
    let from = from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "from must not be after to",
        ));
    }
    if (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("a period spans at most {MAX_PERIOD_DAYS} days"),
        ));
    }
    Ok((from, to))
}

/// A page of a pair's ledger with the period's movement.
pub struct LedgerPage {
    pub pair: Pair,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub movement: Movement,
    pub entries: Vec<EntryWithBalance>,
    pub total: i64,
}

pub async fn ledger_page(
    pool: &DbPool,
    viewer: Viewer,
    wholesaler_id: Option<i64>,
    retailer_id: Option<i64>,
    (from, to): (NaiveDate, NaiveDate),
    page: Page,
) -> Result<LedgerPage> {
    let mut conn = crate::app::conn(pool).await?;
    let pair = readable_pair(&mut conn, viewer, wholesaler_id, retailer_id).await?;
    // One snapshot: the page, its count and the period's figures agree.
    conn.transaction(async |conn| -> Result<LedgerPage> {
        diesel_async::RunQueryDsl::execute(
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"),
            conn,
        )
        .await?;
        let movement =
            ledger::movement(conn, pair.wholesaler_id, pair.retailer_id, from, to).await?;
        let total = ledger::count(conn, pair.wholesaler_id, pair.retailer_id, from, to).await?;
        let entries = ledger::page(
            conn,
            pair.wholesaler_id,
            pair.retailer_id,
            from,
            to,
            page.offset,
            page.limit,
        )
        .await?;
        Ok(LedgerPage {
            pair,
            from,
            to,
            movement,
            entries,
            total,
        })
    })
    .await
}

/// The accounts on the viewer's side: a wholesaler's florists (the overdue
/// view, longest unpaid first) or a florist's wholesalers (what it owes whom).
pub async fn accounts(
    pool: &DbPool,
    viewer: Viewer,
    owing_only: bool,
    page: Page,
) -> Result<(Vec<AccountListRow>, i64)> {
    let mut conn = crate::app::conn(pool).await?;
    let side = match viewer.role {
        Role::Retailer => Side::Retailer(viewer.user_id.get()),
        Role::WholesalerEmpr | Role::WholesalerEmpe => {
            Side::Wholesaler(acting_wholesaler(&mut conn, viewer).await?)
        }
        Role::Admin => {
            return Err(Error::with_message(
                ErrorCode::PermissionDenied,
                "Operators read one pair's ledger at a time.",
            ));
        }
    };
    let rows = ledger::accounts(
        &mut conn,
        side,
        today(),
        owing_only,
        page.offset,
        page.limit,
    )
    .await?;
    let total = ledger::account_count(&mut conn, side, owing_only).await?;
    Ok((rows, total))
}

/// A payment (입금) as the wholesaler records it.
pub struct PaymentInput {
    pub retailer_id: i64,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub method: String,
    pub memo: Option<String>,
    pub idempotency_key: Option<String>,
}

pub async fn record_payment(
    pool: &DbPool,
    viewer: Viewer,
    input: PaymentInput,
) -> Result<EntryRow> {
    check_amount(input.amount, false)?;
    if !METHODS.contains(&input.method.as_str()) {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("method must be one of {}", METHODS.join(", ")),
        ));
    }
    check_day(input.paid_on)?;
    let memo = text::optional(input.memo, "memo")?;
    let key = text::optional(input.idempotency_key, "idempotencyKey")?;
    if key.as_ref().is_some_and(|k| k.len() > MAX_KEY) {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "idempotencyKey is too long",
        ));
    }
    let recorded_by = viewer.user_id.get();
    write(pool, viewer, input.retailer_id, move |pair| {
        let mut entry = NewEntry::payment(
            pair.wholesaler_id,
            pair.retailer_id,
            input.amount,
            &input.method,
            input.paid_on,
        );
        entry.memo = memo;
        entry.recorded_by = Some(recorded_by);
        entry.idempotency_key = key;
        entry
    })
    .await
}

/// A correction with a reason: positive adds to what the florist owes.
pub async fn record_adjustment(
    pool: &DbPool,
    viewer: Viewer,
    retailer_id: i64,
    amount: i64,
    reason: String,
) -> Result<EntryRow> {
    check_amount(amount, true)?;
    let reason = text::required(reason, "reason")?;
    let recorded_by = viewer.user_id.get();
    write(pool, viewer, retailer_id, move |pair| {
        let mut entry = NewEntry::adjustment(
            pair.wholesaler_id,
            pair.retailer_id,
            amount,
            reason,
            today(),
        );
        entry.recorded_by = Some(recorded_by);
        entry
    })
    .await
}

/// Undoes one entry by appending its negative, dated today.
pub async fn reverse(
    pool: &DbPool,
    viewer: Viewer,
    entry_id: i64,
    reason: String,
) -> Result<EntryRow> {
    let reason = text::required(reason, "reason")?;
    let mut conn = crate::app::conn(pool).await?;
    let wholesaler = acting_wholesaler(&mut conn, viewer).await?;
    let recorded_by = viewer.user_id.get();
    conn.transaction(async |conn| -> Result<EntryRow> {
        let not_found = || Error::new(ErrorCode::NoLedgerEntry);
        let original = ledger::entry(conn, entry_id).await?.ok_or_else(not_found)?;
        if original.wholesaler_id != wholesaler {
            return Err(not_found());
        }
        // The pair's lock orders this against a concurrent reversal of
        // the same entry; the unique reverses_id would refuse it anyway.
        ledger::lock_account(conn, original.wholesaler_id, original.retailer_id).await?;
        let original = ledger::entry(conn, entry_id).await?.ok_or_else(not_found)?;
        if original.reversed_by.is_some() || original.kind() == EntryKind::Reversal {
            return Err(Error::new(ErrorCode::LedgerEntryNotReversible));
        }
        let mut entry = NewEntry::reversal_of(&original, reason, today());
        entry.recorded_by = Some(recorded_by);
        Ok(ledger::record(conn, &entry).await?)
    })
    .await
}

async fn write(
    pool: &DbPool,
    viewer: Viewer,
    retailer_id: i64,
    entry: impl FnOnce(Pair) -> NewEntry + Send + 'static,
) -> Result<EntryRow> {
    let mut conn = crate::app::conn(pool).await?;
    let pair = writable_pair(&mut conn, viewer, retailer_id).await?;
    let entry = entry(pair);
    if let Some(key) = &entry.idempotency_key
        && let Some(done) = ledger::by_idempotency_key(&mut conn, pair.wholesaler_id, key).await?
    {
        return same_request(done, &entry);
    }
    let recorded = conn
        .transaction(async |conn| ledger::record(conn, &entry).await)
        .await;
    match recorded {
        Ok(row) => Ok(row),
        // Two tries with one key raced: the first one's entry is the answer.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            info,
        )) => {
            let key = entry.idempotency_key.as_deref().unwrap_or_default();
            match ledger::by_idempotency_key(&mut conn, pair.wholesaler_id, key).await? {
                Some(done) => same_request(done, &entry),
                None => Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    info,
                )
                .into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// A key names one request: the same key with other figures is a mistake.
fn same_request(done: EntryRow, asked: &NewEntry) -> Result<EntryRow> {
    if done.retailer_id == asked.retailer_id
        && done.amount == asked.amount
        && done.kind == asked.kind.as_str()
    {
        Ok(done)
    } else {
        Err(Error::new(ErrorCode::IdempotencyKeyReused))
    }
}

fn check_amount(amount: i64, signed: bool) -> Result<()> {
    let ok = if signed {
        amount != 0 && amount.abs() <= MAX_AMOUNT
    } else {
        (1..=MAX_AMOUNT).contains(&amount)
    };
    if ok {
        Ok(())
    } else {
        Err(Error::with_message(
            ErrorCode::InvalidData,
            if signed {
                format!("amount must be non-zero and at most {MAX_AMOUNT} won either way")
            } else {
                format!("amount must be between 1 and {MAX_AMOUNT} won")
            },
        ))
    }
}

/// A payment is dated on a business day that has come, within five years.
fn check_day(day: NaiveDate) -> Result<()> {
    let today = today();
    if day > today || (today - day).num_days() > 5 * 366 {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "paidOn must be today or a past day within five years",
        ));
    }
    Ok(())
}

/// The pair's balance right after `entry`, in the ledger's reading order.
pub async fn balance_after(pool: &DbPool, entry: &EntryRow) -> Result<i64> {
    let mut conn = crate::app::conn(pool).await?;
    Ok(ledger::balance_through(&mut conn, entry).await?)
}

/// Display names of users, deleted ones included (they still name entries).
pub async fn names(pool: &DbPool, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
    let mut conn = crate::app::conn(pool).await?;
    Ok(db::users::users_by_ids_any_state(&mut conn, ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}
