//! Sessions over real HTTP: a rotated refresh token used again ends its whole
//! session; signing out with a stale token ends nothing newer; signing out
//! ends the session's access tokens too; tokens carry issuer and audience.

use crate::support::{Core, data, error_code, start, start_with};
use serde_json::{Value, json};

const ME: &str = "{ me { id } }";
const REISSUE: &str = "mutation { reissueToken { accessToken refreshToken } }";
const SIGN_OUT: &str = "mutation { signOut { success } }";
const PHONE: &str = "01012345678";

struct Tokens {
    access: String,
    refresh: String,
}

fn tokens(body: &Value, field: &str) -> Tokens {
    let pair = &data(body)[field];
    Tokens {
        access: pair["accessToken"].as_str().expect("access").to_owned(),
        refresh: pair["refreshToken"].as_str().expect("refresh").to_owned(),
    }
}

async fn sign_up(core: &Core) -> Tokens {
    let body = core
        .gql(
            None,
            "mutation($i: SignUpInput) { signUp(input: $i) { accessToken refreshToken } }",
            json!({ "i": { "name": "꽃집", "phoneNo": PHONE, "password": "test123@@", "role": "RETAILER" } }),
        )
        .await;
    tokens(&body, "signUp")
}

/// Another device: a session of its own.
async fn sign_in(core: &Core) -> Tokens {
    let body = core
        .gql(
            None,
            "mutation($i: SignInInput) { signIn(input: $i) { accessToken refreshToken } }",
            json!({ "i": { "phoneNo": PHONE, "password": "test123@@" } }),
        )
        .await;
    tokens(&body, "signIn")
}

async fn rotate(core: &Core, refresh: &str) -> Tokens {
    let body = core.gql(Some(refresh), REISSUE, json!({})).await;
    tokens(&body, "reissueToken")
}

/// The original's 401 body, which clients answer by signing in again.
async fn assert_rejected(core: &Core, token: &str, query: &str) {
    let (status, body) = core.gql_status(Some(token), query, json!({})).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        body,
        json!({ "status": "401", "error": "UNAUTHORIZED", "message": "INVALID_TOKEN" })
    );
}

async fn assert_works(core: &Core, access: &str) {
    let body = core.gql(Some(access), ME, json!({})).await;
    assert!(data(&body)["me"]["id"].is_i64(), "{body}");
}

#[actix_web::test]
async fn a_reused_refresh_token_ends_its_whole_session_and_no_other() {
    let core = start().await;
    let phone = sign_up(&core).await;
    let laptop = sign_in(&core).await;

    let rotated = rotate(&core, &phone.refresh).await;
    // The first refresh token comes back: someone holds a copy.
    let reused = core.gql(Some(&phone.refresh), REISSUE, json!({})).await;
    assert_eq!(error_code(&reused), "UNAUTHENTICATED", "{reused}");

    // The whole family is over: the newer refresh token and both access tokens.
    assert_rejected(&core, &rotated.refresh, REISSUE).await;
    assert_rejected(&core, &rotated.access, ME).await;
    assert_rejected(&core, &phone.access, ME).await;
    // The other device's session is untouched.
    assert_works(&core, &laptop.access).await;
    let laptop = rotate(&core, &laptop.refresh).await;
    assert_works(&core, &laptop.access).await;
}

#[actix_web::test]
async fn signing_out_with_a_stale_token_does_not_end_the_newer_session() {
    let core = start().await;
    let first = sign_up(&core).await;
    let second = rotate(&core, &first.refresh).await;

    let stale = core.gql(Some(&first.refresh), SIGN_OUT, json!({})).await;
    assert_eq!(error_code(&stale), "NO_USER", "{stale}");
    assert_works(&core, &second.access).await;
    let third = rotate(&core, &second.refresh).await;

    // Signing out on one device leaves the other signed in.
    let other_device = sign_in(&core).await;
    let out = core
        .gql(Some(&other_device.access), SIGN_OUT, json!({}))
        .await;
    assert_eq!(data(&out)["signOut"]["success"], true);
    assert_works(&core, &third.access).await;
    rotate(&core, &third.refresh).await;

    // The signed-out session is over, its access token included.
    assert_rejected(&core, &other_device.access, ME).await;
    assert_rejected(&core, &other_device.refresh, REISSUE).await;
}

#[actix_web::test]
async fn tokens_carry_issuer_audience_and_session() {
    let keys = platform::auth::generate_keys().expect("keys");
    let core = start_with(&[
        ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
        ("JWT_SIGNING_KEY", keys.signing_key.as_str()),
    ])
    .await;
    let issued = sign_up(&core).await;
    // Verified as every service verifies (which refuses any other issuer or
    // audience: see platform::auth's tests).
    let verifier =
        platform::auth::TokenVerifier::from_public_key(&keys.public_key).expect("public key");
    let access = verifier.decode(&issued.access).expect("ours");
    let refresh = verifier.decode(&issued.refresh).expect("ours");
    for claims in [&access, &refresh] {
        assert_eq!(claims.iss, platform::auth::ISSUER);
        assert_eq!(claims.aud, platform::auth::AUDIENCE);
    }
    assert!(access.sid.is_some());
    assert_eq!(access.sid, refresh.sid, "one session");
    let rotated = rotate(&core, &issued.refresh).await;
    assert_eq!(
        verifier.decode(&rotated.access).expect("ours").sid,
        access.sid,
        "rotation stays in the session"
    );
}
