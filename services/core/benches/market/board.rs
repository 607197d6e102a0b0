//! A night-shift client's live order board: one `graphql-transport-ws`
//! socket subscribed to `orderEvents`, writing down every event it hears and
//! when, so the benchmark can count what each subscriber got.

use chrono::{DateTime, Utc};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const SUBSCRIBE: &str =
    "subscription { orderEvents { kind orderSheetId wholesalerId retailerId at } }";

/// How often a board pings the server (as graphql-ws's `keepAlive` option does).
const PING_EVERY: Duration = Duration::from_secs(5);

/// A probe's sheet id: no sheet has it, so a board tells probes from events.
pub const PROBE: i64 = -1;

/// One event as a board heard it.
#[derive(Debug, Clone)]
pub struct Heard {
    pub kind: String,
    /// None on RESYNC (events may have been missed).
    pub sheet_id: Option<i64>,
    pub at: Option<DateTime<Utc>>,
    pub received: DateTime<Utc>,
}

/// `at` on the wire is KST wall time without an offset (`LocalDate`, the V1
/// format), to the microsecond.
fn kst_instant(text: &str) -> Option<DateTime<Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    let kst = local.and_local_timezone(domain::time::KST).single()?;
    Some(kst.with_timezone(&Utc))
}

pub struct Board {
    socket: Socket,
}

impl Board {
    /// Connects, authenticates with `token` and subscribes.
    pub async fn open(ws_url: &str, token: &str) -> Result<Board, String> {
        let mut request = ws_url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        let mut board = Board { socket };
        let init = json!({ "Authorization": format!("Bearer {token}") });
        board
            .send(json!({ "type": "connection_init", "payload": init }))
            .await?;
        match board.message(Duration::from_secs(5)).await? {
            Some(m) if m["type"] == "connection_ack" => {}
            other => return Err(format!("expected connection_ack, got {other:?}")),
        }
        board
            .send(json!({ "id": "board", "type": "subscribe", "payload": { "query": SUBSCRIBE } }))
            .await?;
        Ok(board)
    }

    async fn send(&mut self, message: Value) -> Result<(), String> {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .map_err(|e| e.to_string())
    }

    /// The next protocol message (answering pings), None when `within`
    /// passes, an error when the socket closes.
    async fn message(&mut self, within: Duration) -> Result<Option<Value>, String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let next = match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return Ok(None),
                Ok(next) => next,
            };
            match next {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                    match message["type"].as_str() {
                        Some("ping") => self.send(json!({ "type": "pong" })).await?,
                        Some("pong") => {}
                        _ => return Ok(Some(message)),
                    }
                }
                Some(Ok(Message::Close(frame))) => return Err(format!("closed: {frame:?}")),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.to_string()),
                None => return Err("closed".to_owned()),
            }
        }
    }

    /// The next event, or None when `within` passes.
    async fn event(&mut self, within: Duration) -> Result<Option<Heard>, String> {
        let Some(message) = self.message(within).await? else {
            return Ok(None);
        };
        let received = Utc::now();
        if message["type"] != "next" {
            return Err(format!("the board answered {message}"));
        }
        let event = &message["payload"]["data"]["orderEvents"];
        Ok(Some(Heard {
            kind: event["kind"].as_str().unwrap_or_default().to_owned(),
            sheet_id: event["orderSheetId"].as_i64(),
            at: event["at"].as_str().and_then(kst_instant),
            received,
        }))
    }

    /// Whether a probe (or anything) arrived within `within`; used to learn
    /// that the subscription runs, since it starts after its message is read.
    pub async fn heard_probe(&mut self, within: Duration) -> Result<bool, String> {
        while let Some(heard) = self.event(within).await? {
            if heard.sheet_id == Some(PROBE) {
                // Drain the probes already on their way.
                while self.event(Duration::from_millis(100)).await?.is_some() {}
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Listens until the task is aborted, appending every event but probes to
    /// `log`; a closed socket ends it with the reason.
    ///
    /// Pings every [`PING_EVERY`], busy or not: core (juniper_graphql_ws, keep-alive
    /// timeout = interval) closes a socket that sent no `ping` for 15 s with
    /// 1000 "Connection lost unexpectedly", and events sent meanwhile are gone.
    pub async fn listen(mut self, log: Arc<Mutex<Vec<Heard>>>) -> String {
        let mut pinged = tokio::time::Instant::now();
        loop {
            let due = pinged + PING_EVERY;
            if tokio::time::Instant::now() >= due {
                if let Err(e) = self.send(json!({ "type": "ping" })).await {
                    return e;
                }
                pinged = tokio::time::Instant::now();
                continue;
            }
            let left = due.saturating_duration_since(tokio::time::Instant::now());
            match self.event(left).await {
                Ok(Some(heard)) if heard.sheet_id == Some(PROBE) => {}
                Ok(Some(heard)) => log.lock().expect("log").push(heard),
                Ok(None) => {}
                Err(e) => return e,
            }
        }
    }
}
