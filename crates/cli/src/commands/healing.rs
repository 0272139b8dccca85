use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use microneedling_core::healing::{Healing, HealingRequest, simulate};
use microneedling_core::skin::SkinProfile;
use microneedling_core::{InputError, KnowledgeBase};

use super::delivery::MAX_PASSES;
use super::{Output, sex};
use crate::args::PersonArgs;
use crate::failure::Failure;
use crate::render;

/// The arguments of `simulate healing`, as parsed.
#[derive(Debug)]
pub struct HealingArgs<'a> {
    pub device: &'a str,
    pub length_mm: Option<f64>,
    pub site: &'a str,
    pub person: &'a PersonArgs,
    pub passes: Option<u32>,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub months: u32,
    pub indication: Option<&'a str>,
    pub seed: u64,
    pub samples: usize,
    pub csv: Option<&'a Path>,
    pub report: Option<&'a Path>,
}

fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

pub fn run(kb: &KnowledgeBase, args: HealingArgs<'_>, out: Output) -> Result<ExitCode, Failure> {
    let rename = |field: &'static str| {
        move |e: InputError| InputError {
            field: field.into(),
            ..e
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
    let indication = match args.indication {
        Some(id) => Some(
            kb.indication(id)
                .map_err(rename("--indication"))?
                .id
                .clone(),
        ),
        None => None,
    };
    let skin = SkinProfile::new(site, sex(args.person.sex), args.person.age, &kb.age_model)
        .map_err(rename("--age"))?;
    let request = HealingRequest::new(
        device,
        length_mm,
        passes,
        skin,
        args.sessions,
        args.interval_weeks,
        args.months,
        indication,
        args.seed,
        args.samples,
    )
    .map_err(|e| InputError {
        field: flag(&e.field),
        ..e
    })?;
    let healing = simulate(kb, &request);
    if let Some(path) = args.csv {
        std::fs::write(path, csv(&healing)).map_err(|e| {
            Failure::Input(format!(
                "invalid --csv: cannot write {}: {e}",
                path.display()
            ))
        })?;
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
