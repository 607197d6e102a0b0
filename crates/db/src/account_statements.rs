//! Documents over more than one sheet (`account_statements`): a florist's
//! day with one wholesaler (DAILY) and a statement of account between two
//! dates (PERIOD). Rows are immutable: an issue inserts, nothing updates.

use crate::receipts::SheetRow;
use crate::schema::{account_statements, order_sheets};
use crate::statement::prepared;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

pub const DAILY: &str = "DAILY";
pub const PERIOD: &str = "PERIOD";

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = account_statements)]
pub struct AccountStatementRow {
    pub id: i64,
    pub kind: String,
    pub wholesaler_id: i64,
    pub retailer_id: i64,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub file_name: String,
    pub file_path: String,
    pub storage_key: String,
    pub metadata: String,
    pub byte_size: Option<i64>,
    /// 전잔액 (DAILY) or the balance carried in (PERIOD).
    pub opening_balance: i64,
    /// 금일 (DAILY) or the period's charges less reversed charges (PERIOD).
    pub charges: i64,
    pub payments: i64,
    /// 잔액 (DAILY) or the balance at the end of the period (PERIOD).
    pub closing_balance: i64,
    pub idempotency_key: Option<String>,
    pub issued_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = account_statements)]
pub struct NewAccountStatement {
    pub id: i64,
    pub kind: String,
    pub wholesaler_id: i64,
    pub retailer_id: i64,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub file_name: String,
    pub file_path: String,
    pub storage_key: String,
    pub metadata: String,
    pub byte_size: Option<i64>,
    pub opening_balance: i64,
    pub charges: i64,
    pub payments: i64,
    pub closing_balance: i64,
    pub idempotency_key: Option<String>,
    pub issued_by: Option<i64>,
}

/// Takes the next id from the identity sequence: the object key contains
/// it, and the row is inserted only once the object exists.
pub async fn next_id(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    crate::statement::next_id(conn, "account_statements").await
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewAccountStatement,
) -> QueryResult<AccountStatementRow> {
    diesel::insert_into(account_statements::table)
        .values(row)
        .returning(AccountStatementRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn by_id(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<AccountStatementRow>> {
    account_statements::table
        .find(id)
        .select(AccountStatementRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The document an earlier request of this wholesaler with `key` issued
/// (the unique index is per wholesaler).
pub async fn by_idempotency_key(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    key: &str,
) -> QueryResult<Option<AccountStatementRow>> {
    account_statements::table
        .filter(account_statements::wholesaler_id.eq(wholesaler_id))
        .filter(account_statements::idempotency_key.eq(key))
        .select(AccountStatementRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A pair's documents, the newest period first.
pub async fn of_pair(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<AccountStatementRow>> {
    account_statements::table
        .filter(account_statements::wholesaler_id.eq(wholesaler_id))
        .filter(account_statements::retailer_id.eq(retailer_id))
        .order((
            account_statements::period_to.desc(),
            account_statements::id.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select(AccountStatementRow::as_select())
        .load(conn)
        .await
}

pub async fn count_of_pair(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
) -> QueryResult<i64> {
    account_statements::table
        .filter(account_statements::wholesaler_id.eq(wholesaler_id))
        .filter(account_statements::retailer_id.eq(retailer_id))
        .count()
        .get_result(conn)
        .await
}

/// The pair's live sheets created in `[start, end)` (a KST business day's
/// bounds), oldest first.
pub async fn live_sheets_between(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> QueryResult<Vec<SheetRow>> {
    order_sheets::table
        .filter(order_sheets::wholesaler_id.eq(wholesaler_id))
        .filter(order_sheets::retailer_id.eq(retailer_id))
        .filter(order_sheets::deleted_at.is_null())
        .filter(order_sheets::created_at.ge(start))
        .filter(order_sheets::created_at.lt(end))
        .order((order_sheets::created_at.asc(), order_sheets::id.asc()))
        .select(SheetRow::as_select())
        .load(conn)
        .await
}

#[derive(QueryableByName)]
struct Fingerprint {
    #[diesel(sql_type = Text)]
    text: String,
}

/// A digest of everything a daily statement of `[start, end)` is drawn from
/// (the day's live sheets, their lines and prices): the same digest means
/// the same document, so callers can derive an idempotency key from it.
pub async fn day_fingerprint(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> QueryResult<String> {
    let row: Fingerprint = prepared(
        "SELECT coalesce(md5(string_agg(concat_ws(':', s.id, s.updated_at, s.price_updated_at, \
             (SELECT string_agg(concat_ws(',', i.id, i.quantity, i.grade, i.price, i.updated_at, \
                i.deleted_at), ';' ORDER BY i.id) FROM order_items i WHERE i.order_sheet_id = s.id), \
             (SELECT string_agg(concat_ws(',', c.id, c.updated_at, c.deleted_at), ';' ORDER BY c.id) \
                FROM custom_order_items c WHERE c.order_sheet_id = s.id)), '|' ORDER BY s.id)), '') AS text \
         FROM order_sheets s \
         WHERE s.wholesaler_id = $1 AND s.retailer_id = $2 AND s.deleted_at IS NULL \
           AND s.created_at >= $3 AND s.created_at < $4",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .get_result(conn)
    .await?;
    Ok(row.text)
}

/// Order numbers of sheets (live or not: a deleted sheet's charge still
/// names it), as `(sheet id, order no)`.
pub async fn order_numbers(
    conn: &mut AsyncPgConnection,
    sheet_ids: &[i64],
) -> QueryResult<Vec<(i64, String)>> {
    if sheet_ids.is_empty() {
        return Ok(Vec::new());
    }
    order_sheets::table
        .filter(order_sheets::id.eq_any(sheet_ids))
        .select((order_sheets::id, order_sheets::order_no))
        .load(conn)
        .await
}

/// Whether the pair has ever had an order sheet (live or not).
pub async fn has_sheets(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        order_sheets::table
            .filter(order_sheets::wholesaler_id.eq(wholesaler_id))
            .filter(order_sheets::retailer_id.eq(retailer_id)),
    ))
    .get_result(conn)
    .await
}

#[derive(QueryableByName)]
struct Newest {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The pair's newest entry not booked by a document of this table: what a
/// daily statement's figures depend on besides its own charges, so a retry
/// after it billed the day still names the same document.
pub async fn newest_outside_entry(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
) -> QueryResult<i64> {
    let row: Newest = prepared(
        "SELECT coalesce(max(id), 0)::int8 AS id FROM ledger_entries \
         WHERE wholesaler_id = $1 AND retailer_id = $2 AND account_statement_id IS NULL",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .get_result(conn)
    .await?;
    Ok(row.id)
}
