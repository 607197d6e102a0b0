//! A page of the catalogue (`flowers`), in one statement (`catalogue_page.sql`).

use super::day_view::{FLOWER_COLOR, FLOWER_TYPE};
use super::{Field, Page, Shape, ViewJson, direction};
use crate::catalogue::{FlowerSearch, contains_pattern, search_filters};
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The `FlowersOutput` the statement answers.
pub static FLOWERS_OUTPUT: Shape = Shape {
    type_name: "FlowersOutput",
    fields: &[
        ("resultCount", Field::Leaf),
        ("items", Field::List(&FLOWER)),
    ],
};

static FLOWER: Shape = Shape {
    type_name: "Flower",
    fields: &[
        ("id", Field::Leaf),
        ("flowerType", Field::Object(&FLOWER_TYPE)),
        ("name", Field::Leaf),
        ("images", Field::Leaf),
        ("biddingFlowers", Field::List(&BIDDING_FLOWER)),
        ("flowerColor", Field::Object(&FLOWER_COLOR)),
    ],
};

static BIDDING_FLOWER: Shape = Shape {
    type_name: "BiddingFlower",
    fields: &[("id", Field::Leaf), ("biddingDate", Field::Leaf)],
};

/// Which flowers a page lists.
#[derive(Debug, Clone)]
pub enum Listing {
    /// The original's empty keyword: every live flower, those with images
    /// first, then by id.
    ImagesFirst,
    /// A search, by creation time in the page's direction.
    Search(FlowerSearch),
}

/// One request of the view.
#[derive(Debug, Clone)]
pub struct CataloguePageAsk {
    pub listing: Listing,
    pub page: Page,
    /// Whether `biddingFlowers` is asked.
    pub bidding_days: bool,
    /// The most auction days a flower answers (its latest).
    pub bidding_days_max: i64,
}

const SQL: &str = include_str!("catalogue_page.sql");

pub async fn read(
    conn: &mut AsyncPgConnection,
    ask: &CataloguePageAsk,
) -> diesel::QueryResult<ViewJson> {
    let no_search = FlowerSearch::default();
    let (order, search) = match &ask.listing {
        Listing::ImagesFirst => ("f.images DESC NULLS LAST, f.id ASC".to_owned(), &no_search),
        Listing::Search(search) => {
            let direction = direction(ask.page.descending);
            (
                format!("f.created_at {direction}, f.id {direction}"),
                search,
            )
        }
    };
    let sql = SQL
        .replace(
            "{filters}",
            &search_filters(search.bidding_between.is_some(), search.keyword.is_some()),
        )
        .replace("{order}", &order);
    let (from, to) = search.bidding_between.unzip();
    crate::statement::prepared(sql)
        .bind::<Nullable<Timestamptz>, _>(from)
        .bind::<Nullable<Timestamptz>, _>(to)
        .bind::<Nullable<Text>, _>(search.keyword.as_deref().map(contains_pattern))
        .bind::<BigInt, _>(ask.page.offset)
        .bind::<BigInt, _>(ask.page.limit)
        .bind::<Bool, _>(ask.bidding_days)
        .bind::<BigInt, _>(ask.bidding_days_max)
        .get_result(conn)
        .await
}
