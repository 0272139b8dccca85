//! Adverse effects as probabilities: PIH rises with phototype and depth, stays a minority in
//! phototype V as in the trials, herpes falls with prophylaxis, burns need RF, and every band is
//! ordered and within 0–100 %.

mod common;

use common::{kb, patient};
use microneedling_core::plan::assess;
use microneedling_core::screening::Screening;
use microneedling_core::screening::adverse::AdverseRisk;
use microneedling_core::screening::probability::ProbabilityPct;

const LENGTHS_MM: [&str; 5] = ["0.25", "0.5", "1", "1.5", "2"];

fn screen(fitzpatrick: u8, history: &str, treatment: &str, device: Option<&str>) -> Screening {
    let kb = kb();
    let p = patient(fitzpatrick, history, treatment);
    assess(kb, &p, device, &kb.isotretinoin_policy)
        .expect("assess")
        .screening
}

fn effect<'a>(s: &'a Screening, id: &str) -> &'a AdverseRisk {
    s.adverse_effects
        .iter()
        .find(|e| e.id == id)
        .expect("effect in profile")
}

fn probability(s: &Screening, id: &str) -> ProbabilityPct {
    effect(s, id).probability_pct.unwrap_or_else(|| {
        panic!(
            "{id} has a probability: {}",
            effect(s, id).probability_source
        )
    })
}

/// PIH with a professional pen (0.25–2.5 mm settings) on the cheek at `length_mm`.
fn pih(fitzpatrick: u8, length_mm: &str) -> ProbabilityPct {
    let treatment =
        format!("indication = \"acne-scars\"\nzones = [\"cheek\"]\nlength_mm = {length_mm}");
    probability(
        &screen(fitzpatrick, "", &treatment, Some("dermapen")),
        "pih",
    )
}

#[test]
fn pih_rises_with_phototype_and_with_depth() {
    for length in LENGTHS_MM {
        let by_type: Vec<f64> = (1..=6).map(|t| pih(t, length).median).collect();
        assert!(
            by_type.windows(2).all(|w| w[0] <= w[1]),
            "{length} mm: {by_type:?}"
        );
        assert!(
            by_type[4] > by_type[1],
            "V above II at {length} mm: {by_type:?}"
        );
    }
    for fitzpatrick in 1..=6 {
        let by_depth: Vec<f64> = LENGTHS_MM
            .iter()
            .map(|l| pih(fitzpatrick, l).median)
            .collect();
        assert!(
            by_depth.windows(2).all(|w| w[0] <= w[1]),
            "type {fitzpatrick}: {by_depth:?}"
        );
        assert!(
            by_depth[4] > by_depth[0],
            "type {fitzpatrick}: {by_depth:?}"
        );
    }
}

#[test]
fn phototype_v_pih_is_a_minority_as_in_the_trials() {
    // Dogra 2014: 5 of 30 patients of phototypes IV–V, dermaroller to the dermis.
    let p = pih(5, "1.5");
    assert!(p.median < 50.0 && p.median > 5.0, "{p:?}");
    assert!(p.p90 < 50.0, "{p:?}");
    let s = screen(
        5,
        "",
        "indication = \"acne-scars\"\nzones = [\"cheek\"]",
        None,
    );
    let planned = probability(&s, "pih");
    assert!(planned.median < 50.0, "{planned:?}");
    assert!(
        effect(&s, "pih")
            .probability_source
            .contains("[@dogra2014]")
    );
}

#[test]
fn every_probability_is_an_ordered_band_within_0_and_100() {
    let histories = [
        "",
        "herpes_history = true",
        "keloid_tendency = true\nimmunosuppressed = true",
    ];
    let devices = [
        None,
        Some("home-roller"),
        Some("dermapen"),
        Some("rf-insulated"),
    ];
    for fitzpatrick in [1, 3, 4, 6] {
        for history in histories {
            for device in devices {
                let s = screen(
                    fitzpatrick,
                    history,
                    "indication = \"rejuvenation\"\nzones = [\"cheek\", \"forehead\"]\ntopical = \"ascorbic-acid\"",
                    device,
                );
                for e in &s.adverse_effects {
                    assert!(!e.probability_source.is_empty(), "{}", e.id);
                    if let Some(p) = e.probability_pct {
                        assert!(
                            (0.0..=100.0).contains(&p.p10)
                                && p.p10 <= p.median
                                && p.median <= p.p90
                                && p.p90 <= 100.0,
                            "{} {p:?}",
                            e.id
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn herpes_is_likelier_without_prophylaxis_after_a_herpes_history() {
    let treatment = "indication = \"rejuvenation\"\nzones = [\"cheek\"]";
    let without = probability(
        &screen(3, "herpes_history = true", treatment, None),
        "herpes-reactivation",
    );
    let with = probability(
        &screen(
            3,
            "herpes_history = true\nantiviral_prophylaxis = true",
            treatment,
            None,
        ),
        "herpes-reactivation",
    );
    assert!(
        without.median > 2.0 * with.median,
        "{without:?} vs {with:?}"
    );
    assert!(without.p10 > with.p10, "{without:?} vs {with:?}");
}

#[test]
fn only_rf_devices_carry_a_burn_probability() {
    let treatment = "indication = \"rejuvenation\"\nzones = [\"cheek\"]";
    for device in ["dermaroller-192", "dermapen", "stamp", "home-roller"] {
        let s = screen(2, "", treatment, Some(device));
        let burns = effect(&s, "burns").probability_pct;
        assert!(burns.is_none_or(|p| p.p90 == 0.0), "{device}: {burns:?}");
    }
    let rf = probability(&screen(2, "", treatment, Some("rf-insulated")), "burns");
    assert!(rf.p90 > 0.0 && rf.median < 10.0, "{rf:?}");
}

#[test]
fn granulomas_need_a_topical_not_made_for_intradermal_use() {
    let plain = screen(
        2,
        "",
        "indication = \"rejuvenation\"\nzones = [\"cheek\"]",
        None,
    );
    let vitamin_c = screen(
        2,
        "",
        "indication = \"rejuvenation\"\nzones = [\"cheek\"]\ntopical = \"ascorbic-acid\"",
        None,
    );
    let none = effect(&plain, "granulomas");
    assert!(none.probability_pct.is_none());
    assert!(none.probability_source.contains("case reports"));
    let with = probability(&vitamin_c, "granulomas");
    assert!(with.median > 0.0 && with.median < 5.0, "{with:?}");
}

#[test]
fn transient_effects_have_no_rate_and_say_why() {
    let s = screen(
        2,
        "",
        "indication = \"rejuvenation\"\nzones = [\"cheek\"]",
        None,
    );
    for id in ["redness", "bruising", "swelling"] {
        let e = effect(&s, id);
        assert!(e.probability_pct.is_none(), "{id}");
        assert!(e.probability_source.starts_with("No rate"), "{id}");
    }
    // Infection and tram-track scarring have counted rates, each citing its trials.
    for id in ["infection", "tram-track-scarring"] {
        let e = effect(&s, id);
        assert!(e.probability_pct.is_some(), "{id}");
        assert!(e.probability_source.contains("[@"), "{id}");
    }
}

#[test]
fn home_devices_and_immunosuppression_raise_the_infection_probability() {
    let treatment = "indication = \"rejuvenation\"\nzones = [\"cheek\"]";
    let pro = probability(&screen(2, "", treatment, Some("dermapen")), "infection");
    let home = probability(&screen(2, "", treatment, Some("home-roller")), "infection");
    let immuno = probability(
        &screen(2, "immunosuppressed = true", treatment, Some("dermapen")),
        "infection",
    );
    assert!(home.median > pro.median && immuno.median > pro.median);
}

/// The rates and the trial evidence base agree: an arm that names its trial arm has that arm's
/// counts, and every count the evidence base holds for a modelled effect is used by a rate arm.
#[test]
fn rate_arms_match_the_trial_evidence_base() {
    let rates = &kb().adverse_rates;
    let evidence = microneedling_core::evidence::embedded().expect("evidence base");
    let counts = |arm: &str, effect: &str| {
        evidence
            .arms
            .iter()
            .find(|a| a.id == arm)
            .and_then(|a| a.adverse.iter().find(|c| c.effect == effect))
            .map(|c| (c.events, c.n))
    };
    for arm in &rates.arms {
        if let Some(trial) = &arm.trial_arm {
            assert_eq!(
                counts(trial, &arm.effect),
                Some((arm.events, arm.n)),
                "{} vs {trial}",
                arm.id
            );
        }
    }
    for trial in &evidence.arms {
        for count in &trial.adverse {
            if rates.models.iter().any(|m| m.effect == count.effect) {
                assert!(
                    rates
                        .arms
                        .iter()
                        .any(|a| a.trial_arm.as_deref() == Some(trial.id.as_str())
                            && a.effect == count.effect),
                    "{} {} of the evidence base has no rate arm",
                    trial.id,
                    count.effect
                );
            }
        }
    }
}
