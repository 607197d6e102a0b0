//! A wholesaler's own auction purchase lines (`auction_results`), uploaded
//! through the scheduler. A line is identified by (wholesaler, auction date,
//! serial code) — the live partial unique index — so uploading a file twice
//! changes nothing, and a corrected line updates the source columns only:
//! the wholesaler's `retail_price` and `is_sold_out` are core's and stay.

use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::sync::LazyLock;

crate::auctions::with_auction_line! {
    /// One validated purchase line.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AuctionLine {}
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, diesel::QueryableByName)]
pub struct UpsertCounts {
    #[diesel(sql_type = BigInt)]
    pub inserted: i64,
    #[diesel(sql_type = BigInt)]
    pub updated: i64,
}

/// A line's columns, in the order of binds `$2`…`$11`.
const LINE_COLUMNS: &str = "flower_name, flower_type_name, flower_grade, box_count, \
                            flower_count, price, total_price, serial_code, shipper, auction_date";

/// What a corrected line changes: every column but its key (auction date,
/// serial code).
const CORRECTABLE: [&str; 8] = [
    "flower_name",
    "flower_type_name",
    "flower_grade",
    "box_count",
    "flower_count",
    "price",
    "total_price",
    "shipper",
];

/// Built once: its text is the key of the connection's statement cache.
static UPSERT: LazyLock<String> = LazyLock::new(|| {
    let each = |pattern: fn(&str) -> String| CORRECTABLE.map(pattern).join(", ");
    let set = each(|c| format!("{c} = EXCLUDED.{c}"));
    let stored = each(|c| format!("a.{c}"));
    let uploaded = each(|c| format!("EXCLUDED.{c}"));
    format!(
        "WITH up AS ( \
           INSERT INTO auction_results AS a (wholesaler_id, {LINE_COLUMNS}) \
           SELECT $1, i.* \
             FROM unnest($2::text[], $3::text[], $4::text[], $5::int4[], $6::int4[], $7::int4[], \
                         $8::int4[], $9::text[], $10::text[], $11::int4[]) AS i({LINE_COLUMNS}) \
           ON CONFLICT (wholesaler_id, auction_date, serial_code) WHERE deleted_at IS NULL \
           DO UPDATE SET {set} \
           WHERE ({stored}) IS DISTINCT FROM ({uploaded}) \
           RETURNING (xmax = 0) AS inserted) \
         SELECT count(*) FILTER (WHERE inserted) AS inserted, \
                count(*) FILTER (WHERE NOT inserted) AS updated \
           FROM up"
    )
});

/// Upserts `lines` for `wholesaler_id` in one statement; keys (auction date,
/// serial code) must be unique within `lines`.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    lines: &[AuctionLine],
) -> diesel::QueryResult<UpsertCounts> {
    if lines.is_empty() {
        return Ok(UpsertCounts::default());
    }
    let text = |f: fn(&AuctionLine) -> &str| lines.iter().map(f).collect::<Vec<&str>>();
    let int = |f: fn(&AuctionLine) -> i32| lines.iter().map(f).collect::<Vec<i32>>();
    let shippers: Vec<Option<&str>> = lines.iter().map(|l| l.shipper.as_deref()).collect();
    crate::statement::prepared(UPSERT.as_str())
        .bind::<BigInt, _>(wholesaler_id)
        .bind::<Array<Text>, _>(text(|l| &l.flower_name))
        .bind::<Array<Text>, _>(text(|l| &l.flower_type_name))
        .bind::<Array<Text>, _>(text(|l| &l.flower_grade))
        .bind::<Array<Integer>, _>(int(|l| l.box_count))
        .bind::<Array<Integer>, _>(int(|l| l.flower_count))
        .bind::<Array<Integer>, _>(int(|l| l.price))
        .bind::<Array<Integer>, _>(int(|l| l.total_price))
        .bind::<Array<Text>, _>(text(|l| &l.serial_code))
        .bind::<Array<Nullable<Text>>, _>(shippers)
        .bind::<Array<Integer>, _>(int(|l| l.auction_date))
        .get_result(conn)
        .await
}
