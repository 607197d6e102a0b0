//! Business time. The market runs on Korea Standard Time: business days,
//! order numbers, the nightly batch and the auction calendar are all KST,
//! while the database stores instants (`timestamptz`). KST is a fixed UTC+9
//! with no daylight saving (none since 1988), so a `FixedOffset` is exact and
//! no time-zone database is needed.

use crate::error::ValueError;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

const KST_OFFSET_SECONDS: i32 = 9 * 3600;

/// Korea Standard Time, UTC+09:00.
pub const KST: FixedOffset = match FixedOffset::east_opt(KST_OFFSET_SECONDS) {
    Some(offset) => offset,
    // Unreachable: +9h is within ±24h; evaluated at compile time.
    None => panic!("UTC+9 is a valid offset"),
};

/// The KST calendar day an instant falls on: the market's "today".
pub fn business_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&KST).date_naive()
}

/// `[start, end)` of a KST day as instants, for range queries on
/// `timestamptz` columns (`created_at >= start AND created_at < end`).
/// Saturates at chrono's limits instead of panicking.
pub fn kst_day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = kst_midnight(day).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let end = day
        .succ_opt()
        .and_then(kst_midnight)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    (start, end)
}

fn kst_midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_time(NaiveTime::MIN)
        .checked_sub_signed(TimeDelta::seconds(i64::from(KST_OFFSET_SECONDS)))
        .map(|utc| utc.and_utc())
}

/// The KST wall-clock time of an instant: what the `LocalDate` scalar prints
/// (the original serialised KST `LocalDateTime`s without an offset).
pub fn kst_wall_clock(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&KST).naive_local()
}

/// The instant a KST wall-clock time denotes (the inverse of
/// [`kst_wall_clock`]). Saturates at chrono's limits.
pub fn from_kst_wall_clock(wall_clock: NaiveDateTime) -> DateTime<Utc> {
    wall_clock
        .checked_sub_signed(TimeDelta::seconds(i64::from(KST_OFFSET_SECONDS)))
        .map_or(DateTime::<Utc>::MIN_UTC, |utc| utc.and_utc())
}

/// The original's order number: the KST creation date as `yyMMdd`, a
/// literal `M`, then `sequence` modulo 100 000 zero-padded to five digits.
/// The original used the order sheet id as the sequence, e.g. sheet 123
/// created 2023-01-09 → `230109M00123`. The modulo keeps the documented
/// length (12 characters) for ids past 99 999, as the original did.
pub fn order_number(kst_date: NaiveDate, sequence: u32) -> String {
    format!("{}M{:05}", kst_date.format("%y%m%d"), sequence % 100_000)
}

/// A date as the `YYYYMMDD` integer the auction data uses
/// (`auction_results.auction_date`), e.g. 2023-11-05 → `20231105`.
pub fn yyyymmdd(date: NaiveDate) -> i32 {
    use chrono::Datelike;
    // month·100 + day ≤ 1231, so the cast is lossless; saturation only matters
    // for years beyond 214 748, which no auction will have.
    let month_day = (date.month() * 100 + date.day()) as i32;
    date.year().saturating_mul(10_000).saturating_add(month_day)
}

/// Reads a `YYYYMMDD` integer back into a date.
pub fn from_yyyymmdd(value: i32) -> Result<NaiveDate, ValueError> {
    let invalid = || ValueError::InvalidDate(value.to_string());
    if !(10_000_101..=99_991_231).contains(&value) {
        return Err(invalid());
    }
    let month = u32::try_from(value / 100 % 100).map_err(|_| invalid())?;
    let day = u32::try_from(value % 100).map_err(|_| invalid())?;
    NaiveDate::from_ymd_opt(value / 10_000, month, day).ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn kst_is_nine_hours_ahead() {
        assert_eq!(KST.local_minus_utc(), 9 * 3600);
        assert_eq!(KST.to_string(), "+09:00");
    }

    #[test]
    fn the_business_day_turns_at_kst_midnight() {
        assert_eq!(
            business_day(utc(2026, 11, 24, 14, 59, 59)),
            date(2026, 11, 24)
        );
        assert_eq!(
            business_day(utc(2026, 11, 24, 15, 0, 0)),
            date(2026, 11, 25)
        );
        // New Year in Seoul while it is still the old year in UTC.
        assert_eq!(business_day(utc(2025, 12, 31, 15, 30, 0)), date(2026, 1, 1));
    }

    #[test]
    fn day_bounds_are_consecutive_kst_midnights() {
        let (start, end) = kst_day_bounds(date(2026, 11, 25));
        assert_eq!(start, utc(2026, 11, 24, 15, 0, 0));
        assert_eq!(end, utc(2026, 11, 25, 15, 0, 0));
        assert_eq!(business_day(start), date(2026, 11, 25));
        assert_eq!(
            business_day(end - TimeDelta::nanoseconds(1)),
            date(2026, 11, 25)
        );
        assert_eq!(business_day(end), date(2026, 11, 26));
        // A leap day is an ordinary 24-hour day too.
        let (start, end) = kst_day_bounds(date(2024, 2, 29));
        assert_eq!(end - start, TimeDelta::days(1));
    }

    #[test]
    fn day_bounds_saturate_at_the_calendar_limits() {
        let (start, _) = kst_day_bounds(NaiveDate::MIN);
        assert_eq!(start, DateTime::<Utc>::MIN_UTC);
        let (start, end) = kst_day_bounds(NaiveDate::MAX);
        assert!(start < end);
        assert_eq!(end, DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn wall_clock_round_trips() {
        let instant = utc(2023, 1, 9, 4, 45, 12);
        let wall = kst_wall_clock(instant);
        assert_eq!(wall.to_string(), "2023-01-09 13:45:12");
        assert_eq!(from_kst_wall_clock(wall), instant);
    }

    #[test]
    fn order_numbers_have_the_original_shape() {
        assert_eq!(order_number(date(2023, 1, 9), 123), "230109M00123");
        assert_eq!(order_number(date(2026, 12, 31), 0), "261231M00000");
        assert_eq!(order_number(date(2026, 12, 31), 99_999), "261231M99999");
        assert_eq!(order_number(date(2026, 12, 31), 100_123), "261231M00123");
        assert_eq!(order_number(date(2026, 1, 5), u32::MAX).len(), 12);
    }

    #[test]
    fn auction_dates_round_trip_as_integers() {
        assert_eq!(yyyymmdd(date(2023, 11, 5)), 20_231_105);
        assert_eq!(from_yyyymmdd(20_231_105), Ok(date(2023, 11, 5)));
        assert_eq!(from_yyyymmdd(20_240_229), Ok(date(2024, 2, 29)));
        for bad in [
            0,
            20_230_229,
            20_231_301,
            20_231_100,
            2_023_110,
            -20_231_105,
        ] {
            assert_eq!(
                from_yyyymmdd(bad),
                Err(ValueError::InvalidDate(bad.to_string())),
                "{bad}"
            );
        }
    }
}
