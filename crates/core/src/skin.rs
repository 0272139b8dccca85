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

/// Sex, which sets the layer thicknesses of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

impl Sex {
    /// The accepted spellings, for error messages.
    pub const ACCEPTED: &'static str = "female, male";

    /// Parses a sex (case-insensitive); `field` names the input in the error.
    pub fn parse(field: &str, text: &str) -> Result<Self, InputError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "female" | "f" => Ok(Self::Female),
            "male" | "m" => Ok(Self::Male),
            _ => Err(InputError::new(field, text, Self::ACCEPTED)),
        }
    }

    /// The lowercase name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
        }
    }
}

/// A figure that differs by sex, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BySex {
    /// Figure for women.
    pub female: f64,
    /// Figure for men.
    pub male: f64,
    /// Source or assumption.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl BySex {
    /// The figure for `sex`.
    pub fn get(&self, sex: Sex) -> f64 {
        match sex {
            Sex::Female => self.female,
            Sex::Male => self.male,
        }
    }
}

/// How hard a protocol needles: picks a step of a site's depth guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Intensity {
    /// Superficial needling (texture, delivery).
    Light,
    /// Standard collagen induction.
    Moderate,
    /// Deep needling (atrophic scars, stretch marks).
    Deep,
}

/// Needle lengths (mm) a site tolerates for plain microneedling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepthGuide {
    /// Length for light intensity (mm).
    pub light: f64,
    /// Length for moderate intensity (mm).
    pub moderate: f64,
    /// Length for deep intensity (mm).
    pub deep: f64,
    /// Longest length the site tolerates (mm).
    pub max: f64,
    /// Source or assumption.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl DepthGuide {
    /// The length for `intensity` (mm).
    pub fn for_intensity(&self, intensity: Intensity) -> f64 {
        match intensity {
            Intensity::Light => self.light,
            Intensity::Moderate => self.moderate,
            Intensity::Deep => self.deep,
        }
    }
}

/// Body region of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// Face.
    Face,
    /// Neck.
    Neck,
    /// Trunk and limbs.
    Body,
    /// Scalp.
    Scalp,
}

/// An anatomical site as the knowledge base describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    /// Stable identifier, e.g. `cheek`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Body region.
    pub region: Region,
    /// Stratum corneum thickness at the reference age (µm).
    pub stratum_corneum_um: BySex,
    /// Viable epidermis thickness at the reference age (µm).
    pub viable_epidermis_um: BySex,
    /// Dermis thickness at the reference age (µm).
    pub dermis_um: BySex,
    /// Hypodermis thickness (µm).
    pub hypodermis_um: BySex,
    /// Needle lengths the site tolerates.
    pub depth_guide_mm: DepthGuide,
}

impl Site {
    /// The four cited thicknesses with their field names, for checks and reports.
    pub fn figures(&self) -> [(&'static str, &BySex); 4] {
        [
            ("stratum_corneum_um", &self.stratum_corneum_um),
            ("viable_epidermis_um", &self.viable_epidermis_um),
            ("dermis_um", &self.dermis_um),
            ("hypodermis_um", &self.hypodermis_um),
        ]
    }
}

/// Papillary share of the dermis, with bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PapillaryFraction {
    /// Fraction of the dermis that is papillary (dimensionless).
    pub value: f64,
    /// Thinnest papillary dermis (µm).
    pub min_um: f64,
    /// Thickest papillary dermis (µm).
    pub max_um: f64,
    /// Source or assumption.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Thinning with age and the papillary share of the dermis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgeModel {
    /// Age at which site thicknesses are given (years).
    pub reference_age_years: f64,
    /// Fraction of viable epidermis lost per decade past the reference age.
    pub epidermis_loss_per_decade: BySex,
    /// Fraction of dermis lost per decade past the reference age.
    pub dermis_loss_per_decade: BySex,
    /// Floor on the retained fraction of a layer (dimensionless).
    pub minimum_fraction: Cited,
    /// Stratum corneum change per decade (0: age-independent, Egawa 2007).
    pub stratum_corneum_ages: Cited,
    /// Papillary share of the dermis.
    pub papillary_fraction: PapillaryFraction,
}

/// How much layer thicknesses vary between people at one site: coefficients of variation of
/// lognormal multipliers. The layers are drawn together (one draw thickens or thins them all),
/// which gives the widest spread of injured dermis a draw can make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ThicknessVariation {
    /// Stratum corneum, CV between people.
    pub stratum_corneum_cv: Cited,
    /// Viable epidermis, CV between people.
    pub viable_epidermis_cv: Cited,
    /// Dermis, CV between people.
    pub dermis_cv: Cited,
}

impl ThicknessVariation {
    /// `skin` with each layer times `exp(σ z)`, `σ` from the layer's CV: the person `z`
    /// standard deviations from the site's typical skin.
    pub fn at(&self, skin: &SkinProfile, z: f64) -> SkinProfile {
        let multiplier = |cv: &Cited| {
            let sigma = (1.0 + cv.value * cv.value).ln().sqrt();
            (sigma * z).exp()
        };
        let mut out = skin.clone();
        out.thickness_um[0] *= multiplier(&self.stratum_corneum_cv);
        out.thickness_um[1] *= multiplier(&self.viable_epidermis_cv);
        let dermis = multiplier(&self.dermis_cv);
        out.thickness_um[2] *= dermis;
        out.thickness_um[3] *= dermis;
        out
    }
}

impl AgeModel {
    fn retained_fraction(&self, loss_per_decade: f64, age_years: f64) -> f64 {
        let decades = ((age_years - self.reference_age_years) / 10.0).max(0.0);
        (1.0 - loss_per_decade * decades).max(self.minimum_fraction.value)
    }
}

/// A layer of the skin, from the surface down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// The outermost dead layer, the main barrier.
    StratumCorneum,
    /// Living epidermis below the stratum corneum (no blood vessels).
    ViableEpidermis,
    /// Upper dermis with the capillary loops.
    PapillaryDermis,
    /// Lower, dense dermis.
    ReticularDermis,
    /// Subcutaneous fat.
    Hypodermis,
}

impl Layer {
    /// Every layer, surface first.
    pub const ALL: [Layer; 5] = [
        Layer::StratumCorneum,
        Layer::ViableEpidermis,
        Layer::PapillaryDermis,
        Layer::ReticularDermis,
        Layer::Hypodermis,
    ];

    /// The lowercase name as reports print it.
    pub fn name(self) -> &'static str {
        match self {
            Self::StratumCorneum => "stratum corneum",
            Self::ViableEpidermis => "viable epidermis",
            Self::PapillaryDermis => "papillary dermis",
            Self::ReticularDermis => "reticular dermis",
            Self::Hypodermis => "hypodermis",
        }
    }

    /// Whether the layer is papillary or reticular dermis.
    pub fn is_dermis(self) -> bool {
        matches!(self, Self::PapillaryDermis | Self::ReticularDermis)
    }
}

/// The layers of one person's skin at one site.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkinProfile {
    /// Site identifier.
    pub site: String,
    /// Sex.
    pub sex: Sex,
    /// Age (years).
    pub age_years: f64,
    /// Thickness of each layer of [`Layer::ALL`], in µm.
    pub thickness_um: [f64; 5],
}

/// Layer thicknesses a caller gives in place of a site's (µm); `None` keeps the site's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LayerThicknesses {
    /// Stratum corneum (5 to 200 µm).
    pub stratum_corneum_um: Option<f64>,
    /// Viable epidermis (10 to 1000 µm).
    pub viable_epidermis_um: Option<f64>,
    /// Dermis, papillary and reticular together (50 to 6000 µm).
    pub dermis_um: Option<f64>,
}

impl SkinProfile {
    /// This profile with the given layers replaced; the dermis keeps its papillary share.
    pub fn with_layers(&self, layers: &LayerThicknesses) -> Result<Self, InputError> {
        let mut out = self.clone();
        if let Some(h) = layers.stratum_corneum_um {
            out.thickness_um[0] = check_range("sc_um", h, 5.0, 200.0, "um")?;
        }
        if let Some(h) = layers.viable_epidermis_um {
            out.thickness_um[1] = check_range("epidermis_um", h, 10.0, 1000.0, "um")?;
        }
        if let Some(h) = layers.dermis_um {
            let h = check_range("dermis_um", h, 50.0, 6000.0, "um")?;
            let (papillary, reticular) = (self.thickness_um[2], self.thickness_um[3]);
            let share = papillary / (papillary + reticular);
            out.thickness_um[2] = h * share;
            out.thickness_um[3] = h * (1.0 - share);
        }
        Ok(out)
    }

    /// The profile of `site` for `sex` at `age_years` (0–120), thinned with `model`.
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

    /// Thickness of `layer` (µm).
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

    /// Depth of the bottom of `layer` below the surface (µm).
    pub fn bottom_um(&self, layer: Layer) -> f64 {
        self.top_um(layer) + self.thickness(layer)
    }

    /// The dermal–epidermal junction, µm below the surface.
    pub fn dermis_top_um(&self) -> f64 {
        self.top_um(Layer::PapillaryDermis)
    }

    /// Depth of the bottom of the reticular dermis (µm).
    pub fn dermis_bottom_um(&self) -> f64 {
        self.bottom_um(Layer::ReticularDermis)
    }

    /// Dermis thickness, papillary and reticular (µm).
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
