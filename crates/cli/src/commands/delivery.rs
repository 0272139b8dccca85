use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use microneedling_core::transport::DeliveryRequestBuilder;
use microneedling_core::transport::{Delivery, DeliveryRequest, Dose, Solute, simulate};
use microneedling_core::{InputError, KnowledgeBase};

use super::Output;
use crate::args::SettingArgs;
use crate::failure::Failure;
use crate::render;

/// The arguments of `simulate delivery`, as parsed.
#[derive(Debug)]
pub struct DeliveryArgs<'a> {
    pub agent: Option<&'a str>,
    pub agent_mw: Option<f64>,
    pub agent_logkow: Option<f64>,
    pub setting: &'a SettingArgs,
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

/// The agent by catalog id, or a custom one by its properties: (name, solute).
fn solute(kb: &KnowledgeBase, args: &DeliveryArgs<'_>) -> Result<(String, Solute), Failure> {
    match (args.agent, args.agent_mw, args.agent_logkow) {
        (Some(_), Some(_), _) => Err(InputError::new(
            "--agent",
            args.agent.unwrap_or_default(),
            "either --agent ID or --agent-mw with --agent-logkow, not both",
        )
        .into()),
        (Some(id), None, None) => {
            let agent = kb.agent(id).map_err(rename("--agent"))?;
            Ok((agent.id.clone(), agent.solute()?))
        }
        (None, Some(mw), Some(log_kow)) => Ok((
            String::from("custom"),
            Solute::new(mw, log_kow).map_err(|e| InputError {
                field: e
                    .field
                    .replace("agent.mw_g_per_mol", "--agent-mw")
                    .replace("agent.log_kow", "--agent-logkow"),
                ..e
            })?,
        )),
        _ => Err(InputError::new(
            "--agent",
            "missing",
            "an agent id, or --agent-mw with --agent-logkow",
        )
        .into()),
    }
}

/// The reporting and profile times of the options: a report wants a depth profile at every
/// reported time (its depth × time map).
fn with_times(builder: DeliveryRequestBuilder, args: &DeliveryArgs<'_>) -> DeliveryRequestBuilder {
    let mut builder = builder;
    if !args.report_hours.is_empty() {
        builder = builder.report_hours(args.report_hours.clone());
    }
    if !args.profile_hours.is_empty() {
        builder = builder.profile_hours(args.profile_hours.clone());
    } else if args.report.is_some() {
        builder = builder.profiles_at_report_times();
    } else if !args.report_hours.is_empty() {
        builder = builder.profile_hours(vec![args.hours]);
    }
    builder
}

pub fn run(kb: &KnowledgeBase, args: DeliveryArgs<'_>, out: Output) -> Result<ExitCode, Failure> {
    let (agent_id, solute) = solute(kb, &args)?;
    let setting = super::setting(kb, args.setting)?;
    let dose = Dose::parse("--dose", args.dose)?;
    let mut builder = setting
        .delivery(kb, &agent_id, solute)
        .hours(args.hours)
        .occluded(args.occluded)
        .dose(dose);
    if let Some(hours) = args.closure_half_life_h {
        builder = builder.closure_half_life_h(hours);
    }
    let request: DeliveryRequest = with_times(builder, &args).build().map_err(|e| {
        let field = e.field.split('[').next().unwrap_or_default().to_string();
        InputError {
            field: super::flag(&field),
            ..e
        }
    })?;
    let delivery = simulate(&kb.transport, &request);
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
        r.penetration(request.penetration());
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
