//! What transport needs to know of an agent: size, lipophilicity, ionisation, solubility and
//! volatility. Built with [`Solute::new`] and the `with_*` methods, each of which checks its
//! value, so a [`Solute`] that exists is one the models can use.

use serde::{Deserialize, Serialize};

use crate::error::{InputError, check_range};

/// Skin-surface pH at which the stratum corneum sees the agent (Dancik 2013 [@dancik2013]).
pub const SURFACE_PH: f64 = 5.0;
/// pH of the viable epidermis and dermis.
pub const TISSUE_PH: f64 = 7.4;

/// Whether an ionisable group gives up a proton (acid) or takes one (base).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    /// Neutral below its pKa, anionic above (carboxylic acids, phenols).
    Acid,
    /// Cationic below its pKa (of the conjugate acid), neutral above (amines).
    Base,
}

/// One ionisable group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IonisableGroup {
    /// pKa (for a base, of its conjugate acid).
    pub pka: f64,
    /// Acid or base.
    pub kind: GroupKind,
}

impl IonisableGroup {
    /// Share of this group that is neutral at `ph` (Henderson–Hasselbalch).
    pub fn neutral_fraction(self, ph: f64) -> f64 {
        match self.kind {
            GroupKind::Acid => 1.0 / (1.0 + 10f64.powf(ph - self.pka)),
            GroupKind::Base => 1.0 / (1.0 + 10f64.powf(self.pka - ph)),
        }
    }
}

/// How an agent leaves a film on the skin for the air.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Volatility {
    /// Measured vapour pressure at skin temperature (Pa).
    VapourPressure {
        /// Vapour pressure (Pa).
        pa: f64,
    },
    /// Estimated from the normal boiling point and, for a solid, the melting point.
    BoilingPoint {
        /// Normal boiling point (°C).
        boiling_point_c: f64,
        /// Melting point (°C), for agents solid at skin temperature.
        melting_point_c: Option<f64>,
    },
}

impl Volatility {
    /// A measured vapour pressure when given, else the boiling point (with the melting point of
    /// a solid); `None` when neither is known (the agent is taken as non-volatile).
    pub fn from_parts(
        vapour_pressure_pa: Option<f64>,
        boiling_point_c: Option<f64>,
        melting_point_c: Option<f64>,
    ) -> Option<Self> {
        match (vapour_pressure_pa, boiling_point_c) {
            (Some(pa), _) => Some(Self::VapourPressure { pa }),
            (None, Some(boiling_point_c)) => Some(Self::BoilingPoint {
                boiling_point_c,
                melting_point_c,
            }),
            (None, None) => None,
        }
    }
}

/// The shape of a large molecule, which sets its size for its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MolecularShape {
    /// Compact and folded: proteins, growth factors.
    #[default]
    Globular,
    /// A swollen chain: hyaluronic acid, dextran.
    RandomCoil,
}

/// Most ionisable groups accepted on one agent.
const MAX_GROUPS: usize = 4;

/// What transport needs to know of an agent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Solute {
    /// Molecular weight (g/mol).
    pub mw_g_per_mol: f64,
    /// Octanol/water partition coefficient of the neutral form, log10.
    pub log_kow: f64,
    /// Ionisable groups (at most four), empty for a neutral agent.
    groups: [Option<IonisableGroup>; MAX_GROUPS],
    /// Water solubility (mg/mL), `None` when unknown (no limit applied).
    pub solubility_mg_per_ml: Option<f64>,
    /// Volatility, `None` for an agent taken as non-volatile.
    pub volatility: Option<Volatility>,
    /// Shape, for large molecules.
    pub shape: MolecularShape,
    /// Molar volume (cm³/mol, Schroeder's additive volume), `None` to estimate it from MW.
    pub molar_volume_cm3_per_mol: Option<f64>,
}

impl Solute {
    /// A neutral, non-volatile solute of `mw_g_per_mol` (30 to 5e6) and `log_kow` (−8 to 10),
    /// checked.
    pub fn new(mw_g_per_mol: f64, log_kow: f64) -> Result<Self, InputError> {
        Ok(Self {
            mw_g_per_mol: check_range("agent.mw_g_per_mol", mw_g_per_mol, 30.0, 5e6, "g/mol")?,
            log_kow: check_range("agent.log_kow", log_kow, -8.0, 10.0, "")?,
            groups: [None; MAX_GROUPS],
            solubility_mg_per_ml: None,
            volatility: None,
            shape: MolecularShape::Globular,
            molar_volume_cm3_per_mol: None,
        })
    }

    /// Adds an ionisable group (pKa −2 to 16; at most four groups).
    pub fn with_group(mut self, pka: f64, kind: GroupKind) -> Result<Self, InputError> {
        let pka = check_range("agent.pka", pka, -2.0, 16.0, "")?;
        let slot = self
            .groups
            .iter_mut()
            .find(|g| g.is_none())
            .ok_or_else(|| {
                InputError::new(
                    "agent.pka",
                    pka,
                    format!("at most {MAX_GROUPS} ionisable groups"),
                )
            })?;
        *slot = Some(IonisableGroup { pka, kind });
        Ok(self)
    }

    /// Sets the water solubility (1e-9 to 2000 mg/mL).
    pub fn with_solubility(mut self, mg_per_ml: f64) -> Result<Self, InputError> {
        let s = check_range(
            "agent.solubility_mg_per_ml",
            mg_per_ml,
            1e-9,
            2000.0,
            "mg/mL",
        )?;
        self.solubility_mg_per_ml = Some(s);
        Ok(self)
    }

    /// Sets the volatility, checked: vapour pressure 0 to 1e5 Pa, boiling point −50 to 800 °C,
    /// melting point −150 °C to the boiling point.
    pub fn with_volatility(mut self, volatility: Volatility) -> Result<Self, InputError> {
        match volatility {
            Volatility::VapourPressure { pa } => {
                check_range("agent.vapour_pressure_pa", pa, 0.0, 1e5, "Pa")?;
            }
            Volatility::BoilingPoint {
                boiling_point_c,
                melting_point_c,
            } => {
                check_range("agent.boiling_point_c", boiling_point_c, -50.0, 800.0, "°C")?;
                if let Some(m) = melting_point_c {
                    check_range("agent.melting_point_c", m, -150.0, boiling_point_c, "°C")?;
                }
            }
        }
        self.volatility = Some(volatility);
        Ok(self)
    }

    /// Sets the molar volume (10 to 5000 cm³/mol).
    pub fn with_molar_volume(mut self, cm3_per_mol: f64) -> Result<Self, InputError> {
        let v = check_range(
            "agent.molar_volume_cm3_per_mol",
            cm3_per_mol,
            10.0,
            5000.0,
            "cm3/mol",
        )?;
        self.molar_volume_cm3_per_mol = Some(v);
        Ok(self)
    }

    /// Sets whichever of the solubility and the volatility is known, each checked as by its own
    /// setter.
    pub fn with_known(
        self,
        solubility_mg_per_ml: Option<f64>,
        volatility: Option<Volatility>,
    ) -> Result<Self, InputError> {
        let solute = match solubility_mg_per_ml {
            Some(s) => self.with_solubility(s)?,
            None => self,
        };
        match volatility {
            Some(v) => solute.with_volatility(v),
            None => Ok(solute),
        }
    }

    /// Sets the shape of a large molecule.
    pub fn with_shape(mut self, shape: MolecularShape) -> Self {
        self.shape = shape;
        self
    }

    /// The ionisable groups.
    pub fn groups(&self) -> impl Iterator<Item = IonisableGroup> + '_ {
        self.groups.iter().flatten().copied()
    }

    /// Share of the agent in its neutral form at `ph`, each group taken as independent.
    pub fn neutral_fraction(&self, ph: f64) -> f64 {
        self.groups().map(|g| g.neutral_fraction(ph)).product()
    }
}
