//! Naver Cloud SENS v2 (`POST /sms/v2/services/{serviceId}/messages`), signed
//! exactly as the original did it: Base64(HMAC-SHA256(secretKey,
//! "POST {path}\n{timestamp ms}\n{accessKey}")).
//!
//! Unlike the original, the HTTP status is checked (202 is the only success),
//! each request has a timeout, and timeouts, 5xx and 429 are retried a bounded
//! number of times with exponential backoff. Everything else (4xx) is final.

use super::{Delivery, Outgoing, SmsProvider};
use aws_lc_rs::hmac;
use base64::Engine;
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const DEFAULT_HOST: &str = "https://sens.apigw.ntruss.com";

/// Longest provider text kept in `err_logs`.
const MAX_DETAIL_CHARS: usize = 300;

#[derive(Clone)]
pub struct SensConfig {
    pub host: String,
    /// `ncp:sms:kr:<number>:<project>`, put into the path as is.
    pub service_id: String,
    pub access_key_id: String,
    pub secret_key: String,
    /// The pre-registered sender number.
    pub sender: String,
    pub timeout: Duration,
    pub max_attempts: u32,
    /// Delay before the first retry; doubled for each further one.
    pub retry_base_delay: Duration,
}

impl std::fmt::Debug for SensConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SensConfig")
            .field("host", &self.host)
            .field("service_id", &self.service_id)
            .field("access_key_id", &"<set>")
            .field("secret_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("retry_base_delay", &self.retry_base_delay)
            .finish_non_exhaustive()
    }
}

pub struct SensProvider {
    config: SensConfig,
    http: reqwest::Client,
}

/// The signature of the `x-ncp-apigw-signature-v2` header.
pub fn signature(
    secret_key: &str,
    method: &str,
    path: &str,
    timestamp_ms: &str,
    access_key: &str,
) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret_key.as_bytes());
    let message = format!("{method} {path}\n{timestamp_ms}\n{access_key}");
    let tag = hmac::sign(&key, message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// The request body; every key the original sent is present, unused ones null.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SendBody<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    content_type: Option<&'a str>,
    country_code: Option<&'a str>,
    from: &'a str,
    subject: Option<&'a str>,
    content: &'a str,
    messages: [MessageBody<'a>; 1],
    files: Option<()>,
    reserve_time: Option<&'a str>,
    reserve_time_zone: Option<&'a str>,
    schedule_code: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct MessageBody<'a> {
    to: &'a str,
    subject: Option<&'a str>,
    content: Option<&'a str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Accepted {
    request_id: Option<String>,
}

/// The error shapes SENS and the NCP API gateway answer with.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Rejection {
    error: Option<GatewayError>,
    status_code: Option<serde_json::Value>,
    status_name: Option<String>,
    error_message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GatewayError {
    error_code: Option<serde_json::Value>,
    message: Option<String>,
    details: Option<String>,
}

/// One request's result, before the retry decision.
enum Attempt {
    Accepted(Option<String>),
    Retryable { code: String, detail: String },
    Final { code: String, detail: String },
}

impl SensProvider {
    pub fn new(config: SensConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(3)))
            .build()?;
        Ok(SensProvider { config, http })
    }

    fn path(&self) -> String {
        format!("/sms/v2/services/{}/messages", self.config.service_id)
    }

    async fn attempt(&self, sms: Outgoing<'_>) -> Attempt {
        let path = self.path();
        let timestamp = chrono::Utc::now().timestamp_millis().to_string();
        let body = SendBody {
            kind: sms.message.message_type.as_str(),
            content_type: None,
            country_code: None,
            from: &self.config.sender,
            subject: None,
            content: &sms.message.text,
            messages: [MessageBody {
                to: sms.to.as_str(),
                subject: None,
                content: None,
            }],
            files: None,
            reserve_time: None,
            reserve_time_zone: None,
            schedule_code: None,
        };
        let signed = signature(
            &self.config.secret_key,
            "POST",
            &path,
            &timestamp,
            &self.config.access_key_id,
        );
        let sent = self
            .http
            .post(format!("{}{path}", self.config.host))
            .header("x-ncp-apigw-timestamp", &timestamp)
            .header("x-ncp-iam-access-key", &self.config.access_key_id)
            .header("x-ncp-apigw-signature-v2", signed)
            .json(&body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) if e.is_timeout() => {
                return Attempt::Retryable {
                    code: "TIMEOUT".into(),
                    detail: format!("no answer within {:?}", self.config.timeout),
                };
            }
            Err(e) => {
                return Attempt::Retryable {
                    code: "NETWORK".into(),
                    detail: e.without_url().to_string(),
                };
            }
        };
        let status = response.status().as_u16();
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.is_timeout() => {
                return Attempt::Retryable {
                    code: "TIMEOUT".into(),
                    detail: "the answer did not arrive in time".into(),
                };
            }
            Err(e) => {
                return Attempt::Retryable {
                    code: "NETWORK".into(),
                    detail: e.without_url().to_string(),
                };
            }
        };
        if status == 202 {
            // Accepted even if the body is unreadable: the message is on its way.
            let accepted: Accepted = serde_json::from_slice(&bytes).unwrap_or_default();
            return Attempt::Accepted(accepted.request_id);
        }
        let (code, detail) = describe_rejection(status, &bytes);
        if status >= 500 || status == 429 {
            Attempt::Retryable { code, detail }
        } else {
            Attempt::Final { code, detail }
        }
    }
}

/// `HTTP_<status>` plus the provider's own code when it gave one, and its message.
fn describe_rejection(status: u16, body: &[u8]) -> (String, String) {
    let parsed: Rejection = serde_json::from_slice(body).unwrap_or_default();
    let provider_code = parsed
        .error
        .as_ref()
        .and_then(|e| e.error_code.as_ref())
        .or(parsed.status_code.as_ref())
        .map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    let message = parsed
        .error
        .and_then(|e| e.details.or(e.message))
        .or(parsed.error_message)
        .or(parsed.status_name)
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    let mut code = format!("HTTP_{status}");
    if let Some(provider_code) = provider_code {
        code.push(':');
        code.push_str(&provider_code);
    }
    code.truncate(64);
    let detail = format!(
        "SENS answered {status}: {}",
        message.chars().take(MAX_DETAIL_CHARS).collect::<String>()
    );
    (code, detail)
}

impl SmsProvider for SensProvider {
    fn name(&self) -> &'static str {
        "sens"
    }

    fn send<'a>(&'a self, sms: Outgoing<'a>) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            let max_attempts = self.config.max_attempts.max(1);
            let mut delay = self.config.retry_base_delay;
            let mut attempt = 1;
            loop {
                let attempts = i32::try_from(attempt).unwrap_or(i32::MAX);
                match self.attempt(sms).await {
                    Attempt::Accepted(request_id) => {
                        return Delivery::accepted(attempts, request_id);
                    }
                    Attempt::Final { code, detail } => {
                        return Delivery::failed(attempts, code, detail);
                    }
                    Attempt::Retryable { code, detail } => {
                        if attempt >= max_attempts {
                            return Delivery::failed(attempts, code, detail);
                        }
                        tracing::warn!(
                            attempt,
                            error_code = %code,
                            "SENS send failed, retrying"
                        );
                    }
                }
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2);
                attempt += 1;
            }
        })
    }

    fn max_duration(&self) -> Duration {
        let attempts = self.config.max_attempts.max(1);
        // Each attempt can take a connect timeout plus a request timeout.
        let requests = self
            .config
            .timeout
            .saturating_mul(2)
            .saturating_mul(attempts);
        let backoff = self
            .config
            .retry_base_delay
            .saturating_mul((1u32 << attempts.min(16)).saturating_sub(1));
        requests + backoff
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn signature_matches_an_independently_computed_value() {
        // printf 'POST /sms/v2/services/ncp:sms:kr:260012345678:marketbill/messages\n1764057600000\nACCESSKEY123' \
        //   | openssl dgst -sha256 -hmac 'secret-key-abc' -binary | base64
        assert_eq!(
            signature(
                "secret-key-abc",
                "POST",
                "/sms/v2/services/ncp:sms:kr:260012345678:marketbill/messages",
                "1764057600000",
                "ACCESSKEY123",
            ),
            "Z8ZVOnLr1R8o5yeUyj2r4GUZVKUcp0mT0iRD9sIlppo="
        );
    }

    #[test]
    fn rejections_keep_the_provider_code_and_message() {
        let gateway = br#"{"error":{"errorCode":"200","message":"Authentication Failed","details":"Invalid authentication information."}}"#;
        let (code, detail) = describe_rejection(401, gateway);
        assert_eq!(code, "HTTP_401:200");
        assert!(detail.contains("Invalid authentication information."));
        let sens = br#"{"statusCode":"400","statusName":"fail"}"#;
        assert_eq!(describe_rejection(400, sens).0, "HTTP_400:400");
        let (code, detail) = describe_rejection(502, b"<html>bad gateway</html>");
        assert_eq!(code, "HTTP_502");
        assert!(detail.contains("bad gateway"));
    }

    #[test]
    fn debug_hides_the_keys() {
        let config = SensConfig {
            host: DEFAULT_HOST.into(),
            service_id: "ncp:sms:kr:1:x".into(),
            access_key_id: "AK-visible?".into(),
            secret_key: "very-secret".into(),
            sender: "0200000000".into(),
            timeout: Duration::from_secs(1),
            max_attempts: 3,
            retry_base_delay: Duration::from_millis(10),
        };
        let debug = format!("{config:?}");
        assert!(!debug.contains("very-secret") && !debug.contains("AK-visible"));
    }
}
