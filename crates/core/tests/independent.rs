//! The independent validation set: published results the models were not tuned to, each
//! computed in its own setting and kept whatever its verdict.

mod common;

use common::kb;
use microneedling_core::validation::{
    CaseKind, INDEPENDENT_TOML, PASS_FACTOR, independent_cases, independent_summary,
};

#[test]
fn the_set_has_at_least_eight_quantitative_delivery_and_penetration_cases() {
    let cases = independent_cases(kb());
    let listed = INDEPENDENT_TOML.matches("[[cases]]").count();
    assert_eq!(cases.len(), listed, "every case in the file is computed");
    let summary = independent_summary(&cases);
    assert!(summary.quantitative >= 8, "{summary:?}");
    assert!(cases.iter().any(|c| c.model == "penetration"));
    assert!(cases.iter().any(|c| c.model == "transport"));
}

#[test]
fn every_case_is_independent_cited_and_finite_with_an_honest_verdict() {
    for c in independent_cases(kb()) {
        assert_eq!(c.kind, CaseKind::Independent);
        assert!(c.source.contains("[@"), "{}: no citation key", c.id);
        assert!(c.computed.is_finite(), "{}: {}", c.id, c.computed);
        if let Some(factor) = c.factor {
            // The verdict follows from the factor, and the factor from the two numbers.
            let expected = (c.computed / c.expected).max(c.expected / c.computed);
            assert!((factor - expected).abs() <= 1e-12 * expected, "{}", c.id);
            assert_eq!(c.passed, factor <= PASS_FACTOR, "{}", c.id);
        }
    }
}

#[test]
fn calibration_points_sit_in_their_own_file_and_every_calibration_case_is_listed() {
    let text = include_str!("../data/validation/calibration.toml");
    let file: toml::Table = toml::from_str(text).expect("calibration.toml parses");
    let points = file["points"].as_array().expect("points");
    let listed: Vec<&str> = points
        .iter()
        .filter_map(|p| p.get("case").and_then(|c| c.as_str()))
        .collect();
    let independent_ids: Vec<String> = independent_cases(kb()).into_iter().map(|c| c.id).collect();
    let validation = microneedling_core::validation::validate(kb()).expect("validation");
    for case in validation.cases {
        // A fitted figure is never also a prediction.
        assert!(!(listed.contains(&case.id.as_str()) && independent_ids.contains(&case.id)));
        // The outcome fit's points are the trial arms of data/trials.toml, named in the id.
        if let Some(rest) = case.id.strip_prefix("outcome-fit-") {
            assert_eq!(case.kind, CaseKind::Calibration, "{}", case.id);
            let arm = rest.split("-month-").next().unwrap_or_default();
            assert!(
                microneedling_core::evidence::embedded()
                    .expect("evidence")
                    .arms
                    .iter()
                    .any(|a| a.id == arm),
                "{arm} is not a trials.toml arm"
            );
            continue;
        }
        if case.kind == CaseKind::Calibration && !case.id.starts_with("healing-") {
            assert!(
                listed.contains(&case.id.as_str()),
                "{} is not in calibration.toml",
                case.id
            );
        }
    }
}
