//! The supplier's seal stamp (인감도장): fetched from the URL in its business
//! info with a timeout and a size limit, decoded once, cached, and never a
//! reason to fail a statement: without a usable stamp the statement is drawn
//! without it and the metadata says why.
//!
//! The original downloaded the image on every request with no timeout. The
//! URL is user-supplied, so private and loopback addresses are refused unless
//! configured otherwise (a statement must not become a way to probe the
//! internal network), and redirects are not followed for the same reason.

use krilla::image::Image;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A decoded stamp, ready to draw (alpha is kept: krilla draws it, so the
/// seal overlays the name as a real one does).
#[derive(Clone)]
pub struct StampImage {
    pub image: Image,
}

/// What happened to the stamp; recorded in the receipt's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StampStatus {
    /// The business info has no stamp URL.
    Absent,
    Embedded,
    /// It could not be fetched (timeout, refused address, HTTP error, too big).
    Unavailable(String),
    /// It was fetched but is not a usable PNG/JPEG.
    Broken(String),
}

impl StampStatus {
    pub fn label(&self) -> &'static str {
        match self {
            StampStatus::Absent => "absent",
            StampStatus::Embedded => "embedded",
            StampStatus::Unavailable(_) => "unavailable",
            StampStatus::Broken(_) => "broken",
        }
    }

    pub fn detail(&self) -> Option<&str> {
        match self {
            StampStatus::Unavailable(d) | StampStatus::Broken(d) => Some(d),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct StampSettings {
    pub timeout: Duration,
    pub max_bytes: usize,
    pub allow_private_hosts: bool,
}

type Outcome = Result<StampImage, StampStatus>;

/// Fetches and caches stamps by URL. Failures are cached briefly so a dead
/// host does not add its timeout to every statement.
pub struct StampFetcher {
    http: reqwest::Client,
    settings: StampSettings,
    cache: Mutex<HashMap<String, (Instant, Outcome)>>,
}

const SUCCESS_TTL: Duration = Duration::from_secs(10 * 60);
const FAILURE_TTL: Duration = Duration::from_secs(30);
const CACHE_ENTRIES: usize = 512;
const MAX_PIXELS: u64 = 4_000_000;

impl StampFetcher {
    pub fn new(settings: StampSettings) -> Arc<StampFetcher> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Arc::new(StampFetcher {
            http,
            settings,
            cache: Mutex::new(HashMap::new()),
        })
    }

    pub async fn get(&self, url: &str) -> (Option<StampImage>, StampStatus) {
        let url = url.trim();
        if url.is_empty() {
            return (None, StampStatus::Absent);
        }
        if let Some(outcome) = self.cached(url) {
            return split(outcome);
        }
        let outcome = match self.download(url).await {
            Ok(bytes) => decode(&bytes),
            Err(status) => Err(status),
        };
        if let Err(status) = &outcome {
            tracing::warn!(stamp = status.label(), detail = ?status.detail(), "seal stamp not used");
        }
        self.remember(url, outcome.clone());
        split(outcome)
    }

    fn cached(&self, url: &str) -> Option<Outcome> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let (at, outcome) = cache.get(url)?;
        let ttl = if outcome.is_ok() {
            SUCCESS_TTL
        } else {
            FAILURE_TTL
        };
        (at.elapsed() < ttl).then(|| outcome.clone())
    }

    fn remember(&self, url: &str, outcome: Outcome) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(url.to_owned(), (Instant::now(), outcome));
    }

    async fn download(&self, url: &str) -> Result<Vec<u8>, StampStatus> {
        let unavailable = |d: String| StampStatus::Unavailable(d);
        let parsed =
            reqwest::Url::parse(url).map_err(|_| unavailable("not a valid URL".to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(unavailable("only http(s) URLs are fetched".to_owned()));
        }
        if !self.settings.allow_private_hosts {
            self.check_public(&parsed).await?;
        }
        let mut response = self
            .http
            .get(parsed)
            .send()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(unavailable(format!("HTTP {}", response.status().as_u16())));
        }
        let limit = self.settings.max_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(unavailable(format!("larger than {limit} bytes")));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(unavailable(format!("larger than {limit} bytes")));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Refuses hosts that resolve to loopback, private or link-local
    /// addresses.
    async fn check_public(&self, url: &reqwest::Url) -> Result<(), StampStatus> {
        let refused = || StampStatus::Unavailable("address not allowed".to_owned());
        let host = url.host_str().ok_or_else(refused)?;
        let port = url.port_or_known_default().unwrap_or(80);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| StampStatus::Unavailable(format!("cannot resolve host: {e}")))?
                .map(|a| a.ip())
                .collect(),
        };
        if addrs.is_empty() || addrs.iter().any(|ip| !is_public(ip)) {
            return Err(refused());
        }
        Ok(())
    }
}

fn split(outcome: Outcome) -> (Option<StampImage>, StampStatus) {
    match outcome {
        Ok(image) => (Some(image), StampStatus::Embedded),
        Err(status) => (None, status),
    }
}

fn is_public(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| !is_public(&IpAddr::V4(v4))))
        }
    }
}

/// PNG (any colour type, decoded and checked here) or JPEG.
pub fn decode(bytes: &[u8]) -> Outcome {
    let broken = |d: &str| StampStatus::Broken(d.to_owned());
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes).map_err(|e| broken(&e))
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Image::from_jpeg(krilla::Data::from(bytes.to_vec()), true)
            .map(|image| StampImage { image })
            .map_err(|e| broken(&format!("jpeg: {e}")))
    } else {
        Err(broken("not a PNG or JPEG image"))
    }
}

fn decode_png(bytes: &[u8]) -> Result<StampImage, String> {
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(bytes),
        png::Limits {
            bytes: 64 * 1024 * 1024,
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| format!("png: {e}"))?;
    let (width, height) = {
        let info = reader.info();
        (info.width, info.height)
    };
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width == 0 || height == 0 {
        return Err(format!("png: unreasonable size {width}x{height}"));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "png: too large".to_owned())?;
    let mut buffer = vec![0; size];
    let frame = reader
        .next_frame(&mut buffer)
        .map_err(|e| format!("png: {e}"))?;
    buffer.truncate(frame.buffer_size());
    let pixels = (width as usize) * (height as usize);
    let rgba: Vec<u8> = match frame.color_type {
        png::ColorType::Rgba => buffer,
        png::ColorType::Rgb => buffer
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => buffer
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => buffer.iter().flat_map(|g| [*g, *g, *g, 255]).collect(),
        png::ColorType::Indexed => return Err("png: palette not expanded".to_owned()),
    };
    if rgba.len() != pixels * 4 {
        return Err("png: truncated image data".to_owned());
    }
    Ok(StampImage {
        image: Image::from_rgba8(rgba, width, height),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_fetched_by_default() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "169.254.169.254",
            "::1",
            "fd00::1",
        ] {
            assert!(!is_public(&ip.parse().expect("ip")), "{ip}");
        }
        assert!(is_public(&"203.0.113.9".parse().expect("ip")));
    }

    #[test]
    fn garbage_is_broken_not_an_error() {
        assert!(matches!(decode(b"<html>"), Err(StampStatus::Broken(_))));
        let truncated = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(matches!(decode(truncated), Err(StampStatus::Broken(_))));
    }
}
