use std::process::ExitCode;

use microneedling_core::KnowledgeBase;

use super::Output;
use crate::args::Model;
use crate::failure::Failure;
use crate::render;

pub fn run(kb: &KnowledgeBase, model: Model, out: Output) -> Result<ExitCode, Failure> {
    match model {
        Model::Penetration {
            device,
            length_mm,
            site,
            person,
            passes,
            report,
        } => {
            let (device, length_mm, passes, skin) =
                super::setting(kb, &device, length_mm, &site, &person, passes)?;
            let result = kb.penetration.simulate(device, length_mm, &skin, passes);
            if let Some(path) = report {
                let mut r = microneedling_report::Report::new(
                    format!("Penetration: {} on the {}", result.device, result.site),
                    kb.disclaimer.clone(),
                );
                r.penetration(&result);
                super::write_report(&path, &r)?;
            }
            out.emit(&result, render::penetration)?;
        }
        Model::Healing {
            device,
            length_mm,
            site,
            person,
            passes,
            sessions,
            interval_weeks,
            months,
            indication,
            seed,
            samples,
            csv,
            report,
        } => {
            let args = super::healing::HealingArgs {
                device: &device,
                length_mm,
                site: &site,
                person: &person,
                passes,
                sessions,
                interval_weeks,
                months,
                indication: indication.as_deref(),
                seed,
                samples,
                csv: csv.as_deref(),
                report: report.as_deref(),
            };
            return super::healing::run(kb, args, out);
        }
        Model::Delivery {
            agent,
            agent_mw,
            agent_logkow,
            device,
            length_mm,
            site,
            person,
            passes,
            hours,
            occluded,
            dose,
            closure_half_life_h,
            report_hours,
            profile_hours,
            csv,
            report,
        } => {
            let args = super::delivery::DeliveryArgs {
                agent: agent.as_deref(),
                agent_mw,
                agent_logkow,
                device: &device,
                length_mm,
                site: &site,
                person: &person,
                passes,
                hours,
                occluded,
                dose: &dose,
                closure_half_life_h,
                report_hours,
                profile_hours,
                csv: csv.as_deref(),
                report: report.as_deref(),
            };
            return super::delivery::run(kb, args, out);
        }
    }
    Ok(ExitCode::SUCCESS)
}
