//! Records: 10,000 sessions inserted (each its own transaction, on a WAL file) under 2 s, and the
//! history of a patient with 100 sessions under 10 ms. With `MICRONEEDLING_BENCH_POSTGRES` set to
//! a PostgreSQL server's URL (one that may create databases), the inserts are also timed there,
//! each sample in a new scratch database (`scripts/postgres_cluster.sh start DIR PORT` prints one).

use std::hint::black_box;

use chrono::{Datelike, Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;
use microneedling_core::plan::assess;
use microneedling_store::{NewPatient, NewSession, Store, ZoneRecord};

/// The server the PostgreSQL benchmark runs on, if one is named.
const POSTGRES_ENV: &str = "MICRONEEDLING_BENCH_POSTGRES";

fn ready_store(path: &std::path::Path, kb: &KnowledgeBase) -> Store {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    ready(Store::open(path, "bench").expect("store"), kb)
}

/// A patient consented and screened three days ago, ready for sessions.
fn ready(mut store: Store, kb: &KnowledgeBase) -> Store {
    store
        .add_patient(&NewPatient {
            code: "B".into(),
            birth_year: 1990,
            sex: "female".into(),
            fitzpatrick: 3,
        })
        .expect("patient");
    let today = Utc::now().date_naive();
    // Treated today: the age follows the birth year, as the store checks.
    let text = format!(
        "[patient]\nage = {}\nsex = \"female\"\nfitzpatrick = 3\n[treatment]\nindication = \"wrinkles\"\n",
        today.year() - 1990
    );
    let patient = Patient::from_toml("bench", &text, kb, today).expect("patient file");
    let screening = assess(kb, &patient, None, &kb.isotretinoin_policy)
        .expect("assess")
        .screening;
    store
        .record_consent(
            "B",
            microneedling_store::DEFAULT_CONSENT_VERSION,
            "I consent to microneedling.",
            today - Duration::days(4),
        )
        .expect("consent");
    let id = store
        .record_screening("B", &patient, &screening)
        .expect("screening")
        .id;
    store
        .db()
        .execute(
            "UPDATE screening SET screened_at = ?1 WHERE id = ?2",
            &[(today - Duration::days(3)).to_string().into(), id.into()],
        )
        .expect("backdated");
    store
}

fn session(i: i64) -> NewSession {
    NewSession {
        code: "B".into(),
        performed_at: (Utc::now().date_naive() - Duration::days(2))
            .and_hms_opt(0, 0, 0)
            .expect("time")
            + Duration::seconds(i),
        device: "dermapen".into(),
        device_serial: "DP-1".into(),
        cartridge_lot: format!("L{i}"),
        zones: vec![ZoneRecord {
            site: "cheek".into(),
            depth_mm: 1.0,
            passes: 3,
        }],
        topicals: Vec::new(),
        endpoint: "erythema".into(),
        operator: "bench".into(),
        late_entry: Some("benchmark: sessions entered after the fact".into()),
        depth_reason: None,
        same_day_reason: Some("benchmark: many sessions a day".into()),
    }
}

fn benches(c: &mut Criterion) {
    let kb = KnowledgeBase::embedded().expect("knowledge base");
    let dir = std::env::temp_dir();
    let mut group = c.benchmark_group("records");
    group.sample_size(10);
    group.bench_function("insert 10,000 sessions (one transaction each)", |b| {
        b.iter_with_setup(
            || {
                ready_store(
                    &dir.join(format!("mn-bench-insert-{}.db", std::process::id())),
                    kb,
                )
            },
            |mut store| {
                for i in 0..10_000 {
                    store.add_session(kb, &session(i)).expect("session");
                }
            },
        )
    });
    if let Ok(admin) = std::env::var(POSTGRES_ENV) {
        let mut sample = 0;
        group.bench_function(
            "insert 1,000 sessions on PostgreSQL (one transaction each)",
            |b| {
                b.iter_with_setup(
                    || {
                        sample += 1;
                        let url = microneedling_store::db::scratch_database(
                            &admin,
                            &format!("bench_{}_{sample}", std::process::id()),
                        )
                        .expect("scratch database");
                        let location = microneedling_store::Location::Postgres(url);
                        ready(Store::open_at(&location, "bench").expect("store"), kb)
                    },
                    |mut store| {
                        for i in 0..1_000 {
                            store.add_session(kb, &session(i)).expect("session");
                        }
                    },
                )
            },
        );
    }
    group.finish();
    let mut store = ready_store(
        &dir.join(format!("mn-bench-history-{}.db", std::process::id())),
        kb,
    );
    for i in 0..100 {
        store.add_session(kb, &session(i * 60)).expect("session");
    }
    c.bench_function("history of a patient with 100 sessions", |b| {
        b.iter(|| store.history(black_box("B")).expect("history"))
    });
}

criterion_group!(record_benches, benches);
criterion_main!(record_benches);
