//! The columns hand-written statements read, spelled out per table.
//!
//! A prepared statement fixes the shape of its rows when it is first
//! prepared, and connections keep theirs for their whole life. With
//! `SELECT *`, a migration that adds a column while the services run makes
//! PostgreSQL refuse every later execution on those connections ("cached plan
//! must not change result type"). Named columns keep the old shape valid, so
//! a deploy can migrate first and restart the services after.

/// A table and the columns its rows are read with.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static str,
}

impl Table {
    /// The columns of the table aliased `alias`: "c.id, c.name, …".
    pub fn qualified(&self, alias: &str) -> String {
        qualified(alias, self.columns)
    }
}

pub const CART_ITEMS: Table = Table {
    name: "cart_items",
    columns: "id, session_id, retailer_id, wholesaler_id, flower_id, quantity, grade, ordered_at, \
              memo, created_at, updated_at, deleted_at",
};

pub const DAILY_ORDER_ITEMS: Table = Table {
    name: "daily_order_items",
    columns: "id, wholesaler_id, flower_id, grade, price, order_date, created_at, updated_at, \
              deleted_at",
};

pub const ORDER_SHEETS: Table = Table {
    name: "order_sheets",
    columns: "id, order_no, retailer_id, wholesaler_id, price_updated_at, memo, created_at, \
              updated_at, deleted_at, cutoff_at",
};

pub const ORDER_ITEMS: Table = Table {
    name: "order_items",
    columns: "id, order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, price, \
              memo, created_at, updated_at, deleted_at",
};

pub const CUSTOM_ORDER_ITEMS: Table = Table {
    name: "custom_order_items",
    columns: "id, order_sheet_id, retailer_id, wholesaler_id, flower_name, flower_type_name, \
              quantity, grade, price, created_at, updated_at, deleted_at",
};

pub const ORDER_SHEET_RECEIPTS: Table = Table {
    name: "order_sheet_receipts",
    columns: "id, order_sheet_id, file_name, file_path, file_format, metadata, storage_key, \
              idempotency_key, issued_by, byte_size, created_at, updated_at, deleted_at, \
              previous_balance, payments_today, balance",
};

/// Every table above, for the test that keeps them current.
pub const TABLES: [Table; 6] = [
    CART_ITEMS,
    DAILY_ORDER_ITEMS,
    ORDER_SHEETS,
    ORDER_ITEMS,
    CUSTOM_ORDER_ITEMS,
    ORDER_SHEET_RECEIPTS,
];

/// `columns` with each name prefixed by `alias.`.
fn qualified(alias: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("{alias}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_every_column_of_the_alias() {
        assert_eq!(qualified("c", "id, name"), "c.id, c.name");
        assert_eq!(DAILY_ORDER_ITEMS.qualified("d").matches("d.").count(), 9);
    }
}
