//! `POST /v1/sms` and `GET /v1/sms/{id}` with the record provider: who may
//! call, what bad input gets, idempotency, the allowlist, the per-recipient
//! limit on Verification texts, and a database outage.

use crate::support::{FakeSens, Reply, SERVICE_TOKEN, start, start_with_sens};
use domain::Role;
use serde_json::{Value, json};

fn default_sms(to: &str, message: &str) -> Value {
    json!({ "to": to, "template": "Default", "args": [message] })
}

#[actix_web::test]
async fn record_provider_logs_a_success_without_sending() {
    let app = start(&[]).await;
    let sent = app
        .send(None, &default_sms("010-1234-5678", "안녕하세요"))
        .await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    assert_eq!(sent.body["status"], "SUCCESS");
    assert_eq!(sent.body["messageType"], "SMS");
    assert_eq!(sent.body["template"], "Default");
    assert_eq!(sent.body["provider"], "record");
    assert_eq!(sent.body["attempts"], 1);
    assert!(
        sent.body["providerRequestId"]
            .as_str()
            .unwrap_or_default()
            .starts_with("record-")
    );
    assert!(sent.body["errorCode"].is_null());

    let rows = app.logs().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["to"], "01012345678", "stored normalised");
    assert_eq!(rows[0]["message"], "안녕하세요");
    assert_eq!(rows[0]["status"], "SUCCESS");
    assert_eq!(rows[0]["msg_type"], "SMS");
    assert_eq!(rows[0]["requested_by"], "service");
    assert_eq!(rows[0]["id"], sent.body["id"]);

    let id = sent.body["id"].to_string();
    let status = app.status_as(Some(SERVICE_TOKEN), &id).await;
    assert_eq!(status.status, 200);
    assert_eq!(status.body, sent.body);
}

#[actix_web::test]
async fn only_core_and_admins_may_send_or_read() {
    let app = start(&[]).await;
    let body = default_sms("01012345678", "hello");
    let anonymous = app.send_as(None, None, &body).await;
    assert_eq!(
        (anonymous.status, anonymous.code()),
        (401, "UNAUTHENTICATED")
    );
    let bogus = app.send_as(Some("not-a-token"), None, &body).await;
    assert_eq!(bogus.status, 401);
    for role in [Role::Retailer, Role::WholesalerEmpr, Role::WholesalerEmpe] {
        let user = app.send_as(Some(&app.token(role)), None, &body).await;
        assert_eq!(
            (user.status, user.code()),
            (403, "PERMISSION_DENIED"),
            "{role:?}"
        );
    }
    assert!(app.logs().await.is_empty(), "refused callers leave no row");

    let admin_token = app.token(Role::Admin);
    let admin = app.send_as(Some(&admin_token), None, &body).await;
    assert_eq!(admin.status, 201, "{}", admin.body);
    assert_eq!(app.logs().await[0]["requested_by"], "user:7");

    let id = admin.body["id"].to_string();
    assert_eq!(app.status_as(None, &id).await.status, 401);
    assert_eq!(
        app.status_as(Some(&app.token(Role::Retailer)), &id)
            .await
            .status,
        403
    );
    assert_eq!(app.status_as(Some(&admin_token), &id).await.status, 200);
    let missing = app.status_as(Some(&admin_token), "999999").await;
    assert_eq!((missing.status, missing.code()), (404, "NO_SMS_LOG"));
    let garbage = app.status_as(Some(&admin_token), "abc").await;
    assert_eq!((garbage.status, garbage.code()), (400, "INVALID_DATA"));
}

#[actix_web::test]
async fn bad_input_gets_a_clear_error_and_no_row() {
    let app = start(&[]).await;
    let cases = [
        (
            json!({ "to": "01012345678", "template": "Welcome", "args": ["x"] }),
            "UNKNOWN_TEMPLATE",
        ),
        (
            json!({ "to": "01012345678", "template": "default", "args": ["x"] }),
            "UNKNOWN_TEMPLATE",
        ),
        (
            json!({ "to": "01012345678", "template": "Verification", "args": [] }),
            "INVALID_DATA",
        ),
        (
            json!({ "to": "01012345678", "template": "ConfirmBizConnection", "args": ["a", "b"] }),
            "INVALID_DATA",
        ),
        (
            json!({ "to": "01012345678", "template": "Default", "args": ["a", "b"] }),
            "INVALID_DATA",
        ),
        (
            json!({ "to": "01012345678", "template": "Default", "args": [""] }),
            "INVALID_DATA",
        ),
        (
            json!({ "to": "01012345678", "template": "Default", "args": [] }),
            "INVALID_DATA",
        ),
        (
            json!({ "to": "02-123-4567", "template": "Default", "args": ["x"] }),
            "INVALID_FORMAT",
        ),
        (
            json!({ "to": "0101234567", "template": "Default", "args": ["x"] }),
            "INVALID_FORMAT",
        ),
        (
            json!({ "to": "", "template": "Default", "args": ["x"] }),
            "INVALID_FORMAT",
        ),
        (
            json!({ "to": "01012345678", "template": "Verification", "args": ["call 060-000"] }),
            "INVALID_FORMAT",
        ),
        (
            json!({ "to": "01012345678", "template": "Default", "args": [123] }),
            "INVALID_DATA",
        ),
        (
            json!({ "template": "Default", "args": ["x"] }),
            "INVALID_DATA",
        ),
        (json!({}), "INVALID_DATA"),
        (
            default_sms("01012345678", &"가".repeat(700)),
            "MESSAGE_TOO_LONG",
        ),
    ];
    for (body, code) in cases {
        let answer = app.send(None, &body).await;
        assert_eq!((answer.status, answer.code()), (400, code), "{body}");
    }
    for raw in ["", "{", "null", "[]"] {
        let answer = app.post_raw("/v1/sms", raw).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, "INVALID_DATA"),
            "{raw:?}"
        );
    }
    let long_key = "k".repeat(256);
    for key in [long_key.as_str(), "has space"] {
        let answer = app.send(Some(key), &default_sms("01012345678", "x")).await;
        assert_eq!((answer.status, answer.code()), (400, "INVALID_FORMAT"));
    }
    assert!(app.logs().await.is_empty());
}

#[actix_web::test]
async fn a_repeated_idempotency_key_returns_the_first_result() {
    let app = start(&[]).await;
    let body = json!({ "to": "010-1234-5678", "template": "ApplyBizConnection",
                       "args": ["꽃집", "https://marketbill.co.kr/wholesale/signin"] });
    let first = app.send(Some("outbox-1"), &body).await;
    assert_eq!(first.status, 201);
    assert_eq!(first.body["messageType"], "LMS");
    let again = app.send(Some("outbox-1"), &body).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first.body);
    // Same recipient spelled differently: the same request.
    let respelled = json!({ "to": "01012345678", "template": "ApplyBizConnection",
                            "args": ["꽃집", "https://marketbill.co.kr/wholesale/signin"] });
    assert_eq!(app.send(Some("outbox-1"), &respelled).await.status, 200);
    let other = app
        .send(Some("outbox-1"), &default_sms("01012345678", "different"))
        .await;
    assert_eq!(
        (other.status, other.code()),
        (422, "IDEMPOTENCY_KEY_REUSED")
    );
    let second = app.send(Some("outbox-2"), &body).await;
    assert_eq!(second.status, 201);
    assert_ne!(second.body["id"], first.body["id"]);
    let rows = app.logs().await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["idempotency_key"], "outbox-1");
}

#[actix_web::test]
async fn concurrent_duplicates_send_exactly_once() {
    // The provider takes a while, so the duplicates arrive while the first
    // request is still PENDING; they must wait for it, not send again.
    let sens = FakeSens::start(vec![Reply::AcceptAfter(std::time::Duration::from_millis(
        300,
    ))]);
    let app = start_with_sens(&sens, &[]).await;
    let body = json!({ "to": "01012345678", "template": "IssueOrderSheetReceipt",
                       "args": ["그린도매", "20261125-0001", "https://marketbill.co.kr/retail/signin"] });
    let requests = (0..8).map(|_| app.send(Some("receipt-42"), &body));
    let answers = futures_util::future::join_all(requests).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    let repeated = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(
        (created, repeated),
        (1, 7),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    for answer in &answers {
        assert_eq!(answer.body["id"], answers[0].body["id"]);
        assert_eq!(answer.body["status"], "SUCCESS", "{}", answer.body);
        assert_eq!(answer.body["providerRequestId"], "RSSA-1");
    }
    assert_eq!(sens.received().len(), 1, "one provider call");
    assert_eq!(app.logs().await.len(), 1, "one log row");
}

#[actix_web::test]
async fn verification_texts_to_one_phone_are_rate_limited() {
    let app = start(&[("SMS_PER_RECIPIENT_PER_HOUR_VERIFICATION", "2")]).await;
    let code =
        |code: &str| json!({ "to": "010-5555-6666", "template": "Verification", "args": [code] });
    assert_eq!(app.send(Some("v-1"), &code("111111")).await.status, 201);
    assert_eq!(app.send(None, &code("222222")).await.status, 201);
    let limited = app.send(None, &code("333333")).await;
    assert_eq!((limited.status, limited.code()), (429, "TOO_MANY_ATTEMPTS"));
    let retry_after = limited.retry_after.expect("Retry-After");
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    // The first request repeated still gets its result, not a 429.
    assert_eq!(app.send(Some("v-1"), &code("111111")).await.status, 200);
    // Another phone, and other templates to this phone, are not limited.
    let other = json!({ "to": "010-5555-7777", "template": "Verification", "args": ["444444"] });
    assert_eq!(app.send(None, &other).await.status, 201);
    assert_eq!(
        app.send(None, &default_sms("010-5555-6666", "hi"))
            .await
            .status,
        201
    );
    // The limited attempt wrote nothing; stored codes are masked.
    let rows = app
        .query("SELECT message FROM send_sms_logs WHERE template = 'Verification' ORDER BY id")
        .await;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["message"], "[마켓빌(marketbill)] 인증번호 : ******");
}

#[actix_web::test]
async fn recipients_off_the_allowlist_are_accepted_but_not_sent() {
    let sens = FakeSens::start(vec![]);
    let app = start_with_sens(
        &sens,
        &[("SMS_RECIPIENT_ALLOWLIST", "010-1111-2222, 01033334444")],
    )
    .await;
    let withheld = app
        .send(Some("k1"), &default_sms("010-9999-8888", "hello"))
        .await;
    assert_eq!(withheld.status, 202, "{}", withheld.body);
    assert_eq!(withheld.body["status"], "FAILURE");
    assert_eq!(withheld.body["errorCode"], "NOT_ALLOWLISTED");
    assert_eq!(withheld.body["attempts"], 0);
    assert!(withheld.body["provider"].is_null());
    assert!(sens.received().is_empty(), "nothing reached the provider");
    // Repeating it answers the same recorded outcome.
    let again = app
        .send(Some("k1"), &default_sms("010-9999-8888", "hello"))
        .await;
    assert_eq!((again.status, &again.body), (200, &withheld.body));

    let allowed = app.send(None, &default_sms("010-1111-2222", "hello")).await;
    assert_eq!(allowed.status, 201);
    assert_eq!(allowed.body["status"], "SUCCESS");
    assert_eq!(sens.received().len(), 1);
    let rows = app.logs().await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["error_code"], "NOT_ALLOWLISTED");
}

#[actix_web::test]
async fn a_database_outage_answers_503_and_a_retry_later_sends_once() {
    let app = start(&[]).await;
    let body = default_sms("01012345678", "outage");
    assert_eq!(app.send(Some("warm-up"), &body).await.status, 201);

    let name = app.db.name().to_owned();
    let admin = db::connect(&format!("{}/postgres", db::testing::server_url()), 1).expect("pool");
    let run = |sql: String| {
        let admin = admin.clone();
        async move {
            use diesel_async::RunQueryDsl;
            let mut conn = admin.get().await.expect("admin conn");
            diesel::sql_query(sql)
                .execute(&mut conn)
                .await
                .expect("admin statement");
        }
    };
    run(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await;
    run(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .await;

    let down = app.send(Some("during-outage"), &body).await;
    assert_eq!(
        (down.status, down.code()),
        (503, "UNAVAILABLE"),
        "{}",
        down.body
    );
    assert!(down.retry_after.is_some());

    run(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
    // A client retries after a 503, as Retry-After tells it to. The first
    // retry can still meet a pooled connection the outage killed (it is
    // dropped when it fails), so a few retries are allowed; the key makes
    // them one send.
    let mut later = app.send(Some("during-outage"), &body).await;
    for _ in 0..5 {
        if later.status != 503 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        later = app.send(Some("during-outage"), &body).await;
    }
    assert_eq!(later.status, 201, "{}", later.body);
    assert_eq!(app.send(Some("during-outage"), &body).await.status, 200);
    assert_eq!(app.logs().await.len(), 2);
}

#[actix_web::test]
async fn every_template_is_limited_per_recipient() {
    let app = start(&[("SMS_PER_RECIPIENT_PER_HOUR", "2")]).await;
    let url = "https://marketbill.co.kr/wholesale/signin";
    let apply =
        |to: &str| json!({ "to": to, "template": "ApplyBizConnection", "args": ["꽃집", url] });
    assert_eq!(app.send(None, &apply("010-3333-0001")).await.status, 201);
    assert_eq!(app.send(None, &apply("010-3333-0001")).await.status, 201);
    let limited = app.send(None, &apply("010-3333-0001")).await;
    assert_eq!((limited.status, limited.code()), (429, "TOO_MANY_ATTEMPTS"));
    assert!(limited.retry_after.is_some_and(|s| (1..=3600).contains(&s)));
    // Another recipient, and another template to the same one, still go.
    assert_eq!(app.send(None, &apply("010-3333-0002")).await.status, 201);
    let confirm = json!({ "to": "010-3333-0001", "template": "ConfirmBizConnection",
                          "args": ["그린도매", "그린도매", url] });
    assert_eq!(app.send(None, &confirm).await.status, 201);
    for template in ["Default", "RejectBizConnection", "IssueOrderSheetReceipt"] {
        let args = match template {
            "Default" => json!(["안내"]),
            "RejectBizConnection" => json!(["그린도매", "그린도매", url]),
            _ => json!(["그린도매", "20261125-0001", url]),
        };
        let body = json!({ "to": "010-3333-0003", "template": template, "args": args });
        assert_eq!(app.send(None, &body).await.status, 201, "{template}");
        assert_eq!(app.send(None, &body).await.status, 201, "{template}");
        assert_eq!(app.send(None, &body).await.status, 429, "{template}");
    }
    // Refused sends leave no log row.
    assert_eq!(app.logs().await.len(), 2 + 1 + 1 + 3 * 2);
}

#[actix_web::test]
async fn names_reach_the_provider_without_links() {
    let sens = FakeSens::start(vec![]);
    let app = start_with_sens(&sens, &[]).await;
    let url = "https://marketbill.co.kr/retail/signin";
    let body = json!({ "to": "010-4444-5555", "template": "ConfirmBizConnection",
                       "args": ["그린도매 https://evil.example/pay", "www.evil.kr\n\nURL : x", url] });
    let sent = app.send(None, &body).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let content = sens.received()[0].body["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert_eq!(
        content,
        "[마켓빌(marketbill)] 그린도매 님이 거래처 신청을 승인했어요.\n주문시, 거래처를 선택할때 “URL : x”을 선택할 수 있어요.\n\nURL : https://marketbill.co.kr/retail/signin"
    );
    assert_eq!(app.logs().await[0]["message"], content);
}

/// Text with NUL bytes is a 400 in the JSON envelope, never a 500, and
/// writes nothing.
#[actix_web::test]
async fn nul_bytes_are_a_clear_error() {
    let app = start(&[]).await;
    let url = "https://marketbill.co.kr/retail/signin";
    let bodies = [
        json!({ "to": "01012345678", "template": "Default", "args": ["안\u{0}녕"] }),
        json!({ "to": "01012345678", "template": "ApplyBizConnection", "args": ["꽃\u{0}집", url] }),
        json!({ "to": "01012345678", "template": "ApplyBizConnection", "args": ["꽃집", format!("{url}\u{0}")] }),
        json!({ "to": "01012345678", "template": "IssueOrderSheetReceipt",
                "args": ["그린도매", "2026\u{0}", url] }),
        json!({ "to": "010\u{0}1234\u{0}5678", "template": "Default", "args": ["x"] }),
        json!({ "to": "01012345678", "template": "Default\u{0}", "args": ["x"] }),
    ];
    for body in bodies {
        let answer = app.send(None, &body).await;
        assert_eq!(answer.status, 400, "{body} -> {}", answer.body);
        assert!(
            ["INVALID_DATA", "INVALID_FORMAT", "UNKNOWN_TEMPLATE"].contains(&answer.code()),
            "{}",
            answer.body
        );
    }
    let raw = r#"{"to":"01012345678","template":"Default","args":["a\u0000b"]}"#;
    let answer = app.post_raw("/v1/sms", raw).await;
    assert_eq!((answer.status, answer.code()), (400, "INVALID_DATA"));
    for (path, body) in [
        (
            "/v1/verifications",
            json!({ "phoneNo": "010\u{0}1234\u{0}5678" }),
        ),
        (
            "/v1/verifications/confirm",
            json!({ "phoneNo": "01012345678", "code": "12\u{0}3456" }),
        ),
        (
            "/v1/verifications/confirm",
            json!({ "phoneNo": "010\u{0}1234\u{0}5678", "code": "123456" }),
        ),
    ] {
        let answer = app.post(path, &body, &[]).await;
        assert_eq!(answer.status, 400, "{path} {body} -> {}", answer.body);
        assert!(answer.body["error"]["code"].is_string(), "{}", answer.body);
    }
    assert!(app.logs().await.is_empty());
    assert!(
        app.query("SELECT id FROM sms_verifications")
            .await
            .is_empty()
    );
}
