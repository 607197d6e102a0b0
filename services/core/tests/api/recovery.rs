//! Phone ownership and account recovery: sign-up takes a phone proof
//! (required or optional by setting, always checked and used up when given),
//! a proven phone resets the password, and changing or resetting a password
//! ends every other session. Proofs are recorded here as the messaging
//! service records them when a code is confirmed.

use crate::support::{Core, data, error_code, start, start_with};
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

const SIGN_UP: &str =
    "mutation($i: SignUpInput) { signUp(input: $i) { accessToken refreshToken } }";
const SIGN_IN: &str =
    "mutation($i: SignInInput) { signIn(input: $i) { accessToken refreshToken } }";
const RESET: &str = "mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { success } }";
const ME: &str = "{ me { id } }";
const PHONE: &str = "01012345678";

/// A proof for `phone` that expires `valid_for` from now; answers the token.
async fn proof(core: &Core, phone: &str, valid_for: TimeDelta) -> String {
    let token = platform::phone_proof::new_token().expect("token");
    let mut conn = core.db.pool().get().await.expect("conn");
    db::phone_proofs::record(
        &mut conn,
        &platform::phone_proof::token_hash(&token),
        phone,
        Utc::now() + valid_for,
    )
    .await
    .expect("record");
    token
}

fn sign_up_vars(name: &str, phone: &str, proof: Option<&str>) -> Value {
    json!({ "i": { "name": name, "phoneNo": phone, "password": "test123@@", "role": "RETAILER",
                   "phoneProof": proof } })
}

async fn unused_proofs(core: &Core) -> i64 {
    core.count("SELECT count(*) FROM phone_proofs WHERE consumed_at IS NULL")
        .await
}

#[actix_web::test]
async fn required_verification_refuses_sign_ups_without_a_valid_proof_of_that_phone() {
    let core = start_with(&[("PHONE_VERIFICATION", "required")]).await;
    let missing = core
        .gql(None, SIGN_UP, sign_up_vars("꽃집", PHONE, None))
        .await;
    assert_eq!(error_code(&missing), "NO_VERIFICATION", "{missing}");

    let expired = proof(&core, PHONE, TimeDelta::seconds(-1)).await;
    let other_phone = proof(&core, "01099998888", TimeDelta::minutes(10)).await;
    for bad in ["made-up", expired.as_str(), other_phone.as_str()] {
        let body = core
            .gql(None, SIGN_UP, sign_up_vars("꽃집", PHONE, Some(bad)))
            .await;
        assert_eq!(error_code(&body), "VERIFICATION_EXPIRED", "{body}");
    }
    assert_eq!(core.count("SELECT count(*) FROM users").await, 0);

    let good = proof(&core, PHONE, TimeDelta::minutes(10)).await;
    let body = core
        .gql(None, SIGN_UP, sign_up_vars("꽃집", PHONE, Some(&good)))
        .await;
    assert!(data(&body)["signUp"]["accessToken"].is_string());
    assert_eq!(
        core.count("SELECT count(*) FROM phone_proofs WHERE consumed_at IS NOT NULL")
            .await,
        1,
        "the good proof is used up, the refused ones are not"
    );

    // A used proof is worth nothing: not even for a password reset.
    let again = core
        .gql(
            None,
            RESET,
            json!({ "i": { "phoneNo": PHONE, "phoneProof": good, "password": "newpass1@@" } }),
        )
        .await;
    assert_eq!(error_code(&again), "VERIFICATION_EXPIRED", "{again}");
}

#[actix_web::test]
async fn optional_verification_keeps_the_original_client_working_but_checks_a_given_proof() {
    let core = start().await;
    let plain = core
        .gql(None, SIGN_UP, sign_up_vars("꽃집", PHONE, None))
        .await;
    assert!(data(&plain)["signUp"]["accessToken"].is_string());

    let bogus = core
        .gql(
            None,
            SIGN_UP,
            sign_up_vars("다른꽃집", "01011112222", Some("made-up")),
        )
        .await;
    assert_eq!(error_code(&bogus), "VERIFICATION_EXPIRED", "{bogus}");

    let good = proof(&core, "01011112222", TimeDelta::minutes(10)).await;
    let proven = core
        .gql(
            None,
            SIGN_UP,
            sign_up_vars("다른꽃집", "01011112222", Some(&good)),
        )
        .await;
    assert!(data(&proven)["signUp"]["accessToken"].is_string());
    assert_eq!(unused_proofs(&core).await, 0);
}

#[actix_web::test]
async fn a_proven_phone_resets_the_password_and_ends_every_session() {
    let core = start().await;
    let signed_up = core
        .gql(None, SIGN_UP, sign_up_vars("꽃집", PHONE, None))
        .await;
    let first = data(&signed_up)["signUp"].clone();
    let credentials = |password: &str| json!({ "i": { "phoneNo": PHONE, "password": password } });
    let second = data(&core.gql(None, SIGN_IN, credentials("test123@@")).await)["signIn"].clone();
    // The owner of the number has locked it with wrong guesses.
    for _ in 0..5 {
        core.gql(None, SIGN_IN, credentials("wrong1@@x")).await;
    }
    let locked = core.gql(None, SIGN_IN, credentials("test123@@")).await;
    assert_eq!(error_code(&locked), "TOO_MANY_ATTEMPTS");

    let reset = |phone: &str, proof: String, password: &str| json!({ "i": { "phoneNo": phone, "phoneProof": proof, "password": password } });
    let weak = core
        .gql(
            None,
            RESET,
            reset(
                PHONE,
                proof(&core, PHONE, TimeDelta::minutes(10)).await,
                "weak",
            ),
        )
        .await;
    assert_eq!(error_code(&weak), "INVALID_FORMAT");
    let unproven = core
        .gql(None, RESET, reset(PHONE, "made-up".into(), "newpass1@@"))
        .await;
    assert_eq!(error_code(&unproven), "VERIFICATION_EXPIRED");
    // A proof of another number does not open this account.
    let elsewhere = core
        .gql(
            None,
            RESET,
            reset(
                PHONE,
                proof(&core, "01055556666", TimeDelta::minutes(10)).await,
                "newpass1@@",
            ),
        )
        .await;
    assert_eq!(error_code(&elsewhere), "VERIFICATION_EXPIRED");
    let nobody = core
        .gql(
            None,
            RESET,
            reset(
                "01055556666",
                proof(&core, "01055556666", TimeDelta::minutes(10)).await,
                "newpass1@@",
            ),
        )
        .await;
    assert_eq!(error_code(&nobody), "NO_USER");

    let done = core
        .gql(
            None,
            RESET,
            reset(
                PHONE,
                proof(&core, PHONE, TimeDelta::minutes(10)).await,
                "newpass1@@",
            ),
        )
        .await;
    assert_eq!(data(&done)["resetPassword"]["success"], true);

    for session in [&first, &second] {
        for (token, query) in [
            (&session["accessToken"], ME),
            (
                &session["refreshToken"],
                "mutation { reissueToken { accessToken } }",
            ),
        ] {
            let (status, body) = core.gql_status(token.as_str(), query, json!({})).await;
            assert_eq!(status, 401, "every session ended: {body}");
        }
    }
    let old = core.gql(None, SIGN_IN, credentials("test123@@")).await;
    assert_eq!(error_code(&old), "NO_USER");
    let new = core.gql(None, SIGN_IN, credentials("newpass1@@")).await;
    assert!(
        data(&new)["signIn"]["accessToken"].is_string(),
        "the reset lifted the lock"
    );
}

#[actix_web::test]
async fn changing_the_password_ends_the_other_sessions_only() {
    let core = start().await;
    let signed_up = core
        .gql(None, SIGN_UP, sign_up_vars("꽃집", PHONE, None))
        .await;
    let here = data(&signed_up)["signUp"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let elsewhere = core
        .gql(
            None,
            SIGN_IN,
            json!({ "i": { "phoneNo": PHONE, "password": "test123@@" } }),
        )
        .await;
    let elsewhere = data(&elsewhere)["signIn"].clone();
    let me = data(&core.gql(Some(&here), ME, json!({})).await)["me"]["id"].clone();

    let changed = core
        .gql(
            Some(&here),
            "mutation($i: UpdatePasswordInput) { updatePassword(input: $i) { success } }",
            json!({ "i": { "userId": me, "phoneNo": PHONE, "password": "newpass1@@" } }),
        )
        .await;
    assert_eq!(data(&changed)["updatePassword"]["success"], true);

    assert!(data(&core.gql(Some(&here), ME, json!({})).await)["me"].is_object());
    for token in [&elsewhere["accessToken"], &elsewhere["refreshToken"]] {
        let (status, _) = core
            .gql_status(
                token.as_str(),
                "mutation { reissueToken { accessToken } }",
                json!({}),
            )
            .await;
        assert_eq!(status, 401, "the other session ended");
    }
}
