//! The auction price board (`auction_price_board`, see its migration): the
//! public aT auction rows summed up per sale day, 품목, 품종 and aT grade,
//! with the week-before figure, the 8-week normal band and the trend. The
//! scheduler refreshes it in its sync transaction; core reads it.
//!
//! Every read is bounded by its caller's arguments (one day, a date range,
//! a page): the statements below only ever walk an index range.

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One board row with its grade's mapping (`auction_grade_map`).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct BoardRow {
    #[diesel(sql_type = Date)]
    pub sale_date: NaiveDate,
    #[diesel(sql_type = Text)]
    pub flower_type: String,
    #[diesel(sql_type = Text)]
    pub flower_name: String,
    /// aT's grade as sent (특1, 상, 보2, …).
    #[diesel(sql_type = Text)]
    pub grade: String,
    /// 상/중/하, or None when the grade is not in `auction_grade_map` (or maps to NULL).
    #[diesel(sql_type = Nullable<Text>)]
    pub order_grade: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
    #[diesel(sql_type = BigInt)]
    pub min_price: i64,
    #[diesel(sql_type = BigInt)]
    pub avg_price: i64,
    #[diesel(sql_type = BigInt)]
    pub max_price: i64,
    #[diesel(sql_type = BigInt)]
    pub total_price: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub prev_week_avg_price: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub band_low: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub band_high: Option<i64>,
    #[diesel(sql_type = Integer)]
    pub history_days: i32,
    /// RISING, FALLING, NORMAL or NEW.
    #[diesel(sql_type = Text)]
    pub trend: String,
}

/// The columns of a [`BoardRow`] over `auction_price_board b` left-joined to
/// `auction_grade_map m`.
const BOARD_COLUMNS: &str = "b.sale_date, b.flower_type::text AS flower_type, \
    b.flower_name::text AS flower_name, b.grade::text AS grade, \
    m.order_grade::text AS order_grade, b.quantity, b.min_price, b.avg_price, b.max_price, \
    b.total_price, b.prev_week_avg_price, b.band_low, b.band_high, b.history_days, \
    b.trend::text AS trend";

/// The board order within a variety: mapped grades by their rank, unmapped last.
const GRADE_ORDER: &str = "coalesce(m.rank, 32767), b.grade";

/// Rebuilds the board rows of the sale days in `[from, to]` (see the SQL
/// function `refresh_auction_price_board`); answers the rows written. Run it
/// in the transaction that changed the raw rows.
pub async fn refresh(
    conn: &mut AsyncPgConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> diesel::QueryResult<i64> {
    let written: crate::scheduler::Count =
        crate::statement::prepared("SELECT refresh_auction_price_board($1, $2) AS n")
            .bind::<Date, _>(from)
            .bind::<Date, _>(to)
            .get_result(conn)
            .await?;
    Ok(written.n)
}

/// How far a day's figures reach forward: the band looks back 8 weeks, so a
/// change to day `d` changes the board of the days up to `d + 56`.
pub const HISTORY_WINDOW_DAYS: u64 = 56;

/// What one day's board is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardFilter {
    /// 품목, exact.
    pub flower_type: Option<String>,
    /// Substring of the 품종 (matched literally).
    pub keyword: Option<String>,
    /// aT grade, exact.
    pub auction_grade: Option<String>,
    /// 상/중/하 through `auction_grade_map`.
    pub order_grade: Option<String>,
}

/// Filters of a day's board as binds `$2..$5` (NULL: no filter).
const BOARD_WHERE: &str = "FROM auction_price_board b \
    LEFT JOIN auction_grade_map m ON m.auction_grade = b.grade \
    WHERE b.sale_date = $1 \
      AND ($2::text IS NULL OR b.flower_type = $2) \
      AND ($3::text IS NULL OR b.flower_name LIKE $3) \
      AND ($4::text IS NULL OR b.grade = $4) \
      AND ($5::text IS NULL OR m.order_grade = $5)";

/// One page of a day's board, ordered by 품목, 품종 and grade (reversed when
/// `descending`), and how many rows the filter matches in all.
pub async fn day_page(
    conn: &mut AsyncPgConnection,
    day: NaiveDate,
    filter: &BoardFilter,
    descending: bool,
    offset: i64,
    limit: i64,
) -> diesel::QueryResult<(i64, Vec<BoardRow>)> {
    let keyword = filter
        .keyword
        .as_deref()
        .map(crate::catalogue::contains_pattern);
    let total: crate::scheduler::Count =
        crate::statement::prepared(format!("SELECT count(*) AS n {BOARD_WHERE}"))
            .bind::<Date, _>(day)
            .bind::<Nullable<Text>, _>(filter.flower_type.as_deref())
            .bind::<Nullable<Text>, _>(keyword.as_deref())
            .bind::<Nullable<Text>, _>(filter.auction_grade.as_deref())
            .bind::<Nullable<Text>, _>(filter.order_grade.as_deref())
            .get_result(conn)
            .await?;
    let direction = if descending { "DESC" } else { "ASC" };
    let rows = crate::statement::prepared(format!(
        "SELECT {BOARD_COLUMNS} {BOARD_WHERE} \
         ORDER BY b.flower_type {direction}, b.flower_name {direction}, \
                  coalesce(m.rank, 32767) {direction}, b.grade {direction} \
         OFFSET $6 LIMIT $7"
    ))
    .bind::<Date, _>(day)
    .bind::<Nullable<Text>, _>(filter.flower_type.as_deref())
    .bind::<Nullable<Text>, _>(keyword.as_deref())
    .bind::<Nullable<Text>, _>(filter.auction_grade.as_deref())
    .bind::<Nullable<Text>, _>(filter.order_grade.as_deref())
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok((total.n, rows))
}

#[derive(QueryableByName)]
struct LatestDay {
    #[diesel(sql_type = Nullable<Date>)]
    day: Option<NaiveDate>,
}

/// The most recent sale day on the board not after `on_or_before`.
pub async fn latest_day(
    conn: &mut AsyncPgConnection,
    on_or_before: NaiveDate,
) -> diesel::QueryResult<Option<NaiveDate>> {
    let row: LatestDay = crate::statement::prepared(
        "SELECT max(sale_date) AS day FROM auction_price_board WHERE sale_date <= $1",
    )
    .bind::<Date, _>(on_or_before)
    .get_result(conn)
    .await?;
    Ok(row.day)
}

/// One variety's (and grade's, when given) rows within `[from, to]`, oldest
/// first: the latest `limit` of them.
pub async fn history(
    conn: &mut AsyncPgConnection,
    flower_type: &str,
    flower_name: &str,
    auction_grade: Option<&str>,
    (from, to): (NaiveDate, NaiveDate),
    limit: i64,
) -> diesel::QueryResult<Vec<BoardRow>> {
    crate::statement::prepared(format!(
        "SELECT {BOARD_COLUMNS} FROM auction_price_board b \
           LEFT JOIN auction_grade_map m ON m.auction_grade = b.grade \
          WHERE b.flower_type = $1 AND b.flower_name = $2 \
            AND ($3::text IS NULL OR b.grade = $3) \
            AND b.sale_date BETWEEN $4 AND $5 \
          ORDER BY b.sale_date DESC, coalesce(m.rank, 32767) DESC, b.grade DESC LIMIT $6"
    ))
    .bind::<Text, _>(flower_type)
    .bind::<Text, _>(flower_name)
    .bind::<Nullable<Text>, _>(auction_grade)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<BigInt, _>(limit)
    .load::<BoardRow>(conn)
    .await
    .map(|mut rows| {
        rows.reverse();
        rows
    })
}

/// A catalogue flower's board row (`Flower.latestAuction`).
#[derive(Debug, Clone, QueryableByName)]
pub struct FlowerBoardRow {
    #[diesel(sql_type = BigInt)]
    pub flower_id: i64,
    #[diesel(embed)]
    pub row: BoardRow,
}

/// For each live flower of `flower_ids`, the board rows (every grade, best
/// first) of its most recent sale day, matched by its type's name and its own
/// name, as the scheduler created the flower from the feed.
pub async fn latest_for_flowers(
    conn: &mut AsyncPgConnection,
    flower_ids: &[i64],
) -> diesel::QueryResult<Vec<FlowerBoardRow>> {
    crate::statement::prepared(format!(
        "SELECT f.id AS flower_id, {BOARD_COLUMNS} \
           FROM flowers f \
           JOIN flower_types ft ON ft.id = f.flower_type_id \
           CROSS JOIN LATERAL ( \
             SELECT max(l.sale_date) AS day FROM auction_price_board l \
              WHERE l.flower_type = ft.name AND l.flower_name = f.name) latest \
           JOIN auction_price_board b \
             ON b.flower_type = ft.name AND b.flower_name = f.name AND b.sale_date = latest.day \
           LEFT JOIN auction_grade_map m ON m.auction_grade = b.grade \
          WHERE f.id = ANY($1) AND f.deleted_at IS NULL \
          ORDER BY f.id, {GRADE_ORDER}"
    ))
    .bind::<Array<BigInt>, _>(flower_ids)
    .load(conn)
    .await
}
