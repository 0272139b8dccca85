//! The rules of a session: a screening first and recent enough, an override plan after a
//! contraindicated one, a warning when sooner than the plan's interval; and the history after.

mod common;

use chrono::Duration;
use common::{counts, days_ago, kb, record_plan, screen, session, store_with_patient, today};
use microneedling_store::{NewOutcome, StoreError};

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
            late_entry: Some(common::LATE.into()),
        })
        .expect("outcome");
    store
        .add_outcome(&NewOutcome {
            code: "P1".into(),
            assessed_at: today(),
            scale: "Goodman & Baron".into(),
            score: 2.0,
            assessor: "Dr A".into(),
            late_entry: Some(common::LATE.into()),
        })
        .expect("outcome");
    let h = store.history("P1").expect("history");
    assert_eq!(h.sessions.len(), 3);
    assert_eq!(h.trends[0].change, -1.0);
    assert_eq!(h.plans[0].indication, "acne-scars");
    assert_eq!(
        store.audit_count().expect("audit"),
        1 + 1 + 1 + 1 + 3 + 2,
        "one audit row per write (patient, consent, screening, plan, sessions, outcomes)"
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
