//! Korean mobile phone numbers, parsed once at the edge. The digits-only form
//! is what we store and send; `Debug` is masked so a number never reaches a log.

use crate::error::ValueError;
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

const PREFIXES: [&str; 6] = ["010", "011", "016", "017", "018", "019"];

impl PhoneNumber {
    /// Accepts digits with optional hyphens or spaces, e.g. `010-1234-5678`.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        if trimmed.len() > 20
            || !trimmed
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
        {
            return Err(ValueError::InvalidPhone);
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let known_prefix = PREFIXES.iter().any(|p| digits.starts_with(p));
        // 010 numbers always have 11 digits; the legacy 01X prefixes have 10 or 11.
        let length_ok = if digits.starts_with("010") {
            digits.len() == 11
        } else {
            matches!(digits.len(), 10 | 11)
        };
        if known_prefix && length_ok {
            Ok(PhoneNumber(digits))
        } else {
            Err(ValueError::InvalidPhone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `010-1234-5678` / `011-123-4567`.
    pub fn formatted(&self) -> String {
        let d = &self.0;
        let middle_end = d.len() - 4;
        format!("{}-{}-{}", &d[..3], &d[3..middle_end], &d[middle_end..])
    }

    /// `010-****-5678`: enough to recognise a number in an operator's log.
    pub fn masked(&self) -> String {
        let d = &self.0;
        format!("{}-****-{}", &d[..3], &d[d.len() - 4..])
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_spellings_and_normalises() {
        for input in ["010-1234-5678", "01012345678", " 010 1234 5678 "] {
            assert_eq!(
                PhoneNumber::parse(input).expect(input).as_str(),
                "01012345678"
            );
        }
        assert_eq!(
            PhoneNumber::parse("011-123-4567").expect("legacy").as_str(),
            "0111234567"
        );
    }

    #[test]
    fn refuses_what_is_not_a_mobile_number() {
        for input in [
            "",
            "02-123-4567",
            "0101234567",
            "010123456789",
            "010-1234-567a",
            "+82 10 1234 5678",
        ] {
            assert_eq!(
                PhoneNumber::parse(input),
                Err(ValueError::InvalidPhone),
                "{input}"
            );
        }
    }

    #[test]
    fn formats_and_masks() {
        let phone = PhoneNumber::parse("01012345678").expect("valid");
        assert_eq!(phone.formatted(), "010-1234-5678");
        assert_eq!(phone.masked(), "010-****-5678");
        assert!(!format!("{phone:?}").contains("1234"));
        assert_eq!(
            PhoneNumber::parse("0161234567").expect("valid").formatted(),
            "016-123-4567"
        );
    }
}
