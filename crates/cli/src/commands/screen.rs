use std::path::Path;
use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use microneedling_core::plan::assess;

use super::{Output, load_patient, policy};
use crate::args::PolicyArgs;
use crate::config::Config;
use crate::failure::Failure;
use crate::render;

pub fn run(
    kb: &KnowledgeBase,
    path: &Path,
    device: Option<&str>,
    policy_args: &PolicyArgs,
    config: &Config,
    out: Output,
) -> Result<ExitCode, Failure> {
    let policy = policy(kb, policy_args, config)?;
    let patient = load_patient(kb, path, policy_args)?;
    if let Some(id) = device {
        kb.device(id).map_err(|e| microneedling_core::InputError {
            field: "--device".into(),
            ..e
        })?;
    }
    let assessment = assess(kb, &patient, device, &policy)?;
    out.emit(&assessment.screening, render::screening)?;
    Ok(ExitCode::SUCCESS)
}
