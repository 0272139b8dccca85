//! Clinical outcomes: the indication's scale read from the model's signal, over sampled rates.

use rayon::prelude::*;

use super::ode::{Course, State, integrate};
use super::params::{self, HealingParams};
use super::rates::Rates;
use super::request::HealingRequest;
use super::{OUTCOME_MONTHS, Outcome, OutcomePoint, STEP_DAYS, month_day};
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

/// The outcome band of `request` on `indication`'s scale at the reporting months, or why there
/// is none.
pub(super) fn band(
    params: &HealingParams,
    indication: &Indication,
    course: &Course,
    request: &HealingRequest,
) -> (Option<Outcome>, Option<String>) {
    let Some(map) = params.outcome(&indication.id) else {
        return (
            None,
            Some(format!(
                "No outcome data for {} in the sources: no number is given.",
                indication.id
            )),
        );
    };
    let months: Vec<u32> = OUTCOME_MONTHS
        .into_iter()
        .filter(|m| *m <= request.months())
        .collect();
    let days: Vec<u32> = months.iter().map(|m| month_day(*m)).collect();
    let values = sample_scale(
        params,
        map,
        indication.mechanism,
        course,
        &days,
        request.seed(),
        request.samples(),
    );
    let at_months = months
        .iter()
        .zip(values)
        .map(|(month, mut v)| {
            v.sort_by(f64::total_cmp);
            let responders_pct = map
                .responder_threshold
                .map(|t| 100.0 * v.iter().filter(|x| **x >= t).count() as f64 / v.len() as f64);
            OutcomePoint {
                month: *month,
                median: quantile(&v, 0.5),
                p10: quantile(&v, 0.1),
                p90: quantile(&v, 0.9),
                responders_pct,
            }
        })
        .collect();
    let outcome = Outcome {
        indication: indication.id.clone(),
        scale: map.scale.clone(),
        source: map.source.clone(),
        samples: request.samples(),
        seed: request.seed(),
        at_months,
    };
    (Some(outcome), None)
}
