//! Free text a user attaches to a record (a memo, a reason, an answer):
//! trimmed, blank means none, at most [`MAX_CHARS`] characters and no control
//! characters (a memo ends up in SMS, PDFs and CSV cells).

use crate::app::{Error, Result};
use domain::ErrorCode;

pub const MAX_CHARS: usize = 200;

pub fn optional(text: Option<String>, field: &str) -> Result<Option<String>> {
    let Some(text) = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_CHARS || text.chars().any(char::is_control) {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("{field}: at most {MAX_CHARS} characters, no control characters"),
        ));
    }
    Ok(Some(text))
}

pub fn required(text: String, field: &str) -> Result<String> {
    optional(Some(text), field)?
        .ok_or_else(|| Error::with_message(ErrorCode::InvalidData, format!("{field} is required")))
}
