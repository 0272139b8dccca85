use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use microneedling_core::transport::{Delivery, DeliveryRequest, Dose, Solute, simulate};
use microneedling_core::{InputError, KnowledgeBase};

use super::Output;
use crate::args::PersonArgs;
use crate::failure::Failure;
use crate::render;

/// The arguments of `simulate delivery`, as parsed.
#[derive(Debug)]
pub struct DeliveryArgs<'a> {
    pub agent: Option<&'a str>,
    pub agent_mw: Option<f64>,
    pub agent_logkow: Option<f64>,
    pub device: &'a str,
    pub length_mm: Option<f64>,
    pub site: &'a str,
    pub person: &'a PersonArgs,
    pub passes: Option<u32>,
    pub hours: f64,
    pub occluded: bool,
    pub dose: &'a str,
    pub closure_half_life_h: Option<f64>,
    pub report_hours: Vec<f64>,
    pub profile_hours: Vec<f64>,
    pub csv: Option<&'a Path>,
    pub report: Option<&'a Path>,
}

fn rename(field: &str) -> impl Fn(InputError) -> InputError + '_ {
    move |e| InputError {
        field: field.into(),
        ..e
    }
}

pub fn run(kb: &KnowledgeBase, args: DeliveryArgs<'_>, out: Output) -> Result<ExitCode, Failure> {
    let (agent_id, solute) = match (args.agent, args.agent_mw, args.agent_logkow) {
        (Some(_), Some(_), _) => {
            return Err(InputError::new(
                "--agent",
                args.agent.unwrap_or_default(),
                "either --agent ID or --agent-mw with --agent-logkow, not both",
            )
            .into());
        }
        (Some(id), None, None) => {
            let agent = kb.agent(id).map_err(rename("--agent"))?;
            (agent.id.clone(), Solute::of_agent(agent)?)
        }
        (None, Some(mw), Some(log_kow)) => (
            String::from("custom"),
            Solute::new(mw, log_kow).map_err(|e| InputError {
                field: e
                    .field
                    .replace("agent.mw_g_per_mol", "--agent-mw")
                    .replace("agent.log_kow", "--agent-logkow"),
                ..e
            })?,
        ),
        _ => {
            return Err(InputError::new(
                "--agent",
                "missing",
                "an agent id, or --agent-mw with --agent-logkow",
            )
            .into());
        }
    };
    let (device, length_mm, passes, skin) = super::setting(
        kb,
        args.device,
        args.length_mm,
        args.site,
        args.person,
        args.passes,
    )?;
    let dose = Dose::parse("--dose", args.dose)?;
    let mut request = DeliveryRequest::new(
        kb,
        &agent_id,
        solute,
        device,
        length_mm,
        passes,
        skin,
        args.hours,
        args.occluded,
        dose,
    )
    .map_err(|e| {
        if e.field == "hours" {
            InputError {
                field: "--hours".into(),
                ..e
            }
        } else {
            e
        }
    })?;
    if let Some(hours) = args.closure_half_life_h {
        request = request
            .with_closure_half_life_h(hours)
            .map_err(rename("--closure-half-life-h"))?;
    }
    if !args.report_hours.is_empty() || !args.profile_hours.is_empty() {
        let report = if args.report_hours.is_empty() {
            request.report_hours.clone()
        } else {
            args.report_hours.clone()
        };
        let profile = if args.profile_hours.is_empty() {
            vec![request.hours]
        } else {
            args.profile_hours.clone()
        };
        request = request.with_times(report, profile).map_err(|e| {
            let field = if e.field.starts_with("report") {
                "--report-hours"
            } else {
                "--profile-hours"
            };
            InputError {
                field: field.into(),
                ..e
            }
        })?;
    }
    if args.report.is_some() && args.profile_hours.is_empty() {
        // The report's depth x time map wants a profile at every reported time.
        let times = request.report_hours.clone();
        request = request.with_times(times.clone(), times)?;
    }
    let delivery = simulate(kb, &request);
    if let Some(path) = args.csv {
        super::write_csv(path, &csv(&delivery))?;
    }
    if let Some(path) = args.report {
        let mut r = microneedling_report::Report::new(
            format!(
                "Delivery: {} through {} on the {}",
                delivery.agent, delivery.device, delivery.site
            ),
            kb.disclaimer.clone(),
        );
        r.penetration(&request.penetration);
        r.delivery(&delivery);
        super::write_report(path, &r)?;
    }
    out.emit(&delivery, render::delivery)?;
    Ok(ExitCode::SUCCESS)
}

/// The time series, one row per reported time, µg/cm².
pub fn csv(d: &Delivery) -> String {
    let mut text = String::from(
        "time_h,donor,stratum_corneum,viable_epidermis,papillary_dermis,reticular_dermis,channel,blood,absorbed,intact_absorbed\n",
    );
    for (p, intact) in d.delivered_ug_per_cm2.iter().zip(&d.intact_ug_per_cm2) {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{},{},{},{},{}",
            p.time_h,
            p.donor,
            p.stratum_corneum,
            p.viable_epidermis,
            p.papillary_dermis,
            p.reticular_dermis,
            p.channel,
            p.blood,
            p.absorbed,
            intact.absorbed
        );
    }
    text
}
