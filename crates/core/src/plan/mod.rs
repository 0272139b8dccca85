//! Planning: device and depth per zone, passes, sessions, interval, topicals, care, reassessment
//! and the expected timeline, with the screening verdict on top.
//!
//! Depth per zone: the indication's own figure for the site where the evidence names one, else
//! the site's depth guide at the indication's intensity, capped at the site's maximum; then the
//! device's nearest setting at or below it, and never above the device's labelled maximum.
//! A contraindicated patient gets no plan unless an override reason is given; the plan carries it.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::agent::{Agent, Timing};
use crate::device::{DeviceKind, DeviceUse};
use crate::error::InputError;
use crate::healing::Healing;
use crate::indication::{EvidenceLevel, Indication, Mechanism};
use crate::knowledge::KnowledgeBase;
use crate::patient::Patient;
use crate::penetration::Penetration;
use crate::provenance::Edition;
use crate::screening::adverse::AdverseRisk;
use crate::screening::{Finding, IsotretinoinPolicy, Screening, Tier, Verdict};
use crate::transport::Delivery;

mod assess;
mod course;
mod timeline;

pub use assess::{Assessment, assess};
pub use course::SUMMARY_HOURS;

/// Longest override reason kept, characters.
pub const MAX_OVERRIDE_CHARS: usize = crate::reason::MAX_REASON_CHARS;

/// One zone's setting and what it does: the penetration result at the zone's depth, with the
/// plan's reasoning about that depth. In JSON the penetration fields sit beside the others
/// (`site`, `device`, `passes`, `effective_depth_um`, `skin_layers`, …).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZonePlan {
    /// The site's name for people.
    pub site_name: String,
    /// The device setting, mm.
    pub depth_mm: f64,
    /// What the evidence asked for before the device's settings were applied.
    pub target_depth_mm: f64,
    /// The clinical endpoint to watch for at this setting.
    pub endpoint: &'static str,
    /// How the depth was chosen.
    pub notes: Vec<String>,
    /// What the setting does to this person's skin at the site.
    #[serde(flatten)]
    pub penetration: Penetration,
}

/// A contraindication the clinician chose to set aside, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Override {
    /// The clinician's reason, carried into the plan.
    pub reason: String,
    /// The contraindicated rules the override sets aside.
    pub rules: Vec<String>,
}

/// One session in the schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledSession {
    /// Session number, from 1.
    pub number: u32,
    /// Weeks after the first session.
    pub week: u32,
    /// Calendar date.
    pub date: NaiveDate,
}

/// A topical in the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedTopical {
    /// Agent identifier.
    pub id: String,
    /// Agent name.
    pub name: String,
    /// When it goes on, in words.
    pub timing: &'static str,
    /// Clinical note.
    pub note: String,
}

/// A test spot before the series (darker phototypes): one zone at the planned depth, read for
/// post-inflammatory hyperpigmentation before the first session.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestSpot {
    /// The zone whose setting is tried.
    pub site: String,
    /// The device setting, mm.
    pub depth_mm: f64,
    /// When the test spot is done.
    pub date: NaiveDate,
    /// When it is read; the series starts after a clear reading.
    pub read_date: NaiveDate,
    /// Why, with the policy's source.
    pub note: String,
}

/// What an in-session topical does through the plan's first zone in [`SUMMARY_HOURS`]
/// (docs/transport.md): the whole simulation, with the end amounts picked out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliverySummary {
    /// The zone's device setting, mm.
    pub depth_mm: f64,
    /// Vehicle concentration, mg/mL.
    pub dose_mg_per_ml: f64,
    /// Past the stratum corneum (viable tissue and blood) at the end, µg/cm².
    pub absorbed_ug_per_cm2: f64,
    /// The same through intact skin, µg/cm².
    pub intact_absorbed_ug_per_cm2: f64,
    /// The simulation: series, depth profiles, properties and numerics.
    #[serde(flatten)]
    pub delivery: Delivery,
}

/// The series' expected course on its first zone (docs/healing.md): the whole healing run, with
/// the collagen read at the reporting months.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpectedCourse {
    /// The zone's device setting, mm.
    pub depth_mm: f64,
    /// (month after the first session, new collagen % of baseline) of the central rates.
    pub new_collagen_pct_at_months: Vec<(u32, f64)>,
    /// The simulation: weekly series, peaks, outcome band.
    #[serde(flatten)]
    pub healing: Healing,
}

/// A topical of the indication left out of the session, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExcludedTopical {
    /// Agent identifier.
    pub id: String,
    /// Why it is left out.
    pub reason: String,
}

/// The evidence behind the indication.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Strength of the evidence.
    pub level: EvidenceLevel,
    /// Clinical scale outcomes are measured on.
    pub outcome_scale: String,
    /// Key trials.
    pub key_trials: Vec<String>,
}

/// One milestone of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    /// Weeks after the first session.
    pub week: u32,
    /// What happens then.
    pub label: String,
}

/// The device of a plan, in short.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceSummary {
    /// Device identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind of device.
    pub kind: DeviceKind,
    /// Home or professional use.
    #[serde(rename = "use")]
    pub device_use: DeviceUse,
}

/// A treatment plan: screening, zones and depths, schedule, topicals, care and expectations.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    /// Screening verdict for this patient and device.
    pub verdict: Verdict,
    /// Rules that fired.
    pub findings: Vec<Finding>,
    /// Required actions of the findings, once each.
    pub actions: Vec<String>,
    /// The override of a contraindication, if one was given.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
    /// Indication identifier.
    pub indication: String,
    /// Indication name.
    pub indication_name: String,
    /// What the treatment acts on.
    pub mechanism: Mechanism,
    /// The device used.
    pub device: DeviceSummary,
    /// Depth and penetration per zone.
    pub zones: Vec<ZonePlan>,
    /// Number of sessions.
    pub sessions: u32,
    /// Weeks between sessions.
    pub interval_weeks: u32,
    /// Shortest safe interval (weeks).
    pub min_interval_weeks: u32,
    /// Dated sessions.
    pub schedule: Vec<ScheduledSession>,
    /// For darker phototypes, a test spot read before the series starts (the schedule follows it).
    pub test_spot: Option<TestSpot>,
    /// In-session topicals: only agents suited to intradermal use.
    pub topicals: Vec<PlannedTopical>,
    /// Adjuncts used at home between sessions, never into open channels.
    pub home_topicals: Vec<PlannedTopical>,
    /// Topicals of the indication left out, with the reason.
    pub excluded_topicals: Vec<ExcludedTopical>,
    /// The in-session topicals through the first zone's channels, vs intact skin.
    pub delivery: Vec<DeliverySummary>,
    /// The expected course of the series on the first zone.
    pub expected: Option<ExpectedCourse>,
    /// Precare instructions, general then specific.
    pub precare: Vec<String>,
    /// Aftercare instructions, general then specific.
    pub aftercare: Vec<String>,
    /// Weeks after the last session at which to reassess.
    pub reassess_weeks: u32,
    /// Date of the reassessment.
    pub reassess_date: NaiveDate,
    /// Evidence behind the indication.
    pub evidence: Evidence,
    /// Milestones from the first session on.
    pub timeline: Vec<Milestone>,
    /// Adverse effects with their likelihood for this patient and plan.
    pub adverse_effects: Vec<AdverseRisk>,
    /// Sources behind the plan.
    pub sources: Vec<String>,
    /// The knowledge base's version and the disclaimer.
    #[serde(flatten)]
    pub edition: Edition,
}

/// A plan, or the screening that stopped it.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanOutcome {
    /// A plan (boxed: it is much larger than a screening).
    Planned(Box<Plan>),
    /// No plan: the screening contraindicates and no override was given.
    Refused(Screening),
}

impl Plan {
    /// The screening the plan was built on (verdict, findings, actions, adverse effects).
    pub fn screening(&self) -> Screening {
        Screening {
            verdict: self.verdict,
            device: self.device.id.clone(),
            findings: self.findings.clone(),
            actions: self.actions.clone(),
            adverse_effects: self.adverse_effects.clone(),
            edition: self.edition.clone(),
        }
    }
}

/// The override reason, cleaned by [`crate::reason::meaningful`], if it is a reason in words.
fn checked_reason(reason: Option<&str>) -> Result<Option<String>, InputError> {
    reason
        .map(|r| crate::reason::meaningful("--override", r))
        .transpose()
}

fn planned(agent: &Agent) -> PlannedTopical {
    PlannedTopical {
        id: agent.id.clone(),
        name: agent.name.clone(),
        timing: agent.timing.describe(),
        note: agent.note.clone(),
    }
}

/// The patient's topical and the indication's adjuncts, sorted into in-session, home and
/// excluded.
#[derive(Debug, Default)]
struct Topicals {
    in_session: Vec<PlannedTopical>,
    home: Vec<PlannedTopical>,
    excluded: Vec<ExcludedTopical>,
}

fn topicals(
    kb: &KnowledgeBase,
    patient_topical: Option<&Agent>,
    indication: &Indication,
) -> Result<Topicals, InputError> {
    let mut candidates: Vec<&Agent> = Vec::new();
    for id in patient_topical
        .iter()
        .map(|a| a.id.as_str())
        .chain(indication.adjunct_topicals.iter().map(String::as_str))
    {
        let agent = kb.agent(id)?;
        if !candidates.iter().any(|a| a.id == agent.id) {
            candidates.push(agent);
        }
    }
    let mut sorted = Topicals::default();
    for agent in candidates {
        match agent.timing {
            _ if agent.intradermal_suited => sorted.in_session.push(planned(agent)),
            Timing::HomeFrom24h => sorted.home.push(planned(agent)),
            _ => sorted.excluded.push(ExcludedTopical {
                id: agent.id.clone(),
                reason: format!("not suited to intradermal use: {}", agent.note),
            }),
        }
    }
    Ok(sorted)
}

/// The test spot the dark-phototype policy asks for, on the first zone, if it applies.
fn test_spot(kb: &KnowledgeBase, patient: &Patient, zones: &[ZonePlan]) -> Option<TestSpot> {
    let policy = &kb.dark_phototype;
    let zone = zones
        .first()
        .filter(|_| policy.applies(patient.fitzpatrick))?;
    let date = patient.treatment.date;
    Some(TestSpot {
        site: zone.penetration.site.clone(),
        depth_mm: zone.depth_mm,
        date,
        read_date: timeline::add_weeks(date, policy.test_spot_weeks),
        note: format!(
            "Fitzpatrick {}: test spot before the series, read for PIH after {} weeks ({})",
            patient.fitzpatrick, policy.test_spot_weeks, policy.source
        ),
    })
}

/// The override of a contraindicated screening: the clinician's reason and the rules it sets
/// aside.
fn override_of(findings: &[Finding], reason: &str) -> Override {
    Override {
        reason: reason.to_string(),
        rules: findings
            .iter()
            .filter(|f| f.tier == Tier::Contraindicated)
            .map(|f| f.rule.clone())
            .collect(),
    }
}

/// Delivery of each in-session topical through the first zone's channels (none without zones),
/// the topicals side by side.
fn delivery_of(
    kb: &KnowledgeBase,
    patient: &Patient,
    in_session: &[PlannedTopical],
    zones: &[ZonePlan],
) -> Result<Vec<DeliverySummary>, InputError> {
    Ok(match zones.first() {
        Some(zone) => in_session
            .par_iter()
            .map(|t| course::delivery_summary(kb, patient, kb.agent(&t.id)?, zone))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    })
}

/// General care instructions, then the indication's own.
fn care(general: &[String], specific: &[String]) -> Vec<String> {
    general.iter().chain(specific).cloned().collect()
}

/// Builds the plan for a patient file; refuses a contraindicated patient without an override.
/// The plan carries every simulation its report draws.
pub fn plan(
    kb: &KnowledgeBase,
    patient: &Patient,
    override_reason: Option<&str>,
    policy: &IsotretinoinPolicy,
) -> Result<PlanOutcome, InputError> {
    let reason = checked_reason(override_reason)?;
    let assessment = assess(kb, patient, None, policy)?;
    let screening = assessment.screening;
    let override_ = match (screening.verdict, reason) {
        (Verdict::Contraindicated, None) => return Ok(PlanOutcome::Refused(screening)),
        (_, reason) => reason.map(|reason| override_of(&screening.findings, &reason)),
    };
    let indication = assessment.indication;
    let device = assessment.device;
    let zones = assessment.zones;
    let topicals = topicals(kb, assessment.topical, indication)?;
    // The series' topical for its outcome: the in-session one, else the home one (minoxidil).
    let series_topical = topicals
        .in_session
        .first()
        .or(topicals.home.first())
        .map(|t| t.id.as_str());
    // The deliveries and the expected course are independent simulations: run side by side
    // when there is a delivery to run (handing work to the pool costs more than a plan without
    // topicals takes: measured 379 -> 615 µs on the rosacea plan).
    let course = || {
        zones
            .first()
            .map(|zone| {
                course::expected_course(kb, patient, indication, device, zone, series_topical)
            })
            .transpose()
    };
    let (delivery, expected) = match topicals.in_session.split_first() {
        None => (Ok(Vec::new()), course()),
        // The first delivery runs here while the others and the course are offered to the other
        // thread; whichever thread is done first takes the course, whose outcome band then
        // splits across both. Offering the deliveries and the course as two halves left both
        // deliveries to one thread while the other ran the band alone (the rejuvenation plan
        // benchmark: 7.04 ms that way, 6.12 ms this way).
        Some((first, others)) => {
            let (first, (others, expected)) = rayon::join(
                || delivery_of(kb, patient, std::slice::from_ref(first), &zones),
                || rayon::join(|| delivery_of(kb, patient, others, &zones), course),
            );
            let delivery = first.and_then(|mut all| {
                all.extend(others?);
                Ok(all)
            });
            (delivery, expected)
        }
    };
    let (delivery, expected) = (delivery?, expected?);
    let date = patient.treatment.date;
    let test_spot = test_spot(kb, patient, &zones);
    let offset = test_spot
        .as_ref()
        .map(|_| kb.dark_phototype.test_spot_weeks);
    let schedule = timeline::schedule(indication, date, offset.unwrap_or(0));
    let timeline = timeline::milestones(indication, &schedule, &zones, offset);
    let sources = timeline::sources(kb, indication, device, &zones, &screening.findings);
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
        zones,
        sessions: indication.sessions,
        interval_weeks: indication.interval_weeks,
        min_interval_weeks: indication.min_interval_weeks,
        schedule,
        test_spot,
        topicals: topicals.in_session,
        home_topicals: topicals.home,
        excluded_topicals: topicals.excluded,
        delivery,
        expected,
        precare: care(&kb.precare.items, &indication.precare),
        aftercare: care(&kb.aftercare.items, &indication.aftercare),
        reassess_weeks: indication.reassess_weeks,
        reassess_date: timeline::add_weeks(
            date,
            timeline::reassess_week(indication, offset.unwrap_or(0)),
        ),
        evidence: Evidence {
            level: indication.evidence,
            outcome_scale: indication.outcome_scale.clone(),
            key_trials: indication.key_trials.clone(),
        },
        timeline,
        adverse_effects: screening.adverse_effects,
        sources,
        edition: screening.edition,
    })))
}
