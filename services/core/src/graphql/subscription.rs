//! The `Subscription` root: the live order board (issue 19), served over
//! WebSocket only (`live::socket`). Events carry ids only: the client
//! re-queries what it shows, so what it sees is always authorized by the
//! queries themselves, and an event lost to a restart costs a re-query.

use crate::graphql::context::Context;
use crate::graphql::error::GqlError;
use crate::graphql::ids::gql_id;
use crate::graphql::scalars::LocalDate;
use crate::live::audience::Audience;
use crate::live::events::{FeedItem, OrderEvent as Event};
use db::order_events::OrderEventKind as Kind;
use domain::ErrorCode;
use futures_util::Stream;
use juniper::{GraphQLEnum, graphql_object, graphql_subscription};
use std::pin::Pin;
use tokio::sync::broadcast::error::RecvError;

pub struct Subscription;

type Events = Pin<Box<dyn Stream<Item = Result<OrderEvent, GqlError>> + Send>>;

#[graphql_subscription(context = Context)]
impl Subscription {
    /// The caller's company's order events, from now on (new). A wholesaler's
    /// owner and approved employees get every event of its sheets; a florist
    /// gets PRICED, CHANGE_REQUEST_ANSWERED and STATEMENT_ISSUED of its own
    /// sheets. RESYNC means events may have been missed: re-query. Over
    /// WebSocket (graphql-transport-ws) only; nothing is replayed.
    async fn order_events(ctx: &Context) -> Result<Events, GqlError> {
        let Some(live) = ctx.live.as_ref() else {
            return Err(GqlError::message(
                ErrorCode::InvalidData,
                "Subscriptions run over WebSocket (graphql-transport-ws) on /graphql.",
            ));
        };
        Ok(events(live.audience, live.feed.subscribe()))
    }
}

/// The receiver's items this audience may see; a lag becomes one RESYNC.
fn events(audience: Audience, receiver: tokio::sync::broadcast::Receiver<FeedItem>) -> Events {
    Box::pin(futures_util::stream::unfold(
        receiver,
        move |mut receiver| async move {
            loop {
                let item = match receiver.recv().await {
                    Ok(FeedItem::Event(event)) if audience.sees(&event) => OrderEvent::of(&event),
                    Ok(FeedItem::Event(_)) => continue,
                    Ok(FeedItem::Resync) | Err(RecvError::Lagged(_)) => OrderEvent::resync(),
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok(item), receiver));
            }
        },
    ))
}

/// What happened on the live order board (new).
#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum OrderEventKind {
    /// A florist's cart became an order sheet.
    #[graphql(name = "PLACED")]
    Placed,
    /// A sheet's lines changed (the florist's edit, an accepted change
    /// request, the wholesaler's own lines).
    #[graphql(name = "CHANGED")]
    Changed,
    #[graphql(name = "CANCELLED")]
    Cancelled,
    /// Prices were set on a sheet's lines.
    #[graphql(name = "PRICED")]
    Priced,
    /// A florist asked for a change after the cut-off.
    #[graphql(name = "CHANGE_REQUESTED")]
    ChangeRequested,
    /// The wholesaler accepted or declined a change request.
    #[graphql(name = "CHANGE_REQUEST_ANSWERED")]
    ChangeRequestAnswered,
    /// A transaction statement was issued for a sheet.
    #[graphql(name = "STATEMENT_ISSUED")]
    StatementIssued,
    /// Events may have been missed: re-query what is shown.
    #[graphql(name = "RESYNC")]
    Resync,
}

impl OrderEventKind {
    fn of(kind: Kind) -> Self {
        match kind {
            Kind::Placed => OrderEventKind::Placed,
            Kind::Changed => OrderEventKind::Changed,
            Kind::Cancelled => OrderEventKind::Cancelled,
            Kind::Priced => OrderEventKind::Priced,
            Kind::ChangeRequested => OrderEventKind::ChangeRequested,
            Kind::ChangeRequestAnswered => OrderEventKind::ChangeRequestAnswered,
            Kind::StatementIssued => OrderEventKind::StatementIssued,
        }
    }
}

/// One event: ids only (new). The ids are null on RESYNC.
pub struct OrderEvent {
    kind: OrderEventKind,
    event: Option<Event>,
    at: chrono::DateTime<chrono::Utc>,
}

impl OrderEvent {
    fn of(event: &Event) -> Self {
        OrderEvent {
            kind: OrderEventKind::of(event.kind),
            event: Some(event.clone()),
            at: event.at,
        }
    }

    fn resync() -> Self {
        OrderEvent {
            kind: OrderEventKind::Resync,
            event: None,
            at: chrono::Utc::now(),
        }
    }
}

#[graphql_object(context = Context)]
impl OrderEvent {
    fn kind(&self) -> OrderEventKind {
        self.kind
    }

    fn order_sheet_id(&self) -> Option<i32> {
        self.event.as_ref().map(|e| gql_id(e.order_sheet_id))
    }

    fn wholesaler_id(&self) -> Option<i32> {
        self.event.as_ref().map(|e| gql_id(e.wholesaler_id))
    }

    fn retailer_id(&self) -> Option<i32> {
        self.event.as_ref().map(|e| gql_id(e.retailer_id))
    }

    /// The change request filed or answered.
    fn change_request_id(&self) -> Option<i32> {
        self.event
            .as_ref()
            .and_then(|e| e.change_request_id)
            .map(gql_id)
    }

    /// When it happened (KST wall clock, as every date of the contract).
    fn at(&self) -> LocalDate {
        LocalDate::from_utc(self.at)
    }
}
