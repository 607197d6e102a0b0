//! Order sheets (주문서), their lines and receipts: creating them from a cart,
//! reading them scoped to a party, and the per-sheet figures the API shows.
//! Every list query takes many sheet ids at once, so a page of sheets with
//! nested lines costs a fixed number of statements.

use crate::carts::CartItemRow;
use crate::columns::Table;
use crate::schema::{custom_order_items, order_items, order_sheet_receipts, order_sheets};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = order_sheets)]
pub struct OrderSheetRow {
    pub id: i64,
    pub order_no: String,
    pub retailer_id: i64,
    pub wholesaler_id: i64,
    pub price_updated_at: Option<DateTime<Utc>>,
    pub memo: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// The cut-off it belongs to (None: placed before cut-offs were kept).
    pub cutoff_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = order_items)]
pub struct OrderItemRow {
    pub id: i64,
    pub order_sheet_id: i64,
    pub retailer_id: i64,
    pub wholesaler_id: i64,
    pub flower_id: i64,
    pub quantity: i32,
    pub grade: String,
    pub price: Option<i32>,
    pub memo: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = custom_order_items)]
pub struct CustomOrderItemRow {
    pub id: i64,
    pub order_sheet_id: i64,
    pub retailer_id: i64,
    pub wholesaler_id: i64,
    pub flower_name: Option<String>,
    pub flower_type_name: Option<String>,
    pub quantity: Option<i32>,
    pub grade: Option<String>,
    pub price: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = order_sheet_receipts)]
pub struct SheetReceiptRow {
    pub id: i64,
    pub order_sheet_id: i64,
    pub file_name: String,
    pub file_path: String,
    pub file_format: String,
    pub metadata: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Whose sheets (or lines) a query may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Retailer(i64),
    Wholesaler(i64),
    /// Operators (ADMIN) see every party.
    Anyone,
}

impl Party {
    /// The party as binds $1 (retailer) and $2 (wholesaler).
    pub(crate) fn bind(self) -> (Option<i64>, Option<i64>) {
        match self {
            Party::Retailer(id) => (Some(id), None),
            Party::Wholesaler(id) => (None, Some(id)),
            Party::Anyone => (None, None),
        }
    }

    /// The condition on a table's `retailer_id`/`wholesaler_id` over binds
    /// $1/$2. Spelled out per party (the unused bind checked to be null),
    /// never `$1 IS NULL OR …`: PostgreSQL's generic plan of that form,
    /// chosen after a few executions, scans the whole table.
    pub(crate) fn filter(self) -> &'static str {
        match self {
            Party::Retailer(_) => "retailer_id = $1 AND $2::bigint IS NULL",
            Party::Wholesaler(_) => "wholesaler_id = $2 AND $1::bigint IS NULL",
            Party::Anyone => "$1::bigint IS NULL AND $2::bigint IS NULL",
        }
    }
}

/// A KST day [from, to) on a table's `created_at`, over binds $3/$4 (spelled
/// out as [`Party::filter`] is).
pub(crate) fn day_filter(day: Option<(DateTime<Utc>, DateTime<Utc>)>) -> &'static str {
    if day.is_some() {
        "created_at >= $3 AND created_at < $4"
    } else {
        "$3::timestamptz IS NULL AND $4::timestamptz IS NULL"
    }
}

/// The id the next sheet gets: the order number derives from it, so both are
/// written by one INSERT instead of insert-then-update.
pub async fn next_sheet_id(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    crate::statement::next_id(conn, crate::columns::ORDER_SHEETS.name).await
}

pub struct NewSheet<'a> {
    pub id: i64,
    pub order_no: &'a str,
    pub retailer_id: i64,
    pub wholesaler_id: i64,
    pub memo: Option<&'a str>,
    pub cutoff_at: DateTime<Utc>,
}

pub async fn insert_sheet(
    conn: &mut AsyncPgConnection,
    sheet: &NewSheet<'_>,
) -> QueryResult<OrderSheetRow> {
    diesel::insert_into(order_sheets::table)
        .values((
            order_sheets::id.eq(sheet.id),
            order_sheets::order_no.eq(sheet.order_no),
            order_sheets::retailer_id.eq(sheet.retailer_id),
            order_sheets::wholesaler_id.eq(sheet.wholesaler_id),
            order_sheets::memo.eq(sheet.memo),
            order_sheets::cutoff_at.eq(sheet.cutoff_at),
        ))
        .returning(OrderSheetRow::as_returning())
        .get_result(conn)
        .await
}

/// Copies cart lines into the sheet (see [`insert_lines`]).
pub async fn insert_lines_from_cart(
    conn: &mut AsyncPgConnection,
    sheet: &OrderSheetRow,
    lines: &[CartItemRow],
    order_date: NaiveDate,
) -> QueryResult<Vec<OrderItemRow>> {
    let lines: Vec<LineToOrder> = lines
        .iter()
        .map(|l| LineToOrder {
            flower_id: l.flower_id,
            quantity: l.quantity,
            grade: l.grade.clone(),
            memo: l.memo.clone(),
        })
        .collect();
    insert_lines(conn, sheet, &lines, order_date).await
}

/// A line to put on a new sheet (from a cart or a standing order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineToOrder {
    pub flower_id: i64,
    pub quantity: i32,
    /// Stored form (상/중/하).
    pub grade: String,
    pub memo: Option<String>,
}

/// Puts lines on a new sheet; a line whose flower and grade already has a
/// bulk price for the day (daily order item) starts with that price.
pub async fn insert_lines(
    conn: &mut AsyncPgConnection,
    sheet: &OrderSheetRow,
    lines: &[LineToOrder],
    order_date: NaiveDate,
) -> QueryResult<Vec<OrderItemRow>> {
    let flower_ids: Vec<i64> = lines.iter().map(|l| l.flower_id).collect();
    let quantities: Vec<i32> = lines.iter().map(|l| l.quantity).collect();
    let grades: Vec<String> = lines.iter().map(|l| l.grade.clone()).collect();
    let memos: Vec<Option<String>> = lines.iter().map(|l| l.memo.clone()).collect();
    let returning = crate::columns::ORDER_ITEMS.columns;
    crate::statement::prepared(format!(
        "INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, price, memo) \
         SELECT $1, $2, $3, l.flower_id, l.quantity, l.grade, d.price, l.memo \
         FROM unnest($4::bigint[], $5::int[], $6::text[], $7::text[]) WITH ORDINALITY \
              AS l(flower_id, quantity, grade, memo, n) \
         LEFT JOIN daily_order_items d ON d.wholesaler_id = $3 AND d.flower_id = l.flower_id \
              AND d.grade = l.grade AND d.order_date = $8 AND d.deleted_at IS NULL \
         ORDER BY l.n \
         RETURNING {returning}"
    ))
    .bind::<BigInt, _>(sheet.id)
    .bind::<BigInt, _>(sheet.retailer_id)
    .bind::<BigInt, _>(sheet.wholesaler_id)
    .bind::<Array<BigInt>, _>(&flower_ids)
    .bind::<Array<diesel::sql_types::Integer>, _>(&quantities)
    .bind::<Array<Text>, _>(&grades)
    .bind::<Array<Nullable<Text>>, _>(&memos)
    .bind::<Date, _>(order_date)
    .load(conn)
    .await
}

/// Serialises, per wholesaler, the transactions that change its sheets' lines
/// (placing an order, line and bulk pricing, custom lines, removing a sheet).
/// They lock daily rows, lines and sheets in different orders; taking this
/// lock first keeps them from deadlocking and lets the last writer win
/// everywhere. Released at commit or rollback.
pub async fn lock_wholesaler_sheets(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
) -> QueryResult<()> {
    crate::statement::prepared("SELECT pg_advisory_xact_lock(hashtextextended('order-sheets', $1))")
        .bind::<BigInt, _>(wholesaler_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The same lock, shared: for a writer that changes one sheet only, after
/// which it must lock that sheet's row (`live_sheet_for_update`). Such writers
/// run side by side (a florist's edit no longer waits for another florist's),
/// and still never meet a writer of many sheets, which holds the lock alone.
/// They touch their own sheet's row and lines, and the day's bulk-price rows
/// only through `daily_items::ensure_for_day`, which inserts in key order, so
/// two of them cannot wait on each other in a circle.
pub async fn share_wholesaler_sheets(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
) -> QueryResult<()> {
    crate::statement::prepared(
        "SELECT pg_advisory_xact_lock_shared(hashtextextended('order-sheets', $1))",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn mark_price_updated(
    conn: &mut AsyncPgConnection,
    sheet_ids: &[i64],
) -> QueryResult<usize> {
    diesel::update(order_sheets::table.filter(order_sheets::id.eq_any(sheet_ids)))
        .set(order_sheets::price_updated_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
}

pub async fn live_sheets_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<OrderSheetRow>> {
    order_sheets::table
        .filter(order_sheets::id.eq_any(ids))
        .filter(order_sheets::deleted_at.is_null())
        .select(OrderSheetRow::as_select())
        .load(conn)
        .await
}

pub async fn live_sheet_for_update(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<OrderSheetRow>> {
    order_sheets::table
        .filter(order_sheets::id.eq(id))
        .filter(order_sheets::deleted_at.is_null())
        .for_update()
        .select(OrderSheetRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A party's live order sheets, optionally of one KST day, by creation time.
pub async fn sheets_page(
    conn: &mut AsyncPgConnection,
    party: Party,
    day: Option<(DateTime<Utc>, DateTime<Utc>)>,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<OrderSheetRow>> {
    scoped_page(
        conn,
        Scoped::OrderSheets,
        party,
        day,
        descending,
        offset,
        limit,
    )
    .await
}

/// A party's live order lines, optionally of one KST day, by creation time.
pub async fn items_page(
    conn: &mut AsyncPgConnection,
    party: Party,
    day: Option<(DateTime<Utc>, DateTime<Utc>)>,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<OrderItemRow>> {
    scoped_page(
        conn,
        Scoped::OrderItems,
        party,
        day,
        descending,
        offset,
        limit,
    )
    .await
}

/// The tables a party reads a page of.
#[derive(Debug, Clone, Copy)]
enum Scoped {
    OrderSheets,
    OrderItems,
}

impl Scoped {
    fn table(self) -> Table {
        match self {
            Scoped::OrderSheets => crate::columns::ORDER_SHEETS,
            Scoped::OrderItems => crate::columns::ORDER_ITEMS,
        }
    }
}

/// A page of `table` scoped to `party`, optionally of one KST day, by
/// creation time.
async fn scoped_page<T>(
    conn: &mut AsyncPgConnection,
    table: Scoped,
    party: Party,
    day: Option<(DateTime<Utc>, DateTime<Utc>)>,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<diesel::pg::Pg> + Send + 'static,
{
    let direction = if descending { "DESC" } else { "ASC" };
    let (retailer, wholesaler) = party.bind();
    let (from, to) = day.map_or((None, None), |(f, t)| (Some(f), Some(t)));
    let party_filter = party.filter();
    let day_filter = day_filter(day);
    let Table {
        name: table,
        columns,
    } = table.table();
    let sql = format!(
        "SELECT {columns} FROM {table} WHERE deleted_at IS NULL AND {party_filter} AND {day_filter} \
         ORDER BY created_at {direction}, id {direction} OFFSET $5 LIMIT $6"
    );
    crate::statement::prepared(sql)
        .bind::<Nullable<BigInt>, _>(retailer)
        .bind::<Nullable<BigInt>, _>(wholesaler)
        .bind::<Nullable<Timestamptz>, _>(from)
        .bind::<Nullable<Timestamptz>, _>(to)
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}

/// One page per sheet of a child table, every sheet in one statement.
pub async fn page_per_sheet<T>(
    conn: &mut AsyncPgConnection,
    table: ChildTable,
    sheet_ids: &[i64],
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<diesel::pg::Pg> + Send + 'static,
{
    let from = format!("{} c", table.table().name);
    let columns = table.table().qualified("c");
    ranked_per_sheet(conn, &columns, &from, sheet_ids, descending, offset, limit).await
}

/// Rows `columns` of `from` (whose child table is aliased `c`), numbered per
/// sheet by creation time, the [offset, offset + limit) window of each.
/// `columns` and `from` are fixed SQL from this module, never input.
async fn ranked_per_sheet<T>(
    conn: &mut AsyncPgConnection,
    columns: &str,
    from: &str,
    sheet_ids: &[i64],
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<diesel::pg::Pg> + Send + 'static,
{
    let direction = if descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT * FROM ( \
           SELECT {columns}, row_number() OVER ( \
             PARTITION BY c.order_sheet_id ORDER BY c.created_at {direction}, c.id {direction}) AS rn \
           FROM {from} WHERE c.order_sheet_id = ANY($1) AND c.deleted_at IS NULL \
         ) ranked WHERE rn > $2 AND rn <= $2 + $3 ORDER BY order_sheet_id, rn"
    );
    crate::statement::prepared(sql)
        .bind::<Array<BigInt>, _>(sheet_ids)
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChildTable {
    OrderItems,
    CustomOrderItems,
    Receipts,
}

impl ChildTable {
    fn table(self) -> Table {
        match self {
            ChildTable::OrderItems => crate::columns::ORDER_ITEMS,
            ChildTable::CustomOrderItems => crate::columns::CUSTOM_ORDER_ITEMS,
            ChildTable::Receipts => crate::columns::ORDER_SHEET_RECEIPTS,
        }
    }
}

/// The computed fields of a sheet (the original's rules, see OrderSheet).
#[derive(Debug, Clone, Default, PartialEq, Eq, QueryableByName)]
pub struct SheetTotals {
    #[diesel(sql_type = BigInt)]
    pub order_sheet_id: i64,
    #[diesel(sql_type = BigInt)]
    pub total_quantity: i64,
    #[diesel(sql_type = BigInt)]
    pub flower_type_count: i64,
    #[diesel(sql_type = BigInt)]
    pub total_price: i64,
    #[diesel(sql_type = BigInt)]
    pub receipt_count: i64,
}

/// What every answered sheet carries: its totals and its newest live receipt.
#[derive(Debug, Clone, QueryableByName)]
pub struct SheetSummary {
    #[diesel(embed)]
    pub totals: SheetTotals,
    #[diesel(sql_type = Nullable<BigInt>)]
    recent_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    recent_file_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    recent_file_path: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    recent_file_format: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    recent_metadata: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    recent_created_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    recent_updated_at: Option<DateTime<Utc>>,
}

impl SheetSummary {
    /// The totals and the newest live receipt, if the sheet has one.
    pub fn into_parts(self) -> (SheetTotals, Option<SheetReceiptRow>) {
        let recent = (|| {
            Some(SheetReceiptRow {
                id: self.recent_id?,
                order_sheet_id: self.totals.order_sheet_id,
                file_name: self.recent_file_name?,
                file_path: self.recent_file_path?,
                file_format: self.recent_file_format?,
                metadata: self.recent_metadata?,
                created_at: self.recent_created_at?,
                updated_at: self.recent_updated_at?,
                deleted_at: None,
            })
        })();
        (self.totals, recent)
    }
}

/// The summary's columns and joins, over sheets aliased `s`: the line
/// totals, then the receipts.
const SUMMARY_COLUMNS: &str = "\
           coalesce(oi.quantity, 0) + coalesce(ci.quantity, 0) AS total_quantity, \
           coalesce(oi.types, 0) + coalesce(ci.types, 0) AS flower_type_count, \
           coalesce(oi.price, 0) + coalesce(ci.price, 0) AS total_price";
const SUMMARY_JOINS: &str = "\
         LEFT JOIN LATERAL ( \
           SELECT sum(i.quantity)::bigint AS quantity, count(DISTINCT f.flower_type_id) AS types, \
                  sum(coalesce(i.price, 0))::bigint AS price \
           FROM order_items i JOIN flowers f ON f.id = i.flower_id \
           WHERE i.order_sheet_id = s.id AND i.deleted_at IS NULL) oi ON true \
         LEFT JOIN LATERAL ( \
           SELECT sum(coalesce(c.quantity, 0))::bigint AS quantity, \
                  count(DISTINCT c.flower_type_name) AS types, \
                  sum(coalesce(c.price, 0))::bigint AS price \
           FROM custom_order_items c \
           WHERE c.order_sheet_id = s.id AND c.deleted_at IS NULL) ci ON true";
const RECEIPT_COLUMNS: &str = "\
           coalesce(r.receipts, 0) AS receipt_count, \
           rr.id AS recent_id, rr.file_name AS recent_file_name, rr.file_path AS recent_file_path, \
           rr.file_format AS recent_file_format, rr.metadata AS recent_metadata, \
           rr.created_at AS recent_created_at, rr.updated_at AS recent_updated_at";
const RECEIPT_JOINS: &str = "\
         LEFT JOIN LATERAL ( \
           SELECT count(*) AS receipts FROM order_sheet_receipts r \
           WHERE r.order_sheet_id = s.id AND r.deleted_at IS NULL) r ON true \
         LEFT JOIN LATERAL ( \
           SELECT * FROM order_sheet_receipts r \
           WHERE r.order_sheet_id = s.id AND r.deleted_at IS NULL \
           ORDER BY r.created_at DESC, r.id DESC LIMIT 1) rr ON true";

/// The summary of each of `sheet_ids`, in one statement.
pub async fn summaries(
    conn: &mut AsyncPgConnection,
    sheet_ids: &[i64],
) -> QueryResult<Vec<SheetSummary>> {
    crate::statement::prepared(format!(
        "SELECT s.id AS order_sheet_id, {SUMMARY_COLUMNS}, {RECEIPT_COLUMNS} \
         FROM unnest($1::bigint[]) AS s(id) {SUMMARY_JOINS} {RECEIPT_JOINS}"
    ))
    .bind::<Array<BigInt>, _>(sheet_ids)
    .load(conn)
    .await
}

pub async fn receipt_by_id(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<SheetReceiptRow>> {
    order_sheet_receipts::table
        .filter(order_sheet_receipts::id.eq(id))
        .select(SheetReceiptRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn has_receipt(conn: &mut AsyncPgConnection, sheet_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        order_sheet_receipts::table
            .filter(order_sheet_receipts::order_sheet_id.eq(sheet_id))
            .filter(order_sheet_receipts::deleted_at.is_null()),
    ))
    .get_result(conn)
    .await
}

pub async fn live_items_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<OrderItemRow>> {
    order_items::table
        .filter(order_items::id.eq_any(ids))
        .filter(order_items::deleted_at.is_null())
        .select(OrderItemRow::as_select())
        .load(conn)
        .await
}

pub async fn live_items_of_sheet(
    conn: &mut AsyncPgConnection,
    sheet_id: i64,
) -> QueryResult<Vec<OrderItemRow>> {
    order_items::table
        .filter(order_items::order_sheet_id.eq(sheet_id))
        .filter(order_items::deleted_at.is_null())
        .order(order_items::id)
        .select(OrderItemRow::as_select())
        .load(conn)
        .await
}

/// Sets unit prices line by line; returns the updated lines.
pub async fn set_item_prices(
    conn: &mut AsyncPgConnection,
    prices: &[(i64, i32)],
) -> QueryResult<Vec<OrderItemRow>> {
    let (ids, values): (Vec<i64>, Vec<i32>) = prices.iter().copied().unzip();
    let returning = crate::columns::ORDER_ITEMS.qualified("i");
    crate::statement::prepared(format!(
        "UPDATE order_items i SET price = p.price FROM unnest($1::bigint[], $2::int[]) AS p(id, price) \
         WHERE i.id = p.id AND i.deleted_at IS NULL RETURNING {returning}"
    ))
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<diesel::sql_types::Integer>, _>(&values)
    .load(conn)
    .await
}

/// Soft-deletes a sheet with its lines, custom lines and receipts, and the
/// day's bulk-price rows no other live line of that wholesaler still uses.
pub async fn remove_sheet(conn: &mut AsyncPgConnection, sheet: &OrderSheetRow) -> QueryResult<()> {
    crate::statement::prepared(
        "UPDATE daily_order_items d SET deleted_at = now() \
         FROM order_items i \
         WHERE i.order_sheet_id = $1 AND i.deleted_at IS NULL AND d.deleted_at IS NULL \
           AND d.wholesaler_id = i.wholesaler_id AND d.flower_id = i.flower_id AND d.grade = i.grade \
           AND d.order_date = (i.created_at AT TIME ZONE 'Asia/Seoul')::date \
           AND NOT EXISTS ( \
             SELECT 1 FROM order_items o \
             WHERE o.order_sheet_id <> $1 AND o.deleted_at IS NULL \
               AND o.wholesaler_id = d.wholesaler_id AND o.flower_id = d.flower_id AND o.grade = d.grade \
               AND o.created_at >= (d.order_date::timestamp AT TIME ZONE 'Asia/Seoul') \
               AND o.created_at < ((d.order_date + 1)::timestamp AT TIME ZONE 'Asia/Seoul'))",
    )
    .bind::<BigInt, _>(sheet.id)
    .execute(conn)
    .await?;
    for table in ["order_items", "custom_order_items", "order_sheet_receipts"] {
        crate::statement::prepared(format!(
            "UPDATE {table} SET deleted_at = now() WHERE order_sheet_id = $1 AND deleted_at IS NULL"
        ))
        .bind::<BigInt, _>(sheet.id)
        .execute(conn)
        .await?;
    }
    diesel::update(order_sheets::table.filter(order_sheets::id.eq(sheet.id)))
        .set(order_sheets::deleted_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(())
}

/// One row of the wholesaler's daily dashboard.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayAggregate {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub flower_types_count: i64,
    #[diesel(sql_type = BigInt)]
    pub order_sheets_count: i64,
}

/// Per KST day in [from, to]: distinct sheets that have a live line (of a live
/// flower) and, when `with_receipt_only`, a live receipt; distinct flower types.
#[allow(clippy::too_many_arguments)]
pub async fn day_aggregates(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    with_receipt_only: bool,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<DayAggregate>> {
    let direction = if descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT (s.created_at AT TIME ZONE 'Asia/Seoul')::date AS day, \
                count(DISTINCT f.flower_type_id) AS flower_types_count, \
                count(DISTINCT s.id) AS order_sheets_count \
         FROM order_sheets s \
         JOIN order_items i ON i.order_sheet_id = s.id AND i.deleted_at IS NULL \
         JOIN flowers f ON f.id = i.flower_id AND f.deleted_at IS NULL \
         WHERE s.wholesaler_id = $1 AND s.deleted_at IS NULL \
           AND s.created_at >= ($2::date::timestamp AT TIME ZONE 'Asia/Seoul') \
           AND s.created_at < (($3::date + 1)::timestamp AT TIME ZONE 'Asia/Seoul') \
           AND (NOT $4 OR EXISTS (SELECT 1 FROM order_sheet_receipts r \
                                  WHERE r.order_sheet_id = s.id AND r.deleted_at IS NULL)) \
         GROUP BY 1 ORDER BY 1 {direction} OFFSET $5 LIMIT $6"
    );
    crate::statement::prepared(sql)
        .bind::<BigInt, _>(wholesaler_id)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .bind::<diesel::sql_types::Bool, _>(with_receipt_only)
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}

/// The sheets among `sheet_ids` that have a live line without a price.
pub async fn sheets_with_unpriced_lines(
    conn: &mut AsyncPgConnection,
    sheet_ids: &[i64],
) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Sheet {
        #[diesel(sql_type = BigInt)]
        order_sheet_id: i64,
    }
    let rows: Vec<Sheet> = crate::statement::prepared(
        "SELECT DISTINCT order_sheet_id FROM order_items \
         WHERE order_sheet_id = ANY($1) AND deleted_at IS NULL AND price IS NULL",
    )
    .bind::<Array<BigInt>, _>(sheet_ids)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.order_sheet_id).collect())
}
