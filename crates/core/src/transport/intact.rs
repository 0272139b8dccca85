//! The Kasting/Nitsche/Dancik model of intact skin, as the NIOSH finite-dose skin permeation
//! calculator implements it (Dancik et al. 2013; docs/transport.md has every equation).
//!
//! **Stratum corneum.** Lipid partition `K_lip = 0.43 Kow^0.81`, lateral lipid diffusivity
//! `D_lip = 1.24e-7 (100/MW)^2.43 + 2.34e-9` cm²/s and transbilayer rate
//! `log10 k_trans = −0.725 − 0.792 MW^(1/3)` cm/s (both ÷3 when partially hydrated); the
//! corneocytes hold keratin fibres that exclude and hinder the solute (radius from its molar
//! volume). Two ratios, `σ = K_lip D_lip / (K_cor D_cor)` and `r = k_trans / (c D_lip)`, place
//! the solute on the model's fitted permeability map `P(σ, r)`, and
//! `kp_sc = P K_lip D_lip / h_sc`. With `K_sc/w = a Kow^0.81 + b + c Kow^0.27`, the homogeneous
//! layer the solver uses has `D_sc = h_sc kp_sc / K_sc/w`.
//!
//! **Viable epidermis and dermis.** Binding `B = 1 − f_alb + f_alb/fu + f_lip f_non Kow`,
//! `D = (D_free + f_alb D_alb (1 − fu)/fu) / B`, `K = 0.6 B / f_non(7.4)`; in vivo the dermis
//! clears to blood at `k = [1/(P_cap S) + 1/Q]⁻¹ / B` with `P_cap = 100 kp(Potts–Guy)`.
//!
//! **Ionisation.** Partitions are referred to the un-ionised aqueous concentration, and only
//! the un-ionised share of the vehicle at the skin's surface pH drives uptake: every partition
//! relative to the vehicle is multiplied by `f_non(5.0)`.

use serde::{Deserialize, Serialize};

use super::params::{HydrationState, LayerProperties, SoluteProperties, TransportParams};
use super::solute::{GroupKind, SURFACE_PH, Solute, TISSUE_PH};

/// Hydration of the stratum corneum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Hydration {
    /// Ambient skin (the usual in-vivo state).
    #[default]
    Partial,
    /// Soaked or occluded skin: swollen, more permeable to hydrophiles.
    Full,
}

/// Living skin or excised skin in a diffusion cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Preparation {
    /// A person: blood clears the dermis; channels heal.
    #[default]
    InVivo,
    /// Excised skin on a receptor sink: no blood; channels only contract.
    InVitro,
}

/// Smallest diffusivity used, µm²/s: keeps an impermeable layer's conductance finite.
pub const MIN_DIFFUSIVITY_UM2_PER_S: f64 = 1e-12;
const UM2_PER_CM2: f64 = 1e8;

/// Microscopic quantities of the stratum corneum for one solute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StratumCorneum {
    /// Lipid/water partition.
    pub lipid_partition: f64,
    /// Lateral lipid diffusivity (cm²/s).
    pub lipid_diffusivity_cm2_per_s: f64,
    /// Corneocyte diffusivity (cm²/s).
    pub corneocyte_diffusivity_cm2_per_s: f64,
    /// Solute radius (Å).
    pub radius_angstrom: f64,
    /// log10 σ.
    pub log_sigma: f64,
    /// log10 r.
    pub log_r: f64,
    /// Whole-tissue partition `K_sc/w`.
    pub partition: f64,
    /// Permeability of the model's reference layer (cm/s).
    pub kp_cm_per_s: f64,
    /// Homogeneous diffusivity `h kp / K` (cm²/s).
    pub diffusivity_cm2_per_s: f64,
}

impl TransportParams {
    fn hydration_state(&self, hydration: Hydration) -> &HydrationState {
        match hydration {
            Hydration::Partial => &self.stratum_corneum.partial,
            Hydration::Full => &self.stratum_corneum.full,
        }
    }

    /// Free aqueous diffusivity (cm²/s) and radius (Å) from the molar volume (cm³/mol).
    pub fn aqueous(&self, molar_volume_cm3_per_mol: f64) -> (f64, f64) {
        let sc = &self.stratum_corneum;
        let va = molar_volume_cm3_per_mol;
        if va < sc.aqueous_break_cm3_per_mol {
            (
                sc.aqueous_small_scale_cm2_per_s * va.powf(-0.6),
                0.145 * va.powf(0.6),
            )
        } else {
            (
                sc.aqueous_large_scale_cm2_per_s * va.cbrt().recip(),
                0.735 * va.cbrt(),
            )
        }
    }

    /// The solute's molar volume, its own or estimated from its MW (cm³/mol).
    pub fn molar_volume(&self, solute: &Solute) -> f64 {
        solute
            .molar_volume_cm3_per_mol
            .unwrap_or(self.stratum_corneum.molar_volume_per_mw.value * solute.mw_g_per_mol)
    }

    /// The stratum corneum of the brick-and-mortar model for `solute`.
    pub fn stratum_corneum(&self, solute: &Solute, hydration: Hydration) -> StratumCorneum {
        let sc = &self.stratum_corneum;
        let state = self.hydration_state(hydration);
        let mw = solute.mw_g_per_mol;
        let kow = 10f64.powf(solute.log_kow);
        let lipid_partition = sc.lipid_partition_scale * kow.powf(sc.lipid_partition_exponent);
        let lipid_diffusivity = (sc.lipid_diffusivity_scale_cm2_per_s
            * (sc.lipid_reference_mw / mw).powf(sc.lipid_diffusivity_exponent)
            + sc.lipid_diffusivity_floor_cm2_per_s)
            / state.lateral_hindrance;
        let transbilayer = 10f64
            .powf(sc.transbilayer_intercept + sc.transbilayer_slope * mw.cbrt())
            / state.lateral_hindrance;
        let (aqueous, radius_angstrom) = self.aqueous(self.molar_volume(solute));
        let lambda = radius_angstrom / sc.keratin_fibre_radius_angstrom;
        // Fibres exclude the solute from part of the corneocyte and hinder it in the rest; a
        // solute too large for the gaps is taken as excluded almost entirely.
        let corneocyte_partition = (1.0 - state.fibre_fraction * (1.0 + lambda).powi(2)).max(1e-6);
        let [c0, c1, c2, c3] = state.corneocyte_hindrance;
        let hindrance = (c0 + lambda * (c1 + lambda * (c2 + lambda * c3))).max(1e-6);
        let corneocyte_diffusivity = aqueous * corneocyte_partition * hindrance;
        let sigma =
            lipid_partition * lipid_diffusivity / (corneocyte_partition * corneocyte_diffusivity);
        let r = transbilayer / (state.cell_constant_per_cm * lipid_diffusivity);
        let (log_sigma, log_r) = (sigma.log10(), r.log10());
        let reduced = reduced_permeability(state, sigma, r);
        let h_cm = state.thickness_um.value * 1e-4;
        let kp_cm_per_s = reduced * lipid_partition * lipid_diffusivity / h_cm;
        let [a, b, c] = state.partition;
        let partition = a * kow.powf(0.81) + b + c * kow.powf(0.27);
        StratumCorneum {
            lipid_partition,
            lipid_diffusivity_cm2_per_s: lipid_diffusivity,
            corneocyte_diffusivity_cm2_per_s: corneocyte_diffusivity,
            radius_angstrom,
            log_sigma,
            log_r,
            partition,
            kp_cm_per_s,
            diffusivity_cm2_per_s: h_cm * kp_cm_per_s / partition,
        }
    }

    /// Fraction unbound in viable tissue, by the calculator's two relations (acids and
    /// zwitterions; neutral agents and bases).
    pub fn fraction_unbound(&self, solute: &Solute) -> f64 {
        let vt = &self.viable_tissue;
        let has_acid = solute.groups().any(|g| g.kind == GroupKind::Acid);
        // The calculator takes e to the power of a base-10 logarithm; kept as coded.
        let ratio = if has_acid {
            vt.binding_acid[0] * solute.log_kow.exp() + vt.binding_acid[1]
        } else {
            let log_d = solute.log_kow + solute.neutral_fraction(TISSUE_PH).log10();
            vt.binding_neutral[0] * log_d.exp() + vt.binding_neutral[1]
        };
        (1.0 / (1.0 + ratio)).max(vt.min_fraction_unbound)
    }

    /// Layer properties of a small molecule in `hydration` and `preparation`, partitions
    /// relative to the vehicle.
    pub(super) fn small_molecule(
        &self,
        solute: &Solute,
        hydration: Hydration,
        preparation: Preparation,
    ) -> SoluteProperties {
        let sc = self.stratum_corneum(solute, hydration);
        let vt = &self.viable_tissue;
        let kow = 10f64.powf(solute.log_kow);
        let f_surface = solute.neutral_fraction(SURFACE_PH);
        let f_tissue = solute.neutral_fraction(TISSUE_PH);
        let fu = self.fraction_unbound(solute);
        let binding =
            1.0 - vt.albumin_term + vt.albumin_term / fu + vt.lipid_fraction * f_tissue * kow;
        let free = 10f64.powf(vt.free_intercept + vt.free_slope * solute.mw_g_per_mol.log10());
        let viable_cm2_per_s =
            (free + vt.albumin_term * vt.albumin_diffusivity_cm2_per_s * (1.0 - fu) / fu) / binding;
        let viable_partition = vt.free_partition * binding / f_tissue * f_surface;
        let clearance_per_s = match preparation {
            Preparation::InVivo => self.blood_clearance_per_s(solute) / binding,
            Preparation::InVitro => 0.0,
        };
        let um2 = |d: f64| (d * UM2_PER_CM2).max(MIN_DIFFUSIVITY_UM2_PER_S);
        let viable = |clearance_per_s: f64| LayerProperties {
            diffusivity_um2_per_s: um2(viable_cm2_per_s),
            partition: viable_partition,
            clearance_per_s,
        };
        let (aqueous_cm2_per_s, _) = self.aqueous(self.molar_volume(solute));
        SoluteProperties {
            stratum_corneum_kp_cm_per_h: sc.kp_cm_per_s * 3600.0,
            fraction_unbound: fu,
            fraction_neutral_surface: f_surface,
            fraction_neutral_tissue: f_tissue,
            radius_nm: sc.radius_angstrom / 10.0,
            stratum_corneum: LayerProperties {
                diffusivity_um2_per_s: um2(sc.diffusivity_cm2_per_s),
                partition: sc.partition * f_surface,
                clearance_per_s: 0.0,
            },
            viable_epidermis: viable(0.0),
            dermis: viable(clearance_per_s),
            vehicle_diffusivity_um2_per_s: um2(aqueous_cm2_per_s),
        }
    }

    /// Capillary permeability (100 × Potts–Guy) in series with blood flow, 1/s, before binding.
    fn blood_clearance_per_s(&self, solute: &Solute) -> f64 {
        let pg = &self.potts_guy;
        let kp_cm_per_h = 10f64.powf(
            pg.intercept + pg.log_kow_slope * solute.log_kow - pg.mw_slope * solute.mw_g_per_mol,
        );
        let c = &self.clearance;
        let capillary_per_s =
            c.capillary_permeability_factor * kp_cm_per_h / 3600.0 * c.capillary_surface_per_cm;
        1.0 / (1.0 / capillary_per_s + 1.0 / c.blood_flow_per_s)
    }
}

/// `P(σ, r)`: the model's fitted reduced permeability, by region of (log σ, log r).
fn reduced_permeability(state: &HydrationState, sigma: f64, r: f64) -> f64 {
    let (ls, lr) = (sigma.log10(), r.log10());
    let poly = |c: &[f64; 25]| -> f64 {
        let mut sum = 0.0;
        for i in 0..5 {
            for j in 0..5 {
                sum += c[5 * i + j] * ls.powi(i as i32) * lr.powi(j as i32);
            }
        }
        10f64.powf(sum)
    };
    let mid_sigma = (-3.5..=1.5).contains(&ls);
    let high_sigma = ls > 1.5 && ls < 4.5;
    let mid_r = lr > 1.0 && lr < 4.5;
    if mid_sigma && mid_r {
        poly(&state.main_polynomial)
    } else if high_sigma && mid_r {
        poly(&state.hole_polynomial)
    } else if ls >= 4.5 && lr >= 4.5 {
        state.high_plateau
    } else if lr < -0.5 {
        state.linear_r * r
    } else if (-0.5..=1.0).contains(&lr) || (mid_r && ls >= 4.5) {
        let [k0, k1, k2, k3, k4] = state.low_r_polynomial;
        10f64.powf(k0 + lr * (k1 + lr * (k2 + lr * (k3 + lr * k4))))
    } else if ls < -3.5 && lr > 2.7 && lr < 4.5 {
        let [a, b] = state.lipid_limit;
        1.0 / (a * sigma + b / r)
    } else {
        poly(&state.main_polynomial)
    }
}
