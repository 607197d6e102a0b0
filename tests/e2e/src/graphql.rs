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
