//! Transport parameters from `data/transport.toml`, and the published relations that turn an
//! agent's properties (MW, log Kow) into layer diffusivities, partition coefficients and
//! clearance.

use serde::{Deserialize, Serialize};

use crate::error::{InputError, check_range};
use crate::provenance::{Cited, Provenance};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PottsGuy {
    pub intercept: f64,
    pub log_kow_slope: f64,
    pub mw_slope: f64,
    pub max_log_kow: Cited,
    #[serde(flatten)]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StratumCorneumParams {
    pub partition_a: f64,
    pub partition_exponent_a: f64,
    pub partition_b: f64,
    pub partition_c: f64,
    pub partition_exponent_c: f64,
    pub reference_thickness_um: Cited,
    #[serde(flatten)]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    pub scale: f64,
    pub exponent: f64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViableTissueParams {
    pub free_intercept: f64,
    pub free_slope: f64,
    pub albumin_diffusivity_cm2_per_s: f64,
    pub water_fraction: Cited,
    pub binding: Binding,
    #[serde(flatten)]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClearanceParams {
    pub blood_flow_per_s: f64,
    pub capillary_surface_per_cm: f64,
    pub capillary_permeability_factor: f64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MacromoleculeParams {
    pub threshold_mw_g_per_mol: Cited,
    pub epidermis_um2_per_s: Cited,
    pub dermis_um2_per_s: Cited,
    pub vehicle_um2_per_s: Cited,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosureParams {
    pub nonoccluded_half_life_h: Cited,
    pub occluded_half_life_h: Cited,
    pub reference_length_um: Cited,
    pub length_exponent: Cited,
}

/// Stokes–Einstein diffusivity of a free solute in the channel fluid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StokesEinstein {
    pub temperature_k: f64,
    pub viscosity_pa_s: f64,
    pub solute_density_g_per_cm3: f64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelParams {
    pub barrier_open_fraction: Cited,
    pub vehicle: StokesEinstein,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoseParams {
    pub film_thickness_um: Cited,
    pub default_infinite_mg_per_ml: Cited,
}

/// Every parameter of the delivery model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransportParams {
    pub potts_guy: PottsGuy,
    pub stratum_corneum: StratumCorneumParams,
    pub viable_tissue: ViableTissueParams,
    pub clearance: ClearanceParams,
    pub macromolecules: MacromoleculeParams,
    pub closure: ClosureParams,
    pub channel: ChannelParams,
    pub dose: DoseParams,
}

/// What transport needs to know of an agent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Solute {
    pub mw_g_per_mol: f64,
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
pub struct LayerProperties {
    pub diffusivity_um2_per_s: f64,
    pub partition: f64,
    /// First-order loss to blood of the layer's total content, 1/s.
    pub clearance_per_s: f64,
}

/// Transport properties of every layer for one solute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SoluteProperties {
    /// Potts–Guy permeability coefficient, cm/h (0 for macromolecules).
    pub kp_cm_per_h: f64,
    pub fraction_unbound: f64,
    pub stratum_corneum: LayerProperties,
    pub viable_epidermis: LayerProperties,
    pub dermis: LayerProperties,
    /// Free diffusivity in the formulation filling an open channel.
    pub vehicle_diffusivity_um2_per_s: f64,
}

const CM2_PER_S_IN_UM2_PER_S: f64 = 1e8;
/// Smallest diffusivity used, µm²/s: keeps an impermeable layer's conductance finite.
pub const MIN_DIFFUSIVITY_UM2_PER_S: f64 = 1e-12;

impl TransportParams {
    pub fn kp_cm_per_h(&self, solute: Solute) -> f64 {
        let pg = &self.potts_guy;
        let log_kow = solute.log_kow.min(pg.max_log_kow.value);
        10f64.powf(pg.intercept + pg.log_kow_slope * log_kow - pg.mw_slope * solute.mw_g_per_mol)
    }

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
