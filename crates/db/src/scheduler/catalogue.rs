//! One auction day of one category into the catalogue, in four set-based
//! statements (raw rows, types, flowers, bidding days). The caller runs them
//! inside its transaction, so a failed run leaves the previous state intact.
//!
//! Re-running a day is a no-op: raw rows are upserted on their natural key and
//! only rewritten when a value changed (so `updated_at` stays put), and the
//! other three tables are insert-if-absent on their partial unique indexes.

use super::Count;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{Array, BigInt, Date, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::collections::BTreeSet;

/// One validated aT item (kind f001): a (sale date, 품목, 품종, 등급) aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub sale_date: NaiveDate,
    /// 품목 (`pumName`), e.g. 장미: the flower type.
    pub flower_type: String,
    /// 품종 (`goodName`), e.g. 블론디: the flower.
    pub flower_name: String,
    /// aT's grade name (`lvNm`, 특1 …), kept raw.
    pub grade: String,
    pub quantity: i64,
    pub max_price: i64,
    pub min_price: i64,
    pub avg_price: i64,
    pub total_price: i64,
}

/// What one ingest changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestCounts {
    pub raw_inserted: i64,
    pub raw_updated: i64,
    pub new_flower_types: i64,
    pub new_flowers: i64,
    pub bidding_dates_added: i64,
    /// Distinct flowers (type, name) in the day's data.
    pub flowers_seen: i64,
}

/// The instant stored in `bidding_flowers.bidding_date` for a sale day: its
/// 00:00 in Seoul, so `DATE(bidding_date)` in KST is the auction day.
pub fn bidding_instant(sale_date: NaiveDate) -> DateTime<Utc> {
    domain::kst_day_bounds(sale_date).0
}

#[derive(diesel::QueryableByName)]
struct Upserted {
    #[diesel(sql_type = BigInt)]
    inserted: i64,
    #[diesel(sql_type = BigInt)]
    updated: i64,
}

/// Writes `rows` (one category; keys must be unique within the batch).
pub async fn ingest(
    conn: &mut AsyncPgConnection,
    flower_gubn: i16,
    rows: &[FeedRow],
) -> diesel::QueryResult<IngestCounts> {
    if rows.is_empty() {
        return Ok(IngestCounts::default());
    }
    let raw = upsert_raw_rows(conn, flower_gubn, rows).await?;

    let types: Vec<String> = rows
        .iter()
        .map(|r| r.flower_type.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let new_flower_types = crate::statement::prepared(
        "WITH ins AS ( \
           INSERT INTO flower_types (name) \
           SELECT t.name FROM unnest($1::text[]) AS t(name) ORDER BY t.name \
           ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING \
           RETURNING 1) \
         SELECT count(*) AS n FROM ins",
    )
    .bind::<Array<Text>, _>(&types)
    .get_result::<Count>(conn)
    .await?
    .n;

    let pairs: BTreeSet<(&str, &str)> = rows
        .iter()
        .map(|r| (r.flower_type.as_str(), r.flower_name.as_str()))
        .collect();
    let (pair_types, pair_names): (Vec<&str>, Vec<&str>) = pairs.iter().copied().unzip();
    let new_flowers = crate::statement::prepared(
        "WITH ins AS ( \
           INSERT INTO flowers (name, flower_type_id) \
           SELECT i.name, ft.id \
             FROM unnest($1::text[], $2::text[]) AS i(type_name, name) \
             JOIN flower_types ft ON ft.name = i.type_name AND ft.deleted_at IS NULL \
            ORDER BY i.type_name, i.name \
           ON CONFLICT (flower_type_id, name) WHERE deleted_at IS NULL DO NOTHING \
           RETURNING 1) \
         SELECT count(*) AS n FROM ins",
    )
    .bind::<Array<Text>, _>(&pair_types)
    .bind::<Array<Text>, _>(&pair_names)
    .get_result::<Count>(conn)
    .await?
    .n;

    let days: BTreeSet<(&str, &str, DateTime<Utc>)> = rows
        .iter()
        .map(|r| {
            (
                r.flower_type.as_str(),
                r.flower_name.as_str(),
                bidding_instant(r.sale_date),
            )
        })
        .collect();
    let mut day_types = Vec::with_capacity(days.len());
    let mut day_names = Vec::with_capacity(days.len());
    let mut day_instants = Vec::with_capacity(days.len());
    for (t, n, d) in days {
        day_types.push(t);
        day_names.push(n);
        day_instants.push(d);
    }
    let bidding_dates_added = crate::statement::prepared(
        "WITH ins AS ( \
           INSERT INTO bidding_flowers (flower_id, bidding_date) \
           SELECT f.id, i.bidding_date \
             FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS i(type_name, name, bidding_date) \
             JOIN flower_types ft ON ft.name = i.type_name AND ft.deleted_at IS NULL \
             JOIN flowers f ON f.flower_type_id = ft.id AND f.name = i.name AND f.deleted_at IS NULL \
            ORDER BY f.id, i.bidding_date \
           ON CONFLICT (flower_id, bidding_date) WHERE deleted_at IS NULL DO NOTHING \
           RETURNING 1) \
         SELECT count(*) AS n FROM ins",
    )
    .bind::<Array<Text>, _>(&day_types)
    .bind::<Array<Text>, _>(&day_names)
    .bind::<Array<Timestamptz>, _>(&day_instants)
    .get_result::<Count>(conn)
    .await?
    .n;

    Ok(IngestCounts {
        raw_inserted: raw.inserted,
        raw_updated: raw.updated,
        new_flower_types,
        new_flowers,
        bidding_dates_added,
        flowers_seen: i64::try_from(pairs.len()).unwrap_or(i64::MAX),
    })
}

/// Upserts the raw rows; a row whose values are unchanged is not touched.
async fn upsert_raw_rows(
    conn: &mut AsyncPgConnection,
    flower_gubn: i16,
    rows: &[FeedRow],
) -> diesel::QueryResult<Upserted> {
    let sale_dates: Vec<NaiveDate> = rows.iter().map(|r| r.sale_date).collect();
    let bid_dates: Vec<DateTime<Utc>> = rows.iter().map(|r| bidding_instant(r.sale_date)).collect();
    let types: Vec<&str> = rows.iter().map(|r| r.flower_type.as_str()).collect();
    let names: Vec<&str> = rows.iter().map(|r| r.flower_name.as_str()).collect();
    let grades: Vec<&str> = rows.iter().map(|r| r.grade.as_str()).collect();
    let column = |f: fn(&FeedRow) -> i64| rows.iter().map(f).collect::<Vec<i64>>();
    crate::statement::prepared(
        "WITH up AS ( \
           INSERT INTO public_bidding_flowers AS p \
             (sale_date, flower_gubn, flower_type, flower_name, grade, \
              quantity, max_price, min_price, avg_price, total_price, bid_date) \
           SELECT i.sale_date, $11, i.flower_type, i.flower_name, i.grade, \
                  i.quantity, i.max_price, i.min_price, i.avg_price, i.total_price, i.bid_date \
             FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::int8[], \
                         $6::int8[], $7::int8[], $8::int8[], $9::int8[], $10::timestamptz[]) \
                  AS i(sale_date, flower_type, flower_name, grade, quantity, \
                       max_price, min_price, avg_price, total_price, bid_date) \
           ON CONFLICT (sale_date, flower_gubn, flower_type, flower_name, grade) DO UPDATE SET \
             quantity = EXCLUDED.quantity, max_price = EXCLUDED.max_price, \
             min_price = EXCLUDED.min_price, avg_price = EXCLUDED.avg_price, \
             total_price = EXCLUDED.total_price, bid_date = EXCLUDED.bid_date, deleted_at = NULL \
           WHERE (p.quantity, p.max_price, p.min_price, p.avg_price, p.total_price, p.bid_date, p.deleted_at) \
                 IS DISTINCT FROM \
                 (EXCLUDED.quantity, EXCLUDED.max_price, EXCLUDED.min_price, EXCLUDED.avg_price, \
                  EXCLUDED.total_price, EXCLUDED.bid_date, NULL::timestamptz) \
           RETURNING (xmax = 0) AS inserted) \
         SELECT count(*) FILTER (WHERE inserted) AS inserted, \
                count(*) FILTER (WHERE NOT inserted) AS updated \
           FROM up",
    )
    .bind::<Array<Date>, _>(&sale_dates)
    .bind::<Array<Text>, _>(&types)
    .bind::<Array<Text>, _>(&names)
    .bind::<Array<Text>, _>(&grades)
    .bind::<Array<BigInt>, _>(column(|r| r.quantity))
    .bind::<Array<BigInt>, _>(column(|r| r.max_price))
    .bind::<Array<BigInt>, _>(column(|r| r.min_price))
    .bind::<Array<BigInt>, _>(column(|r| r.avg_price))
    .bind::<Array<BigInt>, _>(column(|r| r.total_price))
    .bind::<Array<Timestamptz>, _>(&bid_dates)
    .bind::<SmallInt, _>(flower_gubn)
    .get_result(conn)
    .await
}
