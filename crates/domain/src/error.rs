//! The domain's two error types: [`DomainError`], a business rule saying no
//! with a catalogue code (see [`catalogue`] for the codes and their
//! numbering), and [`ValueError`], a value object refusing its input.

pub mod catalogue;

pub use catalogue::ErrorCode;

/// A business rule said no. The code decides how each layer renders it;
/// the message is what the client sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
}

impl DomainError {
    /// The code with its default message.
    pub fn new(code: ErrorCode) -> Self {
        DomainError {
            code,
            message: code.default_message().to_owned(),
        }
    }

    /// The code with a call-site message (e.g. the V1 text naming an id).
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

/// Why a value object refused its input. Messages are safe to show to the
/// client and never repeat a phone number or a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("Invalid phone number. Please enter a mobile number such as 010-1234-5678.")]
    InvalidPhone,
    #[error("Invalid business registration number.")]
    InvalidBusinessNo,
    #[error("An amount must not be negative.")]
    NegativeAmount,
    #[error("The amount is too large.")]
    Overflow,
    #[error("{field} must not be blank.")]
    Blank { field: &'static str },
    #[error("{field} must be at most {max} characters.")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} must be an http(s) URL with a host.")]
    InvalidUrl { field: &'static str },
    /// The V1 message of `updatePassword`, word for word.
    #[error(
        "Invalid format of password. Password must be at least 8 letters including english, number, special characters with no whitespaces."
    )]
    WeakPassword,
    #[error("Invalid date `{0}`.")]
    InvalidDate(String),
    #[error("Unknown role `{0}`.")]
    UnknownRole(String),
    #[error("Unknown apply status `{0}`.")]
    UnknownApplyStatus(String),
    #[error("Unknown flower grade `{0}`.")]
    UnknownGrade(String),
}

impl From<ValueError> for DomainError {
    /// Wrong shape → `INVALID_FORMAT` (as V1 did for passwords and URLs);
    /// right shape, unacceptable value → `INVALID_DATA`; an unknown role has
    /// its own catalogue entry, `INVALID_ROLE`.
    fn from(e: ValueError) -> Self {
        let code = match e {
            ValueError::InvalidPhone
            | ValueError::InvalidBusinessNo
            | ValueError::InvalidUrl { .. }
            | ValueError::WeakPassword
            | ValueError::InvalidDate(_) => ErrorCode::InvalidFormat,
            ValueError::NegativeAmount
            | ValueError::Overflow
            | ValueError::Blank { .. }
            | ValueError::TooLong { .. }
            | ValueError::UnknownApplyStatus(_)
            | ValueError::UnknownGrade(_) => ErrorCode::InvalidData,
            ValueError::UnknownRole(_) => ErrorCode::InvalidRole,
        };
        DomainError::with_message(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn domain_errors_display_their_message() {
        let default = DomainError::new(ErrorCode::NoOrderSheet);
        assert_eq!(default.to_string(), "There's no order sheet data.");
        let specific = DomainError::with_message(
            ErrorCode::NoOrderSheet,
            "There's no order sheet data whose id is 7",
        );
        assert_eq!(specific.code, ErrorCode::NoOrderSheet);
        assert_eq!(
            specific.to_string(),
            "There's no order sheet data whose id is 7"
        );
        assert_eq!(
            DomainError::from(ErrorCode::NoUser),
            DomainError::new(ErrorCode::NoUser)
        );
    }

    #[test]
    fn value_errors_become_format_data_or_role_errors() {
        let cases = [
            (ValueError::InvalidPhone, ErrorCode::InvalidFormat),
            (ValueError::InvalidBusinessNo, ErrorCode::InvalidFormat),
            (
                ValueError::InvalidUrl { field: "url" },
                ErrorCode::InvalidFormat,
            ),
            (ValueError::WeakPassword, ErrorCode::InvalidFormat),
            (
                ValueError::InvalidDate("x".into()),
                ErrorCode::InvalidFormat,
            ),
            (ValueError::NegativeAmount, ErrorCode::InvalidData),
            (ValueError::Overflow, ErrorCode::InvalidData),
            (ValueError::Blank { field: "name" }, ErrorCode::InvalidData),
            (
                ValueError::TooLong {
                    field: "memo",
                    max: 500,
                },
                ErrorCode::InvalidData,
            ),
            (
                ValueError::UnknownGrade("특".into()),
                ErrorCode::InvalidData,
            ),
            (
                ValueError::UnknownApplyStatus("X".into()),
                ErrorCode::InvalidData,
            ),
            (ValueError::UnknownRole("X".into()), ErrorCode::InvalidRole),
        ];
        for (value_error, code) in cases {
            let message = value_error.to_string();
            let domain = DomainError::from(value_error);
            assert_eq!(domain.code, code);
            assert_eq!(domain.message, message);
        }
        assert_eq!(
            DomainError::from(ValueError::TooLong {
                field: "memo",
                max: 500
            })
            .message,
            "memo must be at most 500 characters."
        );
    }
}
