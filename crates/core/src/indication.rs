//! Indications: what is treated, and the protocol the evidence supports for it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::device::DeviceKind;
use crate::skin::Intensity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceLevel {
    VeryLow,
    Low,
    Moderate,
    High,
}

/// What the treatment acts on, which sets how its outcome is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
    Collagen,
    Hair,
    Pigment,
    Vascular,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassesByKind {
    pub roller: u32,
    pub stamp: u32,
    pub pen: u32,
    pub rf: u32,
}

impl PassesByKind {
    pub fn for_kind(&self, kind: DeviceKind) -> u32 {
        match kind {
            DeviceKind::Roller => self.roller,
            DeviceKind::Stamp => self.stamp,
            DeviceKind::Pen => self.pen,
            DeviceKind::Rf => self.rf,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indication {
    pub id: String,
    pub name: String,
    /// Listed in the seed article (the project's source list of indications).
    pub article_listed: bool,
    pub article_wording: String,
    pub mechanism: Mechanism,
    pub intensity: Intensity,
    pub default_zones: Vec<String>,
    /// Needle length per site where the evidence names one, mm; else the site's guide.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub depth_mm: BTreeMap<String, f64>,
    pub preferred_device: String,
    pub passes: PassesByKind,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub min_interval_weeks: u32,
    pub adjunct_topicals: Vec<String>,
    pub precare: Vec<String>,
    pub aftercare: Vec<String>,
    pub reassess_weeks: u32,
    pub visible_results_weeks: u32,
    pub evidence: EvidenceLevel,
    pub outcome_scale: String,
    pub key_trials: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}
