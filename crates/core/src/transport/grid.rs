//! The unit cell's finite-volume grid: radial faces refined at the channel wall, axial faces
//! refined at every layer interface, and the channel's volume fraction in each cell.

use std::f64::consts::PI;

/// One layer of the stack, top down.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSpec {
    /// Layer thickness (µm).
    pub thickness_um: f64,
    /// Number of axial cells across the layer.
    pub cells: usize,
    /// Diffusivity of the solute in the layer (µm²/s).
    pub diffusivity_um2_per_s: f64,
    /// Layer / vehicle partition coefficient (the vehicle is water-like, K = 1).
    pub partition: f64,
    /// First-order clearance into the circulation (1/s); zero for avascular layers.
    pub clearance_per_s: f64,
}

impl LayerSpec {
    /// A layer without clearance (membranes of the analytic checks).
    pub fn membrane(
        thickness_um: f64,
        cells: usize,
        diffusivity_um2_per_s: f64,
        partition: f64,
    ) -> Self {
        Self {
            thickness_um,
            cells,
            diffusivity_um2_per_s,
            partition,
            clearance_per_s: 0.0,
        }
    }
}

/// An open channel, a cylinder from the surface to `depth_um`. Grid faces are placed on its wall
/// and at its tip, so every cell is channel or tissue: no mixed cells, second-order accuracy.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSpec {
    /// Channel depth from the surface (µm).
    pub depth_um: f64,
    /// Channel radius (µm).
    pub radius_um: f64,
    /// Diffusivity of the solute in the vehicle filling the channel (µm²/s).
    pub vehicle_diffusivity_um2_per_s: f64,
    /// First-order closure half-life; `None`: the channel stays open.
    pub half_life_s: Option<f64>,
    /// Share of the open channel's conductance that never closes (excised skin contracts but
    /// does not heal); 0 in living skin.
    pub residual_open_fraction: f64,
    /// Share of the channel's section that stays an open fluid path through the first layer (the
    /// stratum corneum, which recoils and reseals first); deeper the channel is all fluid.
    pub barrier_open_fraction: f64,
}

/// The axisymmetric finite-volume mesh: radial and axial cell faces, layers and channel cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Radial face positions from the axis outwards (µm).
    pub r_faces: Vec<f64>,
    /// Axial face positions from the surface downwards (µm).
    pub z_faces: Vec<f64>,
    /// Layer index of each axial row of cells.
    pub layer_of_row: Vec<usize>,
    /// Channel volume fraction per cell, row-major (row = z, column = r).
    pub channel_fraction: Vec<f64>,
}

impl Grid {
    /// Number of radial cells.
    pub fn nr(&self) -> usize {
        self.r_faces.len() - 1
    }

    /// Number of axial cells.
    pub fn nz(&self) -> usize {
        self.z_faces.len() - 1
    }

    /// Volume of cell `(i, j)` (µm³): an annulus of radial index `i`, axial index `j`.
    pub fn cell_volume(&self, i: usize, j: usize) -> f64 {
        PI * (self.r_faces[i + 1].powi(2) - self.r_faces[i].powi(2))
            * (self.z_faces[j + 1] - self.z_faces[j])
    }

    /// Area of the axial (top/bottom) face of radial ring `i` (µm²).
    pub fn axial_face_area(&self, i: usize) -> f64 {
        PI * (self.r_faces[i + 1].powi(2) - self.r_faces[i].powi(2))
    }

    /// Area of radial face `i_face` in row `j` (µm²): a cylinder wall.
    pub fn radial_face_area(&self, i_face: usize, j: usize) -> f64 {
        2.0 * PI * self.r_faces[i_face] * (self.z_faces[j + 1] - self.z_faces[j])
    }
}

/// Faces of `n` cells over `[start, start + length]`, finer at both ends (cosine spacing): second
/// order on a smoothly varying grid, fine where interfaces make gradients steep.
pub fn cosine_faces(start: f64, length: f64, n: usize) -> Vec<f64> {
    (0..=n)
        .map(|k| start + length * (1.0 - (std::f64::consts::PI * k as f64 / n as f64).cos()) / 2.0)
        .collect()
}

/// Radial faces: uniform inside the channel (a face on its wall), then growing geometrically to
/// `radius`.
pub fn radial_faces(radius: f64, channel_radius: Option<f64>, n: usize) -> Vec<f64> {
    let Some(inner_edge) = channel_radius.filter(|a| *a > 0.0 && *a < radius && n >= 4) else {
        return (0..=n).map(|k| radius * k as f64 / n as f64).collect();
    };
    let n_inner = n / 3;
    let n_outer = n - n_inner;
    let h = inner_edge / n_inner as f64;
    let mut faces: Vec<f64> = (0..=n_inner).map(|k| h * k as f64).collect();
    let outer = radius - inner_edge;
    // Growth ratio q with h·(q + q² + … + q^n_outer) = outer, by bisection (q ≥ 1 when outer ≥ n·h).
    let span = |q: f64| (1..=n_outer).map(|k| h * q.powi(k as i32)).sum::<f64>();
    let (mut low, mut high) = (0.5_f64, 4.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if span(mid) < outer {
            low = mid;
        } else {
            high = mid;
        }
    }
    let q = 0.5 * (low + high);
    let mut r = inner_edge;
    for k in 1..=n_outer {
        r += h * q.powi(k as i32);
        faces.push(r);
    }
    if let Some(last) = faces.last_mut() {
        *last = radius;
    }
    faces
}

/// Share of `[a0, a1]` that overlaps `[b0, b1]`.
fn overlap(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    ((a1.min(b1) - a0.max(b0)).max(0.0)) / (a1 - a0)
}

/// Builds the grid of a unit cell of `radius` over `layers`, with an optional channel.
pub fn build(
    radius: f64,
    layers: &[LayerSpec],
    channel: Option<&ChannelSpec>,
    radial_cells: usize,
) -> Grid {
    let r_faces = radial_faces(radius, channel.map(|c| c.radius_um), radial_cells);
    let mut z_faces = vec![0.0];
    let mut layer_of_row = Vec::new();
    let mut top = 0.0;
    let tip = channel.map(|c| c.depth_um);
    for (index, layer) in layers.iter().enumerate() {
        let bottom = top + layer.thickness_um;
        // The channel tip splits its layer into two parts, cells shared by thickness.
        let pieces: Vec<(f64, f64)> = match tip {
            Some(t) if t > top && t < bottom => vec![(top, t), (t, bottom)],
            _ => vec![(top, bottom)],
        };
        let mut cells_left = layer.cells.max(pieces.len());
        for (k, (from, to)) in pieces.iter().enumerate() {
            let cells = if k + 1 == pieces.len() {
                cells_left
            } else {
                (((to - from) / layer.thickness_um * layer.cells as f64).round() as usize)
                    .clamp(1, cells_left - 1)
            };
            cells_left -= cells;
            let faces = cosine_faces(*from, to - from, cells);
            z_faces.extend_from_slice(&faces[1..]);
            layer_of_row.extend(std::iter::repeat_n(index, cells));
        }
        top = bottom;
    }
    let nr = r_faces.len() - 1;
    let nz = z_faces.len() - 1;
    let mut channel_fraction = vec![0.0; nr * nz];
    if let Some(channel) = channel {
        for j in 0..nz {
            for i in 0..nr {
                // Area share of the annulus inside the wall, times the depth share above the tip.
                let inner = r_faces[i].min(channel.radius_um);
                let outer = r_faces[i + 1].min(channel.radius_um);
                let radial =
                    (outer * outer - inner * inner) / (r_faces[i + 1].powi(2) - r_faces[i].powi(2));
                let open = if layer_of_row[j] == 0 {
                    channel.barrier_open_fraction
                } else {
                    1.0
                };
                channel_fraction[j * nr + i] =
                    open * radial * overlap(z_faces[j], z_faces[j + 1], 0.0, channel.depth_um);
            }
        }
    }
    Grid {
        r_faces,
        z_faces,
        layer_of_row,
        channel_fraction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_cells_are_whole_and_add_up_to_the_cylinder() {
        let layer = LayerSpec {
            thickness_um: 100.0,
            cells: 7,
            diffusivity_um2_per_s: 1.0,
            partition: 1.0,
            clearance_per_s: 0.0,
        };
        let layers = vec![
            layer.clone(),
            LayerSpec {
                thickness_um: 900.0,
                cells: 13,
                ..layer
            },
        ];
        let channel = ChannelSpec {
            depth_um: 437.0,
            radius_um: 35.0,
            vehicle_diffusivity_um2_per_s: 100.0,
            residual_open_fraction: 0.0,
            half_life_s: None,
            barrier_open_fraction: 1.0,
        };
        let grid = build(300.0, &layers, Some(&channel), 12);
        let mut volume = 0.0;
        for j in 0..grid.nz() {
            for i in 0..grid.nr() {
                volume += grid.channel_fraction[j * grid.nr() + i] * grid.cell_volume(i, j);
            }
        }
        let cylinder = PI * 35.0_f64.powi(2) * 437.0;
        assert!(
            (volume - cylinder).abs() / cylinder < 1e-12,
            "{volume} vs {cylinder}"
        );
        assert!(
            grid.channel_fraction
                .iter()
                .all(|f| *f == 0.0 || (*f - 1.0).abs() < 1e-12),
            "no mixed cells"
        );
        assert!(
            grid.z_faces.iter().any(|z| (z - 437.0).abs() < 1e-9),
            "a face at the tip"
        );
        assert_eq!(*grid.r_faces.last().expect("faces"), 300.0);
        assert!(grid.r_faces.windows(2).all(|w| w[1] > w[0]));
    }
}
