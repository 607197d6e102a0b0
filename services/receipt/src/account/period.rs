//! A statement of account (거래내역서) between two dates: the balance carried
//! in, every ledger entry of the period in the ledger's reading order (by
//! day, then as recorded) with the running balance, the period's totals and
//! the balance carried out. It books nothing; its figures are read in one
//! snapshot, so they add up whatever is recorded meanwhile.

use super::{Issue, pair_trades};
use crate::error::ReceiptError;
use crate::issue::{Stored, discard, put_pdf};
use crate::pdf::{self, Fonts, Rendered};
use crate::stamp::{StampImage, StampStatus};
use crate::state::AppState;
use crate::statement::{Buyer, Supplier};
use chrono::{DateTime, NaiveDate, Utc};
use db::DbConn;
use db::account_statements::{self, AccountStatementRow};
use db::ledger::{self, EntryKind, EntryWithBalance, Movement};
use domain::{DomainError, ErrorCode, KST};
use platform::api::receipt::AccountStatementKind;

/// Most entries one document lists; a pair past it asks for a shorter period.
const MAX_ENTRIES: i64 = 5_000;

/// The document as data, so the PDF, the row and the tests agree.
#[derive(Debug, Clone)]
pub struct PeriodStatement {
    pub supplier: Supplier,
    pub buyer: Buyer,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub issued_at: DateTime<Utc>,
    /// Owed at the end of the day before `from`.
    pub opening: i64,
    /// Charges less reversed charges.
    pub charges: i64,
    /// Payments less reversed payments, positive.
    pub payments: i64,
    /// Adjustments and their reversals.
    pub adjustments: i64,
    /// Owed at the end of `to`: opening + charges − payments + adjustments.
    pub closing: i64,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub date: NaiveDate,
    /// 매출, 입금, 조정 or 취소.
    pub kind: &'static str,
    /// A charge's order number; a payment's method; a memo otherwise.
    pub detail: String,
    pub amount: i64,
    pub balance: i64,
}

impl PeriodStatement {
    pub fn file_name(&self) -> String {
        format!(
            "account_{}_{}_{}",
            self.supplier.company_name.trim(),
            self.from.format("%Y%m%d"),
            self.to.format("%Y%m%d")
        )
    }
}

pub fn kind_label(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Charge => "매출",
        EntryKind::Payment => "입금",
        EntryKind::Adjustment => "조정",
        EntryKind::Reversal => "취소",
    }
}

fn method_label(method: Option<&str>) -> &'static str {
    match method {
        Some("CASH") => "현금",
        Some("TRANSFER") => "계좌이체",
        Some("CARD") => "카드",
        _ => "기타",
    }
}

pub(super) async fn issue(
    state: &AppState,
    mut conn: DbConn,
    issue: &Issue,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AccountStatementRow, ReceiptError> {
    let (w, r) = (issue.wholesaler_id, issue.retailer_id);
    if !pair_trades(&mut conn, w, r).await? {
        return Err(ReceiptError::code(ErrorCode::NotConnected));
    }
    let parties = crate::parties::load(&mut conn, r, w).await?;
    let (movement, rows) = snapshot(&mut conn, w, r, from, to).await?;
    let sheets: Vec<i64> = rows.iter().filter_map(|e| e.entry.order_sheet_id).collect();
    let order_nos = account_statements::order_numbers(&mut conn, &sheets).await?;
    let id = account_statements::next_id(&mut conn).await?;
    drop(conn);

    let entries = rows
        .into_iter()
        .map(|row| {
            let e = row.entry;
            let kind = e.kind();
            let order_no = e
                .order_sheet_id
                .and_then(|s| order_nos.iter().find(|(id, _)| *id == s))
                .map(|(_, no)| no.clone());
            let detail = match kind {
                EntryKind::Charge => order_no.unwrap_or_default(),
                EntryKind::Payment => {
                    let method = method_label(e.method.as_deref());
                    e.memo
                        .map_or_else(|| method.to_owned(), |m| format!("{method} · {m}"))
                }
                EntryKind::Adjustment | EntryKind::Reversal => {
                    let memo = e.memo.unwrap_or_default();
                    order_no.map_or_else(|| memo.clone(), |no| format!("{no} · {memo}"))
                }
            };
            Entry {
                date: e.entry_date,
                kind: kind_label(kind),
                detail,
                amount: e.amount,
                balance: row.balance_after,
            }
        })
        .collect();
    let doc = PeriodStatement {
        supplier: parties.supplier,
        buyer: parties.buyer,
        from,
        to,
        issued_at: Utc::now(),
        opening: movement.opening,
        charges: movement.charges,
        payments: movement.payments,
        adjustments: movement.other,
        closing: movement.closing,
        entries,
    };

    let crate::issue::StampSource::Supplier { user_id, url } = &parties.stamp else {
        return Err(ReceiptError::Internal("a supplier's stamp".to_owned()));
    };
    let (stamp, stamp_status) = state.stamps.for_supplier(*user_id, url).await;
    let (doc, rendered, stamp_status) =
        render_blocking(state.fonts.clone(), doc, stamp, stamp_status).await?;
    let byte_size = i64::try_from(rendered.bytes.len()).unwrap_or(i64::MAX);
    let metadata = serde_json::json!({
        "kind": "PERIOD",
        "title": doc.file_name(),
        "from": from.to_string(),
        "to": to.to_string(),
        "issuedAt": doc.issued_at.with_timezone(&KST).to_rfc3339(),
        "pages": rendered.pages,
        "entries": doc.entries.len(),
        "openingBalance": doc.opening,
        "charges": doc.charges,
        "payments": doc.payments,
        "adjustments": doc.adjustments,
        "closingBalance": doc.closing,
        "stamp": stamp_status.label(),
        "stampDetail": stamp_status.detail(),
        "byteSize": rendered.bytes.len(),
        "storage": state.storage.kind(),
    })
    .to_string();
    let key = put_pdf(state, &issue.key_stem(id), rendered.bytes).await?;
    let stored = Stored {
        key: key.clone(),
        file_name: doc.file_name(),
        metadata,
        byte_size,
    };
    let figures = [doc.opening, doc.charges, doc.payments, doc.closing];
    let row = issue.row(
        state,
        id,
        AccountStatementKind::Period,
        (from, to),
        stored,
        figures,
    );
    let inserted = match state.pool.get().await {
        Ok(mut conn) => account_statements::insert(&mut conn, &row)
            .await
            .map_err(ReceiptError::from),
        Err(e) => Err(db::DbError::from(e).into()),
    };
    if inserted.is_err() {
        discard(state, &key).await;
    }
    inserted
}

/// The period's movement and entries, read in one snapshot.
async fn snapshot(
    conn: &mut DbConn,
    w: i64,
    r: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Movement, Vec<EntryWithBalance>), ReceiptError> {
    let read = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(async |conn| {
            let count = ledger::count(conn, w, r, from, to).await?;
            if count > MAX_ENTRIES {
                return Ok(Err(count));
            }
            let movement = ledger::movement(conn, w, r, from, to).await?;
            let rows = ledger::page(conn, w, r, from, to, 0, MAX_ENTRIES).await?;
            Ok::<_, diesel::result::Error>(Ok((movement, rows)))
        })
        .await?;
    read.map_err(|count| {
        DomainError::with_message(
            ErrorCode::InvalidData,
            format!("{count} entries in this period; a statement lists at most {MAX_ENTRIES}: choose a shorter period"),
        )
        .into()
    })
}

/// Rendering is CPU work: off the async workers. A stamp krilla cannot embed
/// after all is dropped and the document drawn without it.
async fn render_blocking(
    fonts: Fonts,
    doc: PeriodStatement,
    stamp: Option<StampImage>,
    status: StampStatus,
) -> Result<(PeriodStatement, Rendered, StampStatus), ReceiptError> {
    tokio::task::spawn_blocking(
        move || match pdf::account::render(&doc, &fonts, stamp.as_ref()) {
            Ok(rendered) => Ok((doc, rendered, status)),
            Err(e) if stamp.is_some() => {
                let status = StampStatus::Broken(format!("could not be embedded: {e}"));
                let rendered = pdf::account::render(&doc, &fonts, None)?;
                Ok((doc, rendered, status))
            }
            Err(e) => Err(e.into()),
        },
    )
    .await
    .map_err(|e| ReceiptError::Internal(format!("render task: {e}")))?
}
