//! Space: the per-cell constants of the finite-volume grid, the linear system of one implicit
//! step, and the amounts a snapshot reports. Kept apart from the time stepping so that each can
//! be read (and checked against the analytic cases) on its own.

use super::Snapshot;
use super::faces::Faces;
use super::stepping::{BACKWARD_EULER, Coefficients, Outputs};
use crate::transport::banded::BandMatrix;
use crate::transport::grid::{Grid, LayerSpec};

/// Per-cell constants of the discretization.
pub(super) struct Cells {
    pub(super) volume: Vec<f64>,
    pub(super) fraction: Vec<f64>,
    pub(super) capacity: Vec<f64>,
    pub(super) dk_tissue: Vec<f64>,
    pub(super) partition: Vec<f64>,
    pub(super) sink_rate: Vec<f64>,
    pub(super) r_center: Vec<f64>,
    pub(super) z_center: Vec<f64>,
}

pub(super) fn cells(grid: &Grid, layers: &[LayerSpec], channel_present: bool) -> Cells {
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

/// One implicit step's linear system.
pub(super) struct System<'a> {
    pub(super) grid: &'a Grid,
    pub(super) cells: &'a Cells,
    pub(super) faces: &'a Faces,
    pub(super) offset: usize,
    pub(super) donor_capacity: f64,
    /// Evaporation conductance of the film (µm³/s).
    pub(super) evaporation: f64,
    /// A saturated film's potential, held fixed while its solid lasts.
    pub(super) donor_fixed: Option<f64>,
    /// The surface has been washed: nothing enters, nothing evaporates.
    pub(super) washed: bool,
    pub(super) concentration: f64,
    pub(super) matrix: &'a mut BandMatrix,
    pub(super) top: &'a mut [f64],
    pub(super) bottom: &'a mut [f64],
}

impl System<'_> {
    /// One step with `coefficients`, retried with backward Euler when BDF2 undershoots; returns
    /// the new potentials and the coefficients actually used (the mass ledger needs them).
    /// `None`: the factorization failed.
    pub(super) fn step(
        &mut self,
        u: &[f64],
        u_prev: Option<&[f64]>,
        dt: f64,
        coefficients: Coefficients,
    ) -> Option<(Vec<f64>, Coefficients)> {
        let (_, _, a2) = coefficients;
        let mut coefficients = coefficients;
        let mut solved = self.advance(u, u_prev, dt, coefficients);
        // BDF2 can undershoot below zero next to a sharp front; backward Euler cannot (its
        // matrix is an M-matrix), so such a step is taken again with it.
        if a2 != 0.0 && solved.as_ref().is_some_and(|v| v.iter().any(|x| *x < 0.0)) {
            coefficients = BACKWARD_EULER;
            solved = self.advance(u, None, dt, coefficients);
        }
        solved.map(|u_new| (u_new, coefficients))
    }

    /// Clearance, sink and donor fluxes at `u_new`, with the boundary conductances of the last
    /// assembled step.
    pub(super) fn fluxes(&self, u_new: &[f64]) -> Outputs {
        let (c, offset) = (self.cells, self.offset);
        let (nr, nz) = (self.grid.nr(), self.grid.nz());
        let f_clear: f64 = (0..nr * nz)
            .map(|k| c.sink_rate[k] * u_new[offset + k])
            .sum();
        let f_sink: f64 = (0..nr)
            .map(|i| self.bottom[i] * u_new[offset + (nz - 1) * nr + i])
            .sum();
        let into_skin = |potential: f64| -> f64 {
            (0..nr)
                .map(|i| self.top[i] * (potential - u_new[offset + i]))
                .sum()
        };
        let (donor_in, evaporated) = match (offset, self.donor_fixed) {
            _ if self.washed => (0.0, 0.0),
            (0, _) => (into_skin(self.concentration), 0.0),
            // The solid feeds both what enters the skin and what evaporates.
            (_, Some(s)) => (into_skin(s) + self.evaporation * s, self.evaporation * s),
            (_, None) => (0.0, self.evaporation * u_new[0]),
        };
        Outputs {
            cleared: f_clear,
            sink: f_sink,
            donor_in,
            evaporated,
            washed: 0.0,
        }
    }

    /// Solves `a0 C (u_new) / dt + (a1 u + a2 u_prev) C / dt = −L u_new − κ u_new + boundary`;
    /// `dt = ∞` gives the steady state. The factorized matrix stays in `self.matrix`.
    pub(super) fn advance(
        &mut self,
        u: &[f64],
        u_prev: Option<&[f64]>,
        dt: f64,
        (a0, a1, a2): Coefficients,
    ) -> Option<Vec<f64>> {
        let (grid, c, faces, offset) = (self.grid, self.cells, self.faces, self.offset);
        let (nr, nz) = (grid.nr(), grid.nz());
        let history = |idx: usize| a1 * u[idx] + u_prev.map_or(0.0, |p| a2 * p[idx]);
        // The cells' own terms in loops of their own, whose divisions vectorise.
        let own: Vec<f64> = c
            .capacity
            .iter()
            .zip(&c.sink_rate)
            .map(|(capacity, sink)| a0 * capacity / dt + sink)
            .collect();
        let mut rhs = vec![0.0; u.len()];
        // The history term as `history` has it (with `+ 0` when there is no older step), in
        // one loop per case, so that the divisions vectorise.
        let cells_rhs = rhs[offset..].iter_mut().zip(&c.capacity);
        match u_prev {
            Some(prev) => {
                for ((r, capacity), (now, before)) in
                    cells_rhs.zip(u[offset..].iter().zip(&prev[offset..]))
                {
                    *r = -(a1 * now + a2 * before) * capacity / dt;
                }
            }
            None => {
                for ((r, capacity), now) in cells_rhs.zip(&u[offset..]) {
                    *r = -(a1 * now + 0.0) * capacity / dt;
                }
            }
        }
        for i in 0..nr {
            self.top[i] = if self.washed { 0.0 } else { faces.top[i] };
            self.bottom[i] = faces.bottom[i];
        }
        let matrix = &mut *self.matrix;
        let film_free = offset == 1 && self.donor_fixed.is_none() && !self.washed;
        if offset == 1 {
            let (diagonal, value) = if self.washed {
                // A washed surface: the emptied film stays at zero.
                (1.0, 0.0)
            } else if let Some(s) = self.donor_fixed {
                // A saturated film is a known potential: an identity row, its coupling on the
                // right.
                (1.0, s)
            } else {
                let own = a0 * self.donor_capacity / dt + self.evaporation;
                let diagonal = self.top.iter().fold(own, |sum, g| sum + g);
                (diagonal, -history(0) * self.donor_capacity / dt)
            };
            matrix.set_row(0, diagonal, &[]);
            rhs[0] = value;
        }
        let surface = self.donor_fixed.unwrap_or(self.concentration);
        // The diagonal adds its terms in the order the faces were first added one by one (the
        // face above, left, right, below, then the surface and the sink), so it has the same
        // bits; a face that does not exist is a zero entry of its list (the outer column's
        // radial faces, the bottom row's axial ones), and adding +0 to a positive sum leaves
        // it as it is, so each term is one pass over every cell, in vectors.
        let mut diagonal = own;
        let cells = nr * nz;
        for (d, g) in diagonal[nr..].iter_mut().zip(&faces.axial[..cells - nr]) {
            *d += g;
        }
        for (d, g) in diagonal[1..].iter_mut().zip(&faces.radial[..cells - 1]) {
            *d += g;
        }
        for (d, g) in diagonal.iter_mut().zip(&faces.radial) {
            *d += g;
        }
        for (d, g) in diagonal.iter_mut().zip(&faces.axial) {
            *d += g;
        }
        for (d, g) in diagonal.iter_mut().zip(self.top.iter()) {
            *d += g;
        }
        for (d, g) in diagonal[cells - nr..].iter_mut().zip(&faces.bottom) {
            *d += g;
        }
        // The top row couples to the film (or takes the surface on the right); every other
        // row has two entries left of the diagonal, each written once, `0 − g` as adding `−g`
        // to a cleared entry gave (the one of a first column is the zero radial face: +0, as
        // the cleared entry).
        for (i, top_diagonal) in diagonal[..nr].iter().enumerate() {
            let row = offset + i;
            let mut left = [(0, 0.0); 2];
            let mut count = 0;
            if i > 0 {
                left[count] = (row - 1, 0.0 - faces.radial[i - 1]);
                count += 1;
            }
            let g = self.top[i];
            if film_free {
                left[count] = (0, 0.0 - g);
                count += 1;
            } else {
                rhs[row] += g * surface;
            }
            matrix.set_row(row, *top_diagonal, &left[..count]);
        }
        for (k, row_diagonal) in diagonal.iter().enumerate().skip(nr) {
            let (row, row_diagonal) = (offset + k, *row_diagonal);
            let above = (row - nr, 0.0 - faces.axial[k - nr]);
            if nr > 1 {
                let beside = (row - 1, 0.0 - faces.radial[k - 1]);
                matrix.set_row(row, row_diagonal, &[above, beside]);
            } else {
                matrix.set_row(row, row_diagonal, &[above]);
            }
        }
        if !matrix.factorize() {
            return None;
        }
        matrix.solve(&mut rhs);
        Some(rhs)
    }
}

/// Amounts per unit cell in the tissue of each layer and in the channel fluid at potentials
/// `u` (the caller scales them and adds the donor and the outputs).
pub(super) fn snapshot(
    grid: &Grid,
    c: &Cells,
    u: &[f64],
    offset: usize,
    time_s: f64,
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
        donor: 0.0,
        layers,
        channel,
        cleared: 0.0,
        sink: 0.0,
        evaporated: 0.0,
        washed: 0.0,
        profile: with_profile.then_some(profile),
    }
}
