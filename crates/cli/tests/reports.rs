//! `--report`: every command that takes it writes a self-contained HTML report (no script, no
//! NaN, figures drawn as inline SVG), and an unwritable path exits 2.

mod harness;

use harness::{assert_invalid, example, run, temp_file};

/// Runs `args` with `--report` to a fresh `name` and checks the file it writes; `figures`: the
/// report must draw at least one figure.
fn assert_report(name: &str, args: &[&str], figures: bool) {
    let path = temp_file(name, "");
    let mut args = args.to_vec();
    args.extend_from_slice(&["--report", &path]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{name}: {}", r.stderr);
    let html = std::fs::read_to_string(&path).expect("report written");
    assert!(
        html.starts_with("<!doctype html>") && html.contains("Decision support"),
        "{name}"
    );
    assert!(!html.contains("NaN") && !html.contains("<script"), "{name}");
    if figures {
        assert!(html.contains("<svg class=\"figure\""), "{name} has figures");
    }
}

#[test]
fn plan_writes_a_self_contained_report() {
    assert_report("plan.html", &["plan", &example("pigmentation.toml")], true);
}

#[test]
fn simulate_penetration_writes_a_self_contained_report() {
    assert_report(
        "penetration.html",
        &[
            "simulate",
            "penetration",
            "--device",
            "skinpen",
            "--site",
            "cheek",
        ],
        true,
    );
}

#[test]
fn simulate_delivery_writes_a_self_contained_report() {
    assert_report(
        "delivery.html",
        &[
            "simulate",
            "delivery",
            "--agent",
            "minoxidil",
            "--device",
            "dermapen",
            "--site",
            "scalp",
            "--hours",
            "12",
        ],
        true,
    );
}

#[test]
fn simulate_healing_writes_a_self_contained_report() {
    assert_report(
        "healing.html",
        &[
            "simulate",
            "healing",
            "--device",
            "skinpen",
            "--site",
            "cheek",
            "--sessions",
            "3",
            "--interval-weeks",
            "4",
            "--indication",
            "wrinkles",
            "--samples",
            "100",
        ],
        true,
    );
}

#[test]
fn validate_writes_a_self_contained_report() {
    assert_report("validate.html", &["validate"], false);
}

#[test]
fn an_unwritable_report_path_exits_2() {
    assert_invalid(
        &run(&["validate", "--report", "/no/such/dir/report.html"]),
        &["--report"],
    );
}
