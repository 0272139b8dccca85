//! Errors: every rejected input names its field, the value given and what is accepted.

use std::fmt;

/// An input that was rejected before any model ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Dotted path of the field, as the user wrote it (`patient.age`, `--length-mm`).
    pub field: String,
    /// The value as given, shortened for display.
    pub value: String,
    /// What is accepted: a range, a list, a format.
    pub accepted: String,
}

impl InputError {
    /// An input error for `field`: what was received and what is accepted.
    pub fn new(
        field: impl Into<String>,
        value: impl fmt::Display,
        accepted: impl Into<String>,
    ) -> Self {
        let mut value = value.to_string();
        if value.chars().count() > 80 {
            value = value.chars().take(77).collect::<String>() + "...";
        }
        Self {
            field: field.into(),
            value,
            accepted: accepted.into(),
        }
    }

    /// The same error under a parent path (`zones[1]` → `treatment.zones[1]`).
    pub fn within(mut self, parent: &str) -> Self {
        self.field = format!("{parent}.{}", self.field);
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {}: {:?}; accepted: {}",
            self.field, self.value, self.accepted
        )
    }
}

impl std::error::Error for InputError {}

/// Everything that can go wrong in the core.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A user input outside what is accepted.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A TOML document (patient file, custom device) that does not parse.
    #[error("{document}: {message}")]
    Parse {
        /// Which document failed, e.g. a file name or `custom device`.
        document: String,
        /// The parser's message, trailing whitespace trimmed.
        message: String,
    },
    /// The embedded knowledge base is inconsistent: a build defect, caught by the tests.
    #[error("knowledge base: {0}")]
    Knowledge(String),
}

impl Error {
    /// A [`Error::Parse`] for `document`, from any displayable parser error.
    pub fn parse(document: impl Into<String>, error: impl fmt::Display) -> Self {
        Self::Parse {
            document: document.into(),
            message: error.to_string().trim_end().to_string(),
        }
    }
}

/// The crate's result type, with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Checks that `value` is a finite number inside `[min, max]`.
pub fn check_range(
    field: &str,
    value: f64,
    min: f64,
    max: f64,
    unit: &str,
) -> Result<f64, InputError> {
    if value.is_finite() && value >= min && value <= max {
        Ok(value)
    } else {
        Err(InputError::new(
            field,
            value,
            format!("a number from {min} to {max} {unit}"),
        ))
    }
}
