//! The store's rules, its all-or-nothing writes, the audit log and the migrations.

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;
use microneedling_core::plan::{PlanOutcome, assess, plan};
use microneedling_store::{
    NewAdverseEvent, NewOutcome, NewPatient, NewSession, Store, StoreError, ZoneRecord,
};

fn kb() -> &'static KnowledgeBase {
    KnowledgeBase::embedded().expect("knowledge base")
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn patient_file(history: &str) -> Patient {
    let text = format!(
        "[patient]\nage = 35\nsex = \"female\"\nfitzpatrick = 3\n[history]\n{history}\n[treatment]\nindication = \"acne-scars\"\ndevice = \"dermapen\"\n"
    );
    Patient::from_toml("test", &text, kb(), today()).expect("patient file")
}

fn store_with_patient(code: &str) -> Store {
    let mut store = Store::open_in_memory("test").expect("store");
    store
        .add_patient(&NewPatient {
            code: code.into(),
            birth_year: 1990,
            sex: "female".into(),
            fitzpatrick: 3,
        })
        .expect("patient");
    store
}

fn screen(store: &mut Store, code: &str, history: &str, on: NaiveDate) {
    let p = patient_file(history);
    let s = assess(kb(), &p, None, &kb().isotretinoin_policy)
        .expect("assess")
        .screening;
    store
        .record_screening(code, &serde_json::json!({}), &s, on)
        .expect("screening recorded");
}

fn record_plan(
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
            store.record_plan(code, &p, on).expect("plan recorded");
        }
        PlanOutcome::Refused(_) => panic!("refused"),
    }
}

fn session(code: &str, at: NaiveDateTime, depth_mm: f64) -> NewSession {
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
    }
}

fn days_ago(days: i64) -> NaiveDateTime {
    (today() - Duration::days(days))
        .and_hms_opt(10, 0, 0)
        .expect("time")
}

fn counts(store: &Store) -> (i64, i64) {
    let c = store.connection();
    let sessions: i64 = c
        .query_row("SELECT COUNT(*) FROM session", [], |r| r.get(0))
        .expect("count");
    (sessions, store.audit_count().expect("audit"))
}

#[test]
fn a_screened_planned_patient_gets_sessions_and_a_history() {
    let mut store = store_with_patient("P1");
    screen(&mut store, "P1", "", today() - Duration::days(70));
    record_plan(&mut store, "P1", "", None, today() - Duration::days(70));
    store
        .add_session(kb(), &session("P1", days_ago(60), 1.5))
        .expect("first session");
    let second = store
        .add_session(kb(), &session("P1", days_ago(32), 1.5))
        .expect("second session");
    assert!(
        second.warnings.is_empty(),
        "28 days apart is the plan's interval"
    );
    let third = store
        .add_session(kb(), &session("P1", days_ago(22), 1.5))
        .expect("third session");
    assert!(
        third.warnings[0].contains("sooner than the plan's 4 weeks"),
        "{:?}",
        third.warnings
    );
    store
        .add_outcome(&NewOutcome {
            code: "P1".into(),
            assessed_at: today() - Duration::days(60),
            scale: "Goodman & Baron".into(),
            score: 3.0,
            assessor: "Dr A".into(),
        })
        .expect("outcome");
    store
        .add_outcome(&NewOutcome {
            code: "P1".into(),
            assessed_at: today(),
            scale: "Goodman & Baron".into(),
            score: 2.0,
            assessor: "Dr A".into(),
        })
        .expect("outcome");
    let h = store.history("P1").expect("history");
    assert_eq!(h.sessions.len(), 3);
    assert_eq!(h.trends[0].change, -1.0);
    assert_eq!(h.plans[0].indication, "acne-scars");
    assert_eq!(
        store.audit_count().expect("audit"),
        1 + 1 + 1 + 3 + 2,
        "one audit row per write"
    );
}

#[test]
fn no_session_after_a_contraindicated_screening_unless_the_plan_carries_an_override() {
    let mut store = store_with_patient("P2");
    screen(
        &mut store,
        "P2",
        "keloid_tendency = true",
        today() - Duration::days(10),
    );
    let before = counts(&store);
    match store.add_session(kb(), &session("P2", days_ago(5), 1.0)) {
        Err(StoreError::Rule(message)) => assert!(message.contains("contraindicated"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(counts(&store), before, "nothing written");
    record_plan(
        &mut store,
        "P2",
        "keloid_tendency = true",
        Some("dermatologist reviewed the keloid history"),
        today() - Duration::days(9),
    );
    store
        .add_session(kb(), &session("P2", days_ago(5), 1.0))
        .expect("allowed with an override");
}

#[test]
fn a_stale_or_missing_screening_must_be_refreshed_first() {
    let mut store = store_with_patient("P3");
    assert!(
        matches!(
            store.add_session(kb(), &session("P3", days_ago(1), 1.0)),
            Err(StoreError::Rule(_))
        ),
        "no screening yet"
    );
    screen(&mut store, "P3", "", today() - Duration::days(400));
    match store.add_session(kb(), &session("P3", days_ago(1), 1.0)) {
        Err(StoreError::Rule(message)) => {
            assert!(message.contains("older than 180 days"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    store.screening_max_age_days = 500;
    store
        .add_session(kb(), &session("P3", days_ago(1), 1.0))
        .expect("within the configured age");
}

#[test]
fn bad_input_is_rejected_and_writes_nothing() {
    let mut store = store_with_patient("P4");
    screen(&mut store, "P4", "", today() - Duration::days(5));
    let before = counts(&store);
    let future = (today() + Duration::days(3))
        .and_hms_opt(9, 0, 0)
        .expect("time");
    let cases: Vec<(NewSession, &str)> = vec![
        (session("P4", future, 1.0), "performed_at"),
        (
            session(
                "P4",
                NaiveDate::from_ymd_opt(1980, 1, 1)
                    .expect("date")
                    .and_hms_opt(9, 0, 0)
                    .expect("time"),
                1.0,
            ),
            "birth year",
        ),
        (session("P4", days_ago(1), 3.0), "depth_mm"),
        (
            NewSession {
                endpoint: "bleeding".into(),
                ..session("P4", days_ago(1), 1.0)
            },
            "endpoint",
        ),
        (
            NewSession {
                device: "laser".into(),
                ..session("P4", days_ago(1), 1.0)
            },
            "device",
        ),
    ];
    for (bad, word) in cases {
        let error = store.add_session(kb(), &bad).expect_err("rejected");
        assert!(error.to_string().contains(word), "{error} lacks {word}");
    }
    assert!(matches!(
        store.add_session(kb(), &session("NOBODY", days_ago(1), 1.0)),
        Err(StoreError::UnknownPatient(_))
    ));
    let event = NewAdverseEvent {
        code: "P4".into(),
        session_id: None,
        effect: "bruising".into(),
        severity: "catastrophic".into(),
        onset: today(),
        resolved: None,
        action: "ice".into(),
    };
    assert!(
        store
            .add_adverse_event(kb(), &event)
            .expect_err("severity")
            .to_string()
            .contains("mild, moderate, severe")
    );
    let backwards = NewAdverseEvent {
        severity: "mild".into(),
        onset: today(),
        resolved: Some(today() - Duration::days(2)),
        ..event.clone()
    };
    assert!(
        store.add_adverse_event(kb(), &backwards).is_err(),
        "resolved before onset"
    );
    assert!(
        store
            .add_outcome(&NewOutcome {
                code: "P4".into(),
                assessed_at: today(),
                scale: "x".into(),
                score: f64::NAN,
                assessor: "a".into()
            })
            .is_err()
    );
    assert_eq!(
        counts(&store),
        before,
        "nothing written by any rejected input"
    );
}

#[test]
fn the_audit_log_is_append_only() {
    let store = store_with_patient("P5");
    let c = store.connection();
    assert!(
        c.execute("UPDATE audit_log SET actor = 'someone else'", [])
            .is_err()
    );
    assert!(c.execute("DELETE FROM audit_log", []).is_err());
    assert_eq!(store.audit_count().expect("audit"), 1);
}

#[test]
fn the_database_runs_in_wal_mode_and_migrates_from_every_earlier_version() {
    let dir = std::env::temp_dir().join(format!("mn-store-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for from in 0..microneedling_store::schema::LATEST_VERSION {
        let path = dir.join(format!("v{from}.db"));
        let _ = std::fs::remove_file(&path);
        let mut old = Store::open_at_version(&path, "test", from).expect("old schema");
        assert_eq!(old.schema_version().expect("version"), from);
        if from >= 1 {
            old.add_patient(&NewPatient {
                code: "KEEP".into(),
                birth_year: 1980,
                sex: "male".into(),
                fitzpatrick: 2,
            })
            .expect("patient at v1");
        }
        drop(old);
        let mut store = Store::open(&path, "test").expect("migrated");
        assert_eq!(
            store.schema_version().expect("version"),
            microneedling_store::schema::LATEST_VERSION
        );
        if from >= 1 {
            assert_eq!(
                store.patient("KEEP").expect("kept").birth_year,
                1980,
                "data survives the migration"
            );
        } else {
            store
                .add_patient(&NewPatient {
                    code: "KEEP".into(),
                    birth_year: 1980,
                    sex: "male".into(),
                    fitzpatrick: 2,
                })
                .expect("patient");
        }
        store
            .add_photo(&microneedling_store::NewPhoto {
                code: "KEEP".into(),
                taken_at: today(),
                view: "front".into(),
                file_sha256: "a".repeat(64),
                photo_consent: true,
            })
            .expect("the latest tables exist");
        let mode: String = store
            .connection()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        assert_eq!(store.integrity_check().expect("check"), "ok");
    }
}
