//! Healing parameters from `data/healing.toml`.

use serde::{Deserialize, Serialize};

use crate::provenance::{Cited, Provenance};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    pub damage_clearance_per_day: Cited,
    pub inflammation_resolution_per_day: Cited,
    pub fibroblast_activation_per_day: Cited,
    pub fibroblast_resolution_per_day: Cited,
    pub fibroblast_half_saturation: Cited,
    pub collagen_iii_synthesis_per_day: Cited,
    pub collagen_i_synthesis_per_day: Cited,
    pub collagen_iii_to_i_per_day: Cited,
    pub new_collagen_turnover_per_day: Cited,
    pub collagen_capacity: Cited,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Injury {
    pub thermal_factor: Cited,
    pub gain: Cited,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priors {
    pub coefficient_of_variation: Cited,
}

/// A configuration and the published figure it must reproduce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationPoint {
    pub device: String,
    pub length_mm: f64,
    pub site: String,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub evaluated_week: u32,
    pub expected: f64,
    pub tolerance: f64,
    /// The figure is the share (%) of sampled patients at or above the responder threshold.
    #[serde(default)]
    pub responder_share: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollagenCalibration {
    pub id: String,
    pub target: String,
    #[serde(flatten)]
    pub point: CalibrationPoint,
    pub source: String,
}

/// How an indication's clinical scale follows the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeMap {
    pub indication: String,
    pub scale: String,
    /// Scale units per unit of the mechanism's signal (new collagen %, or cumulative
    /// inflammation for hair).
    pub per_unit: f64,
    pub maximum: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responder_threshold: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_minoxidil_at_12_weeks: Option<f64>,
    pub calibration: CalibrationPoint,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealingParams {
    pub rates: Rates,
    pub injury: Injury,
    pub priors: Priors,
    pub calibration: Vec<CollagenCalibration>,
    pub outcomes: Vec<OutcomeMap>,
}

impl HealingParams {
    pub fn outcome(&self, indication: &str) -> Option<&OutcomeMap> {
        self.outcomes.iter().find(|o| o.indication == indication)
    }

    pub fn provenance_of_gain(&self) -> &Provenance {
        &self.injury.gain.provenance
    }
}
