//! Who may do what here.
//!
//! - Jobs (trigger a sync, read the run log): the cron credential
//!   `SCHEDULER_TRIGGER_TOKEN`, or an ADMIN user. The shared service
//!   credential is accepted only while no trigger token is configured, so
//!   setting one narrows access to exactly its holders.
//! - Auction-result uploads: a wholesaler owner, or an employee acting for its
//!   employer. Retailers, admins, services and anonymous callers are refused.

use crate::config::Secret;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use domain::{DomainError, ErrorCode, Role};
use platform::auth::bearer_token;
use platform::caller::{AuthState, Caller};
use platform::error::ApiError;
use std::future::{Ready, ready};
use subtle::ConstantTimeEq;

/// The configured cron credential (`web::Data<TriggerToken>`).
#[derive(Clone)]
pub struct TriggerToken(pub Option<Secret>);

impl TriggerToken {
    fn matches(&self, presented: &str) -> bool {
        self.0.as_ref().is_some_and(|secret| {
            !secret.expose().is_empty()
                && bool::from(presented.as_bytes().ct_eq(secret.expose().as_bytes()))
        })
    }
}

/// A caller allowed to run and inspect jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operator {
    TriggerToken,
    Service,
    Admin(i64),
}

impl Operator {
    /// For logs: never a token.
    pub fn label(&self) -> String {
        match self {
            Operator::TriggerToken => "trigger-token".to_owned(),
            Operator::Service => "service".to_owned(),
            Operator::Admin(id) => format!("admin:{id}"),
        }
    }
}

impl FromRequest for Operator {
    type Error = ApiError;
    type Future = Ready<Result<Operator, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(identify_operator(req))
    }
}

fn identify_operator(req: &HttpRequest) -> Result<Operator, ApiError> {
    let (Some(trigger), Some(auth)) = (
        req.app_data::<web::Data<TriggerToken>>(),
        req.app_data::<web::Data<AuthState>>(),
    ) else {
        return Err(ApiError::internal("auth", "auth state is not registered"));
    };
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::unauthenticated("authentication required"))?;
    let token = bearer_token(header)
        .ok_or_else(|| ApiError::unauthenticated("malformed Authorization header"))?;
    if trigger.matches(token) {
        return Ok(Operator::TriggerToken);
    }
    match auth.identify(header)? {
        Caller::Service if trigger.0.is_none() => Ok(Operator::Service),
        caller if caller.is_admin() => Ok(Operator::Admin(
            caller.user().map_or(0, |u| u.user_id.get()),
        )),
        _ => Err(ApiError::forbidden()),
    }
}

/// The wholesaler (owner account id) an upload is for.
pub async fn uploading_wholesaler(
    conn: &mut diesel_async::AsyncPgConnection,
    caller: &Caller,
) -> Result<i64, ApiError> {
    let Some(user) = caller.user() else {
        return Err(ApiError::forbidden());
    };
    let owner = match user.role {
        Role::WholesalerEmpr => user.user_id.get(),
        Role::WholesalerEmpe => db::connections::employer_of(conn, user.user_id.get())
            .await
            .map_err(db::DbError::from)?
            .ok_or_else(|| DomainError::new(ErrorCode::NoWholesaleConnection))?,
        Role::Retailer | Role::Admin => return Err(ApiError::forbidden()),
    };
    // The token may outlive the account: the owner must still be a live owner.
    let account = db::users::live_account_by_id(conn, owner)
        .await
        .map_err(db::DbError::from)?;
    match account {
        Some((_, credential)) if credential.role == Role::WholesalerEmpr.as_str() => Ok(owner),
        _ => Err(ApiError::forbidden()),
    }
}
