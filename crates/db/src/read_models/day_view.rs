//! The list of order sheets (`orderSheets`): the wholesaler's day view and
//! the florist's orders, in one statement (`day_view.sql`).

use super::{Field, Page, Shape, ViewJson, direction};
use crate::orders::{Party, day_filter};
use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Bool, Nullable, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The `[OrderSheet]` the statement answers.
pub static ORDER_SHEET: Shape = Shape {
    type_name: "OrderSheet",
    fields: &[
        ("id", Field::Leaf),
        ("orderNo", Field::Leaf),
        ("retailer", Field::Object(&USER)),
        ("wholesaler", Field::Object(&USER)),
        ("orderItems", Field::Paged(&ORDER_ITEM)),
        ("customOrderItems", Field::Paged(&CUSTOM_ORDER_ITEM)),
        ("totalFlowerQuantity", Field::Leaf),
        ("totalFlowerTypeCount", Field::Leaf),
        ("totalFlowerPrice", Field::Leaf),
        ("hasReceipt", Field::Leaf),
        ("recentReceipt", Field::Object(&RECEIPT)),
        ("isPriceUpdated", Field::Leaf),
        ("memo", Field::Leaf),
        ("createdAt", Field::Leaf),
        ("updatedAt", Field::Leaf),
        ("deletedAt", Field::Leaf),
    ],
};

static USER: Shape = Shape {
    type_name: "User",
    fields: &[
        ("id", Field::Leaf),
        ("belongsTo", Field::Leaf),
        ("name", Field::Leaf),
        ("businessInfo", Field::Object(&BUSINESS_INFO)),
        ("applyStatus", Field::Leaf),
        ("bizConnectionId", Field::Leaf),
        ("deletedAt", Field::Leaf),
    ],
};

static BUSINESS_INFO: Shape = Shape {
    type_name: "BusinessInfo",
    fields: &[
        ("id", Field::Leaf),
        ("companyName", Field::Leaf),
        ("companyPhoneNo", Field::Leaf),
        ("employerName", Field::Leaf),
        ("address", Field::Leaf),
        ("businessNo", Field::Leaf),
        ("businessMainCategory", Field::Leaf),
        ("businessSubCategory", Field::Leaf),
        ("sealStampImgUrl", Field::Leaf),
        ("bankAccount", Field::Leaf),
        ("createdAt", Field::Leaf),
        ("deletedAt", Field::Leaf),
        ("updatedAt", Field::Leaf),
    ],
};

static ORDER_ITEM: Shape = Shape {
    type_name: "OrderItem",
    fields: &[
        ("id", Field::Leaf),
        ("flower", Field::Object(&FLOWER)),
        ("quantity", Field::Leaf),
        ("grade", Field::Leaf),
        ("price", Field::Leaf),
        ("createdAt", Field::Leaf),
        ("updatedAt", Field::Leaf),
        ("deletedAt", Field::Leaf),
        ("memo", Field::Leaf),
    ],
};

static FLOWER: Shape = Shape {
    type_name: "Flower",
    fields: &[
        ("id", Field::Leaf),
        ("flowerType", Field::Object(&FLOWER_TYPE)),
        ("name", Field::Leaf),
        ("images", Field::Leaf),
        ("flowerColor", Field::Object(&FLOWER_COLOR)),
    ],
};

pub(super) static FLOWER_TYPE: Shape = Shape {
    type_name: "FlowerType",
    fields: &[
        ("id", Field::Leaf),
        ("name", Field::Leaf),
        ("imgUrl", Field::Leaf),
    ],
};

pub(super) static FLOWER_COLOR: Shape = Shape {
    type_name: "FlowerColor",
    fields: &[("id", Field::Leaf), ("name", Field::Leaf)],
};

static CUSTOM_ORDER_ITEM: Shape = Shape {
    type_name: "CustomOrderItem",
    fields: &[
        ("id", Field::Leaf),
        ("flowerName", Field::Leaf),
        ("flowerTypeName", Field::Leaf),
        ("quantity", Field::Leaf),
        ("grade", Field::Leaf),
        ("price", Field::Leaf),
        ("createdAt", Field::Leaf),
        ("updatedAt", Field::Leaf),
        ("deletedAt", Field::Leaf),
    ],
};

static RECEIPT: Shape = Shape {
    type_name: "OrderSheetReceipt",
    fields: &[
        ("id", Field::Leaf),
        ("fileName", Field::Leaf),
        ("filePath", Field::Leaf),
        ("fileFormat", Field::Leaf),
        ("metadata", Field::Leaf),
        ("createdAt", Field::Leaf),
        ("updatedAt", Field::Leaf),
        ("deletedAt", Field::Leaf),
    ],
};

/// Who asks, for the privacy rule on business info.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub user_id: i64,
    pub is_admin: bool,
}

/// One request of the view: whose sheets, which page, and what of them.
#[derive(Debug, Clone, Copy)]
pub struct DayViewAsk {
    pub party: Party,
    /// A KST day [from, to), or every day.
    pub day: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub sheets: Page,
    /// [`Page::NONE`] when the lines are not asked.
    pub lines: Page,
    pub custom_lines: Page,
    pub viewer: Viewer,
    /// Whether a party's `businessInfo` is asked (the privacy check runs only then).
    pub business_info: bool,
    /// Whether any `createdAt`/`updatedAt` is asked.
    pub dates: bool,
}

const SQL: &str = include_str!("day_view.sql");

pub async fn read(conn: &mut AsyncPgConnection, ask: &DayViewAsk) -> diesel::QueryResult<ViewJson> {
    let sql = SQL
        .replace("{party}", ask.party.filter())
        .replace("{day}", day_filter(ask.day))
        .replace("{direction}", direction(ask.sheets.descending));
    let (retailer, wholesaler) = ask.party.bind();
    let (from, to) = ask.day.map_or((None, None), |(f, t)| (Some(f), Some(t)));
    crate::statement::prepared(sql)
        .bind::<Nullable<BigInt>, _>(retailer)
        .bind::<Nullable<BigInt>, _>(wholesaler)
        .bind::<Nullable<Timestamptz>, _>(from)
        .bind::<Nullable<Timestamptz>, _>(to)
        .bind::<BigInt, _>(ask.sheets.offset)
        .bind::<BigInt, _>(ask.sheets.limit)
        .bind::<BigInt, _>(ask.lines.offset)
        .bind::<BigInt, _>(ask.lines.limit)
        .bind::<Bool, _>(ask.lines.descending)
        .bind::<BigInt, _>(ask.custom_lines.offset)
        .bind::<BigInt, _>(ask.custom_lines.limit)
        .bind::<Bool, _>(ask.custom_lines.descending)
        .bind::<BigInt, _>(ask.viewer.user_id)
        .bind::<Bool, _>(ask.viewer.is_admin)
        .bind::<Bool, _>(ask.business_info)
        .bind::<Bool, _>(ask.dates)
        .get_result(conn)
        .await
}
