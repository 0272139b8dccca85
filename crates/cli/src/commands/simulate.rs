use std::process::ExitCode;

use microneedling_core::KnowledgeBase;

use super::Output;
use microneedling_core::device::InsertionMode;
use microneedling_core::setting::InsertionQuery;

use crate::args::{InsertionArgs, Model};
use crate::failure::Failure;
use crate::render;

pub fn run(kb: &KnowledgeBase, model: Model, out: Output) -> Result<ExitCode, Failure> {
    match model {
        Model::Penetration {
            setting,
            insertion,
            report,
        } => {
            let taken = super::stdout_taken(&[("--report", report.as_deref())])?;
            let result = super::setting(kb, &setting)?
                .with_insertion(insertion_query(&insertion)?)
                .map_err(super::as_option)?
                .penetration(kb);
            if let Some(path) = report {
                let mut r = microneedling_report::Report::new(
                    format!("Penetration: {} on the {}", result.device, result.site),
                    &kb.edition(),
                );
                r.penetration(&result);
                super::write_report(&path, &r)?;
            }
            if !taken {
                out.emit(&result, render::penetration)?;
            }
        }
        Model::Healing {
            setting,
            sessions,
            interval_weeks,
            months,
            indication,
            topical,
            scale,
            baseline,
            seed,
            samples,
            csv,
            report,
        } => {
            let args = super::healing::HealingArgs {
                setting: &setting,
                sessions,
                interval_weeks,
                months,
                indication: indication.as_deref(),
                topical: topical.as_deref(),
                scale: scale.as_deref(),
                baseline,
                seed,
                samples,
                csv: csv.as_deref(),
                report: report.as_deref(),
            };
            return super::healing::run(kb, args, out);
        }
        Model::Delivery {
            agent,
            setting,
            skin,
            hours,
            occluded,
            dose,
            closure_half_life_h,
            wash_at_h,
            report_hours,
            profile_hours,
            csv,
            report,
        } => {
            let args = super::delivery::DeliveryArgs {
                agent: &agent,
                setting: &setting,
                skin: &skin,
                hours,
                occluded,
                dose: &dose,
                closure_half_life_h,
                wash_at_h,
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

/// The insertion options as the core reads them; errors name the option.
fn insertion_query(args: &InsertionArgs) -> Result<InsertionQuery, Failure> {
    let mode = args
        .insertion
        .as_deref()
        .map(|text| InsertionMode::parse("--insertion", text))
        .transpose()?;
    Ok(InsertionQuery {
        mode,
        force_n: args.force_n,
        speed_m_per_s: args.speed_m_per_s,
    })
}
