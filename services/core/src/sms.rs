//! The original's public SMS mutations, closed as an open relay: free text
//! (`sendDefaultSms`) is for operators only; `sendVerificationSms` accepts only
//! a short numeric code for a valid mobile number, and the messaging service
//! rate-limits it per recipient.

use crate::app::{Error, Result, Viewer};
use domain::{ErrorCode, PhoneNumber, Role};
use platform::api::messaging::{MessagingClient, SendSms};
use platform::service_client::CallError;

fn from_call(e: CallError) -> Error {
    match e {
        CallError::Rejected { status: 429, .. } => Error::new(ErrorCode::TooManyAttempts),
        CallError::Rejected {
            status,
            code,
            message,
            ..
        } if status < 500 => Error::with_message(
            ErrorCode::from_name(&code).unwrap_or(ErrorCode::InvalidData),
            message,
        ),
        other => {
            tracing::warn!(error = %other, "messaging call failed");
            Error::new(ErrorCode::SmsNotReached)
        }
    }
}

async fn send(
    messaging: &MessagingClient,
    to: &str,
    template: &str,
    args: Vec<String>,
) -> Result<()> {
    let to = PhoneNumber::parse(to)?;
    let request = SendSms {
        to: to.as_str().to_owned(),
        template: template.to_owned(),
        args,
    };
    let key = uuid::Uuid::new_v4().to_string();
    let log = messaging.send(&request, &key).await.map_err(from_call)?;
    if log.succeeded() {
        Ok(())
    } else {
        Err(Error::with_message(
            ErrorCode::SmsNotReached,
            format!("Error occurred while sending '{template}' type of SMS."),
        ))
    }
}

/// Operators only: free text to any number.
pub async fn send_default(
    messaging: &MessagingClient,
    viewer: Viewer,
    to: &str,
    message: &str,
) -> Result<()> {
    viewer.require_role(&[Role::Admin])?;
    if message.trim().is_empty() {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "message must not be empty.",
        ));
    }
    send(messaging, to, "Default", vec![message.to_owned()]).await
}

pub async fn send_verification(messaging: &MessagingClient, to: &str, code: &str) -> Result<()> {
    let is_code = (4..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit());
    if !is_code {
        return Err(Error::with_message(
            ErrorCode::InvalidFormat,
            "code must be 4 to 8 digits.",
        ));
    }
    send(messaging, to, "Verification", vec![code.to_owned()]).await
}
