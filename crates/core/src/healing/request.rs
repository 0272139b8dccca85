//! What a healing simulation is asked: the injury one session leaves, the series, the horizon,
//! the indication whose scale to read, and the sampling. Built by [`HealingRequestBuilder`],
//! which validates every field.

use crate::device::Device;
use crate::error::InputError;
use crate::indication::Indication;
use crate::penetration::Penetration;

use super::ode::Course;
use super::params::HealingParams;
use super::scale::ScaleChoice;
use super::{
    DEFAULT_MONTHS, DEFAULT_SAMPLES, DEFAULT_SEED, MAX_INTERVAL_WEEKS, MAX_MONTHS, MAX_SAMPLES,
    MAX_SESSIONS,
};
use crate::penetration::INJURY_SPREAD_Z;

/// A validated healing request: build it with [`HealingRequest::builder`].
#[derive(Debug, Clone, PartialEq)]
pub struct HealingRequest {
    device_id: String,
    site_id: String,
    length_mm: f64,
    injured_dermis_fraction: f64,
    thermal: bool,
    sessions: u32,
    interval_weeks: u32,
    months: u32,
    indication: Option<Indication>,
    seed: u64,
    samples: usize,
    first_patient: u64,
    scale: Option<ScaleChoice>,
    injury_spread: Vec<f64>,
    topical: Option<String>,
    topical_weight: f64,
}

/// The device id of a series without needling (a topical alone, or nothing).
pub const NO_DEVICE: &str = "none";

impl HealingRequest {
    /// Starts a request for sessions of `device` that leave the channels of `penetration`.
    /// Defaults: 3 sessions 4 weeks apart, [`DEFAULT_MONTHS`], no indication,
    /// [`DEFAULT_SEED`] and [`DEFAULT_SAMPLES`].
    pub fn builder(device: &Device, penetration: &Penetration) -> HealingRequestBuilder {
        HealingRequestBuilder {
            request: HealingRequest {
                length_mm: penetration.nominal_length_um / 1000.0,
                injured_dermis_fraction: penetration.injured_dermis_fraction,
                thermal: device.is_energy(),
                ..Self::blank(&device.id, &penetration.site)
            },
        }
    }

    /// Starts a request for a series without needling at `site_id` ([`NO_DEVICE`]): a topical
    /// alone (with [`HealingRequestBuilder::topical`]) or no treatment. No dermis is injured.
    pub fn without_device(site_id: &str) -> HealingRequestBuilder {
        HealingRequestBuilder {
            request: Self::blank(NO_DEVICE, site_id),
        }
    }

    /// The defaults of every request: no injury, 3 sessions 4 weeks apart, no indication.
    fn blank(device_id: &str, site_id: &str) -> Self {
        HealingRequest {
            device_id: device_id.to_string(),
            site_id: site_id.to_string(),
            length_mm: 0.0,
            injured_dermis_fraction: 0.0,
            thermal: false,
            sessions: 3,
            interval_weeks: 4,
            months: DEFAULT_MONTHS,
            indication: None,
            seed: DEFAULT_SEED,
            samples: DEFAULT_SAMPLES,
            first_patient: 0,
            scale: None,
            injury_spread: Vec::new(),
            topical: None,
            topical_weight: 1.0,
        }
    }

    /// Whether the series needles the skin (a device that reaches the dermis).
    pub fn needled(&self) -> bool {
        self.device_id != NO_DEVICE && self.injured_dermis_fraction > 0.0
    }
    /// Whether the device heats the tissue (RF microneedling).
    pub fn thermal(&self) -> bool {
        self.thermal
    }
    /// The topical used with the series (agent id), if any.
    pub fn topical(&self) -> Option<&str> {
        self.topical.as_deref()
    }
    /// The share of the topical's effect it has by its route: 1 through channels or by
    /// injection, less on intact skin (what the transport model lets through).
    pub fn topical_weight(&self) -> f64 {
        self.topical_weight
    }

    /// The device's id.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }
    /// The treated site's id.
    pub fn site_id(&self) -> &str {
        &self.site_id
    }
    /// Needle length, mm.
    pub fn length_mm(&self) -> f64 {
        self.length_mm
    }
    /// Sessions in the series.
    pub fn sessions(&self) -> u32 {
        self.sessions
    }
    /// Weeks between sessions.
    pub fn interval_weeks(&self) -> u32 {
        self.interval_weeks
    }
    /// Simulated months from the first session.
    pub fn months(&self) -> u32 {
        self.months
    }
    /// The indication whose clinical scale is read, if any.
    pub fn indication(&self) -> Option<&Indication> {
        self.indication.as_ref()
    }
    /// Seed of the prior sampling.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Prior samples behind the outcome band.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Index of the band's first virtual patient (0 unless a cohort reads one patient): the
    /// band's patients are `first_patient .. first_patient + samples`.
    pub fn first_patient(&self) -> u64 {
        self.first_patient
    }
    /// The same request with `samples` virtual patients (1 to [`MAX_SAMPLES`]; clamped).
    pub fn with_samples(mut self, samples: usize) -> Self {
        self.samples = samples.clamp(1, MAX_SAMPLES);
        self
    }

    /// The scale and baseline the outcome is read on, when the caller chose them (else the
    /// indication's default scale at its typical baseline).
    pub fn scale(&self) -> Option<&ScaleChoice> {
        self.scale.as_ref()
    }

    /// The injured dermal fraction of one session, and the injury pulse it makes (RF adds
    /// coagulation: `1 + thermal_factor`).
    pub fn injury(&self, params: &HealingParams) -> (f64, f64) {
        (
            self.injured_dermis_fraction,
            self.pulse(params, self.injured_dermis_fraction),
        )
    }

    /// The series as the integrators run it, over `horizon_days` from the first session.
    pub fn course(&self, params: &HealingParams, horizon_days: f64) -> Course {
        Course {
            injury_per_session: self.injury(params).1,
            sessions: self.sessions,
            interval_weeks: self.interval_weeks,
            horizon_days,
        }
    }

    fn pulse(&self, params: &HealingParams, injured: f64) -> f64 {
        if self.thermal && injured > 0.0 {
            injured * (1.0 + params.injury.thermal_factor.value)
        } else {
            injured
        }
    }

    /// The injury pulse of a person `z` standard deviations from the site's typical skin
    /// thickness, interpolated in the request's spread table (the typical pulse without one).
    pub fn injury_at(&self, params: &HealingParams, z: f64) -> f64 {
        let table = &self.injury_spread;
        if table.len() != INJURY_SPREAD_Z.len() {
            return self.injury(params).1;
        }
        let (first, last) = (
            INJURY_SPREAD_Z[0],
            INJURY_SPREAD_Z[INJURY_SPREAD_Z.len() - 1],
        );
        let position = (z.clamp(first, last) - first) / (INJURY_SPREAD_Z[1] - first);
        let low = (position.floor() as usize).min(table.len() - 2);
        let t = position - low as f64;
        self.pulse(params, table[low] + (table[low + 1] - table[low]) * t)
    }
}

/// Builds a [`HealingRequest`]; [`build`](Self::build) validates every field.
#[derive(Debug, Clone)]
pub struct HealingRequestBuilder {
    request: HealingRequest,
}

impl HealingRequestBuilder {
    /// Sessions in the series, 1 to [`MAX_SESSIONS`].
    pub fn sessions(mut self, sessions: u32) -> Self {
        self.request.sessions = sessions;
        self
    }
    /// Weeks between sessions, 1 to [`MAX_INTERVAL_WEEKS`].
    pub fn interval_weeks(mut self, weeks: u32) -> Self {
        self.request.interval_weeks = weeks;
        self
    }
    /// Months to simulate from the first session, 1 to [`MAX_MONTHS`].
    pub fn months(mut self, months: u32) -> Self {
        self.request.months = months;
        self
    }
    /// The indication whose clinical scale to report and whose minimum interval to check.
    pub fn indication(mut self, indication: Option<&Indication>) -> Self {
        self.request.indication = indication.cloned();
        self
    }
    /// Seed of the prior sampling (same seed, same band).
    pub fn seed(mut self, seed: u64) -> Self {
        self.request.seed = seed;
        self
    }
    /// The band's patients start at index `first` (default 0): a cohort row is patient `first`
    /// of a band of one, the same patient a band of many from 0 holds at that index.
    pub fn first_patient(mut self, first: u64) -> Self {
        self.request.first_patient = first;
        self
    }
    /// Prior samples behind the band, 1 to [`MAX_SAMPLES`].
    pub fn samples(mut self, samples: usize) -> Self {
        self.request.samples = samples;
        self
    }

    /// The topical of the series (agent id) and the share of its effect its route gives
    /// (0 to 1: 1 through channels, the intact-to-channel delivery ratio on intact skin).
    pub fn topical(mut self, agent_id: Option<&str>, weight: f64) -> Self {
        self.request.topical = agent_id.map(str::to_string);
        self.request.topical_weight = weight;
        self
    }

    /// The scale and baseline to report the outcome on.
    pub fn scale(mut self, choice: Option<ScaleChoice>) -> Self {
        self.request.scale = choice;
        self
    }
    /// The injured dermal fraction at each of [`INJURY_SPREAD_Z`] (from
    /// `PenetrationParams::injury_spread`), so the band covers skin-thickness variation.
    pub fn injury_spread(mut self, injured: Vec<f64>) -> Self {
        self.request.injury_spread = injured;
        self
    }

    /// The request, or the first field out of range (named as in these setters).
    pub fn build(self) -> Result<HealingRequest, InputError> {
        let r = self.request;
        within("sessions", r.sessions, MAX_SESSIONS, "sessions")?;
        within(
            "interval_weeks",
            r.interval_weeks,
            MAX_INTERVAL_WEEKS,
            "weeks",
        )?;
        within("months", r.months, MAX_MONTHS, "months")?;
        if !(1..=MAX_SAMPLES).contains(&r.samples) {
            return Err(InputError::new(
                "samples",
                r.samples,
                format!("1 to {MAX_SAMPLES} samples"),
            ));
        }
        if !(0.0..=1.0).contains(&r.topical_weight) {
            return Err(InputError::new(
                "topical_weight",
                r.topical_weight,
                "a share between 0 and 1",
            ));
        }
        let spread_ok = r.injury_spread.is_empty()
            || (r.injury_spread.len() == INJURY_SPREAD_Z.len()
                && r.injury_spread.iter().all(|f| (0.0..=1.0).contains(f)));
        if !spread_ok {
            return Err(InputError::new(
                "injury_spread",
                format!("{:?}", r.injury_spread),
                format!(
                    "{} injured fractions between 0 and 1",
                    INJURY_SPREAD_Z.len()
                ),
            ));
        }
        Ok(r)
    }
}

fn within(field: &str, value: u32, max: u32, unit: &str) -> Result<(), InputError> {
    if (1..=max).contains(&value) {
        Ok(())
    } else {
        Err(InputError::new(field, value, format!("1 to {max} {unit}")))
    }
}
