//! A real core over HTTP against a fresh database, plus the fixtures trading
//! tests need: accounts (signed up through the API), confirmed trading links,
//! business info, and catalogue rows (written by the scheduler in production,
//! inserted directly here).
#![allow(dead_code)]

use db::testing::TestDb;
use serde_json::{Value, json};

pub struct Core {
    pub url: String,
    pub http: reqwest::Client,
    pub db: TestDb,
    keys: platform::auth::GeneratedKeys,
}

/// Peers that refuse connections: calls to them fail as "unavailable".
pub const CLOSED_PORT_URL: &str = "http://127.0.0.1:9";

pub async fn start() -> Core {
    start_with(&[]).await
}

pub async fn start_with(extra: &[(&str, &str)]) -> Core {
    let db = TestDb::new().await;
    let keys = platform::auth::generate_keys().expect("keys");
    let url = serve(db.url(), &keys, extra).await;
    Core {
        url,
        http: reqwest::Client::new(),
        db,
        keys,
    }
}

/// Starts a core instance on `database_url` with `keys`; answers its
/// GraphQL URL.
async fn serve(
    database_url: &str,
    keys: &platform::auth::GeneratedKeys,
    extra: &[(&str, &str)],
) -> String {
    let mut pairs = vec![
        ("DATABASE_URL", database_url),
        ("CORE_PORT", "0"),
        ("HTTP_WORKERS", "2"),
        ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
        ("JWT_SIGNING_KEY", keys.signing_key.as_str()),
        ("SERVICE_TOKEN", "test-service-token"),
        ("RECEIPT_URL", CLOSED_PORT_URL),
        ("MESSAGING_URL", CLOSED_PORT_URL),
        ("ORDER_BATCH_AT", "off"),
        // Fixtures sign up more accounts from one address than a person would
        // (abuse_limits.rs tests the limits; `extra` may lower them again).
        ("SIGN_UP_LIMIT_PER_IP", "1000"),
        ("SIGN_IN_LIMIT_PER_IP", "1000"),
    ];
    pairs.extend_from_slice(extra);
    let env = platform::config::Env::from_pairs(pairs);
    let running = core_service::Application::from_env(&env)
        .await
        .expect("core starts");
    let url = format!("http://127.0.0.1:{}/graphql", running.port);
    actix_web::rt::spawn(running.server);
    url
}

pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {body}"))
}

/// The `data` of a successful response (panics with the body otherwise).
pub fn data(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    &body["data"]
}

impl Core {
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        response.json().await.expect("json body")
    }

    /// A second core on the same database (a replica), with keys of its own:
    /// answers its GraphQL URL, for `gql_at`.
    pub async fn replica(&self, extra: &[(&str, &str)]) -> String {
        let keys = platform::auth::generate_keys().expect("keys");
        serve(self.db.url(), &keys, extra).await
    }

    /// A second core on the same database with the same keys (so the same
    /// tokens) and `extra` settings: answers its GraphQL URL.
    pub async fn twin(&self, extra: &[(&str, &str)]) -> String {
        serve(self.db.url(), &self.keys, extra).await
    }

    /// A request to the core at `url` from the client address `client`
    /// (sent as X-Forwarded-For: the instance must trust it).
    pub async fn gql_at(&self, url: &str, client: &str, query: &str, variables: Value) -> Value {
        self.http
            .post(url)
            .header("x-forwarded-for", client)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json body")
    }

    /// The HTTP status with the body (a 401 answers no GraphQL errors).
    pub async fn gql_status(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json body"))
    }

    /// Signs up and returns (access token, user id).
    pub async fn account(&self, name: &str, phone: &str, role: &str) -> (String, i64) {
        let body = self
            .gql(
                None,
                "mutation($i: SignUpInput) { signUp(input: $i) { accessToken } }",
                json!({ "i": { "name": name, "phoneNo": phone, "password": "test123@@", "role": role } }),
            )
            .await;
        let token = data(&body)["signUp"]["accessToken"]
            .as_str()
            .expect("token")
            .to_owned();
        let me = self.gql(Some(&token), "{ me { id } }", json!({})).await;
        let id = data(&me)["me"]["id"].as_i64().expect("id");
        (token, id)
    }

    /// An operator: signed up as a retailer, then promoted in the database
    /// (`core admin create` does the same for real deployments).
    pub async fn admin(&self, phone: &str) -> String {
        let (token, id) = self.account("운영자", phone, "RETAILER").await;
        self.sql(&format!(
            "UPDATE user_credentials SET role = 'ADMIN' WHERE user_id = {id}"
        ))
        .await;
        token
    }

    pub async fn sql(&self, statement: &str) {
        self.db.sql(statement).await;
    }

    pub async fn count(&self, query: &str) -> i64 {
        self.db.count(query).await
    }

    /// Retailer applies, wholesaler owner confirms.
    pub async fn connect(&self, retailer: &str, wholesaler: &str, wholesaler_id: i64) {
        let applied = self
            .gql(
                Some(retailer),
                "mutation($w: Int!) { applyBizConnection(wholesalerId: $w) { id } }",
                json!({ "w": wholesaler_id }),
            )
            .await;
        let id = data(&applied)["applyBizConnection"]["id"]
            .as_i64()
            .expect("id");
        let confirmed = self
            .gql(
                Some(wholesaler),
                "mutation($c: Int!) { updateBizConnection(bizConnId: $c, status: CONFIRMED) { applyStatus } }",
                json!({ "c": id }),
            )
            .await;
        assert_eq!(
            data(&confirmed)["updateBizConnection"]["applyStatus"],
            "CONFIRMED"
        );
    }

    /// The owner (or an admin) consents to an employee joining.
    pub async fn approve_employee(&self, approver: &str, employee_id: i64) {
        let body = self
            .gql(
                Some(approver),
                "mutation($e: Int!) { approveEmployee(employeeId: $e) { id } }",
                json!({ "e": employee_id }),
            )
            .await;
        assert_eq!(data(&body)["approveEmployee"]["id"], employee_id);
    }

    pub async fn business_info(&self, token: &str, user_id: i64, company: &str) {
        let body = self
            .gql(
                Some(token),
                "mutation($i: CreateBusinessInfoInput) { upsertBusinessInfo(input: $i) { id } }",
                json!({ "i": {
                    "userId": user_id, "companyName": company, "companyPhoneNo": "02-123-4567",
                    "employerName": "김사장", "address": "서울 서초구 강남대로 27 양재꽃시장 101호",
                    "businessNo": "1234567891", "businessMainCategory": "도소매",
                    "businessSubCategory": "화훼", "sealStampImgUrl": "http://127.0.0.1:9/stamp.png",
                    "bankAccount": "농협 000-0000-0000-00 예시원예" } }),
            )
            .await;
        data(&body);
    }

    /// Catalogue rows: `count` flowers of type `type_name`, each sold at
    /// auction on `bidding_day` (KST). Returns their ids, oldest first.
    pub async fn flowers(&self, type_name: &str, names: &[&str], bidding_day: &str) -> Vec<i64> {
        self.sql(&format!(
            "INSERT INTO flower_types (name) VALUES ('{type_name}') ON CONFLICT DO NOTHING"
        ))
        .await;
        let mut ids = Vec::new();
        for name in names {
            self.sql(&format!(
                "INSERT INTO flowers (name, flower_type_id, images) \
                 SELECT '{name}', id, ARRAY['https://img.example/{name}.jpg'] FROM flower_types WHERE name = '{type_name}'"
            ))
            .await;
            let id = self
                .count(&format!(
                    "SELECT max(id) FROM flowers WHERE name = '{name}'"
                ))
                .await;
            self.sql(&format!(
                "INSERT INTO bidding_flowers (flower_id, bidding_date) \
                 VALUES ({id}, ('{bidding_day}'::date::timestamp AT TIME ZONE 'Asia/Seoul'))"
            ))
            .await;
            ids.push(id);
        }
        ids
    }

    /// Public auction rows (type, variety, aT grade, sale day, average price;
    /// volume 10), stored and put on the price board as a scheduler sync does.
    pub async fn auction_rows(&self, rows: &[(&str, &str, &str, chrono::NaiveDate, i64)]) {
        for (kind, name, grade, day, avg) in rows {
            self.sql(&format!(
                "INSERT INTO public_bidding_flowers (flower_type, flower_name, grade, quantity, \
                   max_price, min_price, avg_price, total_price, sale_date, flower_gubn) \
                 VALUES ('{kind}', '{name}', '{grade}', 10, {max}, {min}, {avg}, {total}, '{day}', 1)",
                max = avg + avg / 4,
                min = avg / 2,
                total = avg * 10,
            ))
            .await;
        }
        self.sql(
            "SELECT refresh_auction_price_board(min(sale_date), max(sale_date)) \
               FROM public_bidding_flowers",
        )
        .await;
    }

    pub async fn add_to_cart(&self, token: &str, flower: i64, quantity: i32, grade: &str) -> Value {
        self.gql(
            Some(token),
            "mutation($i: AddToCartInput) { addToCart(input: $i) { id quantity grade memo } }",
            json!({ "i": { "flowerId": flower, "quantity": quantity, "grade": grade } }),
        )
        .await
    }

    pub async fn choose_wholesaler(
        &self,
        token: &str,
        wholesaler_id: i64,
        memo: Option<&str>,
    ) -> Value {
        self.gql(
            Some(token),
            "mutation($i: UpdateShoppingSessionInput!) { updateShoppingSession(input: $i) { id memo wholesaler { id } } }",
            json!({ "i": { "wholesalerId": wholesaler_id, "memo": memo } }),
        )
        .await
    }

    pub async fn order(&self, token: &str) -> Value {
        self.gql(
            Some(token),
            "mutation { orderCartItems { id orderNo memo totalFlowerQuantity totalFlowerTypeCount totalFlowerPrice \
               orderItems { id quantity grade price flower { name } } } }",
            json!({}),
        )
        .await
    }
}

/// A market with one wholesaler (owner + approved employee, and an employee
/// still waiting for the owner's consent), two retailers (the first connected
/// to the wholesaler), a second wholesaler, and three flowers.
pub struct Market {
    pub core: Core,
    pub owner: String,
    pub owner_id: i64,
    /// Approved by the owner: acts for it.
    pub employee: String,
    pub employee_id: i64,
    /// Signed up under the owner's name, never approved: acts for nobody.
    pub pending_employee: String,
    pub pending_employee_id: i64,
    pub other_wholesaler: String,
    pub other_wholesaler_id: i64,
    pub retailer: String,
    pub retailer_id: i64,
    pub other_retailer: String,
    pub admin: String,
    pub flowers: Vec<i64>,
}

pub async fn market() -> Market {
    market_on(start().await).await
}

pub async fn market_on(core: Core) -> Market {
    let (owner, owner_id) = core
        .account("그린도매", "01011110001", "WHOLESALER_EMPR")
        .await;
    let (employee, employee_id) = core
        .account("그린도매", "01011110002", "WHOLESALER_EMPE")
        .await;
    core.approve_employee(&owner, employee_id).await;
    let (pending_employee, pending_employee_id) = core
        .account("그린도매", "01011110004", "WHOLESALER_EMPE")
        .await;
    let (other_wholesaler, other_wholesaler_id) = core
        .account("블루도매", "01011110003", "WHOLESALER_EMPR")
        .await;
    let (retailer, retailer_id) = core.account("행복꽃집", "01022220001", "RETAILER").await;
    let (other_retailer, _) = core.account("다른꽃집", "01022220002", "RETAILER").await;
    let admin = core.admin("01099990001").await;
    core.connect(&retailer, &owner, owner_id).await;
    let today = chrono::Utc::now()
        .with_timezone(&domain::time::KST)
        .date_naive()
        .to_string();
    let flowers = core
        .flowers("장미", &["레드나오미", "비탈", "카르멘"], &today)
        .await;
    Market {
        core,
        owner,
        owner_id,
        employee,
        employee_id,
        pending_employee,
        pending_employee_id,
        other_wholesaler,
        other_wholesaler_id,
        retailer,
        retailer_id,
        other_retailer,
        admin,
        flowers,
    }
}

impl Market {
    /// The connected retailer orders `lines` (flower index, quantity, grade).
    pub async fn ordered_sheet(&self, lines: &[(usize, i32, &str)]) -> Value {
        for (flower, quantity, grade) in lines {
            data(
                &self
                    .core
                    .add_to_cart(&self.retailer, self.flowers[*flower], *quantity, grade)
                    .await,
            );
        }
        data(
            &self
                .core
                .choose_wholesaler(&self.retailer, self.owner_id, Some("오전 배송"))
                .await,
        );
        let body = self.core.order(&self.retailer).await;
        data(&body)["orderCartItems"].clone()
    }
}
