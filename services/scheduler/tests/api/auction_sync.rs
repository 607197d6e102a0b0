//! The auction sync over real HTTP against a fresh PostgreSQL database, with a
//! local server playing the aT API: paging, result codes, malformed answers,
//! bad numbers, empty days, timeouts and retries, idempotent re-runs, rollback
//! on a mid-run failure, concurrent triggers and who may trigger.

#![allow(clippy::unwrap_used)]

use crate::support::fake_at::{FakeAt, Reply, at_error, at_page, item, page_of};
use crate::support::{API_KEY, SERVICE_TOKEN, TRIGGER_TOKEN, start};
use chrono::NaiveDate;
use domain::Role;
use serde_json::{Value, json};
use std::time::Duration;

const DAY: &str = "2026-11-23";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// Five rows, three types, four flowers (블론디 in two grades).
fn five_rows() -> Vec<Value> {
    vec![
        item(DAY, "장미", "블론디", "특1", 31, 9000),
        item(DAY, "장미", "블론디", "특2", 12, 7000),
        item(DAY, "장미", "비탈", "특1", 20, 8000),
        item(DAY, "국화", "백마", "상1", 40, 5000),
        item(DAY, "안개꽃", "오버타임", "특1", 15, 9500),
    ]
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {body}"))
}

#[actix_web::test]
async fn a_day_is_paged_until_a_short_page_and_lands_in_the_catalogue() {
    let fake = FakeAt::day(five_rows()).await;
    let app = start(&fake.url, &[]).await;

    let (status, report) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["status"], "SUCCESS");
    assert_eq!(report["date"], DAY);
    assert_eq!(report["pages"], 3);
    assert_eq!(report["rowsFetched"], 5);
    assert_eq!(report["rowsRejected"], 0);
    assert_eq!(report["newFlowerTypes"], 3);
    assert_eq!(report["newFlowers"], 4);
    assert_eq!(report["biddingDatesAdded"], 4);
    assert_eq!(report["rawRowsInserted"], 5);

    // Pages 1..3 of two rows each, with the documented parameters.
    let calls = fake.calls();
    assert_eq!(
        calls.iter().map(|c| c.page()).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let q = &calls[0].query;
    for (k, v) in [
        ("kind", "f001"),
        ("serviceKey", API_KEY),
        ("baseDate", DAY),
        ("flowerGubn", "1"),
        ("dataType", "json"),
        ("countPerPage", "2"),
    ] {
        assert_eq!(q.get(k).map(String::as_str), Some(v), "{k}");
    }

    // Core's `flowers` query finds them by bidding day (KST) and keyword.
    assert_eq!(
        app.flowers_on(day(), day(), "장미").await,
        ["장미/블론디", "장미/비탈"]
    );
    assert_eq!(
        app.flowers_on(day(), day(), "오버").await,
        ["안개꽃/오버타임"]
    );
    let next = day().succ_opt().unwrap();
    assert!(app.flowers_on(next, next, "장미").await.is_empty());
    assert_eq!(app.count("public_bidding_flowers").await, 5);

    let (status, runs) = app.runs(Some(TRIGGER_TOKEN), "?limit=5").await;
    assert_eq!(status, 200);
    let run = &runs["runs"][0];
    assert_eq!(run["status"], "SUCCESS");
    assert_eq!(run["date"], DAY);
    assert_eq!(run["category"], 1);
    assert_eq!(run["pages"], 3);
    assert_eq!(run["rowsFetched"], 5);
    assert_eq!(run["newFlowers"], 4);
    assert_eq!(run["biddingDatesAdded"], 4);
    assert!(run["finishedAt"].is_string());

    // A day that is an exact multiple of the page size ends on an empty page.
    fake.forget_calls();
    let four: Vec<Value> = five_rows().into_iter().take(4).collect();
    fake.respond(move |call| Reply::Json(page_of(&four, call)));
    let (status, report) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["pages"], 3);
    assert_eq!(fake.calls().len(), 3);
}

#[actix_web::test]
async fn re_running_a_day_changes_nothing_and_a_changed_price_updates_one_row() {
    let fake = FakeAt::day(five_rows()).await;
    let app = start(&fake.url, &[]).await;
    let (status, _) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200);
    let before = app.snapshot().await;
    assert_eq!(before.len(), 3 + 4 + 4 + 5);

    let (status, report) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200, "{report}");
    for field in [
        "newFlowerTypes",
        "newFlowers",
        "biddingDatesAdded",
        "rawRowsInserted",
        "rawRowsUpdated",
    ] {
        assert_eq!(report[field], 0, "{field}");
    }
    assert_eq!(report["rawRowsUnchanged"], 5);
    assert_eq!(app.snapshot().await, before, "a re-run rewrote rows");

    // aT corrects one price: exactly that raw row changes.
    let mut corrected = five_rows();
    corrected[3] = item(DAY, "국화", "백마", "상1", 40, 5100);
    fake.respond(move |call| Reply::Json(page_of(&corrected, call)));
    let (status, report) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rawRowsUpdated"], 1);
    let after = app.snapshot().await;
    let changed: Vec<_> = before.iter().zip(&after).filter(|(b, a)| b != a).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0].0.0, "public_bidding_flowers");
    assert!(
        app.raw_rows()
            .await
            .contains(&"국화/백마/상1=5100".to_owned())
    );
}

#[actix_web::test]
async fn a_failure_on_page_3_stores_nothing_and_logs_the_failure() {
    let fake = FakeAt::day(five_rows()).await;
    let app = start(&fake.url, &[]).await;
    let (status, _) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200);
    let before = app.snapshot().await;
    let raw_before = app.raw_rows().await;

    // New data for the same day, but page 3 keeps failing with HTTP 500.
    let mut changed: Vec<Value> = five_rows()
        .into_iter()
        .map(|mut v| {
            v["avgAmt"] = json!("1234");
            v
        })
        .collect();
    changed.push(item(DAY, "튤립", "스트롱골드", "특1", 9, 11000));
    fake.forget_calls();
    fake.respond(move |call| {
        if call.page() == 3 {
            Reply::Status(500)
        } else {
            Reply::Json(page_of(&changed, call))
        }
    });
    let (status, body) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(error_code(&body), "AUCTION_API_UNAVAILABLE");
    assert_eq!(body["run"]["status"], "FAILURE");
    // Page 3 was tried three times (one call and two retries).
    let pages: Vec<usize> = fake.calls().iter().map(|c| c.page()).collect();
    assert_eq!(pages, [1, 2, 3, 3, 3]);

    assert_eq!(
        app.snapshot().await,
        before,
        "a failed run changed the catalogue"
    );
    assert_eq!(app.raw_rows().await, raw_before);
    assert!(app.flowers_on(day(), day(), "튤립").await.is_empty());

    let (_, runs) = app.runs(Some(TRIGGER_TOKEN), "").await;
    let failed = &runs["runs"][0];
    assert_eq!(failed["status"], "FAILURE");
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains("HTTP 500"), "{error}");
    assert!(!error.contains(API_KEY));
    assert_eq!(failed["newFlowers"], 0);
    assert_eq!(runs["runs"][1]["status"], "SUCCESS");
}

#[actix_web::test]
async fn every_result_code_is_a_clear_failure_and_quota_stops_without_retrying() {
    let fake = FakeAt::start(|_| Reply::Json(at_error("1", "서비스 키 오류입니다."))).await;
    let app = start(&fake.url, &[]).await;
    for (code, message) in [
        ("1", "서비스 키 오류입니다."),
        ("2", "기간을 다시 설정하여 주십시오."),
        ("3", "미승인된 공공데이터입니다. 관리자에게 문의하십시오."),
        (
            "5",
            "파라미터 입력값이 잘못되었습니다.(kind|serviceKey|dataType|flowerGubn)",
        ),
    ] {
        fake.forget_calls();
        fake.respond(move |_| Reply::Json(at_error(code, message)));
        let (status, body) = app.sync(json!({ "date": DAY })).await;
        assert_eq!(status, 502, "{code}: {body}");
        assert_eq!(error_code(&body), "AUCTION_API_ERROR");
        let text = body["error"]["message"].as_str().unwrap();
        assert!(text.contains(&format!("resultCd {code}")), "{text}");
        assert_eq!(fake.calls().len(), 1, "resultCd {code} must not be retried");
    }

    // Quota: stops the whole run (category 2 is never asked for).
    fake.forget_calls();
    fake.respond(|_| Reply::Json(at_error("4", "금일 호출 건수가 만료 되었습니다.")));
    let (status, body) = app.sync(json!({ "date": DAY, "categories": [1, 2] })).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_code(&body), "AUCTION_API_QUOTA_EXCEEDED");
    assert_eq!(fake.calls().len(), 1);

    let (_, runs) = app.runs(Some(TRIGGER_TOKEN), "?limit=100").await;
    let runs = runs["runs"].as_array().unwrap();
    // 4 single-category runs + 1 run of two categories, all FAILURE.
    assert_eq!(runs.len(), 6);
    assert!(runs.iter().all(|r| r["status"] == "FAILURE"));
    assert_eq!(app.count("public_bidding_flowers").await, 0);
}

#[actix_web::test]
async fn malformed_answers_fail_and_bad_rows_are_rejected_with_reasons() {
    let fake = FakeAt::start(|_| Reply::Text("<html>점검 중</html>".to_owned())).await;
    let app = start(&fake.url, &[("AUCTION_API_PAGE_SIZE", "100")]).await;
    let (status, body) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(error_code(&body), "AUCTION_API_ERROR");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("malformed")
    );
    assert_eq!(fake.calls().len(), 1, "malformed data is not retried");

    let mut rows = five_rows();
    let mut thousands = item(DAY, "튤립", "스트롱골드", "특1", 9, 11000);
    thousands["totAmt"] = json!("99,000");
    let mut empty = item(DAY, "튤립", "핑크다이아몬드", "특1", 9, 11000);
    empty["minAmt"] = json!("");
    let mut other_day = item("2026-11-22", "튤립", "화이트프라우드", "특1", 9, 11000);
    other_day["saleDate"] = json!("2026-11-22");
    let duplicate = rows[0].clone();
    rows.extend([thousands, empty, other_day, duplicate]);
    fake.respond(move |_| Reply::Json(at_page(&rows)));

    let (status, report) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rowsFetched"], 9);
    assert_eq!(report["rowsRejected"], 4);
    assert_eq!(report["rowsAccepted"], 5);
    let reasons: Vec<&str> = report["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "totAmt is not a whole non-negative number: \"99,000\"",
            "minAmt is not a whole non-negative number: \"\"",
            "saleDate 2026-11-22 is not the requested day 2026-11-23",
            "duplicate of page 1 item 1",
        ]
    );
    assert_eq!(report["rejections"][0]["item"], 6);
    // Rejected rows are not stored, not even as zeros.
    assert_eq!(app.count("public_bidding_flowers").await, 5);
    assert!(app.flowers_on(day(), day(), "튤립").await.is_empty());

    let mut conn = app.conn().await;
    #[derive(diesel::QueryableByName)]
    struct Upload {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        success: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        failure: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        err_logs: String,
    }
    let log: Upload = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query(
            "SELECT success, failure, err_logs FROM flower_batch_upload_logs ORDER BY id DESC LIMIT 1",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    assert_eq!((log.success, log.failure), (5, 4));
    assert!(
        log.err_logs.contains("page 1 item 6: totAmt"),
        "{}",
        log.err_logs
    );
}

#[actix_web::test]
async fn an_empty_day_is_a_successful_run_with_nothing_in_it() {
    let fake = FakeAt::start(|_| Reply::Json(at_page(&[]))).await;
    let app = start(&fake.url, &[]).await;
    let (status, report) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["status"], "SUCCESS");
    assert_eq!(
        (report["pages"].as_i64(), report["rowsFetched"].as_i64()),
        (Some(1), Some(0))
    );

    // aT may also leave `items` out altogether.
    fake.respond(|_| {
        Reply::Json(json!({ "response": { "resultCd": "0", "resultMsg": "OK", "numOfRows": "0" } }))
    });
    let (status, report) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rowsFetched"], 0);
    assert_eq!(app.count("flowers").await, 0);
}

#[actix_web::test]
async fn timeouts_and_5xx_are_retried_with_a_bound() {
    // The first answer is slower than the 500 ms timeout, the second is a 503,
    // the third is the page: the run succeeds on its third attempt.
    let fake = FakeAt::start(|call| match call.number {
        1 => Reply::Slow(Duration::from_secs(3), Box::new(Reply::Json(at_page(&[])))),
        2 => Reply::Status(503),
        _ => Reply::Json(at_page(&five_rows()[..1])),
    })
    .await;
    let app = start(&fake.url, &[]).await;
    let (status, report) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rowsFetched"], 1);
    assert_eq!(fake.calls().len(), 3);

    // Always too slow: three attempts, then a clear failure.
    fake.forget_calls();
    fake.respond(|_| Reply::Slow(Duration::from_secs(3), Box::new(Reply::Json(at_page(&[])))));
    let (status, body) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(error_code(&body), "AUCTION_API_UNAVAILABLE");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("timed out"),
        "{body}"
    );
    assert_eq!(fake.calls().len(), 3);
}

#[actix_web::test]
async fn an_unreachable_api_fails_without_leaking_the_key() {
    let port = db::testing::free_port();
    let url = format!("http://127.0.0.1:{port}/api/returnData.api");
    let app = start(&url, &[]).await;
    let (status, body) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(error_code(&body), "AUCTION_API_UNAVAILABLE");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("3 attempt"),
        "{body}"
    );
    assert!(!body.to_string().contains(API_KEY), "{body}");
    let (_, runs) = app.runs(Some(TRIGGER_TOKEN), "").await;
    assert!(!runs.to_string().contains(API_KEY));
    assert_eq!(runs["runs"][0]["status"], "FAILURE");
}

#[actix_web::test]
async fn a_second_trigger_for_the_same_day_is_turned_away_while_the_first_runs() {
    let fake =
        FakeAt::start(|call| Reply::Held(Box::new(Reply::Json(page_of(&five_rows(), call))))).await;
    let app = start(&fake.url, &[("AUCTION_API_PAGE_SIZE", "10")]).await;
    let app = std::rc::Rc::new(app);

    let first = actix_web::rt::spawn({
        let app = app.clone();
        async move { app.sync(json!({ "date": DAY })).await }
    });
    // The first run holds the day's lock once it is talking to the API.
    fake.wait_for_calls(1).await;
    let (status, body) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "RUN_IN_PROGRESS");

    fake.release();
    let (status, report) = first.await.unwrap();
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rowsFetched"], 5);
    assert_eq!(
        fake.calls().len(),
        1,
        "the turned-away trigger never called the API"
    );
    let (_, runs) = app.runs(Some(TRIGGER_TOKEN), "").await;
    assert_eq!(
        runs["runs"].as_array().unwrap().len(),
        1,
        "no log row for the refused trigger"
    );

    // Once the first is done, the day can be synced again.
    fake.release();
    let (status, _) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn only_the_trigger_token_admins_and_unconfigured_services_may_trigger() {
    let fake = FakeAt::start(|_| Reply::Json(at_page(&[]))).await;
    let app = start(&fake.url, &[]).await;
    let admin = app.token(1, Role::Admin);
    let retailer = app.token(2, Role::Retailer);
    let owner = app.token(3, Role::WholesalerEmpr);
    let body = json!({ "date": DAY });

    assert_eq!(app.sync_as(None, body.clone()).await.0, 401);
    let (status, refused) = app.sync_as(Some("cron-trigger-secreT"), body.clone()).await;
    assert_eq!((status, error_code(&refused)), (401, "INVALID_TOKEN"));
    for token in [&retailer, &owner] {
        let (status, refused) = app.sync_as(Some(token), body.clone()).await;
        assert_eq!((status, error_code(&refused)), (403, "PERMISSION_DENIED"));
    }
    // The shared service credential is not the cron credential once one is set.
    assert_eq!(app.sync_as(Some(SERVICE_TOKEN), body.clone()).await.0, 403);
    assert_eq!(app.sync_as(Some(TRIGGER_TOKEN), body.clone()).await.0, 200);
    assert_eq!(app.sync_as(Some(&admin), body.clone()).await.0, 200);
    assert_eq!(
        fake.calls().len(),
        2,
        "refused triggers never reach the API"
    );

    assert_eq!(app.runs(None, "").await.0, 401);
    assert_eq!(app.runs(Some(&retailer), "").await.0, 403);
    assert_eq!(app.runs(Some(&admin), "").await.0, 200);
    let (status, bad) = app.runs(Some(&admin), "?limit=0").await;
    assert_eq!((status, error_code(&bad)), (400, "INVALID_DATA"));
    let (status, bad) = app.runs(Some(&admin), "?limit=many").await;
    assert_eq!((status, error_code(&bad)), (400, "INVALID_DATA"));

    let (status, bad) = app.sync(json!({ "date": "23.11.2026" })).await;
    assert_eq!((status, error_code(&bad)), (400, "INVALID_FORMAT"));
    let (status, bad) = app.sync(json!({ "categories": [7] })).await;
    assert_eq!((status, error_code(&bad)), (400, "INVALID_DATA"));

    // Without a trigger token the service credential is enough.
    let open = start(&fake.url, &[("SCHEDULER_TRIGGER_TOKEN", "")]).await;
    assert_eq!(open.sync_as(Some(SERVICE_TOKEN), body.clone()).await.0, 200);
    assert_eq!(open.sync_as(Some(TRIGGER_TOKEN), body).await.0, 401);
}

#[actix_web::test]
async fn without_a_service_key_a_sync_is_refused_up_front() {
    let fake = FakeAt::start(|_| Reply::Json(at_page(&[]))).await;
    let app = start(&fake.url, &[("AUCTION_API_KEY", "")]).await;
    let (status, body) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(
        (status, error_code(&body)),
        (503, "AUCTION_API_NOT_CONFIGURED")
    );
    assert!(fake.calls().is_empty());
}
