//! The knowledge base: sources on every figure, the catalog ids others rely on, and the seed
//! article's content covered.

mod common;

use common::kb;
use microneedling_core::knowledge::DATA_FILES;
use microneedling_core::provenance::uncited_numbers;

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| id(i).to_string()).collect()
}

#[test]
fn every_number_in_data_has_a_source_or_assumption() {
    for (name, text) in DATA_FILES {
        let missing = uncited_numbers(text).expect("data parses");
        assert!(missing.is_empty(), "{name}: uncited numbers {missing:?}");
    }
}

#[test]
fn every_entry_carries_provenance() {
    let kb = kb();
    let cited = |s: &Option<String>, a: &Option<String>| {
        s.as_deref().is_some_and(|t| !t.trim().is_empty())
            || a.as_deref().is_some_and(|t| !t.trim().is_empty())
    };
    assert!(kb.devices.iter().all(|d| cited(&d.source, &d.assumption)));
    assert!(kb.agents.iter().all(|a| cited(&a.source, &a.assumption)));
    assert!(
        kb.indications
            .iter()
            .all(|i| cited(&i.source, &i.assumption))
    );
    assert!(kb.rules.iter().all(|r| cited(&r.source, &r.assumption)));
    assert!(
        kb.adverse_effects
            .iter()
            .all(|e| cited(&e.source, &e.assumption))
    );
}

#[test]
fn a_data_file_with_an_uncited_number_is_rejected() {
    let mut files: Vec<(&str, String)> = DATA_FILES
        .iter()
        .map(|(n, t)| (*n, t.to_string()))
        .collect();
    let sites = files
        .iter_mut()
        .find(|(n, _)| *n == "sites.toml")
        .expect("sites.toml");
    sites.1 = sites.1.replacen(
        "female = 16.8, male = 16.8, source = ",
        "female = 16.8, male = 16.8, note = ",
        1,
    );
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let error = microneedling_core::KnowledgeBase::from_files(&borrowed)
        .expect_err("uncited figure rejected");
    assert!(error.to_string().contains("stratum_corneum_um"), "{error}");
}

#[test]
fn catalog_ids_are_the_ones_other_issues_use() {
    let kb = kb();
    let expect = |got: Vec<String>, want: &str| {
        for id in want.split_whitespace() {
            assert!(got.contains(&id.to_string()), "missing {id} in {got:?}");
        }
    };
    expect(
        ids(&kb.sites, |s| &s.id),
        "forehead glabella temple periorbital nose cheek perioral chin jawline neck chest abdomen thigh upper-arm back scalp",
    );
    expect(
        ids(&kb.devices, |d| &d.id),
        "dermaroller-192 home-roller stamp dermapen skinpen exceed rf-insulated rf-noninsulated",
    );
    expect(
        ids(&kb.agents, |a| &a.id),
        "tretinoin ascorbic-acid minoxidil tranexamic-acid hyaluronic-acid prp",
    );
    expect(
        ids(&kb.indications, |i| &i.id),
        "loose-skin stretch-marks rosacea wrinkles pigmentation alopecia acne-scars scars large-pores rejuvenation",
    );
}

#[test]
fn seed_article_side_effects_are_all_in_the_catalog() {
    let kb = kb();
    let listed = ids(&kb.adverse_effects, |e| &e.id);
    for id in common::ARTICLE_EFFECTS.iter().chain(&common::ADDED_EFFECTS) {
        assert!(
            listed.contains(&id.to_string()),
            "missing adverse effect {id}"
        );
    }
    let article: Vec<_> = kb
        .adverse_effects
        .iter()
        .filter(|e| e.article_listed)
        .collect();
    assert_eq!(
        article.len(),
        11,
        "the article lists 11 effects (6 + bleeding + 3 severe + burns)"
    );
}

#[test]
fn home_devices_are_home_and_rf_is_professional() {
    let kb = kb();
    let home = kb.device("home-roller").expect("home roller");
    assert!(home.is_home());
    let lengths = home.lengths_mm.as_ref().expect("fixed lengths");
    assert!(
        lengths.iter().all(|l| (0.2..=0.5).contains(l)),
        "AAD 2018: 0.2-0.5 mm"
    );
    for id in ["rf-insulated", "rf-noninsulated"] {
        assert!(
            !kb.device(id).expect("rf").is_home(),
            "FDA 2025: RF not for home use"
        );
    }
}

#[test]
fn only_sterile_agents_are_intradermal() {
    let kb = kb();
    let suited: Vec<&str> = kb
        .agents
        .iter()
        .filter(|a| a.intradermal_suited)
        .map(|a| a.id.as_str())
        .collect();
    assert!(
        !suited.contains(&"ascorbic-acid"),
        "vitamin C granulomas (Soltani-Arabshahi 2014)"
    );
    assert!(!suited.contains(&"tretinoin"));
    assert!(suited.contains(&"hyaluronic-acid") && suited.contains(&"prp"));
}

#[test]
fn sites_are_thicker_in_men_and_thin_with_age() {
    use microneedling_core::skin::{Sex, SkinProfile};
    let kb = kb();
    let forehead = kb.site("forehead").expect("site");
    let woman = |age| SkinProfile::new(forehead, Sex::Female, age, &kb.age_model).expect("age");
    let man = SkinProfile::new(forehead, Sex::Male, 30.0, &kb.age_model).expect("age");
    assert!(
        man.dermis_um() > woman(30.0).dermis_um(),
        "Meng 2022: men thicker"
    );
    let mut previous = f64::INFINITY;
    for age in [20.0, 30.0, 40.0, 60.0, 80.0, 120.0] {
        let dermis = woman(age).dermis_um();
        assert!(dermis <= previous, "dermis thins with age");
        assert!(
            dermis >= 0.5 * forehead.dermis_um.female - 1e-9,
            "floored at half"
        );
        previous = dermis;
    }
    // -6 %/decade from 30 (Gerontology 1990): at 50, 88 %.
    let ratio = woman(50.0).dermis_um() / woman(30.0).dermis_um();
    assert!((ratio - 0.88).abs() < 1e-9, "{ratio}");
}
