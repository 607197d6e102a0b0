//! The supplier's seal stamp (인감도장) on statements.
//!
//! The original downloaded the image from the business info's URL on every
//! request, with no timeout: a URL any user types, fetched by the server, so a
//! way to make the server request its own internal addresses. Here a stamp is
//! fetched once per URL under a guard ([`fetch`]: public addresses only,
//! resolved once, no redirects, bounded time and size), checked ([`image`]:
//! PNG or JPEG, bounded pixels), kept in the object storage and recorded in
//! `seal_stamps`; statements draw the stored copy. The fetch happens when
//! `POST /v1/users/{id}/seal-stamp` asks for it (the hook for a business-info
//! save) or, failing that, for the first statement after the URL changed.
//! A stamp is never a reason to fail a statement: without one the statement
//! is drawn without it and its metadata says why.

pub mod address;
pub mod fetch;
pub mod image;

pub use address::Network;
pub use fetch::{FetchPolicy, Fetcher, Lookup, SystemLookup};
pub use image::decode;

use crate::storage::Storage;
use chrono::{TimeDelta, Utc};
use db::business_infos::{NewSealStamp, SealStampRow};
use krilla::image::Image;
use std::collections::HashMap;
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
    /// The URL may not be fetched (internal address, redirect, bad URL).
    Refused(String),
    /// It could not be fetched this time (timeout, HTTP error, unreachable).
    Unavailable(String),
    /// It was fetched but is not a usable PNG/JPEG (or too large).
    Broken(String),
}

impl StampStatus {
    pub fn label(&self) -> &'static str {
        match self {
            StampStatus::Absent => "absent",
            StampStatus::Embedded => "embedded",
            StampStatus::Refused(_) => "refused",
            StampStatus::Unavailable(_) => "unavailable",
            StampStatus::Broken(_) => "broken",
        }
    }

    pub fn detail(&self) -> Option<&str> {
        match self {
            StampStatus::Refused(d) | StampStatus::Unavailable(d) | StampStatus::Broken(d) => {
                Some(d)
            }
            _ => None,
        }
    }

    /// `seal_stamps.status` of an attempt that ended like this.
    fn stored_as(&self) -> &'static str {
        match self {
            StampStatus::Absent | StampStatus::Unavailable(_) => UNAVAILABLE,
            StampStatus::Embedded => STORED,
            StampStatus::Refused(_) => REFUSED,
            StampStatus::Broken(_) => BROKEN,
        }
    }

    fn from_row(row: &SealStampRow) -> StampStatus {
        let detail = row.detail.clone().unwrap_or_default();
        match row.status.as_str() {
            STORED => StampStatus::Embedded,
            REFUSED => StampStatus::Refused(detail),
            BROKEN => StampStatus::Broken(detail),
            _ => StampStatus::Unavailable(detail),
        }
    }
}

pub const STORED: &str = "STORED";
pub const REFUSED: &str = "REFUSED";
pub const BROKEN: &str = "BROKEN";
pub const UNAVAILABLE: &str = "UNAVAILABLE";

/// An unreachable URL is tried again after this long; a refused or broken
/// one only when the URL changes or a refresh is asked for.
const RETRY_UNAVAILABLE: TimeDelta = TimeDelta::minutes(10);

/// Decoded stored stamps kept in memory (objects never change under a key).
const DECODED_ENTRIES: usize = 256;

/// The original render contract's stamps, by URL (nothing is stored for it).
const URL_SUCCESS_TTL: Duration = Duration::from_secs(10 * 60);
const URL_FAILURE_TTL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct StampSettings {
    pub timeout: Duration,
    pub max_bytes: usize,
    /// Pixels on each side at most.
    pub max_side: u32,
    pub allowed_networks: Vec<Network>,
}

type Outcome = Result<StampImage, StampStatus>;

pub struct Stamps {
    fetcher: Fetcher,
    max_side: u32,
    pool: db::DbPool,
    storage: Storage,
    decoded: Mutex<HashMap<String, StampImage>>,
    by_url: Mutex<HashMap<String, (Instant, Outcome)>>,
}

impl Stamps {
    pub fn new(
        settings: &StampSettings,
        pool: db::DbPool,
        storage: Storage,
        lookup: Arc<dyn Lookup>,
    ) -> Result<Arc<Stamps>, String> {
        let policy = FetchPolicy {
            timeout: settings.timeout,
            max_bytes: settings.max_bytes,
            allowed_networks: settings.allowed_networks.clone(),
        };
        Ok(Arc::new(Stamps {
            fetcher: Fetcher::new(policy, lookup)?,
            max_side: settings.max_side,
            pool,
            storage,
            decoded: Mutex::new(HashMap::new()),
            by_url: Mutex::new(HashMap::new()),
        }))
    }

    /// The stamp a statement of `user_id`, whose business info names `url`,
    /// draws: the stored copy, fetched first if this URL has none yet.
    pub async fn for_supplier(&self, user_id: i64, url: &str) -> (Option<StampImage>, StampStatus) {
        let url = url.trim();
        if url.is_empty() {
            return (None, StampStatus::Absent);
        }
        let current = match self.current(user_id, url).await {
            Ok(current) => current,
            Err(e) => {
                tracing::warn!(error = %e, "seal stamp lookup failed");
                return (
                    None,
                    StampStatus::Unavailable("database unavailable".to_owned()),
                );
            }
        };
        let row = match current {
            Some(row) if !worth_retrying(&row) => row,
            _ => match self.fetch_and_store(user_id, url).await {
                Ok(row) => row,
                Err(status) => return (None, status),
            },
        };
        self.draw(&row).await
    }

    /// Fetches the stamp at `url` again now and records the outcome (the
    /// stamp may have changed at the same address).
    pub async fn refresh(&self, user_id: i64, url: &str) -> Result<SealStampRow, StampStatus> {
        self.fetch_and_store(user_id, url.trim()).await
    }

    async fn current(&self, user_id: i64, url: &str) -> Result<Option<SealStampRow>, db::DbError> {
        let mut conn = self.pool.get().await?;
        Ok(db::business_infos::current_seal_stamp(&mut conn, user_id, url).await?)
    }

    /// Fetches, checks, stores and records; `Err` only when not even the
    /// attempt could be recorded (storage or database out of reach).
    async fn fetch_and_store(&self, user_id: i64, url: &str) -> Result<SealStampRow, StampStatus> {
        let outcome = match self.fetcher.fetch(url).await {
            Ok(bytes) => image::check(&bytes, self.max_side).map(|checked| (bytes, checked)),
            Err(status) => Err(status),
        };
        let (status, stored) = match outcome {
            Ok((bytes, checked)) => {
                let extension = if checked.content_type == "image/png" {
                    "png"
                } else {
                    "jpg"
                };
                let nonce = uuid::Uuid::new_v4().simple().to_string();
                let key = format!("stamps/{user_id}/{}.{extension}", &nonce[..16]);
                let byte_size = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
                self.storage
                    .put_object(&key, bytes, checked.content_type)
                    .await
                    .map_err(|e| {
                        tracing::warn!(error = %e, "seal stamp not stored");
                        StampStatus::Unavailable("storage unavailable".to_owned())
                    })?;
                self.remember_decoded(&key, checked.image.clone());
                (StampStatus::Embedded, Some((key, checked, byte_size)))
            }
            Err(status) => (status, None),
        };
        let dims = |v: u32| i32::try_from(v).ok();
        let row = NewSealStamp {
            user_id,
            source_url: url,
            status: status.stored_as(),
            detail: status.detail().map(|d| truncate(d, 255)),
            storage_key: stored.as_ref().map(|(key, ..)| key.as_str()),
            content_type: stored.as_ref().map(|(_, c, _)| c.content_type),
            byte_size: stored.as_ref().map(|(.., size)| *size),
            width: stored.as_ref().and_then(|(_, c, _)| dims(c.width)),
            height: stored.as_ref().and_then(|(_, c, _)| dims(c.height)),
        };
        let recorded = async {
            let mut conn = self.pool.get().await.map_err(db::DbError::from)?;
            db::business_infos::insert_seal_stamp(&mut conn, &row)
                .await
                .map_err(db::DbError::from)
        }
        .await;
        // Never the URL: it is user data and may carry anything.
        tracing::info!(user_id, stamp = status.label(), detail = ?status.detail(), "seal stamp fetched");
        recorded.map_err(|e| {
            tracing::warn!(error = %e, "seal stamp attempt not recorded");
            StampStatus::Unavailable("database unavailable".to_owned())
        })
    }

    /// The stored copy of a STORED row (decoded once per key), or the
    /// recorded reason there is none.
    async fn draw(&self, row: &SealStampRow) -> (Option<StampImage>, StampStatus) {
        let Some(key) = row.storage_key.as_deref().filter(|_| row.status == STORED) else {
            return (None, StampStatus::from_row(row));
        };
        if let Some(image) = self.decoded_of(key) {
            return (Some(image), StampStatus::Embedded);
        }
        let loaded = match self.storage.get(key).await {
            // Checked when it was stored; the pixel bound may have changed since.
            Ok(bytes) => image::check(&bytes, u32::MAX).map(|c| c.image),
            Err(e) => {
                tracing::warn!(error = %e, "stored seal stamp unreadable");
                Err(StampStatus::Unavailable(
                    "stored copy unreadable".to_owned(),
                ))
            }
        };
        match loaded {
            Ok(image) => {
                self.remember_decoded(key, image.clone());
                (Some(image), StampStatus::Embedded)
            }
            Err(status) => (None, status),
        }
    }

    /// The original render contract names the stamp URL in each request
    /// (services only); it is fetched under the same guard and kept in
    /// memory briefly, never stored.
    pub async fn for_url(&self, url: &str) -> (Option<StampImage>, StampStatus) {
        let url = url.trim();
        if url.is_empty() {
            return (None, StampStatus::Absent);
        }
        let cached = {
            let cache = self.by_url.lock().unwrap_or_else(|e| e.into_inner());
            cache.get(url).and_then(|(at, outcome)| {
                let ttl = if outcome.is_ok() {
                    URL_SUCCESS_TTL
                } else {
                    URL_FAILURE_TTL
                };
                (at.elapsed() < ttl).then(|| outcome.clone())
            })
        };
        let outcome = match cached {
            Some(outcome) => outcome,
            None => {
                let outcome = match self.fetcher.fetch(url).await {
                    Ok(bytes) => image::check(&bytes, self.max_side).map(|c| c.image),
                    Err(status) => Err(status),
                };
                let mut cache = self.by_url.lock().unwrap_or_else(|e| e.into_inner());
                if cache.len() >= DECODED_ENTRIES {
                    cache.clear();
                }
                cache.insert(url.to_owned(), (Instant::now(), outcome.clone()));
                outcome
            }
        };
        match outcome {
            Ok(image) => (Some(image), StampStatus::Embedded),
            Err(status) => (None, status),
        }
    }

    fn decoded_of(&self, key: &str) -> Option<StampImage> {
        let cache = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(key).cloned()
    }

    fn remember_decoded(&self, key: &str, image: StampImage) {
        let mut cache = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= DECODED_ENTRIES {
            cache.clear();
        }
        cache.insert(key.to_owned(), image);
    }
}

fn worth_retrying(row: &SealStampRow) -> bool {
    row.status == UNAVAILABLE && row.created_at < Utc::now() - RETRY_UNAVAILABLE
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}
