//! Access and refresh tokens.
//!
//! Tokens are EdDSA (Ed25519) JWTs: core holds the private key and mints them;
//! receipt, messaging and scheduler hold only the public key, so they can verify
//! a user's token but never create one. Claims keep the original's `user_id`
//! and `role` and add a token type, so a refresh token is never accepted where
//! an access token is required; an issuer and an audience, so a token some
//! other system signed with a shared key is not taken for ours; and the
//! session it belongs to, so core can end a session's tokens together.

use crate::verified_tokens::VerifiedTokens;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use domain::{Role, UserId};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const ACCESS_TOKEN_TTL: Duration = Duration::from_secs(3 * 60 * 60);
pub const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// `iss` of every token: only core mints them.
pub const ISSUER: &str = "marketbill-core";
/// `aud` of every token: the MarketBill APIs (core, receipt, messaging, scheduler).
pub const AUDIENCE: &str = "marketbill";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Access,
    Refresh,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub user_id: i64,
    pub role: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(rename = "typ")]
    pub kind: TokenKind,
    /// Unique per token, so two refresh tokens minted in one second differ.
    pub jti: String,
    pub iss: String,
    pub aud: String,
    /// The session (refresh-token family) the token was issued in; absent on
    /// tokens minted outside a sign-in (test fixtures, benchmarks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<uuid::Uuid>,
}

/// Why a token was refused; the HTTP layer answers 401 with the original body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("TOKEN EXPIRED")]
    Expired,
    #[error("INVALID_TOKEN")]
    Invalid,
}

/// A verified access token's subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authenticated {
    pub user_id: UserId,
    pub role: Role,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("not valid base64: {0}")]
    Encoding(String),
    #[error("not an Ed25519 PKCS#8 private key")]
    Rejected,
}

/// A freshly generated signing key and its public half, both base64 encoded
/// the way the `JWT_SIGNING_KEY` / `JWT_PUBLIC_KEY` variables expect them.
pub struct GeneratedKeys {
    pub signing_key: String,
    pub public_key: String,
}

pub fn generate_keys() -> Result<GeneratedKeys, KeyError> {
    let pkcs8 =
        Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::Rejected)?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| KeyError::Rejected)?;
    Ok(GeneratedKeys {
        signing_key: STANDARD.encode(pkcs8.as_ref()),
        public_key: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
    })
}

/// A random credential for calls between services (`SERVICE_TOKEN`).
pub fn generate_service_token() -> String {
    use aws_lc_rs::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    // The system RNG only fails when the OS has no entropy source at all.
    if SystemRandom::new().fill(&mut bytes).is_err() {
        return format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Verifies tokens with the public key. Every service has one; its clones
/// share the tokens already verified (`verified_tokens`).
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
    verified: std::sync::Arc<VerifiedTokens>,
}

impl TokenVerifier {
    /// `public_key`: base64url of the raw 32-byte Ed25519 public key.
    pub fn from_public_key(public_key: &str) -> Result<Self, KeyError> {
        let raw = URL_SAFE_NO_PAD
            .decode(public_key.trim().trim_end_matches('='))
            .map_err(|e| KeyError::Encoding(e.to_string()))?;
        if raw.len() != 32 {
            return Err(KeyError::Rejected);
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        Ok(TokenVerifier {
            key: DecodingKey::from_ed_der(&raw),
            validation,
            verified: Default::default(),
        })
    }

    pub fn decode(&self, token: &str) -> Result<Claims, TokenError> {
        let now = chrono::Utc::now().timestamp();
        if let Some(claims) = self.verified.get(token, now, self.validation.leeway) {
            return Ok(claims);
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        self.verified.insert(token, &claims);
        Ok(claims)
    }

    /// Accepts only a live access token with a known role.
    pub fn verify_access(&self, token: &str) -> Result<Authenticated, TokenError> {
        let claims = self.decode(token)?;
        if claims.kind != TokenKind::Access {
            return Err(TokenError::Invalid);
        }
        let role = claims
            .role
            .parse::<Role>()
            .map_err(|_| TokenError::Invalid)?;
        Ok(Authenticated {
            user_id: UserId::new(claims.user_id),
            role,
        })
    }
}

/// Mints tokens with the private key. Only core constructs one.
#[derive(Clone)]
pub struct TokenIssuer {
    key: EncodingKey,
}

impl TokenIssuer {
    /// `signing_key`: standard base64 of an Ed25519 PKCS#8 document.
    pub fn from_signing_key(signing_key: &str) -> Result<Self, KeyError> {
        let der = STANDARD
            .decode(signing_key.trim())
            .map_err(|e| KeyError::Encoding(e.to_string()))?;
        Ed25519KeyPair::from_pkcs8(&der).map_err(|_| KeyError::Rejected)?;
        Ok(TokenIssuer {
            key: EncodingKey::from_ed_der(&der),
        })
    }

    /// A token outside any session: what fixtures and benchmarks need.
    pub fn issue(
        &self,
        user_id: UserId,
        role: Role,
        kind: TokenKind,
        now: chrono::DateTime<chrono::Utc>,
    ) -> String {
        self.mint(user_id, role, kind, now, None)
    }

    /// A token of the session (refresh-token family) `session`.
    pub fn issue_in_session(
        &self,
        user_id: UserId,
        role: Role,
        kind: TokenKind,
        now: chrono::DateTime<chrono::Utc>,
        session: uuid::Uuid,
    ) -> String {
        self.mint(user_id, role, kind, now, Some(session))
    }

    fn mint(
        &self,
        user_id: UserId,
        role: Role,
        kind: TokenKind,
        now: chrono::DateTime<chrono::Utc>,
        sid: Option<uuid::Uuid>,
    ) -> String {
        let ttl = match kind {
            TokenKind::Access => ACCESS_TOKEN_TTL,
            TokenKind::Refresh => REFRESH_TOKEN_TTL,
        };
        let claims = Claims {
            user_id: user_id.get(),
            role: role.as_str().to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX),
            kind,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sid,
        };
        // Signing with a key validated at construction cannot fail for this
        // claim set; an empty token would simply be refused by every verifier.
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &self.key).unwrap_or_default()
    }
}

/// The bearer token of an `Authorization` header, parsed as the original did:
/// exactly two space-separated parts, the scheme word not checked.
pub fn bearer_token(header: &str) -> Option<&str> {
    let mut parts = header.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_scheme), Some(token), None) if !token.is_empty() => Some(token),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn pair() -> (TokenIssuer, TokenVerifier) {
        let keys = generate_keys().expect("keys");
        (
            TokenIssuer::from_signing_key(&keys.signing_key).expect("signing key"),
            TokenVerifier::from_public_key(&keys.public_key).expect("public key"),
        )
    }

    #[test]
    fn access_token_round_trips() {
        let (issuer, verifier) = pair();
        let token = issuer.issue(
            UserId::new(7),
            Role::WholesalerEmpe,
            TokenKind::Access,
            Utc::now(),
        );
        let who = verifier.verify_access(&token).expect("valid");
        assert_eq!(
            who,
            Authenticated {
                user_id: UserId::new(7),
                role: Role::WholesalerEmpe
            }
        );
    }

    #[test]
    fn a_verified_token_is_remembered_and_a_tampered_copy_is_not() {
        let (issuer, verifier) = pair();
        let token = issuer.issue(
            UserId::new(7),
            Role::Retailer,
            TokenKind::Access,
            Utc::now(),
        );
        let first = verifier.decode(&token).expect("valid");
        // A clone shares what was verified; the second answer is the same.
        let again = verifier.clone().decode(&token).expect("remembered");
        assert_eq!((again.user_id, again.jti), (first.user_id, first.jti));
        // Any change to the signature is a different token, checked in full.
        let at = token.len() - 10;
        let flipped = if &token[at..=at] == "A" { "B" } else { "A" };
        let tampered = format!("{}{flipped}{}", &token[..at], &token[at + 1..]);
        assert_eq!(verifier.decode(&tampered).err(), Some(TokenError::Invalid));
    }

    #[test]
    fn refresh_token_is_not_an_access_token() {
        let (issuer, verifier) = pair();
        let token = issuer.issue(
            UserId::new(7),
            Role::Retailer,
            TokenKind::Refresh,
            Utc::now(),
        );
        assert_eq!(verifier.verify_access(&token), Err(TokenError::Invalid));
        assert_eq!(
            verifier.decode(&token).expect("valid refresh").kind,
            TokenKind::Refresh
        );
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() {
        let (issuer, verifier) = pair();
        let long_ago = Utc::now() - chrono::Duration::hours(4);
        let expired = issuer.issue(UserId::new(1), Role::Retailer, TokenKind::Access, long_ago);
        assert_eq!(verifier.verify_access(&expired), Err(TokenError::Expired));

        let (other_issuer, _) = pair();
        let foreign =
            other_issuer.issue(UserId::new(1), Role::Admin, TokenKind::Access, Utc::now());
        assert_eq!(verifier.verify_access(&foreign), Err(TokenError::Invalid));
        assert_eq!(
            verifier.verify_access("not.a.token"),
            Err(TokenError::Invalid)
        );
    }

    /// A token signed with our key but naming another issuer or audience
    /// (another system sharing the key by mistake) is not ours.
    #[test]
    fn issuer_and_audience_are_carried_and_checked() {
        let keys = generate_keys().expect("keys");
        let (issuer, verifier) = (
            TokenIssuer::from_signing_key(&keys.signing_key).expect("signing key"),
            TokenVerifier::from_public_key(&keys.public_key).expect("public key"),
        );
        let session = uuid::Uuid::new_v4();
        let token = issuer.issue_in_session(
            UserId::new(7),
            Role::Retailer,
            TokenKind::Access,
            Utc::now(),
            session,
        );
        let claims = verifier.decode(&token).expect("ours");
        assert_eq!(
            (claims.iss.as_str(), claims.aud.as_str()),
            (ISSUER, AUDIENCE)
        );
        assert_eq!(claims.sid, Some(session));

        let der = STANDARD.decode(&keys.signing_key).expect("der");
        let key = EncodingKey::from_ed_der(&der);
        let forge = |iss: Option<&str>, aud: Option<&str>| {
            let mut claims = serde_json::json!({
                "user_id": 7, "role": "ADMIN", "typ": "access", "jti": "x",
                "iat": Utc::now().timestamp(), "exp": Utc::now().timestamp() + 600,
            });
            if let Some(iss) = iss {
                claims["iss"] = iss.into();
            }
            if let Some(aud) = aud {
                claims["aud"] = aud.into();
            }
            jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &key).expect("sign")
        };
        assert!(
            verifier
                .verify_access(&forge(Some(ISSUER), Some(AUDIENCE)))
                .is_ok()
        );
        for (iss, aud) in [
            (None, Some(AUDIENCE)),
            (Some(ISSUER), None),
            (Some("someone-else"), Some(AUDIENCE)),
            (Some(ISSUER), Some("someone-else")),
        ] {
            assert_eq!(
                verifier.verify_access(&forge(iss, aud)),
                Err(TokenError::Invalid),
                "iss {iss:?} aud {aud:?}"
            );
        }
    }

    #[test]
    fn a_public_key_cannot_sign() {
        let keys = generate_keys().expect("keys");
        assert!(TokenIssuer::from_signing_key(&keys.public_key).is_err());
    }

    #[test]
    fn bearer_header_needs_exactly_two_parts() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("Token abc"), Some("abc"));
        assert_eq!(bearer_token("abc"), None);
        assert_eq!(bearer_token("Bearer a b"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }
}
