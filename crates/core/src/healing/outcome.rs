//! Clinical outcomes: the indication's scale read from the model's signal, over sampled rates.

use rayon::prelude::*;

use super::components::ComponentModel;
use super::exact::{LANES, integrate_fast, new_collagen_pct_prepared};
use super::ode::{Course, State};
use super::params::PooledCoefficient;
use super::params::{self, HealingParams};
use super::priors::{self, PatientBatch};
use super::rates::{Rates, patient_normals};
use super::request::HealingRequest;
use super::scale::{ScaleChoice, improvement_fraction};
use super::{Band, OUTCOME_MONTHS, OutcomeBasis, OutcomePoint, month_day};
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
    scale_value_with(map, mechanism, state, day, 1.0)
}

/// [`scale_value`] with the topical's own gain scaled by `topical_response` (a patient's
/// lognormal draw; 1 for the central patient).
pub(super) fn scale_value_with(
    map: &params::OutcomeMap,
    mechanism: Mechanism,
    state: &State,
    day: f64,
    topical_response: f64,
) -> f64 {
    let base = map
        .baseline_minoxidil_at_12_weeks
        .map_or(0.0, |at12| topical_response * at12 * (day / 84.0).min(1.0));
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
    patients: std::ops::Range<u64>,
) -> Vec<Vec<f64>> {
    let per_sample: Vec<Vec<f64>> = patients
        .into_par_iter()
        .map(|index| {
            let rates = Rates::sampled(params, seed, index);
            // The topical's own response varies between patients as the rates do.
            let cv = params.priors.coefficient_of_variation.value;
            let [_, _, z] = patient_normals(seed, index);
            let topical_response = ((1.0 + cv * cv).ln().sqrt() * z).exp();
            let mut values = vec![0.0; days.len()];
            integrate_fast(&rates, course, |day, state| {
                if let Some(k) = days.iter().position(|d| *d == day) {
                    values[k] =
                        scale_value_with(map, mechanism, state, f64::from(day), topical_response);
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
    let (first, samples) = (request.first_patient(), request.samples() as u64);
    let run = |batch: &PatientBatch| -> Vec<[f64; LANES]> {
        let injury = batch
            .normals
            .map(|[thickness_z, _, _]| request.injury_at(params, thickness_z));
        let ln_k = batch.normals.map(|[_, coefficient_z, _]| {
            coefficient.ln_k + coefficient.predictive_sd() * coefficient_z
        });
        new_collagen_pct_prepared(&batch.lanes, &injury, course, days)
            .into_iter()
            .map(|pct| std::array::from_fn(|l| improvement_fraction(ln_k[l], pct[l])))
            .collect()
    };
    let range = (first, samples);
    let batches: Vec<Vec<[f64; LANES]>> = match priors::kept(params, request.seed(), range) {
        Some(patients) => patients.par_iter().map(run).collect(),
        None => (0..samples.div_ceil(LANES as u64))
            .into_par_iter()
            .map(|batch| run(&priors::prepare(params, request.seed(), range, batch)))
            .collect(),
    };
    (0..days.len())
        .map(|k| {
            batches
                .iter()
                .flat_map(|batch| batch[k])
                .take(samples as usize)
                .collect()
        })
        .collect()
}

/// The request's virtual patients: `first_patient .. first_patient + samples`.
fn patient_range(request: &HealingRequest) -> std::ops::Range<u64> {
    let first = request.first_patient();
    first..first + request.samples() as u64
}

/// Alopecia: hair count change of each virtual patient on `days`. Minoxidil's own gain counts
/// only when the series uses it; needling's follows the inflammatory signal. Once the series and
/// its maintenance end, the gain is shed at the map's relapse rate (Price 1999: back to
/// untreated counts within 24 weeks of stopping minoxidil).
fn hair_counts(
    params: &HealingParams,
    map: &params::OutcomeMap,
    request: &HealingRequest,
    course: &Course,
    days: &[u32],
) -> Vec<Vec<f64>> {
    let schedule = HairSchedule::new(map, request, days);
    let values = sample_scale(
        params,
        &schedule.map,
        Mechanism::Hair,
        course,
        &schedule.read,
        request.seed(),
        patient_range(request),
    );
    schedule.faded(days, values)
}

/// What the hair model reads for a series: its map (minoxidil's own gain only when the series
/// uses it), the days to read (the asked days, and the end of treatment when some fall after
/// it), and how the gain fades after the end.
pub(super) struct HairSchedule {
    pub(super) map: params::OutcomeMap,
    pub(super) read: Vec<u32>,
    end: u32,
    relapse_per_day: f64,
}

impl HairSchedule {
    pub(super) fn new(map: &params::OutcomeMap, request: &HealingRequest, days: &[u32]) -> Self {
        let mut map = map.clone();
        if request.topical() != Some("minoxidil") {
            map.baseline_minoxidil_at_12_weeks = None;
        }
        let maintenance = map.maintenance_weeks.as_ref().map_or(0.0, |c| c.value);
        let end = (7.0 * (f64::from(request.sessions() * request.interval_weeks()) + maintenance))
            .round() as u32;
        let relapse_per_day = map.relapse_per_day.as_ref().map_or(0.0, |c| c.value);
        let last = days.iter().copied().max().unwrap_or(0);
        let mut read: Vec<u32> = days.to_vec();
        if end < last {
            read.push(end);
        }
        Self {
            map,
            read,
            end,
            relapse_per_day,
        }
    }

    /// The same with the loss after treatment at `relapse_per_day`.
    pub(super) fn with_relapse(mut self, relapse_per_day: f64) -> Self {
        self.relapse_per_day = relapse_per_day;
        self
    }

    /// The values on `days` (`[day][patient]`) from those read on `self.read`: a day after the
    /// end keeps the end's value, shed at the relapse rate.
    pub(super) fn faded(&self, days: &[u32], values: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
        let at_end = values.get(days.len());
        days.iter()
            .zip(&values)
            .map(|(day, v)| match at_end {
                Some(kept) if *day > self.end => {
                    let fade = (-self.relapse_per_day * f64::from(day - self.end)).exp();
                    kept.iter().map(|x| x * fade).collect()
                }
                _ => v.clone(),
            })
            .collect()
    }
}

/// The components a series uses, as a design row of `p` (1 for needling when it injures the
/// dermis and for RF heating with an energy device, the topical's route weight), and their
/// names.
pub(super) fn component_design(
    p: &ComponentModel,
    request: &HealingRequest,
) -> (Vec<f64>, Vec<String>) {
    let mut design = vec![0.0; p.components.len()];
    let mut used = Vec::new();
    let mut set = |id: &str, on: bool| {
        if on && let Some(i) = p.index(id) {
            design[i] = 1.0;
            used.push(id.to_string());
        }
    };
    set("needling", request.needled());
    set("rf", request.needled() && request.thermal());
    if let Some(topical) = request.topical()
        && let Some(i) = p.component_of(topical)
    {
        design[i] = request.topical_weight();
        used.push(format!(
            "{} (weight {:.3})",
            p.components[i].id,
            request.topical_weight()
        ));
    }
    (design, used)
}

/// The day the treatment stops acting: the series and its maintenance.
pub(super) fn component_end_day(p: &ComponentModel, request: &HealingRequest) -> f64 {
    7.0 * (f64::from(request.sessions() * request.interval_weeks()) + p.maintenance_weeks.value)
}

/// Melasma and rosacea: the components the series uses (needling when it injures the dermis,
/// RF heating with an energy device, its topical weighted by its route), acting over the series
/// and its maintenance, on the chosen scale.
fn component_improvements(
    params: &HealingParams,
    p: &ComponentModel,
    request: &HealingRequest,
    choice: &ScaleChoice,
    days: &[u32],
) -> (Vec<Vec<f64>>, String) {
    let (design, used) = component_design(p, request);
    let end_day = component_end_day(p, request);
    let fractions = super::components::sample_response(
        p,
        &design,
        params.outcome_fit.minimum_tau.value,
        end_day,
        days,
        request.seed(),
        patient_range(request),
    );
    let improvements = on_scale(fractions, choice);
    let components = if used.is_empty() {
        String::from("no needling and no pigment topical: no improvement")
    } else {
        used.join(" + ")
    };
    (
        improvements,
        format!(
            "{}; components: {components}; treatment acts until day {end_day:.0}, then relapses",
            p.source
        ),
    )
}

/// One virtual patient's collagen course, on the days asked.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientCourse {
    /// New collagen, % of baseline, on each day.
    pub new_collagen_pct: Vec<f64>,
    /// Improvement fraction (0–1) on each day.
    pub improvement_fraction: Vec<f64>,
}

/// Virtual patient `index` of the request's seed: its own rates, its skin-thickness offset
/// (through the request's injury spread, when it has one) and its outcome coefficient. The
/// draws depend on the seed and the index alone.
pub fn virtual_patient(
    params: &HealingParams,
    coefficient: &PooledCoefficient,
    request: &HealingRequest,
    course: &Course,
    days: &[u32],
    index: u64,
) -> PatientCourse {
    let rates = Rates::sampled(params, request.seed(), index);
    let [thickness_z, coefficient_z, _] = patient_normals(request.seed(), index);
    let course = Course {
        injury_per_session: request.injury_at(params, thickness_z),
        ..*course
    };
    let ln_k = coefficient.ln_k + coefficient.predictive_sd() * coefficient_z;
    let mut out = PatientCourse {
        new_collagen_pct: vec![0.0; days.len()],
        improvement_fraction: vec![0.0; days.len()],
    };
    integrate_fast(&rates, &course, |day, state| {
        if let Some(k) = days.iter().position(|d| *d == day) {
            out.new_collagen_pct[k] = state.new_collagen_pct();
            out.improvement_fraction[k] = improvement_fraction(ln_k, state.new_collagen_pct());
        }
    });
    out
}

/// Median and 10–90 % band of unsorted values.
pub fn band_of(mut values: Vec<f64>) -> Band {
    // Unstable: values equal under the total order have the same bits, so their order cannot
    // show, and pattern-defeating quicksort is the faster of the two on floats.
    values.sort_unstable_by(f64::total_cmp);
    Band {
        median: quantile(&values, 0.5),
        p10: quantile(&values, 0.1),
        p90: quantile(&values, 0.9),
    }
}

/// Improvement fractions (`[day][patient]`) in the chosen scale's units; a day is empty when the
/// scale needs a baseline it lacks.
fn on_scale(fractions: Vec<Vec<f64>>, choice: &ScaleChoice) -> Vec<Vec<f64>> {
    fractions
        .into_iter()
        .map(|f| {
            f.into_iter()
                .filter_map(|f| choice.scale().improvement(f, choice.baseline()))
                .collect()
        })
        .collect()
}

/// Collagen indications: each virtual patient's improvement fraction on the chosen scale.
fn collagen_improvements(
    params: &HealingParams,
    request: &HealingRequest,
    course: &Course,
    choice: &ScaleChoice,
    days: &[u32],
) -> (Vec<Vec<f64>>, String) {
    let coefficient = &params.outcome_fit.collagen;
    let improvements = on_scale(
        sample_fractions(params, coefficient, request, course, days),
        choice,
    );
    let source = format!(
        "{} (ln k {:.2} +/- {:.2} between studies, {} studies)",
        params.outcome_fit.source,
        coefficient.ln_k,
        coefficient.predictive_sd(),
        coefficient.studies
    );
    (improvements, source)
}

/// The band of the virtual patients' improvements at `month`, and of their scores.
fn point(month: u32, choice: &ScaleChoice, values: Vec<f64>) -> OutcomePoint {
    let scale = choice.scale();
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
        month,
        scale: scale.id.clone(),
        median: change.median,
        p10: change.p10,
        p90: change.p90,
        score: score.filter(|b| b.median.is_finite()),
    }
}

/// Each of the request's virtual patients' improvement on `choice`'s scale on `days`
/// (`[day][patient]`), by the indication's mechanism, with the source it rests on; an error
/// says why there is no number. A cohort row is the band of one patient
/// ([`super::HealingRequestBuilder::first_patient`]): the same patient, the same value.
pub fn scale_improvements(
    params: &HealingParams,
    indication: &Indication,
    course: &Course,
    request: &HealingRequest,
    choice: &ScaleChoice,
    days: &[u32],
) -> Result<(Vec<Vec<f64>>, String), String> {
    let (improvements, source) = match indication.mechanism {
        Mechanism::Collagen => collagen_improvements(params, request, course, choice, days),
        Mechanism::Pigment | Mechanism::Vascular => {
            let model = params
                .component_model(indication.mechanism)
                .ok_or_else(|| format!("No component model for {}.", indication.id))?;
            component_improvements(params, model, request, choice, days)
        }
        Mechanism::Hair => {
            let map = params
                .outcome(&indication.id)
                .ok_or_else(|| format!("No outcome data for {} in the sources.", indication.id))?;
            (
                hair_counts(params, map, request, course, days),
                map.source.clone(),
            )
        }
    };
    if improvements.iter().any(Vec::is_empty) {
        return Err(needs_baseline(choice));
    }
    Ok((improvements, source))
}

/// Why a scale gives no number: it reads change from a baseline score that was not given.
pub(super) fn needs_baseline(choice: &ScaleChoice) -> String {
    format!(
        "{} needs a baseline score to give a number (--baseline).",
        choice.scale().id
    )
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
    let (improvements, source) =
        scale_improvements(params, indication, course, request, &choice, &days)?;
    let points = months
        .iter()
        .zip(improvements)
        .map(|(month, values)| point(*month, &choice, values))
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
