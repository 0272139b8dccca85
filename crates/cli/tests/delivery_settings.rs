//! `simulate delivery` settings of issue 12: intact skin only, in vitro vs in vivo, layers and
//! hydration of one's own, the closure half-life, agents with pKa, solubility and volatility.

mod harness;

use harness::{assert_invalid, run};
use serde_json::Value;

fn delivery(extra: &[&str]) -> Value {
    let mut args = vec!["simulate", "delivery", "--site", "cheek", "--json"];
    args.extend_from_slice(extra);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

/// `agent` through a 1 mm pen on the cheek, with `extra` options.
fn pen(agent: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "--agent",
        agent,
        "--device",
        "dermapen",
        "--length-mm",
        "1.0",
    ];
    args.extend_from_slice(extra);
    delivery(&args)
}

/// The shares of a finite dose a route reports, summed (%).
fn dose_shares(route: &Value) -> f64 {
    [
        "absorbed_pct_of_dose",
        "stratum_corneum_pct_of_dose",
        "evaporated_pct_of_dose",
        "surface_pct_of_dose",
        "washed_pct_of_dose",
    ]
    .iter()
    .map(|k| route[*k].as_f64().expect("percentage"))
    .sum()
}

fn end(d: &Value, series: &str, key: &str) -> f64 {
    d[series].as_array().and_then(|s| s.last()).expect("series")[key]
        .as_f64()
        .expect("number")
}

#[test]
fn intact_only_needs_no_device_and_reports_the_route() {
    let d = delivery(&[
        "--intact-only",
        "--agent",
        "minoxidil",
        "--dose",
        "finite:100",
    ]);
    assert_eq!(d["device"], "none");
    assert!(d["channels"].is_null());
    let intact = &d["intact"];
    for key in ["kp_cm_per_h", "steady_flux_ug_per_cm2_h", "lag_time_h"] {
        assert!(
            intact[key].as_f64().is_some_and(|x| x > 0.0),
            "{key}: {intact}"
        );
    }
    let total = dose_shares(intact);
    assert!((total - 100.0).abs() < 1e-6, "{total}");
    let missing = run(&[
        "simulate",
        "delivery",
        "--site",
        "cheek",
        "--agent",
        "minoxidil",
    ]);
    assert_invalid(&missing, &["--device", "--intact-only"]);
}

#[test]
fn in_vitro_has_no_blood_and_a_thinner_dermis() {
    let vivo = pen("minoxidil", &[]);
    let vitro = pen("minoxidil", &["--setting", "in-vitro"]);
    assert_eq!(vitro["setting"], "in-vitro");
    assert_eq!(vitro["properties"]["dermis"]["clearance_per_s"], 0.0);
    assert!(
        vivo["properties"]["dermis"]["clearance_per_s"]
            .as_f64()
            .is_some_and(|k| k > 0.0)
    );
    assert_ne!(
        end(&vivo, "delivered_ug_per_cm2", "absorbed"),
        end(&vitro, "delivered_ug_per_cm2", "absorbed")
    );
}

#[test]
fn the_closure_half_life_option_changes_the_result() {
    let default = pen("tranexamic-acid", &[]);
    let slow = pen("tranexamic-acid", &["--closure-half-life-h", "20"]);
    assert_eq!(slow["channel_half_life_h"], 20.0);
    assert!(
        end(&slow, "delivered_ug_per_cm2", "absorbed")
            > end(&default, "delivered_ug_per_cm2", "absorbed")
    );
}

#[test]
fn layers_hydration_and_agent_properties_are_taken_and_checked() {
    // A custom agent (MW 300, log Kow 2) through intact skin, with `extra` options.
    let custom = |extra: &[&str]| {
        let mut args = vec!["--intact-only", "--agent-mw", "300", "--agent-logkow", "2"];
        args.extend_from_slice(extra);
        delivery(&args)
    };
    let (thin, thick) = (custom(&["--sc-um", "8"]), custom(&["--sc-um", "30"]));
    assert!(
        end(&thin, "intact_ug_per_cm2", "absorbed") > end(&thick, "intact_ug_per_cm2", "absorbed")
    );
    assert_eq!(custom(&["--sc-hydration", "full"])["sc_hydration"], "full");
    // A base is mostly charged at the skin's pH.
    let base = custom(&["--agent-pka", "9", "--agent-pka-kind", "base"]);
    assert!(
        base["properties"]["fraction_neutral_surface"]
            .as_f64()
            .is_some_and(|f| f < 1e-3)
    );
    // Washed at 24 h and followed to 5 days: nothing stays on the surface, and the shares of the
    // dose still add up.
    let washed = custom(&["--dose", "finite:10", "--wash-at-h", "24", "--hours", "120"]);
    let route = &washed["intact"];
    assert_eq!(route["surface_pct_of_dose"], 0.0);
    let total = dose_shares(route);
    assert!((total - 100.0).abs() < 1e-6, "{total}");
    // A volatile agent loses part of a finite dose to the air.
    let volatile = delivery(&[
        "--intact-only",
        "--agent-mw",
        "160",
        "--agent-logkow",
        "1",
        "--agent-solubility-mg-per-ml",
        "100",
        "--agent-boiling-point-c",
        "200",
        "--dose",
        "finite:100",
    ]);
    assert!(
        volatile["intact"]["evaporated_pct_of_dose"]
            .as_f64()
            .is_some_and(|p| p > 1.0)
    );
    for (extra, words) in [
        (
            &["--agent", "minoxidil", "--sc-um", "2"][..],
            ["--sc-um", "2"],
        ),
        (
            &[
                "--agent-mw",
                "300",
                "--agent-logkow",
                "2",
                "--agent-pka",
                "30",
            ][..],
            ["--agent-pka", "30"],
        ),
    ] {
        let mut args = vec!["simulate", "delivery", "--site", "cheek", "--intact-only"];
        args.extend_from_slice(extra);
        assert_invalid(&run(&args), &words);
    }
}
