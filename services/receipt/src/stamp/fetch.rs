//! Fetching a seal stamp from the URL a user typed, without letting that URL
//! reach inside: the host is resolved once, every address it resolves to
//! must be allowed ([`super::address`]), and the connection goes to exactly
//! the addresses that were checked — reqwest asks our resolver, never the
//! system's, so a second lookup that answers differently (DNS rebinding)
//! never happens. IP-literal hosts (which reqwest connects to without a
//! lookup) are checked before the request. Redirects are refused rather than
//! followed, proxies from the environment are ignored (a proxy would resolve
//! the name itself), the whole request has a timeout and the body a size cap.

use super::StampStatus;
use super::address::{Network, permitted};
use futures_util::future::BoxFuture;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Url, redirect};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Looks a host name up. The system resolver in production; tests pass
/// their own to play a rebinding DNS server.
pub trait Lookup: Send + Sync {
    fn lookup(&self, host: String) -> BoxFuture<'static, std::io::Result<Vec<IpAddr>>>;
}

/// `getaddrinfo` through tokio.
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: String) -> BoxFuture<'static, std::io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

#[derive(Debug, Clone)]
pub struct FetchPolicy {
    pub timeout: Duration,
    pub max_bytes: usize,
    /// Networks allowed besides global addresses (none by default).
    pub allowed_networks: Vec<Network>,
}

/// The resolver reqwest connects through.
struct GuardedResolver {
    lookup: Arc<dyn Lookup>,
    allowed: Arc<[Network]>,
}

/// A resolved address the policy forbids; found again in reqwest's error chain.
#[derive(Debug)]
struct AddressRefused;

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("address not allowed")
    }
}

impl std::error::Error for AddressRefused {}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let lookup = self.lookup.clone();
        let allowed = self.allowed.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = lookup.lookup(host).await?;
            // All or nothing: a name answering a public and a private address
            // must not get a connection to whichever is tried first.
            if addrs.is_empty() || addrs.iter().any(|ip| !permitted(*ip, &allowed)) {
                return Err(Box::new(AddressRefused) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

pub struct Fetcher {
    http: reqwest::Client,
    policy: FetchPolicy,
}

fn refused(reason: &str) -> StampStatus {
    StampStatus::Refused(reason.to_owned())
}

fn unavailable(reason: String) -> StampStatus {
    StampStatus::Unavailable(reason)
}

impl Fetcher {
    pub fn new(policy: FetchPolicy, lookup: Arc<dyn Lookup>) -> Result<Fetcher, String> {
        let resolver = GuardedResolver {
            lookup,
            allowed: policy.allowed_networks.clone().into(),
        };
        let http = reqwest::Client::builder()
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .redirect(redirect::Policy::none())
            .no_proxy()
            .dns_resolver(resolver)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Fetcher { http, policy })
    }

    /// The bytes at `url`, or why not: `Refused` for what the policy forbids
    /// (final), `Unavailable` for what may work later.
    pub async fn fetch(&self, url: &str) -> Result<Vec<u8>, StampStatus> {
        let url = Url::parse(url.trim()).map_err(|_| refused("not a valid URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refused("only http(s) URLs are fetched"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refused("URLs with credentials are not fetched"));
        }
        // Literal addresses are connected to without a lookup: check them
        // here. The URL parser has already turned `0x7f.1` and `2130706433`
        // into 127.0.0.1.
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| refused("the URL has no host"))?;
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok();
        if literal.is_some_and(|ip| !permitted(ip, &self.policy.allowed_networks)) {
            return Err(refused("address not allowed"));
        }
        let mut response = self.http.get(url).send().await.map_err(classify)?;
        let status = response.status();
        if status.is_redirection() {
            return Err(refused("redirects are not followed"));
        }
        if !status.is_success() {
            return Err(unavailable(format!("HTTP {}", status.as_u16())));
        }
        let limit = self.policy.max_bytes;
        let too_big = || StampStatus::Broken(format!("larger than {limit} bytes"));
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_big());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if bytes.len() + chunk.len() > limit {
                return Err(too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

/// A refused address (from our resolver) is final; anything else may pass.
fn classify(e: reqwest::Error) -> StampStatus {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = source {
        if err.is::<AddressRefused>() {
            return refused("address not allowed");
        }
        source = err.source();
    }
    if e.is_timeout() {
        return unavailable("timed out".to_owned());
    }
    unavailable(e.without_url().to_string())
}
