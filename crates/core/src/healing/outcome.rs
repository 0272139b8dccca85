//! Clinical outcomes: the indication's scale read from the model's signal, over sampled rates.

use rayon::prelude::*;

use super::ode::{Course, State, integrate};
use super::params::PooledCoefficient;
use super::params::{self, HealingParams};
use super::rates::{Rates, patient_normals};
use super::request::HealingRequest;
use super::scale::{ScaleChoice, improvement_fraction};
use super::{Band, OUTCOME_MONTHS, OutcomeBasis, OutcomePoint, STEP_DAYS, month_day};
use crate::indication::Indication;
use crate::indication::Mechanism;

/// The mechanism's signal on a state: new collagen % (collagen), cumulative inflammation (hair).
fn signal(mechanism: Mechanism, state: &State) -> f64 {
    match mechanism {
        Mechanism::Hair => state.inflammation_integral,
        _ => state.new_collagen_pct(),
    }
}

/// The clinical value of one sampled patient at `day`: the linear response `x = base + per_unit ·
/// signal` bent towards the scale's maximum as an Emax curve, `max · x / (x + max)` (slope 1 at
/// zero, half the maximum at `x = max`), so a large injury gives diminishing returns and no band
/// is pinned at the top of a scale.
pub fn scale_value(map: &params::OutcomeMap, mechanism: Mechanism, state: &State, day: f64) -> f64 {
    let base = map
        .baseline_minoxidil_at_12_weeks
        .map_or(0.0, |at12| at12 * (day / 84.0).min(1.0));
    let x = (base + map.per_unit * signal(mechanism, state)).max(0.0);
    map.maximum * x / (x + map.maximum)
}

/// The `q` quantile of sorted values, interpolated linearly; NaN for none.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Samples the priors and reads the indication's scale at `days` (one value per sample and day).
pub fn sample_scale(
    params: &HealingParams,
    map: &params::OutcomeMap,
    mechanism: Mechanism,
    course: &Course,
    days: &[u32],
    seed: u64,
    samples: usize,
) -> Vec<Vec<f64>> {
    let per_sample: Vec<Vec<f64>> = (0..samples as u64)
        .into_par_iter()
        .map(|index| {
            let rates = Rates::sampled(params, seed, index);
            let mut values = vec![0.0; days.len()];
            integrate(&rates, course, STEP_DAYS, |day, state| {
                if let Some(k) = days.iter().position(|d| *d == day) {
                    values[k] = scale_value(map, mechanism, state, f64::from(day));
                }
            });
            values
        })
        .collect();
    (0..days.len())
        .map(|k| per_sample.iter().map(|v| v[k]).collect())
        .collect()
}

/// Each virtual patient's improvement fraction at `days` (`[day][patient]`): its sampled rates,
/// its skin thickness (through the request's injury spread) and its outcome coefficient,
/// `ln k ~ N(ln_k, se² + τ²)` (between-study and fit uncertainty).
pub fn sample_fractions(
    params: &HealingParams,
    coefficient: &PooledCoefficient,
    request: &HealingRequest,
    course: &Course,
    days: &[u32],
) -> Vec<Vec<f64>> {
    let sd = coefficient.predictive_sd();
    let per_sample: Vec<Vec<f64>> = (0..request.samples() as u64)
        .into_par_iter()
        .map(|index| {
            let rates = Rates::sampled(params, request.seed(), index);
            let [thickness_z, coefficient_z] = patient_normals(request.seed(), index);
            let course = Course {
                injury_per_session: request.injury_at(params, thickness_z),
                ..*course
            };
            let ln_k = coefficient.ln_k + sd * coefficient_z;
            let mut values = vec![0.0; days.len()];
            integrate(&rates, &course, STEP_DAYS, |day, state| {
                if let Some(k) = days.iter().position(|d| *d == day) {
                    values[k] = improvement_fraction(ln_k, state.new_collagen_pct());
                }
            });
            values
        })
        .collect();
    (0..days.len())
        .map(|k| per_sample.iter().map(|v| v[k]).collect())
        .collect()
}

/// Median and 10–90 % band of unsorted values.
pub fn band_of(mut values: Vec<f64>) -> Band {
    values.sort_by(f64::total_cmp);
    Band {
        median: quantile(&values, 0.5),
        p10: quantile(&values, 0.1),
        p90: quantile(&values, 0.9),
    }
}

/// The outcome of `request` on `indication`'s scale at the reporting months, the basis it was
/// read on, or why there is none.
pub(super) fn band(
    params: &HealingParams,
    indication: &Indication,
    course: &Course,
    request: &HealingRequest,
) -> Result<(Vec<OutcomePoint>, OutcomeBasis), String> {
    let choice = match request.scale() {
        Some(choice) => choice.clone(),
        None => ScaleChoice::resolve(&params.scales, &indication.id, None, None).map_err(|_| {
            format!(
                "No clinical scale for {} in the evidence base: no number is given.",
                indication.id
            )
        })?,
    };
    let months: Vec<u32> = OUTCOME_MONTHS
        .into_iter()
        .filter(|m| *m <= request.months())
        .collect();
    let days: Vec<u32> = months.iter().map(|m| month_day(*m)).collect();
    let scale = choice.scale();
    let (improvements, source) = match indication.mechanism {
        Mechanism::Collagen => {
            let coefficient = &params.outcome_fit.collagen;
            let fractions = sample_fractions(params, coefficient, request, course, &days);
            let improvements: Vec<Vec<f64>> = fractions
                .into_iter()
                .map(|f| {
                    f.into_iter()
                        .filter_map(|f| scale.improvement(f, choice.baseline()))
                        .collect()
                })
                .collect();
            let source = format!(
                "{} (ln k {:.2} +/- {:.2} between studies, {} studies)",
                params.outcome_fit.source,
                coefficient.ln_k,
                coefficient.predictive_sd(),
                coefficient.studies
            );
            (improvements, source)
        }
        Mechanism::Hair => {
            let map = params
                .outcome(&indication.id)
                .ok_or_else(|| format!("No outcome data for {} in the sources.", indication.id))?;
            let values = sample_scale(
                params,
                map,
                indication.mechanism,
                course,
                &days,
                request.seed(),
                request.samples(),
            );
            (values, map.source.clone())
        }
        _ => {
            return Err(format!(
                "The {} mechanism of {} is not modelled yet: no number is given.",
                indication.mechanism.as_str(),
                indication.id
            ));
        }
    };
    if improvements.iter().any(Vec::is_empty) {
        return Err(format!(
            "{} needs a baseline score to give a number (--baseline).",
            scale.id
        ));
    }
    let points = months
        .iter()
        .zip(improvements)
        .map(|(month, values)| {
            let score = choice.baseline().is_some().then(|| {
                band_of(
                    values
                        .iter()
                        .filter_map(|v| scale.score(choice.baseline(), *v))
                        .collect(),
                )
            });
            let change = band_of(values);
            OutcomePoint {
                month: *month,
                scale: scale.id.clone(),
                median: change.median,
                p10: change.p10,
                p90: change.p90,
                score: score.filter(|b| b.median.is_finite()),
            }
        })
        .collect();
    let basis = OutcomeBasis {
        indication: indication.id.clone(),
        scale: scale.id.clone(),
        scale_name: scale.name.clone(),
        unit: scale.unit.clone(),
        baseline: choice.baseline(),
        baseline_given: choice.baseline_given(),
        source,
        samples: request.samples(),
        seed: request.seed(),
    };
    Ok((points, basis))
}
