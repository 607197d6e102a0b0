//! Daily statements and statements of account over real HTTP against a fresh
//! database: what they print, what a daily one bills (and never bills twice),
//! idempotent retries, who may issue and read, and bad input.

use crate::support::{self, App, Parties, SERVICE_TOKEN, pdf_text, start};
use chrono::NaiveDate;
use db::ledger::NewEntry;
use domain::Role;
use serde_json::{Value, json};

fn code(body: &Value) -> &str {
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {body}"))
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

async fn issue(app: &App, token: &str, body: Value, key: Option<&str>) -> (u16, Value) {
    let mut request = app
        .http
        .post(format!("{}/v1/account-statements", app.base))
        .bearer_auth(token)
        .json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// A sheet of 26,000 (see `App::sheet`) created at `at` (KST wall clock).
async fn sheet_at(app: &App, p: &Parties, order_no: &str, at: &str) -> i64 {
    let sheet = app.sheet(p, order_no).await;
    app.sql(&format!(
        "UPDATE order_sheets SET created_at = '{at}+09' WHERE id = {sheet}"
    ))
    .await;
    sheet
}

async fn record(app: &App, entry: NewEntry) {
    let mut conn = app.db.pool().get().await.expect("conn");
    db::ledger::record(&mut conn, &entry).await.expect("entry");
}

async fn pdf_of(app: &App, id: i64) -> String {
    let response = app
        .get(
            &format!("/v1/account-statements/{id}/file"),
            Some(SERVICE_TOKEN),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    pdf_text(&response.bytes().await.expect("pdf"))
}

/// The pair's balance is the sum of its entries.
async fn assert_balanced(app: &App, p: &Parties) {
    let sum = app
        .count(&format!(
            "SELECT coalesce(sum(amount), 0)::int8 AS n FROM ledger_entries \
             WHERE wholesaler_id = {} AND retailer_id = {}",
            p.wholesaler, p.retailer
        ))
        .await;
    let balance = app
        .count(&format!(
            "SELECT balance AS n FROM ledger_accounts WHERE wholesaler_id = {} AND retailer_id = {}",
            p.wholesaler, p.retailer
        ))
        .await;
    assert_eq!(balance, sum);
}

fn line_with<'t>(text: &'t str, needle: &str) -> &'t str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
}

#[actix_web::test]
async fn a_daily_statement_adds_up_the_day_and_bills_each_sheet_once() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let a = sheet_at(&app, &p, "261207M00001", "2026-12-07 09:30:00").await;
    let b = sheet_at(&app, &p, "261207M00002", "2026-12-07 23:10:00").await;
    // The day before and the day after (KST) are other days.
    sheet_at(&app, &p, "261206M00003", "2026-12-06 23:59:00").await;
    sheet_at(&app, &p, "261208M00004", "2026-12-08 00:00:00").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);

    // Sheet A is billed by its own statement first (26,000).
    let (status, receipt) = app.issue(a, Some(&owner), None).await;
    assert_eq!(status, 201, "{receipt}");
    let day = date("2026-12-07");
    record(
        &app,
        NewEntry::adjustment(
            p.wholesaler,
            p.retailer,
            5_000,
            "이월".into(),
            date("2026-12-01"),
        ),
    )
    .await;
    record(
        &app,
        NewEntry::payment(p.wholesaler, p.retailer, 10_000, "TRANSFER", day),
    )
    .await;
    // Owed now: 26,000 + 5,000 − 10,000 = 21,000.

    let body = json!({ "kind": "DAILY", "retailerId": p.retailer, "day": "2026-12-07" });
    let (status, doc) = issue(&app, &owner, body, Some("daily-1")).await;
    assert_eq!(status, 201, "{doc}");
    let id = doc["id"].as_i64().expect("id");
    assert_eq!(doc["kind"], "DAILY");
    assert_eq!(
        (doc["periodFrom"].as_str(), doc["periodTo"].as_str()),
        (Some("2026-12-07"), Some("2026-12-07"))
    );
    assert_eq!(doc["wholesalerId"], p.wholesaler);
    assert_eq!(doc["fileName"], "daily_(주)양재꽃도매/본점_20261207");
    assert_eq!(
        doc["filePath"],
        format!("https://receipts.example.test/v1/account-statements/{id}/file")
    );
    // 금일 52,000 (two sheets); 입금 10,000; 잔액 21,000 + 26,000 (B) = 47,000;
    // 전잔액 = 47,000 − 52,000 + 10,000 = 5,000.
    assert_eq!(doc["charges"], 52_000);
    assert_eq!(doc["payments"], 10_000);
    assert_eq!(doc["closingBalance"], 47_000);
    assert_eq!(doc["openingBalance"], 5_000);
    let meta: Value =
        serde_json::from_str(doc["metadata"].as_str().expect("metadata")).expect("json");
    assert_eq!(meta["orderNos"], json!(["261207M00001", "261207M00002"]));
    assert_eq!(
        (meta["total"].as_i64(), meta["vatTotal"].as_i64()),
        (Some(52_000), Some(2_000))
    );

    // A was billed at the same total already: left alone. B is billed by
    // this document. Nothing reversed.
    let charges_of = |sheet: i64| {
        format!(
            "SELECT count(*) AS n FROM ledger_entries WHERE kind = 'CHARGE' AND order_sheet_id = {sheet}"
        )
    };
    assert_eq!(app.count(&charges_of(a)).await, 1);
    assert_eq!(app.count(&charges_of(b)).await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM ledger_entries WHERE account_statement_id = {id} \
             AND order_sheet_id = {b} AND amount = 26000 AND entry_date = '2026-12-07' \
             AND exempt_supply = 15000 AND taxable_supply = 10000 AND vat = 1000"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'REVERSAL'")
            .await,
        0
    );
    assert_balanced(&app, &p).await;

    let text = pdf_of(&app, id).await;
    for expected in [
        "261207M00001 외 1건",
        "일일 합계",
        "행복한꽃집 귀하",
        "[261207M00001] (장미)블론디-상",
        "[261207M00002] (장미)블론디-상",
        "[261207M00002] (부자재)리본-상",
        "₩ 50,000",
        "₩ 2,000",
        "₩ 52,000",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("261206M00003") && !text.contains("261208M00004"));
    // The shipping fee once per sheet, taxable: 5,000 = 4,545 + 455.
    assert_eq!(text.matches("배송비").count(), 2);
    let previous = line_with(&text, "전잔액");
    assert!(
        previous.contains("5,000") && previous.contains("52,000"),
        "{previous}"
    );
    let paid = line_with(&text, "입금");
    assert!(paid.contains("10,000") && paid.contains("47,000"), "{paid}");

    // B's price changes: the next daily statement reverses B's charge and
    // bills 31,000; A stays as it was.
    app.sql(&format!(
        "UPDATE order_items SET price = 2000 WHERE order_sheet_id = {b} AND price = 1500"
    ))
    .await;
    let body = json!({ "kind": "DAILY", "retailerId": p.retailer, "day": "2026-12-07" });
    let (status, again) = issue(&app, &owner, body, Some("daily-2")).await;
    assert_eq!(status, 201, "{again}");
    let second = again["id"].as_i64().expect("id");
    assert_ne!(second, id);
    assert_eq!(again["charges"], 57_000);
    assert_eq!(again["closingBalance"], 52_000);
    assert_eq!(again["openingBalance"], 5_000);
    assert_eq!(app.count(&charges_of(a)).await, 1);
    assert_eq!(app.count(&charges_of(b)).await, 2);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM ledger_entries r JOIN ledger_entries c ON c.id = r.reverses_id \
             WHERE r.kind = 'REVERSAL' AND r.amount = -26000 AND c.account_statement_id = {id}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM ledger_entries WHERE account_statement_id = {second} \
             AND kind = 'CHARGE' AND order_sheet_id = {b} AND amount = 31000"
        ))
        .await,
        1
    );
    assert_balanced(&app, &p).await;
    assert_eq!(
        app.count(&format!(
            "SELECT balance AS n FROM ledger_accounts WHERE retailer_id = {}",
            p.retailer
        ))
        .await,
        52_000
    );
    let text = pdf_of(&app, second).await;
    assert!(text.contains("₩ 57,000"), "{text}");
    assert!(line_with(&text, "입금").contains("52,000"));

    // The first document is immutable: its figures and file stay as issued.
    let response = app
        .get(&format!("/v1/account-statements/{id}"), Some(&owner))
        .await;
    let read: Value = response.json().await.expect("json");
    assert_eq!(read, doc);
}

#[actix_web::test]
async fn a_period_statement_lists_the_entries_with_opening_and_closing_balances() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let employee = app.token(p.employee, Role::WholesalerEmpe);
    sheet_at(&app, &p, "261130M00001", "2026-11-30 10:00:00").await;
    sheet_at(&app, &p, "261210M00002", "2026-12-10 10:00:00").await;
    for day in ["2026-11-30", "2026-12-10"] {
        let body = json!({ "kind": "DAILY", "retailerId": p.retailer, "day": day });
        let (status, doc) = issue(&app, &owner, body, None).await;
        assert_eq!(status, 201, "{doc}");
    }
    let (w, r) = (p.wholesaler, p.retailer);
    record(
        &app,
        NewEntry::payment(w, r, 20_000, "TRANSFER", date("2026-12-02")),
    )
    .await;
    record(
        &app,
        NewEntry::adjustment(w, r, 1_500, "포장비".into(), date("2026-12-05")),
    )
    .await;
    record(
        &app,
        NewEntry::payment(w, r, 30_000, "CASH", date("2026-12-15")),
    )
    .await;
    record(
        &app,
        NewEntry::payment(w, r, 1_000, "CARD", date("2027-01-03")),
    )
    .await;
    let entries = app.count("SELECT count(*) AS n FROM ledger_entries").await;

    let body =
        json!({ "kind": "PERIOD", "retailerId": r, "from": "2026-12-01", "to": "2026-12-31" });
    let (status, doc) = issue(&app, &employee, body, Some("period-12")).await;
    assert_eq!(status, 201, "{doc}");
    // Carried in: the 11-30 charge, 26,000. Then −20,000 → 6,000; +1,500 →
    // 7,500; +26,000 → 33,500; −30,000 → 3,500.
    assert_eq!(doc["kind"], "PERIOD");
    assert_eq!(doc["openingBalance"], 26_000);
    assert_eq!(doc["charges"], 26_000);
    assert_eq!(doc["payments"], 50_000);
    assert_eq!(doc["closingBalance"], 3_500);
    assert_eq!(
        doc["fileName"],
        "account_(주)양재꽃도매/본점_20261201_20261231"
    );
    let meta: Value =
        serde_json::from_str(doc["metadata"].as_str().expect("metadata")).expect("json");
    assert_eq!(
        (meta["entries"].as_i64(), meta["adjustments"].as_i64()),
        (Some(4), Some(1_500))
    );
    // It books nothing.
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ledger_entries").await,
        entries
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM account_statements WHERE id = {} AND issued_by = {}",
            doc["id"], p.employee
        ))
        .await,
        1
    );

    let text = pdf_of(&app, doc["id"].as_i64().expect("id")).await;
    assert!(text.replace(' ', "").contains("거래내역서"), "{text}");
    assert!(text.contains("기간 2026-12-01 ~ 2026-12-31"), "{text}");
    for (day, cells) in [
        ("2026-12-02", vec!["입금", "계좌이체", "-20,000", "6,000"]),
        ("2026-12-05", vec!["조정", "포장비", "1,500", "7,500"]),
        (
            "2026-12-10",
            vec!["매출", "261210M00002", "26,000", "33,500"],
        ),
        ("2026-12-15", vec!["입금", "현금", "-30,000", "3,500"]),
    ] {
        let row = line_with(&text, day);
        for cell in cells {
            assert!(row.contains(cell), "{cell:?} missing in {row:?}");
        }
    }
    let figures = line_with(&text, "26,000 ");
    for cell in ["26,000", "50,000", "1,500", "3,500"] {
        assert!(figures.contains(cell), "{figures}");
    }
    assert!(
        !text.contains("2027-01-03") && !text.contains("2026-11-30"),
        "{text}"
    );
}

#[actix_web::test]
async fn the_same_key_answers_the_first_document_and_writes_nothing_more() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    sheet_at(&app, &p, "261207M00001", "2026-12-07 10:00:00").await;
    let body = json!({
        "kind": "DAILY", "retailerId": p.retailer, "wholesalerId": p.wholesaler,
        "day": "2026-12-07", "issuedBy": p.employee,
    });
    let (status, first) = issue(&app, SERVICE_TOKEN, body.clone(), Some("k-1")).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = issue(&app, SERVICE_TOKEN, body, Some("k-1")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again, first);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM account_statements")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ledger_entries").await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM account_statements WHERE issued_by = {} \
             AND storage_key LIKE 'account-statements/{}-{}/{}-%.pdf'",
            p.employee, p.wholesaler, p.retailer, first["id"]
        ))
        .await,
        1
    );
    assert_eq!(
        support::files_under(&app.dir.join("account-statements")).len(),
        1
    );

    // The same for a statement of account.
    let body = json!({
        "kind": "PERIOD", "retailerId": p.retailer, "wholesalerId": p.wholesaler,
        "from": "2026-12-01", "to": "2026-12-31",
    });
    let (status, first) = issue(&app, SERVICE_TOKEN, body.clone(), Some("k-2")).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = issue(&app, SERVICE_TOKEN, body, Some("k-2")).await;
    assert_eq!((status, &again), (200, &first));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM account_statements")
            .await,
        2
    );
    assert_eq!(
        support::files_under(&app.dir.join("account-statements")).len(),
        2
    );
}

#[actix_web::test]
async fn only_the_pair_reads_and_only_the_wholesaler_issues() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    sheet_at(&app, &p, "261207M00001", "2026-12-07 10:00:00").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let employee = app.token(p.employee, Role::WholesalerEmpe);
    let retailer = app.token(p.retailer, Role::Retailer);
    let other_retailer = app.token(p.other_retailer, Role::Retailer);
    let other_wholesaler = app.token(p.other_wholesaler, Role::WholesalerEmpr);
    let admin = app.token(p.admin, Role::Admin);
    let daily = json!({ "kind": "DAILY", "retailerId": p.retailer, "wholesalerId": p.wholesaler, "day": "2026-12-07" });

    for token in [&retailer, &admin, &other_wholesaler, &other_retailer] {
        let (status, body) = issue(&app, token, daily.clone(), None).await;
        assert_eq!((status, code(&body)), (403, "PERMISSION_DENIED"));
    }
    // A florist naming no wholesaler has no company to issue for.
    let mine = json!({ "kind": "DAILY", "retailerId": p.retailer, "day": "2026-12-07" });
    let (status, body) = issue(&app, &retailer, mine, None).await;
    assert_eq!((status, code(&body)), (403, "PERMISSION_DENIED"));
    // Another wholesaler naming no company issues for its own: none that day.
    let mine = json!({ "kind": "DAILY", "retailerId": p.retailer, "day": "2026-12-07" });
    let (status, body) = issue(&app, &other_wholesaler, mine, None).await;
    assert_eq!((status, code(&body)), (404, "NO_ORDER_SHEET"));
    // Nor can it print a stranger's statement of account.
    let period = json!({ "kind": "PERIOD", "retailerId": p.retailer, "from": "2026-12-01", "to": "2026-12-31" });
    let (status, body) = issue(&app, &other_wholesaler, period, None).await;
    assert_eq!((status, code(&body)), (400, "NOT_CONNECTED"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM account_statements")
            .await,
        0
    );

    let (status, doc) = issue(&app, &employee, daily, None).await;
    assert_eq!(status, 201, "{doc}");
    let id = doc["id"].as_i64().expect("id");
    for (token, expected) in [
        (Some(owner.as_str()), 200),
        (Some(employee.as_str()), 200),
        (Some(retailer.as_str()), 200),
        (Some(admin.as_str()), 200),
        (Some(SERVICE_TOKEN), 200),
        (Some(other_retailer.as_str()), 404),
        (Some(other_wholesaler.as_str()), 404),
        (None, 401),
    ] {
        for path in [
            format!("/v1/account-statements/{id}"),
            format!("/v1/account-statements/{id}/file"),
        ] {
            let response = app.get(&path, token).await;
            assert_eq!(response.status().as_u16(), expected, "{path} {token:?}");
            if expected == 404 {
                let body: Value = response.json().await.expect("json");
                assert_eq!(code(&body), "NO_ACCOUNT_STATEMENT");
            }
        }
    }
    let response = app.get("/v1/account-statements/999999", Some(&owner)).await;
    assert_eq!(response.status(), 404);
}

#[actix_web::test]
async fn bad_requests_are_refused_with_stable_codes_and_write_nothing() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let unpriced = sheet_at(&app, &p, "261207M00001", "2026-12-07 10:00:00").await;
    for table in ["order_items", "custom_order_items"] {
        app.sql(&format!(
            "UPDATE {table} SET price = NULL WHERE order_sheet_id = {unpriced}"
        ))
        .await;
    }
    let r = p.retailer;
    for (body, status, expected) in [
        (
            json!({ "kind": "DAILY", "retailerId": r, "day": "2026-12-06" }),
            404,
            "NO_ORDER_SHEET",
        ),
        (
            json!({ "kind": "DAILY", "retailerId": r, "day": "2026-12-07" }),
            400,
            "NO_PRICE_ORDER_ITEM",
        ),
        (
            json!({ "kind": "DAILY", "retailerId": r }),
            400,
            "INVALID_DATA",
        ),
        (
            json!({ "kind": "PERIOD", "retailerId": r, "from": "2026-12-31", "to": "2026-12-01" }),
            400,
            "INVALID_DATA",
        ),
        (
            json!({ "kind": "PERIOD", "retailerId": r, "from": "2026-01-01", "to": "2027-01-02" }),
            400,
            "INVALID_DATA",
        ),
        (
            json!({ "kind": "PERIOD", "retailerId": r, "from": "2026-12-01" }),
            400,
            "INVALID_DATA",
        ),
        (
            json!({ "kind": "MONTHLY", "retailerId": r }),
            400,
            "INVALID_DATA",
        ),
        (
            json!({ "kind": "DAILY", "retailerId": r, "day": "07/12/2026" }),
            400,
            "INVALID_DATA",
        ),
    ] {
        let (got, answer) = issue(&app, &owner, body.clone(), None).await;
        assert_eq!((got, code(&answer)), (status, expected), "{body}");
    }
    // A service must name the wholesaler.
    let body = json!({ "kind": "DAILY", "retailerId": r, "day": "2026-12-07" });
    let (status, answer) = issue(&app, SERVICE_TOKEN, body, None).await;
    assert_eq!((status, code(&answer)), (400, "INVALID_DATA"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM account_statements")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ledger_entries").await,
        0
    );
    assert!(support::files_under(&app.dir.join("account-statements")).is_empty());

    // A full leap year (366 days) is allowed; the pair trades (it has a sheet).
    let body =
        json!({ "kind": "PERIOD", "retailerId": r, "from": "2028-01-01", "to": "2028-12-31" });
    let (status, answer) = issue(&app, &owner, body, None).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["openingBalance"], 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ledger_entries").await,
        0
    );
}

#[actix_web::test]
async fn a_long_statement_of_account_flows_onto_more_pages() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    for i in 0..70u32 {
        let day = NaiveDate::from_ymd_opt(2027, 1, 1 + i % 31).expect("day");
        record(
            &app,
            NewEntry::adjustment(p.wholesaler, p.retailer, 1_000, format!("조정 {i}"), day),
        )
        .await;
    }
    let body = json!({ "kind": "PERIOD", "retailerId": p.retailer, "from": "2027-01-01", "to": "2027-01-31" });
    let (status, doc) = issue(&app, &owner, body, None).await;
    assert_eq!(status, 201, "{doc}");
    assert_eq!(
        (
            doc["openingBalance"].as_i64(),
            doc["closingBalance"].as_i64()
        ),
        (Some(0), Some(70_000))
    );
    let meta: Value =
        serde_json::from_str(doc["metadata"].as_str().expect("metadata")).expect("json");
    assert_eq!(meta["entries"], 70);
    let pages = meta["pages"].as_u64().expect("pages");
    assert!(pages >= 2, "{meta}");
    let text = pdf_of(&app, doc["id"].as_i64().expect("id")).await;
    // Every page repeats the header; the last row carries the closing balance.
    assert_eq!(text.matches("귀하").count() as u64, pages);
    let last = text
        .lines()
        .rev()
        .find(|l| l.contains("2027-01-31"))
        .expect("last row");
    assert!(last.contains("70,000"), "{last}");
}
