//! Topical agents applied with microneedling, with the properties transport needs.

use serde::{Deserialize, Serialize};

use crate::device::is_id;
use crate::error::{Error, InputError};
use crate::transport::Solute;

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
    /// Fields the sources mark uncertain ([U], docs/references.md): defaults a user may override.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

impl Agent {
    /// What transport needs of this agent; biologics and macromolecules without a log Kow count
    /// as 0 (they cross by the channels, not the lipids).
    pub fn solute(&self) -> Result<Solute, InputError> {
        let log_kow = match (self.log_kow, self.class) {
            (Some(k), _) => k,
            (None, AgentClass::Macromolecule | AgentClass::Biologic) => 0.0,
            (None, AgentClass::SmallMolecule) => {
                return Err(InputError::new(
                    "agent.log_kow",
                    "missing",
                    "a log Kow for a small molecule",
                ));
            }
        };
        Solute::new(self.mw_g_per_mol, log_kow)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentFile {
    agents: Vec<Agent>,
}

/// Parses and validates custom agents from a TOML document with `[[agents]]` entries.
pub fn agents_from_toml(document_name: &str, text: &str) -> Result<Vec<Agent>, Error> {
    let file: AgentFile = toml::from_str(text).map_err(|e| Error::parse(document_name, e))?;
    if file.agents.is_empty() {
        return Err(InputError::new("agents", "[]", "at least one [[agents]] entry").into());
    }
    for (index, agent) in file.agents.iter().enumerate() {
        let within = |e: InputError| e.within(&format!("agents[{index}]"));
        if !is_id(&agent.id) {
            return Err(within(InputError::new(
                "id",
                &agent.id,
                "lower-case letters, digits and '-'",
            ))
            .into());
        }
        agent.solute().map_err(|e| {
            within(InputError {
                field: e.field.replace("agent.", ""),
                ..e
            })
        })?;
    }
    Ok(file
        .agents
        .into_iter()
        .map(|mut a| {
            if a.source.is_none() && a.assumption.is_none() {
                a.assumption = Some(format!("user-supplied agent from {document_name}"));
            }
            a
        })
        .collect())
}
