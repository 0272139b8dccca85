//! The records through the real binary: the command set, its rules and its errors. (Crashes and
//! concurrent writers are tested on the store itself: crates/store/tests/processes.rs.)

mod harness;

use harness::{assert_invalid, example, run, temp_file};

fn db(name: &str) -> String {
    let path = std::env::temp_dir().join(format!("mn-records-{}-{name}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path.display().to_string()
}

fn records(db: &str, args: &[&str]) -> harness::Run {
    let mut all = vec!["records", "--db", db];
    all.extend_from_slice(args);
    run(&all)
}

/// A patient screened and planned (acne-scars example), ready for sessions.
fn ready(db: &str, code: &str) {
    assert_eq!(
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
                "4"
            ]
        )
        .code,
        0
    );
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

#[test]
fn the_record_commands_work_end_to_end() {
    let db = db("e2e");
    assert_eq!(
        records(&db, &["init", "--json"]).json()["schema_version"],
        3
    );
    ready(&db, "P-1");
    let consent = temp_file(
        "consent.txt",
        "I consent to microneedling of the cheeks. Version 3.",
    );
    assert_eq!(
        records(
            &db,
            &["consent", "P-1", "--version", "v3", "--text-file", &consent]
        )
        .code,
        0
    );
    let first = records(
        &db,
        &[
            "session",
            "add",
            "P-1",
            "--date",
            "2026-11-02",
            "--device",
            "skinpen",
            "--serial",
            "SP-77",
            "--lot",
            "C-1",
            "--zone",
            "cheek:1.5:3",
            "--topical",
            "hyaluronic-acid:HA-9",
            "--endpoint",
            "pinpoint-bleeding",
            "--operator",
            "Dr A",
            "--json",
        ],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = records(
        &db,
        &[
            "session",
            "add",
            "P-1",
            "--date",
            "2026-11-10",
            "--device",
            "skinpen",
            "--serial",
            "SP-77",
            "--lot",
            "C-2",
            "--zone",
            "cheek:1.5:3",
            "--endpoint",
            "erythema",
            "--operator",
            "Dr A",
        ],
    );
    assert_eq!(second.code, 0);
    assert!(
        second.stdout.contains("sooner than the plan's 4 weeks"),
        "{}",
        second.stdout
    );
    assert_eq!(
        records(
            &db,
            &[
                "adverse-event",
                "add",
                "P-1",
                "--effect",
                "bruising",
                "--severity",
                "mild",
                "--onset",
                "2026-11-03",
                "--action",
                "ice"
            ]
        )
        .code,
        0
    );
    assert_eq!(
        records(
            &db,
            &[
                "outcome",
                "add",
                "P-1",
                "--scale",
                "Goodman & Baron",
                "--score",
                "3",
                "--assessor",
                "Dr A",
                "--date",
                "2026-11-02"
            ]
        )
        .code,
        0
    );
    assert_eq!(
        records(
            &db,
            &[
                "outcome",
                "add",
                "P-1",
                "--scale",
                "Goodman & Baron",
                "--score",
                "2",
                "--assessor",
                "Dr A",
                "--date",
                "2026-11-20"
            ]
        )
        .code,
        0
    );
    let photo = temp_file("before.jpg", "not really a jpeg");
    assert_eq!(
        records(
            &db,
            &[
                "photo",
                "add",
                "P-1",
                "--file",
                &photo,
                "--view",
                "front",
                "--photo-consent",
                "--date",
                "2026-11-02"
            ]
        )
        .code,
        0
    );
    let history = records(&db, &["history", "P-1", "--json"]).json();
    assert_eq!(history["sessions"].as_array().expect("sessions").len(), 2);
    assert_eq!(history["sessions"][0]["topicals"][0]["lot"], "HA-9");
    assert_eq!(history["trends"][0]["change"], -1.0);
    assert_eq!(history["consents"][0]["version"], "v3");
    assert!(
        records(&db, &["history", "P-1"])
            .stdout
            .contains("Outcome trend")
    );
    let csv = records(&db, &["export", "--format", "csv"]);
    assert!(csv.stdout.starts_with("patient,kind,date,detail") && csv.stdout.contains("session"));
    let json = records(&db, &["export", "--format", "json"]).json();
    assert_eq!(json.as_array().expect("patients").len(), 1);
}

#[test]
fn contraindicated_patients_need_an_override_plan_and_bad_input_exits_2() {
    let db = db("rules");
    assert_eq!(
        records(
            &db,
            &[
                "patient",
                "add",
                "P-2",
                "--birth-year",
                "2002",
                "--sex",
                "female",
                "--fitzpatrick",
                "3"
            ]
        )
        .code,
        0
    );
    assert_eq!(
        records(
            &db,
            &[
                "screen",
                "P-2",
                &example("contraindicated.toml"),
                "--date",
                "2026-11-01"
            ]
        )
        .code,
        0
    );
    assert_eq!(
        records(
            &db,
            &[
                "plan",
                "P-2",
                &example("contraindicated.toml"),
                "--date",
                "2026-11-01"
            ]
        )
        .code,
        3,
        "no plan without override"
    );
    let session = [
        "session",
        "add",
        "P-2",
        "--date",
        "2026-11-20",
        "--device",
        "dermapen",
        "--serial",
        "D1",
        "--lot",
        "L",
        "--zone",
        "cheek:1:3",
        "--endpoint",
        "erythema",
        "--operator",
        "Dr B",
    ];
    let refused = records(&db, &session);
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(refused.stderr.contains("contraindicated"));
    assert_eq!(
        records(
            &db,
            &[
                "plan",
                "P-2",
                &example("contraindicated.toml"),
                "--override",
                "scar clinic consultant approved",
                "--date",
                "2026-11-02"
            ]
        )
        .code,
        0
    );
    assert_eq!(
        records(&db, &session).code,
        0,
        "allowed with the override plan"
    );
    assert_invalid(
        &records(
            &db,
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
        ),
        &["code", "P-2"],
    );
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
    assert_invalid(&records(&db, &["history", "NOBODY"]), &["NOBODY"]);
    assert_invalid(
        &records(
            &db,
            &[
                "session",
                "add",
                "P-2",
                "--date",
                "2026-11-21",
                "--device",
                "dermapen",
                "--serial",
                "D1",
                "--lot",
                "L",
                "--zone",
                "cheek:9:3",
                "--endpoint",
                "erythema",
                "--operator",
                "B",
            ],
        ),
        &["depth_mm", "9"],
    );
    assert_invalid(
        &records(
            &db,
            &[
                "session",
                "add",
                "P-2",
                "--date",
                "2099-01-01",
                "--device",
                "dermapen",
                "--serial",
                "D1",
                "--lot",
                "L",
                "--zone",
                "cheek:1:3",
                "--endpoint",
                "erythema",
                "--operator",
                "B",
            ],
        ),
        &["performed_at", "2099"],
    );
    assert_invalid(
        &records(
            &db,
            &[
                "adverse-event",
                "add",
                "P-2",
                "--effect",
                "bruising",
                "--severity",
                "7",
                "--onset",
                "2026-11-21",
                "--action",
                "x",
            ],
        ),
        &["severity", "mild"],
    );
    assert_invalid(
        &records(&db, &["screen", "P-2", &example("acne-scars.toml")]),
        &["Fitzpatrick"],
    );
}
