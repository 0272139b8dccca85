//! Sensitivity of delivery to channel depth, spacing and diameter (each +50 %).
//! Run: `cargo run --release -p microneedling-core --example factors`

use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::solver::{Stepping, UnitCell, solve};
use microneedling_core::transport::{DeliveryRequest, Dose, unit_cell};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kb = KnowledgeBase::embedded()?;
    let skin = SkinProfile::new(kb.site("cheek")?, Sex::Female, 35.0, &kb.age_model)?;
    let end = 24.0 * 3600.0;
    for agent_id in ["ascorbic-acid", "minoxidil", "tretinoin", "hyaluronic-acid"] {
        for device_id in ["dermapen", "dermaroller-192"] {
            let agent = kb.agent(agent_id)?;
            let device = kb.device(device_id)?;
            let penetration = kb
                .penetration
                .simulate(device, 1.0, &skin, device.default_passes);
            let r = DeliveryRequest::builder(agent_id, agent.solute()?, penetration, skin.clone())
                .dose(Dose::Infinite { mg_per_ml: 20.0 })
                .build()?;
            let (cell, _) = unit_cell(&kb.transport, &r, true);
            let run = |cell: &UnitCell| {
                let p = solve(cell, Stepping::default(), end, &[end], &[])
                    .snapshots
                    .pop()
                    .expect("end");
                (
                    p.layers[1] + p.layers[2] + p.layers[3] + p.cleared + p.sink,
                    p.cleared + p.sink,
                )
            };
            let base = run(&cell);
            let mut deeper = cell.clone();
            deeper.channel.as_mut().ok_or("channel")?.depth_um *= 1.5;
            let mut sparser = cell.clone();
            sparser.radius_um *= 1.5;
            let mut wider = cell.clone();
            wider.channel.as_mut().ok_or("channel")?.radius_um *= 1.5;
            let e = |q: (f64, f64)| ((q.0 / base.0 - 1.0) * 100.0, (q.1 / base.1 - 1.0) * 100.0);
            println!(
                "{agent_id:16} {device_id:16} absorbed/blood %: depth {:?} spacing {:?} diameter {:?}",
                e(run(&deeper)),
                e(run(&sparser)),
                e(run(&wider))
            );
        }
    }
    Ok(())
}
