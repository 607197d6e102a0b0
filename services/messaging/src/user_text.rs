//! Text that users typed (names, order numbers) placed into an SMS body. A
//! name is printed next to "마켓빌", so whoever chooses it chooses words the
//! recipient trusts: it must not carry a link (a phishing page reached from a
//! real MarketBill text), fake extra lines of the message, or fill the text.
//! So a name is cut to a few characters, line breaks and invisible characters
//! go, and every word that a phone would turn into a link is dropped.

/// Longest name kept (characters); company names in the market are shorter.
pub const MAX_NAME_CHARS: usize = 20;
/// Longest order number kept; core's are 13 characters (`20261125-0001`).
pub const MAX_ORDER_NO_CHARS: usize = 30;

/// `raw` cut to `max_chars` characters with links, line breaks and invisible
/// characters removed; may be empty when nothing printable remained.
pub fn clean(raw: &str, max_chars: usize) -> String {
    let visible: String = raw
        .chars()
        .filter(|c| !is_invisible(*c))
        // A line break would let a name start a new line of the message.
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = visible
        .split_whitespace()
        .filter(|word| !reads_as_link(word))
        .collect();
    let joined = words.join(" ");
    match joined.char_indices().nth(max_chars) {
        Some((end, _)) => joined[..end].trim_end().to_owned(),
        None => joined,
    }
}

/// Zero-width and bidirectional formatting characters: they render as
/// nothing, so `evil\u{200b}.com` would look like (and may be linked as) a
/// domain while escaping a plain-text check, and bidi overrides reorder what
/// the reader sees.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fffb}')
}

/// Whether a phone's link detection could make something of `word`: a URL
/// scheme, `www.`, a dotted IPv4 address, or a domain-like `name.tld` (any
/// letters after the dot, so `꽃집.한국` counts). Full-width letters and the
/// ideographic full stop are read as their ASCII twins first.
pub fn reads_as_link(word: &str) -> bool {
    let folded: Vec<char> = word.chars().map(fold).collect();
    let text: String = folded.iter().collect();
    if text.contains("://") || text.starts_with("www.") || text.contains(".www.") {
        return true;
    }
    has_domain_label(&folded) || has_dotted_quad(&folded)
}

/// Full-width ASCII and the dot look-alikes phones treat as a period.
fn fold(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => {
            char::from_u32(u32::from(c) - 0xfee0).map_or(c, |a| a.to_ascii_lowercase())
        }
        '\u{3002}' | '\u{ff61}' | '\u{fe52}' | '\u{2024}' => '.',
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

/// `x.ab`: a dot between a letter or digit and at least two letters.
fn has_domain_label(chars: &[char]) -> bool {
    chars.windows(4).any(|w| {
        w[1] == '.' && w[0].is_alphanumeric() && w[2].is_alphabetic() && w[3].is_alphabetic()
    })
}

/// Four dot-separated runs of digits (`10.0.0.1`).
fn has_dotted_quad(chars: &[char]) -> bool {
    let mut groups = 0;
    let mut digits = 0;
    for c in chars.iter().chain(std::iter::once(&' ')) {
        match c {
            '0'..='9' => digits += 1,
            '.' if digits > 0 => {
                groups += 1;
                digits = 0;
            }
            _ => {
                if digits > 0 && groups >= 3 {
                    return true;
                }
                groups = 0;
                digits = 0;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_in_every_spelling_are_recognised() {
        for link in [
            "http://evil.example",
            "HTTPS://x",
            "hxxp://x",
            "www.evil",
            "evil.com",
            "EVIL.CoM/login",
            "bit.ly",
            "t.co",
            "me@evil.kr",
            "(evil.com)",
            "꽃집evil.com",
            "꽃집.한국",
            "ｅｖｉｌ．ｃｏｍ",
            "evil。com",
            "10.0.0.1",
            "192.168.0.1:8080/x",
        ] {
            assert!(reads_as_link(link), "{link}");
        }
        for plain in [
            "그린도매",
            "(주)양재꽃",
            "1.5kg",
            "v2.0",
            "A-001",
            "a.b",
            "3.14",
        ] {
            assert!(!reads_as_link(plain), "{plain}");
        }
    }

    #[test]
    fn names_lose_links_line_breaks_and_invisible_characters() {
        assert_eq!(clean("그린도매", MAX_NAME_CHARS), "그린도매");
        assert_eq!(
            clean("그린도매 https://evil.example/pay", MAX_NAME_CHARS),
            "그린도매"
        );
        assert_eq!(clean("그린 evil.com 도매", MAX_NAME_CHARS), "그린 도매");
        assert_eq!(clean("evil\u{200b}.com", MAX_NAME_CHARS), "");
        assert_eq!(
            clean("그린도매\n\nURL : x", MAX_NAME_CHARS),
            "그린도매 URL : x"
        );
        assert_eq!(clean("a\u{202e}moc.live", MAX_NAME_CHARS), "");
        assert_eq!(clean("  꽃   집 ", MAX_NAME_CHARS), "꽃 집");
    }

    #[test]
    fn names_are_cut_to_their_bound() {
        let long = "가".repeat(50);
        assert_eq!(clean(&long, MAX_NAME_CHARS).chars().count(), MAX_NAME_CHARS);
        assert_eq!(clean("가나다 라", 4), "가나다");
    }
}
