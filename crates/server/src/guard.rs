//! What stands in front of the argon2 token check: a failure limit per user id and per client
//! address (429 with `Retry-After`), and a fixed pool of verifier threads behind a semaphore
//! (a request waits briefly for one, then gets 503). The pool bounds both CPU and memory: argon2
//! takes 19 MiB per check, and each verifier thread reuses its own allocator arena, so the
//! server holds at most `verifiers` checks' worth of memory whatever the number of requests.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

/// The limits of the token check. [`AuthLimits::default`] is what `serve` uses.
#[derive(Debug, Clone)]
pub struct AuthLimits {
    /// Verifier threads, and so concurrent argon2 checks (default: the number of cores).
    pub verifiers: usize,
    /// Longest a request waits for a verifier before 503 (default 2 s).
    pub queue_wait: Duration,
    /// Failed checks allowed per user id and per client address in `window` (default 5).
    pub failures: usize,
    /// The window of the failure limit (default 60 s).
    pub window: Duration,
}

impl Default for AuthLimits {
    fn default() -> Self {
        Self {
            verifiers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue_wait: Duration::from_secs(2),
            failures: 5,
            window: Duration::from_secs(60),
        }
    }
}

/// Whose failures are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A user id as sent in a token (known or not: both are limited alike).
    User(i64),
    /// The client's address.
    Addr(IpAddr),
}

type Job = Box<dyn FnOnce() + Send>;

/// Keys kept before old ones are swept (each holds at most `failures` instants).
const SWEEP_AT: usize = 4096;

/// The failure limit and the verifier pool (see the module's documentation).
#[derive(Debug)]
pub struct Guard {
    limits: AuthLimits,
    permits: Semaphore,
    jobs: mpsc::Sender<Job>,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl Guard {
    /// Starts `limits.verifiers` verifier threads.
    pub fn new(limits: AuthLimits) -> Self {
        let verifiers = limits.verifiers.max(1);
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..verifiers {
            let receiver = Arc::clone(&receiver);
            // A thread that cannot start leaves fewer verifiers; the semaphore still bounds work.
            let _ = std::thread::Builder::new()
                .name(format!("token-check-{n}"))
                .spawn(move || {
                    loop {
                        let job = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        match job {
                            // A panicking check must not take the verifier with it.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => return,
                        }
                    }
                });
        }
        Self {
            permits: Semaphore::new(verifiers),
            limits,
            jobs,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &AuthLimits {
        &self.limits
    }

    /// Runs `check` on a verifier unless one of `keys` is over its failure limit (429); a 401
    /// from it counts as a failure of every key, a success clears the user's failures.
    pub async fn check<T: Send + 'static>(
        &self,
        keys: &[Key],
        check: impl FnOnce() -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        self.refuse_if_limited(keys)?;
        let busy = || {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many token checks at once; retry shortly",
            )
            .retry_after(1)
        };
        let _permit = tokio::time::timeout(self.limits.queue_wait, self.permits.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        // Failures recorded while this request waited count too: a flood queued behind a
        // lockout drops out here without a check.
        self.refuse_if_limited(keys)?;
        let (sender, receiver) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = sender.send(check());
            }))
            .map_err(|_| busy())?;
        let result = receiver.await.map_err(|_| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the token check failed")
        })?;
        match &result {
            Err(e) if e.status == StatusCode::UNAUTHORIZED => self.record_failure(keys),
            Ok(_) => self.clear_users(keys),
            Err(_) => {}
        }
        result
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<Key, VecDeque<Instant>>> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// 429 with the seconds until the oldest counted failure of a limited key leaves the window.
    fn refuse_if_limited(&self, keys: &[Key]) -> ApiResult<()> {
        let now = Instant::now();
        let mut table = self.table();
        let mut wait = None::<Duration>;
        for key in keys {
            if let Some(times) = table.get_mut(key) {
                times.retain(|t| now.duration_since(*t) < self.limits.window);
                if times.len() >= self.limits.failures {
                    let oldest = times.front().copied().unwrap_or(now);
                    let left = self
                        .limits
                        .window
                        .saturating_sub(now.duration_since(oldest));
                    wait = Some(wait.map_or(left, |w| w.max(left)));
                }
            }
        }
        match wait {
            Some(left) => Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed token checks for this user or address; retry later",
            )
            .retry_after(left.as_secs() + 1)),
            None => Ok(()),
        }
    }

    fn record_failure(&self, keys: &[Key]) {
        let now = Instant::now();
        let mut table = self.table();
        if table.len() >= SWEEP_AT {
            table.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < self.limits.window)
            });
        }
        for key in keys {
            let times = table.entry(*key).or_default();
            times.push_back(now);
            while times.len() > self.limits.failures.max(1) {
                times.pop_front();
            }
        }
    }

    fn clear_users(&self, keys: &[Key]) {
        let mut table = self.table();
        for key in keys.iter().filter(|k| matches!(k, Key::User(_))) {
            table.remove(key);
        }
    }
}
