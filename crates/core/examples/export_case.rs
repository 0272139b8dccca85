//! Writes the default delivery case (minoxidil, 1 mm pen, cheek, 24 h, 10 mg/mL) as JSON: the
//! discretized unit cell, the step sizes, this solver's end state and its time, for
//! bench/fipy_delivery.py to solve the same problem on the same grid and steps.
//! Run: `cargo run --release -p microneedling-core --example export_case > case.json`

use std::time::Instant;

use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::solver::{DoseSpec, Scheme, Stepping, discretization, solve};
use microneedling_core::transport::{DeliveryRequest, Dose, unit_cell};

fn main() -> Result<(), Box<dyn std::error::Error>> {
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
    let mut times_ms = Vec::new();
    let mut solution = solve(&cell, stepping, end, &[end], &[]);
    for _ in 0..20 {
        let start = Instant::now();
        solution = solve(&cell, stepping, end, &[end], &[]);
        times_ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    times_ms.sort_by(f64::total_cmp);
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
        "concentration_ug_per_ml": concentration_ug_per_ml,
        "step_sizes_s": solution.step_sizes_s,
        "final_potential": solution.final_potential,
        "rust_median_ms": times_ms[times_ms.len() / 2],
        "unknowns": solution.unknowns,
    });
    println!("{case}");
    Ok(())
}
