//! What the day's papers share: which layout, the heading facts, the
//! labels of a line, the document metadata.

use super::thermal::Piece;
use chrono::{DateTime, NaiveDate, Utc};
use domain::KST;
use krilla::metadata::{DateTime as PdfDateTime, Metadata};

/// The paper a day's list is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    /// An 80 mm receipt-printer roll.
    Thermal,
}

impl Paper {
    /// The `layout` query parameter's values.
    pub fn parse(value: &str) -> Option<Paper> {
        match value {
            "a4" => Some(Paper::A4),
            "thermal" => Some(Paper::Thermal),
            _ => None,
        }
    }
}

/// Who and when, printed on top.
#[derive(Debug, Clone)]
pub struct DayHeading {
    /// The wholesaler's company name (or account name without business info).
    pub wholesaler: String,
    pub day: NaiveDate,
    pub printed_at: DateTime<Utc>,
}

impl DayHeading {
    pub(super) fn day_label(&self) -> String {
        self.day.format("%Y-%m-%d").to_string()
    }

    pub(super) fn printed_label(&self) -> String {
        format!(
            "출력 {}",
            self.printed_at.with_timezone(&KST).format("%Y-%m-%d %H:%M")
        )
    }

    /// The top of a roll: the paper's title, whose, which day, when printed.
    pub(super) fn roll_title(&self, title: &str) -> Vec<Piece> {
        vec![
            Piece::centred(title, 13.0, true),
            Piece::centred(self.wholesaler.clone(), 9.0, false),
            Piece::centred(self.day_label(), 11.0, true),
            Piece::centred(self.printed_label(), 7.0, false),
        ]
    }

    pub(super) fn metadata(&self, title: &str) -> Metadata {
        use chrono::{Datelike, Timelike};
        let kst = self.printed_at.with_timezone(&KST);
        let created = PdfDateTime::new(u16::try_from(kst.year()).unwrap_or(2000))
            .month(kst.month() as u8)
            .day(kst.day() as u8)
            .hour(kst.hour() as u8)
            .minute(kst.minute() as u8)
            .second(kst.second() as u8)
            .utc_offset_hour(9);
        Metadata::new()
            .title(format!("{title} {}", self.day_label()))
            .description(format!("마켓빌 {title}"))
            .authors(vec!["MarketBill".to_owned()])
            .creator("MarketBill receipt service".to_owned())
            .language("ko".to_owned())
            .creation_date(created)
    }
}

/// A count grouped by thousands (`1,234`).
pub(super) fn count(n: i64) -> String {
    crate::statement::signed_won(n)
}

pub(super) fn grade(grade: Option<&str>) -> &str {
    grade.filter(|g| !g.is_empty()).unwrap_or("-")
}

/// A line as a roll prints it: 품목 품종 등급 on one line.
pub(super) fn roll_label(
    flower_type_name: &str,
    flower_name: &str,
    free_text: bool,
    line_grade: Option<&str>,
) -> String {
    format!(
        "{flower_type_name} {} {}",
        flower(flower_name, free_text),
        grade(line_grade)
    )
}

/// The flower name as printed; a free-text line says so.
pub(super) fn flower(name: &str, free_text: bool) -> String {
    if free_text {
        format!("{name} (직접입력)")
    } else {
        name.to_owned()
    }
}
