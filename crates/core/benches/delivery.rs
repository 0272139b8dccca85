//! One 24 h delivery simulation on the default grid: the channel unit cell (target at most 20 ms
//! on one core), the intact-only run of the Dancik model (target: low milliseconds) and the whole
//! simulation with its steady states and report; and the band solver alone on a matrix of the
//! default grid's shape (what each of the solve's steps does once).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use microneedling_core::KnowledgeBase;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::banded::BandMatrix;
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

/// A five-point operator plus a positive diagonal on the default grid's shape (14 radial cells,
/// 40 rows: 560 unknowns, half-bandwidth 14), symmetric positive definite as a step's matrix is.
fn default_grid_band() -> BandMatrix {
    let (nr, nz) = (14, 40);
    let mut a = BandMatrix::zeros(nr * nz, nr);
    for j in 0..nz {
        for i in 0..nr {
            let k = j * nr + i;
            a.add(k, k, 0.3 + (k % 7) as f64 * 0.01);
            if i + 1 < nr {
                let g = 1.0 + i as f64 * 0.1;
                a.add(k, k, g);
                a.add(k + 1, k + 1, g);
                a.add(k + 1, k, -g);
            }
            if j + 1 < nz {
                let g = 0.5 + j as f64 * 0.02;
                a.add(k, k, g);
                a.add(k + nr, k + nr, g);
                a.add(k + nr, k, -g);
            }
        }
    }
    a
}

fn band_benches(c: &mut Criterion) {
    let matrix = default_grid_band();
    let mut work = matrix.clone();
    c.bench_function(
        "band factorization, default grid's shape (with a copy)",
        |b| {
            b.iter(|| {
                work.clone_from(black_box(&matrix));
                work.factorize()
            })
        },
    );
    c.bench_function("band copy alone (subtract from the line above)", |b| {
        b.iter(|| work.clone_from(black_box(&matrix)))
    });
    let mut factor = matrix.clone();
    assert!(factor.factorize(), "SPD");
    let rhs: Vec<f64> = (0..560).map(|i| (i as f64 * 0.37).sin() + 1.5).collect();
    let mut x = rhs.clone();
    c.bench_function("band solve, default grid's shape", |b| {
        b.iter(|| {
            x.copy_from_slice(black_box(&rhs));
            factor.solve(&mut x)
        })
    });
}

criterion_group!(delivery_benches, benches, band_benches);
criterion_main!(delivery_benches);
