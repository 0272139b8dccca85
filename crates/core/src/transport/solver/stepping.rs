//! Time: step sizes, BDF2 coefficients, output times and the ledger of cumulative outputs.

use super::{Scheme, Stepping};

/// `(a0, a1, a2)` of `a0 u_new + a1 u + a2 u_prev = dt · f(u_new)`.
pub(super) type Coefficients = (f64, f64, f64);

/// Backward Euler's coefficients: the first step, and the retry of an undershooting BDF2 step.
pub(super) const BACKWARD_EULER: Coefficients = (1.0, -1.0, 0.0);

/// The times the run must land on exactly: every report time in (0, end], and the end.
pub(super) fn stops(report_s: &[f64], end_s: f64) -> Vec<f64> {
    let mut stops: Vec<f64> = report_s
        .iter()
        .copied()
        .filter(|s| *s > 0.0 && *s <= end_s)
        .collect();
    stops.push(end_s);
    stops.sort_by(f64::total_cmp);
    stops.dedup();
    stops
}

/// Whether `time` is `stop`, to a relative 1e-9 (report times come from user input in hours).
pub(super) fn at_stop(time: f64, stop: f64) -> bool {
    (time - stop).abs() <= 1e-9 * stop.max(1.0)
}

/// The next step from `t`: the nominal step, at most twice the previous one, and landing on
/// `stop` rather than leaving a sliver before it.
pub(super) fn next_step(dt_nominal: f64, dt_prev: Option<f64>, t: f64, stop: f64) -> f64 {
    let mut dt = dt_nominal.min(stop - t);
    if let Some(prev) = dt_prev {
        // Variable-step BDF2 is zero-stable for step ratios below 1 + √2.
        dt = dt.min(2.0 * prev);
    }
    if stop - (t + dt) < 1e-6 * dt {
        dt = stop - t;
    }
    dt
}

/// Variable-step BDF2 coefficients when there is a previous step to use, else backward Euler.
pub(super) fn coefficients(
    dt: f64,
    dt_prev: Option<f64>,
    has_history: bool,
    scheme: Scheme,
) -> Coefficients {
    match dt_prev {
        Some(prev) if has_history && scheme == Scheme::Bdf2 => {
            let w = dt / prev;
            ((1.0 + 2.0 * w) / (1.0 + w), -(1.0 + w), w * w / (1.0 + w))
        }
        _ => BACKWARD_EULER,
    }
}

/// The nominal step grows only after a full step: a step cut short by a stop does not count.
pub(super) fn grown(dt_nominal: f64, dt: f64, stepping: Stepping) -> f64 {
    if dt >= dt_nominal * (1.0 - 1e-9) {
        (dt_nominal * stepping.growth).min(stepping.max_step_s)
    } else {
        dt_nominal
    }
}

/// Amounts (or fluxes) leaving and entering the tissue, in µg/mL × µm³ per unit cell (per s
/// for fluxes).
pub(super) struct Outputs {
    pub(super) cleared: f64,
    pub(super) sink: f64,
    /// What an infinite donor, or the solid reservoir of a saturated film, gave.
    pub(super) donor_in: f64,
    /// What left the film to the air.
    pub(super) evaporated: f64,
    /// What washing removed from the surface (an instant, not a flux).
    pub(super) washed: f64,
}

/// Cumulative outputs now and one step back. They are integrated with the storage's own BDF
/// recursion, so `storage + cleared + sink + evaporated − donor input` is conserved to round-off.
pub(super) struct Ledger {
    pub(super) now: Outputs,
    prev: Outputs,
}

impl Ledger {
    /// Nothing out, nothing in.
    pub(super) fn new() -> Self {
        let zero = || Outputs {
            cleared: 0.0,
            sink: 0.0,
            donor_in: 0.0,
            evaporated: 0.0,
            washed: 0.0,
        };
        Self {
            now: zero(),
            prev: zero(),
        }
    }

    /// Adds one step of `fluxes` with the step's `coefficients`.
    pub(super) fn record(&mut self, dt: f64, (a0, a1, a2): Coefficients, fluxes: &Outputs) {
        // A backward-Euler retry restarts the recursion: the older value has no weight then.
        let accumulate = |now: f64, prev: f64, flux: f64| (dt * flux - a1 * now - a2 * prev) / a0;
        let next = Outputs {
            cleared: accumulate(self.now.cleared, self.prev.cleared, fluxes.cleared),
            sink: accumulate(self.now.sink, self.prev.sink, fluxes.sink),
            donor_in: accumulate(self.now.donor_in, self.prev.donor_in, fluxes.donor_in),
            evaporated: accumulate(self.now.evaporated, self.prev.evaporated, fluxes.evaporated),
            washed: self.now.washed,
        };
        self.prev = std::mem::replace(&mut self.now, next);
    }
}
