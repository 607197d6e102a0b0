//! No free SMS and no free CPU: sign-up, sign-in and verification SMS are
//! limited per client address and overall, counted in PostgreSQL so that two
//! core instances share the counts; password hashing runs only after the
//! cheap checks, and a burst beyond the hashing bound is told to retry
//! instead of queueing.
//!
//! A test binary of its own, beside `api`: the hashing gate is the
//! process's, sized by the first core instance that hashes, and these tests
//! size it down to one; in a shared process every other test's sign-up would
//! be told the server is busy.

#[path = "api/support.rs"]
mod support;

use core_service::accounts::passwords;
use serde_json::{Value, json};
use support::{Core, data, error_code, start_with};

const SIGN_UP: &str = "mutation($i: SignUpInput) { signUp(input: $i) { accessToken } }";
const SIGN_IN: &str = "mutation($i: SignInInput) { signIn(input: $i) { accessToken } }";

fn sign_up_vars(name: &str, phone: &str) -> Value {
    json!({ "i": { "name": name, "phoneNo": phone, "password": "test123@@", "role": "RETAILER" } })
}

fn refused_for_too_many(body: &Value) -> String {
    assert_eq!(error_code(body), "TOO_MANY_ATTEMPTS", "{body}");
    body["errors"][0]["message"]
        .as_str()
        .expect("message")
        .to_owned()
}

async fn accounts(core: &Core) -> i64 {
    core.count("SELECT count(*) FROM users").await
}

#[actix_web::test]
async fn sign_ups_are_limited_per_client_and_overall_across_instances() {
    let limits = [
        ("TRUST_FORWARDED_FOR", "true"),
        ("SIGN_UP_LIMIT_PER_IP", "2"),
        ("SIGN_UP_LIMIT_ALL", "3"),
    ];
    let core = start_with(&limits).await;
    let replica = core.replica(&limits).await;
    let (a, b) = ("203.0.113.1", "203.0.113.2");

    // Client a: two sign-ups, one on each instance, then a third is refused.
    data(
        &core
            .gql_at(&core.url, a, SIGN_UP, sign_up_vars("꽃집1", "01010000001"))
            .await,
    );
    data(
        &core
            .gql_at(&replica, a, SIGN_UP, sign_up_vars("꽃집2", "01010000002"))
            .await,
    );
    let refused = core
        .gql_at(&replica, a, SIGN_UP, sign_up_vars("꽃집3", "01010000003"))
        .await;
    let message = refused_for_too_many(&refused);
    assert!(
        message.contains("from your network") && message.contains("try again in"),
        "{message}"
    );

    // Client b has its own count, but everyone together may sign up 3 times.
    data(
        &core
            .gql_at(&core.url, b, SIGN_UP, sign_up_vars("꽃집4", "01010000004"))
            .await,
    );
    let overall = core
        .gql_at(&replica, b, SIGN_UP, sign_up_vars("꽃집5", "01010000005"))
        .await;
    assert!(refused_for_too_many(&overall).contains("right now"));
    assert_eq!(accounts(&core).await, 3, "refused sign-ups create nothing");
}

#[actix_web::test]
async fn sign_ins_and_verification_messages_are_limited_too() {
    let core = start_with(&[
        ("TRUST_FORWARDED_FOR", "true"),
        ("SIGN_IN_LIMIT_PER_IP", "2"),
        ("VERIFICATION_SMS_LIMIT_PER_IP", "1"),
    ])
    .await;
    let client = "198.51.100.7";
    data(
        &core
            .gql_at(
                &core.url,
                client,
                SIGN_UP,
                sign_up_vars("꽃집", "01012345678"),
            )
            .await,
    );
    let credentials = json!({ "i": { "phoneNo": "01012345678", "password": "test123@@" } });
    for _ in 0..2 {
        data(
            &core
                .gql_at(&core.url, client, SIGN_IN, credentials.clone())
                .await,
        );
    }
    let third = core.gql_at(&core.url, client, SIGN_IN, credentials).await;
    refused_for_too_many(&third);

    let sms =
        "mutation($to: String!) { sendVerificationSms(to: $to, code: \"123456\") { success } }";
    let first = core
        .gql_at(&core.url, client, sms, json!({ "to": "01099990000" }))
        .await;
    // Allowed through to messaging, which does not run here.
    assert_ne!(error_code(&first), "TOO_MANY_ATTEMPTS", "{first}");
    let second = core
        .gql_at(&core.url, client, sms, json!({ "to": "01099990001" }))
        .await;
    refused_for_too_many(&second);
}

/// Everything that can refuse a sign-up cheaply does so before a password
/// is hashed: the process's hash counter does not move.
#[actix_web::test]
async fn a_refused_sign_up_costs_no_password_hash() {
    let core = start_with(&[
        ("TRUST_FORWARDED_FOR", "true"),
        ("SIGN_UP_LIMIT_PER_IP", "4"),
    ])
    .await;
    let client = "192.0.2.10";
    let before = passwords::runs();
    data(
        &core
            .gql_at(
                &core.url,
                client,
                SIGN_UP,
                sign_up_vars("꽃집", "01012345678"),
            )
            .await,
    );
    assert_eq!(passwords::runs(), before + 1, "a sign-up hashes once");

    let cheap_refusals = [
        (
            sign_up_vars("다른꽃집", "01012345678"),
            "PHONE_NO_DUPLICATED",
        ),
        (sign_up_vars("꽃집", "01087654321"), "USER_NAME_DUPLICATED"),
        (
            json!({ "i": { "name": "새꽃집", "phoneNo": "01011112222", "password": "test123@@",
                           "role": "RETAILER", "phoneProof": "not-a-proof" } }),
            "VERIFICATION_EXPIRED",
        ),
        // The fifth sign-up from this address (refusals count too).
        (
            sign_up_vars("또다른꽃집", "01033334444"),
            "TOO_MANY_ATTEMPTS",
        ),
    ];
    for (vars, code) in cheap_refusals {
        let body = core.gql_at(&core.url, client, SIGN_UP, vars).await;
        assert_eq!(error_code(&body), code, "{body}");
    }
    assert_eq!(
        passwords::runs(),
        before + 1,
        "refusals are answered without hashing"
    );
}

/// One hash at a time and nobody waiting: of a burst of sign-ups, those that
/// find the hasher taken are told to retry at once, and create nothing.
#[actix_web::test]
async fn a_burst_of_sign_ups_beyond_the_hashing_bound_is_told_to_retry() {
    let core = start_with(&[
        ("PASSWORD_HASH_CONCURRENCY", "1"),
        ("PASSWORD_HASH_QUEUE", "0"),
    ])
    .await;
    let burst = (0..6).map(|i| {
        core.gql(
            None,
            SIGN_UP,
            sign_up_vars(&format!("꽃집{i}"), &format!("0101000000{i}")),
        )
    });
    let answers = futures_util::future::join_all(burst).await;
    let signed_up = answers.iter().filter(|a| a.get("errors").is_none()).count();
    let busy: Vec<&Value> = answers
        .iter()
        .filter(|a| a.get("errors").is_some())
        .collect();
    assert!(signed_up >= 1, "{answers:?}");
    assert!(!busy.is_empty(), "nobody was told to retry: {answers:?}");
    for answer in busy {
        assert!(refused_for_too_many(answer).contains("busy"), "{answer}");
    }
    assert_eq!(
        accounts(&core).await,
        i64::try_from(signed_up).expect("small")
    );
}
