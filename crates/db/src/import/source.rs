//! Reading the original database: is it one, which columns does it have, and
//! the SELECT that turns each table into the staging shape.

use super::ImportError;
use super::tables::{Kind, Table};
use crate::migrations::quote_ident;
use std::collections::HashMap;
use tokio_postgres::GenericClient;

/// Column name → data_type (information_schema), per table of the source's schema.
pub struct SourceSchema {
    tables: HashMap<String, HashMap<String, String>>,
}

/// Columns only the rebuild has: a database with them was already imported
/// or made by the rebuild, and importing it "again" would misread it.
const REBUILD_MARKERS: &[(&str, &str)] = &[
    ("daily_order_items", "order_date"),
    ("order_sheet_receipts", "storage_key"),
    ("public_bidding_flowers", "sale_date"),
];

/// Original columns the rebuild deliberately leaves behind.
const LEGACY: &[(&str, &str)] = &[("users", "business_no"), ("cart_items", "cart_id")];

impl SourceSchema {
    pub async fn read(client: &impl GenericClient) -> Result<SourceSchema, ImportError> {
        let rows = client
            .query(
                "SELECT table_name::text, column_name::text, data_type::text
                 FROM information_schema.columns WHERE table_schema = current_schema()",
                &[],
            )
            .await
            .map_err(ImportError::sql("reading the source's columns"))?;
        let mut tables: HashMap<String, HashMap<String, String>> = HashMap::new();
        for row in rows {
            tables
                .entry(row.get(0))
                .or_default()
                .insert(row.get(1), row.get(2));
        }
        Ok(SourceSchema { tables })
    }

    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    fn column_type(&self, table: &str, column: &str) -> Option<&str> {
        self.tables.get(table)?.get(column).map(String::as_str)
    }

    /// Refuses a database that is not the original's shape, naming what is off.
    pub fn check(&self, tables: &[Table]) -> Result<(), ImportError> {
        for (table, column) in REBUILD_MARKERS {
            if self.column_type(table, column).is_some() {
                return Err(ImportError::NotOriginal(format!(
                    "{table}.{column} exists, so this is a rebuilt MarketBill database, not the original"
                )));
            }
        }
        let mut missing = Vec::new();
        for table in tables {
            if !self.has_table(table.name) {
                if table.required {
                    missing.push(format!("table {}", table.name));
                }
                continue;
            }
            for column in table.columns.iter().filter(|c| c.required) {
                if self.column_type(table.name, column.name).is_none() {
                    missing.push(format!("column {}.{}", table.name, column.name));
                }
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ImportError::NotOriginal(format!(
                "missing {}",
                missing.join(", ")
            )))
        }
    }

    /// Legacy columns found in the source, as "table.column".
    pub fn legacy_columns(&self) -> Vec<String> {
        LEGACY
            .iter()
            .filter(|(t, c)| self.column_type(t, c).is_some())
            .map(|(t, c)| format!("{t}.{c}"))
            .collect()
    }

    /// `SELECT … FROM <table>` in the staging column order. Hibernate's
    /// `timestamp` columns hold KST wall-clock time (JVM zone Asia/Seoul), so
    /// they become instants AT TIME ZONE 'Asia/Seoul'; GORM's `timestamptz`
    /// already are instants. COPY prints timestamptz with its offset, so the
    /// target reads the same instant whatever either session's TimeZone is.
    pub fn select(&self, table: &Table) -> String {
        let exprs: Vec<String> = table
            .columns
            .iter()
            .map(|c| match self.column_type(table.name, c.name) {
                None => format!("NULL::{}", c.kind.sql()),
                Some("timestamp without time zone") if c.kind == Kind::Time => {
                    format!("({} AT TIME ZONE 'Asia/Seoul')", quote_ident(c.name))
                }
                Some(_) => format!("{}::{}", quote_ident(c.name), c.kind.sql()),
            })
            .collect();
        format!(
            "SELECT {} FROM {}",
            exprs.join(", "),
            quote_ident(table.name)
        )
    }
}
