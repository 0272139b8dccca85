//! Plans: every example indication, refusals and overrides, and what a plan shows (the
//! delivery of its topicals, the expected course of its series).

mod harness;

use harness::{example, run};

const INDICATIONS: [&str; 10] = [
    "acne-scars",
    "scars",
    "wrinkles",
    "loose-skin",
    "stretch-marks",
    "rosacea",
    "pigmentation",
    "alopecia",
    "large-pores",
    "rejuvenation",
];

#[test]
fn every_example_indication_plans_and_exits_zero() {
    for indication in INDICATIONS {
        let r = run(&["plan", &example(&format!("{indication}.toml")), "--json"]);
        assert_eq!(r.code, 0, "{indication}: {}", r.stderr);
        let p = r.json();
        assert_eq!(p["indication"], indication);
        for key in [
            "verdict",
            "evidence",
            "sessions",
            "interval_weeks",
            "reassess_weeks",
        ] {
            assert!(!p[key].is_null(), "{indication}: {key}");
        }
        for key in ["zones", "topicals", "aftercare", "sources"] {
            assert!(p[key].is_array(), "{indication}: {key}");
        }
        let zone = &p["zones"][0];
        for key in ["site", "device", "depth_mm", "passes"] {
            assert!(!zone[key].is_null(), "{indication}: zones[].{key}");
        }
    }
}

#[test]
fn a_contraindicated_plan_exits_3_unless_overridden() {
    let refused = run(&["plan", &example("contraindicated.toml")]);
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(refused.stdout.contains("NO PLAN") && refused.stdout.contains("keloid"));
    let overridden = run(&[
        "plan",
        &example("contraindicated.toml"),
        "--override",
        "scar clinic consultant approved",
        "--json",
    ]);
    assert_eq!(overridden.code, 0, "{}", overridden.stderr);
    let plan = overridden.json();
    assert_eq!(
        plan["override"]["reason"],
        "scar clinic consultant approved"
    );
    assert_eq!(plan["verdict"], "contraindicated");
}

#[test]
fn plan_shows_the_delivery_of_its_in_session_topicals() {
    let plan = run(&["plan", &example("pigmentation.toml"), "--json"]).json();
    let delivery = plan["delivery"].as_array().expect("delivery");
    // Tranexamic acid barely crosses intact skin (a zwitterion): the channels carry it.
    assert!(delivery.iter().any(|d| {
        d["agent"] == "tranexamic-acid"
            && d["enhancement"]["steady_flux"]
                .as_f64()
                .is_some_and(|x| x > 1.0)
    }));
    let alopecia = run(&["plan", &example("alopecia.toml"), "--json"]).json();
    assert!(
        alopecia["delivery"]
            .as_array()
            .expect("delivery")
            .iter()
            .all(|d| d["agent"] != "minoxidil"),
        "home topicals are not simulated into open channels"
    );
}

#[test]
fn plan_shows_the_expected_course_of_its_series() {
    let plan = run(&["plan", &example("acne-scars.toml"), "--json"]).json();
    let expected = &plan["expected"];
    assert_eq!(
        expected["new_collagen_pct_at_months"]
            .as_array()
            .expect("months")
            .len(),
        4
    );
    assert_eq!(
        expected["outcome_basis"]["scale"], "goodman-baron-qualitative",
        "acne scars' default scale"
    );
    assert_eq!(expected["outcome"][3]["month"], 12);
}

/// The acne-scar example is Fitzpatrick IV: its plan starts with a test spot, in the JSON and in
/// the text a clinician reads, and the first session waits for the reading.
#[test]
fn a_fitzpatrick_iv_plan_starts_with_a_test_spot_in_json_and_text() {
    let r = run(&["plan", &example("acne-scars.toml"), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = r.json();
    let spot = &p["test_spot"];
    assert!(spot["read_date"].is_string(), "{p}");
    assert_eq!(p["schedule"][0]["date"], spot["read_date"]);
    let text = run(&["plan", &example("acne-scars.toml")]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("TEST SPOT first"), "{}", text.stdout);
    let light = run(&["plan", &example("wrinkles.toml"), "--json"]);
    assert!(light.json()["test_spot"].is_null());
}
