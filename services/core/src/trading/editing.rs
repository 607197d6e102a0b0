//! A florist changes a placed sheet: directly before its cut-off (or at any
//! time when the wholesaler allows edits after it), otherwise through a
//! change request the wholesaler accepts (the change is applied then) or
//! declines. A sheet with an issued statement is changed through a request
//! only, so a statement never disagrees with its sheet unseen.
//!
//! Every write takes the wholesaler's sheet lock first and then the sheet's
//! row, as pricing does, so an edit racing the wholesaler's pricing (or the
//! cut-off, which is checked under the lock) ends in one of the two orders,
//! never in a mix: a line priced and then changed has no price; a line
//! changed and then priced has the new price. Florists' edits that change
//! quantities or memos or add lines share that lock with each other (each
//! changes its own sheet only); pricing, cancels and edits that remove lines
//! or change grades (they prune the day's bulk-price rows) hold it alone.
//!
//! Each change is on the sheet's audit timeline, written in its transaction:
//! lines changed, added and removed, a cancel, a request filed and answered.

use crate::app::{Error, Result, Viewer, text};
use crate::trading::audit;
use crate::trading::scope::acting_wholesaler;
use chrono::{DateTime, NaiveDate, Utc};
use db::DbPool;
use db::cutoffs::ChangeRequestRow;
use db::order_events::OrderEventKind;
use db::orders::OrderSheetRow;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::cutoff::CutoffSchedule;
use domain::{ErrorCode, FlowerGrade, KST};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Change requests `OrderSheet.changeRequests` lists (newest first).
pub const MAX_LISTED_REQUESTS: usize = 50;
/// Most lines one edit may touch.
pub const MAX_EDIT_LINES: usize = 200;
pub const MAX_QUANTITY: i32 = 100_000;

/// An edit as the florist asks it (also what a change request stores).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SheetEdit {
    #[serde(default)]
    pub changes: Vec<LineChange>,
    #[serde(default)]
    pub additions: Vec<NewLine>,
    #[serde(default)]
    pub removals: Vec<i64>,
    /// Cancel the whole sheet (a request only; a direct cancel is its own call).
    #[serde(default)]
    pub cancel: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineChange {
    pub order_item_id: i64,
    pub quantity: Option<i32>,
    pub grade: Option<FlowerGrade>,
    /// `Some("")` clears the memo; `None` keeps it.
    pub memo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewLine {
    pub flower_id: i64,
    pub quantity: i32,
    pub grade: FlowerGrade,
    pub memo: Option<String>,
}

/// A sheet's cut-off and whether its florist may still edit it directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub cutoff_at: DateTime<Utc>,
    pub editable: bool,
}

pub fn window(schedule: &CutoffSchedule, sheet: &OrderSheetRow, now: DateTime<Utc>) -> Window {
    let cutoff_at = sheet
        .cutoff_at
        .unwrap_or_else(|| schedule.cutoff_after(sheet.created_at));
    Window {
        cutoff_at,
        editable: now < cutoff_at || schedule.edit_after_cutoff,
    }
}

/// The schedules of these wholesalers, the default for those without one.
pub async fn schedules(
    conn: &mut AsyncPgConnection,
    wholesaler_ids: &[i64],
) -> Result<Vec<(i64, CutoffSchedule)>> {
    let stored = db::cutoffs::of_wholesalers(conn, wholesaler_ids).await?;
    Ok(wholesaler_ids
        .iter()
        .map(|id| {
            let schedule = stored
                .iter()
                .find(|r| r.wholesaler_id == *id)
                .map(|r| CutoffSchedule::from_stored(&r.cutoff_minutes, r.edit_after_cutoff))
                .unwrap_or_default();
            (*id, schedule)
        })
        .collect())
}

/// One wholesaler's schedule (the default when it set none).
pub async fn schedule_of(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
) -> Result<CutoffSchedule> {
    Ok(schedules(conn, &[wholesaler_id])
        .await?
        .pop()
        .map(|(_, s)| s)
        .unwrap_or_default())
}

/// `12월 5일(토) 22:00`, as a florist reads it.
pub fn describe(cutoff_at: DateTime<Utc>) -> String {
    const DAYS: [&str; 7] = ["월", "화", "수", "목", "금", "토", "일"];
    let local = cutoff_at.with_timezone(&KST);
    use chrono::Datelike;
    format!(
        "{}월 {}일({}) {}",
        local.month(),
        local.day(),
        DAYS[local.weekday().num_days_from_monday() as usize],
        local.format("%H:%M")
    )
}

fn cut_off(cutoff_at: DateTime<Utc>) -> Error {
    Error::with_message(
        ErrorCode::OrderCutOff,
        format!(
            "The order cut-off ({} KST) has passed: send a change request to the wholesaler. \
             주문 마감({})이 지났습니다. 도매상에게 변경 요청을 보내 주세요.",
            describe(cutoff_at),
            describe(cutoff_at)
        ),
    )
}

/// How a florist's change holds the wholesaler's sheet lock.
enum SheetLock {
    /// Beside other florists' edits: the change touches its sheet only.
    Shared,
    /// Alone, as every writer of many sheets: cancelling (or an edit that
    /// removes lines) removes the day's bulk-price rows that other sheets'
    /// new lines might be about to use.
    Alone,
}

/// An edit that only changes quantities and memos or adds lines runs beside
/// other florists'; one that removes lines or changes a grade may leave a
/// bulk-price row unused, which it removes, so it holds the lock alone (a
/// florist adding that key at the same time would find the row and lose it).
fn lock_for(edit: &SheetEdit) -> SheetLock {
    if edit.removals.is_empty() && edit.changes.iter().all(|c| c.grade.is_none()) {
        SheetLock::Shared
    } else {
        SheetLock::Alone
    }
}

/// The florist's own live sheet, locked: the wholesaler's sheet lock, then
/// the sheet's row.
async fn own_sheet_locked(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
    sheet_id: i64,
    lock: SheetLock,
) -> Result<OrderSheetRow> {
    let missing = || crate::trading::scope::no_order_sheet(sheet_id);
    let peeked = db::orders::live_sheets_by_ids(conn, &[sheet_id]).await?;
    let peeked = peeked.first().ok_or_else(missing)?;
    if peeked.retailer_id != retailer_id {
        return Err(missing());
    }
    match lock {
        SheetLock::Shared => {
            db::orders::share_wholesaler_sheets(conn, peeked.wholesaler_id).await?
        }
        SheetLock::Alone => db::orders::lock_wholesaler_sheets(conn, peeked.wholesaler_id).await?,
    }
    db::orders::live_sheet_for_update(conn, sheet_id)
        .await?
        .ok_or_else(missing)
}

/// Why the florist cannot change this sheet directly now, if it cannot.
async fn direct_edit_refusal(
    conn: &mut AsyncPgConnection,
    sheet: &OrderSheetRow,
) -> Result<Option<Error>> {
    let schedule = schedule_of(conn, sheet.wholesaler_id).await?;
    let window = window(&schedule, sheet, Utc::now());
    if !window.editable {
        return Ok(Some(cut_off(window.cutoff_at)));
    }
    if db::orders::has_receipt(conn, sheet.id).await? {
        return Ok(Some(Error::with_message(
            ErrorCode::OrderCutOff,
            "A statement was issued for this sheet: send a change request to the wholesaler.",
        )));
    }
    Ok(None)
}

/// The florist edits its sheet directly.
pub async fn edit(
    pool: &DbPool,
    viewer: Viewer,
    sheet_id: i64,
    edit: SheetEdit,
) -> Result<OrderSheetRow> {
    validate(&edit)?;
    if edit.cancel {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "To cancel a sheet, use cancelOrderSheet.",
        ));
    }
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let sheet = own_sheet_locked(conn, viewer.user_id.get(), sheet_id, lock_for(&edit)).await?;
        if let Some(refusal) = direct_edit_refusal(conn, &sheet).await? {
            return Err(refusal);
        }
        apply(conn, &sheet, &edit, viewer.user_id.get()).await?;
        db::order_events::notify(conn, OrderEventKind::Changed, &[sheet.id], None).await?;
        Ok(db::orders::live_sheet_for_update(conn, sheet_id)
            .await?
            .unwrap_or(sheet))
    })
    .await
}

/// The florist cancels its sheet before the cut-off.
pub async fn cancel(pool: &DbPool, viewer: Viewer, sheet_id: i64) -> Result<()> {
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let sheet =
            own_sheet_locked(conn, viewer.user_id.get(), sheet_id, SheetLock::Alone).await?;
        if let Some(refusal) = direct_edit_refusal(conn, &sheet).await? {
            return Err(refusal);
        }
        db::orders::remove_sheet(conn, &sheet).await?;
        db::audit::record(conn, &audit::sheet_cancelled(&sheet, viewer.user_id.get())).await?;
        db::order_events::notify(conn, OrderEventKind::Cancelled, &[sheet.id], None).await?;
        Ok(())
    })
    .await
}

/// The florist asks the wholesaler for a change it may not make itself.
pub async fn request(
    pool: &DbPool,
    viewer: Viewer,
    sheet_id: i64,
    edit: SheetEdit,
    message: Option<String>,
) -> Result<ChangeRequestRow> {
    validate(&edit)?;
    let message = text::optional(message, "message")?;
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let sheet =
            own_sheet_locked(conn, viewer.user_id.get(), sheet_id, SheetLock::Shared).await?;
        if direct_edit_refusal(conn, &sheet).await?.is_none() {
            return Err(Error::with_message(
                ErrorCode::InvalidData,
                "The sheet is still open: edit it directly (editOrderSheet).",
            ));
        }
        check_lines(conn, &sheet, &edit).await?;
        let changes =
            serde_json::to_value(&edit).map_err(|e| Error::internal("change request", e))?;
        let filed = db::cutoffs::insert_request(
            conn,
            sheet.id,
            sheet.retailer_id,
            sheet.wholesaler_id,
            &changes,
            message.as_deref(),
        )
        .await
        .map_err(crate::app::on_unique_violation(ErrorCode::Conflict))
        .map_err(|e| match e.code() {
            ErrorCode::Conflict => Error::with_message(
                ErrorCode::Conflict,
                "This sheet already has an open change request.",
            ),
            _ => e,
        })?;
        db::audit::record(conn, &audit::change_requested(&filed, viewer.user_id.get())).await?;
        let kind = OrderEventKind::ChangeRequested;
        db::order_events::notify(conn, kind, &[sheet.id], Some(filed.id)).await?;
        Ok(filed)
    })
    .await
}

/// The wholesaler (owner or employee) accepts or declines a request.
pub async fn answer(
    pool: &DbPool,
    viewer: Viewer,
    request_id: i64,
    accept: bool,
    answer: Option<String>,
) -> Result<ChangeRequestRow> {
    let answer = text::optional(answer, "answer")?;
    let mut conn = crate::app::conn(pool).await?;
    let wholesaler = acting_wholesaler(&mut conn, viewer).await?;
    conn.transaction(async |conn| {
        let missing = || Error::new(ErrorCode::NoChangeRequest);
        // The sheet lock first, as every writer of the wholesaler's sheets.
        db::orders::lock_wholesaler_sheets(conn, wholesaler).await?;
        let request = db::cutoffs::request_for_update(conn, request_id)
            .await?
            .filter(|r| r.wholesaler_id == wholesaler)
            .ok_or_else(missing)?;
        if request.status != "PENDING" {
            return Err(Error::with_message(
                ErrorCode::Conflict,
                format!("This request was already answered ({}).", request.status),
            ));
        }
        // Read before an accepted cancel removes it: the florist's alert names it.
        let alerted = db::orders::live_sheets_by_ids(conn, &[request.order_sheet_id])
            .await?
            .pop();
        if accept {
            let edit: SheetEdit = serde_json::from_value(request.changes.clone())
                .map_err(|e| Error::internal("stored change request", e))?;
            let sheet = db::orders::live_sheet_for_update(conn, request.order_sheet_id)
                .await?
                .ok_or_else(|| crate::trading::scope::no_order_sheet(request.order_sheet_id))?;
            let kind = if edit.cancel {
                if db::orders::has_receipt(conn, sheet.id).await? {
                    return Err(Error::new(ErrorCode::CannotDeleteOrderSheetWithReceipt));
                }
                db::orders::remove_sheet(conn, &sheet).await?;
                db::audit::record(conn, &audit::sheet_cancelled(&sheet, viewer.user_id.get()))
                    .await?;
                OrderEventKind::Cancelled
            } else {
                apply(conn, &sheet, &edit, viewer.user_id.get()).await?;
                OrderEventKind::Changed
            };
            db::order_events::notify(conn, kind, &[sheet.id], None).await?;
        }
        let answered = db::cutoffs::answer_request(
            conn,
            request.id,
            accept,
            answer.as_deref(),
            viewer.user_id.get(),
        )
        .await?;
        db::audit::record(
            conn,
            &audit::change_answered(&answered, viewer.user_id.get()),
        )
        .await?;
        let kind = OrderEventKind::ChangeRequestAnswered;
        let sheets = [request.order_sheet_id];
        db::order_events::notify(conn, kind, &sheets, Some(request.id)).await?;
        if let Some(sheet) = &alerted {
            crate::trading::alerts::request_answered(conn, sheet, accept).await?;
        }
        Ok(answered)
    })
    .await
}

/// Shape checks that need no database: sizes, quantities, text.
fn validate(edit: &SheetEdit) -> Result<()> {
    let touched = edit.changes.len() + edit.additions.len() + edit.removals.len();
    if touched == 0 && !edit.cancel {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "The edit changes nothing.",
        ));
    }
    if touched > MAX_EDIT_LINES {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("One edit touches at most {MAX_EDIT_LINES} lines."),
        ));
    }
    let quantities = edit
        .changes
        .iter()
        .filter_map(|c| c.quantity)
        .chain(edit.additions.iter().map(|a| a.quantity));
    for q in quantities {
        if !(1..=MAX_QUANTITY).contains(&q) {
            return Err(Error::with_message(
                ErrorCode::InvalidData,
                format!("quantity must be between 1 and {MAX_QUANTITY}"),
            ));
        }
    }
    let memos = edit
        .changes
        .iter()
        .filter_map(|c| c.memo.clone())
        .chain(edit.additions.iter().filter_map(|a| a.memo.clone()));
    for memo in memos {
        text::optional(Some(memo), "memo")?;
    }
    let mut seen = HashSet::new();
    let ids = edit
        .changes
        .iter()
        .map(|c| c.order_item_id)
        .chain(edit.removals.iter().copied());
    for id in ids {
        if !seen.insert(id) {
            return Err(Error::with_message(
                ErrorCode::InvalidData,
                format!("order item {id} is named twice"),
            ));
        }
    }
    Ok(())
}

/// The lines named are the sheet's live lines, the flowers exist, and the
/// sheet keeps at least one line (cancel it instead).
async fn check_lines(
    conn: &mut AsyncPgConnection,
    sheet: &OrderSheetRow,
    edit: &SheetEdit,
) -> Result<()> {
    if edit.cancel {
        return Ok(());
    }
    let live: HashSet<i64> = db::orders::live_items_of_sheet(conn, sheet.id)
        .await?
        .iter()
        .map(|i| i.id)
        .collect();
    let named = edit
        .changes
        .iter()
        .map(|c| c.order_item_id)
        .chain(edit.removals.iter().copied());
    for id in named {
        if !live.contains(&id) {
            return Err(Error::with_message(
                ErrorCode::NoOrderItem,
                format!("There's no order item whose id is {id} on this sheet"),
            ));
        }
    }
    let flower_ids: Vec<i64> = edit.additions.iter().map(|a| a.flower_id).collect();
    if !flower_ids.is_empty() {
        let found: HashSet<i64> = db::catalogue::flowers_by_ids(conn, &flower_ids)
            .await?
            .iter()
            .map(|f| f.id)
            .collect();
        if let Some(gone) = flower_ids.iter().find(|id| !found.contains(id)) {
            return Err(Error::with_message(
                ErrorCode::NoFlower,
                format!("There's no flower whose id is {gone}"),
            ));
        }
    }
    if live.len() + edit.additions.len() <= edit.removals.len() {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "An edit cannot remove every line: cancel the sheet instead.",
        ));
    }
    Ok(())
}

/// A (flower, grade) on a KST day: the key of a bulk-price row.
type DayKey = (NaiveDate, (i64, String));

/// The days' bulk-price rows for every key now ordered (`used`), as ordering
/// makes them, and none left for a key no line uses any more (of `vacated`).
async fn keep_day_rows(
    conn: &mut AsyncPgConnection,
    wholesaler: i64,
    used: &[DayKey],
    vacated: &[DayKey],
) -> Result<()> {
    let days: std::collections::BTreeSet<NaiveDate> =
        used.iter().chain(vacated).map(|(day, _)| *day).collect();
    let of_day = |list: &[DayKey], day: NaiveDate| -> Vec<(i64, String)> {
        list.iter()
            .filter(|(d, _)| *d == day)
            .map(|(_, key)| key.clone())
            .collect()
    };
    for day in days {
        db::daily_items::ensure_for_day(conn, wholesaler, &of_day(used, day), day).await?;
        db::daily_items::prune_unused(conn, wholesaler, &of_day(vacated, day), day).await?;
    }
    Ok(())
}

/// Applies `edit` to the locked `sheet` for `actor`, recording each line's
/// change on the timeline.
async fn apply(
    conn: &mut AsyncPgConnection,
    sheet: &OrderSheetRow,
    edit: &SheetEdit,
    actor: i64,
) -> Result<()> {
    check_lines(conn, sheet, edit).await?;
    let current = db::orders::live_items_of_sheet(conn, sheet.id).await?;
    // Bulk-price keys by the line's own KST day, as pricing matches them:
    // `used` the day must have a row for, `vacated` it may not need any more.
    let day_of = |line_created: chrono::DateTime<Utc>| domain::time::business_day(line_created);
    let mut used: Vec<DayKey> = Vec::new();
    let mut vacated: Vec<DayKey> = Vec::new();
    let mut events = Vec::new();
    for change in &edit.changes {
        let Some(line) = current.iter().find(|i| i.id == change.order_item_id) else {
            continue;
        };
        let grade = change
            .grade
            .map_or_else(|| line.grade.clone(), |g| g.as_korean().to_owned());
        let memo = change
            .memo
            .as_deref()
            .map(|m| Some(m.trim()).filter(|m| !m.is_empty()));
        let changed = db::order_edits::change_line(
            conn,
            sheet.id,
            line.id,
            change.quantity.unwrap_or(line.quantity),
            &grade,
            memo,
        )
        .await?;
        events.extend(changed.and_then(|after| audit::line_edited(line, &after, actor)));
        let day = day_of(line.created_at);
        if grade != line.grade {
            vacated.push((day, (line.flower_id, line.grade.clone())));
        }
        used.push((day, (line.flower_id, grade)));
    }
    for addition in &edit.additions {
        let grade = addition.grade.as_korean();
        let memo = addition
            .memo
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        let added = db::order_edits::add_line(
            conn,
            sheet,
            addition.flower_id,
            addition.quantity,
            grade,
            memo,
        )
        .await?;
        events.push(audit::line_added(&added, actor));
        used.push((
            day_of(added.created_at),
            (addition.flower_id, grade.to_owned()),
        ));
    }
    if !edit.removals.is_empty() {
        db::order_edits::remove_lines(conn, sheet.id, &edit.removals).await?;
        for item in current.iter().filter(|i| edit.removals.contains(&i.id)) {
            events.push(audit::line_removed(item, actor));
            vacated.push((
                day_of(item.created_at),
                (item.flower_id, item.grade.clone()),
            ));
        }
    }
    keep_day_rows(conn, sheet.wholesaler_id, &used, &vacated).await?;
    db::order_edits::mark_changed(conn, sheet.id).await?;
    db::audit::record_all(conn, &events).await?;
    Ok(())
}
