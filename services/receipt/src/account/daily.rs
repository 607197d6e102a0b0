//! A florist's day with one wholesaler in one document (the product's "day's
//! orders added up"): every line of the pair's live sheets created on a KST
//! business day, labelled by order number, VAT split per line as on a
//! sheet's statement, and the ledger boxes (전잔액 / 금일 / 입금 / 잔액).
//!
//! It bills the day: in one transaction with its row, each sheet whose
//! charge in force differs from its total now (or that has none) has that
//! charge reversed and a new one booked against this document. A sheet
//! already billed at the same total (by its own statement, or an earlier
//! daily one) is left alone, so nothing is billed twice. As for a sheet's
//! statement, the ledger is read before drawing and re-checked under the
//! pair's lock; if an entry came in between, the document is drawn again.

use super::{Issue, with_fields};
use crate::error::ReceiptError;
use crate::issue::{Stored, collect_lines, discard, render_and_store};
use crate::ledger::{BookError, split_of};
use crate::state::AppState;
use crate::statement::{Balances, Buyer, Statement, Supplier, has_issuable_prices};
use chrono::{NaiveDate, Utc};
use db::DbConn;
use db::account_statements::{self, AccountStatementRow, NewAccountStatement};
use db::ledger::{self, EntryRow, NewEntry, TaxSplit};
use db::receipts::{SheetLines, SheetRow};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{DomainError, ErrorCode};
use platform::api::receipt::AccountStatementKind;

/// Draws of one document before giving up on a ledger that keeps moving.
const DRAW_ATTEMPTS: u32 = 3;
/// The line under the title: what the document covers, who keeps it.
const SUBTITLE: &str = "(일일 합계 · 공급받는자 보관용)";

/// One sheet of the day and what it bills now.
struct Bill {
    sheet: SheetRow,
    /// The lines as drawn: booking checks the sheet still has them.
    lines: SheetLines,
    split: TaxSplit,
}

pub(super) async fn issue(
    state: &AppState,
    mut conn: DbConn,
    issue: &Issue,
    day: NaiveDate,
) -> Result<AccountStatementRow, ReceiptError> {
    let (w, r) = (issue.wholesaler_id, issue.retailer_id);
    let (start, end) = domain::time::kst_day_bounds(day);
    let sheets = account_statements::live_sheets_between(&mut conn, w, r, start, end).await?;
    if sheets.is_empty() {
        return Err(DomainError::with_message(
            ErrorCode::NoOrderSheet,
            format!("There's no order sheet of this florist on {day}"),
        )
        .into());
    }
    let mut bills = Vec::with_capacity(sheets.len());
    let mut inputs = Vec::new();
    let mut labels = Vec::new();
    let mut prices = Vec::new();
    for sheet in sheets {
        let drawn = db::receipts::sheet_lines(&mut conn, sheet.id).await?;
        let (lines, checked) = collect_lines(drawn.order.clone(), drawn.custom.clone());
        prices.extend(checked);
        // The sheet's own totals, exactly as its own statement would bill it.
        let own = Statement::new(
            sheet.order_no.clone(),
            Utc::now(),
            Supplier::default(),
            Buyer::default(),
            lines.clone(),
        )
        .map_err(DomainError::from)?;
        labels.extend(std::iter::repeat_n(sheet.order_no.clone(), lines.len()));
        inputs.extend(lines);
        bills.push(Bill {
            split: split_of(&own),
            lines: drawn,
            sheet,
        });
    }
    if !has_issuable_prices(&prices) {
        return Err(ReceiptError::code(ErrorCode::NoPriceOrderItem));
    }
    let parties = crate::parties::load(&mut conn, r, w).await?;
    drop(conn);

    let first = &bills[0].sheet.order_no;
    let heading = match bills.len() {
        1 => first.clone(),
        n => format!("{first} 외 {}건", n - 1),
    };
    let mut statement =
        Statement::new(heading, Utc::now(), parties.supplier, parties.buyer, inputs)
            .map_err(DomainError::from)?;
    statement.subtitle = SUBTITLE;
    for (line, order_no) in statement.lines.iter_mut().zip(&labels) {
        line.label = format!("[{order_no}] {}", line.label);
    }
    let file_name = format!(
        "daily_{}_{}",
        statement.supplier.company_name.trim(),
        day.format("%Y%m%d")
    );
    let order_nos: Vec<&str> = bills.iter().map(|b| b.sheet.order_no.as_str()).collect();
    let extra = serde_json::json!({
        "kind": "DAILY",
        "day": day.to_string(),
        "orderNos": order_nos,
        "title": file_name,
    });

    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut conn = state.pool.get().await.map_err(db::DbError::from)?;
        let view = DayView::read(&mut conn, issue, &bills, day).await?;
        let id = account_statements::next_id(&mut conn).await?;
        drop(conn);

        let balances = view.balances(statement.totals.total.get());
        let drawn = statement.clone().with_balances(balances);
        let stored = render_and_store(state, drawn, &parties.stamp, &issue.key_stem(id)).await?;
        let stored = Stored {
            file_name: file_name.clone(),
            metadata: with_fields(&stored.metadata, extra.clone()),
            ..stored
        };
        let key = stored.key.clone();
        let figures = [
            balances.previous,
            balances.today,
            balances.payments,
            balances.balance,
        ];
        let row = issue.row(
            state,
            id,
            AccountStatementKind::Daily,
            (day, day),
            stored,
            figures,
        );
        let booked = match state.pool.get().await {
            Ok(mut conn) => book(&mut conn, &row, &view, &bills, day).await,
            Err(e) => {
                discard(state, &key).await;
                return Err(db::DbError::from(e).into());
            }
        };
        match booked {
            Ok(row) => return Ok(row),
            Err(e) => {
                discard(state, &key).await;
                match e {
                    // A payment came in while the PDF rendered: draw it again.
                    BookError::LedgerMoved if attempt < DRAW_ATTEMPTS => continue,
                    BookError::LedgerMoved => {
                        return Err(DomainError::with_message(
                            ErrorCode::Conflict,
                            "The ledger kept changing while the statement was drawn; try again.",
                        )
                        .into());
                    }
                    BookError::SheetMoved => {
                        return Err(DomainError::with_message(
                            ErrorCode::Conflict,
                            "An order sheet of the day changed while the statement was drawn; check it and issue again.",
                        )
                        .into());
                    }
                    BookError::Db(e) => return Err(e.into()),
                }
            }
        }
    }
}

/// The pair's ledger as a daily statement sees it.
struct DayView {
    balance: i64,
    payments: i64,
    /// Each bill's charge in force, in the order of the bills.
    in_force: Vec<Option<EntryRow>>,
    last_entry_id: i64,
}

impl DayView {
    async fn read(
        conn: &mut AsyncPgConnection,
        issue: &Issue,
        bills: &[Bill],
        day: NaiveDate,
    ) -> diesel::QueryResult<DayView> {
        let (w, r) = (issue.wholesaler_id, issue.retailer_id);
        let last_entry_id = ledger::last_entry_id(conn, w, r).await?;
        let balance = ledger::account(conn, w, r).await?.map_or(0, |a| a.balance);
        let mut in_force = Vec::with_capacity(bills.len());
        for bill in bills {
            in_force.push(ledger::charge_in_force(conn, bill.sheet.id).await?);
        }
        let payments = ledger::payments_on(conn, w, r, day).await?;
        Ok(DayView {
            balance,
            payments,
            in_force,
            last_entry_id,
        })
    }

    /// The boxes once the day is billed at `today`: every sheet of the day
    /// stands at its current total, whatever it was charged before.
    fn balances(&self, today: i64) -> Balances {
        let charged: i64 = self.in_force.iter().flatten().map(|c| c.amount).sum();
        Balances::new(self.balance - charged, today, self.payments)
    }
}

/// Inserts the document's row and brings each sheet's charge to its total,
/// in one transaction, if the ledger is still as drawn.
async fn book(
    conn: &mut AsyncPgConnection,
    row: &NewAccountStatement,
    view: &DayView,
    bills: &[Bill],
    day: NaiveDate,
) -> Result<AccountStatementRow, BookError> {
    conn.transaction(async |conn| -> Result<AccountStatementRow, BookError> {
        // Each sheet stays locked against edits to the end. Share locks never
        // wait for each other, and an edit locks one sheet only: no cycle.
        for bill in bills {
            if !db::receipts::share_live_sheet(conn, bill.sheet.id).await?
                || db::receipts::sheet_lines(conn, bill.sheet.id).await? != bill.lines
            {
                return Err(BookError::SheetMoved);
            }
        }
        let (w, r) = (row.wholesaler_id, row.retailer_id);
        ledger::lock_account(conn, w, r).await?;
        if ledger::last_entry_id(conn, w, r).await? != view.last_entry_id {
            return Err(BookError::LedgerMoved);
        }
        let statement = account_statements::insert(conn, row)
            .await
            .map_err(BookError::Db)?;
        for (bill, old) in bills.iter().zip(&view.in_force) {
            let total = bill.split.total();
            let unchanged = match old {
                Some(old) => old.amount == total,
                // Nothing priced and never billed: nothing to book.
                None => total == 0,
            };
            if unchanged {
                continue;
            }
            if let Some(old) = old {
                let reason = format!("일일 명세서 재발행 (#{})", statement.id);
                let mut reversal = NewEntry::reversal_of(old, reason, day);
                // Booked by this document too: core's idempotency key
                // leaves out what a daily statement books itself.
                reversal.account_statement_id = Some(statement.id);
                reversal.recorded_by = row.issued_by;
                ledger::record(conn, &reversal).await?;
            }
            let mut charge = NewEntry::charge(w, r, bill.sheet.id, bill.split, day);
            charge.account_statement_id = Some(statement.id);
            charge.recorded_by = row.issued_by;
            ledger::record(conn, &charge).await?;
        }
        Ok(statement)
    })
    .await
}
