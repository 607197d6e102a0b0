//! Korean mobile phone numbers, parsed once at the edge.
//!
//! The digits-only form is what we store, compare (sign-in looks credentials
//! up by it) and hand to the SMS provider, so `010-1234-5678` and
//! `01012345678` are the same account. Phone numbers are personal data: the
//! type has no `Display`, and its `Debug` is masked so a number never reaches
//! a log by accident.

use crate::error::ValueError;
use std::fmt;

/// The mobile prefixes still in service (010 and the legacy 01X numbers).
const PREFIXES: [&str; 6] = ["010", "011", "016", "017", "018", "019"];

/// Refuse absurd input before looking at it character by character.
const MAX_INPUT_LEN: usize = 32;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts digits separated by optional hyphens or spaces
    /// (`010-1234-5678`, `01012345678`, `011 123 4567`): a mobile prefix
    /// and the length its numbering plan allows. 010 numbers always have 11
    /// digits (010-XXXX-XXXX); the legacy 011/016/017/018/019 numbers have 10
    /// or 11. Surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        if trimmed.len() > MAX_INPUT_LEN {
            return Err(ValueError::InvalidPhone);
        }
        let well_formed = trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
            && trimmed.starts_with(|c: char| c.is_ascii_digit())
            && trimmed.ends_with(|c: char| c.is_ascii_digit());
        if !well_formed {
            return Err(ValueError::InvalidPhone);
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let known_prefix = PREFIXES.iter().any(|p| digits.starts_with(p));
        let valid_length = match digits.len() {
            11 => true,
            10 => !digits.starts_with("010"),
            _ => false,
        };
        if known_prefix && valid_length {
            Ok(PhoneNumber(digits))
        } else {
            Err(ValueError::InvalidPhone)
        }
    }

    /// Digits only, e.g. `01012345678`: the stored and sent form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// `010-1234-5678` (11 digits) or `011-123-4567` (10 digits).
    pub fn formatted(&self) -> String {
        let d = &self.0;
        let last = d.len() - 4;
        format!("{}-{}-{}", &d[..3], &d[3..last], &d[last..])
    }

    /// `010-****-5678`: enough for an operator to recognise a number.
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

impl serde::Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PhoneNumber {
    /// Parses like [`PhoneNumber::parse`]; the error never echoes the input.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        PhoneNumber::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn accepts_common_spellings_and_normalises_to_digits() {
        for input in [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            " 010-1234-5678\n",
            "010 - 1234 - 5678",
        ] {
            assert_eq!(PhoneNumber::parse(input).unwrap().as_str(), "01012345678");
        }
        assert_eq!(
            PhoneNumber::parse("011 123 4567").unwrap().as_str(),
            "0111234567"
        );
    }

    #[test]
    fn every_mobile_prefix_with_its_lengths_is_accepted() {
        for prefix in PREFIXES {
            assert!(PhoneNumber::parse(&format!("{prefix}12345678")).is_ok());
        }
        for prefix in ["011", "016", "017", "018", "019"] {
            assert!(PhoneNumber::parse(&format!("{prefix}1234567")).is_ok());
        }
    }

    #[test]
    fn a_010_number_needs_eleven_digits() {
        for input in ["0101234567", "010-123-4567", "010 123 4567"] {
            assert_eq!(
                PhoneNumber::parse(input),
                Err(ValueError::InvalidPhone),
                "{input:?}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_mobile_number() {
        for input in [
            "",
            "   ",
            "02-123-4567",
            "0212345678",
            "012-1234-5678",
            "015-1234-5678",
            "010123456",
            "010123456789",
            "010-1234-567a",
            "+82 10 1234 5678",
            "-010-1234-5678",
            "010-1234-5678-",
            "010.1234.5678",
            "０１０１２３４５６７８",
        ] {
            assert_eq!(
                PhoneNumber::parse(input),
                Err(ValueError::InvalidPhone),
                "{input:?}"
            );
        }
        let huge = "0".repeat(1000);
        assert_eq!(PhoneNumber::parse(&huge), Err(ValueError::InvalidPhone));
    }

    #[test]
    fn formats_and_masks() {
        let phone = PhoneNumber::parse("01012345678").unwrap();
        assert_eq!(phone.formatted(), "010-1234-5678");
        assert_eq!(phone.masked(), "010-****-5678");
        let legacy = PhoneNumber::parse("0161234567").unwrap();
        assert_eq!(legacy.formatted(), "016-123-4567");
        assert_eq!(legacy.masked(), "016-****-4567");
    }

    #[test]
    fn debug_never_shows_the_middle_digits() {
        let phone = PhoneNumber::parse("010-9876-5432").unwrap();
        let debug = format!("{phone:?} {:#?}", Some(&phone));
        assert!(!debug.contains("9876"), "{debug}");
        assert!(debug.contains("010-****-5432"));
    }

    #[test]
    fn serde_uses_the_digits_and_validates_on_the_way_in() {
        let phone = PhoneNumber::parse("010-1234-5678").unwrap();
        assert_eq!(serde_json::to_string(&phone).unwrap(), "\"01012345678\"");
        let back: PhoneNumber = serde_json::from_str("\"010-1234-5678\"").unwrap();
        assert_eq!(back, phone);
        let err = serde_json::from_str::<PhoneNumber>("\"02-9999-8888\"").unwrap_err();
        assert!(!err.to_string().contains("9999"));
    }
}
