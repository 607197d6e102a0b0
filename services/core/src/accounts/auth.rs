//! Sign-up and sign-in. Both answer a new session's tokens (see `sessions`).
//!
//! The order of the work is the defence: input is validated, the abuse limits
//! are counted, and duplicates and the phone proof are checked (cheap reads)
//! before a password is hashed; the expensive hash runs with no database
//! connection held; the insert re-checks everything under a lock and consumes
//! the proof in its transaction.

use crate::accounts::limits::{self, Limited};
use crate::accounts::passwords::{self, Verified};
use crate::accounts::policy::{PhoneVerification, Policy};
use crate::accounts::recovery::{self, PhoneProof};
use crate::accounts::{employees, hashing_busy, hashing_failed, sessions};
use crate::app::{Error, Result, on_unique_violation};
use chrono::Utc;
use db::DbPool;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{ErrorCode, NewPassword, NonBlank, PhoneNumber, Role, UserId};
use platform::auth::TokenIssuer;

pub use crate::accounts::sessions::TokenPair;

pub struct SignUp<'a> {
    pub name: &'a str,
    pub phone_no: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub phone_proof: Option<&'a str>,
}

/// Whom a new account may be: a unique name, or for an employee an owner of
/// that name to ask; a phone number nobody uses. Answers the owner an
/// employee asks to join.
async fn available(
    conn: &mut AsyncPgConnection,
    name: &NonBlank,
    phone: &PhoneNumber,
    role: Role,
) -> Result<Option<i64>> {
    let employer = if role == Role::WholesalerEmpe {
        let owners = db::users::live_accounts_named(
            conn,
            name.as_str(),
            Some(Role::WholesalerEmpr.as_str()),
        )
        .await?;
        Some(
            owners
                .into_iter()
                .next()
                .ok_or_else(|| Error::new(ErrorCode::EmployerSignupNeeded))?
                .0
                .id,
        )
    } else {
        if !db::users::live_accounts_named(conn, name.as_str(), None)
            .await?
            .is_empty()
        {
            return Err(Error::new(ErrorCode::UserNameDuplicated));
        }
        None
    };
    if db::users::live_account_by_phone(conn, phone.as_str())
        .await?
        .is_some()
    {
        return Err(Error::new(ErrorCode::PhoneNoDuplicated));
    }
    Ok(employer)
}

pub async fn sign_up(
    pool: &DbPool,
    policy: &Policy,
    issuer: &TokenIssuer,
    client_ip: Option<&str>,
    input: SignUp<'_>,
) -> Result<TokenPair> {
    let name = NonBlank::parse("name", input.name, 100)?;
    let phone = PhoneNumber::parse(input.phone_no)?;
    let role = input.role;
    if role == Role::Admin {
        return Err(Error::with_message(
            ErrorCode::InvalidRole,
            "ADMIN accounts are created by operators only",
        ));
    }
    let password = NewPassword::parse(input.password)?;
    // A proof that is given is always checked and used up, whatever the setting.
    let proof = match (input.phone_proof, policy.phone_verification) {
        (Some(token), _) => Some(PhoneProof::parse(token)?),
        (None, PhoneVerification::Required) => return Err(recovery::proof_needed()),
        (None, PhoneVerification::Optional) => None,
    };
    limits::check(pool, &policy.limits, client_ip, Limited::SignUp).await?;
    {
        let mut conn = crate::app::conn(pool).await?;
        available(&mut conn, &name, &phone, role).await?;
        if let Some(proof) = &proof {
            proof.check(&mut conn, &phone, Utc::now()).await?;
        }
    }
    let hash = passwords::hash(policy.password_hashing, password.expose().to_owned())
        .await
        .map_err(hashing_failed)?;
    let belongs_to = role.is_wholesaler().then_some("양재");

    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        // Names are checked under a lock so two sign-ups with one name cannot both pass.
        diesel_async::RunQueryDsl::execute(
            diesel::sql_query("SELECT pg_advisory_xact_lock(727274101)"),
            conn,
        )
        .await?;
        let employer = available(conn, &name, &phone, role).await?;
        if let Some(proof) = &proof {
            proof.consume(conn, &phone, Utc::now()).await?;
        }
        let (user, _) = db::users::insert_account(
            conn,
            name.as_str(),
            belongs_to,
            role.as_str(),
            phone.as_str(),
            &hash,
        )
        .await
        .map_err(on_unique_violation(ErrorCode::PhoneNoDuplicated))?;
        if let Some(owner) = employer {
            employees::request_to_join(conn, owner, user.id).await?;
        }
        sessions::start(conn, issuer, UserId::new(user.id), role).await
    })
    .await
}

pub async fn sign_in(
    pool: &DbPool,
    policy: &Policy,
    issuer: &TokenIssuer,
    client_ip: Option<&str>,
    phone_no: &str,
    password: &str,
) -> Result<TokenPair> {
    let no_user = || {
        Error::with_message(
            ErrorCode::NoUser,
            "There's no user who has this phone number and password. Please check your phone number again.",
        )
    };
    // Imported numbers may keep their original spelling; new ones are digits only.
    let lookup = PhoneNumber::parse(phone_no)
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|_| phone_no.trim().to_owned());
    // Nobody's password is a kilobyte; refuse before spending a hash on it.
    if password.len() > 1024 {
        return Err(no_user());
    }
    limits::check(pool, &policy.limits, client_ip, Limited::SignIn).await?;
    let now = Utc::now();
    let account = {
        let mut conn = crate::app::conn(pool).await?;
        let throttle = db::users::sign_in_throttle(&mut conn, &lookup).await?;
        if throttle
            .and_then(|t| t.locked_until)
            .is_some_and(|until| until > now)
        {
            return Err(Error::new(ErrorCode::TooManyAttempts));
        }
        match db::users::live_account_by_phone(&mut conn, &lookup).await? {
            Some(account) => Some(account),
            None if lookup != phone_no => {
                db::users::live_account_by_phone(&mut conn, phone_no).await?
            }
            None => None,
        }
    };
    // No connection is held while the hash is checked.
    let verified = match &account {
        Some((_, credential)) => passwords::verify(
            policy.password_hashing,
            password.to_owned(),
            credential.password.clone(),
        )
        .await
        .map_err(|_| hashing_busy())?,
        None => Verified::No,
    };
    let Some((user, credential)) = account.filter(|_| verified != Verified::No) else {
        let mut conn = crate::app::conn(pool).await?;
        db::users::record_failed_sign_in(
            &mut conn,
            &lookup,
            now,
            chrono::Duration::seconds(policy.sign_in_window_secs),
            policy.sign_in_max_failures,
            chrono::Duration::seconds(policy.sign_in_lock_secs),
        )
        .await?;
        return Err(no_user());
    };
    let rehashed = match verified {
        Verified::YesRehash => passwords::hash(policy.password_hashing, password.to_owned())
            .await
            .ok(),
        Verified::Yes | Verified::No => None,
    };
    let mut conn = crate::app::conn(pool).await?;
    if let Some(new_hash) = rehashed {
        db::users::set_password_hash(&mut conn, credential.id, &new_hash).await?;
    }
    db::users::clear_sign_in_throttle(&mut conn, &lookup).await?;
    let role: Role = credential
        .role
        .parse()
        .map_err(|e| Error::internal("stored role", e))?;
    sessions::start(&mut conn, issuer, UserId::new(user.id), role).await
}
