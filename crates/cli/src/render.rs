//! Text for humans. JSON carries the same content with stable field names.

use std::fmt::Write as _;

use microneedling_core::compare::Comparison;
use microneedling_core::penetration::Penetration;
use microneedling_core::plan::Plan;
use microneedling_core::screening::Screening;
use microneedling_core::screening::adverse::AdverseRisk;
use microneedling_core::skin::Layer;

fn layers(list: &[Layer]) -> String {
    if list.is_empty() {
        return String::from("none");
    }
    list.iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(" > ")
}

fn adverse_effects(text: &mut String, effects: &[AdverseRisk]) {
    let _ = writeln!(
        text,
        "\nAdverse-effect profile (likelihood: baseline -> for this patient and device)"
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
            "  {:<38} {:>8} -> {:<8} {}{}",
            effect.name,
            effect.baseline.as_str(),
            effect.likelihood.as_str(),
            effect.typical_duration,
            why
        );
    }
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
        for action in &s.actions {
            let _ = writeln!(text, "  - {action}");
        }
    }
    adverse_effects(&mut text, &s.adverse_effects);
    let _ = write!(
        text,
        "\nKnowledge base {}. {}\n",
        s.edition.knowledge_base_version, s.edition.disclaimer
    );
    text
}

pub fn penetration(p: &Penetration) -> String {
    let mut text = format!(
        "Penetration: {} at {} mm on the {} ({}, {} years)\n",
        p.device,
        p.nominal_length_um / 1000.0,
        p.site,
        p.sex,
        p.age_years
    );
    let _ = writeln!(
        text,
        "  effective depth        {:.0} um ({:.0} % of the needle; skin deflects {:.0} um first)",
        p.effective_depth_um,
        p.effective_fraction * 100.0,
        p.dimple_um
    );
    let _ = writeln!(
        text,
        "  layers reached         {}",
        layers(&p.layers_reached)
    );
    let _ = writeln!(
        text,
        "  pinpoint bleeding      {}",
        if p.pinpoint_bleeding_expected {
            "expected (papillary dermis reached)"
        } else {
            "not expected"
        }
    );
    let _ = writeln!(
        text,
        "  channel at surface     {:.0} um wide, {:.3} nL each",
        p.channel_surface_diameter_um, p.channel_volume_nl
    );
    let _ = writeln!(
        text,
        "  channels               {:.0} per cm2 per pass x {} passes = {:.0} per cm2",
        p.channels_per_cm2_per_pass, p.passes, p.channels_per_cm2
    );
    let _ = writeln!(
        text,
        "  injured dermis         {:.4} % of its volume",
        p.injured_dermis_fraction * 100.0
    );
    let _ = writeln!(text, "  pain (no anaesthetic)  {:.1} / 10", p.pain_0_10);
    let _ = writeln!(
        text,
        "  erythema               about {:.0} h",
        p.erythema_hours
    );
    text.push_str("  skin layers (um below the surface)\n");
    for layer in &p.skin_layers {
        let _ = writeln!(
            text,
            "    {:<18} {:>7.0} - {:<7.0}",
            layer.layer.name(),
            layer.top_um,
            layer.bottom_um
        );
    }
    for warning in &p.warnings {
        let _ = writeln!(text, "  WARNING: {warning}");
    }
    text.push_str(
        "Model and sources: docs/penetration.md, data/penetration.toml. Decision support only.\n",
    );
    text
}

pub fn plan(p: &Plan) -> String {
    let mut text = format!(
        "Treatment plan: {} with {} ({})\nScreening verdict: {}\n",
        p.indication_name,
        p.device.name,
        if p.device.device_use == microneedling_core::device::DeviceUse::Home {
            "home"
        } else {
            "professional"
        },
        p.verdict.as_str().to_uppercase()
    );
    if let Some(o) = &p.override_ {
        let _ = writeln!(
            text,
            "OVERRIDE recorded: {} (sets aside: {})",
            o.reason,
            o.rules.join(", ")
        );
    }
    for f in &p.findings {
        let _ = writeln!(text, "  [{}] {}: {}", f.tier.as_str(), f.rule, f.message);
    }
    if !p.actions.is_empty() {
        text.push_str("Required actions\n");
        for a in &p.actions {
            let _ = writeln!(text, "  - {a}");
        }
    }
    text.push_str("\nZones\n");
    for z in &p.zones {
        let zp = &z.penetration;
        let _ = writeln!(
            text,
            "  {:<12} {} mm x {} passes -> {:.0} um, reaches {}; endpoint: {}; ~{:.0} channels/cm2",
            zp.site,
            z.depth_mm,
            zp.passes,
            zp.effective_depth_um,
            zp.layers_reached.last().map_or("no layer", |l| l.name()),
            z.endpoint,
            zp.channels_per_cm2
        );
        for note in z.notes.iter().chain(&zp.warnings) {
            let _ = writeln!(text, "               note: {note}");
        }
    }
    let _ = writeln!(
        text,
        "\nSeries: {} sessions every {} weeks (never closer than {} weeks)",
        p.sessions, p.interval_weeks, p.min_interval_weeks
    );
    for s in &p.schedule {
        let _ = writeln!(
            text,
            "  session {:>2}  week {:>2}  {}",
            s.number, s.week, s.date
        );
    }
    text.push_str("\nTopicals during the session (suited to intradermal use)\n");
    if p.topicals.is_empty() {
        text.push_str("  none\n");
    }
    for t in &p.topicals {
        let _ = writeln!(text, "  - {}: {}", t.name, t.timing);
    }
    for t in &p.home_topicals {
        let _ = writeln!(text, "  home: {}: {}", t.name, t.timing);
    }
    for t in &p.excluded_topicals {
        let _ = writeln!(text, "  excluded: {}: {}", t.id, t.reason);
    }
    if let Some(e) = &p.expected {
        let _ = writeln!(
            text,
            "\nExpected course ({} at {} mm on the {}, the plan's series)",
            p.device.id, e.depth_mm, e.healing.site
        );
        for (month, pct) in &e.new_collagen_pct_at_months {
            let _ = writeln!(
                text,
                "  month {month:>2}: new collagen {pct:.0} % of baseline"
            );
        }
        match (&e.healing.outcome, &e.healing.outcome_note) {
            (Some(o), _) => {
                let _ = writeln!(text, "  {}:", o.scale);
                for m in &o.at_months {
                    let _ = writeln!(
                        text,
                        "    month {:>2}: median {:.2} (p10 {:.2}, p90 {:.2})",
                        m.month, m.median, m.p10, m.p90
                    );
                }
            }
            (None, Some(note)) => {
                let _ = writeln!(text, "  {note}");
            }
            (None, None) => {}
        }
    }
    for d in &p.delivery {
        let ratio = d.delivery.enhancement_ratio.map_or(
            "channel-only (intact skin: next to nothing)".to_string(),
            |r| format!("{r:.1}x intact skin"),
        );
        let _ = writeln!(
            text,
            "  delivery of {} at the {} ({} mm, {} mg/mL, {} h): {:.2} ug/cm2 past the stratum corneum, {ratio}; channels close with t1/2 {:.1} h",
            d.delivery.agent,
            d.delivery.site,
            d.depth_mm,
            d.dose_mg_per_ml,
            d.delivery.hours,
            d.absorbed_ug_per_cm2,
            d.delivery.channel_half_life_h
        );
    }
    text.push_str("\nBefore\n");
    for item in &p.precare {
        let _ = writeln!(text, "  - {item}");
    }
    text.push_str("After\n");
    for item in &p.aftercare {
        let _ = writeln!(text, "  - {item}");
    }
    let _ = writeln!(
        text,
        "\nReassess {} weeks after the last session ({})",
        p.reassess_weeks, p.reassess_date
    );
    text.push_str("Expected timeline\n");
    for m in &p.timeline {
        let _ = writeln!(text, "  week {:>3}  {}", m.week, m.label);
    }
    let _ = writeln!(
        text,
        "\nEvidence: {:?} ({})",
        p.evidence.level, p.evidence.outcome_scale
    );
    for trial in &p.evidence.key_trials {
        let _ = writeln!(text, "  - {trial}");
    }
    adverse_effects(&mut text, &p.adverse_effects);
    text.push_str("\nSources\n");
    for s in &p.sources {
        let _ = writeln!(text, "  - {s}");
    }
    let _ = write!(
        text,
        "\nKnowledge base {}. {}\n",
        p.edition.knowledge_base_version, p.edition.disclaimer
    );
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
            "\n{} ({}, {})\n  setting            {} mm x {} passes\n  effective depth    {:.0} um, reaches {}\n  pinpoint bleeding  {}\n  channels           {:.0} per cm2\n  pain               {:.1} / 10, erythema about {:.0} h\n  infection risk     {}\n  cleaning           {}\n  expected effect    {}",
            r.name,
            r.kind.as_str(),
            if r.device_use == microneedling_core::device::DeviceUse::Home {
                "home"
            } else {
                "professional"
            },
            r.length_mm,
            r.passes,
            r.effective_depth_um,
            r.deepest_layer
                .map_or("no layer (no puncture)", |l| l.name()),
            if r.pinpoint_bleeding_expected {
                "expected"
            } else {
                "no"
            },
            r.channels_per_cm2,
            r.pain_0_10,
            r.erythema_hours,
            r.infection_risk,
            r.cleaning,
            r.expected_effect
        );
        for w in &r.warnings {
            let _ = writeln!(text, "  WARNING: {w}");
        }
    }
    text.push_str("\nSources\n");
    for s in &c.sources {
        let _ = writeln!(text, "  - {s}");
    }
    let _ = writeln!(text, "{}", c.disclaimer);
    text
}

pub fn delivery(d: &microneedling_core::transport::Delivery) -> String {
    let dose = match d.dose {
        microneedling_core::transport::Dose::Infinite { mg_per_ml } => {
            format!("infinite dose, {mg_per_ml} mg/mL")
        }
        microneedling_core::transport::Dose::Finite { ug_per_cm2 } => {
            format!("finite dose, {ug_per_cm2} ug/cm2")
        }
    };
    let mut text = format!(
        "Delivery: {} through {} at {} mm on the {}, {} h, {}{}\n",
        d.agent,
        d.device,
        d.nominal_length_um / 1000.0,
        d.site,
        d.hours,
        dose,
        if d.occluded { ", occluded" } else { "" }
    );
    let _ = writeln!(
        text,
        "  channels: {:.0} per cm2, {:.0} um deep, unit cell radius {:.0} um; closure half-life {:.1} h",
        d.channels_per_cm2, d.effective_depth_um, d.unit_cell_radius_um, d.channel_half_life_h
    );
    match d.enhancement_ratio {
        Some(ratio) => {
            let _ = writeln!(
                text,
                "  enhancement vs intact skin at {} h: {ratio:.1}x",
                d.hours
            );
        }
        None => text.push_str(
            "  enhancement: intact skin lets next to nothing through (channel-only delivery)\n",
        ),
    }
    if let Some(t) = d.time_to_steady_state_h {
        let _ = writeln!(
            text,
            "  uptake into blood steady (within 5 %) from {t:.1} h"
        );
    }
    text.push_str("\n  ug/cm2     time_h      donor         SC  epidermis  papillary  reticular    channel      blood   absorbed   (intact)\n");
    for (p, intact) in d.delivered_ug_per_cm2.iter().zip(&d.intact_ug_per_cm2) {
        let _ = writeln!(
            text,
            "          {:>8.2} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>10.4}",
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
    for w in &d.warnings {
        let _ = writeln!(text, "  WARNING: {w}");
    }
    let _ = writeln!(
        text,
        "\nNumerics: {} unknowns, {} steps, mass balance closes to {:.1e}. Model: docs/transport.md. Decision support only.",
        d.numerics.unknowns, d.numerics.steps, d.numerics.max_mass_balance_error
    );
    text
}

pub fn healing(h: &microneedling_core::healing::Healing) -> String {
    let mut text = format!(
        "Healing: {} sessions of {} at {} mm on the {}, every {} weeks, {} months\n  injured dermis per session {:.3} % (injury signal {:.3} %)\n  peaks (days after the first session): inflammation day {}, fibroblasts day {}, collagen III day {}, collagen I day {}\n",
        h.sessions,
        h.device,
        h.length_mm,
        h.site,
        h.interval_weeks,
        h.months,
        h.injured_dermis_fraction * 100.0,
        h.injury_per_session * 100.0,
        h.peaks.inflammation_day,
        h.peaks.fibroblasts_day,
        h.peaks.collagen_iii_day,
        h.peaks.collagen_i_day
    );
    text.push_str("\n  week   new collagen %   collagen III   collagen I   fibroblasts\n");
    for p in h.series.iter().filter(|p| p.week % 4 == 0) {
        let _ = writeln!(
            text,
            "  {:>4}   {:>14.1}   {:>12.3}   {:>10.3}   {:>11.3}",
            p.week, p.new_collagen_pct, p.collagen_iii, p.collagen_i, p.fibroblasts
        );
    }
    match (&h.outcome, &h.outcome_note) {
        (Some(o), _) => {
            let _ = writeln!(
                text,
                "\nExpected outcome: {} ({} prior samples, seed {})",
                o.scale, o.samples, o.seed
            );
            for p in &o.at_months {
                let responders = p
                    .responders_pct
                    .map_or(String::new(), |r| format!("   responders {r:.0} %"));
                let _ = writeln!(
                    text,
                    "  month {:>2}: median {:.2}  (p10 {:.2}, p90 {:.2}){responders}",
                    p.month, p.median, p.p10, p.p90
                );
            }
            let _ = writeln!(text, "  calibrated on: {}", o.source);
        }
        (None, Some(note)) => {
            let _ = writeln!(text, "\nExpected outcome: {note}");
        }
        (None, None) => {}
    }
    for w in &h.warnings {
        let _ = writeln!(text, "  WARNING: {w}");
    }
    text.push_str("Model: docs/healing.md. Decision support only.\n");
    text
}
