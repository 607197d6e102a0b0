//! Statements beyond one sheet (`account_statements`): a florist's day with
//! one wholesaler (DAILY, which bills the day's sheets) and a statement of
//! account between two dates (PERIOD, which bills nothing).
//!
//! Same rules as a sheet's statement: the wholesaler's owner, its employees
//! or core issue; the parties, operators and core read; a stranger learns
//! nothing. The id is taken first (the object key holds it), the PDF is
//! uploaded, and only then is the row inserted; a failed insert removes the
//! object. A retry with the same `Idempotency-Key` answers the first
//! document.

mod daily;
pub mod period;

use crate::access::{Relation, relation};
use crate::error::ReceiptError;
use crate::issue::Stored;
use crate::state::AppState;
use chrono::NaiveDate;
use db::account_statements::{self, AccountStatementRow, NewAccountStatement};
use diesel_async::AsyncPgConnection;
use domain::{DomainError, ErrorCode, Role};
use platform::api::receipt::{AccountStatementKind, IssueAccountStatement};
use platform::caller::Caller;

/// Longest period one statement of account covers (a leap year).
pub const MAX_PERIOD_DAYS: i64 = 366;

pub struct IssueCommand {
    pub caller: Caller,
    pub request: IssueAccountStatement,
    pub idempotency_key: Option<String>,
}

pub enum Issued {
    Created(AccountStatementRow),
    /// A retried request with the same idempotency key.
    Repeated(AccountStatementRow),
}

/// What is being issued, once the request has been checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Day(NaiveDate),
    Period { from: NaiveDate, to: NaiveDate },
}

impl Span {
    /// The dates the kind needs, present and sensible; nothing is read
    /// before this holds.
    pub fn of(request: &IssueAccountStatement) -> Result<Span, DomainError> {
        let invalid = |m: &str| DomainError::with_message(ErrorCode::InvalidData, m.to_owned());
        match request.kind {
            AccountStatementKind::Daily => request
                .day
                .map(Span::Day)
                .ok_or_else(|| invalid("day is required for a DAILY statement")),
            AccountStatementKind::Period => {
                let (Some(from), Some(to)) = (request.from, request.to) else {
                    return Err(invalid("from and to are required for a PERIOD statement"));
                };
                if from > to {
                    return Err(invalid("from must not be after to"));
                }
                if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
                    return Err(DomainError::with_message(
                        ErrorCode::InvalidData,
                        format!("a statement of account covers at most {MAX_PERIOD_DAYS} days"),
                    ));
                }
                Ok(Span::Period { from, to })
            }
        }
    }
}

/// The checked request: whose document, for whom, under which key.
pub struct Issue {
    pub wholesaler_id: i64,
    pub retailer_id: i64,
    pub issued_by: Option<i64>,
    pub idempotency_key: Option<String>,
}

impl Issue {
    /// The row for a stored document; the figures are the ones printed.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &self,
        state: &AppState,
        id: i64,
        kind: AccountStatementKind,
        (from, to): (NaiveDate, NaiveDate),
        stored: Stored,
        [opening, charges, payments, closing]: [i64; 4],
    ) -> NewAccountStatement {
        NewAccountStatement {
            id,
            kind: kind.as_str().to_owned(),
            wholesaler_id: self.wholesaler_id,
            retailer_id: self.retailer_id,
            period_from: from,
            period_to: to,
            file_name: stored.file_name,
            file_path: format!("{}/v1/account-statements/{id}/file", state.public_base_url),
            storage_key: stored.key,
            metadata: stored.metadata,
            byte_size: Some(stored.byte_size),
            opening_balance: opening,
            charges,
            payments,
            closing_balance: closing,
            idempotency_key: self.idempotency_key.clone(),
            issued_by: self.issued_by,
        }
    }

    /// Where the document's object goes: `account-statements/<pair>/<id>`.
    fn key_stem(&self, id: i64) -> String {
        format!(
            "account-statements/{}-{}/{id}",
            self.wholesaler_id, self.retailer_id
        )
    }
}

pub async fn issue(state: &AppState, cmd: IssueCommand) -> Result<Issued, ReceiptError> {
    let span = Span::of(&cmd.request)?;
    let mut conn = state.pool.get().await.map_err(db::DbError::from)?;
    let wholesaler_id = match (cmd.caller, cmd.request.wholesaler_id) {
        (_, Some(id)) => id,
        (Caller::Service, None) => {
            return Err(DomainError::with_message(
                ErrorCode::InvalidData,
                "wholesalerId is required for service callers",
            )
            .into());
        }
        // A wholesaler's account issues for its own company; nobody else
        // has one to default to.
        (Caller::User(user), None) => {
            if !matches!(user.role, Role::WholesalerEmpr | Role::WholesalerEmpe) {
                return Err(ReceiptError::code(ErrorCode::PermissionDenied));
            }
            let id = user.user_id.get();
            db::connections::employer_of(&mut conn, id)
                .await?
                .unwrap_or(id)
        }
    };
    let retailer_id = cmd.request.retailer_id;
    let issued_by = match relation(&mut conn, &cmd.caller, retailer_id, wholesaler_id).await? {
        Relation::Service => cmd.request.issued_by,
        Relation::Wholesaler => cmd.caller.user().map(|u| u.user_id.get()),
        // The florist and operators read these documents; only the
        // wholesaler bills.
        Relation::Retailer | Relation::Admin | Relation::Stranger => {
            return Err(ReceiptError::code(ErrorCode::PermissionDenied));
        }
    };
    if let Some(key) = &cmd.idempotency_key
        && let Some(existing) =
            account_statements::by_idempotency_key(&mut conn, wholesaler_id, key).await?
    {
        return Ok(Issued::Repeated(existing));
    }
    if let (Caller::Service, Some(user)) = (cmd.caller, issued_by)
        && db::users::live_users_by_ids(&mut conn, &[user])
            .await?
            .is_empty()
    {
        return Err(DomainError::with_message(
            ErrorCode::InvalidData,
            format!("issuedBy names no user: {user}"),
        )
        .into());
    }
    let issue = Issue {
        wholesaler_id,
        retailer_id,
        issued_by,
        idempotency_key: cmd.idempotency_key,
    };
    let created = match span {
        Span::Day(day) => daily::issue(state, conn, &issue, day).await,
        Span::Period { from, to } => period::issue(state, conn, &issue, from, to).await,
    };
    match created {
        Ok(row) => Ok(Issued::Created(row)),
        Err(e) => repeated_or(state, &issue, e).await,
    }
}

/// Two retries with one key raced: the other one's document is the answer.
async fn repeated_or(
    state: &AppState,
    issue: &Issue,
    e: ReceiptError,
) -> Result<Issued, ReceiptError> {
    let lost_race = matches!(&e, ReceiptError::Db(d) if d.is_unique_violation());
    if lost_race && let Some(key) = &issue.idempotency_key {
        let mut conn = state.pool.get().await.map_err(db::DbError::from)?;
        if let Some(existing) =
            account_statements::by_idempotency_key(&mut conn, issue.wholesaler_id, key).await?
        {
            return Ok(Issued::Repeated(existing));
        }
    }
    Err(e)
}

/// Whether the pair trades: a connection (whatever its state), a ledger, or
/// an order sheet.
/// A wholesaler cannot print a stranger's business details by naming them.
async fn pair_trades(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    retailer_id: i64,
) -> Result<bool, ReceiptError> {
    if db::ledger::account(conn, wholesaler_id, retailer_id)
        .await?
        .is_some()
    {
        return Ok(true);
    }
    if db::account_statements::has_sheets(conn, wholesaler_id, retailer_id).await? {
        return Ok(true);
    }
    Ok(
        db::connections::live_between(conn, retailer_id, wholesaler_id)
            .await?
            .iter()
            .any(|c| c.retailer_id == retailer_id && c.wholesaler_id == wholesaler_id),
    )
}

/// Adds the document's own facts to the statement metadata.
fn with_fields(metadata: &str, fields: serde_json::Value) -> String {
    let mut value: serde_json::Value =
        serde_json::from_str(metadata).unwrap_or_else(|_| serde_json::json!({}));
    if let (Some(map), serde_json::Value::Object(extra)) = (value.as_object_mut(), fields) {
        map.extend(extra);
    }
    value.to_string()
}
