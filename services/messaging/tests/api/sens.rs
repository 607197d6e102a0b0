//! The SENS adapter against a local server playing SENS: the exact request
//! (path, headers, signature, body) for every template, and what 4xx, 5xx,
//! 429 and timeouts make of a send.

use crate::support::{
    FakeSens, Reply, SENS_ACCESS_KEY, SENS_SENDER, SENS_SERVICE_ID, start_with_sens,
};
use serde_json::json;

const URL: &str = "https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message";

#[actix_web::test]
async fn every_template_reaches_sens_signed_with_its_exact_text() {
    let sens = FakeSens::start(vec![]);
    let app = start_with_sens(&sens, &[]).await;
    let cases = [
        (
            "Default",
            json!(["안녕하세요 마켓빌입니다"]),
            "안녕하세요 마켓빌입니다",
            "SMS",
        ),
        (
            "Verification",
            json!(["482913"]),
            "[마켓빌(marketbill)] 인증번호 : 482913",
            "SMS",
        ),
        (
            "ApplyBizConnection",
            json!(["행복꽃집", URL]),
            "[마켓빌(marketbill)] 행복꽃집 님이 거래처 승인 요청을 보냈어요.\n마이페이지 > 거래처 승인에서 신청을 승인하면 거래처가 주문할 수 있어요.\n\nURL : https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message",
            "LMS",
        ),
        (
            "ConfirmBizConnection",
            json!(["그린도매", "그린도매", URL]),
            "[마켓빌(marketbill)] 그린도매 님이 거래처 신청을 승인했어요.\n주문시, 거래처를 선택할때 \u{201c}그린도매\u{201d}을 선택할 수 있어요.\n\nURL : https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message",
            "LMS",
        ),
        (
            "RejectBizConnection",
            json!(["그린도매", "그린도매", URL]),
            "[마켓빌(marketbill)] 그린도매 님이 거래처 신청을 거절했어요.\n\n시장에서 그린도매 님께 직접 문의해주세요.\n\nURL : https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message",
            "LMS",
        ),
        (
            "IssueOrderSheetReceipt",
            json!(["그린도매", "20261125-0007", URL]),
            "[마켓빌(marketbill)] 그린도매 님이 주문번호 20261125-0007에 영수증을 발행했어요.\n\n마이페이지 > 주문내역\u{201d}에서 영수증을 다운로드 할 수 있어요.\n\nURL : https://marketbill.co.kr/retail/signin?utm_source=marketbill&utm_medium=retail&utm_campaign=message",
            "LMS",
        ),
        // Longer than 80 bytes: LMS, also for Default (the original always chose SMS).
        ("Default", json!(["가".repeat(27)]), &"가".repeat(27), "LMS"),
    ];
    for (i, (template, args, text, kind)) in cases.iter().enumerate() {
        let answer = app
            .send(
                None,
                &json!({ "to": "010-4321-8765", "template": template, "args": args }),
            )
            .await;
        assert_eq!(answer.status, 201, "{template}: {}", answer.body);
        assert_eq!(answer.body["status"], "SUCCESS", "{template}");
        assert_eq!(answer.body["messageType"], *kind, "{template}");
        assert_eq!(answer.body["provider"], "sens");
        assert_eq!(answer.body["attempts"], 1);
        assert_eq!(answer.body["providerRequestId"], format!("RSSA-{}", i + 1));

        let received = sens.received();
        let request = &received[i];
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.path,
            format!("/sms/v2/services/{SENS_SERVICE_ID}/messages")
        );
        assert!(request.content_type.starts_with("application/json"));
        assert_eq!(request.access_key, SENS_ACCESS_KEY);
        assert!(request.signature_valid, "{template}: bad signature");
        let sent_at: i64 = request.timestamp.parse().expect("epoch milliseconds");
        assert!((sent_at - chrono::Utc::now().timestamp_millis()).abs() < 300_000);
        assert_eq!(
            request.body,
            json!({
                "type": kind, "contentType": null, "countryCode": null, "from": SENS_SENDER,
                "subject": null, "content": text,
                "messages": [{ "to": "01043218765", "subject": null, "content": null }],
                "files": null, "reserveTime": null, "reserveTimeZone": null, "scheduleCode": null,
            }),
            "{template}"
        );
    }
}

async fn outcome_of(script: Vec<Reply>) -> (serde_json::Value, usize, bool) {
    let sens = FakeSens::start(script);
    let app = start_with_sens(&sens, &[]).await;
    let answer = app
        .send(
            None,
            &json!({ "to": "01012345678", "template": "Default", "args": ["hi"] }),
        )
        .await;
    assert_eq!(
        answer.status, 201,
        "a handled send is 201 whatever its outcome"
    );
    let received = sens.received();
    let all_signed = received.iter().all(|r| r.signature_valid);
    let rows = app.logs().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], answer.body["status"]);
    assert_eq!(rows[0]["attempts"], answer.body["attempts"]);
    assert_eq!(rows[0]["error_code"], answer.body["errorCode"]);
    (answer.body, received.len(), all_signed)
}

#[actix_web::test]
async fn a_4xx_is_a_final_failure_with_the_providers_code() {
    let (body, requests, signed) = outcome_of(vec![Reply::Status(
        401,
        r#"{"error":{"errorCode":"200","message":"Authentication Failed","details":"Invalid authentication information."}}"#,
    )])
    .await;
    assert_eq!(body["status"], "FAILURE");
    assert_eq!(body["errorCode"], "HTTP_401:200");
    assert_eq!(body["attempts"], 1);
    assert_eq!(requests, 1, "no retry after a 4xx");
    assert!(signed);
}

#[actix_web::test]
async fn a_5xx_is_retried_and_the_retry_can_succeed() {
    let (body, requests, signed) = outcome_of(vec![
        Reply::Status(503, r#"{"statusCode":"503"}"#),
        Reply::Accept,
    ])
    .await;
    assert_eq!(body["status"], "SUCCESS");
    assert_eq!(body["attempts"], 2);
    assert!(body["errorCode"].is_null());
    assert_eq!(body["providerRequestId"], "RSSA-1");
    assert_eq!(requests, 2);
    assert!(signed, "each retry is signed afresh");
}

#[actix_web::test]
async fn retries_are_bounded() {
    let (body, requests, _) = outcome_of(vec![
        Reply::Status(500, "oops"),
        Reply::Status(502, "<html>bad gateway</html>"),
        Reply::Status(500, "{}"),
        Reply::Accept,
    ])
    .await;
    assert_eq!(body["status"], "FAILURE");
    assert_eq!(body["errorCode"], "HTTP_500");
    assert_eq!(body["attempts"], 3);
    assert_eq!(requests, 3, "SENS_MAX_ATTEMPTS=3");
}

#[actix_web::test]
async fn a_429_is_retried() {
    let (body, requests, _) = outcome_of(vec![
        Reply::Status(429, r#"{"statusCode":"429"}"#),
        Reply::Accept,
    ])
    .await;
    assert_eq!((body["status"].as_str(), requests), (Some("SUCCESS"), 2));
}

#[actix_web::test]
async fn a_timeout_is_retried_and_recorded() {
    let (body, requests, _) = outcome_of(vec![Reply::Hang, Reply::Accept]).await;
    assert_eq!(body["status"], "SUCCESS");
    assert_eq!(body["attempts"], 2);
    assert_eq!(requests, 2);

    let (body, requests, _) = outcome_of(vec![Reply::Hang, Reply::Hang, Reply::Hang]).await;
    assert_eq!(body["status"], "FAILURE");
    assert_eq!(body["errorCode"], "TIMEOUT");
    assert_eq!((body["attempts"].as_i64(), requests), (Some(3), 3));
}

#[actix_web::test]
async fn an_unreachable_provider_is_a_recorded_network_failure() {
    let port = db::testing::free_port();
    let sens = FakeSens::start(vec![]);
    let url = format!("http://127.0.0.1:{port}");
    let app = start_with_sens(&sens, &[("SENS_HOST", url.as_str())]).await;
    let answer = app
        .send(
            None,
            &json!({ "to": "01012345678", "template": "Default", "args": ["hi"] }),
        )
        .await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.body["status"], "FAILURE");
    assert_eq!(answer.body["errorCode"], "NETWORK");
    assert_eq!(answer.body["attempts"], 3);
}
