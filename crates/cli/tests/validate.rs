//! `validate`: every validation case listed with its source, and all passing.

mod harness;

use harness::run;

#[test]
fn validate_lists_every_case_and_passes() {
    let r = run(&["validate", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let json = r.json();
    let cases = json["cases"].as_array().expect("cases");
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
    let json = r.json();
    let cases = json["cases"].as_array().expect("cases");
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

/// The outcome model's leave-one-study-out test is reported per indication, with its coverage
/// and error, and the in-sample results are calibration cases, never predictions.
#[test]
fn validate_reports_the_outcome_cross_validation() {
    let json = run(&["validate", "--json"]).json();
    let cv = json["cross_validation"]
        .as_object()
        .expect("cross_validation");
    assert!(cv.contains_key("acne-scars"), "{cv:?}");
    let mut predicted = 0;
    for (indication, summary) in cv {
        let coverage = summary["coverage_p10_p90"].as_f64().expect("coverage");
        assert!((0.0..=1.0).contains(&coverage), "{indication}");
        assert!(
            summary["mean_absolute_error"]
                .as_f64()
                .is_some_and(|e| e >= 0.0)
        );
        let held = summary["held_out"].as_array().expect("held_out");
        assert_eq!(summary["studies"].as_u64().map(|s| s > 0), Some(true));
        // Each band is ordered and its verdict matches it.
        for r in held {
            let (p10, p90, obs) = (
                r["p10_pct"].as_f64().expect("p10"),
                r["p90_pct"].as_f64().expect("p90"),
                r["observed_pct"].as_f64().expect("observed"),
            );
            assert!(p10 <= r["median_pct"].as_f64().expect("median") && p10 < p90);
            assert_eq!(r["inside"].as_bool(), Some((p10..=p90).contains(&obs)));
        }
        predicted += held.len();
    }
    assert!(predicted >= 5, "{predicted}");
    let fitted: Vec<_> = json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| {
            c["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("outcome-fit-"))
        })
        .collect();
    assert!(!fitted.is_empty());
    assert!(fitted.iter().all(|c| c["kind"] == "calibration"));
    let text = run(&["validate"]).stdout;
    assert!(text.contains("leave one study out"), "{text}");
}
