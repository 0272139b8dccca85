//! The solver's finite-dose film (solubility limit, solid reservoir, evaporation) and its steady
//! state and lag time, against analytic results and invariants.

use microneedling_core::transport::grid::LayerSpec;
use microneedling_core::transport::solver::{
    DoseSpec, Solution, Stepping, UnitCell, solve, steady_state,
};

fn layer(thickness_um: f64, cells: usize, d: f64, k: f64) -> LayerSpec {
    LayerSpec::membrane(thickness_um, cells, d, k)
}

fn membrane(layers: Vec<LayerSpec>, dose: DoseSpec) -> UnitCell {
    UnitCell {
        radius_um: 100.0,
        layers,
        channel: None,
        channel_prefilled: false,
        dose,
        radial_cells: 1,
        wash_at_s: None,
    }
}

fn film(concentration: f64, solubility: Option<f64>, evaporation_um_per_s: f64) -> DoseSpec {
    DoseSpec::Finite {
        concentration_ug_per_ml: concentration,
        film_thickness_um: 10.0,
        solubility_ug_per_ml: solubility,
        evaporation_um_per_s,
    }
}

fn stack() -> Vec<LayerSpec> {
    vec![layer(15.0, 12, 1e-3, 5.0), layer(100.0, 12, 20.0, 0.8)]
}

fn run(cell: &UnitCell, hours: f64) -> Solution {
    let end = hours * 3600.0;
    solve(cell, Stepping::default(), end, &[end], &[])
}

/// µg/cm² on the surface, in the skin and out (blood, sink, air) at the end.
fn totals(s: &Solution) -> (f64, f64, f64) {
    let end = s.snapshots.last().expect("end");
    let skin: f64 = end.layers.iter().sum::<f64>() + end.channel;
    (end.donor, skin, end.cleared + end.sink + end.evaporated)
}

const INFINITE: DoseSpec = DoseSpec::Infinite {
    concentration_ug_per_ml: 1.0,
};

#[test]
fn steady_state_of_one_membrane_is_crank() {
    let (h, d, k) = (20.0, 0.5, 3.0);
    let s = steady_state(&membrane(vec![layer(h, 40, d, k)], INFINITE)).expect("solves");
    let kp = d * k / h;
    assert!((s.permeability_um_per_s - kp).abs() / kp < 1e-9);
    let lag = h * h / (6.0 * d);
    let computed = s.lag_time_s.expect("lag");
    // The discrete system's lag converges to Crank's at second order: 40 cells, well under 0.1 %.
    assert!((computed - lag).abs() / lag < 1e-3, "{computed} vs {lag}");
}

#[test]
fn steady_state_of_a_laminate_matches_series_resistance_and_the_transient_run() {
    let cell = membrane(stack(), INFINITE);
    let s = steady_state(&cell).expect("solves");
    let resistance: f64 = stack()
        .iter()
        .map(|l| l.thickness_um / (l.diffusivity_um2_per_s * l.partition))
        .sum();
    assert!((s.permeability_um_per_s - 1.0 / resistance).abs() * resistance < 1e-9);
    // The transient run's cumulative output after many lag times lies on J (t − τ).
    let lag = s.lag_time_s.expect("lag");
    let end = 30.0 * lag;
    let steps = Stepping {
        first_step_s: lag * 1e-4,
        growth: 1.05,
        max_step_s: lag / 200.0,
        ..Stepping::default()
    };
    let transient = solve(&cell, steps, end, &[end], &[]);
    let out = transient.snapshots[0].sink; // µg/cm² at 1 µg/mL
    let flux_per_cm2 = s.permeability_um_per_s * 1e-4; // µg/cm²/s at 1 µg/mL
    let lag_from_run = end - out / flux_per_cm2;
    assert!(
        (lag_from_run - lag).abs() / lag < 0.01,
        "transient {lag_from_run} s vs steady formula {lag} s"
    );
}

#[test]
fn a_saturated_film_does_not_deliver_more_when_doubled() {
    let solubility = 50.0;
    let once = run(
        &membrane(stack(), film(2000.0, Some(solubility), 0.0)),
        24.0,
    );
    let twice = run(
        &membrane(stack(), film(4000.0, Some(solubility), 0.0)),
        24.0,
    );
    let (_, skin_once, out_once) = totals(&once);
    let (donor_twice, skin_twice, out_twice) = totals(&twice);
    let absorbed_once = skin_once + out_once;
    assert!(absorbed_once > 0.0);
    assert!(((skin_twice + out_twice) - absorbed_once).abs() / absorbed_once < 1e-9);
    // The extra dose stays on the surface, and nothing is lost.
    let applied_twice = 4000.0 * 10.0 * 1e-4;
    assert!((donor_twice + skin_twice + out_twice - applied_twice).abs() / applied_twice < 1e-9);
    // Without a solubility limit the doubled film pushes twice the flux.
    let unlimited = run(&membrane(stack(), film(4000.0, None, 0.0)), 24.0);
    let (_, s, o) = totals(&unlimited);
    assert!(s + o > 1.5 * absorbed_once);
}

#[test]
fn a_film_that_runs_out_of_solid_keeps_its_mass() {
    // Just above saturation: the solid is gone within hours and the film then depletes.
    let cell = membrane(stack(), film(60.0, Some(50.0), 0.02));
    let s = run(&cell, 48.0);
    assert!(
        s.max_mass_balance_error < 1e-9,
        "{}",
        s.max_mass_balance_error
    );
    let (donor, skin, out) = totals(&s);
    let applied = 60.0 * 10.0 * 1e-4;
    assert!((donor + skin + out - applied).abs() / applied < 1e-9);
    assert!(
        donor < 50.0 * 10.0 * 1e-4,
        "the film is below saturation at the end"
    );
}

#[test]
fn a_volatile_agent_loses_mass_to_the_air() {
    let still = run(&membrane(stack(), film(100.0, Some(500.0), 0.0)), 24.0);
    let volatile = run(&membrane(stack(), film(100.0, Some(500.0), 0.05)), 24.0);
    let end = volatile.snapshots.last().expect("end");
    assert!(end.evaporated > 0.0);
    let (_, s0, o0) = totals(&still);
    let (d1, s1, o1) = totals(&volatile);
    assert!(
        s1 + o1 - end.evaporated < s0 + o0,
        "evaporation leaves less to absorb"
    );
    let applied = 100.0 * 10.0 * 1e-4;
    assert!((d1 + s1 + o1 - applied).abs() / applied < 1e-9);
    assert!(volatile.max_mass_balance_error < 1e-9);
}

#[test]
fn washing_removes_the_surface_and_the_skin_goes_on_absorbing() {
    // A film above saturation washed at 6 h: the film and solid go to `washed`, nothing enters
    // afterwards, what the skin holds keeps moving down, and mass balance holds through the jump.
    let mut cell = membrane(stack(), film(2000.0, Some(50.0), 0.01));
    cell.wash_at_s = Some(6.0 * 3600.0);
    let end = 48.0 * 3600.0;
    let s = solve(&cell, Stepping::default(), end, &[6.0 * 3600.0, end], &[]);
    assert!(
        s.max_mass_balance_error < 1e-9,
        "{}",
        s.max_mass_balance_error
    );
    let (at_wash, last) = (&s.snapshots[0], &s.snapshots[1]);
    assert_eq!(at_wash.donor, 0.0);
    assert!(at_wash.washed > 0.0);
    assert_eq!(last.washed, at_wash.washed);
    assert_eq!(
        last.evaporated, at_wash.evaporated,
        "a washed surface does not evaporate"
    );
    assert!(
        last.sink > at_wash.sink,
        "the skin's reservoir keeps draining"
    );
    let skin_then: f64 = at_wash.layers.iter().sum();
    let skin_now: f64 = last.layers.iter().sum();
    assert!(skin_now < skin_then);
    let applied = 2000.0 * 10.0 * 1e-4;
    let total = last.donor + skin_now + last.sink + last.cleared + last.evaporated + last.washed;
    assert!((total - applied).abs() / applied < 1e-9);
}
