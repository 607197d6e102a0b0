//! The one send path every message takes (`/v1/sms` and verification codes):
//! write the log row first (PENDING, or FAILURE when the recipient is not on
//! the development allowlist), call the provider outside any transaction, then
//! record the real outcome on the row.
//!
//! Idempotency: the unique index on `idempotency_key` decides which of several
//! concurrent requests with the same key sends; the others never call the
//! provider, they wait for the winner's row to leave PENDING and return it.

use crate::config::Limits;
use crate::error::Error;
use crate::limits;
use crate::provider::{Delivery, Outgoing, SmsProvider};
use crate::template::{Rendered, Template};
use db::DbPool;
use db::messaging::{NewSmsLog, SmsLogRow, SmsOutcome};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{ErrorCode, PhoneNumber};
use std::sync::Arc;
use std::time::Duration;

pub const PENDING: &str = "PENDING";
pub const SUCCESS: &str = "SUCCESS";
pub const FAILURE: &str = "FAILURE";
/// `error_code` of a message withheld because of `SMS_RECIPIENT_ALLOWLIST`.
pub const NOT_ALLOWLISTED: &str = "NOT_ALLOWLISTED";

/// How often a duplicate request looks at the winner's row.
const WAIT_POLL: Duration = Duration::from_millis(25);

/// The shared state of the service's handlers.
pub struct Messenger {
    pub(crate) pool: DbPool,
    pub(crate) provider: Arc<dyn SmsProvider>,
    pub(crate) allowlist: Vec<PhoneNumber>,
    pub(crate) limits: Limits,
    pub(crate) code_key: aws_lc_rs::hmac::Key,
    pub(crate) trust_forwarded_for: bool,
}

pub struct SendRequest {
    pub to: PhoneNumber,
    pub message: Rendered,
    pub idempotency_key: Option<String>,
    /// `service` or `user:<id>` (never a token).
    pub requested_by: String,
}

/// How a send request ended.
#[derive(Debug)]
pub enum Sent {
    /// This request handled the message (sent, failed, or withheld).
    New(SmsLogRow),
    /// An earlier request with the same idempotency key handled it.
    Repeated(SmsLogRow),
}

pub(crate) enum Reserved {
    New(SmsLogRow),
    Existing(SmsLogRow),
}

impl Messenger {
    pub fn provider_name(&self) -> &'static str {
        self.provider.name()
    }

    pub async fn log(&self, id: i64) -> Result<Option<SmsLogRow>, Error> {
        let mut conn = self.pool.get().await.map_err(db::DbError::from)?;
        Ok(db::messaging::by_id(&mut conn, id).await?)
    }

    fn is_allowed(&self, to: &PhoneNumber) -> bool {
        self.allowlist.is_empty() || self.allowlist.contains(to)
    }

    /// Sends at most once per idempotency key and returns the log row.
    pub async fn send(&self, request: SendRequest) -> Result<Sent, Error> {
        let stored_text = stored_text(&request.message);
        let mut conn = self.pool.get().await.map_err(db::DbError::from)?;
        if let Some(key) = &request.idempotency_key
            && let Some(row) = db::messaging::by_idempotency_key(&mut conn, key).await?
        {
            drop(conn);
            return self.repeated(row, &request, &stored_text).await;
        }
        let now = chrono::Utc::now();
        let reserved = conn
            .transaction(async |conn| -> Result<Reserved, Error> {
                // The row first: a concurrent duplicate waits on its
                // idempotency key here and is answered with the winner's row,
                // without being counted against the recipient.
                let reserved = self.reserve(conn, &request, &stored_text).await?;
                if matches!(reserved, Reserved::New(_)) {
                    self.check_recipient_limit(conn, &request, now).await?;
                }
                Ok(reserved)
            })
            .await?;
        drop(conn);
        match reserved {
            Reserved::Existing(row) => self.repeated(row, &request, &stored_text).await,
            Reserved::New(row) if row.status == PENDING => {
                let row = self.deliver(row, &request.to, &request.message).await?;
                Ok(Sent::New(row))
            }
            Reserved::New(withheld) => {
                log_outcome(&withheld, &request.to);
                Ok(Sent::New(withheld))
            }
        }
    }

    /// Counts the send against its template's hourly limit for the
    /// recipient; refused, the caller's transaction rolls back its log row.
    async fn check_recipient_limit(
        &self,
        conn: &mut AsyncPgConnection,
        request: &SendRequest,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Error> {
        let template = request.message.template;
        limits::hit(
            conn,
            limits::template_scope(template),
            self.limits.per_recipient.of(template),
            request.to.as_str(),
            now,
            "Too many messages of this kind to this phone number. Please try again later.",
        )
        .await
    }

    /// Writes the log row: PENDING before the provider call, or the final
    /// FAILURE when the allowlist withholds the message.
    pub(crate) async fn reserve(
        &self,
        conn: &mut AsyncPgConnection,
        request: &SendRequest,
        stored_text: &str,
    ) -> Result<Reserved, Error> {
        let allowed = self.is_allowed(&request.to);
        let row = NewSmsLog {
            to: request.to.as_str(),
            message: stored_text,
            status: if allowed { PENDING } else { FAILURE },
            err_logs: if allowed {
                ""
            } else {
                "withheld: recipient is not in SMS_RECIPIENT_ALLOWLIST"
            },
            template: request.message.template.name(),
            msg_type: request.message.message_type.as_str(),
            provider: allowed.then(|| self.provider.name()),
            attempts: 0,
            error_code: (!allowed).then_some(NOT_ALLOWLISTED),
            idempotency_key: request.idempotency_key.as_deref(),
            requested_by: &request.requested_by,
        };
        match db::messaging::insert(conn, &row).await? {
            Some(row) => Ok(Reserved::New(row)),
            None => {
                // Lost the race on the idempotency key: the insert waited for
                // the winner's commit, so its row is visible now.
                let key = request.idempotency_key.as_deref().unwrap_or_default();
                let row = db::messaging::by_idempotency_key(conn, key)
                    .await?
                    .ok_or(diesel::result::Error::NotFound)?;
                Ok(Reserved::Existing(row))
            }
        }
    }

    /// Calls the provider and records what it said.
    pub(crate) async fn deliver(
        &self,
        row: SmsLogRow,
        to: &PhoneNumber,
        message: &Rendered,
    ) -> Result<SmsLogRow, Error> {
        let delivery: Delivery = self.provider.send(Outgoing { to, message }).await;
        let outcome = SmsOutcome {
            status: if delivery.accepted { SUCCESS } else { FAILURE },
            attempts: delivery.attempts,
            error_code: delivery.error_code.as_deref(),
            provider_request_id: delivery.provider_request_id.as_deref(),
            err_logs: &delivery.detail,
        };
        let mut conn = self.pool.get().await.map_err(db::DbError::from)?;
        let row = db::messaging::record_outcome(&mut conn, row.id, &outcome).await?;
        log_outcome(&row, to);
        Ok(row)
    }

    /// The answer to a repeated idempotency key: the first request's row,
    /// once it has an outcome (or as PENDING if the first request outlives
    /// the provider's worst case, e.g. because its process died mid-send).
    async fn repeated(
        &self,
        row: SmsLogRow,
        request: &SendRequest,
        stored_text: &str,
    ) -> Result<Sent, Error> {
        let same = row.to == request.to.as_str()
            && row.message == stored_text
            && row.template.as_deref() == Some(request.message.template.name());
        if !same {
            return Err(ErrorCode::IdempotencyKeyReused.into());
        }
        let deadline = tokio::time::Instant::now() + self.provider.max_duration() + WAIT_POLL * 4;
        let mut row = row;
        while row.status == PENDING && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(WAIT_POLL).await;
            let mut conn = self.pool.get().await.map_err(db::DbError::from)?;
            row = db::messaging::by_id(&mut conn, row.id)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
        }
        Ok(Sent::Repeated(row))
    }
}

/// The text as stored in `send_sms_logs.message`: the final text, except that
/// a verification code is masked (the codes themselves are kept only hashed).
pub fn stored_text(message: &Rendered) -> String {
    if message.template != Template::Verification {
        return message.text.clone();
    }
    match message.text.rsplit_once(" : ") {
        Some((head, code)) => format!("{head} : {}", "*".repeat(code.chars().count())),
        None => "*".repeat(message.text.chars().count()),
    }
}

/// One line per handled message; the recipient masked, never the text. And
/// its count by template and outcome (`sent`, `failed`, `withheld`).
fn log_outcome(row: &SmsLogRow, to: &PhoneNumber) {
    let outcome = match (row.status.as_str(), row.error_code.as_deref()) {
        (SUCCESS, _) => "sent",
        (_, Some(NOT_ALLOWLISTED)) => "withheld",
        _ => "failed",
    };
    platform::metrics::sms_send(row.template.as_deref().unwrap_or("unknown"), outcome);
    tracing::info!(
        sms_log_id = row.id,
        template = row.template.as_deref().unwrap_or_default(),
        msg_type = row.msg_type.as_deref().unwrap_or_default(),
        status = %row.status,
        attempts = row.attempts,
        error_code = row.error_code.as_deref().unwrap_or_default(),
        to = %to.masked(),
        "sms handled"
    );
}
