//! Password hashing: argon2id for everything we write; bcrypt hashes imported
//! from the original database are still accepted and replaced on success.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::{PasswordHasher, PasswordVerifier};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, but stored in the original's bcrypt: store a new argon2id hash.
    YesRehash,
}

/// Hashing is deliberately slow, so it runs off the async executor.
pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

pub async fn verify(password: String, stored: String) -> Verified {
    tokio::task::spawn_blocking(move || verify_blocking(&password, &stored))
        .await
        .unwrap_or(Verified::No)
}

fn verify_blocking(password: &str, stored: &str) -> Verified {
    if stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$") {
        return match bcrypt::verify(password, stored) {
            Ok(true) => Verified::YesRehash,
            _ => Verified::No,
        };
    }
    match PasswordHash::new(stored) {
        Ok(parsed)
            if Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok() =>
        {
            Verified::Yes
        }
        _ => Verified::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2_round_trip() {
        let stored = hash("test123@@".to_owned()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert_eq!(
            verify("test123@@".to_owned(), stored.clone()).await,
            Verified::Yes
        );
        assert_eq!(verify("test123@!".to_owned(), stored).await, Verified::No);
    }

    #[tokio::test]
    async fn imported_bcrypt_is_accepted_and_flagged_for_rehash() {
        let legacy = bcrypt::hash("1234", 4).expect("bcrypt");
        assert_eq!(
            verify("1234".to_owned(), legacy.clone()).await,
            Verified::YesRehash
        );
        assert_eq!(verify("12345".to_owned(), legacy).await, Verified::No);
        assert_eq!(
            verify("x".to_owned(), "garbage".to_owned()).await,
            Verified::No
        );
    }
}
