//! Wiring: configuration in, a listening server out.

use crate::config::Config;
use crate::http::GraphqlState;
use actix_web::web;
use platform::auth::{TokenIssuer, TokenVerifier};
use platform::config::Env;
use platform::server::{Running, StartupError};
use std::sync::Arc;

pub struct Application;

impl Application {
    pub async fn from_env(env: &Env) -> Result<Running, StartupError> {
        Self::build(Config::from_env(env)?).await
    }

    /// Connects, checks the schema, binds (port 0 picks a free port) and starts.
    pub async fn build(config: Config) -> Result<Running, StartupError> {
        let pool = config.common.connect_database().await?;
        let state = web::Data::new(GraphqlState {
            schema: crate::graphql::schema(),
            pool: pool.clone(),
            issuer: TokenIssuer::from_signing_key(&config.jwt_signing_key)?,
            verifier: TokenVerifier::from_public_key(&config.common.jwt_public_key)?,
            settings: Arc::new(config.settings.clone()),
        });
        config.common.start_with(pool, move |cfg| {
            cfg.app_data(state.clone()).configure(crate::http::routes);
        })
    }
}
