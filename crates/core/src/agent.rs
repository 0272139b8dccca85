//! Topical agents applied with microneedling, with the properties transport needs.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgentClass {
    SmallMolecule,
    Macromolecule,
    Biologic,
}

/// When an agent goes on the skin relative to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timing {
    /// Into the open channels during the session.
    InSession,
    /// At home, from 24 h after the session.
    #[serde(rename = "home-from-24h")]
    HomeFrom24h,
    /// Paused, resumed 1–2 weeks after the session.
    #[serde(rename = "resume-after-1-2-weeks")]
    ResumeAfter12Weeks,
    /// Not with microneedling.
    NotInSession,
}

impl Timing {
    pub fn describe(self) -> &'static str {
        match self {
            Self::InSession => "during the session, into the open channels",
            Self::HomeFrom24h => "at home, from 24 h after each session",
            Self::ResumeAfter12Weeks => "paused; resume 1-2 weeks after each session",
            Self::NotInSession => "not with microneedling",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    pub id: String,
    pub name: String,
    pub class: AgentClass,
    pub mw_g_per_mol: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mw_range_g_per_mol: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_kow: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pka: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub water_solubility_mg_per_ml: Option<f64>,
    pub intradermal_suited: bool,
    pub timing: Timing,
    pub note: String,
    /// Fields REFERENCES.md marks uncertain: defaults a user may override.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}
