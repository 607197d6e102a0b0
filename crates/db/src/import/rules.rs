//! What happens to original rows that our constraints refuse. The original
//! enforced its uniqueness rules in application code (and raced), kept no
//! checks on prices or grades, and its plain-column references can point at
//! nothing; the rebuild enforces all of these in the schema. Nothing is
//! dropped silently: every rule counts its rows into the report.
//!
//! Three kinds of rule, chosen per class:
//! * **keep newest, soft-delete the rest** where two live rows compete for one
//!   place (a phone number, a cart line, a pair's application, a sheet's 배송비
//!   line, …): the newest (created_at, then id) stays live, the others are
//!   kept as history with `deleted_at` = the import time, as if removed then;
//! * **fix** a value that has a safe reading (a negative price becomes NULL,
//!   "not priced yet"; a duplicate order number gets the row's id appended);
//! * **skip** (report, do not import) a row that cannot exist in our schema:
//!   an orphan whose parent is missing or was skipped, an unknown role, a
//!   non-positive quantity, a grade that is not 상/중/하.
//!
//! Rules run on the staging tables in dependency order, parents first, so an
//! orphan check sees the parents that survived their own rules.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Skipped,
    SoftDeleted,
    Fixed,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Skipped => "skipped",
            Action::SoftDeleted => "soft-deleted",
            Action::Fixed => "fixed",
        }
    }
}

pub struct Rule {
    pub table: &'static str,
    pub name: &'static str,
    pub action: Action,
    pub sql: &'static str,
}

const fn rule(table: &'static str, name: &'static str, action: Action, sql: &'static str) -> Rule {
    Rule {
        table,
        name,
        action,
        sql,
    }
}

use Action::{Fixed, Skipped, SoftDeleted};

/// Rule names shared by several tables (the report groups by table and rule).
pub const ORPHAN: &str = "orphan (its parent is missing or skipped)";
pub const DANGLING: &str = "reference to a missing row cleared";
pub const NEGATIVE_PRICE: &str = "negative price cleared (not priced)";
pub const DUPLICATE_PHONE: &str = "duplicate live phone number";
pub const DUPLICATE_CART_LINE: &str = "duplicate live cart line";
pub const DUPLICATE_APPLICATION: &str = "two live applications for one pair";
pub const SECOND_SHIPPING_FEE: &str = "second live 배송비 line of a sheet";
pub const DUPLICATE_ORDER_NO: &str = "duplicate order number (row id appended)";

pub const RULES: &[Rule] = &[
    // Accounts.
    rule(
        "users",
        "blank name (named '(이름 없음)')",
        Fixed,
        "UPDATE import_users SET name = '(이름 없음)' WHERE name IS NULL OR btrim(name) = ''",
    ),
    rule(
        "user_credentials",
        ORPHAN,
        Skipped,
        "DELETE FROM import_user_credentials c
         WHERE NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = c.user_id)",
    ),
    rule(
        "user_credentials",
        "unknown role, blank phone number or no password",
        Skipped,
        "DELETE FROM import_user_credentials
         WHERE role IS NULL OR role NOT IN ('RETAILER', 'WHOLESALER_EMPR', 'WHOLESALER_EMPE')
            OR phone_no IS NULL OR btrim(phone_no) = '' OR password IS NULL",
    ),
    rule(
        "user_credentials",
        DUPLICATE_PHONE,
        SoftDeleted,
        "UPDATE import_user_credentials SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY phone_no ORDER BY created_at DESC, id DESC) AS n
                             FROM import_user_credentials WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    rule(
        "user_credentials",
        "second live credential of an account",
        SoftDeleted,
        "UPDATE import_user_credentials SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS n
                             FROM import_user_credentials WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    rule(
        "business_infos",
        ORPHAN,
        Skipped,
        "DELETE FROM import_business_infos b
         WHERE NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = b.user_id)",
    ),
    rule(
        "business_infos",
        "second live business info of an account",
        SoftDeleted,
        "UPDATE import_business_infos SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS n
                             FROM import_business_infos WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    rule(
        "biz_connections",
        ORPHAN,
        Skipped,
        "DELETE FROM import_biz_connections c
         WHERE NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = c.retailer_id)
            OR NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = c.wholesaler_id)",
    ),
    rule(
        "biz_connections",
        "self-link or unknown status",
        Skipped,
        "DELETE FROM import_biz_connections
         WHERE retailer_id = wholesaler_id OR apply_status IS NULL
            OR apply_status NOT IN ('APPLYING', 'CONFIRMED', 'REJECTED')",
    ),
    rule(
        "biz_connections",
        DUPLICATE_APPLICATION,
        SoftDeleted,
        "UPDATE import_biz_connections SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY retailer_id, wholesaler_id
                                                           ORDER BY created_at DESC, id DESC) AS n
                             FROM import_biz_connections
                             WHERE deleted_at IS NULL AND apply_status <> 'REJECTED') d WHERE n > 1)",
    ),
    rule(
        "wholesaler_connections",
        ORPHAN,
        Skipped,
        "DELETE FROM import_wholesaler_connections c
         WHERE NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = c.employer_id)
            OR NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = c.employee_id)",
    ),
    rule(
        "wholesaler_connections",
        "self-link",
        Skipped,
        "DELETE FROM import_wholesaler_connections WHERE employer_id = employee_id",
    ),
    rule(
        "wholesaler_connections",
        "second live employer of an employee",
        SoftDeleted,
        "UPDATE import_wholesaler_connections SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY employee_id ORDER BY created_at DESC, id DESC) AS n
                             FROM import_wholesaler_connections WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    // Catalogue.
    rule(
        "flower_types",
        "blank name",
        Skipped,
        "DELETE FROM import_flower_types WHERE name IS NULL OR btrim(name) = ''",
    ),
    rule(
        "flower_types",
        "duplicate live name",
        SoftDeleted,
        "UPDATE import_flower_types SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY name ORDER BY created_at DESC, id DESC) AS n
                             FROM import_flower_types WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    rule(
        "flower_colors",
        "blank name",
        Skipped,
        "DELETE FROM import_flower_colors WHERE name IS NULL OR btrim(name) = ''",
    ),
    rule(
        "flower_colors",
        "duplicate live name",
        SoftDeleted,
        "UPDATE import_flower_colors SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY name ORDER BY created_at DESC, id DESC) AS n
                             FROM import_flower_colors WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    rule(
        "flowers",
        "blank name",
        Skipped,
        "DELETE FROM import_flowers WHERE name IS NULL OR btrim(name) = ''",
    ),
    rule(
        "flowers",
        ORPHAN,
        Skipped,
        "DELETE FROM import_flowers f
         WHERE NOT EXISTS (SELECT 1 FROM import_flower_types t WHERE t.id = f.flower_type_id)",
    ),
    rule(
        "flowers",
        DANGLING,
        Fixed,
        "UPDATE import_flowers f SET flower_color_id = NULL
         WHERE flower_color_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM import_flower_colors c WHERE c.id = f.flower_color_id)",
    ),
    rule(
        "flowers",
        "duplicate live name within a type",
        SoftDeleted,
        "UPDATE import_flowers SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY flower_type_id, name
                                                           ORDER BY created_at DESC, id DESC) AS n
                             FROM import_flowers WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    rule(
        "bidding_flowers",
        ORPHAN,
        Skipped,
        "DELETE FROM import_bidding_flowers b
         WHERE NOT EXISTS (SELECT 1 FROM import_flowers f WHERE f.id = b.flower_id)",
    ),
    rule(
        "bidding_flowers",
        "no bidding date",
        Skipped,
        "DELETE FROM import_bidding_flowers WHERE bidding_date IS NULL",
    ),
    rule(
        "bidding_flowers",
        "duplicate live flower and bidding time",
        SoftDeleted,
        "UPDATE import_bidding_flowers SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY flower_id, bidding_date
                                                           ORDER BY created_at DESC, id DESC) AS n
                             FROM import_bidding_flowers WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    // Carts.
    rule(
        "shopping_sessions",
        ORPHAN,
        Skipped,
        "DELETE FROM import_shopping_sessions s
         WHERE NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = s.retailer_id)",
    ),
    rule(
        "shopping_sessions",
        DANGLING,
        Fixed,
        "UPDATE import_shopping_sessions s SET wholesaler_id = NULL
         WHERE wholesaler_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = s.wholesaler_id)",
    ),
    rule(
        "shopping_sessions",
        "second live cart of a retailer",
        SoftDeleted,
        "UPDATE import_shopping_sessions SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY retailer_id ORDER BY created_at DESC, id DESC) AS n
                             FROM import_shopping_sessions WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    rule(
        "cart_items",
        ORPHAN,
        Skipped,
        "DELETE FROM import_cart_items c
         WHERE NOT EXISTS (SELECT 1 FROM import_shopping_sessions s WHERE s.id = c.session_id)
            OR NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = c.retailer_id)
            OR NOT EXISTS (SELECT 1 FROM import_flowers f WHERE f.id = c.flower_id)",
    ),
    rule(
        "cart_items",
        DANGLING,
        Fixed,
        "UPDATE import_cart_items c SET wholesaler_id = NULL
         WHERE wholesaler_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = c.wholesaler_id)",
    ),
    rule(
        "cart_items",
        "quantity not positive or grade not 상/중/하",
        Skipped,
        "DELETE FROM import_cart_items
         WHERE quantity IS NULL OR quantity <= 0 OR grade IS NULL OR grade NOT IN ('상', '중', '하')",
    ),
    // The original soft-deleted a cart's open lines with the cart; a live
    // open line of a removed cart was invisible there and stays so here.
    rule(
        "cart_items",
        "open line of a removed cart",
        SoftDeleted,
        "UPDATE import_cart_items c SET deleted_at = now()
         WHERE c.deleted_at IS NULL AND c.ordered_at IS NULL
           AND EXISTS (SELECT 1 FROM import_shopping_sessions s
                       WHERE s.id = c.session_id AND s.deleted_at IS NOT NULL)",
    ),
    rule(
        "cart_items",
        DUPLICATE_CART_LINE,
        SoftDeleted,
        "UPDATE import_cart_items SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY session_id, flower_id, grade
                                                           ORDER BY created_at DESC, id DESC) AS n
                             FROM import_cart_items WHERE deleted_at IS NULL AND ordered_at IS NULL) d
             WHERE n > 1)",
    ),
    // Orders.
    rule(
        "order_sheets",
        ORPHAN,
        Skipped,
        "DELETE FROM import_order_sheets s
         WHERE NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = s.retailer_id)
            OR NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = s.wholesaler_id)",
    ),
    // The original's own formula (yyMMdd in KST, 'M', id mod 100000).
    rule(
        "order_sheets",
        "missing order number (derived from day and id)",
        Fixed,
        "UPDATE import_order_sheets
         SET order_no = to_char(created_at AT TIME ZONE 'Asia/Seoul', 'YYMMDD') || 'M' || lpad((id % 100000)::text, 5, '0')
         WHERE order_no IS NULL OR btrim(order_no) = ''",
    ),
    // Our order numbers are unique over all rows; the oldest sheet keeps it.
    rule(
        "order_sheets",
        DUPLICATE_ORDER_NO,
        Fixed,
        "UPDATE import_order_sheets SET order_no = order_no || '-' || id WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY order_no ORDER BY created_at, id) AS n
                             FROM import_order_sheets) d WHERE n > 1)",
    ),
    rule(
        "order_items",
        ORPHAN,
        Skipped,
        "DELETE FROM import_order_items i
         WHERE NOT EXISTS (SELECT 1 FROM import_order_sheets s WHERE s.id = i.order_sheet_id)
            OR NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = i.retailer_id)
            OR NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = i.wholesaler_id)
            OR NOT EXISTS (SELECT 1 FROM import_flowers f WHERE f.id = i.flower_id)",
    ),
    rule(
        "order_items",
        "quantity not positive or grade not 상/중/하",
        Skipped,
        "DELETE FROM import_order_items
         WHERE quantity IS NULL OR quantity <= 0 OR grade IS NULL OR grade NOT IN ('상', '중', '하')",
    ),
    rule(
        "order_items",
        NEGATIVE_PRICE,
        Fixed,
        "UPDATE import_order_items SET price = NULL WHERE price < 0",
    ),
    rule(
        "custom_order_items",
        ORPHAN,
        Skipped,
        "DELETE FROM import_custom_order_items i
         WHERE NOT EXISTS (SELECT 1 FROM import_order_sheets s WHERE s.id = i.order_sheet_id)
            OR NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = i.retailer_id)
            OR NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = i.wholesaler_id)",
    ),
    rule(
        "custom_order_items",
        "quantity not positive or grade not 상/중/하 (cleared)",
        Fixed,
        "UPDATE import_custom_order_items
         SET quantity = CASE WHEN quantity <= 0 THEN NULL ELSE quantity END,
             grade = CASE WHEN grade IN ('상', '중', '하') THEN grade END
         WHERE quantity <= 0 OR (grade IS NOT NULL AND grade NOT IN ('상', '중', '하'))",
    ),
    rule(
        "custom_order_items",
        NEGATIVE_PRICE,
        Fixed,
        "UPDATE import_custom_order_items SET price = NULL WHERE price < 0",
    ),
    rule(
        "custom_order_items",
        SECOND_SHIPPING_FEE,
        SoftDeleted,
        "UPDATE import_custom_order_items SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY order_sheet_id ORDER BY created_at DESC, id DESC) AS n
                             FROM import_custom_order_items WHERE deleted_at IS NULL AND flower_name = '배송비') d
             WHERE n > 1)",
    ),
    rule(
        "daily_order_items",
        ORPHAN,
        Skipped,
        "DELETE FROM import_daily_order_items d
         WHERE NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = d.wholesaler_id)
            OR NOT EXISTS (SELECT 1 FROM import_flowers f WHERE f.id = d.flower_id)",
    ),
    rule(
        "daily_order_items",
        "grade not 상/중/하",
        Skipped,
        "DELETE FROM import_daily_order_items WHERE grade IS NULL OR grade NOT IN ('상', '중', '하')",
    ),
    rule(
        "daily_order_items",
        NEGATIVE_PRICE,
        Fixed,
        "UPDATE import_daily_order_items SET price = NULL WHERE price < 0",
    ),
    rule(
        "daily_order_items",
        "duplicate live price of a flower, grade and KST day",
        SoftDeleted,
        "UPDATE import_daily_order_items SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (
                                 PARTITION BY wholesaler_id, flower_id, grade, (created_at AT TIME ZONE 'Asia/Seoul')::date
                                 ORDER BY created_at DESC, id DESC) AS n
                             FROM import_daily_order_items WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    rule(
        "order_sheet_receipts",
        ORPHAN,
        Skipped,
        "DELETE FROM import_order_sheet_receipts r
         WHERE NOT EXISTS (SELECT 1 FROM import_order_sheets s WHERE s.id = r.order_sheet_id)",
    ),
    // Auction results: wholesaler_id was a plain column in the original.
    rule(
        "auction_results",
        ORPHAN,
        Skipped,
        "DELETE FROM import_auction_results a
         WHERE NOT EXISTS (SELECT 1 FROM import_users u WHERE u.id = a.wholesaler_id)",
    ),
    rule(
        "auction_results",
        "missing or negative amounts, or a date that is not YYYYMMDD",
        Skipped,
        "DELETE FROM import_auction_results
         WHERE flower_name IS NULL OR flower_type_name IS NULL OR serial_code IS NULL
            OR box_count IS NULL OR box_count < 0 OR flower_count IS NULL OR flower_count < 0
            OR price IS NULL OR price < 0 OR total_price IS NULL OR total_price < 0
            OR auction_date IS NULL OR auction_date NOT BETWEEN 19000101 AND 29991231",
    ),
    rule(
        "auction_results",
        NEGATIVE_PRICE,
        Fixed,
        "UPDATE import_auction_results SET retail_price = NULL WHERE retail_price < 0",
    ),
    rule(
        "auction_results",
        "duplicate live serial code of a wholesaler's day",
        SoftDeleted,
        "UPDATE import_auction_results SET deleted_at = now() WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY wholesaler_id, auction_date, serial_code
                                                           ORDER BY created_at DESC, id DESC) AS n
                             FROM import_auction_results WHERE deleted_at IS NULL) d WHERE n > 1)",
    ),
    // Public auction rows: the original appended every run's rows again; our
    // key over (day, category, names, grade) holds deleted rows too, so the
    // copies are skipped rather than soft-deleted.
    rule(
        "public_bidding_flowers",
        "no sale date or a negative amount",
        Skipped,
        "DELETE FROM import_public_bidding_flowers
         WHERE bid_date IS NULL OR quantity < 0 OR max_price < 0 OR min_price < 0
            OR avg_price < 0 OR total_price < 0",
    ),
    rule(
        "public_bidding_flowers",
        "repeated auction row (newest kept)",
        Skipped,
        "DELETE FROM import_public_bidding_flowers WHERE id IN (
             SELECT id FROM (SELECT id, row_number() OVER (
                                 PARTITION BY (bid_date AT TIME ZONE 'UTC')::date, coalesce(flower_type, ''),
                                              coalesce(flower_name, ''), coalesce(grade, '')
                                 ORDER BY created_at DESC NULLS LAST, id DESC) AS n
                             FROM import_public_bidding_flowers) d WHERE n > 1)",
    ),
];

/// GORM left audit times NULL-able; ours are NOT NULL. The nearest known
/// time stands in (the other audit column, else the import time).
pub fn missing_times_sql(table: &str) -> String {
    format!(
        "UPDATE import_{table} SET created_at = coalesce(created_at, updated_at, now()),
                                  updated_at = coalesce(updated_at, created_at, now())
         WHERE created_at IS NULL OR updated_at IS NULL"
    )
}

pub const MISSING_TIMES: &str = "missing created/updated time filled";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tables::TABLES;

    #[test]
    fn every_rule_names_a_staged_table_in_its_sql() {
        for rule in RULES {
            assert!(
                TABLES.iter().any(|t| t.name == rule.table),
                "{} is not imported",
                rule.table
            );
            assert!(
                rule.sql.contains(&format!("import_{}", rule.table)),
                "rule '{}' of {} does not touch its table",
                rule.name,
                rule.table
            );
        }
    }
}
