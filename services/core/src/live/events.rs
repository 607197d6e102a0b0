//! An order event as one instance received it, and the feed it travels on
//! to every subscriber of the instance.

use chrono::{DateTime, Utc};
use db::order_events::OrderEventKind;
use serde::Deserialize;
use tokio::sync::broadcast;

/// Events a subscriber may fall behind by before it is told to re-query
/// (a `RESYNC`); the feed's memory is bounded by it, whatever subscribers do.
pub const FEED_CAPACITY: usize = 1024;

/// What the feed carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedItem {
    Event(OrderEvent),
    /// Events may have been missed (the listener reconnected): re-query.
    Resync,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    pub kind: OrderEventKind,
    pub order_sheet_id: i64,
    pub wholesaler_id: i64,
    pub retailer_id: i64,
    pub change_request_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// The notification's JSON (`db::order_events::notify`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    kind: String,
    order_sheet_id: i64,
    wholesaler_id: i64,
    retailer_id: i64,
    change_request_id: Option<i64>,
    at: DateTime<Utc>,
}

impl OrderEvent {
    /// The event a notification carries, or None for one this version does
    /// not know (a newer writer during a rolling deploy).
    pub fn parse(payload: &str) -> Option<OrderEvent> {
        let p: Payload = serde_json::from_str(payload).ok()?;
        Some(OrderEvent {
            kind: OrderEventKind::parse(&p.kind)?,
            order_sheet_id: p.order_sheet_id,
            wholesaler_id: p.wholesaler_id,
            retailer_id: p.retailer_id,
            change_request_id: p.change_request_id,
            at: p.at,
        })
    }
}

/// The instance's fan-out: the listener sends, each subscription receives.
#[derive(Clone)]
pub struct Feed(broadcast::Sender<FeedItem>);

impl Default for Feed {
    fn default() -> Self {
        Feed(broadcast::channel(FEED_CAPACITY).0)
    }
}

impl Feed {
    /// Sends to whoever subscribes now; nobody listening is not an error.
    pub fn publish(&self, item: FeedItem) {
        let _ = self.0.send(item);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<FeedItem> {
        self.0.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_parses_and_an_unknown_kind_is_skipped() {
        let json = r#"{"kind":"PRICED","orderSheetId":7,"wholesalerId":2,"retailerId":3,
            "changeRequestId":null,"at":"2025-01-02T03:04:05.123456+00:00"}"#;
        let event = OrderEvent::parse(json).expect("event");
        assert_eq!(event.kind, OrderEventKind::Priced);
        assert_eq!(
            (event.order_sheet_id, event.wholesaler_id, event.retailer_id),
            (7, 2, 3)
        );
        assert_eq!(event.change_request_id, None);
        assert!(OrderEvent::parse(&json.replace("PRICED", "EXPLODED")).is_none());
        assert!(OrderEvent::parse("not json").is_none());
    }
}
