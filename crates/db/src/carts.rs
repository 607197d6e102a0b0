//! A retailer's open cart: the shopping session (chosen wholesaler + memo) and
//! its lines. "Live" lines are neither removed nor ordered.

use crate::schema::{cart_items, shopping_sessions};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = shopping_sessions)]
pub struct SessionRow {
    pub id: i64,
    pub retailer_id: i64,
    pub wholesaler_id: Option<i64>,
    pub memo: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = cart_items)]
pub struct CartItemRow {
    pub id: i64,
    pub session_id: i64,
    pub retailer_id: i64,
    pub wholesaler_id: Option<i64>,
    pub flower_id: i64,
    pub quantity: i32,
    pub grade: String,
    pub ordered_at: Option<DateTime<Utc>>,
    pub memo: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A new cart line as the retailer typed it.
#[derive(Debug, Clone)]
pub struct NewLine<'a> {
    pub flower_id: i64,
    pub quantity: i32,
    pub grade: &'a str,
    pub memo: Option<&'a str>,
}

pub async fn live_session(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
) -> QueryResult<Option<SessionRow>> {
    shopping_sessions::table
        .filter(shopping_sessions::retailer_id.eq(retailer_id))
        .filter(shopping_sessions::deleted_at.is_null())
        .select(SessionRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The live session, locked until the transaction ends: ordering, the batch
/// and cart edits serialise on it, so one cart becomes at most one order.
pub async fn live_session_for_update(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
) -> QueryResult<Option<SessionRow>> {
    shopping_sessions::table
        .filter(shopping_sessions::retailer_id.eq(retailer_id))
        .filter(shopping_sessions::deleted_at.is_null())
        .for_update()
        .select(SessionRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The live session, opened if there is none. Safe under concurrent calls:
/// the partial unique index lets exactly one insert win.
pub async fn open_session(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
) -> QueryResult<SessionRow> {
    crate::statement::prepared(
        "INSERT INTO shopping_sessions (retailer_id) VALUES ($1) \
         ON CONFLICT (retailer_id) WHERE deleted_at IS NULL DO NOTHING",
    )
    .bind::<BigInt, _>(retailer_id)
    .execute(conn)
    .await?;
    live_session_for_update(conn, retailer_id)
        .await?
        .ok_or(diesel::result::Error::NotFound)
}

pub async fn sessions_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<SessionRow>> {
    shopping_sessions::table
        .filter(shopping_sessions::id.eq_any(ids))
        .select(SessionRow::as_select())
        .load(conn)
        .await
}

/// Adds a line, or replaces quantity and memo of the same flower and grade
/// already in the cart (the original's addToCart overwrote, it did not add).
pub async fn upsert_line(
    conn: &mut AsyncPgConnection,
    session: &SessionRow,
    line: &NewLine<'_>,
) -> QueryResult<CartItemRow> {
    diesel::insert_into(cart_items::table)
        .values((
            cart_items::session_id.eq(session.id),
            cart_items::retailer_id.eq(session.retailer_id),
            cart_items::wholesaler_id.eq(session.wholesaler_id),
            cart_items::flower_id.eq(line.flower_id),
            cart_items::quantity.eq(line.quantity),
            cart_items::grade.eq(line.grade),
            cart_items::memo.eq(line.memo),
        ))
        .on_conflict((
            cart_items::session_id,
            cart_items::flower_id,
            cart_items::grade,
        ))
        .filter_target(
            cart_items::deleted_at
                .is_null()
                .and(cart_items::ordered_at.is_null()),
        )
        .do_update()
        .set((
            cart_items::quantity.eq(line.quantity),
            cart_items::memo.eq(line.memo),
            cart_items::wholesaler_id.eq(session.wholesaler_id),
        ))
        .returning(CartItemRow::as_returning())
        .get_result(conn)
        .await
}

fn live_items() -> cart_items::BoxedQuery<'static, diesel::pg::Pg> {
    cart_items::table
        .filter(cart_items::deleted_at.is_null())
        .filter(cart_items::ordered_at.is_null())
        .into_boxed()
}

pub async fn live_item(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<CartItemRow>> {
    live_items()
        .filter(cart_items::id.eq(id))
        .select(CartItemRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Another live line of the session with this flower and grade.
pub async fn other_line(
    conn: &mut AsyncPgConnection,
    item: &CartItemRow,
    grade: &str,
) -> QueryResult<Option<CartItemRow>> {
    live_items()
        .filter(cart_items::session_id.eq(item.session_id))
        .filter(cart_items::flower_id.eq(item.flower_id))
        .filter(cart_items::grade.eq(grade.to_owned()))
        .filter(cart_items::id.ne(item.id))
        .select(CartItemRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn update_item(
    conn: &mut AsyncPgConnection,
    id: i64,
    quantity: i32,
    grade: &str,
    memo: Option<&str>,
) -> QueryResult<CartItemRow> {
    let target = cart_items::table.filter(cart_items::id.eq(id));
    match memo {
        Some(memo) => {
            diesel::update(target)
                .set((
                    cart_items::quantity.eq(quantity),
                    cart_items::grade.eq(grade),
                    cart_items::memo.eq(memo),
                ))
                .returning(CartItemRow::as_returning())
                .get_result(conn)
                .await
        }
        None => {
            diesel::update(target)
                .set((
                    cart_items::quantity.eq(quantity),
                    cart_items::grade.eq(grade),
                ))
                .returning(CartItemRow::as_returning())
                .get_result(conn)
                .await
        }
    }
}

pub async fn remove_item(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(cart_items::table.filter(cart_items::id.eq(id)))
        .set(cart_items::deleted_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
}

pub async fn count_live_items(conn: &mut AsyncPgConnection, session_id: i64) -> QueryResult<i64> {
    live_items()
        .filter(cart_items::session_id.eq(session_id))
        .count()
        .get_result(conn)
        .await
}

/// Closes the session and removes its remaining lines.
pub async fn remove_session(conn: &mut AsyncPgConnection, session_id: i64) -> QueryResult<()> {
    diesel::update(
        cart_items::table
            .filter(cart_items::session_id.eq(session_id))
            .filter(cart_items::deleted_at.is_null())
            .filter(cart_items::ordered_at.is_null()),
    )
    .set(cart_items::deleted_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    close_session(conn, session_id).await
}

/// Soft-deletes the session header only (after ordering, lines keep `ordered_at`).
pub async fn close_session(conn: &mut AsyncPgConnection, session_id: i64) -> QueryResult<()> {
    diesel::update(shopping_sessions::table.filter(shopping_sessions::id.eq(session_id)))
        .set(shopping_sessions::deleted_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Chooses the wholesaler (and optionally the memo) of the session and copies
/// the wholesaler onto every live line of the retailer.
pub async fn set_wholesaler(
    conn: &mut AsyncPgConnection,
    session: &SessionRow,
    wholesaler_id: i64,
    memo: Option<&str>,
) -> QueryResult<SessionRow> {
    let target = shopping_sessions::table.filter(shopping_sessions::id.eq(session.id));
    let updated = match memo {
        Some(memo) => {
            diesel::update(target)
                .set((
                    shopping_sessions::wholesaler_id.eq(wholesaler_id),
                    shopping_sessions::memo.eq(memo),
                ))
                .returning(SessionRow::as_returning())
                .get_result(conn)
                .await?
        }
        None => {
            diesel::update(target)
                .set(shopping_sessions::wholesaler_id.eq(wholesaler_id))
                .returning(SessionRow::as_returning())
                .get_result(conn)
                .await?
        }
    };
    diesel::update(
        cart_items::table
            .filter(cart_items::retailer_id.eq(session.retailer_id))
            .filter(cart_items::deleted_at.is_null())
            .filter(cart_items::ordered_at.is_null()),
    )
    .set(cart_items::wholesaler_id.eq(wholesaler_id))
    .execute(conn)
    .await?;
    Ok(updated)
}

/// Every live line of a retailer (ordering takes them all), oldest first.
pub async fn live_items_of_retailer(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
) -> QueryResult<Vec<CartItemRow>> {
    live_items()
        .filter(cart_items::retailer_id.eq(retailer_id))
        .order(cart_items::id.asc())
        .select(CartItemRow::as_select())
        .load(conn)
        .await
}

pub async fn mark_ordered(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<usize> {
    diesel::update(cart_items::table.filter(cart_items::id.eq_any(ids)))
        .set(cart_items::ordered_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
}

/// Retailers whose open cart has a chosen wholesaler: the nightly batch's work.
pub async fn retailers_with_orderable_carts(conn: &mut AsyncPgConnection) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Retailer {
        #[diesel(sql_type = BigInt)]
        retailer_id: i64,
    }
    let rows: Vec<Retailer> = crate::statement::prepared(
        "SELECT s.retailer_id FROM shopping_sessions s \
         WHERE s.deleted_at IS NULL AND s.wholesaler_id IS NOT NULL \
           AND EXISTS (SELECT 1 FROM cart_items c WHERE c.session_id = s.id \
                       AND c.deleted_at IS NULL AND c.ordered_at IS NULL) \
         ORDER BY s.retailer_id",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.retailer_id).collect())
}

/// An orderable cart as the batch sees it: whose, for which wholesaler,
/// and when it last changed (the cut-off after that is when it is ordered).
#[derive(Debug, Clone, QueryableByName)]
pub struct OrderableCart {
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub last_change: chrono::DateTime<chrono::Utc>,
}

pub async fn orderable_carts(conn: &mut AsyncPgConnection) -> QueryResult<Vec<OrderableCart>> {
    crate::statement::prepared(
        "SELECT s.retailer_id, s.wholesaler_id, \
           greatest(s.updated_at, (SELECT max(c.updated_at) FROM cart_items c \
             WHERE c.session_id = s.id AND c.deleted_at IS NULL AND c.ordered_at IS NULL)) AS last_change \
         FROM shopping_sessions s \
         WHERE s.deleted_at IS NULL AND s.wholesaler_id IS NOT NULL \
           AND EXISTS (SELECT 1 FROM cart_items c WHERE c.session_id = s.id \
                       AND c.deleted_at IS NULL AND c.ordered_at IS NULL) \
         ORDER BY s.retailer_id",
    )
    .load(conn)
    .await
}

/// One page of live lines per session (sorted by creation time).
pub async fn items_page_per_session(
    conn: &mut AsyncPgConnection,
    session_ids: &[i64],
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<CartItemRow>> {
    let direction = if descending { "DESC" } else { "ASC" };
    let columns = crate::columns::CART_ITEMS.qualified("c");
    let sql = format!(
        "SELECT * FROM ( \
           SELECT {columns}, row_number() OVER ( \
             PARTITION BY c.session_id ORDER BY c.created_at {direction}, c.id {direction}) AS rn \
           FROM cart_items c \
           WHERE c.session_id = ANY($1) AND c.deleted_at IS NULL AND c.ordered_at IS NULL \
         ) ranked WHERE rn > $2 AND rn <= $2 + $3 ORDER BY session_id, rn"
    );
    crate::statement::prepared(sql)
        .bind::<Array<BigInt>, _>(session_ids)
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}

/// The number of live lines of each session (sessions without lines absent).
pub async fn live_counts(
    conn: &mut AsyncPgConnection,
    session_ids: &[i64],
) -> QueryResult<Vec<(i64, i64)>> {
    cart_items::table
        .filter(cart_items::deleted_at.is_null())
        .filter(cart_items::ordered_at.is_null())
        .filter(cart_items::session_id.eq_any(session_ids))
        .group_by(cart_items::session_id)
        .select((cart_items::session_id, diesel::dsl::count_star()))
        .load(conn)
        .await
}
