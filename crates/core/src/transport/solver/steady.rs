//! Steady state and lag time of a unit cell under an infinite dose, with the channel held open:
//! the permeability a Franz-cell experiment reads from the linear part of its cumulative curve.
//!
//! With `C du/dt = −A u + b` (capacities `C`, the symmetric conductance-and-loss matrix `A`, the
//! donor's drive `b`) the steady state is `A u* = b` and the output flux is `J = gᵀ u*`, where
//! `g` holds the loss rates to blood and the conductances to the sink below. The cumulative output
//! tends to `J (t − τ)`, and integrating `u* − u(t)` from 0 to ∞ gives the lag time exactly (for
//! the discretized system):
//!
//! ```text
//! τ = φᵀ C u* / J,      A φ = g
//! ```
//!
//! For one homogeneous membrane this is Crank's `h² / (6 D)`.

use super::grid::ChannelSpec;
use super::stepping::BACKWARD_EULER;
use super::{BandMatrix, DoseSpec, Setup, UnitCell};

/// Steady permeation of a unit cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteadyState {
    /// Steady flux per unit of vehicle concentration, µm/s (the permeability coefficient).
    pub permeability_um_per_s: f64,
    /// Time-axis intercept of the steady cumulative line (s); `None` when nothing permeates.
    pub lag_time_s: Option<f64>,
}

/// Permeability below this (µm/s, about 4e-13 cm/h) counts as none.
const NEGLIGIBLE_UM_PER_S: f64 = 1e-12;

/// The steady state of `cell` with a unit infinite dose and its channel (if any) held open.
pub fn steady_state(cell: &UnitCell) -> Option<SteadyState> {
    let open = UnitCell {
        dose: DoseSpec::Infinite {
            concentration_ug_per_ml: 1.0,
        },
        channel: cell.channel.as_ref().map(|ch| ChannelSpec {
            half_life_s: None,
            ..ch.clone()
        }),
        channel_prefilled: false,
        wash_at_s: None,
        ..cell.clone()
    };
    let setup = Setup::new(&open);
    let (nr, nz) = (setup.grid.nr(), setup.grid.nz());
    let mut matrix = BandMatrix::zeros(setup.n, nr.max(1));
    let faces = setup.faces(&setup.conductivities(0.0));
    let (mut top, mut bottom) = (vec![0.0; nr], vec![0.0; nr]);
    let mut system = setup.system(&faces, None, false, &mut matrix, &mut top, &mut bottom);
    let u = system.advance(&vec![0.0; setup.n], None, f64::INFINITY, BACKWARD_EULER)?;
    let out = system.fluxes(&u);
    let flux = out.cleared + out.sink;
    let area = std::f64::consts::PI * open.radius_um * open.radius_um;
    let permeability_um_per_s = flux / area;
    if permeability_um_per_s.is_nan() || permeability_um_per_s <= NEGLIGIBLE_UM_PER_S {
        return Some(SteadyState {
            permeability_um_per_s: permeability_um_per_s.max(0.0),
            lag_time_s: None,
        });
    }
    let c = &setup.c;
    let mut phi: Vec<f64> = c.sink_rate.clone();
    for (i, g) in system.bottom.iter().enumerate() {
        phi[(nz - 1) * nr + i] += g;
    }
    system.matrix.solve(&mut phi);
    let stored: f64 = (0..nr * nz).map(|k| phi[k] * c.capacity[k] * u[k]).sum();
    let lag = stored / flux;
    Some(SteadyState {
        permeability_um_per_s,
        lag_time_s: lag.is_finite().then_some(lag.max(0.0)),
    })
}
