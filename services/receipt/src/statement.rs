//! The transaction statement (거래명세서) as data: parties, lines and totals,
//! computed once so the PDF, the metadata and the tests agree on every number.
//!
//! Rules that differ from the original on purpose:
//! - an unpriced line is kept and flagged (the original dropped it silently);
//! - each line carries a taxable/exempt flag and its supply amount and VAT;
//!   prices are what the buyer pays (공급대가), so a taxable line's amount is
//!   split into supply + VAT and the statement adds up to what is owed.

use chrono::{DateTime, Utc};
use domain::{TaxKind, ValueError, Won, vat_split};

/// The supplier block (공급자): the wholesaler's business info.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Supplier {
    pub business_no: String,
    pub company_name: String,
    pub employer_name: String,
    pub address: String,
    pub phone: String,
    pub main_category: String,
    pub sub_category: String,
    pub bank_account: String,
}

/// The buyer (공급받는자): always a name, business details when the retailer
/// has registered them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Buyer {
    pub name: String,
    pub business: Option<BuyerBusiness>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuyerBusiness {
    pub business_no: String,
    pub company_name: String,
    pub employer_name: String,
    pub address: String,
    pub main_category: String,
    pub sub_category: String,
}

/// A line as it comes from the order sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    /// 품목, e.g. 장미 (may be empty for free-text lines).
    pub item_type: String,
    /// 품종, e.g. 블론디, or the free text of a custom line.
    pub variety: String,
    /// 상/중/하, if any.
    pub grade: Option<String>,
    pub quantity: i64,
    /// Unit price in won as set by the wholesaler; `None` = not priced yet.
    pub unit_price: Option<i64>,
    pub tax: TaxKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// `(품목)품종-등급`, as the original printed it.
    pub label: String,
    pub quantity: i64,
    pub unit_price: Option<Won>,
    pub amounts: Option<Amounts>,
    pub tax: TaxKind,
}

impl Line {
    pub fn is_priced(&self) -> bool {
        self.unit_price.is_some()
    }
}

/// What a priced line costs: `total = supply + vat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    pub supply: Won,
    pub vat: Won,
    pub total: Won,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub supply: Won,
    pub vat: Won,
    pub total: Won,
    /// 과세분: amounts of taxable lines (supply + VAT).
    pub taxable_total: Won,
    /// 면세분.
    pub exempt_total: Won,
    pub unpriced_lines: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Printed after `No.`: a sheet's order number, or a daily statement's
    /// first order number and how many more.
    pub order_no: String,
    /// The line under the title (who keeps the copy, what it covers).
    pub subtitle: &'static str,
    pub issued_at: DateTime<Utc>,
    pub supplier: Supplier,
    pub buyer: Buyer,
    pub lines: Vec<Line>,
    pub totals: Totals,
    /// The pair's ledger at issue time; `None` draws the boxes empty (the
    /// original render contract, which knows no ledger).
    pub balances: Option<Balances>,
}

/// A sheet's statement, as the original printed it.
pub const SHEET_SUBTITLE: &str = "(영수증 · 공급받는자 보관용)";

/// The ledger boxes of a statement, fixed when it is issued:
/// `previous + today − payments = balance`. Signed: a florist who paid ahead
/// has a negative balance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balances {
    /// 전잔액: owed before this statement and before the day's payments.
    pub previous: i64,
    /// 금일: this statement's total.
    pub today: i64,
    /// 입금: payments recorded for the statement's business day.
    pub payments: i64,
    /// 잔액: owed after this statement.
    pub balance: i64,
}

impl Balances {
    /// The boxes for a statement of `today` won, given the pair's balance
    /// before it (with any earlier charge of the same sheet already undone)
    /// and the day's payments.
    pub fn new(before: i64, today: i64, payments: i64) -> Balances {
        Balances {
            previous: before + payments,
            today,
            payments,
            balance: before + today,
        }
    }
}

/// Won grouped by thousands with a sign when negative (`-12,000`).
pub fn signed_won(amount: i64) -> String {
    let grouped = Won::new(amount.unsigned_abs().min(i64::MAX as u64) as i64)
        .map(|w| w.to_string())
        .unwrap_or_default();
    if amount < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

impl Statement {
    pub fn new(
        order_no: String,
        issued_at: DateTime<Utc>,
        supplier: Supplier,
        buyer: Buyer,
        inputs: Vec<LineInput>,
    ) -> Result<Statement, ValueError> {
        let mut totals = Totals::default();
        let mut lines = Vec::with_capacity(inputs.len());
        for input in inputs {
            let line = Line::from_input(input)?;
            match line.amounts {
                Some(a) => {
                    totals.supply = totals.supply.checked_add(a.supply)?;
                    totals.vat = totals.vat.checked_add(a.vat)?;
                    totals.total = totals.total.checked_add(a.total)?;
                    match line.tax {
                        TaxKind::Taxable => {
                            totals.taxable_total = totals.taxable_total.checked_add(a.total)?;
                        }
                        TaxKind::Exempt => {
                            totals.exempt_total = totals.exempt_total.checked_add(a.total)?;
                        }
                    }
                }
                None => totals.unpriced_lines += 1,
            }
            lines.push(line);
        }
        Ok(Statement {
            order_no,
            subtitle: SHEET_SUBTITLE,
            issued_at,
            supplier,
            buyer,
            lines,
            totals,
            balances: None,
        })
    }

    pub fn with_balances(mut self, balances: Balances) -> Statement {
        self.balances = Some(balances);
        self
    }

    /// The display name of the file (`receipt_<company>_<orderNo>`, as the
    /// original named it); storage keys never contain it.
    pub fn file_name(&self) -> String {
        format!(
            "receipt_{}_{}",
            self.supplier.company_name.trim(),
            self.order_no
        )
    }
}

impl Line {
    fn from_input(input: LineInput) -> Result<Line, ValueError> {
        let label = line_label(&input.item_type, &input.variety, input.grade.as_deref());
        let unit_price = input.unit_price.map(Won::new).transpose()?;
        let amounts = match unit_price {
            Some(price) => {
                let total = price.checked_mul(input.quantity)?;
                let (supply, vat) = match input.tax {
                    TaxKind::Taxable => vat_split(total),
                    TaxKind::Exempt => (total, Won::ZERO),
                };
                Some(Amounts { supply, vat, total })
            }
            None => None,
        };
        Ok(Line {
            label,
            quantity: input.quantity,
            unit_price,
            amounts,
            tax: input.tax,
        })
    }
}

/// `(장미)블론디-상`; parts that are missing are left out rather than printed
/// as empty brackets or a dangling dash.
pub fn line_label(item_type: &str, variety: &str, grade: Option<&str>) -> String {
    let mut label = String::new();
    let item_type = item_type.trim();
    if !item_type.is_empty() {
        label.push('(');
        label.push_str(item_type);
        label.push(')');
    }
    label.push_str(variety.trim());
    if let Some(grade) = grade.map(str::trim).filter(|g| !g.is_empty()) {
        label.push('-');
        label.push_str(grade);
    }
    label
}

/// The original's price rule (core's `issueOrderSheetReceipt`): a statement
/// cannot be issued when every price is missing, or every price is present
/// and not positive. No lines at all counts as "every price missing".
pub fn has_issuable_prices(prices: &[Option<i64>]) -> bool {
    let all_missing = prices.iter().all(Option::is_none);
    let all_non_positive = prices.iter().all(|p| matches!(p, Some(p) if *p <= 0));
    !(all_missing || all_non_positive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(price: Option<i64>, quantity: i64, tax: TaxKind) -> LineInput {
        LineInput {
            item_type: "장미".into(),
            variety: "블론디".into(),
            grade: Some("상".into()),
            quantity,
            unit_price: price,
            tax,
        }
    }

    fn statement(inputs: Vec<LineInput>) -> Statement {
        Statement::new(
            "231130M00001".into(),
            Utc::now(),
            Supplier::default(),
            Buyer::default(),
            inputs,
        )
        .expect("valid")
    }

    #[test]
    fn totals_split_taxable_lines_and_skip_unpriced_ones() {
        let s = statement(vec![
            line(Some(1_500), 20, TaxKind::Exempt),
            line(None, 3, TaxKind::Exempt),
            line(Some(11_000), 1, TaxKind::Taxable),
        ]);
        assert_eq!(s.lines.len(), 3, "unpriced line kept");
        assert!(!s.lines[1].is_priced());
        assert_eq!(s.totals.unpriced_lines, 1);
        assert_eq!(s.totals.total.get(), 41_000);
        assert_eq!(s.totals.supply.get(), 40_000);
        assert_eq!(s.totals.vat.get(), 1_000);
        assert_eq!(s.totals.exempt_total.get(), 30_000);
        assert_eq!(s.totals.taxable_total.get(), 11_000);
        let taxable = s.lines[2].amounts.expect("priced");
        assert_eq!((taxable.supply.get(), taxable.vat.get()), (10_000, 1_000));
    }

    #[test]
    fn labels_follow_the_original_and_skip_missing_parts() {
        assert_eq!(
            line_label("국화", "테데오옐로우", Some("상")),
            "(국화)테데오옐로우-상"
        );
        assert_eq!(line_label("", "배송비", None), "배송비");
        assert_eq!(line_label(" 부자재 ", "리본", Some(" ")), "(부자재)리본");
    }

    #[test]
    fn price_rule_matches_core() {
        assert!(!has_issuable_prices(&[]));
        assert!(!has_issuable_prices(&[None, None]));
        assert!(!has_issuable_prices(&[Some(0), Some(0)]));
        assert!(has_issuable_prices(&[None, Some(1_000)]));
        // A mix of missing and zero prices passes, as in the original.
        assert!(has_issuable_prices(&[None, Some(0)]));
    }

    #[test]
    fn overflowing_amounts_are_refused() {
        let result = Statement::new(
            "x".into(),
            Utc::now(),
            Supplier::default(),
            Buyer::default(),
            vec![line(Some(i64::MAX / 2), 3, TaxKind::Exempt)],
        );
        assert_eq!(result, Err(ValueError::Overflow));
    }

    #[test]
    fn balances_add_up_and_sign_negative_balances() {
        // Owed 50,000, paid 20,000 today (already in the ledger), billed 41,000.
        let b = Balances::new(30_000, 41_000, 20_000);
        assert_eq!(
            (b.previous, b.today, b.payments, b.balance),
            (50_000, 41_000, 20_000, 71_000)
        );
        assert_eq!(b.previous + b.today - b.payments, b.balance);
        assert_eq!(signed_won(-1_234_567), "-1,234,567");
        assert_eq!(signed_won(0), "0");
    }

    #[test]
    fn file_name_keeps_the_original_shape() {
        let mut s = statement(vec![]);
        s.supplier.company_name = "(주)예시 원예/양재".into();
        assert_eq!(s.file_name(), "receipt_(주)예시 원예/양재_231130M00001");
    }
}
