//! Checks and parsers of input shared by every record: text fields, dates, hashes.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Utc};
use microneedling_core::InputError;
use sha2::{Digest, Sha256};

use crate::{PatientRecord, Result};

/// How session times are stored: sortable text, to the second.
pub(crate) const SESSION_TIME: &str = "%Y-%m-%dT%H:%M:%S";

/// Hex SHA-256 of `bytes` (consent texts, photo files).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A date `YYYY-MM-DD`, or today when none is given.
pub fn parse_date_or_today(field: &str, text: Option<&str>) -> Result<NaiveDate, InputError> {
    match text {
        None => Ok(Utc::now().date_naive()),
        Some(t) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .map_err(|_| InputError::new(field, t, "a date YYYY-MM-DD")),
    }
}

/// A session time: `YYYY-MM-DDTHH:MM[:SS]`, or a date at midnight.
pub fn parse_date_time(field: &str, text: &str) -> Result<NaiveDateTime, InputError> {
    let t = text.trim();
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|_| InputError::new(field, text, "YYYY-MM-DD or YYYY-MM-DDTHH:MM"))
}

/// `value` trimmed, refused when empty or longer than `max` characters.
pub(crate) fn text_field(field: &str, value: &str, max: usize) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > max {
        return Err(InputError::new(field, value, format!("1 to {max} characters")).into());
    }
    Ok(trimmed.to_string())
}

/// A date must not lie in the future nor before the patient's birth year.
pub(crate) fn check_date(field: &str, date: NaiveDate, patient: &PatientRecord) -> Result<()> {
    let today = Utc::now().date_naive();
    if date > today {
        return Err(
            InputError::new(field, date, format!("a date not after today ({today})")).into(),
        );
    }
    if date.year() < patient.birth_year {
        return Err(InputError::new(
            field,
            date,
            format!("a date not before the birth year {}", patient.birth_year),
        )
        .into());
    }
    Ok(())
}

/// Refuses `value` when a row of `table` already holds it in `column` (names are this crate's
/// own constants, never input): the error names `field` and what is `accepted`.
pub(crate) fn refuse_taken(
    tx: &crate::db::Db,
    (table, column): (&str, &str),
    field: &str,
    value: &str,
    accepted: &str,
) -> Result<()> {
    let taken: bool = tx.value(
        &format!("SELECT EXISTS(SELECT 1 FROM {table} WHERE {column} = ?1)"),
        crate::db::args![value],
    )?;
    if taken {
        return Err(InputError::new(field, value, accepted).into());
    }
    Ok(())
}
