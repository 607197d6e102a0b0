//! The development provider: records the send in the log and sends nothing.

use super::{Delivery, Outgoing, SmsProvider};
use futures_util::future::BoxFuture;
use std::time::Duration;

#[derive(Debug, Clone, Copy, Default)]
pub struct RecordProvider;

impl SmsProvider for RecordProvider {
    fn name(&self) -> &'static str {
        "record"
    }

    fn send<'a>(&'a self, _sms: Outgoing<'a>) -> BoxFuture<'a, Delivery> {
        Box::pin(async {
            let id = format!("record-{}", uuid::Uuid::new_v4().simple());
            Delivery::accepted(1, Some(id))
        })
    }

    fn max_duration(&self) -> Duration {
        Duration::from_secs(1)
    }
}
