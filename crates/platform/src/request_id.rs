//! Request ids: taken from the incoming `x-request-id` (so one id follows a
//! request from core into receipt and messaging) or generated, echoed in the
//! response, attached to the request's tracing span, and available to outgoing
//! calls through a task-local. The request's W3C trace context
//! (`traceparent`, see [`crate::trace_context`]) is kept the same way.

use crate::trace_context::{self, TraceContext};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being handled, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

fn sanitize(raw: &str) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| raw.to_owned())
}

/// actix middleware (use with `actix_web::middleware::from_fn`).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(sanitize)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    // The W3C trace this request belongs to (continued or new), next to the id.
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let trace = TraceContext::from_incoming(
        header(trace_context::TRACEPARENT),
        header(trace_context::TRACESTATE),
    );
    let span = tracing::info_span!("request", request_id = %id, trace_id = %trace.trace_id_hex(), method = %req.method(), path = %req.path());
    let started = std::time::Instant::now();
    let wall_clock = std::time::SystemTime::now();
    let method = req.method().clone();
    let mut response = CURRENT
        .scope(
            id.clone(),
            trace_context::scope(trace.clone(), next.call(req)),
        )
        .instrument(span.clone())
        .await?;
    let status = response.status().as_u16();
    crate::otlp::record_server(&trace, &id, &method, response.request(), status, wall_clock);
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "handled"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}

/// Runs `fut` with `id` as the current request id (background jobs, tests).
pub async fn scope<F: std::future::Future>(id: String, fut: F) -> F::Output {
    CURRENT.scope(id, fut).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_safe_ids_are_reused() {
        assert_eq!(super::sanitize("abc-123_X").as_deref(), Some("abc-123_X"));
        assert_eq!(super::sanitize("bad id"), None);
        assert_eq!(super::sanitize(&"a".repeat(65)), None);
        assert_eq!(super::sanitize(""), None);
    }
}
