//! Bundle → what the store's add methods take, per patient, in the order to write them (by date,
//! then screening, consent, plan, session, adverse event, outcome, photo), with the references
//! between records kept as full URLs for the writer to map to the new row ids. Every error names
//! the entry, its resource type and the field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use microneedling_core::screening::Screening;
use microneedling_store::{NewAdverseEvent, NewOutcome, NewPatient, NewPhoto, NewSession};
use serde_json::Value;

use crate::model::*;
use crate::{BASE_URL, FhirError};

mod fields;
mod records;

use fields::{At, Extensions};
use records::{adverse_event, care_plan, consent, outcome, patient, photo, screening};

/// One patient of a bundle: who, and every record in the order to write it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPatient {
    /// The Patient entry's full URL.
    pub full_url: String,
    pub patient: NewPatient,
    pub records: Vec<ImportedRecord>,
}

/// One record of a patient, with the entry it came from and any amendment or void.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRecord {
    pub full_url: String,
    /// Its index in `Bundle.entry`.
    pub index: usize,
    pub record: Record,
    pub change: Option<Change>,
}

/// A record superseded by another of the bundle (`replaced_by`, a full URL) or void.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub replaced_by: Option<String>,
    pub reason: String,
}

/// A record as the store's add methods take it. References to other records of the bundle are
/// full URLs; `code` fields hold the patient's code.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A screening as recorded: the patient file (JSON of docs/patient-file.md), the findings
    /// and the knowledge base version; and the clearances recorded after it.
    Screening {
        at: NaiveDate,
        patient_file: Value,
        screening: Screening,
        /// (rule, reason) of each clearance recorded after this screening.
        clearances: Vec<(String, String)>,
    },
    Consent {
        version: String,
        text_sha256: String,
        signed_at: NaiveDate,
        /// Who signed, when recorded.
        signer: Option<String>,
        /// The drawn signature's hash (the image itself does not travel).
        signature_sha256: Option<String>,
    },
    /// A plan: re-planned on import from the patient file of the screening before it; the
    /// figures here are what the re-plan must give.
    Plan {
        created: NaiveDate,
        indication: String,
        device: String,
        sessions: u32,
        interval_weeks: u32,
        override_reason: Option<String>,
        /// The screening the override is bound to (full URL).
        overrides_screening: Option<String>,
    },
    Session(NewSession),
    AdverseEvent {
        event: NewAdverseEvent,
        /// The session it follows (full URL).
        session: Option<String>,
    },
    Outcome(NewOutcome),
    Photo(NewPhoto),
}

impl Record {
    /// The table the record goes to (the audit log's entity).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Screening { .. } => "screening",
            Self::Consent { .. } => "consent",
            Self::Plan { .. } => "plan",
            Self::Session(_) => "session",
            Self::AdverseEvent { .. } => "adverse_event",
            Self::Outcome(_) => "outcome",
            Self::Photo(_) => "photo",
        }
    }

    /// Write order: the date, then the kind's rank, then the time of day.
    fn order(&self) -> (String, u8, String) {
        match self {
            Self::Screening { at, .. } => (at.to_string(), 0, String::new()),
            Self::Consent { signed_at, .. } => (signed_at.to_string(), 1, String::new()),
            Self::Plan { created, .. } => (created.to_string(), 2, String::new()),
            Self::Session(s) => (
                s.performed_at.date().to_string(),
                3,
                s.performed_at.time().to_string(),
            ),
            Self::AdverseEvent { event, .. } => (event.onset.to_string(), 4, String::new()),
            Self::Outcome(o) => (o.assessed_at.to_string(), 5, String::new()),
            Self::Photo(p) => (p.taken_at.to_string(), 6, String::new()),
        }
    }
}

/// The patients of `bundle`, each with its records in the order to write them.
pub fn from_bundle(bundle: &Value) -> Result<Vec<ImportedPatient>, FhirError> {
    let top = At {
        resource: "Bundle",
        index: 0,
    };
    if bundle["resourceType"] != "Bundle" {
        return Err(top.err(
            "resourceType",
            format!("{}: accepted: Bundle", bundle["resourceType"]),
        ));
    }
    let bundle: Bundle = top.typed(bundle)?;
    if bundle.kind != "collection" {
        return Err(top.err("type", format!("{:?}: accepted: collection", bundle.kind)));
    }
    let types: BTreeMap<&str, &str> = bundle
        .entry
        .iter()
        .map(|e| {
            (
                e.full_url.as_str(),
                e.resource["resourceType"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    for (index, entry) in bundle.entry.iter().enumerate() {
        let resource = types
            .get(entry.full_url.as_str())
            .copied()
            .unwrap_or_default();
        check_references(At { resource, index }, &entry.resource, "", &types)?;
    }
    let mut reader = Reader {
        entries: &bundle.entry,
        patients: Vec::new(),
    };
    reader.read()?;
    let mut patients = reader.patients;
    for p in &mut patients {
        p.records.sort_by(|a, b| {
            a.record
                .order()
                .cmp(&b.record.order())
                .then(a.index.cmp(&b.index))
        });
    }
    Ok(patients)
}

/// Every `reference` inside `value` must name an entry of the bundle.
fn check_references(
    at: At<'_>,
    value: &Value,
    path: &str,
    types: &BTreeMap<&str, &str>,
) -> Result<(), FhirError> {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if key == "reference"
                    && let Some(r) = v.as_str()
                    && !types.contains_key(r)
                {
                    return Err(at.err(
                        &here,
                        format!("{r:?}: accepted: the fullUrl of an entry of the bundle"),
                    ));
                }
                check_references(at, v, &here, types)?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_references(at, v, &format!("{path}[{i}]"), types)?;
            }
        }
        _ => {}
    }
    Ok(())
}

struct Reader<'a> {
    entries: &'a [Entry],
    patients: Vec<ImportedPatient>,
}

impl<'a> Reader<'a> {
    fn read(&mut self) -> Result<(), FhirError> {
        for (index, entry) in self.entries.iter().enumerate() {
            if entry.resource["resourceType"] == "Patient" {
                let at = At {
                    resource: "Patient",
                    index,
                };
                let p = patient(at, &entry.resource)?;
                self.patients.push(ImportedPatient {
                    full_url: entry.full_url.clone(),
                    patient: p,
                    records: Vec::new(),
                });
            }
        }
        for (index, entry) in self.entries.iter().enumerate() {
            let resource = entry.resource["resourceType"].as_str().unwrap_or_default();
            let at = At { resource, index };
            let r = &entry.resource;
            let read = match resource {
                "Patient" | "Device" | "Medication" | "MedicationAdministration" | "Provenance" => {
                    None
                }
                "Observation" => {
                    let o: Observation = at.typed(r)?;
                    let kind = o.category.iter().flat_map(|c| &c.coding).find_map(|c| {
                        (c.system.as_deref() == Some(&format!("{BASE_URL}/record-kind")))
                            .then(|| c.code.clone().unwrap_or_default())
                    });
                    match kind.as_deref() {
                        Some("screening") => Some((o.subject.clone(), "subject", screening(at, &o)?, None)),
                        Some("outcome-score") => {
                            let ext = Extensions::new(at, &o.extension);
                            Some((o.subject.clone(), "subject", outcome(at, &o)?, ext.change()?))
                        }
                        _ => return Err(at.err("category", format!("accepted: a category of system {BASE_URL}/record-kind, screening or outcome-score"))),
                    }
                }
                "Consent" => {
                    let c: Consent = at.typed(r)?;
                    Some((c.patient.clone(), "patient", consent(at, &c)?, None))
                }
                "CarePlan" => {
                    let c: CarePlan = at.typed(r)?;
                    Some((c.subject.clone(), "subject", care_plan(at, &c)?, None))
                }
                "Procedure" => {
                    let p: Procedure = at.typed(r)?;
                    let change = Extensions::new(at, &p.extension).change()?;
                    Some((
                        p.subject.clone(),
                        "subject",
                        records::procedure(self.entries, at, &entry.full_url, &p)?,
                        change,
                    ))
                }
                "AdverseEvent" => {
                    let e: AdverseEvent = at.typed(r)?;
                    let change = Extensions::new(at, &e.extension).change()?;
                    Some((e.subject.clone(), "subject", adverse_event(at, &e)?, change))
                }
                "DocumentReference" => {
                    let d: DocumentReference = at.typed(r)?;
                    Some((d.subject.clone(), "subject", photo(at, &d)?, None))
                }
                other => {
                    return Err(at.err(
                        "resourceType",
                        format!("{other:?}: accepted: Patient, Observation, Consent, CarePlan, Procedure, Device, Medication, MedicationAdministration, AdverseEvent, DocumentReference, Provenance"),
                    ));
                }
            };
            let Some((subject, field, record, change)) = read else {
                continue;
            };
            let target = subject.reference.unwrap_or_default();
            let Some(p) = self.patients.iter_mut().find(|p| p.full_url == target) else {
                return Err(at.err(
                    &format!("{field}.reference"),
                    format!("{target:?}: accepted: the fullUrl of a Patient entry"),
                ));
            };
            let code = p.patient.code.clone();
            p.records.push(ImportedRecord {
                full_url: entry.full_url.clone(),
                index,
                record: with_code(record, &code),
                change,
            });
        }
        Ok(())
    }
}

/// The record with its patient's code filled in.
fn with_code(record: Record, code: &str) -> Record {
    match record {
        Record::Session(s) => Record::Session(NewSession {
            code: code.into(),
            ..s
        }),
        Record::AdverseEvent { event, session } => Record::AdverseEvent {
            event: NewAdverseEvent {
                code: code.into(),
                ..event
            },
            session,
        },
        Record::Outcome(o) => Record::Outcome(NewOutcome {
            code: code.into(),
            ..o
        }),
        Record::Photo(p) => Record::Photo(NewPhoto {
            code: code.into(),
            ..p
        }),
        other => other,
    }
}
