//! Flower grades. The API speaks `UPPER`/`MIDDLE`/`LOWER` (GraphQL
//! `FlowerGrade`); the database stores the original's Korean `상`/`중`/`하`
//! so existing rows stay readable. Parsing accepts both spellings because
//! grades arrive from both sides (API input, stored rows, auction data).

use crate::error::ValueError;
use std::fmt;
use std::str::FromStr;

/// Declared best first, so the derived `Ord` sorts 상 < 중 < 하.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlowerGrade {
    /// 상
    Upper,
    /// 중
    Middle,
    /// 하
    Lower,
}

impl FlowerGrade {
    pub const ALL: [FlowerGrade; 3] = [FlowerGrade::Upper, FlowerGrade::Middle, FlowerGrade::Lower];

    /// The API name.
    pub const fn as_str(self) -> &'static str {
        match self {
            FlowerGrade::Upper => "UPPER",
            FlowerGrade::Middle => "MIDDLE",
            FlowerGrade::Lower => "LOWER",
        }
    }

    /// The stored form, also printed on statements.
    pub const fn as_korean(self) -> &'static str {
        match self {
            FlowerGrade::Upper => "상",
            FlowerGrade::Middle => "중",
            FlowerGrade::Lower => "하",
        }
    }

    /// Reads a stored grade; `None` for anything but exactly 상/중/하.
    pub fn from_korean(s: &str) -> Option<Self> {
        FlowerGrade::ALL.into_iter().find(|g| g.as_korean() == s)
    }
}

impl FromStr for FlowerGrade {
    type Err = ValueError;

    /// Accepts the API names and the stored Korean names (exact match).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FlowerGrade::ALL
            .into_iter()
            .find(|g| g.as_str() == s || g.as_korean() == s)
            .ok_or_else(|| ValueError::UnknownGrade(s.to_owned()))
    }
}

impl fmt::Display for FlowerGrade {
    /// The API name; use [`FlowerGrade::as_korean`] for storage and print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn grades_map_to_korean_and_back() {
        let pairs = [
            (FlowerGrade::Upper, "상"),
            (FlowerGrade::Middle, "중"),
            (FlowerGrade::Lower, "하"),
        ];
        for (grade, korean) in pairs {
            assert_eq!(grade.as_korean(), korean);
            assert_eq!(FlowerGrade::from_korean(korean), Some(grade));
            assert_eq!(korean.parse::<FlowerGrade>(), Ok(grade));
            assert_eq!(grade.as_str().parse::<FlowerGrade>(), Ok(grade));
        }
    }

    #[test]
    fn from_korean_does_not_accept_english_or_noise() {
        assert_eq!(FlowerGrade::from_korean("UPPER"), None);
        assert_eq!(FlowerGrade::from_korean(" 상"), None);
        assert_eq!(FlowerGrade::from_korean(""), None);
    }

    #[test]
    fn unknown_grades_are_refused() {
        for bad in ["upper", "특", "", "상중"] {
            assert_eq!(
                bad.parse::<FlowerGrade>(),
                Err(ValueError::UnknownGrade(bad.to_owned()))
            );
        }
    }

    #[test]
    fn best_grade_sorts_first_and_serde_uses_api_names() {
        let mut grades = vec![FlowerGrade::Lower, FlowerGrade::Upper, FlowerGrade::Middle];
        grades.sort();
        assert_eq!(grades, FlowerGrade::ALL);
        assert_eq!(
            serde_json::to_string(&FlowerGrade::Middle).unwrap(),
            "\"MIDDLE\""
        );
        assert_eq!(
            serde_json::from_str::<FlowerGrade>("\"LOWER\"").unwrap(),
            FlowerGrade::Lower
        );
        assert_eq!(FlowerGrade::Upper.to_string(), "UPPER");
    }
}
