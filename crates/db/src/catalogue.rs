//! The flower catalogue the florists browse: types (품목), flowers (품종),
//! colours and the auction days each flower was sold on. The scheduler writes
//! it; core reads it here, always in batches of ids.

use crate::schema::{bidding_flowers, flower_colors, flower_types, flowers};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = flowers)]
pub struct FlowerRow {
    pub id: i64,
    pub name: String,
    pub images: Option<Vec<Option<String>>>,
    pub flower_type_id: i64,
    pub flower_color_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl FlowerRow {
    /// The image URLs, NULL (or NULL entries) served as nothing.
    pub fn image_urls(&self) -> Vec<String> {
        self.images.iter().flatten().flatten().cloned().collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = flower_types)]
pub struct FlowerTypeRow {
    pub id: i64,
    pub name: String,
    pub img_url: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = flower_colors)]
pub struct FlowerColorRow {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bidding_flowers)]
pub struct BiddingFlowerRow {
    pub id: i64,
    pub flower_id: i64,
    pub bidding_date: DateTime<Utc>,
}

pub async fn flowers_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<FlowerRow>> {
    flowers::table
        .filter(flowers::id.eq_any(ids))
        .filter(flowers::deleted_at.is_null())
        .select(FlowerRow::as_select())
        .load(conn)
        .await
}

/// Every live flower of the given types (a type has tens, not thousands).
pub async fn flowers_by_type_ids(
    conn: &mut AsyncPgConnection,
    type_ids: &[i64],
) -> QueryResult<Vec<FlowerRow>> {
    flowers::table
        .filter(flowers::flower_type_id.eq_any(type_ids))
        .filter(flowers::deleted_at.is_null())
        .order(flowers::id.asc())
        .select(FlowerRow::as_select())
        .load(conn)
        .await
}

pub async fn types_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<FlowerTypeRow>> {
    flower_types::table
        .filter(flower_types::id.eq_any(ids))
        .filter(flower_types::deleted_at.is_null())
        .select(FlowerTypeRow::as_select())
        .load(conn)
        .await
}

pub async fn colors_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<FlowerColorRow>> {
    flower_colors::table
        .filter(flower_colors::id.eq_any(ids))
        .filter(flower_colors::deleted_at.is_null())
        .select(FlowerColorRow::as_select())
        .load(conn)
        .await
}

pub async fn bidding_by_flower_ids(
    conn: &mut AsyncPgConnection,
    flower_ids: &[i64],
) -> QueryResult<Vec<BiddingFlowerRow>> {
    bidding_flowers::table
        .filter(bidding_flowers::flower_id.eq_any(flower_ids))
        .filter(bidding_flowers::deleted_at.is_null())
        .order((
            bidding_flowers::flower_id,
            bidding_flowers::bidding_date,
            bidding_flowers::id,
        ))
        .select(BiddingFlowerRow::as_select())
        .load(conn)
        .await
}

/// What `flowers(filter)` asks for.
#[derive(Debug, Clone, Default)]
pub struct FlowerSearch {
    /// Sold at auction within [from, to) (KST day bounds, already converted).
    pub bidding_between: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Substring of the flower's or its type's name (matched literally).
    pub keyword: Option<String>,
}

/// `LIKE` pattern that matches `text` literally anywhere: `%`, `_` and the
/// escape character itself lose their wildcard meaning.
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The conditions of a search over `flowers f JOIN flower_types t`, binds
/// $1/$2 (auction days) and $3 (name pattern). Each is spelled out only when
/// it applies, an unused bind checked to be null instead, never
/// `$1 IS NULL OR …`: PostgreSQL's generic plan of that form, chosen after five
/// executions, cannot use the condition that does apply.
pub(crate) fn search_filters(by_bidding_day: bool, by_keyword: bool) -> String {
    let bidding = if by_bidding_day {
        "AND EXISTS (SELECT 1 FROM bidding_flowers b \
           WHERE b.flower_id = f.id AND b.deleted_at IS NULL \
             AND b.bidding_date >= $1 AND b.bidding_date < $2)"
    } else {
        "AND $1::timestamptz IS NULL AND $2::timestamptz IS NULL"
    };
    let keyword = if by_keyword {
        "AND (f.name LIKE $3 OR t.name LIKE $3)"
    } else {
        "AND $3::text IS NULL"
    };
    format!("{bidding} {keyword}")
}

/// One page of matching flowers and the total number of matches, in one
/// statement (the count rides along as a window aggregate).
pub async fn search(
    conn: &mut AsyncPgConnection,
    search: &FlowerSearch,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<FlowerRow>)> {
    let direction = if descending { "DESC" } else { "ASC" };
    let filters = search_filters(search.bidding_between.is_some(), search.keyword.is_some());
    let sql = format!(
        "SELECT f.id, f.name, f.images, f.flower_type_id, f.flower_color_id, f.created_at, \
                count(*) OVER () AS total \
         FROM flowers f JOIN flower_types t ON t.id = f.flower_type_id \
         WHERE f.deleted_at IS NULL {filters} \
         ORDER BY f.created_at {direction}, f.id {direction} \
         OFFSET $4 LIMIT $5"
    );
    let (from, to) = match search.bidding_between {
        Some((from, to)) => (Some(from), Some(to)),
        None => (None, None),
    };
    let rows: Vec<Counted> = crate::statement::prepared(sql)
        .bind::<Nullable<Timestamptz>, _>(from)
        .bind::<Nullable<Timestamptz>, _>(to)
        .bind::<Nullable<Text>, _>(search.keyword.as_deref().map(contains_pattern))
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await?;
    let total = match rows.as_slice().first() {
        Some(first) => first.total,
        None if offset == 0 => 0,
        // A page past the end carries no window count.
        None => count_matches(conn, from, to, search.keyword.as_deref()).await?,
    };
    Ok((total, rows.into_iter().map(|r| r.flower).collect()))
}

/// The original's empty-keyword branch: every live flower, those with images
/// first (the original sorted NULL arrays first by accident), then by id.
pub async fn all_with_images_first(
    conn: &mut AsyncPgConnection,
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<FlowerRow>)> {
    let rows: Vec<Counted> = crate::statement::prepared(
        "SELECT f.id, f.name, f.images, f.flower_type_id, f.flower_color_id, f.created_at, \
                count(*) OVER () AS total \
         FROM flowers f WHERE f.deleted_at IS NULL \
         ORDER BY f.images DESC NULLS LAST, f.id ASC OFFSET $1 LIMIT $2",
    )
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    let total = match rows.as_slice().first() {
        Some(first) => first.total,
        None if offset == 0 => 0,
        None => count_matches(conn, None, None, None).await?,
    };
    Ok((total, rows.into_iter().map(|r| r.flower).collect()))
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(embed)]
    flower: FlowerRow,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

async fn count_matches(
    conn: &mut AsyncPgConnection,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    keyword: Option<&str>,
) -> QueryResult<i64> {
    let filters = search_filters(from.is_some(), keyword.is_some());
    let row: Total = crate::statement::prepared(format!(
        "SELECT count(*) AS total FROM flowers f JOIN flower_types t ON t.id = f.flower_type_id \
         WHERE f.deleted_at IS NULL {filters}"
    ))
    .bind::<Nullable<Timestamptz>, _>(from)
    .bind::<Nullable<Timestamptz>, _>(to)
    .bind::<Nullable<Text>, _>(keyword.map(contains_pattern))
    .get_result(conn)
    .await?;
    Ok(row.total)
}

/// Images for auction lines: for each (flower name, type name) pair, the images
/// of the first live flower (lowest id) whose name and type name contain them,
/// all pairs in one statement.
pub async fn images_for_names(
    conn: &mut AsyncPgConnection,
    pairs: &[(String, String)],
) -> QueryResult<Vec<(String, String, Vec<String>)>> {
    #[derive(QueryableByName)]
    struct Matched {
        #[diesel(sql_type = Text)]
        flower_name: String,
        #[diesel(sql_type = Text)]
        type_name: String,
        #[diesel(sql_type = Nullable<Array<Nullable<Text>>>)]
        images: Option<Vec<Option<String>>>,
    }
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let (names, types): (Vec<String>, Vec<String>) = pairs.iter().cloned().unzip();
    let name_patterns: Vec<String> = names.iter().map(|n| contains_pattern(n)).collect();
    let type_patterns: Vec<String> = types.iter().map(|t| contains_pattern(t)).collect();
    let rows: Vec<Matched> = crate::statement::prepared(
        "SELECT p.flower_name, p.type_name, m.images \
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) \
              AS p(flower_name, type_name, name_pattern, type_pattern) \
         CROSS JOIN LATERAL ( \
             SELECT f.images FROM flowers f JOIN flower_types t ON t.id = f.flower_type_id \
             WHERE f.deleted_at IS NULL AND t.deleted_at IS NULL \
               AND f.name LIKE p.name_pattern AND t.name LIKE p.type_pattern \
             ORDER BY f.id LIMIT 1) m",
    )
    .bind::<Array<Text>, _>(&names)
    .bind::<Array<Text>, _>(&types)
    .bind::<Array<Text>, _>(&name_patterns)
    .bind::<Array<Text>, _>(&type_patterns)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let images = m.images.into_iter().flatten().flatten().collect();
            (m.flower_name, m.type_name, images)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_are_matched_literally() {
        assert_eq!(contains_pattern("장미"), "%장미%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
