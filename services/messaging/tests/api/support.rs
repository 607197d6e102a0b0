//! Test support: the real service on a free port against a fresh database,
//! tokens for each kind of caller, and a local HTTP server that plays Naver
//! Cloud SENS — it checks every request it receives (path, headers, HMAC
//! signature recomputed here, JSON body) and answers as scripted.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use aws_lc_rs::hmac;
use base64::Engine;
use db::testing::TestDb;
use domain::{Role, UserId};
use platform::auth::{TokenIssuer, TokenKind};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const SERVICE_TOKEN: &str = "test-service-token";
pub const SENS_SERVICE_ID: &str = "ncp:sms:kr:260012345678:marketbill";
pub const SENS_ACCESS_KEY: &str = "TEST-ACCESS-KEY";
pub const SENS_SECRET: &str = "test-secret-key-9f8e";
pub const SENS_SENDER: &str = "0212345678";

pub struct Messaging {
    pub base: String,
    pub http: reqwest::Client,
    pub db: TestDb,
    issuer: TokenIssuer,
}

pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<u64>,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error envelope: {}", self.body))
    }
}

/// Starts the service with the record provider (the default) plus `extra`.
pub async fn start(extra: &[(&str, &str)]) -> Messaging {
    let db = TestDb::new().await;
    let keys = platform::auth::generate_keys().expect("keys");
    let mut pairs: Vec<(&str, &str)> = vec![
        ("DATABASE_URL", db.url()),
        ("MESSAGING_PORT", "0"),
        ("HTTP_WORKERS", "2"),
        ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
        ("SERVICE_TOKEN", SERVICE_TOKEN),
    ];
    pairs.extend_from_slice(extra);
    let env = platform::config::Env::from_pairs(pairs);
    let running = messaging_service::Application::from_env(&env)
        .await
        .expect("messaging starts");
    let base = format!("http://127.0.0.1:{}", running.port);
    actix_web::rt::spawn(running.server);
    Messaging {
        base,
        http: reqwest::Client::new(),
        db,
        issuer: TokenIssuer::from_signing_key(&keys.signing_key).expect("issuer"),
    }
}

/// Starts the service with `SMS_PROVIDER=sens` pointed at `sens`, fast retries.
pub async fn start_with_sens(sens: &FakeSens, extra: &[(&str, &str)]) -> Messaging {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("SMS_PROVIDER", "sens"),
        ("SENS_HOST", sens.url.as_str()),
        ("SENS_SERVICE_ID", SENS_SERVICE_ID),
        ("SENS_ACCESS_KEY_ID", SENS_ACCESS_KEY),
        ("SENS_SECRET_KEY", SENS_SECRET),
        ("SENS_SENDER", SENS_SENDER),
        ("SENS_TIMEOUT_MS", "400"),
        ("SENS_RETRY_BASE_MS", "10"),
        ("SENS_MAX_ATTEMPTS", "3"),
    ];
    pairs.extend_from_slice(extra);
    start(&pairs).await
}

impl Messaging {
    pub fn token(&self, role: Role) -> String {
        self.issuer
            .issue(UserId::new(7), role, TokenKind::Access, chrono::Utc::now())
    }

    async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let bytes = response.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            retry_after,
        }
    }

    /// `POST /v1/sms` as core does it (service credential) unless `token` says otherwise.
    pub async fn send_as(&self, token: Option<&str>, key: Option<&str>, body: &Value) -> Answer {
        let mut request = self.http.post(format!("{}/v1/sms", self.base)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        Self::answer(request.send().await.expect("request")).await
    }

    pub async fn send(&self, key: Option<&str>, body: &Value) -> Answer {
        self.send_as(Some(SERVICE_TOKEN), key, body).await
    }

    pub async fn status_as(&self, token: Option<&str>, id: &str) -> Answer {
        let mut request = self.http.get(format!("{}/v1/sms/{id}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::answer(request.send().await.expect("request")).await
    }

    pub async fn post(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::answer(request.send().await.expect("request")).await
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> Answer {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(SERVICE_TOKEN)
            .header("content-type", "application/json")
            .body(body.to_owned());
        Self::answer(request.send().await.expect("request")).await
    }

    /// One SQL query's rows as JSON, to look at the tables directly.
    pub async fn query(&self, sql: &str) -> Vec<Value> {
        use diesel_async::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Jsonb)]
            row: Value,
        }
        let mut conn = self.db.pool().get().await.expect("conn");
        let rows: Vec<Row> = diesel::sql_query(format!("SELECT to_jsonb(t) AS row FROM ({sql}) t"))
            .load(&mut conn)
            .await
            .expect("query");
        rows.into_iter().map(|r| r.row).collect()
    }

    pub async fn execute(&self, sql: &str) {
        self.db.sql(sql).await;
    }

    pub async fn logs(&self) -> Vec<Value> {
        self.query("SELECT * FROM send_sms_logs ORDER BY id").await
    }
}

// ---- the SENS stand-in --------------------------------------------------------

#[derive(Debug, Clone)]
pub enum Reply {
    /// 202 with a request id.
    Accept,
    /// 202 after a pause (to keep a send in flight).
    AcceptAfter(Duration),
    Status(u16, &'static str),
    /// Answers only after the client's timeout.
    Hang,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub content_type: String,
    pub timestamp: String,
    pub access_key: String,
    pub signature_valid: bool,
    pub body: Value,
}

#[derive(Default)]
struct FakeState {
    script: VecDeque<Reply>,
    received: Vec<Received>,
    accepted: u32,
}

pub struct FakeSens {
    pub url: String,
    state: Arc<Mutex<FakeState>>,
}

/// The signature computed here, independently of the service's code.
fn expected_signature(method: &str, path: &str, timestamp: &str, access_key: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, SENS_SECRET.as_bytes());
    let message = format!("{method} {path}\n{timestamp}\n{access_key}");
    base64::engine::general_purpose::STANDARD.encode(hmac::sign(&key, message.as_bytes()).as_ref())
}

async fn sens_endpoint(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<Mutex<FakeState>>>,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let path = req.path().to_owned();
    let timestamp = header("x-ncp-apigw-timestamp");
    let access_key = header("x-ncp-iam-access-key");
    let signature = header("x-ncp-apigw-signature-v2");
    let received = Received {
        method: req.method().to_string(),
        signature_valid: signature
            == expected_signature(req.method().as_str(), &path, &timestamp, &access_key),
        path,
        content_type: header("content-type"),
        timestamp,
        access_key,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let reply = {
        let mut state = state.lock().expect("state");
        state.received.push(received);
        state.script.pop_front().unwrap_or(Reply::Accept)
    };
    let accept = |state: &web::Data<Arc<Mutex<FakeState>>>| {
        let mut state = state.lock().expect("state");
        state.accepted += 1;
        HttpResponse::Accepted().json(serde_json::json!({
            "requestId": format!("RSSA-{}", state.accepted),
            "requestTime": "2026-11-25T10:00:00.000",
            "statusCode": "202",
            "statusName": "success",
        }))
    };
    match reply {
        Reply::Accept => accept(&state),
        Reply::AcceptAfter(pause) => {
            tokio::time::sleep(pause).await;
            accept(&state)
        }
        Reply::Status(status, body) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status"))
                .content_type("application/json")
                .body(body)
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            accept(&state)
        }
    }
}

impl FakeSens {
    pub fn start(script: Vec<Reply>) -> FakeSens {
        let state = Arc::new(Mutex::new(FakeState {
            script: script.into(),
            ..FakeState::default()
        }));
        let data = web::Data::new(state.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(sens_endpoint))
        })
        .workers(2)
        .listen(listener)
        .expect("listen")
        .run();
        actix_web::rt::spawn(server);
        FakeSens {
            url: format!("http://127.0.0.1:{port}"),
            state,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("state").received.clone()
    }
}
