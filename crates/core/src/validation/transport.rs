//! Transport against analytic solutions (Crank's membrane, series resistance), its own numerics
//! (mass balance, grid convergence, closure limit) and published rankings.

use super::{CaseKind, Scope, ValidationCase, bound_case, claim_case, relative_case};
use crate::KnowledgeBase;
use crate::skin::{Sex, SkinProfile};
use crate::transport::grid::LayerSpec;
use crate::transport::solver::{DoseSpec, Solution, Stepping, UnitCell, solve};
use crate::transport::{
    Delivery, DeliveryRequest, DeliveryRequestBuilder, Dose, GridResolution, simulate, unit_cell,
};

const C0: f64 = 1000.0;
/// µg/cm² → µg/mL·µm.
const PER_UM: f64 = 1e4;

fn membrane(layers: Vec<LayerSpec>) -> UnitCell {
    UnitCell {
        radius_um: 100.0,
        layers,
        channel: None,
        channel_prefilled: false,
        dose: DoseSpec::Infinite {
            concentration_ug_per_ml: C0,
        },
        radial_cells: 1,
        wash_at_s: None,
    }
}

fn layer(thickness_um: f64, cells: usize, d: f64, k: f64) -> LayerSpec {
    LayerSpec::membrane(thickness_um, cells, d, k)
}

fn fine_steps(lag_s: f64) -> Stepping {
    Stepping {
        first_step_s: lag_s * 1e-4,
        growth: 1.05,
        max_step_s: lag_s / 100.0,
        ..Stepping::default()
    }
}

/// Crank's constant-concentration membrane: cumulative amount into a sink per area, µg/mL·µm.
pub fn crank_cumulative(h: f64, d: f64, k: f64, c0: f64, t: f64) -> f64 {
    let pi2 = std::f64::consts::PI.powi(2);
    let tau = d * t / (h * h);
    let series: f64 = (1..200)
        .map(|n| {
            let n = f64::from(n);
            let sign = if n % 2.0 == 0.0 { 1.0 } else { -1.0 };
            sign / (n * n) * (-n * n * pi2 * tau).exp()
        })
        .sum();
    k * h * c0 * (tau - 1.0 / 6.0 - 2.0 / pi2 * series)
}

/// A homogeneous membrane against the Crank series: amount after three lag times, lag time.
pub fn crank_membrane() -> Vec<ValidationCase> {
    let (h, d, k) = (20.0, 0.5, 3.0);
    let lag = h * h / (6.0 * d);
    let times: Vec<f64> = [1.0, 2.0, 3.0, 6.0, 9.0, 12.0]
        .iter()
        .map(|x| x * lag)
        .collect();
    let s = solve(
        &membrane(vec![layer(h, 60, d, k)]),
        fine_steps(lag),
        12.0 * lag,
        &times,
        &[],
    );
    let q = |i: usize| s.snapshots.get(i).map_or(f64::NAN, |p| p.sink * PER_UM);
    let slope = (q(5) - q(4)) / (times[5] - times[4]);
    let source =
        "Crank, The Mathematics of Diffusion: constant-concentration membrane [@crank1975]";
    vec![
        relative_case(
            Scope(CaseKind::Analytic, "transport"),
            "transport-crank-amount",
            "Membrane: cumulative amount after three lag times",
            source,
            crank_cumulative(h, d, k, C0, 3.0 * lag),
            q(2),
            0.005,
        ),
        relative_case(
            Scope(CaseKind::Analytic, "transport"),
            "transport-crank-lag",
            "Membrane: lag time h^2/6D, s",
            source,
            lag,
            times[5] - q(5) / slope,
            0.01,
        ),
        bound_case(
            Scope(CaseKind::Analytic, "transport"),
            "transport-crank-mass-balance",
            "Membrane: largest relative mass-balance error over all steps",
            "conservation",
            s.max_mass_balance_error,
            0.0,
            1e-9,
        ),
    ]
}

/// Two layers in series: steady flux against the series resistance.
pub fn two_layers() -> ValidationCase {
    let (h1, d1, k1) = (10.0, 0.05, 8.0);
    let (h2, d2, k2) = (60.0, 20.0, 0.7);
    let expected = C0 / (h1 / (d1 * k1) + h2 / (d2 * k2));
    let lag = (h1 * h1 / d1).max(h2 * h2 / d2);
    let s = solve(
        &membrane(vec![layer(h1, 30, d1, k1), layer(h2, 30, d2, k2)]),
        fine_steps(lag),
        20.0 * lag,
        &[19.0 * lag, 20.0 * lag],
        &[],
    );
    let flux = match s.snapshots.as_slice() {
        [a, b] => (b.sink - a.sink) * PER_UM / lag,
        _ => f64::NAN,
    };
    relative_case(
        Scope(CaseKind::Analytic, "transport"),
        "transport-two-layers",
        "Two layers in series: steady flux, ug/mL um/s",
        "series resistance C0 / (h1/(D1 K1) + h2/(D2 K2))",
        expected,
        flux,
        0.005,
    )
}

/// The request every default transport case uses: an agent through a device at the cheek of a
/// 35-year-old woman, 24 h; the builder lets a case change the grid or the stepping.
pub fn cheek_request(
    kb: &KnowledgeBase,
    agent: &str,
    device: &str,
    length_mm: f64,
    passes: Option<u32>,
    occluded: bool,
    dose: Dose,
) -> Option<DeliveryRequest> {
    cheek_builder(kb, agent, device, length_mm, passes, occluded, dose)?
        .build()
        .ok()
}

fn cheek_builder(
    kb: &KnowledgeBase,
    agent: &str,
    device: &str,
    length_mm: f64,
    passes: Option<u32>,
    occluded: bool,
    dose: Dose,
) -> Option<DeliveryRequestBuilder> {
    let agent = kb.agent(agent).ok()?;
    let device = kb.device(device).ok()?;
    let skin = SkinProfile::new(kb.site("cheek").ok()?, Sex::Female, 35.0, &kb.age_model).ok()?;
    let passes = passes.unwrap_or(device.default_passes);
    let penetration = kb.penetration.simulate(device, length_mm, &skin, passes);
    Some(
        DeliveryRequest::builder(&agent.id, agent.solute().ok()?, penetration, skin)
            .occluded(occluded)
            .dose(dose),
    )
}

fn absorbed(d: &Delivery) -> f64 {
    d.delivered_ug_per_cm2
        .last()
        .map_or(f64::NAN, |p| p.absorbed)
}

fn absorbed_of(s: &Solution) -> f64 {
    s.snapshots.last().map_or(f64::NAN, |p| {
        p.layers[1..].iter().sum::<f64>() + p.cleared + p.sink
    })
}

/// Mass balance of full delivery runs, finite and infinite doses, several agents.
pub fn delivery_mass_balance(kb: &KnowledgeBase) -> ValidationCase {
    let mut worst = 0.0_f64;
    for dose in [
        Dose::Infinite { mg_per_ml: 50.0 },
        Dose::Finite { ug_per_cm2: 500.0 },
    ] {
        for agent in ["ascorbic-acid", "minoxidil", "tretinoin", "hyaluronic-acid"] {
            worst = worst.max(
                cheek_request(kb, agent, "dermapen", 1.0, None, false, dose)
                    .map_or(f64::NAN, |r| {
                        simulate(&kb.transport, &r).numerics.max_mass_balance_error
                    }),
            );
        }
    }
    bound_case(
        Scope(CaseKind::Analytic, "transport"),
        "transport-mass-balance",
        "Delivery runs (4 agents, finite and infinite dose): largest relative mass-balance error",
        "conservation",
        worst,
        0.0,
        1e-9,
    )
}

/// Grid convergence: observed order over 1x, 2x, 4x grids, and the default grid's error.
pub fn grid_convergence(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    let at = |resolution: GridResolution| {
        cheek_builder(
            kb,
            "ascorbic-acid",
            "dermaroller-192",
            1.0,
            None,
            false,
            Dose::Infinite { mg_per_ml: 100.0 },
        )
        .and_then(|b| b.resolution(resolution).build().ok())
        .map_or((f64::NAN, f64::NAN), |r| {
            // The steady permeability with channels open carries no time-stepping error: the
            // order it shows is the grid's alone.
            let kp = crate::transport::solver::steady_state(&unit_cell(&kb.transport, &r, true).0)
                .map_or(f64::NAN, |s| s.permeability_um_per_s);
            (kp, absorbed(&simulate(&kb.transport, &r)))
        })
    };
    let base = GridResolution::default();
    let ((k1, q1), (k2, _), (k4, q4)) = (at(base), at(base.refined(2)), at(base.refined(4)));
    vec![
        bound_case(
            Scope(CaseKind::Analytic, "transport"),
            "transport-grid-order",
            "Observed order of convergence over 1x, 2x, 4x grids (steady permeability with the channels open)",
            "second-order finite volumes",
            ((k1 - k2).abs() / (k2 - k4).abs()).log2(),
            1.5,
            3.0,
        ),
        relative_case(
            Scope(CaseKind::Analytic, "transport"),
            "transport-grid-default",
            "Default grid vs 4x refined: 24 h absorbed, ug/cm2",
            "grid convergence",
            q4,
            q1,
            0.01,
        ),
    ]
}

/// Minoxidil at 20 mg/mL through a 1 mm pen on the cheek: the case of the closure limit and of
/// Davidson's ranking.
fn minoxidil_pen(kb: &KnowledgeBase) -> Option<DeliveryRequest> {
    cheek_request(
        kb,
        "minoxidil",
        "dermapen",
        1.0,
        None,
        false,
        Dose::Infinite { mg_per_ml: 20.0 },
    )
}

/// A channel sealed from t = 0 and never filled gives the intact-skin result.
pub fn closed_channel(kb: &KnowledgeBase) -> ValidationCase {
    let Some(r) = minoxidil_pen(kb) else {
        return claim_case(
            Scope(CaseKind::Analytic, "transport"),
            "transport-closed-channel",
            "closed channel",
            "",
            false,
        );
    };
    let (mut cell, _) = unit_cell(&kb.transport, &r, true);
    let (intact, _) = unit_cell(&kb.transport, &r, false);
    if let Some(channel) = cell.channel.as_mut() {
        channel.half_life_s = Some(1e-6);
    }
    cell.channel_prefilled = false;
    let end = 24.0 * 3600.0;
    let closed = absorbed_of(&solve(&cell, Stepping::default(), end, &[end], &[]));
    let baseline = absorbed_of(&solve(&intact, Stepping::default(), end, &[end], &[]));
    relative_case(
        Scope(CaseKind::Analytic, "transport"),
        "transport-closed-channel",
        "Channel closed from t = 0 vs the intact-skin model: 24 h absorbed, ug/cm2",
        "limit of the closure law",
        baseline,
        closed,
        0.01,
    )
}

/// Occlusion slows closure and delivers more; longer needles deliver more.
pub fn closure_and_length(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    let dose = Dose::Infinite { mg_per_ml: 100.0 };
    let run = |length: f64, occluded: bool| {
        cheek_request(
            kb,
            "ascorbic-acid",
            "dermapen",
            length,
            None,
            occluded,
            dose,
        )
        .map(|r| simulate(&kb.transport, &r))
    };
    let (open, occluded) = (run(1.0, false), run(1.0, true));
    let occlusion = open.zip(occluded).is_some_and(|(o, c)| {
        c.channel_half_life_h > 5.0 * o.channel_half_life_h && absorbed(&c) > absorbed(&o)
    });
    let amounts: Vec<f64> = [0.5, 1.0, 1.5, 2.0]
        .iter()
        .map(|l| run(*l, false).map_or(f64::NAN, |d| absorbed(&d)))
        .collect();
    vec![
        claim_case(
            Scope(CaseKind::Calibration, "transport"),
            "transport-occlusion",
            "Occluded channels (t1/2 about a day) deliver more by 24 h than open ones (about 2 h)",
            "Gupta et al. 2011 [@gupta2011]; Brogden group 2021 [@brogden2021]",
            occlusion,
        ),
        claim_case(
            Scope(CaseKind::Calibration, "transport"),
            "transport-needle-length",
            "Longer needles deliver more (0.5, 1, 1.5, 2 mm pen)",
            "Gupta et al. 2011 [@gupta2011] (longer needles reseal more slowly); Davidson et al. 2008 [@davidson2008]",
            amounts.windows(2).all(|w| w[1] > w[0]),
        ),
    ]
}

/// Davidson, Al-Qallaf & Das 2008: depth, then spacing, before diameter (coated-needle setting).
pub fn davidson_ranking(kb: &KnowledgeBase) -> ValidationCase {
    let source = "Davidson, Al-Qallaf & Das, Chem Eng Res Des 2008;86:1196 [@davidson2008]";
    let Some(r) = minoxidil_pen(kb) else {
        return claim_case(
            Scope(CaseKind::Independent, "transport"),
            "transport-davidson-ranking",
            "ranking",
            source,
            false,
        );
    };
    let (mut cell, _) = unit_cell(&kb.transport, &r, true);
    let tissue = cell.layers[2].diffusivity_um2_per_s * cell.layers[2].partition;
    if let Some(c) = cell.channel.as_mut() {
        // Their drug lines the whole channel: a fluid 1e5 times more conductive than tissue holds
        // the donor concentration to the tip; channels stay open.
        c.half_life_s = None;
        c.barrier_open_fraction = 1.0;
        c.vehicle_diffusivity_um2_per_s = 1e5 * tissue;
    }
    // Diffusion only, to a sink below the dermis.
    for layer in cell.layers.iter_mut() {
        layer.clearance_per_s = 0.0;
    }
    let end = 24.0 * 3600.0;
    let run = |cell: &UnitCell| {
        solve(cell, Stepping::default(), end, &[end], &[])
            .uptake_rate
            .last()
            .map_or(f64::NAN, |x| x.1)
    };
    let base = run(&cell);
    let vary = |change: &dyn Fn(&mut UnitCell)| {
        let mut changed = cell.clone();
        change(&mut changed);
        ((run(&changed) - base) / base).abs()
    };
    let depth = vary(&|c| c.channel.iter_mut().for_each(|ch| ch.depth_um *= 1.5));
    let spacing = vary(&|c| c.radius_um *= 1.5);
    let diameter = vary(&|c| c.channel.iter_mut().for_each(|ch| ch.radius_um *= 1.5));
    claim_case(
        Scope(CaseKind::Independent, "transport"),
        "transport-davidson-ranking",
        "Steady flux change for +50 % depth > spacing > diameter",
        source,
        depth > spacing && spacing > diameter,
    )
}

/// J Drug Target 2010;18:15: L-ascorbic acid 10.54x with a microneedle roller (order of magnitude).
pub fn ascorbic_acid(kb: &KnowledgeBase) -> ValidationCase {
    let ratio = ascorbic_acid_request(kb)
        .and_then(|r| simulate(&kb.transport, &r).enhancement_ratio)
        .unwrap_or(f64::NAN);
    let mut case = bound_case(
        Scope(CaseKind::Calibration, "transport"),
        "transport-ascorbic-acid",
        "L-ascorbic acid enhancement, 0.5 mm roller, 36 passes (9 x 4 directions), 10 %, 24 h, cheek (order of magnitude; the stratum corneum open fraction was set with it in view under the former Potts-Guy intact route). Not reproduced since the intact route became the Dancik model: in human stratum corneum the ionised, hydrophilic acid has a lag time of weeks, so a 24 h ratio against it is read long before intact skin starts (the rat skin of the experiment is far more permeable); the open fraction awaits a calibration on a channel-route flux",
        "J Drug Target 2010;18:15 [@you2010] (10.54-fold)",
        ratio,
        10.54 / 10.0,
        10.54 * 10.0,
    );
    case.expected = 10.54;
    case
}

/// The setting of the ascorbic acid case: 10 % on the cheek, 0.5 mm roller, 36 passes, 24 h.
pub fn ascorbic_acid_request(kb: &KnowledgeBase) -> Option<DeliveryRequest> {
    cheek_request(
        kb,
        "ascorbic-acid",
        "dermaroller-192",
        0.5,
        Some(36),
        false,
        Dose::Infinite { mg_per_ml: 100.0 },
    )
}

/// Every transport case.
pub fn transport_cases(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    let mut cases = crank_membrane();
    cases.push(two_layers());
    cases.push(delivery_mass_balance(kb));
    cases.extend(grid_convergence(kb));
    cases.push(closed_channel(kb));
    cases.extend(closure_and_length(kb));
    cases.push(davidson_ranking(kb));
    cases.push(ascorbic_acid(kb));
    cases
}
