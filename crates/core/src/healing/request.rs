//! What a healing simulation is asked: the injury one session leaves, the series, the horizon,
//! the indication whose scale to read, and the sampling. Built by [`HealingRequestBuilder`],
//! which validates every field.

use crate::device::Device;
use crate::error::InputError;
use crate::indication::Indication;
use crate::penetration::Penetration;

use super::params::HealingParams;
use super::{
    DEFAULT_MONTHS, DEFAULT_SAMPLES, DEFAULT_SEED, MAX_INTERVAL_WEEKS, MAX_MONTHS, MAX_SAMPLES,
    MAX_SESSIONS,
};

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
}

impl HealingRequest {
    /// Starts a request for sessions of `device` that leave the channels of `penetration`.
    /// Defaults: 3 sessions 4 weeks apart, [`DEFAULT_MONTHS`], no indication,
    /// [`DEFAULT_SEED`] and [`DEFAULT_SAMPLES`].
    pub fn builder(device: &Device, penetration: &Penetration) -> HealingRequestBuilder {
        HealingRequestBuilder {
            request: HealingRequest {
                device_id: device.id.clone(),
                site_id: penetration.site.clone(),
                length_mm: penetration.nominal_length_um / 1000.0,
                injured_dermis_fraction: penetration.injured_dermis_fraction,
                thermal: device.is_energy(),
                sessions: 3,
                interval_weeks: 4,
                months: DEFAULT_MONTHS,
                indication: None,
                seed: DEFAULT_SEED,
                samples: DEFAULT_SAMPLES,
            },
        }
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

    /// The injured dermal fraction of one session, and the injury pulse it makes (RF adds
    /// coagulation: `1 + thermal_factor`).
    pub fn injury(&self, params: &HealingParams) -> (f64, f64) {
        let factor = if self.thermal && self.injured_dermis_fraction > 0.0 {
            1.0 + params.injury.thermal_factor.value
        } else {
            1.0
        };
        (
            self.injured_dermis_fraction,
            self.injured_dermis_fraction * factor,
        )
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
    /// Prior samples behind the band, 1 to [`MAX_SAMPLES`].
    pub fn samples(mut self, samples: usize) -> Self {
        self.request.samples = samples;
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
