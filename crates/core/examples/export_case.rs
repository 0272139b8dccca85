//! Writes the default delivery case (minoxidil, 1 mm pen, cheek, 24 h, 10 mg/mL) as JSON: the
//! discretized unit cell, the channel's closing law, the step sizes, this solver's end state and
//! the time of each of `--repeats` solves (default 20, after one untimed warm-up solve), for
//! bench/peers.py to rebuild the same per-step systems in numpy and solve them with SciPy and FiPy.
//! Run: `cargo run --release -p microneedling-core --example export_case -- --repeats 20`

use std::time::Instant;

use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::solver::{DoseSpec, Scheme, Stepping, discretization, solve};
use microneedling_core::transport::{DeliveryRequest, Dose, unit_cell};

/// Timed solves when `--repeats` is not given: enough for a stable median at ~10 ms each.
const DEFAULT_REPEATS: usize = 20;

/// `--repeats N` (N ≥ 1), the only argument; anything else is refused with what is accepted.
fn repeats() -> Result<usize, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(DEFAULT_REPEATS),
        [flag, value] if flag == "--repeats" => match value.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!(
                "--repeats: {value:?} is not accepted; give a whole number of timed solves, 1 or more"
            )),
        },
        _ => Err(format!(
            "arguments {args:?} are not accepted; the only argument is --repeats N (N ≥ 1)"
        )),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repeats = repeats()?;
    let kb = KnowledgeBase::embedded()?;
    let agent = kb.agent("minoxidil")?;
    let device = kb.device("dermapen")?;
    let skin = SkinProfile::new(kb.site("cheek")?, Sex::Female, 35.0, &kb.age_model)?;
    let penetration = kb
        .penetration
        .simulate(device, 1.0, &skin, device.default_passes);
    let request = DeliveryRequest::builder(&agent.id, agent.solute()?, penetration, skin)
        .dose(Dose::Infinite { mg_per_ml: 10.0 })
        .build()?;
    let (cell, _) = unit_cell(&kb.transport, &request, true);
    let end = 24.0 * 3600.0;
    let stepping = Stepping {
        scheme: Scheme::BackwardEuler,
        ..Stepping::default()
    };
    // The untimed first solve warms caches and the allocator, as the peers get a warm-up too.
    let mut solution = solve(&cell, stepping, end, &[end], &[]);
    let mut times_ms = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let start = Instant::now();
        solution = solve(&cell, stepping, end, &[end], &[]);
        times_ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let mut sorted_ms = times_ms.clone();
    sorted_ms.sort_by(f64::total_cmp);
    let channel = cell.channel.as_ref().ok_or("the case has a channel")?;
    let DoseSpec::Infinite {
        concentration_ug_per_ml,
    } = cell.dose
    else {
        return Err("infinite dose expected".into());
    };
    let case = serde_json::json!({
        "discretization": discretization(&cell),
        "vehicle_dk_um2_per_s": channel.vehicle_diffusivity_um2_per_s,
        "half_life_s": channel.half_life_s,
        "residual_open_fraction": channel.residual_open_fraction,
        "channel_prefilled": cell.channel_prefilled,
        "concentration_ug_per_ml": concentration_ug_per_ml,
        "step_sizes_s": solution.step_sizes_s,
        "final_potential": solution.final_potential,
        "rust_times_ms": times_ms,
        "rust_median_ms": sorted_ms[sorted_ms.len() / 2],
        "unknowns": solution.unknowns,
    });
    println!("{case}");
    Ok(())
}
