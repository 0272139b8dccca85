//! The rules of the record commands and their exit codes: no plan (3) nor session (4) for a
//! contraindicated patient without an override; bad input names the field and exits 2.

mod harness;

use harness::records::{add_p2, bruising, consent, db, p2_session, records, today};
use harness::{Run, assert_invalid, example};

/// A database with P-2 recorded.
fn with_p2(name: &str) -> String {
    let db = db(name);
    assert_eq!(add_p2(&db).code, 0);
    db
}

/// A dermapen session of P-2.
fn session(db: &str, date: &str, zone: &str) -> Run {
    p2_session(db, "dermapen", date, zone, &[])
}

/// `records plan P-2` of the contraindicated example, with `extra` options.
fn plan(db: &str, extra: &[&str]) -> Run {
    let example = example("contraindicated.toml");
    let mut args = vec!["plan", "P-2", &example];
    args.extend_from_slice(extra);
    records(db, &args)
}

#[test]
fn a_contraindicated_patient_needs_an_override_plan_before_a_session() {
    let db = with_p2("rules");
    let today = today();
    assert_eq!(consent(&db, "P-2", "v1", &today).code, 0);
    assert_eq!(
        records(&db, &["screen", "P-2", &example("contraindicated.toml")]).code,
        0
    );
    assert_eq!(
        plan(&db, &["--date", &today]).code,
        3,
        "no plan without override"
    );
    // The refused attempt is in the audit log, naming the patient by row id, not by code.
    let store =
        microneedling_store::Store::open_at(&microneedling_store::Location::parse(&db), "check")
            .expect("db");
    let refusals: Vec<String> = store
        .db()
        .query(
            "SELECT detail FROM audit_log WHERE action = 'refused' AND entity = 'plan'",
            &[],
            |r| r.get(0),
        )
        .expect("rows");
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(refusals[0].starts_with("patient #") && !refusals[0].contains("P-2"));
    drop(store);
    let refused = session(&db, &today, "cheek:1:3");
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(refused.stderr.contains("contraindicated"));
    assert_eq!(
        plan(
            &db,
            &[
                "--override",
                "scar clinic consultant approved",
                "--date",
                &today
            ]
        )
        .code,
        0
    );
    assert_eq!(
        session(&db, &today, "cheek:1:3").code,
        0,
        "allowed with the override plan"
    );
}

#[test]
fn a_code_is_recorded_once_and_birth_years_are_checked() {
    let db = with_p2("patients");
    assert_invalid(&add_p2(&db), &["code", "P-2"]);
    assert_invalid(
        &records(
            &db,
            &[
                "patient",
                "add",
                "P-3",
                "--birth-year",
                "1850",
                "--sex",
                "female",
                "--fitzpatrick",
                "3",
            ],
        ),
        &["birth_year", "1850"],
    );
}

#[test]
fn an_unknown_patient_exits_2() {
    let db = with_p2("unknown");
    assert_invalid(&records(&db, &["history", "NOBODY"]), &["NOBODY"]);
}

#[test]
fn bad_depths_and_future_dates_exit_2_naming_the_field() {
    let db = with_p2("sessions");
    assert_invalid(&session(&db, "2026-11-21", "cheek:9:3"), &["depth_mm", "9"]);
    assert_invalid(
        &session(&db, "2099-01-01", "cheek:1:3"),
        &["performed_at", "2099"],
    );
}

#[test]
fn a_severity_off_the_scale_exits_2() {
    let db = with_p2("severity");
    assert_invalid(
        &bruising(&db, "P-2", "7", "2026-11-21"),
        &["severity", "mild"],
    );
}

#[test]
fn a_patient_file_describing_another_patient_exits_2() {
    let db = with_p2("other-file");
    assert_invalid(
        &records(&db, &["screen", "P-2", &example("acne-scars.toml")]),
        &["Fitzpatrick"],
    );
}
