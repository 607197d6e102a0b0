//! Who is calling a REST service: a signed-in user (verified access token) or
//! another MarketBill service (the shared service credential, never a user token).

use crate::auth::{Authenticated, TokenError, TokenVerifier, bearer_token};
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use domain::Role;
use std::future::{Ready, ready};
use subtle::ConstantTimeEq;

/// Verification material every REST service holds (`web::Data<AuthState>`).
#[derive(Clone)]
pub struct AuthState {
    pub verifier: TokenVerifier,
    service_token: String,
}

impl AuthState {
    pub fn new(verifier: TokenVerifier, service_token: String) -> Self {
        AuthState {
            verifier,
            service_token,
        }
    }

    fn is_service_token(&self, token: &str) -> bool {
        !self.service_token.is_empty()
            && bool::from(token.as_bytes().ct_eq(self.service_token.as_bytes()))
    }

    /// Resolves a raw `Authorization` header value.
    pub fn identify(&self, header: &str) -> Result<Caller, ApiError> {
        let token = bearer_token(header)
            .ok_or_else(|| ApiError::unauthenticated("malformed Authorization header"))?;
        if self.is_service_token(token) {
            return Ok(Caller::Service);
        }
        match self.verifier.verify_access(token) {
            Ok(user) => Ok(Caller::User(user)),
            Err(e @ (TokenError::Expired | TokenError::Invalid)) => {
                let code = if e == TokenError::Expired {
                    "TOKEN_EXPIRED"
                } else {
                    "INVALID_TOKEN"
                };
                Err(ApiError::new(StatusCode::UNAUTHORIZED, code, e.to_string()))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Another MarketBill service, acting on behalf of the platform.
    Service,
    User(Authenticated),
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            Caller::User(Authenticated {
                role: Role::Admin,
                ..
            })
        )
    }

    pub fn user(&self) -> Option<Authenticated> {
        match self {
            Caller::User(user) => Some(*user),
            Caller::Service => None,
        }
    }

    /// A short label for audit columns (`requested_by`): never a token.
    pub fn label(&self) -> String {
        match self {
            Caller::Service => "service".to_owned(),
            Caller::User(user) => format!("user:{}", user.user_id),
        }
    }
}

/// Extracting `Caller` refuses anonymous requests with 401; take
/// `Option<Caller>` where anonymous callers are allowed.
impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AuthState>>() else {
            return ready(Err(ApiError::internal(
                "auth",
                "AuthState is not registered",
            )));
        };
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        ready(match header {
            None => Err(ApiError::unauthenticated("authentication required")),
            Some(value) => state.identify(value),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{TokenIssuer, TokenKind, generate_keys};
    use domain::UserId;

    fn state() -> (AuthState, TokenIssuer) {
        let keys = generate_keys().expect("keys");
        let verifier = TokenVerifier::from_public_key(&keys.public_key).expect("key");
        let issuer = TokenIssuer::from_signing_key(&keys.signing_key).expect("key");
        (
            AuthState::new(verifier, "service-secret".to_owned()),
            issuer,
        )
    }

    #[test]
    fn service_token_and_user_tokens_are_told_apart() {
        let (state, issuer) = state();
        assert_eq!(
            state.identify("Bearer service-secret").expect("service"),
            Caller::Service
        );
        let token = issuer.issue(
            UserId::new(3),
            Role::Admin,
            TokenKind::Access,
            chrono::Utc::now(),
        );
        let caller = state.identify(&format!("Bearer {token}")).expect("user");
        assert!(caller.is_admin());
        assert_eq!(caller.label(), "user:3");
    }

    #[test]
    fn bad_tokens_get_stable_codes() {
        let (state, issuer) = state();
        let refresh = issuer.issue(
            UserId::new(3),
            Role::Retailer,
            TokenKind::Refresh,
            chrono::Utc::now(),
        );
        assert_eq!(
            state
                .identify(&format!("Bearer {refresh}"))
                .expect_err("refresh")
                .code,
            "INVALID_TOKEN"
        );
        assert_eq!(
            state
                .identify("Bearer service-secreT")
                .expect_err("near miss")
                .code,
            "INVALID_TOKEN"
        );
        assert_eq!(
            state.identify("nonsense").expect_err("shape").code,
            "UNAUTHENTICATED"
        );
    }

    /// Every REST service verifies issuer and audience: a token signed with
    /// the right key for some other audience is refused as invalid.
    #[test]
    fn tokens_for_another_audience_are_invalid() {
        let keys = generate_keys().expect("keys");
        let state = AuthState::new(
            TokenVerifier::from_public_key(&keys.public_key).expect("key"),
            String::new(),
        );
        let der = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &keys.signing_key,
        )
        .expect("der");
        let now = chrono::Utc::now().timestamp();
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA),
            &serde_json::json!({
                "user_id": 3, "role": "ADMIN", "typ": "access", "jti": "x", "iat": now,
                "exp": now + 600, "iss": crate::auth::ISSUER, "aud": "another-system",
            }),
            &jsonwebtoken::EncodingKey::from_ed_der(&der),
        )
        .expect("sign");
        let refused = state
            .identify(&format!("Bearer {token}"))
            .expect_err("another audience");
        assert_eq!(
            (refused.status, refused.code.as_str()),
            (StatusCode::UNAUTHORIZED, "INVALID_TOKEN")
        );
    }

    #[test]
    fn an_empty_service_token_never_matches() {
        let keys = generate_keys().expect("keys");
        let state = AuthState::new(
            TokenVerifier::from_public_key(&keys.public_key).expect("key"),
            String::new(),
        );
        assert!(state.identify("Bearer x").is_err());
    }
}
