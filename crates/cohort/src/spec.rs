//! The cohort spec (`SPEC.toml`): the population, the protocol grid, the indication, the number
//! of virtual patients and the seed. Parsed into private fields and checked against the
//! knowledge base before anything runs.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use microneedling_core::KnowledgeBase;

use crate::Error;

/// Most virtual patients in one spec.
pub const MAX_PATIENTS: u64 = 100_000_000;

/// Uniform range of ages, years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeRange {
    /// Youngest, years.
    pub min: f64,
    /// Oldest, years.
    pub max: f64,
}

/// Who the virtual patients are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Ages, drawn uniformly.
    pub age_years: AgeRange,
    /// Share of women (0–1).
    pub female_share: f64,
    /// Relative weights of Fitzpatrick phototypes I–VI (six numbers, not all zero).
    pub fitzpatrick_weights: [f64; 6],
    /// Treated sites (catalogue ids), drawn with equal chance.
    pub sites: Vec<String>,
}

/// The protocol grid: every combination is run on every patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocols {
    /// Device ids.
    pub devices: Vec<String>,
    /// Needle lengths, mm (each a setting of every device).
    pub lengths_mm: Vec<f64>,
    /// Sessions per series.
    pub sessions: Vec<u32>,
    /// Weeks between sessions.
    pub interval_weeks: Vec<u32>,
    /// Topicals applied in session (agent ids): each adds its delivery through the patient's
    /// channels to the row. Empty (the default): no topical, no delivery columns filled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topicals: Vec<String>,
}

/// One protocol of the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Protocol {
    /// Position in the grid.
    pub index: u32,
    /// Device id.
    pub device: String,
    /// Needle length, mm.
    pub length_mm: f64,
    /// Sessions.
    pub sessions: u32,
    /// Weeks between sessions.
    pub interval_weeks: u32,
    /// The in-session topical (agent id), if any.
    pub topical: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    name: String,
    seed: u64,
    patients: u64,
    indication: String,
    population: Population,
    protocols: Protocols,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sensitivity: Option<crate::sensitivity::Analysis>,
}

/// A checked cohort spec: build it with [`Spec::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    file: SpecFile,
    grid: Vec<Protocol>,
    hash: String,
}

fn invalid(field: &str, value: impl std::fmt::Display, accepted: impl Into<String>) -> Error {
    Error::Spec {
        field: field.to_string(),
        value: value.to_string(),
        accepted: accepted.into(),
    }
}

impl Spec {
    /// Parses `text` and checks every field against `kb`; errors name the field, the value and
    /// what is accepted.
    pub fn parse(text: &str, kb: &KnowledgeBase) -> Result<Self, Error> {
        let file: SpecFile = toml::from_str(text).map_err(|e| Error::Parse(e.to_string()))?;
        check(&file, kb)?;
        let mut grid = Vec::new();
        let p = &file.protocols;
        // The topical varies fastest, so a spec without topicals keeps its protocol indices.
        let topicals: Vec<Option<String>> = if p.topicals.is_empty() {
            vec![None]
        } else {
            p.topicals.iter().cloned().map(Some).collect()
        };
        for device in &p.devices {
            for length_mm in &p.lengths_mm {
                for sessions in &p.sessions {
                    for interval_weeks in &p.interval_weeks {
                        for topical in &topicals {
                            grid.push(Protocol {
                                index: grid.len() as u32,
                                device: device.clone(),
                                length_mm: *length_mm,
                                sessions: *sessions,
                                interval_weeks: *interval_weeks,
                                topical: topical.clone(),
                            });
                        }
                    }
                }
            }
        }
        // The hash of the parsed spec (not its text): comments and layout do not change it.
        let canonical = serde_json::to_string(&file).map_err(|e| Error::Parse(e.to_string()))?;
        let hash = Sha256::digest(canonical.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Self { file, grid, hash })
    }

    /// The spec's name.
    pub fn name(&self) -> &str {
        &self.file.name
    }
    /// Seed of every draw.
    pub fn seed(&self) -> u64 {
        self.file.seed
    }
    /// Virtual patients.
    pub fn patients(&self) -> u64 {
        self.file.patients
    }
    /// The indication whose outcome is read.
    pub fn indication(&self) -> &str {
        &self.file.indication
    }
    /// The population.
    pub fn population(&self) -> &Population {
        &self.file.population
    }
    /// Every protocol of the grid, in order.
    pub fn grid(&self) -> &[Protocol] {
        &self.grid
    }
    /// The `[sensitivity]` analysis, if the spec has one.
    pub fn sensitivity(&self) -> Option<&crate::sensitivity::Analysis> {
        self.file.sensitivity.as_ref()
    }
    /// SHA-256 of the parsed spec, hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

fn check(f: &SpecFile, kb: &KnowledgeBase) -> Result<(), Error> {
    if !(1..=MAX_PATIENTS).contains(&f.patients) {
        return Err(invalid(
            "patients",
            f.patients,
            format!("1 to {MAX_PATIENTS}"),
        ));
    }
    let indication = kb
        .indication(&f.indication)
        .map_err(|e| invalid("indication", &f.indication, e.accepted))?;
    if let Some(analysis) = &f.sensitivity {
        crate::sensitivity::check(analysis, indication)?;
    }
    check_population(&f.population, kb)?;
    check_protocols(&f.protocols, kb)
}

fn check_population(pop: &Population, kb: &KnowledgeBase) -> Result<(), Error> {
    let ages = &pop.age_years;
    if !(ages.min.is_finite()
        && ages.max.is_finite()
        && 0.0 <= ages.min
        && ages.min <= ages.max
        && ages.max <= 120.0)
    {
        return Err(invalid(
            "population.age_years",
            format!("{}..{}", ages.min, ages.max),
            "min <= max, within 0 to 120 years",
        ));
    }
    if !(0.0..=1.0).contains(&pop.female_share) {
        return Err(invalid(
            "population.female_share",
            pop.female_share,
            "0 to 1",
        ));
    }
    let weights = &pop.fitzpatrick_weights;
    if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || weights.iter().sum::<f64>() <= 0.0 {
        return Err(invalid(
            "population.fitzpatrick_weights",
            format!("{weights:?}"),
            "six weights of 0 or more, not all 0",
        ));
    }
    if pop.sites.is_empty() {
        return Err(invalid("population.sites", "[]", "at least one site id"));
    }
    for site in &pop.sites {
        kb.site(site)
            .map_err(|e| invalid("population.sites", site, e.accepted))?;
    }
    Ok(())
}

fn check_protocols(p: &Protocols, kb: &KnowledgeBase) -> Result<(), Error> {
    for (field, empty) in [
        ("protocols.devices", p.devices.is_empty()),
        ("protocols.lengths_mm", p.lengths_mm.is_empty()),
        ("protocols.sessions", p.sessions.is_empty()),
        ("protocols.interval_weeks", p.interval_weeks.is_empty()),
    ] {
        if empty {
            return Err(invalid(field, "[]", "at least one value"));
        }
    }
    for device in &p.devices {
        let d = kb
            .device(device)
            .map_err(|e| invalid("protocols.devices", device, e.accepted))?;
        for length in &p.lengths_mm {
            d.check_length(*length).map_err(|e| {
                invalid(
                    "protocols.lengths_mm",
                    length,
                    format!("a setting of {device}: {}", e.accepted),
                )
            })?;
        }
    }
    if let Some(s) = p.sessions.iter().find(|s| !(1..=52).contains(*s)) {
        return Err(invalid("protocols.sessions", s, "1 to 52 sessions"));
    }
    if let Some(w) = p.interval_weeks.iter().find(|w| !(1..=52).contains(*w)) {
        return Err(invalid("protocols.interval_weeks", w, "1 to 52 weeks"));
    }
    // As a plan does: only agents suited to the dermis go through the channels in session.
    let suited: Vec<&str> = kb
        .agents
        .iter()
        .filter(|a| a.intradermal_suited && a.solute().is_ok())
        .map(|a| a.id.as_str())
        .collect();
    for topical in &p.topicals {
        if !suited.contains(&topical.as_str()) {
            return Err(invalid(
                "protocols.topicals",
                topical,
                format!("an agent suited to in-session use: {}", suited.join(", ")),
            ));
        }
    }
    Ok(())
}
