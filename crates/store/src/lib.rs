//! # microneedling-store
//!
//! Treatment records on SQLite (embedded, WAL: one clinic) or PostgreSQL (one server, many
//! sites; [`db`] says how one set of SQL serves both): patients, screenings with their findings and
//! knowledge-base version, consent (version and text hash), plans with any override, sessions
//! (zones, depths, passes, device serial, cartridge and topical lots, endpoint, operator), adverse
//! events, outcome assessments and photo metadata, with an append-only audit log of every write.
//!
//! Every write is one immediate transaction: validated first, written with its audit row, or not at
//! all. Rules the store enforces: no session after a contraindicated screening unless the plan
//! carries an override bound to that screening (`safety`); no session on a screening older than the configured age; a session sooner
//! than the plan's interval is recorded with a warning.
//!
//! One module per concern, all methods of [`Store`]: `open` (files, pragmas, migrations),
//! `audit`, `patients`, `clinical` (screenings, consent, plans, adverse events, outcomes, photos),
//! `sessions` (the rules of a session), `history` (reads), `users` (API users) and `import` (what
//! an import from another system needs beyond the add methods: historic screenings, consent by
//! hash, amendments linked to their replacement).
#![forbid(unsafe_code)]

use std::time::Duration;

mod audit;
mod care;
mod changes;
mod clinic;
mod clinical;
pub mod db;
mod error;
mod files;
mod history;
mod import;
mod input;
mod open;
mod patients;
pub mod records;
mod safety;
pub mod schema;
mod sessions;
mod transfer;
mod users;

pub use changes::{CHANGEABLE, record_kind};
pub use clinic::{
    AdverseEventRate, ClinicSummary, DueItem, LotUse, PatientFilter, PatientListing, due_calendar,
};
pub use db::StoreOpener;
pub use error::{Result, StoreError};
pub use files::{FileStore, MAX_IMAGE_BYTES, StoredImage, strip_metadata};
pub use input::{parse_date_or_today, parse_date_time, sha256_hex};
pub use open::{DATABASE_URL_ENV, Location, default_path};
pub use records::*;
pub use safety::TREATMENT_HORIZON_DAYS;
pub use transfer::TransferReport;
pub use users::UserRecord;

/// How long a writer waits for another before reporting `Busy`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Default age after which a screening must be refreshed before a session, days.
pub const DEFAULT_SCREENING_MAX_AGE_DAYS: i64 = 180;
/// The consent version a session needs on record unless the store is told otherwise.
pub const DEFAULT_CONSENT_VERSION: &str = "v1";
pub const SEVERITIES: [&str; 3] = ["mild", "moderate", "severe"];
pub const ENDPOINTS: [&str; 2] = ["erythema", "pinpoint-bleeding"];

/// The records of one clinic.
#[derive(Debug)]
pub struct Store {
    db: db::Db,
    actor: String,
    pub screening_max_age_days: i64,
    /// The record the next insert replaces (set only by `amend`, taken by the insert).
    amending: Option<changes::Amends>,
    /// The consent version a session needs on record for its patient.
    pub consent_version: String,
}

/// A recorded screening: its id and what was recorded (the screening of the file with any
/// contraindication found earlier and not cleared).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedScreening {
    pub id: i64,
    pub screening: microneedling_core::screening::Screening,
}
