use std::path::Path;
use std::process::ExitCode;

use microneedling_core::healing::simulate;
use microneedling_core::setting::{HealingQuery, SettingQuery, healing_query};
use microneedling_core::{InputError, KnowledgeBase};

use super::Output;
use crate::args::SettingArgs;
use crate::failure::Failure;
use crate::render;

/// Bands of at least this many samples show a spinner on a terminal.
const SPINNER_SAMPLES: usize = 20_000;

/// The arguments of `simulate healing`, as parsed.
#[derive(Debug)]
pub struct HealingArgs<'a> {
    pub setting: &'a SettingArgs,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub months: u32,
    pub indication: Option<&'a str>,
    pub topical: Option<&'a str>,
    pub scale: Option<&'a str>,
    pub baseline: Option<f64>,
    pub seed: u64,
    pub samples: usize,
    pub csv: Option<&'a Path>,
    pub report: Option<&'a Path>,
}

pub fn run(kb: &KnowledgeBase, args: HealingArgs<'_>, out: Output) -> Result<ExitCode, Failure> {
    let device = args.setting.device.as_deref().ok_or_else(|| {
        InputError::new(
            "--device",
            "missing",
            "a device id (catalog or --device-file), or none for a topical alone",
        )
    })?;
    let query = HealingQuery {
        setting: SettingQuery {
            device,
            length_mm: args.setting.length_mm,
            site: &args.setting.site,
            sex: super::sex(args.setting.person.sex),
            age_years: Some(args.setting.person.age),
            passes: args.setting.passes,
        },
        topical: args.topical,
        indication: args.indication,
        scale: args.scale,
        baseline: args.baseline,
    };
    let request = healing_query(kb, &query)
        .map_err(super::as_option)?
        .sessions(args.sessions)
        .interval_weeks(args.interval_weeks)
        .months(args.months)
        .seed(args.seed)
        .samples(args.samples)
        .build()
        .map_err(super::as_option)?;
    let taken = super::stdout_taken(&[("--csv", args.csv), ("--report", args.report)])?;
    let healing = {
        // The band's samples are the long part (a second per 100,000 on one core).
        let _spinner = (args.samples >= SPINNER_SAMPLES)
            .then(|| crate::ui::spinner(&format!("{} samples", args.samples)));
        simulate(&kb.healing, &request)
    };
    if let Some(path) = args.csv {
        super::write_output("--csv", path, &super::tidy::healing(&healing)?)?;
    }
    if let Some(path) = args.report {
        let mut r = microneedling_report::Report::new(
            format!(
                "Healing: {} sessions of {} on the {}",
                healing.sessions, healing.device, healing.site
            ),
            &kb.edition(),
        );
        r.healing(&healing);
        super::write_report(path, &r)?;
    }
    if !taken {
        out.emit(&healing, render::healing)?;
    }
    Ok(ExitCode::SUCCESS)
}
