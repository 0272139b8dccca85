//! Care of the database through the real binary: `records init` is the only command that
//! creates a database, `check` finds damage and writes refuse it, `backup`/`restore` round-trip,
//! `export --audit`, `erase`.

mod harness;

use harness::records::{
    add_patient, consent, days_ago, db, ready, records, today, uninitialised_db,
};
use harness::{Run, assert_exit};

/// A consent on record (the record rules want one) and a SkinPen session today.
fn a_session(db: &str, code: &str) -> Run {
    let _ = consent(db, code, "v1", &days_ago(1));
    let day = today();
    records(
        db,
        &[
            "session",
            "add",
            code,
            "--date",
            &day,
            "--device",
            "skinpen",
            "--serial",
            "SP-77",
            "--lot",
            "C-1",
            "--zone",
            "cheek:1.0:3",
            "--endpoint",
            "erythema",
            "--operator",
            "Dr A",
        ],
    )
}

/// Asserts the audit log (through `export --audit`) has a row of each of `actions`.
fn assert_audited(db: &str, actions: &[&str]) {
    let audit = records(db, &["export", "--audit"]).json();
    let logged: Vec<&str> = audit["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in actions {
        assert!(logged.contains(action), "{action} not in {logged:?}");
    }
}

fn assert_damaged(run: &Run, words: &[&str]) {
    assert_exit(run, 6, words);
}

#[test]
fn an_empty_file_or_no_file_is_refused_until_records_init() {
    let absent = uninitialised_db("care-absent");
    assert_damaged(&add_patient(&absent, "P-1"), &["records init"]);
    assert!(
        !std::path::Path::new(&absent).exists(),
        "no database created"
    );
    let empty = uninitialised_db("care-empty");
    std::fs::write(&empty, b"").expect("empty file");
    assert_damaged(&add_patient(&empty, "P-1"), &["empty file", "records init"]);
    assert_damaged(&records(&empty, &["check"]), &["empty file"]);
    assert_eq!(std::fs::metadata(&empty).expect("file").len(), 0);
    assert_eq!(records(&empty, &["init"]).code, 0);
    assert_eq!(add_patient(&empty, "P-1").code, 0);
    let text = uninitialised_db("care-text");
    std::fs::write(&text, "not a database at all").expect("file");
    assert_damaged(&records(&text, &["init"]), &["not a SQLite database"]);
}

#[test]
fn check_passes_on_a_sound_database_and_fails_on_a_damaged_copy_which_refuses_writes() {
    let db = db("care-check");
    ready(&db, "P-1");
    {
        // Enough rows for a file of many pages.
        let mut store = microneedling_store::Store::open_existing(std::path::Path::new(&db), "t")
            .expect("store");
        for i in 0..400 {
            store
                .add_patient(&microneedling_store::NewPatient {
                    code: format!("FILLER-{i:04}"),
                    birth_year: 1980,
                    sex: "female".into(),
                    fitzpatrick: 3,
                })
                .expect("patient");
        }
    }
    let ok = records(&db, &["check", "--json"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(ok.json()["integrity"], "ok");
    assert_eq!(
        ok.json()["schema_version"],
        microneedling_store::schema::LATEST_VERSION
    );
    let copy = uninitialised_db("care-check-copy");
    std::fs::copy(&db, &copy).expect("copy");
    let mut bytes = std::fs::read(&copy).expect("read");
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 8192] {
        *b = 0x5a;
    }
    std::fs::write(&copy, bytes).expect("write");
    let check = records(&copy, &["check"]);
    assert_damaged(&check, &["damaged"]);
    assert!(
        check.stdout.contains("integrity damaged"),
        "{}",
        check.stdout
    );
    assert_damaged(
        &add_patient(&copy, "P-2"),
        &["damaged", "nothing was written"],
    );
    assert_damaged(&a_session(&copy, "P-1"), &["damaged"]);
}

#[test]
fn backup_and_restore_round_trip_and_refuse_what_they_must() {
    let db = db("care-backup");
    ready(&db, "P-1");
    assert_eq!(a_session(&db, "P-1").code, 0);
    let before = records(&db, &["history", "P-1", "--json"]).json();
    let file = uninitialised_db("care-backup-copy");
    let backup = records(&db, &["backup", &file, "--json"]);
    assert_eq!(backup.code, 0, "{}", backup.stderr);
    assert_eq!(backup.json()["rows"]["session"], 1);
    assert_eq!(records(&db, &["backup", &file]).code, 4, "never overwrites");
    assert_eq!(add_patient(&db, "LATER").code, 0);
    let restore = records(&db, &["restore", &file, "--json"]);
    assert_eq!(restore.code, 0, "{}", restore.stderr);
    let kept = restore.json()["kept_as"]
        .as_str()
        .expect("kept")
        .to_string();
    assert!(kept.contains(".before-restore-"));
    assert_eq!(records(&db, &["history", "P-1", "--json"]).json(), before);
    assert_eq!(
        records(&db, &["history", "LATER"]).code,
        2,
        "the restored database is the backup's"
    );
    assert_eq!(records(&kept, &["history", "LATER"]).code, 0);
    assert_eq!(records(&db, &["check"]).code, 0);
    assert_audited(&db, &["backup", "restore"]);
    let text = uninitialised_db("care-backup-text");
    std::fs::write(&text, "hello").expect("file");
    assert_damaged(
        &records(&db, &["restore", &text]),
        &["not a SQLite database"],
    );
}

#[test]
fn export_includes_the_audit_log_when_asked() {
    let db = db("care-export");
    ready(&db, "P-1");
    let json = records(&db, &["export", "--format", "json", "--audit"]).json();
    assert_eq!(json["patients"].as_array().map(Vec::len), Some(1));
    let audit = json["audit"].as_array().expect("audit");
    assert!(audit.len() >= 3, "patient, screening, plan");
    assert_eq!(audit[0]["entity"], "patient");
    let csv = records(&db, &["export", "--format", "csv", "--audit"]).stdout;
    assert!(
        csv.contains("\naudit_id,at,actor,action,entity,entity_id,detail\n"),
        "{csv}"
    );
    // Without --audit, the export is the patients alone.
    let alone = records(&db, &["export"]).json();
    assert!(
        alone["patients"].is_array() && alone.get("audit").is_none(),
        "{alone}"
    );
}

#[test]
fn erase_leaves_no_trace_of_the_code_and_the_check_passes() {
    let db = db("care-erase");
    ready(&db, "PAT-ERASE-9");
    assert_eq!(a_session(&db, "PAT-ERASE-9").code, 0);
    let refused = records(
        &db,
        &["erase", "PAT-ERASE-9", "--reason", "erase PAT-ERASE-9"],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    let erased = records(
        &db,
        &[
            "erase",
            "PAT-ERASE-9",
            "--reason",
            "written request of the patient",
            "--json",
        ],
    );
    assert_eq!(erased.code, 0, "{}", erased.stderr);
    let pseudonym = erased.json()["pseudonym"]
        .as_str()
        .expect("pseudonym")
        .to_string();
    let everything = records(&db, &["export", "--audit"]).stdout;
    assert!(!everything.contains("PAT-ERASE-9"), "{everything}");
    assert!(everything.contains(&pseudonym));
    let bytes = std::fs::read(&db).expect("db");
    assert!(!String::from_utf8_lossy(&bytes).contains("PAT-ERASE-9"));
    assert_eq!(records(&db, &["check"]).code, 0);
    assert_eq!(records(&db, &["history", "PAT-ERASE-9"]).code, 2);
    let history = records(&db, &["history", &pseudonym, "--json"]).json();
    assert_eq!(history["sessions"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        history["patient"]["birth_year"], 1990,
        "1992 coarsened to its decade"
    );
}

#[test]
fn amend_and_void_keep_the_old_record_marked_and_are_audited() {
    let db = db("care-amend");
    ready(&db, "P-1");
    // Outcomes follow a session (the record rules refuse one before the first session).
    assert_eq!(a_session(&db, "P-1").code, 0);
    let day = today();
    let outcome = records(
        &db,
        &[
            "outcome",
            "add",
            "P-1",
            "--scale",
            "ECCA",
            "--score",
            "40",
            "--assessor",
            "Dr B",
            "--date",
            &day,
            "--json",
        ],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let old = outcome.json()["id"].as_i64().expect("id").to_string();
    let amended = records(
        &db,
        &[
            "amend",
            "outcome",
            &old,
            "--reason",
            "score misread from the form",
            "--set",
            "score=30",
            "--json",
        ],
    );
    assert_eq!(amended.code, 0, "{}", amended.stderr);
    let new = amended.json()["replaced_by"].as_i64().expect("new id");
    let history = records(&db, &["history", "P-1", "--json"]).json();
    assert_eq!(
        history["outcomes"].as_array().map(Vec::len),
        Some(2),
        "the old one stays"
    );
    assert_eq!(history["changes"][0]["action"], "amend");
    assert_eq!(history["changes"][0]["replaced_by"], new);
    assert_eq!(
        history["trends"][0]["points"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(history["trends"][0]["points"][0][1], 30.0);
    // An amended record cannot be amended again; a bad value is refused with its field.
    let again = records(
        &db,
        &[
            "amend",
            "outcome",
            &old,
            "--reason",
            "again please",
            "--set",
            "score=20",
        ],
    );
    assert_exit(&again, 4, &["already amended"]);
    let bad = records(
        &db,
        &[
            "amend",
            "outcome",
            &new.to_string(),
            "--reason",
            "typo here",
            "--set",
            "colour=red",
        ],
    );
    assert_exit(&bad, 2, &["colour", "score"]);
    // The session recorded above (before the outcome) is the one voided.
    let sid = records(&db, &["history", "P-1", "--json"]).json()["sessions"][0]["id"].to_string();
    let voided = records(
        &db,
        &[
            "void",
            "session",
            &sid,
            "--reason",
            "entered on the wrong patient",
        ],
    );
    assert_eq!(voided.code, 0, "{}", voided.stderr);
    let text = records(&db, &["history", "P-1"]).stdout;
    assert!(text.contains(&format!("session {sid}  VOID")), "{text}");
    assert!(text.contains("SUPERSEDED by outcome"), "{text}");
    assert_exit(
        &records(&db, &["void", "photo", "1", "--reason", "no such kind"]),
        2,
        &["session, adverse-event or outcome"],
    );
    assert_exit(
        &records(
            &db,
            &["void", "outcome", "999", "--reason", "no such record"],
        ),
        2,
        &["id"],
    );
    assert_audited(&db, &["amend", "void"]);
}
