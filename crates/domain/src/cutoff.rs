//! The order cut-off (주문 마감): the KST wall-clock time, per weekday, after
//! which a wholesaler stops taking changes for the next truck.
//!
//! A sheet's cut-off is the first cut-off strictly after it was placed: a
//! sheet placed at 21:59 on Monday belongs to Monday's 22:00, one placed at
//! 22:00 or later to Tuesday's. The nightly batch orders a cart at the
//! cut-off that follows its last change, by the same rule.

use crate::time::{KST, from_kst_wall_clock};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};

/// 22:00, the nightly batch's time in the original.
pub const DEFAULT_MINUTES: u16 = 22 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutoffSchedule {
    /// Minutes after KST midnight, Monday first.
    pub minutes: [u16; 7],
    /// Florists may still edit directly after the cut-off.
    pub edit_after_cutoff: bool,
}

impl Default for CutoffSchedule {
    fn default() -> Self {
        CutoffSchedule {
            minutes: [DEFAULT_MINUTES; 7],
            edit_after_cutoff: false,
        }
    }
}

impl CutoffSchedule {
    /// From stored minutes; anything malformed falls back to the default
    /// for that day rather than failing a read.
    pub fn from_stored(minutes: &[i16], edit_after_cutoff: bool) -> Self {
        let mut schedule = CutoffSchedule {
            edit_after_cutoff,
            ..CutoffSchedule::default()
        };
        for (slot, stored) in schedule.minutes.iter_mut().zip(minutes) {
            if let Ok(m) = u16::try_from(*stored)
                && m < 24 * 60
            {
                *slot = m;
            }
        }
        schedule
    }

    /// The cut-off of the KST day `day`.
    pub fn cutoff_on(&self, day: NaiveDate) -> DateTime<Utc> {
        let m = self.minutes[day.weekday().num_days_from_monday() as usize];
        let at = NaiveTime::from_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)
            .unwrap_or(NaiveTime::MIN);
        from_kst_wall_clock(day.and_time(at))
    }

    /// The first cut-off strictly after `instant`.
    pub fn cutoff_after(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        let local = instant.with_timezone(&KST).date_naive();
        (0..=7)
            .filter_map(|offset| local.checked_add_days(Days::new(offset)))
            .map(|day| self.cutoff_on(day))
            .find(|at| *at > instant)
            .unwrap_or(instant)
    }
}

/// `HH:MM` (00:00–23:59) as minutes after midnight.
pub fn parse_hh_mm(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && text.trim().len() == 5).then_some(h * 60 + m)
}

pub fn format_hh_mm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn kst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        KST.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn a_sheet_belongs_to_the_next_cut_off() {
        let s = CutoffSchedule::default();
        // Saturday 2026-12-05.
        assert_eq!(
            s.cutoff_after(kst(2026, 12, 5, 21, 59)),
            kst(2026, 12, 5, 22, 0)
        );
        assert_eq!(
            s.cutoff_after(kst(2026, 12, 5, 22, 0)),
            kst(2026, 12, 6, 22, 0)
        );
        assert_eq!(
            s.cutoff_after(kst(2026, 12, 5, 23, 30)),
            kst(2026, 12, 6, 22, 0)
        );
    }

    #[test]
    fn each_weekday_has_its_own_time() {
        let mut s = CutoffSchedule::default();
        s.minutes[6] = 18 * 60; // Sunday closes early
        s.minutes[0] = 23 * 60 + 30; // Monday late
        // Saturday 23:00 → Sunday 18:00.
        assert_eq!(
            s.cutoff_after(kst(2026, 12, 5, 23, 0)),
            kst(2026, 12, 6, 18, 0)
        );
        // Sunday 19:00 → Monday 23:30.
        assert_eq!(
            s.cutoff_after(kst(2026, 12, 6, 19, 0)),
            kst(2026, 12, 7, 23, 30)
        );
        // A cut-off at midnight: the sheet goes to the next day's 00:00.
        s.minutes[1] = 0;
        assert_eq!(
            s.cutoff_after(kst(2026, 12, 7, 23, 45)),
            kst(2026, 12, 8, 0, 0)
        );
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(parse_hh_mm("22:00"), Some(1320));
        assert_eq!(parse_hh_mm("00:00"), Some(0));
        assert_eq!(parse_hh_mm("23:59"), Some(1439));
        for bad in ["24:00", "22:60", "9:00", "22", "aa:bb", "-1:00", "22:00:00"] {
            assert_eq!(parse_hh_mm(bad), None, "{bad}");
        }
        assert_eq!(format_hh_mm(1320), "22:00");
    }
}
