//! Flower grades: the API speaks UPPER/MIDDLE/LOWER, the database stores the
//! original's Korean 상/중/하 (so existing data keeps working).

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlowerGrade {
    Upper,
    Middle,
    Lower,
}

impl FlowerGrade {
    pub const ALL: [FlowerGrade; 3] = [FlowerGrade::Upper, FlowerGrade::Middle, FlowerGrade::Lower];

    pub const fn as_str(self) -> &'static str {
        match self {
            FlowerGrade::Upper => "UPPER",
            FlowerGrade::Middle => "MIDDLE",
            FlowerGrade::Lower => "LOWER",
        }
    }

    /// The stored form.
    pub const fn as_korean(self) -> &'static str {
        match self {
            FlowerGrade::Upper => "상",
            FlowerGrade::Middle => "중",
            FlowerGrade::Lower => "하",
        }
    }

    pub fn from_korean(s: &str) -> Option<Self> {
        FlowerGrade::ALL.into_iter().find(|g| g.as_korean() == s)
    }
}

impl FromStr for FlowerGrade {
    type Err = String;

    /// Accepts the API names and the stored Korean names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FlowerGrade::ALL
            .into_iter()
            .find(|g| g.as_str() == s || g.as_korean() == s)
            .ok_or_else(|| format!("unknown flower grade `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_map_to_korean_and_back() {
        assert_eq!(FlowerGrade::Upper.as_korean(), "상");
        assert_eq!(FlowerGrade::from_korean("중"), Some(FlowerGrade::Middle));
        assert_eq!(FlowerGrade::from_korean("X"), None);
        assert_eq!("하".parse::<FlowerGrade>(), Ok(FlowerGrade::Lower));
        assert_eq!("UPPER".parse::<FlowerGrade>(), Ok(FlowerGrade::Upper));
        assert!("upper".parse::<FlowerGrade>().is_err());
    }
}
