//! `POST /graphql`, `GET /graphiql` and the token filter in front of them
//! (`GET /graphql` upgraded to a WebSocket is `live::socket`'s).
//!
//! As in the original, a bad or expired token is not a GraphQL error: the whole
//! request answers HTTP 401 with `{"status":"401","error":"UNAUTHORIZED",
//! "message":"TOKEN EXPIRED"|"INVALID_TOKEN"}`, which clients use to refresh.

use crate::app::{Presented, Viewer};
use crate::graphql::Schema;
use crate::graphql::context::Context;
use crate::graphql::loaders::Loaders;
use crate::settings::Settings;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use db::DbPool;
use domain::{Role, UserId};
use platform::auth::{TokenError, TokenIssuer, TokenKind, TokenVerifier, bearer_token};
use std::sync::Arc;
use std::time::Instant;

pub struct GraphqlState {
    pub schema: &'static Schema,
    pub pool: DbPool,
    pub peers: Arc<crate::app::Peers>,
    pub wakeup: crate::notifications::Wakeup,
    pub issuer: TokenIssuer,
    pub verifier: TokenVerifier,
    pub settings: Arc<Settings>,
    /// The live order board: the instance's event feed, the connections
    /// each account holds, and the origins a browser may open it from.
    pub live: crate::live::socket::LiveState,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    // A WebSocket upgrade of GET /graphql is the live order board; every
    // other GET is a query, as before.
    let upgrade = actix_web::guard::fn_guard(crate::live::socket::is_upgrade);
    cfg.route("/graphql", web::post().to(graphql))
        .route(
            "/graphql",
            web::get().guard(upgrade).to(crate::live::socket::open),
        )
        .route("/graphql", web::get().to(graphql))
        .route("/graphiql", web::get().to(graphiql));
}

fn unauthorized(e: TokenError) -> HttpResponse {
    HttpResponse::Unauthorized().json(serde_json::json!({
        "status": "401", "error": "UNAUTHORIZED", "message": e.to_string(),
    }))
}

/// The sign-in check could not read the database: a GraphQL error answer
/// with the HTTP status the client's retry logic looks at (503 and
/// `Retry-After` for an outage).
fn database_failed(e: db::DbError) -> HttpResponse {
    error_answer(crate::graphql::error::GqlError::from(e))
}

/// A request-wide GraphQL error answer, with its code's HTTP status.
fn error_answer(error: crate::graphql::error::GqlError) -> HttpResponse {
    let error = error.0;
    let status = actix_web::http::StatusCode::from_u16(error.code.http_status())
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    if status == actix_web::http::StatusCode::SERVICE_UNAVAILABLE {
        response.insert_header((actix_web::http::header::RETRY_AFTER, "1"));
    }
    response.json(serde_json::json!({
        "errors": [{
            "message": error.message,
            "extensions": {
                "errorType": error.code.error_type(),
                "code": error.code.name(),
                "errorCode": error.code.error_code(),
            },
        }],
    }))
}

async fn presented(req: &HttpRequest, state: &GraphqlState) -> Result<Presented, HttpResponse> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(token) = header.and_then(bearer_token) else {
        return Ok(Presented::None);
    };
    verify(state, token).await.map_err(|e| match e {
        Rejected::Token(e) => unauthorized(e),
        Rejected::Database(e) => database_failed(e),
    })
}

/// Why a presented token was not accepted.
pub enum Rejected {
    Token(TokenError),
    Database(db::DbError),
}

/// What a bearer token stands for, checked as every request's is (the
/// signature and expiry, then the live account and session): for HTTP
/// requests and for a WebSocket's `connection_init` alike.
pub async fn verify(state: &GraphqlState, token: &str) -> Result<Presented, Rejected> {
    let claims = state.verifier.decode(token).map_err(Rejected::Token)?;
    // The role comes from the live credential, not the token: a deleted user's
    // tokens stop working at once and a changed role applies immediately. A
    // token of an ended session (signed out, reused, password changed) is
    // refused with it, in the same statement.
    let mut conn = state
        .pool
        .get()
        .await
        .map_err(|e| Rejected::Database(e.into()))?;
    let role = db::users::live_role_in_session(&mut conn, claims.user_id, claims.sid)
        .await
        .map_err(|e| Rejected::Database(e.into()))?;
    let Some(role) = role else {
        return Err(Rejected::Token(TokenError::Invalid));
    };
    let role: Role = role
        .parse()
        .map_err(|_| Rejected::Token(TokenError::Invalid))?;
    Ok(match claims.kind {
        TokenKind::Access => Presented::Access(Viewer {
            user_id: UserId::new(claims.user_id),
            role,
            session: claims.sid,
        }),
        TokenKind::Refresh => Presented::Refresh {
            claims,
            raw: token.to_owned(),
        },
    })
}

async fn graphql(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<GraphqlState>,
) -> Result<HttpResponse, actix_web::Error> {
    // Checked before the token, which costs a database read.
    let operations = match crate::graphql_request::read(&req, payload, state.schema).await {
        Ok(operations) => operations,
        Err(refused) => return Ok(refused.into_response()),
    };
    let presented = match presented(&req, &state).await {
        Ok(presented) => presented,
        Err(response) => return Ok(response),
    };
    let ctx = Context {
        pool: state.pool.clone(),
        peers: state.peers.clone(),
        wakeup: state.wakeup.clone(),
        presented,
        issuer: state.issuer.clone(),
        settings: state.settings.clone(),
        loaders: Loaders::new(&state.pool),
        related: tokio::sync::OnceCell::new(),
        spent: Default::default(),
        client_ip: platform::client_ip::client_ip(&req, state.settings.trust_forwarded_for),
        views_merged: crate::graphql::read_model::may_ask_a_view_twice(&operations),
        live: None,
    };
    let labels = crate::operation_metrics::labels(&operations);
    let started = Instant::now();
    let answers = crate::graphql::validated::execute(&operations, state.schema, &ctx).await;
    let answers = crate::operation_metrics::record(labels, answers, started.elapsed());
    let status = if answers.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    match crate::graphql_response::body(answers) {
        Ok(body) => Ok(HttpResponse::build(status)
            .content_type(actix_web::http::header::ContentType::json())
            .body(body)),
        Err(crate::graphql_response::Unwritable) => Ok(error_answer(
            crate::graphql::error::GqlError::internal("answer", "serde refused a value"),
        )),
    }
}

async fn graphiql() -> Result<HttpResponse, actix_web::Error> {
    juniper_actix::graphiql_handler("/graphql", None).await
}
