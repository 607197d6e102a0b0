//! Phone ownership and account recovery. The messaging service proves a
//! phone number (a code sent to it, confirmed at `/v1/verifications/confirm`)
//! and answers a short-lived, single-use proof; core accepts it for sign-up
//! (required or optional by `PHONE_VERIFICATION`) and for `resetPassword`.
//! A proof is consumed in the transaction that relies on it, so it is used
//! exactly once or not at all.

use crate::accounts::passwords;
use crate::accounts::policy::Policy;
use crate::accounts::sessions;
use crate::app::{Error, Result};
use chrono::{DateTime, Utc};
use db::DbPool;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{ErrorCode, NewPassword, PhoneNumber};

/// The phone proof is missing where one is required.
pub fn proof_needed() -> Error {
    Error::with_message(
        ErrorCode::NoVerification,
        "This phone number must be verified first: confirm the code sent to it and send the proof as phoneProof.",
    )
}

/// The proof is unknown, expired, used, or for another number; which one is
/// not said (it would help someone guessing).
pub fn invalid_proof() -> Error {
    Error::with_message(
        ErrorCode::VerificationExpired,
        "The phone proof is not valid for this number (unknown, expired or already used). Please verify the phone number again.",
    )
}

/// A presented proof, kept only as its hash.
pub struct PhoneProof(Vec<u8>);

impl PhoneProof {
    /// Tokens are 43 characters; anything far from that shape is refused
    /// before it reaches the database.
    pub fn parse(token: &str) -> Result<Self> {
        let token = token.trim();
        if token.is_empty() || token.len() > 128 {
            return Err(invalid_proof());
        }
        Ok(PhoneProof(platform::phone_proof::token_hash(token)))
    }

    /// Refuses a proof `consume` would refuse, without using it up.
    pub async fn check(
        &self,
        conn: &mut AsyncPgConnection,
        phone: &PhoneNumber,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if db::phone_proofs::is_usable(conn, &self.0, phone.as_str(), now).await? {
            Ok(())
        } else {
            Err(invalid_proof())
        }
    }

    /// Uses the proof up; call it in the transaction that relies on it.
    pub async fn consume(
        &self,
        conn: &mut AsyncPgConnection,
        phone: &PhoneNumber,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if db::phone_proofs::consume(conn, &self.0, phone.as_str(), now).await? {
            Ok(())
        } else {
            Err(invalid_proof())
        }
    }
}

/// `resetPassword`: whoever proves the account's phone number sets a new
/// password; every session of the account ends (a thief's included) and the
/// number's sign-in lock is lifted.
pub async fn reset_password(
    pool: &DbPool,
    policy: &Policy,
    client_ip: Option<&str>,
    phone_no: &str,
    proof: &str,
    password: &str,
) -> Result<()> {
    let phone = PhoneNumber::parse(phone_no)?;
    let proof = PhoneProof::parse(proof)?;
    let password = NewPassword::parse(password)?;
    let limited = crate::accounts::limits::Limited::PasswordReset;
    crate::accounts::limits::check(pool, &policy.limits, client_ip, limited).await?;
    {
        let mut conn = crate::app::conn(pool).await?;
        proof.check(&mut conn, &phone, Utc::now()).await?;
        if db::users::live_account_by_phone(&mut conn, phone.as_str())
            .await?
            .is_none()
        {
            return Err(no_account());
        }
    }
    // No connection is held while hashing.
    let hash = passwords::hash(policy.password_hashing, password.expose().to_owned())
        .await
        .map_err(crate::accounts::hashing_failed)?;
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let now = Utc::now();
        proof.consume(conn, &phone, now).await?;
        let (user, credential) = db::users::live_account_by_phone(conn, phone.as_str())
            .await?
            .ok_or_else(no_account)?;
        db::users::set_password_hash(conn, credential.id, &hash).await?;
        sessions::end_others(conn, user.id, None).await?;
        db::users::clear_sign_in_throttle(conn, phone.as_str()).await?;
        Ok(())
    })
    .await
}

fn no_account() -> Error {
    Error::with_message(
        ErrorCode::NoUser,
        "There's no user who has this phone number.",
    )
}
