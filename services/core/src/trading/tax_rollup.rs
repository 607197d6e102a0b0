//! A wholesaler's month per florist, for preparing 계산서 (tax-exempt
//! flowers) and 세금계산서 (taxable lines): the statements' charges of the
//! month from the ledger (a charge reversed in a later month lowers that
//! month, as a 수정 document would), with the document numbers recorded once
//! they are issued elsewhere, and the same as CSV for an accountant.

use crate::app::{Error, Result, Viewer};
use crate::trading::scope::acting_wholesaler;
use chrono::{Datelike, Months, NaiveDate};
use db::DbPool;
use db::tax_documents::Category;
use domain::ErrorCode;
use std::fmt::Write;

/// One florist's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupLine {
    pub retailer_id: i64,
    pub retailer_name: String,
    /// From the florist's business info, when it registered one.
    pub company_name: Option<String>,
    pub business_no: Option<String>,
    pub employer_name: Option<String>,
    /// 면세 공급가액: the 계산서's amount.
    pub exempt_supply: i64,
    /// 과세 공급가액 and 세액: the 세금계산서's amounts.
    pub taxable_supply: i64,
    pub vat: i64,
    pub charges: i64,
    pub exempt_document_no: Option<String>,
    pub taxable_document_no: Option<String>,
}

impl RollupLine {
    pub fn total(&self) -> i64 {
        self.exempt_supply + self.taxable_supply + self.vat
    }
}

/// The first day of the month `month` falls in, refusing months far from now.
pub fn month_of(month: NaiveDate) -> Result<NaiveDate> {
    let first = month.with_day(1).unwrap_or(month);
    if !(2000..=2100).contains(&first.year()) {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "month out of range",
        ));
    }
    Ok(first)
}

pub async fn month(pool: &DbPool, viewer: Viewer, month: NaiveDate) -> Result<Vec<RollupLine>> {
    let first = month_of(month)?;
    let until = first
        .checked_add_months(Months::new(1))
        .ok_or_else(|| Error::with_message(ErrorCode::InvalidData, "month out of range"))?;
    let mut conn = crate::app::conn(pool).await?;
    let wholesaler = acting_wholesaler(&mut conn, viewer).await?;
    let sums = db::ledger::month_rollup(&mut conn, wholesaler, first, until).await?;
    let ids: Vec<i64> = sums.iter().map(|s| s.retailer_id).collect();
    // Names and business numbers as they are now, deleted florists included:
    // their documents are still due.
    let users = db::users::users_by_ids_any_state(&mut conn, &ids).await?;
    let infos = db::business_infos::live_by_user_ids(&mut conn, &ids).await?;
    let numbers = db::tax_documents::of_month(&mut conn, wholesaler, first).await?;
    let number = |retailer: i64, category: Category| {
        numbers
            .iter()
            .find(|n| n.retailer_id == retailer && n.category == category.as_str())
            .map(|n| n.document_no.clone())
    };
    Ok(sums
        .into_iter()
        .map(|s| {
            let info = infos.iter().find(|i| i.user_id == s.retailer_id);
            RollupLine {
                retailer_id: s.retailer_id,
                retailer_name: users
                    .iter()
                    .find(|u| u.id == s.retailer_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                company_name: info.map(|i| i.company_name.clone()),
                business_no: info.map(|i| i.business_no.clone()),
                employer_name: info.map(|i| i.employer_name.clone()),
                exempt_supply: s.exempt_supply,
                taxable_supply: s.taxable_supply,
                vat: s.vat,
                charges: s.charges,
                exempt_document_no: number(s.retailer_id, Category::Exempt),
                taxable_document_no: number(s.retailer_id, Category::Taxable),
            }
        })
        .collect())
}

pub async fn record_document_number(
    pool: &DbPool,
    viewer: Viewer,
    retailer_id: i64,
    month: NaiveDate,
    category: Category,
    document_no: String,
) -> Result<()> {
    let first = month_of(month)?;
    let document_no = document_no.trim().to_owned();
    let valid = (1..=64).contains(&document_no.chars().count())
        && document_no
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "documentNo: 1 to 64 letters, digits and dashes (the 승인번호 as issued)",
        ));
    }
    let mut conn = crate::app::conn(pool).await?;
    let wholesaler = acting_wholesaler(&mut conn, viewer).await?;
    let until = first.checked_add_months(Months::new(1)).unwrap_or(first);
    let billed = db::ledger::month_rollup(&mut conn, wholesaler, first, until)
        .await?
        .iter()
        .any(|s| s.retailer_id == retailer_id);
    if !billed {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "No statement billed this florist in that month.",
        ));
    }
    db::tax_documents::record(
        &mut conn,
        wholesaler,
        retailer_id,
        first,
        category,
        &document_no,
        viewer.user_id.get(),
    )
    .await?;
    Ok(())
}

/// The roll-up as CSV: UTF-8 with a byte-order mark (so Excel on a Korean
/// Windows opens it as UTF-8), one header row, CRLF line ends (RFC 4180),
/// amounts as plain integers in won.
pub fn csv(month: NaiveDate, lines: &[RollupLine]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(
        "월,거래처ID,거래처명,상호,사업자등록번호,대표자,\
         면세공급가액(계산서),과세공급가액(세금계산서),세액,합계,명세서건수,계산서번호,세금계산서번호\r\n",
    );
    let month = month.format("%Y-%m").to_string();
    for l in lines {
        let cells = [
            month.clone(),
            l.retailer_id.to_string(),
            l.retailer_name.clone(),
            l.company_name.clone().unwrap_or_default(),
            l.business_no.clone().unwrap_or_default(),
            l.employer_name.clone().unwrap_or_default(),
            l.exempt_supply.to_string(),
            l.taxable_supply.to_string(),
            l.vat.to_string(),
            l.total().to_string(),
            l.charges.to_string(),
            l.exempt_document_no.clone().unwrap_or_default(),
            l.taxable_document_no.clone().unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        let _ = write!(out, "{}\r\n", row.join(","));
    }
    out
}

/// Quotes a cell when it needs it, and defuses text a spreadsheet would run
/// as a formula (a name starting with `=`, `+`, `-` or `@`).
fn cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@']) && text.parse::<i64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str) -> RollupLine {
        RollupLine {
            retailer_id: 7,
            retailer_name: name.to_owned(),
            company_name: Some("꽃집, 본점".to_owned()),
            business_no: Some("123-45-67890".to_owned()),
            employer_name: None,
            exempt_supply: 30_000,
            taxable_supply: 10_000,
            vat: 1_000,
            charges: 2,
            exempt_document_no: Some("20261201-1".to_owned()),
            taxable_document_no: None,
        }
    }

    #[test]
    fn csv_quotes_commas_and_defuses_formulas() {
        let month = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        let text = csv(month, &[line("=HYPERLINK(\"x\")")]);
        let mut rows = text.trim_start_matches('\u{feff}').split("\r\n");
        assert!(rows.next().expect("header").starts_with("월,거래처ID"));
        assert_eq!(
            rows.next().expect("row"),
            "2026-11,7,\"'=HYPERLINK(\"\"x\"\")\",\"꽃집, 본점\",123-45-67890,,30000,10000,1000,41000,2,20261201-1,"
        );
        assert_eq!(rows.next(), Some(""), "ends with CRLF");
    }

    #[test]
    fn negative_amounts_stay_numbers() {
        assert_eq!(cell("-5000"), "-5000");
        assert_eq!(cell("-x"), "'-x");
    }
}
