//! Indications: what is treated, and the protocol the evidence supports for it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::device::DeviceKind;
use crate::skin::Intensity;

/// Strength of the evidence for an indication, lowest first (as `data/indications.toml` rates it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceLevel {
    /// Very low: little beyond case reports and opinion.
    VeryLow,
    /// Low: small or uncontrolled studies.
    Low,
    /// Moderate: controlled trials with limitations.
    Moderate,
    /// High: consistent randomised controlled trials.
    High,
}

/// What the treatment acts on, which sets how its outcome is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
    /// Collagen induction (scars, wrinkles, laxity).
    Collagen,
    /// Hair regrowth (alopecia).
    Hair,
    /// Pigment reduction (melasma, hyperpigmentation), often with a topical.
    Pigment,
    /// Vascular or redness reduction.
    Vascular,
}

impl Mechanism {
    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Collagen => "collagen",
            Self::Hair => "hair",
            Self::Pigment => "pigment",
            Self::Vascular => "vascular",
        }
    }
}

/// Passes per session, per device kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PassesByKind {
    /// Passes with a roller.
    pub roller: u32,
    /// Passes with a stamp.
    pub stamp: u32,
    /// Passes with a pen.
    pub pen: u32,
    /// Passes with a radio-frequency microneedling device.
    pub rf: u32,
}

impl PassesByKind {
    /// Passes for a device of `kind`.
    pub fn for_kind(&self, kind: DeviceKind) -> u32 {
        match kind {
            DeviceKind::Roller => self.roller,
            DeviceKind::Stamp => self.stamp,
            DeviceKind::Pen => self.pen,
            DeviceKind::Rf => self.rf,
        }
    }
}

/// A treatable condition with its treatment defaults and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Indication {
    /// Stable identifier, e.g. `acne-scars`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Listed in the seed article (the project's source list of indications).
    pub article_listed: bool,
    /// How the seed article words it.
    pub article_wording: String,
    /// What the treatment acts on.
    pub mechanism: Mechanism,
    /// Intensity of the treatment (sets depth and recovery).
    pub intensity: Intensity,
    /// Zones treated unless the user names others.
    pub default_zones: Vec<String>,
    /// Needle length per site where the evidence names one, mm; else the site's guide.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub depth_mm: BTreeMap<String, f64>,
    /// Device suited by default (a device identifier).
    pub preferred_device: String,
    /// Passes per session, per device kind.
    pub passes: PassesByKind,
    /// Sessions in a course.
    pub sessions: u32,
    /// Weeks between sessions.
    pub interval_weeks: u32,
    /// Shortest safe interval between sessions (weeks).
    pub min_interval_weeks: u32,
    /// Topicals used with needling for this indication (agent identifiers).
    pub adjunct_topicals: Vec<String>,
    /// Precare specific to the indication.
    pub precare: Vec<String>,
    /// Aftercare specific to the indication.
    pub aftercare: Vec<String>,
    /// Weeks after the last session at which to reassess.
    pub reassess_weeks: u32,
    /// Weeks until results are usually visible.
    pub visible_results_weeks: u32,
    /// Strength of the evidence.
    pub evidence: EvidenceLevel,
    /// Clinical scale outcomes are measured on.
    pub outcome_scale: String,
    /// Key trials behind the defaults.
    pub key_trials: Vec<String>,
    /// Citation behind the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Stated assumption behind the defaults, where no source gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}
