//! Span export over OTLP: a request that arrives with a `traceparent` and
//! calls another service produces three spans of that trace, linked as
//! `traceparent` carried them (the front's server span, its client span, the
//! peer's server span), sent to a collector as OTLP/HTTP protobuf; a trace
//! the caller did not sample is not exported. (Its own test binary: the
//! export is process-wide, and the other tests run without it.)

use actix_web::{App, HttpResponse, HttpServer, web};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use platform::service_client::ServiceClient;
use prost::Message;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Received = Arc<Mutex<Vec<ExportTraceServiceRequest>>>;

/// An OTLP/HTTP collector that keeps every export request it decodes.
fn collector(received: Received) -> String {
    let server = HttpServer::new(move || {
        let received = received.clone();
        App::new().route(
            "/v1/traces",
            web::post().to(move |req: actix_web::HttpRequest, body: web::Bytes| {
                let received = received.clone();
                async move {
                    let protobuf = req
                        .headers()
                        .get("content-type")
                        .is_some_and(|v| v.as_bytes() == b"application/x-protobuf");
                    match ExportTraceServiceRequest::decode(body) {
                        Ok(request) if protobuf => {
                            received.lock().expect("lock").push(request);
                            HttpResponse::Ok()
                                .content_type("application/x-protobuf")
                                .finish()
                        }
                        _ => HttpResponse::BadRequest().finish(),
                    }
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let port = server.addrs()[0].port();
    actix_web::rt::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

/// A service (the shared middleware) whose `/front` calls `peer`'s `/echo`.
fn front(peer: Option<ServiceClient>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let running = platform::server::start(
        listener,
        1,
        platform::cors::CorsPolicy::Closed,
        move |cfg| {
            let peer = peer.clone();
            cfg.route(
                "/echo",
                web::get().to(|| async { HttpResponse::Ok().json(1) }),
            )
            .route(
                "/front",
                web::get().to(move || {
                    let peer = peer.clone();
                    async move {
                        let answered: Option<i32> = match &peer {
                            Some(peer) => peer.get_json("/echo").await.ok(),
                            None => None,
                        };
                        HttpResponse::Ok().json(answered)
                    }
                }),
            );
        },
    )
    .expect("start");
    actix_web::rt::spawn(running.server);
    format!("http://127.0.0.1:{}", running.port)
}

fn spans_of(received: &Received, trace_id: &[u8]) -> Vec<(Span, Vec<String>)> {
    let requests = received.lock().expect("lock");
    let mut found = Vec::new();
    for request in requests.iter() {
        for resource in &request.resource_spans {
            let services: Vec<String> = resource
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .filter(|kv| kv.key == "service.name")
                .map(|kv| format!("{:?}", kv.value))
                .collect();
            for scope in &resource.scope_spans {
                for span in &scope.spans {
                    if span.trace_id == trace_id {
                        found.push((span.clone(), services.clone()));
                    }
                }
            }
        }
    }
    found
}

#[actix_web::test]
async fn a_sampled_trace_is_exported_as_traceparent_carried_it() {
    let received: Received = Arc::default();
    let endpoint = collector(received.clone());
    assert!(!platform::otlp::enabled());
    platform::otlp::start("otlp-test", Some(&endpoint)).expect("export starts");
    assert!(platform::otlp::enabled());

    let peer_url = front(None);
    let peer = ServiceClient::new("peer", &peer_url, "token", Duration::from_secs(5));
    let front_url = front(Some(peer));
    let http = reqwest::Client::new();
    let trace_id: [u8; 16] = 0x4bf92f3577b34da6a3ce929d0e0e4736_u128.to_be_bytes();
    let unsampled: [u8; 16] = 0x11112222333344445555666677778888_u128.to_be_bytes();
    for traceparent in [
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-11112222333344445555666677778888-00f067aa0ba902b7-00",
    ] {
        let answer = http
            .get(format!("{front_url}/front"))
            .header("traceparent", traceparent)
            .header("x-request-id", "otlp-test-1")
            .send()
            .await
            .expect("front");
        assert_eq!(answer.text().await.expect("body"), "1");
    }

    let deadline = Instant::now() + Duration::from_secs(20);
    let spans = loop {
        // force_flush blocks until the export thread sent the batch.
        actix_web::rt::task::spawn_blocking(platform::otlp::flush)
            .await
            .expect("flush");
        let spans = spans_of(&received, &trace_id);
        if spans.len() >= 3 {
            break spans;
        }
        assert!(Instant::now() < deadline, "spans exported: {spans:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let find = |kind: SpanKind, name: &str| {
        spans
            .iter()
            .map(|(span, _)| span)
            .find(|s| s.kind == kind as i32 && s.name == name)
            .unwrap_or_else(|| panic!("no {name} span in {spans:?}"))
            .clone()
    };
    let front_server = find(SpanKind::Server, "GET /front");
    let client = find(SpanKind::Client, "GET peer");
    let peer_server = find(SpanKind::Server, "GET /echo");
    // The chain traceparent carried: caller → front → client → peer.
    assert_eq!(
        front_server.parent_span_id,
        0x00f067aa0ba902b7_u64.to_be_bytes()
    );
    assert_eq!(client.parent_span_id, front_server.span_id);
    assert_eq!(peer_server.parent_span_id, client.span_id);
    assert_ne!(peer_server.span_id, client.span_id);
    assert!(front_server.start_time_unix_nano <= client.start_time_unix_nano);
    assert!(client.end_time_unix_nano <= front_server.end_time_unix_nano);
    let attribute = |span: &Span, key: &str| {
        span.attributes
            .iter()
            .find(|kv| kv.key == key)
            .map(|kv| format!("{:?}", kv.value))
    };
    assert!(attribute(&front_server, "http.route").is_some_and(|v| v.contains("/front")));
    assert!(
        attribute(&peer_server, "marketbill.request_id").is_some_and(|v| v.contains("otlp-test-1"))
    );
    assert!(
        spans
            .iter()
            .all(|(_, services)| services.iter().any(|s| s.contains("otlp-test")))
    );
    // The caller did not sample the other trace: nothing of it left.
    assert!(spans_of(&received, &unsampled).is_empty());
}
