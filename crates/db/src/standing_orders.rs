//! Standing orders: a florist's weekly order with one wholesaler, its lines,
//! and one run row per occurrence that came due (`standing_order_runs`,
//! whose primary key makes each occurrence happen once).

use crate::statement::prepared;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{
    Array, BigInt, Bool, Date, Integer, Nullable, SmallInt, Text, Timestamptz,
};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct StandingOrderRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = Array<SmallInt>)]
    pub weekdays: Vec<i16>,
    #[diesel(sql_type = Date)]
    pub starts_on: NaiveDate,
    #[diesel(sql_type = Bool)]
    pub paused: bool,
    #[diesel(sql_type = Nullable<Date>)]
    pub skip_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    pub memo: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct StandingLineRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub standing_order_id: i64,
    #[diesel(sql_type = BigInt)]
    pub flower_id: i64,
    #[diesel(sql_type = Integer)]
    pub quantity: i32,
    #[diesel(sql_type = Text)]
    pub grade: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub memo: Option<String>,
}

const ORDER_COLUMNS: &str =
    "id, retailer_id, wholesaler_id, weekdays, starts_on, paused, skip_on, memo, created_at";

pub struct NewStandingOrder<'a> {
    pub retailer_id: i64,
    pub wholesaler_id: i64,
    pub weekdays: &'a [i16],
    pub starts_on: NaiveDate,
    pub memo: Option<&'a str>,
}

/// A line to keep: (flower, quantity, grade as stored, memo).
pub type NewStandingLine = (i64, i32, String, Option<String>);

pub async fn insert(
    conn: &mut AsyncPgConnection,
    order: &NewStandingOrder<'_>,
    lines: &[NewStandingLine],
) -> diesel::QueryResult<StandingOrderRow> {
    let row: StandingOrderRow = prepared(format!(
        "INSERT INTO standing_orders (retailer_id, wholesaler_id, weekdays, starts_on, memo) \
         VALUES ($1, $2, $3, $4, $5) RETURNING {ORDER_COLUMNS}"
    ))
    .bind::<BigInt, _>(order.retailer_id)
    .bind::<BigInt, _>(order.wholesaler_id)
    .bind::<Array<SmallInt>, _>(order.weekdays)
    .bind::<Date, _>(order.starts_on)
    .bind::<Nullable<Text>, _>(order.memo)
    .get_result(conn)
    .await?;
    let flowers: Vec<i64> = lines.iter().map(|l| l.0).collect();
    let quantities: Vec<i32> = lines.iter().map(|l| l.1).collect();
    let grades: Vec<String> = lines.iter().map(|l| l.2.clone()).collect();
    let memos: Vec<Option<String>> = lines.iter().map(|l| l.3.clone()).collect();
    prepared(
        "INSERT INTO standing_order_lines (standing_order_id, flower_id, quantity, grade, memo) \
         SELECT $1, l.flower_id, l.quantity, l.grade, l.memo \
         FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[]) WITH ORDINALITY \
           AS l(flower_id, quantity, grade, memo, n) ORDER BY l.n",
    )
    .bind::<BigInt, _>(row.id)
    .bind::<Array<BigInt>, _>(&flowers)
    .bind::<Array<Integer>, _>(&quantities)
    .bind::<Array<Text>, _>(&grades)
    .bind::<Array<Nullable<Text>>, _>(&memos)
    .execute(conn)
    .await?;
    Ok(row)
}

/// A live standing order, locked when `for_update`.
pub async fn live(
    conn: &mut AsyncPgConnection,
    id: i64,
    for_update: bool,
) -> diesel::QueryResult<Option<StandingOrderRow>> {
    let lock = if for_update { " FOR UPDATE" } else { "" };
    prepared(format!(
        "SELECT {ORDER_COLUMNS} FROM standing_orders WHERE id = $1 AND deleted_at IS NULL{lock}"
    ))
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .optional()
}

pub async fn of_retailer(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
) -> diesel::QueryResult<Vec<StandingOrderRow>> {
    prepared(format!(
        "SELECT {ORDER_COLUMNS} FROM standing_orders WHERE retailer_id = $1 AND deleted_at IS NULL \
         ORDER BY id LIMIT 100"
    ))
    .bind::<BigInt, _>(retailer_id)
    .load(conn)
    .await
}

/// Every live, unpaused standing order (the runner's list each minute).
pub async fn active(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<StandingOrderRow>> {
    prepared(format!(
        "SELECT {ORDER_COLUMNS} FROM standing_orders WHERE deleted_at IS NULL AND NOT paused ORDER BY id"
    ))
    .load(conn)
    .await
}

pub async fn lines_of(
    conn: &mut AsyncPgConnection,
    order_ids: &[i64],
) -> diesel::QueryResult<Vec<StandingLineRow>> {
    prepared(
        "SELECT id, standing_order_id, flower_id, quantity, grade, memo FROM standing_order_lines \
         WHERE standing_order_id = ANY($1) ORDER BY id",
    )
    .bind::<Array<BigInt>, _>(order_ids)
    .load(conn)
    .await
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    row: &StandingOrderRow,
) -> diesel::QueryResult<StandingOrderRow> {
    prepared(format!(
        "UPDATE standing_orders SET weekdays = $2, paused = $3, skip_on = $4, memo = $5 \
         WHERE id = $1 RETURNING {ORDER_COLUMNS}"
    ))
    .bind::<BigInt, _>(row.id)
    .bind::<Array<SmallInt>, _>(&row.weekdays)
    .bind::<Bool, _>(row.paused)
    .bind::<Nullable<Date>, _>(row.skip_on)
    .bind::<Nullable<Text>, _>(row.memo.as_deref())
    .get_result(conn)
    .await
}

pub async fn remove(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<()> {
    prepared("UPDATE standing_orders SET deleted_at = now() WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await
        .map(drop)
}

/// Claims an occurrence: true for the one caller that inserted its run row
/// (others wait for that transaction and then find it taken).
pub async fn claim(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    occurrence_on: NaiveDate,
) -> diesel::QueryResult<bool> {
    let claimed = prepared(
        "INSERT INTO standing_order_runs (standing_order_id, occurrence_on, outcome) \
         VALUES ($1, $2, 'RUNNING') ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(order_id)
    .bind::<Date, _>(occurrence_on)
    .execute(conn)
    .await?;
    Ok(claimed == 1)
}

pub async fn finish(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    occurrence_on: NaiveDate,
    sheet_id: Option<i64>,
    outcome: &str,
) -> diesel::QueryResult<()> {
    prepared(
        "UPDATE standing_order_runs SET order_sheet_id = $3, outcome = $4 \
         WHERE standing_order_id = $1 AND occurrence_on = $2",
    )
    .bind::<BigInt, _>(order_id)
    .bind::<Date, _>(occurrence_on)
    .bind::<Nullable<BigInt>, _>(sheet_id)
    .bind::<Text, _>(outcome)
    .execute(conn)
    .await
    .map(drop)
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct RunRow {
    #[diesel(sql_type = BigInt)]
    pub standing_order_id: i64,
    #[diesel(sql_type = Date)]
    pub occurrence_on: NaiveDate,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub order_sheet_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub outcome: String,
}

/// The latest runs of these standing orders (ten each at most).
pub async fn runs_of(
    conn: &mut AsyncPgConnection,
    order_ids: &[i64],
) -> diesel::QueryResult<Vec<RunRow>> {
    prepared(
        "SELECT standing_order_id, occurrence_on, order_sheet_id, outcome FROM ( \
           SELECT r.*, row_number() OVER (PARTITION BY standing_order_id ORDER BY occurrence_on DESC) AS n \
           FROM standing_order_runs r WHERE standing_order_id = ANY($1)) x \
         WHERE n <= 10 ORDER BY standing_order_id, occurrence_on DESC",
    )
    .bind::<Array<BigInt>, _>(order_ids)
    .load(conn)
    .await
}
