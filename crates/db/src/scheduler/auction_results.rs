//! A wholesaler's own auction purchase lines (`auction_results`), uploaded
//! through the scheduler. A line is identified by (wholesaler, auction date,
//! serial code) — the live partial unique index — so uploading a file twice
//! changes nothing, and a corrected line updates the source columns only:
//! the wholesaler's `retail_price` and `is_sold_out` are core's and stay.

use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One validated purchase line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuctionLine {
    pub flower_name: String,
    pub flower_type_name: String,
    pub flower_grade: String,
    pub box_count: i32,
    pub flower_count: i32,
    pub price: i32,
    pub total_price: i32,
    pub serial_code: String,
    pub shipper: Option<String>,
    /// `YYYYMMDD`.
    pub auction_date: i32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, diesel::QueryableByName)]
pub struct UpsertCounts {
    #[diesel(sql_type = BigInt)]
    pub inserted: i64,
    #[diesel(sql_type = BigInt)]
    pub updated: i64,
}

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
    crate::statement::prepared(
        "WITH up AS ( \
           INSERT INTO auction_results AS a \
             (wholesaler_id, flower_name, flower_type_name, flower_grade, box_count, flower_count, \
              price, total_price, serial_code, shipper, auction_date) \
           SELECT $1, i.* \
             FROM unnest($2::text[], $3::text[], $4::text[], $5::int4[], $6::int4[], $7::int4[], \
                         $8::int4[], $9::text[], $10::text[], $11::int4[]) \
                  AS i(flower_name, flower_type_name, flower_grade, box_count, flower_count, \
                       price, total_price, serial_code, shipper, auction_date) \
           ON CONFLICT (wholesaler_id, auction_date, serial_code) WHERE deleted_at IS NULL \
           DO UPDATE SET \
             flower_name = EXCLUDED.flower_name, flower_type_name = EXCLUDED.flower_type_name, \
             flower_grade = EXCLUDED.flower_grade, box_count = EXCLUDED.box_count, \
             flower_count = EXCLUDED.flower_count, price = EXCLUDED.price, \
             total_price = EXCLUDED.total_price, shipper = EXCLUDED.shipper \
           WHERE (a.flower_name, a.flower_type_name, a.flower_grade, a.box_count, a.flower_count, \
                  a.price, a.total_price, a.shipper) \
                 IS DISTINCT FROM \
                 (EXCLUDED.flower_name, EXCLUDED.flower_type_name, EXCLUDED.flower_grade, \
                  EXCLUDED.box_count, EXCLUDED.flower_count, EXCLUDED.price, \
                  EXCLUDED.total_price, EXCLUDED.shipper) \
           RETURNING (xmax = 0) AS inserted) \
         SELECT count(*) FILTER (WHERE inserted) AS inserted, \
                count(*) FILTER (WHERE NOT inserted) AS updated \
           FROM up",
    )
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
