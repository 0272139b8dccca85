//! Text for the three model runs: penetration, delivery and healing.

use std::fmt::Write as _;

use microneedling_core::healing::Healing;
use microneedling_core::penetration::Penetration;
use microneedling_core::transport::{Delivery, Dose};

use microneedling_report::format::{percent, scientific, sig, small};

use super::layers;

/// The drive, the puncture threshold against what the needle gets, and the answer.
fn insertion(p: &Penetration) -> String {
    let i = &p.insertion;
    let drive = match (i.force_n, i.speed_m_per_s) {
        (Some(force), _) => format!(
            "{force} N over {} needles",
            sig(i.needles_in_contact.unwrap_or(1.0), 3)
        ),
        (None, Some(speed)) => format!("{speed} m/s"),
        (None, None) => String::new(),
    };
    format!(
        "{} at {drive}: {} ({} needs {}, has {})",
        i.mode.as_str(),
        if p.pierced {
            "pierces"
        } else {
            "does not pierce"
        },
        i.threshold.quantity,
        sig(i.threshold.required, 3),
        sig(i.threshold.available, 3)
    )
}

pub fn penetration(p: &Penetration) -> String {
    let mut text = format!(
        "Penetration: {} at {} mm on the {} ({}, {} years)\n",
        p.device,
        sig(p.nominal_length_um / 1000.0, 3),
        p.site,
        p.sex,
        p.age_years
    );
    let _ = writeln!(
        text,
        "  effective depth        {} µm ({} of the needle; skin deflects {} µm first)",
        sig(p.effective_depth_um, 3),
        percent(p.effective_fraction, 2),
        sig(p.dimple_um, 3)
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
        "  channel at surface     {} µm wide, {} nL each",
        sig(p.channel_surface_diameter_um, 2),
        sig(p.channel_volume_nl, 2)
    );
    let _ = writeln!(
        text,
        "  channels               {} per cm² per pass × {} passes = {} per cm²",
        sig(p.channels_per_cm2_per_pass, 3),
        p.passes,
        sig(p.channels_per_cm2, 3)
    );
    let _ = writeln!(
        text,
        "  injured dermis         {} of its volume",
        percent(p.injured_dermis_fraction, 2)
    );
    let _ = writeln!(
        text,
        "  pain (no anaesthetic)  {} / 10",
        sig(p.pain_0_10, 2)
    );
    let _ = writeln!(
        text,
        "  erythema               about {} h",
        sig(p.erythema_hours, 2)
    );
    text.push_str("  skin layers (µm below the surface)\n");
    for layer in &p.skin_layers {
        let _ = writeln!(
            text,
            "    {:<18} {:>7} - {:<7}",
            layer.layer.name(),
            sig(layer.top_um, 3),
            sig(layer.bottom_um, 3)
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
            format!("finite dose, {ug_per_cm2} µg/cm²")
        }
    };
    let mut text = format!(
        "Delivery: {} through {} at {} mm on the {}, {} h, {}{}\n",
        d.agent,
        d.device,
        sig(d.nominal_length_um / 1000.0, 3),
        d.site,
        d.hours,
        dose,
        if d.occluded { ", occluded" } else { "" }
    );
    let _ = writeln!(
        text,
        "  channels: {} per cm², {} µm deep, unit cell radius {} µm; closure half-life {} h",
        sig(d.channels_per_cm2, 3),
        sig(d.effective_depth_um, 3),
        sig(d.unit_cell_radius_um, 3),
        sig(d.channel_half_life_h, 2)
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
        let _ = writeln!(text, "  enhancement of the steady flux: {}×", sig(ratio, 3));
    }
    match (d.enhancement_ratio, d.channels.is_some()) {
        (Some(ratio), true) => {
            let _ = writeln!(
                text,
                "  enhancement of the amount past the stratum corneum at {} h: {}×",
                d.hours,
                sig(ratio, 3)
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
            "  uptake into blood steady (within 5 %) from {} h",
            sig(t, 2)
        );
    }
    text.push_str("\n  µg/cm²     time_h      donor         SC  epidermis  papillary  reticular    channel      blood   absorbed   (intact)\n");
    let rows = if d.delivered_ug_per_cm2.is_empty() {
        &d.intact_ug_per_cm2
    } else {
        &d.delivered_ug_per_cm2
    };
    for (p, intact) in rows.iter().zip(&d.intact_ug_per_cm2) {
        let _ = writeln!(
            text,
            "          {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
            sig(p.time_h, 3),
            amount(p.donor),
            amount(p.stratum_corneum),
            amount(p.viable_epidermis),
            amount(p.papillary_dermis),
            amount(p.reticular_dermis),
            amount(p.channel),
            amount(p.blood),
            amount(p.absorbed),
            amount(intact.absorbed)
        );
    }
    for w in &d.warnings {
        let _ = writeln!(text, "  WARNING: {w}");
    }
    let _ = writeln!(
        text,
        "\nNumerics: {} unknowns, {} steps, mass balance closes to {} (relative). Model: docs/transport.md. Decision support only.",
        d.numerics.unknowns,
        d.numerics.steps,
        small(d.numerics.max_mass_balance_error)
    );
    text
}

pub fn healing(h: &Healing) -> String {
    let mut text = format!(
        "Healing: {} sessions of {} at {} mm on the {}, every {} weeks, {} months\n  injured dermis per session {} (injury signal {})\n  peaks (days after the first session): inflammation day {}, fibroblasts day {}, collagen III day {}, collagen I day {}\n",
        h.sessions,
        h.device,
        sig(h.length_mm, 3),
        h.site,
        h.interval_weeks,
        h.months,
        percent(h.injured_dermis_fraction, 2),
        percent(h.injury_per_session, 2),
        h.peaks.inflammation_day,
        h.peaks.fibroblasts_day,
        h.peaks.collagen_iii_day,
        h.peaks.collagen_i_day
    );
    text.push_str("\n  week   new collagen %   collagen III   collagen I   fibroblasts\n");
    for p in h.series.iter().filter(|p| p.week % 4 == 0) {
        let _ = writeln!(
            text,
            "  {:>4}   {:>14}   {:>12}   {:>10}   {:>11}",
            p.week,
            sig(p.new_collagen_pct, 3),
            sig(p.collagen_iii, 3),
            sig(p.collagen_i, 3),
            sig(p.fibroblasts, 3)
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

/// An amount in the delivery table: three figures; below a thousandth of a µg/cm², two figures
/// as `a × 10ⁿ`, which keeps the column's width.
fn amount(ug_per_cm2: f64) -> String {
    if ug_per_cm2 != 0.0 && ug_per_cm2.abs() < 1e-3 {
        scientific(ug_per_cm2, 2)
    } else {
        sig(ug_per_cm2, 3)
    }
}

/// A route's permeability, steady flux, lag time and, for a finite dose, where the dose went.
fn route_lines(text: &mut String, name: &str, r: &microneedling_core::transport::Route) {
    let lag = r
        .lag_time_h
        .map_or_else(|| String::from("none"), |h| format!("{} h", sig(h, 3)));
    let _ = writeln!(
        text,
        "  {name}: kp {} cm/h, steady flux {} µg/cm²/h, lag time {lag}",
        sig(r.kp_cm_per_h, 3),
        sig(r.steady_flux_ug_per_cm2_h, 3)
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
            "    of the dose: {} % absorbed, {} % in the stratum corneum, {} % evaporated, {} % on the surface, {} % washed off",
            sig(a, 3),
            sig(sc, 3),
            sig(e, 3),
            sig(s, 3),
            sig(w, 3)
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
