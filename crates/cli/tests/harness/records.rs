//! Helpers of the record commands' tests: a fresh database, `records --db`, a patient ready
//! for sessions.

use super::{Run, example, run_after};

/// A fresh database file, initialised (`records init`; any earlier one of the same name and its
/// WAL files removed).
pub fn db(name: &str) -> String {
    let path = uninitialised_db(name);
    let init = records(&path, &["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    path
}

/// A path where no database is yet (any earlier one of the same name removed).
pub fn uninitialised_db(name: &str) -> String {
    let path = std::env::temp_dir().join(format!("mn-records-{}-{name}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path.display().to_string()
}

/// `records --db DB` with `args`.
pub fn records(db: &str, args: &[&str]) -> Run {
    run_after(&["records", "--db", db], args)
}

/// `records patient add CODE` (born 1992, female, Fitzpatrick 4).
pub fn add_patient(db: &str, code: &str) -> Run {
    records(
        db,
        &[
            "patient",
            "add",
            code,
            "--birth-year",
            "1992",
            "--sex",
            "female",
            "--fitzpatrick",
            "4",
        ],
    )
}

/// A patient screened and planned (acne-scars example), ready for sessions.
pub fn ready(db: &str, code: &str) {
    assert_eq!(add_patient(db, code).code, 0);
    let screened = records(
        db,
        &[
            "screen",
            code,
            &example("acne-scars.toml"),
            "--date",
            "2026-10-01",
        ],
    );
    assert_eq!(screened.code, 0, "{}", screened.stderr);
    let planned = records(
        db,
        &[
            "plan",
            code,
            &example("acne-scars.toml"),
            "--date",
            "2026-10-01",
        ],
    );
    assert_eq!(planned.code, 0, "{}", planned.stderr);
}
