//! A wholesaler's day for the night shift: the pick list (stems to pull from
//! stock per flower and grade, over every live sheet of the day) and the
//! packing slips (one per florist). Core answers them over GraphQL and the
//! receipt service prints them, so both read them here, each in one
//! statement (one snapshot: the totals always add up to the lines shown).
//!
//! The day is the day view's (`orderSheets` with a date filter): a sheet
//! belongs to the KST day its `created_at` falls on. Lines are the sheet's
//! live order items and its free-text lines, less the shipping fee (배송비),
//! which is no stock, and free-text lines with no name or no quantity.
//!
//! Everything is capped ([`Limits`]): a day of 2,000 sheets answers the
//! first lines and slips in walking order and says how many there are.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::AsyncPgConnection;
use diesel_async::RunQueryDsl;

/// The free-text line that is a fee, not flowers.
pub const SHIPPING_FEE: &str = "배송비";

/// How much of a day one answer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Pick-list lines.
    pub lines: i64,
    /// Packing slips (florists).
    pub slips: i64,
    /// Lines per slip.
    pub slip_lines: i64,
    /// Order numbers per slip.
    pub order_nos: i64,
}

/// The sheets of the day and their lines, over binds $1 (wholesaler) and
/// $2/$3 (the KST day as instants). `lines` carries what both answers use.
const DAY_LINES: &str = "\
    sheets AS ( \
      SELECT s.id, s.retailer_id, s.order_no, s.created_at FROM order_sheets s \
      WHERE s.wholesaler_id = $1 AND s.deleted_at IS NULL \
        AND s.created_at >= $2 AND s.created_at < $3), \
    lines AS ( \
      SELECT false AS free_text, i.flower_id, ft.name::text AS type_name, f.name::text AS flower_name, \
             i.grade::text AS grade, i.memo::text AS memo, i.quantity::bigint AS quantity, \
             s.id AS sheet_id, s.retailer_id \
      FROM sheets s \
      JOIN order_items i ON i.order_sheet_id = s.id AND i.deleted_at IS NULL \
      JOIN flowers f ON f.id = i.flower_id \
      JOIN flower_types ft ON ft.id = f.flower_type_id \
      UNION ALL \
      SELECT true, NULL::bigint, coalesce(btrim(c.flower_type_name), ''), btrim(c.flower_name), \
             nullif(btrim(c.grade), ''), NULL::text, c.quantity::bigint, s.id, s.retailer_id \
      FROM sheets s \
      JOIN custom_order_items c ON c.order_sheet_id = s.id AND c.deleted_at IS NULL \
      WHERE c.quantity IS NOT NULL AND coalesce(btrim(c.flower_name), '') NOT IN ('', $4))";

/// Walking order over a `lines`-shaped relation: flower type, flower name,
/// then 상/중/하 (other free-text grades after them, no grade last). Names
/// compare by code point (`COLLATE \"C\"`), which is 가나다 order for Hangul
/// and the same on every server whatever its locale.
const WALKING_ORDER: &str = "\
    type_name COLLATE \"C\", flower_name COLLATE \"C\", \
    coalesce(array_position(ARRAY['상','중','하']::text[], grade), 4), grade COLLATE \"C\" NULLS LAST, \
    free_text, flower_id";

/// One (flower, grade) to pull, or one free-text (type, name, grade).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickLine {
    pub flower_type_name: String,
    pub flower_name: String,
    /// 상/중/하 for catalogue flowers; whatever the florist typed (or none)
    /// for free text.
    pub grade: Option<String>,
    /// A free-text (custom) line: no catalogue flower behind it.
    pub free_text: bool,
    pub flower_id: Option<i64>,
    pub stems: i64,
    /// Sheets and florists the line appears in.
    pub sheet_count: i64,
    pub florist_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickList {
    pub day: NaiveDate,
    /// At most [`Limits::lines`], in walking order.
    pub lines: Vec<PickLine>,
    /// Of the whole day, whatever the cap.
    pub line_count: i64,
    pub total_stems: i64,
    /// Sheets and florists with at least one line to pick.
    pub sheet_count: i64,
    pub florist_count: i64,
}

impl PickList {
    /// Whether lines were left off by the cap.
    pub fn truncated(&self) -> bool {
        i64::try_from(self.lines.len()).unwrap_or(i64::MAX) < self.line_count
    }
}

#[derive(QueryableByName)]
struct PickRow {
    #[diesel(sql_type = BigInt)]
    day_lines: i64,
    #[diesel(sql_type = BigInt)]
    day_stems: i64,
    #[diesel(sql_type = BigInt)]
    day_sheets: i64,
    #[diesel(sql_type = BigInt)]
    day_florists: i64,
    #[diesel(sql_type = Nullable<Bool>)]
    free_text: Option<bool>,
    #[diesel(sql_type = Nullable<BigInt>)]
    flower_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    type_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    flower_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    grade: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    stems: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    sheet_count: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    florist_count: Option<i64>,
}

fn day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    domain::time::kst_day_bounds(day)
}

/// The wholesaler's pick list of `day` (KST).
pub async fn pick_list(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    day: NaiveDate,
    limits: Limits,
) -> diesel::QueryResult<PickList> {
    let (from, to) = day_bounds(day);
    // The totals row always exists; the lines join it (none on an empty day).
    let rows: Vec<PickRow> = crate::statement::prepared(format!(
        "WITH {DAY_LINES}, \
         grouped AS ( \
           SELECT free_text, flower_id, type_name, flower_name, grade, \
                  sum(quantity)::bigint AS stems, count(DISTINCT sheet_id) AS sheet_count, \
                  count(DISTINCT retailer_id) AS florist_count \
           FROM lines GROUP BY free_text, flower_id, type_name, flower_name, grade) \
         SELECT t.*, g.* FROM ( \
           SELECT (SELECT count(*) FROM grouped) AS day_lines, \
                  (SELECT coalesce(sum(stems), 0) FROM grouped)::bigint AS day_stems, \
                  (SELECT count(DISTINCT sheet_id) FROM lines) AS day_sheets, \
                  (SELECT count(DISTINCT retailer_id) FROM lines) AS day_florists) t \
         LEFT JOIN LATERAL ( \
           SELECT * FROM grouped ORDER BY {WALKING_ORDER} LIMIT $5) g ON true"
    ))
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .bind::<Text, _>(SHIPPING_FEE)
    .bind::<BigInt, _>(limits.lines)
    .load(conn)
    .await?;
    let mut list = PickList {
        day,
        lines: Vec::with_capacity(rows.len()),
        line_count: 0,
        total_stems: 0,
        sheet_count: 0,
        florist_count: 0,
    };
    for row in rows {
        list.line_count = row.day_lines;
        list.total_stems = row.day_stems;
        list.sheet_count = row.day_sheets;
        list.florist_count = row.day_florists;
        let (Some(free_text), Some(stems)) = (row.free_text, row.stems) else {
            continue;
        };
        list.lines.push(PickLine {
            flower_type_name: row.type_name.unwrap_or_default(),
            flower_name: row.flower_name.unwrap_or_default(),
            grade: row.grade,
            free_text,
            flower_id: row.flower_id,
            stems,
            sheet_count: row.sheet_count.unwrap_or(0),
            florist_count: row.florist_count.unwrap_or(0),
        });
    }
    Ok(list)
}

/// One line of a slip: a florist's lines of the same flower, grade and memo
/// across its sheets of the day, added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipLine {
    pub flower_type_name: String,
    pub flower_name: String,
    pub grade: Option<String>,
    pub free_text: bool,
    pub flower_id: Option<i64>,
    pub quantity: i64,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackingSlip {
    pub retailer_id: i64,
    pub florist_name: String,
    /// The florist's registered company name, when it has business info.
    pub company_name: Option<String>,
    /// At most [`Limits::order_nos`], oldest first.
    pub order_nos: Vec<String>,
    pub sheet_count: i64,
    /// At most [`Limits::slip_lines`], in walking order.
    pub lines: Vec<SlipLine>,
    pub line_count: i64,
    pub total_stems: i64,
}

impl PackingSlip {
    pub fn truncated(&self) -> bool {
        i64::try_from(self.lines.len()).unwrap_or(i64::MAX) < self.line_count
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackingSlips {
    pub day: NaiveDate,
    /// At most [`Limits::slips`], by florist name.
    pub slips: Vec<PackingSlip>,
    /// Florists with a live sheet that day, whatever the cap.
    pub florist_count: i64,
}

impl PackingSlips {
    pub fn truncated(&self) -> bool {
        i64::try_from(self.slips.len()).unwrap_or(i64::MAX) < self.florist_count
    }
}

#[derive(QueryableByName)]
struct SlipRow {
    #[diesel(sql_type = BigInt)]
    florist_total: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    retailer_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    florist_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    company_name: Option<String>,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    order_nos: Option<Vec<String>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    sheet_count: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    slip_lines: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    slip_stems: Option<i64>,
    #[diesel(sql_type = Nullable<Bool>)]
    free_text: Option<bool>,
    #[diesel(sql_type = Nullable<BigInt>)]
    flower_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    type_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    flower_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    grade: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    memo: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    quantity: Option<i64>,
}

/// The wholesaler's packing slips of `day` (KST): one per florist with a
/// live sheet that day, by florist name.
pub async fn packing_slips(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    day: NaiveDate,
    limits: Limits,
) -> diesel::QueryResult<PackingSlips> {
    let (from, to) = day_bounds(day);
    // Rows: one per shown line of each shown slip (one with no line for a
    // slip without lines), after a totals row that exists even on an empty
    // day (its slip columns null).
    let rows: Vec<SlipRow> = crate::statement::prepared(format!(
        "WITH {DAY_LINES}, \
         florists AS ( \
           SELECT s.retailer_id, count(*) AS sheet_count, \
                  (array_agg(s.order_no::text ORDER BY s.created_at, s.id))[1:$6::int] AS order_nos \
           FROM sheets s GROUP BY s.retailer_id), \
         named AS ( \
           SELECT f.*, u.name::text AS florist_name, b.company_name, \
                  row_number() OVER (ORDER BY u.name COLLATE \"C\", f.retailer_id) AS florist_rank \
           FROM florists f JOIN users u ON u.id = f.retailer_id \
           LEFT JOIN LATERAL ( \
             SELECT nullif(btrim(bi.company_name), '') AS company_name FROM business_infos bi \
             WHERE bi.user_id = f.retailer_id AND bi.deleted_at IS NULL \
             ORDER BY bi.id DESC LIMIT 1) b ON true), \
         shown AS (SELECT * FROM named WHERE florist_rank <= $5), \
         slip_lines AS ( \
           SELECT retailer_id, free_text, flower_id, type_name, flower_name, grade, memo, \
                  sum(quantity)::bigint AS quantity \
           FROM lines WHERE retailer_id IN (SELECT retailer_id FROM shown) \
           GROUP BY retailer_id, free_text, flower_id, type_name, flower_name, grade, memo), \
         ranked AS ( \
           SELECT *, row_number() OVER (PARTITION BY retailer_id ORDER BY {WALKING_ORDER}, memo COLLATE \"C\") AS line_rank, \
                  count(*) OVER (PARTITION BY retailer_id) AS slip_lines, \
                  sum(quantity) OVER (PARTITION BY retailer_id)::bigint AS slip_stems \
           FROM slip_lines) \
         SELECT t.florist_total, n.retailer_id, n.florist_name, n.company_name, n.order_nos, \
                n.sheet_count, coalesce(r.slip_lines, 0) AS slip_lines, \
                coalesce(r.slip_stems, 0) AS slip_stems, r.free_text, r.flower_id, r.type_name, \
                r.flower_name, r.grade, r.memo, r.quantity \
         FROM (SELECT count(*) AS florist_total FROM florists) t \
         LEFT JOIN shown n ON true \
         LEFT JOIN ranked r ON r.retailer_id = n.retailer_id AND r.line_rank <= $7 \
         ORDER BY n.florist_rank, r.line_rank"
    ))
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .bind::<Text, _>(SHIPPING_FEE)
    .bind::<BigInt, _>(limits.slips)
    .bind::<BigInt, _>(limits.order_nos)
    .bind::<BigInt, _>(limits.slip_lines)
    .load(conn)
    .await?;
    let mut answer = PackingSlips {
        day,
        slips: Vec::new(),
        florist_count: 0,
    };
    for row in rows {
        answer.florist_count = row.florist_total;
        let Some(retailer_id) = row.retailer_id else {
            continue;
        };
        if answer.slips.last().map(|s| s.retailer_id) != Some(retailer_id) {
            answer.slips.push(PackingSlip {
                retailer_id,
                florist_name: row.florist_name.unwrap_or_default(),
                company_name: row.company_name,
                order_nos: row.order_nos.unwrap_or_default(),
                sheet_count: row.sheet_count.unwrap_or(0),
                lines: Vec::new(),
                line_count: row.slip_lines.unwrap_or(0),
                total_stems: row.slip_stems.unwrap_or(0),
            });
        }
        let (Some(slip), Some(free_text), Some(quantity)) =
            (answer.slips.last_mut(), row.free_text, row.quantity)
        else {
            continue;
        };
        slip.lines.push(SlipLine {
            flower_type_name: row.type_name.unwrap_or_default(),
            flower_name: row.flower_name.unwrap_or_default(),
            grade: row.grade,
            free_text,
            flower_id: row.flower_id,
            quantity,
            memo: row.memo,
        });
    }
    Ok(answer)
}

/// Days a pick list may be asked for: a calendar sanity bound, so a typo
/// such as year 20255 is refused instead of answered with an empty day.
pub fn day_in_range(day: NaiveDate) -> bool {
    use chrono::Datelike;
    (2000..=2100).contains(&day.year())
}
