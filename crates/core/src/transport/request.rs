//! What a delivery simulation is asked: the agent, the channels a session left, the skin, the
//! dose and the times. Built by [`DeliveryRequestBuilder`], which validates every field, so a
//! [`DeliveryRequest`] that exists is one the solver can run.

use serde::Serialize;

use crate::error::{InputError, check_range};
use crate::penetration::Penetration;
use crate::skin::SkinProfile;

use super::intact::{Hydration, Preparation};
use super::solute::Solute;
use super::solver::Stepping;

/// Longest simulated time, hours (30 days).
pub const MAX_HOURS: f64 = 720.0;
/// Highest vehicle concentration accepted, mg/mL.
pub const MAX_CONCENTRATION_MG_PER_ML: f64 = 2000.0;
/// Largest finite dose accepted, µg/cm².
pub const MAX_DOSE_UG_PER_CM2: f64 = 100_000.0;
/// Shortest and longest channel closure half-life accepted, hours.
const CLOSURE_HALF_LIFE_RANGE_H: (f64, f64) = (1e-3, 1e4);

/// How the formulation is applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Dose {
    /// The surface concentration stays fixed (a large reservoir), mg/mL.
    Infinite {
        /// Vehicle concentration, mg/mL.
        mg_per_ml: f64,
    },
    /// A film of this many µg/cm² that depletes.
    Finite {
        /// Applied amount, µg per cm² of skin.
        ug_per_cm2: f64,
    },
}

impl Dose {
    /// Parses `infinite:MG_PER_ML` or `finite:UG_PER_CM2`.
    pub fn parse(field: &str, text: &str) -> Result<Self, InputError> {
        let accepted = format!(
            "infinite:MG_PER_ML (0 to {MAX_CONCENTRATION_MG_PER_ML}) or finite:UG_PER_CM2 (0 to {MAX_DOSE_UG_PER_CM2})"
        );
        let (kind, number) = text
            .split_once(':')
            .ok_or_else(|| InputError::new(field, text, accepted.clone()))?;
        let value: f64 = number
            .trim()
            .parse()
            .map_err(|_| InputError::new(field, text, accepted.clone()))?;
        let dose = match kind.trim() {
            "infinite" => Dose::Infinite { mg_per_ml: value },
            "finite" => Dose::Finite { ug_per_cm2: value },
            _ => return Err(InputError::new(field, text, accepted)),
        };
        dose.validate(field)
    }

    /// The dose itself if its amount is positive and within the accepted maximum.
    pub fn validate(self, field: &str) -> Result<Self, InputError> {
        let (value, max, unit) = match self {
            Dose::Infinite { mg_per_ml } => (mg_per_ml, MAX_CONCENTRATION_MG_PER_ML, "mg/mL"),
            Dose::Finite { ug_per_cm2 } => (ug_per_cm2, MAX_DOSE_UG_PER_CM2, "ug/cm2"),
        };
        if value.is_finite() && value > 0.0 && value <= max {
            Ok(self)
        } else {
            Err(InputError::new(
                field,
                value,
                format!("more than 0 and at most {max} {unit}"),
            ))
        }
    }
}

/// Cells per layer of the default grid, and radial cells; `refine` multiplies them all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridResolution {
    /// Cells across each layer of [`super::STACK`], top down.
    pub layer_cells: [usize; 4],
    /// Cells from the channel's axis to the unit cell's rim.
    pub radial_cells: usize,
}

impl Default for GridResolution {
    fn default() -> Self {
        Self {
            layer_cells: [6, 8, 8, 18],
            radial_cells: 14,
        }
    }
}

impl GridResolution {
    /// Every cell count times `factor` (grid-convergence studies).
    pub fn refined(self, factor: usize) -> Self {
        Self {
            layer_cells: self.layer_cells.map(|n| n * factor),
            radial_cells: self.radial_cells * factor,
        }
    }
}

/// Everything a delivery simulation needs, validated: build it with [`DeliveryRequest::builder`].
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRequest {
    agent_id: String,
    solute: Solute,
    penetration: Option<Penetration>,
    preparation: Preparation,
    hydration: Hydration,
    skin: SkinProfile,
    hours: f64,
    occluded: bool,
    dose: Dose,
    report_hours: Vec<f64>,
    profile_hours: Vec<f64>,
    resolution: GridResolution,
    stepping: Stepping,
    closure_half_life_h: Option<f64>,
    wash_at_h: Option<f64>,
}

impl DeliveryRequest {
    /// Starts a request for `solute` (named `agent_id` in the output) through the channels of
    /// `penetration` in `skin`. Defaults: 24 h, not occluded, 10 mg/mL infinite dose, the
    /// default report times, depth profiles at 1 h, 4 h and the end, in vivo, partially
    /// hydrated.
    pub fn builder(
        agent_id: impl Into<String>,
        solute: Solute,
        penetration: Penetration,
        skin: SkinProfile,
    ) -> DeliveryRequestBuilder {
        Self::start(agent_id.into(), solute, Some(penetration), skin)
    }

    /// Starts a request for intact skin only: no device, no channels.
    pub fn intact_builder(
        agent_id: impl Into<String>,
        solute: Solute,
        skin: SkinProfile,
    ) -> DeliveryRequestBuilder {
        Self::start(agent_id.into(), solute, None, skin)
    }

    fn start(
        agent_id: String,
        solute: Solute,
        penetration: Option<Penetration>,
        skin: SkinProfile,
    ) -> DeliveryRequestBuilder {
        DeliveryRequestBuilder {
            agent_id,
            solute,
            penetration,
            preparation: Preparation::InVivo,
            hydration: Hydration::Partial,
            skin,
            hours: 24.0,
            occluded: false,
            dose: Dose::Infinite { mg_per_ml: 10.0 },
            report_hours: None,
            profile_hours: None,
            profiles_at_report_times: false,
            resolution: GridResolution::default(),
            stepping: Stepping::default(),
            closure_half_life_h: None,
            wash_at_h: None,
        }
    }

    /// Default report times: 1, 2, 4, 8, 12, 24 h and so on up to `hours`, and `hours` itself.
    pub fn default_report_hours(hours: f64) -> Vec<f64> {
        let mut times: Vec<f64> = [
            0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0, 72.0, 168.0, 336.0, 720.0,
        ]
        .into_iter()
        .filter(|t| *t < hours)
        .collect();
        times.push(hours);
        times
    }

    /// The agent's name in the output.
    pub fn agent_id(&self) -> &str {
        &self.agent_id
    }
    /// Molecular weight and lipophilicity.
    pub fn solute(&self) -> Solute {
        self.solute
    }
    /// The channels: depth, width and density from the penetration model; `None` for intact
    /// skin only.
    pub fn penetration(&self) -> Option<&Penetration> {
        self.penetration.as_ref()
    }
    /// Living skin or excised skin in a diffusion cell.
    pub fn preparation(&self) -> Preparation {
        self.preparation
    }
    /// Hydration of the stratum corneum.
    pub fn hydration(&self) -> Hydration {
        self.hydration
    }
    /// The layered skin the drug crosses.
    pub fn skin(&self) -> &SkinProfile {
        &self.skin
    }
    /// Simulated time, hours.
    pub fn hours(&self) -> f64 {
        self.hours
    }
    /// Whether the skin is occluded after treatment (channels stay open longer).
    pub fn occluded(&self) -> bool {
        self.occluded
    }
    /// The formulation on the skin.
    pub fn dose(&self) -> Dose {
        self.dose
    }
    /// Times with amounts reported, hours, sorted; the end time and every profile time included.
    pub fn report_hours(&self) -> &[f64] {
        &self.report_hours
    }
    /// Times with depth profiles, hours.
    pub fn profile_hours(&self) -> &[f64] {
        &self.profile_hours
    }
    /// The grid.
    pub fn resolution(&self) -> GridResolution {
        self.resolution
    }
    /// The time stepping.
    pub fn stepping(&self) -> Stepping {
        self.stepping
    }
    /// The closure half-life set by the caller, hours, replacing the transport parameters'.
    pub fn closure_half_life_h(&self) -> Option<f64> {
        self.closure_half_life_h
    }
    /// When the surface is washed, hours (the run goes on to `hours`).
    pub fn wash_at_h(&self) -> Option<f64> {
        self.wash_at_h
    }
}

/// Builds a [`DeliveryRequest`]; [`build`](Self::build) validates every field.
#[derive(Debug, Clone)]
pub struct DeliveryRequestBuilder {
    agent_id: String,
    solute: Solute,
    penetration: Option<Penetration>,
    preparation: Preparation,
    hydration: Hydration,
    skin: SkinProfile,
    hours: f64,
    occluded: bool,
    dose: Dose,
    report_hours: Option<Vec<f64>>,
    profile_hours: Option<Vec<f64>>,
    profiles_at_report_times: bool,
    resolution: GridResolution,
    stepping: Stepping,
    closure_half_life_h: Option<f64>,
    wash_at_h: Option<f64>,
}

impl DeliveryRequestBuilder {
    /// Simulated time, hours (more than 0, at most [`MAX_HOURS`]).
    pub fn hours(mut self, hours: f64) -> Self {
        self.hours = hours;
        self
    }
    /// Living skin (blood clearance, healing channels) or excised skin on a receptor.
    pub fn preparation(mut self, preparation: Preparation) -> Self {
        self.preparation = preparation;
        self
    }
    /// Hydration of the stratum corneum.
    pub fn hydration(mut self, hydration: Hydration) -> Self {
        self.hydration = hydration;
        self
    }
    /// Occlusion after treatment.
    pub fn occluded(mut self, occluded: bool) -> Self {
        self.occluded = occluded;
        self
    }
    /// The formulation on the skin.
    pub fn dose(mut self, dose: Dose) -> Self {
        self.dose = dose;
        self
    }
    /// Washes the surface at this time, hours (more than 0, before the end): what is on it is
    /// removed and the skin goes on absorbing what it holds.
    pub fn wash_at_h(mut self, hours: f64) -> Self {
        self.wash_at_h = Some(hours);
        self
    }
    /// Replaces the closure half-life of the transport parameters, hours.
    pub fn closure_half_life_h(mut self, hours: f64) -> Self {
        self.closure_half_life_h = Some(hours);
        self
    }
    /// Reporting times, hours, each in (0, hours]; the end time is always added.
    pub fn report_hours(mut self, hours: Vec<f64>) -> Self {
        self.report_hours = Some(hours);
        self
    }
    /// Times with depth profiles, hours, each in (0, hours]; they are reported too.
    pub fn profile_hours(mut self, hours: Vec<f64>) -> Self {
        self.profile_hours = Some(hours);
        self
    }
    /// A depth profile at every reported time (reports draw a depth × time map from them).
    pub fn profiles_at_report_times(mut self) -> Self {
        self.profiles_at_report_times = true;
        self
    }
    /// The grid (grid-convergence studies).
    pub fn resolution(mut self, resolution: GridResolution) -> Self {
        self.resolution = resolution;
        self
    }
    /// The time stepping (convergence studies).
    pub fn stepping(mut self, stepping: Stepping) -> Self {
        self.stepping = stepping;
        self
    }

    /// The request, or the first field out of range (named as in these setters).
    pub fn build(self) -> Result<DeliveryRequest, InputError> {
        let hours = check_range("hours", self.hours, 1e-3, MAX_HOURS, "hours")?;
        let dose = self.dose.validate("dose")?;
        let closure_half_life_h = self
            .closure_half_life_h
            .map(|h| {
                let (min, max) = CLOSURE_HALF_LIFE_RANGE_H;
                check_range("closure_half_life_h", h, min, max, "hours")
            })
            .transpose()?;
        let wash_at_h = self
            .wash_at_h
            .map(|h| {
                check_range(
                    "wash_at_h",
                    h,
                    1e-3,
                    hours,
                    "hours (before the end of the run)",
                )
            })
            .transpose()?;
        let mut report = match self.report_hours {
            Some(times) => checked_times("report_hours", times, hours)?,
            None => DeliveryRequest::default_report_hours(hours),
        };
        report.push(hours);
        sort_unique(&mut report);
        let profile = match self.profile_hours {
            Some(times) => checked_times("profile_hours", times, hours)?,
            None if self.profiles_at_report_times => report.clone(),
            None => report
                .iter()
                .copied()
                .filter(|t| [1.0, 4.0, hours].contains(t))
                .collect(),
        };
        report.extend(profile.iter().copied());
        sort_unique(&mut report);
        Ok(DeliveryRequest {
            agent_id: self.agent_id,
            solute: self.solute,
            penetration: self.penetration,
            preparation: self.preparation,
            hydration: self.hydration,
            skin: self.skin,
            hours,
            occluded: self.occluded,
            dose,
            report_hours: report,
            profile_hours: profile,
            resolution: self.resolution,
            stepping: self.stepping,
            closure_half_life_h,
            wash_at_h,
        })
    }
}

fn checked_times(field: &str, times: Vec<f64>, hours: f64) -> Result<Vec<f64>, InputError> {
    for (i, t) in times.iter().enumerate() {
        check_range(
            &format!("{field}[{i}]"),
            *t,
            1e-3,
            hours,
            "hours (up to the simulated time)",
        )?;
    }
    Ok(times)
}

fn sort_unique(times: &mut Vec<f64>) {
    times.sort_by(f64::total_cmp);
    times.dedup();
}
