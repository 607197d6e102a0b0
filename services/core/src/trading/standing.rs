//! Standing orders and reorder: regulars stop re-typing the same order.
//!
//! A standing order is placed as an order sheet at the wholesaler's cut-off
//! on each of its weekdays, through the same pipeline as `orderCartItems`
//! (`ordering::place_lines`). Each occurrence is claimed by inserting its run
//! row in the same transaction as the sheet, so with any number of core
//! instances running the minute ticker, an occurrence is placed once: the
//! others wait on the row and find it taken. An occurrence whose cut-off
//! passed while no instance ran (more than a day ago) is not placed late.

use crate::app::{Error, Result, Viewer, text};
use crate::trading::ordering::place_lines;
use crate::trading::scope::require_confirmed;
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use db::DbPool;
use db::carts::CartItemRow;
use db::orders::LineToOrder;
use db::standing_orders::{RunRow, StandingLineRow, StandingOrderRow};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::cutoff::CutoffSchedule;
use domain::{ErrorCode, FlowerGrade};
use std::collections::HashSet;

/// Standing orders one florist may keep.
pub const MAX_PER_FLORIST: usize = 20;
pub const MAX_LINES: usize = 200;
const MAX_QUANTITY: i32 = 100_000;

pub struct NewLine {
    pub flower_id: i64,
    pub quantity: i32,
    pub grade: FlowerGrade,
    pub memo: Option<String>,
}

pub struct StandingInput {
    pub wholesaler_id: i64,
    pub weekdays: Vec<i32>,
    pub starts_on: Option<NaiveDate>,
    pub memo: Option<String>,
    /// The lines, or a past sheet of the florist's to copy them from.
    pub lines: Vec<NewLine>,
    pub from_sheet: Option<i64>,
}

/// A standing order with its lines and latest runs.
pub struct Standing {
    pub row: StandingOrderRow,
    pub lines: Vec<StandingLineRow>,
    pub runs: Vec<RunRow>,
    /// When it is placed next (None: paused).
    pub next: Option<DateTime<Utc>>,
}

fn occurs_on(row: &StandingOrderRow, day: NaiveDate) -> bool {
    let weekday = i16::try_from(day.weekday().number_from_monday()).unwrap_or(0);
    day >= row.starts_on && row.weekdays.contains(&weekday) && row.skip_on != Some(day)
}

/// The next occurrence whose cut-off is after `now`, within two weeks.
pub fn next_occurrence(
    row: &StandingOrderRow,
    schedule: &CutoffSchedule,
    now: DateTime<Utc>,
) -> Option<(NaiveDate, DateTime<Utc>)> {
    if row.paused {
        return None;
    }
    let today = domain::time::business_day(now);
    (0..15)
        .filter_map(|d| today.checked_add_days(Days::new(d)))
        .filter(|day| occurs_on(row, *day))
        .map(|day| (day, schedule.cutoff_on(day)))
        .find(|(_, at)| *at > now)
}

fn weekdays(days: &[i32]) -> Result<Vec<i16>> {
    let mut out: Vec<i16> = Vec::new();
    for d in days {
        let d = i16::try_from(*d)
            .ok()
            .filter(|d| (1..=7).contains(d))
            .ok_or_else(|| {
                Error::with_message(
                    ErrorCode::InvalidData,
                    "weekdays are 1 (Monday) to 7 (Sunday)",
                )
            })?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    if out.is_empty() {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "name at least one weekday",
        ));
    }
    out.sort_unstable();
    Ok(out)
}

pub async fn create(pool: &DbPool, viewer: Viewer, input: StandingInput) -> Result<Standing> {
    let retailer = viewer.user_id.get();
    let days = weekdays(&input.weekdays)?;
    let order_memo = text::optional(input.memo, "memo")?;
    let today = domain::time::business_day(Utc::now());
    let starts_on = input.starts_on.unwrap_or(today);
    if starts_on < today {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "startsOn must not be in the past",
        ));
    }
    let mut conn = crate::app::conn(pool).await?;
    let row = conn
        .transaction(async |conn| {
            require_confirmed(conn, retailer, input.wholesaler_id).await?;
            if db::standing_orders::of_retailer(conn, retailer)
                .await?
                .len()
                >= MAX_PER_FLORIST
            {
                return Err(Error::with_message(
                    ErrorCode::InvalidData,
                    format!("A florist keeps at most {MAX_PER_FLORIST} standing orders."),
                ));
            }
            let lines = match input.from_sheet {
                Some(sheet_id) => lines_of_sheet(conn, retailer, sheet_id).await?,
                None => {
                    let mut lines = Vec::new();
                    for l in &input.lines {
                        lines.push((
                            l.flower_id,
                            l.quantity,
                            l.grade.as_korean().to_owned(),
                            text::optional(l.memo.clone(), "memo")?,
                        ));
                    }
                    lines
                }
            };
            check_lines(conn, &lines).await?;
            let new = db::standing_orders::NewStandingOrder {
                retailer_id: retailer,
                wholesaler_id: input.wholesaler_id,
                weekdays: &days,
                starts_on,
                memo: order_memo.as_deref(),
            };
            Ok(db::standing_orders::insert(conn, &new, &lines).await?)
        })
        .await?;
    one(&mut conn, row).await
}

async fn lines_of_sheet(
    conn: &mut AsyncPgConnection,
    retailer: i64,
    sheet_id: i64,
) -> Result<Vec<db::standing_orders::NewStandingLine>> {
    let sheet = db::orders::live_sheets_by_ids(conn, &[sheet_id]).await?;
    if !sheet.iter().any(|s| s.retailer_id == retailer) {
        return Err(crate::trading::scope::no_order_sheet(sheet_id));
    }
    Ok(db::orders::live_items_of_sheet(conn, sheet_id)
        .await?
        .into_iter()
        .map(|i| (i.flower_id, i.quantity, i.grade, i.memo))
        .collect())
}

async fn check_lines(
    conn: &mut AsyncPgConnection,
    lines: &[db::standing_orders::NewStandingLine],
) -> Result<()> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("A standing order has 1 to {MAX_LINES} lines."),
        ));
    }
    if let Some(bad) = lines.iter().find(|l| !(1..=MAX_QUANTITY).contains(&l.1)) {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!(
                "quantity must be between 1 and {MAX_QUANTITY} (flower {})",
                bad.0
            ),
        ));
    }
    let ids: Vec<i64> = lines.iter().map(|l| l.0).collect();
    let found: HashSet<i64> = db::catalogue::flowers_by_ids(conn, &ids)
        .await?
        .iter()
        .map(|f| f.id)
        .collect();
    if let Some(gone) = ids.iter().find(|id| !found.contains(id)) {
        return Err(Error::with_message(
            ErrorCode::NoFlower,
            format!("There's no flower whose id is {gone}"),
        ));
    }
    Ok(())
}

async fn one(conn: &mut AsyncPgConnection, row: StandingOrderRow) -> Result<Standing> {
    let mut all = with_details(conn, vec![row]).await?;
    all.pop()
        .ok_or_else(|| Error::internal("standing order", "a read order went missing"))
}

async fn with_details(
    conn: &mut AsyncPgConnection,
    rows: Vec<StandingOrderRow>,
) -> Result<Vec<Standing>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let lines = db::standing_orders::lines_of(conn, &ids).await?;
    let runs = db::standing_orders::runs_of(conn, &ids).await?;
    let mut wholesalers: Vec<i64> = rows.iter().map(|r| r.wholesaler_id).collect();
    wholesalers.dedup();
    let schedules = crate::trading::editing::schedules(conn, &wholesalers).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|row| {
            let schedule = schedules
                .iter()
                .find(|(w, _)| *w == row.wholesaler_id)
                .map(|(_, s)| *s)
                .unwrap_or_default();
            Standing {
                next: next_occurrence(&row, &schedule, now).map(|(_, at)| at),
                lines: lines
                    .iter()
                    .filter(|l| l.standing_order_id == row.id)
                    .cloned()
                    .collect(),
                runs: runs
                    .iter()
                    .filter(|r| r.standing_order_id == row.id)
                    .cloned()
                    .collect(),
                row,
            }
        })
        .collect())
}

pub async fn list(pool: &DbPool, viewer: Viewer) -> Result<Vec<Standing>> {
    let mut conn = crate::app::conn(pool).await?;
    let rows = db::standing_orders::of_retailer(&mut conn, viewer.user_id.get()).await?;
    with_details(&mut conn, rows).await
}

/// What a florist changes of its standing order.
pub struct Patch {
    pub weekdays: Option<Vec<i32>>,
    pub paused: Option<bool>,
    /// true: leave out the next occurrence; false: undo that.
    pub skip_next: Option<bool>,
    pub memo: Option<String>,
}

pub async fn update(pool: &DbPool, viewer: Viewer, id: i64, patch: Patch) -> Result<Standing> {
    let days = patch.weekdays.as_deref().map(weekdays).transpose()?;
    let new_memo = patch
        .memo
        .map(|m| text::optional(Some(m), "memo"))
        .transpose()?;
    let mut conn = crate::app::conn(pool).await?;
    let row = conn
        .transaction(async |conn| -> Result<StandingOrderRow> {
            let mut row = own(conn, viewer, id, true).await?;
            if let Some(days) = days {
                row.weekdays = days;
            }
            if let Some(paused) = patch.paused {
                row.paused = paused;
            }
            if let Some(memo) = new_memo {
                row.memo = memo;
            }
            match patch.skip_next {
                Some(true) => {
                    let schedule =
                        crate::trading::editing::schedule_of(conn, row.wholesaler_id).await?;
                    let unskipped = StandingOrderRow {
                        skip_on: None,
                        paused: false,
                        ..row.clone()
                    };
                    row.skip_on =
                        next_occurrence(&unskipped, &schedule, Utc::now()).map(|(d, _)| d);
                }
                Some(false) => row.skip_on = None,
                None => {}
            }
            Ok(db::standing_orders::update(conn, &row).await?)
        })
        .await?;
    one(&mut conn, row).await
}

pub async fn remove(pool: &DbPool, viewer: Viewer, id: i64) -> Result<()> {
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        own(conn, viewer, id, true).await?;
        Ok(db::standing_orders::remove(conn, id).await?)
    })
    .await
}

async fn own(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    id: i64,
    lock: bool,
) -> Result<StandingOrderRow> {
    db::standing_orders::live(conn, id, lock)
        .await?
        .filter(|r| r.retailer_id == viewer.user_id.get())
        .ok_or_else(|| {
            Error::with_message(
                ErrorCode::NoStandingOrder,
                format!("There's no standing order whose id is {id}"),
            )
        })
}

/// Places every occurrence whose cut-off has come (today's and yesterday's,
/// so a tick missed around midnight is caught up); answers how many sheets
/// it placed. Run by every instance's minute ticker.
pub async fn run_due(pool: &DbPool, now: DateTime<Utc>) -> Result<usize> {
    let mut conn = crate::app::conn(pool).await?;
    let orders = db::standing_orders::active(&mut conn).await?;
    let mut wholesalers: Vec<i64> = orders.iter().map(|o| o.wholesaler_id).collect();
    wholesalers.sort_unstable();
    wholesalers.dedup();
    let schedules = crate::trading::editing::schedules(&mut conn, &wholesalers).await?;
    let today = domain::time::business_day(now);
    let mut placed = 0;
    for order in &orders {
        let schedule = schedules
            .iter()
            .find(|(w, _)| *w == order.wholesaler_id)
            .map(|(_, s)| *s)
            .unwrap_or_default();
        for day in [today.pred_opt(), Some(today)].into_iter().flatten() {
            let at = schedule.cutoff_on(day);
            // Due, and not an occurrence from before the order existed.
            if !occurs_on(order, day) || at > now || at < order.created_at {
                continue;
            }
            match place_occurrence(&mut conn, order, day, at).await {
                Ok(true) => placed += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(
                        standing_order = order.id,
                        code = e.code().name(),
                        "standing order not placed"
                    );
                }
            }
        }
    }
    Ok(placed)
}

/// One occurrence in one transaction: claim it, place it, record how it went.
async fn place_occurrence(
    conn: &mut AsyncPgConnection,
    order: &StandingOrderRow,
    day: NaiveDate,
    closes: DateTime<Utc>,
) -> Result<bool> {
    conn.transaction(async |conn| {
        if !db::standing_orders::claim(conn, order.id, day).await? {
            return Ok(false);
        }
        let finish = async |conn: &mut AsyncPgConnection, sheet: Option<i64>, outcome: &str| {
            db::standing_orders::finish(conn, order.id, day, sheet, outcome).await
        };
        if let Err(e) = require_confirmed(conn, order.retailer_id, order.wholesaler_id).await {
            finish(conn, None, e.code().name()).await?;
            return Ok(false);
        }
        db::orders::lock_wholesaler_sheets(conn, order.wholesaler_id).await?;
        let lines = db::standing_orders::lines_of(conn, &[order.id]).await?;
        let ids: Vec<i64> = lines.iter().map(|l| l.flower_id).collect();
        let live: HashSet<i64> = db::catalogue::flowers_by_ids(conn, &ids)
            .await?
            .iter()
            .map(|f| f.id)
            .collect();
        let to_order: Vec<LineToOrder> = lines
            .iter()
            .filter(|l| live.contains(&l.flower_id))
            .map(|l| LineToOrder {
                flower_id: l.flower_id,
                quantity: l.quantity,
                grade: l.grade.clone(),
                memo: l.memo.clone(),
            })
            .collect();
        if to_order.is_empty() {
            finish(conn, None, "NO_FLOWER: every flower of the order is gone").await?;
            return Ok(false);
        }
        let sheet = place_lines(
            conn,
            order.retailer_id,
            order.wholesaler_id,
            order.memo.as_deref(),
            &to_order,
            Some(closes),
            None,
        )
        .await?;
        let skipped = lines.len() - to_order.len();
        let outcome = if skipped == 0 {
            "PLACED".to_owned()
        } else {
            format!("PLACED: {skipped} line(s) left out, their flower is gone")
        };
        finish(conn, Some(sheet.id), &outcome).await?;
        Ok(true)
    })
    .await
}

/// A line of a past sheet that could not go back into the cart.
pub struct Skipped {
    pub flower_id: i64,
    pub quantity: i32,
    pub grade: String,
    pub reason: &'static str,
}

/// Copies a past sheet's lines into the florist's cart (merging with what is
/// there) and chooses its wholesaler when the link is still confirmed.
pub async fn reorder(
    pool: &DbPool,
    viewer: Viewer,
    sheet_id: i64,
) -> Result<(Vec<CartItemRow>, Vec<Skipped>)> {
    let retailer = viewer.user_id.get();
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let sheets = db::orders::live_sheets_by_ids(conn, &[sheet_id]).await?;
        let sheet = sheets
            .into_iter()
            .find(|s| s.retailer_id == retailer)
            .ok_or_else(|| crate::trading::scope::no_order_sheet(sheet_id))?;
        let items = db::orders::live_items_of_sheet(conn, sheet.id).await?;
        let ids: Vec<i64> = items.iter().map(|i| i.flower_id).collect();
        let live: HashSet<i64> = db::catalogue::flowers_by_ids(conn, &ids)
            .await?
            .iter()
            .map(|f| f.id)
            .collect();
        let session = db::carts::open_session(conn, retailer).await?;
        let mut added = Vec::new();
        let mut skipped = Vec::new();
        for item in items {
            if !live.contains(&item.flower_id) {
                skipped.push(Skipped {
                    flower_id: item.flower_id,
                    quantity: item.quantity,
                    grade: item.grade,
                    reason: "NO_FLOWER",
                });
                continue;
            }
            let line = db::carts::NewLine {
                flower_id: item.flower_id,
                quantity: item.quantity,
                grade: &item.grade,
                memo: item.memo.as_deref(),
            };
            added.push(db::carts::upsert_line(conn, &session, &line).await?);
        }
        if require_confirmed(conn, retailer, sheet.wholesaler_id)
            .await
            .is_ok()
        {
            db::carts::set_wholesaler(conn, &session, sheet.wholesaler_id, session.memo.as_deref())
                .await?;
        }
        Ok((added, skipped))
    })
    .await
}
