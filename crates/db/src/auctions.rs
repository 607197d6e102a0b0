//! A wholesaler's purchases at the flower auction (`auction_results`): the
//! wholesaler prices them for sale; retailers browse the priced ones.

use crate::schema::auction_results;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Declares a struct with the columns of a purchase line as the auction
/// house reports it, followed by the fields given: the line a wholesaler
/// uploads ([`crate::scheduler::auction_results::AuctionLine`]) and the
/// stored row carry the same columns, spelled here once. The row keeps them
/// flat rather than embedding a line because core reads (and moves) them by
/// name.
macro_rules! with_auction_line {
    ($(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $(#[$meta])*
        pub struct $name {
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
            $($fields)*
        }
    };
}
pub(crate) use with_auction_line;

with_auction_line! {
    /// A stored line: what was uploaded, whose it is, and how the wholesaler
    /// offers it.
    #[derive(Debug, Clone, Queryable, Selectable)]
    #[diesel(table_name = auction_results)]
    pub struct AuctionResultRow {
        pub id: i64,
        pub wholesaler_id: i64,
        pub retail_price: Option<i32>,
        pub is_sold_out: bool,
    }
}

/// A wholesaler's live lines with `auction_date` in [from, to] (YYYYMMDD).
pub async fn page(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    from: i32,
    to: i32,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<AuctionResultRow>> {
    let query = auction_results::table
        .filter(auction_results::wholesaler_id.eq(wholesaler_id))
        .filter(auction_results::auction_date.between(from, to))
        .filter(auction_results::deleted_at.is_null())
        .select(AuctionResultRow::as_select())
        .offset(offset)
        .limit(limit);
    if descending {
        query
            .order((
                auction_results::created_at.desc(),
                auction_results::id.desc(),
            ))
            .load(conn)
            .await
    } else {
        query
            .order((auction_results::created_at.asc(), auction_results::id.asc()))
            .load(conn)
            .await
    }
}

pub async fn live_by_id(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<AuctionResultRow>> {
    auction_results::table
        .filter(auction_results::id.eq(id))
        .filter(auction_results::deleted_at.is_null())
        .select(AuctionResultRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Sets what is given; a missing value keeps the stored one.
pub async fn update_sale(
    conn: &mut AsyncPgConnection,
    id: i64,
    retail_price: Option<i32>,
    is_sold_out: Option<bool>,
) -> QueryResult<AuctionResultRow> {
    diesel::update(auction_results::table.filter(auction_results::id.eq(id)))
        .set((
            auction_results::retail_price.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<Integer>,
            >("coalesce(")
            .bind::<diesel::sql_types::Nullable<Integer>, _>(retail_price)
            .sql(", retail_price)")),
            auction_results::is_sold_out.eq(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "coalesce(",
            )
            .bind::<diesel::sql_types::Nullable<diesel::sql_types::Bool>, _>(is_sold_out)
            .sql(", is_sold_out)")),
        ))
        .returning(AuctionResultRow::as_returning())
        .get_result(conn)
        .await
}

/// One for-sale group: a flower of one auction day, its lowest asking price
/// and the underlying lines (id, grade).
#[derive(Debug, Clone, QueryableByName)]
pub struct SaleGroup {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub flower_name: String,
    #[diesel(sql_type = Text)]
    pub flower_type_name: String,
    #[diesel(sql_type = Integer)]
    pub auction_date: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<Integer>)]
    pub retail_price: Option<i32>,
    #[diesel(sql_type = Array<BigInt>)]
    pub line_ids: Vec<i64>,
    #[diesel(sql_type = Array<Text>)]
    pub grades: Vec<String>,
}

/// Priced, not sold-out lines in [from, to], grouped per flower and day and
/// numbered by (name, type, day); one page, paginated once.
pub async fn for_sale_page(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    from: i32,
    to: i32,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<SaleGroup>> {
    let direction = if descending { "DESC" } else { "ASC" };
    crate::statement::prepared(format!(
        "SELECT * FROM ( \
           SELECT row_number() OVER (ORDER BY flower_name, flower_type_name, auction_date) AS id, \
                  flower_name::text AS flower_name, flower_type_name::text AS flower_type_name, auction_date, \
                  min(retail_price) AS retail_price, \
                  array_agg(id ORDER BY id) AS line_ids, \
                  array_agg(flower_grade::text ORDER BY id) AS grades \
           FROM auction_results \
           WHERE wholesaler_id = $1 AND auction_date BETWEEN $2 AND $3 AND deleted_at IS NULL \
             AND retail_price IS NOT NULL AND NOT is_sold_out \
           GROUP BY flower_name, flower_type_name, auction_date \
         ) groups ORDER BY id {direction} OFFSET $4 LIMIT $5"
    ))
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Integer, _>(from)
    .bind::<Integer, _>(to)
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}
