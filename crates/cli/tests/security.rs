//! `users list | revoke | rotate`, the audit actor from the OS user (no `--actor` flag), and
//! reads audited.

mod harness;

use std::process::Command;

use harness::records::db;

/// Runs the binary with `MICRONEEDLING_ACTOR` set to `actor` and `USER` to `alice`.
fn run_as(actor: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_microneedling"));
    command.args(args).env("USER", "alice");
    match actor {
        Some(a) => command.env("MICRONEEDLING_ACTOR", a),
        None => command.env_remove("MICRONEEDLING_ACTOR"),
    };
    let output = command.output().expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn audit(db: &str) -> Vec<(String, String, String)> {
    let store =
        microneedling_store::Store::open_at(&microneedling_store::Location::parse(db), "check")
            .expect("db");
    store
        .db()
        .query(
            "SELECT actor, action, entity FROM audit_log ORDER BY id",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("audit")
}

#[test]
fn users_are_listed_revoked_and_rotated() {
    let db = db("users-cli");
    let (code, out, err) = run_as(
        None,
        &[
            "users",
            "--json",
            "add",
            "dr-a",
            "--role",
            "clinician",
            "--db",
            &db,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let added: serde_json::Value = serde_json::from_str(&out).expect("json");
    let id = added["id"].as_i64().expect("id").to_string();
    let old_token = added["token"].as_str().expect("token").to_string();

    let (code, out, err) = run_as(None, &["users", "rotate", &id, "--db", &db, "--json"]);
    assert_eq!(code, 0, "{err}");
    let rotated: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_ne!(rotated["token"].as_str(), Some(old_token.as_str()));

    let (code, _, err) = run_as(None, &["users", "revoke", &id, "--db", &db]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_as(None, &["users", "revoke", &id, "--db", &db]);
    assert_eq!(code, 2, "revoking twice names the id: {err}");
    let (code, out, err) = run_as(None, &["users", "list", "--db", &db, "--json"]);
    assert_eq!(code, 0, "{err}");
    let listed: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(listed["items"][0]["revoked_at"].is_string(), "{listed}");
    assert!(!out.contains("token"), "no token or hash listed: {out}");
    let actions: Vec<String> = audit(&db)
        .into_iter()
        .map(|(a, act, _)| format!("{a}:{act}"))
        .collect();
    assert_eq!(actions, ["alice:create", "alice:rotate", "alice:revoke"]);
}

#[test]
fn the_actor_is_the_os_user_or_the_configured_name_never_a_flag() {
    let db = db("actor");
    let (code, _, err) = run_as(
        None,
        &["records", "--db", &db, "--actor", "mallory", "init"],
    );
    assert_eq!(code, 2, "--actor is gone: {err}");
    let add = [
        "records",
        "--db",
        &db,
        "patient",
        "add",
        "ACT-1",
        "--birth-year",
        "1990",
        "--sex",
        "female",
        "--fitzpatrick",
        "2",
    ];
    let (code, _, err) = run_as(Some("Dr Who"), &add);
    assert_eq!(code, 0, "{err}");
    // Reads are audited too.
    let (code, _, err) = run_as(None, &["records", "--db", &db, "history", "ACT-1"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_as(
        None,
        &["records", "--db", &db, "export", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let rows = audit(&db);
    let rows: Vec<(&str, &str)> = rows
        .iter()
        .map(|(a, act, _)| (a.as_str(), act.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Dr Who (alice)", "create"),
            ("alice", "read"),
            ("alice", "read")
        ]
    );
}
