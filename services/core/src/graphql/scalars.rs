//! `LocalDate`: the original's date-time scalar. Output is the KST wall clock
//! in ISO format without offset, fraction trimmed (`2023-01-09T13:45:12.34`,
//! `2023-01-09T00:00:00`); input accepts `yyyy-MM-dd` or an ISO date-time.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use juniper::GraphQLScalar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLScalar)]
#[graphql(name = "LocalDate", with = local_date, parse_token(String))]
pub struct LocalDate(pub NaiveDateTime);

impl LocalDate {
    pub fn from_utc(instant: DateTime<Utc>) -> Self {
        LocalDate(instant.with_timezone(&domain::time::KST).naive_local())
    }

    pub fn date(self) -> NaiveDate {
        self.0.date()
    }

    /// The V1 wire format (Java `ISO_DATE_TIME` of a `LocalDateTime`).
    pub fn to_wire(self) -> String {
        let base = self.0.format("%Y-%m-%dT%H:%M:%S").to_string();
        let nanos = self.0.and_utc().timestamp_subsec_nanos();
        if nanos == 0 {
            return base;
        }
        let fraction = format!("{nanos:09}");
        format!("{base}.{}", fraction.trim_end_matches('0'))
    }

    pub fn parse(input: &str) -> Option<Self> {
        let s = input.trim();
        if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return date.and_hms_opt(0, 0, 0).map(LocalDate);
        }
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(LocalDate)
    }
}

mod local_date {
    use super::LocalDate;

    pub(super) fn to_output(v: &LocalDate) -> String {
        v.to_wire()
    }

    pub(super) fn from_input(s: &str) -> Result<LocalDate, Box<str>> {
        LocalDate::parse(s).ok_or_else(|| {
            format!("invalid LocalDate `{s}`: expected yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss").into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn outputs_the_v1_wire_format_in_kst() {
        let at = Utc
            .with_ymd_and_hms(2023, 1, 9, 4, 45, 12)
            .single()
            .expect("valid");
        assert_eq!(LocalDate::from_utc(at).to_wire(), "2023-01-09T13:45:12");
        let fractional = at + chrono::Duration::milliseconds(340);
        assert_eq!(
            LocalDate::from_utc(fractional).to_wire(),
            "2023-01-09T13:45:12.34"
        );
    }

    #[test]
    fn accepts_dates_and_date_times() {
        assert_eq!(
            LocalDate::parse("2023-01-09").expect("date").to_wire(),
            "2023-01-09T00:00:00"
        );
        assert_eq!(
            LocalDate::parse("2023-01-09T13:45:12.5")
                .expect("date-time")
                .to_wire(),
            "2023-01-09T13:45:12.5"
        );
        assert!(LocalDate::parse("09/01/2023").is_none());
        assert!(LocalDate::parse("2023-02-30").is_none());
    }
}
