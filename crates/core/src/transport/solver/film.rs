//! The finite-dose film on the surface: a well-mixed layer of vehicle that holds the agent up to
//! its solubility (the excess is a solid, or neat liquid, reservoir at the same activity) and
//! loses it to the air in proportion to its dissolved concentration.

/// Constants of the film, per unit cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Film {
    /// Film volume (µm³): the potential times this is the dissolved amount.
    pub(super) capacity: f64,
    /// Saturated concentration (µg/mL), `None` for no limit.
    pub(super) solubility: Option<f64>,
    /// Evaporation conductance (µm³/s): the flux to the air is this times the potential.
    pub(super) evaporation: f64,
}

impl Film {
    /// `concentration`, at most the saturated concentration.
    pub(super) fn saturated(self, concentration: f64) -> f64 {
        self.solubility
            .map_or(concentration, |s| concentration.min(s))
    }
}
