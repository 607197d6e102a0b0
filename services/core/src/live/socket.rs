//! `GET /graphql` upgraded to a WebSocket that speaks `graphql-transport-ws`
//! (the `graphql-ws` npm package's protocol): the live order board.
//!
//! An attacker's view of the door, and what stands in it:
//! - Cross-site WebSocket hijacking: browsers apply no CORS to WebSockets,
//!   so a handshake whose `Origin` is not in `CORS_ALLOWED_ORIGINS` is
//!   refused (403). Clients that send no `Origin` (not browsers) pass; they
//!   hold no ambient credential anyway: the token travels in the payload.
//! - Who: `connection_init`'s payload carries the access token
//!   (`Authorization: "Bearer …"`, or `authorization`, or `token`), checked
//!   as every HTTP request's (`http::verify`: signature, expiry, live account
//!   and session, the role from the database). No token, a bad or refresh
//!   token, an operator, an unapproved employee: the socket closes (4403).
//!   A connection lasts until its token expires, then closes (4403) so the
//!   client reconnects with a fresh one, re-checked. Meanwhile the grant is
//!   checked again every `LIVE_RECHECK_SECS` (30 s by default): a signed-out
//!   session, a removed account or an employee its owner let go loses the
//!   board then (4403), not hours later when the token would expire.
//! - How much: [`MAX_CONNECTIONS_PER_ACCOUNT`] sockets per account per
//!   instance, [`MAX_SUBSCRIPTIONS`] operations per socket, text frames of at
//!   most [`MAX_FRAME_BYTES`], at most [`MAX_FRAMES_PER_SECOND`] frames a second
//!   (then 4429), and [`INIT_TIMEOUT`] to authenticate (then 4408). Before it
//!   authenticates a socket belongs to no account, so one client address may
//!   hold at most [`MAX_UNAUTHENTICATED_PER_ADDRESS`] such sockets (then the
//!   handshake answers 429): nobody fills an instance with sockets that never
//!   say who they are.
//! - What runs: subscriptions only; a query or mutation sent here is refused
//!   (`graphql::cost`), as it would skip HTTP's limits and metrics.

use crate::app::Presented;
use crate::graphql::Schema;
use crate::graphql::context::Context;
use crate::graphql::cost::Budgeted;
use crate::graphql::loaders::Loaders;
use crate::graphql::mutation::Mutation;
use crate::graphql::query::Query;
use crate::graphql::scalar_value::Scalar;
use crate::graphql::subscription::Subscription;
use crate::http::GraphqlState;
use crate::live::audience::Audience;
use crate::live::events::Feed;
use crate::live::slots::{Slot, Slots};
use actix_web::guard::GuardContext;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseReason, Message, MessageStream, Session};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use juniper::{InputValue, Variables};
use juniper_graphql_ws::ConnectionConfig;
use juniper_graphql_ws::graphql_transport_ws::{
    ClientMessage, Connection, Input, Output, ServerMessage,
};
use platform::cors::CorsPolicy;
use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::time::Instant;

pub const PROTOCOL: &str = "graphql-transport-ws";
/// Subscriptions one socket may run at once (a board needs one).
pub const MAX_SUBSCRIPTIONS: usize = 5;
/// Sockets one account may hold on one instance (a tab each, and then some).
pub const MAX_CONNECTIONS_PER_ACCOUNT: usize = 20;
/// The largest frame read: a subscribe message is a short document.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;
pub const MAX_FRAMES_PER_SECOND: u32 = 20;
/// Sockets one client address may hold before they authenticate (a page
/// opens one; a shop behind one address opens a few at once).
pub const MAX_UNAUTHENTICATED_PER_ADDRESS: usize = 16;
/// Time to send `connection_init` before the socket closes (4408).
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// The server's keep-alive `pong`s, which keep proxies from timing out an
/// idle board and find dead sockets (a write to a gone peer fails).
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What every live socket of the instance shares.
pub struct LiveState {
    pub feed: Feed,
    /// Per account id, once authenticated.
    pub slots: Slots<i64>,
    /// Per client address, until authenticated.
    pub unauthenticated: Slots<String>,
    pub cors: CorsPolicy,
}

impl LiveState {
    pub fn new(cors: CorsPolicy) -> Self {
        LiveState {
            feed: Feed::default(),
            slots: Slots::new(MAX_CONNECTIONS_PER_ACCOUNT),
            unauthenticated: Slots::new(MAX_UNAUTHENTICATED_PER_ADDRESS),
            cors,
        }
    }
}

/// Who an authenticated socket serves, held by its operations' contexts;
/// its account slot is given back when the last of them drops.
pub struct Subscriber {
    pub audience: Audience,
    pub feed: Feed,
    _slot: Slot<i64>,
}

/// Whether a request asks to become a WebSocket.
pub fn is_upgrade(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

pub async fn open(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<GraphqlState>,
) -> Result<HttpResponse, actix_web::Error> {
    if !origin_allowed(&req, &state.live.cors) {
        return Ok(refused(
            HttpResponse::Forbidden(),
            "This page's origin may not open the live order board.",
        ));
    }
    if !offers_protocol(&req) {
        return Ok(refused(
            HttpResponse::BadRequest(),
            "The live order board speaks graphql-transport-ws (Sec-WebSocket-Protocol).",
        ));
    }
    let client_ip = platform::client_ip::client_ip(&req, state.settings.trust_forwarded_for);
    // Without a known address (no peer address at all), all such share one.
    let address = client_ip.clone().unwrap_or_default();
    let Some(waiting) = state.live.unauthenticated.take(address) else {
        return Ok(refused(
            HttpResponse::TooManyRequests(),
            "Too many live connections from this address are still signing in.",
        ));
    };
    let (response, session, messages) = actix_ws::handle_with_protocols(&req, body, &[PROTOCOL])?;
    let granted = Arc::new(OnceLock::new());
    let state = state.into_inner();
    let init = {
        let granted = granted.clone();
        let state = state.clone();
        move |params: Variables<Scalar>| authenticate(state, params, client_ip, granted)
    };
    let connection = Connection::new(SharedSchema(state.schema), init);
    let messages = messages.max_frame_size(MAX_FRAME_BYTES);
    let socket = Socket {
        state,
        granted,
        waiting,
    };
    actix_web::rt::spawn(serve(session, messages, connection, socket));
    Ok(response)
}

fn refused(mut response: actix_web::HttpResponseBuilder, message: &str) -> HttpResponse {
    response.json(serde_json::json!({ "errors": [{ "message": message }] }))
}

/// A page's origin must be one CORS admits; a client without `Origin` is
/// not a browser page.
fn origin_allowed(req: &HttpRequest, cors: &CorsPolicy) -> bool {
    match req.headers().get(header::ORIGIN) {
        None => true,
        Some(origin) => origin.to_str().is_ok_and(|origin| cors.admits(origin)),
    }
}

fn offers_protocol(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == PROTOCOL)
}

/// Why `connection_init` was refused: the close frame's reason (4403).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InitRefused(String);

impl InitRefused {
    fn new(reason: impl Into<String>) -> Self {
        InitRefused(reason.into())
    }
}

/// The bearer token of a `connection_init` payload.
fn token_of(params: &Variables<Scalar>) -> Option<String> {
    let text = |key: &str| match params.get(key) {
        Some(InputValue::Scalar(Scalar::String(text))) => Some(text.clone()),
        _ => None,
    };
    text("Authorization")
        .or_else(|| text("authorization"))
        .and_then(|header| platform::auth::bearer_token(&header).map(str::to_owned))
        .or_else(|| text("token"))
}

async fn authenticate(
    state: Arc<GraphqlState>,
    params: Variables<Scalar>,
    client_ip: Option<String>,
    granted: Arc<OnceLock<Grant>>,
) -> Result<ConnectionConfig<Context, Scalar>, InitRefused> {
    let Some(token) = token_of(&params) else {
        return Err(InitRefused::new("Send an access token in connection_init."));
    };
    let viewer = match crate::http::verify(&state, &token).await {
        Ok(Presented::Access(viewer)) => viewer,
        Ok(_) => {
            return Err(InitRefused::new(
                "Send an access token, not a refresh token.",
            ));
        }
        Err(crate::http::Rejected::Token(e)) => return Err(InitRefused::new(e.to_string())),
        Err(crate::http::Rejected::Database(_)) => {
            return Err(InitRefused::new("The service is unavailable: try again."));
        }
    };
    let audience = {
        let mut conn = crate::app::conn(&state.pool)
            .await
            .map_err(|_| InitRefused::new("The service is unavailable: try again."))?;
        Audience::of(&mut conn, viewer)
            .await
            .map_err(|e| InitRefused::new(e.into_domain().message))?
    };
    let slot = state.live.slots.take(viewer.user_id.get()).ok_or_else(|| {
        InitRefused::new(format!(
            "At most {MAX_CONNECTIONS_PER_ACCOUNT} live connections per account."
        ))
    })?;
    // `verify` accepted the token, so its claims decode.
    if let Ok(claims) = state.verifier.decode(&token) {
        let left = claims.exp.saturating_sub(chrono::Utc::now().timestamp());
        let left = Duration::from_secs(u64::try_from(left).unwrap_or(0));
        let _ = granted.set(Grant {
            token,
            audience,
            expires: Instant::now() + left,
        });
    }
    let ctx = Context {
        pool: state.pool.clone(),
        peers: state.peers.clone(),
        wakeup: state.wakeup.clone(),
        presented: Presented::Access(viewer),
        issuer: state.issuer.clone(),
        settings: state.settings.clone(),
        loaders: Loaders::new(&state.pool),
        related: tokio::sync::OnceCell::new(),
        spent: Default::default(),
        client_ip,
        views_merged: false,
        live: Some(Arc::new(Subscriber {
            audience,
            feed: state.live.feed.clone(),
            _slot: slot,
        })),
    };
    Ok(ConnectionConfig::new(ctx)
        .with_max_in_flight_operations(MAX_SUBSCRIPTIONS)
        .with_keep_alive_interval(KEEP_ALIVE)
        // juniper would also close a socket whose client sent no `ping`
        // within the interval; graphql-ws clients send none by default, so
        // every board would drop after 15 s. Dead peers are found when the
        // server's keep-alive write fails instead.
        .with_keep_alive_timeout(Duration::ZERO))
}

/// What `connection_init` granted: re-checked while the socket lives.
pub struct Grant {
    token: String,
    audience: Audience,
    expires: Instant,
}

impl Grant {
    /// Whether the token still verifies (live account and session, the role
    /// from the database) for the same audience. A database outage keeps
    /// the board: the next check decides.
    async fn still_holds(&self, state: &GraphqlState) -> bool {
        let viewer = match crate::http::verify(state, &self.token).await {
            Ok(Presented::Access(viewer)) => viewer,
            Err(crate::http::Rejected::Database(_)) => return true,
            Ok(_) | Err(crate::http::Rejected::Token(_)) => return false,
        };
        let Ok(mut conn) = crate::app::conn(&state.pool).await else {
            return true;
        };
        match Audience::of(&mut conn, viewer).await {
            Ok(audience) => audience == self.audience,
            // Only a failure to read is no answer.
            Err(e) => matches!(
                e.code(),
                domain::ErrorCode::Internal | domain::ErrorCode::DatabaseUnavailable
            ),
        }
    }
}

/// One socket's share of the instance: the grant its `connection_init`
/// earned, and its address's unauthenticated slot until then.
struct Socket {
    state: Arc<GraphqlState>,
    granted: Arc<OnceLock<Grant>>,
    waiting: Slot<String>,
}

/// Frames a client sent within the current second.
struct Pace {
    since: Instant,
    frames: u32,
}

impl Pace {
    fn allows(&mut self, now: Instant) -> bool {
        if now.duration_since(self.since) >= Duration::from_secs(1) {
            self.since = now;
            self.frames = 0;
        }
        self.frames += 1;
        self.frames <= MAX_FRAMES_PER_SECOND
    }
}

/// Relays frames between the socket and the protocol's connection until
/// either side ends it, a bound is crossed, or the token expires.
async fn serve<C>(mut session: Session, mut frames: MessageStream, connection: C, socket: Socket)
where
    C: Sink<Input<Scalar>, Error = Infallible> + Stream<Item = Output<Scalar>>,
{
    let (mut input, mut output) = connection.split();
    let init_deadline = Instant::now() + INIT_TIMEOUT;
    let mut acked = false;
    // The address's unauthenticated slot, given back once the socket is acked.
    let mut waiting = Some(socket.waiting);
    let recheck_every = socket.state.settings.live_recheck;
    let mut next_check = Instant::now() + recheck_every;
    let mut pace = Pace {
        since: Instant::now(),
        frames: 0,
    };
    let close: Option<(u16, String)> = loop {
        let deadline = match (acked, socket.granted.get()) {
            (false, _) => init_deadline,
            (true, Some(grant)) => grant.expires.min(next_check),
            // Only a token without an expiry; verification requires one.
            (true, None) => Instant::now() + Duration::from_secs(3600),
        };
        tokio::select! {
            frame = frames.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if !pace.allows(Instant::now()) {
                        break Some((4429, "Too many messages: slow down.".into()));
                    }
                    let Ok(message) = serde_json::from_str::<ClientMessage<Scalar>>(&text) else {
                        break Some((4400, "Not a graphql-transport-ws message.".into()));
                    };
                    if input.send(Input::Message(message)).await.is_err() {
                        break None;
                    }
                }
                Some(Ok(Message::Ping(bytes))) => {
                    if session.pong(&bytes).await.is_err() {
                        return;
                    }
                }
                Some(Ok(Message::Pong(_) | Message::Nop)) => {}
                Some(Ok(Message::Binary(_) | Message::Continuation(_))) => {
                    break Some((4400, "Send each message as one text frame.".into()));
                }
                Some(Ok(Message::Close(_))) | None => break Some((1000, "Normal Closure".into())),
                Some(Err(actix_ws::ProtocolError::Overflow)) => {
                    break Some((1009, format!("Frames are at most {MAX_FRAME_BYTES} bytes.")));
                }
                Some(Err(_)) => break Some((1002, "WebSocket protocol error.".into())),
            },
            out = output.next() => match out {
                Some(Output::Message(message)) => {
                    if matches!(message, ServerMessage::ConnectionAck) {
                        acked = true;
                        drop(waiting.take());
                    }
                    let Ok(text) = serde_json::to_string(&message) else {
                        break Some((1011, "Internal error.".into()));
                    };
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                Some(Output::Close { code, message }) => break Some((code, message)),
                None => break None,
            },
            () = tokio::time::sleep_until(deadline) => {
                if !acked {
                    break Some((4408, "Connection initialisation timeout".into()));
                }
                match socket.granted.get() {
                    Some(grant) if Instant::now() < grant.expires => {
                        next_check = Instant::now() + recheck_every;
                        if !grant.still_holds(&socket.state).await {
                            break Some((4403, "Access changed: connect again.".into()));
                        }
                    }
                    _ => break Some((
                        4403,
                        "The access token expired: connect again with a fresh one.".into(),
                    )),
                }
            }
        }
    };
    let reason = close.map(|(code, message)| CloseReason {
        code: code.into(),
        description: Some(message),
    });
    let _ = session.close(reason).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_allows_a_burst_per_second() {
        let start = Instant::now();
        let mut pace = Pace {
            since: start,
            frames: 0,
        };
        for _ in 0..MAX_FRAMES_PER_SECOND {
            assert!(pace.allows(start));
        }
        assert!(!pace.allows(start));
        assert!(pace.allows(start + Duration::from_secs(1)));
    }

    #[test]
    fn the_token_comes_from_any_of_its_keys() {
        let params = |key: &str, value: &str| {
            let mut v = Variables::<Scalar>::new();
            v.insert(
                key.to_owned(),
                InputValue::Scalar(Scalar::String(value.into())),
            );
            v
        };
        assert_eq!(
            token_of(&params("Authorization", "Bearer abc")).as_deref(),
            Some("abc")
        );
        assert_eq!(
            token_of(&params("authorization", "Bearer abc")).as_deref(),
            Some("abc")
        );
        assert_eq!(token_of(&params("token", "abc")).as_deref(), Some("abc"));
        assert_eq!(token_of(&params("Authorization", "abc")), None);
        assert_eq!(token_of(&Variables::new()), None);
    }
}

/// The process's schema as the WebSocket protocol takes one (it is `'static`,
/// so a reference is all a connection needs).
#[derive(Clone, Copy)]
struct SharedSchema(&'static Schema);

impl juniper_graphql_ws::Schema for SharedSchema {
    type Context = Context;
    type ScalarValue = Scalar;
    type QueryTypeInfo = ();
    type Query = Budgeted<Query>;
    type MutationTypeInfo = ();
    type Mutation = Budgeted<Mutation>;
    type SubscriptionTypeInfo = ();
    type Subscription = Subscription;

    fn root_node(&self) -> &Schema {
        self.0
    }
}
