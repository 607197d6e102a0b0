//! Reading the audit timeline: a wholesaler's events over a bounded period
//! (its owner and approved employees; operators name the wholesaler). A
//! sheet's own history is read with the sheet (`OrderSheet.history`), so it
//! follows the sheet's access rules: its parties and operators.

use crate::app::{Error, Page, Result, Viewer};
use crate::trading::scope::acting_wholesaler;
use chrono::{Duration, NaiveDate, Utc};
use db::DbPool;
use db::audit::{EventRow, TimelineFilter};
use domain::{ErrorCode, Role};

/// Longest period one timeline request spans, in days (both ends included):
/// a month's events of a busy wholesaler are as much as one request reads.
pub const MAX_PERIOD_DAYS: i64 = 31;
/// The period when none is given: the last week up to today.
const DEFAULT_DAYS: i64 = 7;

/// What the caller asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimelineQuery {
    pub wholesaler_id: Option<i64>,
    pub retailer_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub struct TimelinePage {
    pub total: i64,
    pub events: Vec<EventRow>,
}

/// [from, to] as KST business days: defaults to the last week, at most
/// [`MAX_PERIOD_DAYS`].
pub fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(NaiveDate, NaiveDate)> {
    let to = to.unwrap_or_else(|| domain::time::business_day(Utc::now()));
    let from = from.unwrap_or_else(|| {
        to.checked_sub_signed(Duration::days(DEFAULT_DAYS - 1))
            .unwrap_or(NaiveDate::MIN)
    });
    if from > to {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "from must not be after to",
        ));
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("a timeline spans at most {MAX_PERIOD_DAYS} days"),
        ));
    }
    Ok((from, to))
}

/// Whose timeline the caller may read: its own company's (a wholesaler
/// account naming another is refused), any for an operator who names it,
/// none for a florist (it reads its sheets' history instead).
async fn readable_wholesaler(
    conn: &mut diesel_async::AsyncPgConnection,
    viewer: Viewer,
    asked: Option<i64>,
) -> Result<i64> {
    match viewer.role {
        Role::Retailer => Err(Error::with_message(
            ErrorCode::PermissionDenied,
            "A florist reads the history of its own order sheets.",
        )),
        Role::Admin => asked
            .ok_or_else(|| Error::with_message(ErrorCode::InvalidData, "wholesalerId is required")),
        Role::WholesalerEmpr | Role::WholesalerEmpe => {
            let acting = acting_wholesaler(conn, viewer).await?;
            match asked {
                Some(other) if other != acting => Err(Error::with_message(
                    ErrorCode::PermissionDenied,
                    "This timeline is not yours.",
                )),
                _ => Ok(acting),
            }
        }
    }
}

pub async fn timeline(
    pool: &DbPool,
    viewer: Viewer,
    query: TimelineQuery,
    page: Page,
) -> Result<TimelinePage> {
    let (from, to) = period(query.from, query.to)?;
    let mut conn = crate::app::conn(pool).await?;
    let wholesaler_id = readable_wholesaler(&mut conn, viewer, query.wholesaler_id).await?;
    let filter = TimelineFilter {
        wholesaler_id,
        retailer_id: query.retailer_id,
        from: domain::time::kst_day_bounds(from).0,
        to: domain::time::kst_day_bounds(to).1,
    };
    let total = db::audit::timeline_count(&mut conn, &filter).await?;
    let events =
        db::audit::timeline(&mut conn, &filter, page.descending, page.offset, page.limit).await?;
    Ok(TimelinePage { total, events })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("date")
    }

    #[test]
    fn periods_are_bounded_and_ordered() {
        assert!(period(Some(day(1)), Some(day(31))).is_ok());
        assert!(
            period(
                Some(day(1)),
                Some(NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"))
            )
            .is_err()
        );
        assert!(period(Some(day(2)), Some(day(1))).is_err());
        assert_eq!(period(None, Some(day(10))).expect("ok"), (day(4), day(10)));
    }
}
