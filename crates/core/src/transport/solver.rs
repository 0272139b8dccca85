//! The unit-cell solver: finite volumes in (r, z), variable-step BDF2 in time (backward Euler on
//! the first step), one banded Cholesky factorization per step.
//!
//! Unknowns are potentials `u = c / K` (concentration in the water-like vehicle that would be in
//! equilibrium), so `c / K` is continuous at every interface by construction and the flux between
//! two cells is `G (u_a − u_b)` with `G = A / (d_a / (D K)_a + d_b / (D K)_b)`: flux continuity
//! holds exactly. The matrix `a0 C / dt + L + κ` is symmetric positive definite.
//!
//! Mass balance: every boundary and sink flux is accumulated with the same BDF2 recursion as the
//! storage, so `storage + cleared + sink − donor input` is conserved to round-off.

use std::f64::consts::LN_2;

use super::banded::BandMatrix;
use super::grid::{self, ChannelSpec, Grid, LayerSpec};

/// What sits on the surface: a reservoir that never depletes, or a finite film.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DoseSpec {
    /// Fixed vehicle concentration on the surface, µg/mL.
    Infinite {
        /// Vehicle concentration held on the surface (µg/mL).
        concentration_ug_per_ml: f64,
    },
    /// A well-mixed film that depletes.
    Finite {
        /// Vehicle concentration at t = 0 (µg/mL).
        concentration_ug_per_ml: f64,
        /// Film thickness (µm); the applied amount is concentration × thickness.
        film_thickness_um: f64,
    },
}

/// A unit cell: a cylinder of skin around one channel, layered top down, with a sink below.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitCell {
    /// Radius of the unit cell (µm): half the spacing between channels, by equal area.
    pub radius_um: f64,
    /// Skin layers, top down.
    pub layers: Vec<LayerSpec>,
    /// The channel, or `None` for intact skin.
    pub channel: Option<ChannelSpec>,
    /// Whether the channel holds formulation at t = 0 (false: it starts empty).
    pub channel_prefilled: bool,
    /// What is on the surface.
    pub dose: DoseSpec,
    /// Number of radial cells outside the channel wall.
    pub radial_cells: usize,
}

/// The time discretization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Variable-step BDF2 (second order), backward Euler where BDF2 would undershoot.
    Bdf2,
    /// Backward Euler only (first order), as most finite-volume packages step.
    BackwardEuler,
}

/// Time steps: the first, the growth factor per step, the largest, and the scheme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stepping {
    /// First step (s).
    pub first_step_s: f64,
    /// Factor by which each step grows on the previous one.
    pub growth: f64,
    /// Largest step (s).
    pub max_step_s: f64,
    /// Time-integration scheme.
    pub scheme: Scheme,
}

impl Default for Stepping {
    fn default() -> Self {
        Self {
            first_step_s: 0.5,
            growth: 1.2,
            max_step_s: 1800.0,
            scheme: Scheme::Bdf2,
        }
    }
}

/// Amounts at one time, µg per cm² of skin.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Time since application (s).
    pub time_s: f64,
    /// Left in the donor (vehicle on the surface).
    pub donor: f64,
    /// Drug in the tissue of each layer (channel fluid excluded).
    pub layers: Vec<f64>,
    /// Drug in the fluid of the channel.
    pub channel: f64,
    /// Cleared to blood inside the layers.
    pub cleared: f64,
    /// Crossed the bottom of the stack.
    pub sink: f64,
    /// Row-averaged tissue concentration (depth µm, µg/mL), when asked for at this time.
    pub profile: Option<Vec<(f64, f64)>>,
}

/// The result of one solve: snapshots at the requested times, fluxes and diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Amounts at each requested output time, in order.
    pub snapshots: Vec<Snapshot>,
    /// (time s, uptake into blood and sink, µg/cm²/h) after every step.
    pub uptake_rate: Vec<(f64, f64)>,
    /// Number of time steps taken.
    pub steps: usize,
    /// Largest |storage + outputs − inputs − initial| ÷ (initial + inputs) over all steps.
    pub max_mass_balance_error: f64,
    /// Smallest potential seen at any step (≥ 0 when the scheme keeps positivity).
    pub min_potential: f64,
    /// Number of unknowns of the linear system (cells, plus the donor when finite).
    pub unknowns: usize,
    /// The step sizes taken, s.
    pub step_sizes_s: Vec<f64>,
    /// Potentials at the end, cell by cell (row-major, after the donor when it is finite).
    pub final_potential: Vec<f64>,
}

/// The discretized unit cell, for comparison with other solvers (bench/fipy_delivery.py).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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

/// Per-cell constants of the discretization.
struct Cells {
    volume: Vec<f64>,
    fraction: Vec<f64>,
    capacity: Vec<f64>,
    dk_tissue: Vec<f64>,
    partition: Vec<f64>,
    sink_rate: Vec<f64>,
    r_center: Vec<f64>,
    z_center: Vec<f64>,
}

fn cells(grid: &Grid, layers: &[LayerSpec], channel_present: bool) -> Cells {
    let (nr, nz) = (grid.nr(), grid.nz());
    let mut c = Cells {
        volume: Vec::with_capacity(nr * nz),
        fraction: Vec::with_capacity(nr * nz),
        capacity: Vec::with_capacity(nr * nz),
        dk_tissue: Vec::with_capacity(nr * nz),
        partition: Vec::with_capacity(nr * nz),
        sink_rate: Vec::with_capacity(nr * nz),
        r_center: (0..nr)
            .map(|i| 0.5 * (grid.r_faces[i] + grid.r_faces[i + 1]))
            .collect(),
        z_center: (0..nz)
            .map(|j| 0.5 * (grid.z_faces[j] + grid.z_faces[j + 1]))
            .collect(),
    };
    for j in 0..nz {
        let layer = &layers[grid.layer_of_row[j]];
        for i in 0..nr {
            let v = grid.cell_volume(i, j);
            let f = if channel_present {
                grid.channel_fraction[j * nr + i]
            } else {
                0.0
            };
            c.volume.push(v);
            c.fraction.push(f);
            c.capacity.push(v * ((1.0 - f) * layer.partition + f));
            c.dk_tissue
                .push(layer.diffusivity_um2_per_s * layer.partition);
            c.partition.push(layer.partition);
            c.sink_rate
                .push(layer.clearance_per_s * v * (1.0 - f) * layer.partition);
        }
    }
    c
}

fn face_conductance(area: f64, d_a: f64, dk_a: f64, d_b: f64, dk_b: f64) -> f64 {
    area / (d_a / dk_a + d_b / dk_b)
}

/// Runs the unit cell to `end_s`, reporting at `report_s` (sorted, in (0, end]) and profiles at
/// `profile_s` (a subset of `report_s`).
pub fn solve(
    cell: &UnitCell,
    stepping: Stepping,
    end_s: f64,
    report_s: &[f64],
    profile_s: &[f64],
) -> Solution {
    let grid = grid::build(
        cell.radius_um,
        &cell.layers,
        cell.channel.as_ref(),
        cell.radial_cells,
    );
    let (nr, nz) = (grid.nr(), grid.nz());
    let c = cells(&grid, &cell.layers, cell.channel.is_some());
    let (concentration, finite_film) = match cell.dose {
        DoseSpec::Infinite {
            concentration_ug_per_ml,
        } => (concentration_ug_per_ml, None),
        DoseSpec::Finite {
            concentration_ug_per_ml,
            film_thickness_um,
        } => (concentration_ug_per_ml, Some(film_thickness_um)),
    };
    let offset = usize::from(finite_film.is_some());
    let n = offset + nr * nz;
    let unit_area = std::f64::consts::PI * cell.radius_um * cell.radius_um;
    // µg/mL × µm³ per unit cell → µg/cm² of skin.
    let to_ug_per_cm2 = 1e-4 / unit_area;
    let donor_capacity = finite_film.map_or(0.0, |h| unit_area * h);

    // Initial state: channel fluid at the donor concentration, tissue empty.
    let mut u = vec![0.0; n];
    if cell.channel.is_some() && cell.channel_prefilled {
        let fill: f64 = (0..nr * nz)
            .map(|k| c.fraction[k] * c.volume[k])
            .sum::<f64>()
            * concentration;
        let scale = if finite_film.is_some() {
            (donor_capacity * concentration / fill.max(f64::MIN_POSITIVE)).min(1.0)
        } else {
            1.0
        };
        for k in 0..nr * nz {
            u[offset + k] = scale * c.fraction[k] * c.volume[k] * concentration / c.capacity[k];
        }
        if finite_film.is_some() {
            u[0] = (donor_capacity * concentration - scale * fill).max(0.0) / donor_capacity;
        }
    } else if finite_film.is_some() {
        u[0] = concentration;
    }
    let storage = |u: &[f64]| -> f64 {
        let tissue: f64 = (0..nr * nz).map(|k| c.capacity[k] * u[offset + k]).sum();
        tissue
            + if offset == 1 {
                donor_capacity * u[0]
            } else {
                0.0
            }
    };
    let initial_mass = storage(&u);

    let half_life = cell.channel.as_ref().and_then(|ch| ch.half_life_s);
    let openness = |t: f64| half_life.map_or(1.0, |h| (-LN_2 * t / h).exp());
    let vehicle_dk = cell
        .channel
        .as_ref()
        .map_or(0.0, |ch| ch.vehicle_diffusivity_um2_per_s);
    let depth = *grid.z_faces.last().unwrap_or(&0.0);

    let mut matrix = BandMatrix::zeros(n, nr.max(1));
    let mut dk = vec![0.0; nr * nz];
    let mut top = vec![0.0; nr];
    let mut bottom = vec![0.0; nr];
    let mut u_prev: Option<Vec<f64>> = None;
    let (mut cleared, mut sink, mut donor_in) = (0.0_f64, 0.0_f64, 0.0_f64);
    let (mut cleared_prev, mut sink_prev, mut donor_in_prev) = (0.0_f64, 0.0_f64, 0.0_f64);
    let mut dt_prev: Option<f64> = None;
    let mut dt_nominal = stepping.first_step_s;
    let mut t = 0.0;
    let mut steps = 0;
    let mut max_error = 0.0_f64;
    let mut min_potential = u.iter().copied().fold(f64::INFINITY, f64::min);
    let mut snapshots = Vec::new();
    let mut uptake_rate = Vec::new();
    let mut step_sizes_s = Vec::new();
    let mut stops: Vec<f64> = report_s
        .iter()
        .copied()
        .filter(|s| *s > 0.0 && *s <= end_s)
        .collect();
    stops.push(end_s);
    stops.sort_by(f64::total_cmp);
    stops.dedup();
    let mut stop_index = 0;

    while stop_index < stops.len() {
        let stop = stops[stop_index];
        let mut dt = dt_nominal.min(stop - t);
        if let Some(prev) = dt_prev {
            // Variable-step BDF2 is zero-stable for step ratios below 1 + √2.
            dt = dt.min(2.0 * prev);
        }
        if stop - (t + dt) < 1e-6 * dt {
            dt = stop - t;
        }
        let t_new = t + dt;
        let (a0, a1, a2) = match dt_prev {
            Some(prev) if u_prev.is_some() && stepping.scheme == Scheme::Bdf2 => {
                let w = dt / prev;
                ((1.0 + 2.0 * w) / (1.0 + w), -(1.0 + w), w * w / (1.0 + w))
            }
            _ => (1.0, -1.0, 0.0),
        };
        let phi = openness(t_new);
        for ((dk, tissue), fraction) in dk.iter_mut().zip(&c.dk_tissue).zip(&c.fraction) {
            *dk = tissue + fraction * phi * (vehicle_dk - tissue);
        }
        let mut system = System {
            grid: &grid,
            cells: &c,
            dk: &dk,
            offset,
            donor_capacity,
            concentration,
            depth,
            matrix: &mut matrix,
            top: &mut top,
            bottom: &mut bottom,
        };
        let mut coefficients = (a0, a1, a2);
        let mut solved = system.advance(&u, u_prev.as_deref(), dt, coefficients);
        // BDF2 can undershoot below zero next to a sharp front; backward Euler cannot (its
        // matrix is an M-matrix), so such a step is taken again with it.
        if a2 != 0.0 && solved.as_ref().is_some_and(|v| v.iter().any(|x| *x < 0.0)) {
            coefficients = (1.0, -1.0, 0.0);
            solved = system.advance(&u, None, dt, coefficients);
        }
        let Some(u_new) = solved else {
            // SPD by construction; a failed pivot means non-finite input that validation missed.
            break;
        };
        let (a0, a1, a2) = coefficients;

        let f_clear: f64 = (0..nr * nz)
            .map(|k| c.sink_rate[k] * u_new[offset + k])
            .sum();
        let f_sink: f64 = (0..nr)
            .map(|i| bottom[i] * u_new[offset + (nz - 1) * nr + i])
            .sum();
        let f_in: f64 = if offset == 0 {
            (0..nr).map(|i| top[i] * (concentration - u_new[i])).sum()
        } else {
            0.0
        };
        // A backward-Euler retry restarts the recursion: the older value has no weight then.
        let accumulate = |now: f64, prev: f64, flux: f64| (dt * flux - a1 * now - a2 * prev) / a0;
        let (cleared_new, sink_new, in_new) = (
            accumulate(cleared, cleared_prev, f_clear),
            accumulate(sink, sink_prev, f_sink),
            accumulate(donor_in, donor_in_prev, f_in),
        );
        (cleared_prev, sink_prev, donor_in_prev) = (cleared, sink, donor_in);
        (cleared, sink, donor_in) = (cleared_new, sink_new, in_new);
        u_prev = Some(std::mem::replace(&mut u, u_new));
        dt_prev = Some(dt);
        step_sizes_s.push(dt);
        t = t_new;
        steps += 1;
        if dt >= dt_nominal * (1.0 - 1e-9) {
            dt_nominal = (dt_nominal * stepping.growth).min(stepping.max_step_s);
        }

        let reference = (initial_mass + donor_in).abs().max(f64::MIN_POSITIVE);
        let error = (storage(&u) + cleared + sink - donor_in - initial_mass).abs() / reference;
        max_error = max_error.max(error);
        min_potential = min_potential.min(u.iter().copied().fold(f64::INFINITY, f64::min));
        uptake_rate.push((t, (f_clear + f_sink) * to_ug_per_cm2 * 3600.0));

        if (t - stop).abs() <= 1e-9 * stop.max(1.0) {
            t = stop;
            if report_s
                .iter()
                .any(|r| (r - stop).abs() <= 1e-9 * stop.max(1.0))
            {
                let with_profile = profile_s
                    .iter()
                    .any(|p| (p - stop).abs() <= 1e-9 * stop.max(1.0));
                snapshots.push(snapshot(
                    &grid,
                    &c,
                    &u,
                    offset,
                    donor_capacity,
                    t,
                    cleared,
                    sink,
                    to_ug_per_cm2,
                    with_profile,
                    cell.layers.len(),
                ));
            }
            stop_index += 1;
        }
    }
    Solution {
        snapshots,
        uptake_rate,
        steps,
        max_mass_balance_error: max_error,
        min_potential,
        unknowns: n,
        step_sizes_s,
        final_potential: u,
    }
}

/// One implicit step's linear system.
struct System<'a> {
    grid: &'a Grid,
    cells: &'a Cells,
    dk: &'a [f64],
    offset: usize,
    donor_capacity: f64,
    concentration: f64,
    depth: f64,
    matrix: &'a mut BandMatrix,
    top: &'a mut [f64],
    bottom: &'a mut [f64],
}

impl System<'_> {
    /// Solves `a0 C (u_new) / dt + (a1 u + a2 u_prev) C / dt = −L u_new − κ u_new + boundary`.
    fn advance(
        &mut self,
        u: &[f64],
        u_prev: Option<&[f64]>,
        dt: f64,
        (a0, a1, a2): (f64, f64, f64),
    ) -> Option<Vec<f64>> {
        let (grid, c, dk, offset) = (self.grid, self.cells, self.dk, self.offset);
        let (nr, nz) = (grid.nr(), grid.nz());
        let matrix = &mut *self.matrix;
        let mut rhs = vec![0.0; u.len()];
        matrix.clear();
        let history = |idx: usize| a1 * u[idx] + u_prev.map_or(0.0, |p| a2 * p[idx]);
        for k in 0..nr * nz {
            let idx = offset + k;
            matrix.add(idx, idx, a0 * c.capacity[k] / dt + c.sink_rate[k]);
            rhs[idx] = -history(idx) * c.capacity[k] / dt;
        }
        if offset == 1 {
            matrix.add(0, 0, a0 * self.donor_capacity / dt);
            rhs[0] = -history(0) * self.donor_capacity / dt;
        }
        for j in 0..nz {
            for i in 0..nr {
                let k = j * nr + i;
                if i + 1 < nr {
                    let g = face_conductance(
                        grid.radial_face_area(i + 1, j),
                        grid.r_faces[i + 1] - c.r_center[i],
                        dk[k],
                        c.r_center[i + 1] - grid.r_faces[i + 1],
                        dk[k + 1],
                    );
                    matrix.add(offset + k, offset + k, g);
                    matrix.add(offset + k + 1, offset + k + 1, g);
                    matrix.add(offset + k + 1, offset + k, -g);
                }
                if j + 1 < nz {
                    let g = face_conductance(
                        grid.axial_face_area(i),
                        grid.z_faces[j + 1] - c.z_center[j],
                        dk[k],
                        c.z_center[j + 1] - grid.z_faces[j + 1],
                        dk[k + nr],
                    );
                    matrix.add(offset + k, offset + k, g);
                    matrix.add(offset + k + nr, offset + k + nr, g);
                    matrix.add(offset + k + nr, offset + k, -g);
                }
            }
        }
        for i in 0..nr {
            // The vehicle is well mixed: the only resistance is the half cell below the surface.
            let g_top = grid.axial_face_area(i) / (c.z_center[0] / dk[i]);
            self.top[i] = g_top;
            matrix.add(offset + i, offset + i, g_top);
            if offset == 1 {
                matrix.add(0, 0, g_top);
                matrix.add(offset + i, 0, -g_top);
            } else {
                rhs[i] += g_top * self.concentration;
            }
            let last = (nz - 1) * nr + i;
            let g_bottom = grid.axial_face_area(i) / ((self.depth - c.z_center[nz - 1]) / dk[last]);
            self.bottom[i] = g_bottom;
            matrix.add(offset + last, offset + last, g_bottom);
        }
        if !matrix.factorize() {
            return None;
        }
        matrix.solve(&mut rhs);
        Some(rhs)
    }
}

#[allow(clippy::too_many_arguments)]
fn snapshot(
    grid: &Grid,
    c: &Cells,
    u: &[f64],
    offset: usize,
    donor_capacity: f64,
    time_s: f64,
    cleared: f64,
    sink: f64,
    scale: f64,
    with_profile: bool,
    layer_count: usize,
) -> Snapshot {
    let (nr, nz) = (grid.nr(), grid.nz());
    let mut layers = vec![0.0; layer_count];
    let mut channel = 0.0;
    let mut profile = Vec::with_capacity(if with_profile { nz } else { 0 });
    for j in 0..nz {
        let (mut amount, mut volume) = (0.0, 0.0);
        for i in 0..nr {
            let k = j * nr + i;
            let tissue_volume = c.volume[k] * (1.0 - c.fraction[k]);
            let tissue = tissue_volume * c.partition[k] * u[offset + k];
            layers[grid.layer_of_row[j]] += tissue;
            channel += c.volume[k] * c.fraction[k] * u[offset + k];
            amount += tissue;
            volume += tissue_volume;
        }
        if with_profile && volume > 0.0 {
            profile.push((c.z_center[j], amount / volume));
        }
    }
    Snapshot {
        time_s,
        donor: if offset == 1 {
            donor_capacity * u[0] * scale
        } else {
            0.0
        },
        layers: layers.into_iter().map(|m| m * scale).collect(),
        channel: channel * scale,
        cleared: cleared * scale,
        sink: sink * scale,
        profile: with_profile.then_some(profile),
    }
}
