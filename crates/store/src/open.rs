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

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What is at a path given as a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileState {
    Absent,
    Empty,
    Sqlite,
    NotSqlite,
}

pub(crate) fn file_state(path: &Path) -> Result<FileState> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Absent),
        Err(e) => {
            return Err(StoreError::Database(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => {
                return Err(StoreError::Database(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        }
    }
    Ok(match read {
        0 => FileState::Empty,
        16 if &header == SQLITE_HEADER => FileState::Sqlite,
        _ => FileState::NotSqlite,
    })
}

fn not_a_database(path: &Path) -> StoreError {
    StoreError::Damaged(format!(
        "{} is not a SQLite database: refusing to use or overwrite it",
        path.display()
    ))
}

/// A connection to `path`, which must already be a SQLite file: absent, empty and foreign files
/// are refused with what to do.
pub(crate) fn open_sqlite_file(path: &Path) -> Result<Connection> {
    match file_state(path)? {
        FileState::Absent => {
            return Err(StoreError::Damaged(format!(
                "no records database at {}: run `records init` to create it",
                path.display()
            )));
        }
        FileState::Empty => {
            return Err(StoreError::Damaged(format!(
                "{} is an empty file, not a records database: run `records init` to initialise it",
                path.display()
            )));
        }
        FileState::NotSqlite => return Err(not_a_database(path)),
        FileState::Sqlite => {}
    }
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Creates the missing folders of `path` (0700) and the file itself (empty, 0600) if absent.
fn create_private(path: &Path) -> Result<()> {
    let failed = |what: &Path, e: std::io::Error| {
        StoreError::Database(format!("cannot create {}: {e}", what.display()))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|e| failed(dir, e))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(failed(path, e)),
    }
}

impl Store {
    /// Opens (creating it when no file is there) the database at `path` and migrates it to the
    /// latest schema. An empty file or a file that is not SQLite is refused, never turned into a
    /// new database: [`Store::init`] initialises an empty file.
    ///
    /// On unix, folders it creates are 0700 and a database file it creates is 0600 before SQLite
    /// opens it; SQLite gives the `-wal` and `-shm` files the database file's mode. Existing
    /// files and folders keep their modes.
    pub fn open(path: &Path, actor: &str) -> Result<Self> {
        match file_state(path)? {
            FileState::Empty => Err(StoreError::Damaged(format!(
                "{} is an empty file, not a records database: run `records init` to initialise it",
                path.display()
            ))),
            FileState::NotSqlite => Err(not_a_database(path)),
            FileState::Absent | FileState::Sqlite => {
                create_private(path)?;
                Self::setup(Connection::open(path)?, actor, true)
            }
        }
    }

    /// `records init`: creates the database (an absent or empty file) or migrates an existing
    /// one. A file that is not SQLite is refused.
    pub fn init(path: &Path, actor: &str) -> Result<Self> {
        if file_state(path)? == FileState::NotSqlite {
            return Err(not_a_database(path));
        }
        create_private(path)?;
        Self::setup(Connection::open(path)?, actor, true)
    }

    /// Opens an existing, initialised database for reading and writing: refused when the file
    /// is absent, empty, not SQLite, not initialised (schema version 0) or fails SQLite's
    /// `quick_check`; then migrated to the latest schema.
    pub fn open_existing(path: &Path, actor: &str) -> Result<Self> {
        let conn = open_sqlite_file(path)?;
        let quick: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if quick != "ok" {
            return Err(StoreError::Damaged(format!(
                "{} is damaged (quick_check: {quick}): nothing was written; run `records check` and restore a backup",
                path.display()
            )));
        }
        let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version == 0 {
            return Err(StoreError::Damaged(format!(
                "{} is not an initialised records database (schema version 0): run `records init`",
                path.display()
            )));
        }
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
            amending: None,
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
