use std::path::Path;
use std::process::ExitCode;

use microneedling_core::setting::{DeliveryQuery, delivery_builder};
use microneedling_core::skin::LayerThicknesses;
use microneedling_core::transport::{
    DeliveryRequest, DeliveryRequestBuilder, Dose, GroupKind, Hydration, Preparation, Solute,
    Volatility, simulate,
};
use microneedling_core::{InputError, KnowledgeBase};

use super::Output;
use crate::args::{AgentArgs, HydrationArg, PkaKindArg, PreparationArg, SettingArgs, SkinArgs};
use crate::failure::Failure;
use crate::render;

/// The arguments of `simulate delivery`, as parsed.
#[derive(Debug)]
pub struct DeliveryArgs<'a> {
    pub agent: &'a AgentArgs,
    pub setting: &'a SettingArgs,
    pub skin: &'a SkinArgs,
    pub hours: f64,
    pub occluded: bool,
    pub dose: &'a str,
    pub closure_half_life_h: Option<f64>,
    pub wash_at_h: Option<f64>,
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
fn solute(kb: &KnowledgeBase, args: &AgentArgs) -> Result<(String, Solute), Failure> {
    match (args.agent.as_deref(), args.agent_mw, args.agent_logkow) {
        (Some(id), Some(_), _) => Err(InputError::new(
            "--agent",
            id,
            "either --agent ID or --agent-mw with --agent-logkow, not both",
        )
        .into()),
        (Some(id), None, None) => {
            let agent = kb.agent(id).map_err(rename("--agent"))?;
            Ok((agent.id.clone(), agent.solute()?))
        }
        (None, Some(mw), Some(log_kow)) => Ok((
            String::from("custom"),
            custom_solute(args, mw, log_kow).map_err(|e| InputError {
                field: e
                    .field
                    .replace("agent.log_kow", "--agent-logkow")
                    .replace("agent.mw_g_per_mol", "--agent-mw")
                    .replace("agent.", "--agent-")
                    .replace('_', "-"),
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

fn custom_solute(args: &AgentArgs, mw: f64, log_kow: f64) -> Result<Solute, InputError> {
    let mut solute = Solute::new(mw, log_kow)?;
    if let Some(pka) = args.agent_pka {
        let kind = match args.agent_pka_kind {
            PkaKindArg::Acid => GroupKind::Acid,
            PkaKindArg::Base => GroupKind::Base,
        };
        solute = solute.with_group(pka, kind)?;
    }
    let volatility = Volatility::from_parts(
        args.agent_vapour_pressure_pa,
        args.agent_boiling_point_c,
        args.agent_melting_point_c,
    );
    solute.with_known(args.agent_solubility_mg_per_ml, volatility)
}

/// The request builder: through a device's channels, or intact skin only; layers of the
/// caller's, and in vitro a dermatomed dermis unless one is given.
fn builder(
    kb: &KnowledgeBase,
    args: &DeliveryArgs<'_>,
    agent_id: &str,
    solute: Solute,
) -> Result<DeliveryRequestBuilder, Failure> {
    let (skin, setting) = (args.skin, args.setting);
    let device = if skin.intact_only {
        None
    } else {
        Some(setting.device.as_deref().ok_or_else(|| {
            InputError::new(
                "--device",
                "missing",
                "a device id (catalog or --device-file), or --intact-only",
            )
        })?)
    };
    let query = DeliveryQuery {
        device,
        length_mm: setting.length_mm,
        site: &setting.site,
        sex: super::sex(setting.person.sex),
        age_years: Some(setting.person.age),
        passes: setting.passes,
        preparation: match skin.preparation {
            PreparationArg::InVivo => Preparation::InVivo,
            PreparationArg::InVitro => Preparation::InVitro,
        },
        hydration: match skin.sc_hydration {
            HydrationArg::Partial => Hydration::Partial,
            HydrationArg::Full => Hydration::Full,
        },
        layers: LayerThicknesses {
            stratum_corneum_um: skin.sc_um,
            viable_epidermis_um: skin.epidermis_um,
            dermis_um: skin.dermis_um,
        },
    };
    Ok(delivery_builder(kb, &query, agent_id, solute).map_err(super::as_option)?)
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
    let (agent_id, solute) = solute(kb, args.agent)?;
    let dose = Dose::parse("--dose", args.dose)?;
    let mut builder = builder(kb, &args, &agent_id, solute)?
        .hours(args.hours)
        .occluded(args.occluded)
        .dose(dose);
    if let Some(hours) = args.closure_half_life_h {
        builder = builder.closure_half_life_h(hours);
    }
    if let Some(hours) = args.wash_at_h {
        builder = builder.wash_at_h(hours);
    }
    let request: DeliveryRequest = with_times(builder, &args).build().map_err(|e| {
        let field = e.field.split('[').next().unwrap_or_default().to_string();
        InputError {
            field: super::flag(&field),
            ..e
        }
    })?;
    let taken = super::stdout_taken(&[("--csv", args.csv), ("--report", args.report)])?;
    let delivery = {
        let _spinner = crate::ui::spinner("simulating delivery");
        simulate(&kb.transport, &request)
    };
    if let Some(path) = args.csv {
        super::write_output("--csv", path, &super::tidy::delivery(&delivery)?)?;
    }
    if let Some(path) = args.report {
        let mut r = microneedling_report::Report::new(
            format!(
                "Delivery: {} through {} on the {}",
                delivery.agent, delivery.device, delivery.site
            ),
            &kb.edition(),
        );
        if let Some(p) = request.penetration() {
            r.penetration(p);
        }
        r.delivery(&delivery);
        super::write_report(path, &r)?;
    }
    if !taken {
        out.emit(&delivery, render::delivery)?;
    }
    Ok(ExitCode::SUCCESS)
}
