//! Span export over OTLP/HTTP, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is
//! set (nothing is recorded otherwise). The exporter also reads the standard
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`,
//! `OTEL_EXPORTER_OTLP_TIMEOUT` and `OTEL_SERVICE_NAME`.
//!
//! Spans are recorded after the fact with the ids propagation already used
//! (see [`crate::trace_context`]), so what a collector shows is exactly what
//! `traceparent` carried: each request's server span (its parent the caller's
//! client span) and each call's client span (its parent the request's span).
//! They go straight to the SDK's batch processor (a thread of its own, with
//! reqwest's blocking client), without a tracing layer. A trace is exported
//! only when it is sampled: a caller's `traceparent` decides, and traces this
//! service starts are sampled.

use crate::trace_context::TraceContext;
use actix_web::HttpRequest;
use actix_web::http::Method;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchSpanProcessor, SpanData, SpanProcessor};
use std::sync::OnceLock;
use std::time::SystemTime;

static EXPORT: OnceLock<BatchSpanProcessor> = OnceLock::new();

pub const ENDPOINT_VAR: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// Starts the export when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (once; called
/// by `telemetry::init`).
pub fn init(service: &str) {
    let configured = std::env::var(ENDPOINT_VAR).is_ok_and(|v| !v.trim().is_empty());
    if configured {
        match start(service, None) {
            Ok(()) => tracing::info!(service, "exporting spans over OTLP"),
            Err(e) => tracing::warn!(error = %e, "span export not started"),
        }
    }
}

/// Starts the export to `endpoint` (the base URL; `/v1/traces` is added), or
/// to what the `OTEL_EXPORTER_OTLP_*` variables say when `None`.
pub fn start(service: &str, endpoint: Option<&str>) -> Result<(), String> {
    use opentelemetry_otlp::WithExportConfig;
    let mut builder = opentelemetry_otlp::SpanExporter::builder().with_http();
    if let Some(endpoint) = endpoint {
        builder = builder.with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')));
    }
    let exporter = builder.build().map_err(|e| e.to_string())?;
    let mut resource = Resource::builder();
    if std::env::var("OTEL_SERVICE_NAME").is_err() {
        resource = resource.with_service_name(service.to_owned());
    }
    let mut processor = BatchSpanProcessor::builder(exporter).build();
    processor.set_resource(&resource.build());
    EXPORT
        .set(processor)
        .map_err(|_| "span export already started".to_owned())
}

/// Whether spans are exported.
pub fn enabled() -> bool {
    EXPORT.get().is_some()
}

/// Sends what is queued (tests, shutdown).
pub fn flush() {
    if let Some(processor) = EXPORT.get()
        && let Err(e) = processor.force_flush()
    {
        tracing::warn!(error = %e, "span export flush failed");
    }
}

/// Flushes and stops the export (end of `main`).
pub fn shutdown() {
    if let Some(processor) = EXPORT.get()
        && let Err(e) = processor.shutdown()
    {
        tracing::warn!(error = %e, "span export shutdown failed");
    }
}

fn scope() -> InstrumentationScope {
    InstrumentationScope::builder("marketbill").build()
}

/// A span that ended now.
struct Finished {
    kind: SpanKind,
    span_id: u64,
    /// The parent span, and whether it is another process's.
    parent: Option<(u64, bool)>,
    name: String,
    started: SystemTime,
    attributes: Vec<KeyValue>,
    status: Status,
}

fn export(context: &TraceContext, span: Finished) {
    let Some(processor) = EXPORT.get() else {
        return;
    };
    if !context.sampled() {
        return;
    }
    let state = context
        .state
        .as_deref()
        .and_then(|s| s.parse::<TraceState>().ok())
        .unwrap_or_default();
    let (parent_span_id, parent_span_is_remote) = span
        .parent
        .map_or((SpanId::INVALID, false), |(id, remote)| {
            (SpanId::from(id), remote)
        });
    processor.on_end(SpanData {
        span_context: SpanContext::new(
            TraceId::from(context.trace_id),
            SpanId::from(span.span_id),
            TraceFlags::SAMPLED,
            false,
            state,
        ),
        parent_span_id,
        parent_span_is_remote,
        span_kind: span.kind,
        name: span.name.into(),
        start_time: span.started,
        end_time: SystemTime::now(),
        attributes: span.attributes,
        dropped_attributes_count: 0,
        events: Default::default(),
        links: Default::default(),
        status: span.status,
        instrumentation_scope: scope(),
    });
}

/// The server span of a request this service answered.
pub fn record_server(
    context: &TraceContext,
    request_id: &str,
    method: &Method,
    request: &HttpRequest,
    status: u16,
    started: SystemTime,
) {
    if !enabled() {
        return;
    }
    let route = request.match_pattern();
    let name = match &route {
        Some(route) => format!("{method} {route}"),
        None => method.to_string(),
    };
    let mut attributes = vec![
        KeyValue::new("http.request.method", method.to_string()),
        KeyValue::new("http.response.status_code", i64::from(status)),
    ];
    if let Some(route) = route {
        attributes.push(KeyValue::new("http.route", route));
    }
    attributes.push(KeyValue::new(
        "marketbill.request_id",
        request_id.to_owned(),
    ));
    let status = if status >= 500 {
        Status::error(format!("HTTP {status}"))
    } else {
        Status::Unset
    };
    let span = Finished {
        kind: SpanKind::Server,
        span_id: context.span_id,
        parent: context.parent_id.map(|id| (id, true)),
        name,
        started,
        attributes,
        status,
    };
    export(context, span);
}

/// The client span of a call to `peer` (`status` None: no answer came);
/// `in_request`: made while handling a request (whose span is the parent).
pub fn record_client(
    context: &TraceContext,
    in_request: bool,
    span_id: u64,
    name: String,
    peer: &'static str,
    status: Option<u16>,
    started: SystemTime,
) {
    if !enabled() {
        return;
    }
    let mut attributes = vec![KeyValue::new("peer.service", peer)];
    if let Some(status) = status {
        attributes.push(KeyValue::new(
            "http.response.status_code",
            i64::from(status),
        ));
    }
    let status = match status {
        None => Status::error("no answer"),
        Some(code) if code >= 500 => Status::error(format!("HTTP {code}")),
        Some(_) => Status::Unset,
    };
    let span = Finished {
        kind: SpanKind::Client,
        span_id,
        // A call made outside any request starts its trace: no parent.
        parent: in_request.then_some((context.span_id, false)),
        name,
        started,
        attributes,
        status,
    };
    export(context, span);
}
