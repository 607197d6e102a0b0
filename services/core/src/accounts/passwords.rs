//! Password hashing: argon2id for everything we write; bcrypt hashes imported
//! from the original database are still accepted and replaced on success.
//!
//! Hashing is deliberately slow and takes about 19 MiB per run, so runs are
//! bounded: at most `concurrency` at a time (one per core by default) and at
//! most `queue` callers waiting for a turn. A caller beyond that is answered
//! "busy, retry" at once instead of queueing, so a burst of sign-ups costs
//! bounded memory and leaves the cores to everyone else. Callers hash only
//! after their cheap checks (validation, limits, duplicates), so refused
//! requests never get here.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::{PasswordHasher, PasswordVerifier};
use platform::config::{ConfigError, Env};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, but stored in the original's bcrypt: store a new argon2id hash.
    YesRehash,
}

/// How many hashes may run at once and how many callers may wait for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingBound {
    pub concurrency: usize,
    pub queue: usize,
}

impl HashingBound {
    /// `PASSWORD_HASH_CONCURRENCY` (default: the cores available) and
    /// `PASSWORD_HASH_QUEUE` (default: four waiters per permit).
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let concurrency: usize = env.parse("PASSWORD_HASH_CONCURRENCY", cores)?;
        if concurrency == 0 {
            return Err(ConfigError::Invalid {
                name: "PASSWORD_HASH_CONCURRENCY",
                reason: "at least one hash must be able to run".to_owned(),
            });
        }
        Ok(HashingBound {
            concurrency,
            queue: env.parse("PASSWORD_HASH_QUEUE", 4 * concurrency)?,
        })
    }
}

/// Every hash and verification runs with one of its permits.
#[derive(Debug)]
pub struct Gate {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

/// No permit is free and the queue is full: retry in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("password hashing is saturated")]
pub struct Busy;

impl Gate {
    pub fn new(bound: HashingBound) -> Self {
        Gate {
            permits: Arc::new(Semaphore::new(bound.concurrency)),
            waiting: AtomicUsize::new(0),
            queue: bound.queue,
        }
    }

    async fn enter(&self) -> Result<OwnedSemaphorePermit, Busy> {
        match self.permits.clone().try_acquire_owned() {
            Ok(permit) => return Ok(permit),
            Err(TryAcquireError::Closed) => return Err(Busy),
            Err(TryAcquireError::NoPermits) => {}
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        // Leaves the queue even when the request is dropped while waiting.
        struct Waiting<'a>(&'a AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        let _waiting = Waiting(&self.waiting);
        self.permits.clone().acquire_owned().await.map_err(|_| Busy)
    }

    /// Runs `work` on the blocking pool with a permit. The permit moves into
    /// the blocking task, so a caller that goes away does not free it while
    /// the hash still runs.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let permit = self.enter().await?;
        RUNS.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(|_| Busy)
    }
}

/// The process's gate: the cores are the process's, whichever core instance
/// (tests run two in one process) asks first sizes it.
static GATE: OnceLock<Gate> = OnceLock::new();

fn gate(bound: HashingBound) -> &'static Gate {
    GATE.get_or_init(|| Gate::new(bound))
}

/// Hashes and verifications this process has run (tests assert that a
/// refused request ran none).
static RUNS: AtomicU64 = AtomicU64::new(0);

pub fn runs() -> u64 {
    RUNS.load(Ordering::Relaxed)
}

/// Why a hash was not made.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error("hashing failed: {0}")]
    Failed(String),
}

pub async fn hash(bound: HashingBound, password: String) -> Result<String, HashError> {
    gate(bound)
        .run(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| e.to_string())
        })
        .await?
        .map_err(HashError::Failed)
}

pub async fn verify(
    bound: HashingBound,
    password: String,
    stored: String,
) -> Result<Verified, Busy> {
    gate(bound)
        .run(move || verify_blocking(&password, &stored))
        .await
}

fn verify_blocking(password: &str, stored: &str) -> Verified {
    if stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$") {
        return match bcrypt::verify(password, stored) {
            Ok(true) => Verified::YesRehash,
            _ => Verified::No,
        };
    }
    match PasswordHash::new(stored) {
        Ok(parsed)
            if Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok() =>
        {
            Verified::Yes
        }
        _ => Verified::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUND: HashingBound = HashingBound {
        concurrency: 2,
        queue: 8,
    };

    #[tokio::test]
    async fn argon2_round_trip() {
        let stored = hash(BOUND, "test123@@".to_owned()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert_eq!(
            verify(BOUND, "test123@@".to_owned(), stored.clone()).await,
            Ok(Verified::Yes)
        );
        assert_eq!(
            verify(BOUND, "test123@!".to_owned(), stored).await,
            Ok(Verified::No)
        );
    }

    /// One permit and one seat in the queue: a third caller is told "busy"
    /// at once, and the queued one runs when the first is done.
    #[tokio::test]
    async fn a_full_gate_answers_busy_instead_of_queueing() {
        let gate = Arc::new(Gate::new(HashingBound {
            concurrency: 1,
            queue: 1,
        }));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel();
        let first = tokio::spawn({
            let gate = gate.clone();
            async move {
                gate.run(move || {
                    let _ = started.send(());
                    held.recv().ok();
                    1
                })
                .await
            }
        });
        running.await.expect("first runs");
        let second = tokio::spawn({
            let gate = gate.clone();
            async move { gate.run(|| 2).await }
        });
        while gate.waiting.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(gate.run(|| 3).await, Err(Busy));
        release.send(()).expect("release");
        assert_eq!(first.await.expect("joined"), Ok(1));
        assert_eq!(second.await.expect("joined"), Ok(2));
        assert_eq!(gate.waiting.load(Ordering::Acquire), 0);
    }

    #[test]
    fn the_bound_defaults_to_the_machine() {
        let bound = HashingBound::from_env(&Env::from_pairs([])).expect("defaults");
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        assert_eq!(bound.concurrency, cores);
        assert_eq!(bound.queue, 4 * cores);
        assert!(
            HashingBound::from_env(&Env::from_pairs([("PASSWORD_HASH_CONCURRENCY", "0")])).is_err()
        );
    }

    #[tokio::test]
    async fn imported_bcrypt_is_accepted_and_flagged_for_rehash() {
        let legacy = bcrypt::hash("1234", 4).expect("bcrypt");
        assert_eq!(
            verify(BOUND, "1234".to_owned(), legacy.clone()).await,
            Ok(Verified::YesRehash)
        );
        assert_eq!(
            verify(BOUND, "12345".to_owned(), legacy).await,
            Ok(Verified::No)
        );
        assert_eq!(
            verify(BOUND, "x".to_owned(), "garbage".to_owned()).await,
            Ok(Verified::No)
        );
    }
}
