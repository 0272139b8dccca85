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
//! dC3/dt =  s_3 φ(F) room − k_31 C3                new collagen III, room = 1 − (C1 + C3 + M)/C_max
//! dC1/dt =  s_1 φ(F) room + k_31 C3 − (k_1 + k_mat) C1   new collagen I, immature
//! dM/dt  =  k_mat C1 − k_m M                       cross-linked (mature) collagen, kept for years
//! φ(F)   =  F / (1 + F / F_half)                   synthesis saturates: laying collagen takes months
//! ```
//!
//! New collagen is a fraction of the baseline dermal collagen (`new_collagen_pct = 100 (C1 + C3 + M)`).
//! The D → I → F chain is linear, so phase timing does not depend on the injury's size; the
//! collagen room term gives diminishing returns. The system is not stiff (fastest rate 2/day):
//! classical RK4 with a quarter-day step is within 1e-4 of a step four times finer and within
//! 1e-3 of the D–I chain's closed form (tested).
//! Outcomes: the collagen signal `s` (new collagen %) gives an improvement fraction
//! `f = k·s / (1 + k·s)`, the share of the starting severity removed, read on the trial scale the
//! caller picks ([`scale`]). `ln k` is fitted jointly across the trials of `data/trials.toml`
//! with a between-study variance (crate `fit`). The band samples virtual patients: lognormal
//! priors on every rate, the skin's thickness (which sets the injured dermis) and `ln k`.

use serde::Serialize;

mod central;
pub mod components;
mod exact;
mod ode;
mod outcome;
pub mod params;
mod priors;
mod rates;
mod request;
pub mod scale;

pub use central::{CentralOverrides, central_scale_values};
pub use exact::{LANES, integrate_fast, new_collagen_pct_lanes};
pub use ode::{Course, State, integrate};
pub use outcome::{
    PatientCourse, band_of, quantile, sample_fractions, sample_scale, scale_improvements,
    scale_value, virtual_patient,
};
pub use params::HealingParams;
pub use rates::{PatientRng, Rates};
pub use request::{HealingRequest, HealingRequestBuilder, NO_DEVICE};
pub use scale::{Scale, ScaleChoice, ScaleKind, improvement_fraction};

/// Integration step, days: four per day, so sessions and weeks fall on steps.
pub const STEP_DAYS: f64 = 0.25;
/// Most sessions in one series.
pub const MAX_SESSIONS: u32 = 52;
/// Longest interval between sessions, weeks.
pub const MAX_INTERVAL_WEEKS: u32 = 52;
/// Longest simulated horizon, months.
pub const MAX_MONTHS: u32 = 60;
/// Most prior samples behind a band.
pub const MAX_SAMPLES: usize = 100_000;
/// Prior samples behind an outcome band, whichever door the question comes in by (plan, report,
/// CLI, API): the same question gives the same numbers.
pub const DEFAULT_SAMPLES: usize = 1000;
/// Seed of the prior sampling unless the caller sets one.
pub const DEFAULT_SEED: u64 = 1;
/// Months simulated unless the caller says otherwise (plans show the course over a year).
pub const DEFAULT_MONTHS: u32 = 12;
/// Average days per month (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// Months after the first session at which outcomes are reported.
pub const OUTCOME_MONTHS: [u32; 4] = [1, 3, 6, 12];

/// Months → days, as the outcome table reads them.
pub fn month_day(month: u32) -> u32 {
    (f64::from(month) * DAYS_PER_MONTH).round() as u32
}

/// Months (fractional, as trials report them) → the model's day.
pub fn month_day_f(month: f64) -> u32 {
    (month.max(0.0) * DAYS_PER_MONTH).round() as u32
}

/// The central run at one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekPoint {
    /// Weeks since the first session.
    pub week: u32,
    /// Inflammation (arbitrary units).
    pub inflammation: f64,
    /// Activated fibroblasts (arbitrary units).
    pub fibroblasts: f64,
    /// New collagen I, fraction of baseline collagen.
    pub collagen_i: f64,
    /// New collagen III, fraction of baseline collagen.
    pub collagen_iii: f64,
    /// New collagen I matured by cross-linking, fraction of baseline collagen.
    pub collagen_mature: f64,
    /// New collagen I + III, % of baseline collagen.
    pub new_collagen_pct: f64,
}

/// The fast curves of the central run on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayPoint {
    /// Days since the first session.
    pub day: u32,
    /// Inflammation (arbitrary units).
    pub inflammation: f64,
    /// Activated fibroblasts (arbitrary units).
    pub fibroblasts: f64,
}

/// A median with its 10–90 % band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Band {
    /// Median of the virtual patients.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// The expected outcome at one month, on the chosen clinical scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomePoint {
    /// Months since the first session.
    pub month: u32,
    /// The scale's id (see `outcome_basis` for its name and unit).
    pub scale: String,
    /// Median predicted improvement, in the scale's units (positive = better).
    pub median: f64,
    /// 10th percentile of the predicted improvement.
    pub p10: f64,
    /// 90th percentile of the predicted improvement.
    pub p90: f64,
    /// The predicted score from the baseline (severity and count scales).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Band>,
}

/// What an outcome was read on: the scale, the baseline, the fit behind it and the sampling.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeBasis {
    /// Indication identifier.
    pub indication: String,
    /// Scale identifier.
    pub scale: String,
    /// The scale's full name.
    pub scale_name: String,
    /// Unit of the scale's values.
    pub unit: String,
    /// The baseline score the improvement is read from (none on improvement scales).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// Whether the caller gave the baseline (else the scale's typical trial baseline).
    pub baseline_given: bool,
    /// The fit or calibration behind the numbers.
    pub source: String,
    /// Virtual patients behind the band (rates, skin thickness, outcome coefficient vary).
    pub samples: usize,
    /// Seed of the sampling.
    pub seed: u64,
}

/// Days of the phase peaks of the central run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Peaks {
    /// Day of peak inflammation.
    pub inflammation_day: u32,
    /// Day of peak activated fibroblasts.
    pub fibroblasts_day: u32,
    /// Day of peak new collagen III.
    pub collagen_iii_day: u32,
    /// Day of peak new collagen I.
    pub collagen_i_day: u32,
}

/// A simulated treatment course: weekly series, peaks and, with an indication, the outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Healing {
    /// Device identifier.
    pub device: String,
    /// Site identifier.
    pub site: String,
    /// Needle length (mm).
    pub length_mm: f64,
    /// Number of sessions.
    pub sessions: u32,
    /// Weeks between sessions.
    pub interval_weeks: u32,
    /// Horizon (months).
    pub months: u32,
    /// Dermal fraction one session injures (0–1), from the penetration model.
    pub injured_dermis_fraction: f64,
    /// Injury pulse per session (injured fraction, thermal injury included).
    pub injury_per_session: f64,
    /// The central run, week by week.
    pub series: Vec<WeekPoint>,
    /// The fast curves of the central run (inflammation, activated fibroblasts), day by day: a
    /// weekly sample misses their peaks. Drawn by the reports; not serialized (the weekly series
    /// and `peaks` carry them in JSON).
    #[serde(skip)]
    pub daily: Vec<DayPoint>,
    /// Days of the phase peaks.
    pub peaks: Peaks,
    /// Outcome on the chosen scale at 1, 3, 6 and 12 months (within the horizon); empty when
    /// there is none (see `outcome_note`).
    pub outcome: Vec<OutcomePoint>,
    /// The scale, baseline and fit the outcome is read on.
    pub outcome_basis: Option<OutcomeBasis>,
    /// Why there is no outcome, when there is none.
    pub outcome_note: Option<String>,
    /// Caveats about the inputs or the model's range.
    pub warnings: Vec<String>,
}

/// Runs the request with the model's parameters: the weekly series of the central rates, the
/// peaks, the outcome band.
pub fn simulate(params: &HealingParams, request: &HealingRequest) -> Healing {
    let (injured, injury) = request.injury(params);
    let course = request.course(params, f64::from(request.months()) * DAYS_PER_MONTH);
    let (series, daily, peaks) = central_run(&Rates::central(params), &course);
    let (outcome, outcome_basis, outcome_note) = match request.indication() {
        None => (
            Vec::new(),
            None,
            Some(String::from("No indication given: no clinical scale.")),
        ),
        Some(indication) => match outcome::band(params, indication, &course, request) {
            Ok((points, basis)) => (points, Some(basis), None),
            Err(note) => (Vec::new(), None, Some(note)),
        },
    };
    Healing {
        device: request.device_id().to_string(),
        site: request.site_id().to_string(),
        length_mm: request.length_mm(),
        sessions: request.sessions(),
        interval_weeks: request.interval_weeks(),
        months: request.months(),
        injured_dermis_fraction: injured,
        injury_per_session: injury,
        series,
        daily,
        peaks,
        outcome,
        outcome_basis,
        outcome_note,
        warnings: warnings(request, injured),
    }
}

/// The weekly series, the daily fast curves and the phase peaks of one set of rates.
fn central_run(rates: &Rates, course: &Course) -> (Vec<WeekPoint>, Vec<DayPoint>, Peaks) {
    let mut series = Vec::new();
    let mut daily = Vec::new();
    let mut peak = [(0u32, f64::MIN); 4];
    integrate_fast(rates, course, |day, s| {
        for (k, value) in [s.inflammation, s.fibroblasts, s.collagen_iii, s.collagen_i]
            .into_iter()
            .enumerate()
        {
            if value > peak[k].1 {
                peak[k] = (day, value);
            }
        }
        daily.push(DayPoint {
            day,
            inflammation: s.inflammation,
            fibroblasts: s.fibroblasts,
        });
        if day % 7 == 0 {
            series.push(WeekPoint {
                week: day / 7,
                inflammation: s.inflammation,
                fibroblasts: s.fibroblasts,
                collagen_i: s.collagen_i,
                collagen_iii: s.collagen_iii,
                collagen_mature: s.collagen_mature,
                new_collagen_pct: s.new_collagen_pct(),
            });
        }
    });
    let peaks = Peaks {
        inflammation_day: peak[0].0,
        fibroblasts_day: peak[1].0,
        collagen_iii_day: peak[2].0,
        collagen_i_day: peak[3].0,
    };
    (series, daily, peaks)
}

fn warnings(request: &HealingRequest, injured: f64) -> Vec<String> {
    let (interval_weeks, indication) = (request.interval_weeks(), request.indication());
    let mut warnings = Vec::new();
    if request.device_id() == NO_DEVICE {
        warnings.push(String::from(
            "No needling: the series is the topical alone (or no treatment), through intact skin.",
        ));
    } else if injured <= 0.0 {
        warnings.push(String::from("The needles do not reach the dermis at this setting: no dermal injury, next to no new collagen (home devices: reduced results)."));
    }
    if let Some(ind) = indication
        && interval_weeks < ind.min_interval_weeks
    {
        warnings.push(format!(
            "Sessions every {} weeks are closer than the {} weeks {} allows: the skin has not finished its response.",
            interval_weeks, ind.min_interval_weeks, ind.id
        ));
    }
    warnings
}
