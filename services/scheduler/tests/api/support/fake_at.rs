//! A local stand-in for the aT open API (`returnData.api`): records every call
//! (its query parameters) and answers what the test scripts, including slow,
//! failing and held-back answers. Shared by the tests and the benchmark.

#![allow(dead_code, clippy::unwrap_used)]

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};

/// One call the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    /// 1-based, in arrival order.
    pub number: usize,
    pub query: HashMap<String, String>,
}

impl Call {
    pub fn page(&self) -> usize {
        self.query
            .get("currentPage")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    }

    pub fn page_size(&self) -> usize {
        self.query
            .get("countPerPage")
            .and_then(|p| p.parse().ok())
            .unwrap_or(10)
    }
}

pub enum Reply {
    Json(Value),
    Status(u16),
    Text(String),
    /// Answer after a delay (longer than the client's timeout = a timeout).
    Slow(Duration, Box<Reply>),
    /// Answer only once the test calls [`FakeAt::release`].
    Held(Box<Reply>),
}

type Responder = Box<dyn Fn(&Call) -> Reply + Send + Sync>;

struct State {
    responder: Mutex<Responder>,
    calls: Mutex<Vec<Call>>,
    count: watch::Sender<usize>,
    gate: Semaphore,
}

pub struct FakeAt {
    pub url: String,
    state: Arc<State>,
}

impl FakeAt {
    pub async fn start(responder: impl Fn(&Call) -> Reply + Send + Sync + 'static) -> FakeAt {
        let state = Arc::new(State {
            responder: Mutex::new(Box::new(responder)),
            calls: Mutex::new(Vec::new()),
            count: watch::channel(0).0,
            gate: Semaphore::new(0),
        });
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/api/returnData.api", web::get().to(handle))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        actix_web::rt::spawn(server.run());
        FakeAt {
            url: format!("http://127.0.0.1:{port}/api/returnData.api"),
            state,
        }
    }

    /// Serves `items` as one day, paged by the request's countPerPage/currentPage.
    pub async fn day(items: Vec<Value>) -> FakeAt {
        FakeAt::start(move |call| Reply::Json(page_of(&items, call))).await
    }

    /// Replaces the script (e.g. the next run sees different data).
    pub fn respond(&self, responder: impl Fn(&Call) -> Reply + Send + Sync + 'static) {
        *self.state.responder.lock().unwrap() = Box::new(responder);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().unwrap().clone()
    }

    pub fn forget_calls(&self) {
        self.state.calls.lock().unwrap().clear();
    }

    /// Waits until `n` calls in total have arrived.
    pub async fn wait_for_calls(&self, n: usize) {
        let mut rx = self.state.count.subscribe();
        rx.wait_for(|count| *count >= n).await.unwrap();
    }

    /// Lets one held reply go.
    pub fn release(&self) {
        self.state.gate.add_permits(1);
    }
}

async fn handle(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    let query: HashMap<String, String> =
        web::Query::<HashMap<String, String>>::from_query(req.query_string())
            .map(web::Query::into_inner)
            .unwrap_or_default();
    let call = {
        let mut calls = state.calls.lock().unwrap();
        let number = state.count.borrow().to_owned() + 1;
        let call = Call { number, query };
        calls.push(call.clone());
        call
    };
    state.count.send_modify(|n| *n += 1);
    let reply = (state.responder.lock().unwrap())(&call);
    render(reply, &state).await
}

async fn render(mut reply: Reply, state: &State) -> HttpResponse {
    loop {
        reply = match reply {
            Reply::Json(v) => return HttpResponse::Ok().json(v),
            Reply::Status(code) => {
                let status = actix_web::http::StatusCode::from_u16(code).unwrap();
                return HttpResponse::build(status).body("upstream error");
            }
            Reply::Text(body) => return HttpResponse::Ok().content_type("text/html").body(body),
            Reply::Slow(delay, inner) => {
                tokio::time::sleep(delay).await;
                *inner
            }
            Reply::Held(inner) => {
                state.gate.acquire().await.unwrap().forget();
                *inner
            }
        }
    }
}

/// An aT response page.
pub fn at_page(items: &[Value]) -> Value {
    json!({ "response": {
        "resultCd": "0", "resultMsg": "OK",
        "numOfRows": items.len().to_string(), "items": items
    }})
}

pub fn at_error(code: &str, message: &str) -> Value {
    json!({ "response": { "resultCd": code, "resultMsg": message } })
}

/// The page of `items` a call asks for.
pub fn page_of(items: &[Value], call: &Call) -> Value {
    let size = call.page_size().max(1);
    let start = (call.page() - 1).saturating_mul(size).min(items.len());
    let end = (start + size).min(items.len());
    at_page(&items[start..end])
}

/// One f001 item; every value is a string, as aT sends them.
pub fn item(date: &str, pum: &str, good: &str, grade: &str, qty: u32, avg: u32) -> Value {
    json!({
        "saleDate": date, "flowerGubn": "절화", "pumName": pum, "goodName": good,
        "lvNm": grade, "maxAmt": (avg + avg / 4).to_string(), "minAmt": (avg / 2).to_string(),
        "avgAmt": avg.to_string(), "totAmt": (avg * qty).to_string(), "totQty": qty.to_string()
    })
}

/// A generated day of `n` distinct rows (types × varieties × grades).
pub fn generated_day(date: &str, n: usize) -> Vec<Value> {
    const TYPES: [&str; 12] = [
        "장미",
        "국화",
        "카네이션",
        "튤립",
        "안개꽃",
        "리시안서스",
        "거베라",
        "프리지아",
        "백합",
        "알스트로메리아",
        "스타티스",
        "수국",
    ];
    const GRADES: [&str; 5] = ["특1", "특2", "상1", "상2", "보1"];
    (0..n)
        .map(|i| {
            let grade = GRADES[i % GRADES.len()];
            let variety = i / GRADES.len();
            let pum = TYPES[variety % TYPES.len()];
            let good = format!("품종{:04}", variety);
            item(
                date,
                pum,
                &good,
                grade,
                10 + (i % 400) as u32,
                3000 + (i % 97) as u32 * 100,
            )
        })
        .collect()
}
