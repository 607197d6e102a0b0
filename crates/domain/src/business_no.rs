//! 사업자등록번호 (business registration number): ten digits whose last one
//! is a check digit. Checking it when the wholesaler enters the number catches
//! a typo before it is printed on every transaction statement.

use crate::error::ValueError;
use std::fmt;

/// National Tax Service weights for the first nine digits.
const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// Refuse absurd input before looking at it character by character.
const MAX_INPUT_LEN: usize = 32;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BusinessNo(String);

/// The check digit for the first nine digits: the weighted sum, plus
/// `floor(d9 * 5 / 10)` (the carry of the last product), then
/// `(10 - sum % 10) % 10`.
fn check_digit(first_nine: &[u32; 9]) -> u32 {
    let weighted: u32 = first_nine.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let sum = weighted + first_nine[8] * 5 / 10;
    (10 - sum % 10) % 10
}

impl BusinessNo {
    /// Accepts `123-45-67891` or `1234567891` (hyphens anywhere between
    /// digits, surrounding whitespace ignored) when the check digit matches.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        let well_formed = trimmed.len() <= MAX_INPUT_LEN
            && trimmed.chars().all(|c| c.is_ascii_digit() || c == '-')
            && trimmed.starts_with(|c: char| c.is_ascii_digit())
            && trimmed.ends_with(|c: char| c.is_ascii_digit());
        if !well_formed {
            return Err(ValueError::InvalidBusinessNo);
        }
        let digits: Vec<u32> = trimmed.chars().filter_map(|c| c.to_digit(10)).collect();
        let Ok(all_ten) = <[u32; 10]>::try_from(digits) else {
            return Err(ValueError::InvalidBusinessNo);
        };
        let mut first_nine = [0; 9];
        first_nine.copy_from_slice(&all_ten[..9]);
        if check_digit(&first_nine) != all_ten[9] {
            return Err(ValueError::InvalidBusinessNo);
        }
        Ok(BusinessNo(
            trimmed.chars().filter(char::is_ascii_digit).collect(),
        ))
    }

    /// Digits only: the stored form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `123-45-67891`: the form printed on statements.
    pub fn formatted(&self) -> String {
        format!("{}-{}-{}", &self.0[..3], &self.0[3..5], &self.0[5..])
    }
}

impl fmt::Debug for BusinessNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BusinessNo({})", self.formatted())
    }
}

impl serde::Serialize for BusinessNo {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for BusinessNo {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        BusinessNo::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    // Check digits worked out by hand with the algorithm:
    //  123456789: 1+6+21+4+15+42+7+24+45 = 165, + floor(9*5/10)=4 -> 169 -> 1
    //  220816251: 2+6+0+8+3+42+2+15+5   = 83,  + floor(1*5/10)=0 -> 83  -> 7
    //  214861875: 2+3+28+8+18+7+8+21+25 = 120, + floor(5*5/10)=2 -> 122 -> 8
    //  100000009: 1+0+0+0+0+0+0+0+45    = 46,  + floor(9*5/10)=4 -> 50  -> 0
    const VALID: [&str; 4] = ["1234567891", "2208162517", "2148618758", "1000000090"];

    #[test]
    fn hand_computed_numbers_are_valid() {
        for digits in VALID {
            let parsed = BusinessNo::parse(digits).unwrap();
            assert_eq!(parsed.as_str(), digits);
        }
    }

    #[test]
    fn hyphens_are_accepted_and_dropped() {
        let parsed = BusinessNo::parse(" 123-45-67891 ").unwrap();
        assert_eq!(parsed.as_str(), "1234567891");
        assert_eq!(parsed.formatted(), "123-45-67891");
        assert_eq!(format!("{parsed:?}"), "BusinessNo(123-45-67891)");
    }

    #[test]
    fn every_wrong_check_digit_is_refused() {
        for digits in VALID {
            let good = digits.as_bytes()[9];
            for wrong in (b'0'..=b'9').filter(|d| *d != good) {
                let candidate = format!("{}{}", &digits[..9], char::from(wrong));
                assert_eq!(
                    BusinessNo::parse(&candidate),
                    Err(ValueError::InvalidBusinessNo),
                    "{candidate}"
                );
            }
        }
    }

    #[test]
    fn wrong_shapes_are_refused() {
        for bad in [
            "",
            "123456789",
            "12345678911",
            "123 45 67891",
            "-123-45-67891",
            "123-45-67891-",
            "123-45-6789l",
            "１２３４５６７８９１",
        ] {
            assert_eq!(
                BusinessNo::parse(bad),
                Err(ValueError::InvalidBusinessNo),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn serde_round_trips_through_the_digits() {
        let parsed = BusinessNo::parse("220-81-62517").unwrap();
        let json = serde_json::to_string(&parsed).unwrap();
        assert_eq!(json, "\"2208162517\"");
        assert_eq!(serde_json::from_str::<BusinessNo>(&json).unwrap(), parsed);
        assert!(serde_json::from_str::<BusinessNo>("\"2208162518\"").is_err());
    }
}
