//! Text for the three model runs: penetration, delivery and healing.

use std::fmt::Write as _;

use microneedling_core::healing::Healing;
use microneedling_core::penetration::Penetration;
use microneedling_core::transport::{Delivery, Dose};

use super::layers;

/// The drive, the puncture threshold against what the needle gets, and the answer.
fn insertion(p: &Penetration) -> String {
    let i = &p.insertion;
    let drive = match (i.force_n, i.speed_m_per_s) {
        (Some(force), _) => format!(
            "{force} N over {:.0} needles",
            i.needles_in_contact.unwrap_or(1.0)
        ),
        (None, Some(speed)) => format!("{speed} m/s"),
        (None, None) => String::new(),
    };
    format!(
        "{} at {drive}: {} ({} needs {:.4}, has {:.4})",
        i.mode.as_str(),
        if p.pierced {
            "pierces"
        } else {
            "does not pierce"
        },
        i.threshold.quantity,
        i.threshold.required,
        i.threshold.available
    )
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
    let _ = writeln!(text, "  insertion              {}", insertion(p));
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

pub fn delivery(d: &Delivery) -> String {
    let dose = match d.dose {
        Dose::Infinite { mg_per_ml } => {
            format!("infinite dose, {mg_per_ml} mg/mL")
        }
        Dose::Finite { ug_per_cm2 } => {
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
    let _ = writeln!(
        text,
        "  setting: {}, stratum corneum {} hydrated",
        match d.setting {
            microneedling_core::transport::Preparation::InVivo => "in vivo",
            microneedling_core::transport::Preparation::InVitro => "in vitro (receptor sink)",
        },
        match d.sc_hydration {
            microneedling_core::transport::Hydration::Partial => "partially",
            microneedling_core::transport::Hydration::Full => "fully",
        }
    );
    route_lines(&mut text, "intact skin", &d.intact);
    if let Some(c) = &d.channels {
        route_lines(&mut text, "with channels (held open)", c);
    }
    if let Some(ratio) = d.enhancement.steady_flux {
        let _ = writeln!(text, "  enhancement of the steady flux: {ratio:.3}x");
    }
    match (d.enhancement_ratio, d.channels.is_some()) {
        (Some(ratio), true) => {
            let _ = writeln!(
                text,
                "  enhancement of the amount past the stratum corneum at {} h: {ratio:.3}x",
                d.hours
            );
        }
        (None, true) => text.push_str(
            "  enhancement: intact skin lets next to nothing through (channel-only delivery)\n",
        ),
        _ => {}
    }
    if let Some(t) = d.time_to_steady_state_h {
        let _ = writeln!(
            text,
            "  uptake into blood steady (within 5 %) from {t:.1} h"
        );
    }
    text.push_str("\n  ug/cm2     time_h      donor         SC  epidermis  papillary  reticular    channel      blood   absorbed   (intact)\n");
    let rows = if d.delivered_ug_per_cm2.is_empty() {
        &d.intact_ug_per_cm2
    } else {
        &d.delivered_ug_per_cm2
    };
    for (p, intact) in rows.iter().zip(&d.intact_ug_per_cm2) {
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

pub fn healing(h: &Healing) -> String {
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
    text.push('\n');
    text.push_str(&outcome_lines(h, ""));
    for w in &h.warnings {
        let _ = writeln!(text, "  WARNING: {w}");
    }
    text.push_str("Model: docs/healing.md. Decision support only.\n");
    text
}

/// A route's permeability, steady flux, lag time and, for a finite dose, where the dose went.
fn route_lines(text: &mut String, name: &str, r: &microneedling_core::transport::Route) {
    let lag = r
        .lag_time_h
        .map_or_else(|| String::from("none"), |h| format!("{h:.3} h"));
    let _ = writeln!(
        text,
        "  {name}: kp {:.3e} cm/h, steady flux {:.3e} ug/cm2/h, lag time {lag}",
        r.kp_cm_per_h, r.steady_flux_ug_per_cm2_h
    );
    if let (Some(a), Some(sc), Some(e), Some(s), Some(w)) = (
        r.absorbed_pct_of_dose,
        r.stratum_corneum_pct_of_dose,
        r.evaporated_pct_of_dose,
        r.surface_pct_of_dose,
        r.washed_pct_of_dose,
    ) {
        let _ = writeln!(
            text,
            "    of the dose: {a:.3} % absorbed, {sc:.3} % in the stratum corneum, {e:.3} % evaporated, {s:.3} % on the surface, {w:.3} % washed off"
        );
    }
}

/// The outcome of a healing run as text: the scale and baseline, then the predicted improvement
/// (and score) by month with its 10–90 % band; or why there is none. Plans and `simulate healing`
/// print it alike.
pub fn outcome_lines(h: &Healing, indent: &str) -> String {
    let mut text = String::new();
    let Some(b) = &h.outcome_basis else {
        if let Some(note) = &h.outcome_note {
            let _ = writeln!(text, "{indent}Expected outcome: {note}");
        }
        return text;
    };
    let baseline = match (b.baseline, b.baseline_given) {
        (Some(x), true) => format!(", from a baseline of {x}"),
        (Some(x), false) => {
            format!(", from the typical trial baseline {x} (set yours with --baseline)")
        }
        (None, _) => String::new(),
    };
    let _ = writeln!(
        text,
        "{indent}Expected outcome on {} ({}){baseline}; {} virtual patients, seed {}:",
        b.scale_name, b.unit, b.samples, b.seed
    );
    for p in &h.outcome {
        let score = p.score.map_or(String::new(), |s| {
            format!("   score {:.1} ({:.1} to {:.1})", s.median, s.p10, s.p90)
        });
        let _ = writeln!(
            text,
            "{indent}  month {:>2}: improvement {:.2} (10-90 %: {:.2} to {:.2}){score}",
            p.month, p.median, p.p10, p.p90
        );
    }
    let _ = writeln!(text, "{indent}  fitted on: {}", b.source);
    text
}
