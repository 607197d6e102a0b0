//! The list of order sheets (`orderSheets`): the wholesaler's day view and
//! the florist's orders, in one statement (`day_view.sql`).

use super::{Field, Objects, Page, Shape, ViewJson, direction, statement};
use crate::orders::{Party, day_filter};
use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Bool, Nullable, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A sheet's live party (`u`) by the sheet's column, with business info
/// (`b`) only for the entitled: the viewer, an admin, or a party related to
/// the viewer's company (`k`, see day_view.sql).
macro_rules! party {
    ($column:literal) => {
        concat!(
            "(SELECT {object} FROM users u LEFT JOIN business_infos b ON b.user_id = u.id ",
            "AND b.deleted_at IS NULL AND $13 AND (u.id = $11 OR $12 OR EXISTS (SELECT FROM related_party(k.ids, u.id))) ",
            "WHERE u.id = s.",
            $column,
            " AND u.deleted_at IS NULL)"
        )
    };
}

/// The `[OrderSheet]` the statement answers (`s` a sheet, `oi`/`ci` its
/// lines' aggregates, `rr` its newest statement).
pub static ORDER_SHEET: Shape = Shape {
    type_name: "OrderSheet",
    fields: &[
        Field::int("id", "wire_int(s.id)"),
        Field::leaf("orderNo", "s.order_no"),
        Field::object("retailer", &USER, party!("retailer_id")),
        Field::object("wholesaler", &USER, party!("wholesaler_id")),
        // One page of the lines' array (its bounds are 32-bit: a page past a
        // billion lines is empty, never an error).
        Field::paged(
            "orderItems",
            &ORDER_ITEM,
            "coalesce('[' || array_to_string(oi.items[least($7 + 1, 1000000000) : least($7 + $8, 1000000000)], ',') || ']', '[]')",
        ),
        Field::paged(
            "customOrderItems",
            &CUSTOM_ORDER_ITEM,
            "coalesce('[' || array_to_string(ci.items[least($9 + 1, 1000000000) : least($9 + $10, 1000000000)], ',') || ']', '[]')",
        ),
        Field::int(
            "totalFlowerQuantity",
            "wire_int(coalesce(oi.quantity, 0) + coalesce(ci.quantity, 0))",
        ),
        Field::int(
            "totalFlowerTypeCount",
            "wire_int(coalesce(oi.types, 0) + coalesce(ci.types, 0))",
        ),
        Field::int(
            "totalFlowerPrice",
            "wire_int(coalesce(oi.price, 0) + coalesce(ci.price, 0))",
        ),
        Field::boolean("hasReceipt", "rr.id IS NOT NULL"),
        Field::object(
            "recentReceipt",
            &RECEIPT,
            "CASE WHEN rr.id IS NOT NULL THEN {object} END",
        ),
        Field::boolean("isPriceUpdated", "s.price_updated_at IS NOT NULL"),
        Field::leaf("memo", "s.memo"),
        Field::leaf("createdAt", "wire_local_date(s.created_at)"),
        Field::leaf("updatedAt", "wire_local_date(s.updated_at)"),
        Field::leaf("deletedAt", "NULL"),
    ],
};

static USER: Shape = Shape {
    type_name: "User",
    fields: &[
        Field::int("id", "wire_int(u.id)"),
        Field::leaf("belongsTo", "u.belongs_to"),
        Field::leaf("name", "u.name"),
        Field::object(
            "businessInfo",
            &BUSINESS_INFO,
            "CASE WHEN b.id IS NOT NULL THEN {object} END",
        ),
        Field::leaf("applyStatus", "NULL"),
        Field::leaf("bizConnectionId", "NULL"),
        Field::leaf("deletedAt", "NULL"),
    ],
};

static BUSINESS_INFO: Shape = Shape {
    type_name: "BusinessInfo",
    fields: &[
        Field::int("id", "wire_int(b.id)"),
        Field::leaf("companyName", "b.company_name"),
        Field::leaf("companyPhoneNo", "b.company_phone_no"),
        Field::leaf("employerName", "b.employer_name"),
        Field::leaf("address", "b.address"),
        Field::leaf("businessNo", "b.business_no"),
        Field::leaf("businessMainCategory", "b.business_main_category"),
        Field::leaf("businessSubCategory", "b.business_sub_category"),
        Field::leaf("sealStampImgUrl", "b.seal_stamp_img_url"),
        Field::leaf("bankAccount", "b.bank_account"),
        Field::leaf("createdAt", "wire_local_date(b.created_at)"),
        Field::leaf("deletedAt", "NULL"),
        Field::leaf("updatedAt", "wire_local_date(b.updated_at)"),
    ],
};

/// A line (`l`: the line with its flower's columns).
static ORDER_ITEM: Shape = Shape {
    type_name: "OrderItem",
    fields: &[
        Field::int("id", "wire_int(l.id)"),
        Field::object("flower", &FLOWER, "{object}"),
        Field::int("quantity", "l.quantity"),
        Field::leaf("grade", "wire_grade(l.grade)"),
        Field::int("price", "l.price"),
        Field::leaf("createdAt", "wire_local_date(l.created_at)"),
        Field::leaf("updatedAt", "wire_local_date(l.updated_at)"),
        Field::leaf("deletedAt", "NULL"),
        Field::leaf("memo", "l.memo"),
    ],
};

static FLOWER: Shape = Shape {
    type_name: "Flower",
    fields: &[
        Field::int("id", "wire_int(l.flower_id)"),
        Field::object("flowerType", &FLOWER_TYPE, "{object}"),
        Field::leaf("name", "l.flower_name"),
        Field::leaf("images", "coalesce(array_remove(l.images, NULL), '{}')"),
        Field::object(
            "flowerColor",
            &FLOWER_COLOR,
            "CASE WHEN l.color_id IS NOT NULL THEN {object} END",
        ),
    ],
};

static FLOWER_TYPE: Shape = Shape {
    type_name: "FlowerType",
    fields: &[
        Field::int("id", "wire_int(l.flower_type_id)"),
        Field::leaf("name", "l.type_name"),
        Field::leaf("imgUrl", "l.type_img_url"),
    ],
};

static FLOWER_COLOR: Shape = Shape {
    type_name: "FlowerColor",
    fields: &[
        Field::int("id", "wire_int(l.color_id)"),
        Field::leaf("name", "l.color_name"),
    ],
};

static CUSTOM_ORDER_ITEM: Shape = Shape {
    type_name: "CustomOrderItem",
    fields: &[
        Field::int("id", "wire_int(l.id)"),
        Field::leaf("flowerName", "l.flower_name"),
        Field::leaf("flowerTypeName", "l.flower_type_name"),
        Field::int("quantity", "l.quantity"),
        Field::leaf("grade", "wire_grade(l.grade)"),
        Field::int("price", "l.price"),
        Field::leaf("createdAt", "wire_local_date(l.created_at)"),
        Field::leaf("updatedAt", "wire_local_date(l.updated_at)"),
        Field::leaf("deletedAt", "NULL"),
    ],
};

static RECEIPT: Shape = Shape {
    type_name: "OrderSheetReceipt",
    fields: &[
        Field::int("id", "wire_int(rr.id)"),
        Field::leaf("fileName", "rr.file_name"),
        Field::leaf("filePath", "rr.file_path"),
        Field::leaf("fileFormat", "rr.file_format"),
        Field::leaf("metadata", "rr.metadata"),
        Field::leaf("createdAt", "wire_local_date(rr.created_at)"),
        Field::leaf("updatedAt", "wire_local_date(rr.updated_at)"),
        Field::leaf("deletedAt", "NULL"),
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
pub struct DayViewAsk<'a> {
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
    /// The JSON objects to build (only the fields asked).
    pub objects: &'a Objects,
}

const SQL: &str = include_str!("day_view.sql");

pub async fn read(
    conn: &mut AsyncPgConnection,
    ask: &DayViewAsk<'_>,
) -> diesel::QueryResult<ViewJson> {
    let sql = ORDER_SHEET.fill(
        SQL,
        ask.objects,
        &[
            ("party", ask.party.filter()),
            ("day", day_filter(ask.day)),
            ("direction", direction(ask.sheets.descending)),
            ("lines_direction", direction(ask.lines.descending)),
            (
                "custom_lines_direction",
                direction(ask.custom_lines.descending),
            ),
        ],
    );
    let (retailer, wholesaler) = ask.party.bind();
    let (from, to) = ask.day.map_or((None, None), |(f, t)| (Some(f), Some(t)));
    statement(sql)
        .bind::<Nullable<BigInt>, _>(retailer)
        .bind::<Nullable<BigInt>, _>(wholesaler)
        .bind::<Nullable<Timestamptz>, _>(from)
        .bind::<Nullable<Timestamptz>, _>(to)
        .bind::<BigInt, _>(ask.sheets.offset)
        .bind::<BigInt, _>(ask.sheets.limit)
        .bind::<BigInt, _>(ask.lines.offset)
        .bind::<BigInt, _>(ask.lines.limit)
        .bind::<BigInt, _>(ask.custom_lines.offset)
        .bind::<BigInt, _>(ask.custom_lines.limit)
        .bind::<BigInt, _>(ask.viewer.user_id)
        .bind::<Bool, _>(ask.viewer.is_admin)
        .bind::<Bool, _>(ask.business_info)
        .get_result(conn)
        .await
}
