//! The aT flower-auction API, stood in for locally (the real one is a third
//! party the tests cannot reach): one page of three cut-flower rows for any
//! day, answered after `delay`; it records the query strings it received.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Starts the stand-in and answers its URL (for `AUCTION_API_URL`).
pub async fn fake_at(day: String, delay: Duration, seen: Arc<Mutex<Vec<String>>>) -> String {
    let server = HttpServer::new(move || {
        let day = day.clone();
        let seen = seen.clone();
        App::new().route(
            "/api/returnData.api",
            web::get().to(move |req: HttpRequest| {
                seen.lock().expect("lock").push(req.query_string().to_owned());
                let row = |pum: &str, good: &str, lv: &str| {
                    json!({ "saleDate": day, "flowerGubn": "절화", "pumName": pum, "goodName": good, "lvNm": lv,
                            "maxAmt": "12000", "minAmt": "8000", "avgAmt": "10000", "totAmt": "1000000", "totQty": "100" })
                };
                let body = json!({ "response": { "resultCd": "0", "resultMsg": "OK", "numOfRows": "3", "items": [
                    row("장미", "레드나오미", "특1"), row("장미", "비탈", "상1"), row("국화", "백선", "특1") ] } });
                async move {
                    tokio::time::sleep(delay).await;
                    HttpResponse::Ok().json(body)
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}/api/returnData.api")
}

impl crate::Platform {
    /// What cron does: triggers the auction sync of `date` (YYYY-MM-DD) on
    /// scheduler instance `replica` with the trigger token.
    pub async fn trigger_sync(&self, replica: usize, token: &str, date: &str) -> reqwest::Response {
        self.http
            .post(format!(
                "{}/v1/jobs/auction-sync",
                self.url_of(crate::Service::Scheduler, replica)
            ))
            .bearer_auth(token)
            .json(&json!({ "date": date }))
            .send()
            .await
            .expect("scheduler answers")
    }
}
