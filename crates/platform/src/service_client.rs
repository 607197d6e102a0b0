//! The base of the typed clients services use to call each other: explicit
//! timeouts, the service credential, the current request id and W3C trace
//! context (`traceparent`), and errors that say whether a retry can help.

use crate::request_id;
use crate::trace_context::{self, TraceContext};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The peer could not be reached or timed out: retrying later may help.
    #[error("{service} unavailable: {detail}")]
    Unavailable {
        service: &'static str,
        detail: String,
    },
    /// The peer answered with an error envelope.
    #[error("{service} answered {status}: {code}: {message}")]
    Rejected {
        service: &'static str,
        status: u16,
        code: String,
        message: String,
    },
    /// The peer answered something this client cannot read.
    #[error("{service} answered unreadable data: {detail}")]
    Protocol {
        service: &'static str,
        detail: String,
    },
}

impl CallError {
    pub fn is_retryable(&self) -> bool {
        match self {
            CallError::Unavailable { .. } => true,
            CallError::Rejected { status, .. } => *status >= 500 || *status == 429,
            CallError::Protocol { .. } => false,
        }
    }
}

#[derive(Clone)]
pub struct ServiceClient {
    service: &'static str,
    base_url: String,
    service_token: String,
    http: reqwest::Client,
}

impl ServiceClient {
    pub fn new(
        service: &'static str,
        base_url: &str,
        service_token: &str,
        timeout: Duration,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(2))
            .build()
            .unwrap_or_default();
        ServiceClient {
            service,
            base_url: base_url.trim_end_matches('/').to_owned(),
            service_token: service_token.to_owned(),
            http,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A call with the service credential, the request id and the W3C trace
    /// context: the current request's trace (a new one outside a request,
    /// e.g. the outbox worker), through a new client span.
    fn request(&self, method: reqwest::Method, path: &str) -> (reqwest::RequestBuilder, Call) {
        let current = trace_context::current();
        let call = Call {
            in_request: current.is_some(),
            trace: current.unwrap_or_else(TraceContext::root),
            span_id: trace_context::new_span_id(),
            started: std::time::SystemTime::now(),
            name: format!("{method} {}", self.service),
        };
        let mut builder = self
            .http
            .request(method, format!("{}{}", self.base_url, path))
            .bearer_auth(&self.service_token)
            .header(
                trace_context::TRACEPARENT,
                call.trace.traceparent_for(call.span_id),
            );
        if let Some(state) = &call.trace.state {
            builder = builder.header(trace_context::TRACESTATE, state);
        }
        if let Some(id) = request_id::current() {
            builder = builder.header(request_id::HEADER.as_str(), id);
        }
        (builder, call)
    }

    /// POSTs JSON; `idempotency_key` makes a retried call safe on the peer.
    pub async fn post_json<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: Option<&str>,
    ) -> Result<R, CallError> {
        let (mut builder, call) = self.request(reqwest::Method::POST, path);
        builder = builder.json(body);
        if let Some(key) = idempotency_key {
            builder = builder.header("idempotency-key", key);
        }
        self.send(builder, call).await
    }

    pub async fn get_json<R: DeserializeOwned>(&self, path: &str) -> Result<R, CallError> {
        let (builder, call) = self.request(reqwest::Method::GET, path);
        self.send(builder, call).await
    }

    async fn send<R: DeserializeOwned>(
        &self,
        builder: reqwest::RequestBuilder,
        call: Call,
    ) -> Result<R, CallError> {
        let service = self.service;
        let sent = builder.send().await;
        call.finish(service, sent.as_ref().map(|r| r.status().as_u16()).ok());
        let response = sent.map_err(|e| CallError::Unavailable {
            service,
            detail: e.without_url().to_string(),
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| CallError::Unavailable {
            service,
            detail: e.without_url().to_string(),
        })?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| CallError::Protocol {
                service,
                detail: e.to_string(),
            });
        }
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: Detail,
        }
        #[derive(serde::Deserialize)]
        struct Detail {
            code: String,
            message: String,
        }
        let (code, message) = match serde_json::from_slice::<Envelope>(&bytes) {
            Ok(envelope) => (envelope.error.code, envelope.error.message),
            Err(_) => (
                "UNKNOWN".to_owned(),
                String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            ),
        };
        Err(CallError::Rejected {
            service,
            status: status.as_u16(),
            code,
            message,
        })
    }
}

/// One outgoing call's place in its trace (the client span).
struct Call {
    trace: TraceContext,
    /// Whether the call is made while handling a request (else its trace is new).
    in_request: bool,
    span_id: u64,
    started: std::time::SystemTime,
    name: String,
}

impl Call {
    /// Exports the client span (when export is on); `status` is None when no
    /// answer came.
    fn finish(self, peer: &'static str, status: Option<u16>) {
        crate::otlp::record_client(
            &self.trace,
            self.in_request,
            self.span_id,
            self.name,
            peer,
            status,
            self.started,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace_context::TraceParent;
    use actix_web::{HttpRequest, HttpResponse, web};

    /// What the peer saw: the headers, and the trace context its own
    /// middleware derived from them.
    #[derive(serde::Deserialize, serde::Serialize)]
    struct Seen {
        traceparent: Option<String>,
        request_id: Option<String>,
        trace_id: Option<String>,
        parent_id: Option<u64>,
        span_id: Option<u64>,
    }

    async fn echo(req: HttpRequest) -> HttpResponse {
        let header = |name: &str| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let current = trace_context::current();
        HttpResponse::Ok().json(Seen {
            traceparent: header("traceparent"),
            request_id: header("x-request-id"),
            trace_id: current.as_ref().map(TraceContext::trace_id_hex),
            parent_id: current.as_ref().and_then(|c| c.parent_id),
            span_id: current.as_ref().map(|c| c.span_id),
        })
    }

    async fn peer() -> ServiceClient {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let running = crate::server::start(listener, 1, crate::cors::CorsPolicy::Closed, |cfg| {
            cfg.route("/echo", web::get().to(echo));
        })
        .expect("start");
        actix_web::rt::spawn(running.server);
        let url = format!("http://127.0.0.1:{}", running.port);
        ServiceClient::new("peer", &url, "token", Duration::from_secs(5))
    }

    #[actix_web::test]
    async fn a_call_continues_the_current_trace_through_a_new_span() {
        let client = peer().await;
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let context = TraceContext::from_incoming(Some(incoming), None);
        let ours = context.span_id;
        let seen: Seen = request_id::scope(
            "req-42".to_owned(),
            trace_context::scope(context, client.get_json("/echo")),
        )
        .await
        .expect("call");
        let sent = seen
            .traceparent
            .as_deref()
            .and_then(TraceParent::parse)
            .expect("a valid traceparent was sent");
        assert_eq!(sent.trace_id, 0x4bf92f3577b34da6a3ce929d0e0e4736);
        assert_eq!(sent.flags, 1);
        // A new client span: neither the caller's parent nor its own span.
        assert_ne!(sent.parent_id, 0x00f067aa0ba902b7);
        assert_ne!(sent.parent_id, ours);
        assert_eq!(seen.request_id.as_deref(), Some("req-42"));
        // The peer continued that trace, with the client span as its parent.
        assert_eq!(
            seen.trace_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        assert_eq!(seen.parent_id, Some(sent.parent_id));
        assert_ne!(seen.span_id, Some(sent.parent_id));
    }

    #[actix_web::test]
    async fn a_call_outside_a_request_starts_a_trace() {
        let client = peer().await;
        let first: Seen = client.get_json("/echo").await.expect("call");
        let second: Seen = client.get_json("/echo").await.expect("call");
        let first_sent = first.traceparent.as_deref().and_then(TraceParent::parse);
        let second_sent = second.traceparent.as_deref().and_then(TraceParent::parse);
        let (Some(a), Some(b)) = (first_sent, second_sent) else {
            panic!("no valid traceparent sent");
        };
        assert_ne!(a.trace_id, b.trace_id);
        assert_eq!(first.trace_id, Some(format!("{:032x}", a.trace_id)));
    }
}
