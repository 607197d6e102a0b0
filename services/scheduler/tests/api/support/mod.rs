//! Starting the real scheduler against a fresh database, accounts and tokens,
//! and reading the tables back.

#![allow(dead_code, clippy::unwrap_used)]

pub mod fake_at;

use chrono::{DateTime, NaiveDate, Utc};
use db::testing::TestDb;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use domain::{Role, UserId};
use platform::auth::{TokenIssuer, TokenKind};
use serde_json::Value;

pub const API_KEY: &str = "TESTKEY0123456789ABCDEF012345678";
pub const TRIGGER_TOKEN: &str = "cron-trigger-secret";
pub const SERVICE_TOKEN: &str = "test-service-token";

pub struct Scheduler {
    pub base: String,
    pub http: reqwest::Client,
    pub db: TestDb,
    issuer: TokenIssuer,
}

/// Test defaults: small pages, fast retries, a short timeout.
pub const DEFAULTS: [(&str, &str); 6] = [
    ("AUCTION_API_KEY", API_KEY),
    ("AUCTION_API_PAGE_SIZE", "2"),
    ("AUCTION_API_RETRIES", "2"),
    ("AUCTION_API_RETRY_DELAY_MS", "10"),
    ("AUCTION_API_TIMEOUT_MS", "500"),
    ("SCHEDULER_TRIGGER_TOKEN", TRIGGER_TOKEN),
];

/// Starts the scheduler calling `api_url`; `overrides` replace the defaults
/// (an empty value unsets a variable).
pub async fn start(api_url: &str, overrides: &[(&str, &str)]) -> Scheduler {
    let db = TestDb::new().await;
    let keys = platform::auth::generate_keys().unwrap();
    let mut vars: Vec<(&str, &str)> = vec![
        ("DATABASE_URL", db.url()),
        ("SCHEDULER_PORT", "0"),
        ("HTTP_WORKERS", "1"),
        ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
        ("SERVICE_TOKEN", SERVICE_TOKEN),
        ("AUCTION_API_URL", api_url),
    ];
    vars.extend(DEFAULTS);
    for (name, value) in overrides {
        vars.retain(|(n, _)| n != name);
        vars.push((name, value));
    }
    let env = platform::config::Env::from_pairs(vars);
    let running = scheduler_service::Application::from_env(&env)
        .await
        .expect("scheduler starts");
    let base = format!("http://127.0.0.1:{}", running.port);
    actix_web::rt::spawn(running.server);
    Scheduler {
        base,
        http: reqwest::Client::new(),
        db,
        issuer: TokenIssuer::from_signing_key(&keys.signing_key).unwrap(),
    }
}

impl Scheduler {
    pub fn token(&self, user_id: i64, role: Role) -> String {
        self.issuer
            .issue(UserId::new(user_id), role, TokenKind::Access, Utc::now())
    }

    pub async fn conn(&self) -> db::DbConn {
        self.db.pool().get().await.unwrap()
    }

    /// `POST /v1/jobs/auction-sync` with the trigger token.
    pub async fn sync(&self, body: Value) -> (u16, Value) {
        self.sync_as(Some(TRIGGER_TOKEN), body).await
    }

    pub async fn sync_as(&self, token: Option<&str>, body: Value) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/v1/jobs/auction-sync", self.base))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn runs(&self, token: Option<&str>, query: &str) -> (u16, Value) {
        let mut request = self.http.get(format!("{}/v1/jobs/runs{query}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn upload(
        &self,
        token: Option<&str>,
        content_type: &str,
        body: &str,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/v1/auction-results", self.base))
            .header("content-type", content_type)
            .body(body.to_owned());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Inserts an account and returns its id.
    pub async fn account(&self, name: &str, role: Role, phone: &str) -> i64 {
        self.db.account(name, role, phone).await
    }

    /// The rows of `table`, soft-deleted ones included.
    pub async fn count(&self, table: &str) -> i64 {
        self.db
            .count(&format!("SELECT count(*) FROM {table}"))
            .await
    }

    /// (table, id, updated_at) of every catalogue row: equal snapshots mean
    /// nothing was inserted, deleted or rewritten.
    pub async fn snapshot(&self) -> Vec<(String, i64, DateTime<Utc>)> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            t: String,
            #[diesel(sql_type = BigInt)]
            id: i64,
            #[diesel(sql_type = Timestamptz)]
            updated_at: DateTime<Utc>,
        }
        let mut conn = self.conn().await;
        let rows: Vec<Row> = diesel::sql_query(
            "SELECT 'flower_types' AS t, id, updated_at FROM flower_types \
             UNION ALL SELECT 'flowers', id, updated_at FROM flowers \
             UNION ALL SELECT 'bidding_flowers', id, updated_at FROM bidding_flowers \
             UNION ALL SELECT 'public_bidding_flowers', id, updated_at FROM public_bidding_flowers \
             ORDER BY 1, 2",
        )
        .load(&mut conn)
        .await
        .unwrap();
        rows.into_iter()
            .map(|r| (r.t, r.id, r.updated_at))
            .collect()
    }

    /// What core's `flowers` query will do: live flowers with a bidding day in
    /// [from, to] (KST dates) whose name or type name contains `keyword`.
    pub async fn flowers_on(&self, from: NaiveDate, to: NaiveDate, keyword: &str) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Name {
            #[diesel(sql_type = Text)]
            name: String,
        }
        let mut conn = self.conn().await;
        let rows: Vec<Name> = diesel::sql_query(
            "SELECT DISTINCT ft.name || '/' || f.name AS name \
               FROM flowers f JOIN flower_types ft ON ft.id = f.flower_type_id \
               JOIN bidding_flowers b ON b.flower_id = f.id AND b.deleted_at IS NULL \
              WHERE f.deleted_at IS NULL \
                AND (b.bidding_date AT TIME ZONE 'Asia/Seoul')::date BETWEEN $1 AND $2 \
                AND (f.name LIKE '%' || $3 || '%' OR ft.name LIKE '%' || $3 || '%') \
              ORDER BY 1",
        )
        .bind::<diesel::sql_types::Date, _>(from)
        .bind::<diesel::sql_types::Date, _>(to)
        .bind::<Text, _>(keyword)
        .load(&mut conn)
        .await
        .unwrap();
        rows.into_iter().map(|r| r.name).collect()
    }

    /// Raw rows as "type/name/grade=avg" strings, sorted.
    pub async fn raw_rows(&self) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Raw {
            #[diesel(sql_type = Text)]
            v: String,
        }
        let mut conn = self.conn().await;
        let rows: Vec<Raw> = diesel::sql_query(
            "SELECT flower_type || '/' || flower_name || '/' || grade || '=' || avg_price AS v \
               FROM public_bidding_flowers ORDER BY 1",
        )
        .load(&mut conn)
        .await
        .unwrap();
        rows.into_iter().map(|r| r.v).collect()
    }
}
