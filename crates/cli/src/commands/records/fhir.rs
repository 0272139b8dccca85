//! `records export --format fhir` and `records import --format fhir FILE` (docs/fhir.md).
//!
//! The import writes each patient through the store's add methods, so every rule of the record
//! applies; historic records carry the late-entry reason "imported from FHIR bundle ID". A
//! patient is first written to a scratch database in memory with the same settings: only a
//! patient that passes there whole is written to the real one, so a refusal leaves nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use microneedling_core::patient::Patient;
use microneedling_core::plan::PlanOutcome;
use microneedling_core::{InputError, KnowledgeBase};
use microneedling_fhir::{ImportedPatient, Record};
use microneedling_store::{NewAdverseEvent, NewOutcome, NewSession, Store};
use serde_json::{Value, json};

use crate::commands::{Output, read_input};
use crate::failure::Failure;

/// `records export --format fhir`: the bundle on stdout; audited as a read.
pub fn export(store: &mut Store, with_audit: bool) -> Result<ExitCode, Failure> {
    if with_audit {
        return Err(InputError::new(
            "--audit",
            "with --format fhir",
            "--format json or csv (the FHIR bundle carries a Provenance per record)",
        )
        .into());
    }
    let bundle = microneedling_fhir::export_store(store)?;
    store.audit_read("patient", "FHIR export of every patient")?;
    // The bundle as it is: a FHIR resource takes no fields of ours at its top (the engine's
    // version is one of its tags), unlike the program's other JSON outputs.
    let text = serde_json::to_string_pretty(&bundle)
        .map_err(|e| Failure::Internal(format!("cannot write the bundle: {e}")))?;
    crate::commands::print_body(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `records import --format fhir FILE`: imports each patient whole or refuses it (the code
/// already recorded, or a record a rule refuses), reports both, and exits as a refused record
/// write (4) when any patient was refused.
pub fn import(
    kb: &KnowledgeBase,
    store: &mut Store,
    file: &Path,
    out: Output,
) -> Result<ExitCode, Failure> {
    let text = read_input("FILE", file)?;
    let bundle: Value = serde_json::from_str(&text).map_err(|e| {
        Failure::Input(format!(
            "invalid FILE: {} is not JSON ({e}): accepted: a FHIR R4 Bundle",
            file.display()
        ))
    })?;
    let bundle_id = bundle["id"].as_str().unwrap_or("without id").to_string();
    let patients =
        microneedling_fhir::from_bundle(&bundle).map_err(|e| Failure::Input(e.to_string()))?;
    let mut imported = Vec::new();
    let mut refused = Vec::new();
    for p in &patients {
        let code = p.patient.code.as_str();
        if store.patient(code).is_ok() {
            refused.push(json!({ "code": code, "reason": "the code is already recorded: a patient is imported once" }));
            continue;
        }
        let mut scratch = Store::open_in_memory(store.actor())?;
        scratch.screening_max_age_days = store.screening_max_age_days;
        scratch.consent_version = store.consent_version.clone();
        let written = write_patient(kb, &mut scratch, p, &bundle_id)
            .and_then(|_| write_patient(kb, store, p, &bundle_id));
        match written {
            Ok(records) => imported.push(json!({ "code": code, "records": records })),
            Err(reason) => refused.push(json!({ "code": code, "reason": reason })),
        }
    }
    let report = json!({ "bundle": bundle_id, "imported": imported, "refused": refused });
    out.emit(&report, |r| {
        let mut text = format!("FHIR bundle {bundle_id}\n");
        for i in r["imported"].as_array().into_iter().flatten() {
            text.push_str(&format!(
                "imported {} ({} records)\n",
                i["code"].as_str().unwrap_or_default(),
                i["records"]
            ));
        }
        for i in r["refused"].as_array().into_iter().flatten() {
            text.push_str(&format!(
                "REFUSED {}: {}\n",
                i["code"].as_str().unwrap_or_default(),
                i["reason"].as_str().unwrap_or_default()
            ));
        }
        text
    })?;
    if refused.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Failure::Refused(format!(
            "FHIR import of bundle {bundle_id}: {} of {} patients refused (see the report)",
            refused.len(),
            patients.len()
        )))
    }
}

/// The patient file `file` (JSON of docs/patient-file.md) validated as `records screen` does.
fn patient_of(kb: &KnowledgeBase, file: &Value, on: NaiveDate) -> Result<Patient, String> {
    let text = toml::to_string(file).map_err(|e| format!("patient file: {e}"))?;
    Patient::from_toml("patient file", &text, kb, on).map_err(|e| e.to_string())
}

/// Writes patient `p` and its records in order, then the amendments and voids; returns the
/// number of records, or why a record was refused (naming its entry).
fn write_patient(
    kb: &KnowledgeBase,
    store: &mut Store,
    p: &ImportedPatient,
    bundle_id: &str,
) -> Result<usize, String> {
    let code = p.patient.code.as_str();
    store
        .add_patient(&p.patient)
        .map_err(|e| format!("Patient: {}", Failure::from(e)))?;
    let late = |original: &Option<String>| {
        Some(match original {
            Some(o) => format!("{o} (imported from FHIR bundle {bundle_id})"),
            None => format!("imported from FHIR bundle {bundle_id}"),
        })
    };
    // The new row of each record written, by its full URL, with its kind: a reference must name
    // a record of the kind it expects.
    let mut ids: BTreeMap<&str, (&str, i64)> = BTreeMap::new();
    let of_kind = |ids: &BTreeMap<&str, (&str, i64)>, url: &str, kind: &str| {
        ids.get(url)
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
            .ok_or_else(|| {
                format!("{url:?}: accepted: a {kind} of {code} recorded before it in the bundle")
            })
    };
    let mut files: Vec<(NaiveDate, &Value)> = Vec::new();
    for r in &p.records {
        let at = |e: String| format!("entry[{}] ({}): {e}", r.index, r.record.kind());
        let failed = |e: microneedling_store::StoreError| at(Failure::from(e).to_string());
        let id = match &r.record {
            Record::Screening {
                at: on,
                patient_file,
                screening,
                clearances,
            } => {
                let patient = patient_of(kb, patient_file, *on).map_err(at)?;
                let reason = late(&None).unwrap_or_default();
                let id = store
                    .record_screening_on(code, &patient, screening, *on, &reason)
                    .map_err(failed)?
                    .id;
                for (rule, reason) in clearances {
                    store.add_clearance(code, rule, reason).map_err(failed)?;
                }
                files.push((*on, patient_file));
                id
            }
            Record::Consent {
                version,
                text_sha256,
                signed_at,
                signer,
                signature_sha256,
            } => store
                .record_consent_sha256(
                    code,
                    version,
                    text_sha256,
                    *signed_at,
                    signer.as_deref(),
                    signature_sha256.clone(),
                )
                .map_err(failed)?,
            Record::Plan {
                created,
                indication,
                device,
                sessions,
                interval_weeks,
                override_reason,
                overrides_screening,
            } => {
                // The plan is made again from the patient file of the screening before it, for
                // its indication and device, and must come out as recorded.
                let (_, file) = files
                    .iter()
                    .rev()
                    .find(|(d, _)| d <= created)
                    .or(files.first())
                    .ok_or_else(|| at("no screening of the patient before it: a plan is made from a screening's patient file".into()))?;
                let mut file = (*file).clone();
                file["treatment"]["indication"] = json!(indication);
                file["treatment"]["device"] = json!(device);
                let patient = patient_of(kb, &file, *created).map_err(at)?;
                let plan = match microneedling_core::plan::plan(
                    kb,
                    &patient,
                    override_reason.as_deref(),
                    &kb.isotretinoin_policy,
                )
                .map_err(|e| at(e.to_string()))?
                {
                    PlanOutcome::Planned(plan) => plan,
                    PlanOutcome::Refused(_) => {
                        return Err(at("contraindicated and the plan carries no override".into()));
                    }
                };
                let made = (
                    plan.indication.as_str(),
                    plan.device.id.as_str(),
                    plan.sessions,
                    plan.interval_weeks,
                );
                if made
                    != (
                        indication.as_str(),
                        device.as_str(),
                        *sessions,
                        *interval_weeks,
                    )
                {
                    return Err(at(format!(
                        "the plan made again gives {made:?}, the bundle records {:?}: the knowledge base differs",
                        (indication, device, sessions, interval_weeks)
                    )));
                }
                let over = overrides_screening
                    .as_deref()
                    .map(|u| of_kind(&ids, u, "screening"))
                    .transpose()
                    .map_err(at)?;
                store
                    .record_plan(code, &patient, &plan, *created, over)
                    .map_err(failed)?
                    .id
            }
            Record::Session(s) => {
                let session = NewSession {
                    late_entry: late(&s.late_entry),
                    ..s.clone()
                };
                store.add_session(kb, &session).map_err(failed)?.id
            }
            Record::AdverseEvent { event, session } => {
                let event = NewAdverseEvent {
                    session_id: session
                        .as_deref()
                        .map(|u| of_kind(&ids, u, "session"))
                        .transpose()
                        .map_err(at)?,
                    late_entry: late(&event.late_entry),
                    ..event.clone()
                };
                store.add_adverse_event(kb, &event).map_err(failed)?
            }
            Record::Outcome(o) => {
                let outcome = NewOutcome {
                    late_entry: late(&o.late_entry),
                    ..o.clone()
                };
                store.add_outcome(&outcome).map_err(failed)?
            }
            Record::Photo(photo) => store.add_photo(photo).map_err(failed)?,
        };
        ids.insert(r.full_url.as_str(), (r.record.kind(), id));
    }
    for r in &p.records {
        let Some(change) = &r.change else { continue };
        let at = |e: String| format!("entry[{}] ({}): {e}", r.index, r.record.kind());
        let kind = r.record.kind();
        let old = of_kind(&ids, &r.full_url, kind).map_err(at)?;
        let done = match change.replaced_by.as_deref() {
            Some(url) => {
                let new = of_kind(&ids, url, kind).map_err(at)?;
                store.link_amendment(kind, old, new, &change.reason)
            }
            None => store.void(kind, old, &change.reason),
        };
        done.map_err(|e| at(Failure::from(e).to_string()))?;
    }
    Ok(p.records.len())
}
