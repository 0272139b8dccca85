//! The outcome model's joint fit across trials, the scales it reads on, and the band's patient
//! variation.

use microneedling_core::KnowledgeBase;
use microneedling_core::evidence::Evidence;
use microneedling_core::fit::{self, joint_fit, observations};
use microneedling_core::healing::{
    HealingRequest, ScaleChoice, ScaleKind, improvement_fraction, simulate,
};
use microneedling_core::setting::healing_builder;
use microneedling_core::skin::{Sex, SkinProfile};

fn kb() -> &'static KnowledgeBase {
    KnowledgeBase::embedded().expect("kb")
}

/// The coefficient in data/healing.toml is what the fit gives on data/trials.toml today: data
/// and stored fit cannot drift apart.
#[test]
fn the_stored_coefficient_is_the_joint_fit_of_the_trials() {
    let evidence = Evidence::embedded().expect("evidence");
    let (used, _) = observations(kb(), evidence);
    let refit = joint_fit(&used, &kb().healing.outcome_fit).expect("a fit");
    let stored = &kb().healing.outcome_fit.collagen;
    assert!(
        (refit.ln_k - stored.ln_k).abs() < 1e-3,
        "{refit:?} vs {stored:?}"
    );
    assert!((refit.se - stored.se).abs() < 1e-3, "{refit:?}");
    assert!((refit.tau - stored.tau).abs() < 1e-3, "{refit:?}");
    assert_eq!(refit.studies, stored.studies);
    // At least as many studies as the fit was written for, and τ at or above its floor.
    assert!(refit.studies >= 5);
    assert!(refit.tau >= kb().healing.outcome_fit.minimum_tau.value);
}

/// Each observation's ln k estimate is the log-odds of its improvement less the log of its
/// signal: the fit inverts the model exactly at that point.
#[test]
fn each_observation_inverts_the_improvement_curve() {
    let (used, skipped) = observations(kb(), Evidence::embedded().expect("evidence"));
    assert!(!used.is_empty());
    for o in &used {
        let f = improvement_fraction(o.ln_k(), o.signal);
        let clamped = o.fraction.clamp(0.02, 0.98);
        assert!(
            (f - clamped).abs() < 1e-9,
            "{}: {f} vs {}",
            o.arm,
            o.fraction
        );
        assert!(o.variance > 0.0);
    }
    // An arm whose topical acts on its own (botulinum toxin for pores) is left out, with why.
    assert!(
        skipped
            .iter()
            .any(|s| s.arm == "bioscmed-pores-needling-bont" && s.reason.contains("adjunct"))
    );
}

#[test]
fn leaving_a_study_out_changes_the_fit_and_every_prediction_has_a_band() {
    let evidence = Evidence::embedded().expect("evidence");
    let (used, _) = observations(kb(), evidence);
    let all = joint_fit(&used, &kb().healing.outcome_fit).expect("fit");
    let without: Vec<_> = used
        .iter()
        .filter(|o| o.study != "dogra-2014")
        .cloned()
        .collect();
    let fewer = joint_fit(&without, &kb().healing.outcome_fit).expect("fit");
    assert_eq!(fewer.studies, all.studies - 1);
    assert!((fewer.ln_k - all.ln_k).abs() > 1e-6);
    let cv = fit::cross_validate(kb(), evidence);
    for (indication, summary) in &cv.by_indication {
        for r in &summary.held_out {
            assert_eq!(r.fitted_on_studies, all.studies - 1, "{indication}");
            assert!(
                r.p10_pct < r.median_pct && r.median_pct < r.p90_pct,
                "{r:?}"
            );
        }
    }
}

#[test]
fn severity_scales_read_the_fraction_from_the_baseline() {
    let scales = &kb().healing.scales;
    let gb = ScaleChoice::resolve(
        scales,
        "acne-scars",
        Some("goodman-baron-quantitative"),
        Some(30.0),
    )
    .expect("scale");
    let scale = gb.scale();
    assert_eq!(scale.kind, ScaleKind::Severity);
    // Improvement = f · (baseline − best); the score is the baseline less it.
    assert_eq!(scale.improvement(0.25, gb.baseline()), Some(7.5));
    assert_eq!(scale.score(gb.baseline(), 7.5), Some(22.5));
    // A reported score converts back to the same fraction.
    assert_eq!(
        scale.observed_fraction("score", 22.5, Some(30.0)),
        Some(0.25)
    );
    assert_eq!(
        scale.observed_fraction("change", 7.5, Some(30.0)),
        Some(0.25)
    );
    assert_eq!(
        scale.observed_fraction("pct-improvement", 25.0, None),
        Some(0.25)
    );
    assert_eq!(
        scale.observed_fraction("responders-pct", 40.0, Some(30.0)),
        None
    );
    // The default scale of an indication is its first; a baseline at the best score is refused.
    let default = ScaleChoice::resolve(scales, "acne-scars", None, None).expect("default");
    assert_eq!(default.scale().id, "goodman-baron-qualitative");
    assert!(default.baseline().is_some(), "typical baseline");
    let err = ScaleChoice::resolve(
        scales,
        "acne-scars",
        Some("goodman-baron-qualitative"),
        Some(1.0),
    )
    .expect_err("best score");
    assert_eq!(err.field, "baseline");
    let err =
        ScaleChoice::resolve(scales, "stretch-marks", None, Some(2.0)).expect_err("improvement");
    assert_eq!(err.field, "baseline");
}

fn cheek_request(with_spread: bool) -> HealingRequest {
    let kb = kb();
    let device = kb.device("dermaroller-192").expect("device");
    let skin = SkinProfile::new(
        kb.site("cheek").expect("site"),
        Sex::Female,
        35.0,
        &kb.age_model,
    )
    .expect("skin");
    let builder = if with_spread {
        healing_builder(kb, device, 1.5, &skin, device.default_passes)
    } else {
        let p = kb
            .penetration
            .simulate(device, 1.5, &skin, device.default_passes);
        HealingRequest::builder(device, &p)
    };
    builder
        .sessions(3)
        .interval_weeks(4)
        .indication(Some(kb.indication("acne-scars").expect("indication")))
        .samples(600)
        .build()
        .expect("request")
}

/// Thinner and thicker skins are injured differently by the same needles: the band that
/// includes them is wider than the band of rates alone, around the same median.
#[test]
fn skin_thickness_variation_widens_the_band() {
    let with = simulate(&kb().healing, &cheek_request(true));
    let without = simulate(&kb().healing, &cheek_request(false));
    let width = |h: &microneedling_core::healing::Healing| h.outcome[2].p90 - h.outcome[2].p10;
    assert!(
        width(&with) > width(&without),
        "{} vs {}",
        width(&with),
        width(&without)
    );
    let spread = kb().penetration.injury_spread(
        kb().device("dermaroller-192").expect("device"),
        1.5,
        &SkinProfile::new(
            kb().site("cheek").expect("site"),
            Sex::Female,
            35.0,
            &kb().age_model,
        )
        .expect("skin"),
        15,
        &kb().thickness_variation,
    );
    // Thicker skin (higher z) leaves a smaller injured dermal fraction.
    assert!(
        spread.windows(2).all(|w| w[1] <= w[0] + 1e-12),
        "{spread:?}"
    );
    assert!(spread[0] > spread[spread.len() - 1]);
}
