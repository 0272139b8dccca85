//! The conductances of the grid's faces, `G = A / (d_a / (D K)_a + d_b / (D K)_b)`.
//!
//! A face's conductance depends only on the two cells' D·K, and only the channel's cells change
//! theirs (as the channel closes), so every other face is computed once per solve and only the
//! faces that touch the channel again at each step: the same values as computing every face at
//! every step (the same operations on the same inputs), for about a sixth of the divisions on
//! the default grid.

use super::assembly::Cells;
use crate::transport::grid::Grid;

fn face_conductance(area: f64, d_a: f64, dk_a: f64, d_b: f64, dk_b: f64) -> f64 {
    area / (d_a / dk_a + d_b / dk_b)
}

/// Between cell `k` and its outer neighbour `k + 1`.
fn radial(grid: &Grid, c: &Cells, dk: &[f64], k: usize) -> f64 {
    let nr = grid.nr();
    let (i, j) = (k % nr, k / nr);
    face_conductance(
        grid.radial_face_area(i + 1, j),
        grid.r_faces[i + 1] - c.r_center[i],
        dk[k],
        c.r_center[i + 1] - grid.r_faces[i + 1],
        dk[k + 1],
    )
}

/// Between cell `k` and the cell below it, `k + nr`.
fn axial(grid: &Grid, c: &Cells, dk: &[f64], k: usize) -> f64 {
    let nr = grid.nr();
    let (i, j) = (k % nr, k / nr);
    face_conductance(
        grid.axial_face_area(i),
        grid.z_faces[j + 1] - c.z_center[j],
        dk[k],
        c.z_center[j + 1] - grid.z_faces[j + 1],
        dk[k + nr],
    )
}

/// From the surface into top-row cell `i`: the vehicle is well mixed, so the only resistance is
/// the half cell below the surface.
fn top(grid: &Grid, c: &Cells, dk: &[f64], i: usize) -> f64 {
    grid.axial_face_area(i) / (c.z_center[0] / dk[i])
}

/// From bottom-row cell `i` into the sink at `depth_um`.
fn bottom(grid: &Grid, c: &Cells, dk: &[f64], depth_um: f64, i: usize) -> f64 {
    let (nr, nz) = (grid.nr(), grid.nz());
    let last = (nz - 1) * nr + i;
    grid.axial_face_area(i) / ((depth_um - c.z_center[nz - 1]) / dk[last])
}

/// Every face's conductance (µm³/s); entries of faces that do not exist (the outer column's
/// radial faces, the bottom row's axial faces) are zero.
pub(super) struct Faces {
    /// `radial[k]`: between `k` and `k + 1`.
    pub(super) radial: Vec<f64>,
    /// `axial[k]`: between `k` and `k + nr`.
    pub(super) axial: Vec<f64>,
    /// `top[i]`: from an unwashed surface into top-row cell `i`.
    pub(super) top: Vec<f64>,
    /// `bottom[i]`: from bottom-row cell `i` into the sink.
    pub(super) bottom: Vec<f64>,
    /// The faces that touch a channel cell, by the index of their entry above.
    channel: FaceLists,
    depth_um: f64,
}

#[derive(Default)]
struct FaceLists {
    radial: Vec<usize>,
    axial: Vec<usize>,
    top: Vec<usize>,
    bottom: Vec<usize>,
}

impl Faces {
    /// Every face at conductivities `dk`; `channel_cells` are the cells whose D·K may change
    /// later (ascending), `depth_um` the bottom of the stack.
    pub(super) fn new(
        grid: &Grid,
        c: &Cells,
        dk: &[f64],
        channel_cells: &[usize],
        depth_um: f64,
    ) -> Self {
        let (nr, nz) = (grid.nr(), grid.nz());
        let mut channel = FaceLists::default();
        for &k in channel_cells {
            let (i, j) = (k % nr, k / nr);
            channel.radial.extend((i > 0).then(|| k - 1));
            channel.radial.extend((i + 1 < nr).then_some(k));
            channel.axial.extend((j > 0).then(|| k - nr));
            channel.axial.extend((j + 1 < nz).then_some(k));
            channel.top.extend((j == 0).then_some(i));
            channel.bottom.extend((j + 1 == nz).then_some(i));
        }
        for list in [
            &mut channel.radial,
            &mut channel.axial,
            &mut channel.top,
            &mut channel.bottom,
        ] {
            list.sort_unstable();
            list.dedup();
        }
        Self {
            radial: (0..nr * nz)
                .map(|k| {
                    if k % nr + 1 < nr {
                        radial(grid, c, dk, k)
                    } else {
                        0.0
                    }
                })
                .collect(),
            axial: (0..nr * nz)
                .map(|k| {
                    if k / nr + 1 < nz {
                        axial(grid, c, dk, k)
                    } else {
                        0.0
                    }
                })
                .collect(),
            top: (0..nr).map(|i| top(grid, c, dk, i)).collect(),
            bottom: (0..nr).map(|i| bottom(grid, c, dk, depth_um, i)).collect(),
            channel,
            depth_um,
        }
    }

    /// Recomputes the faces that touch the channel, at conductivities `dk` (whose other cells
    /// must be as they were when the faces were built).
    pub(super) fn refresh(&mut self, grid: &Grid, c: &Cells, dk: &[f64]) {
        for &k in &self.channel.radial {
            self.radial[k] = radial(grid, c, dk, k);
        }
        for &k in &self.channel.axial {
            self.axial[k] = axial(grid, c, dk, k);
        }
        for &i in &self.channel.top {
            self.top[i] = top(grid, c, dk, i);
        }
        for &i in &self.channel.bottom {
            self.bottom[i] = bottom(grid, c, dk, self.depth_um, i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DoseSpec, Setup, UnitCell};
    use crate::transport::grid::{ChannelSpec, LayerSpec};

    /// A three-layer cell with a closing channel through the top two layers.
    fn cell() -> UnitCell {
        let layer = |thickness_um, cells, d, k, clearance| LayerSpec {
            thickness_um,
            cells,
            diffusivity_um2_per_s: d,
            partition: k,
            clearance_per_s: clearance,
        };
        UnitCell {
            radius_um: 150.0,
            layers: vec![
                layer(15.0, 6, 0.01, 3.0, 0.0),
                layer(80.0, 8, 50.0, 1.2, 0.0),
                layer(900.0, 12, 80.0, 0.9, 1e-4),
            ],
            channel: Some(ChannelSpec {
                depth_um: 400.0,
                radius_um: 20.0,
                vehicle_diffusivity_um2_per_s: 600.0,
                half_life_s: Some(3600.0),
                residual_open_fraction: 0.1,
                barrier_open_fraction: 0.5,
            }),
            channel_prefilled: true,
            dose: DoseSpec::Infinite {
                concentration_ug_per_ml: 1.0,
            },
            radial_cells: 9,
            wash_at_s: None,
        }
    }

    /// Refreshing only the channel's faces gives, to the bit, every face computed afresh, at
    /// each of a day's times; and the refresh has something to do (the channel's faces change).
    #[test]
    fn refreshing_the_channel_faces_equals_computing_every_face() {
        let cell = cell();
        let setup = Setup::new(&cell);
        assert!(!setup.channel_cells.is_empty());
        let mut dk = setup.conductivities(0.0);
        let mut faces = setup.faces(&dk);
        let first_top = faces.top.clone();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for t in [60.0, 3600.0, 7200.0, 86_400.0] {
            setup.update_conductivities(t, &mut dk);
            faces.refresh(&setup.grid, &setup.c, &dk);
            let afresh = setup.faces(&setup.conductivities(t));
            assert_eq!(bits(&dk), bits(&setup.conductivities(t)), "t {t}");
            // Every cell by the channel formula, the tissue's cells too (their fraction is 0).
            let phi = 0.1 + 0.9 * (-std::f64::consts::LN_2 * t / 3600.0).exp();
            let every_cell: Vec<f64> = (setup.c.dk_tissue.iter().zip(&setup.c.fraction))
                .map(|(tissue, fraction)| tissue + fraction * phi * (600.0 - tissue))
                .collect();
            assert_eq!(bits(&dk), bits(&every_cell), "t {t}");
            assert_eq!(bits(&faces.radial), bits(&afresh.radial), "t {t}");
            assert_eq!(bits(&faces.axial), bits(&afresh.axial), "t {t}");
            assert_eq!(bits(&faces.top), bits(&afresh.top), "t {t}");
            assert_eq!(bits(&faces.bottom), bits(&afresh.bottom), "t {t}");
        }
        assert_ne!(bits(&faces.top), bits(&first_top), "the channel closes");
    }
}
