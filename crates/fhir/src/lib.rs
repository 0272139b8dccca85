//! # microneedling-fhir
//!
//! FHIR R4 exchange of the treatment records (docs/fhir.md): [`to_bundle`] writes every
//! patient's record as a Bundle of type `collection` (Patient, Observation for screenings and
//! outcome scores, Consent, CarePlan, Procedure per session, Device, Medication and
//! MedicationAdministration for the topicals, AdverseEvent, DocumentReference for photos and
//! Provenance per record); [`from_bundle`] reads such a bundle back into what the store's add
//! methods take, in the order they must be written. Codes are SNOMED CT where one is cited in
//! `data/snomed.toml` ([`codes`]), text otherwise. The bundle is the record export of
//! decision-support software: it says so in its `meta.tag`.
#![forbid(unsafe_code)]

pub mod codes;
mod export;
mod ids;
mod import;
pub mod model;
mod patient_file;

pub use export::{DECISION_SUPPORT, PROCEDURE_TEXT, PatientExport, export_store, to_bundle};
pub use import::{Change, ImportedPatient, ImportedRecord, Record, from_bundle};

/// Where this project's code systems, identifiers and extensions live.
pub const BASE_URL: &str = "https://example.invalid/microneedling/fhir";
/// SNOMED CT's system URI.
pub const SNOMED: &str = "http://snomed.info/sct";

/// The URL of this project's extension `name`.
pub fn extension_url(name: &str) -> String {
    format!("{BASE_URL}/StructureDefinition/{name}")
}

/// A bundle that cannot be read back: which entry, of which resource type, which field, why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("FHIR bundle: entry[{index}] ({resource}): {field}: {message}")]
pub struct FhirError {
    /// The resource type of the entry (`Bundle` for the bundle itself).
    pub resource: String,
    /// The entry's index in `Bundle.entry` (0 for the bundle itself).
    pub index: usize,
    /// The field at fault, as a path inside the resource (`performedDateTime`,
    /// `extension[2].valueString`).
    pub field: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl FhirError {
    pub(crate) fn new(
        resource: &str,
        index: usize,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            resource: resource.to_string(),
            index,
            field: field.to_string(),
            message: message.into(),
        }
    }
}
