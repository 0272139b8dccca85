//! Healing: one patient, 12 months, 6 sessions (target at most 200 µs) and a 10,000-sample
//! uncertainty band (target at most 1 s on 2 cores, rayon).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use microneedling_core::KnowledgeBase;
use microneedling_core::healing::{
    Course, DAYS_PER_MONTH, Rates, STEP_DAYS, integrate, sample_scale,
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
    c.bench_function("healing, one patient, 12 months, 6 sessions", |b| {
        b.iter(|| {
            let mut last = 0.0;
            integrate(&rates, black_box(&course), STEP_DAYS, |_, s| {
                last = s.new_collagen_pct()
            });
            last
        })
    });
    let map = kb.healing.outcome("wrinkles").expect("wrinkles outcome");
    let days: Vec<u32> = [1u32, 3, 6, 12]
        .iter()
        .map(|m| (f64::from(*m) * DAYS_PER_MONTH).round() as u32)
        .collect();
    let mut group = c.benchmark_group("healing band");
    group.sample_size(10);
    group.bench_function("10,000 prior samples, 12 months (rayon)", |b| {
        b.iter(|| {
            sample_scale(
                &kb.healing,
                map,
                microneedling_core::indication::Mechanism::Collagen,
                black_box(&course),
                &days,
                1,
                10_000,
            )
        })
    });
    group.finish();
}

criterion_group!(healing_benches, benches);
criterion_main!(healing_benches);
