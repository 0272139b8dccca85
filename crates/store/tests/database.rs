//! The database itself: the append-only audit log, WAL mode and the migrations.

mod common;

use common::{store_with_patient, today};
use microneedling_store::{NewPatient, Store};

#[test]
fn the_audit_log_is_append_only() {
    let store = store_with_patient("P5");
    let c = store.db();
    let refused = c
        .execute("UPDATE audit_log SET actor = 'someone else'", &[])
        .expect_err("update refused");
    assert!(refused.to_string().contains("append-only"), "{refused}");
    assert!(c.execute("DELETE FROM audit_log", &[]).is_err());
    if store.backend() == microneedling_store::db::Backend::Postgres {
        assert!(c.batch("TRUNCATE audit_log").is_err(), "nor emptied");
    }
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
                zone: None,
            })
            .expect("the latest tables exist");
        let mode: String = common::value(&store, "PRAGMA journal_mode");
        assert_eq!(mode, "wal");
        assert_eq!(store.integrity_check().expect("check"), "ok");
    }
}

/// On PostgreSQL the rules hold in the database's privileges too: the role the clinic's programs
/// connect as (granted by `grant_app_role`) records a whole patient, yet may neither change nor
/// empty the audit log, nor delete any record, even with the triggers gone.
#[test]
#[ignore = "needs a PostgreSQL server: set MICRONEEDLING_TEST_POSTGRES (CI does)"]
fn on_postgres_the_app_role_cannot_change_the_audit_log_nor_delete() {
    assert!(
        std::env::var(common::POSTGRES_ENV).is_ok(),
        "MICRONEEDLING_TEST_POSTGRES must name a PostgreSQL server for this test"
    );
    let microneedling_store::Location::Postgres(owner_url) = common::fresh_location("roles") else {
        panic!("a PostgreSQL location");
    };
    let role = format!("mn_app_{}", std::process::id());
    let mut owner = Store::open_at(
        &microneedling_store::Location::Postgres(owner_url.clone()),
        "owner",
    )
    .expect("owner");
    owner
        .db()
        .batch(&format!(
            "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN"
        ))
        .expect("role");
    owner.grant_app_role(&role).expect("grant");
    // The owner drops the triggers: only the privileges are left to refuse.
    owner
        .db()
        .batch("DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_no_truncate ON audit_log")
        .expect("triggers dropped");
    let app_url = owner_url.replacen("postgres@", &format!("{role}@"), 1);
    assert_ne!(app_url, owner_url, "the URL names the app role");
    let mut app =
        Store::open_existing_at(&microneedling_store::Location::Postgres(app_url), "dr-app")
            .expect("the app role opens the records");
    common::add_patient(&mut app, "ROLE-1");
    let yesterday = today() - chrono::Duration::days(1);
    common::screen(&mut app, "ROLE-1", "", yesterday);
    common::record_plan(&mut app, "ROLE-1", "", None, yesterday);
    let at = today().and_hms_opt(0, 0, 1).expect("time");
    app.add_session(common::kb(), &common::session("ROLE-1", at, 1.0))
        .expect("the app role records a session");
    for refused in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "DELETE FROM session",
        "DELETE FROM patient",
    ] {
        let e = app.db().batch(refused).expect_err(refused);
        assert!(
            e.to_string().contains("permission denied"),
            "{refused}: {e}"
        );
    }
    assert!(app.audit_count().expect("audit") >= 5);
    drop(app);
    owner
        .db()
        .batch(&format!("DROP OWNED BY {role}"))
        .expect("clean");
}
