//! The error catalogue.
//!
//! Every business error a client can see has a stable name (GraphQL
//! `extensions.code`, REST `error.code`), an `E…` number
//! (`extensions.errorCode`), the original's error type
//! (`extensions.errorType`), an HTTP status for the REST services, an English
//! default message (the original V1 text wherever V1 had one without
//! parameters) and the original HEAD's Korean message.
//!
//! Numbering. E001–E003, E101–E112, E201–E210 and E301–E306 are the
//! original's and keep their meaning. Codes the rewrite adds use free numbers:
//!
//! | Range | Area | Added by the rewrite |
//! |---|---|---|
//! | E0xx | general | E007 `PERMISSION_DENIED`, E008 `UNAUTHENTICATED`, E009 `TOO_MANY_ATTEMPTS`, E010 `CONFLICT` (E004–E006 left unassigned) |
//! | E1xx | users, connections | — |
//! | E2xx | cart, ordering | E211 `NOT_CONNECTED` |
//! | E3xx | flowers, order sheets | E307 `NO_FLOWER_TYPE` |
//! | E4xx | auction results | E401 `NO_AUCTION_RESULT` |
//! | E5xx | receipts, SMS, peers | E501 `RECEIPT_SERVICE_UNAVAILABLE`, E502 `MESSAGING_UNAVAILABLE`, E503 `STORAGE_UNAVAILABLE`, E504 `DATABASE_UNAVAILABLE`; E521–E527 messaging (templates, send log, verification codes) |
//! | E6xx | auction feed (scheduler) | E601 `RUN_IN_PROGRESS`, E602 `AUCTION_API_UNAVAILABLE`, E603 `AUCTION_API_ERROR`, E604 `AUCTION_API_QUOTA_EXCEEDED`, E605 `AUCTION_API_NOT_CONFIGURED` |
//! | E7xx | the ledger, statements beyond one sheet | E701 `NO_LEDGER_ENTRY`, E702 `LEDGER_ENTRY_NOT_REVERSIBLE`, E703 `NO_ACCOUNT_STATEMENT` |
//! | E9xx | internal | E901 `INTERNAL` |
//!
//! Error types: the original codes keep the type their V1 throw sites used
//! (so `PHONE_NO_DUPLICATED` stays `INTERNAL`); where V1 used two types for a
//! code (`INVALID_FORMAT`, `INVALID_DATA`), the catalogue keeps the common
//! one, `BAD_REQUEST`. New codes use the framework's other types:
//! `PERMISSION_DENIED`, `UNAVAILABLE`, `FAILED_PRECONDITION`.

use std::fmt;

/// Generates `ErrorCode` and its lookup tables from one row per code, so a
/// code cannot be added without all of its columns.
macro_rules! catalogue {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $name:literal, $number:literal, $kind:literal, $status:literal,
            $en:literal, $ko:literal;
    )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in catalogue order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// `extensions.code`, e.g. `NO_ORDER_SHEET`.
            pub const fn name(self) -> &'static str {
                match self { $(ErrorCode::$variant => $name,)* }
            }

            /// `extensions.errorCode`, e.g. `E204`.
            pub const fn error_code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $number,)* }
            }

            /// `extensions.errorType`, e.g. `NOT_FOUND`.
            pub const fn error_type(self) -> &'static str {
                match self { $(ErrorCode::$variant => $kind,)* }
            }

            /// The status a REST service answers with.
            pub const fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            /// The English message used when a call site gives none.
            pub const fn default_message(self) -> &'static str {
                match self { $(ErrorCode::$variant => $en,)* }
            }

            /// The original HEAD's Korean message.
            pub const fn korean_message(self) -> &'static str {
                match self { $(ErrorCode::$variant => $ko,)* }
            }
        }
    };
}

catalogue! {
    // ---- E0xx general -------------------------------------------------------
    /// An SMS could not be delivered to the provider.
    SmsNotReached => "SMS_NOT_REACHED", "E001", "INTERNAL", 500,
        "Error occurred while sending SMS.", "SMS 발송 중 오류가 발생했습니다.";
    /// Input has the wrong shape (password rule, phone, URL, date …).
    InvalidFormat => "INVALID_FORMAT", "E002", "BAD_REQUEST", 400,
        "Invalid format of data.", "잘못된 형식의 데이터입니다.";
    /// Input is well-formed but not acceptable.
    InvalidData => "INVALID_DATA", "E003", "BAD_REQUEST", 400,
        "Invalid data.", "잘못된 데이터입니다.";
    /// Authenticated, but not allowed (wrong role, not the owner).
    PermissionDenied => "PERMISSION_DENIED", "E007", "PERMISSION_DENIED", 403,
        "You are not allowed to do this.", "권한이 없습니다.";
    /// No (valid) credentials where they are required.
    Unauthenticated => "UNAUTHENTICATED", "E008", "UNAUTHENTICATED", 401,
        "Authentication is required.", "로그인이 필요합니다.";
    /// Sign-in throttling and SMS rate limits.
    TooManyAttempts => "TOO_MANY_ATTEMPTS", "E009", "BAD_REQUEST", 429,
        "Too many attempts. Please try again later.",
        "시도 횟수가 너무 많습니다. 잠시 후 다시 시도해주세요.";
    /// A concurrent request changed the same data first; retrying may succeed.
    Conflict => "CONFLICT", "E010", "FAILED_PRECONDITION", 409,
        "The data was changed by another request. Please try again.",
        "다른 요청이 먼저 데이터를 변경했습니다. 다시 시도해주세요.";

    // ---- E1xx users and connections ----------------------------------------
    NoUser => "NO_USER", "E101", "NOT_FOUND", 404,
        "There's no user.", "사용자를 찾을 수 없습니다.";
    NoBusinessInfo => "NO_BUSINESS_INFO", "E102", "NOT_FOUND", 404,
        "There's no business info data on wholesaler. Need to upload business info to wholesaler first. Not able to process receipt without business info data.",
        "사업자 정보를 찾을 수 없습니다.";
    TokenNeeded => "TOKEN_NEEDED", "E103", "UNAUTHENTICATED", 401,
        "There must be token in header when using 'applyStatus' field or 'bizConnectionId' field",
        "인증이 필요합니다.";
    EmployerSignupNeeded => "EMPLOYER_SIGNUP_NEEDED", "E104", "INTERNAL", 400,
        "Wholesale Employer need to sign up first. Employee could not sign up without employer account.",
        "사장님 회원가입이 필요합니다.";
    NoWholesaleConnection => "NO_WHOLESALE_CONNECTION", "E105", "NOT_FOUND", 400,
        "There's no connection data between employer and employees",
        "도매상과의 거래 관계가 없습니다.";
    BizConnectionDuplicated => "BIZ_CONNECTION_DUPLICATED", "E106", "INTERNAL", 409,
        "There's already a bizConnection", "이미 거래처 관계가 존재합니다.";
    NoBizConnection => "NO_BIZ_CONNECTION", "E107", "NOT_FOUND", 404,
        "There's no bizConnection to update. Please check biz_connection ID",
        "거래처 정보를 찾을 수 없습니다.";
    PhoneNoDuplicated => "PHONE_NO_DUPLICATED", "E108", "INTERNAL", 409,
        "There's user who has same phone number. Please check your phone number again.",
        "이미 등록된 전화번호입니다.";
    UserNameDuplicated => "USER_NAME_DUPLICATED", "E109", "INTERNAL", 409,
        "There's a wholesale employer who has same company name", "이미 사용 중인 이름입니다.";
    InvalidRole => "INVALID_ROLE", "E110", "BAD_REQUEST", 400,
        "Invalid role.", "잘못된 역할입니다.";
    InvalidPassword => "INVALID_PASSWORD", "E111", "BAD_REQUEST", 400,
        "Invalid password.", "잘못된 비밀번호입니다.";
    DeletedUser => "DELETED_USER", "E112", "NOT_FOUND", 404,
        "The user has been deleted.", "삭제된 사용자입니다.";

    // ---- E2xx cart and ordering --------------------------------------------
    NoShoppingSession => "NO_SHOPPING_SESSION", "E201", "NOT_FOUND", 404,
        "There's no shopping session.", "쇼핑 세션을 찾을 수 없습니다.";
    NoCartItem => "NO_CART_ITEM", "E202", "NOT_FOUND", 404,
        "There's no cart item.", "장바구니 아이템을 찾을 수 없습니다.";
    NoCartWholesaler => "NO_CART_WHOLESALER", "E203", "NOT_FOUND", 400,
        "There's no connected wholesaler on cart items.",
        "장바구니에 도매상이 연결되어 있지 않습니다.";
    NoOrderSheet => "NO_ORDER_SHEET", "E204", "NOT_FOUND", 404,
        "There's no order sheet data.", "주문서를 찾을 수 없습니다.";
    NoPriceOrderItem => "NO_PRICE_ORDER_ITEM", "E205", "INTERNAL", 400,
        "Not able to issue receipt with order items in case of all items have empty price(or zero/minus price).",
        "주문 항목에 가격 정보가 없습니다.";
    CartItemAlreadyDeleted => "CART_ITEM_ALREADY_DELETED", "E206", "BAD_REQUEST", 400,
        "The cart item has already been deleted.", "이미 삭제된 장바구니 항목입니다.";
    CartItemAlreadyOrdered => "CART_ITEM_ALREADY_ORDERED", "E207", "BAD_REQUEST", 400,
        "An ordered cart item cannot be deleted.",
        "이미 주문된 장바구니 항목은 삭제할 수 없습니다.";
    CartItemAlreadyOrderedUpdate => "CART_ITEM_ALREADY_ORDERED_UPDATE", "E208", "BAD_REQUEST", 400,
        "An ordered cart item cannot be changed.", "이미 주문된 장바구니 항목입니다.";
    NoRetailer => "NO_RETAILER", "E209", "NOT_FOUND", 404,
        "There's no retailer.", "소매상을 찾을 수 없습니다.";
    NoWholesaler => "NO_WHOLESALER", "E210", "NOT_FOUND", 404,
        "There's no wholesaler.", "도매상을 찾을 수 없습니다.";
    /// The retailer has no CONFIRMED connection with the chosen wholesaler.
    NotConnected => "NOT_CONNECTED", "E211", "BAD_REQUEST", 400,
        "There's no confirmed business connection with this wholesaler.",
        "승인된 거래처가 아닙니다.";

    // ---- E3xx flowers and order sheets -------------------------------------
    NoFlower => "NO_FLOWER", "E301", "NOT_FOUND", 404,
        "There's no flower.", "꽃을 찾을 수 없습니다.";
    CannotDeleteOrderSheetWithReceipt => "CANNOT_DELETE_ORDER_SHEET_WITH_RECEIPT", "E302", "BAD_REQUEST", 400,
        "An order sheet with an issued receipt cannot be deleted.",
        "영수증이 발행된 주문서는 삭제할 수 없습니다.";
    NoOrderItem => "NO_ORDER_ITEM", "E303", "NOT_FOUND", 404,
        "There's no order item.", "주문 항목을 찾을 수 없습니다.";
    NoCustomOrderItem => "NO_CUSTOM_ORDER_ITEM", "E304", "NOT_FOUND", 404,
        "There's no custom order item.", "커스텀 주문 항목을 찾을 수 없습니다.";
    NoDailyOrderItem => "NO_DAILY_ORDER_ITEM", "E305", "NOT_FOUND", 404,
        "There's no daily order item.", "일별 주문 항목을 찾을 수 없습니다.";
    NoOrderSheetReceipt => "NO_ORDER_SHEET_RECEIPT", "E306", "NOT_FOUND", 404,
        "There's no order sheet receipt.", "주문서 영수증을 찾을 수 없습니다.";
    NoFlowerType => "NO_FLOWER_TYPE", "E307", "NOT_FOUND", 404,
        "There's no flower type.", "꽃 품목을 찾을 수 없습니다.";

    /// A florist's direct change after the sheet's cut-off (or after its
    /// statement): the message names the cut-off; a change request still works.
    OrderCutOff => "ORDER_CUT_OFF", "E308", "FAILED_PRECONDITION", 409,
        "The order cut-off has passed: send a change request.", "주문 마감이 지났습니다. 변경 요청을 보내 주세요.";
    NoChangeRequest => "NO_CHANGE_REQUEST", "E309", "NOT_FOUND", 404,
        "There's no change request.", "변경 요청을 찾을 수 없습니다.";

    NoStandingOrder => "NO_STANDING_ORDER", "E310", "NOT_FOUND", 404,
        "There's no standing order.", "정기 주문을 찾을 수 없습니다.";

    // ---- E4xx auction results ----------------------------------------------
    NoAuctionResult => "NO_AUCTION_RESULT", "E401", "NOT_FOUND", 404,
        "There's no auction result.", "경매 결과를 찾을 수 없습니다.";

    // ---- E7xx the ledger (외상 장부) ---------------------------------------
    NoLedgerEntry => "NO_LEDGER_ENTRY", "E701", "NOT_FOUND", 404,
        "There's no ledger entry.", "장부 내역을 찾을 수 없습니다.";
    /// An entry is reversed at most once, and a reversal is never reversed.
    LedgerEntryNotReversible => "LEDGER_ENTRY_NOT_REVERSIBLE", "E702", "FAILED_PRECONDITION", 409,
        "This ledger entry cannot be reversed (already reversed, or itself a reversal).",
        "이미 취소되었거나 취소 내역인 장부 내역은 취소할 수 없습니다.";
    /// A daily or period statement (거래명세서 of a day, 거래내역서) that does
    /// not exist or is not the caller's to read.
    NoAccountStatement => "NO_ACCOUNT_STATEMENT", "E703", "NOT_FOUND", 404,
        "There's no account statement.", "거래 명세서를 찾을 수 없습니다.";

    // ---- E5xx receipts, SMS and peer services ------------------------------
    /// The receipt service did not answer (in time) or answered with an error.
    ReceiptServiceUnavailable => "RECEIPT_SERVICE_UNAVAILABLE", "E501", "UNAVAILABLE", 503,
        "The receipt service is unavailable. Please try again later.",
        "영수증 서비스를 사용할 수 없습니다. 잠시 후 다시 시도해주세요.";
    /// The messaging service did not answer (in time).
    MessagingUnavailable => "MESSAGING_UNAVAILABLE", "E502", "UNAVAILABLE", 503,
        "The messaging service is unavailable. Please try again later.",
        "메시지 서비스를 사용할 수 없습니다. 잠시 후 다시 시도해주세요.";
    /// The receipt service could not reach its object storage.
    StorageUnavailable => "STORAGE_UNAVAILABLE", "E503", "UNAVAILABLE", 503,
        "Receipt storage is unavailable. Please try again later.",
        "영수증 저장소를 사용할 수 없습니다. 잠시 후 다시 시도해주세요.";
    /// PostgreSQL could not be reached, or the connection dropped under the
    /// statement (a restart, a failover, a pool timeout): retry.
    DatabaseUnavailable => "DATABASE_UNAVAILABLE", "E504", "UNAVAILABLE", 503,
        "The service is briefly unavailable. Please try again.",
        "일시적으로 서비스를 사용할 수 없습니다. 잠시 후 다시 시도해주세요.";

    /// The messaging service knows no template of this name (case-sensitive).
    UnknownTemplate => "UNKNOWN_TEMPLATE", "E521", "BAD_REQUEST", 400,
        "Bad Request : Not supported template", "지원하지 않는 메시지 템플릿입니다.";
    /// The final text is longer than an LMS may be.
    MessageTooLong => "MESSAGE_TOO_LONG", "E522", "BAD_REQUEST", 400,
        "The message is too long.", "메시지가 너무 깁니다.";
    NoSmsLog => "NO_SMS_LOG", "E523", "NOT_FOUND", 404,
        "There's no SMS log.", "문자 발송 기록을 찾을 수 없습니다.";
    /// No open verification code for the phone number (never sent, or already used).
    NoVerification => "NO_VERIFICATION", "E524", "NOT_FOUND", 404,
        "There's no verification code for this phone number. Please request a new code.",
        "인증번호를 먼저 요청해주세요.";
    VerificationExpired => "VERIFICATION_EXPIRED", "E525", "BAD_REQUEST", 400,
        "The verification code has expired. Please request a new code.",
        "인증번호가 만료되었습니다. 다시 요청해주세요.";
    VerificationCodeMismatch => "VERIFICATION_CODE_MISMATCH", "E526", "BAD_REQUEST", 400,
        "The verification code does not match.", "인증번호가 일치하지 않습니다.";
    /// An `Idempotency-Key` was reused for a different request.
    IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED", "E527", "FAILED_PRECONDITION", 422,
        "This idempotency key was already used for a different request.",
        "이미 다른 요청에 사용된 멱등성 키입니다.";

    // ---- E6xx auction feed (scheduler) -------------------------------------
    /// Another sync of the same auction day holds its lock.
    RunInProgress => "RUN_IN_PROGRESS", "E601", "FAILED_PRECONDITION", 409,
        "A sync of this auction day is already running.",
        "이 경매일의 동기화가 이미 진행 중입니다.";
    /// The aT API could not be reached (network, timeouts, HTTP 5xx) after retries.
    AuctionApiUnavailable => "AUCTION_API_UNAVAILABLE", "E602", "UNAVAILABLE", 502,
        "The public auction API could not be reached. Please try again later.",
        "공공 경매 API에 연결할 수 없습니다. 잠시 후 다시 시도해주세요.";
    /// The aT API refused the request (`resultCd` 1, 2, 3, 5) or answered unreadable data.
    AuctionApiError => "AUCTION_API_ERROR", "E603", "UNAVAILABLE", 502,
        "The public auction API refused the request or answered unreadable data.",
        "공공 경매 API가 요청을 거부했거나 읽을 수 없는 응답을 보냈습니다.";
    /// `resultCd` 4: today's call quota of the service key is used up.
    AuctionApiQuotaExceeded => "AUCTION_API_QUOTA_EXCEEDED", "E604", "UNAVAILABLE", 503,
        "The public auction API's daily call quota is exhausted.",
        "공공 경매 API의 일일 호출 한도를 초과했습니다.";
    /// No service key (`AUCTION_API_KEY`) is configured.
    AuctionApiNotConfigured => "AUCTION_API_NOT_CONFIGURED", "E605", "UNAVAILABLE", 503,
        "No public auction API key is configured.",
        "공공 경매 API 키가 설정되지 않았습니다.";

    // ---- E9xx internal ------------------------------------------------------
    /// A bug or an infrastructure failure; details are logged, never sent.
    Internal => "INTERNAL", "E901", "INTERNAL", 500,
        "Internal server error.", "서버 내부 오류가 발생했습니다.";
}

impl ErrorCode {
    /// The code with this `name()`, e.g. when a peer service's REST error
    /// envelope is turned back into a [`DomainError`](super::DomainError).
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        ErrorCode::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_numbers_are_unique_and_well_formed() {
        let names: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
        let numbers: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.error_code()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        assert_eq!(numbers.len(), ErrorCode::ALL.len());
        for code in ErrorCode::ALL {
            let number = code.error_code();
            assert!(number.starts_with('E') && number.len() == 4, "{number}");
            assert!(number[1..].chars().all(|c| c.is_ascii_digit()), "{number}");
            assert!(
                code.name()
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_'),
                "{code}"
            );
            assert!(!code.default_message().is_empty());
            assert!(!code.korean_message().is_empty());
            assert!((400..600).contains(&code.http_status()));
        }
    }

    #[test]
    fn the_catalogue_holds_every_original_code_with_its_number() {
        let original = [
            ("SMS_NOT_REACHED", "E001", 500),
            ("INVALID_FORMAT", "E002", 400),
            ("INVALID_DATA", "E003", 400),
            ("NO_USER", "E101", 404),
            ("NO_BUSINESS_INFO", "E102", 404),
            ("TOKEN_NEEDED", "E103", 401),
            ("EMPLOYER_SIGNUP_NEEDED", "E104", 400),
            ("NO_WHOLESALE_CONNECTION", "E105", 400),
            ("BIZ_CONNECTION_DUPLICATED", "E106", 409),
            ("NO_BIZ_CONNECTION", "E107", 404),
            ("PHONE_NO_DUPLICATED", "E108", 409),
            ("USER_NAME_DUPLICATED", "E109", 409),
            ("INVALID_ROLE", "E110", 400),
            ("INVALID_PASSWORD", "E111", 400),
            ("DELETED_USER", "E112", 404),
            ("NO_SHOPPING_SESSION", "E201", 404),
            ("NO_CART_ITEM", "E202", 404),
            ("NO_CART_WHOLESALER", "E203", 400),
            ("NO_ORDER_SHEET", "E204", 404),
            ("NO_PRICE_ORDER_ITEM", "E205", 400),
            ("CART_ITEM_ALREADY_DELETED", "E206", 400),
            ("CART_ITEM_ALREADY_ORDERED", "E207", 400),
            ("CART_ITEM_ALREADY_ORDERED_UPDATE", "E208", 400),
            ("NO_RETAILER", "E209", 404),
            ("NO_WHOLESALER", "E210", 404),
            ("NO_FLOWER", "E301", 404),
            ("CANNOT_DELETE_ORDER_SHEET_WITH_RECEIPT", "E302", 400),
            ("NO_ORDER_ITEM", "E303", 404),
            ("NO_CUSTOM_ORDER_ITEM", "E304", 404),
            ("NO_DAILY_ORDER_ITEM", "E305", 404),
            ("NO_ORDER_SHEET_RECEIPT", "E306", 404),
        ];
        for (name, number, status) in original {
            let code = ErrorCode::from_name(name).unwrap();
            assert_eq!(code.error_code(), number, "{name}");
            assert_eq!(code.http_status(), status, "{name}");
        }
    }

    #[test]
    fn original_codes_keep_their_v1_error_types() {
        use ErrorCode::*;
        let v1 = [
            (SmsNotReached, "INTERNAL"),
            (InvalidFormat, "BAD_REQUEST"),
            (InvalidData, "BAD_REQUEST"),
            (NoUser, "NOT_FOUND"),
            (NoBusinessInfo, "NOT_FOUND"),
            (TokenNeeded, "UNAUTHENTICATED"),
            (EmployerSignupNeeded, "INTERNAL"),
            (NoWholesaleConnection, "NOT_FOUND"),
            (BizConnectionDuplicated, "INTERNAL"),
            (NoBizConnection, "NOT_FOUND"),
            (PhoneNoDuplicated, "INTERNAL"),
            (UserNameDuplicated, "INTERNAL"),
            (NoShoppingSession, "NOT_FOUND"),
            (NoCartItem, "NOT_FOUND"),
            (NoCartWholesaler, "NOT_FOUND"),
            (NoOrderSheet, "NOT_FOUND"),
            (NoPriceOrderItem, "INTERNAL"),
        ];
        for (code, error_type) in v1 {
            assert_eq!(code.error_type(), error_type, "{code}");
        }
    }

    #[test]
    fn new_codes_have_sensible_statuses() {
        use ErrorCode::*;
        assert_eq!(
            (
                PermissionDenied.http_status(),
                PermissionDenied.error_type()
            ),
            (403, "PERMISSION_DENIED")
        );
        assert_eq!(
            (Unauthenticated.http_status(), Unauthenticated.error_type()),
            (401, "UNAUTHENTICATED")
        );
        assert_eq!(
            (TooManyAttempts.http_status(), TooManyAttempts.error_type()),
            (429, "BAD_REQUEST")
        );
        assert_eq!(Conflict.http_status(), 409);
        assert_eq!(MessagingUnavailable.http_status(), 503);
        assert_eq!(ReceiptServiceUnavailable.error_code(), "E501");
        assert_eq!(NotConnected.error_code(), "E211");
        assert_eq!(Internal.error_code(), "E901");
    }

    #[test]
    fn v1_messages_are_kept_word_for_word() {
        assert_eq!(
            ErrorCode::NoWholesaleConnection.default_message(),
            "There's no connection data between employer and employees"
        );
        assert_eq!(
            ErrorCode::NoCartWholesaler.default_message(),
            "There's no connected wholesaler on cart items."
        );
        assert_eq!(
            ErrorCode::NoOrderSheet.korean_message(),
            "주문서를 찾을 수 없습니다."
        );
    }

    #[test]
    fn names_round_trip_through_from_name_display_and_serde() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_name(code.name()), Some(*code));
            assert_eq!(code.to_string(), code.name());
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
        }
        assert_eq!(ErrorCode::from_name("no_user"), None);
        assert!(serde_json::from_str::<ErrorCode>("\"NOPE\"").is_err());
    }
}
