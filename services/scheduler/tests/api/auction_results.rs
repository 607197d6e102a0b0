//! Wholesalers' auction-result uploads over real HTTP: CSV and JSON, bad lines
//! reported by number while good lines are kept, idempotent re-uploads,
//! employees acting for their employer, and everyone else refused.

#![allow(clippy::unwrap_used)]

use crate::support::fake_at::{FakeAt, Reply, at_page};
use crate::support::{SERVICE_TOKEN, Scheduler, start};
use domain::Role;
use serde_json::{Value, json};

const HEADER: &str = "flowerName,flowerTypeName,flowerGrade,boxCount,flowerCount,price,totalPrice,serialCode,shipper,auctionDate";

fn error_code(body: &Value) -> &str {
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {body}"))
}

async fn app() -> Scheduler {
    let fake = FakeAt::start(|_| Reply::Json(at_page(&[]))).await;
    start(&fake.url, &[]).await
}

#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    wholesaler_id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    serial_code: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    price: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    shipper: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
    retail_price: Option<i32>,
}

async fn lines(app: &Scheduler) -> Vec<Line> {
    let mut conn = app.conn().await;
    diesel_async::RunQueryDsl::load(
        diesel::sql_query(
            "SELECT wholesaler_id, serial_code, price, shipper, retail_price \
               FROM auction_results ORDER BY wholesaler_id, serial_code",
        ),
        &mut conn,
    )
    .await
    .unwrap()
}

#[actix_web::test]
async fn an_owner_uploads_csv_bad_lines_are_reported_and_re_uploads_change_nothing() {
    let app = app().await;
    let owner_id = app
        .account("그린도매", Role::WholesalerEmpr, "01011112222")
        .await;
    let owner = app.token(owner_id, Role::WholesalerEmpr);
    let csv = format!(
        "{HEADER}\n\
         블론디,장미,상,2,20,9000,180000,A-001,\"양재농원, 1동\",20261123\n\
         비탈,장미,중,1,10,12.5,12000,A-002,,20261123\n\
         백마,국화,상,1,10,5000,50000,,,20261123\n\
         신마,국화,하,3,30,4000,120000,A-004,,2026-11-23\n\
         정흥,국화,하,3,30,4000,120000,A-005,,20261123\n"
    );
    let (status, report) = app
        .upload(Some(&owner), "text/csv; charset=utf-8", &csv)
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["received"], 5);
    assert_eq!(report["inserted"], 2);
    assert_eq!(
        report["rejected"],
        json!([
            { "line": 3, "reason": "price must be a whole non-negative number, got \"12.5\"" },
            { "line": 4, "reason": "serialCode is missing" },
            { "line": 5, "reason": "auctionDate must be a whole non-negative number, got \"2026-11-23\"" },
        ])
    );
    let stored = lines(&app).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].serial_code, "A-001");
    assert_eq!(stored[0].shipper.as_deref(), Some("양재농원, 1동"));
    assert_eq!(stored[1].shipper, None);
    assert!(stored.iter().all(|l| l.wholesaler_id == owner_id));

    // The same file again: nothing new, nothing rewritten.
    let (status, again) = app.upload(Some(&owner), "text/csv", &csv).await;
    assert_eq!(status, 200);
    assert_eq!(
        (again["inserted"].as_i64(), again["updated"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(again["unchanged"], 2);

    // A corrected price updates the line but keeps the wholesaler's own retail price.
    let mut conn = app.conn().await;
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE auction_results SET retail_price = 15000 WHERE serial_code = 'A-001'",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    let fix =
        format!("{HEADER}\n블론디,장미,상,2,20,9500,190000,A-001,\"양재농원, 1동\",20261123\n");
    let (status, fixed) = app.upload(Some(&owner), "text/csv", &fix).await;
    assert_eq!(status, 200, "{fixed}");
    assert_eq!(fixed["updated"], 1);
    let stored = lines(&app).await;
    assert_eq!(
        (stored[0].price, stored[0].retail_price),
        (9500, Some(15000))
    );
}

#[actix_web::test]
async fn an_employee_uploads_json_for_its_employer_and_wholesalers_stay_apart() {
    let app = app().await;
    let owner_id = app
        .account("그린도매", Role::WholesalerEmpr, "01011112222")
        .await;
    let employee_id = app
        .account("그린도매", Role::WholesalerEmpe, "01033334444")
        .await;
    let other_id = app
        .account("블루도매", Role::WholesalerEmpr, "01055556666")
        .await;
    {
        let mut conn = app.conn().await;
        db::connections::link_employee(&mut conn, owner_id, employee_id)
            .await
            .unwrap();
    }
    let line = |serial: &str, price: i64| {
        json!({
            "flowerName": "블론디", "flowerTypeName": "장미", "flowerGrade": "상",
            "boxCount": 2, "flowerCount": 20, "price": price, "totalPrice": price * 20,
            "serialCode": serial, "shipper": "양재농원", "auctionDate": 20261123
        })
    };
    let body = json!([line("S-1", 9000), line("S-2", -5), line("S-3", 8000)]).to_string();
    let employee = app.token(employee_id, Role::WholesalerEmpe);
    let (status, report) = app.upload(Some(&employee), "application/json", &body).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["inserted"], 2);
    assert_eq!(report["rejected"][0]["line"], 2);

    // Another wholesaler may use the same serial codes: its own lines.
    let other = app.token(other_id, Role::WholesalerEmpr);
    let (status, report) = app
        .upload(
            Some(&other),
            "application/json",
            &json!([line("S-1", 7000)]).to_string(),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["inserted"], 1);

    let stored = lines(&app).await;
    let owners: Vec<(i64, &str, i32)> = stored
        .iter()
        .map(|l| (l.wholesaler_id, l.serial_code.as_str(), l.price))
        .collect();
    assert_eq!(
        owners,
        [
            (owner_id, "S-1", 9000),
            (owner_id, "S-3", 8000),
            (other_id, "S-1", 7000)
        ]
    );
}

#[actix_web::test]
async fn retailers_strangers_and_bad_files_are_refused() {
    let app = app().await;
    let retailer_id = app.account("꽃집", Role::Retailer, "01011112222").await;
    let loner_id = app
        .account("혼자도매", Role::WholesalerEmpe, "01033334444")
        .await;
    let owner_id = app
        .account("그린도매", Role::WholesalerEmpr, "01055556666")
        .await;
    let csv = format!("{HEADER}\n블론디,장미,상,2,20,9000,180000,A-001,,20261123\n");

    assert_eq!(app.upload(None, "text/csv", &csv).await.0, 401);
    for token in [
        app.token(retailer_id, Role::Retailer),
        app.token(1, Role::Admin),
        SERVICE_TOKEN.to_owned(),
    ] {
        let (status, body) = app.upload(Some(&token), "text/csv", &csv).await;
        assert_eq!((status, error_code(&body)), (403, "PERMISSION_DENIED"));
    }
    let loner = app.token(loner_id, Role::WholesalerEmpe);
    let (status, body) = app.upload(Some(&loner), "text/csv", &csv).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "NO_WHOLESALE_CONNECTION")
    );
    // A token claiming an owner role for a retailer account is not enough.
    let forged = app.token(retailer_id, Role::WholesalerEmpr);
    assert_eq!(app.upload(Some(&forged), "text/csv", &csv).await.0, 403);

    let owner = app.token(owner_id, Role::WholesalerEmpr);
    let (status, body) = app.upload(Some(&owner), "text/plain", &csv).await;
    assert_eq!((status, error_code(&body)), (415, "INVALID_FORMAT"));
    let (status, body) = app
        .upload(Some(&owner), "text/csv", "flowerName,price\nx,1\n")
        .await;
    assert_eq!((status, error_code(&body)), (400, "INVALID_FORMAT"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("missing columns")
    );
    let (status, body) = app
        .upload(Some(&owner), "application/json", "{\"a\":1}")
        .await;
    assert_eq!((status, error_code(&body)), (400, "INVALID_FORMAT"));
    let (status, body) = app
        .upload(Some(&owner), "text/csv", &format!("{HEADER}\n"))
        .await;
    assert_eq!((status, error_code(&body)), (400, "INVALID_DATA"));
    assert!(lines(&app).await.is_empty());
}

/// One client sending an upload a byte at a time over a raw socket: the
/// status line it finally got back (or what went wrong).
fn slow_upload(address: String, token: String) -> std::thread::JoinHandle<String> {
    use std::io::{Read, Write};
    std::thread::spawn(move || {
        let mut stream = match std::net::TcpStream::connect(&address) {
            Ok(stream) => stream,
            Err(e) => return format!("connect: {e}"),
        };
        let head = format!(
            "POST /v1/auction-results HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\n"
        );
        if let Err(e) = stream.write_all(head.as_bytes()) {
            return format!("write: {e}");
        }
        let mut reader = stream.try_clone().expect("clone");
        reader
            .set_read_timeout(Some(std::time::Duration::from_millis(200)))
            .expect("timeout");
        let mut answer = Vec::new();
        let mut buffer = [0_u8; 512];
        // Trickle the body until the server answers (or 20 s pass).
        for _ in 0..100 {
            if stream.write_all(b"x").is_err() {
                // The server closed the connection: read what it said.
                let _ = reader.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            }
            match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buffer[..n]);
                    if answer.windows(2).any(|w| w == b"\r\n") {
                        break;
                    }
                }
                Err(_) => {}
            }
        }
        let text = String::from_utf8_lossy(&answer);
        text.lines().next().unwrap_or("no answer").to_owned()
    })
}

/// A dozen clients sending their uploads slowly hold no database connection:
/// with a pool of two, `/readyz` and another upload still answer, and each
/// slow sender is cut off at the body timeout.
#[actix_web::test]
async fn slow_uploads_hold_no_database_connection() {
    let fake = FakeAt::start(|_| Reply::Json(at_page(&[]))).await;
    let app = start(
        &fake.url,
        &[
            ("DATABASE_POOL_SIZE", "2"),
            ("SCHEDULER_UPLOAD_TIMEOUT_SECS", "3"),
        ],
    )
    .await;
    let owner_id = app
        .account("그린도매", Role::WholesalerEmpr, "01011112222")
        .await;
    let owner = app.token(owner_id, Role::WholesalerEmpr);
    let address = app.base.trim_start_matches("http://").to_owned();
    let slow: Vec<_> = (0..12)
        .map(|_| slow_upload(address.clone(), owner.clone()))
        .collect();
    // Let the server take all twelve requests in and start reading them.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let ready = app
        .http
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "the pool is not held by slow senders");
    let csv = format!("{HEADER}\n블론디,장미,상,2,20,9000,180000,A-001,,20261123\n");
    let (status, report) = app.upload(Some(&owner), "text/csv", &csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["inserted"], 1);

    let answers = tokio::task::spawn_blocking(move || {
        slow.into_iter()
            .map(|h| h.join().unwrap_or_else(|_| "panicked".to_owned()))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for answer in &answers {
        assert!(answer.starts_with("HTTP/1.1 408"), "{answers:?}");
    }
    assert_eq!(
        lines(&app).await.len(),
        1,
        "nothing of the slow uploads was stored"
    );
}

#[actix_web::test]
async fn oversized_uploads_and_nul_characters_are_clear_errors() {
    let fake = FakeAt::start(|_| Reply::Json(at_page(&[]))).await;
    let app = start(&fake.url, &[("SCHEDULER_UPLOAD_MAX_BYTES", "2048")]).await;
    let owner_id = app
        .account("그린도매", Role::WholesalerEmpr, "01011112222")
        .await;
    let owner = app.token(owner_id, Role::WholesalerEmpr);
    let line = "블론디,장미,상,2,20,9000,180000,A-001,,20261123\n";
    let big = format!("{HEADER}\n{}", line.repeat(60));
    let (status, body) = app.upload(Some(&owner), "text/csv", &big).await;
    assert_eq!((status, error_code(&body)), (413, "INVALID_DATA"));

    let nul = format!("{HEADER}\n블론디\0,장미,상,2,20,9000,180000,A-001,,20261123\n");
    let (status, body) = app.upload(Some(&owner), "text/csv", &nul).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "INVALID_FORMAT"),
        "{body}"
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("NUL"));
    let json = r#"[{"flowerName":"블론디\u0000","flowerTypeName":"장미","flowerGrade":"상",
        "boxCount":2,"flowerCount":20,"price":9000,"totalPrice":180000,
        "serialCode":"A-1","auctionDate":20261123}]"#;
    let (status, body) = app.upload(Some(&owner), "application/json", json).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "INVALID_FORMAT"),
        "{body}"
    );
    assert!(lines(&app).await.is_empty());
}
