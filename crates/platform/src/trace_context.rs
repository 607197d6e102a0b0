//! W3C Trace Context (`traceparent`, `tracestate`): the trace a request
//! belongs to. A valid incoming `traceparent` is continued (its trace id and
//! flags kept, its span id becoming our parent); otherwise the request starts
//! a new trace. Every request gets a span id of its own. The context lives in
//! a task-local next to the request id, so the typed service clients send it
//! on with a new span id per call (the client span), and the trace id is a
//! field of the request's tracing span, so logs of one trace can be joined
//! across services.
//!
//! Spans are exported only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (see
//! `crate::otlp`); propagation works either way.

use std::fmt;

pub const TRACEPARENT: &str = "traceparent";
pub const TRACESTATE: &str = "tracestate";

/// W3C's limit on `tracestate` (32 members of at most 256 bytes each would be
/// more; 512 is what a participant must at least propagate).
const MAX_TRACESTATE: usize = 512;

/// The sampled flag of `trace-flags`.
pub const SAMPLED: u8 = 0x01;

/// The trace context of one unit of work (an incoming request, or a
/// background call that starts a trace of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    pub trace_id: u128,
    /// This unit's own span.
    pub span_id: u64,
    /// The caller's span, when the trace came in with the request.
    pub parent_id: Option<u64>,
    pub flags: u8,
    /// The caller's `tracestate`, passed on unchanged.
    pub state: Option<String>,
}

/// The fields of a `traceparent` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    pub trace_id: u128,
    pub parent_id: u64,
    pub flags: u8,
}

fn hex_field(text: &str, len: usize) -> Option<u128> {
    let lowercase_hex = text.len() == len
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    lowercase_hex
        .then(|| u128::from_str_radix(text, 16).ok())
        .flatten()
}

impl TraceParent {
    /// Parses `version-traceid-parentid-flags` as W3C says: lowercase hex,
    /// version `ff` and all-zero ids invalid, version `00` exactly 55
    /// characters, a later version may append fields after a `-`.
    pub fn parse(header: &str) -> Option<TraceParent> {
        let header = header.trim_matches(|c| c == ' ' || c == '\t');
        let version = u8::try_from(hex_field(header.get(..2)?, 2)?).ok()?;
        if version == 0xff {
            return None;
        }
        let fixed = header.get(..55)?;
        let rest = &header[55..];
        if (version == 0 && !rest.is_empty()) || (!rest.is_empty() && !rest.starts_with('-')) {
            return None;
        }
        let mut parts = fixed.split('-');
        let (_, trace, parent, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let trace_id = hex_field(trace, 32)?;
        let parent_id = u64::try_from(hex_field(parent, 16)?).ok()?;
        let flags = u8::try_from(hex_field(flags, 2)?).ok()?;
        (trace_id != 0 && parent_id != 0).then_some(TraceParent {
            trace_id,
            parent_id,
            flags,
        })
    }
}

fn random_u128() -> u128 {
    // uuid's v4 draws from the OS CSPRNG; 122 random bits, never all zero.
    uuid::Uuid::new_v4().as_u128()
}

/// A span id: 64 random bits, never zero.
pub fn new_span_id() -> u64 {
    loop {
        let bits = random_u128();
        let id = (bits as u64) ^ ((bits >> 64) as u64);
        if id != 0 {
            return id;
        }
    }
}

fn valid_tracestate(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_TRACESTATE
        && value.bytes().all(|b| (0x20..0x7f).contains(&b))
}

impl TraceContext {
    /// A new trace (no usable `traceparent` came in, or a background job).
    pub fn root() -> TraceContext {
        TraceContext {
            trace_id: random_u128(),
            span_id: new_span_id(),
            parent_id: None,
            flags: if crate::otlp::enabled() { SAMPLED } else { 0 },
            state: None,
        }
    }

    /// The context of an incoming request, from its headers' values.
    pub fn from_incoming(traceparent: Option<&str>, tracestate: Option<&str>) -> TraceContext {
        match traceparent.and_then(TraceParent::parse) {
            Some(parent) => TraceContext {
                trace_id: parent.trace_id,
                span_id: new_span_id(),
                parent_id: Some(parent.parent_id),
                // Only the sampled bit is defined; others are not passed on.
                flags: parent.flags & SAMPLED,
                state: tracestate
                    .map(str::trim)
                    .filter(|s| valid_tracestate(s))
                    .map(str::to_owned),
            },
            None => TraceContext::root(),
        }
    }

    pub fn trace_id_hex(&self) -> String {
        format!("{:032x}", self.trace_id)
    }

    pub fn sampled(&self) -> bool {
        self.flags & SAMPLED != 0
    }

    /// The `traceparent` of a call made from this context through the
    /// client span `span_id`.
    pub fn traceparent_for(&self, span_id: u64) -> String {
        format!(
            "00-{:032x}-{:016x}-{:02x}",
            self.trace_id, span_id, self.flags
        )
    }
}

impl fmt::Display for TraceContext {
    /// As a `traceparent` naming this context's own span.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.traceparent_for(self.span_id))
    }
}

tokio::task_local! {
    static CURRENT: TraceContext;
}

/// The trace context of the request being handled, if any.
pub fn current() -> Option<TraceContext> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Runs `fut` within `context` (the request middleware, tests).
pub async fn scope<F: std::future::Future>(context: TraceContext, fut: F) -> F::Output {
    CURRENT.scope(context, fut).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn the_w3c_example_parses() {
        let parsed = TraceParent::parse(EXAMPLE);
        assert_eq!(
            parsed,
            Some(TraceParent {
                trace_id: 0x4bf92f3577b34da6a3ce929d0e0e4736,
                parent_id: 0x00f067aa0ba902b7,
                flags: 1,
            })
        );
    }

    #[test]
    fn invalid_headers_are_refused() {
        let bad = [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ];
        for header in bad {
            assert_eq!(TraceParent::parse(header), None, "{header}");
        }
    }

    #[test]
    fn a_later_version_may_append_fields() {
        let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-abcd";
        assert!(TraceParent::parse(later).is_some());
        let glued = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01abcd";
        assert_eq!(TraceParent::parse(glued), None);
    }

    #[test]
    fn an_incoming_trace_is_continued_with_a_span_of_our_own() {
        let context = TraceContext::from_incoming(Some(EXAMPLE), Some("vendor=abc"));
        assert_eq!(context.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(context.parent_id, Some(0x00f067aa0ba902b7));
        assert_ne!(context.span_id, 0x00f067aa0ba902b7);
        assert!(context.sampled());
        assert_eq!(context.state.as_deref(), Some("vendor=abc"));
        let outgoing = context.traceparent_for(0xabc);
        assert_eq!(
            outgoing,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000abc-01"
        );
        assert_eq!(
            TraceParent::parse(&context.to_string()).map(|p| p.parent_id),
            Some(context.span_id)
        );
    }

    #[test]
    fn without_a_valid_header_a_new_trace_starts() {
        let a = TraceContext::from_incoming(Some("garbage"), Some("vendor=abc"));
        let b = TraceContext::from_incoming(None, None);
        assert_ne!(a.trace_id, 0);
        assert_ne!(a.trace_id, b.trace_id);
        assert_eq!(a.parent_id, None);
        assert_eq!(a.state, None);
        assert!(TraceParent::parse(&a.to_string()).is_some());
    }
}
