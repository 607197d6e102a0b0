//! A sheet's statement and the pair's ledger (외상 장부): what the statement
//! prints (전잔액 / 금일 / 입금 / 잔액) and the charge it books.
//!
//! The statement is drawn before its row exists (rendering holds no
//! connection), so the ledger is read first, together with its newest entry
//! id, and the row and the charge are written in one transaction that locks
//! the pair and checks that no entry came in between. If one did (a payment
//! recorded while the PDF rendered), the caller draws again: an issued
//! statement never prints figures the ledger did not have when it was booked.
//!
//! The same transaction records the statement on the sheet's audit timeline.
//!
//! A sheet is billed once: issuing it again (after a price change) reverses
//! the charge in force and books the new one, in the same transaction.

use crate::statement::{Balances, Statement};
use chrono::NaiveDate;
use db::audit::{Action, NewEvent, Subject};
use db::ledger::{self, EntryRow, NewEntry, TaxSplit};
use db::receipts::{NewReceipt, ReceiptRow, SheetLines, SheetRow};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// The pair's ledger as a statement of one sheet sees it.
#[derive(Debug, Clone)]
pub struct LedgerView {
    /// Owed before this statement, with an earlier charge of the same sheet
    /// already taken out.
    pub before: i64,
    /// Payments dated the statement's business day.
    pub payments: i64,
    /// The sheet's charge in force, which this statement replaces.
    pub replaces: Option<EntryRow>,
    pub last_entry_id: i64,
}

impl LedgerView {
    pub async fn read(
        conn: &mut AsyncPgConnection,
        sheet: &SheetRow,
        day: NaiveDate,
    ) -> diesel::QueryResult<LedgerView> {
        let (w, r) = (sheet.wholesaler_id, sheet.retailer_id);
        let last_entry_id = ledger::last_entry_id(conn, w, r).await?;
        let balance = ledger::account(conn, w, r).await?.map_or(0, |a| a.balance);
        let replaces = ledger::charge_in_force(conn, sheet.id).await?;
        let payments = ledger::payments_on(conn, w, r, day).await?;
        Ok(LedgerView {
            before: balance - replaces.as_ref().map_or(0, |c| c.amount),
            payments,
            replaces,
            last_entry_id,
        })
    }

    pub fn balances(&self, statement: &Statement) -> Balances {
        Balances::new(self.before, statement.totals.total.get(), self.payments)
    }
}

/// What the statement bills, split for the month's tax documents.
pub fn split_of(statement: &Statement) -> TaxSplit {
    let t = &statement.totals;
    TaxSplit {
        exempt_supply: t.exempt_total.get(),
        taxable_supply: t.taxable_total.get() - t.vat.get(),
        vat: t.vat.get(),
    }
}

#[derive(Debug)]
pub enum BookError {
    /// An entry was recorded after the statement was drawn: draw again.
    LedgerMoved,
    /// The sheet's lines changed (or it was removed) after the statement was
    /// drawn: the statement would bill what the sheet no longer says.
    SheetMoved,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for BookError {
    fn from(e: diesel::result::Error) -> Self {
        BookError::Db(e)
    }
}

/// The statement on the sheet's audit timeline: what it bills (the issuer
/// is the actor; None when a service issued it on its own).
fn issued_event(receipt: &ReceiptRow, sheet: &SheetRow, split: TaxSplit) -> NewEvent {
    NewEvent {
        wholesaler_id: sheet.wholesaler_id,
        retailer_id: sheet.retailer_id,
        order_sheet_id: Some(sheet.id),
        subject: Subject::Receipt,
        subject_id: receipt.id,
        action: Action::Issued,
        actor_id: receipt.issued_by,
        before: None,
        after: Some(serde_json::json!({
            "fileName": receipt.file_name,
            "total": split.total(),
        })),
    }
}

/// Inserts the statement's row and books its charge (reversing the sheet's
/// earlier one), in one transaction, if the sheet's lines and the ledger are
/// still as drawn. The sheet's row stays locked to the end, so a florist's
/// edit either comes first (and this answers `SheetMoved`) or finds the
/// statement issued (and is refused).
pub async fn book(
    conn: &mut AsyncPgConnection,
    row: &NewReceipt,
    sheet: &SheetRow,
    drawn: &SheetLines,
    view: &LedgerView,
    split: TaxSplit,
    day: NaiveDate,
) -> Result<ReceiptRow, BookError> {
    conn.transaction(async |conn| -> Result<ReceiptRow, BookError> {
        if !db::receipts::share_live_sheet(conn, sheet.id).await?
            || db::receipts::sheet_lines(conn, sheet.id).await? != *drawn
        {
            return Err(BookError::SheetMoved);
        }
        let (w, r) = (sheet.wholesaler_id, sheet.retailer_id);
        ledger::lock_account(conn, w, r).await?;
        if ledger::last_entry_id(conn, w, r).await? != view.last_entry_id {
            return Err(BookError::LedgerMoved);
        }
        let receipt = db::receipts::insert_receipt(conn, row).await?;
        if let Some(old) = &view.replaces {
            let reason = format!("명세서 재발행 (#{})", receipt.id);
            let mut reversal = NewEntry::reversal_of(old, reason, day);
            reversal.recorded_by = row.issued_by;
            ledger::record(conn, &reversal).await?;
        }
        let mut charge = NewEntry::charge(w, r, sheet.id, split, day);
        charge.receipt_id = Some(receipt.id);
        charge.recorded_by = row.issued_by;
        ledger::record(conn, &charge).await?;
        db::audit::record(conn, &issued_event(&receipt, sheet, split)).await?;
        // Core's live order board hears of it when this commits.
        let issued = db::order_events::OrderEventKind::StatementIssued;
        db::order_events::notify(conn, issued, &[sheet.id], None).await?;
        Ok(receipt)
    })
    .await
}
