//! Planning: every indication plans, the hard stop holds, overrides are carried, topicals are
//! filtered, depths respect the devices.

mod common;

use common::{day, kb, patient};
use microneedling_core::plan::{Plan, PlanOutcome, plan};
use microneedling_core::screening::Verdict;

fn planned(outcome: PlanOutcome) -> Plan {
    match outcome {
        PlanOutcome::Planned(plan) => *plan,
        PlanOutcome::Refused(s) => panic!("refused: {:?}", s.findings),
    }
}

fn plan_for(history: &str, treatment: &str, override_reason: Option<&str>) -> PlanOutcome {
    let kb = kb();
    plan(
        kb,
        &patient(2, history, treatment),
        override_reason,
        &kb.isotretinoin_policy,
    )
    .expect("valid plan input")
}

#[test]
fn every_indication_plans_on_its_default_zones_with_every_device() {
    let kb = kb();
    for indication in &kb.indications {
        for device in &kb.devices {
            let p = planned(plan_for(
                "",
                &format!(
                    "indication = \"{}\"\ndevice = \"{}\"",
                    indication.id, device.id
                ),
                None,
            ));
            assert_eq!(p.zones.len(), indication.default_zones.len());
            assert_eq!(p.sessions, indication.sessions);
            assert_eq!(p.schedule.len() as u32, p.sessions);
            assert!(p.interval_weeks >= p.min_interval_weeks);
            assert!(!p.aftercare.is_empty() && !p.precare.is_empty() && !p.sources.is_empty());
            assert!(!p.evidence.key_trials.is_empty());
            assert!(p.edition.disclaimer.contains("Decision support"));
            for zone in &p.zones {
                assert!(
                    device.check_length(zone.depth_mm).is_ok(),
                    "{} {}: {}",
                    indication.id,
                    device.id,
                    zone.depth_mm
                );
                let site = kb.site(&zone.penetration.site).expect("site");
                assert!(
                    zone.depth_mm <= site.depth_guide_mm.max + 1e-9
                        || device.nearest_length_at_most(0.0) >= zone.depth_mm,
                    "never past the site's maximum unless the device cannot go shorter"
                );
                if let Some(max) = device.labelled_max_mm {
                    assert!(zone.depth_mm <= max + 1e-9, "labelled maximum respected");
                }
            }
        }
    }
}

#[test]
fn acne_scars_follow_harris_2015() {
    let p = planned(plan_for(
        "",
        "indication = \"acne-scars\"\nzones = [\"cheek\"]\ndevice = \"dermaroller-192\"",
        None,
    ));
    assert_eq!(
        (p.sessions, p.interval_weeks),
        (3, 4),
        "median 3 sessions, 4 weeks apart"
    );
    assert_eq!(p.zones[0].depth_mm, 1.5);
    assert!(p.zones[0].penetration.pinpoint_bleeding_expected);
    assert_eq!(p.schedule[2].date, day("2027-01-26"));
}

#[test]
fn alopecia_uses_its_scalp_depth_and_home_minoxidil() {
    let p = planned(plan_for(
        "",
        "indication = \"alopecia\"\ndevice = \"rf-insulated\"",
        None,
    ));
    assert_eq!(p.zones[0].penetration.site, "scalp");
    assert!(
        (p.zones[0].depth_mm - 0.6).abs() < 1e-9,
        "PubMed 32897622: 0.6 mm"
    );
    assert!(p.home_topicals.iter().any(|t| t.id == "minoxidil"));
    assert!(
        !p.topicals.iter().any(|t| t.id == "minoxidil"),
        "minoxidil never into open channels"
    );
}

#[test]
fn in_session_topicals_are_only_those_suited_to_intradermal_use() {
    let kb = kb();
    for agent in &kb.agents {
        let p = planned(plan_for(
            "",
            &format!("indication = \"rejuvenation\"\ntopical = \"{}\"", agent.id),
            None,
        ));
        for t in &p.topicals {
            assert!(
                kb.agent(&t.id).expect("agent").intradermal_suited,
                "{}",
                t.id
            );
        }
        if !agent.intradermal_suited {
            assert!(!p.topicals.iter().any(|t| t.id == agent.id));
        }
    }
}

#[test]
fn a_contraindicated_patient_gets_no_plan_without_an_override() {
    let refused = plan_for(
        "keloid_tendency = true",
        "indication = \"acne-scars\"",
        None,
    );
    match refused {
        PlanOutcome::Refused(s) => assert_eq!(s.verdict, Verdict::Contraindicated),
        PlanOutcome::Planned(_) => panic!("a hard stop must refuse"),
    }
    let p = planned(plan_for(
        "keloid_tendency = true",
        "indication = \"acne-scars\"",
        Some("dermatologist reviewed"),
    ));
    let recorded = p.override_.expect("override carried");
    assert_eq!(recorded.reason, "dermatologist reviewed");
    assert_eq!(recorded.rules, vec!["keloid-tendency".to_string()]);
    assert_eq!(
        p.verdict,
        Verdict::Contraindicated,
        "the verdict stays on top"
    );
}

#[test]
fn an_empty_override_reason_is_rejected() {
    let kb = kb();
    let error = plan(
        kb,
        &patient(2, "keloid_tendency = true", "indication = \"acne-scars\""),
        Some("  "),
        &kb.isotretinoin_policy,
    )
    .expect_err("empty reason");
    assert_eq!(error.field, "--override");
}

#[test]
fn a_home_roller_plan_goes_shallower_than_a_professional_one() {
    let treatment = |device: &str| {
        format!("indication = \"rejuvenation\"\nzones = [\"cheek\"]\ndevice = \"{device}\"")
    };
    let home = planned(plan_for("", &treatment("home-roller"), None));
    let pro = planned(plan_for("", &treatment("dermapen"), None));
    assert!(
        home.zones[0].penetration.effective_depth_um < pro.zones[0].penetration.effective_depth_um
    );
    assert!(
        home.findings
            .iter()
            .any(|f| f.rule == "home-device-hygiene")
    );
}

#[test]
fn a_fixed_length_past_the_label_is_flagged() {
    let p = planned(plan_for(
        "",
        "indication = \"acne-scars\"\ndevice = \"skinpen\"\nlength_mm = 2.0",
        None,
    ));
    assert_eq!(p.zones[0].depth_mm, 2.0);
    assert!(p.findings.iter().any(|f| f.rule == "above-labelled-depth"));
}

#[test]
fn the_timeline_is_ordered_and_reassessment_follows_the_last_session() {
    let p = planned(plan_for("", "indication = \"wrinkles\"", None));
    assert!(p.timeline.windows(2).all(|w| w[0].week <= w[1].week));
    let last = p.schedule.last().expect("sessions").date;
    assert_eq!(
        (p.reassess_date - last).num_weeks(),
        i64::from(p.reassess_weeks)
    );
}

/// A plan follows its own findings: the dark-phototype rule asks for a conservative depth and a
/// test spot, so types IV-VI get a shallower setting than type I, a test spot read before the
/// series, a schedule that starts after it, and a PIH note on each zone.
#[test]
fn darker_phototypes_get_a_conservative_depth_and_a_test_spot_first() {
    let kb = kb();
    let treatment = "indication = \"acne-scars\"\ndevice = \"dermapen\"\nzones = [\"cheek\"]";
    let for_type = |fitzpatrick: u8| {
        planned(
            plan(
                kb,
                &patient(fitzpatrick, "", treatment),
                None,
                &kb.isotretinoin_policy,
            )
            .expect("plan"),
        )
    };
    let (light, medium, dark) = (for_type(1), for_type(4), for_type(6));
    let factor = kb.dark_phototype.depth_factor;
    assert!(factor < 1.0);
    for p in [&medium, &dark] {
        let zone = &p.zones[0];
        assert!(
            zone.depth_mm < light.zones[0].depth_mm,
            "{} mm vs {} mm for type I",
            zone.depth_mm,
            light.zones[0].depth_mm
        );
        assert!(zone.target_depth_mm <= light.zones[0].target_depth_mm * factor + 1e-9);
        assert!(
            zone.notes.iter().any(|n| n.contains("PIH")),
            "{:?}",
            zone.notes
        );
        let spot = p.test_spot.as_ref().expect("a test spot");
        assert_eq!(spot.date, day("2026-12-01"));
        let weeks = i64::from(kb.dark_phototype.test_spot_weeks);
        assert_eq!((spot.read_date - spot.date).num_days(), weeks * 7);
        assert_eq!(
            p.schedule[0].date, spot.read_date,
            "the series starts after the reading"
        );
        assert!(p.timeline.iter().any(|m| m.label.contains("Test spot")));
    }
    assert!(light.test_spot.is_none());
    assert_eq!(light.schedule[0].date, day("2026-12-01"));
    assert!(light.zones[0].notes.iter().all(|n| !n.contains("PIH")));
    // The deeper layer the light plan reaches is not reached by the conservative one.
    assert!(
        dark.zones[0].penetration.effective_depth_um
            < light.zones[0].penetration.effective_depth_um
    );
}
