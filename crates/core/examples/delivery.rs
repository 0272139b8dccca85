//! Vitamin C through a 0.5 mm professional roller on the cheek, 24 h, and through intact skin.
//! Run: `cargo run --release -p microneedling-core --example delivery`

use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::{DeliveryRequest, Dose, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kb = KnowledgeBase::embedded()?;
    let agent = kb.agent("ascorbic-acid")?;
    let device = kb.device("dermaroller-192")?;
    let skin = SkinProfile::new(kb.site("cheek")?, Sex::Female, 35.0, &kb.age_model)?;
    for (length, occluded) in [(0.5, false), (0.5, true), (1.5, false), (1.5, true)] {
        let penetration = kb
            .penetration
            .simulate(device, length, &skin, device.default_passes);
        let request =
            DeliveryRequest::builder(&agent.id, agent.solute()?, penetration, skin.clone())
                .occluded(occluded)
                .dose(Dose::Infinite { mg_per_ml: 100.0 })
                .build()?;
        let start = std::time::Instant::now();
        let result = simulate(&kb.transport, &request);
        let elapsed = start.elapsed();
        let end = result.delivered_ug_per_cm2.last().ok_or("no output")?;
        let intact = result.intact_ug_per_cm2.last().ok_or("no output")?;
        println!(
            "{length} mm occluded={occluded}: absorbed {:.2} vs intact {:.4} ug/cm2, ratio {:?}, t1/2 {:.1} h, depth {:.0} um, {} steps, {} unknowns, balance {:.1e}, {:?}",
            end.absorbed,
            intact.absorbed,
            result.enhancement_ratio,
            result.channel_half_life_h,
            result.effective_depth_um,
            result.numerics.steps,
            result.numerics.unknowns,
            result.numerics.max_mass_balance_error,
            elapsed
        );
    }
    Ok(())
}
