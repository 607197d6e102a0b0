//! Application logs never carry a phone number, a message body, a code or a
//! secret: everything the service logs at every level is captured while a
//! send, a retry, a provider failure, a verification and a rate limit happen.

use crate::support::{FakeSens, Reply, SENS_SECRET, SERVICE_TOKEN, start_with_sens};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("buffer")).into_owned()
    }
}

#[actix_web::test]
async fn logs_mask_numbers_and_never_show_bodies_codes_or_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Global, so the server's worker threads log here too; no timestamps, so
    // their digits cannot be mistaken for a code.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber in this process");

    let sens = FakeSens::start(vec![
        Reply::Status(503, r#"{"statusCode":"503"}"#),
        Reply::Accept,
        Reply::Status(400, r#"{"statusCode":"400","statusName":"fail"}"#),
    ]);
    let app = start_with_sens(&sens, &[("SMS_VERIFICATIONS_PER_PHONE_PER_HOUR", "1")]).await;
    let phone = "010-2468-1357";
    let body = "비밀 본문 body-marker-7f3a";

    // A send that needs a retry, then one the provider refuses.
    let sent = app
        .send(
            Some("key-1"),
            &json!({ "to": phone, "template": "Default", "args": [body] }),
        )
        .await;
    assert_eq!(sent.body["attempts"], 2);
    let refused = app
        .send(
            None,
            &json!({ "to": phone, "template": "Default", "args": [body] }),
        )
        .await;
    assert_eq!(refused.body["status"], "FAILURE");
    // A verification: sent, one wrong guess, confirmed; then rate limited.
    let requested = app
        .post("/v1/verifications", &json!({ "phoneNo": phone }), &[])
        .await;
    assert_eq!(requested.status, 201);
    let content = sens.received()[3].body["content"]
        .as_str()
        .expect("content")
        .to_owned();
    let code = content.rsplit(' ').next().expect("code").to_owned();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let miss = app
        .post(
            "/v1/verifications/confirm",
            &json!({ "phoneNo": phone, "code": wrong }),
            &[],
        )
        .await;
    assert_eq!(miss.status, 400);
    let ok = app
        .post(
            "/v1/verifications/confirm",
            &json!({ "phoneNo": phone, "code": code }),
            &[],
        )
        .await;
    assert_eq!(ok.status, 200);
    let proof = ok.body["phoneProof"].as_str().expect("proof").to_owned();
    let limited = app
        .post("/v1/verifications", &json!({ "phoneNo": phone }), &[])
        .await;
    assert_eq!(limited.status, 429);

    let logs = captured.text();
    assert!(
        logs.contains("sms handled"),
        "the sends were logged:\n{logs}"
    );
    assert!(logs.contains("retrying"), "the retry was logged:\n{logs}");
    assert!(
        logs.contains("010-****-1357"),
        "numbers appear masked:\n{logs}"
    );
    for secret in [
        "01024681357",
        "2468-1357",
        "24681357",
        "2468",
        body,
        "body-marker",
        "비밀",
        code.as_str(),
        wrong,
        "인증번호",
        SERVICE_TOKEN,
        SENS_SECRET,
        proof.as_str(),
    ] {
        assert!(
            !appears(&logs, secret),
            "`{secret}` leaked into the logs:\n{logs}"
        );
    }
}

/// Whether `secret` appears in `logs` on its own, not as a run of digits
/// inside a longer number: TRACE lines carry pointer-sized tokens such as
/// `Token(140641724683136)`, which contain any short digit string by chance.
fn appears(logs: &str, secret: &str) -> bool {
    if !secret.bytes().all(|b| b.is_ascii_digit()) {
        return logs.contains(secret);
    }
    let digit_at = |i: usize| logs.as_bytes().get(i).is_some_and(u8::is_ascii_digit);
    logs.match_indices(secret).any(|(start, _)| {
        let inside_a_number = (start > 0 && digit_at(start - 1)) || digit_at(start + secret.len());
        !inside_a_number
    })
}
