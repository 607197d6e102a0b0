//! Small parse-once helpers for text input.

use crate::error::ValueError;

/// Trimmed, non-empty text of bounded length (names, addresses, memos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonBlank(String);

impl NonBlank {
    pub fn parse(field: &'static str, input: &str, max: usize) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            Err(ValueError::Blank { field })
        } else if trimmed.chars().count() > max {
            Err(ValueError::TooLong { field, max })
        } else {
            Ok(NonBlank(trimmed.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An absolute http(s) URL with a host (seal stamp images, links in SMS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(String);

impl HttpUrl {
    pub fn parse(field: &'static str, input: &str, max: usize) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        if trimmed.chars().count() > max {
            return Err(ValueError::TooLong { field, max });
        }
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
        match host {
            Some(h)
                if !h.is_empty() && !h.contains(char::is_whitespace) && !trimmed.contains(' ') =>
            {
                Ok(HttpUrl(trimmed.to_owned()))
            }
            _ => Err(ValueError::InvalidUrl { field }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_long_text_is_refused() {
        assert_eq!(
            NonBlank::parse("name", "  꽃집  ", 10)
                .expect("valid")
                .as_str(),
            "꽃집"
        );
        assert_eq!(
            NonBlank::parse("name", "   ", 10),
            Err(ValueError::Blank { field: "name" })
        );
        assert_eq!(
            NonBlank::parse("name", "가나다", 2),
            Err(ValueError::TooLong {
                field: "name",
                max: 2
            })
        );
    }

    #[test]
    fn urls_follow_the_originals_cases() {
        assert!(HttpUrl::parse("url", "https://example.com", 255).is_ok());
        assert!(HttpUrl::parse("url", "http://example.com/seal.png?v=1", 255).is_ok());
        for bad in [
            "htp:/wrong",
            "",
            "https://",
            "ftp://example.com",
            "https://exa mple.com",
        ] {
            assert!(HttpUrl::parse("url", bad, 255).is_err(), "{bad}");
        }
    }
}
