//! The live order board over a real WebSocket (graphql-transport-ws): who
//! hears what, who is refused, and that events cross instances through
//! PostgreSQL only when their change commits.

use crate::support::{Market, data, market_on, start_with};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const SUBSCRIBE: &str =
    "subscription { orderEvents { kind orderSheetId wholesalerId retailerId changeRequestId at } }";

/// How long a test waits for an event that must not come.
const QUIET: Duration = Duration::from_millis(1500);

/// A probe's sheet id: no sheet has it, so boards tell probes from events.
const PROBE: i64 = -1;

fn ws_url(graphql_url: &str) -> String {
    graphql_url.replacen("http://", "ws://", 1)
}

async fn connect(graphql_url: &str, origin: Option<&str>) -> Result<Socket, tungstenite::Error> {
    let mut request = ws_url(graphql_url).into_client_request().expect("request");
    let headers = request.headers_mut();
    headers.insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    if let Some(origin) = origin {
        headers.insert("origin", origin.parse().expect("header"));
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

/// The next protocol message (answering pings), or None when `within` passes.
async fn receive(socket: &mut Socket, within: Duration) -> Option<Message> {
    tokio::time::timeout(within, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(&text).expect("json");
                    match message["type"].as_str() {
                        Some("ping") => send(socket, json!({ "type": "pong" })).await,
                        Some("pong") => {}
                        _ => return Message::Text(text),
                    }
                }
                Some(Ok(Message::Close(frame))) => return Message::Close(frame),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Message::Close(None),
            }
        }
    })
    .await
    .ok()
}

/// The close code the server ends the socket with after `init`.
async fn refused_code(url: &str, init: Value) -> u16 {
    let mut socket = connect(url, None).await.expect("handshake");
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": init }),
    )
    .await;
    match receive(&mut socket, Duration::from_secs(5)).await {
        Some(Message::Close(Some(frame))) => u16::from(frame.code),
        other => panic!("expected a close, got {other:?}"),
    }
}

/// A subscribed board of `token`'s company.
struct Board {
    socket: Socket,
}

impl Board {
    async fn open(graphql_url: &str, token: &str) -> Board {
        let mut socket = connect(graphql_url, None).await.expect("handshake");
        let init = json!({ "Authorization": format!("Bearer {token}") });
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": init }),
        )
        .await;
        let ack = receive(&mut socket, Duration::from_secs(5)).await;
        match ack {
            Some(Message::Text(text)) => assert!(text.contains("connection_ack"), "{text}"),
            other => panic!("expected connection_ack, got {other:?}"),
        }
        send(
            &mut socket,
            json!({ "id": "board", "type": "subscribe", "payload": { "query": SUBSCRIBE } }),
        )
        .await;
        Board { socket }
    }

    /// Waits until the subscription hears a probe sent for `wholesaler` and
    /// `retailer` (re-sent until then: the subscription starts after its
    /// message is read), so no later event can be missed by a race.
    async fn ready(&mut self, m: &Market, wholesaler: i64, retailer: i64, kind: &str) {
        for _ in 0..50 {
            m.core
                .sql(&format!(
                    "SELECT pg_notify('order_events', json_build_object('kind', '{kind}', \
                     'orderSheetId', {PROBE}, 'wholesalerId', {wholesaler}, 'retailerId', {retailer}, \
                     'changeRequestId', NULL, 'at', now())::text)"
                ))
                .await;
            if self.event(Duration::from_millis(200), true).await.is_some() {
                // Drain the probes already on their way.
                while self.event(Duration::from_millis(200), true).await.is_some() {}
                return;
            }
        }
        panic!("the subscription never heard a probe");
    }

    /// The next event (probes only when `probes`), or None within `within`.
    async fn event(&mut self, within: Duration, probes: bool) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let text = match receive(&mut self.socket, left).await? {
                Message::Text(text) => text,
                other => panic!("the board closed: {other:?}"),
            };
            let message: Value = serde_json::from_str(&text).expect("json");
            assert_eq!(message["type"], "next", "{message}");
            let event = message["payload"]["data"]["orderEvents"].clone();
            if (event["orderSheetId"] == PROBE) == probes {
                return Some(event);
            }
        }
    }

    async fn next(&mut self) -> Value {
        self.event(Duration::from_secs(10), false)
            .await
            .expect("an event")
    }

    async fn assert_quiet(&mut self) {
        let heard = self.event(QUIET, false).await;
        assert!(heard.is_none(), "heard {heard:?}");
    }
}

fn line_ids(sheet: &Value) -> Vec<i64> {
    sheet["orderItems"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["id"].as_i64().expect("id"))
        .collect()
}

#[actix_web::test]
async fn each_company_hears_its_own_sheets_on_any_instance() {
    let m = market_on(start_with(&[]).await).await;
    let c = &m.core;
    let twin = c.twin(&[]).await;
    let retailer_id = m.retailer_id;
    let me = c
        .gql(Some(&m.other_retailer), "{ me { id } }", json!({}))
        .await;
    let other_retailer_id = data(&me)["me"]["id"].as_i64().expect("id");

    let mut owner = Board::open(&c.url, &m.owner).await;
    owner.ready(&m, m.owner_id, 0, "PLACED").await;
    // The employee's board is on another instance: events cross through PostgreSQL.
    let mut employee = Board::open(&twin, &m.employee).await;
    employee.ready(&m, m.owner_id, 0, "PLACED").await;
    let mut stranger = Board::open(&c.url, &m.other_wholesaler).await;
    stranger.ready(&m, m.other_wholesaler_id, 0, "PLACED").await;
    let mut florist = Board::open(&twin, &m.retailer).await;
    florist.ready(&m, 0, retailer_id, "PRICED").await;
    let mut other_florist = Board::open(&c.url, &m.other_retailer).await;
    other_florist
        .ready(&m, 0, other_retailer_id, "PRICED")
        .await;

    let sheet = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
    let sheet_id = sheet["id"].as_i64().expect("sheet id");
    for board in [&mut owner, &mut employee] {
        let placed = board.next().await;
        assert_eq!(placed["kind"], "PLACED", "{placed}");
        assert_eq!(placed["orderSheetId"], sheet_id);
        assert_eq!(placed["wholesalerId"], m.owner_id);
        assert_eq!(placed["retailerId"], retailer_id);
        assert!(placed["at"].is_string());
    }

    let update =
        "mutation($items: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $items) { id } }";
    let line = line_ids(&sheet)[0];
    let priced = c
        .gql(
            Some(&m.employee),
            update,
            json!({ "items": [{ "id": line, "price": 5000 }] }),
        )
        .await;
    data(&priced);
    for board in [&mut owner, &mut employee, &mut florist] {
        let event = board.next().await;
        assert_eq!(event["kind"], "PRICED", "{event}");
        assert_eq!(event["orderSheetId"], sheet_id);
    }
    // The florist heard PRICED and nothing of the placing; the other
    // companies heard nothing at all.
    for board in [&mut florist, &mut stranger, &mut other_florist] {
        board.assert_quiet().await;
    }
}

#[actix_web::test]
async fn connection_init_checks_the_token_like_every_request() {
    let m = market_on(start_with(&[]).await).await;
    let c = &m.core;
    let bearer = |token: &str| json!({ "Authorization": format!("Bearer {token}") });
    assert_eq!(refused_code(&c.url, json!({})).await, 4403, "no token");
    assert_eq!(
        refused_code(&c.url, bearer("not.a.token")).await,
        4403,
        "bad token"
    );
    let signed_in = c
        .gql(
            None,
            "mutation($i: SignInInput) { signIn(input: $i) { refreshToken } }",
            json!({ "i": { "phoneNo": "01022220001", "password": "test123@@" } }),
        )
        .await;
    let refresh = data(&signed_in)["signIn"]["refreshToken"]
        .as_str()
        .expect("refresh")
        .to_owned();
    assert_eq!(
        refused_code(&c.url, bearer(&refresh)).await,
        4403,
        "refresh"
    );
    assert_eq!(
        refused_code(&c.url, bearer(&m.pending_employee)).await,
        4403,
        "an employee no owner approved"
    );
    assert_eq!(refused_code(&c.url, bearer(&m.admin)).await, 4403, "admin");
    // The same token in either of the other keys is accepted.
    let mut socket = connect(&c.url, None).await.expect("handshake");
    let init = json!({ "type": "connection_init", "payload": { "token": m.owner } });
    send(&mut socket, init).await;
    match receive(&mut socket, Duration::from_secs(5)).await {
        Some(Message::Text(text)) => assert!(text.contains("connection_ack"), "{text}"),
        other => panic!("expected connection_ack, got {other:?}"),
    }
    // Over the socket only subscriptions run.
    let query = json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ me { id } }" } });
    send(&mut socket, query).await;
    match receive(&mut socket, Duration::from_secs(5)).await {
        Some(Message::Text(text)) => assert!(text.contains("only subscriptions"), "{text}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[actix_web::test]
async fn a_page_of_another_origin_cannot_open_the_board() {
    let core = start_with(&[("CORS_ALLOWED_ORIGINS", "https://app.marketbill.kr")]).await;
    match connect(&core.url, Some("https://evil.example")).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("expected 403, got {:?}", other.map(|_| ())),
    }
    assert!(
        connect(&core.url, Some("https://app.marketbill.kr"))
            .await
            .is_ok()
    );
    // Plain HTTP GET queries are as before.
    let answer = core
        .http
        .get(format!("{}?query=%7B__typename%7D", core.url))
        .send()
        .await
        .expect("get");
    assert_eq!(answer.status(), 200);
}

#[actix_web::test]
async fn a_rolled_back_change_notifies_nothing() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    let m = market_on(start_with(&[]).await).await;
    let sheet = m.ordered_sheet(&[(1, 1, "UPPER")]).await;
    let sheet_id = sheet["id"].as_i64().expect("sheet id");
    let mut owner = Board::open(&m.core.url, &m.owner).await;
    owner.ready(&m, m.owner_id, 0, "PLACED").await;

    let mut conn = AsyncPgConnection::establish(m.core.db.url())
        .await
        .expect("connect");
    let kind = db::order_events::OrderEventKind::Changed;
    let rolled_back = conn
        .transaction::<(), diesel::result::Error, _>(async |conn| {
            db::order_events::notify(conn, kind, &[sheet_id], None).await?;
            Err(diesel::result::Error::RollbackTransaction)
        })
        .await;
    assert!(rolled_back.is_err());
    owner.assert_quiet().await;

    conn.transaction::<(), diesel::result::Error, _>(async |conn| {
        db::order_events::notify(conn, kind, &[sheet_id], None).await
    })
    .await
    .expect("commit");
    let changed = owner.next().await;
    assert_eq!(changed["kind"], "CHANGED", "{changed}");
    assert_eq!(changed["orderSheetId"], sheet_id);
}

#[actix_web::test]
async fn a_board_whose_client_sends_no_pings_stays_open() {
    let m = market_on(start_with(&[]).await).await;
    let mut board = Board::open(&m.core.url, &m.owner).await;
    board.ready(&m, m.owner_id, m.retailer_id, "PLACED").await;
    // graphql-ws clients send no `ping` unless configured to: a quiet board
    // must outlive the server's keep-alive interval (it was closed at 15 s).
    tokio::time::sleep(core_service::live::socket::KEEP_ALIVE + Duration::from_secs(3)).await;
    m.ordered_sheet(&[(0, 1, "UPPER")]).await;
    let event = board.next().await;
    assert_eq!(event["kind"], "PLACED", "{event}");
}

/// Retries `connect` until the server has taken back the places of sockets
/// the test just closed (it notices a close asynchronously).
async fn connect_when_free(url: &str) -> Socket {
    for _ in 0..50 {
        if let Ok(socket) = connect(url, None).await {
            return socket;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server never took back a closed socket's place");
}

/// The code the server closes the socket with (other messages skipped).
async fn closed_with(socket: &mut Socket) -> u16 {
    loop {
        match receive(socket, Duration::from_secs(5)).await {
            Some(Message::Close(Some(frame))) => return u16::from(frame.code),
            Some(Message::Text(_)) => {}
            other => panic!("expected a close, got {other:?}"),
        }
    }
}

/// What an outsider meets at the door: sockets that never sign in are
/// bounded per address, an account's sockets per instance, and a socket's
/// subscriptions, frame size and pace; each bound gives its place back.
#[actix_web::test]
async fn sockets_are_bounded_per_address_account_and_socket() {
    use core_service::live::socket::{
        MAX_CONNECTIONS_PER_ACCOUNT, MAX_FRAME_BYTES, MAX_FRAMES_PER_SECOND, MAX_SUBSCRIPTIONS,
        MAX_UNAUTHENTICATED_PER_ADDRESS,
    };
    let m = market_on(start_with(&[]).await).await;
    let url = &m.core.url;
    let init = |token: &str| json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });

    // Sockets that never say who they are: a few per address, then 429.
    let mut silent = Vec::new();
    for _ in 0..MAX_UNAUTHENTICATED_PER_ADDRESS {
        silent.push(connect(url, None).await.expect("handshake"));
    }
    match connect(url, None).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!("expected 429, got {:?}", other.map(|_| ())),
    }
    // One of them signing in gives its place back.
    let mut signed = silent.pop().expect("socket");
    send(&mut signed, init(&m.owner)).await;
    match receive(&mut signed, Duration::from_secs(5)).await {
        Some(Message::Text(text)) => assert!(text.contains("connection_ack"), "{text}"),
        other => panic!("expected connection_ack, got {other:?}"),
    }
    silent.push(
        connect(url, None)
            .await
            .expect("the signed-in socket's place"),
    );
    drop(silent);
    drop(connect_when_free(url).await);

    // An account holds a bounded number of sockets on an instance.
    let mut boards = Vec::new();
    for _ in 0..MAX_CONNECTIONS_PER_ACCOUNT {
        boards.push(Board::open(url, &m.employee).await);
    }
    let bearer = json!({ "Authorization": format!("Bearer {}", m.employee) });
    assert_eq!(refused_code(url, bearer.clone()).await, 4403);
    drop(boards.pop());
    let mut again = None;
    for _ in 0..50 {
        let mut socket = connect_when_free(url).await;
        send(&mut socket, init(&m.employee)).await;
        if let Some(Message::Text(text)) = receive(&mut socket, Duration::from_secs(5)).await
            && text.contains("connection_ack")
        {
            again = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        again.is_some(),
        "a closed board gives its account's place back"
    );
    drop(boards);

    // A socket runs a bounded number of subscriptions at once.
    let mut socket = signed;
    for n in 0..MAX_SUBSCRIPTIONS {
        let subscribe = json!({ "id": format!("s{n}"), "type": "subscribe", "payload": { "query": SUBSCRIBE } });
        send(&mut socket, subscribe).await;
    }
    let one_more = json!({ "id": "extra", "type": "subscribe", "payload": { "query": SUBSCRIBE } });
    send(&mut socket, one_more).await;
    match receive(&mut socket, Duration::from_secs(5)).await {
        Some(Message::Text(text)) => {
            assert!(
                text.contains("\"extra\"") && text.contains("Too many"),
                "{text}"
            )
        }
        other => panic!("expected the extra subscription refused, got {other:?}"),
    }

    // Frames: too large, then too many a second.
    let mut big = connect(url, None).await.expect("handshake");
    big.send(Message::text("x".repeat(MAX_FRAME_BYTES + 1)))
        .await
        .expect("send");
    assert_eq!(closed_with(&mut big).await, 1009);
    let mut chatty = connect(url, None).await.expect("handshake");
    send(&mut chatty, init(&m.owner)).await;
    for _ in 0..=MAX_FRAMES_PER_SECOND {
        send(&mut chatty, json!({ "type": "ping" })).await;
    }
    assert_eq!(closed_with(&mut chatty).await, 4429);
}

/// A board's grant is checked again while it is open: an employee its owner
/// lets go, and a florist who signs out, lose their boards within the
/// re-check interval, not when the access token would expire hours later.
#[actix_web::test]
async fn a_board_closes_when_its_access_ends() {
    let m = market_on(start_with(&[("LIVE_RECHECK_SECS", "1")]).await).await;
    let c = &m.core;
    let mut employee = Board::open(&c.url, &m.employee).await;
    let mut owner = Board::open(&c.url, &m.owner).await;
    let mut florist = Board::open(&c.url, &m.retailer).await;
    data(
        &c.gql(
            Some(&m.owner),
            "mutation($e: Int!) { removeEmployee(employeeId: $e) { success } }",
            json!({ "e": m.employee_id }),
        )
        .await,
    );
    data(
        &c.gql(
            Some(&m.retailer),
            "mutation { signOut { success } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(closed_with(&mut employee.socket).await, 4403);
    assert_eq!(closed_with(&mut florist.socket).await, 4403);
    // The owner's board stays open and hears the next order.
    owner.ready(&m, m.owner_id, m.retailer_id, "PLACED").await;
}
