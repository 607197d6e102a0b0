//! 사업자등록번호: ten digits whose last one is a check digit, so a typo is
//! caught when the wholesaler enters it rather than on a printed statement.

use crate::error::ValueError;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BusinessNo(String);

const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// The check digit the National Tax Service algorithm gives the first nine digits.
fn check_digit(d: &[u32]) -> u32 {
    let weighted: u32 = d.iter().zip(WEIGHTS).map(|(digit, w)| digit * w).sum();
    let sum = weighted + (d[8] * 5) / 10;
    (10 - sum % 10) % 10
}

impl BusinessNo {
    /// Accepts `123-45-67890` or `1234567890`.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        if !trimmed.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Err(ValueError::InvalidBusinessNo);
        }
        let digits: Vec<u32> = trimmed.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != 10 || check_digit(&digits[..9]) != digits[9] {
            return Err(ValueError::InvalidBusinessNo);
        }
        Ok(BusinessNo(
            digits.iter().map(|d| char::from(b'0' + *d as u8)).collect(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `123-45-67890`, the form printed on statements.
    pub fn formatted(&self) -> String {
        format!("{}-{}-{}", &self.0[..3], &self.0[3..5], &self.0[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_check_digit(first_nine: &str) -> String {
        let d: Vec<u32> = first_nine.chars().filter_map(|c| c.to_digit(10)).collect();
        format!("{first_nine}{}", check_digit(&d))
    }

    #[test]
    fn valid_numbers_parse_with_or_without_hyphens() {
        // 220-81-62517 is a published, valid registration number.
        let parsed = BusinessNo::parse("220-81-62517").expect("valid");
        assert_eq!(parsed.as_str(), "2208162517");
        assert_eq!(parsed.formatted(), "220-81-62517");
        let generated = with_check_digit("123456789");
        assert_eq!(
            BusinessNo::parse(&generated).expect("valid").as_str(),
            generated
        );
    }

    #[test]
    fn a_wrong_check_digit_or_shape_is_refused() {
        assert_eq!(
            BusinessNo::parse("220-81-62518"),
            Err(ValueError::InvalidBusinessNo)
        );
        assert_eq!(
            BusinessNo::parse("22081625"),
            Err(ValueError::InvalidBusinessNo)
        );
        assert_eq!(
            BusinessNo::parse("220 81 62517"),
            Err(ValueError::InvalidBusinessNo)
        );
        assert_eq!(BusinessNo::parse(""), Err(ValueError::InvalidBusinessNo));
    }
}
