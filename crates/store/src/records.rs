//! The records and their inputs.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPatient {
    pub code: String,
    pub birth_year: i32,
    pub sex: String,
    pub fitzpatrick: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientRecord {
    pub id: i64,
    pub code: String,
    pub birth_year: i32,
    pub sex: String,
    pub fitzpatrick: u8,
    pub created_at: String,
}

/// One treated zone of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneRecord {
    pub site: String,
    pub depth_mm: f64,
    pub passes: u32,
}

/// A topical applied in a session, with its lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicalRecord {
    pub agent: String,
    pub lot: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSession {
    pub code: String,
    pub performed_at: NaiveDateTime,
    pub device: String,
    pub device_serial: String,
    pub cartridge_lot: String,
    pub zones: Vec<ZoneRecord>,
    pub topicals: Vec<TopicalRecord>,
    /// `erythema` or `pinpoint-bleeding`.
    pub endpoint: String,
    pub operator: String,
    /// Why a session dated before the latest screening, or more than a day before it is entered,
    /// is recorded late (required then).
    #[serde(default)]
    pub late_entry: Option<String>,
    /// Why a zone goes past the device's labelled maximum or the site's maximum depth (required
    /// then).
    #[serde(default)]
    pub depth_reason: Option<String>,
    /// Why a second session of the patient on one day is recorded (required then).
    #[serde(default)]
    pub same_day_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRecord {
    pub id: i64,
    pub plan_id: Option<i64>,
    pub performed_at: String,
    pub device: String,
    pub device_serial: String,
    pub cartridge_lot: String,
    pub zones: Vec<ZoneRecord>,
    pub topicals: Vec<TopicalRecord>,
    pub endpoint: String,
    pub operator: String,
    pub warnings: Vec<String>,
    /// The late-entry reason, when the session was recorded late.
    pub late_entry: Option<String>,
    /// The reason for a depth past the device's or the site's limit.
    pub depth_reason: Option<String>,
    /// The reason for a second session on one day.
    pub same_day_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAdverseEvent {
    pub code: String,
    pub session_id: Option<i64>,
    pub effect: String,
    /// `mild`, `moderate` or `severe`.
    pub severity: String,
    pub onset: NaiveDate,
    pub resolved: Option<NaiveDate>,
    pub action: String,
    /// Why an event with an onset before the latest screening, or more than a day ago, is
    /// recorded late (required then).
    #[serde(default)]
    pub late_entry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdverseEventRecord {
    pub id: i64,
    pub session_id: Option<i64>,
    pub effect: String,
    pub severity: String,
    pub onset: String,
    pub resolved: Option<String>,
    pub action: String,
    pub late_entry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOutcome {
    pub code: String,
    pub assessed_at: NaiveDate,
    pub scale: String,
    pub score: f64,
    pub assessor: String,
    /// Why an assessment dated before the latest screening, or more than a day ago, is recorded
    /// late (required then).
    #[serde(default)]
    pub late_entry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeRecord {
    pub id: i64,
    pub assessed_at: String,
    pub scale: String,
    pub score: f64,
    pub assessor: String,
    pub late_entry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPhoto {
    pub code: String,
    pub taken_at: NaiveDate,
    pub view: String,
    pub file_sha256: String,
    pub photo_consent: bool,
    /// The treated zone the photo shows (a site id), when it shows one.
    #[serde(default)]
    pub zone: Option<String>,
}

/// A photo to keep: the image itself (JPEG or PNG), stored without its metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPhotoImage {
    pub code: String,
    pub taken_at: NaiveDate,
    pub view: String,
    pub zone: Option<String>,
    /// The patient consented to this photo being kept: required to keep the image.
    pub photo_consent: bool,
    pub image: Vec<u8>,
}

/// A consent signed: the form's version and text (its hash is kept), who signed and when, and
/// the drawn signature (a PNG or JPEG, kept in the file store under its hash).
#[derive(Debug, Clone, PartialEq)]
pub struct NewConsent {
    pub code: String,
    pub version: String,
    pub text: String,
    pub signed_at: NaiveDate,
    /// The signer's name (the patient, or their representative).
    pub signer: Option<String>,
    pub signature_image: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningRecord {
    pub id: i64,
    pub screened_at: String,
    pub verdict: String,
    pub knowledge_base_version: String,
    pub findings: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentRecord {
    pub id: i64,
    pub version: String,
    pub text_sha256: String,
    pub signed_at: String,
    /// Who signed (recorded since schema version 7).
    #[serde(default)]
    pub signer: Option<String>,
    /// The drawn signature's image in the file store.
    #[serde(default)]
    pub signature_sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRecord {
    pub id: i64,
    pub created_at: String,
    pub indication: String,
    pub device: String,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub verdict: String,
    pub override_reason: Option<String>,
    /// The contraindicated screening the override is bound to.
    pub overrides_screening_id: Option<i64>,
    /// The contraindicated rules of that screening the override accepts.
    pub override_rules: Vec<String>,
    /// Who wrote the override (the writer the audit log names).
    pub override_clinician: Option<String>,
}

/// A contraindication found earlier, cleared: re-screenings after it may drop the rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClearanceRecord {
    pub id: i64,
    /// The screening rule id cleared.
    pub rule: String,
    pub reason: String,
    pub cleared_by: String,
    pub cleared_at: String,
    /// The latest screening when the clearance was recorded.
    pub after_screening_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoRecord {
    pub id: i64,
    pub taken_at: String,
    pub view: String,
    pub file_sha256: String,
    pub photo_consent: bool,
    #[serde(default)]
    pub zone: Option<String>,
    /// `image/jpeg` or `image/png` when the image is in the file store.
    #[serde(default)]
    pub media_type: Option<String>,
}

/// The photos of one zone and view in time order: the first is the "before", the last the
/// latest "after".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoSeries {
    pub zone: Option<String>,
    pub view: String,
    /// Photo ids, oldest first.
    pub photo_ids: Vec<i64>,
}

/// One scale's scores over time, and the change since the first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trend {
    pub scale: String,
    pub points: Vec<(String, f64)>,
    pub change: f64,
}

/// Everything recorded for one patient, in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    pub patient: PatientRecord,
    pub screenings: Vec<ScreeningRecord>,
    pub consents: Vec<ConsentRecord>,
    pub plans: Vec<PlanRecord>,
    pub sessions: Vec<SessionRecord>,
    pub adverse_events: Vec<AdverseEventRecord>,
    pub outcomes: Vec<OutcomeRecord>,
    pub photos: Vec<PhotoRecord>,
    /// The photos as before/after series, per zone and view.
    #[serde(default)]
    pub photo_series: Vec<PhotoSeries>,
    pub clearances: Vec<ClearanceRecord>,
    pub trends: Vec<Trend>,
    /// Records amended (superseded by a newer one) or voided: each stays in its list above,
    /// this says which and why. A record not named here is current.
    #[serde(default)]
    pub changes: Vec<RecordChange>,
}

/// A session, adverse event or outcome amended or voided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordChange {
    /// `session`, `adverse_event` or `outcome`.
    pub kind: String,
    pub record_id: i64,
    /// `amend` (superseded by `replaced_by`) or `void`.
    pub action: String,
    pub replaced_by: Option<i64>,
    pub reason: String,
    pub at: String,
    pub actor: String,
}

/// `records check`: SQLite's integrity and foreign-key checks and the schema version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckReport {
    /// No problem found.
    pub ok: bool,
    /// `ok` or `damaged`.
    pub integrity: String,
    /// Every problem found, one line each.
    pub problems: Vec<String>,
    pub schema_version: u32,
    pub latest_schema_version: u32,
}

/// A verified backup: where, and the rows per table it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupReport {
    pub path: String,
    pub schema_version: u32,
    pub rows: std::collections::BTreeMap<String, i64>,
}

/// A verified restore: from where, and where the replaced database was kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestoreReport {
    pub path: String,
    pub from: String,
    pub kept_as: Option<String>,
    pub schema_version: u32,
    pub rows: std::collections::BTreeMap<String, i64>,
}

/// One row of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
}

/// A patient erased on request: the row id, the new pseudonym and the coarsened birth year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasedPatient {
    pub id: i64,
    pub pseudonym: String,
    pub birth_year: i32,
}
