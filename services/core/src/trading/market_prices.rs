//! The auction price board: public market data (the aT auction's own
//! figures), so anyone may read it, signed in or not, as anyone may read the
//! catalogue; what bounds an anonymous caller is the request's cost budget
//! and the caps below, which keep every read to an index range of the
//! summary table (`db::price_board`).

use crate::app::{Error, Page, Result};
use chrono::NaiveDate;
use db::DbPool;
use db::price_board::{BoardFilter, BoardRow};
use domain::ErrorCode;

/// The most rows one page of the board holds (a day has about 3,000).
pub const BOARD_PAGE_MAX: i64 = 200;
/// The longest date range one history may span, both ends included.
pub const HISTORY_DAYS_MAX: i64 = 92;
/// The most rows one history answers (the latest ones), as many as any list
/// without pagination (`graphql::cost::UNPAGINATED_LIST_MAX`): five grades a
/// day over [`HISTORY_DAYS_MAX`] days fit.
pub const HISTORY_ROWS_MAX: i64 = 500;
/// The most grades `Flower.latestAuction` lists (a variety has a handful).
pub const LATEST_GRADES_MAX: usize = 20;
/// The longest filter text: names are at most 255 characters.
const TEXT_MAX: usize = 255;

/// A day's board as asked.
#[derive(Debug, Clone)]
pub struct BoardAsk {
    /// None: the most recent sale day up to today (KST).
    pub day: Option<NaiveDate>,
    pub filter: BoardFilter,
    pub page: Page,
}

/// One page of a day's board.
#[derive(Debug, Clone)]
pub struct BoardPage {
    /// The sale day shown; None when the board is empty.
    pub day: Option<NaiveDate>,
    /// Rows the filter matches that day, on every page.
    pub total: i64,
    pub rows: Vec<BoardRow>,
}

fn refused(message: impl Into<String>) -> Error {
    Error::with_message(ErrorCode::InvalidData, message)
}

/// A filter text trimmed, None when blank; refused when longer than a name.
fn text(field: &str, value: Option<String>) -> Result<Option<String>> {
    let Some(value) = value.map(|v| v.trim().to_owned()) else {
        return Ok(None);
    };
    if value.chars().count() > TEXT_MAX {
        return Err(refused(format!(
            "{field} must be at most {TEXT_MAX} characters."
        )));
    }
    Ok((!value.is_empty()).then_some(value))
}

pub async fn board(pool: &DbPool, ask: BoardAsk) -> Result<BoardPage> {
    if ask.page.limit > BOARD_PAGE_MAX {
        return Err(refused(format!(
            "auctionPriceBoard: a page holds at most {BOARD_PAGE_MAX} rows."
        )));
    }
    let filter = BoardFilter {
        flower_type: text("flowerType", ask.filter.flower_type)?,
        keyword: text("keyword", ask.filter.keyword)?,
        auction_grade: text("auctionGrade", ask.filter.auction_grade)?,
        order_grade: ask.filter.order_grade,
    };
    let mut conn = crate::app::conn(pool).await?;
    let day = match ask.day {
        Some(day) => Some(day),
        None => {
            let today = domain::time::business_day(chrono::Utc::now());
            db::price_board::latest_day(&mut conn, today).await?
        }
    };
    let Some(day) = day else {
        return Ok(BoardPage {
            day: None,
            total: 0,
            rows: Vec::new(),
        });
    };
    let (total, rows) = db::price_board::day_page(
        &mut conn,
        day,
        &filter,
        ask.page.descending,
        ask.page.offset,
        ask.page.limit,
    )
    .await?;
    Ok(BoardPage {
        day: Some(day),
        total,
        rows,
    })
}

/// One variety's history as asked.
#[derive(Debug, Clone)]
pub struct HistoryAsk {
    pub flower_type: String,
    pub flower_name: String,
    pub auction_grade: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A variety's board rows from `from` to `to` (both included, at most
/// [`HISTORY_DAYS_MAX`] days), oldest first, every grade unless one is given.
pub async fn history(pool: &DbPool, ask: HistoryAsk) -> Result<Vec<BoardRow>> {
    let span = (ask.to - ask.from).num_days() + 1;
    if span < 1 {
        return Err(refused(
            "auctionPriceHistory: fromDate must not be after toDate.",
        ));
    }
    if span > HISTORY_DAYS_MAX {
        return Err(refused(format!(
            "auctionPriceHistory: a range spans at most {HISTORY_DAYS_MAX} days (asked {span})."
        )));
    }
    let (Some(flower_type), Some(flower_name)) = (
        text("flowerType", Some(ask.flower_type))?,
        text("flowerName", Some(ask.flower_name))?,
    ) else {
        return Err(refused(
            "auctionPriceHistory: flowerType and flowerName must not be blank.",
        ));
    };
    let grade = text("auctionGrade", ask.auction_grade)?;
    let mut conn = crate::app::conn(pool).await?;
    Ok(db::price_board::history(
        &mut conn,
        &flower_type,
        &flower_name,
        grade.as_deref(),
        (ask.from, ask.to),
        HISTORY_ROWS_MAX,
    )
    .await?)
}
