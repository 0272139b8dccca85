//! Screening: every contraindication of the seed article screens to a sensible tier, drivers
//! raise the right effects, policies and windows work.

mod common;

use common::{kb, patient};
use microneedling_core::plan::assess;
use microneedling_core::screening::adverse::{Driver, Likelihood};
use microneedling_core::screening::{Screening, Tier, Verdict};

fn screen_with(fitzpatrick: u8, history: &str, treatment: &str, device: Option<&str>) -> Screening {
    let kb = kb();
    let p = patient(fitzpatrick, history, treatment);
    assess(kb, &p, device, &kb.isotretinoin_policy)
        .expect("assess")
        .screening
}

fn screen(history: &str) -> Screening {
    screen_with(
        2,
        history,
        "indication = \"wrinkles\"\nzones = [\"forehead\"]",
        None,
    )
}

fn tier_of(s: &Screening, rule: &str) -> Option<Tier> {
    s.findings.iter().find(|f| f.rule == rule).map(|f| f.tier)
}

fn effect<'a>(
    s: &'a Screening,
    id: &str,
) -> &'a microneedling_core::screening::adverse::AdverseRisk {
    s.adverse_effects
        .iter()
        .find(|e| e.id == id)
        .expect("effect in profile")
}

#[test]
fn a_clean_patient_is_eligible() {
    let s = screen("");
    assert_eq!(s.verdict, Verdict::Eligible, "{:?}", s.findings);
    assert!(s.findings.is_empty() && s.actions.is_empty());
}

/// Seed article: keloid scarring, an unstable skin type, active acne and an active skin infection
/// exclude; the labelled contraindications of SkinPen too.
#[test]
fn article_and_label_contraindications_are_hard_stops() {
    for flag in [
        "keloid_tendency",
        "unstable_skin_condition",
        "active_acne",
        "active_infection",
        "skin_cancer_in_area",
        "open_wounds",
        "bleeding_disorder",
        "pregnant_or_nursing",
        "metal_allergy",
        "isotretinoin_current",
    ] {
        let s = screen(&format!("{flag} = true"));
        assert_eq!(s.verdict, Verdict::Contraindicated, "{flag}");
        assert!(s.findings.iter().all(|f| !f.source.is_empty()));
    }
}

#[test]
fn clearance_and_caution_items_get_their_tiers() {
    for (flag, tier) in [
        ("anticoagulants", Tier::NeedsClearance),
        ("active_herpes", Tier::NeedsClearance),
        ("immunosuppressed", Tier::NeedsClearance),
        ("warts_in_area", Tier::NeedsClearance),
        ("herpes_history", Tier::Caution),
    ] {
        let s = screen(&format!("{flag} = true"));
        assert_eq!(s.findings.first().map(|f| f.tier), Some(tier), "{flag}");
        assert_eq!(s.verdict, Verdict::from(tier));
    }
}

#[test]
fn herpes_history_requires_antiviral_prophylaxis() {
    let s = screen("herpes_history = true");
    assert!(s.actions.iter().any(|a| a.contains("Antiviral")));
    assert_eq!(
        effect(&s, "herpes-reactivation").likelihood,
        Likelihood::Uncommon
    );
}

#[test]
fn anticoagulants_raise_bleeding_and_bruising() {
    let clean = screen("");
    let thinned = screen("anticoagulants = true");
    for id in ["bleeding", "bruising"] {
        assert!(
            effect(&thinned, id).likelihood > effect(&clean, id).likelihood,
            "{id}"
        );
        assert!(
            effect(&thinned, id)
                .raised_by
                .iter()
                .any(|d| d.driver == Driver::Anticoagulants)
        );
    }
}

#[test]
fn energy_devices_carry_the_burn_risk_and_rf_only_rules() {
    let treatment = "indication = \"rejuvenation\"\nzones = [\"cheek\"]";
    let pen = screen_with(
        2,
        "implanted_electronic_device = true",
        treatment,
        Some("dermapen"),
    );
    let rf = screen_with(
        2,
        "implanted_electronic_device = true",
        treatment,
        Some("rf-insulated"),
    );
    assert_eq!(
        pen.verdict,
        Verdict::Eligible,
        "a pacemaker matters only for RF"
    );
    assert_eq!(rf.verdict, Verdict::Contraindicated);
    assert!(!effect(&pen, "burns").applies);
    let burns = effect(&rf, "burns");
    assert!(
        burns.applies
            && burns
                .raised_by
                .iter()
                .any(|d| d.driver == Driver::EnergyDevice)
    );
    assert!(burns.likelihood > burns.baseline);
}

#[test]
fn home_devices_get_the_hygiene_caution_and_a_higher_infection_risk() {
    let treatment = "indication = \"rejuvenation\"\nzones = [\"cheek\"]";
    let home = screen_with(2, "", treatment, Some("home-roller"));
    let pro = screen_with(2, "", treatment, Some("dermapen"));
    assert_eq!(tier_of(&home, "home-device-hygiene"), Some(Tier::Caution));
    assert!(home.actions.iter().any(|a| a.contains("isopropyl")));
    assert!(
        effect(&home, "infection")
            .raised_by
            .iter()
            .any(|d| d.driver == Driver::HomeDeviceHygiene)
    );
    assert_eq!(tier_of(&pro, "home-device-hygiene"), None);
}

#[test]
fn every_article_side_effect_is_in_the_profile_with_its_drivers() {
    let s = screen("");
    for id in common::ARTICLE_EFFECTS {
        let e = effect(&s, id);
        assert!(
            e.article_listed && !e.drivers.is_empty() && !e.source.is_empty(),
            "{id}"
        );
    }
}

#[test]
fn dark_phototypes_raise_pih_and_get_a_caution() {
    let treatment = "indication = \"wrinkles\"\nzones = [\"forehead\"]";
    let light = screen_with(2, "", treatment, None);
    let dark = screen_with(5, "", treatment, None);
    assert_eq!(tier_of(&dark, "dark-phototype-pih"), Some(Tier::Caution));
    assert!(effect(&dark, "pih").likelihood > effect(&light, "pih").likelihood);
}

#[test]
fn isotretinoin_window_and_tier_are_configurable() {
    let kb = kb();
    let p = patient(
        2,
        "isotretinoin_last_dose = \"2026-08-01\"",
        "indication = \"wrinkles\"\nzones = [\"forehead\"]",
    );
    let default = assess(kb, &p, None, &kb.isotretinoin_policy)
        .expect("assess")
        .screening;
    assert_eq!(
        tier_of(&default, "isotretinoin-recent"),
        Some(Tier::Caution),
        "ASDS 2017 default"
    );
    let mut label = kb.isotretinoin_policy.clone();
    label.tier = Tier::Contraindicated;
    assert_eq!(
        assess(kb, &p, None, &label)
            .expect("assess")
            .screening
            .verdict,
        Verdict::Contraindicated
    );
    label.window_days = 90; // 122 days have passed
    assert_eq!(
        assess(kb, &p, None, &label)
            .expect("assess")
            .screening
            .verdict,
        Verdict::Eligible
    );
}

#[test]
fn recent_peel_needs_clearance_until_its_window_passes() {
    let treatment = "indication = \"wrinkles\"\nzones = [\"forehead\"]";
    let recent = screen_with(
        2,
        "recent_procedures = [{ kind = \"chemical-peel\", date = \"2026-11-25\" }]",
        treatment,
        None,
    );
    let old = screen_with(
        2,
        "recent_procedures = [{ kind = \"chemical-peel\", date = \"2026-11-01\" }]",
        treatment,
        None,
    );
    assert_eq!(recent.verdict, Verdict::NeedsClearance);
    assert_eq!(old.verdict, Verdict::Eligible);
}

#[test]
fn a_non_intradermal_topical_raises_granulomas() {
    let s = screen_with(
        2,
        "",
        "indication = \"rejuvenation\"\nzones = [\"cheek\"]\ntopical = \"ascorbic-acid\"",
        None,
    );
    assert_eq!(tier_of(&s, "topical-not-intradermal"), Some(Tier::Caution));
    assert!(
        effect(&s, "granulomas")
            .raised_by
            .iter()
            .any(|d| d.driver == Driver::NonIntradermalTopical)
    );
}

#[test]
fn rosacea_with_plain_needling_is_cautioned_but_not_with_rf() {
    let treatment = "indication = \"rosacea\"\nzones = [\"cheek\"]";
    assert_eq!(
        tier_of(
            &screen_with(2, "", treatment, Some("dermapen")),
            "rosacea-plain-needling"
        ),
        Some(Tier::Caution)
    );
    assert_eq!(
        tier_of(
            &screen_with(2, "", treatment, Some("rf-insulated")),
            "rosacea-plain-needling"
        ),
        None
    );
}

#[test]
fn findings_are_sorted_most_severe_first_and_the_verdict_is_the_worst() {
    let s = screen("herpes_history = true\nanticoagulants = true\nkeloid_tendency = true");
    let tiers: Vec<Tier> = s.findings.iter().map(|f| f.tier).collect();
    assert_eq!(
        tiers,
        vec![Tier::Contraindicated, Tier::NeedsClearance, Tier::Caution]
    );
    assert_eq!(s.verdict, Verdict::Contraindicated);
}
