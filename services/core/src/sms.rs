//! The original's public SMS mutations, closed as an open relay: free text
//! (`sendDefaultSms`) is for operators only; `sendVerificationSms` accepts only
//! a short numeric code for a valid mobile number, and the messaging service
//! rate-limits it per recipient.

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use domain::{ErrorCode, PhoneNumber, Role};
use platform::api::messaging::SendSms;
use platform::service_client::CallError;

fn from_call(e: CallError) -> GqlError {
    match e {
        CallError::Rejected { status: 429, .. } => GqlError::code(ErrorCode::TooManyAttempts),
        CallError::Rejected {
            status,
            code,
            message,
            ..
        } if status < 500 => GqlError::message(
            ErrorCode::from_name(&code).unwrap_or(ErrorCode::InvalidData),
            message,
        ),
        other => {
            tracing::warn!(error = %other, "messaging call failed");
            GqlError::code(ErrorCode::SmsNotReached)
        }
    }
}

async fn send(ctx: &Context, to: &str, template: &str, args: Vec<String>) -> GqlResult<()> {
    let to = PhoneNumber::parse(to)?;
    let request = SendSms {
        to: to.as_str().to_owned(),
        template: template.to_owned(),
        args,
    };
    let key = uuid::Uuid::new_v4().to_string();
    let log = ctx
        .peers
        .messaging
        .send(&request, &key)
        .await
        .map_err(from_call)?;
    if log.succeeded() {
        Ok(())
    } else {
        Err(GqlError::message(
            ErrorCode::SmsNotReached,
            format!("Error occurred while sending '{template}' type of SMS."),
        ))
    }
}

pub async fn send_default(ctx: &Context, to: &str, message: &str) -> GqlResult<()> {
    ctx.require_role(&[Role::Admin])?;
    if message.trim().is_empty() {
        return Err(GqlError::message(
            ErrorCode::InvalidData,
            "message must not be empty.",
        ));
    }
    send(ctx, to, "Default", vec![message.to_owned()]).await
}

pub async fn send_verification(ctx: &Context, to: &str, code: &str) -> GqlResult<()> {
    let is_code = (4..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit());
    if !is_code {
        return Err(GqlError::message(
            ErrorCode::InvalidFormat,
            "code must be 4 to 8 digits.",
        ));
    }
    send(ctx, to, "Verification", vec![code.to_owned()]).await
}
