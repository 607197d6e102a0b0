//! 판매가 일괄적용: one bulk price per (wholesaler, flower, grade, KST day),
//! propagated to that day's matching order lines.

use crate::schema::daily_order_items;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = daily_order_items)]
pub struct DailyItemRow {
    pub id: i64,
    pub wholesaler_id: i64,
    pub flower_id: i64,
    pub grade: String,
    pub price: Option<i32>,
    pub order_date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Makes sure the day has a row for every (flower, grade) just ordered;
/// concurrent orders of the same key are absorbed by the unique index. Keys
/// are inserted in order, so writers sharing the wholesaler's sheet lock that
/// insert overlapping keys wait for each other in one direction only.
pub async fn ensure_for_day(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    keys: &[(i64, String)],
    order_date: NaiveDate,
) -> QueryResult<usize> {
    if keys.is_empty() {
        return Ok(0);
    }
    let (flower_ids, grades): (Vec<i64>, Vec<String>) = keys.iter().cloned().unzip();
    crate::statement::prepared(
        "INSERT INTO daily_order_items (wholesaler_id, flower_id, grade, order_date) \
         SELECT DISTINCT $1::bigint, k.flower_id, k.grade, $4::date \
         FROM unnest($2::bigint[], $3::text[]) AS k(flower_id, grade) \
         ORDER BY 2, 3 \
         ON CONFLICT (wholesaler_id, flower_id, grade, order_date) WHERE deleted_at IS NULL DO NOTHING",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Array<BigInt>, _>(&flower_ids)
    .bind::<Array<Text>, _>(&grades)
    .bind::<Date, _>(order_date)
    .execute(conn)
    .await
}

/// Soft-deletes the day's bulk-price rows of `keys` that no live line of
/// the wholesaler on that day (by the line's own KST day, as pricing matches
/// them) uses any more: what an edit that removed lines or changed a grade
/// left behind. The caller holds the wholesaler's sheet lock alone, so no
/// other writer is adding a line of such a key meanwhile.
pub async fn prune_unused(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    keys: &[(i64, String)],
    order_date: NaiveDate,
) -> QueryResult<usize> {
    if keys.is_empty() {
        return Ok(0);
    }
    let (flower_ids, grades): (Vec<i64>, Vec<String>) = keys.iter().cloned().unzip();
    crate::statement::prepared(
        "UPDATE daily_order_items d SET deleted_at = now() \
         FROM unnest($2::bigint[], $3::text[]) AS k(flower_id, grade) \
         WHERE d.wholesaler_id = $1 AND d.order_date = $4 AND d.deleted_at IS NULL \
           AND d.flower_id = k.flower_id AND d.grade = k.grade \
           AND NOT EXISTS ( \
             SELECT 1 FROM order_items o \
             WHERE o.deleted_at IS NULL AND o.wholesaler_id = d.wholesaler_id \
               AND o.flower_id = d.flower_id AND o.grade = d.grade \
               AND o.created_at >= (d.order_date::timestamp AT TIME ZONE 'Asia/Seoul') \
               AND o.created_at < ((d.order_date + 1)::timestamp AT TIME ZONE 'Asia/Seoul'))",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Array<BigInt>, _>(&flower_ids)
    .bind::<Array<Text>, _>(&grades)
    .bind::<Date, _>(order_date)
    .execute(conn)
    .await
}

/// A wholesaler's live rows, optionally within [from, to] (KST days).
pub async fn page(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    range: Option<(NaiveDate, NaiveDate)>,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<DailyItemRow>> {
    let direction = if descending { "DESC" } else { "ASC" };
    let (from, to) = range.map_or((None, None), |(f, t)| (Some(f), Some(t)));
    let columns = crate::columns::DAILY_ORDER_ITEMS.columns;
    // Spelled out per case, never `$2 IS NULL OR …` (see `catalogue::search_filters`).
    let days = if range.is_some() {
        "order_date BETWEEN $2 AND $3"
    } else {
        "$2::date IS NULL AND $3::date IS NULL"
    };
    crate::statement::prepared(format!(
        "SELECT {columns} FROM daily_order_items WHERE wholesaler_id = $1 AND deleted_at IS NULL \
           AND {days} \
         ORDER BY created_at {direction}, id {direction} OFFSET $4 LIMIT $5"
    ))
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Nullable<Date>, _>(from)
    .bind::<Nullable<Date>, _>(to)
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

pub async fn live_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<DailyItemRow>> {
    daily_order_items::table
        .filter(daily_order_items::id.eq_any(ids))
        .filter(daily_order_items::deleted_at.is_null())
        .select(DailyItemRow::as_select())
        .load(conn)
        .await
}

/// An order line a bulk price reached: its price before and after.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct PricedLine {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub order_sheet_id: i64,
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<Integer>)]
    pub before: Option<i32>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Integer>)]
    pub after: Option<i32>,
}

impl PricedLine {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// Sets the bulk prices and the same price on every live line of that
/// wholesaler, flower, grade and day; returns the lines it reached, with
/// their prices before (for the audit timeline) and after.
pub async fn set_prices(
    conn: &mut AsyncPgConnection,
    prices: &[(i64, i32)],
) -> QueryResult<(Vec<DailyItemRow>, Vec<PricedLine>)> {
    let (ids, values): (Vec<i64>, Vec<i32>) = prices.iter().copied().unzip();
    let returning = crate::columns::DAILY_ORDER_ITEMS.qualified("d");
    let rows: Vec<DailyItemRow> = crate::statement::prepared(format!(
        "UPDATE daily_order_items d SET price = p.price \
         FROM unnest($1::bigint[], $2::int[]) AS p(id, price) \
         WHERE d.id = p.id AND d.deleted_at IS NULL RETURNING {returning}"
    ))
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<Integer>, _>(&values)
    .load(conn)
    .await?;
    // `o` is the line as the statement found it: its price before.
    let lines: Vec<PricedLine> = crate::statement::prepared(
        "UPDATE order_items i SET price = d.price FROM daily_order_items d, order_items o \
         WHERE d.id = ANY($1) AND d.deleted_at IS NULL AND i.deleted_at IS NULL AND o.id = i.id \
           AND i.wholesaler_id = d.wholesaler_id AND i.flower_id = d.flower_id AND i.grade = d.grade \
           AND i.created_at >= (d.order_date::timestamp AT TIME ZONE 'Asia/Seoul') \
           AND i.created_at < ((d.order_date + 1)::timestamp AT TIME ZONE 'Asia/Seoul') \
         RETURNING i.id, i.order_sheet_id, i.retailer_id, i.wholesaler_id, o.price AS before, \
           i.price AS after",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .load(conn)
    .await?;
    Ok((rows, lines))
}
