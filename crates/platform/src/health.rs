//! `/healthz` answers while the process is alive; `/readyz` only while the
//! database answers too, so an orchestrator stops routing to a replica that lost it.

use actix_web::{HttpResponse, web};
use db::DbPool;
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

async fn readyz(pool: web::Data<DbPool>) -> HttpResponse {
    let check =
        tokio::time::timeout(std::time::Duration::from_secs(2), db::pool::ping(&pool)).await;
    match check {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({ "status": "ready", "database": "ok" })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "database": "error" }))
        }
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "unavailable", "database": "timeout" })),
    }
}
