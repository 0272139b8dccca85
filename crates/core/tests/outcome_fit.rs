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
            // Collagen indications share one pooled fit; melasma and rosacea have their own.
            if !["pigmentation", "rosacea"].contains(&indication.as_str()) {
                assert_eq!(r.fitted_on_studies, all.studies - 1, "{indication}");
            }
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

fn series(
    device: &str,
    length_mm: Option<f64>,
    site: &str,
    indication: &str,
    topical: Option<&str>,
    sessions: u32,
    interval_weeks: u32,
) -> microneedling_core::healing::Healing {
    use microneedling_core::setting::{HealingQuery, SettingQuery, healing_query};
    let query = HealingQuery {
        setting: SettingQuery {
            device,
            length_mm,
            site,
            sex: Sex::Female,
            age_years: None,
            passes: None,
        },
        topical,
        indication: Some(indication),
        scale: None,
        baseline: None,
    };
    let request = healing_query(kb(), &query)
        .expect("query")
        .sessions(sessions)
        .interval_weeks(interval_weeks)
        .samples(400)
        .build()
        .expect("request");
    simulate(&kb().healing, &request)
}

fn median_at(h: &microneedling_core::healing::Healing, month: u32) -> f64 {
    h.outcome
        .iter()
        .find(|p| p.month == month)
        .map_or(f64::NAN, |p| p.median)
}

/// Melasma: needling with tranexamic acid does better than needling alone, which does better
/// than nothing; tranexamic acid alone on intact skin gets what the transport model lets through;
/// and the improvement is lost after treatment stops (relapse).
#[test]
fn melasma_builds_with_its_components_and_relapses_after_treatment() {
    let with_txa = series(
        "skinpen",
        Some(0.5),
        "cheek",
        "pigmentation",
        Some("tranexamic-acid"),
        3,
        4,
    );
    let needling = series("skinpen", Some(0.5), "cheek", "pigmentation", None, 3, 4);
    let txa_alone = series(
        "none",
        None,
        "cheek",
        "pigmentation",
        Some("tranexamic-acid"),
        3,
        4,
    );
    let nothing = series("none", None, "cheek", "pigmentation", None, 3, 4);
    assert!(median_at(&with_txa, 3) > median_at(&needling, 3));
    assert!(median_at(&needling, 3) > median_at(&txa_alone, 3));
    assert!(
        nothing
            .outcome
            .iter()
            .all(|p| p.median == 0.0 && p.p90 == 0.0),
        "{:?}",
        nothing.outcome
    );
    assert!(txa_alone.warnings.iter().any(|w| w.contains("No needling")));
    // Treatment acts for the series and 12 weeks more (day 168); by month 12 most is lost.
    assert!(median_at(&with_txa, 12) < 0.5 * median_at(&with_txa, 6));
    let basis = with_txa.outcome_basis.expect("basis");
    assert_eq!(basis.scale, "mmasi");
    assert!(basis.source.contains("tranexamic-acid"));
}

/// Alopecia: needling adds to minoxidil, minoxidil alone is computed, and hair gained is shed
/// once treatment stops.
#[test]
fn hair_counts_grow_with_treatment_and_fall_after_it() {
    let both = series(
        "dermaroller-192",
        Some(1.5),
        "scalp",
        "alopecia",
        Some("minoxidil"),
        12,
        1,
    );
    let minoxidil = series("none", None, "scalp", "alopecia", Some("minoxidil"), 12, 1);
    let needling = series(
        "dermaroller-192",
        Some(1.5),
        "scalp",
        "alopecia",
        None,
        12,
        1,
    );
    assert!(median_at(&both, 3) > median_at(&needling, 3));
    assert!(median_at(&needling, 3) > median_at(&minoxidil, 3));
    assert!(median_at(&minoxidil, 3) > 0.0);
    for h in [&both, &minoxidil] {
        assert!(median_at(h, 12) < 0.2 * median_at(h, 3), "{:?}", h.outcome);
    }
    // The minoxidil-alone band has patients in it, not a constant.
    let p = &minoxidil.outcome[1];
    assert!(p.p90 > p.p10);
}

/// The pigment and vascular components stored in healing.toml are the fit of today's trials.
#[test]
fn the_stored_components_are_the_fit_of_the_trials() {
    use microneedling_core::fit::components::{component_fit, component_observations, with_fit};
    use microneedling_core::indication::Mechanism;
    let evidence = Evidence::embedded().expect("evidence");
    for (mechanism, results) in [(Mechanism::Pigment, 10), (Mechanism::Vascular, 2)] {
        let (used, _) = component_observations(kb(), evidence, mechanism);
        assert!(used.len() >= results, "{mechanism:?}");
        let stored = kb().healing.component_model(mechanism).expect("model");
        let posterior = component_fit(kb(), mechanism, &used).expect("fit");
        let refit = with_fit(kb(), mechanism, &posterior).expect("model");
        for (a, b) in stored.components.iter().zip(&refit.components) {
            assert!((a.u - b.u).abs() < 1e-3, "{}: {} vs {}", a.id, a.u, b.u);
        }
        let pairs = stored
            .covariance
            .iter()
            .flatten()
            .zip(refit.covariance.iter().flatten());
        for (a, b) in pairs {
            assert!((a - b).abs() < 1e-4, "{mechanism:?}");
        }
    }
}
