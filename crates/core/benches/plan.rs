//! Planning and penetration in process: the target is `plan` for one patient under 5 ms.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;
use microneedling_core::plan::plan;
use microneedling_core::skin::{Sex, SkinProfile};

const PATIENT: &str = include_str!("../../../examples/rejuvenation.toml");
/// Rosacea: no topical, no outcome data: the plan without delivery or band simulations.
const PLAIN_PATIENT: &str = include_str!("../../../examples/rosacea.toml");

fn benches(c: &mut Criterion) {
    let kb = KnowledgeBase::embedded().expect("embedded knowledge base");
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    c.bench_function("parse, screen and fit zones (assess, 4 zones)", |b| {
        b.iter(|| {
            let patient =
                Patient::from_toml("bench", black_box(PATIENT), kb, today).expect("valid");
            microneedling_core::plan::assess(kb, &patient, None, &kb.isotretinoin_policy)
                .expect("assess")
        })
    });
    c.bench_function("parse and plan, no topical (rosacea, 2 zones)", |b| {
        b.iter(|| {
            let patient =
                Patient::from_toml("bench", black_box(PLAIN_PATIENT), kb, today).expect("valid");
            plan(kb, &patient, None, &kb.isotretinoin_policy).expect("plan")
        })
    });
    c.bench_function(
        "parse and plan with 2 topicals and the outcome band (rejuvenation, 4 zones)",
        |b| {
            b.iter(|| {
                let patient =
                    Patient::from_toml("bench", black_box(PATIENT), kb, today).expect("valid");
                plan(kb, &patient, None, &kb.isotretinoin_policy).expect("plan")
            })
        },
    );
    c.bench_function("load the embedded knowledge base", |b| {
        b.iter(|| {
            KnowledgeBase::from_files(black_box(&microneedling_core::knowledge::DATA_FILES))
                .expect("loads")
        })
    });
    let skin = SkinProfile::new(
        kb.site("cheek").expect("site"),
        Sex::Female,
        40.0,
        &kb.age_model,
    )
    .expect("skin");
    let pen = kb.device("skinpen").expect("device");
    c.bench_function("penetration, one setting", |b| {
        b.iter(|| kb.penetration.simulate(pen, black_box(1.5), &skin, 3))
    });
}

criterion_group!(plan_benches, benches);
criterion_main!(plan_benches);
