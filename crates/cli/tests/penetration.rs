//! `simulate penetration` and `compare-devices`: every field, home against professional devices,
//! and bad settings named with the values accepted.

mod harness;

use harness::{Run, assert_invalid, run, run_after};

/// `simulate penetration` with `args`.
fn penetration(args: &[&str]) -> Run {
    run_after(&["simulate", "penetration"], args)
}

#[test]
fn simulate_penetration_reports_every_field() {
    let r = run(&[
        "simulate",
        "penetration",
        "--device",
        "dermaroller-192",
        "--length-mm",
        "0.5",
        "--site",
        "cheek",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = r.json();
    for key in [
        "nominal_length_um",
        "effective_depth_um",
        "channels_per_cm2",
        "channel_surface_diameter_um",
        "injured_dermis_fraction",
        "pain_0_10",
        "erythema_hours",
    ] {
        assert!(p[key].as_f64().is_some_and(f64::is_finite), "{key}");
    }
    assert_eq!(p["nominal_length_um"], 500.0);
    assert_eq!(p["pinpoint_bleeding_expected"], true);
    assert!(
        p["layers_reached"]
            .as_array()
            .expect("layers")
            .iter()
            .any(|l| l == "papillary-dermis")
    );
    assert!(p["warnings"].is_array());
    let text = run(&[
        "simulate",
        "penetration",
        "--device",
        "skinpen",
        "--site",
        "forehead",
        "--sex",
        "male",
        "--age",
        "60",
        "--passes",
        "4",
    ]);
    assert!(text.stdout.contains("effective depth"), "{}", text.stdout);
}

#[test]
fn compare_devices_puts_home_and_professional_side_by_side() {
    let r = run(&[
        "compare-devices",
        "--site",
        "cheek",
        "--devices",
        "home-roller,dermaroller-192,skinpen",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = r.json();
    let rows = c["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    let depth = |i: usize| rows[i]["effective_depth_um"].as_f64().expect("depth");
    assert!(depth(0) < depth(1) && depth(0) < depth(2), "home shallower");
    assert!(
        rows[0]["cleaning"]
            .as_str()
            .expect("cleaning")
            .contains("isopropyl")
    );
    assert!(
        rows[0]["expected_effect"]
            .as_str()
            .expect("effect")
            .contains("temporary")
    );
    let text = run(&[
        "compare-devices",
        "--site",
        "cheek",
        "--devices",
        "home-roller,skinpen",
    ]);
    assert!(text.stdout.contains("infection risk"));
}

#[test]
fn bad_devices_sites_and_lengths_exit_2_naming_field_value_and_accepted() {
    assert_invalid(
        &penetration(&["--device", "dermaroler-192", "--site", "cheek"]),
        &["--device", "dermaroler-192", "did you mean dermaroller-192"],
    );
    assert_invalid(
        &penetration(&["--device", "skinpen", "--site", "elbow"]),
        &["--site", "elbow", "forehead"],
    );
    assert_invalid(
        &penetration(&[
            "--device",
            "skinpen",
            "--site",
            "cheek",
            "--length-mm",
            "NaN",
        ]),
        &["--length-mm", "NaN", "0.25 to 2.5"],
    );
    assert_invalid(
        &penetration(&[
            "--device",
            "skinpen",
            "--site",
            "cheek",
            "--length-mm",
            "-1",
        ]),
        &["--length-mm"],
    );
}

#[test]
fn bad_ages_passes_and_sexes_exit_2_naming_field_value_and_accepted() {
    assert_invalid(
        &penetration(&["--device", "skinpen", "--site", "cheek", "--age", "-4"]),
        &["--age", "-4", "0 to 120"],
    );
    assert_invalid(
        &penetration(&["--device", "skinpen", "--site", "cheek", "--passes", "0"]),
        &["--passes", "1 to 100"],
    );
    assert_invalid(
        &penetration(&["--device", "skinpen", "--site", "cheek", "--sex", "x"]),
        &["--sex", "female"],
    );
}

#[test]
fn compare_devices_takes_2_to_8_devices() {
    assert_invalid(
        &run(&["compare-devices", "--site", "cheek", "--devices", "skinpen"]),
        &["--devices", "2 to 8"],
    );
}

#[test]
fn insertion_options_set_the_drive_and_the_json_says_whether_needles_pierce() {
    let pierce = |args: &[&str]| {
        let r = penetration(
            &[
                &["--device", "dermaroller-192", "--site", "cheek"],
                args,
                &["--json"],
            ]
            .concat(),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()
    };
    let firm = pierce(&["--force-n", "10"]);
    assert_eq!(firm["pierced"], true);
    assert_eq!(firm["insertion"]["mode"], "roll");
    assert_eq!(
        firm["insertion"]["threshold"]["quantity"],
        "force_per_needle_n"
    );
    let light = pierce(&["--force-n", "0.2"]);
    assert_eq!(light["pierced"], false);
    assert_eq!(light["effective_depth_um"], 0.0);
    let impact = pierce(&["--insertion", "impact", "--speed-m-per-s", "1.5"]);
    assert_eq!(impact["pierced"], true);
    assert_eq!(
        impact["insertion"]["threshold"]["quantity"],
        "speed_m_per_s"
    );
    assert!(
        impact["insertion"]["threshold"]["required"]
            .as_f64()
            .is_some_and(|v| v > 0.0)
    );
}

#[test]
fn bad_insertion_options_exit_2_naming_option_value_and_range() {
    let base = ["--device", "skinpen", "--site", "cheek"];
    assert_invalid(
        &penetration(&[&base[..], &["--speed-m-per-s", "0"]].concat()),
        &["--speed-m-per-s", "0", "0.001 to 20 m/s"],
    );
    assert_invalid(
        &penetration(&[&base[..], &["--insertion", "press", "--force-n", "-3"]].concat()),
        &["--force-n", "-3", "0.1 to 200 N"],
    );
    assert_invalid(
        &penetration(&[&base[..], &["--force-n", "5"]].concat()),
        &["--force-n", "impact"],
    );
    assert_invalid(
        &penetration(&[&base[..], &["--insertion", "slide"]].concat()),
        &["--insertion", "slide", "roll, press or impact"],
    );
}
