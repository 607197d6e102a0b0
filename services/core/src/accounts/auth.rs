//! Sign-up, sign-in, sign-out and token rotation.

use crate::accounts::passwords::{self, Verified};
use crate::graphql::context::{Context, Presented};
use crate::graphql::error::{GqlError, GqlResult, on_unique_violation};
use chrono::Utc;
use diesel_async::AsyncConnection;
use domain::{ErrorCode, NonBlank, PhoneNumber, Role, UserId};
use platform::auth::TokenKind;

pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
}

/// Refresh tokens are stored as a SHA-256 digest: a leaked table cannot be replayed.
fn digest(token: &str) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

async fn issue_pair(
    conn: &mut diesel_async::AsyncPgConnection,
    ctx: &Context,
    user_id: UserId,
    role: Role,
) -> GqlResult<TokenPair> {
    let now = Utc::now();
    let pair = TokenPair {
        access_token: ctx.issuer.issue(user_id, role, TokenKind::Access, now),
        refresh_token: ctx.issuer.issue(user_id, role, TokenKind::Refresh, now),
    };
    db::users::store_refresh_token(conn, user_id.get(), &digest(&pair.refresh_token)).await?;
    Ok(pair)
}

pub async fn sign_up(
    ctx: &Context,
    name: &str,
    phone_no: &str,
    password: &str,
    role: Role,
) -> GqlResult<TokenPair> {
    let name = NonBlank::parse("name", name, 100)?;
    let phone = PhoneNumber::parse(phone_no)?;
    if role == Role::Admin {
        return Err(GqlError::message(
            ErrorCode::InvalidRole,
            "ADMIN accounts are created by operators only",
        ));
    }
    let password = domain::NewPassword::parse(password)?;
    let hash = passwords::hash(password.expose().to_owned())
        .await
        .map_err(|e| GqlError::internal("hashing", e))?;
    let belongs_to = role.is_wholesaler().then_some("양재");

    let mut conn = ctx.conn().await?;
    conn.transaction(async |conn| {
        // Names are checked under a lock so two sign-ups with one name cannot both pass.
        diesel_async::RunQueryDsl::execute(
            diesel::sql_query("SELECT pg_advisory_xact_lock(727274101)"),
            conn,
        )
        .await?;
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
                    .ok_or_else(|| GqlError::code(ErrorCode::EmployerSignupNeeded))?
                    .0
                    .id,
            )
        } else {
            if !db::users::live_accounts_named(conn, name.as_str(), None)
                .await?
                .is_empty()
            {
                return Err(GqlError::code(ErrorCode::UserNameDuplicated));
            }
            None
        };
        if db::users::live_account_by_phone(conn, phone.as_str())
            .await?
            .is_some()
        {
            return Err(GqlError::code(ErrorCode::PhoneNoDuplicated));
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
        if let Some(employer_id) = employer {
            db::connections::link_employee(conn, employer_id, user.id).await?;
        }
        issue_pair(conn, ctx, UserId::new(user.id), role).await
    })
    .await
}

pub async fn sign_in(ctx: &Context, phone_no: &str, password: &str) -> GqlResult<TokenPair> {
    let no_user = || {
        GqlError::message(
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
    let mut conn = ctx.conn().await?;
    let now = Utc::now();
    let throttle = db::users::sign_in_throttle(&mut conn, &lookup).await?;
    if throttle
        .and_then(|t| t.locked_until)
        .is_some_and(|until| until > now)
    {
        return Err(GqlError::code(ErrorCode::TooManyAttempts));
    }
    let account = match db::users::live_account_by_phone(&mut conn, &lookup).await? {
        Some(account) => Some(account),
        None if lookup != phone_no => db::users::live_account_by_phone(&mut conn, phone_no).await?,
        None => None,
    };
    let verified = match &account {
        Some((_, credential)) => {
            passwords::verify(password.to_owned(), credential.password.clone()).await
        }
        None => Verified::No,
    };
    let Some((user, credential)) = account.filter(|_| verified != Verified::No) else {
        let settings = &ctx.settings;
        db::users::record_failed_sign_in(
            &mut conn,
            &lookup,
            now,
            chrono::Duration::seconds(settings.sign_in_window_secs),
            settings.sign_in_max_failures,
            chrono::Duration::seconds(settings.sign_in_lock_secs),
        )
        .await?;
        return Err(no_user());
    };
    if verified == Verified::YesRehash
        && let Ok(new_hash) = passwords::hash(password.to_owned()).await
    {
        db::users::set_password_hash(&mut conn, credential.id, &new_hash).await?;
    }
    db::users::clear_sign_in_throttle(&mut conn, &lookup).await?;
    let role: Role = credential
        .role
        .parse()
        .map_err(|e| GqlError::internal("stored role", e))?;
    issue_pair(&mut conn, ctx, UserId::new(user.id), role).await
}

/// The user presenting a token (access or refresh) in the header.
fn presenter(ctx: &Context) -> GqlResult<UserId> {
    match &ctx.presented {
        Presented::Access(viewer) => Ok(viewer.user_id),
        Presented::Refresh { claims, .. } => Ok(UserId::new(claims.user_id)),
        Presented::None => Err(GqlError::code(ErrorCode::TokenNeeded)),
    }
}

pub async fn sign_out(ctx: &Context) -> GqlResult<()> {
    let user_id = presenter(ctx)?;
    let mut conn = ctx.conn().await?;
    let revoked = db::users::revoke_refresh_token(&mut conn, user_id.get(), Utc::now()).await?;
    if revoked == 0 {
        return Err(GqlError::message(
            ErrorCode::NoUser,
            "There's no user to sign out.",
        ));
    }
    Ok(())
}

/// Accepts only the current live refresh token and rotates it.
pub async fn reissue(ctx: &Context) -> GqlResult<TokenPair> {
    let Presented::Refresh { claims, raw } = &ctx.presented else {
        return Err(GqlError::message(
            ErrorCode::TokenNeeded,
            "reissueToken needs the refresh token in the header",
        ));
    };
    let user_id = claims.user_id;
    let presented = digest(raw);
    let mut conn = ctx.conn().await?;
    conn.transaction(async |conn| {
        let stored = db::users::live_refresh_token_for_update(conn, user_id).await?;
        if stored.as_deref() != Some(presented.as_str()) {
            return Err(GqlError::message(
                ErrorCode::Unauthenticated,
                "refresh token is not current; sign in again",
            ));
        }
        let (_, credential) = db::users::live_account_by_id(conn, user_id)
            .await?
            .ok_or_else(|| GqlError::code(ErrorCode::NoUser))?;
        let role: Role = credential
            .role
            .parse()
            .map_err(|e| GqlError::internal("stored role", e))?;
        issue_pair(conn, ctx, UserId::new(user_id), role).await
    })
    .await
}
