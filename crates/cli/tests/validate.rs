//! `validate`: every validation case listed with its source, and all passing.

mod harness;

use harness::run;

#[test]
fn validate_lists_every_case_and_passes() {
    let r = run(&["validate", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let cases = r.json();
    let cases = cases.as_array().expect("cases");
    for id in [
        "penetration-kalluri-depth",
        "penetration-lima-papillary",
        "transport-crank-amount",
        "transport-crank-lag",
        "transport-two-layers",
        "transport-mass-balance",
        "transport-grid-order",
        "transport-closed-channel",
        "transport-davidson-ranking",
    ] {
        let case = cases
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("missing {id}"));
        assert_eq!(case["passed"], true, "{id}");
        assert!(case["source"].as_str().is_some_and(|s| !s.is_empty()));
    }
    // Misses are reported, not hidden: the text counts the same failures as the JSON, and every
    // one of them is a calibration or independent case, never a verification case.
    let failed: Vec<_> = cases.iter().filter(|c| c["passed"] == false).collect();
    assert!(failed.iter().all(|c| c["kind"] != "analytic"));
    let text = run(&["validate"]).stdout;
    assert!(
        text.contains(&format!("passed, {} failed", failed.len())),
        "{text}"
    );
    assert!(text.contains("quantitative predictions within 2x"));
}

/// Calibration is not validation: every case says which it is, a figure a parameter was fitted
/// to is labelled calibration, and the text counts each kind.
#[test]
fn every_case_is_labelled_analytic_calibration_or_independent() {
    let r = run(&["validate", "--json"]);
    let cases = r.json();
    let cases = cases.as_array().expect("cases");
    for case in cases {
        assert!(
            ["analytic", "calibration", "independent"]
                .contains(&case["kind"].as_str().unwrap_or("")),
            "{case}"
        );
    }
    let kind = |id: &str| {
        cases
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["kind"].clone())
            .unwrap_or_default()
    };
    // Fitted figures (data/ says so) are calibration points, never predictions.
    for fitted in [
        "penetration-kalluri-depth",
        "penetration-lima-papillary",
        "transport-ascorbic-acid",
        "healing-lotfi-2013",
    ] {
        assert_eq!(kind(fitted), "calibration", "{fitted}");
    }
    assert_eq!(kind("transport-crank-amount"), "analytic");
    let text = run(&["validate"]).stdout;
    assert!(
        text.contains("calibration (checks a fit, predicts nothing)"),
        "{text}"
    );
}
