//! Planning: device and depth per zone, passes, sessions, interval, topicals, care, reassessment
//! and the expected timeline, with the screening verdict on top.
//!
//! Depth per zone: the indication's own figure for the site where the evidence names one, else
//! the site's depth guide at the indication's intensity, capped at the site's maximum; then the
//! device's nearest setting at or below it, and never above the device's labelled maximum.
//! A contraindicated patient gets no plan unless an override reason is given; the plan carries it.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::agent::{Agent, Timing};
use crate::device::{Device, DeviceKind, DeviceUse};
use crate::error::InputError;
use crate::indication::{EvidenceLevel, Indication, Mechanism};
use crate::knowledge::KnowledgeBase;
use crate::patient::Patient;
use crate::penetration::Penetration;
use crate::screening::adverse::AdverseRisk;
use crate::screening::{Exposure, Finding, IsotretinoinPolicy, Screening, Tier, Verdict, screen};
use crate::skin::{Layer, Site, SkinProfile};
use crate::transport::{DeliveryRequest, Dose, Solute};

/// Longest override reason kept, characters.
pub const MAX_OVERRIDE_CHARS: usize = 1000;

/// One zone's setting and what it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZonePlan {
    pub site: String,
    pub site_name: String,
    pub device: String,
    pub depth_mm: f64,
    /// What the evidence asked for before the device's settings were applied.
    pub target_depth_mm: f64,
    pub passes: u32,
    pub effective_depth_um: f64,
    pub layers_reached: Vec<Layer>,
    pub pinpoint_bleeding_expected: bool,
    /// The clinical endpoint to watch for at this setting.
    pub endpoint: &'static str,
    pub channels_per_cm2: f64,
    pub injured_dermis_fraction: f64,
    pub pain_0_10: f64,
    pub erythema_hours: f64,
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
}

/// A patient judged for a device and zones: the shared first step of `screen` and `plan`.
#[derive(Debug, Clone)]
pub struct Assessment<'a> {
    pub indication: &'a Indication,
    pub device: &'a Device,
    pub topical: Option<&'a Agent>,
    pub zones: Vec<ZonePlan>,
    pub penetrations: Vec<Penetration>,
    pub screening: Screening,
}

fn zone_depth(
    indication: &Indication,
    site: &Site,
    device: &Device,
    fixed_length_mm: Option<f64>,
) -> (f64, f64, Vec<String>) {
    let mut notes = Vec::new();
    if let Some(length) = fixed_length_mm {
        notes.push(format!("{length} mm set in the patient file"));
        return (length, length, notes);
    }
    let guide = &site.depth_guide_mm;
    let mut target = indication
        .depth_mm
        .get(&site.id)
        .copied()
        .unwrap_or_else(|| guide.for_intensity(indication.intensity));
    if target > guide.max {
        notes.push(format!(
            "{target} mm capped at the {} maximum of {} mm",
            site.id, guide.max
        ));
        target = guide.max;
    }
    let mut depth = device.nearest_length_at_most(target);
    if let Some(max) = device.labelled_max_mm.filter(|max| depth > *max + 1e-9) {
        notes.push(format!(
            "held at the {max} mm the {} labelling evaluated for safety",
            device.id
        ));
        depth = device.nearest_length_at_most(max);
    }
    if depth < target - 1e-9 {
        notes.push(format!(
            "{} has no {target} mm setting: {depth} mm",
            device.id
        ));
    } else if depth > target + 1e-9 {
        notes.push(format!(
            "the shortest {} setting, {depth} mm, exceeds the {target} mm target",
            device.id
        ));
    }
    (target, depth, notes)
}

/// Resolves the device and each zone's setting, runs penetration, and screens.
pub fn assess<'a>(
    kb: &'a KnowledgeBase,
    patient: &Patient,
    device_override: Option<&str>,
    policy: &IsotretinoinPolicy,
) -> Result<Assessment<'a>, InputError> {
    let indication = kb.indication(&patient.treatment.indication)?;
    let device_id = device_override
        .or(patient.treatment.device.as_deref())
        .unwrap_or(&indication.preferred_device);
    let device = kb.device(device_id)?;
    let topical = patient
        .treatment
        .topical
        .as_deref()
        .map(|id| kb.agent(id))
        .transpose()?;
    if let Some(length) = patient.treatment.length_mm {
        device.check_length(length).map_err(|e| InputError {
            field: "treatment.length_mm".into(),
            ..e
        })?;
    }
    let passes = indication.passes.for_kind(device.kind);
    let mut zones = Vec::new();
    let mut penetrations = Vec::new();
    let mut above_labelled_max = false;
    for zone in &patient.treatment.zones {
        let site = kb.site(zone)?;
        let skin =
            SkinProfile::new(site, patient.sex, patient.age_years, &kb.age_model).map_err(|e| {
                InputError {
                    field: "patient.age".into(),
                    ..e
                }
            })?;
        let (target, depth, notes) =
            zone_depth(indication, site, device, patient.treatment.length_mm);
        above_labelled_max |= device.labelled_max_mm.is_some_and(|max| depth > max + 1e-9);
        let p = kb.penetration.simulate(device, depth, &skin, passes);
        zones.push(ZonePlan {
            site: site.id.clone(),
            site_name: site.name.clone(),
            device: device.id.clone(),
            depth_mm: depth,
            target_depth_mm: target,
            passes,
            effective_depth_um: p.effective_depth_um,
            layers_reached: p.layers_reached.clone(),
            pinpoint_bleeding_expected: p.pinpoint_bleeding_expected,
            endpoint: if p.pinpoint_bleeding_expected {
                "pinpoint bleeding"
            } else {
                "even erythema"
            },
            channels_per_cm2: p.channels_per_cm2,
            injured_dermis_fraction: p.injured_dermis_fraction,
            pain_0_10: p.pain_0_10,
            erythema_hours: p.erythema_hours,
            notes,
            warnings: p.warnings.clone(),
        });
        penetrations.push(p);
    }
    let exposure = Exposure {
        device,
        zones: &penetrations,
        topical,
        above_labelled_max,
    };
    let screening = screen(kb, patient, &exposure, policy);
    Ok(Assessment {
        indication,
        device,
        topical,
        zones,
        penetrations,
        screening,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Override {
    pub reason: String,
    /// The contraindicated rules the override sets aside.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduledSession {
    pub number: u32,
    pub week: u32,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedTopical {
    pub id: String,
    pub name: String,
    pub timing: &'static str,
    pub note: String,
}

/// What an in-session topical does through the plan's first zone in 24 h (docs/transport.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliverySummary {
    pub agent: String,
    pub site: String,
    pub depth_mm: f64,
    pub hours: f64,
    pub dose_mg_per_ml: f64,
    pub channel_half_life_h: f64,
    /// Past the stratum corneum (viable tissue and blood), µg/cm².
    pub absorbed_ug_per_cm2: f64,
    pub intact_absorbed_ug_per_cm2: f64,
    pub enhancement_ratio: Option<f64>,
}

/// The series' expected course on its first zone (docs/healing.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedCourse {
    pub site: String,
    pub depth_mm: f64,
    /// (month after the first session, new collagen % of baseline) of the central rates.
    pub new_collagen_pct_at_months: Vec<(u32, f64)>,
    pub outcome: Option<crate::healing::Outcome>,
    pub outcome_note: Option<String>,
}

/// Prior samples behind a plan's outcome band (a plan answers fast; `simulate healing` samples more).
const PLAN_OUTCOME_SAMPLES: usize = 500;
const PLAN_OUTCOME_SEED: u64 = 1;

fn expected_course(
    kb: &KnowledgeBase,
    patient: &Patient,
    indication: &Indication,
    device: &Device,
    zone: &ZonePlan,
) -> Result<ExpectedCourse, InputError> {
    let site = kb.site(&zone.site)?;
    let skin = SkinProfile::new(site, patient.sex, patient.age_years, &kb.age_model)?;
    let months = 12;
    let request = crate::healing::HealingRequest::new(
        device,
        zone.depth_mm,
        zone.passes,
        skin,
        indication.sessions,
        indication.interval_weeks,
        months,
        Some(indication.id.clone()),
        PLAN_OUTCOME_SEED,
        PLAN_OUTCOME_SAMPLES,
    )?;
    let healing = crate::healing::simulate(kb, &request);
    let new_collagen_pct_at_months = crate::healing::OUTCOME_MONTHS
        .iter()
        .filter_map(|m| {
            let week = crate::healing::calibration::month_day(*m) / 7;
            healing
                .series
                .iter()
                .find(|p| p.week == week)
                .map(|p| (*m, p.new_collagen_pct))
        })
        .collect();
    Ok(ExpectedCourse {
        site: zone.site.clone(),
        depth_mm: zone.depth_mm,
        new_collagen_pct_at_months,
        outcome: healing.outcome,
        outcome_note: healing.outcome_note,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedTopical {
    pub id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub level: EvidenceLevel,
    pub outcome_scale: String,
    pub key_trials: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Milestone {
    pub week: u32,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceSummary {
    pub id: String,
    pub name: String,
    pub kind: DeviceKind,
    #[serde(rename = "use")]
    pub device_use: DeviceUse,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub actions: Vec<String>,
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
    pub indication: String,
    pub indication_name: String,
    pub mechanism: Mechanism,
    pub device: DeviceSummary,
    pub zones: Vec<ZonePlan>,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub min_interval_weeks: u32,
    pub schedule: Vec<ScheduledSession>,
    /// In-session topicals: only agents suited to intradermal use.
    pub topicals: Vec<PlannedTopical>,
    /// Adjuncts used at home between sessions, never into open channels.
    pub home_topicals: Vec<PlannedTopical>,
    pub excluded_topicals: Vec<ExcludedTopical>,
    /// The in-session topicals through the first zone's channels, vs intact skin.
    pub delivery: Vec<DeliverySummary>,
    /// The expected course of the series on the first zone.
    pub expected: Option<ExpectedCourse>,
    pub precare: Vec<String>,
    pub aftercare: Vec<String>,
    pub reassess_weeks: u32,
    pub reassess_date: NaiveDate,
    pub evidence: Evidence,
    pub timeline: Vec<Milestone>,
    pub adverse_effects: Vec<AdverseRisk>,
    pub sources: Vec<String>,
    pub knowledge_base_version: String,
    pub disclaimer: String,
}

/// A plan, or the screening that stopped it.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanOutcome {
    Planned(Box<Plan>),
    Refused(Screening),
}

fn add_weeks(date: NaiveDate, weeks: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(weeks) * 7))
        .unwrap_or(date)
}

fn planned(agent: &Agent) -> PlannedTopical {
    PlannedTopical {
        id: agent.id.clone(),
        name: agent.name.clone(),
        timing: agent.timing.describe(),
        note: agent.note.clone(),
    }
}

/// Hours and dose of the plan's delivery summaries: one day of the default dose, not occluded.
const SUMMARY_HOURS: f64 = 24.0;

fn delivery_summary(
    kb: &KnowledgeBase,
    patient: &Patient,
    agent: &Agent,
    device: &Device,
    zone: &ZonePlan,
) -> Result<DeliverySummary, InputError> {
    let site = kb.site(&zone.site)?;
    let skin = SkinProfile::new(site, patient.sex, patient.age_years, &kb.age_model)?;
    let mg_per_ml = kb.transport.dose.default_infinite_mg_per_ml.value;
    let request = DeliveryRequest::new(
        kb,
        &agent.id,
        Solute::of_agent(agent)?,
        device,
        zone.depth_mm,
        zone.passes,
        skin,
        SUMMARY_HOURS,
        false,
        Dose::Infinite { mg_per_ml },
    )?;
    let result = crate::transport::simulate(kb, &request);
    let end =
        |points: &[crate::transport::DeliveryPoint]| points.last().map_or(0.0, |p| p.absorbed);
    Ok(DeliverySummary {
        agent: agent.id.clone(),
        site: zone.site.clone(),
        depth_mm: zone.depth_mm,
        hours: SUMMARY_HOURS,
        dose_mg_per_ml: mg_per_ml,
        channel_half_life_h: result.channel_half_life_h,
        absorbed_ug_per_cm2: end(&result.delivered_ug_per_cm2),
        intact_absorbed_ug_per_cm2: end(&result.intact_ug_per_cm2),
        enhancement_ratio: result.enhancement_ratio,
    })
}

/// Builds the plan for a patient file; refuses a contraindicated patient without an override.
pub fn plan(
    kb: &KnowledgeBase,
    patient: &Patient,
    override_reason: Option<&str>,
    policy: &IsotretinoinPolicy,
) -> Result<PlanOutcome, InputError> {
    let reason = match override_reason.map(str::trim) {
        Some(reason) if reason.is_empty() || reason.chars().count() > MAX_OVERRIDE_CHARS => {
            return Err(InputError::new(
                "--override",
                reason,
                format!("a reason of 1 to {MAX_OVERRIDE_CHARS} characters"),
            ));
        }
        other => other,
    };
    let assessment = assess(kb, patient, None, policy)?;
    let screening = assessment.screening.clone();
    let override_ = match (screening.verdict, reason) {
        (Verdict::Contraindicated, None) => return Ok(PlanOutcome::Refused(screening)),
        (_, Some(reason)) => Some(Override {
            reason: reason.to_string(),
            rules: screening
                .findings
                .iter()
                .filter(|f| f.tier == Tier::Contraindicated)
                .map(|f| f.rule.clone())
                .collect(),
        }),
        (_, None) => None,
    };
    let indication = assessment.indication;
    let device = assessment.device;

    let mut topicals = Vec::new();
    let mut home_topicals = Vec::new();
    let mut excluded_topicals = Vec::new();
    let mut candidates: Vec<&Agent> = Vec::new();
    for id in assessment
        .topical
        .iter()
        .map(|a| a.id.as_str())
        .chain(indication.adjunct_topicals.iter().map(String::as_str))
    {
        let agent = kb.agent(id)?;
        if !candidates.iter().any(|a| a.id == agent.id) {
            candidates.push(agent);
        }
    }
    for agent in candidates {
        match agent.timing {
            _ if agent.intradermal_suited => topicals.push(planned(agent)),
            Timing::HomeFrom24h => home_topicals.push(planned(agent)),
            _ => excluded_topicals.push(ExcludedTopical {
                id: agent.id.clone(),
                reason: format!("not suited to intradermal use: {}", agent.note),
            }),
        }
    }

    let delivery = match assessment.zones.first() {
        Some(zone) => topicals
            .iter()
            .filter_map(|t| kb.agent(&t.id).ok())
            .map(|agent| delivery_summary(kb, patient, agent, device, zone))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };

    let expected = assessment
        .zones
        .first()
        .map(|zone| expected_course(kb, patient, indication, device, zone))
        .transpose()?;

    let date = patient.treatment.date;
    let schedule: Vec<ScheduledSession> = (0..indication.sessions)
        .map(|i| {
            let week = i * indication.interval_weeks;
            ScheduledSession {
                number: i + 1,
                week,
                date: add_weeks(date, week),
            }
        })
        .collect();
    let last_week = (indication.sessions - 1) * indication.interval_weeks;
    let reassess_week = last_week + indication.reassess_weeks;
    let erythema_h = assessment
        .zones
        .iter()
        .map(|z| z.erythema_hours)
        .fold(0.0, f64::max);
    let mut timeline: Vec<Milestone> = schedule
        .iter()
        .map(|s| Milestone {
            week: s.week,
            label: format!("Session {} of {}", s.number, indication.sessions),
        })
        .collect();
    timeline.push(Milestone {
        week: 0,
        label: format!("Erythema after each session settles in about {erythema_h:.0} h"),
    });
    timeline.push(Milestone {
        week: indication.visible_results_weeks,
        label: format!(
            "First visible change expected ({})",
            indication.outcome_scale
        ),
    });
    timeline.push(Milestone {
        week: last_week + 13,
        label: "Results build: best 3-6 months after the last session".into(),
    });
    timeline.push(Milestone {
        week: reassess_week,
        label: "Reassess: photos and outcome score".into(),
    });
    timeline.sort_by_key(|m| m.week);

    let mut sources: Vec<String> = Vec::new();
    let mut cite = |text: String| {
        if !sources.contains(&text) {
            sources.push(text);
        }
    };
    cite(format!(
        "Indication {}: {}",
        indication.id,
        crate::provenance::Provenance {
            source: indication.source.clone(),
            assumption: indication.assumption.clone()
        }
        .cite()
    ));
    cite(format!(
        "Device {}: {}",
        device.id,
        device.provenance().cite()
    ));
    for zone in &assessment.zones {
        if let Ok(site) = kb.site(&zone.site) {
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
        "Penetration efficiency: {}",
        kb.penetration.efficiency.roll.provenance.cite()
    ));
    for finding in &screening.findings {
        cite(format!("Rule {}: {}", finding.rule, finding.source));
    }
    cite(format!("Aftercare: {}", kb.aftercare.provenance.cite()));

    Ok(PlanOutcome::Planned(Box::new(Plan {
        verdict: screening.verdict,
        findings: screening.findings,
        actions: screening.actions,
        override_,
        indication: indication.id.clone(),
        indication_name: indication.name.clone(),
        mechanism: indication.mechanism,
        device: DeviceSummary {
            id: device.id.clone(),
            name: device.name.clone(),
            kind: device.kind,
            device_use: device.device_use,
        },
        zones: assessment.zones,
        sessions: indication.sessions,
        interval_weeks: indication.interval_weeks,
        min_interval_weeks: indication.min_interval_weeks,
        schedule,
        topicals,
        home_topicals,
        excluded_topicals,
        delivery,
        expected,
        precare: kb
            .precare
            .items
            .iter()
            .chain(&indication.precare)
            .cloned()
            .collect(),
        aftercare: kb
            .aftercare
            .items
            .iter()
            .chain(&indication.aftercare)
            .cloned()
            .collect(),
        reassess_weeks: indication.reassess_weeks,
        reassess_date: add_weeks(date, reassess_week),
        evidence: Evidence {
            level: indication.evidence,
            outcome_scale: indication.outcome_scale.clone(),
            key_trials: indication.key_trials.clone(),
        },
        timeline,
        adverse_effects: screening.adverse_effects,
        sources,
        knowledge_base_version: kb.version.clone(),
        disclaimer: kb.disclaimer.clone(),
    })))
}
