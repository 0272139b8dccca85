//! The report of a plan as a clinical document: a header naming the patient (by code), the date
//! and the versions; the cautions with their actions first; then one step per section, in the
//! order of the plan's text; the evidence marks explained; a clinician's sign-off block.

use microneedling_core::indication::EvidenceLevel;
use microneedling_core::patient::Patient;
use microneedling_core::plan::Plan;

use crate::format::sig;
use crate::{Caution, Report, list, numeric_table, paragraph, table};

/// The phototype as clinicians write it (Fitzpatrick I–VI).
fn roman(fitzpatrick: u8) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI"]
        .get(usize::from(fitzpatrick.saturating_sub(1)))
        .copied()
        .unwrap_or("?")
}

/// The report of `plan` for `patient` (the patient file it was planned from), with the figures
/// of its first zone, its first in-session topical and its series: it draws what the plan
/// computed and runs no model.
pub fn plan_report(plan: &Plan, patient: &Patient) -> Report {
    let mut r = Report::new(
        format!("Treatment plan: {}", plan.indication_name),
        &plan.edition,
    );
    header(&mut r, plan, patient);
    r.sign_off = true;
    if let Some(o) = &plan.override_ {
        r.cautions.push(Caution {
            level: "override".into(),
            text: format!(
                "Planned despite a contraindication ({}): {}",
                o.rules.join(", "),
                o.reason
            ),
            actions: vec![
                "The treating clinician confirms the override below, with the reason.".into(),
            ],
            source: String::new(),
        });
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
    // The findings join the cautions at the top; the adverse-effect profile comes after care.
    r.screening(&plan.screening());
    if let Some(spot) = &plan.test_spot {
        r.cautions.push(Caution {
            level: "caution".into(),
            text: format!(
                "Test spot first: {} at {} mm on {}; the series starts only after a clear reading.",
                spot.site,
                sig(spot.depth_mm, 3),
                spot.date
            ),
            actions: vec![format!(
                "Read the test spot for post-inflammatory hyperpigmentation on {}: no PIH, start the series; PIH, stop and reconsider.",
                spot.read_date
            )],
            source: spot.note.clone(),
        });
    }
    evidence(&mut r, plan);
    r.add("Sources", list(&plan.sources));
    r
}

/// Who the plan is for (by pseudonymous code, never a name), when, and what.
fn header(r: &mut Report, plan: &Plan, patient: &Patient) {
    r.header(
        "Patient code",
        patient.code.clone().unwrap_or_else(|| "not given".into()),
    );
    r.header("Plan date", patient.treatment.date.to_string());
    r.header("Age", format!("{} years", sig(patient.age_years, 3)));
    r.header("Sex", patient.sex.as_str());
    r.header(
        "Phototype",
        format!("Fitzpatrick {}", roman(patient.fitzpatrick)),
    );
    r.header("Verdict", plan.verdict.as_str());
    r.header("Indication", plan.indication_name.clone());
    r.header("Device", plan.device.name.clone());
}

/// The zones' table, then the penetration figure and numbers of the first zone.
fn zones(r: &mut Report, plan: &Plan) {
    let zones: Vec<Vec<String>> = plan
        .zones
        .iter()
        .map(|z| {
            vec![
                z.penetration.site.clone(),
                z.penetration.device.clone(),
                sig(z.depth_mm, 3),
                z.penetration.passes.to_string(),
                sig(z.penetration.effective_depth_um, 3),
                z.endpoint.into(),
            ]
        })
        .collect();
    let mut html = numeric_table(
        &[
            "site",
            "device",
            "depth (mm)",
            "passes",
            "effective depth (µm)",
            "endpoint",
        ],
        &zones,
        &[2, 3, 4],
    );
    let notes: Vec<String> = plan
        .zones
        .iter()
        .flat_map(|z| {
            z.notes
                .iter()
                .map(|n| format!("{}: {n}", z.penetration.site))
        })
        .collect();
    if !notes.is_empty() {
        html.push_str(&list(&notes));
    }
    r.add("Zones", html);
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
    let mut html = paragraph(
        "",
        &format!(
            "{} sessions every {} weeks (never closer than {} weeks).",
            plan.sessions, plan.interval_weeks, plan.min_interval_weeks
        ),
    );
    html.push_str(&numeric_table(
        &["session", "week", "date"],
        &schedule,
        &[0, 1],
    ));
    html.push_str(&paragraph(
        "",
        &format!(
            "Reassess {} weeks after the last session ({}).",
            plan.reassess_weeks, plan.reassess_date
        ),
    ));
    let timeline: Vec<String> = plan
        .timeline
        .iter()
        .map(|m| format!("week {}: {}", m.week, m.label))
        .collect();
    html.push_str(&list(&timeline));
    r.add("Session timeline", html);
}

/// In-session, home and excluded topicals in one table.
fn topicals(r: &mut Report, plan: &Plan) {
    let rows: Vec<Vec<String>> = plan
        .topicals
        .iter()
        .map(|t| vec!["in session".into(), t.name.clone(), t.timing.to_string()])
        .chain(
            plan.home_topicals
                .iter()
                .map(|t| vec!["at home".into(), t.name.clone(), t.timing.to_string()]),
        )
        .chain(
            plan.excluded_topicals
                .iter()
                .map(|t| vec!["excluded".into(), t.id.clone(), t.reason.clone()]),
        )
        .collect();
    r.add(
        "Topicals",
        table(&["use", "topical", "when, or why not"], &rows),
    );
}

fn care(r: &mut Report, plan: &Plan) {
    let mut care = paragraph("", "Before");
    care.push_str(&list(&plan.precare));
    care.push_str(&paragraph("", "After"));
    care.push_str(&list(&plan.aftercare));
    r.add("Pre- and aftercare", care);
}

fn evidence(r: &mut Report, plan: &Plan) {
    let level = match plan.evidence.level {
        EvidenceLevel::VeryLow => "very low",
        EvidenceLevel::Low => "low",
        EvidenceLevel::Moderate => "moderate",
        EvidenceLevel::High => "high",
    };
    let mut html = paragraph(
        "",
        &format!(
            "Level of evidence: {level}; outcome scale: {}.",
            plan.evidence.outcome_scale
        ),
    );
    html.push_str(&list(&plan.evidence.key_trials));
    r.add("Evidence", html);
}
