//! Phone verification codes generated and checked here (the original let the
//! client pick the code and relayed it). A code is 6 digits from the operating
//! system's CSPRNG; only an HMAC of it is stored (keyed with a server secret
//! and salted per row, so a copy of the table does not reveal codes); it
//! expires after `VERIFICATION_TTL_SECONDS` and takes at most
//! `VERIFICATION_MAX_ATTEMPTS` wrong guesses.

use crate::error::Error;
use crate::limits::{self, VERIFICATION_PER_IP, VERIFICATION_PER_PHONE, VERIFICATION_TOTAL};
use crate::sending::{FAILURE, Messenger, Reserved, SendRequest, stored_text};
use crate::template::Template;
use aws_lc_rs::hmac;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use chrono::{DateTime, Utc};
use db::messaging::SmsLogRow;
use db::rate_limits::EVERYONE;
use diesel_async::AsyncConnection;
use domain::{DomainError, ErrorCode, PhoneNumber};

const CODE_DIGITS: usize = 6;
const HASH_SCHEME: &str = "hmac-sha256";
const SALT_BYTES: usize = 16;

/// A code is on its way (or withheld by the development allowlist).
#[derive(Debug)]
pub struct CodeSent {
    pub expires_at: DateTime<Utc>,
    pub log: SmsLogRow,
}

pub fn code_key(secret: &str) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes())
}

/// A uniformly distributed 6-digit code (rejection sampling avoids the bias
/// of a plain modulo).
fn generate_code(rng: &SystemRandom) -> Result<String, Error> {
    const RANGE: u32 = 1_000_000;
    let limit = u32::MAX - u32::MAX % RANGE;
    loop {
        let mut bytes = [0u8; 4];
        rng.fill(&mut bytes)
            .map_err(|_| Error::Domain(DomainError::new(ErrorCode::Internal)))?;
        let value = u32::from_le_bytes(bytes);
        if value < limit {
            return Ok(format!("{:0width$}", value % RANGE, width = CODE_DIGITS));
        }
    }
}

fn mac_input(salt: &[u8], phone: &PhoneNumber, code: &str) -> Vec<u8> {
    let mut input = Vec::with_capacity(salt.len() + 32);
    input.extend_from_slice(salt);
    input.extend_from_slice(phone.as_str().as_bytes());
    input.push(0);
    input.extend_from_slice(code.as_bytes());
    input
}

/// `hmac-sha256$<salt>$<mac>` (base64, no padding).
fn hash_code(
    key: &hmac::Key,
    rng: &SystemRandom,
    phone: &PhoneNumber,
    code: &str,
) -> Result<String, Error> {
    let mut salt = [0u8; SALT_BYTES];
    rng.fill(&mut salt)
        .map_err(|_| Error::Domain(DomainError::new(ErrorCode::Internal)))?;
    let tag = hmac::sign(key, &mac_input(&salt, phone, code));
    Ok(format!(
        "{HASH_SCHEME}${}${}",
        B64.encode(salt),
        B64.encode(tag.as_ref())
    ))
}

/// Constant-time comparison of a guess with a stored hash.
fn code_matches(key: &hmac::Key, stored: &str, phone: &PhoneNumber, guess: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some(HASH_SCHEME), Some(salt), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(salt), Ok(mac)) = (B64.decode(salt), B64.decode(mac)) else {
        return false;
    };
    hmac::verify(key, &mac_input(&salt, phone, guess), &mac).is_ok()
}

/// What checking a guess decided; a wrong guess is committed before the
/// error is returned, so it counts.
enum Checked {
    Verified { proof_expires_at: DateTime<Utc> },
    Wrong { remaining: i32 },
}

/// A confirmed number's proof: the token goes to the client only, its
/// SHA-256 to `phone_proofs`; core consumes it once (sign-up, password reset).
#[derive(Clone)]
pub struct PhoneProof {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Never print the token itself.
impl std::fmt::Debug for PhoneProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneProof")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Messenger {
    /// Generates, stores (hashed) and sends a code, under the per-client
    /// address, per-phone and all-clients limits (in that order, so a client
    /// over its own limit uses up nobody else's).
    pub async fn request_code(
        &self,
        phone: PhoneNumber,
        client_ip: Option<String>,
    ) -> Result<CodeSent, Error> {
        let rng = SystemRandom::new();
        let code = generate_code(&rng)?;
        let code_hash = hash_code(&self.code_key, &rng, &phone, &code)?;
        let request = SendRequest {
            message: Template::Verification.render(std::slice::from_ref(&code))?,
            to: phone,
            idempotency_key: None,
            requested_by: "verification".to_owned(),
        };
        let stored = stored_text(&request.message);
        let now = Utc::now();
        let expires_at = now + self.limits.code_ttl;
        let mut conn = self.pool.get().await.map_err(db::DbError::from)?;
        // The code row and the PENDING log row are written together, after
        // both limits passed, or not at all.
        let limits = self.limits;
        let reserved = conn
            .transaction(async |conn| -> Result<Reserved, Error> {
                if let Some(ip) = &client_ip {
                    limits::hit(
                        conn,
                        VERIFICATION_PER_IP,
                        limits.verifications_per_ip,
                        ip,
                        now,
                        "Too many verification requests from this address. Please try again later.",
                    )
                    .await?;
                }
                limits::hit(
                    conn,
                    VERIFICATION_PER_PHONE,
                    limits.verifications_per_phone,
                    request.to.as_str(),
                    now,
                    "Too many verification messages to this phone number. Please try again later.",
                )
                .await?;
                limits::hit(
                    conn,
                    VERIFICATION_TOTAL,
                    limits.verifications_total,
                    EVERYONE,
                    now,
                    "Too many verification requests right now. Please try again later.",
                )
                .await?;
                db::messaging::insert_verification(
                    conn,
                    request.to.as_str(),
                    &code_hash,
                    expires_at,
                    client_ip.as_deref(),
                )
                .await?;
                self.reserve(conn, &request, &stored).await
            })
            .await?;
        drop(conn);
        let Reserved::New(row) = reserved else {
            // Only a request with an idempotency key can meet an existing row.
            return Err(DomainError::new(ErrorCode::Internal).into());
        };
        let log = if row.status == FAILURE {
            row
        } else {
            self.deliver(row, &request.to, &request.message).await?
        };
        Ok(CodeSent { expires_at, log })
    }

    /// Checks a guess against the newest code sent to the number; a right
    /// one is answered with a proof of the number, recorded in the same
    /// transaction that marks the code used.
    pub async fn confirm_code(
        &self,
        phone: &PhoneNumber,
        guess: &str,
    ) -> Result<PhoneProof, Error> {
        let well_formed = guess.len() == CODE_DIGITS && guess.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(DomainError::with_message(
                ErrorCode::InvalidFormat,
                "A verification code is 6 digits.",
            )
            .into());
        }
        let max_attempts = self.limits.max_code_attempts;
        let token = platform::phone_proof::new_token()
            .ok_or_else(|| Error::Domain(DomainError::new(ErrorCode::Internal)))?;
        let token_hash = platform::phone_proof::token_hash(&token);
        let mut conn = self.pool.get().await.map_err(db::DbError::from)?;
        let checked = conn
            .transaction(async |conn| -> Result<Checked, Error> {
                let row = db::messaging::latest_verification_for_update(conn, phone.as_str())
                    .await?
                    .filter(|row| row.verified_at.is_none())
                    .ok_or(ErrorCode::NoVerification)?;
                let now = Utc::now();
                if row.expires_at <= now {
                    return Err(ErrorCode::VerificationExpired.into());
                }
                if row.attempts >= max_attempts {
                    return Err(too_many_guesses());
                }
                if code_matches(&self.code_key, &row.code_hash, phone, guess) {
                    db::messaging::mark_verified(conn, row.id, now).await?;
                    let proof_expires_at = now + platform::phone_proof::PROOF_TTL;
                    db::phone_proofs::record(conn, &token_hash, phone.as_str(), proof_expires_at)
                        .await?;
                    return Ok(Checked::Verified { proof_expires_at });
                }
                let attempts = db::messaging::record_wrong_guess(conn, row.id).await?;
                Ok(Checked::Wrong {
                    remaining: (max_attempts - attempts).max(0),
                })
            })
            .await?;
        match checked {
            Checked::Verified { proof_expires_at } => Ok(PhoneProof {
                token,
                expires_at: proof_expires_at,
            }),
            Checked::Wrong { remaining } => {
                tracing::info!(to = %phone.masked(), remaining, "wrong verification code");
                Err(DomainError::with_message(
                    ErrorCode::VerificationCodeMismatch,
                    format!("The verification code does not match. {remaining} attempt(s) left."),
                )
                .into())
            }
        }
    }
}

/// The code is burnt: only a new code helps, so no `Retry-After`.
fn too_many_guesses() -> Error {
    Error::Domain(DomainError::with_message(
        ErrorCode::TooManyAttempts,
        "Too many wrong codes. Please request a new verification code.",
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let rng = SystemRandom::new();
        let codes: std::collections::HashSet<String> =
            (0..50).map(|_| generate_code(&rng).unwrap()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        // 50 draws from a million values: a collision-free set is near certain.
        assert!(codes.len() >= 49);
    }

    #[test]
    fn hashes_are_salted_keyed_and_verifiable() {
        let rng = SystemRandom::new();
        let key = code_key("server-secret");
        let phone = PhoneNumber::parse("010-2222-3333").unwrap();
        let first = hash_code(&key, &rng, &phone, "123456").unwrap();
        let second = hash_code(&key, &rng, &phone, "123456").unwrap();
        assert_ne!(first, second, "a per-row salt");
        assert!(!first.contains("123456"));
        assert!(first.starts_with("hmac-sha256$"));
        assert!(code_matches(&key, &first, &phone, "123456"));
        assert!(!code_matches(&key, &first, &phone, "123457"));
        let other_phone = PhoneNumber::parse("010-2222-3334").unwrap();
        assert!(!code_matches(&key, &first, &other_phone, "123456"));
        assert!(!code_matches(&code_key("other"), &first, &phone, "123456"));
        assert!(!code_matches(&key, "garbage", &phone, "123456"));
    }
}
