//! The records made from the patient's own files: screenings and plans (from the patient file,
//! which must describe the recorded patient) and consent (from the text signed).

use std::path::Path;
use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;
use microneedling_core::plan::{PlanOutcome, assess};
use microneedling_store::{Store, sha256_hex};

use super::{date, said};
use crate::args::PolicyArgs;
use crate::commands::{Output, load_patient, read_input};
use crate::failure::{EXIT_PLAN_REFUSED, Failure};
use crate::render;

/// `records screen`.
pub fn screen(
    kb: &KnowledgeBase,
    store: &mut Store,
    code: &str,
    patient: &Path,
    device: Option<&str>,
    on: Option<&str>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let p = recorded_patient(kb, store, code, patient, on)?;
    let assessment = assess(kb, &p, device, &kb.isotretinoin_policy)?;
    let inputs = serde_json::to_value(&p).map_err(|e| Failure::Internal(e.to_string()))?;
    let id = store.record_screening(code, &inputs, &assessment.screening, date("--date", on)?)?;
    let text = format!(
        "Screening {id} recorded for {code}.\n{}",
        render::screening(&assessment.screening)
    );
    said(
        out,
        &serde_json::json!({ "id": id, "screening": assessment.screening }),
        text,
    )
}

/// `records consent`: the text's hash is kept, never the text.
pub fn consent(
    store: &mut Store,
    code: &str,
    version: &str,
    text_file: &Path,
    on: Option<&str>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let text = read_input("--text-file", text_file)?;
    let id = store.record_consent(code, version, &text, date("--date", on)?)?;
    let hash = sha256_hex(text.as_bytes());
    said(
        out,
        &serde_json::json!({ "id": id, "version": version, "text_sha256": hash }),
        format!("Consent {id} ({version}, sha256 {hash}) recorded for {code}"),
    )
}

/// `records plan`: a refused plan (contraindicated, no override) records nothing and exits 3.
pub fn plan(
    kb: &KnowledgeBase,
    store: &mut Store,
    code: &str,
    patient: &Path,
    override_reason: Option<&str>,
    on: Option<&str>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let p = recorded_patient(kb, store, code, patient, on)?;
    match microneedling_core::plan::plan(kb, &p, override_reason, &kb.isotretinoin_policy)? {
        PlanOutcome::Planned(plan) => {
            let id = store.record_plan(code, &plan, date("--date", on)?)?;
            let text = format!("Plan {id} recorded for {code}.\n{}", render::plan(&plan));
            said(out, &serde_json::json!({ "id": id, "plan": plan }), text)
        }
        PlanOutcome::Refused(screening) => {
            out.emit(&screening, |s| format!("NO PLAN recorded: contraindicated; --override \"reason\" to plan anyway.\n\n{}", render::screening(s)))?;
            Ok(ExitCode::from(EXIT_PLAN_REFUSED))
        }
    }
}

/// The patient file, read as of the record's date (`--date`, default today), checked to
/// describe the recorded patient `code`.
fn recorded_patient(
    kb: &KnowledgeBase,
    store: &Store,
    code: &str,
    patient: &Path,
    on: Option<&str>,
) -> Result<Patient, Failure> {
    let policy_args = PolicyArgs {
        isotretinoin_window_days: None,
        isotretinoin_tier: None,
        today: on.map(str::to_string),
    };
    let p = load_patient(kb, patient, &policy_args)?;
    check_same_patient(store, code, &p)?;
    Ok(p)
}

/// The patient file must describe the recorded patient.
fn check_same_patient(store: &Store, code: &str, patient: &Patient) -> Result<(), Failure> {
    let record = store.patient(code)?;
    if record.sex != patient.sex.as_str() || record.fitzpatrick != patient.fitzpatrick {
        return Err(Failure::Input(format!(
            "invalid patient file: it describes a {} of Fitzpatrick {}; the record of {code} is a {} of Fitzpatrick {}",
            patient.sex.as_str(),
            patient.fitzpatrick,
            record.sex,
            record.fitzpatrick
        )));
    }
    Ok(())
}
