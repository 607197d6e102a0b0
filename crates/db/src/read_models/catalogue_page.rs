//! A page of the catalogue (`flowers`), in one statement (`catalogue_page.sql`).

use super::{Field, Objects, Page, Shape, ViewJson, direction, statement};
use crate::catalogue::{FlowerSearch, contains_pattern, search_filters};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The `FlowersOutput` the statement answers (`f` a flower of the page,
/// `t`/`c` its type and colour, `b` its auction days).
pub static FLOWERS_OUTPUT: Shape = Shape {
    type_name: "FlowersOutput",
    fields: &[
        // A page past the end has no rows to carry the count: count then.
        Field::int(
            "resultCount",
            "wire_int(coalesce(max(f.total), (SELECT count(*) FROM matched)))",
        ),
        Field::list(
            "items",
            &FLOWER,
            "'[' || coalesce(string_agg({Flower}, ',' ORDER BY f.position), '') || ']'",
        ),
    ],
};

static FLOWER: Shape = Shape {
    type_name: "Flower",
    fields: &[
        Field::int("id", "wire_int(f.id)"),
        Field::object(
            "flowerType",
            &FLOWER_TYPE,
            "CASE WHEN t.id IS NOT NULL THEN {object} END",
        ),
        Field::leaf("name", "f.name"),
        Field::leaf("images", "coalesce(array_remove(f.images, NULL), '{}')"),
        Field::list("biddingFlowers", &BIDDING_FLOWER, "coalesce(b.days, '[]')"),
        Field::object(
            "flowerColor",
            &FLOWER_COLOR,
            "CASE WHEN c.id IS NOT NULL THEN {object} END",
        ),
    ],
};

static FLOWER_TYPE: Shape = Shape {
    type_name: "FlowerType",
    fields: &[
        Field::int("id", "wire_int(t.id)"),
        Field::leaf("name", "t.name"),
        Field::leaf("imgUrl", "t.img_url"),
    ],
};

static FLOWER_COLOR: Shape = Shape {
    type_name: "FlowerColor",
    fields: &[
        Field::int("id", "wire_int(c.id)"),
        Field::leaf("name", "c.name"),
    ],
};

/// An auction day (`d`).
static BIDDING_FLOWER: Shape = Shape {
    type_name: "BiddingFlower",
    fields: &[
        Field::int("id", "wire_int(d.id)"),
        Field::leaf("biddingDate", "wire_local_date(d.bidding_date)"),
    ],
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
pub struct CataloguePageAsk<'a> {
    pub listing: Listing,
    pub page: Page,
    /// The JSON objects to build (only the fields asked).
    pub objects: &'a Objects,
    /// The most auction days a flower answers (its latest); 0 reads none.
    pub bidding_days_max: i64,
}

const SQL: &str = include_str!("catalogue_page.sql");

pub async fn read(
    conn: &mut AsyncPgConnection,
    ask: &CataloguePageAsk<'_>,
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
    let by_keyword = search.keyword.is_some();
    let types = if by_keyword {
        "JOIN flower_types t ON t.id = f.flower_type_id"
    } else {
        ""
    };
    let filters = search_filters(search.bidding_between.is_some(), by_keyword);
    let sql = FLOWERS_OUTPUT.fill(
        SQL,
        ask.objects,
        &[("types", types), ("filters", &filters), ("order", &order)],
    );
    let (from, to) = search.bidding_between.unzip();
    statement(sql)
        .bind::<Nullable<Timestamptz>, _>(from)
        .bind::<Nullable<Timestamptz>, _>(to)
        .bind::<Nullable<Text>, _>(search.keyword.as_deref().map(contains_pattern))
        .bind::<BigInt, _>(ask.page.offset)
        .bind::<BigInt, _>(ask.page.limit)
        .bind::<BigInt, _>(ask.bidding_days_max)
        .get_result(conn)
        .await
}
