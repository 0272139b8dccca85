//! Security of the records file and the API users: private file modes, users revoked and rotated
//! (audited), ids never reused, refused attempts audited.

mod common;

use microneedling_store::Store;

fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mn-store-sec-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[cfg(unix)]
#[test]
fn a_new_database_its_wal_and_shm_are_0600_in_0700_folders() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let top = fresh_dir("modes");
    let path = top.join("clinic").join("records.db");
    let mut store = Store::open(&path, "test").expect("store");
    // A write, so that the WAL and the shared-memory index exist while the store is open.
    store.audit_read("patient", "mode test").expect("write");
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    assert_eq!(mode(&top), 0o700);
    assert_eq!(mode(&top.join("clinic")), 0o700);
    drop(store);
    let _ = std::fs::remove_dir_all(&top);
}

#[test]
fn users_are_listed_revoked_and_rotated_with_audit_and_ids_are_never_reused() {
    let mut store = Store::open_at(&common::fresh_location("users"), "admin").expect("store");
    let a = store.add_user("dr-a", "clinician", "hash-a").expect("a");
    let b = store.add_user("nurse-b", "viewer", "hash-b").expect("b");
    assert!(store.user(b).expect("lookup").is_some());

    let revoked = store.revoke_user(b).expect("revoke");
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        store.user(b).expect("lookup"),
        None,
        "a revoked user is unknown to auth"
    );
    let again = store.revoke_user(b).expect_err("twice");
    assert!(again.to_string().contains("id"), "{again}");
    assert!(
        store.rotate_user(b, "x").is_err(),
        "a revoked user cannot be rotated"
    );

    let rotated = store.rotate_user(a, "hash-a2").expect("rotate");
    assert!(rotated.rotated_at.is_some());
    assert_eq!(
        store.user(a).expect("lookup").map(|u| u.2),
        Some("hash-a2".to_string())
    );
    assert!(store.revoke_user(999).is_err(), "unknown ids are refused");

    // Rows are never deleted, and even if the last one were, its id would not come back.
    let c = store.db();
    assert!(
        c.execute("DELETE FROM app_user WHERE id = ?1", &[b.into()])
            .is_err()
    );
    let next = store.add_user("dr-c", "clinician", "hash-c").expect("c");
    assert!(next > b);

    let listed = store.users().expect("list");
    let names: Vec<_> = listed.iter().map(|u| (u.id, u.name.as_str())).collect();
    assert_eq!(names, [(a, "dr-a"), (b, "nurse-b"), (next, "dr-c")]);
    let actions: Vec<(String, String)> = store
        .db()
        .query(
            "SELECT actor, action FROM audit_log WHERE entity = 'user' ORDER BY id",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("audit");
    let actions: Vec<&str> = actions.iter().map(|(_, a)| a.as_str()).collect();
    assert_eq!(actions, ["create", "create", "revoke", "rotate", "create"]);
    drop(store);
}

#[test]
fn ids_are_not_reused_after_migrating_an_old_users_table() {
    let dir = fresh_dir("migrate");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("v3.db");
    let mut old = Store::open_at_version(&path, "test", 3).expect("v3");
    let first = old.add_user("old", "viewer", "h").expect("old user");
    drop(old);
    let mut store = Store::open(&path, "test").expect("migrated");
    assert_eq!(store.users().expect("list")[0].name, "old");
    assert!(store.add_user("new", "viewer", "h").expect("new") > first);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refused_attempts_are_audited_under_the_actor() {
    let mut store = common::fresh_store("dr-a");
    store
        .audit_refused("session", "P1: contraindicated")
        .expect("audit");
    let (actor, action): (String, String) = store
        .db()
        .query_opt("SELECT actor, action FROM audit_log", &[], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row")
        .expect("one row");
    assert_eq!((actor.as_str(), action.as_str()), ("dr-a", "refused"));
}

#[test]
fn a_refusal_that_quotes_a_patient_code_is_audited_by_row_id() {
    let mut store = common::fresh_store("dr-a");
    let patient = store
        .add_patient(&microneedling_store::NewPatient {
            code: "QUOTED-7".into(),
            birth_year: 1980,
            sex: "female".into(),
            fitzpatrick: 3,
        })
        .expect("patient");
    store
        .audit_refused(
            "session",
            "QUOTED-7: the latest screening is contraindicated",
        )
        .expect("audit");
    let details: Vec<String> = store
        .audit_entries()
        .expect("audit")
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert!(
        details.iter().all(|d| !d.contains("QUOTED-7")),
        "{details:?}"
    );
    let named = format!("patient #{}: the latest screening", patient.id);
    assert!(details.iter().any(|d| d.contains(&named)), "{details:?}");
}
