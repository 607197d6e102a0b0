//! The per-request GraphQL context: who is asking, the pool, the token
//! issuer, settings, and the request's batch loaders.

use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::loaders::Loaders;
use crate::settings::Settings;
use db::DbPool;
use domain::{ErrorCode, Role, UserId};
use platform::auth::{Claims, TokenIssuer};
use std::sync::Arc;

/// A signed-in caller, with the role from the database (not from the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: UserId,
    pub role: Role,
    /// The session the access token belongs to (None for tokens minted
    /// outside a sign-in, e.g. by fixtures).
    pub session: Option<uuid::Uuid>,
}

/// What the Authorization header carried, once the HTTP filter accepted it.
#[derive(Debug, Clone)]
pub enum Presented {
    None,
    Access(Viewer),
    /// A refresh token: only `reissueToken` and `signOut` accept it.
    Refresh {
        claims: Claims,
        raw: String,
    },
}

/// Typed clients of the services core calls.
pub struct Peers {
    pub receipt: platform::api::receipt::ReceiptClient,
    pub messaging: platform::api::messaging::MessagingClient,
}

pub struct Context {
    pub pool: DbPool,
    pub peers: Arc<Peers>,
    pub wakeup: crate::notifications::Wakeup,
    pub presented: Presented,
    pub issuer: TokenIssuer,
    pub settings: Arc<Settings>,
    pub loaders: Loaders,
    /// Users the viewer has a trading or employment link with (lazy).
    pub related: tokio::sync::OnceCell<std::collections::HashSet<i64>>,
    /// What the request's query fields have cost so far (see `cost`).
    pub spent: crate::graphql::cost::Spent,
    /// The caller's address, for per-client abuse limits (None when unknown).
    pub client_ip: Option<String>,
    /// Whether the request may ask a read model's list twice under one key
    /// (`read_model::may_ask_a_view_twice`): its answers are then merged.
    pub views_merged: bool,
}

impl juniper::Context for Context {}

impl Context {
    pub fn viewer(&self) -> Option<Viewer> {
        match &self.presented {
            Presented::Access(viewer) => Some(*viewer),
            _ => None,
        }
    }

    /// The signed-in caller, or `TOKEN_NEEDED`.
    pub fn require_viewer(&self) -> GqlResult<Viewer> {
        self.viewer()
            .ok_or_else(|| GqlError::code(ErrorCode::TokenNeeded))
    }

    pub fn require_role(&self, allowed: &[Role]) -> GqlResult<Viewer> {
        let viewer = self.require_viewer()?;
        if allowed.contains(&viewer.role) {
            Ok(viewer)
        } else {
            Err(GqlError::code(ErrorCode::PermissionDenied))
        }
    }

    /// Tells the outbox worker that a committed change queued an SMS.
    pub fn notify_outbox(&self) {
        self.wakeup.wake();
    }

    pub async fn conn(&self) -> GqlResult<db::DbConn> {
        self.pool
            .get()
            .await
            .map_err(|e| GqlError::from(db::DbError::from(e)))
    }
}

impl Context {
    /// Whether the caller may see `user_id`'s private details: itself, an
    /// admin, its own company (owner ↔ employee), or a trading partner (see
    /// `db::connections::related_user_ids`: a wholesaler sees applicants it has
    /// not rejected, a retailer the wholesalers that confirmed it). Computed
    /// once per request.
    pub async fn can_see_private(&self, user_id: i64) -> GqlResult<bool> {
        let Some(viewer) = self.viewer() else {
            return Ok(false);
        };
        if viewer.user_id.get() == user_id || viewer.role == Role::Admin {
            return Ok(true);
        }
        let related = self
            .related
            .get_or_try_init(|| async {
                let mut conn = self.conn().await?;
                let ids =
                    db::connections::related_user_ids(&mut conn, viewer.user_id.get()).await?;
                Ok::<_, GqlError>(ids.into_iter().collect::<std::collections::HashSet<i64>>())
            })
            .await?;
        Ok(related.contains(&user_id))
    }
}
