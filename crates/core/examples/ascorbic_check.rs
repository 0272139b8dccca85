//! The L-ascorbic acid configuration of docs/transport.md at several barrier open fractions.
//! Run: `cargo run --release -p microneedling-core --example ascorbic_check`

use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::{DeliveryRequest, Dose, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kb = KnowledgeBase::embedded()?;
    let agent = kb.agent("ascorbic-acid")?;
    let device = kb.device("dermaroller-192")?;
    let skin = SkinProfile::new(kb.site("cheek")?, Sex::Female, 35.0, &kb.age_model)?;
    let penetration = kb.penetration.simulate(device, 0.5, &skin, 36);
    let request = DeliveryRequest::builder(&agent.id, agent.solute()?, penetration, skin)
        .dose(Dose::Infinite { mg_per_ml: 100.0 })
        .build()?;
    for fraction in [0.01, 0.003, 0.001, 0.0003] {
        // The model takes its own parameters: change one and run again.
        let mut params = kb.transport.clone();
        params.channel.barrier_open_fraction.value = fraction;
        let result = simulate(&params, &request);
        println!(
            "barrier open fraction {fraction}: enhancement {:?}",
            result.enhancement_ratio
        );
    }
    Ok(())
}
