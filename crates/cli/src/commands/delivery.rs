use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use microneedling_core::skin::SkinProfile;
use microneedling_core::transport::{Delivery, DeliveryRequest, Dose, Solute, simulate};
use microneedling_core::{InputError, KnowledgeBase};

use super::{Output, sex};
use crate::args::PersonArgs;
use crate::failure::Failure;
use crate::render;

/// Most passes accepted over one area in one session.
pub const MAX_PASSES: u32 = 100;

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
    let device = kb.device(args.device).map_err(rename("--device"))?;
    let site = kb.site(args.site).map_err(rename("--site"))?;
    let length_mm = device
        .check_length(args.length_mm.unwrap_or(device.default_length_mm))
        .map_err(rename("--length-mm"))?;
    let passes = args.passes.unwrap_or(device.default_passes);
    if passes == 0 || passes > MAX_PASSES {
        return Err(
            InputError::new("--passes", passes, format!("1 to {MAX_PASSES} passes")).into(),
        );
    }
    let skin = SkinProfile::new(site, sex(args.person.sex), args.person.age, &kb.age_model)
        .map_err(rename("--age"))?;
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
        std::fs::write(path, csv(&delivery)).map_err(|e| {
            Failure::Input(format!(
                "invalid --csv: cannot write {}: {e}",
                path.display()
            ))
        })?;
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
