//! The joint calibration of the outcome model across trials, and its leave-one-study-out test.
//!
//! Each usable result of `data/trials.toml` (a needled arm of a collagen-mechanism indication,
//! reported as a score, a change or a percentage improvement) gives an improvement fraction `f`
//! and, through the model's central new collagen `s` at the arm's protocol, an estimate of the
//! outcome coefficient: `ln k = logit f − ln s`. Arms of one study are averaged (they share
//! patients), and studies are pooled by a random-effects model ([`random_effects`]) whose
//! between-study SD `τ` enters every band.
//!
//! Cross-validation leaves each study out in turn: the coefficient is refitted on the others and
//! the left-out study's results are predicted with the band a plan would show (virtual patients
//! varying in rates, skin thickness and `ln k`). The report gives, by indication, the share of
//! held-out results inside the 10–90 % band and the mean absolute error of the median.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::evidence::Evidence;
use crate::healing::params::{OutcomeFit, PooledCoefficient};
use crate::healing::{HealingRequest, band_of, sample_fractions};
use crate::indication::Mechanism;
use crate::knowledge::KnowledgeBase;

pub mod components;
pub mod linear;
mod observations;
pub mod random_effects;

pub use observations::{Observation, Skipped, arm_request, central_signal, observations};
use random_effects::{StudyEstimate, dersimonian_laird};

/// Virtual patients behind each held-out prediction.
pub const CROSS_VALIDATION_SAMPLES: usize = 400;

/// Pools the last follow-up of every arm in `observations` into one coefficient.
pub fn joint_fit(observations: &[Observation], fit: &OutcomeFit) -> Option<PooledCoefficient> {
    let mut by_study: BTreeMap<&str, Vec<&Observation>> = BTreeMap::new();
    for o in observations.iter().filter(|o| o.last) {
        by_study.entry(o.study.as_str()).or_default().push(o);
    }
    // Arms of one study share patients: their mean estimate keeps one arm's variance.
    let estimates: Vec<StudyEstimate> = by_study
        .values()
        .map(|arms| {
            let n = arms.len() as f64;
            StudyEstimate {
                z: arms.iter().map(|o| o.ln_k()).sum::<f64>() / n,
                variance: arms.iter().map(|o| o.variance).sum::<f64>() / n,
            }
        })
        .collect();
    let pooled = dersimonian_laird(&estimates, fit.minimum_tau.value)?;
    Some(PooledCoefficient {
        ln_k: pooled.mean,
        se: pooled.se,
        tau: pooled.tau,
        studies: estimates.len() as u32,
    })
}

/// The model's band for one result, in percent improvement (of the baseline severity, or of an
/// improvement scale's maximum).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultBand {
    /// Study id.
    pub study: String,
    /// Arm id.
    pub arm: String,
    /// The trial's scale.
    pub scale: String,
    /// Months from the first session.
    pub month: f64,
    /// The trial's result, % improvement.
    pub observed_pct: f64,
    /// Median of the model's band, % improvement.
    pub median_pct: f64,
    /// 10th percentile of the band.
    pub p10_pct: f64,
    /// 90th percentile of the band.
    pub p90_pct: f64,
    /// Whether the result lies inside the 10–90 % band.
    pub inside: bool,
    /// Studies the coefficient was fitted on.
    pub fitted_on_studies: u32,
}

/// Leave-one-study-out results of one indication.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicationCrossValidation {
    /// Studies held out (each predicted from the others).
    pub studies: u32,
    /// Results predicted.
    pub results: u32,
    /// Share of held-out results inside the 10–90 % band (0–1).
    pub coverage_p10_p90: f64,
    /// Mean absolute error of the median, percentage points of improvement.
    pub mean_absolute_error: f64,
    /// Each held-out result with its band.
    pub held_out: Vec<ResultBand>,
}

impl IndicationCrossValidation {
    /// The summary of `held_out` results from `studies` studies.
    pub fn of(studies: u32, held_out: Vec<ResultBand>) -> Self {
        let n = held_out.len().max(1) as f64;
        Self {
            studies,
            results: held_out.len() as u32,
            coverage_p10_p90: held_out.iter().filter(|r| r.inside).count() as f64 / n,
            mean_absolute_error: held_out
                .iter()
                .map(|r| (r.median_pct - r.observed_pct).abs())
                .sum::<f64>()
                / n,
            held_out,
        }
    }
}

/// The joint fit and its leave-one-study-out test.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrossValidation {
    /// How the results were made.
    pub method: String,
    /// The coefficient fitted on every study.
    pub fitted: Option<PooledCoefficient>,
    /// Every result against the band of the fit that included it (calibration, not prediction).
    pub in_sample: Vec<ResultBand>,
    /// Per indication: every study predicted without it.
    pub by_indication: BTreeMap<String, IndicationCrossValidation>,
    /// Arms the fit cannot use, and why.
    pub skipped: Vec<Skipped>,
}

/// The band of `observation` under `coefficient`.
pub fn result_band(
    kb: &KnowledgeBase,
    coefficient: &PooledCoefficient,
    observation: &Observation,
    samples: usize,
) -> ResultBand {
    let request: &HealingRequest = &observation.request;
    let course = request.course(&kb.healing, f64::from(observation.day) + 1.0);
    let request = request.clone().with_samples(samples);
    let values = sample_fractions(
        &kb.healing,
        coefficient,
        &request,
        &course,
        &[observation.day],
    );
    ResultBand::of(
        [&observation.study, &observation.arm, &observation.scale],
        observation.month,
        observation.fraction,
        values,
        coefficient.studies,
    )
}

impl ResultBand {
    /// The row of one result (`[study, arm, scale]`), observed `fraction`, from the model's
    /// sampled fractions on that day (`values[0]`).
    pub fn of(
        [study, arm, scale]: [&str; 3],
        month: f64,
        fraction: f64,
        values: Vec<Vec<f64>>,
        fitted_on_studies: u32,
    ) -> Self {
        let band = band_of(values.into_iter().next().unwrap_or_default());
        let observed = 100.0 * fraction;
        Self {
            study: study.to_string(),
            arm: arm.to_string(),
            scale: scale.to_string(),
            month,
            observed_pct: observed,
            median_pct: 100.0 * band.median,
            p10_pct: 100.0 * band.p10,
            p90_pct: 100.0 * band.p90,
            inside: (100.0 * band.p10..=100.0 * band.p90).contains(&observed),
            fitted_on_studies,
        }
    }
}

/// Fits on every study, then leaves each out and predicts it.
pub fn cross_validate(kb: &KnowledgeBase, evidence: &Evidence) -> CrossValidation {
    let fit = &kb.healing.outcome_fit;
    let (all, skipped) = observations(kb, evidence);
    let fitted = joint_fit(&all, fit);
    let in_sample: Vec<ResultBand> = fitted
        .as_ref()
        .map(|c| {
            all.iter()
                .map(|o| result_band(kb, c, o, CROSS_VALIDATION_SAMPLES))
                .collect()
        })
        .unwrap_or_default();
    let studies: BTreeSet<&str> = all.iter().map(|o| o.study.as_str()).collect();
    let mut held: BTreeMap<String, Vec<ResultBand>> = BTreeMap::new();
    let mut held_studies: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for study in studies {
        let training: Vec<Observation> = all.iter().filter(|o| o.study != study).cloned().collect();
        let Some(coefficient) = joint_fit(&training, fit) else {
            continue;
        };
        for o in all.iter().filter(|o| o.study == study) {
            held.entry(o.indication.clone())
                .or_default()
                .push(result_band(kb, &coefficient, o, CROSS_VALIDATION_SAMPLES));
            held_studies
                .entry(o.indication.clone())
                .or_default()
                .insert(study);
        }
    }
    let mut by_indication: BTreeMap<String, IndicationCrossValidation> = held
        .into_iter()
        .map(|(indication, held_out)| {
            let studies = held_studies.get(&indication).map_or(0, |s| s.len() as u32);
            (indication, IndicationCrossValidation::of(studies, held_out))
        })
        .collect();
    let (mut in_sample, mut skipped) = (in_sample, skipped);
    for mechanism in [Mechanism::Pigment, Mechanism::Vascular] {
        let (fitted, cv, left_out) =
            components::component_cross_validation(kb, evidence, mechanism);
        in_sample.extend(fitted);
        skipped.extend(left_out);
        let indication = kb.indications.iter().find(|i| i.mechanism == mechanism);
        if let (Some(cv), Some(indication)) = (cv, indication) {
            by_indication.insert(indication.id.clone(), cv);
        }
    }
    CrossValidation {
        method: String::from(
            "Leave one study out: refit ln k (DerSimonian-Laird, tau floored) on the other studies, predict every result of the left-out study with the plan's band; percent improvement of the baseline severity (or of an improvement scale's maximum)",
        ),
        fitted,
        in_sample,
        by_indication,
        skipped,
    }
}
