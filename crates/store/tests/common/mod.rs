//! Helpers shared by the store's tests: a knowledge base, patients screened and planned, sessions
//! and database files.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;
use microneedling_core::plan::{PlanOutcome, assess, plan};
use microneedling_store::db::Value;
use microneedling_store::{Location, NewPatient, NewSession, Store, ZoneRecord};

/// The PostgreSQL server the suite runs against instead of SQLite when set (an admin URL such
/// as `postgres://postgres@127.0.0.1:54329/postgres`): each store is then a new database there.
pub const POSTGRES_ENV: &str = "MICRONEEDLING_TEST_POSTGRES";

/// Where a new, empty store for test `name` lives: a new database on the PostgreSQL server of
/// [`POSTGRES_ENV`], else a new SQLite file.
pub fn fresh_location(name: &str) -> Location {
    match std::env::var(POSTGRES_ENV) {
        Ok(admin) => Location::Postgres(
            microneedling_store::db::scratch_database(&admin, name).expect("test database"),
        ),
        Err(_) => Location::File(temp_db(name)),
    }
}

/// A new, empty store (see [`fresh_location`]; in memory when on SQLite).
pub fn fresh_store(actor: &str) -> Store {
    if std::env::var(POSTGRES_ENV).is_ok() {
        Store::open_at(&fresh_location(actor), actor).expect("store")
    } else {
        Store::open_in_memory(actor).expect("store")
    }
}

/// The first column of the one row `sql` selects.
pub fn value<T: microneedling_store::db::FromValue>(store: &Store, sql: &str) -> T {
    store.db().value(sql, &[]).expect(sql)
}

pub fn kb() -> &'static KnowledgeBase {
    KnowledgeBase::embedded().expect("knowledge base")
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The file of the patients these tests add (born 1990, female, Fitzpatrick 3), treated today: its
/// age follows the birth year, as the store checks.
pub fn patient_file(history: &str) -> Patient {
    let age = today().year() - 1990;
    let text = format!(
        "[patient]\nage = {age}\nsex = \"female\"\nfitzpatrick = 3\n[history]\n{history}\n[treatment]\nindication = \"acne-scars\"\ndevice = \"dermapen\"\n"
    );
    Patient::from_toml("test", &text, kb(), today()).expect("patient file")
}

pub fn store_with_patient(code: &str) -> Store {
    let mut store = fresh_store("test");
    add_patient(&mut store, code);
    store
}

/// Adds patient `code` (born 1990, female, Fitzpatrick 3).
pub fn add_patient(store: &mut Store, code: &str) {
    store
        .add_patient(&NewPatient {
            code: code.into(),
            birth_year: 1990,
            sex: "female".into(),
            fitzpatrick: 3,
        })
        .expect("patient");
}

/// Why the tests' sessions, dated in the past, are entered late.
pub const LATE: &str = "entered from the paper chart";

/// Screens `code` as of `on`, with the consent of the required version signed before.
pub fn screen(store: &mut Store, code: &str, history: &str, on: NaiveDate) {
    store
        .record_consent(
            code,
            microneedling_store::DEFAULT_CONSENT_VERSION,
            "I consent to microneedling.",
            on - Duration::days(1),
        )
        .expect("consent");
    let p = patient_file(history);
    let s = assess(kb(), &p, None, &kb().isotretinoin_policy)
        .expect("assess")
        .screening;
    let id = store
        .record_screening(code, &p, &s)
        .expect("screening recorded")
        .id;
    backdate_screening(store, id, on);
}

/// Moves screening `id` to `on` (screenings are recorded today; the tests need older ones).
pub fn backdate_screening(store: &Store, id: i64, on: NaiveDate) {
    store
        .db()
        .execute(
            "UPDATE screening SET screened_at = ?1 WHERE id = ?2",
            &[Value::from(on.to_string()), Value::from(id)],
        )
        .expect("backdated");
}

pub fn record_plan(
    store: &mut Store,
    code: &str,
    history: &str,
    override_reason: Option<&str>,
    on: NaiveDate,
) {
    match plan(
        kb(),
        &patient_file(history),
        override_reason,
        &kb().isotretinoin_policy,
    )
    .expect("plan")
    {
        PlanOutcome::Planned(p) => {
            store
                .record_plan(code, &patient_file(history), &p, on, None)
                .expect("plan recorded");
        }
        PlanOutcome::Refused(_) => panic!("refused"),
    }
}

pub fn session(code: &str, at: NaiveDateTime, depth_mm: f64) -> NewSession {
    NewSession {
        code: code.into(),
        performed_at: at,
        device: "dermapen".into(),
        device_serial: "DP-1".into(),
        cartridge_lot: "L1".into(),
        zones: vec![ZoneRecord {
            site: "cheek".into(),
            depth_mm,
            passes: 3,
        }],
        topicals: Vec::new(),
        endpoint: "erythema".into(),
        operator: "Dr A".into(),
        late_entry: Some(LATE.into()),
        depth_reason: None,
        same_day_reason: None,
    }
}

pub fn days_ago(days: i64) -> NaiveDateTime {
    (today() - Duration::days(days))
        .and_hms_opt(10, 0, 0)
        .expect("time")
}

/// Sessions and audit rows: unchanged by a refused write.
pub fn counts(store: &Store) -> (i64, i64) {
    let sessions: i64 = value(store, "SELECT COUNT(*) FROM session");
    (sessions, store.audit_count().expect("audit"))
}

/// A fresh database file (any earlier one of the same name and its WAL files removed).
pub fn temp_db(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("mn-store-{}-{name}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}
