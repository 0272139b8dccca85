//! The database itself: the append-only audit log, WAL mode and the migrations.

mod common;

use common::{store_with_patient, today};
use microneedling_store::{NewPatient, Store};

#[test]
fn the_audit_log_is_append_only() {
    let store = store_with_patient("P5");
    let c = store.connection();
    assert!(
        c.execute("UPDATE audit_log SET actor = 'someone else'", [])
            .is_err()
    );
    assert!(c.execute("DELETE FROM audit_log", []).is_err());
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
            })
            .expect("the latest tables exist");
        let mode: String = store
            .connection()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        assert_eq!(store.integrity_check().expect("check"), "ok");
    }
}
