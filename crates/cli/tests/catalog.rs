//! The catalog: every kind as JSON with ids, and devices from a file.

mod harness;

use harness::{assert_invalid, example, run, temp_file};

#[test]
fn catalog_lists_every_kind_as_json_arrays_with_ids() {
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
        let items = r.json();
        let items = items.as_array().expect("array");
        assert!(!items.is_empty());
        assert!(items.iter().all(|i| i["id"].is_string()), "{kind}");
    }
    let devices = run(&["catalog", "devices", "--json"]).json();
    for d in devices.as_array().expect("array") {
        assert!(["roller", "stamp", "pen", "rf"].contains(&d["kind"].as_str().expect("kind")));
        assert!(["home", "professional"].contains(&d["use"].as_str().expect("use")));
    }
    let text = run(&["catalog", "rules"]);
    assert!(text.stdout.contains("source:") && text.stdout.contains("keloid-tendency"));
}

#[test]
fn custom_devices_come_from_a_file() {
    let r = run(&[
        "--device-file",
        &example("custom-device.toml"),
        "simulate",
        "penetration",
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
        &run(&["--device-file", &bad, "catalog", "devices"]),
        &["missing field"],
    );
}

#[test]
fn an_unknown_catalog_kind_exits_2() {
    assert_invalid(&run(&["catalog", "widgets"]), &["widgets"]);
}
