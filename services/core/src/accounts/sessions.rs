//! Sessions: each sign-in (or sign-up) starts one, a family of refresh
//! tokens of which one is live. `reissueToken` rotates it; a rotated token
//! presented again means a copy is in someone else's hands, so the whole
//! family ends (reuse detection). Access tokens name their session, and the
//! HTTP filter accepts one only while its session is live: signing out,
//! reuse, or a password change ends the session's access tokens at once
//! rather than when they expire.

use crate::app::{Error, Presented, Result};
use chrono::{DateTime, Utc};
use db::DbPool;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{ErrorCode, Role, UserId};
use platform::auth::{REFRESH_TOKEN_TTL, TokenIssuer, TokenKind};
use uuid::Uuid;

pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
}

/// Refresh tokens are stored as a SHA-256 digest: a leaked table cannot be replayed.
fn digest(token: &str) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn mint(
    issuer: &TokenIssuer,
    user_id: UserId,
    role: Role,
    family: Uuid,
    now: DateTime<Utc>,
) -> TokenPair {
    TokenPair {
        access_token: issuer.issue_in_session(user_id, role, TokenKind::Access, now, family),
        refresh_token: issuer.issue_in_session(user_id, role, TokenKind::Refresh, now, family),
    }
}

/// Starts a session for the user and answers its first tokens.
pub async fn start(
    conn: &mut AsyncPgConnection,
    issuer: &TokenIssuer,
    user_id: UserId,
    role: Role,
) -> Result<TokenPair> {
    let now = Utc::now();
    let family = Uuid::new_v4();
    let pair = mint(issuer, user_id, role, family, now);
    // Tokens issued before this cutoff have all expired: keep the table short.
    let cutoff = chrono::Duration::from_std(REFRESH_TOKEN_TTL)
        .map_or(now, |ttl| now - ttl - chrono::Duration::days(1));
    db::users::prune_refresh_tokens(conn, user_id.get(), cutoff).await?;
    db::users::start_session(conn, user_id.get(), family, &digest(&pair.refresh_token)).await?;
    Ok(pair)
}

enum Rotation {
    Rotated(TokenPair),
    /// A token already rotated (or signed out) came back: its session ended.
    Reused,
}

/// Rotates the live refresh token presented in the header.
pub async fn reissue(
    pool: &DbPool,
    issuer: &TokenIssuer,
    presented: &Presented,
) -> Result<TokenPair> {
    let Presented::Refresh { claims, raw } = presented else {
        return Err(Error::with_message(
            ErrorCode::TokenNeeded,
            "reissueToken needs the refresh token in the header",
        ));
    };
    let user_id = claims.user_id;
    let presented = digest(raw);
    let mut conn = crate::app::conn(pool).await?;
    // The reuse verdict must be committed (the family ends) even though the
    // request is refused: the transaction answers what happened, not an error.
    let rotation = conn
        .transaction::<_, Error, _>(async |conn| {
            let stored = db::users::refresh_token_for_update(conn, &presented)
                .await?
                .filter(|t| t.user_id == user_id)
                .ok_or_else(|| {
                    Error::with_message(
                        ErrorCode::Unauthenticated,
                        "refresh token is not current; sign in again",
                    )
                })?;
            let now = Utc::now();
            if !stored.is_live() {
                db::users::end_session(conn, user_id, stored.family, now).await?;
                return Ok(Rotation::Reused);
            }
            let (_, credential) = db::users::live_account_by_id(conn, user_id)
                .await?
                .ok_or_else(|| Error::new(ErrorCode::NoUser))?;
            let role: Role = credential
                .role
                .parse()
                .map_err(|e| Error::internal("stored role", e))?;
            let pair = mint(issuer, UserId::new(user_id), role, stored.family, now);
            db::users::rotate_refresh_token(conn, &stored, &digest(&pair.refresh_token), now)
                .await?;
            Ok(Rotation::Rotated(pair))
        })
        .await?;
    match rotation {
        Rotation::Rotated(pair) => Ok(pair),
        Rotation::Reused => {
            tracing::warn!(
                user_id,
                "a rotated refresh token was used again; session ended"
            );
            Err(Error::with_message(
                ErrorCode::Unauthenticated,
                "refresh token was already used; the session has ended, sign in again",
            ))
        }
    }
}

/// Ends the session of the token presented. A refresh token that was already
/// rotated ends nothing: the session has moved on to a newer token, and only
/// its holder signs it out.
pub async fn sign_out(pool: &DbPool, presented: &Presented) -> Result<()> {
    let mut conn = crate::app::conn(pool).await?;
    let now = Utc::now();
    let ended = match presented {
        Presented::None => return Err(Error::new(ErrorCode::TokenNeeded)),
        Presented::Access(viewer) => match viewer.session {
            Some(family) => {
                db::users::end_session(&mut conn, viewer.user_id.get(), family, now).await?
            }
            // A token from outside any session (fixtures): every session.
            None => {
                db::users::end_sessions_except(&mut conn, viewer.user_id.get(), None, now).await?
            }
        },
        Presented::Refresh { claims, raw } => {
            match db::users::refresh_token_for_update(&mut conn, &digest(raw)).await? {
                Some(stored) if stored.is_live() && stored.user_id == claims.user_id => {
                    db::users::end_session(&mut conn, claims.user_id, stored.family, now).await?
                }
                _ => 0,
            }
        }
    };
    if ended == 0 {
        return Err(Error::with_message(
            ErrorCode::NoUser,
            "There's no user to sign out.",
        ));
    }
    Ok(())
}

/// After a password change: every session but `keep` (the one that made the
/// change, if it was the user's own) ends, with its access tokens.
pub async fn end_others(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    keep: Option<Uuid>,
) -> Result<usize> {
    Ok(db::users::end_sessions_except(conn, user_id, keep, Utc::now()).await?)
}
