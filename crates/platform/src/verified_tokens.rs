//! Tokens whose signature this process has already checked, with their
//! claims. A signed-in client sends the same access token with every request,
//! and the Ed25519 check is one of the costliest steps of a request (about
//! 1.5 M instructions under callgrind, a seventh of core's whole work for a
//! day view). A hit skips the signature only: expiry is checked on every
//! hit, and callers still check the session and role in the database.
//!
//! Only tokens that verified enter, so nobody without the signing key can
//! fill it, and it is bounded: when full, it starts over.

use crate::auth::Claims;
use std::collections::HashMap;
use std::sync::Mutex;

/// Tokens remembered at most (an access token and its claims take well under
/// 1 KiB, so a full set is a few MiB).
const CAPACITY: usize = 4096;

#[derive(Default)]
pub(crate) struct VerifiedTokens {
    seen: Mutex<HashMap<Box<str>, Claims>>,
}

impl VerifiedTokens {
    /// The claims of `token` if it verified before and has not expired at
    /// `now` (with `leeway` seconds, as the full check allows).
    pub(crate) fn get(&self, token: &str, now: i64, leeway: u64) -> Option<Claims> {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let claims = seen.get(token)?;
        let leeway = i64::try_from(leeway).unwrap_or(i64::MAX);
        (claims.exp >= now.saturating_sub(leeway)).then(|| claims.clone())
    }

    /// Remembers a token that just verified.
    pub(crate) fn insert(&self, token: &str, claims: &Claims) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= CAPACITY {
            seen.clear();
        }
        seen.insert(token.into(), claims.clone());
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::TokenKind;

    fn claims(exp: i64) -> Claims {
        Claims {
            user_id: 1,
            role: "RETAILER".into(),
            exp,
            iat: 0,
            kind: TokenKind::Access,
            jti: "j".into(),
            iss: "i".into(),
            aud: "a".into(),
            sid: None,
        }
    }

    #[test]
    fn a_remembered_token_answers_until_it_expires() {
        let tokens = VerifiedTokens::default();
        assert!(tokens.get("t", 100, 5).is_none(), "never verified");
        tokens.insert("t", &claims(100));
        assert_eq!(tokens.get("t", 100, 5).map(|c| c.user_id), Some(1));
        assert!(tokens.get("t", 105, 5).is_some(), "within the leeway");
        assert!(tokens.get("t", 106, 5).is_none(), "expired");
        assert!(tokens.get("other", 100, 5).is_none());
    }

    #[test]
    fn a_full_set_starts_over() {
        let tokens = VerifiedTokens::default();
        for n in 0..CAPACITY {
            tokens.insert(&n.to_string(), &claims(100));
        }
        assert_eq!(tokens.len(), CAPACITY);
        tokens.insert("one more", &claims(100));
        assert_eq!(tokens.len(), 1);
        assert!(tokens.get("one more", 0, 0).is_some());
    }
}
