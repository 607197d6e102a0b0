//! Small parse-once helpers for free text arriving in inputs. Each carries
//! the input field's name into its error so a client learns which field to
//! fix without the value being echoed.

use crate::error::ValueError;
use std::fmt;

/// Trimmed, non-empty text of bounded length (names, addresses, memos).
/// The bound counts characters, not bytes, since most text here is Hangul.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct NonBlank(String);

impl NonBlank {
    pub fn parse(field: &'static str, input: &str, max_chars: usize) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            Err(ValueError::Blank { field })
        } else if trimmed.chars().count() > max_chars {
            Err(ValueError::TooLong {
                field,
                max: max_chars,
            })
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

impl fmt::Display for NonBlank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An absolute `http`/`https` URL with a host, e.g. a seal stamp image.
///
/// The original accepted anything `java.net.URL` could parse (`file:`,
/// `ftp:`, `jar:` …); the rewrite only stores links a browser and the PDF
/// renderer can fetch. Credentials (`user:pass@host`) are refused because
/// such URLs get printed and logged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct HttpUrl(String);

impl HttpUrl {
    pub fn parse(field: &'static str, input: &str, max_chars: usize) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        if trimmed.chars().count() > max_chars {
            return Err(ValueError::TooLong {
                field,
                max: max_chars,
            });
        }
        if is_http_url(trimmed) {
            Ok(HttpUrl(trimmed.to_owned()))
        } else {
            Err(ValueError::InvalidUrl { field })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `scheme "://" host [":" port] [path/query/fragment]`, no whitespace or
/// control characters anywhere.
fn is_http_url(url: &str) -> bool {
    if url.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return false;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if authority.contains('@') {
        return false;
    }
    let (host_ok, port) = match authority.strip_prefix('[') {
        // An IPv6 literal: `[::1]` or `[::1]:8080`.
        Some(v6) => {
            let Some((addr, after)) = v6.split_once(']') else {
                return false;
            };
            let port = match after {
                "" => None,
                _ => match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None => return false,
                },
            };
            (is_ipv6_literal(addr), port)
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (is_host_name(host), Some(port)),
            None => (is_host_name(authority), None),
        },
    };
    host_ok && port.is_none_or(is_port)
}

/// 1–65535, digits only (an empty port after `:` is refused).
fn is_port(port: &str) -> bool {
    (1..=5).contains(&port.len())
        && port.chars().all(|c| c.is_ascii_digit())
        && matches!(port.parse::<u32>(), Ok(1..=65_535))
}

/// Dot-separated labels of letters, digits and inner hyphens (IDN labels in
/// Unicode are allowed), at most 253 bytes.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

fn is_ipv6_literal(addr: &str) -> bool {
    addr.contains(':')
        && addr
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn non_blank_trims_and_bounds_by_characters() {
        let name = NonBlank::parse("name", "  양재꽃집  ", 4).unwrap();
        assert_eq!(name.as_str(), "양재꽃집");
        assert_eq!(name.to_string(), "양재꽃집");
        assert_eq!(name.into_string(), "양재꽃집");
        assert_eq!(
            NonBlank::parse("name", "양재꽃집!", 4),
            Err(ValueError::TooLong {
                field: "name",
                max: 4
            })
        );
    }

    #[test]
    fn blank_text_is_refused() {
        for blank in ["", "   ", "\t\n", "\u{3000}"] {
            assert_eq!(
                NonBlank::parse("memo", blank, 10),
                Err(ValueError::Blank { field: "memo" }),
                "{blank:?}"
            );
        }
    }

    #[test]
    fn urls_follow_the_originals_cases() {
        assert!(HttpUrl::parse("url", "https://example.com", 255).is_ok());
        assert!(HttpUrl::parse("url", "http://example.com", 255).is_ok());
        assert_eq!(
            HttpUrl::parse("url", "htp:/wrong", 255),
            Err(ValueError::InvalidUrl { field: "url" })
        );
        assert_eq!(
            HttpUrl::parse("url", "", 255),
            Err(ValueError::InvalidUrl { field: "url" })
        );
    }

    #[test]
    fn more_valid_urls() {
        for good in [
            "https://cdn.example.com/seals/42.png?v=1#top",
            "HTTPS://Example.COM/a",
            "http://localhost:8081/receipts",
            "http://127.0.0.1:9000",
            "http://[::1]:8080/x",
            "https://꽃시장.kr/도장.png",
            "https://example.com?x=1",
            " https://example.com/ ",
        ] {
            let url = HttpUrl::parse("url", good, 255).unwrap();
            assert_eq!(url.as_str(), good.trim());
        }
    }

    #[test]
    fn more_invalid_urls() {
        for bad in [
            "https://",
            "https:///path",
            "ftp://example.com",
            "file:///etc/passwd",
            "example.com",
            "//example.com",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://user:pw@example.com",
            "https://example.com:",
            "https://example.com:0",
            "https://example.com:70000",
            "https://example.com:80a",
            "https://-example.com",
            "https://example..com",
            "https://exa_mple.com",
            "https://[::1",
            "https://[::1]junk",
            "javascript://example.com",
        ] {
            assert!(HttpUrl::parse("url", bad, 255).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn long_urls_are_refused() {
        let long = format!("https://example.com/{}", "a".repeat(300));
        assert_eq!(
            HttpUrl::parse("sealStampImgUrl", &long, 255),
            Err(ValueError::TooLong {
                field: "sealStampImgUrl",
                max: 255
            })
        );
    }
}
