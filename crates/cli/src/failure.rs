//! What stops a command, and the exit code it maps to.

use std::fmt;
use std::process::ExitCode;

use microneedling_core::{Error, InputError};

pub const EXIT_INVALID_INPUT: u8 = 2;
pub const EXIT_PLAN_REFUSED: u8 = 3;
pub const EXIT_RECORD_RULE: u8 = 4;
pub const EXIT_BUSY: u8 = 5;
pub const EXIT_DAMAGED: u8 = 6;
const EXIT_INTERNAL: u8 = 1;

#[derive(Debug)]
pub enum Failure {
    /// The user's input: a field, a file, a value.
    Input(String),
    /// A defect or an environment problem (e.g. stdout closed).
    Internal(String),
    /// A rule of the treatment record refused the write.
    Refused(String),
    /// The database stayed busy: nothing was written, retrying is safe.
    Busy(String),
    /// The database file is damaged, empty, not SQLite or not initialised: nothing was written.
    Damaged(String),
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Self::Input(_) => EXIT_INVALID_INPUT,
            Self::Internal(_) => EXIT_INTERNAL,
            Self::Refused(_) => EXIT_RECORD_RULE,
            Self::Busy(_) => EXIT_BUSY,
            Self::Damaged(_) => EXIT_DAMAGED,
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(message)
            | Self::Internal(message)
            | Self::Refused(message)
            | Self::Busy(message)
            | Self::Damaged(message) => f.write_str(message),
        }
    }
}

impl From<InputError> for Failure {
    fn from(error: InputError) -> Self {
        Self::Input(error.to_string())
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::Knowledge(_) => Self::Internal(error.to_string()),
            Error::Input(_) | Error::Parse { .. } => Self::Input(error.to_string()),
        }
    }
}

impl From<microneedling_store::StoreError> for Failure {
    fn from(error: microneedling_store::StoreError) -> Self {
        use microneedling_store::StoreError;
        match error {
            StoreError::Input(e) => Self::Input(e.to_string()),
            StoreError::UnknownPatient(_) => Self::Input(error.to_string()),
            StoreError::Rule(_) => Self::Refused(error.to_string()),
            StoreError::Busy => Self::Busy(error.to_string()),
            StoreError::Database(_) => Self::Internal(error.to_string()),
            StoreError::Damaged(_) => Self::Damaged(error.to_string()),
        }
    }
}
