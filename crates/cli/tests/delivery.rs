//! `simulate delivery`: layers, blood, channel closure, enhancement, custom agents and doses, and
//! its bad input.

mod harness;

use harness::{assert_cell, assert_invalid, read_csv, run, run_after, temp_file};

#[test]
fn simulate_delivery_reports_layers_blood_closure_and_enhancement() {
    let csv = temp_file("delivery.csv", "");
    let r = run(&[
        "simulate",
        "delivery",
        "--agent",
        "ascorbic-acid",
        "--device",
        "dermaroller-192",
        "--length-mm",
        "0.5",
        "--site",
        "cheek",
        "--dose",
        "infinite:100",
        "--json",
        "--csv",
        &csv,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.json();
    assert!(d["enhancement_ratio"].as_f64().is_some_and(|x| x > 1.0));
    assert!((d["channel_half_life_h"].as_f64().expect("half-life") - 2.0).abs() < 0.5);
    assert!(d.get("time_to_steady_state_h").is_some());
    let points = d["delivered_ug_per_cm2"].as_array().expect("series");
    assert_eq!(points.last().expect("end")["time_h"], 24.0);
    for key in [
        "stratum_corneum",
        "viable_epidermis",
        "papillary_dermis",
        "reticular_dermis",
        "blood",
        "absorbed",
    ] {
        assert!(
            points
                .iter()
                .all(|p| p[key].as_f64().is_some_and(|x| x >= 0.0)),
            "{key}"
        );
    }
    assert!(!d["profiles"].as_array().expect("profiles").is_empty());
    assert!(r.stderr.contains(&format!("wrote {csv}")), "{}", r.stderr);
    // Long form: one row per time, route and quantity; the JSON's numbers to 3 figures.
    let (header, rows) = read_csv(&csv);
    assert_eq!(header, ["time_h", "route", "quantity", "value", "unit"]);
    assert_eq!(
        rows.len(),
        2 * 11 * points.len(),
        "two routes, 11 quantities"
    );
    let intact = d["intact_ug_per_cm2"].as_array().expect("intact");
    for (route, series) in [("channels", points), ("intact", intact)] {
        for (key, quantity, unit) in [
            ("absorbed", "absorbed", "ug/cm2"),
            ("blood", "blood", "ug/cm2"),
            ("uptake_flux_ug_per_cm2_h", "uptake_flux", "ug/cm2/h"),
        ] {
            let cells: Vec<&Vec<String>> = rows
                .iter()
                .filter(|r| r[1] == route && r[2] == quantity)
                .collect();
            assert_eq!(cells.len(), series.len(), "{route} {quantity}");
            for (row, point) in cells.iter().zip(series) {
                assert_eq!(row[4], unit);
                assert_cell(&row[0], point["time_h"].as_f64().expect("time"));
                assert_cell(&row[3], point[key].as_f64().expect(key));
            }
        }
    }
}

#[test]
fn simulate_delivery_takes_custom_agents_and_finite_doses() {
    let r = run(&[
        "simulate",
        "delivery",
        "--agent-mw",
        "250",
        "--agent-logkow",
        "1.5",
        "--device",
        "skinpen",
        "--site",
        "forehead",
        "--hours",
        "6",
        "--occluded",
        "--dose",
        "finite:300",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.json();
    assert_eq!(d["agent"], "custom");
    assert_eq!(d["dose"]["kind"], "finite");
    assert!(
        d["time_to_steady_state_h"].is_null(),
        "a finite dose has no steady state"
    );
    let agent_file = temp_file(
        "agents.toml",
        "[[agents]]\nid = \"niacinamide\"\nname = \"Niacinamide\"\nclass = \"small-molecule\"\nmw_g_per_mol = 122.12\nlog_kow = -0.37\nintradermal_suited = false\ntiming = \"not-in-session\"\nnote = \"example\"\nsource = \"PubChem\"\n",
    );
    let r = run(&[
        "simulate",
        "delivery",
        "--agent-file",
        &agent_file,
        "--agent",
        "niacinamide",
        "--device",
        "dermapen",
        "--site",
        "cheek",
        "--hours",
        "2",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("enhancement"));
}

#[test]
fn bad_delivery_input_exits_2() {
    let base = [
        "simulate", "delivery", "--device", "dermapen", "--site", "cheek",
    ];
    let with = |extra: &[&str]| run_after(&base, extra);
    assert_invalid(
        &with(&["--agent", "vitamin-c"]),
        &["--agent", "vitamin-c", "ascorbic-acid"],
    );
    assert_invalid(
        &with(&["--agent", "minoxidil", "--hours", "0"]),
        &["--hours", "0"],
    );
    assert_invalid(
        &with(&["--agent", "minoxidil", "--hours", "-5"]),
        &["--hours"],
    );
    assert_invalid(
        &with(&["--agent", "minoxidil", "--dose", "lots"]),
        &["--dose", "lots", "infinite:MG_PER_ML"],
    );
    assert_invalid(
        &with(&["--agent", "minoxidil", "--dose", "infinite:1e9"]),
        &["--dose", "2000"],
    );
    assert_invalid(
        &with(&["--agent-mw", "NaN", "--agent-logkow", "1"]),
        &["--agent-mw", "NaN"],
    );
    assert_invalid(
        &with(&["--agent-mw", "200", "--agent-logkow", "40"]),
        &["--agent-logkow", "40"],
    );
    assert_invalid(
        &with(&[
            "--agent",
            "minoxidil",
            "--agent-mw",
            "200",
            "--agent-logkow",
            "1",
        ]),
        &["--agent", "not both"],
    );
    assert_invalid(&with(&[]), &["--agent", "missing"]);
    assert_invalid(
        &with(&["--agent", "minoxidil", "--closure-half-life-h", "0"]),
        &["--closure-half-life-h", "0"],
    );
    assert_invalid(
        &with(&["--agent", "minoxidil", "--closure-half-life-h", "-2"]),
        &["--closure-half-life-h"],
    );
    assert_invalid(
        &with(&[
            "--agent",
            "minoxidil",
            "--hours",
            "4",
            "--report-hours",
            "1,9",
        ]),
        &["--report-hours", "9"],
    );
}
