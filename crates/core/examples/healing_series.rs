//! Prints the weekly collagen series of a few device settings (a quick look at the model).
//! Run: `cargo run --release -p microneedling-core --example healing_series`

use microneedling_core::KnowledgeBase;
use microneedling_core::healing::{HealingRequest, simulate};
use microneedling_core::skin::{Sex, SkinProfile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kb = KnowledgeBase::embedded()?;
    let skin = SkinProfile::new(kb.site("cheek")?, Sex::Female, 35.0, &kb.age_model)?;
    for (device, length, sessions) in [
        ("dermaroller-192", 1.5, 1),
        ("dermapen", 1.5, 1),
        ("dermaroller-192", 1.5, 5),
        ("skinpen", 1.0, 4),
    ] {
        let d = kb.device(device)?;
        let penetration = kb.penetration.simulate(d, length, &skin, d.default_passes);
        let request = HealingRequest::builder(d, &penetration)
            .sessions(sessions)
            .interval_weeks(4)
            .samples(10)
            .build()?;
        let h = simulate(&kb.healing, &request);
        let weeks: Vec<String> = h
            .series
            .iter()
            .filter(|p| [1, 2, 4, 8, 13, 26, 39, 52].contains(&p.week))
            .map(|p| format!("w{}:{:.1}", p.week, p.new_collagen_pct))
            .collect();
        println!(
            "{device} {length} mm x{sessions}: injury {:.2e} peaks {:?}\n   {}",
            h.injury_per_session,
            h.peaks,
            weeks.join(" ")
        );
    }
    Ok(())
}
