//! The L-ascorbic acid configuration of docs/transport.md at several barrier open fractions.
//! Run: `cargo run --release -p microneedling-core --example ascorbic_check`

use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::{DeliveryRequest, Dose, Solute, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kb = KnowledgeBase::embedded()?;
    let agent = kb.agent("ascorbic-acid")?;
    let device = kb.device("dermaroller-192")?;
    let skin = SkinProfile::new(kb.site("cheek")?, Sex::Female, 35.0, &kb.age_model)?;
    for fraction in [0.01, 0.003, 0.001, 0.0003] {
        let mut kb = kb.clone();
        kb.transport.channel.barrier_open_fraction.value = fraction;
        let request = DeliveryRequest::new(
            &kb,
            &agent.id,
            Solute::of_agent(agent)?,
            device,
            0.5,
            36,
            skin.clone(),
            24.0,
            false,
            Dose::Infinite { mg_per_ml: 100.0 },
        )?;
        let result = simulate(&kb, &request);
        println!(
            "barrier open fraction {fraction}: enhancement {:?}",
            result.enhancement_ratio
        );
    }
    Ok(())
}
