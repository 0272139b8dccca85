use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use microneedling_core::healing::{Healing, ScaleChoice, simulate};
use microneedling_core::{InputError, KnowledgeBase};

use super::Output;
use crate::args::SettingArgs;
use crate::failure::Failure;
use crate::render;

/// The arguments of `simulate healing`, as parsed.
#[derive(Debug)]
pub struct HealingArgs<'a> {
    pub setting: &'a SettingArgs,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub months: u32,
    pub indication: Option<&'a str>,
    pub scale: Option<&'a str>,
    pub baseline: Option<f64>,
    pub seed: u64,
    pub samples: usize,
    pub csv: Option<&'a Path>,
    pub report: Option<&'a Path>,
}

pub fn run(kb: &KnowledgeBase, args: HealingArgs<'_>, out: Output) -> Result<ExitCode, Failure> {
    let rename = |field: &'static str| {
        move |e: InputError| InputError {
            field: field.into(),
            ..e
        }
    };
    let setting = super::setting(kb, args.setting)?;
    let indication = args
        .indication
        .map(|id| kb.indication(id).map_err(rename("--indication")))
        .transpose()?;
    let scale = ScaleChoice::for_request(&kb.healing.scales, indication, args.scale, args.baseline)
        .map_err(super::as_option)?;
    let request = setting
        .healing(kb)
        .scale(scale)
        .sessions(args.sessions)
        .interval_weeks(args.interval_weeks)
        .months(args.months)
        .indication(indication)
        .seed(args.seed)
        .samples(args.samples)
        .build()
        .map_err(super::as_option)?;
    let healing = simulate(&kb.healing, &request);
    if let Some(path) = args.csv {
        super::write_csv(path, &csv(&healing))?;
    }
    if let Some(path) = args.report {
        let mut r = microneedling_report::Report::new(
            format!(
                "Healing: {} sessions of {} on the {}",
                healing.sessions, healing.device, healing.site
            ),
            kb.disclaimer.clone(),
        );
        r.healing(&healing);
        super::write_report(path, &r)?;
    }
    out.emit(&healing, render::healing)?;
    Ok(ExitCode::SUCCESS)
}

pub fn csv(h: &Healing) -> String {
    let mut text =
        String::from("week,inflammation,fibroblasts,collagen_iii,collagen_i,new_collagen_pct\n");
    for p in &h.series {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{}",
            p.week, p.inflammation, p.fibroblasts, p.collagen_iii, p.collagen_i, p.new_collagen_pct
        );
    }
    text
}
