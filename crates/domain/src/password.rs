//! The rule for new passwords, taken exactly from the original's V1
//! `updatePassword` validator:
//!
//! ```text
//! ^(?!.* )(?=.*[a-zA-Z])(?=.*[0-9])(?=.*[@#$%^&*]).{8,}$
//! ```
//!
//! applied as a whole-string match (Kotlin `Regex.matches`). Read literally,
//! and so implemented by hand here: at least 8 characters (code points), at
//! least one ASCII letter, one ASCII digit and one of `@#$%^&*`, no space
//! character (U+0020 only: the regex lets a tab through), and no line
//! terminator, because Java's `.` does not match `\n`, `\r`, U+0085, U+2028
//! or U+2029. We add an upper bound so a megabyte "password" never reaches
//! the hasher.
//!
//! Only new passwords are checked: existing accounts may hold passwords the
//! original never validated (sign-up did not), and must still sign in.

use crate::error::ValueError;
use std::fmt;

/// The longest password we accept, in characters.
pub const MAX_PASSWORD_CHARS: usize = 128;
const MIN_PASSWORD_CHARS: usize = 8;
const SPECIALS: [char; 7] = ['@', '#', '$', '%', '^', '&', '*'];
/// What Java's `.` refuses to match (without `UNIX_LINES`/`DOTALL`).
const JAVA_LINE_TERMINATORS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// A password that satisfies the rule. `Debug` never shows it, and there is
/// no `Display` or `Serialize`: the only way out is [`NewPassword::expose`],
/// for the hasher.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        // A char is at most 4 bytes: longer inputs are refused without scanning.
        if input.len() > MAX_PASSWORD_CHARS * 4 {
            return Err(ValueError::WeakPassword);
        }
        let count = input.chars().count();
        let valid = (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&count)
            && !input.contains(' ')
            && !input.contains(JAVA_LINE_TERMINATORS)
            && input.contains(|c: char| c.is_ascii_alphabetic())
            && input.contains(|c: char| c.is_ascii_digit())
            && input.contains(SPECIALS);
        if valid {
            Ok(NewPassword(input.to_owned()))
        } else {
            Err(ValueError::WeakPassword)
        }
    }

    /// The plain text, to be hashed and then dropped.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn accepted(password: &str) -> bool {
        NewPassword::parse(password).is_ok()
    }

    #[test]
    fn the_originals_test_cases() {
        assert!(accepted("test123@@"));
        assert!(accepted("TEST123^^"));
        assert!(!accepted("test123"));
        assert!(!accepted("^asksSde"));
        assert!(!accepted("12"));
    }

    #[test]
    fn each_requirement_is_needed() {
        assert!(accepted("abcdef1@"), "exactly 8 characters");
        assert!(!accepted("abcde1@"), "7 characters");
        assert!(!accepted("abcdefg@@"), "no digit");
        assert!(!accepted("12345678@@"), "no letter");
        assert!(!accepted("abcd12345"), "no special character");
        assert!(!accepted("abcd1234!"), "! is not one of @#$%^&*");
        assert!(!accepted("test 123@@"), "a space");
        assert!(!accepted(" test123@@"), "a leading space");
    }

    #[test]
    fn every_listed_special_character_counts() {
        for special in SPECIALS {
            assert!(accepted(&format!("passw0rd{special}")), "{special}");
        }
    }

    #[test]
    fn letters_and_digits_must_be_ascii() {
        assert!(!accepted("비밀번호비밀1@"), "Hangul is not [a-zA-Z]");
        assert!(!accepted("abcdefg١@"), "an Arabic-Indic digit is not [0-9]");
        assert!(
            accepted("비밀번호a1@@"),
            "other characters may fill the length"
        );
    }

    #[test]
    fn java_dot_semantics_are_kept() {
        assert!(accepted("test\t123@@"), "the regex only forbids U+0020");
        for terminator in JAVA_LINE_TERMINATORS {
            assert!(
                !accepted(&format!("test123@@{terminator}")),
                "{terminator:?}"
            );
        }
    }

    #[test]
    fn length_counts_characters_and_is_capped() {
        assert!(accepted("가나다라1a@@"), "8 characters, 16 bytes");
        assert!(!accepted("가나1a@@"), "6 characters");
        let longest = format!("a1@{}", "x".repeat(MAX_PASSWORD_CHARS - 3));
        assert!(accepted(&longest));
        let too_long = format!("{longest}x");
        assert_eq!(NewPassword::parse(&too_long), Err(ValueError::WeakPassword));
        assert!(!accepted(&"a1@".repeat(100_000)));
    }

    #[test]
    fn debug_hides_the_secret_and_expose_returns_it() {
        let password = NewPassword::parse("secret12@").unwrap();
        assert_eq!(password.expose(), "secret12@");
        let debug = format!("{password:?} {:?}", Some(&password));
        assert!(!debug.contains("secret"), "{debug}");
    }
}
