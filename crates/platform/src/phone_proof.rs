//! The token that proves a phone number was verified: messaging mints it when
//! a code is confirmed, core accepts it once (sign-up, password reset). Only
//! its SHA-256 is stored (`db::phone_proofs`), so a copy of the table cannot
//! be replayed.

use aws_lc_rs::digest;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// How long a proof stays usable after the code was confirmed.
pub const PROOF_TTL: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// A fresh token: 32 random bytes, base64url.
pub fn new_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    SystemRandom::new().fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored and looked up for `token`.
pub fn token_hash(token: &str) -> Vec<u8> {
    digest::digest(&digest::SHA256, token.as_bytes())
        .as_ref()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hashed_stably() {
        let (a, b) = (new_token(), new_token());
        assert!(a.is_some() && a != b);
        let a = a.unwrap_or_default();
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash("other"));
        assert_eq!(token_hash("x").len(), 32);
    }
}
