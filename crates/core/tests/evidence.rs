//! The trial evidence base of data/trials.toml: it loads, covers every indication of issue 13
//! with controls, its values fit their scales, and a broken file is rejected.

mod common;

use std::collections::BTreeMap;

use common::kb;
use microneedling_core::evidence::{self, Evidence, FollowupKind, TRIALS_TOML};

fn arms() -> &'static Evidence {
    evidence::embedded().expect("the embedded trials load")
}

#[test]
fn the_trials_file_loads_with_at_least_25_arms() {
    let e = arms();
    assert!(e.arms.len() >= 25, "{} arms", e.arms.len());
    assert!(e.studies().len() >= 12, "{} studies", e.studies().len());
    assert!(!e.pending.is_empty());
    assert!(e.arms.iter().filter(|a| a.verified).count() >= 20);
}

#[test]
fn every_indication_of_the_issue_has_an_arm() {
    let e = arms();
    // Acne scars, wrinkles/laxity/texture (rejuvenation), striae, melasma, alopecia, scars.
    let groups: [&[&str]; 6] = [
        &["acne-scars"],
        &["wrinkles", "loose-skin", "rejuvenation"],
        &["stretch-marks"],
        &["pigmentation"],
        &["alopecia"],
        &["scars"],
    ];
    for group in groups {
        assert!(
            e.arms
                .iter()
                .any(|a| group.contains(&a.indication.as_str())),
            "no arm for {group:?}"
        );
    }
    for id in ["wrinkles", "loose-skin", "rejuvenation"] {
        assert!(e.indication(id).count() >= 1, "{id}");
    }
}

#[test]
fn there_are_control_arms_and_each_says_what_it_controls() {
    let e = arms();
    let controls: Vec<_> = e.arms.iter().filter(|a| a.control).collect();
    assert!(controls.len() >= 4, "{} controls", controls.len());
    assert!(controls.iter().all(|a| a.control_kind.is_some()));
    // At least one control without needling beside a needled arm of the same study.
    for c in controls.iter().filter(|c| !c.needled()) {
        assert!(e.study(&c.study).any(|a| a.needled()), "{}", c.id);
    }
    assert!(controls.iter().filter(|c| !c.needled()).count() >= 4);
}

#[test]
fn every_follow_up_is_within_its_scale() {
    for arm in &arms().arms {
        for f in &arm.followups {
            assert!(f.month >= 0.0, "{}", arm.id);
            let ok = match (f.kind, arm.scale_range) {
                (FollowupKind::Score, Some([lo, hi])) => (lo..=hi).contains(&f.value),
                (FollowupKind::Score, None) => f.value >= 0.0,
                (FollowupKind::Change, Some([lo, hi])) => f.value.abs() <= hi - lo,
                (FollowupKind::Change, None) => true,
                (FollowupKind::PctImprovement, _) => {
                    f.value >= -100.0 && (!arm.higher_is_worse || f.value <= 100.0)
                }
                (FollowupKind::RespondersPct, _) => (0.0..=100.0).contains(&f.value),
            };
            assert!(ok, "{} {:?} {}", arm.id, f.kind, f.value);
        }
        if let Some([lo, hi]) = arm.phototypes {
            assert!(
                (1..=6).contains(&lo) && (lo..=6).contains(&hi),
                "{}",
                arm.id
            );
        }
    }
}

#[test]
fn split_face_arms_share_a_study() {
    let e = arms();
    let mut sides: BTreeMap<&str, usize> = BTreeMap::new();
    for arm in e.arms.iter().filter(|a| a.design.is_split()) {
        *sides.entry(arm.study.as_str()).or_default() += 1;
    }
    assert!(sides.len() >= 4, "{sides:?}");
    assert!(sides.values().all(|n| *n >= 2), "{sides:?}");
    for arm in e.arms.iter().filter(|a| a.design.is_split()) {
        assert!(e.study(&arm.study).all(|a| a.design == arm.design));
    }
}

#[test]
fn leaving_one_study_out_removes_all_its_arms() {
    let e = arms();
    for study in e.studies() {
        let kept = e.without_study(study).count();
        assert_eq!(kept + e.study(study).count(), e.arms.len());
        assert!(e.without_study(study).all(|a| a.study != study));
    }
}

#[test]
fn every_source_cites_a_listed_reference() {
    let references = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/references.md"
    ))
    .expect("references");
    let e = arms();
    let sources = e
        .arms
        .iter()
        .map(|a| &a.source)
        .chain(e.pending.iter().map(|p| &p.source));
    for source in sources {
        let at = source.find("[@").expect("a key") + 2;
        let key: String = source[at..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
            .collect();
        assert!(
            references.contains(&format!("- **{key}**:")),
            "{key} missing from docs/references.md"
        );
    }
}

fn rejected(from: &str, to: &str, expect: &str) {
    assert!(
        TRIALS_TOML.contains(from),
        "fixture text {from:?} not found"
    );
    let text = TRIALS_TOML.replacen(from, to, 1);
    let error = Evidence::from_toml(&text, kb()).expect_err(expect);
    assert!(error.to_string().contains(expect), "{error}");
}

#[test]
fn a_broken_trials_file_is_rejected() {
    rejected(
        "indication = \"acne-scars\"",
        "indication = \"acne\"",
        "unknown indication",
    );
    rejected("phototypes = [4, 5]", "phototypes = [4, 7]", "phototypes");
    rejected(
        "{ month = 3, value = 2.4,",
        "{ month = -3, value = 2.4,",
        "months",
    );
    rejected(
        "{ month = 5, value = 6.5, sd = 2.71, kind = \"score\" }",
        "{ month = 5, value = 96.5, sd = 2.71, kind = \"score\" }",
        "outside what the scale allows",
    );
    rejected(
        "id = \"alam-2014-control\"",
        "id = \"alam-2014-needling\"",
        "duplicate id",
    );
    rejected("[@alam2014]: mean", "(Alam): mean", "cites no");
    rejected(
        "verified = true\nnote = \"20 enrolled",
        "verified = true\nwho = 1\nnote = \"20 enrolled",
        "unknown field",
    );
    rejected(
        "{ effect = \"pih\", events = 5, n = 30 }",
        "{ effect = \"pih\", events = 31, n = 30 }",
        "adverse",
    );
    rejected(
        "id = \"chawla-2014-roller-vitc\"\nstudy = \"chawla-2014\"",
        "id = \"chawla-2014-roller-vitc\"\nstudy = \"chawla-2014-other\"",
        "split-face",
    );
}
