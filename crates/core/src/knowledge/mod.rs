//! The knowledge base: every figure and rule of data/, embedded at build time, parsed into typed
//! structs and checked (sources, ids, cross-references) once per process.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::agent::Agent;
use crate::catalog::{Catalog, Identified, find};
use crate::device::{Device, is_id};
use crate::error::{Error, InputError};
use crate::healing::HealingParams;
use crate::indication::Indication;
use crate::penetration::PenetrationParams;
use crate::provenance::{Edition, Provenance, uncited_in};
use crate::screening::adverse::AdverseEffect;
use crate::screening::probability::AdverseRates;
use crate::screening::{DarkPhototypePolicy, IsotretinoinPolicy, Rule};
use crate::skin::{AgeModel, Site, ThicknessVariation};
use crate::transport::TransportParams;

mod checks;

/// The data files, by name, as embedded in the binary.
pub const DATA_FILES: [(&str, &str); 12] = [
    ("meta.toml", include_str!("../../data/meta.toml")),
    ("sites.toml", include_str!("../../data/sites.toml")),
    ("devices.toml", include_str!("../../data/devices.toml")),
    ("agents.toml", include_str!("../../data/agents.toml")),
    (
        "indications.toml",
        include_str!("../../data/indications.toml"),
    ),
    ("rules.toml", include_str!("../../data/rules.toml")),
    (
        "adverse_effects.toml",
        include_str!("../../data/adverse_effects.toml"),
    ),
    (
        "adverse_rates.toml",
        include_str!("../../data/adverse_rates.toml"),
    ),
    (
        "penetration.toml",
        include_str!("../../data/penetration.toml"),
    ),
    ("care.toml", include_str!("../../data/care.toml")),
    ("transport.toml", include_str!("../../data/transport.toml")),
    ("healing.toml", include_str!("../../data/healing.toml")),
];

/// A cited list of pre- or aftercare instructions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CareList {
    /// The instructions, one sentence each, in the order they are given.
    pub items: Vec<String>,
    /// Source or assumption behind the list.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// The whole knowledge base: every table of `data/`, parsed and cross-checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnowledgeBase {
    /// Version of the data set (from `data/meta.toml`).
    pub version: String,
    /// Decision-support disclaimer every report carries.
    pub disclaimer: String,
    /// How layer thicknesses change with age.
    pub age_model: AgeModel,
    /// How layer thicknesses vary between people at one site.
    pub thickness_variation: ThicknessVariation,
    /// Anatomical sites with their layer thicknesses.
    pub sites: Vec<Site>,
    /// Needling devices (rollers, stamps, pens, RF).
    pub devices: Vec<Device>,
    /// Topical agents.
    pub agents: Vec<Agent>,
    /// Indications with their treatment defaults.
    pub indications: Vec<Indication>,
    /// Screening rules (contraindications and cautions).
    pub rules: Vec<Rule>,
    /// How isotretinoin use is screened (the evidence changed in 2017–2020).
    pub isotretinoin_policy: IsotretinoinPolicy,
    /// What plans do for darker phototypes (conservative depth, test spot).
    pub dark_phototype: DarkPhototypePolicy,
    /// Adverse effects with their base likelihood and drivers.
    pub adverse_effects: Vec<AdverseEffect>,
    /// Adverse-event counts of trials and the probability models built on them.
    pub adverse_rates: AdverseRates,
    /// Parameters of the penetration model.
    pub penetration: PenetrationParams,
    /// Parameters of the transport model.
    pub transport: TransportParams,
    /// Parameters of the healing model.
    pub healing: HealingParams,
    /// General precare instructions.
    pub precare: CareList,
    /// General aftercare instructions.
    pub aftercare: CareList,
}

#[derive(Deserialize)]
struct MetaFile {
    version: String,
    disclaimer: String,
}
#[derive(Deserialize)]
struct SitesFile {
    age_model: AgeModel,
    thickness_variation: ThicknessVariation,
    sites: Vec<Site>,
}
#[derive(Deserialize)]
struct DevicesFile {
    devices: Vec<Device>,
}
#[derive(Deserialize)]
struct AgentsFile {
    agents: Vec<Agent>,
}
#[derive(Deserialize)]
struct IndicationsFile {
    indications: Vec<Indication>,
}
#[derive(Deserialize)]
struct RulesFile {
    isotretinoin_policy: IsotretinoinPolicy,
    dark_phototype: DarkPhototypePolicy,
    rules: Vec<Rule>,
}
#[derive(Deserialize)]
struct EffectsFile {
    effects: Vec<AdverseEffect>,
}
#[derive(Deserialize)]
struct CareFile {
    precare: CareList,
    aftercare: CareList,
}

static EMBEDDED: LazyLock<Result<KnowledgeBase, Error>> =
    LazyLock::new(|| KnowledgeBase::from_files(&DATA_FILES));

fn parse<T: for<'de> Deserialize<'de>>(files: &[(&str, &str)], name: &str) -> Result<T, Error> {
    let text = files
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| Error::Knowledge(format!("missing data file {name}")))?;
    let table: toml::Table =
        toml::from_str(text).map_err(|e| Error::Knowledge(format!("{name}: {e}")))?;
    let missing = uncited_in(&table);
    if !missing.is_empty() {
        return Err(Error::Knowledge(format!(
            "{name}: numbers without a source or assumption: {}",
            missing.join(", ")
        )));
    }
    // One parse serves both the provenance walk and the typed structs.
    toml::Value::Table(table)
        .try_into()
        .map_err(|e| Error::Knowledge(format!("{name}: {e}")))
}

// Rules and adverse effects are identified too, for the uniqueness checks; the catalog module
// sits below screening, so their impls live here.
impl Identified for Rule {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for AdverseEffect {
    fn id(&self) -> &str {
        &self.id
    }
}

impl KnowledgeBase {
    /// The knowledge base built into this binary.
    pub fn embedded() -> Result<&'static KnowledgeBase, Error> {
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    /// Builds and checks a knowledge base from data files given by name.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Self, Error> {
        let meta: MetaFile = parse(files, "meta.toml")?;
        let sites: SitesFile = parse(files, "sites.toml")?;
        let rules: RulesFile = parse(files, "rules.toml")?;
        let care: CareFile = parse(files, "care.toml")?;
        let kb = Self {
            version: meta.version,
            disclaimer: meta.disclaimer,
            age_model: sites.age_model,
            thickness_variation: sites.thickness_variation,
            sites: sites.sites,
            devices: parse::<DevicesFile>(files, "devices.toml")?.devices,
            agents: parse::<AgentsFile>(files, "agents.toml")?.agents,
            indications: parse::<IndicationsFile>(files, "indications.toml")?.indications,
            rules: rules.rules,
            isotretinoin_policy: rules.isotretinoin_policy,
            dark_phototype: rules.dark_phototype,
            adverse_effects: parse::<EffectsFile>(files, "adverse_effects.toml")?.effects,
            adverse_rates: parse(files, "adverse_rates.toml")?,
            penetration: parse(files, "penetration.toml")?,
            transport: parse(files, "transport.toml")?,
            healing: parse(files, "healing.toml")?,
            precare: care.precare,
            aftercare: care.aftercare,
        };
        checks::check(&kb)?;
        checks::dark_phototype(&kb)?;
        Ok(kb)
    }

    /// A copy with custom devices added; their ids must not clash with the catalog's.
    pub fn with_devices(&self, devices: Vec<Device>) -> Result<Self, InputError> {
        let mut kb = self.clone();
        for device in devices {
            if kb.devices.iter().any(|d| d.id == device.id) {
                return Err(InputError::new(
                    "devices.id",
                    &device.id,
                    "an id not already in the catalog",
                ));
            }
            kb.devices.push(device);
        }
        Ok(kb)
    }

    /// A copy with custom agents added; their ids must not clash with the catalog's.
    pub fn with_agents(&self, agents: Vec<Agent>) -> Result<Self, InputError> {
        let mut kb = self.clone();
        for agent in agents {
            if kb.agents.iter().any(|a| a.id == agent.id) {
                return Err(InputError::new(
                    "agents.id",
                    &agent.id,
                    "an id not already in the catalog",
                ));
            }
            kb.agents.push(agent);
        }
        Ok(kb)
    }

    /// The site `id`, or an error that lists the known ones.
    pub fn site(&self, id: &str) -> Result<&Site, InputError> {
        find(&self.sites, "site", id)
    }

    /// The device `id`, or an error that lists the known ones.
    pub fn device(&self, id: &str) -> Result<&Device, InputError> {
        find(&self.devices, "device", id)
    }

    /// The agent `id`, or an error that lists the known ones.
    pub fn agent(&self, id: &str) -> Result<&Agent, InputError> {
        find(&self.agents, "agent", id)
    }

    /// The indication `id`, or an error that lists the known ones.
    pub fn indication(&self, id: &str) -> Result<&Indication, InputError> {
        find(&self.indications, "indication", id)
    }

    /// The version and disclaimer every output of this knowledge base carries.
    pub fn edition(&self) -> Edition {
        Edition {
            knowledge_base_version: self.version.clone(),
            disclaimer: self.disclaimer.clone(),
        }
    }
}

impl Catalog for KnowledgeBase {
    fn site(&self, id: &str) -> Result<&Site, InputError> {
        KnowledgeBase::site(self, id)
    }

    fn device(&self, id: &str) -> Result<&Device, InputError> {
        KnowledgeBase::device(self, id)
    }

    fn agent(&self, id: &str) -> Result<&Agent, InputError> {
        KnowledgeBase::agent(self, id)
    }

    fn indication(&self, id: &str) -> Result<&Indication, InputError> {
        KnowledgeBase::indication(self, id)
    }
}

pub(crate) fn check_id(kind: &str, id: &str) -> Result<(), Error> {
    if is_id(id) {
        Ok(())
    } else {
        Err(Error::Knowledge(format!(
            "{kind} id {id:?} is not lower-case kebab-case"
        )))
    }
}
