//! Text for humans. JSON carries the same content with stable field names.

use std::fmt::Write as _;

use microneedling_core::compare::Comparison;
use microneedling_core::device::DeviceUse;
use microneedling_core::provenance::Edition;
use microneedling_core::screening::Screening;
use microneedling_core::screening::adverse::{AdverseRisk, probability_text};
use microneedling_core::skin::Layer;
use microneedling_report::format::sig;

mod models;
mod plan;

pub use models::{delivery, healing, penetration};
pub use plan::plan;

fn layers(list: &[Layer]) -> String {
    if list.is_empty() {
        return String::from("none");
    }
    list.iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(" > ")
}

/// Who holds the device, as the plan and the comparison both say it.
fn device_use(device_use: DeviceUse) -> &'static str {
    if device_use == DeviceUse::Home {
        "home"
    } else {
        "professional"
    }
}

/// One `  - item` line per item: actions, care steps, trials and sources all read as bullets.
fn bullets(text: &mut String, items: &[String]) {
    for item in items {
        let _ = writeln!(text, "  - {item}");
    }
}

/// The closing line of the screening and the plan: which knowledge base spoke, and its caveat.
fn edition(text: &mut String, edition: &Edition) {
    let _ = write!(
        text,
        "\nKnowledge base {}. {}\n",
        edition.knowledge_base_version, edition.disclaimer
    );
}

fn adverse_effects(text: &mut String, effects: &[AdverseRisk]) {
    let _ = writeln!(
        text,
        "\nAdverse-effect profile (likelihood: baseline -> for this patient and device; probability over a course, median (10-90 %), where trials give a rate)"
    );
    for effect in effects {
        let raised: Vec<&str> = effect.raised_by.iter().map(|d| d.reason.as_str()).collect();
        let why = if !effect.applies {
            String::from("  (not with this device kind)")
        } else if raised.is_empty() {
            String::new()
        } else {
            format!("  raised by: {}", raised.join("; "))
        };
        let _ = writeln!(
            text,
            "  {:<38} {:>8} -> {:<8} {:<16} {}{}",
            effect.name,
            effect.baseline.as_str(),
            effect.likelihood.as_str(),
            probability_text(effect),
            effect.typical_duration,
            why
        );
        if effect.applies && effect.probability_pct.is_some() {
            let _ = writeln!(text, "      probability: {}", effect.probability_source);
        }
    }
    text.push_str(
        "  Probabilities are decision support from small trials, not a prediction for one person.\n",
    );
}

pub fn screening(s: &Screening) -> String {
    let mut text = format!(
        "Screening verdict: {}  (device {})\n",
        s.verdict.as_str().to_uppercase(),
        s.device
    );
    if s.findings.is_empty() {
        text.push_str("No contraindication, clearance or caution rule applies.\n");
    }
    for f in &s.findings {
        let _ = writeln!(
            text,
            "  [{}] {}: {}\n      source: {}",
            f.tier.as_str(),
            f.rule,
            f.message,
            f.source
        );
    }
    if !s.actions.is_empty() {
        text.push_str("\nRequired actions\n");
        bullets(&mut text, &s.actions);
    }
    adverse_effects(&mut text, &s.adverse_effects);
    edition(&mut text, &s.edition);
    text
}

pub fn comparison(c: &Comparison) -> String {
    let mut text = format!(
        "Devices compared on the {} ({}, {} years)\n",
        c.site,
        c.sex.as_str(),
        c.age_years
    );
    for r in &c.rows {
        let _ = writeln!(
            text,
            "\n{} ({}, {})\n  setting            {} mm × {} passes\n  effective depth    {} µm, reaches {}\n  pinpoint bleeding  {}\n  channels           {} per cm²\n  pain               {} / 10, erythema about {} h\n  infection risk     {}\n  cleaning           {}\n  expected effect    {}",
            r.name,
            r.kind.as_str(),
            device_use(r.device_use),
            sig(r.length_mm, 3),
            r.passes,
            sig(r.effective_depth_um, 3),
            r.deepest_layer
                .map_or("no layer (no puncture)", |l| l.name()),
            if r.pinpoint_bleeding_expected {
                "expected"
            } else {
                "no"
            },
            sig(r.channels_per_cm2, 3),
            sig(r.pain_0_10, 2),
            sig(r.erythema_hours, 2),
            r.infection_risk,
            r.cleaning,
            r.expected_effect
        );
        for w in &r.warnings {
            let _ = writeln!(text, "  WARNING: {w}");
        }
    }
    text.push_str("\nSources\n");
    bullets(&mut text, &c.sources);
    let _ = writeln!(text, "{}", c.disclaimer);
    text
}
