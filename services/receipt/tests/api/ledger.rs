//! A sheet's statement and the pair's ledger (외상 장부): issuing books the
//! statement's charge with its tax split, prints 전잔액 / 금일 / 입금 / 잔액
//! as booked, bills a reissued sheet once, and stays consistent while
//! payments come in during the render.

use crate::support::{App, Parties, pdf_text, start};
use chrono::{Duration, NaiveDate, Utc};
use db::ledger::NewEntry;
use domain::Role;
use serde_json::Value;

fn metadata(receipt: &Value) -> Value {
    serde_json::from_str(receipt["metadata"].as_str().expect("metadata string")).expect("json")
}

fn today() -> NaiveDate {
    domain::time::business_day(Utc::now())
}

async fn record(app: &App, entry: NewEntry) {
    let mut conn = app.db.pool().get().await.expect("conn");
    db::ledger::record(&mut conn, &entry).await.expect("entry");
}

async fn pair_sum(app: &App, p: &Parties) -> i64 {
    app.count(&format!(
        "SELECT coalesce(sum(amount), 0)::int8 FROM ledger_entries WHERE wholesaler_id = {} AND retailer_id = {}",
        p.wholesaler, p.retailer
    ))
    .await
}

#[actix_web::test]
async fn a_statement_books_its_charge_and_prints_the_ledger_as_booked() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261205M00001").await;
    // Owed 50,000 from last week; 20,000 paid today.
    let week_ago = today() - Duration::days(7);
    record(
        &app,
        NewEntry::adjustment(p.wholesaler, p.retailer, 50_000, "이월".into(), week_ago),
    )
    .await;
    record(
        &app,
        NewEntry::payment(p.wholesaler, p.retailer, 20_000, "CASH", today()),
    )
    .await;

    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201, "{receipt}");
    let id = receipt["id"].as_i64().expect("id");
    let meta = metadata(&receipt);
    // 전잔액 50,000 + 금일 26,000 − 입금 20,000 = 잔액 56,000.
    assert_eq!(meta["previousBalance"], 50_000);
    assert_eq!(meta["paymentsToday"], 20_000);
    assert_eq!(meta["balance"], 56_000);
    assert_eq!(
        app.count(&format!(
            "SELECT balance FROM order_sheet_receipts WHERE id = {id}"
        ))
        .await,
        56_000
    );

    // The charge: the statement's total, split for the tax documents.
    let charge = |column: &str| {
        format!("SELECT {column} FROM ledger_entries WHERE kind = 'CHARGE' AND receipt_id = {id}")
    };
    assert_eq!(app.count(&charge("amount")).await, 26_000);
    assert_eq!(app.count(&charge("exempt_supply")).await, 15_000);
    assert_eq!(app.count(&charge("taxable_supply")).await, 10_000);
    assert_eq!(app.count(&charge("vat")).await, 1_000);
    assert_eq!(app.count(&charge("order_sheet_id")).await, sheet);
    assert_eq!(app.count(&charge("recorded_by")).await, p.wholesaler);
    assert_eq!(pair_sum(&app, &p).await, 56_000);

    // The statement is on the sheet's audit timeline, with its issuer and total.
    let issued = |column: &str| {
        format!(
            "SELECT {column} FROM audit_events \
             WHERE subject = 'RECEIPT' AND action = 'ISSUED' AND subject_id = {id}"
        )
    };
    assert_eq!(app.count(&issued("actor_id")).await, p.wholesaler);
    assert_eq!(app.count(&issued("order_sheet_id")).await, sheet);
    assert_eq!(app.count(&issued("(after->>'total')::int8")).await, 26_000);

    let text = pdf_text(&app.pdf(id).await);
    for expected in [
        "전잔액",
        "50,000",
        "금일 합계",
        "26,000",
        "입금",
        "20,000",
        "잔액",
        "56,000",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[actix_web::test]
async fn a_reissued_sheet_is_billed_once_and_a_retry_books_nothing() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261205M00002").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, first) = app.issue(sheet, Some(&owner), Some("k-1")).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = app.issue(sheet, Some(&owner), Some("k-1")).await;
    assert_eq!((status, &again["id"]), (200, &first["id"]));
    assert_eq!(
        app.count("SELECT count(*) FROM ledger_entries").await,
        1,
        "a retry books nothing"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE action = 'ISSUED'")
            .await,
        1,
        "nor records a second statement"
    );

    // The wholesaler corrects a price and issues again: 블론디 10 × 2,000.
    app.sql("UPDATE order_items SET price = 2000 WHERE price = 1500")
        .await;
    let (status, second) = app.issue(sheet, Some(&owner), Some("k-2")).await;
    assert_eq!(status, 201, "{second}");
    let meta = metadata(&second);
    assert_eq!(meta["total"], 31_000);
    // The first charge is undone, so the previous balance is what was owed before the sheet.
    assert_eq!(
        (meta["previousBalance"].as_i64(), meta["balance"].as_i64()),
        (Some(0), Some(31_000))
    );
    let kinds = app
        .count(
            "SELECT count(*) FROM ledger_entries WHERE (kind, amount) IN (('CHARGE', 26000), ('REVERSAL', -26000), ('CHARGE', 31000))",
        )
        .await;
    assert_eq!(kinds, 3);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM ledger_entries c WHERE c.order_sheet_id = {sheet} AND c.kind = 'CHARGE' \
             AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = c.id)"
        ))
        .await,
        1,
        "one charge in force"
    );
    assert_eq!(pair_sum(&app, &p).await, 31_000);
}

#[actix_web::test]
async fn statements_issued_while_payments_arrive_print_what_was_booked() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheets = [
        app.sheet(&p, "261205M00003").await,
        app.sheet(&p, "261205M00004").await,
        app.sheet(&p, "261205M00005").await,
    ];
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let issues = sheets
        .iter()
        .map(|sheet| app.issue(*sheet, Some(&owner), None));
    // Payments arrive one after another (one connection) while the three
    // statements render and book.
    let payments = async {
        for i in 1..=12 {
            let payment =
                NewEntry::payment(p.wholesaler, p.retailer, i * 1_000, "TRANSFER", today());
            record(&app, payment).await;
        }
    };
    let (issued, ()) = tokio::join!(futures_util::future::join_all(issues), payments);
    let paid: i64 = (1..=12).map(|i| i * 1_000).sum();
    let mut booked = 0;
    for (status, receipt) in issued {
        if status == 409 {
            assert_eq!(receipt["error"]["code"], "CONFLICT", "{receipt}");
            continue;
        }
        assert_eq!(status, 201, "{receipt}");
        booked += 1;
        let id = receipt["id"].as_i64().expect("id");
        // The printed balance is the ledger's sum up to and including the
        // statement's own charge: nothing came in between unseen.
        let charge = app
            .count(&format!(
                "SELECT id FROM ledger_entries WHERE receipt_id = {id}"
            ))
            .await;
        let as_booked = app
            .count(&format!(
                "SELECT sum(amount)::int8 FROM ledger_entries WHERE wholesaler_id = {} AND retailer_id = {} AND id <= {charge}",
                p.wholesaler, p.retailer
            ))
            .await;
        assert_eq!(
            metadata(&receipt)["balance"].as_i64(),
            Some(as_booked),
            "receipt {id}"
        );
    }
    assert!(booked >= 1, "at least one statement was issued");
    assert_eq!(pair_sum(&app, &p).await, booked * 26_000 - paid);
    assert_eq!(
        app.count(&format!(
            "SELECT balance FROM ledger_accounts WHERE wholesaler_id = {}",
            p.wholesaler
        ))
        .await,
        booked * 26_000 - paid
    );
}

/// A florist's edit of the sheet (its transaction holds the sheet's row, as
/// core's edits do) lands while the statement is drawn: the statement would
/// bill lines the sheet no longer has, so it is refused with nothing kept,
/// and issuing again bills the sheet as it is now.
#[actix_web::test]
async fn a_statement_drawn_while_the_sheet_changes_bills_nothing() {
    use diesel_async::SimpleAsyncConnection;
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261205M00002").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);

    let mut florist = app.db.pool().get().await.expect("conn");
    florist
        .batch_execute(&format!(
            "BEGIN; SELECT id FROM order_sheets WHERE id = {sheet} FOR UPDATE; \
             UPDATE order_items SET quantity = 12, price = NULL WHERE order_sheet_id = {sheet} AND quantity = 10"
        ))
        .await
        .expect("the edit's first half");
    let issuing = app.issue(sheet, Some(&owner), None);
    let edit_commits = async {
        // Until the statement waits for the sheet's row, then the edit commits.
        let waiting = format!(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND wait_event_type = 'Lock'",
            app.db.name()
        );
        let mut waited = false;
        for _ in 0..300 {
            if app.count(&waiting).await > 0 {
                waited = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        florist.batch_execute("COMMIT").await.expect("commit");
        waited
    };
    let ((status, body), waited) = tokio::join!(issuing, edit_commits);
    assert!(waited, "the statement waited for the editing florist");
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "CONFLICT");
    let kept = |table: &str| format!("SELECT count(*) FROM {table} WHERE order_sheet_id = {sheet}");
    assert_eq!(app.count(&kept("order_sheet_receipts")).await, 0);
    assert_eq!(pair_sum(&app, &p).await, 0, "nothing booked");
    assert!(app.stored_files().is_empty(), "the drawn file is discarded");

    // The sheet as it is now has no priced flower line: only the custom
    // lines (3,000 × 2 + 5,000) are billed.
    let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(pair_sum(&app, &p).await, 11_000);
}
