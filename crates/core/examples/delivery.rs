//! Vitamin C through a 0.5 mm professional roller on the cheek, 24 h, and through intact skin.
//! Run: `cargo run --release -p microneedling-core --example delivery`

use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::{DeliveryRequest, Dose, Solute, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kb = KnowledgeBase::embedded()?;
    let agent = kb.agent("ascorbic-acid")?;
    let device = kb.device("dermaroller-192")?;
    let skin = SkinProfile::new(kb.site("cheek")?, Sex::Female, 35.0, &kb.age_model)?;
    for (length, occluded) in [(0.5, false), (0.5, true), (1.5, false), (1.5, true)] {
        let request = DeliveryRequest::new(
            kb,
            &agent.id,
            Solute::of_agent(agent)?,
            device,
            length,
            device.default_passes,
            skin.clone(),
            24.0,
            occluded,
            Dose::Infinite { mg_per_ml: 100.0 },
        )?;
        let start = std::time::Instant::now();
        let result = simulate(kb, &request);
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
