//! Business time. The market runs on Korea Standard Time (UTC+9, no daylight
//! saving): business days, order numbers and nightly jobs use it, while the
//! database stores instants (`timestamptz`).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

pub fn kst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset")
}

/// The KST calendar day an instant falls on.
pub fn business_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&kst()).date_naive()
}

/// `[start, end)` of a KST day as instants, for range queries on `timestamptz`.
pub fn kst_day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let start = kst()
        .from_local_datetime(&start)
        .single()
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    (start, start + chrono::Duration::days(1))
}

/// The original's order number: `yyMMdd` + `M` + a 5-digit sequence, e.g. `261125M00042`.
pub fn order_number(day: NaiveDate, sequence: u32) -> String {
    format!("{}M{:05}", day.format("%y%m%d"), sequence % 100_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_business_day_turns_at_kst_midnight() {
        let before = Utc
            .with_ymd_and_hms(2026, 11, 24, 14, 59, 59)
            .single()
            .expect("valid");
        let after = Utc
            .with_ymd_and_hms(2026, 11, 24, 15, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(business_day(before).to_string(), "2026-11-24");
        assert_eq!(business_day(after).to_string(), "2026-11-25");
    }

    #[test]
    fn day_bounds_are_kst_midnights() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid");
        let (start, end) = kst_day_bounds(day);
        assert_eq!(start.to_rfc3339(), "2026-11-24T15:00:00+00:00");
        assert_eq!(end - start, chrono::Duration::days(1));
    }

    #[test]
    fn order_numbers_have_the_original_shape() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid");
        assert_eq!(order_number(day, 42), "260105M00042");
        assert_eq!(order_number(day, 99_999).len(), 12);
    }
}
