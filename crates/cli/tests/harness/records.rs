//! Helpers of the record commands' tests: a fresh database, `records --db`, dates relative to
//! today, a consent, a patient ready for sessions, and the SQL that backdates a screening
//! (screenings are recorded on the day they are taken; tests that need history move them).

use chrono::{Duration, Utc};

use super::{Run, example, run_after, temp_file};

/// The date `days` days before today, `YYYY-MM-DD`.
pub fn days_ago(days: i64) -> String {
    (Utc::now().date_naive() - Duration::days(days)).to_string()
}

/// Today, `YYYY-MM-DD`.
pub fn today() -> String {
    days_ago(0)
}

/// Moves every screening of patient `code` to `date`, as a clinic entering older records would
/// have them (the command itself dates a screening today).
pub fn backdate_screenings(db: &str, code: &str, date: &str) {
    let store =
        microneedling_store::Store::open_at(&microneedling_store::Location::parse(db), "test")
            .expect("database");
    store
        .db()
        .execute(
            "UPDATE screening SET screened_at = ?1 WHERE patient_id = (SELECT id FROM patient WHERE code = ?2)",
            &[date.into(), code.into()],
        )
        .expect("backdated");
}

/// Records consent `version` of `code`, signed on `date`.
pub fn consent(db: &str, code: &str, version: &str, date: &str) -> Run {
    let text = temp_file(
        &format!(
            "consent-{code}-{version}-{}.txt",
            db.rsplit('/').next().unwrap_or(db)
        ),
        &format!("I consent to microneedling. Version {version}."),
    );
    records(
        db,
        &[
            "consent",
            code,
            "--version",
            version,
            "--text-file",
            &text,
            "--date",
            date,
        ],
    )
}

/// The PostgreSQL server the record commands' tests run against instead of SQLite files when
/// set (an admin URL): each [`db`] is then a new database there.
pub const POSTGRES_ENV: &str = "MICRONEEDLING_TEST_POSTGRES";

/// A fresh database, initialised (`records init`): a new file (any earlier one of the same name
/// and its WAL files removed), or a new database on the server of [`POSTGRES_ENV`].
pub fn db(name: &str) -> String {
    let path = match std::env::var(POSTGRES_ENV) {
        Ok(admin) => {
            microneedling_store::db::scratch_database(&admin, name).expect("test database")
        }
        Err(_) => uninitialised_db(name),
    };
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

/// A patient screened and planned (acne-scars example) 30 days ago, ready for sessions once a
/// consent is on record.
pub fn ready(db: &str, code: &str) {
    assert_eq!(add_patient(db, code).code, 0);
    let screened = records(db, &["screen", code, &example("acne-scars.toml")]);
    assert_eq!(screened.code, 0, "{}", screened.stderr);
    let month_ago = days_ago(30);
    backdate_screenings(db, code, &month_ago);
    let planned = records(
        db,
        &[
            "plan",
            code,
            &example("acne-scars.toml"),
            "--date",
            &month_ago,
        ],
    );
    assert_eq!(planned.code, 0, "{}", planned.stderr);
}

/// Adds P-2 (born 2002, female, Fitzpatrick 3): the patient of the contraindicated example.
pub fn add_p2(db: &str) -> Run {
    records(
        db,
        &[
            "patient",
            "add",
            "P-2",
            "--birth-year",
            "2002",
            "--sex",
            "female",
            "--fitzpatrick",
            "3",
        ],
    )
}

/// A session of P-2 with `device` on `date` at `zone` (SITE:DEPTH_MM:PASSES), with `extra`
/// options.
pub fn p2_session(db: &str, device: &str, date: &str, zone: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "session",
        "add",
        "P-2",
        "--date",
        date,
        "--device",
        device,
        "--serial",
        "D1",
        "--lot",
        "L",
        "--zone",
        zone,
        "--endpoint",
        "erythema",
        "--operator",
        "Dr B",
    ];
    args.extend_from_slice(extra);
    records(db, &args)
}

/// A bruising adverse event of `code` of `severity`, with its onset on `onset`.
pub fn bruising(db: &str, code: &str, severity: &str, onset: &str) -> Run {
    records(
        db,
        &[
            "adverse-event",
            "add",
            code,
            "--effect",
            "bruising",
            "--severity",
            severity,
            "--onset",
            onset,
            "--action",
            "ice",
        ],
    )
}
