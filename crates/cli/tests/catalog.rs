//! The catalog: every kind as JSON with ids, and devices from a file.

mod harness;

use harness::{assert_invalid, example, run, temp_file};

#[test]
fn catalog_lists_every_kind_as_json_items_with_ids() {
    for kind in [
        "sites",
        "devices",
        "agents",
        "indications",
        "rules",
        "adverse-effects",
    ] {
        let r = run(&["catalog", kind, "--json"]);
        assert_eq!(r.code, 0, "{kind}: {}", r.stderr);
        let items = r.items();
        assert!(!items.is_empty());
        assert!(items.iter().all(|i| i["id"].is_string()), "{kind}");
    }
    for d in run(&["catalog", "devices", "--json"]).items() {
        assert!(["roller", "stamp", "pen", "rf"].contains(&d["kind"].as_str().expect("kind")));
        assert!(["home", "professional"].contains(&d["use"].as_str().expect("use")));
    }
    let text = run(&["catalog", "rules"]);
    assert!(text.stdout.contains("source:") && text.stdout.contains("keloid-tendency"));
}

#[test]
fn custom_devices_come_from_a_file() {
    let r = run(&[
        "simulate",
        "penetration",
        "--device-file",
        &example("custom-device.toml"),
        "--device",
        "clinic-pen-12",
        "--site",
        "cheek",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["device"], "clinic-pen-12");
    let bad = temp_file("bad-device.toml", "[[devices]]\nid = \"x\"\n");
    assert_invalid(
        &run(&["catalog", "devices", "--device-file", &bad]),
        &["missing field"],
    );
}

#[test]
fn an_unknown_catalog_kind_exits_2() {
    assert_invalid(&run(&["catalog", "widgets"]), &["widgets"]);
}

#[test]
fn catalog_trials_lists_the_arms_with_their_follow_ups() {
    let r = run(&["catalog", "trials", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let arms = r.items();
    assert!(arms.len() >= 25, "{} arms", arms.len());
    for arm in &arms {
        assert!(arm["id"].is_string() && arm["study"].is_string());
        assert!(arm["indication"].is_string() && arm["scale"].is_string());
        assert!(arm["n"].as_u64().is_some_and(|n| n > 0));
        assert!(arm["verified"].is_boolean());
        let followups = arm["followups"].as_array().expect("follow-ups");
        assert!(!followups.is_empty());
        assert!(
            followups
                .iter()
                .all(|f| f["month"].as_f64().is_some_and(|m| m >= 0.0))
        );
        assert!(arm["source"].as_str().is_some_and(|s| s.contains("[@")));
    }
    let alam = arms
        .iter()
        .find(|a| a["id"] == "alam-2014-needling")
        .expect("alam");
    assert_eq!(alam["followups"][1]["value"], 3.4);
    assert_eq!(alam["followups"][1]["kind"], "change");
    assert!(
        arms.iter()
            .any(|a| a["control"] == true && a["device"] == "none")
    );
    let text = run(&["catalog", "trials"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("dhurat-2013-minoxidil") && text.stdout.contains("(control)"));
    assert!(text.stdout.contains("11.73 sd 3.12 -> m5 6.5 sd 2.71"));
}

/// A reader that goes away (`microneedling … | head`) ends the run quietly: exit 0, nothing on
/// stderr, no "Broken pipe" panic.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_microneedling"))
        .args(["catalog", "trials", "--json"])
        .current_dir(harness::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Close the read end before the binary writes its (large) output.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("the binary ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
