//! The records made from the patient's own files: screenings and plans (from the patient file,
//! which must describe the recorded patient) and consent (from the text signed).

use std::path::Path;
use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;
use microneedling_core::plan::{PlanOutcome, assess};
use microneedling_store::{FileStore, NewConsent, Store, sha256_hex};

use super::{date, said};
use crate::args::{ClearanceCommand, PolicyArgs};
use crate::commands::{Output, load_patient, read_bytes, read_input};
use crate::failure::{EXIT_PLAN_REFUSED, Failure};
use crate::render;

/// `records screen`: dated today; the store keeps a contraindication found earlier unless
/// cleared, so the screening printed is the one recorded.
pub fn screen(
    kb: &KnowledgeBase,
    store: &mut Store,
    code: &str,
    patient: &Path,
    device: Option<&str>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let p = patient_file(kb, patient, None)?;
    let assessment = assess(kb, &p, device, &kb.isotretinoin_policy)?;
    let recorded = store.record_screening(code, &p, &assessment.screening)?;
    let text = format!(
        "Screening {} recorded for {code}.\n{}",
        recorded.id,
        render::screening(&recorded.screening)
    );
    said(
        out,
        &serde_json::json!({ "id": recorded.id, "screening": recorded.screening }),
        text,
    )
}

/// `records clearance add`: who (the writer) and when (now) are recorded with the rule.
pub fn clearance(
    store: &mut Store,
    command: &ClearanceCommand,
    out: Output,
) -> Result<ExitCode, Failure> {
    let ClearanceCommand::Add { code, rule, reason } = command;
    let record = store.add_clearance(code, rule, reason)?;
    let text = format!(
        "Clearance {} of {rule} recorded for {code} by {} ({})",
        record.id, record.cleared_by, record.cleared_at
    );
    said(out, &record, text)
}

/// The arguments of `records consent`.
pub struct ConsentArgs<'a> {
    pub code: &'a str,
    pub version: &'a str,
    pub text_file: &'a Path,
    pub on: Option<&'a str>,
    pub signer: Option<&'a str>,
    pub signature_file: Option<&'a Path>,
}

/// `records consent`: the text's hash is kept, never the text; the signer's name and the drawn
/// signature (an image in the file store) when given.
pub fn consent(
    store: &mut Store,
    files: &FileStore,
    args: ConsentArgs<'_>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let text = read_input("--text-file", args.text_file)?;
    let signature_image = args
        .signature_file
        .map(|f| read_bytes("--signature-file", f))
        .transpose()?;
    let consent = NewConsent {
        code: args.code.to_string(),
        version: args.version.to_string(),
        text: text.clone(),
        signed_at: date("--date", args.on)?,
        signer: args.signer.map(str::to_string),
        signature_image,
    };
    let id = store.record_signed_consent(files, &consent)?;
    let recorded = store
        .history(args.code)?
        .consents
        .into_iter()
        .find(|c| c.id == id);
    let hash = sha256_hex(text.as_bytes());
    let (code, version) = (args.code, args.version);
    let signed = args
        .signer
        .map_or(String::new(), |s| format!(", signed by {s}"));
    said(
        out,
        &serde_json::json!({ "id": id, "version": version, "text_sha256": hash, "consent": recorded }),
        format!("Consent {id} ({version}, sha256 {hash}{signed}) recorded for {code}"),
    )
}

/// An override as the command line gives it: the reason and the screening it overrides.
#[derive(Debug, Clone, Copy)]
pub struct Override<'a> {
    pub reason: Option<&'a str>,
    pub screening: Option<i64>,
}

/// `records plan`: a refused plan (contraindicated, no override) records nothing and exits 3.
/// An override is bound to `--overrides-screening` or the latest contraindicated screening,
/// which is printed, with the writer as the clinician.
pub fn plan(
    kb: &KnowledgeBase,
    store: &mut Store,
    code: &str,
    patient: &Path,
    over: Override<'_>,
    on: Option<&str>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let p = patient_file(kb, patient, on)?;
    match microneedling_core::plan::plan(kb, &p, over.reason, &kb.isotretinoin_policy)? {
        PlanOutcome::Planned(plan) => {
            let record = store.record_plan(code, &p, &plan, date("--date", on)?, over.screening)?;
            let mut text = format!("Plan {} recorded for {code}.\n", record.id);
            if let (Some(screening), Some(clinician)) =
                (record.overrides_screening_id, &record.override_clinician)
            {
                text.push_str(&format!(
                    "OVERRIDE of screening {screening} (accepts {}) by {clinician}\n",
                    record.override_rules.join(", ")
                ));
            }
            text.push_str(&render::plan(&plan));
            said(
                out,
                &serde_json::json!({ "id": record.id, "record": record, "plan": plan }),
                text,
            )
        }
        PlanOutcome::Refused(screening) => {
            // A refused attempt is audited too (the refusal names the patient by row id).
            store.audit_refused(
                "plan",
                &format!("{code}: contraindicated, no override: no plan recorded"),
            )?;
            out.emit(&screening, |s| format!("NO PLAN recorded: contraindicated; --override \"reason\" to plan anyway.\n\n{}", render::screening(s)))?;
            Ok(ExitCode::from(EXIT_PLAN_REFUSED))
        }
    }
}

/// The patient file, read as of `on` (default today); the store checks that it describes the
/// recorded patient.
fn patient_file(kb: &KnowledgeBase, patient: &Path, on: Option<&str>) -> Result<Patient, Failure> {
    let policy_args = PolicyArgs {
        isotretinoin_window_days: None,
        isotretinoin_tier: None,
        today: on.map(str::to_string),
    };
    load_patient(kb, patient, &policy_args)
}
