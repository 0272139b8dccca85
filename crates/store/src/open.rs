//! Opening a database: where it lives, its pragmas, and the migrations to the latest schema.

use std::path::{Path, PathBuf};

use std::cell::RefCell;

use rusqlite::Connection;

use crate::db::{Db, PgConnection, PgHandle, PooledPg, args};
use crate::{
    BUSY_TIMEOUT, DEFAULT_CONSENT_VERSION, DEFAULT_SCREENING_MAX_AGE_DAYS, Result, Store,
    StoreError, schema,
};

/// The environment variable naming the records when `--db` is not given (a PostgreSQL URL or
/// a file path).
pub const DATABASE_URL_ENV: &str = "MICRONEEDLING_DATABASE_URL";

/// Where the records are: a SQLite file, or a PostgreSQL database named by its URL
/// (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`).
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_string())
    }
}

impl std::fmt::Display for Location {
    /// The file's path, or the URL without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => f.write_str(&crate::db::redacted(url)),
        }
    }
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a server; anything else is a file path.
    pub fn parse(text: &str) -> Self {
        if crate::db::is_postgres_url(text) {
            Self::Postgres(text.to_string())
        } else {
            Self::File(PathBuf::from(text))
        }
    }

    /// The records a command works on: `--db` when given (a path, or a PostgreSQL URL), else
    /// the URL in [`DATABASE_URL_ENV`] when set, else the user's default file
    /// ([`default_path`]).
    pub fn from_arg(db: Option<&Path>) -> Self {
        match db {
            Some(path) => match path.to_str() {
                Some(text) => Self::parse(text),
                None => Self::File(path.to_path_buf()),
            },
            None => match std::env::var(DATABASE_URL_ENV) {
                Ok(url) if !url.trim().is_empty() => Self::parse(url.trim()),
                _ => Self::File(default_path()),
            },
        }
    }

    /// The file, when the records are in one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Self::File(path) => Some(path),
            Self::Postgres(_) => None,
        }
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Self {
        Self::File(path)
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Self {
        Self::File(path.to_path_buf())
    }
}

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
    /// Opens the records at `location`: a file as [`Store::open`], a PostgreSQL database
    /// connected to and migrated to the latest schema.
    pub fn open_at(location: &Location, actor: &str) -> Result<Self> {
        match location {
            Location::File(path) => Self::open(path, actor),
            Location::Postgres(url) => Self::connect(url, actor),
        }
    }

    /// `records init` at `location`: a file as [`Store::init`]; a PostgreSQL database gets the
    /// schema (an empty database) or is migrated.
    pub fn init_at(location: &Location, actor: &str) -> Result<Self> {
        match location {
            Location::File(path) => Self::init(path, actor),
            Location::Postgres(url) => Self::connect(url, actor),
        }
    }

    /// Opens existing, initialised records at `location` (see [`Store::open_existing`]); a
    /// PostgreSQL database without the schema is refused with what to do.
    pub fn open_existing_at(location: &Location, actor: &str) -> Result<Self> {
        match location {
            Location::File(path) => Self::open_existing(path, actor),
            Location::Postgres(url) => {
                let mut store = Self::connected(url, actor)?;
                if store.schema_version()? == 0 {
                    return Err(StoreError::Damaged(format!(
                        "{} holds no records schema: run `records init --db URL`",
                        location
                    )));
                }
                store.migrate_to(schema::LATEST_VERSION)?;
                Ok(store)
            }
        }
    }

    /// Connects to the PostgreSQL database at `url` and migrates it to the latest schema.
    fn connect(url: &str, actor: &str) -> Result<Self> {
        let mut store = Self::connected(url, actor)?;
        store.migrate_to(schema::LATEST_VERSION)?;
        Ok(store)
    }

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
        let mut store = Self::with_db(Db::Sqlite(conn), actor);
        if migrate {
            store.migrate_to(schema::LATEST_VERSION)?;
        }
        Ok(store)
    }

    /// A store on a new connection to the PostgreSQL database at `url`, not yet migrated.
    fn connected(url: &str, actor: &str) -> Result<Self> {
        let conn = PgConnection::connect(url)?;
        Ok(Self::with_db(
            Db::Postgres(Box::new(RefCell::new(PgHandle::Own(conn)))),
            actor,
        ))
    }

    /// A store on a connection from a server's pool (already migrated by the pool's opener).
    pub(crate) fn from_pooled(conn: PooledPg, actor: &str) -> Self {
        Self::with_db(
            Db::Postgres(Box::new(RefCell::new(PgHandle::Pooled(conn)))),
            actor,
        )
    }

    fn with_db(db: Db, actor: &str) -> Self {
        Self {
            db,
            actor: actor.to_string(),
            screening_max_age_days: DEFAULT_SCREENING_MAX_AGE_DAYS,
            amending: None,
            consent_version: DEFAULT_CONSENT_VERSION.to_string(),
        }
    }

    pub fn schema_version(&self) -> Result<u32> {
        match &self.db {
            Db::Sqlite(c) => Ok(c.pragma_query_value(None, "user_version", |row| row.get(0))?),
            Db::Postgres(_) => {
                let table = schema::postgres::VERSION_TABLE;
                let exists: bool = self.db.value(
                    "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?1)",
                    args![table],
                )?;
                if !exists {
                    return Ok(0);
                }
                let version: Option<u32> =
                    self.db
                        .query_opt(&format!("SELECT version FROM {table}"), args![], |r| {
                            r.get(0)
                        })?;
                Ok(version.unwrap_or(0))
            }
        }
    }

    /// Runs the migrations from the current version up to `target`, each in its own write
    /// transaction (on PostgreSQL all in one, under the write lock, so that several programs
    /// starting at once against a new database migrate it once).
    fn migrate_to(&mut self, target: u32) -> Result<()> {
        let too_new = |current: u32| {
            StoreError::Database(format!(
                "the database has schema version {current}, newer than this program's {}",
                schema::LATEST_VERSION
            ))
        };
        let target = target.min(schema::LATEST_VERSION);
        match &self.db {
            Db::Sqlite(c) => {
                let current = self.schema_version()?;
                if current > schema::LATEST_VERSION {
                    return Err(too_new(current));
                }
                for version in current..target {
                    let tx = self.db.write()?;
                    tx.batch(schema::MIGRATIONS[version as usize])?;
                    c.pragma_update(None, "user_version", version + 1)?;
                    tx.commit()?;
                }
            }
            Db::Postgres(_) => {
                // Read first: a database at the target needs no lock and no DDL privilege (the
                // clinic's app role has none).
                let current = self.schema_version()?;
                if current > schema::LATEST_VERSION {
                    return Err(too_new(current));
                }
                if current >= target {
                    return Ok(());
                }
                let table = schema::postgres::VERSION_TABLE;
                let tx = self.db.write()?;
                tx.batch(&format!(
                    "CREATE TABLE IF NOT EXISTS {table} (version BIGINT NOT NULL);
                     INSERT INTO {table} SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {table});"
                ))?;
                let current: u32 = tx.value(&format!("SELECT version FROM {table}"), args![])?;
                if current > schema::LATEST_VERSION {
                    return Err(too_new(current));
                }
                for version in current..target {
                    tx.batch(schema::postgres::MIGRATIONS[version as usize])?;
                    tx.execute(
                        &format!("UPDATE {table} SET version = ?1"),
                        args![version + 1],
                    )?;
                }
                tx.commit()?;
                self.db.forget_statements();
            }
        }
        Ok(())
    }

    /// `PRAGMA integrity_check` on SQLite: "ok" when the file is sound. PostgreSQL checks its
    /// own pages: "ok" when the server answers.
    pub fn integrity_check(&self) -> Result<String> {
        match &self.db {
            Db::Sqlite(c) => Ok(c.query_row("PRAGMA integrity_check", [], |row| row.get(0))?),
            Db::Postgres(_) => {
                self.db.value::<i64>("SELECT 1", args![])?;
                Ok("ok".into())
            }
        }
    }

    /// The database, for tests and tools that need raw SQL (`?1` placeholders on both
    /// backends).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Which database the records are on.
    pub fn backend(&self) -> crate::db::Backend {
        self.db.backend()
    }

    /// Gives `role` (a PostgreSQL role the clinic's programs connect as) what the store needs
    /// and no more: see [`schema::postgres::APP_ROLE_GRANTS`]. Run as the schema's owner.
    pub fn grant_app_role(&mut self, role: &str) -> Result<()> {
        if self.db.backend() != crate::db::Backend::Postgres {
            return Err(StoreError::Rule(
                "roles and grants are PostgreSQL's: a SQLite file is protected by its file mode"
                    .into(),
            ));
        }
        if role.is_empty() || !role.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(microneedling_core::InputError::new(
                "role",
                role,
                "a role name of letters, digits and _",
            )
            .into());
        }
        let tx = self.db.write()?;
        tx.batch(&schema::postgres::APP_ROLE_GRANTS.replace("{role}", &format!("\"{role}\"")))?;
        crate::audit::audit(
            &tx,
            &self.actor,
            "grant",
            "database",
            None,
            &format!("app role {role}"),
        )?;
        tx.commit()
    }
}
