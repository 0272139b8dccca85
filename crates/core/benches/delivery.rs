//! One 24 h delivery simulation on the default grid: the channel unit cell (target at most 20 ms
//! on one core), the intact-only run of the Dancik model (target: low milliseconds) and the whole
//! simulation with its steady states and report.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::solver::{Stepping, solve};
use microneedling_core::transport::{DeliveryRequest, Dose, simulate, unit_cell};

fn benches(c: &mut Criterion) {
    let kb = KnowledgeBase::embedded().expect("embedded knowledge base");
    let skin = SkinProfile::new(
        kb.site("cheek").expect("site"),
        Sex::Female,
        35.0,
        &kb.age_model,
    )
    .expect("skin");
    let agent = kb.agent("ascorbic-acid").expect("agent");
    let device = kb.device("dermapen").expect("device");
    let penetration = kb
        .penetration
        .simulate(device, 1.0, &skin, device.default_passes);
    let solute = agent.solute().expect("solute");
    let request = DeliveryRequest::builder(&agent.id, solute, penetration, skin)
        .dose(Dose::Infinite { mg_per_ml: 100.0 })
        .build()
        .expect("request");
    let intact = DeliveryRequest::intact_builder(&agent.id, solute, request.skin().clone())
        .dose(Dose::Finite { ug_per_cm2: 100.0 })
        .build()
        .expect("intact request");
    c.bench_function(
        "delivery 24 h, intact skin only, finite dose (simulate)",
        |b| b.iter(|| simulate(&kb.transport, black_box(&intact))),
    );
    let (cell, _) = unit_cell(&kb.transport, &request, true);
    let end = 24.0 * 3600.0;
    c.bench_function("delivery 24 h, channel unit cell, default grid", |b| {
        b.iter(|| solve(black_box(&cell), Stepping::default(), end, &[end], &[]))
    });
    c.bench_function(
        "delivery 24 h with intact baseline and report (simulate)",
        |b| b.iter(|| simulate(&kb.transport, black_box(&request))),
    );
}

criterion_group!(delivery_benches, benches);
criterion_main!(delivery_benches);
