//! The original's rule for new passwords (V1 `updatePassword`): at least 8
//! characters, a letter, a digit, one of `@#$%^&*`, no spaces. We add an upper
//! bound so a megabyte "password" never reaches the hasher.

use crate::error::ValueError;
use std::fmt;

pub const MAX_PASSWORD_LEN: usize = 128;
const SPECIALS: &str = "@#$%^&*";

#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let long_enough = input.chars().count() >= 8;
        let short_enough = input.len() <= MAX_PASSWORD_LEN;
        let no_spaces = !input.chars().any(char::is_whitespace);
        let letter = input.chars().any(|c| c.is_ascii_alphabetic());
        let digit = input.chars().any(|c| c.is_ascii_digit());
        let special = input.chars().any(|c| SPECIALS.contains(c));
        if long_enough && short_enough && no_spaces && letter && digit && special {
            Ok(NewPassword(input.to_owned()))
        } else {
            Err(ValueError::WeakPassword)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_originals_cases() {
        assert!(NewPassword::parse("test123@@").is_ok());
        assert!(NewPassword::parse("TEST123^^").is_ok());
        for weak in [
            "test123",
            "^asksSde",
            "12",
            "test 123@@",
            "testtest@@",
            "12345678@@",
        ] {
            assert_eq!(
                NewPassword::parse(weak),
                Err(ValueError::WeakPassword),
                "{weak}"
            );
        }
    }

    #[test]
    fn huge_inputs_are_refused_and_debug_hides_the_secret() {
        let huge = format!("a1@{}", "x".repeat(MAX_PASSWORD_LEN));
        assert!(NewPassword::parse(&huge).is_err());
        let ok = NewPassword::parse("secret12@").expect("valid");
        assert!(!format!("{ok:?}").contains("secret"));
    }
}
