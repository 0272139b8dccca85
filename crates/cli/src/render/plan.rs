//! The treatment plan as text: one step per section, in the order a clinician reads it.

use std::fmt::Write as _;

use microneedling_core::plan::{ExpectedCourse, Plan};

use microneedling_report::format::sig;

use super::{adverse_effects, bullets, device_use, edition};

pub fn plan(p: &Plan) -> String {
    let mut text = String::new();
    verdict(&mut text, p);
    zones(&mut text, p);
    series(&mut text, p);
    topicals(&mut text, p);
    if let Some(e) = &p.expected {
        expected_course(&mut text, p, e);
    }
    delivery(&mut text, p);
    care(&mut text, p);
    evidence(&mut text, p);
    adverse_effects(&mut text, &p.adverse_effects);
    text.push_str("\nSources\n");
    bullets(&mut text, &p.sources);
    edition(&mut text, &p.edition);
    text
}

/// The title, the screening verdict, any override and what the screening found and asks for.
fn verdict(text: &mut String, p: &Plan) {
    let _ = writeln!(
        text,
        "Treatment plan: {} with {} ({})\nScreening verdict: {}",
        p.indication_name,
        p.device.name,
        device_use(p.device.device_use),
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
        bullets(text, &p.actions);
    }
}

fn zones(text: &mut String, p: &Plan) {
    text.push_str("\nZones\n");
    for z in &p.zones {
        let zp = &z.penetration;
        let _ = writeln!(
            text,
            "  {:<12} {} mm × {} passes -> {} µm, reaches {}; endpoint: {}; about {} channels per cm²",
            zp.site,
            sig(z.depth_mm, 3),
            zp.passes,
            sig(zp.effective_depth_um, 3),
            zp.layers_reached.last().map_or("no layer", |l| l.name()),
            z.endpoint,
            sig(zp.channels_per_cm2, 3)
        );
        for note in z.notes.iter().chain(&zp.warnings) {
            let _ = writeln!(text, "               note: {note}");
        }
    }
}

fn series(text: &mut String, p: &Plan) {
    let _ = writeln!(
        text,
        "\nSeries: {} sessions every {} weeks (never closer than {} weeks)",
        p.sessions, p.interval_weeks, p.min_interval_weeks
    );
    if let Some(spot) = &p.test_spot {
        let _ = writeln!(
            text,
            "  TEST SPOT first: {} at {} mm on {}, read for PIH on {}; the series starts after a clear reading",
            spot.site, spot.depth_mm, spot.date, spot.read_date
        );
    }
    for s in &p.schedule {
        let _ = writeln!(
            text,
            "  session {:>2}  week {:>2}  {}",
            s.number, s.week, s.date
        );
    }
}

fn topicals(text: &mut String, p: &Plan) {
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
}

fn expected_course(text: &mut String, p: &Plan, e: &ExpectedCourse) {
    let _ = writeln!(
        text,
        "\nExpected course ({} at {} mm on the {}, the plan's series)",
        p.device.id, e.depth_mm, e.healing.site
    );
    for (month, pct) in &e.new_collagen_pct_at_months {
        let _ = writeln!(
            text,
            "  month {month:>2}: new collagen {} % of baseline",
            sig(*pct, 3)
        );
    }
    text.push_str(&super::models::outcome_lines(&e.healing, "  "));
}

/// What the in-session topicals deliver through the plan's channels.
fn delivery(text: &mut String, p: &Plan) {
    for d in &p.delivery {
        let ratio = d.delivery.enhancement_ratio.map_or(
            "channel-only (intact skin: next to nothing)".to_string(),
            |r| format!("{}× intact skin", sig(r, 2)),
        );
        let _ = writeln!(
            text,
            "  delivery of {} at the {} ({} mm, {} mg/mL, {} h): {} µg/cm² past the stratum corneum, {ratio}; channels close with a half-life of {} h",
            d.delivery.agent,
            d.delivery.site,
            sig(d.depth_mm, 3),
            d.dose_mg_per_ml,
            d.delivery.hours,
            sig(d.absorbed_ug_per_cm2, 3),
            sig(d.delivery.channel_half_life_h, 2)
        );
    }
}

/// Before and after care, when to reassess, and the timeline of what the patient will see.
fn care(text: &mut String, p: &Plan) {
    text.push_str("\nBefore\n");
    bullets(text, &p.precare);
    text.push_str("After\n");
    bullets(text, &p.aftercare);
    let _ = writeln!(
        text,
        "\nReassess {} weeks after the last session ({})",
        p.reassess_weeks, p.reassess_date
    );
    text.push_str("Expected timeline\n");
    for m in &p.timeline {
        let _ = writeln!(text, "  week {:>3}  {}", m.week, m.label);
    }
}

fn evidence(text: &mut String, p: &Plan) {
    let _ = writeln!(
        text,
        "\nEvidence: {:?} ({})",
        p.evidence.level, p.evidence.outcome_scale
    );
    bullets(text, &p.evidence.key_trials);
}
