//! Healing parameters from `data/healing.toml`.

use serde::{Deserialize, Serialize};

use super::components::ComponentModel;
use super::scale::Scale;
use crate::indication::Mechanism;
use crate::provenance::{Cited, Provenance};

/// Central rates of the healing model (`data/healing.toml`), each with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rates {
    /// Damage clearance `k_D` (per day).
    pub damage_clearance_per_day: Cited,
    /// Inflammation resolution `k_I` (per day).
    pub inflammation_resolution_per_day: Cited,
    /// Fibroblast activation by inflammation `r_F` (per day).
    pub fibroblast_activation_per_day: Cited,
    /// Fibroblast resolution `k_F` (per day).
    pub fibroblast_resolution_per_day: Cited,
    /// Fibroblast level of half-maximal synthesis `F_half` (dimensionless).
    pub fibroblast_half_saturation: Cited,
    /// Collagen III synthesis `s_3` (per day).
    pub collagen_iii_synthesis_per_day: Cited,
    /// Collagen I synthesis `s_1` (per day).
    pub collagen_i_synthesis_per_day: Cited,
    /// Collagen III → I maturation `k_31` (per day).
    pub collagen_iii_to_i_per_day: Cited,
    /// Turnover of new, not yet cross-linked collagen I `k_1` (per day).
    pub new_collagen_turnover_per_day: Cited,
    /// Maturation of new collagen I by cross-linking `k_mat` (per day).
    pub collagen_maturation_per_day: Cited,
    /// Turnover of mature dermal collagen `k_m` (per day).
    pub mature_collagen_turnover_per_day: Cited,
    /// Most new collagen the dermis holds, `C_max`, as a fraction of baseline collagen.
    pub collagen_capacity: Cited,
}

/// How a session's injury becomes a damage pulse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Injury {
    /// Extra injury from RF coagulation, as a multiple of the needle injury (`A = gain · f · (1 + thermal)`).
    pub thermal_factor: Cited,
    /// Damage pulse per unit injured dermal fraction.
    pub gain: Cited,
}

/// Spread of the prior rates between patients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Priors {
    /// Coefficient of variation of each lognormal rate multiplier.
    pub coefficient_of_variation: Cited,
}

/// A configuration and the published figure it must reproduce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CalibrationPoint {
    /// Device identifier.
    pub device: String,
    /// Needle length (mm).
    pub length_mm: f64,
    /// Site identifier.
    pub site: String,
    /// Number of sessions.
    pub sessions: u32,
    /// Weeks between sessions.
    pub interval_weeks: u32,
    /// Week after the first session at which the figure is read.
    pub evaluated_week: u32,
    /// The published figure (in the target's unit).
    pub expected: f64,
    /// Accepted absolute difference from `expected`.
    pub tolerance: f64,
    /// The figure is the share (%) of sampled patients at or above the responder threshold.
    #[serde(default)]
    pub responder_share: bool,
}

/// A new-collagen figure the model must reproduce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CollagenCalibration {
    /// Identifier of the calibration point.
    pub id: String,
    /// What the figure measures.
    pub target: String,
    /// The configuration and figure.
    #[serde(flatten)]
    pub point: CalibrationPoint,
    /// Citation of the figure.
    pub source: String,
}

/// How an indication's clinical scale follows the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OutcomeMap {
    /// Indication identifier.
    pub indication: String,
    /// Name of the clinical scale.
    pub scale: String,
    /// Scale units per unit of the mechanism's signal (new collagen %, or cumulative
    /// inflammation for hair).
    pub per_unit: f64,
    /// Largest value on the scale.
    pub maximum: f64,
    /// Scale value from which a patient counts as a responder, if the trials define one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responder_threshold: Option<f64>,
    /// Hair: the minoxidil-alone baseline at 12 weeks that needling adds to (scale units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_minoxidil_at_12_weeks: Option<f64>,
    /// Loss of the gain once treatment stops, per day (hair: shed within months).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relapse_per_day: Option<Cited>,
    /// Weeks after the last session the daily topical goes on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_weeks: Option<Cited>,
    /// The trial figure the map is calibrated on.
    pub calibration: CalibrationPoint,
    /// Citation of the calibration trial.
    pub source: String,
}

/// The joint fit of one mechanism's outcome coefficient across trials: `ln k` of the improvement
/// fraction `f = k·s / (1 + k·s)` (`s` the mechanism's signal), pooled over studies by a
/// DerSimonian–Laird random-effects model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PooledCoefficient {
    /// Pooled `ln k` (k per unit of signal).
    pub ln_k: f64,
    /// Standard error of the pooled `ln k`.
    pub se: f64,
    /// Between-study standard deviation of `ln k` (at least the declared minimum).
    pub tau: f64,
    /// Studies in the fit.
    pub studies: u32,
}

impl PooledCoefficient {
    /// Standard deviation of `ln k` for a new patient in a new study: `√(se² + τ²)`.
    pub fn predictive_sd(&self) -> f64 {
        self.se.hypot(self.tau)
    }
}

/// The trial-fitted outcome coefficients (`[outcome_fit]`), with how they were fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OutcomeFit {
    /// The collagen mechanism (scars, wrinkles, laxity, texture, stretch marks, pores).
    pub collagen: PooledCoefficient,
    /// Smallest between-study SD of `ln k` the fit accepts (a few studies cannot estimate it).
    pub minimum_tau: Cited,
    /// Within-study variance of `logit f` for results reported without a spread.
    pub default_variance: Cited,
    /// How the values were fitted (command and data).
    pub source: String,
}

/// Parameters of the healing model, from `data/healing.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealingParams {
    /// Central rates.
    pub rates: Rates,
    /// Injury pulse parameters.
    pub injury: Injury,
    /// Prior spread.
    pub priors: Priors,
    /// New-collagen figures the model must reproduce.
    pub calibration: Vec<CollagenCalibration>,
    /// Outcome maps of the mechanisms not yet fitted jointly (hair).
    pub outcomes: Vec<OutcomeMap>,
    /// The jointly fitted outcome coefficients.
    pub outcome_fit: OutcomeFit,
    /// The clinical scales of each indication, its default first.
    pub scales: Vec<Scale>,
    /// Melasma: pigment kinetics and the fitted treatment components.
    pub pigment: ComponentModel,
    /// Rosacea: erythema kinetics and the fitted treatment components.
    pub vascular: ComponentModel,
}

impl HealingParams {
    /// The outcome map of `indication`, if it has one.
    pub fn outcome(&self, indication: &str) -> Option<&OutcomeMap> {
        self.outcomes.iter().find(|o| o.indication == indication)
    }

    /// The component model of `mechanism` (pigment, vascular), if it has one.
    pub fn component_model(&self, mechanism: Mechanism) -> Option<&ComponentModel> {
        match mechanism {
            Mechanism::Pigment => Some(&self.pigment),
            Mechanism::Vascular => Some(&self.vascular),
            _ => None,
        }
    }

    /// The scales of `indication`, its default first.
    pub fn scales_of<'a>(&'a self, indication: &'a str) -> impl Iterator<Item = &'a Scale> + 'a {
        self.scales
            .iter()
            .filter(move |s| s.indication == indication)
    }

    /// The scale `id`, if known.
    pub fn scale(&self, id: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.id == id)
    }

    /// Source or assumption behind the injury gain.
    pub fn provenance_of_gain(&self) -> &Provenance {
        &self.injury.gain.provenance
    }
}
