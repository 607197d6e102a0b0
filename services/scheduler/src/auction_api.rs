//! The aT open API client (`returnData.api?kind=f001`): one day of one
//! category, paged until a short page, with a timeout per call and bounded
//! retries with exponential back-off on network errors and HTTP 5xx.
//!
//! The service key travels in the query string, so nothing here ever formats
//! a URL or a reqwest error with its URL into a message; every message that
//! leaves this module is also scrubbed of the key as a second line of defence.

use crate::config::{AuctionApiConfig, Secret};
use crate::feed::Category;
use chrono::NaiveDate;
use serde_json::Value;
use std::time::Duration;

#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("AUCTION_API_KEY is not configured")]
    NotConfigured,
    #[error("the auction API could not be reached after {attempts} attempt(s): {detail}")]
    Unavailable { attempts: u32, detail: String },
    #[error("the auction API answered HTTP {status}")]
    Status { status: u16 },
    #[error("the auction API refused the request: resultCd {code} ({message})")]
    Rejected { code: String, message: String },
    #[error("the auction API's daily call quota is exhausted: resultCd 4 ({message})")]
    QuotaExhausted { message: String },
    #[error("the auction API answered malformed data: {0}")]
    Malformed(String),
    #[error("the auction API kept answering full pages after {0} pages")]
    TooManyPages(u32),
}

/// Every item of one day and category, as sent (validation is the caller's).
#[derive(Debug, Clone, Default)]
pub struct FetchedDay {
    pub pages: u32,
    /// Items per page, in order (page numbers start at 1).
    pub pages_items: Vec<Vec<Value>>,
}

impl FetchedDay {
    pub fn rows(&self) -> usize {
        self.pages_items.iter().map(Vec::len).sum()
    }
}

#[derive(Clone)]
pub struct AuctionApi {
    http: reqwest::Client,
    base_url: reqwest::Url,
    config: AuctionApiConfig,
}

/// Why one attempt failed, and whether another may help.
enum Attempt {
    Retry(String),
    Fail(FetchError),
}

impl AuctionApi {
    pub fn new(config: AuctionApiConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| format!("HTTP client: {}", e.without_url()))?;
        let base_url = reqwest::Url::parse(&config.url)
            .map_err(|e| format!("AUCTION_API_URL is not a URL: {e}"))?;
        Ok(AuctionApi {
            http,
            base_url,
            config,
        })
    }

    pub fn is_configured(&self) -> bool {
        self.config.key.is_some()
    }

    /// Fetches every page of `date` in `category`.
    pub async fn fetch_day(
        &self,
        date: NaiveDate,
        category: Category,
    ) -> Result<FetchedDay, FetchError> {
        let key = self.config.key.as_ref().ok_or(FetchError::NotConfigured)?;
        let page_size = usize::try_from(self.config.page_size).unwrap_or(usize::MAX);
        let mut day = FetchedDay::default();
        for page in 1..=self.config.max_pages {
            let items = self
                .fetch_page(key, date, category, page)
                .await
                .map_err(|e| scrub_error(e, key))?;
            let short = items.len() < page_size;
            day.pages = page;
            day.pages_items.push(items);
            if short {
                return Ok(day);
            }
        }
        Err(FetchError::TooManyPages(self.config.max_pages))
    }

    async fn fetch_page(
        &self,
        key: &Secret,
        date: NaiveDate,
        category: Category,
        page: u32,
    ) -> Result<Vec<Value>, FetchError> {
        let attempts = self.config.retries.saturating_add(1);
        let mut delay = self.config.retry_delay;
        for attempt in 1..=attempts {
            match self.attempt(key, date, category, page).await {
                Ok(items) => return Ok(items),
                Err(Attempt::Fail(e)) => return Err(e),
                Err(Attempt::Retry(detail)) if attempt == attempts => {
                    return Err(FetchError::Unavailable { attempts, detail });
                }
                Err(Attempt::Retry(detail)) => {
                    tracing::warn!(
                        %date, category = category.code(), page, attempt, %detail,
                        "auction API call failed, retrying"
                    );
                    tokio::time::sleep(delay).await;
                    delay = delay.saturating_mul(2);
                }
            }
        }
        // attempts ≥ 1, so the loop always returns; this keeps the types honest.
        Err(FetchError::Unavailable {
            attempts,
            detail: "no attempt made".to_owned(),
        })
    }

    async fn attempt(
        &self,
        key: &Secret,
        date: NaiveDate,
        category: Category,
        page: u32,
    ) -> Result<Vec<Value>, Attempt> {
        // Parameters in the order of the aT documentation.
        let mut url = self.base_url.clone();
        url.query_pairs_mut()
            .append_pair("kind", "f001")
            .append_pair("serviceKey", key.expose())
            .append_pair("baseDate", &date.format("%Y-%m-%d").to_string())
            .append_pair("flowerGubn", &category.code().to_string())
            .append_pair("dataType", "json")
            .append_pair("countPerPage", &self.config.page_size.to_string())
            .append_pair("currentPage", &page.to_string());
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| Attempt::Retry(describe(&e)))?;
        let status = response.status();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(Attempt::Retry(format!("HTTP {}", status.as_u16())));
        }
        if !status.is_success() {
            return Err(Attempt::Fail(FetchError::Status {
                status: status.as_u16(),
            }));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| Attempt::Retry(describe(&e)))?;
        read_page(&body).map_err(Attempt::Fail)
    }
}

/// Reads one response body: `{"response": {"resultCd", "resultMsg", "items"}}`.
pub fn read_page(body: &[u8]) -> Result<Vec<Value>, FetchError> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| FetchError::Malformed(format!("not JSON ({e})")))?;
    let response = json
        .get("response")
        .and_then(Value::as_object)
        .ok_or_else(|| FetchError::Malformed("no `response` object".to_owned()))?;
    let code = match response.get("resultCd") {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(FetchError::Malformed("no `resultCd`".to_owned())),
    };
    let message = response
        .get("resultMsg")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect::<String>();
    match code.as_str() {
        "0" => {}
        "4" => return Err(FetchError::QuotaExhausted { message }),
        _ => return Err(FetchError::Rejected { code, message }),
    }
    match response.get("items") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items.clone()),
        Some(_) => Err(FetchError::Malformed("`items` is not a list".to_owned())),
    }
}

/// A reqwest failure in words, without its URL (which holds the key).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "connection failed".to_owned()
    } else if e.is_body() || e.is_decode() {
        "the response body could not be read".to_owned()
    } else {
        "the request failed".to_owned()
    }
}

fn scrub(text: &str, key: &Secret) -> String {
    if key.expose().is_empty() {
        text.to_owned()
    } else {
        text.replace(key.expose(), "***")
    }
}

fn scrub_error(e: FetchError, key: &Secret) -> FetchError {
    match e {
        FetchError::Unavailable { attempts, detail } => FetchError::Unavailable {
            attempts,
            detail: scrub(&detail, key),
        },
        FetchError::Rejected { code, message } => FetchError::Rejected {
            code: scrub(&code, key),
            message: scrub(&message, key),
        },
        FetchError::QuotaExhausted { message } => FetchError::QuotaExhausted {
            message: scrub(&message, key),
        },
        FetchError::Malformed(m) => FetchError::Malformed(scrub(&m, key)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn result_codes_are_told_apart() {
        let page = |code: &str| {
            read_page(
                format!(r#"{{"response":{{"resultCd":"{code}","resultMsg":"m","items":[]}}}}"#)
                    .as_bytes(),
            )
        };
        assert!(page("0").unwrap().is_empty());
        assert!(matches!(page("4"), Err(FetchError::QuotaExhausted { .. })));
        for code in ["1", "2", "3", "5", "99"] {
            assert!(
                matches!(page(code), Err(FetchError::Rejected { code: c, .. }) if c == code),
                "{code}"
            );
        }
    }

    #[test]
    fn malformed_bodies_are_errors_not_empty_days() {
        for body in [
            "<html>maintenance</html>",
            "{}",
            r#"{"response":{"resultMsg":"OK"}}"#,
            r#"{"response":{"resultCd":"0","items":{"a":1}}}"#,
        ] {
            assert!(
                matches!(read_page(body.as_bytes()), Err(FetchError::Malformed(_))),
                "{body}"
            );
        }
        let no_items = br#"{"response":{"resultCd":0,"resultMsg":"OK","numOfRows":"0"}}"#;
        assert!(read_page(no_items).unwrap().is_empty());
    }

    #[test]
    fn the_key_is_scrubbed_from_messages() {
        let key = Secret::new("SECRETKEY123");
        let e = scrub_error(
            FetchError::Rejected {
                code: "1".to_owned(),
                message: "bad key SECRETKEY123".to_owned(),
            },
            &key,
        );
        assert!(!e.to_string().contains("SECRETKEY123"), "{e}");
    }
}
