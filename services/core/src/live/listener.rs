//! One task per instance: a connection of its own `LISTEN`s on
//! `order_events` and publishes each event on the instance's feed. When
//! the connection fails it reconnects with a growing pause and publishes a
//! `Resync`, since notifications sent meanwhile are lost to it.

use crate::live::events::{Feed, FeedItem, OrderEvent};
use diesel_async::AsyncPgConnection;
use futures_util::StreamExt;
use std::time::Duration;

/// How often an idle listener checks that its connection still answers: a
/// silently dropped connection would otherwise look like a quiet market.
const HEALTH_CHECK: Duration = Duration::from_secs(30);
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LONGEST_RETRY: Duration = Duration::from_secs(30);

pub fn spawn(database_url: String, feed: Feed) {
    tokio::spawn(async move {
        let mut pause = FIRST_RETRY;
        let mut first = true;
        loop {
            match db::order_events::listen(&database_url).await {
                Ok(mut conn) => {
                    if !first {
                        tracing::info!("order events: listening again");
                        feed.publish(FeedItem::Resync);
                    }
                    first = false;
                    pause = FIRST_RETRY;
                    relay(&mut conn, &feed).await;
                    tracing::warn!("order events: the listening connection ended");
                }
                Err(e) => tracing::warn!(error = %e, "order events: cannot listen"),
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_RETRY);
        }
    });
}

/// Publishes notifications until the connection fails.
async fn relay(conn: &mut AsyncPgConnection, feed: &Feed) {
    loop {
        let next = {
            let mut notifications = std::pin::pin!(conn.notifications_stream());
            tokio::time::timeout(HEALTH_CHECK, notifications.next()).await
        };
        match next {
            Ok(Some(Ok(notification))) => match OrderEvent::parse(&notification.payload) {
                Some(event) => feed.publish(FeedItem::Event(event)),
                None => tracing::warn!("order events: a notification of an unknown shape"),
            },
            Ok(Some(Err(e))) => {
                tracing::warn!(error = %e, "order events: notification error");
                return;
            }
            Ok(None) => return,
            Err(_idle) => {
                if db::order_events::still_listening(conn).await.is_err() {
                    return;
                }
            }
        }
    }
}
