//! The florists' credit with each wholesaler (외상 장부): append-only entries
//! per wholesaler–florist pair and the pair's running balance.
//!
//! Every write goes through [`record`], which locks the pair's account row
//! first: entries of one pair are applied one at a time, so the balance is
//! always the sum of the entries, whatever runs concurrently. Callers run it
//! inside their own transaction (a statement's charge commits with the
//! statement's row, or not at all).

use crate::statement::prepared;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// What an entry is. Amounts are signed: positive adds to what the florist
/// owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// An issued statement's total (≥ 0), tied to the sheet it bills.
    Charge,
    /// Money received (입금), < 0.
    Payment,
    /// A correction with a reason, either sign.
    Adjustment,
    /// The negative of one earlier entry, with a reason.
    Reversal,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Charge => "CHARGE",
            EntryKind::Payment => "PAYMENT",
            EntryKind::Adjustment => "ADJUSTMENT",
            EntryKind::Reversal => "REVERSAL",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        [
            EntryKind::Charge,
            EntryKind::Payment,
            EntryKind::Adjustment,
            EntryKind::Reversal,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A charge's split for the month's tax documents; the three add up to the
/// charge's amount.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaxSplit {
    /// 면세 supply (계산서).
    pub exempt_supply: i64,
    /// 과세 supply (세금계산서) …
    pub taxable_supply: i64,
    /// … and its VAT.
    pub vat: i64,
}

impl TaxSplit {
    pub fn total(self) -> i64 {
        self.exempt_supply + self.taxable_supply + self.vat
    }

    fn negated(self) -> TaxSplit {
        TaxSplit {
            exempt_supply: -self.exempt_supply,
            taxable_supply: -self.taxable_supply,
            vat: -self.vat,
        }
    }
}

/// An entry to append. Build it with [`NewEntry::charge`], [`NewEntry::payment`],
/// [`NewEntry::adjustment`] or [`NewEntry::reversal_of`].
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub wholesaler_id: i64,
    pub retailer_id: i64,
    pub kind: EntryKind,
    pub amount: i64,
    pub entry_date: NaiveDate,
    pub order_sheet_id: Option<i64>,
    pub receipt_id: Option<i64>,
    pub account_statement_id: Option<i64>,
    pub split: TaxSplit,
    pub method: Option<String>,
    pub memo: Option<String>,
    pub reverses_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub idempotency_key: Option<String>,
}

impl NewEntry {
    fn blank(wholesaler_id: i64, retailer_id: i64, kind: EntryKind, day: NaiveDate) -> NewEntry {
        NewEntry {
            wholesaler_id,
            retailer_id,
            kind,
            amount: 0,
            entry_date: day,
            order_sheet_id: None,
            receipt_id: None,
            account_statement_id: None,
            split: TaxSplit::default(),
            method: None,
            memo: None,
            reverses_id: None,
            recorded_by: None,
            idempotency_key: None,
        }
    }

    /// A statement's total billed for one sheet.
    pub fn charge(
        wholesaler_id: i64,
        retailer_id: i64,
        order_sheet_id: i64,
        split: TaxSplit,
        day: NaiveDate,
    ) -> NewEntry {
        NewEntry {
            amount: split.total(),
            order_sheet_id: Some(order_sheet_id),
            split,
            ..NewEntry::blank(wholesaler_id, retailer_id, EntryKind::Charge, day)
        }
    }

    /// `amount` won received (a positive number; stored negative).
    pub fn payment(
        wholesaler_id: i64,
        retailer_id: i64,
        amount: i64,
        method: &str,
        day: NaiveDate,
    ) -> NewEntry {
        NewEntry {
            amount: -amount,
            method: Some(method.to_owned()),
            ..NewEntry::blank(wholesaler_id, retailer_id, EntryKind::Payment, day)
        }
    }

    pub fn adjustment(
        wholesaler_id: i64,
        retailer_id: i64,
        amount: i64,
        reason: String,
        day: NaiveDate,
    ) -> NewEntry {
        NewEntry {
            amount,
            memo: Some(reason),
            ..NewEntry::blank(wholesaler_id, retailer_id, EntryKind::Adjustment, day)
        }
    }

    /// The entry that undoes `original`, on `day`, for `reason`.
    pub fn reversal_of(original: &EntryRow, reason: String, day: NaiveDate) -> NewEntry {
        NewEntry {
            amount: -original.amount,
            order_sheet_id: original.order_sheet_id,
            split: original.split().negated(),
            memo: Some(reason),
            reverses_id: Some(original.id),
            ..NewEntry::blank(
                original.wholesaler_id,
                original.retailer_id,
                EntryKind::Reversal,
                day,
            )
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct EntryRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub amount: i64,
    #[diesel(sql_type = Date)]
    pub entry_date: NaiveDate,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub order_sheet_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub receipt_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub account_statement_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub exempt_supply: i64,
    #[diesel(sql_type = BigInt)]
    pub taxable_supply: i64,
    #[diesel(sql_type = BigInt)]
    pub vat: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub method: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub memo: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub reverses_id: Option<i64>,
    /// The entry that reversed this one, if any.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub reversed_by: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub recorded_by: Option<i64>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

impl EntryRow {
    pub fn kind(&self) -> EntryKind {
        EntryKind::parse(&self.kind).unwrap_or(EntryKind::Adjustment)
    }

    pub fn split(&self) -> TaxSplit {
        TaxSplit {
            exempt_supply: self.exempt_supply,
            taxable_supply: self.taxable_supply,
            vat: self.vat,
        }
    }
}

const ENTRY_COLUMNS: &str = "e.id, e.wholesaler_id, e.retailer_id, e.kind, e.amount, e.entry_date, \
     e.order_sheet_id, e.receipt_id, e.account_statement_id, e.exempt_supply, e.taxable_supply, \
     e.vat, e.method, e.memo, e.reverses_id, \
     (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = e.id) AS reversed_by, \
     e.recorded_by, e.created_at";

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct AccountRow {
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub balance: i64,
    #[diesel(sql_type = Nullable<Date>)]
    pub last_payment_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub first_entry_on: Option<NaiveDate>,
}

/// Locks the pair's account (creating it at zero on its first entry) until
/// the caller's transaction ends, and answers it as it stands.
pub async fn lock_account(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
) -> diesel::QueryResult<AccountRow> {
    prepared(
        "INSERT INTO ledger_accounts (wholesaler_id, retailer_id) VALUES ($1, $2) \
         ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .execute(conn)
    .await?;
    prepared(
        "SELECT wholesaler_id, retailer_id, balance, last_payment_on, first_entry_on \
         FROM ledger_accounts WHERE wholesaler_id = $1 AND retailer_id = $2 FOR UPDATE",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .get_result(conn)
    .await
}

/// The pair's account, if it has ever had an entry.
pub async fn account(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
) -> diesel::QueryResult<Option<AccountRow>> {
    prepared(
        "SELECT wholesaler_id, retailer_id, balance, last_payment_on, first_entry_on \
         FROM ledger_accounts WHERE wholesaler_id = $1 AND retailer_id = $2",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .get_result(conn)
    .await
    .optional()
}

/// The pair's newest entry id: a statement drawn with the ledger as of this
/// id is still right if no entry came after it.
pub async fn last_entry_id(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
) -> diesel::QueryResult<i64> {
    let row: Sum = prepared(
        "SELECT coalesce(max(id), 0)::int8 AS total FROM ledger_entries \
         WHERE wholesaler_id = $1 AND retailer_id = $2",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .get_result(conn)
    .await?;
    Ok(row.total)
}

/// Appends one entry and moves the pair's balance by its amount. Run inside
/// a transaction; the pair is locked here if the caller has not done so.
pub async fn record(
    conn: &mut AsyncPgConnection,
    entry: &NewEntry,
) -> diesel::QueryResult<EntryRow> {
    lock_account(conn, entry.wholesaler_id, entry.retailer_id).await?;
    let sql = format!(
        "WITH e AS (INSERT INTO ledger_entries (wholesaler_id, retailer_id, kind, amount, entry_date, \
           order_sheet_id, receipt_id, account_statement_id, exempt_supply, taxable_supply, vat, \
           method, memo, reverses_id, recorded_by, idempotency_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *) \
         SELECT {ENTRY_COLUMNS} FROM e"
    );
    let row: EntryRow = prepared(sql)
        .bind::<BigInt, _>(entry.wholesaler_id)
        .bind::<BigInt, _>(entry.retailer_id)
        .bind::<Text, _>(entry.kind.as_str())
        .bind::<BigInt, _>(entry.amount)
        .bind::<Date, _>(entry.entry_date)
        .bind::<Nullable<BigInt>, _>(entry.order_sheet_id)
        .bind::<Nullable<BigInt>, _>(entry.receipt_id)
        .bind::<Nullable<BigInt>, _>(entry.account_statement_id)
        .bind::<BigInt, _>(entry.split.exempt_supply)
        .bind::<BigInt, _>(entry.split.taxable_supply)
        .bind::<BigInt, _>(entry.split.vat)
        .bind::<Nullable<Text>, _>(entry.method.as_deref())
        .bind::<Nullable<Text>, _>(entry.memo.as_deref())
        .bind::<Nullable<BigInt>, _>(entry.reverses_id)
        .bind::<Nullable<BigInt>, _>(entry.recorded_by)
        .bind::<Nullable<Text>, _>(entry.idempotency_key.as_deref())
        .get_result(conn)
        .await?;
    prepared(
        "UPDATE ledger_accounts SET balance = balance + $3, \
           last_payment_on = CASE WHEN $4 THEN greatest(last_payment_on, $5) ELSE last_payment_on END, \
           first_entry_on = least(first_entry_on, $5) \
         WHERE wholesaler_id = $1 AND retailer_id = $2",
    )
    .bind::<BigInt, _>(entry.wholesaler_id)
    .bind::<BigInt, _>(entry.retailer_id)
    .bind::<BigInt, _>(entry.amount)
    .bind::<diesel::sql_types::Bool, _>(entry.kind == EntryKind::Payment)
    .bind::<Date, _>(entry.entry_date)
    .execute(conn)
    .await?;
    Ok(row)
}

pub async fn entry(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<Option<EntryRow>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM ledger_entries e WHERE e.id = $1");
    prepared(sql)
        .bind::<BigInt, _>(id)
        .get_result(conn)
        .await
        .optional()
}

/// The entry recorded earlier by this wholesaler under `key`, if any.
pub async fn by_idempotency_key(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    key: &str,
) -> diesel::QueryResult<Option<EntryRow>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM ledger_entries e \
         WHERE e.wholesaler_id = $1 AND e.idempotency_key = $2"
    );
    prepared(sql)
        .bind::<BigInt, _>(wholesaler_id)
        .bind::<Text, _>(key)
        .get_result(conn)
        .await
        .optional()
}

/// The charge currently billing a sheet: its latest charge not reversed.
pub async fn charge_in_force(
    conn: &mut AsyncPgConnection,
    order_sheet_id: i64,
) -> diesel::QueryResult<Option<EntryRow>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM ledger_entries e \
         WHERE e.order_sheet_id = $1 AND e.kind = 'CHARGE' \
           AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id) \
         ORDER BY e.id DESC LIMIT 1"
    );
    prepared(sql)
        .bind::<BigInt, _>(order_sheet_id)
        .get_result(conn)
        .await
        .optional()
}

#[derive(QueryableByName)]
struct Sum {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// What the florist owed at the end of `day` (entries dated on or before it).
pub async fn balance_as_of(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    day: NaiveDate,
) -> diesel::QueryResult<i64> {
    let row: Sum = prepared(
        "SELECT coalesce(sum(amount), 0)::int8 AS total FROM ledger_entries \
         WHERE wholesaler_id = $1 AND retailer_id = $2 AND entry_date <= $3",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .bind::<Date, _>(day)
    .get_result(conn)
    .await?;
    Ok(row.total)
}

/// The pair's balance after `entry` in reading order (by day, then id).
pub async fn balance_through(
    conn: &mut AsyncPgConnection,
    entry: &EntryRow,
) -> diesel::QueryResult<i64> {
    let row: Sum = prepared(
        "SELECT coalesce(sum(amount), 0)::int8 AS total FROM ledger_entries \
         WHERE wholesaler_id = $1 AND retailer_id = $2 AND (entry_date, id) <= ($3, $4)",
    )
    .bind::<BigInt, _>(entry.wholesaler_id)
    .bind::<BigInt, _>(entry.retailer_id)
    .bind::<Date, _>(entry.entry_date)
    .bind::<BigInt, _>(entry.id)
    .get_result(conn)
    .await?;
    Ok(row.total)
}

/// A period's movement of one pair: what was owed before `from`, what was
/// billed and paid (payments as a positive sum; adjustments and reversals of
/// non-charges fold into `other`) in [from, to], and what was owed after `to`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName)]
pub struct Movement {
    #[diesel(sql_type = BigInt)]
    pub opening: i64,
    /// Charges less reversed charges.
    #[diesel(sql_type = BigInt)]
    pub charges: i64,
    /// Payments less reversed payments, as a positive number.
    #[diesel(sql_type = BigInt)]
    pub payments: i64,
    #[diesel(sql_type = BigInt)]
    pub other: i64,
    #[diesel(sql_type = BigInt)]
    pub closing: i64,
}

pub async fn movement(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> diesel::QueryResult<Movement> {
    prepared(
        "SELECT coalesce(sum(e.amount) FILTER (WHERE e.entry_date < $3), 0)::int8 AS opening, \
           coalesce(sum(e.amount) FILTER (WHERE e.entry_date >= $3 AND (e.kind = 'CHARGE' \
             OR (e.kind = 'REVERSAL' AND o.kind = 'CHARGE'))), 0)::int8 AS charges, \
           (-coalesce(sum(e.amount) FILTER (WHERE e.entry_date >= $3 AND (e.kind = 'PAYMENT' \
             OR (e.kind = 'REVERSAL' AND o.kind = 'PAYMENT'))), 0))::int8 AS payments, \
           coalesce(sum(e.amount) FILTER (WHERE e.entry_date >= $3 AND (e.kind = 'ADJUSTMENT' \
             OR (e.kind = 'REVERSAL' AND o.kind IN ('ADJUSTMENT', 'REVERSAL')))), 0)::int8 AS other, \
           coalesce(sum(e.amount), 0)::int8 AS closing \
         FROM ledger_entries e LEFT JOIN ledger_entries o ON o.id = e.reverses_id \
         WHERE e.wholesaler_id = $1 AND e.retailer_id = $2 AND e.entry_date <= $4",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .get_result(conn)
    .await
}

/// An entry with the pair's balance after it, in the ledger's reading order
/// (by day, then as recorded).
#[derive(Debug, Clone, QueryableByName)]
pub struct EntryWithBalance {
    #[diesel(embed)]
    pub entry: EntryRow,
    #[diesel(sql_type = BigInt)]
    pub balance_after: i64,
}

/// A page of a pair's entries dated in [from, to], oldest first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    offset: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<EntryWithBalance>> {
    let sql = format!(
        "SELECT * FROM ( \
           SELECT {ENTRY_COLUMNS}, \
             (sum(e.amount) OVER (ORDER BY e.entry_date, e.id))::int8 AS balance_after \
           FROM ledger_entries e \
           WHERE e.wholesaler_id = $1 AND e.retailer_id = $2 AND e.entry_date <= $4 \
         ) x WHERE x.entry_date >= $3 ORDER BY x.entry_date, x.id OFFSET $5 LIMIT $6"
    );
    prepared(sql)
        .bind::<BigInt, _>(wholesaler_id)
        .bind::<BigInt, _>(retailer_id)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}

pub async fn count(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> diesel::QueryResult<i64> {
    let row: Sum = prepared(
        "SELECT count(*)::int8 AS total FROM ledger_entries \
         WHERE wholesaler_id = $1 AND retailer_id = $2 AND entry_date BETWEEN $3 AND $4",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .get_result(conn)
    .await?;
    Ok(row.total)
}

/// Payments (as a positive sum, less reversed payments) dated `day`.
pub async fn payments_on(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    day: NaiveDate,
) -> diesel::QueryResult<i64> {
    Ok(movement(conn, wholesaler_id, retailer_id, day, day)
        .await?
        .payments)
}

/// Which side of the pairs a list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A wholesaler's florists.
    Wholesaler(i64),
    /// A florist's wholesalers.
    Retailer(i64),
}

/// An account as listed: the counterpart's name, the balance, and the days
/// since the last payment (or since the first entry, for a pair that never
/// paid).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct AccountListRow {
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub balance: i64,
    #[diesel(sql_type = Nullable<Date>)]
    pub last_payment_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub days_since_payment: Option<i64>,
}

/// Accounts of one side, the longest unpaid first (then the largest
/// balance); `owing_only` keeps balances above zero.
pub async fn accounts(
    conn: &mut AsyncPgConnection,
    side: Side,
    today: NaiveDate,
    owing_only: bool,
    offset: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<AccountListRow>> {
    let (column, id) = side_filter(side);
    let sql = format!(
        "SELECT wholesaler_id, retailer_id, balance, last_payment_on, \
           ($2 - coalesce(last_payment_on, first_entry_on))::int8 AS days_since_payment \
         FROM ledger_accounts WHERE {column} = $1 AND (NOT $3 OR balance > 0) \
         ORDER BY days_since_payment DESC NULLS LAST, balance DESC, wholesaler_id, retailer_id \
         OFFSET $4 LIMIT $5"
    );
    prepared(sql)
        .bind::<BigInt, _>(id)
        .bind::<Date, _>(today)
        .bind::<diesel::sql_types::Bool, _>(owing_only)
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}

pub async fn account_count(
    conn: &mut AsyncPgConnection,
    side: Side,
    owing_only: bool,
) -> diesel::QueryResult<i64> {
    let (column, id) = side_filter(side);
    let sql = format!(
        "SELECT count(*)::int8 AS total FROM ledger_accounts \
         WHERE {column} = $1 AND (NOT $2 OR balance > 0)"
    );
    let row: Sum = prepared(sql)
        .bind::<BigInt, _>(id)
        .bind::<diesel::sql_types::Bool, _>(owing_only)
        .get_result(conn)
        .await?;
    Ok(row.total)
}

fn side_filter(side: Side) -> (&'static str, i64) {
    match side {
        Side::Wholesaler(id) => ("wholesaler_id", id),
        Side::Retailer(id) => ("retailer_id", id),
    }
}

/// One florist's month for its tax documents: the charges (less reversed
/// charges) dated in the month, split by tax category.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct MonthRollupRow {
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub exempt_supply: i64,
    #[diesel(sql_type = BigInt)]
    pub taxable_supply: i64,
    #[diesel(sql_type = BigInt)]
    pub vat: i64,
    #[diesel(sql_type = BigInt)]
    pub charges: i64,
}

/// Every florist with charges in [from, to) of one wholesaler, by florist id.
pub async fn month_rollup(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    from: NaiveDate,
    until: NaiveDate,
) -> diesel::QueryResult<Vec<MonthRollupRow>> {
    prepared(
        "SELECT retailer_id, sum(exempt_supply)::int8 AS exempt_supply, \
           sum(taxable_supply)::int8 AS taxable_supply, sum(vat)::int8 AS vat, \
           count(*) FILTER (WHERE kind = 'CHARGE')::int8 AS charges \
         FROM ledger_entries \
         WHERE wholesaler_id = $1 AND entry_date >= $2 AND entry_date < $3 \
           AND (kind = 'CHARGE' OR (kind = 'REVERSAL' AND order_sheet_id IS NOT NULL)) \
         GROUP BY retailer_id ORDER BY retailer_id",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Date, _>(from)
    .bind::<Date, _>(until)
    .load(conn)
    .await
}
