//! Insertion mechanics: whether a needle punctures, how far the skin deflects first, and how far
//! the needle then goes, from the force or speed that drives it (docs/penetration.md).
//!
//! Per needle, in SI units inside this module:
//!
//! ```text
//! s      = min(s_max, max(1, v / v_0)^n)       rate factor (impact only; 1 for roll and press)
//! F_p    = 2π · r_tip · G_c / s                puncture force: a crack opened round the tip
//! k      = E* · d                              skin stiffness under a needle of shaft diameter d
//! δ      = F_p / k · max(1, s_crowd / spacing) dimple at puncture (bed of nails below s_crowd)
//! f      = π · τ · d / s                       resistance per inserted length (shaft drag)
//! η      = min(η_max, 1 / (1 + π τ / (E* s)))  share of L − δ buried when the base meets the skin
//! z_hub  = η · (L − δ)
//! roll, press: F_n = F / needles in contact; punctures if F_n ≥ F_p;
//!              depth = min(z_hub, (F_n − F_p) / f)
//! impact:      punctures if v ≥ v_c = sqrt(F_p · δ / m) (kinetic energy ≥ dimple work);
//!              depth = z_hub (the motor drives the needle through its stroke)
//! ```
//!
//! A needle no longer than its dimple never touches the skin under load: no puncture either.

use std::f64::consts::PI;

use serde::Serialize;

use super::PenetrationParams;
use crate::device::{Device, InsertionMode};

const M_PER_UM: f64 = 1e-6;
const KG_PER_MG: f64 = 1e-6;
const PA_PER_MPA: f64 = 1e6;
/// Poisson's ratio of skin, taken as incompressible: `E* = E / (1 − ν²) = 4E/3`.
const POISSON: f64 = 0.5;

/// What stopped the needle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DepthLimit {
    /// The force per needle (or the speed) stayed below what puncture needs.
    BelowPuncture,
    /// The needle is no longer than the dimple the skin makes before it gives way.
    ShorterThanDimple,
    /// The force per needle ran out against the shaft's drag before the base met the skin.
    Force,
    /// The needle's base met the deflected skin: more force or speed buries no more.
    Hub,
}

/// The quantity that decides puncture: what the tip needs and what the device gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PierceThreshold {
    /// `force_per_needle_n` (roll, press) or `speed_m_per_s` (impact).
    pub quantity: &'static str,
    /// The puncture force or the critical speed.
    pub required: f64,
    /// The force per needle or the needle speed the setting gives.
    pub available: f64,
}

/// How the needles were driven and what the skin opposed, per needle.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Insertion {
    /// Roll, press or impact.
    pub mode: InsertionMode,
    /// Force applied to the device, N (roll and press).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_n: Option<f64>,
    /// Needles sharing that force at once (roll and press).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needles_in_contact: Option<f64>,
    /// Needle speed at the skin, m/s (impact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed_m_per_s: Option<f64>,
    /// Force one needle needs to puncture at this speed, N.
    pub puncture_force_n: f64,
    /// How much speed lowered the skin's resistance (1 when quasi-static).
    pub rate_factor: f64,
    /// Share of the length past the dimple buried when the base meets the skin.
    pub buried_fraction: f64,
    /// What decided puncture.
    pub threshold: PierceThreshold,
    /// What stopped the needle.
    pub limited_by: DepthLimit,
}

/// The mechanics' answer for one needle of a setting.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Inserted {
    pub insertion: Insertion,
    pub pierced: bool,
    pub dimple_um: f64,
    pub depth_um: f64,
}

/// The drive of one needle: force for roll and press, speed for impact.
enum Drive {
    Force { total_n: f64, needles: f64 },
    Speed { m_per_s: f64 },
}

impl PenetrationParams {
    fn effective_modulus_pa(&self) -> f64 {
        self.mechanics.modulus_mpa.value * PA_PER_MPA / (1.0 - POISSON * POISSON)
    }

    /// `π τ / E*`: shaft drag over skin stiffness, which sets the buried share.
    fn drag_over_stiffness(&self) -> f64 {
        PI * self.mechanics.shaft_friction_mpa.value * PA_PER_MPA / self.effective_modulus_pa()
    }

    /// The rate factor at which the buried share reaches `η_max`: speed gains no more past it.
    fn max_rate_factor(&self) -> f64 {
        let eta_max = self.mechanics.max_buried_fraction.value;
        let c = self.drag_over_stiffness();
        if eta_max >= 1.0 || c <= 0.0 {
            f64::INFINITY
        } else {
            (c / (1.0 / eta_max - 1.0)).max(1.0)
        }
    }

    /// How much faster insertion lowers the resistance (Olatunji 2013's fall of force with
    /// speed), 1 for quasi-static roll and press.
    fn rate_factor(&self, drive: &Drive) -> f64 {
        match drive {
            Drive::Force { .. } => 1.0,
            Drive::Speed { m_per_s } => {
                let m = &self.mechanics;
                let relative = (m_per_s / m.quasi_static_speed_m_per_s.value).max(1.0);
                relative
                    .powf(m.rate_exponent.value)
                    .min(self.max_rate_factor())
            }
        }
    }

    fn drive(&self, device: &Device) -> Drive {
        let mode = device.mode();
        match self.insertion.force_n(mode) {
            Some(default_n) => Drive::Force {
                total_n: device.force_n.unwrap_or(default_n),
                needles: self.needles_in_contact(device, mode),
            },
            None => Drive::Speed {
                m_per_s: device
                    .speed_m_per_s
                    .unwrap_or(self.insertion.impact_speed_m_per_s.value),
            },
        }
    }

    /// Needles that share the hand's force: a roller rests on the rows within its contact arc,
    /// a stamp (or any pressed head) on all of them.
    pub fn needles_in_contact(&self, device: &Device, mode: InsertionMode) -> f64 {
        let all = f64::from(device.needle_count);
        match (&device.roller, mode) {
            (Some(drum), InsertionMode::Roll) => {
                let arc_mm = self.mechanics.roller_contact_arc_mm.value;
                let share = (arc_mm / (PI * drum.drum_diameter_mm)).min(1.0);
                (all * share).max(1.0)
            }
            _ => all,
        }
    }

    /// Whether and how deep one needle of `device`, `length_um` long, enters.
    pub(super) fn insert(&self, device: &Device, length_um: f64) -> Inserted {
        let m = &self.mechanics;
        let drive = self.drive(device);
        let s = self.rate_factor(&drive);
        let length_m = length_um * M_PER_UM;
        let shaft_m = device.needle_diameter_um * M_PER_UM;
        let puncture_n =
            2.0 * PI * device.tip_radius_um * M_PER_UM * m.toughness_j_per_m2.value / s;
        let crowding = (m.crowding_spacing_um.value / device.needle_spacing_um()).max(1.0);
        let dimple_m = puncture_n / (self.effective_modulus_pa() * shaft_m) * crowding;
        let drag_n_per_m = PI * m.shaft_friction_mpa.value * PA_PER_MPA * shaft_m / s;
        let buried =
            (1.0 / (1.0 + self.drag_over_stiffness() / s)).min(m.max_buried_fraction.value);
        let hub_m = buried * (length_m - dimple_m).max(0.0);

        let (threshold, force_limit_m) = match drive {
            Drive::Force { total_n, needles } => {
                let per_needle_n = total_n / needles;
                let reach_m = if drag_n_per_m > 0.0 {
                    (per_needle_n - puncture_n) / drag_n_per_m
                } else {
                    f64::INFINITY
                };
                (
                    threshold("force_per_needle_n", puncture_n, per_needle_n),
                    reach_m,
                )
            }
            Drive::Speed { m_per_s } => {
                let mass_kg = m.impact_mass_per_needle_mg.value * KG_PER_MG;
                let critical = (puncture_n * dimple_m / mass_kg).sqrt();
                (threshold("speed_m_per_s", critical, m_per_s), f64::INFINITY)
            }
        };
        let limited_by = if threshold.available < threshold.required {
            DepthLimit::BelowPuncture
        } else if length_m <= dimple_m {
            DepthLimit::ShorterThanDimple
        } else if force_limit_m < hub_m {
            DepthLimit::Force
        } else {
            DepthLimit::Hub
        };
        let depth_m = match limited_by {
            DepthLimit::BelowPuncture | DepthLimit::ShorterThanDimple => 0.0,
            DepthLimit::Force => force_limit_m,
            DepthLimit::Hub => hub_m,
        };
        let (force_n, needles_in_contact, speed_m_per_s) = match drive {
            Drive::Force { total_n, needles } => (Some(total_n), Some(needles), None),
            Drive::Speed { m_per_s } => (None, None, Some(m_per_s)),
        };
        Inserted {
            insertion: Insertion {
                mode: device.mode(),
                force_n,
                needles_in_contact,
                speed_m_per_s,
                puncture_force_n: puncture_n,
                rate_factor: s,
                buried_fraction: buried,
                threshold,
                limited_by,
            },
            pierced: depth_m > 0.0,
            dimple_um: dimple_m / M_PER_UM,
            depth_um: depth_m / M_PER_UM,
        }
    }
}

fn threshold(quantity: &'static str, required: f64, available: f64) -> PierceThreshold {
    PierceThreshold {
        quantity,
        required,
        available,
    }
}
