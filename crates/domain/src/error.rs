//! The error catalogue. Every business error a client can see has a stable
//! name (`extensions.code`), an `E…` number (`extensions.errorCode`), the
//! original's error type (`extensions.errorType`), an HTTP status for the REST
//! services, the original English message and the Korean message.
//!
//! E0xx/E1xx/E2xx/E3xx up to E306 are the original's; codes the rewrite adds
//! for its new checks use free numbers: E007–E009 general (permission,
//! authentication, throttling), E211 (no confirmed connection), E401 auction,
//! E501–E503 peers and receipts, E901 internal.

macro_rules! catalogue {
    ($($variant:ident => $name:literal, $number:literal, $kind:literal, $status:literal, $en:literal, $ko:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// `extensions.code`, e.g. `NO_ORDER_SHEET`.
            pub const fn name(self) -> &'static str { match self { $(ErrorCode::$variant => $name),* } }
            /// `extensions.errorCode`, e.g. `E204`.
            pub const fn error_code(self) -> &'static str { match self { $(ErrorCode::$variant => $number),* } }
            /// `extensions.errorType`, as the original's throw sites used it.
            pub const fn error_type(self) -> &'static str { match self { $(ErrorCode::$variant => $kind),* } }
            pub const fn http_status(self) -> u16 { match self { $(ErrorCode::$variant => $status),* } }
            /// The original's English message (clients may display it).
            pub const fn default_message(self) -> &'static str { match self { $(ErrorCode::$variant => $en),* } }
            pub const fn korean_message(self) -> &'static str { match self { $(ErrorCode::$variant => $ko),* } }
        }
    };
}

catalogue! {
    SmsNotReached => "SMS_NOT_REACHED", "E001", "INTERNAL", 500, "Error occurred while sending SMS.", "SMS 발송 중 오류가 발생했습니다.";
    InvalidFormat => "INVALID_FORMAT", "E002", "BAD_REQUEST", 400, "Invalid format of data.", "잘못된 형식의 데이터입니다.";
    InvalidData => "INVALID_DATA", "E003", "BAD_REQUEST", 400, "Invalid data.", "잘못된 데이터입니다.";
    PermissionDenied => "PERMISSION_DENIED", "E007", "PERMISSION_DENIED", 403, "You are not allowed to do this.", "권한이 없습니다.";
    Unauthenticated => "UNAUTHENTICATED", "E008", "UNAUTHENTICATED", 401, "Authentication required.", "로그인이 필요합니다.";
    TooManyAttempts => "TOO_MANY_ATTEMPTS", "E009", "BAD_REQUEST", 429, "Too many attempts. Please try again later.", "시도 횟수가 너무 많습니다. 잠시 후 다시 시도해주세요.";
    NoUser => "NO_USER", "E101", "NOT_FOUND", 404, "There's no user.", "사용자를 찾을 수 없습니다.";
    NoBusinessInfo => "NO_BUSINESS_INFO", "E102", "NOT_FOUND", 404, "There's no business info of wholesaler.", "사업자 정보를 찾을 수 없습니다.";
    TokenNeeded => "TOKEN_NEEDED", "E103", "UNAUTHENTICATED", 401, "There must be token in header.", "인증이 필요합니다.";
    EmployerSignupNeeded => "EMPLOYER_SIGNUP_NEEDED", "E104", "INTERNAL", 400, "Wholesale Employer need to sign up first. Employee could not sign up without employer account.", "사장님 회원가입이 필요합니다.";
    NoWholesaleConnection => "NO_WHOLESALE_CONNECTION", "E105", "NOT_FOUND", 400, "There's no connection data between employer and employees", "도매상과의 거래 관계가 없습니다.";
    BizConnectionDuplicated => "BIZ_CONNECTION_DUPLICATED", "E106", "INTERNAL", 409, "There's already a bizConnection", "이미 거래처 관계가 존재합니다.";
    NoBizConnection => "NO_BIZ_CONNECTION", "E107", "NOT_FOUND", 404, "There's no bizConnection to update. Please check biz_connection ID", "거래처 정보를 찾을 수 없습니다.";
    PhoneNoDuplicated => "PHONE_NO_DUPLICATED", "E108", "INTERNAL", 409, "There's user who has same phone number. Please check your phone number again.", "이미 등록된 전화번호입니다.";
    UserNameDuplicated => "USER_NAME_DUPLICATED", "E109", "INTERNAL", 409, "There's a wholesale employer who has same company name", "이미 사용 중인 이름입니다.";
    InvalidRole => "INVALID_ROLE", "E110", "BAD_REQUEST", 400, "Invalid role.", "잘못된 역할입니다.";
    InvalidPassword => "INVALID_PASSWORD", "E111", "BAD_REQUEST", 400, "Invalid format of password. Password must be at least 8 letters including english, number, special characters with no whitespaces.", "잘못된 비밀번호입니다.";
    DeletedUser => "DELETED_USER", "E112", "NOT_FOUND", 404, "The user was deleted.", "삭제된 사용자입니다.";
    NoShoppingSession => "NO_SHOPPING_SESSION", "E201", "NOT_FOUND", 404, "There's no shopping session.", "쇼핑 세션을 찾을 수 없습니다.";
    NoCartItem => "NO_CART_ITEM", "E202", "NOT_FOUND", 404, "There's no cart item.", "장바구니 아이템을 찾을 수 없습니다.";
    NoCartWholesaler => "NO_CART_WHOLESALER", "E203", "NOT_FOUND", 400, "There's no wholesaler selected for the cart.", "장바구니에 도매상이 연결되어 있지 않습니다.";
    NoOrderSheet => "NO_ORDER_SHEET", "E204", "NOT_FOUND", 404, "There's no order sheet.", "주문서를 찾을 수 없습니다.";
    NoPriceOrderItem => "NO_PRICE_ORDER_ITEM", "E205", "INTERNAL", 400, "There's no order item with a price.", "주문 항목에 가격 정보가 없습니다.";
    CartItemAlreadyDeleted => "CART_ITEM_ALREADY_DELETED", "E206", "BAD_REQUEST", 400, "The cart item was already deleted.", "이미 삭제된 장바구니 항목입니다.";
    CartItemAlreadyOrdered => "CART_ITEM_ALREADY_ORDERED", "E207", "BAD_REQUEST", 400, "An ordered cart item cannot be deleted.", "이미 주문된 장바구니 항목은 삭제할 수 없습니다.";
    CartItemAlreadyOrderedUpdate => "CART_ITEM_ALREADY_ORDERED_UPDATE", "E208", "BAD_REQUEST", 400, "The cart item was already ordered.", "이미 주문된 장바구니 항목입니다.";
    NoRetailer => "NO_RETAILER", "E209", "NOT_FOUND", 404, "There's no retailer.", "소매상을 찾을 수 없습니다.";
    NoWholesaler => "NO_WHOLESALER", "E210", "NOT_FOUND", 404, "There's no wholesaler.", "도매상을 찾을 수 없습니다.";
    NotConnected => "NOT_CONNECTED", "E211", "BAD_REQUEST", 400, "There's no confirmed business connection with this wholesaler.", "승인된 거래처가 아닙니다.";
    NoFlower => "NO_FLOWER", "E301", "NOT_FOUND", 404, "There's no flower.", "꽃을 찾을 수 없습니다.";
    CannotDeleteOrderSheetWithReceipt => "CANNOT_DELETE_ORDER_SHEET_WITH_RECEIPT", "E302", "BAD_REQUEST", 400, "An order sheet with an issued receipt cannot be deleted.", "영수증이 발행된 주문서는 삭제할 수 없습니다.";
    NoOrderItem => "NO_ORDER_ITEM", "E303", "NOT_FOUND", 404, "There's no order item.", "주문 항목을 찾을 수 없습니다.";
    NoCustomOrderItem => "NO_CUSTOM_ORDER_ITEM", "E304", "NOT_FOUND", 404, "There's no custom order item.", "커스텀 주문 항목을 찾을 수 없습니다.";
    NoDailyOrderItem => "NO_DAILY_ORDER_ITEM", "E305", "NOT_FOUND", 404, "There's no daily order item.", "일별 주문 항목을 찾을 수 없습니다.";
    NoOrderSheetReceipt => "NO_ORDER_SHEET_RECEIPT", "E306", "NOT_FOUND", 404, "There's no order sheet receipt.", "주문서 영수증을 찾을 수 없습니다.";
    NoAuctionResult => "NO_AUCTION_RESULT", "E401", "NOT_FOUND", 404, "There's no auction result.", "경매 결과를 찾을 수 없습니다.";
    ReceiptServiceUnavailable => "RECEIPT_SERVICE_UNAVAILABLE", "E501", "INTERNAL", 503, "The receipt service is unavailable. Please try again.", "영수증 서비스를 사용할 수 없습니다. 잠시 후 다시 시도해주세요.";
    MessagingUnavailable => "MESSAGING_UNAVAILABLE", "E502", "INTERNAL", 503, "The messaging service is unavailable. Please try again.", "메시지 서비스를 사용할 수 없습니다. 잠시 후 다시 시도해주세요.";
    StorageUnavailable => "STORAGE_UNAVAILABLE", "E503", "INTERNAL", 503, "Receipt storage is unavailable. Please try again.", "영수증 저장소를 사용할 수 없습니다. 잠시 후 다시 시도해주세요.";
    Internal => "INTERNAL", "E901", "INTERNAL", 500, "Internal error.", "내부 오류가 발생했습니다.";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A business rule said no. Each layer maps it to its wire format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
}

impl DomainError {
    pub fn new(code: ErrorCode) -> Self {
        DomainError {
            code,
            message: code.default_message().to_owned(),
        }
    }

    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        DomainError {
            code,
            message: message.into(),
        }
    }
}

impl From<ErrorCode> for DomainError {
    fn from(code: ErrorCode) -> Self {
        DomainError::new(code)
    }
}

/// Why a value object refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("invalid mobile phone number")]
    InvalidPhone,
    #[error("invalid business registration number")]
    InvalidBusinessNo,
    #[error("amount must not be negative")]
    NegativeAmount,
    #[error("amount is too large")]
    Overflow,
    #[error("{field} must not be blank")]
    Blank { field: &'static str },
    #[error("{field} must be at most {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} must be an http(s) URL")]
    InvalidUrl { field: &'static str },
    #[error(
        "Invalid format of password. Password must be at least 8 letters including english, number, special characters with no whitespaces."
    )]
    WeakPassword,
}

impl From<ValueError> for DomainError {
    fn from(e: ValueError) -> Self {
        let code = match e {
            ValueError::InvalidPhone
            | ValueError::InvalidBusinessNo
            | ValueError::InvalidUrl { .. }
            | ValueError::WeakPassword => ErrorCode::InvalidFormat,
            _ => ErrorCode::InvalidData,
        };
        DomainError::with_message(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_numbers_are_unique() {
        let names: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
        let numbers: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.error_code()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        assert_eq!(numbers.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn original_codes_keep_their_numbers_and_types() {
        assert_eq!(ErrorCode::NoOrderSheet.error_code(), "E204");
        assert_eq!(ErrorCode::NoOrderSheet.error_type(), "NOT_FOUND");
        assert_eq!(ErrorCode::PhoneNoDuplicated.error_type(), "INTERNAL");
        assert_eq!(ErrorCode::NoOrderSheetReceipt.error_code(), "E306");
        assert_eq!(ErrorCode::TokenNeeded.error_type(), "UNAUTHENTICATED");
    }

    #[test]
    fn value_errors_become_format_or_data_errors() {
        assert_eq!(
            DomainError::from(ValueError::InvalidPhone).code,
            ErrorCode::InvalidFormat
        );
        assert_eq!(
            DomainError::from(ValueError::Blank { field: "name" }).code,
            ErrorCode::InvalidData
        );
        assert_eq!(
            DomainError::new(ErrorCode::NoUser).to_string(),
            "There's no user."
        );
    }
}
