//! The numbers of a month's 계산서 (tax-exempt) and 세금계산서 (taxable)
//! documents, issued outside MarketBill and recorded against the month so the
//! roll-up shows which florists are done.

use crate::statement::prepared;
use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Which document: 계산서 for tax-exempt flowers, 세금계산서 for taxable lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Exempt,
    Taxable,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Exempt => "EXEMPT",
            Category::Taxable => "TAXABLE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DocumentNumberRow {
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = Text)]
    pub document_no: String,
}

/// Records (or corrects) the number of one florist's document for a month.
pub async fn record(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
    month: NaiveDate,
    category: Category,
    document_no: &str,
    recorded_by: i64,
) -> diesel::QueryResult<()> {
    prepared(
        "INSERT INTO tax_document_numbers \
           (wholesaler_id, retailer_id, month, category, document_no, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (wholesaler_id, retailer_id, month, category) \
         DO UPDATE SET document_no = EXCLUDED.document_no, recorded_by = EXCLUDED.recorded_by",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<BigInt, _>(retailer_id)
    .bind::<Date, _>(month)
    .bind::<Text, _>(category.as_str())
    .bind::<Text, _>(document_no)
    .bind::<BigInt, _>(recorded_by)
    .execute(conn)
    .await
    .map(drop)
}

/// Every number a wholesaler recorded for a month.
pub async fn of_month(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    month: NaiveDate,
) -> diesel::QueryResult<Vec<DocumentNumberRow>> {
    prepared(
        "SELECT retailer_id, category, document_no FROM tax_document_numbers \
         WHERE wholesaler_id = $1 AND month = $2",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Date, _>(month)
    .load(conn)
    .await
}
