//! Opening a database: where it lives, its pragmas, and the migrations to the latest schema.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior};

use crate::{
    BUSY_TIMEOUT, DEFAULT_CONSENT_VERSION, DEFAULT_SCREENING_MAX_AGE_DAYS, Result, Store,
    StoreError, schema,
};

/// The default database file: `$XDG_DATA_HOME/microneedling/records.db`, else
/// `~/.local/share/microneedling/records.db`, else `./microneedling-records.db`.
pub fn default_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")));
    match base {
        Some(dir) => dir.join("microneedling").join("records.db"),
        None => PathBuf::from("microneedling-records.db"),
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it to the latest schema.
    pub fn open(path: &Path, actor: &str) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Database(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let conn = Connection::open(path)?;
        Self::setup(conn, actor, true)
    }

    pub fn open_in_memory(actor: &str) -> Result<Self> {
        Self::setup(Connection::open_in_memory()?, actor, true)
    }

    /// Opens without migrating past `version` (tests of the migrations).
    pub fn open_at_version(path: &Path, actor: &str, version: u32) -> Result<Self> {
        let conn = Connection::open(path)?;
        let mut store = Self::setup(conn, actor, false)?;
        store.migrate_to(version)?;
        Ok(store)
    }

    fn setup(conn: Connection, actor: &str, migrate: bool) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Self {
            conn,
            actor: actor.to_string(),
            screening_max_age_days: DEFAULT_SCREENING_MAX_AGE_DAYS,
            consent_version: DEFAULT_CONSENT_VERSION.to_string(),
        };
        if migrate {
            store.migrate_to(schema::LATEST_VERSION)?;
        }
        Ok(store)
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    fn migrate_to(&mut self, target: u32) -> Result<()> {
        let current = self.schema_version()?;
        if current > schema::LATEST_VERSION {
            return Err(StoreError::Database(format!(
                "the database has schema version {current}, newer than this program's {}",
                schema::LATEST_VERSION
            )));
        }
        for version in current..target.min(schema::LATEST_VERSION) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(schema::MIGRATIONS[version as usize])?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?)
    }

    /// Raw SQL for tests and tools that need it (read-only use expected).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
