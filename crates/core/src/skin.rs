//! Skin layers by anatomical site, sex and age.
//!
//! Five layers from the surface down: stratum corneum, viable epidermis, papillary dermis,
//! reticular dermis, hypodermis. Site tables give the thickness at the reference age; older skin
//! thins by a fixed fraction per decade (epidermis and dermis, not the stratum corneum), floored
//! at a minimum fraction. The papillary dermis is a fixed fraction of the dermis, kept in bounds.

use serde::{Deserialize, Serialize};

use crate::error::{InputError, check_range};
use crate::provenance::{Cited, Provenance};

/// Oldest age the models accept, in years.
pub const MAX_AGE_YEARS: f64 = 120.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub const ACCEPTED: &'static str = "female, male";

    pub fn parse(field: &str, text: &str) -> Result<Self, InputError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "female" | "f" => Ok(Self::Female),
            "male" | "m" => Ok(Self::Male),
            _ => Err(InputError::new(field, text, Self::ACCEPTED)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
        }
    }
}

/// A figure that differs by sex, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BySex {
    pub female: f64,
    pub male: f64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl BySex {
    pub fn get(&self, sex: Sex) -> f64 {
        match sex {
            Sex::Female => self.female,
            Sex::Male => self.male,
        }
    }
}

/// How hard a protocol needles: picks a step of a site's depth guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intensity {
    Light,
    Moderate,
    Deep,
}

/// Needle lengths (mm) a site tolerates for plain microneedling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepthGuide {
    pub light: f64,
    pub moderate: f64,
    pub deep: f64,
    pub max: f64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl DepthGuide {
    pub fn for_intensity(&self, intensity: Intensity) -> f64 {
        match intensity {
            Intensity::Light => self.light,
            Intensity::Moderate => self.moderate,
            Intensity::Deep => self.deep,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    Face,
    Neck,
    Body,
    Scalp,
}

/// An anatomical site as the knowledge base describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub region: Region,
    pub stratum_corneum_um: BySex,
    pub viable_epidermis_um: BySex,
    pub dermis_um: BySex,
    pub hypodermis_um: BySex,
    pub depth_guide_mm: DepthGuide,
}

impl Site {
    pub fn figures(&self) -> [(&'static str, &BySex); 4] {
        [
            ("stratum_corneum_um", &self.stratum_corneum_um),
            ("viable_epidermis_um", &self.viable_epidermis_um),
            ("dermis_um", &self.dermis_um),
            ("hypodermis_um", &self.hypodermis_um),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PapillaryFraction {
    pub value: f64,
    pub min_um: f64,
    pub max_um: f64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Thinning with age and the papillary share of the dermis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgeModel {
    pub reference_age_years: f64,
    pub epidermis_loss_per_decade: BySex,
    pub dermis_loss_per_decade: BySex,
    pub minimum_fraction: Cited,
    pub stratum_corneum_ages: Cited,
    pub papillary_fraction: PapillaryFraction,
}

impl AgeModel {
    fn retained_fraction(&self, loss_per_decade: f64, age_years: f64) -> f64 {
        let decades = ((age_years - self.reference_age_years) / 10.0).max(0.0);
        (1.0 - loss_per_decade * decades).max(self.minimum_fraction.value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    StratumCorneum,
    ViableEpidermis,
    PapillaryDermis,
    ReticularDermis,
    Hypodermis,
}

impl Layer {
    pub const ALL: [Layer; 5] = [
        Layer::StratumCorneum,
        Layer::ViableEpidermis,
        Layer::PapillaryDermis,
        Layer::ReticularDermis,
        Layer::Hypodermis,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::StratumCorneum => "stratum corneum",
            Self::ViableEpidermis => "viable epidermis",
            Self::PapillaryDermis => "papillary dermis",
            Self::ReticularDermis => "reticular dermis",
            Self::Hypodermis => "hypodermis",
        }
    }

    pub fn is_dermis(self) -> bool {
        matches!(self, Self::PapillaryDermis | Self::ReticularDermis)
    }
}

/// The layers of one person's skin at one site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkinProfile {
    pub site: String,
    pub sex: Sex,
    pub age_years: f64,
    /// Thickness of each layer of [`Layer::ALL`], in µm.
    pub thickness_um: [f64; 5],
}

impl SkinProfile {
    pub fn new(
        site: &Site,
        sex: Sex,
        age_years: f64,
        model: &AgeModel,
    ) -> Result<Self, InputError> {
        let age_years = check_range("age", age_years, 0.0, MAX_AGE_YEARS, "years")?;
        let epidermis = site.viable_epidermis_um.get(sex)
            * model.retained_fraction(model.epidermis_loss_per_decade.get(sex), age_years);
        let dermis = site.dermis_um.get(sex)
            * model.retained_fraction(model.dermis_loss_per_decade.get(sex), age_years);
        let papillary = (dermis * model.papillary_fraction.value)
            .clamp(
                model.papillary_fraction.min_um,
                model.papillary_fraction.max_um,
            )
            .min(dermis / 2.0);
        Ok(Self {
            site: site.id.clone(),
            sex,
            age_years,
            thickness_um: [
                site.stratum_corneum_um.get(sex),
                epidermis,
                papillary,
                dermis - papillary,
                site.hypodermis_um.get(sex),
            ],
        })
    }

    fn index(layer: Layer) -> usize {
        Layer::ALL.iter().position(|l| *l == layer).unwrap_or(0)
    }

    pub fn thickness(&self, layer: Layer) -> f64 {
        self.thickness_um[Self::index(layer)]
    }

    /// Depth of the top of `layer` below the skin surface, µm.
    pub fn top_um(&self, layer: Layer) -> f64 {
        // fold from +0.0: an empty f64 sum is -0.0.
        self.thickness_um[..Self::index(layer)]
            .iter()
            .fold(0.0, |depth, t| depth + t)
    }

    pub fn bottom_um(&self, layer: Layer) -> f64 {
        self.top_um(layer) + self.thickness(layer)
    }

    /// The dermal–epidermal junction, µm below the surface.
    pub fn dermis_top_um(&self) -> f64 {
        self.top_um(Layer::PapillaryDermis)
    }

    pub fn dermis_bottom_um(&self) -> f64 {
        self.bottom_um(Layer::ReticularDermis)
    }

    pub fn dermis_um(&self) -> f64 {
        self.dermis_bottom_um() - self.dermis_top_um()
    }

    /// Every layer a channel of this depth enters, from the surface down.
    pub fn layers_reached(&self, depth_um: f64) -> Vec<Layer> {
        if depth_um <= 0.0 {
            return Vec::new();
        }
        Layer::ALL
            .into_iter()
            .filter(|layer| self.top_um(*layer) < depth_um)
            .collect()
    }
}
