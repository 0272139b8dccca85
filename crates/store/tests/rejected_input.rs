//! Bad input is refused with a message naming the field, and writes nothing: neither the record
//! nor its audit row.

mod common;

use chrono::{Duration, NaiveDate};
use common::{counts, days_ago, kb, screen, session, store_with_patient, today};
use microneedling_store::{NewAdverseEvent, NewOutcome, NewSession, Store, StoreError};

const NOTHING_WRITTEN: &str = "nothing written by any rejected input";

/// Patient P4, screened five days ago: only the input can make a write fail.
fn screened_store() -> Store {
    let mut store = store_with_patient("P4");
    screen(&mut store, "P4", "", today() - Duration::days(5));
    store
}

#[test]
fn bad_sessions_are_rejected_naming_the_field_and_write_nothing() {
    let mut store = screened_store();
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
    assert_eq!(counts(&store), before, "{NOTHING_WRITTEN}");
}

#[test]
fn bad_adverse_events_are_rejected_and_write_nothing() {
    let mut store = screened_store();
    let before = counts(&store);
    let event = NewAdverseEvent {
        code: "P4".into(),
        session_id: None,
        effect: "bruising".into(),
        severity: "catastrophic".into(),
        onset: today(),
        resolved: None,
        action: "ice".into(),
        late_entry: None,
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
    assert_eq!(counts(&store), before, "{NOTHING_WRITTEN}");
}

#[test]
fn a_score_that_is_not_a_number_is_rejected_and_writes_nothing() {
    let mut store = screened_store();
    let before = counts(&store);
    assert!(
        store
            .add_outcome(&NewOutcome {
                code: "P4".into(),
                assessed_at: today(),
                scale: "x".into(),
                score: f64::NAN,
                assessor: "a".into(),
                late_entry: None,
            })
            .is_err()
    );
    assert_eq!(counts(&store), before, "{NOTHING_WRITTEN}");
}
