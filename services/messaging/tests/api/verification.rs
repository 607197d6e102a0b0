//! Verification codes: generated here, sent through the same logged path,
//! stored only hashed, checked with expiry and an attempt limit, and rate
//! limited per phone and per client address.

use crate::support::{FakeSens, Messaging, Reply, start, start_with_sens};
use serde_json::{Value, json};

async fn request_code(app: &Messaging, phone: &str) -> crate::support::Answer {
    app.post("/v1/verifications", &json!({ "phoneNo": phone }), &[])
        .await
}

async fn confirm(app: &Messaging, phone: &str, code: &str) -> crate::support::Answer {
    app.post(
        "/v1/verifications/confirm",
        &json!({ "phoneNo": phone, "code": code }),
        &[],
    )
    .await
}

/// The code as SENS received it in the n-th request.
fn code_sent(sens: &FakeSens, n: usize) -> String {
    let content = sens.received()[n].body["content"]
        .as_str()
        .expect("content")
        .to_owned();
    let code = content
        .strip_prefix("[마켓빌(marketbill)] 인증번호 : ")
        .expect("Verification template");
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    code.to_owned()
}

/// A six-digit code that is not `code`.
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().expect("digits");
    format!("{:06}", (n + 1) % 1_000_000)
}

#[actix_web::test]
async fn a_code_is_sent_stored_hashed_and_confirmed_once() {
    let sens = FakeSens::start(vec![]);
    let app = start_with_sens(&sens, &[]).await;
    let sent = request_code(&app, "010-2345-6789").await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    assert_eq!(sent.body["sent"], true);
    assert_eq!(sent.body["expiresInSeconds"], 180);
    let code = code_sent(&sens, 0);
    assert_eq!(sens.received()[0].body["messages"][0]["to"], "01023456789");

    let stored = app.query("SELECT * FROM sms_verifications").await;
    assert_eq!(stored.len(), 1);
    let hash = stored[0]["code_hash"].as_str().expect("hash");
    assert!(!hash.contains(&code) && hash.starts_with("hmac-sha256$"));
    assert_eq!(stored[0]["phone_no"], "01023456789");
    assert_eq!(stored[0]["requester_ip"], "127.0.0.1");
    let logs = app.logs().await;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["template"], "Verification");
    assert_eq!(logs[0]["status"], "SUCCESS");
    assert_eq!(logs[0]["requested_by"], "verification");
    assert_eq!(logs[0]["message"], "[마켓빌(marketbill)] 인증번호 : ******");

    let miss = confirm(&app, "01023456789", &wrong(&code)).await;
    assert_eq!(
        (miss.status, miss.code()),
        (400, "VERIFICATION_CODE_MISMATCH")
    );
    assert!(
        miss.body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("4 attempt(s) left")
    );
    let ok = confirm(&app, "010-2345-6789", &code).await;
    assert_eq!((ok.status, &ok.body["verified"]), (200, &json!(true)));
    let reused = confirm(&app, "010-2345-6789", &code).await;
    assert_eq!((reused.status, reused.code()), (404, "NO_VERIFICATION"));
}

#[actix_web::test]
async fn five_wrong_guesses_burn_the_code() {
    let sens = FakeSens::start(vec![]);
    let app = start_with_sens(&sens, &[]).await;
    assert_eq!(request_code(&app, "01023456789").await.status, 201);
    let code = code_sent(&sens, 0);
    for left in (0..5).rev() {
        let miss = confirm(&app, "01023456789", &wrong(&code)).await;
        assert_eq!(miss.code(), "VERIFICATION_CODE_MISMATCH");
        assert!(
            miss.body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains(&format!("{left} attempt(s) left"))
        );
    }
    let burnt = confirm(&app, "01023456789", &code).await;
    assert_eq!((burnt.status, burnt.code()), (429, "TOO_MANY_ATTEMPTS"));
    let stored = app
        .query("SELECT attempts, verified_at FROM sms_verifications")
        .await;
    assert_eq!(stored[0], json!({ "attempts": 5, "verified_at": null }));
}

#[actix_web::test]
async fn expired_and_superseded_codes_do_not_verify() {
    let sens = FakeSens::start(vec![]);
    let app = start_with_sens(&sens, &[]).await;
    assert_eq!(request_code(&app, "01023456789").await.status, 201);
    let first = code_sent(&sens, 0);
    app.execute("UPDATE sms_verifications SET expires_at = now() - interval '1 second'")
        .await;
    let expired = confirm(&app, "01023456789", &first).await;
    assert_eq!(
        (expired.status, expired.code()),
        (400, "VERIFICATION_EXPIRED")
    );

    assert_eq!(request_code(&app, "01023456789").await.status, 201);
    let second = code_sent(&sens, 1);
    if second != first {
        let old = confirm(&app, "01023456789", &first).await;
        assert_eq!(
            old.code(),
            "VERIFICATION_CODE_MISMATCH",
            "only the newest code counts"
        );
    }
    assert_eq!(confirm(&app, "01023456789", &second).await.status, 200);
}

#[actix_web::test]
async fn confirming_without_a_code_or_with_bad_input_is_refused_clearly() {
    let app = start(&[]).await;
    let none = confirm(&app, "01023456789", "123456").await;
    assert_eq!((none.status, none.code()), (404, "NO_VERIFICATION"));
    for code in ["12345", "1234567", "12a456", ""] {
        let bad = confirm(&app, "01023456789", code).await;
        assert_eq!(
            (bad.status, bad.code()),
            (400, "INVALID_FORMAT"),
            "{code:?}"
        );
    }
    let phone = confirm(&app, "02-123-4567", "123456").await;
    assert_eq!((phone.status, phone.code()), (400, "INVALID_FORMAT"));
    let bad_phone = request_code(&app, "not a phone").await;
    assert_eq!(
        (bad_phone.status, bad_phone.code()),
        (400, "INVALID_FORMAT")
    );
    let missing = app.post("/v1/verifications", &json!({}), &[]).await;
    assert_eq!((missing.status, missing.code()), (400, "INVALID_DATA"));
    assert!(
        app.query("SELECT id FROM sms_verifications")
            .await
            .is_empty()
    );
}

#[actix_web::test]
async fn codes_per_phone_are_limited() {
    let app = start(&[("SMS_VERIFICATIONS_PER_PHONE_PER_HOUR", "2")]).await;
    assert_eq!(request_code(&app, "01023456789").await.status, 201);
    assert_eq!(request_code(&app, "010-2345-6789").await.status, 201);
    let limited = request_code(&app, "01023456789").await;
    assert_eq!((limited.status, limited.code()), (429, "TOO_MANY_ATTEMPTS"));
    let retry_after = limited.retry_after.expect("Retry-After");
    assert!((1..=3600).contains(&retry_after));
    assert_eq!(request_code(&app, "01098765432").await.status, 201);
    // Nothing half-written for the refused request.
    assert_eq!(app.query("SELECT id FROM sms_verifications").await.len(), 3);
    assert_eq!(app.logs().await.len(), 3);
    // Once the window has passed, the phone may ask again.
    app.execute("UPDATE rate_limit_windows SET window_start = window_start - interval '1 hour'")
        .await;
    assert_eq!(request_code(&app, "01023456789").await.status, 201);
}

#[actix_web::test]
async fn codes_per_client_address_are_limited() {
    let app = start(&[("SMS_VERIFICATIONS_PER_IP_PER_HOUR", "2")]).await;
    let from = |phone: &'static str, forwarded: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/v1/verifications",
                &json!({ "phoneNo": phone }),
                &[("X-Forwarded-For", forwarded)],
            )
            .await
        }
    };
    assert_eq!(from("01011110001", "198.51.100.1").await.status, 201);
    assert_eq!(from("01011110002", "198.51.100.2").await.status, 201);
    // X-Forwarded-For is not trusted by default: all three come from 127.0.0.1.
    let limited = from("01011110003", "198.51.100.3").await;
    assert_eq!((limited.status, limited.code()), (429, "TOO_MANY_ATTEMPTS"));
    assert!(limited.retry_after.is_some());
}

#[actix_web::test]
async fn behind_a_trusted_proxy_the_forwarded_address_counts() {
    let app = start(&[
        ("SMS_VERIFICATIONS_PER_IP_PER_HOUR", "1"),
        ("TRUST_FORWARDED_FOR", "true"),
    ])
    .await;
    let from = |phone: &'static str, forwarded: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/v1/verifications",
                &json!({ "phoneNo": phone }),
                &[("X-Forwarded-For", forwarded)],
            )
            .await
        }
    };
    assert_eq!(from("01011110001", "198.51.100.1").await.status, 201);
    assert_eq!(from("01011110002", "198.51.100.2").await.status, 201);
    // A client-written first entry does not help: the proxy's entry is last.
    let spoofed = from("01011110003", "203.0.113.9, 198.51.100.1").await;
    assert_eq!(spoofed.status, 429);
    let ips: Vec<Value> = app
        .query("SELECT requester_ip FROM sms_verifications ORDER BY id")
        .await;
    assert_eq!(
        ips,
        [
            json!({ "requester_ip": "198.51.100.1" }),
            json!({ "requester_ip": "198.51.100.2" })
        ]
    );
}

#[actix_web::test]
async fn a_refused_code_is_a_502_and_an_allowlisted_dev_setup_says_not_sent() {
    let sens = FakeSens::start(vec![Reply::Status(
        400,
        r#"{"statusCode":"400","statusName":"fail"}"#,
    )]);
    let app = start_with_sens(&sens, &[]).await;
    let refused = request_code(&app, "01023456789").await;
    assert_eq!((refused.status, refused.code()), (502, "SMS_NOT_REACHED"));
    assert_eq!(app.logs().await[0]["error_code"], "HTTP_400:400");

    let app = start(&[("SMS_RECIPIENT_ALLOWLIST", "01011112222")]).await;
    let withheld = request_code(&app, "01023456789").await;
    assert_eq!(withheld.status, 202);
    assert_eq!(withheld.body["sent"], false);
    assert_eq!(app.logs().await[0]["error_code"], "NOT_ALLOWLISTED");
    assert_eq!(request_code(&app, "010-1111-2222").await.body["sent"], true);
}

#[actix_web::test]
async fn codes_are_limited_over_all_clients_together() {
    let app = start(&[
        ("SMS_VERIFICATIONS_PER_HOUR", "3"),
        ("TRUST_FORWARDED_FOR", "true"),
    ])
    .await;
    let from = |phone: &'static str, forwarded: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/v1/verifications",
                &json!({ "phoneNo": phone }),
                &[("X-Forwarded-For", forwarded)],
            )
            .await
        }
    };
    // Every client and every phone differ: only the global limit applies.
    assert_eq!(from("01011110001", "198.51.100.1").await.status, 201);
    assert_eq!(from("01011110002", "198.51.100.2").await.status, 201);
    assert_eq!(from("01011110003", "198.51.100.3").await.status, 201);
    let limited = from("01011110004", "198.51.100.4").await;
    assert_eq!((limited.status, limited.code()), (429, "TOO_MANY_ATTEMPTS"));
    assert!(limited.retry_after.is_some_and(|s| (1..=3600).contains(&s)));
    assert_eq!(app.query("SELECT id FROM sms_verifications").await.len(), 3);
    let counted = app
        .query("SELECT scope, subject, hits FROM rate_limit_windows WHERE scope = 'messaging.verification.all'")
        .await;
    assert_eq!(
        counted,
        [json!({ "scope": "messaging.verification.all", "subject": "*", "hits": 3 })]
    );
}

/// The reported bug: five `sendVerificationSms` calls through core (POST
/// /v1/sms with the Verification template) used up the phone's bucket of
/// /v1/verifications, so whoever knew a number could lock its owner out of
/// verifying it for an hour.
#[actix_web::test]
async fn sends_through_core_do_not_lock_the_owner_out() {
    let app = start(&[]).await;
    let victim = "010-7777-8888";
    for n in 0..5 {
        let body =
            json!({ "to": victim, "template": "Verification", "args": [format!("12345{n}")] });
        assert_eq!(app.send(None, &body).await.status, 201);
    }
    let sixth = json!({ "to": victim, "template": "Verification", "args": ["999999"] });
    assert_eq!(
        app.send(None, &sixth).await.status,
        429,
        "core's sends have their own limit"
    );
    let owner = request_code(&app, victim).await;
    assert_eq!(owner.status, 201, "{}", owner.body);
}

#[actix_web::test]
async fn a_confirmed_code_answers_a_single_use_phone_proof() {
    let sens = FakeSens::start(vec![]);
    let app = start_with_sens(&sens, &[]).await;
    assert_eq!(request_code(&app, "010-2345-6789").await.status, 201);
    let code = code_sent(&sens, 0);
    let before = chrono::Utc::now();
    let ok = confirm(&app, "010-2345-6789", &code).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["verified"], true);
    let token = ok.body["phoneProof"]
        .as_str()
        .expect("phoneProof")
        .to_owned();
    assert_eq!(token.len(), 43, "32 random bytes, base64url");
    let expires_at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(ok.body["expiresAt"].clone()).expect("expiresAt");
    let ttl = expires_at - before;
    assert!(
        ttl > platform::phone_proof::PROOF_TTL - chrono::TimeDelta::seconds(30)
            && ttl <= platform::phone_proof::PROOF_TTL + chrono::TimeDelta::seconds(1),
        "{ttl}"
    );
    // Only the hash is stored, for this phone.
    let stored = app
        .query("SELECT phone_no, encode(token_hash, 'hex') AS hash, consumed_at FROM phone_proofs")
        .await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["phone_no"], "01023456789");
    assert!(stored[0]["consumed_at"].is_null());
    assert!(!stored.iter().any(|row| row.to_string().contains(&token)));

    // Core's side: the proof is good once, for its phone only.
    let hash = platform::phone_proof::token_hash(&token);
    let mut conn = app.db.pool().get().await.expect("conn");
    let now = chrono::Utc::now();
    assert!(
        !db::phone_proofs::consume(&mut conn, &hash, "01099998888", now)
            .await
            .expect("consume")
    );
    assert!(
        db::phone_proofs::consume(&mut conn, &hash, "01023456789", now)
            .await
            .expect("consume")
    );
    assert!(
        !db::phone_proofs::consume(&mut conn, &hash, "01023456789", now)
            .await
            .expect("consume")
    );

    // A wrong code earns no proof.
    assert_eq!(request_code(&app, "010-2345-6789").await.status, 201);
    let miss = confirm(&app, "010-2345-6789", &wrong(&code_sent(&sens, 1))).await;
    assert_eq!(miss.status, 400);
    assert!(miss.body.get("phoneProof").is_none());
    assert_eq!(app.query("SELECT id FROM phone_proofs").await.len(), 1);
}
