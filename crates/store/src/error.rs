//! Store errors: the input, a record rule, a busy database, or the database itself.

use microneedling_core::InputError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("unknown patient {0:?}: add it first with `records patient add`")]
    UnknownPatient(String),
    /// A rule of the record refused the write (nothing was written).
    #[error("{0}")]
    Rule(String),
    /// Another process held the database past the busy timeout: retrying is safe.
    #[error("the database is busy (another process is writing); nothing was written, please retry")]
    Busy,
    #[error("database: {0}")]
    Database(String),
    /// The file is not a sound microneedling database (damaged, not SQLite, empty, or not
    /// initialised): nothing was written.
    #[error("{0}")]
    Damaged(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Self::Busy
            }
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                Self::Damaged(format!(
                    "the database file is damaged or not a database ({error}); nothing was written: run `records check`, then restore a backup"
                ))
            }
            _ => Self::Database(error.to_string()),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        Self::Database(format!("JSON: {error}"))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
