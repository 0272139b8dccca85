//! Opening stores again and again (one per server request): a SQLite file is opened each time
//! (cheap, and WAL lets readers and one writer share it); a PostgreSQL database lends a pooled
//! connection, which keeps its prepared statements from one request to the next.

use std::time::Duration;

use super::PgConnection;
use crate::{Location, Result, Store, StoreError};

/// r2d2's view of a [`PgConnection`].
#[derive(Debug)]
pub struct PgManager {
    url: String,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<PgConnection> {
        PgConnection::connect(&self.url)
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<()> {
        conn.batch("")
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        conn.is_closed()
    }
}

/// A pooled PostgreSQL connection.
pub type PooledPg = r2d2::PooledConnection<PgManager>;

/// Opens stores for the records at one location; cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct StoreOpener {
    location: Location,
    pool: Option<r2d2::Pool<PgManager>>,
}

/// Connections a server keeps to PostgreSQL at most.
pub const POOL_SIZE: u32 = 16;

impl StoreOpener {
    /// An opener for `location`: the database is created or migrated now (once), and a
    /// PostgreSQL database gets a pool of at most [`POOL_SIZE`] connections.
    pub fn new(location: Location, actor: &str) -> Result<Self> {
        drop(Store::open_at(&location, actor)?);
        let pool = match &location {
            Location::File(_) => None,
            Location::Postgres(url) => Some(
                r2d2::Pool::builder()
                    .max_size(POOL_SIZE)
                    .min_idle(Some(1))
                    .connection_timeout(crate::BUSY_TIMEOUT)
                    .idle_timeout(Some(Duration::from_secs(300)))
                    .build(PgManager { url: url.clone() })
                    .map_err(|e| {
                        StoreError::Database(format!("cannot connect to {location}: {e}",))
                    })?,
            ),
        };
        Ok(Self { location, pool })
    }

    /// Where the records are.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// A store writing as `actor`: the file opened, or a connection from the pool (returned to
    /// it when the store is dropped).
    pub fn open(&self, actor: &str) -> Result<Store> {
        match (&self.pool, &self.location) {
            (Some(pool), _) => {
                let conn = pool.get().map_err(|e| {
                    StoreError::Database(format!("no connection to the records database: {e}"))
                })?;
                Ok(Store::from_pooled(conn, actor))
            }
            (None, location) => Store::open_at(location, actor),
        }
    }
}

impl From<std::path::PathBuf> for StoreOpener {
    /// A file's opener (no pool; the file is created or migrated at the first open).
    fn from(path: std::path::PathBuf) -> Self {
        Self {
            location: Location::File(path),
            pool: None,
        }
    }
}
