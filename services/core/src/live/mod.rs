//! The live order board (issue 19): order events pushed to the wholesaler's
//! owner and employees and to the florist over GraphQL subscriptions.
//!
//! - `events`: an event as PostgreSQL carried it (`db::order_events`), and the
//!   feed each instance fans it out on.
//! - `listener`: the one task per instance that `LISTEN`s and feeds the feed.
//! - `audience`: who a subscriber is, and which events it may see.
//! - `slots`: how many live connections one account holds on this instance.
//! - `socket`: `GET /graphql` upgraded to a WebSocket speaking
//!   `graphql-transport-ws`: the Origin check, `connection_init`
//!   authentication, and the bounds on frames and time.
//!
//! Events are not stored: a subscriber that was not connected (or whose
//! instance restarted, or that lagged) re-queries what it shows.

pub mod audience;
pub mod events;
pub mod listener;
pub mod slots;
pub mod socket;
