//! The penetration model's parameters, as `data/penetration.toml` writes them.

use serde::{Deserialize, Serialize};

use crate::device::InsertionMode;
use crate::provenance::{Cited, Provenance};

/// Skin and needle mechanics: what it takes to puncture, how far the skin deflects, how the
/// shaft is held back, and how speed lowers the resistance (docs/penetration.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Mechanics {
    /// Fracture toughness `G_c` of skin, J/m²: the work to open a unit area of crack.
    pub toughness_j_per_m2: Cited,
    /// Young's modulus `E` of the upper skin, MPa (incompressible: `E* = 4E/3`).
    pub modulus_mpa: Cited,
    /// Shear stress `τ` that holds the shaft back (friction and cutting along it), MPa.
    pub shaft_friction_mpa: Cited,
    /// Exponent `n` of the fall of resistance with insertion speed, `(v / v_0)^-n`.
    pub rate_exponent: Cited,
    /// Speed `v_0` below which insertion is quasi-static (no rate gain), m/s.
    pub quasi_static_speed_m_per_s: Cited,
    /// Largest share of the length past the dimple that can be buried, `η_max`.
    pub max_buried_fraction: Cited,
    /// Needle spacing `s_crowd` below which the skin dimples as a whole, µm.
    pub crowding_spacing_um: Cited,
    /// Arc of a roller's drum whose needles carry the hand's force at once, mm.
    pub roller_contact_arc_mm: Cited,
    /// Moving mass behind each needle of an impact device, mg.
    pub impact_mass_per_needle_mg: Cited,
}

/// What drives the needles when the device does not say: a force for roll and press, a
/// speed for impact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InsertionDefaults {
    /// Hand force on a roller, N.
    pub roll_force_n: Cited,
    /// Hand force on a stamp, N.
    pub press_force_n: Cited,
    /// Needle speed of a motorised pen or RF handpiece, m/s.
    pub impact_speed_m_per_s: Cited,
}

impl InsertionDefaults {
    /// The default force of `mode`, N (`None` for impact, which is driven by speed).
    pub fn force_n(&self, mode: InsertionMode) -> Option<f64> {
        match mode {
            InsertionMode::Roll => Some(self.roll_force_n.value),
            InsertionMode::Press => Some(self.press_force_n.value),
            InsertionMode::Impact => None,
        }
    }
}

/// Channel geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelParams {
    /// How much wider than the needle the channel opens (the skin tears beyond it; dimensionless).
    pub tear_factor: Cited,
}

/// When bleeding is expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BleedingParams {
    /// Depth past the top of the dermis needed to reach the capillary loops (µm).
    pub capillary_margin_um: Cited,
}

/// `base + scale · (1 − exp(−dermal depth / length))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaturatingCurve {
    /// `base`: the value at zero dermal depth.
    pub value: f64,
    /// `scale`: the rise towards saturation.
    #[serde(alias = "scale_h")]
    pub scale: f64,
    /// `length`: the dermal depth of saturation (µm).
    pub length_um: f64,
    /// Source or assumption.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl SaturatingCurve {
    pub(super) fn at(&self, dermal_depth_um: f64) -> f64 {
        self.value + self.scale * (1.0 - (-dermal_depth_um / self.length_um).exp())
    }
}

/// Expected pain (0–10) by deepest layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PainParams {
    /// Pain when only the stratum corneum is entered.
    pub surface_only: Cited,
    /// Pain when the viable epidermis is reached but not the dermis.
    pub epidermis: Cited,
    /// Pain against depth into the dermis.
    pub dermis_base: SaturatingCurve,
    /// Extra pain from RF heating.
    pub thermal_extra: Cited,
}

/// Expected erythema (h) by depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErythemaParams {
    /// Erythema when the dermis is not reached (h).
    pub epidermis_h: Cited,
    /// Erythema against depth into the dermis (h).
    pub dermis_base_h: SaturatingCurve,
    /// Multiplier of erythema for RF devices (dimensionless).
    pub thermal_factor: Cited,
    /// Longest erythema the model predicts (h).
    pub max_h: Cited,
}

/// Every parameter of the penetration model, from `data/penetration.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenetrationParams {
    /// Skin and needle mechanics: puncture, deflection, drag, speed.
    pub mechanics: Mechanics,
    /// Force or speed of each insertion mode when the device gives none.
    pub insertion: InsertionDefaults,
    /// Channel widening.
    pub channel: ChannelParams,
    /// Bleeding threshold.
    pub bleeding: BleedingParams,
    /// Pain model.
    pub pain: PainParams,
    /// Erythema model.
    pub erythema: ErythemaParams,
}
