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

mod assembly;
mod discretization;
mod faces;
mod film;
mod steady;
mod stepping;

pub use discretization::{Discretization, discretization};
use film::Film;
pub use steady::{SteadyState, steady_state};

use assembly::{Cells, System, cells, snapshot};
use faces::Faces;
use stepping::{Ledger, Outputs, at_stop, coefficients, grown, next_step, stops};

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
        /// Applied amount over the film's volume (µg/mL): dissolved up to the solubility, the
        /// rest a solid (or neat liquid) reservoir on the surface.
        concentration_ug_per_ml: f64,
        /// Film thickness (µm); the applied amount is concentration × thickness.
        film_thickness_um: f64,
        /// Saturated concentration of the film (µg/mL), `None` for no limit.
        solubility_ug_per_ml: Option<f64>,
        /// Evaporation velocity on the dissolved concentration (µm/s): the flux to the air is
        /// this times the film's concentration.
        evaporation_um_per_s: f64,
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
    /// When the surface is washed (s): the donor (film and solid, or the reservoir) is removed
    /// and the surface closed; `None` for no wash.
    pub wash_at_s: Option<f64>,
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
    /// Left on the surface: the film and any undissolved solid.
    pub donor: f64,
    /// Drug in the tissue of each layer (channel fluid excluded).
    pub layers: Vec<f64>,
    /// Drug in the fluid of the channel.
    pub channel: f64,
    /// Cleared to blood inside the layers.
    pub cleared: f64,
    /// Crossed the bottom of the stack.
    pub sink: f64,
    /// Evaporated from the surface film.
    pub evaporated: f64,
    /// Removed by washing the surface.
    pub washed: f64,
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

/// What stays fixed over one solve: the grid, the cells, the dose and unit conversions.
struct Setup<'a> {
    cell: &'a UnitCell,
    grid: Grid,
    c: Cells,
    concentration: f64,
    film: Option<Film>,
    /// 1 when the first unknown is the donor film's potential, else 0.
    offset: usize,
    /// Number of unknowns.
    n: usize,
    /// µg/mL × µm³ per unit cell → µg/cm² of skin.
    to_ug_per_cm2: f64,
    vehicle_dk: f64,
    /// Bottom of the stack (µm).
    depth: f64,
    /// The cells a channel runs through (ascending): the only ones whose D·K changes in time.
    channel_cells: Vec<usize>,
}

impl<'a> Setup<'a> {
    fn new(cell: &'a UnitCell) -> Self {
        let grid = grid::build(
            cell.radius_um,
            &cell.layers,
            cell.channel.as_ref(),
            cell.radial_cells,
        );
        let (nr, nz) = (grid.nr(), grid.nz());
        let c = cells(&grid, &cell.layers, cell.channel.is_some());
        let unit_area = std::f64::consts::PI * cell.radius_um * cell.radius_um;
        let (concentration, film) = match cell.dose {
            DoseSpec::Infinite {
                concentration_ug_per_ml,
            } => (concentration_ug_per_ml, None),
            DoseSpec::Finite {
                concentration_ug_per_ml,
                film_thickness_um,
                solubility_ug_per_ml,
                evaporation_um_per_s,
            } => (
                concentration_ug_per_ml,
                Some(Film {
                    capacity: unit_area * film_thickness_um,
                    solubility: solubility_ug_per_ml,
                    evaporation: unit_area * evaporation_um_per_s,
                }),
            ),
        };
        let offset = usize::from(film.is_some());
        let n = offset + nr * nz;
        let vehicle_dk = cell
            .channel
            .as_ref()
            .map_or(0.0, |ch| ch.vehicle_diffusivity_um2_per_s);
        let depth = *grid.z_faces.last().unwrap_or(&0.0);
        let channel_cells = (0..nr * nz).filter(|k| c.fraction[*k] != 0.0).collect();
        Self {
            cell,
            grid,
            c,
            concentration,
            film,
            offset,
            n,
            to_ug_per_cm2: 1e-4 / unit_area,
            vehicle_dk,
            depth,
            channel_cells,
        }
    }

    fn donor_capacity(&self) -> f64 {
        self.film.map_or(0.0, |f| f.capacity)
    }

    /// After a step, what is left of the solid: the initial solid less what the donor ledger
    /// drew from it. When it ran out within the step the film gave the rest; returns `true` then,
    /// because the history no longer follows one recursion (the next step is backward Euler).
    fn settle_solid(
        &self,
        u: &mut [f64],
        solid: &mut f64,
        solid_initial: f64,
        out: &mut Outputs,
    ) -> bool {
        let Some(film) = self.film else {
            return false;
        };
        *solid = solid_initial - out.donor_in;
        if *solid >= 0.0 {
            return false;
        }
        u[0] = (u[0] + *solid / film.capacity).max(0.0);
        out.donor_in = solid_initial;
        *solid = 0.0;
        true
    }

    /// Washes the surface: empties the film and returns what it held. The solid never entered
    /// the stored mass (the donor ledger counts it as it is drawn), so the caller reports it apart.
    fn wash(&self, u: &mut [f64]) -> f64 {
        if self.offset == 1 {
            self.donor_capacity() * std::mem::take(&mut u[0])
        } else {
            0.0
        }
    }

    /// Initial potentials and solid reservoir: channel fluid at the donor's dissolved
    /// concentration (a finite film gives up what fills the channels, as far as it holds), the
    /// film saturated at most, the excess as a solid, tissue empty.
    fn initial_state(&self) -> (Vec<f64>, f64) {
        let (c, offset) = (&self.c, self.offset);
        let cells = self.grid.nr() * self.grid.nz();
        let mut u = vec![0.0; self.n];
        let dissolved = self
            .film
            .map_or(self.concentration, |f| f.saturated(self.concentration));
        let applied = self.donor_capacity() * self.concentration;
        let mut fill = 0.0;
        if self.cell.channel.is_some() && self.cell.channel_prefilled {
            let volume: f64 = (0..cells).map(|k| c.fraction[k] * c.volume[k]).sum();
            let wanted = volume * dissolved;
            let scale = if self.film.is_some() {
                (applied / wanted.max(f64::MIN_POSITIVE)).min(1.0)
            } else {
                1.0
            };
            for k in 0..cells {
                u[offset + k] = scale * c.fraction[k] * c.volume[k] * dissolved / c.capacity[k];
            }
            fill = scale * wanted;
        }
        let Some(film) = self.film else {
            return (u, 0.0);
        };
        let left = (applied - fill).max(0.0);
        u[0] = film.saturated(left / film.capacity);
        let solid = (left - u[0] * film.capacity).max(0.0);
        (u, solid)
    }

    /// Drug held in the tissue, the channel fluid and the donor film (the solid excluded).
    fn storage(&self, u: &[f64]) -> f64 {
        let (c, offset) = (&self.c, self.offset);
        let tissue: f64 = (0..self.grid.nr() * self.grid.nz())
            .map(|k| c.capacity[k] * u[offset + k])
            .sum();
        tissue + self.donor_capacity() * if offset == 1 { u[0] } else { 0.0 }
    }

    /// Each cell's D·K at time `t`: a channel cell conducts like the vehicle while open and like
    /// the tissue once closed; every other cell like its tissue, at all times.
    fn conductivities(&self, t: f64) -> Vec<f64> {
        let mut dk = self.c.dk_tissue.clone();
        self.update_conductivities(t, &mut dk);
        dk
    }

    /// Updates the channel cells of `dk`, from [`Self::conductivities`], to time `t` (the
    /// others never change, so [`Faces::refresh`] need not look at them).
    fn update_conductivities(&self, t: f64, dk: &mut [f64]) {
        let channel = self.cell.channel.as_ref();
        let half_life = channel.and_then(|ch| ch.half_life_s);
        let residual = channel.map_or(0.0, |ch| ch.residual_open_fraction);
        let phi = half_life.map_or(1.0, |h| residual + (1.0 - residual) * (-LN_2 * t / h).exp());
        let vehicle_dk = self.vehicle_dk;
        for &k in &self.channel_cells {
            let (tissue, fraction) = (self.c.dk_tissue[k], self.c.fraction[k]);
            dk[k] = tissue + fraction * phi * (vehicle_dk - tissue);
        }
    }

    /// The faces' conductances at `dk`.
    fn faces(&self, dk: &[f64]) -> Faces {
        Faces::new(&self.grid, &self.c, dk, &self.channel_cells, self.depth)
    }

    /// Relative mass-balance error:
    /// `|storage + outputs − inputs − initial| ÷ (initial + inputs)`, where the inputs are what
    /// an infinite donor or the solid reservoir gave.
    fn balance_error(&self, u: &[f64], initial_mass: f64, out: &Outputs) -> f64 {
        let reference = (initial_mass + out.donor_in).abs().max(f64::MIN_POSITIVE);
        (self.storage(u) + out.cleared + out.sink + out.evaporated + out.washed
            - out.donor_in
            - initial_mass)
            .abs()
            / reference
    }

    /// The amounts at `time_s` in µg/cm² of skin, with the depth profile if asked.
    fn snapshot(
        &self,
        u: &[f64],
        solid: f64,
        time_s: f64,
        out: &Outputs,
        with_profile: bool,
    ) -> Snapshot {
        let film = if self.offset == 1 {
            self.donor_capacity() * u[0]
        } else {
            0.0
        };
        let mut snap = snapshot(
            &self.grid,
            &self.c,
            u,
            self.offset,
            time_s,
            with_profile,
            self.cell.layers.len(),
        );
        let scale = self.to_ug_per_cm2;
        snap.donor = (film + solid) * scale;
        snap.cleared = out.cleared * scale;
        snap.sink = out.sink * scale;
        snap.evaporated = out.evaporated * scale;
        snap.washed = out.washed * scale;
        snap.layers.iter_mut().for_each(|m| *m *= scale);
        snap.channel *= scale;
        snap
    }

    /// The linear system of one step, over the caller's work buffers; `donor_fixed` holds a
    /// saturated film at that potential.
    fn system<'s>(
        &'s self,
        faces: &'s Faces,
        donor_fixed: Option<f64>,
        washed: bool,
        matrix: &'s mut BandMatrix,
        top: &'s mut [f64],
        bottom: &'s mut [f64],
    ) -> System<'s> {
        System {
            grid: &self.grid,
            cells: &self.c,
            faces,
            offset: self.offset,
            donor_capacity: self.donor_capacity(),
            evaporation: self.film.map_or(0.0, |f| f.evaporation),
            donor_fixed,
            washed,
            concentration: self.concentration,
            matrix,
            top,
            bottom,
        }
    }
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
    let setup = Setup::new(cell);
    let nr = setup.grid.nr();
    let (mut u, solid_initial) = setup.initial_state();
    let mut solid = solid_initial;
    let initial_mass = setup.storage(&u);

    let mut matrix = BandMatrix::zeros(setup.n, nr.max(1));
    let mut dk = setup.conductivities(0.0);
    let mut faces = setup.faces(&dk);
    let mut top = vec![0.0; nr];
    let mut bottom = vec![0.0; nr];
    let mut u_prev: Option<Vec<f64>> = None;
    let mut ledger = Ledger::new();
    let mut dt_prev: Option<f64> = None;
    let mut dt_nominal = stepping.first_step_s;
    let mut t = 0.0;
    let mut steps = 0;
    let mut max_error = 0.0_f64;
    let mut min_potential = u.iter().copied().fold(f64::INFINITY, f64::min);
    let mut snapshots = Vec::new();
    let mut uptake_rate = Vec::new();
    let mut step_sizes_s = Vec::new();
    let mut stop_times: Vec<f64> = report_s.to_vec();
    stop_times.extend(cell.wash_at_s.filter(|w| *w > 0.0 && *w < end_s));
    stop_times.sort_by(f64::total_cmp);
    let stops = stops(&stop_times, end_s);
    let mut stop_index = 0;
    let mut washed = false;
    let mut washed_solid = 0.0;

    while stop_index < stops.len() {
        let stop = stops[stop_index];
        let dt = next_step(dt_nominal, dt_prev, t, stop);
        let t_new = t + dt;
        let planned = coefficients(dt, dt_prev, u_prev.is_some(), stepping.scheme);
        setup.update_conductivities(t_new, &mut dk);
        faces.refresh(&setup.grid, &setup.c, &dk);
        // While solid is left, it keeps the film saturated.
        let donor_fixed = setup
            .film
            .and_then(|f| f.solubility)
            .filter(|_| solid > 0.0 && !washed);
        let mut system = setup.system(
            &faces,
            donor_fixed,
            washed,
            &mut matrix,
            &mut top,
            &mut bottom,
        );
        let Some((u_new, used)) = system.step(&u, u_prev.as_deref(), dt, planned) else {
            // SPD by construction; a failed pivot means non-finite input that validation missed.
            break;
        };
        let fluxes = system.fluxes(&u_new);
        ledger.record(dt, used, &fluxes);
        u_prev = Some(std::mem::replace(&mut u, u_new));
        if !washed && setup.settle_solid(&mut u, &mut solid, solid_initial, &mut ledger.now) {
            u_prev = None;
        }
        dt_prev = Some(dt);
        step_sizes_s.push(dt);
        t = t_new;
        steps += 1;
        dt_nominal = grown(dt_nominal, dt, stepping);

        let error = setup.balance_error(&u, initial_mass, &ledger.now);
        max_error = max_error.max(error);
        min_potential = min_potential.min(u.iter().copied().fold(f64::INFINITY, f64::min));
        uptake_rate.push((
            t,
            (fluxes.cleared + fluxes.sink) * setup.to_ug_per_cm2 * 3600.0,
        ));

        if at_stop(t, stop) {
            t = stop;
            if !washed && cell.wash_at_s.is_some_and(|w| at_stop(w, stop)) {
                // The jump breaks the BDF2 history: the next step is backward Euler.
                ledger.now.washed += setup.wash(&mut u);
                washed_solid = std::mem::take(&mut solid);
                washed = true;
                u_prev = None;
            }
            if report_s.iter().any(|r| at_stop(*r, stop)) {
                let with_profile = profile_s.iter().any(|p| at_stop(*p, stop));
                let mut snap = setup.snapshot(&u, solid, t, &ledger.now, with_profile);
                snap.washed += washed_solid * setup.to_ug_per_cm2;
                snapshots.push(snap);
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
        unknowns: setup.n,
        step_sizes_s,
        final_potential: u,
    }
}
