//! Tracing setup: readable text by default, one JSON object per line when
//! `LOG_FORMAT=json` (for log shippers). `RUST_LOG` filters as usual. Spans
//! are exported over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set
//! ([`crate::otlp`]).

use tracing_subscriber::EnvFilter;

pub fn init(service: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{service}=info,actix_web=warn")));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    // A second init (tests starting several apps in one process) is harmless.
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
    // Spans over OTLP, only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    crate::otlp::init(service);
}

/// Masks all but the last four characters, for identifiers that must never
/// appear whole in logs (phone numbers, tokens).
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = chars.len().saturating_sub(4).max(chars.len().div_ceil(2));
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep { '*' } else { *c })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn mask_hides_most_of_the_value() {
        assert_eq!(super::mask("01012345678"), "*******5678");
        assert_eq!(super::mask("abc"), "**c");
        assert_eq!(super::mask(""), "");
    }
}
