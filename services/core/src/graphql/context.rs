//! The per-request GraphQL context: who is asking, the pool, the token
//! issuer, settings, and the request's batch loaders. Resolvers hand the
//! parts a use case needs to it as arguments; no use case sees the context.

use crate::app::{Peers, Presented, Viewer};
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::loaders::Loaders;
use crate::settings::Settings;
use db::DbPool;
use domain::{ErrorCode, Role};
use platform::auth::TokenIssuer;
use std::sync::Arc;

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
    pub spent: crate::graphql::budget::Spent,
    /// The caller's address, for per-client abuse limits (None when unknown).
    pub client_ip: Option<String>,
    /// Whether the request may ask a read model's list twice under one key
    /// (`read_model::may_ask_a_view_twice`): its answers are then merged.
    pub views_merged: bool,
    /// The live connection this context serves, if it came over WebSocket:
    /// who subscribes, and the instance's feed. Queries and mutations are
    /// refused there (`cost::charge`): they belong to HTTP, with its limits.
    pub live: Option<Arc<crate::live::socket::Subscriber>>,
}

impl juniper::Context for Context {}

/// A WebSocket connection's operations each get a clone: a fresh request of
/// the same caller (its own loaders and budget), on the same connection.
impl Clone for Context {
    fn clone(&self) -> Self {
        Context {
            pool: self.pool.clone(),
            peers: self.peers.clone(),
            wakeup: self.wakeup.clone(),
            presented: self.presented.clone(),
            issuer: self.issuer.clone(),
            settings: self.settings.clone(),
            loaders: Loaders::new(&self.pool),
            related: tokio::sync::OnceCell::new(),
            spent: Default::default(),
            client_ip: self.client_ip.clone(),
            views_merged: false,
            live: self.live.clone(),
        }
    }
}

impl Context {
    pub fn viewer(&self) -> Option<Viewer> {
        self.presented.viewer()
    }

    /// The signed-in caller, or `TOKEN_NEEDED`.
    pub fn require_viewer(&self) -> GqlResult<Viewer> {
        self.viewer()
            .ok_or_else(|| GqlError::code(ErrorCode::TokenNeeded))
    }

    /// The signed-in caller with one of the `allowed` roles: `TOKEN_NEEDED`
    /// without a token, `PERMISSION_DENIED` with another role.
    pub fn require_role(&self, allowed: &[Role]) -> GqlResult<Viewer> {
        Ok(self.require_viewer()?.require_role(allowed)?)
    }

    pub async fn conn(&self) -> GqlResult<db::DbConn> {
        Ok(crate::app::conn(&self.pool).await?)
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
