//! Transport parameters from `data/transport.toml`, and the published relations that turn an
//! agent's properties (MW, log Kow) into layer diffusivities, partition coefficients and
//! clearance.

use serde::{Deserialize, Serialize};

use crate::error::{InputError, check_range};
use crate::provenance::{Cited, Provenance};

/// Potts–Guy permeability: `log10 kp (cm/h) = intercept + slope · log Kow − mw_slope · MW`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PottsGuy {
    /// Intercept of `log10 kp`.
    pub intercept: f64,
    /// Slope on `log Kow`.
    pub log_kow_slope: f64,
    /// Slope on MW (per g/mol).
    pub mw_slope: f64,
    /// Largest `log Kow` the regression is used at; higher values are capped.
    pub max_log_kow: Cited,
    /// Source of the regression.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Stratum corneum partition (Kasting): `K = a · Kow^α + b + c · Kow^γ`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StratumCorneumParams {
    /// Coefficient `a`.
    pub partition_a: f64,
    /// Exponent `α`.
    pub partition_exponent_a: f64,
    /// Constant `b`.
    pub partition_b: f64,
    /// Coefficient `c`.
    pub partition_c: f64,
    /// Exponent `γ`.
    pub partition_exponent_c: f64,
    /// Stratum corneum thickness at which kp was measured (µm), to turn kp into a diffusivity.
    pub reference_thickness_um: Cited,
    /// Source of the relation.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Binding to proteins: unbound fraction `fu = 1 / (1 + scale · Kow^exponent)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Binding {
    /// Scale of the binding term.
    pub scale: f64,
    /// Exponent on Kow.
    pub exponent: f64,
    /// Source of the relation.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Viable epidermis and dermis: free diffusivity, water content and binding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViableTissueParams {
    /// Intercept of `log10 D_free (cm²/s)` against `log10 MW`.
    pub free_intercept: f64,
    /// Slope of `log10 D_free` on `log10 MW`.
    pub free_slope: f64,
    /// Diffusivity of albumin, with which bound drug moves (cm²/s).
    pub albumin_diffusivity_cm2_per_s: f64,
    /// Water volume fraction of viable tissue.
    pub water_fraction: Cited,
    /// Protein binding.
    pub binding: Binding,
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
    /// Capillary permeability as a multiple of kp (dimensionless).
    pub capillary_permeability_factor: f64,
    /// Source of the figures.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Macromolecules: channel-only transport with fixed diffusivities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MacromoleculeParams {
    /// Molecular weight above which an agent is a macromolecule (g/mol).
    pub threshold_mw_g_per_mol: Cited,
    /// Diffusivity in the viable epidermis (µm²/s).
    pub epidermis_um2_per_s: Cited,
    /// Diffusivity in the dermis (µm²/s).
    pub dermis_um2_per_s: Cited,
    /// Diffusivity in the vehicle (µm²/s).
    pub vehicle_um2_per_s: Cited,
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
    /// Stratum corneum permeability.
    pub potts_guy: PottsGuy,
    /// Stratum corneum partition.
    pub stratum_corneum: StratumCorneumParams,
    /// Viable epidermis and dermis.
    pub viable_tissue: ViableTissueParams,
    /// Clearance to blood.
    pub clearance: ClearanceParams,
    /// Macromolecule diffusivities.
    pub macromolecules: MacromoleculeParams,
    /// Channel closure.
    pub closure: ClosureParams,
    /// Channel fluid path.
    pub channel: ChannelParams,
    /// Dose defaults.
    pub dose: DoseParams,
}

/// What transport needs to know of an agent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Solute {
    /// Molecular weight (g/mol).
    pub mw_g_per_mol: f64,
    /// Octanol/water partition coefficient, log10.
    pub log_kow: f64,
}

impl Solute {
    /// A solute of `mw_g_per_mol` (30 to 5e6) and `log_kow` (−8 to 10), checked.
    pub fn new(mw_g_per_mol: f64, log_kow: f64) -> Result<Self, InputError> {
        Ok(Self {
            mw_g_per_mol: check_range("agent.mw_g_per_mol", mw_g_per_mol, 30.0, 5e6, "g/mol")?,
            log_kow: check_range("agent.log_kow", log_kow, -8.0, 10.0, "")?,
        })
    }
}

/// Diffusivity and partition coefficient (layer / water) of one layer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LayerProperties {
    /// Diffusivity (µm²/s).
    pub diffusivity_um2_per_s: f64,
    /// Partition coefficient, layer / water (dimensionless).
    pub partition: f64,
    /// First-order loss to blood of the layer's total content, 1/s.
    pub clearance_per_s: f64,
}

/// Transport properties of every layer for one solute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoluteProperties {
    /// Potts–Guy permeability coefficient, cm/h (0 for macromolecules).
    pub kp_cm_per_h: f64,
    /// Fraction not bound to proteins in viable tissue.
    pub fraction_unbound: f64,
    /// Stratum corneum properties.
    pub stratum_corneum: LayerProperties,
    /// Viable epidermis properties.
    pub viable_epidermis: LayerProperties,
    /// Dermis properties (papillary and reticular).
    pub dermis: LayerProperties,
    /// Free diffusivity in the formulation filling an open channel.
    pub vehicle_diffusivity_um2_per_s: f64,
}

const CM2_PER_S_IN_UM2_PER_S: f64 = 1e8;
/// Smallest diffusivity used, µm²/s: keeps an impermeable layer's conductance finite.
pub const MIN_DIFFUSIVITY_UM2_PER_S: f64 = 1e-12;

impl TransportParams {
    /// Potts–Guy permeability coefficient (cm/h), with `log Kow` capped.
    pub fn kp_cm_per_h(&self, solute: Solute) -> f64 {
        let pg = &self.potts_guy;
        let log_kow = solute.log_kow.min(pg.max_log_kow.value);
        10f64.powf(pg.intercept + pg.log_kow_slope * log_kow - pg.mw_slope * solute.mw_g_per_mol)
    }

    /// Whether `solute` is above the macromolecule threshold (channel-only transport).
    pub fn is_macromolecule(&self, solute: Solute) -> bool {
        solute.mw_g_per_mol > self.macromolecules.threshold_mw_g_per_mol.value
    }

    /// Layer properties for `solute` (Kasting/Dancik relations, docs/transport.md).
    pub fn solute_properties(&self, solute: Solute) -> SoluteProperties {
        let kow = 10f64.powf(solute.log_kow);
        let sc = &self.stratum_corneum;
        let vt = &self.viable_tissue;
        let fu = 1.0 / (1.0 + vt.binding.scale * kow.powf(vt.binding.exponent));
        let k_viable = vt.water_fraction.value / fu;
        let clearance = &self.clearance;
        if self.is_macromolecule(solute) {
            let m = &self.macromolecules;
            // Channel-only transport: the intact stratum corneum is a closed door.
            let layer = |d: f64, k: f64| LayerProperties {
                diffusivity_um2_per_s: d,
                partition: k,
                clearance_per_s: 0.0,
            };
            return SoluteProperties {
                kp_cm_per_h: 0.0,
                fraction_unbound: 1.0,
                stratum_corneum: layer(MIN_DIFFUSIVITY_UM2_PER_S, 1.0),
                viable_epidermis: layer(m.epidermis_um2_per_s.value, vt.water_fraction.value),
                dermis: layer(m.dermis_um2_per_s.value, vt.water_fraction.value),
                vehicle_diffusivity_um2_per_s: m.vehicle_um2_per_s.value,
            };
        }
        let kp_cm_per_h = self.kp_cm_per_h(solute);
        let k_sc = sc.partition_a * kow.powf(sc.partition_exponent_a)
            + sc.partition_b
            + sc.partition_c * kow.powf(sc.partition_exponent_c);
        let h_sc_cm = sc.reference_thickness_um.value * 1e-4;
        let d_sc_cm2_s = kp_cm_per_h / 3600.0 * h_sc_cm / k_sc;
        let d_free_cm2_s =
            10f64.powf(vt.free_intercept + vt.free_slope * solute.mw_g_per_mol.log10());
        // Bound drug moves with albumin.
        let d_viable_cm2_s = fu * d_free_cm2_s + (1.0 - fu) * vt.albumin_diffusivity_cm2_per_s;
        let capillary_per_s = clearance.capillary_permeability_factor * kp_cm_per_h / 3600.0
            * clearance.capillary_surface_per_cm;
        let k_clear = 1.0 / (1.0 / capillary_per_s + 1.0 / clearance.blood_flow_per_s);
        let um2 = |d: f64| (d * CM2_PER_S_IN_UM2_PER_S).max(MIN_DIFFUSIVITY_UM2_PER_S);
        SoluteProperties {
            kp_cm_per_h,
            fraction_unbound: fu,
            stratum_corneum: LayerProperties {
                diffusivity_um2_per_s: um2(d_sc_cm2_s),
                partition: k_sc,
                clearance_per_s: 0.0,
            },
            viable_epidermis: LayerProperties {
                diffusivity_um2_per_s: um2(d_viable_cm2_s),
                partition: k_viable,
                clearance_per_s: 0.0,
            },
            // Only unbound drug crosses the capillary wall.
            dermis: LayerProperties {
                diffusivity_um2_per_s: um2(d_viable_cm2_s),
                partition: k_viable,
                clearance_per_s: k_clear * fu,
            },
            vehicle_diffusivity_um2_per_s: self.vehicle_diffusivity_um2_per_s(solute),
        }
    }

    /// D = k T / (6 π η r), with r the radius of a sphere of the solute's molar volume.
    pub fn vehicle_diffusivity_um2_per_s(&self, solute: Solute) -> f64 {
        const BOLTZMANN: f64 = 1.380_649e-23;
        const AVOGADRO: f64 = 6.022_140_76e23;
        let v = &self.channel.vehicle;
        let volume_m3 = solute.mw_g_per_mol / (v.solute_density_g_per_cm3 * AVOGADRO) * 1e-6;
        let radius_m = (3.0 * volume_m3 / (4.0 * std::f64::consts::PI)).cbrt();
        BOLTZMANN * v.temperature_k / (6.0 * std::f64::consts::PI * v.viscosity_pa_s * radius_m)
            * 1e12
    }

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
