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
        "transport-ascorbic-acid",
    ] {
        let case = cases
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("missing {id}"));
        assert_eq!(case["passed"], true, "{id}");
        assert!(case["source"].as_str().is_some_and(|s| !s.is_empty()));
    }
    assert!(run(&["validate"]).stdout.contains("passed, 0 failed"));
}
