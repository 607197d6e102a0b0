//! The receipt-issued SMS to the retailer, sent through the messaging
//! service when a user (not core) issued the statement: core sends its own
//! through its outbox. A failed SMS never fails the issue; it is logged
//! without the phone number or the text.

use platform::api::messaging::{MessagingClient, SendSms};
use platform::service_client::CallError;

pub const TEMPLATE: &str = "IssueOrderSheetReceipt";

pub struct Notice {
    pub phone: String,
    pub wholesaler_name: String,
    pub order_no: String,
    pub receipt_id: i64,
}

pub fn retail_sign_in_url(app_base_url: &str) -> String {
    format!(
        "{app_base_url}/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message"
    )
}

/// Sends in the background so the issuer does not wait on the SMS provider.
pub fn spawn(messaging: MessagingClient, app_base_url: &str, notice: Notice) {
    let request = SendSms {
        to: notice.phone,
        template: TEMPLATE.to_owned(),
        args: vec![
            notice.wholesaler_name,
            notice.order_no,
            retail_sign_in_url(app_base_url),
        ],
    };
    let receipt_id = notice.receipt_id;
    actix_web::rt::spawn(async move {
        let key = format!("receipt-issued-{receipt_id}");
        match messaging.send(&request, &key).await {
            Ok(log) => {
                tracing::info!(receipt_id, sms_log = log.id, status = %log.status, "receipt SMS requested")
            }
            Err(e) => {
                // Only the shape of the failure: a peer's message could echo the request.
                let (kind, status, code) = match &e {
                    CallError::Unavailable { .. } => ("unavailable", 0, ""),
                    CallError::Rejected { status, code, .. } => {
                        ("rejected", *status, code.as_str())
                    }
                    CallError::Protocol { .. } => ("protocol", 0, ""),
                };
                tracing::warn!(receipt_id, kind, status, code, "receipt SMS not sent");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sign_in_link_points_retailers_at_their_app() {
        assert_eq!(
            super::retail_sign_in_url("https://marketbill.co.kr"),
            "https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message"
        );
    }
}
