//! Healing: one patient, 12 months, 6 sessions (target at most 200 µs) and a 10,000-patient
//! uncertainty band (target at most 1 s on 2 cores, rayon).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use microneedling_core::KnowledgeBase;
use microneedling_core::healing::{
    Course, DAYS_PER_MONTH, Rates, STEP_DAYS, integrate, integrate_fast, sample_fractions,
};

fn benches(c: &mut Criterion) {
    let kb = KnowledgeBase::embedded().expect("embedded knowledge base");
    let course = Course {
        injury_per_session: 0.01,
        sessions: 6,
        interval_weeks: 4,
        horizon_days: 12.0 * DAYS_PER_MONTH,
    };
    let rates = Rates::central(&kb.healing);
    c.bench_function(
        "healing, one patient, 12 months, 6 sessions (fast: exact chain)",
        |b| {
            b.iter(|| {
                let mut last = 0.0;
                integrate_fast(&rates, black_box(&course), |_, s| {
                    last = s.new_collagen_pct()
                });
                last
            })
        },
    );
    c.bench_function(
        "healing, one patient, 12 months, 6 sessions (RK4 reference)",
        |b| {
            b.iter(|| {
                let mut last = 0.0;
                integrate(&rates, black_box(&course), STEP_DAYS, |_, s| {
                    last = s.new_collagen_pct()
                });
                last
            })
        },
    );
    // The band of a 1.5 mm roller series on the cheek: 10,000 virtual patients, each with its
    // own rates, skin thickness and outcome coefficient (the path `simulate healing` takes).
    let device = kb.device("dermaroller-192").expect("device");
    let skin = microneedling_core::skin::SkinProfile::new(
        kb.site("cheek").expect("site"),
        microneedling_core::skin::Sex::Female,
        35.0,
        &kb.age_model,
    )
    .expect("skin");
    let request = microneedling_core::setting::healing_builder(kb, device, 1.5, &skin, 15)
        .sessions(6)
        .samples(10_000)
        .build()
        .expect("request");
    let days: Vec<u32> = [1u32, 3, 6, 12]
        .iter()
        .map(|m| (f64::from(*m) * DAYS_PER_MONTH).round() as u32)
        .collect();
    let mut group = c.benchmark_group("healing band");
    group.sample_size(10);
    group.bench_function("10,000 virtual patients, 12 months (rayon)", |b| {
        b.iter(|| {
            sample_fractions(
                &kb.healing,
                &kb.healing.outcome_fit.collagen,
                &request,
                black_box(&course),
                &days,
            )
        })
    });
    group.finish();
}

criterion_group!(healing_benches, benches);
criterion_main!(healing_benches);
