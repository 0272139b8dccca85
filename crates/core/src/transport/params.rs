//! Transport parameters from `data/transport.toml`: the Kasting/Nitsche/Dancik intact-skin model
//! ([`super::intact`]), evaporation, the in-vitro setting, macromolecules by size
//! ([`super::macromolecule`]), channel closure and the channel's fluid path.

use serde::{Deserialize, Serialize};

use crate::provenance::{Cited, Provenance};

/// Potts–Guy permeability, used for the capillary wall of the dermis:
/// `log10 kp (cm/h) = intercept + slope · log Kow − mw_slope · MW`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PottsGuy {
    /// Intercept of `log10 kp`.
    pub intercept: f64,
    /// Slope on `log Kow`.
    pub log_kow_slope: f64,
    /// Slope on MW (per g/mol).
    pub mw_slope: f64,
    /// Source of the regression.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Constants of one hydration state of the stratum corneum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HydrationState {
    /// Thickness behind the model's permeability fit (µm).
    pub thickness_um: Cited,
    /// `[a, b, c]` of `K_sc/w = a · Kow^0.81 + b + c · Kow^0.27`.
    pub partition: [f64; 3],
    /// Divides the lipid diffusivity and the transbilayer rate (3 when partially hydrated).
    pub lateral_hindrance: f64,
    /// Keratin-fibre term of the corneocytes: `K_cor = 1 − f (1 + λ)²`.
    pub fibre_fraction: f64,
    /// Cubic in λ of the hindered corneocyte diffusivity.
    pub corneocyte_hindrance: [f64; 4],
    /// Geometric constant of the brick-and-mortar cell (1/cm).
    pub cell_constant_per_cm: f64,
    /// 5×5 coefficients of `log10 P(log σ, log r)` in the main region.
    pub main_polynomial: [f64; 25],
    /// 5×5 coefficients where lipids dominate (1.5 < log σ < 4.5).
    pub hole_polynomial: [f64; 25],
    /// Quartic in `log r` where transbilayer hopping limits (−0.5 ≤ log r ≤ 1).
    pub low_r_polynomial: [f64; 5],
    /// `P = linear_r · r` for log r < −0.5.
    pub linear_r: f64,
    /// `P` for very large σ and r.
    pub high_plateau: f64,
    /// `[a, b]` of `P = 1 / (a σ + b / r)` for log σ < −3.5.
    pub lipid_limit: [f64; 2],
    /// Source of the constants.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// The stratum corneum of the brick-and-mortar model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StratumCorneumParams {
    /// `K_lip/w = scale · Kow^exponent`: scale.
    pub lipid_partition_scale: f64,
    /// Exponent of the lipid partition.
    pub lipid_partition_exponent: f64,
    /// Scale of the lipid diffusivity (cm²/s).
    pub lipid_diffusivity_scale_cm2_per_s: f64,
    /// Reference MW of the lipid diffusivity (g/mol).
    pub lipid_reference_mw: f64,
    /// Exponent of the lipid diffusivity on `reference / MW`.
    pub lipid_diffusivity_exponent: f64,
    /// Floor of the lipid diffusivity (cm²/s).
    pub lipid_diffusivity_floor_cm2_per_s: f64,
    /// `log10 k_trans (cm/s) = intercept + slope · MW^(1/3)`: intercept.
    pub transbilayer_intercept: f64,
    /// Slope of the transbilayer rate on `MW^(1/3)`.
    pub transbilayer_slope: f64,
    /// Radius of a keratin fibre (Å).
    pub keratin_fibre_radius_angstrom: f64,
    /// Free aqueous diffusivity below the break: `scale · Va^−0.6` (cm²/s).
    pub aqueous_small_scale_cm2_per_s: f64,
    /// Free aqueous diffusivity above the break: `scale · Va^(−1/3)` (cm²/s).
    pub aqueous_large_scale_cm2_per_s: f64,
    /// Molar volume at which the two branches meet (cm³/mol).
    pub aqueous_break_cm3_per_mol: f64,
    /// Molar volume per g/mol when the agent gives none.
    pub molar_volume_per_mw: Cited,
    /// Partially hydrated (in vivo, ambient) constants.
    pub partial: HydrationState,
    /// Fully hydrated (soaked, occluded) constants.
    pub full: HydrationState,
    /// Source of the relations.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Viable epidermis and dermis: free diffusivity, binding and partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViableTissueParams {
    /// Intercept of `log10 D_free (cm²/s)` against `log10 MW`.
    pub free_intercept: f64,
    /// Slope of `log10 D_free` on `log10 MW`.
    pub free_slope: f64,
    /// Diffusivity of albumin, with which bound drug moves (cm²/s).
    pub albumin_diffusivity_cm2_per_s: f64,
    /// Tissue/water partition of the free solute.
    pub free_partition: f64,
    /// Weight of the albumin-bound pool.
    pub albumin_term: f64,
    /// Lipid volume fraction of viable tissue.
    pub lipid_fraction: f64,
    /// `[scale, offset]` of the bound/free ratio for neutral agents and bases.
    pub binding_neutral: [f64; 2],
    /// `[scale, offset]` for acids and zwitterions.
    pub binding_acid: [f64; 2],
    /// Smallest fraction unbound.
    pub min_fraction_unbound: f64,
    /// Source of the relations.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Dermal clearance to blood: capillary permeability in series with blood flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClearanceParams {
    /// Blood flow limit (1/s).
    pub blood_flow_per_s: f64,
    /// Capillary surface per tissue volume (1/cm).
    pub capillary_surface_per_cm: f64,
    /// Capillary permeability as a multiple of the Potts–Guy kp.
    pub capillary_permeability_factor: f64,
    /// Source of the figures.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Evaporation of an agent from the film, and its vapour pressure from its boiling point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaporationParams {
    /// `k_g (cm/h) = scale · u^exponent / MW^(1/3)`: scale.
    pub mass_transfer_scale: f64,
    /// Exponent on the air speed.
    pub wind_exponent: f64,
    /// Air speed over the skin (m/s).
    pub air_speed_m_per_s: Cited,
    /// Skin surface temperature (K).
    pub skin_temperature_k: Cited,
    /// Saturated reference of a neat agent without a water solubility (g/cm³).
    pub neat_density_g_per_cm3: Cited,
    /// The four constants of Mackay's vapour-pressure equation.
    pub mackay: [f64; 4],
    /// Source of the relations.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Excised skin in a diffusion cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InVitroParams {
    /// Dermis of dermatomed skin when none is given (µm).
    pub dermis_um: Cited,
    /// Half-life of the elastic contraction of channels in excised skin (h).
    pub closure_half_life_h: Cited,
    /// Share of the open channels' conductance that stays after it.
    pub residual_open_fraction: Cited,
}

/// Radius of a folded protein: `scale · (MW / residue_mw)^exponent` Å.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GlobularRadius {
    /// Scale (Å).
    pub scale_angstrom: f64,
    /// Mean residue weight (g/mol).
    pub residue_mw: f64,
    /// Exponent.
    pub exponent: f64,
    /// Source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Radius of a random coil: `radius_nm_at_1mda · (MW / 1e6)^exponent` nm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoilRadius {
    /// Hydrodynamic radius at 1 MDa (nm).
    pub radius_nm_at_1mda: f64,
    /// Exponent.
    pub exponent: f64,
    /// Source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Share cleared by lymph: `at_zero + per_kda · MW/1000`, at most 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LymphShare {
    /// Share at zero size.
    pub at_zero: f64,
    /// Increase per kDa.
    pub per_kda: f64,
    /// Source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Macromolecules: size, hindered diffusion and clearance by lymph and blood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MacromoleculeParams {
    /// Molecular weight above which an agent is a macromolecule (g/mol).
    pub threshold_mw_g_per_mol: Cited,
    /// Folded proteins.
    pub globular_radius: GlobularRadius,
    /// Random coils.
    pub coil_radius: CoilRadius,
    /// Tissue / free diffusivity in the viable epidermis.
    pub epidermis_hindrance: Cited,
    /// Tissue / free diffusivity in the dermis.
    pub dermis_hindrance: Cited,
    /// Removal from the dermis by lymph (1/h).
    pub lymph_clearance_per_h: Cited,
    /// Share of the removal that is by lymph.
    pub lymph_share: LymphShare,
}

/// Channel closure: half-life by occlusion, scaled by needle length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosureParams {
    /// Half-life without occlusion (h).
    pub nonoccluded_half_life_h: Cited,
    /// Half-life under occlusion (h).
    pub occluded_half_life_h: Cited,
    /// Needle length at which the half-lives hold (µm).
    pub reference_length_um: Cited,
    /// Exponent of the length scaling (dimensionless).
    pub length_exponent: Cited,
}

/// Stokes–Einstein diffusivity of a free solute in the channel fluid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StokesEinstein {
    /// Temperature (K).
    pub temperature_k: f64,
    /// Vehicle viscosity (Pa·s).
    pub viscosity_pa_s: f64,
    /// Solute density, for its molar volume (g/cm³).
    pub solute_density_g_per_cm3: f64,
    /// Source of the figures.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// The fluid path of an open channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelParams {
    /// Share of the channel section open through the stratum corneum.
    pub barrier_open_fraction: Cited,
    /// Diffusivity of a free solute in the vehicle.
    pub vehicle: StokesEinstein,
}

/// Dose defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoseParams {
    /// Thickness of a finite-dose film (µm); 100 µm is 10 µL/cm².
    pub film_thickness_um: Cited,
    /// Concentration of an infinite dose when none is given (mg/mL).
    pub default_infinite_mg_per_ml: Cited,
}

/// Every parameter of the delivery model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransportParams {
    /// Capillary permeability regression.
    pub potts_guy: PottsGuy,
    /// Stratum corneum.
    pub stratum_corneum: StratumCorneumParams,
    /// Viable epidermis and dermis.
    pub viable_tissue: ViableTissueParams,
    /// Clearance to blood.
    pub clearance: ClearanceParams,
    /// Evaporation from the film.
    pub evaporation: EvaporationParams,
    /// Excised skin.
    pub in_vitro: InVitroParams,
    /// Macromolecules.
    pub macromolecules: MacromoleculeParams,
    /// Channel closure.
    pub closure: ClosureParams,
    /// Channel fluid path.
    pub channel: ChannelParams,
    /// Dose defaults.
    pub dose: DoseParams,
}

/// Diffusivity and partition coefficient (layer / vehicle) of one layer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LayerProperties {
    /// Diffusivity (µm²/s).
    pub diffusivity_um2_per_s: f64,
    /// Partition coefficient, layer / vehicle (dimensionless).
    pub partition: f64,
    /// First-order loss to blood or lymph of the layer's total content, 1/s.
    pub clearance_per_s: f64,
}

/// Transport properties of every layer for one solute in one setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoluteProperties {
    /// Permeability of the stratum corneum alone at the model's reference thickness (cm/h; 0
    /// for macromolecules).
    pub stratum_corneum_kp_cm_per_h: f64,
    /// Fraction not bound to proteins in viable tissue.
    pub fraction_unbound: f64,
    /// Share of the agent un-ionised in the vehicle at the skin surface's pH.
    pub fraction_neutral_surface: f64,
    /// Share un-ionised at the viable tissue's pH.
    pub fraction_neutral_tissue: f64,
    /// Hydrodynamic radius (nm).
    pub radius_nm: f64,
    /// Stratum corneum properties.
    pub stratum_corneum: LayerProperties,
    /// Viable epidermis properties.
    pub viable_epidermis: LayerProperties,
    /// Dermis properties (papillary and reticular).
    pub dermis: LayerProperties,
    /// Free diffusivity in the formulation filling an open channel (µm²/s).
    pub vehicle_diffusivity_um2_per_s: f64,
}

impl TransportParams {
    /// Channel closure half-life, hours: occlusion and needle length set it.
    pub fn closure_half_life_h(&self, occluded: bool, nominal_length_um: f64) -> f64 {
        let c = &self.closure;
        let base = if occluded {
            c.occluded_half_life_h.value
        } else {
            c.nonoccluded_half_life_h.value
        };
        base * (nominal_length_um / c.reference_length_um.value)
            .max(0.05)
            .powf(c.length_exponent.value)
    }
}
