//! argon2id password hashing on threads of its own, with a bound on hashes in flight so that a
//! login flood cannot starve every other endpoint: at most `slots` hashes run at once (by
//! default half the machine's cores), the next `queue` wait up to `wait` for a slot, and the
//! rest — or those that waited too long — are answered 429 with `Retry-After`, which the SPA
//! honours by retrying on its own. The hashing threads run at a lower scheduling priority
//! (`nice`) than the async workers: a request that needs a millisecond of CPU is not made to
//! wait behind a hash that needs twenty, and the hashes get every cycle the rest leave.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use lk_api_types::ErrorCode;
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::metrics::Metrics;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (blocking; call through [`Hasher`] in request handlers).
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
        .to_string())
}

/// Checks a password against a stored PHC string (blocking).
pub fn verify_blocking(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A hash of a random password: verified against when the e-mail is unknown, so that a wrong
/// e-mail costs as much time as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_blocking(&uuid::Uuid::new_v4().to_string()).unwrap_or_default())
}

/// How many password hashes a node computes at once by default: half its cores, at least
/// one, so that the async workers always keep a core for everyone else.
pub fn default_slots() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get() / 2)
        .unwrap_or(1)
        .max(1)
}

type Job = Box<dyn FnOnce() + Send>;

/// `slots` threads that run hashes one at a time each, at nice `nice`; they end when the last
/// [`Hasher`] holding them is dropped.
struct HashThreads {
    jobs: mpsc::Sender<Job>,
}

impl HashThreads {
    fn start(slots: usize, nice: i32) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for k in 0..slots {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("lk-hash-{k}"))
                .spawn(move || {
                    lower_priority(nice);
                    loop {
                        // The lock is only held to take the next job, never while hashing.
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        match job {
                            // A panic is the job's (its caller sees the channel closed), never
                            // the thread's: the slot stays.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                            }
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Self { jobs })
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(f());
        });
        self.jobs.send(job).ok()?;
        result.await.ok()
    }
}

/// Makes the calling thread yield to the default priority (Linux keeps a nice value per
/// thread). Raising one's nice needs no privilege; a failure only leaves it as it was.
fn lower_priority(nice: i32) {
    #[cfg(unix)]
    if nice > 0 {
        if let Err(e) = rustix::process::setpriority_process(None, nice) {
            tracing::warn!(error = %e, nice, "could not lower the hashing threads' priority");
        }
    }
    #[cfg(not(unix))]
    let _ = nice;
}

/// Runs argon2 on its own threads: at most `slots` at a time, `queue` more waiting.
#[derive(Clone)]
pub struct Hasher {
    threads: Arc<HashThreads>,
    /// Held while hashing.
    running: Arc<Semaphore>,
    /// Held while waiting or hashing: `slots + queue` permits, so a full queue answers at once.
    admitted: Arc<Semaphore>,
    wait: Duration,
    /// What `Retry-After` says when a hash is refused.
    retry_after_secs: i64,
    metrics: Metrics,
}

/// What `Retry-After` says when a hash could not be scheduled: about the time a full queue
/// takes to drain (a hash takes ~50 ms of one core at m = 19 MiB, t = 2), 1–5 s.
fn retry_after(slots: usize, queue: usize) -> i64 {
    let ms = (slots + queue) as i64 * 50 / slots as i64;
    ms.div_euclid(1000)
        .saturating_add(i64::from(ms % 1000 != 0))
        .clamp(1, 5)
}

impl Hasher {
    /// Starts `slots` hashing threads at nice `nice` (0: the default priority).
    pub fn new(
        slots: usize,
        queue: usize,
        wait: Duration,
        nice: i32,
        metrics: Metrics,
    ) -> std::io::Result<Self> {
        let slots = slots.max(1);
        Ok(Self {
            threads: Arc::new(HashThreads::start(slots, nice)?),
            running: Arc::new(Semaphore::new(slots)),
            admitted: Arc::new(Semaphore::new(slots + queue)),
            wait,
            retry_after_secs: retry_after(slots, queue),
            metrics,
        })
    }

    fn busy(&self, why: &'static str) -> ApiError {
        self.metrics.password_hash(why);
        tracing::warn!(why, "password hashing saturated, shedding load");
        ApiError::TooManyRequests {
            retry_after_secs: self.retry_after_secs,
            code: ErrorCode::ServerBusy,
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| self.busy("queue_full"))?;
        let _running = match self.running.clone().try_acquire_owned() {
            Ok(permit) => {
                self.metrics.password_hash("immediate");
                permit
            }
            Err(_) => {
                let permit = tokio::time::timeout(self.wait, self.running.clone().acquire_owned())
                    .await
                    .map_err(|_| self.busy("waited_too_long"))?
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("hash slots closed: {e}")))?;
                self.metrics.password_hash("queued");
                permit
            }
        };
        self.threads
            .run(f)
            .await
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a hashing thread failed")))
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || hash_blocking(&password))
            .await?
            .map_err(ApiError::Internal)
    }

    /// Verifies `password` against `phc`, or against a decoy when there is no user.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, ApiError> {
        self.run(move || match phc {
            Some(phc) => verify_blocking(&password, &phc),
            None => {
                let _ = verify_blocking(&password, decoy_hash());
                false
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher(slots: usize, queue: usize, wait_ms: u64) -> Hasher {
        Hasher::new(
            slots,
            queue,
            Duration::from_millis(wait_ms),
            0,
            Metrics::new().expect("metrics"),
        )
        .expect("hashing threads")
    }

    /// The hashes run on threads of their own at the nice value asked for, leaving the
    /// thread that asked (an async worker) at the default priority.
    #[cfg(target_os = "linux")]
    #[actix_web::test]
    async fn hashes_run_at_a_lower_priority_than_the_workers() {
        let before = rustix::process::getpriority_process(None).expect("nice");
        let h = Hasher::new(
            2,
            0,
            Duration::from_secs(1),
            10,
            Metrics::new().expect("metrics"),
        )
        .expect("hashing threads");
        let (on, name) = h
            .run(|| {
                let nice = rustix::process::getpriority_process(None).expect("nice");
                (nice, std::thread::current().name().map(str::to_owned))
            })
            .await
            .expect("ran");
        assert_eq!(on, before.max(10), "the hash ran at nice 10");
        assert!(name.is_some_and(|n| n.starts_with("lk-hash-")));
        assert_eq!(
            rustix::process::getpriority_process(None).expect("nice"),
            before,
            "the caller's priority is untouched"
        );
        // And a hash still verifies there.
        let phc = hash_blocking("pw").expect("hash");
        assert!(h.verify("pw".into(), Some(phc)).await.expect("verified"));
    }

    /// Three verifications against one slot and a queue of one: the first runs, the second
    /// waits its turn and succeeds, the third finds the queue full and is told to come back.
    #[actix_web::test]
    async fn a_full_queue_is_answered_429_and_a_queued_hash_waits_its_turn() {
        let h = hasher(1, 1, 10_000);
        let phc = hash_blocking("pw").expect("hash");
        let (a, b, c) = futures_util::join!(
            h.verify("pw".into(), Some(phc.clone())),
            h.verify("pw".into(), Some(phc.clone())),
            h.verify("pw".into(), Some(phc.clone())),
        );
        let outcomes = [a, b, c];
        let ok = outcomes.iter().filter(|r| matches!(r, Ok(true))).count();
        let busy: Vec<_> = outcomes
            .iter()
            .filter_map(|r| match r {
                Err(ApiError::TooManyRequests {
                    retry_after_secs,
                    code: ErrorCode::ServerBusy,
                }) => Some(*retry_after_secs),
                _ => None,
            })
            .collect();
        assert_eq!(ok, 2, "one ran at once, one waited in the queue");
        assert_eq!(busy, vec![1], "the third was refused with Retry-After: 1");
        let m = h.metrics.render();
        assert!(
            m.contains(r#"lk_password_hashes_total{outcome="queued"} 1"#),
            "{m}"
        );
        assert!(
            m.contains(r#"lk_password_hashes_total{outcome="queue_full"} 1"#),
            "{m}"
        );
    }

    /// A queued hash that cannot start within the wait is refused rather than kept forever.
    #[actix_web::test]
    async fn a_hash_that_waits_too_long_is_answered_429() {
        let h = hasher(1, 8, 1);
        let phc = hash_blocking("pw").expect("hash");
        let (a, b) = futures_util::join!(
            h.verify("pw".into(), Some(phc.clone())),
            h.verify("pw".into(), Some(phc.clone())),
        );
        assert!(matches!(a, Ok(true)), "the first runs");
        assert!(
            matches!(b, Err(ApiError::TooManyRequests { .. })),
            "the second gave up after 1 ms"
        );
        assert!(h
            .metrics
            .render()
            .contains(r#"lk_password_hashes_total{outcome="waited_too_long"} 1"#));
    }

    #[test]
    fn retry_after_follows_the_time_a_full_queue_takes_to_drain() {
        assert_eq!(retry_after(1, 1), 1);
        assert_eq!(retry_after(1, 64), 4);
        assert_eq!(retry_after(4, 64), 1);
        assert_eq!(retry_after(1, 1000), 5);
    }

    #[test]
    fn by_default_hashing_leaves_half_the_cores_to_everyone_else() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(default_slots() >= 1);
        assert!(default_slots() <= cores.div_ceil(2));
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash_blocking("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking("correct horse", &h));
        assert!(!verify_blocking("wrong horse", &h));
        assert!(!verify_blocking("correct horse", "not a phc string"));
    }
}
