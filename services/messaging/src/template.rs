//! The original's six message templates, byte for byte (including the curly
//! quotes and the unmatched `”` of `IssueOrderSheetReceipt`), the order
//! alerts added beside them (`OrderPlaced`, `OrderPriced`,
//! `ChangeRequestAccepted`, `ChangeRequestDeclined`), and the SMS/LMS
//! choice by UTF-8 length. Each argument has a kind: names and order numbers
//! are user text and go through [`user_text::clean`]; a link argument must be
//! an http(s) URL (core and receipt build it); `Default` is operator text.

use crate::user_text::{self, MAX_NAME_CHARS, MAX_ORDER_NO_CHARS};
use domain::{DomainError, ErrorCode};

/// Up to this many UTF-8 bytes a text goes out as SMS, above as LMS (the
/// original's rule; a Hangul syllable counts 3 bytes).
pub const SMS_MAX_BYTES: usize = 80;

/// The longest text accepted: SENS takes at most 2,000 bytes of LMS content.
pub const LMS_MAX_BYTES: usize = 2000;

/// A Verification code a caller supplies (core's `sendVerificationSms`) must be
/// a short code, so the template cannot relay arbitrary text.
const MAX_CODE_LEN: usize = 10;

/// Longest link argument (core's sign-in links are about 100 characters).
const MAX_URL_LEN: usize = 512;

/// What printed in place of a name that was nothing but a link.
const NAME_PLACEHOLDER: &str = "회원";

/// What a template argument is, which decides how it is checked and cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arg {
    /// `Default`'s whole text, from an operator (admin or service).
    Message,
    /// A verification code.
    Code,
    /// A person's or company's name, chosen by a user.
    Name,
    /// An order number (made by core, printed like user text all the same).
    OrderNo,
    /// The sign-in link the template ends with.
    Url,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    Default,
    Verification,
    ApplyBizConnection,
    ConfirmBizConnection,
    RejectBizConnection,
    IssueOrderSheetReceipt,
    /// To the wholesaler (owner, opted-in employees): a florist ordered.
    OrderPlaced,
    /// To the florist: every line of its sheet has a price.
    OrderPriced,
    /// To the florist: the wholesaler answered its change request.
    ChangeRequestAccepted,
    ChangeRequestDeclined,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    Sms,
    Lms,
}

impl MessageType {
    pub fn for_text(text: &str) -> Self {
        if text.len() <= SMS_MAX_BYTES {
            MessageType::Sms
        } else {
            MessageType::Lms
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Sms => "SMS",
            MessageType::Lms => "LMS",
        }
    }
}

/// A rendered message, ready for a provider.
#[derive(Clone, PartialEq, Eq)]
pub struct Rendered {
    pub template: Template,
    pub text: String,
    pub message_type: MessageType,
}

/// Message bodies are personal data: keep them out of `{:?}` output.
impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rendered")
            .field("template", &self.template)
            .field("bytes", &self.text.len())
            .field("message_type", &self.message_type)
            .finish()
    }
}

impl Template {
    pub const ALL: [Template; 10] = [
        Template::Default,
        Template::Verification,
        Template::ApplyBizConnection,
        Template::ConfirmBizConnection,
        Template::RejectBizConnection,
        Template::IssueOrderSheetReceipt,
        Template::OrderPlaced,
        Template::OrderPriced,
        Template::ChangeRequestAccepted,
        Template::ChangeRequestDeclined,
    ];

    /// Names are case-sensitive, as in the original.
    pub fn from_name(name: &str) -> Result<Self, DomainError> {
        Template::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| DomainError::new(ErrorCode::UnknownTemplate))
    }

    pub fn name(self) -> &'static str {
        match self {
            Template::Default => "Default",
            Template::Verification => "Verification",
            Template::ApplyBizConnection => "ApplyBizConnection",
            Template::ConfirmBizConnection => "ConfirmBizConnection",
            Template::RejectBizConnection => "RejectBizConnection",
            Template::IssueOrderSheetReceipt => "IssueOrderSheetReceipt",
            Template::OrderPlaced => "OrderPlaced",
            Template::OrderPriced => "OrderPriced",
            Template::ChangeRequestAccepted => "ChangeRequestAccepted",
            Template::ChangeRequestDeclined => "ChangeRequestDeclined",
        }
    }

    /// The text with one `%s` per argument, or `None` for `Default` (its
    /// message is sent as is, without the prefix, as the original did).
    fn pattern(self) -> Option<&'static str> {
        Some(match self {
            Template::Default => return None,
            Template::Verification => "[마켓빌(marketbill)] 인증번호 : %s",
            Template::ApplyBizConnection => {
                "[마켓빌(marketbill)] %s 님이 거래처 승인 요청을 보냈어요.\n마이페이지 > 거래처 승인에서 신청을 승인하면 거래처가 주문할 수 있어요.\n\nURL : %s"
            }
            Template::ConfirmBizConnection => {
                "[마켓빌(marketbill)] %s 님이 거래처 신청을 승인했어요.\n주문시, 거래처를 선택할때 \u{201c}%s\u{201d}을 선택할 수 있어요.\n\nURL : %s"
            }
            Template::RejectBizConnection => {
                "[마켓빌(marketbill)] %s 님이 거래처 신청을 거절했어요.\n\n시장에서 %s 님께 직접 문의해주세요.\n\nURL : %s"
            }
            Template::IssueOrderSheetReceipt => {
                "[마켓빌(marketbill)] %s 님이 주문번호 %s에 영수증을 발행했어요.\n\n마이페이지 > 주문내역\u{201d}에서 영수증을 다운로드 할 수 있어요.\n\nURL : %s"
            }
            Template::OrderPlaced => {
                "[마켓빌(marketbill)] %s 님이 주문했어요. (주문번호 %s)\n\n주문 관리에서 확인해 주세요.\n\nURL : %s"
            }
            Template::OrderPriced => {
                "[마켓빌(marketbill)] %s 님이 주문번호 %s의 가격을 모두 입력했어요.\n\nURL : %s"
            }
            Template::ChangeRequestAccepted => {
                "[마켓빌(marketbill)] %s 님이 주문번호 %s의 변경 요청을 수락했어요.\n\nURL : %s"
            }
            Template::ChangeRequestDeclined => {
                "[마켓빌(marketbill)] %s 님이 주문번호 %s의 변경 요청을 거절했어요.\n\nURL : %s"
            }
        })
    }

    /// The kind of each positional argument, in order.
    fn args(self) -> &'static [Arg] {
        match self {
            Template::Default => &[Arg::Message],
            Template::Verification => &[Arg::Code],
            Template::ApplyBizConnection => &[Arg::Name, Arg::Url],
            Template::ConfirmBizConnection | Template::RejectBizConnection => {
                &[Arg::Name, Arg::Name, Arg::Url]
            }
            Template::IssueOrderSheetReceipt
            | Template::OrderPlaced
            | Template::OrderPriced
            | Template::ChangeRequestAccepted
            | Template::ChangeRequestDeclined => &[Arg::Name, Arg::OrderNo, Arg::Url],
        }
    }

    pub fn arg_count(self) -> usize {
        self.args().len()
    }

    /// Checks the arguments and fills them in. Every argument must be
    /// non-blank; the result must fit in an LMS.
    pub fn render(self, args: &[String]) -> Result<Rendered, DomainError> {
        let expected = self.arg_count();
        if args.len() != expected {
            return Err(DomainError::with_message(
                ErrorCode::InvalidData,
                format!(
                    "Invalid args. There's must be {expected} args for template {}",
                    self.name()
                ),
            ));
        }
        if args.iter().any(|a| a.trim().is_empty()) {
            return Err(DomainError::with_message(
                ErrorCode::InvalidData,
                "Template arguments must not be blank.",
            ));
        }
        // PostgreSQL text cannot hold NUL, and no phone shows it.
        if args.iter().any(|a| a.contains('\0')) {
            return Err(DomainError::with_message(
                ErrorCode::InvalidData,
                "Template arguments must not contain NUL characters.",
            ));
        }
        let args = self
            .args()
            .iter()
            .zip(args)
            .map(|(kind, value)| checked(*kind, value))
            .collect::<Result<Vec<String>, DomainError>>()?;
        let text = match self.pattern() {
            None => args[0].clone(),
            Some(pattern) => fill(pattern, &args),
        };
        if text.len() > LMS_MAX_BYTES {
            return Err(DomainError::with_message(
                ErrorCode::MessageTooLong,
                format!(
                    "The message is {} bytes; at most {LMS_MAX_BYTES} UTF-8 bytes can be sent.",
                    text.len()
                ),
            ));
        }
        Ok(Rendered {
            template: self,
            message_type: MessageType::for_text(&text),
            text,
        })
    }
}

fn is_code(arg: &str) -> bool {
    !arg.is_empty() && arg.len() <= MAX_CODE_LEN && arg.chars().all(|c| c.is_ascii_alphanumeric())
}

/// One argument as it will be printed, or why it cannot be.
fn checked(kind: Arg, value: &str) -> Result<String, DomainError> {
    match kind {
        Arg::Message => Ok(value.to_owned()),
        Arg::Code if is_code(value) => Ok(value.to_owned()),
        Arg::Code => Err(DomainError::with_message(
            ErrorCode::InvalidFormat,
            format!("A verification code is 1 to {MAX_CODE_LEN} letters or digits."),
        )),
        Arg::Name => {
            let name = user_text::clean(value, MAX_NAME_CHARS);
            Ok(if name.is_empty() {
                NAME_PLACEHOLDER.to_owned()
            } else {
                name
            })
        }
        Arg::OrderNo => {
            let order_no = user_text::clean(value, MAX_ORDER_NO_CHARS);
            Ok(if order_no.is_empty() {
                "-".to_owned()
            } else {
                order_no
            })
        }
        Arg::Url if is_link(value) => Ok(value.to_owned()),
        Arg::Url => Err(DomainError::with_message(
            ErrorCode::InvalidFormat,
            format!(
                "The link argument must be an http(s) URL of at most {MAX_URL_LEN} characters."
            ),
        )),
    }
}

/// An absolute http(s) URL with nothing a reader could mistake for more text.
fn is_link(value: &str) -> bool {
    value.len() <= MAX_URL_LEN
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && (value.starts_with("https://") || value.starts_with("http://"))
        && value.split_once("://").is_some_and(|(_, rest)| {
            rest.split(['/', '?', '#'])
                .next()
                .is_some_and(|host| !host.is_empty())
        })
}

/// Replaces each `%s` in order. Arguments are inserted verbatim; a `%s` inside
/// an argument is not expanded again.
fn fill(pattern: &str, args: &[String]) -> String {
    let mut out =
        String::with_capacity(pattern.len() + args.iter().map(String::len).sum::<usize>());
    let mut rest = pattern;
    for arg in args {
        match rest.split_once("%s") {
            Some((before, after)) => {
                out.push_str(before);
                out.push_str(arg);
                rest = after;
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn args(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    const URL: &str = "https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message";

    #[test]
    fn order_alerts_name_the_other_party_and_the_order() {
        let placed = Template::OrderPlaced
            .render(&args(&["행복꽃집", "261205M00042", URL]))
            .unwrap();
        assert_eq!(
            placed.text,
            format!(
                "[마켓빌(marketbill)] 행복꽃집 님이 주문했어요. (주문번호 261205M00042)\n\n주문 관리에서 확인해 주세요.\n\nURL : {URL}"
            )
        );
        assert_eq!(placed.message_type, MessageType::Lms);
        for template in [
            Template::OrderPriced,
            Template::ChangeRequestAccepted,
            Template::ChangeRequestDeclined,
        ] {
            let rendered = template
                .render(&args(&["그린도매", "261205M00042", URL]))
                .unwrap();
            assert!(
                rendered
                    .text
                    .contains("그린도매 님이 주문번호 261205M00042"),
                "{}",
                rendered.text
            );
            // A link argument must be a link: no free text rides on the alert.
            assert!(
                template
                    .render(&args(&["그린도매", "261205M00042", "광고"]))
                    .is_err()
            );
        }
    }

    #[test]
    fn each_template_renders_byte_for_byte() {
        let cases = [
            (
                Template::Verification,
                args(&["123456"]),
                "[마켓빌(marketbill)] 인증번호 : 123456",
                "SMS",
            ),
            (
                Template::ApplyBizConnection,
                args(&["꽃집", URL]),
                "[마켓빌(marketbill)] 꽃집 님이 거래처 승인 요청을 보냈어요.\n마이페이지 > 거래처 승인에서 신청을 승인하면 거래처가 주문할 수 있어요.\n\nURL : https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message",
                "LMS",
            ),
            (
                Template::ConfirmBizConnection,
                args(&["그린도매", "그린도매", URL]),
                "[마켓빌(marketbill)] 그린도매 님이 거래처 신청을 승인했어요.\n주문시, 거래처를 선택할때 “그린도매”을 선택할 수 있어요.\n\nURL : https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message",
                "LMS",
            ),
            (
                Template::RejectBizConnection,
                args(&["그린도매", "그린도매", URL]),
                "[마켓빌(marketbill)] 그린도매 님이 거래처 신청을 거절했어요.\n\n시장에서 그린도매 님께 직접 문의해주세요.\n\nURL : https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message",
                "LMS",
            ),
            (
                Template::IssueOrderSheetReceipt,
                args(&["그린도매", "20261125-0001", URL]),
                "[마켓빌(marketbill)] 그린도매 님이 주문번호 20261125-0001에 영수증을 발행했어요.\n\n마이페이지 > 주문내역”에서 영수증을 다운로드 할 수 있어요.\n\nURL : https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message",
                "LMS",
            ),
            (
                Template::Default,
                args(&["안녕하세요"]),
                "안녕하세요",
                "SMS",
            ),
        ];
        for (template, args, text, kind) in cases {
            let rendered = template.render(&args).unwrap();
            assert_eq!(rendered.text, text, "{template:?}");
            assert_eq!(rendered.message_type.as_str(), kind, "{template:?}");
        }
    }

    #[test]
    fn the_quotes_are_the_original_code_points() {
        let confirm = Template::ConfirmBizConnection
            .render(&args(&["a", "b", URL]))
            .unwrap();
        assert!(confirm.text.contains("\u{201c}b\u{201d}"));
        let receipt = Template::IssueOrderSheetReceipt
            .render(&args(&["a", "b", URL]))
            .unwrap();
        assert_eq!(receipt.text.matches('\u{201d}').count(), 1);
        assert_eq!(receipt.text.matches('\u{201c}').count(), 0);
    }

    #[test]
    fn sms_up_to_80_bytes_then_lms_also_for_default() {
        // A Hangul syllable is 3 bytes: 26 syllables + 2 ASCII = 80 bytes.
        let eighty = format!("{}ab", "가".repeat(26));
        assert_eq!(eighty.len(), 80);
        let rendered = Template::Default.render(&[eighty]).unwrap();
        assert_eq!(rendered.message_type, MessageType::Sms);
        let eighty_one = format!("{}abc", "가".repeat(26));
        let rendered = Template::Default.render(&[eighty_one]).unwrap();
        assert_eq!(rendered.message_type, MessageType::Lms);
        // The 6-digit verification text is 45 bytes, as in the original.
        let code = Template::Verification.render(&args(&["654321"])).unwrap();
        assert_eq!(code.text.len(), 45);
    }

    #[test]
    fn arg_counts_are_enforced() {
        let counts = [1, 1, 2, 3, 3, 3];
        for (template, count) in Template::ALL.into_iter().zip(counts) {
            assert_eq!(template.arg_count(), count, "{template:?}");
            let too_many = vec!["x".to_owned(); count + 1];
            let err = template.render(&too_many).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidData);
            assert!(err.message.contains(&format!("must be {count} args")));
            assert!(template.render(&[]).is_err());
        }
    }

    #[test]
    fn unknown_names_blank_args_bad_codes_and_oversize_text_are_refused() {
        assert_eq!(
            Template::from_name("verification").unwrap_err().code,
            ErrorCode::UnknownTemplate
        );
        assert_eq!(
            Template::from_name("Verification").unwrap(),
            Template::Verification
        );
        assert_eq!(
            Template::Default.render(&args(&["  "])).unwrap_err().code,
            ErrorCode::InvalidData
        );
        assert_eq!(
            Template::Verification
                .render(&args(&["12 34; click http://x"]))
                .unwrap_err()
                .code,
            ErrorCode::InvalidFormat
        );
        let max = "a".repeat(LMS_MAX_BYTES);
        assert!(Template::Default.render(&[max]).is_ok());
        let over = "a".repeat(LMS_MAX_BYTES + 1);
        assert_eq!(
            Template::Default.render(&[over]).unwrap_err().code,
            ErrorCode::MessageTooLong
        );
    }

    #[test]
    fn arguments_are_not_expanded_twice() {
        let rendered = Template::ApplyBizConnection
            .render(&args(&["%s", "https://u.example/%s"]))
            .unwrap();
        assert!(rendered.text.starts_with("[마켓빌(marketbill)] %s 님이"));
        assert!(rendered.text.ends_with("URL : https://u.example/%s"));
    }

    #[test]
    fn every_kind_of_argument_has_its_own_check() {
        let kinds = Template::ALL.map(|t| t.args().len());
        let placeholders =
            Template::ALL.map(|t| t.pattern().map_or(1, |p| p.matches("%s").count()));
        assert_eq!(kinds, placeholders);
        let wholesaler = args(&["그린도매", "그린도매", URL]);
        assert!(Template::ConfirmBizConnection.render(&wholesaler).is_ok());
    }

    /// Names in every template lose their links and are bounded; the text
    /// around them and the template's own link stay as they were.
    #[test]
    fn names_in_templates_carry_no_links_and_are_bounded() {
        let phishing = "그린도매 https://evil.example/pay";
        let cases = [
            (Template::ApplyBizConnection, args(&[phishing, URL])),
            (
                Template::ConfirmBizConnection,
                args(&[phishing, "www.evil.kr", URL]),
            ),
            (
                Template::RejectBizConnection,
                args(&["evil.com", phishing, URL]),
            ),
            (
                Template::IssueOrderSheetReceipt,
                args(&[phishing, "20261125-0001 bit.ly/x", URL]),
            ),
        ];
        for (template, args) in cases {
            let text = template.render(&args).unwrap().text;
            let before_link = text.rsplit_once("URL : ").unwrap().0;
            for word in before_link.split_whitespace() {
                assert!(
                    !user_text::reads_as_link(word),
                    "{template:?}: {word} in {text}"
                );
            }
            assert!(text.ends_with(&format!("URL : {URL}")), "{text}");
            assert!(!text.contains("evil"), "{text}");
        }
        let text = Template::RejectBizConnection
            .render(&args(&["evil.com", "그린도매", URL]))
            .unwrap()
            .text;
        assert!(
            text.starts_with("[마켓빌(marketbill)] 회원 님이 거래처 신청을 거절했어요."),
            "{text}"
        );
        let long = "가".repeat(200);
        let text = Template::ApplyBizConnection
            .render(&args(&[&long, URL]))
            .unwrap()
            .text;
        assert!(
            text.contains(&format!("] {} 님이", "가".repeat(MAX_NAME_CHARS))),
            "{text}"
        );
        assert!(!text.contains(&"가".repeat(MAX_NAME_CHARS + 1)));
        let forged = Template::ApplyBizConnection
            .render(&args(&["꽃집\n\nURL : 가짜", URL]))
            .unwrap()
            .text;
        assert_eq!(forged.matches('\n').count(), 3, "{forged}");
    }

    #[test]
    fn links_must_be_http_urls_and_nul_is_refused() {
        for bad in [
            "u",
            "javascript:alert(1)",
            "https://",
            "https://a b",
            "ftp://x",
        ] {
            let err = Template::ApplyBizConnection
                .render(&args(&["꽃집", bad]))
                .unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidFormat, "{bad}");
        }
        for template in Template::ALL {
            let mut values = vec!["1234".to_owned(); template.arg_count()];
            values[0] = "12\u{0}34".to_owned();
            let err = template.render(&values).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidData, "{template:?}");
            assert!(err.message.contains("NUL"), "{template:?}");
        }
    }

    #[test]
    fn debug_hides_the_text() {
        let rendered = Template::Default.render(&args(&["secret body"])).unwrap();
        assert!(!format!("{rendered:?}").contains("secret"));
    }
}
