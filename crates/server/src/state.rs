//! What every handler shares: the knowledge base, the records database, the permits for heavy
//! work and the connection that checks tokens.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use microneedling_core::KnowledgeBase;
use microneedling_store::{FileStore, Store, StoreOpener};
use tokio::sync::Semaphore;

use crate::HEAVY_QUEUE_WAIT;
use crate::auth::User;
use crate::error::{ApiError, ApiResult};
use crate::guard::{AuthLimits, Guard};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The knowledge base every model reads.
    pub kb: &'static KnowledgeBase,
    /// The records database, opened per request (a SQLite file opened, or a PostgreSQL
    /// connection lent by the pool).
    pub records: StoreOpener,
    /// Where photos and drawn signatures are kept (beside the records by default).
    pub files: FileStore,
    /// Permits for CPU-heavy work; none left means 503.
    pub heavy: Arc<Semaphore>,
    /// The users' table reader behind every token check (see [`Users`]).
    pub users: Arc<Users>,
    /// Failure limits and the verifier pool of token checks.
    pub guard: Arc<Guard>,
    /// The consent version a session needs on record (the clinic's policy:
    /// `MICRONEEDLING_CONSENT_VERSION`, else the store's default).
    pub consent_version: String,
}

impl AppState {
    /// State for the knowledge base `kb` and the records `records` opens (a file's path is
    /// opened lazily).
    pub fn new(kb: &'static KnowledgeBase, records: impl Into<StoreOpener>) -> Self {
        Self::with_auth_limits(kb, records, AuthLimits::default())
    }

    /// As [`AppState::new`], with the token checks' limits `limits` (tests lower or raise them).
    pub fn with_auth_limits(
        kb: &'static KnowledgeBase,
        records: impl Into<StoreOpener>,
        limits: AuthLimits,
    ) -> Self {
        let records = records.into();
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            kb,
            users: Arc::new(Users::new(records.clone())),
            files: FileStore::beside(records.location()),
            records,
            heavy: Arc::new(Semaphore::new(cores * 8)),
            guard: Arc::new(Guard::new(limits)),
            consent_version: std::env::var("MICRONEEDLING_CONSENT_VERSION")
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| microneedling_store::DEFAULT_CONSENT_VERSION.to_string()),
        }
    }

    /// Runs CPU-heavy `work` on the blocking pool; waits at most [`HEAVY_QUEUE_WAIT`] for a
    /// permit, then answers 503: the queue stays short under overload.
    pub async fn heavy<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let busy = || {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy with other simulations; retry shortly",
            )
            .retry_after(1)
        };
        let permit = tokio::time::timeout(HEAVY_QUEUE_WAIT, self.heavy.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        blocking(move || {
            let _permit = permit;
            work()
        })
        .await
    }

    /// Runs `work` on the blocking pool with exactly one store connection, opened under `user`'s
    /// name so that every write and read it audits carries that name. SQLite calls block, hence
    /// the blocking pool; one connection for the whole request keeps its reads consistent and
    /// spares a second open (with its pragmas and migration check).
    pub async fn with_store<T: Send + 'static>(
        &self,
        user: &User,
        work: impl FnOnce(&mut Store) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let records = self.records.clone();
        let actor = user.name.clone();
        let consent_version = self.consent_version.clone();
        blocking(move || {
            let mut store = records.open(&actor)?;
            store.consent_version = consent_version;
            let result = work(&mut store);
            // A write a record rule refused is audited too (the write itself left nothing).
            if let Err(e) = &result
                && e.status == StatusCode::CONFLICT
            {
                store.audit_refused("record", &e.body.error)?;
            }
            result
        })
        .await
    }
}

/// Runs `work` on the blocking pool; a panic in it becomes a 500.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the work failed"))?
}

/// Looks up the user a token names. One long-lived connection serves every token check, because
/// the store names its actor when it opens: a request cannot look its user up on the connection
/// it then works on. Keeping this reader open means a request still opens only one connection.
/// The lookup is a primary-key read (SQLite in WAL mode: never blocked by writers), so the lock
/// is held only briefly; the argon2 check runs after it is released.
#[derive(Debug)]
pub struct Users {
    records: StoreOpener,
    reader: Mutex<Option<Store>>,
}

impl Users {
    /// A reader of the records `records` opens, opened on first use.
    pub fn new(records: StoreOpener) -> Self {
        Self {
            records,
            reader: Mutex::new(None),
        }
    }

    /// The name, role and token hash of user `id`, if any. Blocks: call on the blocking pool.
    pub fn lookup(&self, id: i64) -> ApiResult<Option<(String, String, String)>> {
        // A panic under the lock took the connection out with it: nothing half-used is left.
        let mut reader = self
            .reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let store = match reader.take() {
            Some(store) => store,
            None => self.records.open("auth")?,
        };
        let user = store.user(id)?;
        // Put back only after a successful read: a failed connection is reopened next time.
        *reader = Some(store);
        Ok(user)
    }
}
