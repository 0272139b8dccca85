//! Care of the database: empty and foreign files refused, damage found and writes refused,
//! verified backup and restore, erasure that leaves nothing identifying, the audit log's rows.

mod common;

use std::path::{Path, PathBuf};

use common::{add_patient, fresh_location, kb, record_plan, screen, session, today};
use microneedling_store::db::{Db, Value};
use microneedling_store::{Location, NewAdverseEvent, NewOutcome, Store, StoreError};

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mn-store-care-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

/// A database on file with `patients` patients, the first one (`P-1`) with a whole record.
fn populated(name: &str, patients: usize) -> PathBuf {
    let path = fresh(name);
    populate(Store::init(&path, "test").expect("init"), patients);
    path
}

/// `store` with `patients` patients, the first one (`P-1`) with a whole record.
fn populate(mut store: Store, patients: usize) -> Store {
    add_patient(&mut store, "P-1");
    // Dated yesterday and today: the record rules refuse older entries without a late-entry reason.
    let yesterday = today() - chrono::Duration::days(1);
    screen(&mut store, "P-1", "", yesterday);
    record_plan(&mut store, "P-1", "", None, yesterday);
    let at = today().and_hms_opt(0, 0, 1).expect("time");
    let mut s = session("P-1", at, 1.0);
    s.operator = "Dr A (saw P-1)".into();
    let sid = store.add_session(kb(), &s).expect("session").id;
    store
        .add_adverse_event(
            kb(),
            &NewAdverseEvent {
                code: "P-1".into(),
                session_id: Some(sid),
                effect: "redness".into(),
                severity: "mild".into(),
                onset: today(),
                resolved: None,
                action: "called P-1 back".into(),
                late_entry: None,
            },
        )
        .expect("adverse event");
    store
        .add_outcome(&NewOutcome {
            code: "P-1".into(),
            assessed_at: today(),
            scale: "ECCA".into(),
            score: 40.0,
            assessor: "Dr B".into(),
            late_entry: None,
        })
        .expect("outcome");
    for i in 0..patients {
        add_patient(&mut store, &format!("FILLER-{i:04}"));
    }
    store
}

/// Every row of every record table, in id order.
fn dump(db: &Db) -> Vec<(String, Vec<Vec<Value>>)> {
    db.tables()
        .expect("tables")
        .into_iter()
        .filter(|t| t != microneedling_store::schema::postgres::VERSION_TABLE)
        .map(|t| {
            let rows = db
                .query(&format!("SELECT * FROM \"{t}\" ORDER BY id"), &[], |r| {
                    Ok(r.values().to_vec())
                })
                .expect("rows");
            (t, rows)
        })
        .collect()
}

fn damaged(result: Result<Store, StoreError>) -> String {
    match result {
        Err(StoreError::Damaged(message)) => message,
        other => panic!("expected a damaged-database error, got {other:?}"),
    }
}

#[test]
fn an_empty_or_foreign_file_never_becomes_a_new_database() {
    let empty = fresh("empty.db");
    std::fs::write(&empty, b"").expect("empty file");
    assert!(damaged(Store::open(&empty, "t")).contains("records init"));
    assert!(damaged(Store::open_existing(&empty, "t")).contains("records init"));
    assert_eq!(std::fs::metadata(&empty).expect("file").len(), 0);
    let absent = fresh("absent.db");
    assert!(damaged(Store::open_existing(&absent, "t")).contains("records init"));
    assert!(!absent.exists());
    let text = fresh("notes.txt");
    std::fs::write(&text, "my notes, not a database\n").expect("text file");
    assert!(damaged(Store::init(&text, "t")).contains("not a SQLite database"));
    assert!(damaged(Store::open_existing(&text, "t")).contains("not a SQLite database"));
    assert_eq!(
        std::fs::read_to_string(&text).expect("text"),
        "my notes, not a database\n"
    );
    // `init` is what turns an empty file into a database.
    let store = Store::init(&empty, "t").expect("init");
    assert_eq!(
        store.schema_version().expect("version"),
        microneedling_store::schema::LATEST_VERSION
    );
}

/// Overwrites 8 KiB in the middle of the file.
fn corrupt(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read");
    let middle = bytes.len() / 2;
    let end = (middle + 8192).min(bytes.len());
    for (i, b) in bytes[middle..end].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn a_damaged_file_fails_the_check_and_refuses_writes() {
    let path = populated("damaged.db", 400);
    let report = Store::check_file(&path).expect("check");
    assert!(report.ok, "{report:?}");
    assert_eq!(
        report.schema_version,
        microneedling_store::schema::LATEST_VERSION
    );
    corrupt(&path);
    let report = Store::check_file(&path).expect("check");
    assert!(!report.ok);
    assert_eq!(report.integrity, "damaged");
    assert!(!report.problems.is_empty());
    let message = damaged(Store::open_existing(&path, "t"));
    assert!(message.contains("damaged"), "{message}");
}

#[test]
fn backup_then_restore_gives_back_every_row() {
    let path = populated("live.db", 20);
    let backup = fresh("live-backup.db");
    let mut store = Store::open_existing(&path, "test").expect("open");
    let report = store.backup_to(&backup).expect("backup");
    assert_eq!(report.rows["patient"], 21);
    // A backup never overwrites.
    assert!(matches!(store.backup_to(&backup), Err(StoreError::Rule(_))));
    let backed_up = dump(Store::open_existing(&backup, "t").expect("backup").db());
    // The live database moves on, then is restored.
    add_patient(&mut store, "AFTER-BACKUP");
    drop(store);
    let (store, restored) = Store::restore(&path, &backup, "test").expect("restore");
    let mut now = dump(store.db());
    // The restore's own audit row is the only difference.
    let audit = now
        .iter_mut()
        .find(|(t, _)| t == "audit_log")
        .expect("audit");
    let last = audit.1.pop().expect("restore audit row");
    assert_eq!(last[3], Value::Text("restore".into()));
    assert_eq!(now, backed_up, "every table's rows equal");
    assert!(store.check().ok);
    let kept = PathBuf::from(restored.kept_as.expect("kept aside"));
    assert!(kept.to_string_lossy().contains(".before-restore-"));
    let before = Store::open_existing(&kept, "t").expect("kept database");
    assert!(before.patient("AFTER-BACKUP").is_ok());
}

#[test]
fn restore_refuses_what_is_not_a_sound_database_of_this_schema_or_older() {
    let path = populated("target.db", 0);
    let text = fresh("not-db.bak");
    std::fs::write(&text, "hello").expect("file");
    assert!(matches!(
        Store::restore(&path, &text, "t"),
        Err(StoreError::Damaged(_))
    ));
    let foreign = fresh("foreign.db");
    rusqlite::Connection::open(&foreign)
        .expect("db")
        .execute_batch("CREATE TABLE x (a); PRAGMA user_version = 1;")
        .expect("foreign");
    assert!(matches!(
        Store::restore(&path, &foreign, "t"),
        Err(StoreError::Damaged(m)) if m.contains("not a microneedling")
    ));
    let newer = fresh("newer.db");
    let mut store = Store::open_existing(&path, "t").expect("open");
    store.backup_to(&newer).expect("backup");
    rusqlite::Connection::open(&newer)
        .expect("db")
        .pragma_update(None, "user_version", 99)
        .expect("version");
    assert!(matches!(
        Store::restore(&path, &newer, "t"),
        Err(StoreError::Damaged(m)) if m.contains("newer")
    ));
    let damaged_copy = fresh("damaged-copy.db");
    let big = populated("big.db", 400);
    Store::open_existing(&big, "t")
        .expect("open")
        .backup_to(&damaged_copy)
        .expect("backup");
    corrupt(&damaged_copy);
    assert!(Store::restore(&path, &damaged_copy, "t").is_err());
    // Nothing was replaced.
    assert!(store.patient("P-1").is_ok());
}

/// Every text value in the database that contains `needle` (any case), as `table.column`.
fn occurrences(conn: &Db, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (table, rows) in dump(conn) {
        for row in rows {
            for value in row {
                if let Value::Text(t) = value
                    && t.to_lowercase().contains(&needle.to_lowercase())
                {
                    found.push(format!("{table}: {t}"));
                }
            }
        }
    }
    found
}

#[test]
fn erase_leaves_no_identifying_field_and_the_database_sound() {
    let location = fresh_location("erase");
    let mut store = populate(Store::init_at(&location, "test").expect("init"), 3);
    store
        .db()
        .execute(
            "UPDATE screening SET inputs = '{\"patient\":{\"code\":\"P-1\",\"age\":36}}'",
            &[],
        )
        .expect("inputs naming the code");
    assert!(!occurrences(store.db(), "P-1").is_empty());
    let refused = store.erase_patient("P-1", "erase P-1 on request");
    assert!(matches!(refused, Err(StoreError::Input(e)) if e.field == "reason"));
    let audit_before = store.audit_count().expect("audit");
    let erased = store
        .erase_patient("P-1", "the patient asked, letter of 2026-11-20")
        .expect("erase");
    assert!(erased.pseudonym.starts_with("erased-"));
    assert_eq!(erased.birth_year, 1990);
    assert_eq!(occurrences(store.db(), "P-1"), Vec::<String>::new());
    assert!(store.check().ok);
    assert_eq!(store.audit_count().expect("audit"), audit_before + 1);
    let history = store.history(&erased.pseudonym).expect("history");
    assert_eq!(history.sessions.len(), 1);
    assert_eq!(history.outcomes.len(), 1);
    assert_eq!(
        history.adverse_events[0].action,
        format!("called {} back", erased.pseudonym)
    );
    assert!(store.patient("P-1").is_err());
    drop(store);
    let Location::File(path) = location else {
        return;
    };
    // Nothing left on disk either (the WAL is checkpointed and truncated, freed cells zeroed).
    let bytes = std::fs::read(&path).expect("file");
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("P-1"), "the old code is still in the file");
    assert!(Store::check_file(&path).expect("check").ok);
}

#[test]
fn the_audit_log_names_patients_by_row_id_and_the_migration_rewrites_older_rows() {
    let path = fresh("audit-v3.db");
    let store = Store::open_at_version(&path, "test", 3).expect("v3");
    store
        .db()
        .batch(
            "INSERT INTO patient (code, birth_year, sex, fitzpatrick, created_at) VALUES ('OLD-7', 1980, 'male', 2, '2026-01-01');
             INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES
               ('t', 'a', 'create', 'patient', 1, 'OLD-7'),
               ('t', 'a', 'create', 'session', 4, 'OLD-7: skinpen 2026-01-02T09:00:00'),
               ('t', 'a', 'read', 'patient', NULL, 'history of OLD-7');",
        )
        .expect("legacy rows");
    drop(store);
    let store = Store::open_existing(&path, "test").expect("migrated");
    let details: Vec<String> = store
        .audit_entries()
        .expect("audit")
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert_eq!(
        details,
        [
            "patient #1",
            "patient #1: skinpen 2026-01-02T09:00:00",
            "history of patient #1"
        ]
    );
    // Still append-only after the migration.
    assert!(
        store
            .db()
            .execute("UPDATE audit_log SET detail = 'x'", &[])
            .is_err()
    );
}

/// `records migrate`: a clinic's SQLite file moves to a PostgreSQL server with every row and id,
/// the server's ids continue after them, and a second move into the same database is refused.
#[test]
#[ignore = "needs a PostgreSQL server: set MICRONEEDLING_TEST_POSTGRES (CI does)"]
fn a_sqlite_file_moves_to_postgres_row_for_row() {
    assert!(
        std::env::var(common::POSTGRES_ENV).is_ok(),
        "MICRONEEDLING_TEST_POSTGRES must name a PostgreSQL server for this test"
    );
    let path = populated("to-postgres.db", 5);
    let before = dump(Store::open_existing(&path, "t").expect("file").db());
    let to = fresh_location("moved");
    let (mut moved, report) = Store::transfer(&path, &to, "admin").expect("moved");
    assert_eq!(report.rows["patient"], 6);
    let mut after = dump(moved.db());
    let audit = after
        .iter_mut()
        .find(|(t, _)| t == "audit_log")
        .expect("audit");
    let last = audit.1.pop().expect("the migration's audit row");
    assert_eq!(last[3], Value::Text("migrate".into()));
    assert_eq!(after, before, "every row of every table, ids included");
    // New rows get new ids after the copied ones.
    let patients_before = moved.patient_codes().expect("codes").len();
    add_patient(&mut moved, "NEW-ON-SERVER");
    let new = moved.patient("NEW-ON-SERVER").expect("new");
    assert_eq!(new.id, patients_before as i64 + 1);
    assert!(matches!(
        Store::transfer(&path, &to, "admin"),
        Err(StoreError::Rule(m)) if m.contains("never merged")
    ));
    // The file itself is left as it was.
    assert_eq!(
        dump(Store::open_existing(&path, "t").expect("file").db()),
        before
    );
}
