//! Wound healing and collagen over months, and the expected outcome of a treatment series.
//!
//! Each session is an injury pulse `A = gain · f_injured · (1 + thermal)` (the injured dermal
//! fraction of the penetration model; RF adds coagulation). A chain of first-order steps, after
//! the cell-circuit models of Adler 2020 and the collagen I/III picture of Dale, Sherratt & Maini:
//!
//! ```text
//! dD/dt  = −k_D D                                  (+ A at each session)
//! dI/dt  =  k_D D − k_I I                          inflammation
//! dF/dt  =  r_F I − k_F F                         activated fibroblasts
//! dC3/dt =  s_3 φ(F) room − k_31 C3                new collagen III, room = 1 − (C1 + C3)/C_max
//! dC1/dt =  s_1 φ(F) room + k_31 C3 − k_1 C1       new collagen I, turned over slowly
//! φ(F)   =  F / (1 + F / F_half)                   synthesis saturates: laying collagen takes months
//! ```
//!
//! New collagen is a fraction of the baseline dermal collagen (`new_collagen_pct = 100 (C1 + C3)`).
//! The D → I → F chain is linear, so phase timing does not depend on the injury's size; the
//! collagen room term gives diminishing returns. The system is not stiff (fastest rate 2/day):
//! classical RK4 with a quarter-day step is within 1e-4 of a step four times finer and within
//! 1e-3 of the D–I chain's closed form (tested).
//! Outcomes map the model's signal to each indication's clinical scale, calibrated on the trials of
//! `data/healing.toml`, with a band from sampling lognormal priors on every rate (seeded).

use rayon::prelude::*;
use serde::Serialize;

use crate::device::Device;
use crate::error::{InputError, check_range};
use crate::indication::Mechanism;
use crate::knowledge::KnowledgeBase;
use crate::skin::SkinProfile;

pub mod calibration;
pub mod params;

pub use params::HealingParams;

/// Integration step, days: four per day, so sessions and weeks fall on steps.
pub const STEP_DAYS: f64 = 0.25;
pub const MAX_SESSIONS: u32 = 52;
pub const MAX_INTERVAL_WEEKS: u32 = 52;
pub const MAX_MONTHS: u32 = 60;
pub const MAX_SAMPLES: usize = 100_000;
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// Months after the first session at which outcomes are reported.
pub const OUTCOME_MONTHS: [u32; 4] = [1, 3, 6, 12];

/// One set of rates (per day), the central values or a sample of the priors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rates {
    pub k_d: f64,
    pub k_i: f64,
    pub r_f: f64,
    pub k_f: f64,
    pub f_half: f64,
    pub s_3: f64,
    pub s_1: f64,
    pub k_31: f64,
    pub k_1: f64,
    pub c_max: f64,
    pub gain: f64,
}

/// SplitMix64: a tiny, well-known generator; one stream per sample keeps results independent of
/// thread scheduling.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn standard_normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

impl Rates {
    pub fn central(p: &HealingParams) -> Self {
        let r = &p.rates;
        Self {
            k_d: r.damage_clearance_per_day.value,
            k_i: r.inflammation_resolution_per_day.value,
            r_f: r.fibroblast_activation_per_day.value,
            k_f: r.fibroblast_resolution_per_day.value,
            f_half: r.fibroblast_half_saturation.value,
            s_3: r.collagen_iii_synthesis_per_day.value,
            s_1: r.collagen_i_synthesis_per_day.value,
            k_31: r.collagen_iii_to_i_per_day.value,
            k_1: r.new_collagen_turnover_per_day.value,
            c_max: r.collagen_capacity.value,
            gain: p.injury.gain.value,
        }
    }

    /// The central rates times lognormal multipliers (median 1, the priors' CV).
    pub fn sampled(p: &HealingParams, seed: u64, index: u64) -> Self {
        let cv = p.priors.coefficient_of_variation.value;
        let sigma = (1.0 + cv * cv).ln().sqrt();
        let mut rng = SplitMix64(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mut m = || (sigma * rng.standard_normal()).exp();
        let c = Self::central(p);
        Self {
            k_d: c.k_d * m(),
            k_i: c.k_i * m(),
            r_f: c.r_f * m(),
            k_f: c.k_f * m(),
            f_half: c.f_half,
            s_3: c.s_3 * m(),
            s_1: c.s_1 * m(),
            k_31: c.k_31 * m(),
            k_1: c.k_1 * m(),
            c_max: c.c_max,
            gain: c.gain * m(),
        }
    }
}

/// The model state: damage, inflammation, fibroblasts, collagen III and I, and the running
/// integral of inflammation (the hair mechanism's signal).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct State {
    pub damage: f64,
    pub inflammation: f64,
    pub fibroblasts: f64,
    pub collagen_iii: f64,
    pub collagen_i: f64,
    pub inflammation_integral: f64,
}

impl State {
    pub fn new_collagen_pct(&self) -> f64 {
        100.0 * (self.collagen_i + self.collagen_iii)
    }

    fn from_array(y: [f64; 6]) -> Self {
        Self {
            damage: y[0],
            inflammation: y[1],
            fibroblasts: y[2],
            collagen_iii: y[3],
            collagen_i: y[4],
            inflammation_integral: y[5],
        }
    }
}

fn derivative(r: &Rates, y: &[f64; 6]) -> [f64; 6] {
    let [d, i, f, c3, c1, _] = *y;
    let room = (1.0 - (c1 + c3) / r.c_max).max(0.0);
    let synthesis = f / (1.0 + f / r.f_half) * room;
    [
        -r.k_d * d,
        r.k_d * d - r.k_i * i,
        r.r_f * i - r.k_f * f,
        r.s_3 * synthesis - r.k_31 * c3,
        r.s_1 * synthesis + r.k_31 * c3 - r.k_1 * c1,
        i,
    ]
}

fn rk4(r: &Rates, y: [f64; 6], h: f64) -> [f64; 6] {
    let add = |a: &[f64; 6], b: &[f64; 6], s: f64| std::array::from_fn(|k| a[k] + s * b[k]);
    let k1 = derivative(r, &y);
    let k2 = derivative(r, &add(&y, &k1, h / 2.0));
    let k3 = derivative(r, &add(&y, &k2, h / 2.0));
    let k4 = derivative(r, &add(&y, &k3, h));
    std::array::from_fn(|k| y[k] + h / 6.0 * (k1[k] + 2.0 * k2[k] + 2.0 * k3[k] + k4[k]))
}

/// A series of sessions: the injury each delivers and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Course {
    /// Injured dermal fraction per session (thermal injury included).
    pub injury_per_session: f64,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub horizon_days: f64,
}

/// Integrates `course` with `rates`, calling `observe(day, state)` at every whole day.
pub fn integrate(
    rates: &Rates,
    course: &Course,
    step_days: f64,
    mut observe: impl FnMut(u32, &State),
) {
    let steps_per_day = (1.0 / step_days).round().max(1.0) as u32;
    let h = 1.0 / f64::from(steps_per_day);
    let interval_days = course.interval_weeks * 7;
    let last_day = course.horizon_days.ceil() as u32;
    let mut y = [0.0; 6];
    for day in 0..=last_day {
        if day % interval_days.max(1) == 0 && day / interval_days.max(1) < course.sessions {
            y[0] += rates.gain * course.injury_per_session;
        }
        observe(day, &State::from_array(y));
        if day == last_day {
            break;
        }
        for _ in 0..steps_per_day {
            y = rk4(rates, y, h);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekPoint {
    pub week: u32,
    pub inflammation: f64,
    pub fibroblasts: f64,
    pub collagen_i: f64,
    pub collagen_iii: f64,
    pub new_collagen_pct: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomePoint {
    pub month: u32,
    pub median: f64,
    pub p10: f64,
    pub p90: f64,
    /// Share of sampled patients at or above the scale's responder threshold, %.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responders_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub indication: String,
    pub scale: String,
    pub source: String,
    pub samples: usize,
    pub seed: u64,
    pub at_months: Vec<OutcomePoint>,
}

/// Days of the phase peaks of the central run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peaks {
    pub inflammation_day: u32,
    pub fibroblasts_day: u32,
    pub collagen_iii_day: u32,
    pub collagen_i_day: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Healing {
    pub device: String,
    pub site: String,
    pub length_mm: f64,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub months: u32,
    pub injured_dermis_fraction: f64,
    pub injury_per_session: f64,
    pub series: Vec<WeekPoint>,
    pub peaks: Peaks,
    pub outcome: Option<Outcome>,
    /// Why there is no outcome, when there is none.
    pub outcome_note: Option<String>,
    pub warnings: Vec<String>,
}

/// A validated healing request.
#[derive(Debug, Clone, PartialEq)]
pub struct HealingRequest {
    pub device: Device,
    pub length_mm: f64,
    pub passes: u32,
    pub skin: SkinProfile,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub months: u32,
    pub indication: Option<String>,
    pub seed: u64,
    pub samples: usize,
}

impl HealingRequest {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        device: &Device,
        length_mm: f64,
        passes: u32,
        skin: SkinProfile,
        sessions: u32,
        interval_weeks: u32,
        months: u32,
        indication: Option<String>,
        seed: u64,
        samples: usize,
    ) -> Result<Self, InputError> {
        if !(1..=MAX_SESSIONS).contains(&sessions) {
            return Err(InputError::new(
                "sessions",
                sessions,
                format!("1 to {MAX_SESSIONS} sessions"),
            ));
        }
        if !(1..=MAX_INTERVAL_WEEKS).contains(&interval_weeks) {
            return Err(InputError::new(
                "interval_weeks",
                interval_weeks,
                format!("1 to {MAX_INTERVAL_WEEKS} weeks"),
            ));
        }
        if !(1..=MAX_MONTHS).contains(&months) {
            return Err(InputError::new(
                "months",
                months,
                format!("1 to {MAX_MONTHS} months"),
            ));
        }
        if !(1..=MAX_SAMPLES).contains(&samples) {
            return Err(InputError::new(
                "samples",
                samples,
                format!("1 to {MAX_SAMPLES} samples"),
            ));
        }
        check_range(
            "length_mm",
            length_mm,
            0.05,
            crate::device::MAX_NEEDLE_MM,
            "mm",
        )?;
        Ok(Self {
            device: device.clone(),
            length_mm,
            passes,
            skin,
            sessions,
            interval_weeks,
            months,
            indication,
            seed,
            samples,
        })
    }
}

/// The injured dermal fraction one session of `device` delivers, thermal injury included.
pub fn injury_per_session(
    kb: &KnowledgeBase,
    device: &Device,
    length_mm: f64,
    passes: u32,
    skin: &SkinProfile,
) -> (f64, f64) {
    let p = kb.penetration.simulate(device, length_mm, skin, passes);
    let thermal = if device.is_energy() && p.injured_dermis_fraction > 0.0 {
        1.0 + kb.healing.injury.thermal_factor.value
    } else {
        1.0
    };
    (
        p.injured_dermis_fraction,
        p.injured_dermis_fraction * thermal,
    )
}

/// The mechanism's signal on a state: new collagen % (collagen), cumulative inflammation (hair).
fn signal(mechanism: Mechanism, state: &State) -> f64 {
    match mechanism {
        Mechanism::Hair => state.inflammation_integral,
        _ => state.new_collagen_pct(),
    }
}

/// The clinical value of one sampled patient at `day`.
pub fn scale_value(map: &params::OutcomeMap, mechanism: Mechanism, state: &State, day: f64) -> f64 {
    let base = map
        .baseline_minoxidil_at_12_weeks
        .map_or(0.0, |at12| at12 * (day / 84.0).min(1.0));
    (base + map.per_unit * signal(mechanism, state)).clamp(0.0, map.maximum)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Samples the priors and reads the indication's scale at `days` (one value per sample and day).
pub fn sample_scale(
    kb: &KnowledgeBase,
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
            let rates = Rates::sampled(&kb.healing, seed, index);
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

/// Runs the request: the weekly series of the central rates, the peaks, the outcome band.
pub fn simulate(kb: &KnowledgeBase, request: &HealingRequest) -> Healing {
    let (injured, injury) = injury_per_session(
        kb,
        &request.device,
        request.length_mm,
        request.passes,
        &request.skin,
    );
    let course = Course {
        injury_per_session: injury,
        sessions: request.sessions,
        interval_weeks: request.interval_weeks,
        horizon_days: f64::from(request.months) * DAYS_PER_MONTH,
    };
    let central = Rates::central(&kb.healing);
    let mut series = Vec::new();
    let mut peak = [(0u32, f64::MIN); 4];
    integrate(&central, &course, STEP_DAYS, |day, s| {
        for (k, value) in [s.inflammation, s.fibroblasts, s.collagen_iii, s.collagen_i]
            .into_iter()
            .enumerate()
        {
            if value > peak[k].1 {
                peak[k] = (day, value);
            }
        }
        if day % 7 == 0 {
            series.push(WeekPoint {
                week: day / 7,
                inflammation: s.inflammation,
                fibroblasts: s.fibroblasts,
                collagen_i: s.collagen_i,
                collagen_iii: s.collagen_iii,
                new_collagen_pct: s.new_collagen_pct(),
            });
        }
    });
    let mut warnings = Vec::new();
    if injured <= 0.0 {
        warnings.push(String::from("The needles do not reach the dermis at this setting: no dermal injury, next to no new collagen (home devices: reduced results)."));
    }
    let indication = request
        .indication
        .as_deref()
        .and_then(|id| kb.indication(id).ok());
    if let Some(ind) = indication
        && request.interval_weeks < ind.min_interval_weeks
    {
        warnings.push(format!(
            "Sessions every {} weeks are closer than the {} weeks {} allows: the skin has not finished its response.",
            request.interval_weeks, ind.min_interval_weeks, ind.id
        ));
    }
    let (outcome, outcome_note) = match indication {
        None => (
            None,
            Some(String::from("No indication given: no clinical scale.")),
        ),
        Some(ind) => match kb.healing.outcome(&ind.id) {
            None => (
                None,
                Some(format!(
                    "No outcome data for {} in the sources (REFERENCES.md section 4): no number is given.",
                    ind.id
                )),
            ),
            Some(map) => {
                let months: Vec<u32> = OUTCOME_MONTHS
                    .into_iter()
                    .filter(|m| *m <= request.months)
                    .collect();
                let days: Vec<u32> = months
                    .iter()
                    .map(|m| (f64::from(*m) * DAYS_PER_MONTH).round() as u32)
                    .collect();
                let values = sample_scale(
                    kb,
                    map,
                    ind.mechanism,
                    &course,
                    &days,
                    request.seed,
                    request.samples,
                );
                let at_months = months
                    .iter()
                    .zip(values)
                    .map(|(month, mut v)| {
                        v.sort_by(f64::total_cmp);
                        let responders_pct = map.responder_threshold.map(|t| {
                            100.0 * v.iter().filter(|x| **x >= t).count() as f64 / v.len() as f64
                        });
                        OutcomePoint {
                            month: *month,
                            median: quantile(&v, 0.5),
                            p10: quantile(&v, 0.1),
                            p90: quantile(&v, 0.9),
                            responders_pct,
                        }
                    })
                    .collect();
                (
                    Some(Outcome {
                        indication: ind.id.clone(),
                        scale: map.scale.clone(),
                        source: map.source.clone(),
                        samples: request.samples,
                        seed: request.seed,
                        at_months,
                    }),
                    None,
                )
            }
        },
    };
    Healing {
        device: request.device.id.clone(),
        site: request.skin.site.clone(),
        length_mm: request.length_mm,
        sessions: request.sessions,
        interval_weeks: request.interval_weeks,
        months: request.months,
        injured_dermis_fraction: injured,
        injury_per_session: injury,
        series,
        peaks: Peaks {
            inflammation_day: peak[0].0,
            fibroblasts_day: peak[1].0,
            collagen_iii_day: peak[2].0,
            collagen_i_day: peak[3].0,
        },
        outcome,
        outcome_note,
        warnings,
    }
}
