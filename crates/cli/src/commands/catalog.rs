use std::fmt::Write as _;
use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use microneedling_core::agent::Agent;
use microneedling_core::device::Device;
use microneedling_core::evidence::{self, Arm, Followup, FollowupKind};
use microneedling_core::healing::Scale;
use microneedling_core::indication::Indication;
use microneedling_core::provenance::Provenance;
use microneedling_core::screening::Rule;
use microneedling_core::screening::adverse::AdverseEffect;
use microneedling_core::skin::Site;

use super::Output;
use crate::args::CatalogKind;
use crate::failure::Failure;

fn cite(source: &Option<String>, assumption: &Option<String>) -> String {
    Provenance {
        source: source.clone(),
        assumption: assumption.clone(),
    }
    .cite()
}

/// One table per catalogue; each kind has its own text writer below.
pub fn run(kb: &KnowledgeBase, what: CatalogKind, out: Output) -> Result<ExitCode, Failure> {
    match what {
        CatalogKind::Sites => out.emit(&kb.sites, |sites| sites_text(sites))?,
        CatalogKind::Devices => out.emit(&kb.devices, |devices| devices_text(devices))?,
        CatalogKind::Agents => out.emit(&kb.agents, |agents| agents_text(agents))?,
        CatalogKind::Indications => {
            out.emit(&kb.indications, |indications| indications_text(indications))?
        }
        CatalogKind::Rules => out.emit(&kb.rules, |rules| rules_text(rules))?,
        CatalogKind::AdverseEffects => {
            out.emit(&kb.adverse_effects, |effects| adverse_effects_text(effects))?
        }
        CatalogKind::Trials => out.emit(&evidence::embedded()?.arms, |arms| trials_text(arms))?,
        CatalogKind::Scales => out.emit(&kb.healing.scales, |scales| scales_text(scales))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn scales_text(scales: &[Scale]) -> String {
    let mut text = String::from(
        "Clinical scales by indication (the first of each indication is its default)\n",
    );
    for s in scales {
        let range = s.range.map_or(String::from("open-ended"), |[lo, hi]| {
            format!("{lo} to {hi}")
        });
        let baseline = s.typical_baseline.as_ref().map_or(String::new(), |b| {
            format!(", typical baseline {} ({})", b.value, b.provenance.cite())
        });
        let _ = writeln!(
            text,
            "{:<14} {:<34} {:?}, {range} {}{}\n               {}{baseline}",
            s.indication,
            s.id,
            s.kind,
            s.unit,
            if s.higher_is_worse {
                ", higher is worse"
            } else {
                ""
            },
            s.name
        );
    }
    text
}

fn sites_text(sites: &[Site]) -> String {
    let mut text = String::from("Sites: layer thickness (um, female / male), depth guide (mm)\n");
    for s in sites {
        let _ = writeln!(
            text,
            "{:<12} SC {:>5.1}/{:<5.1} epidermis {:>5.1}/{:<5.1} dermis {:>6.0}/{:<6.0} guide {}-{} (max {}) mm\n             dermis: {}",
            s.id,
            s.stratum_corneum_um.female,
            s.stratum_corneum_um.male,
            s.viable_epidermis_um.female,
            s.viable_epidermis_um.male,
            s.dermis_um.female,
            s.dermis_um.male,
            s.depth_guide_mm.light,
            s.depth_guide_mm.deep,
            s.depth_guide_mm.max,
            s.dermis_um.provenance.cite()
        );
    }
    text
}

fn devices_text(devices: &[Device]) -> String {
    let mut text = String::from("Devices\n");
    for d in devices {
        let _ = writeln!(
            text,
            "{:<16} {:<6} {:<12} {:>3} needles, {}; {:.0} channels/cm2 per pass\n                 {}\n                 source: {}",
            d.id,
            d.kind.as_str(),
            if d.is_home() { "home" } else { "professional" },
            d.needle_count,
            d.lengths_accepted(),
            d.channels_per_cm2_per_pass(),
            d.name,
            d.provenance().cite()
        );
    }
    text
}

fn agents_text(agents: &[Agent]) -> String {
    let mut text = String::from("Topical agents\n");
    for a in agents {
        let _ = writeln!(
            text,
            "{:<16} MW {:>9.2} g/mol  log Kow {:>6}  intradermal: {:<3}  {}\n                 source: {}",
            a.id,
            a.mw_g_per_mol,
            a.log_kow.map_or("-".to_string(), |k| format!("{k:.2}")),
            if a.intradermal_suited { "yes" } else { "no" },
            a.timing.describe(),
            cite(&a.source, &a.assumption)
        );
    }
    text
}

fn indications_text(indications: &[Indication]) -> String {
    let mut text = String::from("Indications\n");
    for i in indications {
        let _ = writeln!(
            text,
            "{:<14} {} sessions every {} weeks, {:?} depth, device {}, evidence {:?}\n               {}\n               source: {}",
            i.id,
            i.sessions,
            i.interval_weeks,
            i.intensity,
            i.preferred_device,
            i.evidence,
            i.name,
            cite(&i.source, &i.assumption)
        );
    }
    text
}

fn rules_text(rules: &[Rule]) -> String {
    let mut text = String::from("Screening rules\n");
    for r in rules {
        let _ = writeln!(
            text,
            "{:<28} {:<16} {}\n                             source: {}",
            r.id,
            r.tier.as_str(),
            r.message,
            cite(&r.source, &r.assumption)
        );
    }
    text
}

fn adverse_effects_text(effects: &[AdverseEffect]) -> String {
    let mut text = String::from("Adverse effects\n");
    for e in effects {
        let _ = writeln!(
            text,
            "{:<20} {:<9} {}; raised by {:?}\n                     source: {}",
            e.id,
            e.likelihood.as_str(),
            e.typical_duration,
            e.drivers,
            cite(&e.source, &e.assumption)
        );
    }
    text
}

fn followup_text(f: &Followup) -> String {
    let sd = f.sd.map_or(String::new(), |sd| format!(" sd {sd}"));
    let what = match f.kind {
        FollowupKind::Score => String::new(),
        FollowupKind::Change => " change".into(),
        FollowupKind::PctImprovement => " % better".into(),
        FollowupKind::RespondersPct => " % responders".into(),
    };
    format!("m{} {}{what}{sd}", f.month, f.value)
}

fn trials_text(arms: &[Arm]) -> String {
    let mut text = String::from(
        "Trial arms: indication, n, scale, baseline -> follow-ups (month from the first session)\n",
    );
    for a in arms {
        let baseline = a.baseline.map_or("-".to_string(), |b| match a.baseline_sd {
            Some(sd) => format!("{b} sd {sd}"),
            None => b.to_string(),
        });
        let followups: Vec<String> = a.followups.iter().map(followup_text).collect();
        let _ = writeln!(
            text,
            "{:<38} {:<14} n {:>3} {}{} {}; {} -> {}; {}\n{:<38} source: {}",
            a.id,
            a.indication,
            a.n,
            a.device.as_str(),
            if a.control { " (control)" } else { "" },
            a.scale,
            baseline,
            followups.join(", "),
            if a.verified {
                "verified"
            } else {
                "not verified"
            },
            "",
            a.source
        );
    }
    text
}
