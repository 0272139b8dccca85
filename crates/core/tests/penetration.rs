//! The penetration model against its calibration points and its invariants.

mod common;

use common::kb;
use microneedling_core::device::{Device, DeviceKind};
use microneedling_core::skin::{Layer, Sex, SkinProfile};

fn skin(site: &str) -> SkinProfile {
    let kb = kb();
    SkinProfile::new(
        kb.site(site).expect("site"),
        Sex::Female,
        35.0,
        &kb.age_model,
    )
    .expect("skin")
}

fn settings(device: &Device) -> Vec<f64> {
    match (&device.lengths_mm, &device.length_range_mm) {
        (Some(lengths), _) => lengths.clone(),
        (None, Some(r)) => {
            let n = ((r.max - r.min) / r.step).round() as usize;
            (0..=n).map(|i| r.min + i as f64 * r.step).collect()
        }
        _ => Vec::new(),
    }
}

#[test]
fn kalluri_2011_roller_falls_near_its_measured_depth_and_width() {
    for case in microneedling_core::validation::kalluri_2011(kb()) {
        assert!(
            case.passed,
            "{}: {} ({})",
            case.id, case.computed, case.tolerance
        );
    }
}

/// Lima, Lima & Takano 2013: 0.5 mm needles on a 192-needle roller reach the papillary dermis.
#[test]
fn half_millimetre_professional_roller_reaches_papillary_dermis_on_every_face_site() {
    let kb = kb();
    let roller = kb.device("dermaroller-192").expect("roller");
    for site in kb
        .sites
        .iter()
        .filter(|s| s.region == microneedling_core::skin::Region::Face)
    {
        for sex in [Sex::Female, Sex::Male] {
            let skin = SkinProfile::new(site, sex, 35.0, &kb.age_model).expect("skin");
            let result = kb.penetration.simulate(roller, 0.5, &skin, 15);
            assert!(
                result.layers_reached.contains(&Layer::PapillaryDermis),
                "{} {sex:?}: {result:?}",
                site.id
            );
            assert!(
                result.pinpoint_bleeding_expected,
                "{}: bleeding is the papillary endpoint",
                site.id
            );
        }
        // Lima 2013: longer needles (1.5 mm and up) reach the reticular dermis.
        let skin = SkinProfile::new(site, Sex::Female, 35.0, &kb.age_model).expect("skin");
        let deep = kb.penetration.simulate(roller, 1.5, &skin, 15);
        assert!(
            deep.layers_reached.contains(&Layer::ReticularDermis),
            "{}: 1.5 mm reaches reticular",
            site.id
        );
    }
}

/// Fernandes: one drum turn covers about 12.6 cm2 with 192 punctures (about 15 per cm2);
/// 15 passes give about 230-250 channels per cm2.
#[test]
fn roller_channel_density_matches_fernandes() {
    let roller = kb().device("dermaroller-192").expect("roller");
    assert!((roller.channels_per_cm2_per_pass() - 15.3).abs() < 0.3);
    let case = microneedling_core::validation::fernandes_density(kb());
    assert!(case.passed, "{}", case.computed);
}

#[test]
fn pen_channels_follow_needles_times_frequency_over_swept_area() {
    let kb = kb();
    let pen = kb.device("dermapen").expect("pen");
    let geometry = pen.pen.as_ref().expect("pen geometry");
    let expected = 11.0 * geometry.frequency_hz
        / (geometry.glide_speed_mm_per_s / 10.0 * geometry.cartridge_width_mm / 10.0);
    assert!((pen.channels_per_cm2_per_pass() - expected).abs() < 1e-9);
}

#[test]
fn depth_rises_with_needle_length_for_every_device_and_site() {
    let kb = kb();
    for device in &kb.devices {
        for site in &kb.sites {
            let skin = SkinProfile::new(site, Sex::Male, 50.0, &kb.age_model).expect("skin");
            let mut previous = -1.0;
            let mut previous_volume = -1.0;
            for length in settings(device) {
                let r = kb
                    .penetration
                    .simulate(device, length, &skin, device.default_passes);
                assert!(
                    r.effective_depth_um >= previous,
                    "{} at {}: {length}",
                    device.id,
                    site.id
                );
                assert!(r.channel_volume_nl >= previous_volume);
                assert!(
                    r.effective_depth_um <= r.nominal_length_um,
                    "never deeper than the needle"
                );
                previous = r.effective_depth_um;
                previous_volume = r.channel_volume_nl;
            }
        }
    }
}

#[test]
fn a_pen_goes_at_least_as_deep_as_a_roller_at_the_same_length() {
    let kb = kb();
    let roller = kb.device("dermaroller-192").expect("roller");
    for pen in kb.devices.iter().filter(|d| d.kind == DeviceKind::Pen) {
        for site in &kb.sites {
            let skin = SkinProfile::new(site, Sex::Female, 35.0, &kb.age_model).expect("skin");
            for length in settings(roller)
                .into_iter()
                .filter(|l| pen.check_length(*l).is_ok())
            {
                let by_roller = kb
                    .penetration
                    .simulate(roller, length, &skin, 15)
                    .effective_depth_um;
                let by_pen = kb
                    .penetration
                    .simulate(pen, length, &skin, 3)
                    .effective_depth_um;
                assert!(
                    by_pen >= by_roller,
                    "{} {length} mm at {}: {by_pen} < {by_roller}",
                    pen.id,
                    site.id
                );
            }
        }
    }
}

#[test]
fn home_roller_at_usual_lengths_stays_out_of_the_dermis_and_shallower_than_professional() {
    let kb = kb();
    let home = kb.device("home-roller").expect("home");
    let pro = kb.device("dermaroller-192").expect("pro");
    for site in &kb.sites {
        let skin = SkinProfile::new(site, Sex::Female, 35.0, &kb.age_model).expect("skin");
        for length in settings(home) {
            let r = kb.penetration.simulate(home, length, &skin, 8);
            // Seed article: home devices are not meant to penetrate. At 0.5 mm the thin eyelid
            // (about 50 um of epidermis) is the exception the model allows.
            if length <= 0.3 {
                assert!(!r.pinpoint_bleeding_expected, "{} {length}", site.id);
            }
            if pro.check_length(length).is_ok() {
                assert!(
                    r.effective_depth_um
                        < kb.penetration
                            .simulate(pro, length, &skin, 15)
                            .effective_depth_um
                );
            }
        }
    }
}

#[test]
fn outputs_stay_in_bounds_and_bleeding_means_dermis() {
    let kb = kb();
    for device in &kb.devices {
        for site in &kb.sites {
            let skin = SkinProfile::new(site, Sex::Female, 70.0, &kb.age_model).expect("skin");
            for length in settings(device) {
                let r = kb
                    .penetration
                    .simulate(device, length, &skin, device.default_passes);
                assert!((0.0..=1.0).contains(&r.injured_dermis_fraction));
                assert!((0.0..=10.0).contains(&r.pain_0_10));
                assert!(
                    r.erythema_hours > 0.0 && r.erythema_hours <= 168.0,
                    "Chu 2021: within 7 days"
                );
                assert_eq!(
                    r.pinpoint_bleeding_expected,
                    r.layers_reached.contains(&Layer::PapillaryDermis)
                );
                assert_eq!(r.deepest_layer, r.layers_reached.last().copied());
                let past_dermis = r.effective_depth_um > skin.dermis_bottom_um();
                let warned = r.warnings.iter().any(|w| w.contains("passes the dermis"));
                assert_eq!(past_dermis, warned, "{} {length} at {}", device.id, site.id);
                let json = serde_json::to_string(&r).expect("json");
                assert!(!json.contains("NaN") && !json.contains("null,\"passes\""));
            }
        }
    }
}

#[test]
fn deep_rf_on_the_eyelid_warns_of_fat_and_vessels() {
    let kb = kb();
    let rf = kb.device("rf-insulated").expect("rf");
    let r = kb.penetration.simulate(rf, 3.5, &skin("periorbital"), 2);
    assert!(r.layers_reached.contains(&Layer::Hypodermis));
    assert!(r.warnings.iter().any(|w| w.contains("fat")));
}

#[test]
fn skinpen_above_its_labelled_maximum_is_flagged() {
    let kb = kb();
    let pen = kb.device("skinpen").expect("skinpen");
    let at_max = kb.penetration.simulate(pen, 1.5, &skin("cheek"), 3);
    let beyond = kb.penetration.simulate(pen, 2.0, &skin("cheek"), 3);
    assert!(!at_max.warnings.iter().any(|w| w.contains("labelling")));
    assert!(beyond.warnings.iter().any(|w| w.contains("labelling")));
}

#[test]
fn more_passes_injure_more_dermis_with_diminishing_overlap() {
    let kb = kb();
    let pen = kb.device("dermapen").expect("pen");
    let fractions: Vec<f64> = [1, 2, 4, 8, 16]
        .iter()
        .map(|p| {
            kb.penetration
                .simulate(pen, 1.5, &skin("cheek"), *p)
                .injured_dermis_fraction
        })
        .collect();
    for pair in fractions.windows(2) {
        assert!(pair[1] > pair[0]);
        assert!(
            pair[1] < 2.0 * pair[0],
            "Poisson overlap: doubling passes less than doubles injury"
        );
    }
}

/// The channel volume quadrature against the closed form of a cone of the same depth.
#[test]
fn channel_volume_matches_a_cone_when_the_needle_is_all_taper() {
    let kb = kb();
    let mut device = kb.device("dermaroller-192").expect("roller").clone();
    device.tip_radius_um = 0.5;
    device.tip_length_um = 5000.0;
    let r = kb.penetration.simulate(&device, 1.0, &skin("cheek"), 1);
    // Radius grows linearly from ~0 at the tip: V = pi/3 * R^2 * h, with the tip's 1 um offset.
    let radius = r.channel_surface_diameter_um / 2.0;
    let tip_radius = kb.penetration.channel.tear_factor.value * device.tip_radius_um;
    let h = r.effective_depth_um;
    let frustum = std::f64::consts::PI * h / 3.0
        * (radius * radius + radius * tip_radius + tip_radius * tip_radius);
    assert!((r.channel_volume_nl * 1e6 - frustum).abs() / frustum < 1e-9);
}
