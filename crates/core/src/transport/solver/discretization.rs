//! The grid and per-cell coefficients of a unit cell, for comparison with other solvers.

use super::UnitCell;
use super::assembly::cells;
use super::grid;

/// The discretized unit cell, for comparison with other solvers (bench/peers.py).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Discretization {
    /// Radial face positions (µm).
    pub r_faces_um: Vec<f64>,
    /// Axial face positions (µm).
    pub z_faces_um: Vec<f64>,
    /// Per cell, row-major: capacity per volume, tissue D·K, channel fraction, loss rate per volume.
    pub capacity_per_volume: Vec<f64>,
    /// Per cell: tissue diffusivity times partition (µm²/s).
    pub dk_tissue_um2_per_s: Vec<f64>,
    /// Per cell: fraction of the cell that is channel (0 or 1, the grid follows the wall).
    pub channel_fraction: Vec<f64>,
    /// Per cell: first-order loss rate (1/s).
    pub loss_per_s: Vec<f64>,
}

/// The grid and per-cell coefficients the solver would use for `cell`.
pub fn discretization(cell: &UnitCell) -> Discretization {
    let grid = grid::build(
        cell.radius_um,
        &cell.layers,
        cell.channel.as_ref(),
        cell.radial_cells,
    );
    let c = cells(&grid, &cell.layers, cell.channel.is_some());
    Discretization {
        capacity_per_volume: c
            .capacity
            .iter()
            .zip(&c.volume)
            .map(|(cap, v)| cap / v)
            .collect(),
        loss_per_s: c
            .sink_rate
            .iter()
            .zip(&c.volume)
            .map(|(k, v)| k / v)
            .collect(),
        dk_tissue_um2_per_s: c.dk_tissue,
        channel_fraction: c.fraction,
        r_faces_um: grid.r_faces,
        z_faces_um: grid.z_faces,
    }
}
