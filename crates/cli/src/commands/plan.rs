use std::path::Path;
use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use microneedling_core::plan::{PlanOutcome, plan};

use super::{Output, load_patient, policy};
use crate::args::PolicyArgs;
use crate::failure::{EXIT_PLAN_REFUSED, Failure};
use crate::render;

pub fn run(
    kb: &KnowledgeBase,
    path: &Path,
    override_reason: Option<&str>,
    policy_args: &PolicyArgs,
    report: Option<&Path>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let policy = policy(kb, policy_args)?;
    let patient = load_patient(kb, path, policy_args)?;
    match plan(kb, &patient, override_reason, &policy)? {
        PlanOutcome::Planned(plan) => {
            if let Some(path) = report {
                super::write_report(path, &plan_report(kb, &patient, &plan, &policy)?)?;
            }
            out.emit(plan.as_ref(), render::plan)?;
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

/// The plan's report: its first zone's penetration, its first in-session topical's delivery and
/// the expected course of its series.
fn plan_report(
    kb: &KnowledgeBase,
    patient: &microneedling_core::patient::Patient,
    plan: &microneedling_core::plan::Plan,
    policy: &microneedling_core::screening::IsotretinoinPolicy,
) -> Result<microneedling_report::Report, Failure> {
    use microneedling_core::healing::HealingRequest;
    use microneedling_core::skin::SkinProfile;
    use microneedling_core::transport::{DeliveryRequest, Dose, Solute};
    let assessment = microneedling_core::plan::assess(kb, patient, None, policy)?;
    let device = kb.device(&plan.device.id)?;
    let zone = plan.zones.first();
    let skin = match zone {
        Some(z) => Some(SkinProfile::new(
            kb.site(&z.site)?,
            patient.sex,
            patient.age_years,
            &kb.age_model,
        )?),
        None => None,
    };
    let penetration = zone
        .zip(skin.as_ref())
        .map(|(z, skin)| kb.penetration.simulate(device, z.depth_mm, skin, z.passes));
    let delivery = match (zone, skin.as_ref(), plan.topicals.first()) {
        (Some(z), Some(skin), Some(t)) => {
            let agent = kb.agent(&t.id)?;
            let request = DeliveryRequest::new(
                kb,
                &agent.id,
                Solute::of_agent(agent)?,
                device,
                z.depth_mm,
                z.passes,
                skin.clone(),
                24.0,
                false,
                Dose::Infinite {
                    mg_per_ml: kb.transport.dose.default_infinite_mg_per_ml.value,
                },
            )?;
            let times = request.report_hours.clone();
            let request = request.with_times(times.clone(), times)?;
            Some(microneedling_core::transport::simulate(kb, &request))
        }
        _ => None,
    };
    let healing = match (zone, skin) {
        (Some(z), Some(skin)) => {
            let request = HealingRequest::new(
                device,
                z.depth_mm,
                z.passes,
                skin,
                plan.sessions,
                plan.interval_weeks,
                12,
                Some(plan.indication.clone()),
                1,
                500,
            )?;
            Some(microneedling_core::healing::simulate(kb, &request))
        }
        _ => None,
    };
    Ok(microneedling_report::plan_report(
        plan,
        &assessment.screening,
        penetration.as_ref(),
        delivery.as_ref(),
        healing.as_ref(),
    ))
}
