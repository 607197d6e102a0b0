//! The audit timeline's types: one recorded change (`AuditEvent`) and a page
//! of a wholesaler's timeline. A sheet's history is `OrderSheet.history`
//! (in `order`), read through a per-request loader.

pub mod queries;

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::gql_id;
use crate::graphql::scalars::LocalDate;
use db::audit::{Action, EventRow, Subject};
use juniper::{GraphQLEnum, graphql_object};

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum AuditSubject {
    #[graphql(name = "ORDER_SHEET")]
    OrderSheet,
    #[graphql(name = "ORDER_ITEM")]
    OrderItem,
    #[graphql(name = "CUSTOM_ORDER_ITEM")]
    CustomOrderItem,
    /// A statement (거래명세서) of the sheet.
    #[graphql(name = "RECEIPT")]
    Receipt,
    /// A trading-partner link.
    #[graphql(name = "BIZ_CONNECTION")]
    BizConnection,
    /// A florist's request to change a sheet after its cut-off.
    #[graphql(name = "CHANGE_REQUEST")]
    ChangeRequest,
}

impl From<Subject> for AuditSubject {
    fn from(s: Subject) -> Self {
        match s {
            Subject::OrderSheet => AuditSubject::OrderSheet,
            Subject::OrderItem => AuditSubject::OrderItem,
            Subject::CustomOrderItem => AuditSubject::CustomOrderItem,
            Subject::Receipt => AuditSubject::Receipt,
            Subject::BizConnection => AuditSubject::BizConnection,
            Subject::ChangeRequest => AuditSubject::ChangeRequest,
        }
    }
}

/// How it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum AuditAction {
    /// Ordered from a cart (by the florist, or by the nightly batch).
    #[graphql(name = "PLACED")]
    Placed,
    #[graphql(name = "DELETED")]
    Deleted,
    /// A line's unit price set or changed (one by one or in bulk).
    #[graphql(name = "PRICED")]
    Priced,
    #[graphql(name = "ADDED")]
    Added,
    #[graphql(name = "UPDATED")]
    Updated,
    #[graphql(name = "ISSUED")]
    Issued,
    #[graphql(name = "APPLIED")]
    Applied,
    #[graphql(name = "CONFIRMED")]
    Confirmed,
    #[graphql(name = "REJECTED")]
    Rejected,
    /// Removed with one of its accounts.
    #[graphql(name = "REMOVED")]
    Removed,
    /// Cancelled by its florist before the cut-off.
    #[graphql(name = "CANCELLED")]
    Cancelled,
    /// A change request filed.
    #[graphql(name = "REQUESTED")]
    Requested,
    /// A change request accepted and applied.
    #[graphql(name = "ACCEPTED")]
    Accepted,
    #[graphql(name = "DECLINED")]
    Declined,
}

impl From<Action> for AuditAction {
    fn from(a: Action) -> Self {
        match a {
            Action::Placed => AuditAction::Placed,
            Action::Deleted => AuditAction::Deleted,
            Action::Priced => AuditAction::Priced,
            Action::Added => AuditAction::Added,
            Action::Updated => AuditAction::Updated,
            Action::Issued => AuditAction::Issued,
            Action::Applied => AuditAction::Applied,
            Action::Confirmed => AuditAction::Confirmed,
            Action::Rejected => AuditAction::Rejected,
            Action::Removed => AuditAction::Removed,
            Action::Cancelled => AuditAction::Cancelled,
            Action::Requested => AuditAction::Requested,
            Action::Accepted => AuditAction::Accepted,
            Action::Declined => AuditAction::Declined,
        }
    }
}

/// One recorded change.
#[derive(Debug, Clone)]
pub struct AuditEvent(pub EventRow);

#[graphql_object(context = Context)]
impl AuditEvent {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    fn subject(&self) -> GqlResult<AuditSubject> {
        Subject::parse(&self.0.subject)
            .map(AuditSubject::from)
            .ok_or_else(|| GqlError::internal("audit event", "unknown subject"))
    }

    /// The id of the sheet, line, custom line, statement or link.
    fn subject_id(&self) -> i32 {
        gql_id(self.0.subject_id)
    }

    fn action(&self) -> GqlResult<AuditAction> {
        Action::parse(&self.0.action)
            .map(AuditAction::from)
            .ok_or_else(|| GqlError::internal("audit event", "unknown action"))
    }

    fn order_sheet_id(&self) -> Option<i32> {
        self.0.order_sheet_id.map(gql_id)
    }

    fn wholesaler_id(&self) -> i32 {
        gql_id(self.0.wholesaler_id)
    }

    fn retailer_id(&self) -> i32 {
        gql_id(self.0.retailer_id)
    }

    /// Who made the change; null: the system (the nightly batch, a service).
    fn actor_id(&self) -> Option<i32> {
        self.0.actor_id.map(gql_id)
    }

    /// The actor's name (null for the system, or an account since removed).
    async fn actor_name(&self, ctx: &Context) -> GqlResult<Option<String>> {
        let Some(actor) = self.0.actor_id else {
            return Ok(None);
        };
        let user = ctx
            .loaders
            .users
            .load(actor)
            .await
            .map_err(GqlError::from)?;
        Ok(user.map(|u| u.name))
    }

    /// The changed fields as they were, as a JSON object (null: created).
    fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }

    /// The changed fields as they are, as a JSON object (null: removed).
    fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.created_at)
    }
}

/// A page of a wholesaler's timeline.
pub struct AuditTimelineOutput {
    pub total_count: i32,
    pub items: Vec<AuditEvent>,
}

#[graphql_object(context = Context)]
impl AuditTimelineOutput {
    /// Events in the period (and of the florist, when one was named).
    fn total_count(&self) -> i32 {
        self.total_count
    }

    fn items(&self) -> &[AuditEvent] {
        &self.items
    }
}
