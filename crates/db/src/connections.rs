//! Trading-partner links (retailer → wholesaler applications) and the
//! owner ↔ employee links of a wholesaler.

use crate::schema::{biz_connections, wholesaler_connections};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = biz_connections)]
pub struct BizConnectionRow {
    pub id: i64,
    pub retailer_id: i64,
    pub wholesaler_id: i64,
    pub apply_status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

pub async fn insert_application(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
    wholesaler_id: i64,
) -> QueryResult<BizConnectionRow> {
    diesel::insert_into(biz_connections::table)
        .values((
            biz_connections::retailer_id.eq(retailer_id),
            biz_connections::wholesaler_id.eq(wholesaler_id),
            biz_connections::apply_status.eq("APPLYING"),
        ))
        .returning(BizConnectionRow::as_returning())
        .get_result(conn)
        .await
}

/// Live connections between two users, in either direction, oldest first.
pub async fn live_between(
    conn: &mut AsyncPgConnection,
    a: i64,
    b: i64,
) -> QueryResult<Vec<BizConnectionRow>> {
    biz_connections::table
        .filter(biz_connections::deleted_at.is_null())
        .filter(
            (biz_connections::retailer_id
                .eq(a)
                .and(biz_connections::wholesaler_id.eq(b)))
            .or(biz_connections::retailer_id
                .eq(b)
                .and(biz_connections::wholesaler_id.eq(a))),
        )
        .order(biz_connections::id.asc())
        .select(BizConnectionRow::as_select())
        .load(conn)
        .await
}

/// Every live connection naming the user, on either side.
pub async fn live_of_user(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> QueryResult<Vec<BizConnectionRow>> {
    biz_connections::table
        .filter(biz_connections::deleted_at.is_null())
        .filter(
            biz_connections::retailer_id
                .eq(user_id)
                .or(biz_connections::wholesaler_id.eq(user_id)),
        )
        .order(biz_connections::id.asc())
        .select(BizConnectionRow::as_select())
        .load(conn)
        .await
}

pub async fn live_for_update(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<BizConnectionRow>> {
    biz_connections::table
        .find(id)
        .filter(biz_connections::deleted_at.is_null())
        .select(BizConnectionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: &str,
) -> QueryResult<BizConnectionRow> {
    diesel::update(biz_connections::table.find(id))
        .set(biz_connections::apply_status.eq(status))
        .returning(BizConnectionRow::as_returning())
        .get_result(conn)
        .await
}

/// Decides an application and takes it off the lists in one step: an
/// employee's request to join is answered once, by its link, not kept as a
/// trading partner.
pub async fn close_application(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: &str,
    now: DateTime<Utc>,
) -> QueryResult<BizConnectionRow> {
    diesel::update(biz_connections::table.find(id))
        .set((
            biz_connections::apply_status.eq(status),
            biz_connections::deleted_at.eq(now),
        ))
        .returning(BizConnectionRow::as_returning())
        .get_result(conn)
        .await
}

/// Which side of the connection the parent users are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Applied,
    Received,
}

impl Side {
    /// The user a connection is listed under on this side.
    pub fn owner_of(self, row: &BizConnectionRow) -> i64 {
        match self {
            Side::Applied => row.retailer_id,
            Side::Received => row.wholesaler_id,
        }
    }
}

/// One page of connections for each of `user_ids` (per parent, not per batch),
/// in one statement: a window function numbers each parent's rows.
pub async fn page_per_user(
    conn: &mut AsyncPgConnection,
    side: Side,
    user_ids: &[i64],
    statuses: &[String],
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<BizConnectionRow>> {
    let owner = match side {
        Side::Applied => "retailer_id",
        Side::Received => "wholesaler_id",
    };
    let direction = if descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT id, retailer_id, wholesaler_id, apply_status, created_at, updated_at, deleted_at FROM ( \
           SELECT c.*, row_number() OVER (PARTITION BY c.{owner} ORDER BY c.created_at {direction}, c.id {direction}) AS rn \
           FROM biz_connections c \
           WHERE c.{owner} = ANY($1) AND c.deleted_at IS NULL \
             AND (cardinality($2::text[]) = 0 OR c.apply_status = ANY($2)) \
         ) ranked WHERE rn > $3 AND rn <= $3 + $4 ORDER BY {owner}, rn"
    );
    crate::statement::prepared(sql)
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(user_ids)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(statuses)
        .bind::<diesel::sql_types::BigInt, _>(offset)
        .bind::<diesel::sql_types::BigInt, _>(limit)
        .load::<BizConnectionByName>(conn)
        .await
        .map(|rows| rows.into_iter().map(Into::into).collect())
}

#[derive(QueryableByName)]
struct BizConnectionByName {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    retailer_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    wholesaler_id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    apply_status: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    deleted_at: Option<DateTime<Utc>>,
}

impl From<BizConnectionByName> for BizConnectionRow {
    fn from(r: BizConnectionByName) -> Self {
        BizConnectionRow {
            id: r.id,
            retailer_id: r.retailer_id,
            wholesaler_id: r.wholesaler_id,
            apply_status: r.apply_status,
            created_at: r.created_at,
            updated_at: r.updated_at,
            deleted_at: r.deleted_at,
        }
    }
}

/// An employee link waiting for the owner's consent: it acts for nobody.
pub const PENDING: &str = "PENDING";
/// An employee link the owner (or an operator) approved: the employee acts for it.
pub const APPROVED: &str = "APPROVED";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wholesaler_connections)]
pub struct WholesalerConnectionRow {
    pub id: i64,
    pub employer_id: i64,
    pub employee_id: i64,
    /// `PENDING` or `APPROVED`.
    pub status: String,
}

impl WholesalerConnectionRow {
    pub fn is_approved(&self) -> bool {
        self.status == APPROVED
    }
}

/// An approved link at once: what an owner's approval leaves behind. Sign-up
/// never calls it (see `apply_as_employee`); operators' tools and test
/// fixtures do.
pub async fn link_employee(
    conn: &mut AsyncPgConnection,
    employer_id: i64,
    employee_id: i64,
) -> QueryResult<usize> {
    diesel::insert_into(wholesaler_connections::table)
        .values((
            wholesaler_connections::employer_id.eq(employer_id),
            wholesaler_connections::employee_id.eq(employee_id),
            wholesaler_connections::status.eq(APPROVED),
        ))
        .execute(conn)
        .await
}

/// A pending link: the employee asked to join, the owner has not consented.
pub async fn apply_as_employee(
    conn: &mut AsyncPgConnection,
    employer_id: i64,
    employee_id: i64,
) -> QueryResult<WholesalerConnectionRow> {
    diesel::insert_into(wholesaler_connections::table)
        .values((
            wholesaler_connections::employer_id.eq(employer_id),
            wholesaler_connections::employee_id.eq(employee_id),
            wholesaler_connections::status.eq(PENDING),
        ))
        .returning(WholesalerConnectionRow::as_returning())
        .get_result(conn)
        .await
}

/// The employee's live link (pending or approved), locked for the transaction.
pub async fn employee_link_for_update(
    conn: &mut AsyncPgConnection,
    employee_id: i64,
) -> QueryResult<Option<WholesalerConnectionRow>> {
    wholesaler_connections::table
        .filter(wholesaler_connections::employee_id.eq(employee_id))
        .filter(wholesaler_connections::deleted_at.is_null())
        .select(WholesalerConnectionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn approve_employee_link(
    conn: &mut AsyncPgConnection,
    link_id: i64,
) -> QueryResult<WholesalerConnectionRow> {
    diesel::update(wholesaler_connections::table.find(link_id))
        .set(wholesaler_connections::status.eq(APPROVED))
        .returning(WholesalerConnectionRow::as_returning())
        .get_result(conn)
        .await
}

/// Ends a link, pending (a refusal) or approved (the employee leaves).
pub async fn end_employee_link(
    conn: &mut AsyncPgConnection,
    link_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        wholesaler_connections::table
            .find(link_id)
            .filter(wholesaler_connections::deleted_at.is_null()),
    )
    .set(wholesaler_connections::deleted_at.eq(now))
    .execute(conn)
    .await
}

/// Live owner ↔ employee links touching any of `user_ids` (either side),
/// pending ones included: callers look at `status`.
pub async fn employment_links(
    conn: &mut AsyncPgConnection,
    user_ids: &[i64],
) -> QueryResult<Vec<WholesalerConnectionRow>> {
    wholesaler_connections::table
        .filter(wholesaler_connections::deleted_at.is_null())
        .filter(
            wholesaler_connections::employer_id
                .eq_any(user_ids)
                .or(wholesaler_connections::employee_id.eq_any(user_ids)),
        )
        .order(wholesaler_connections::id.asc())
        .select(WholesalerConnectionRow::as_select())
        .load(conn)
        .await
}

/// The employer an employee acts for: only through an approved link (a
/// pending employee acts for nobody). Every service resolves employees here.
pub async fn employer_of(
    conn: &mut AsyncPgConnection,
    employee_id: i64,
) -> QueryResult<Option<i64>> {
    wholesaler_connections::table
        .filter(wholesaler_connections::employee_id.eq(employee_id))
        .filter(wholesaler_connections::deleted_at.is_null())
        .filter(wholesaler_connections::status.eq(APPROVED))
        .order(wholesaler_connections::id.asc())
        .select(wholesaler_connections::employer_id)
        .first(conn)
        .await
        .optional()
}

/// Everyone `user_id` has a live link with: approved owner/employee colleagues
/// (a pending employee is nobody's colleague yet), the
/// retailers that applied to its company and were not rejected (so a
/// wholesaler can judge an applicant, and stops seeing one it turned down;
/// an employee counts its employer's), and the
/// wholesalers that CONFIRMED its own applications (applying alone opens
/// nothing of the wholesaler's).
pub async fn related_user_ids(conn: &mut AsyncPgConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Related {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let rows: Vec<Related> = crate::statement::prepared(
        // One definition, shared with the read models (migration 2026-12-06-000001).
        "SELECT related_user_ids($1) AS id",
    )
    .bind::<diesel::sql_types::BigInt, _>(user_id)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Live connections between `user_id` and each of `others`, newest first.
pub async fn latest_with(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    others: &[i64],
) -> QueryResult<Vec<BizConnectionRow>> {
    biz_connections::table
        .filter(biz_connections::deleted_at.is_null())
        .filter(
            (biz_connections::retailer_id
                .eq(user_id)
                .and(biz_connections::wholesaler_id.eq_any(others)))
            .or(biz_connections::wholesaler_id
                .eq(user_id)
                .and(biz_connections::retailer_id.eq_any(others))),
        )
        .order(biz_connections::id.desc())
        .select(BizConnectionRow::as_select())
        .load(conn)
        .await
}
