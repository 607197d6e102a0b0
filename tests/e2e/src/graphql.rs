//! Core's GraphQL as the tests call it: one operation, its `data` (a test
//! fails on any error), and accounts signed up through it.

use crate::{Platform, Service};
use serde_json::{Value, json};

/// The password every test account signs up with.
pub const PASSWORD: &str = "test123@@";

impl Platform {
    /// Runs one operation as `token` (or anonymously) and answers its `data`.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.url(Service::Core)))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body: Value = request
            .send()
            .await
            .expect("core")
            .json()
            .await
            .expect("json");
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body["data"].clone()
    }

    /// Signs up and answers (access token, user id).
    pub async fn account(&self, name: &str, phone: &str, role: &str) -> (String, i64) {
        let data = self
            .gql(
                None,
                "mutation($i: SignUpInput) { signUp(input: $i) { accessToken } }",
                json!({ "i": { "name": name, "phoneNo": phone, "password": PASSWORD, "role": role } }),
            )
            .await;
        let token = data["signUp"]["accessToken"]
            .as_str()
            .expect("token")
            .to_owned();
        let me = self.gql(Some(&token), "{ me { id } }", json!({})).await;
        (token, me["me"]["id"].as_i64().expect("id"))
    }
}

impl Platform {
    /// A retailer signed up and linked (applied, confirmed) to the wholesaler
    /// `owner_id` whose owner holds `owner`; answers its token.
    pub async fn linked_retailer(
        &self,
        owner: &str,
        owner_id: i64,
        name: &str,
        phone: &str,
    ) -> String {
        let (token, _) = self.account(name, phone, "RETAILER").await;
        let applied = self
            .gql(
                Some(&token),
                "mutation($w: Int!) { applyBizConnection(wholesalerId: $w) { id } }",
                json!({ "w": owner_id }),
            )
            .await;
        self.gql(
            Some(owner),
            "mutation($c: Int!) { updateBizConnection(bizConnId: $c, status: CONFIRMED) { id } }",
            json!({ "c": applied["applyBizConnection"]["id"] }),
        )
        .await;
        token
    }

    /// An operator: signed up, then promoted in the database (as `core admin
    /// create` does for real deployments). Answers a token minted after the
    /// promotion is not needed: core reads the role from the database.
    pub async fn admin(&self, phone: &str) -> String {
        let (token, id) = self.account("운영자", phone, "RETAILER").await;
        self.db
            .sql(&format!(
                "UPDATE user_credentials SET role = 'ADMIN' WHERE user_id = {id}"
            ))
            .await;
        token
    }

    /// One flower on sale today (as the scheduler would have stored it);
    /// answers its id.
    pub async fn seed_flower(&self) -> i64 {
        use diesel_async::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let mut conn = self.db.pool().get().await.expect("conn");
        let ids: Vec<Id> = diesel::sql_query(
            "WITH t AS (INSERT INTO flower_types (name) VALUES ('장미') RETURNING id), \
                  f AS (INSERT INTO flowers (name, flower_type_id, images) \
                        SELECT '레드나오미', id, ARRAY['https://img.example/r.jpg'] FROM t RETURNING id), \
                  b AS (INSERT INTO bidding_flowers (flower_id, bidding_date) SELECT id, now() FROM f) \
             SELECT id FROM f",
        )
        .load(&mut conn)
        .await
        .expect("catalogue");
        ids[0].id
    }
}

impl Platform {
    /// The single `n` a counting statement answers (`SELECT count(*) AS n …`).
    pub async fn count(&self, statement: &str) -> i64 {
        self.db.count(statement).await
    }
}

impl Platform {
    /// Puts `quantity` of `flower` (grade 상) in the florist's cart for the
    /// wholesaler `wholesaler_id`, with an optional memo.
    pub async fn fill_cart(
        &self,
        florist: &str,
        flower: i64,
        quantity: i32,
        wholesaler_id: i64,
        memo: Option<&str>,
    ) {
        self.gql(
            Some(florist),
            "mutation($f: Int!, $q: Int!) { addToCart(input: { flowerId: $f, quantity: $q, grade: UPPER }) { id } }",
            json!({ "f": flower, "q": quantity }),
        )
        .await;
        self.gql(
            Some(florist),
            "mutation($w: Int, $m: String) { updateShoppingSession(input: { wholesalerId: $w, memo: $m }) { id } }",
            json!({ "w": wholesaler_id, "m": memo }),
        )
        .await;
    }

    /// Fills the cart as `fill_cart` and orders it: answers the sheet
    /// (`id`, `orderNo`, `orderItems { id }`).
    pub async fn order(
        &self,
        florist: &str,
        flower: i64,
        quantity: i32,
        wholesaler_id: i64,
        memo: Option<&str>,
    ) -> Value {
        self.fill_cart(florist, flower, quantity, wholesaler_id, memo)
            .await;
        let ordered = self
            .gql(
                Some(florist),
                "mutation { orderCartItems { id orderNo orderItems { id } } }",
                json!({}),
            )
            .await;
        ordered["orderCartItems"].clone()
    }

    /// The wholesaler `owner` prices one line.
    pub async fn price_line(&self, owner: &str, line: &Value, price: i32) {
        self.gql(
            Some(owner),
            "mutation($i: Int!, $p: Int!) { updateOrderItemsPrice(items: [{ id: $i, price: $p }]) { id } }",
            json!({ "i": line, "p": price }),
        )
        .await;
    }

    /// The wholesaler's business info (what a statement prints), naming
    /// `stamp_url` as its seal stamp.
    pub async fn business_info(&self, owner: &str, owner_id: i64, stamp_url: &str) {
        self.gql(
            Some(owner),
            "mutation($i: CreateBusinessInfoInput) { upsertBusinessInfo(input: $i) { id } }",
            json!({ "i": {
                "userId": owner_id, "companyName": "그린원예", "companyPhoneNo": "02-123-4567",
                "employerName": "김사장", "address": "서울 서초구 강남대로 27", "businessNo": "1234567891",
                "businessMainCategory": "도소매", "businessSubCategory": "화훼",
                "sealStampImgUrl": stamp_url, "bankAccount": "농협 000-0000-0000-00" } }),
        )
        .await;
    }
}
