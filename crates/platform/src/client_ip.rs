//! The address a request comes from, for per-client rate limits.

use actix_web::HttpRequest;
use std::net::IpAddr;

/// The TCP peer, or with `trust_forwarded_for` the last address in
/// `X-Forwarded-For`: the one our own proxy appended. Earlier entries are
/// written by the client and could be anything, so they are never used.
pub fn client_ip(req: &HttpRequest, trust_forwarded_for: bool) -> Option<String> {
    if trust_forwarded_for {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
            .next_back();
        if let Some(ip) = forwarded {
            return Some(ip.to_string());
        }
    }
    req.peer_addr().map(|addr| addr.ip().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn request(forwarded: Option<&str>) -> HttpRequest {
        let mut builder = TestRequest::default()
            .peer_addr("10.0.0.9:5000".parse().unwrap_or_else(|_| unreachable!()));
        if let Some(value) = forwarded {
            builder = builder.insert_header(("x-forwarded-for", value));
        }
        builder.to_http_request()
    }

    #[test]
    fn the_peer_unless_forwarding_is_trusted() {
        let req = request(Some("1.1.1.1, 203.0.113.7"));
        assert_eq!(client_ip(&req, false).as_deref(), Some("10.0.0.9"));
        assert_eq!(client_ip(&req, true).as_deref(), Some("203.0.113.7"));
        assert_eq!(
            client_ip(&request(Some("nonsense")), true).as_deref(),
            Some("10.0.0.9")
        );
        assert_eq!(client_ip(&request(None), true).as_deref(), Some("10.0.0.9"));
    }
}
