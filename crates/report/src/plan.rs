//! The report of a plan: one step per section, in the order of the plan's text.

use std::fmt::Write as _;

use microneedling_core::plan::Plan;

use crate::svg::escape;
use crate::{Report, list, table};

/// The report of a plan, with the figures of its first zone, its first in-session topical and
/// its series: it draws what the plan computed and runs no model.
pub fn plan_report(plan: &Plan) -> Report {
    let mut r = Report::new(
        format!("Treatment plan: {}", plan.indication_name),
        plan.edition.disclaimer.clone(),
    );
    r.screening(&plan.screening());
    if let Some(o) = &plan.override_ {
        r.add(
            "Override",
            format!(
                "<p>Planned despite a contraindication: {} (sets aside: {})</p>\n",
                escape(&o.reason),
                escape(&o.rules.join(", "))
            ),
        );
    }
    zones(&mut r, plan);
    timeline(&mut r, plan);
    topicals(&mut r, plan);
    if let Some(summary) = plan.delivery.first() {
        r.delivery(&summary.delivery);
    }
    if let Some(course) = &plan.expected {
        r.healing(&course.healing);
    }
    care(&mut r, plan);
    evidence(&mut r, plan);
    r.add("Sources", list(&plan.sources));
    r
}

/// The zones' table, then the penetration figures of the first zone.
fn zones(r: &mut Report, plan: &Plan) {
    let zones: Vec<Vec<String>> = plan
        .zones
        .iter()
        .map(|z| {
            vec![
                z.penetration.site.clone(),
                z.penetration.device.clone(),
                format!("{}", z.depth_mm),
                z.penetration.passes.to_string(),
                format!("{:.0}", z.penetration.effective_depth_um),
                z.endpoint.into(),
            ]
        })
        .collect();
    r.add(
        "Zones",
        table(
            &[
                "site",
                "device",
                "depth (mm)",
                "passes",
                "effective depth (um)",
                "endpoint",
            ],
            &zones,
        ),
    );
    if let Some(zone) = plan.zones.first() {
        r.penetration(&zone.penetration);
    }
}

/// The sessions' dates, when to reassess, and what the patient will see week by week.
fn timeline(r: &mut Report, plan: &Plan) {
    let schedule: Vec<Vec<String>> = plan
        .schedule
        .iter()
        .map(|s| vec![s.number.to_string(), s.week.to_string(), s.date.to_string()])
        .collect();
    let mut html = table(&["session", "week", "date"], &schedule);
    let _ = writeln!(
        html,
        "<p>Reassess {} weeks after the last session ({}).</p>",
        plan.reassess_weeks, plan.reassess_date
    );
    let timeline: Vec<String> = plan
        .timeline
        .iter()
        .map(|m| format!("week {}: {}", m.week, m.label))
        .collect();
    html.push_str(&list(&timeline));
    r.add("Session timeline", html);
}

/// In-session, home and excluded topicals in one list.
fn topicals(r: &mut Report, plan: &Plan) {
    let topicals: Vec<String> = plan
        .topicals
        .iter()
        .map(|t| format!("{}: {}", t.name, t.timing))
        .chain(
            plan.home_topicals
                .iter()
                .map(|t| format!("home: {}: {}", t.name, t.timing)),
        )
        .chain(
            plan.excluded_topicals
                .iter()
                .map(|t| format!("excluded: {}: {}", t.id, t.reason)),
        )
        .collect();
    r.add("Topicals", list(&topicals));
}

fn care(r: &mut Report, plan: &Plan) {
    let mut care = String::from("<p>Before</p>\n");
    care.push_str(&list(&plan.precare));
    care.push_str("<p>After</p>\n");
    care.push_str(&list(&plan.aftercare));
    r.add("Pre- and aftercare", care);
}

fn evidence(r: &mut Report, plan: &Plan) {
    let mut evidence = format!(
        "<p>Evidence: {:?}; outcome scale: {}</p>\n",
        plan.evidence.level,
        escape(&plan.evidence.outcome_scale)
    );
    evidence.push_str(&list(&plan.evidence.key_trials));
    r.add("Evidence", evidence);
}
