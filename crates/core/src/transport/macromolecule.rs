//! Large molecules by size: the hydrodynamic radius from the weight and shape, the free
//! diffusivity by Stokes–Einstein, hindered diffusion in the viable epidermis and dermis, and
//! removal from the dermis by lymph and, for the smaller ones, by blood capillaries.
//!
//! ```text
//! R_h = 4.75 Å · (MW/110)^0.29             folded protein (Wilkins 1999)
//! R_h = 60 nm · (MW/1 MDa)^0.6             random coil, e.g. hyaluronic acid (Mendichi 2003)
//! D_0 = k T / (6 π η R_h),  D_layer = h_layer · D_0
//! k_dermis = k_lymph / share_lymph(MW),    share_lymph = min(1, 0.042 + 0.029 · MW/kDa)
//! ```
//!
//! The intact stratum corneum is closed to them: they enter through the channels only.

use super::intact::{MIN_DIFFUSIVITY_UM2_PER_S, Preparation};
use super::params::{LayerProperties, SoluteProperties, TransportParams};
use super::solute::{MolecularShape, Solute};

impl TransportParams {
    /// Whether `solute` is above the macromolecule threshold (channel-only transport).
    pub fn is_macromolecule(&self, solute: &Solute) -> bool {
        solute.mw_g_per_mol > self.macromolecules.threshold_mw_g_per_mol.value
    }

    /// Hydrodynamic radius of a large molecule (nm).
    pub fn hydrodynamic_radius_nm(&self, solute: &Solute) -> f64 {
        let m = &self.macromolecules;
        match solute.shape {
            MolecularShape::Globular => {
                let g = &m.globular_radius;
                g.scale_angstrom * (solute.mw_g_per_mol / g.residue_mw).powf(g.exponent) / 10.0
            }
            MolecularShape::RandomCoil => {
                let c = &m.coil_radius;
                c.radius_nm_at_1mda * (solute.mw_g_per_mol / 1e6).powf(c.exponent)
            }
        }
    }

    /// Stokes–Einstein diffusivity of a sphere of `radius_nm` in the vehicle (µm²/s).
    pub fn stokes_einstein_um2_per_s(&self, radius_nm: f64) -> f64 {
        const BOLTZMANN: f64 = 1.380_649e-23;
        let v = &self.channel.vehicle;
        BOLTZMANN * v.temperature_k
            / (6.0 * std::f64::consts::PI * v.viscosity_pa_s * radius_nm * 1e-9)
            * 1e12
    }

    /// Share of a large molecule's removal from the dermis that goes by lymph.
    pub fn lymph_share(&self, solute: &Solute) -> f64 {
        let l = &self.macromolecules.lymph_share;
        (l.at_zero + l.per_kda * solute.mw_g_per_mol / 1000.0).clamp(l.at_zero, 1.0)
    }

    /// Layer properties of a large molecule: channel-only entry, hindered diffusion, and
    /// removal by lymph and blood in vivo.
    pub(super) fn large_molecule(
        &self,
        solute: &Solute,
        preparation: Preparation,
    ) -> SoluteProperties {
        let m = &self.macromolecules;
        let radius_nm = self.hydrodynamic_radius_nm(solute);
        let free = self.stokes_einstein_um2_per_s(radius_nm);
        let water = self.viable_tissue.free_partition;
        let clearance_per_s = match preparation {
            Preparation::InVivo => {
                m.lymph_clearance_per_h.value / 3600.0 / self.lymph_share(solute)
            }
            Preparation::InVitro => 0.0,
        };
        let layer = |d: f64, k: f64, clearance_per_s: f64| LayerProperties {
            diffusivity_um2_per_s: d.max(MIN_DIFFUSIVITY_UM2_PER_S),
            partition: k,
            clearance_per_s,
        };
        SoluteProperties {
            stratum_corneum_kp_cm_per_h: 0.0,
            fraction_unbound: 1.0,
            fraction_neutral_surface: solute.neutral_fraction(super::solute::SURFACE_PH),
            fraction_neutral_tissue: solute.neutral_fraction(super::solute::TISSUE_PH),
            radius_nm,
            stratum_corneum: layer(MIN_DIFFUSIVITY_UM2_PER_S, 1.0, 0.0),
            viable_epidermis: layer(m.epidermis_hindrance.value * free, water, 0.0),
            dermis: layer(m.dermis_hindrance.value * free, water, clearance_per_s),
            vehicle_diffusivity_um2_per_s: free,
        }
    }

    /// Layer properties of `solute` in `hydration` and `preparation`.
    pub fn solute_properties(
        &self,
        solute: &Solute,
        hydration: super::intact::Hydration,
        preparation: Preparation,
    ) -> SoluteProperties {
        if self.is_macromolecule(solute) {
            self.large_molecule(solute, preparation)
        } else {
            self.small_molecule(solute, hydration, preparation)
        }
    }
}
