//! The plan's calendar (sessions, milestones, reassessment) and its list of sources.

use chrono::{Days, NaiveDate};

use crate::device::Device;
use crate::indication::Indication;
use crate::knowledge::KnowledgeBase;
use crate::provenance::Provenance;
use crate::screening::Finding;

use super::{Milestone, ScheduledSession, ZonePlan};

/// `weeks` after `date` (the date itself if the calendar overflows).
pub fn add_weeks(date: NaiveDate, weeks: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(weeks) * 7))
        .unwrap_or(date)
}

/// The sessions of `indication`'s series, the first `offset_weeks` after `date` (a test spot
/// comes first for darker phototypes).
pub fn schedule(
    indication: &Indication,
    date: NaiveDate,
    offset_weeks: u32,
) -> Vec<ScheduledSession> {
    (0..indication.sessions)
        .map(|i| {
            let week = offset_weeks + i * indication.interval_weeks;
            ScheduledSession {
                number: i + 1,
                week,
                date: add_weeks(date, week),
            }
        })
        .collect()
}

/// Week of the reassessment: after the last session, by the indication's delay.
pub fn reassess_week(indication: &Indication, offset_weeks: u32) -> u32 {
    last_week(indication, offset_weeks) + indication.reassess_weeks
}

fn last_week(indication: &Indication, offset_weeks: u32) -> u32 {
    offset_weeks + (indication.sessions - 1) * indication.interval_weeks
}

/// Sessions, erythema, first visible change, results and reassessment, in week order.
pub fn milestones(
    indication: &Indication,
    schedule: &[ScheduledSession],
    zones: &[ZonePlan],
    test_spot_weeks: Option<u32>,
) -> Vec<Milestone> {
    let offset = test_spot_weeks.unwrap_or(0);
    let erythema_h = zones
        .iter()
        .map(|z| z.penetration.erythema_hours)
        .fold(0.0, f64::max);
    let mut timeline: Vec<Milestone> = schedule
        .iter()
        .map(|s| Milestone {
            week: s.week,
            label: format!("Session {} of {}", s.number, indication.sessions),
        })
        .collect();
    if let Some(weeks) = test_spot_weeks {
        timeline.push(Milestone {
            week: 0,
            label: "Test spot at the planned depth in an inconspicuous area".into(),
        });
        timeline.push(Milestone {
            week: weeks,
            label: "Read the test spot: no PIH, start the series; PIH, stop and reconsider".into(),
        });
    }
    timeline.push(Milestone {
        week: offset,
        label: format!("Erythema after each session settles in about {erythema_h:.0} h"),
    });
    timeline.push(Milestone {
        week: offset + indication.visible_results_weeks,
        label: format!(
            "First visible change expected ({})",
            indication.outcome_scale
        ),
    });
    timeline.push(Milestone {
        week: last_week(indication, offset) + 13,
        label: "Results build: best 3-6 months after the last session".into(),
    });
    timeline.push(Milestone {
        week: reassess_week(indication, offset),
        label: "Reassess: photos and outcome score".into(),
    });
    timeline.sort_by_key(|m| m.week);
    timeline
}

/// Every source the plan leans on, once each, in the order they are used.
pub fn sources(
    kb: &KnowledgeBase,
    indication: &Indication,
    device: &Device,
    zones: &[ZonePlan],
    findings: &[Finding],
) -> Vec<String> {
    let mut sources: Vec<String> = Vec::new();
    let mut cite = |text: String| {
        if !sources.contains(&text) {
            sources.push(text);
        }
    };
    let indication_provenance = Provenance {
        source: indication.source.clone(),
        assumption: indication.assumption.clone(),
    };
    cite(format!(
        "Indication {}: {}",
        indication.id,
        indication_provenance.cite()
    ));
    cite(format!(
        "Device {}: {}",
        device.id,
        device.provenance().cite()
    ));
    for zone in zones {
        if let Ok(site) = kb.site(&zone.penetration.site) {
            cite(format!(
                "Site {} dermis: {}",
                site.id,
                site.dermis_um.provenance.cite()
            ));
            cite(format!(
                "Site {} depth guide: {}",
                site.id,
                site.depth_guide_mm.provenance.cite()
            ));
        }
    }
    cite(format!(
        "Penetration (insertion mechanics): {}",
        kb.penetration
            .mechanics
            .shaft_friction_mpa
            .provenance
            .cite()
    ));
    for finding in findings {
        cite(format!("Rule {}: {}", finding.rule, finding.source));
    }
    cite(format!("Aftercare: {}", kb.aftercare.provenance.cite()));
    sources
}
