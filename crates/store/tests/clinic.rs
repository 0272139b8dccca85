//! The clinic's views across patients: the patient list and its search, who is due for what,
//! every session of a lot (a recall), and the summary. Runs on SQLite, and on PostgreSQL when
//! MICRONEEDLING_TEST_POSTGRES names a server.

mod common;

use chrono::Duration;
use common::{add_patient, days_ago, fresh_store, kb, record_plan, screen, session, today};
use microneedling_store::{NewAdverseEvent, NewOutcome, PatientFilter, Store, TopicalRecord};

/// A store with three patients: P-A (acne-scars plan 70 days ago, three sessions 60, 32 and 4
/// days ago: the series is done), P-B (planned 10 days ago, one session 5 days ago) and Q-C
/// (never screened nor planned).
fn clinic() -> Store {
    let mut store = fresh_store("clinic");
    for code in ["P-A", "P-B", "Q-C"] {
        add_patient(&mut store, code);
    }
    screen(&mut store, "P-A", "", today() - Duration::days(70));
    record_plan(&mut store, "P-A", "", None, today() - Duration::days(70));
    for days in [60, 32, 4] {
        let mut s = session("P-A", days_ago(days), 1.5);
        s.cartridge_lot = format!("CART-{days}");
        if days == 32 {
            s.topicals = vec![TopicalRecord {
                agent: "hyaluronic-acid".into(),
                lot: "HA-9".into(),
            }];
        }
        store.add_session(kb(), &s).expect("session of P-A");
    }
    screen(&mut store, "P-B", "", today() - Duration::days(10));
    record_plan(&mut store, "P-B", "", None, today() - Duration::days(10));
    let mut s = session("P-B", days_ago(5), 1.0);
    s.cartridge_lot = "CART-4".into();
    s.topicals = vec![TopicalRecord {
        agent: "hyaluronic-acid".into(),
        lot: "HA-9X".into(),
    }];
    store.add_session(kb(), &s).expect("session of P-B");
    store
}

#[test]
fn the_patient_list_is_searched_by_code_and_ordered_by_last_visit() {
    let store = clinic();
    let all = store.patients(&PatientFilter::default()).expect("list");
    let codes: Vec<&str> = all.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        ["P-A", "P-B", "Q-C"],
        "latest visit first, never treated last"
    );
    assert_eq!(all[0].sessions, 3);
    assert_eq!(
        all[0].last_visit.as_deref(),
        Some(days_ago(4).date().to_string().as_str())
    );
    assert_eq!(all[0].indication.as_deref(), Some("acne-scars"));
    assert_eq!(all[2].sessions, 0);
    assert_eq!(all[2].last_visit, None);
    let found = store
        .patients(&PatientFilter {
            search: Some("p-".into()),
            indication: None,
        })
        .expect("search");
    assert_eq!(found.len(), 2, "any case, any part of the code");
    let planned = store
        .patients(&PatientFilter {
            search: None,
            indication: Some("acne-scars".into()),
        })
        .expect("by indication");
    assert_eq!(planned.len(), 2);
    let none = store
        .patients(&PatientFilter {
            search: Some("%".into()),
            indication: None,
        })
        .expect("a percent sign");
    assert!(none.is_empty(), "% and _ are searched for, not wildcards");
}

#[test]
fn due_lists_the_next_session_and_the_reassessment_after_the_series() {
    let mut store = clinic();
    let due = store.due(kb(), today(), 120).expect("due");
    assert_eq!(due.len(), 2, "{due:?}");
    // P-B: session 2 of 3, the plan's 4 weeks after the session 5 days ago.
    let next = due.iter().find(|d| d.code == "P-B").expect("P-B");
    assert_eq!(next.kind, "session");
    assert_eq!(next.session_number, Some(2));
    assert_eq!(next.series_sessions, 3);
    assert_eq!(next.days_from_today, 28 - 5);
    // P-A: the series is done; reassessment at the indication's 12 weeks after the last.
    let weeks = kb()
        .indication("acne-scars")
        .expect("indication")
        .reassess_weeks;
    let reassess = due.iter().find(|d| d.code == "P-A").expect("P-A");
    assert_eq!(reassess.kind, "reassessment");
    assert_eq!(reassess.days_from_today, i64::from(weeks) * 7 - 4);
    assert!(due[0].due <= due[1].due, "soonest first");
    // Within 10 days: nothing; an overdue item shows when today moves past it.
    assert!(store.due(kb(), today(), 10).expect("due").is_empty());
    let later = store
        .due(kb(), today() + Duration::days(40), 0)
        .expect("due");
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].days_from_today, 28 - 5 - 40, "overdue: negative");
    // An outcome assessed after the series ends the reassessment's due.
    store
        .add_outcome(&NewOutcome {
            code: "P-A".into(),
            assessed_at: today(),
            scale: "Goodman & Baron".into(),
            score: 2.0,
            assessor: "Dr A".into(),
            late_entry: None,
        })
        .expect("outcome");
    let due = store.due(kb(), today(), 120).expect("due");
    assert!(due.iter().all(|d| d.code != "P-A"), "{due:?}");
    // A voided session does not count: P-B is due its first session again, from the plan.
    let b_session = store.history("P-B").expect("history").sessions[0].id;
    store
        .void("session", b_session, "entered on the wrong patient")
        .expect("void");
    let due = store.due(kb(), today(), 120).expect("due");
    let first = due.iter().find(|d| d.code == "P-B").expect("P-B");
    assert_eq!(first.session_number, Some(1));
    assert_eq!(
        first.days_from_today, -10,
        "due since the plan of 10 days ago"
    );
    assert!(
        store.due(kb(), today(), -1).is_err(),
        "a negative window is refused"
    );
}

#[test]
fn a_lot_finds_every_session_that_used_it_as_cartridge_or_topical() {
    let mut store = clinic();
    let cartridge = store.lot_uses("CART-4").expect("lot");
    let patients: Vec<(&str, &str)> = cartridge
        .iter()
        .map(|u| (u.code.as_str(), u.used_as.as_str()))
        .collect();
    assert_eq!(
        patients,
        [("P-B", "cartridge"), ("P-A", "cartridge")],
        "in the order they were used"
    );
    let topical = store.lot_uses("HA-9").expect("lot");
    assert_eq!(topical.len(), 1, "HA-9X is another lot: {topical:?}");
    assert_eq!(topical[0].code, "P-A");
    assert_eq!(topical[0].used_as, "topical hyaluronic-acid");
    assert!(store.lot_uses("NOPE").expect("lot").is_empty());
    assert!(store.lot_uses(" ").is_err(), "an empty lot is refused");
    // A voided session is still listed for a recall, marked.
    let id = topical[0].session_id;
    store.void("session", id, "duplicate entry").expect("void");
    let topical = store.lot_uses("HA-9").expect("lot");
    assert!(topical[0].superseded);
}

#[test]
fn the_summary_counts_sessions_per_month_and_adverse_events_by_device_and_phototype() {
    let mut store = clinic();
    let b_session = store.history("P-B").expect("history").sessions[0].id;
    store
        .add_adverse_event(
            kb(),
            &NewAdverseEvent {
                code: "P-B".into(),
                session_id: Some(b_session),
                effect: "redness".into(),
                severity: "mild".into(),
                onset: today(),
                resolved: None,
                action: "reassured".into(),
                late_entry: None,
            },
        )
        .expect("adverse event");
    let summary = store.summary().expect("summary");
    assert_eq!(summary.patients, 3);
    assert_eq!(summary.sessions_per_month.values().sum::<i64>(), 4);
    let month = days_ago(5).format("%Y-%m").to_string();
    assert!(summary.sessions_per_month[&month] >= 1);
    assert_eq!(
        summary.adverse_event_rates.len(),
        1,
        "one device, one phototype"
    );
    let rate = &summary.adverse_event_rates[0];
    assert_eq!((rate.device.as_str(), rate.fitzpatrick), ("dermapen", 3));
    assert_eq!((rate.sessions, rate.adverse_events), (4, 1));
    assert!((rate.rate - 0.25).abs() < 1e-12);
    assert_eq!(summary.unlinked_adverse_events, 0);
}

#[test]
fn the_due_list_exports_as_an_icalendar_file() {
    let store = clinic();
    let due = store.due(kb(), today(), 120).expect("due");
    let ics = microneedling_store::due_calendar(&due);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.trim_end().ends_with("END:VCALENDAR"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), due.len());
    for item in &due {
        let date = item.due.replace('-', "");
        assert!(
            ics.contains(&format!("DTSTART;VALUE=DATE:{date}")),
            "an all-day event on {date}: {ics}"
        );
    }
    assert!(ics.contains("P-B: session 2 of 3 (acne-scars)"), "{ics}");
    assert!(ics.contains("UID:P-A-reassessment-0-"));
    // RFC 5545: CRLF line ends, lines folded at 75 octets.
    assert!(
        ics.split("\r\n")
            .all(|line| line.len() <= 75 && !line.contains('\n'))
    );
    assert!(
        !ics.contains("1990"),
        "no birth year or other identifier than the code"
    );
}
