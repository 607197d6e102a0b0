//! What is read from each original table and how it lands in ours.
//!
//! Every table is first copied as it is into a temporary staging table
//! (`import_<name>`) in the target transaction, the anomaly rules
//! (`rules.rs`) then fix or remove rows there with set-based SQL, and one
//! `INSERT … SELECT` per table moves the result into the real table. Staging
//! keeps the two databases' work to two streams (COPY out, COPY in) and lets
//! PostgreSQL do the checks that would otherwise be row-by-row Rust.

/// Staging type of a column. Every time column is staged as `timestamptz`:
/// the source SELECT turns Hibernate's KST wall-clock `timestamp` into an
/// instant (`AT TIME ZONE 'Asia/Seoul'`) and passes GORM's `timestamptz` as it is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Int8,
    Int4,
    Text,
    Bool,
    Time,
    TextArray,
}

impl Kind {
    pub fn sql(self) -> &'static str {
        match self {
            Kind::Int8 => "bigint",
            Kind::Int4 => "integer",
            Kind::Text => "text",
            Kind::Bool => "boolean",
            Kind::Time => "timestamptz",
            Kind::TextArray => "text[]",
        }
    }
}

pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// Missing in the source → the source is not an original database. An
    /// optional column (added or dropped over the original's life) reads as NULL.
    pub required: bool,
}

pub struct Table {
    pub name: &'static str,
    /// A missing optional table reads as empty (e.g. a database from before
    /// auction results existed); a missing required one is refused.
    pub required: bool,
    pub columns: &'static [Column],
    /// Moves the staged rows into our table.
    pub insert: &'static str,
}

const fn req(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: false,
    }
}

use Kind::{Bool, Int4, Int8, Text, TextArray, Time};

/// A table's own columns followed by the audit columns (created_at,
/// updated_at, deleted_at) that every table but the batch log has.
macro_rules! with_audit {
    ($($c:expr),* $(,)?) => {
        [
            $($c,)*
            req("created_at", Time),
            req("updated_at", Time),
            req("deleted_at", Time),
        ]
    };
}

// `id` is kept everywhere: ids are what clients, order numbers and the other
// tables refer to.
pub const TABLES: &[Table] = &[
    Table {
        name: "users",
        required: true,
        columns: &with_audit![req("id", Int8), opt("belongs_to", Text), req("name", Text)],
        insert: "INSERT INTO users (id, belongs_to, name, created_at, updated_at, deleted_at)
                 SELECT id, belongs_to, name, created_at, updated_at, deleted_at FROM import_users",
    },
    Table {
        name: "user_credentials",
        required: true,
        columns: &with_audit![
                req("id", Int8),
                req("user_id", Int8),
                req("role", Text),
                req("phone_no", Text),
                req("password", Text)
            ],
        insert: "INSERT INTO user_credentials (id, user_id, role, phone_no, password, created_at, updated_at, deleted_at)
                 SELECT id, user_id, role, phone_no, password, created_at, updated_at, deleted_at
                 FROM import_user_credentials",
    },
    Table {
        name: "business_infos",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("user_id", Int8),
                req("company_name", Text),
                req("company_phone_no", Text),
                req("employer_name", Text),
                req("address", Text),
                req("business_no", Text),
                req("business_main_category", Text),
                req("business_sub_category", Text),
                req("seal_stamp_img_url", Text),
                req("bank_account", Text)
            ],
        insert: "INSERT INTO business_infos (id, user_id, company_name, company_phone_no, employer_name,
                     address, business_no, business_main_category, business_sub_category,
                     seal_stamp_img_url, bank_account, created_at, updated_at, deleted_at)
                 SELECT id, user_id, coalesce(company_name, ''), coalesce(company_phone_no, ''),
                     coalesce(employer_name, ''), coalesce(address, ''), coalesce(business_no, ''),
                     coalesce(business_main_category, ''), coalesce(business_sub_category, ''),
                     coalesce(seal_stamp_img_url, ''), coalesce(bank_account, ''),
                     created_at, updated_at, deleted_at
                 FROM import_business_infos",
    },
    Table {
        name: "biz_connections",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("retailer_id", Int8),
                req("wholesaler_id", Int8),
                req("apply_status", Text)
            ],
        insert: "INSERT INTO biz_connections (id, retailer_id, wholesaler_id, apply_status, created_at, updated_at, deleted_at)
                 SELECT id, retailer_id, wholesaler_id, apply_status, created_at, updated_at, deleted_at
                 FROM import_biz_connections",
    },
    Table {
        name: "wholesaler_connections",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("employer_id", Int8),
                req("employee_id", Int8)
            ],
        // The original had no consent step: its links were live, so they are
        // APPROVED (as the consent migration did for links of that time).
        insert: "INSERT INTO wholesaler_connections (id, employer_id, employee_id, status, created_at, updated_at, deleted_at)
                 SELECT id, employer_id, employee_id, 'APPROVED', created_at, updated_at, deleted_at
                 FROM import_wholesaler_connections",
    },
    Table {
        name: "flower_types",
        required: true,
        columns: &with_audit![req("id", Int8), req("name", Text), opt("img_url", Text)],
        insert: "INSERT INTO flower_types (id, name, img_url, created_at, updated_at, deleted_at)
                 SELECT id, name, img_url, created_at, updated_at, deleted_at FROM import_flower_types",
    },
    Table {
        name: "flower_colors",
        required: false,
        columns: &with_audit![req("id", Int8), req("name", Text)],
        insert: "INSERT INTO flower_colors (id, name, created_at, updated_at, deleted_at)
                 SELECT id, name, created_at, updated_at, deleted_at FROM import_flower_colors",
    },
    Table {
        name: "flowers",
        required: true,
        columns: &with_audit![
                req("id", Int8),
                req("name", Text),
                opt("images", TextArray),
                req("flower_type_id", Int8),
                opt("flower_color_id", Int8)
            ],
        insert: "INSERT INTO flowers (id, name, images, flower_type_id, flower_color_id, created_at, updated_at, deleted_at)
                 SELECT id, name, images, flower_type_id, flower_color_id, created_at, updated_at, deleted_at
                 FROM import_flowers",
    },
    Table {
        name: "bidding_flowers",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("flower_id", Int8),
                req("bidding_date", Time)
            ],
        insert: "INSERT INTO bidding_flowers (id, flower_id, bidding_date, created_at, updated_at, deleted_at)
                 SELECT id, flower_id, bidding_date, created_at, updated_at, deleted_at FROM import_bidding_flowers",
    },
    Table {
        name: "shopping_sessions",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("retailer_id", Int8),
                req("wholesaler_id", Int8),
                opt("memo", Text)
            ],
        insert: "INSERT INTO shopping_sessions (id, retailer_id, wholesaler_id, memo, created_at, updated_at, deleted_at)
                 SELECT id, retailer_id, wholesaler_id, memo, created_at, updated_at, deleted_at
                 FROM import_shopping_sessions",
    },
    Table {
        name: "cart_items",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("session_id", Int8),
                req("retailer_id", Int8),
                req("wholesaler_id", Int8),
                req("flower_id", Int8),
                req("quantity", Int4),
                req("grade", Text),
                opt("ordered_at", Time),
                opt("memo", Text)
            ],
        insert: "INSERT INTO cart_items (id, session_id, retailer_id, wholesaler_id, flower_id, quantity, grade,
                     ordered_at, memo, created_at, updated_at, deleted_at)
                 SELECT id, session_id, retailer_id, wholesaler_id, flower_id, quantity, grade,
                     ordered_at, memo, created_at, updated_at, deleted_at
                 FROM import_cart_items",
    },
    Table {
        name: "order_sheets",
        required: true,
        columns: &with_audit![
                req("id", Int8),
                req("order_no", Text),
                req("retailer_id", Int8),
                req("wholesaler_id", Int8),
                opt("price_updated_at", Time),
                opt("memo", Text)
            ],
        insert: "INSERT INTO order_sheets (id, order_no, retailer_id, wholesaler_id, price_updated_at, memo,
                     created_at, updated_at, deleted_at)
                 SELECT id, order_no, retailer_id, wholesaler_id, price_updated_at, memo,
                     created_at, updated_at, deleted_at
                 FROM import_order_sheets",
    },
    Table {
        name: "order_items",
        required: true,
        columns: &with_audit![
                req("id", Int8),
                req("order_sheet_id", Int8),
                req("retailer_id", Int8),
                req("wholesaler_id", Int8),
                req("flower_id", Int8),
                req("quantity", Int4),
                req("grade", Text),
                req("price", Int4),
                opt("memo", Text)
            ],
        insert: "INSERT INTO order_items (id, order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity,
                     grade, price, memo, created_at, updated_at, deleted_at)
                 SELECT id, order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity,
                     grade, price, memo, created_at, updated_at, deleted_at
                 FROM import_order_items",
    },
    Table {
        name: "custom_order_items",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("order_sheet_id", Int8),
                req("retailer_id", Int8),
                req("wholesaler_id", Int8),
                req("flower_name", Text),
                req("flower_type_name", Text),
                req("quantity", Int4),
                req("grade", Text),
                req("price", Int4)
            ],
        insert: "INSERT INTO custom_order_items (id, order_sheet_id, retailer_id, wholesaler_id, flower_name,
                     flower_type_name, quantity, grade, price, created_at, updated_at, deleted_at)
                 SELECT id, order_sheet_id, retailer_id, wholesaler_id, flower_name,
                     flower_type_name, quantity, grade, price, created_at, updated_at, deleted_at
                 FROM import_custom_order_items",
    },
    Table {
        name: "daily_order_items",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("wholesaler_id", Int8),
                req("flower_id", Int8),
                req("grade", Text),
                req("price", Int4)
            ],
        // order_date: the original's logical key was DATE(created_at) in KST.
        insert: "INSERT INTO daily_order_items (id, wholesaler_id, flower_id, grade, price, order_date,
                     created_at, updated_at, deleted_at)
                 SELECT id, wholesaler_id, flower_id, grade, price, (created_at AT TIME ZONE 'Asia/Seoul')::date,
                     created_at, updated_at, deleted_at
                 FROM import_daily_order_items",
    },
    Table {
        name: "order_sheet_receipts",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("order_sheet_id", Int8),
                req("file_name", Text),
                req("file_path", Text),
                req("file_format", Text),
                opt("metadata", Text)
            ],
        // The PDFs stay in the original's storage: file_path keeps linking to
        // them. storage_key names where the object would be in ours, under
        // original/, so it can never collide with a statement we issue.
        insert: "INSERT INTO order_sheet_receipts (id, order_sheet_id, file_name, file_path, file_format,
                     metadata, storage_key, created_at, updated_at, deleted_at)
                 SELECT id, order_sheet_id, coalesce(file_name, ''), coalesce(file_path, ''),
                     coalesce(file_format, ''), coalesce(metadata, '{}'),
                     'original/' || coalesce(nullif(regexp_replace(coalesce(file_path, ''), '^[A-Za-z]+://[^/]*/?', ''), ''),
                                             nullif(file_name, ''), id::text),
                     created_at, updated_at, deleted_at
                 FROM import_order_sheet_receipts",
    },
    Table {
        name: "batch_cart_to_order_logs",
        required: false,
        columns: &[
            req("id", Int8),
            req("cart_item_count", Int4),
            req("order_sheet_count", Int4),
            req("order_item_count", Int4),
            req("err_logs", Text),
            req("created_at", Time),
            req("updated_at", Time),
        ],
        // The original logged errors as text only: none means the run succeeded.
        insert: "INSERT INTO batch_cart_to_order_logs (id, cart_item_count, order_sheet_count, order_item_count,
                     err_logs, status, finished_at, created_at, updated_at)
                 SELECT id, coalesce(cart_item_count, 0), coalesce(order_sheet_count, 0),
                     coalesce(order_item_count, 0), coalesce(err_logs, ''),
                     CASE WHEN coalesce(err_logs, '') = '' THEN 'SUCCESS' ELSE 'FAILURE' END,
                     updated_at, created_at, updated_at
                 FROM import_batch_cart_to_order_logs",
    },
    Table {
        name: "auction_results",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("flower_name", Text),
                req("flower_type_name", Text),
                req("flower_grade", Text),
                req("box_count", Int4),
                req("flower_count", Int4),
                req("price", Int4),
                req("total_price", Int4),
                req("serial_code", Text),
                opt("shipper", Text),
                req("wholesaler_id", Int8),
                req("auction_date", Int4),
                req("retail_price", Int4),
                req("is_sold_out", Bool)
            ],
        insert: "INSERT INTO auction_results (id, flower_name, flower_type_name, flower_grade, box_count,
                     flower_count, price, total_price, serial_code, shipper, wholesaler_id, auction_date,
                     retail_price, is_sold_out, created_at, updated_at, deleted_at)
                 SELECT id, flower_name, flower_type_name, coalesce(flower_grade, ''), box_count,
                     flower_count, price, total_price, serial_code, shipper, wholesaler_id, auction_date,
                     retail_price, coalesce(is_sold_out, false), created_at, updated_at, deleted_at
                 FROM import_auction_results",
    },
    Table {
        name: "public_bidding_flowers",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("flower_type", Text),
                req("flower_name", Text),
                req("grade", Text),
                req("quantity", Int8),
                req("max_price", Int8),
                req("min_price", Int8),
                req("avg_price", Int8),
                req("total_price", Int8),
                req("bid_date", Time)
            ],
        // The Go scheduler parsed saleDate as UTC midnight and fetched cut
        // flowers (flowerGubn 1) only.
        insert: "INSERT INTO public_bidding_flowers (id, flower_type, flower_name, grade, quantity, max_price,
                     min_price, avg_price, total_price, bid_date, sale_date, flower_gubn,
                     created_at, updated_at, deleted_at)
                 SELECT id, coalesce(flower_type, ''), coalesce(flower_name, ''), coalesce(grade, ''),
                     coalesce(quantity, 0), coalesce(max_price, 0), coalesce(min_price, 0),
                     coalesce(avg_price, 0), coalesce(total_price, 0), bid_date,
                     (bid_date AT TIME ZONE 'UTC')::date, 1, created_at, updated_at, deleted_at
                 FROM import_public_bidding_flowers",
    },
    Table {
        name: "flower_batch_upload_logs",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("success", Int8),
                req("failure", Int8),
                req("total", Int8),
                req("err_logs", Text)
            ],
        insert: "INSERT INTO flower_batch_upload_logs (id, success, failure, total, err_logs, created_at, updated_at, deleted_at)
                 SELECT id, coalesce(success, 0), coalesce(failure, 0), coalesce(total, 0), coalesce(err_logs, ''),
                     created_at, updated_at, deleted_at
                 FROM import_flower_batch_upload_logs",
    },
    Table {
        name: "flower_batch_process_logs",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("new_flower_count", Int8),
                req("new_flower_type_count", Int8),
                req("affected_flower_count", Int8),
                req("status", Text),
                req("err_logs", Text)
            ],
        // The original wrote SUCCESS or FAILURE; anything else is not a
        // finished success, so it is kept as FAILURE.
        insert: "INSERT INTO flower_batch_process_logs (id, new_flower_count, new_flower_type_count,
                     affected_flower_count, status, err_logs, finished_at, created_at, updated_at, deleted_at)
                 SELECT id, coalesce(new_flower_count, 0), coalesce(new_flower_type_count, 0),
                     coalesce(affected_flower_count, 0),
                     CASE WHEN status = 'SUCCESS' THEN 'SUCCESS' ELSE 'FAILURE' END,
                     coalesce(err_logs, ''), updated_at, created_at, updated_at, deleted_at
                 FROM import_flower_batch_process_logs",
    },
    Table {
        name: "send_sms_logs",
        required: false,
        columns: &with_audit![
                req("id", Int8),
                req("to", Text),
                req("message", Text),
                req("status", Text),
                req("err_logs", Text)
            ],
        insert: "INSERT INTO send_sms_logs (id, \"to\", message, status, err_logs, created_at, updated_at, deleted_at)
                 SELECT id, coalesce(\"to\", ''), coalesce(message, ''),
                     CASE WHEN status = 'FAILURE' THEN 'FAILURE' ELSE 'SUCCESS' END,
                     coalesce(err_logs, ''), created_at, updated_at, deleted_at
                 FROM import_send_sms_logs",
    },
];

/// Original tables read only to be counted in the report: what is not carried.
pub const NOT_CARRIED: &[(&str, &str)] = &[
    (
        "auth_tokens",
        "refresh tokens are not carried: everyone signs in again",
    ),
    (
        "carts",
        "legacy cart table from before Feb 2023, unused by the original",
    ),
];

/// Tables of ours that must be empty before an import (every table it writes).
pub fn target_tables() -> impl Iterator<Item = &'static str> {
    TABLES.iter().map(|t| t.name)
}
