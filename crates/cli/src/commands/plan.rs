use std::path::Path;
use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use microneedling_core::plan::{PlanOutcome, plan};

use super::{Output, load_patient, policy};
use crate::args::PolicyArgs;
use crate::config::Config;
use crate::failure::{EXIT_PLAN_REFUSED, Failure};
use crate::render;

pub fn run(
    kb: &KnowledgeBase,
    path: &Path,
    override_reason: Option<&str>,
    policy_args: &PolicyArgs,
    config: &Config,
    report: Option<&Path>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let policy = policy(kb, policy_args, config)?;
    let taken = super::stdout_taken(&[("--report", report)])?;
    let patient = load_patient(kb, path, policy_args)?;
    match plan(kb, &patient, override_reason, &policy)? {
        PlanOutcome::Planned(plan) => {
            if let Some(path) = report {
                super::write_report(path, &microneedling_report::plan_report(&plan, &patient))?;
            }
            if !taken {
                out.emit(plan.as_ref(), render::plan)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        PlanOutcome::Refused(screening) => {
            out.emit(&screening, |s| {
                format!(
                    "NO PLAN: the patient is contraindicated. Give --override \"reason\" to plan anyway; the plan will carry it.\n\n{}",
                    render::screening(s)
                )
            })?;
            Ok(ExitCode::from(EXIT_PLAN_REFUSED))
        }
    }
}
