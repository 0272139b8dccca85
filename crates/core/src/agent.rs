//! Topical agents applied with microneedling, with the properties transport needs.

use serde::{Deserialize, Serialize};

use crate::device::is_id;
use crate::error::{Error, InputError};
use crate::transport::{GroupKind, MolecularShape, Solute, Volatility};

/// A pKa in the catalog: a bare number is an acid; a table says which.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Pka {
    /// An acidic group's pKa.
    Acid(f64),
    /// A group with its kind (`{ value = 4.61, kind = "base" }`).
    Group {
        /// pKa (for a base, of its conjugate acid).
        value: f64,
        /// Acid or base.
        kind: GroupKind,
    },
}

impl Pka {
    /// The pKa and the group's kind.
    pub fn parts(self) -> (f64, GroupKind) {
        match self {
            Self::Acid(value) => (value, GroupKind::Acid),
            Self::Group { value, kind } => (value, kind),
        }
    }
}

/// Broad class of an agent, which sets how it is expected to cross tissue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AgentClass {
    /// A small molecule (below about 1 kDa), e.g. ascorbic acid or tranexamic acid.
    SmallMolecule,
    /// A macromolecule (about 1–100 kDa), e.g. hyaluronic acid fragments or peptides.
    Macromolecule,
    /// A biologic preparation (cells, growth factors, platelet-rich plasma, exosomes).
    Biologic,
}

/// When an agent goes on the skin relative to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// A short human-readable phrase for the timing, as reports print it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::InSession => "during the session, into the open channels",
            Self::HomeFrom24h => "at home, from 24 h after each session",
            Self::ResumeAfter12Weeks => "paused; resume 1-2 weeks after each session",
            Self::NotInSession => "not with microneedling",
        }
    }
}

/// A topical agent from `data/agents.toml`, with the properties transport needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// Stable identifier (kebab-case), e.g. `tranexamic-acid`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Broad class of the agent.
    pub class: AgentClass,
    /// Molecular weight (g/mol); for a polymer, a representative value within `mw_range_g_per_mol`.
    pub mw_g_per_mol: f64,
    /// Molecular-weight range (g/mol) for polydisperse agents, low and high.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mw_range_g_per_mol: Option<[f64; 2]>,
    /// Octanol/water partition coefficient, log10 (dimensionless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_kow: Option<f64>,
    /// Dissociation constants of the ionisable groups (a bare number is an acid's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pka: Vec<Pka>,
    /// Water solubility (mg/mL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub water_solubility_mg_per_ml: Option<f64>,
    /// Vapour pressure at skin temperature (Pa); else estimated from the boiling point, else the
    /// agent is taken as non-volatile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vapour_pressure_pa: Option<f64>,
    /// Normal boiling point (°C).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boiling_point_c: Option<f64>,
    /// Melting point (°C).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub melting_point_c: Option<f64>,
    /// Shape of a large molecule (sets its size for its weight); globular when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<MolecularShape>,
    /// Whether the agent is considered suitable for intradermal exposure through open channels.
    pub intradermal_suited: bool,
    /// When the agent is applied relative to a session.
    pub timing: Timing,
    /// A short clinical note shown with the agent.
    pub note: String,
    /// Fields the sources mark uncertain ([U], docs/references.md): defaults a user may override.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Vec<String>,
    /// Citation behind the figures, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Stated assumption behind the figures when no source gives them.
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
        let mut solute =
            Solute::new(self.mw_g_per_mol, log_kow)?.with_shape(self.shape.unwrap_or_default());
        for pka in &self.pka {
            let (value, kind) = pka.parts();
            solute = solute.with_group(value, kind)?;
        }
        let volatility = Volatility::from_parts(
            self.vapour_pressure_pa,
            self.boiling_point_c,
            self.melting_point_c,
        );
        solute.with_known(self.water_solubility_mg_per_ml, volatility)
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
