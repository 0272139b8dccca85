//! The binary end to end: every command, its JSON shape, its exit codes, its errors.

mod harness;

use harness::{assert_invalid, example, run, temp_file};

const INDICATIONS: [&str; 10] = [
    "acne-scars",
    "scars",
    "wrinkles",
    "loose-skin",
    "stretch-marks",
    "rosacea",
    "pigmentation",
    "alopecia",
    "large-pores",
    "rejuvenation",
];

#[test]
fn catalog_lists_every_kind_as_json_arrays_with_ids() {
    for kind in [
        "sites",
        "devices",
        "agents",
        "indications",
        "rules",
        "adverse-effects",
    ] {
        let r = run(&["catalog", kind, "--json"]);
        assert_eq!(r.code, 0, "{kind}: {}", r.stderr);
        let items = r.json();
        let items = items.as_array().expect("array");
        assert!(!items.is_empty());
        assert!(items.iter().all(|i| i["id"].is_string()), "{kind}");
    }
    let devices = run(&["catalog", "devices", "--json"]).json();
    for d in devices.as_array().expect("array") {
        assert!(["roller", "stamp", "pen", "rf"].contains(&d["kind"].as_str().expect("kind")));
        assert!(["home", "professional"].contains(&d["use"].as_str().expect("use")));
    }
    let text = run(&["catalog", "rules"]);
    assert!(text.stdout.contains("source:") && text.stdout.contains("keloid-tendency"));
}

#[test]
fn screen_prints_verdict_findings_actions_and_effects() {
    let r = run(&["screen", &example("acne-scars.toml"), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = r.json();
    assert_eq!(s["verdict"], "caution");
    let finding = &s["findings"][0];
    for key in ["rule", "tier", "message", "source"] {
        assert!(finding[key].is_string(), "{key}");
    }
    assert!(
        s["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .any(|a| a.as_str().expect("text").contains("Antiviral"))
    );
    assert!(s["adverse_effects"].as_array().expect("effects").len() >= 15);
    let contraindicated = run(&["screen", &example("contraindicated.toml")]);
    assert_eq!(
        contraindicated.code, 0,
        "screening exits 0 whatever the verdict"
    );
    assert!(contraindicated.stdout.contains("CONTRAINDICATED"));
}

#[test]
fn screen_takes_a_device_and_the_isotretinoin_policy() {
    let rf = run(&[
        "screen",
        &example("acne-scars.toml"),
        "--device",
        "rf-noninsulated",
        "--json",
    ])
    .json();
    assert_eq!(rf["device"], "rf-noninsulated");
    let burns = rf["adverse_effects"]
        .as_array()
        .expect("effects")
        .iter()
        .find(|e| e["id"] == "burns")
        .cloned()
        .expect("burns");
    assert_eq!(burns["applies"], true);
    let strict = run(&[
        "screen",
        &example("acne-scars.toml"),
        "--isotretinoin-window-days",
        "365",
        "--isotretinoin-tier",
        "contraindicated",
        "--json",
    ]);
    assert_eq!(strict.json()["verdict"], "contraindicated");
    assert_invalid(
        &run(&[
            "screen",
            &example("acne-scars.toml"),
            "--isotretinoin-tier",
            "maybe",
        ]),
        &["--isotretinoin-tier", "maybe", "caution"],
    );
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
fn every_example_indication_plans_and_exits_zero() {
    for indication in INDICATIONS {
        let r = run(&["plan", &example(&format!("{indication}.toml")), "--json"]);
        assert_eq!(r.code, 0, "{indication}: {}", r.stderr);
        let p = r.json();
        assert_eq!(p["indication"], indication);
        for key in [
            "verdict",
            "evidence",
            "sessions",
            "interval_weeks",
            "reassess_weeks",
        ] {
            assert!(!p[key].is_null(), "{indication}: {key}");
        }
        for key in ["zones", "topicals", "aftercare", "sources"] {
            assert!(p[key].is_array(), "{indication}: {key}");
        }
        let zone = &p["zones"][0];
        for key in ["site", "device", "depth_mm", "passes"] {
            assert!(!zone[key].is_null(), "{indication}: zones[].{key}");
        }
    }
}

#[test]
fn a_contraindicated_plan_exits_3_unless_overridden() {
    let refused = run(&["plan", &example("contraindicated.toml")]);
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(refused.stdout.contains("NO PLAN") && refused.stdout.contains("keloid"));
    let overridden = run(&[
        "plan",
        &example("contraindicated.toml"),
        "--override",
        "scar clinic consultant approved",
        "--json",
    ]);
    assert_eq!(overridden.code, 0, "{}", overridden.stderr);
    let plan = overridden.json();
    assert_eq!(
        plan["override"]["reason"],
        "scar clinic consultant approved"
    );
    assert_eq!(plan["verdict"], "contraindicated");
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
fn custom_devices_come_from_a_file() {
    let r = run(&[
        "--device-file",
        &example("custom-device.toml"),
        "simulate",
        "penetration",
        "--device",
        "clinic-pen-12",
        "--site",
        "cheek",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["device"], "clinic-pen-12");
    let bad = temp_file("bad-device.toml", "[[devices]]\nid = \"x\"\n");
    assert_invalid(
        &run(&["--device-file", &bad, "catalog", "devices"]),
        &["missing field"],
    );
}

#[test]
fn bad_command_line_values_exit_2_naming_field_value_and_accepted() {
    assert_invalid(
        &run(&[
            "simulate",
            "penetration",
            "--device",
            "dermaroler-192",
            "--site",
            "cheek",
        ]),
        &["--device", "dermaroler-192", "did you mean dermaroller-192"],
    );
    assert_invalid(
        &run(&[
            "simulate",
            "penetration",
            "--device",
            "skinpen",
            "--site",
            "elbow",
        ]),
        &["--site", "elbow", "forehead"],
    );
    assert_invalid(
        &run(&[
            "simulate",
            "penetration",
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
        &run(&[
            "simulate",
            "penetration",
            "--device",
            "skinpen",
            "--site",
            "cheek",
            "--length-mm",
            "-1",
        ]),
        &["--length-mm"],
    );
    assert_invalid(
        &run(&[
            "simulate",
            "penetration",
            "--device",
            "skinpen",
            "--site",
            "cheek",
            "--age",
            "-4",
        ]),
        &["--age", "-4", "0 to 120"],
    );
    assert_invalid(
        &run(&[
            "simulate",
            "penetration",
            "--device",
            "skinpen",
            "--site",
            "cheek",
            "--passes",
            "0",
        ]),
        &["--passes", "1 to 100"],
    );
    assert_invalid(
        &run(&[
            "simulate",
            "penetration",
            "--device",
            "skinpen",
            "--site",
            "cheek",
            "--sex",
            "x",
        ]),
        &["--sex", "female"],
    );
    assert_invalid(
        &run(&["compare-devices", "--site", "cheek", "--devices", "skinpen"]),
        &["--devices", "2 to 8"],
    );
    assert_invalid(&run(&["catalog", "widgets"]), &["widgets"]);
}

#[test]
fn bad_patient_files_exit_2_and_never_panic() {
    assert_invalid(
        &run(&["screen", "no/such/file.toml"]),
        &["patient file", "no/such/file.toml"],
    );
    let cases = [
        (
            "fitz.toml",
            "[patient]\nage = 30\nsex = \"female\"\nfitzpatrick = 9\n[treatment]\nindication = \"wrinkles\"\n",
            vec!["patient.fitzpatrick", "9", "1 to 6"],
        ),
        (
            "age.toml",
            "[patient]\nage = -2\nsex = \"female\"\nfitzpatrick = 2\n[treatment]\nindication = \"wrinkles\"\n",
            vec!["patient.age", "-2"],
        ),
        (
            "key.toml",
            "[patient]\nage = 30\nsex = \"female\"\nfitzpatrick = 2\nweight = 60\n[treatment]\nindication = \"wrinkles\"\n",
            vec!["unknown field", "weight"],
        ),
        ("broken.toml", "[patient\n", vec!["broken.toml"]),
        (
            "indication.toml",
            "[patient]\nage = 30\nsex = \"female\"\nfitzpatrick = 2\n[treatment]\nindication = \"wrinkle\"\n",
            vec!["treatment.indication", "did you mean wrinkles"],
        ),
        (
            "sex.toml",
            "[patient]\nage = 30\nsex = \"other\"\nfitzpatrick = 2\n[treatment]\nindication = \"wrinkles\"\n",
            vec!["patient.sex", "female, male"],
        ),
        (
            "date.toml",
            "[patient]\nage = 30\nsex = \"male\"\nfitzpatrick = 2\n[treatment]\nindication = \"wrinkles\"\ndate = \"2026-13-45\"\n",
            vec!["treatment.date", "YYYY-MM-DD"],
        ),
        (
            "length.toml",
            "[patient]\nage = 30\nsex = \"male\"\nfitzpatrick = 2\n[treatment]\nindication = \"wrinkles\"\ndevice = \"dermaroller-192\"\nlength_mm = 0.7\n",
            vec!["treatment.length_mm", "0.5, 1, 1.5"],
        ),
    ];
    for (name, text, words) in cases {
        let path = temp_file(name, text);
        assert_invalid(&run(&["plan", &path]), &words);
        assert_invalid(&run(&["screen", &path, "--json"]), &words);
    }
}

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
    let table = std::fs::read_to_string(&csv).expect("csv written");
    assert!(table.starts_with("time_h,donor,stratum_corneum"));
    assert_eq!(table.lines().count(), points.len() + 1);
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
        "--agent-file",
        &agent_file,
        "simulate",
        "delivery",
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
    let with = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        run(&args)
    };
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

#[test]
fn plan_shows_the_delivery_of_its_in_session_topicals() {
    let plan = run(&["plan", &example("pigmentation.toml"), "--json"]).json();
    let delivery = plan["delivery"].as_array().expect("delivery");
    assert!(delivery.iter().any(|d| d["agent"] == "tranexamic-acid"
        && d["enhancement_ratio"].as_f64().is_some_and(|x| x > 1.0)));
    let alopecia = run(&["plan", &example("alopecia.toml"), "--json"]).json();
    assert!(
        alopecia["delivery"]
            .as_array()
            .expect("delivery")
            .iter()
            .all(|d| d["agent"] != "minoxidil"),
        "home topicals are not simulated into open channels"
    );
}

#[test]
fn validate_lists_every_case_and_passes() {
    let r = run(&["validate", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let cases = r.json();
    let cases = cases.as_array().expect("cases");
    for id in [
        "penetration-kalluri-depth",
        "penetration-lima-papillary",
        "transport-crank-amount",
        "transport-crank-lag",
        "transport-two-layers",
        "transport-mass-balance",
        "transport-grid-order",
        "transport-closed-channel",
        "transport-davidson-ranking",
        "transport-ascorbic-acid",
    ] {
        let case = cases
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("missing {id}"));
        assert_eq!(case["passed"], true, "{id}");
        assert!(case["source"].as_str().is_some_and(|s| !s.is_empty()));
    }
    assert!(run(&["validate"]).stdout.contains("passed, 0 failed"));
}

#[test]
fn simulate_healing_gives_a_weekly_series_and_an_outcome_band() {
    let csv = temp_file("healing.csv", "");
    let r = run(&[
        "simulate",
        "healing",
        "--device",
        "skinpen",
        "--length-mm",
        "1.0",
        "--site",
        "cheek",
        "--sessions",
        "4",
        "--interval-weeks",
        "4",
        "--indication",
        "wrinkles",
        "--seed",
        "3",
        "--samples",
        "300",
        "--json",
        "--csv",
        &csv,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let h = r.json();
    let series = h["series"].as_array().expect("series");
    assert_eq!(series.len(), 53, "weeks 0 to 52");
    for key in [
        "week",
        "fibroblasts",
        "collagen_i",
        "collagen_iii",
        "new_collagen_pct",
    ] {
        assert!(
            series
                .iter()
                .all(|p| p[key].as_f64().is_some_and(|x| x >= 0.0)),
            "{key}"
        );
    }
    let outcome = &h["outcome"];
    assert!(
        outcome["scale"]
            .as_str()
            .is_some_and(|s| s.contains("Wrinkle"))
    );
    let months: Vec<u64> = outcome["at_months"]
        .as_array()
        .expect("months")
        .iter()
        .map(|p| p["month"].as_u64().expect("month"))
        .collect();
    assert_eq!(months, vec![1, 3, 6, 12]);
    for p in outcome["at_months"].as_array().expect("months") {
        for key in ["median", "p10", "p90"] {
            assert!(p[key].is_f64(), "{key}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(&csv).expect("csv").lines().count(),
        54
    );
    let again = run(&[
        "simulate",
        "healing",
        "--device",
        "skinpen",
        "--length-mm",
        "1.0",
        "--site",
        "cheek",
        "--sessions",
        "4",
        "--interval-weeks",
        "4",
        "--indication",
        "wrinkles",
        "--seed",
        "3",
        "--samples",
        "300",
        "--json",
    ]);
    assert_eq!(
        again.json()["outcome"],
        h["outcome"],
        "same seed, same band"
    );
    let none = run(&[
        "simulate",
        "healing",
        "--device",
        "skinpen",
        "--site",
        "cheek",
        "--sessions",
        "3",
        "--interval-weeks",
        "4",
        "--indication",
        "rosacea",
    ]);
    assert!(none.stdout.contains("No outcome data"));
}

#[test]
fn bad_healing_input_exits_2() {
    let base = [
        "simulate", "healing", "--device", "dermapen", "--site", "cheek",
    ];
    let with = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        run(&args)
    };
    assert_invalid(
        &with(&["--sessions", "0", "--interval-weeks", "4"]),
        &["--sessions", "0", "1 to 52"],
    );
    assert_invalid(
        &with(&["--sessions", "3", "--interval-weeks", "-2"]),
        &["--interval-weeks", "-2"],
    );
    assert_invalid(
        &with(&[
            "--sessions",
            "3",
            "--interval-weeks",
            "4",
            "--months",
            "900",
        ]),
        &["--months", "900", "1 to 60"],
    );
    assert_invalid(
        &with(&[
            "--sessions",
            "3",
            "--interval-weeks",
            "4",
            "--indication",
            "acne",
        ]),
        &["--indication", "acne-scars"],
    );
    let close = with(&[
        "--sessions",
        "3",
        "--interval-weeks",
        "1",
        "--indication",
        "acne-scars",
    ]);
    assert_eq!(close.code, 0);
    assert!(
        close.stdout.contains("closer than"),
        "a too-short interval is flagged"
    );
}

#[test]
fn plan_shows_the_expected_course_of_its_series() {
    let plan = run(&["plan", &example("acne-scars.toml"), "--json"]).json();
    let expected = &plan["expected"];
    assert_eq!(
        expected["new_collagen_pct_at_months"]
            .as_array()
            .expect("months")
            .len(),
        4
    );
    assert!(
        expected["outcome"]["scale"]
            .as_str()
            .is_some_and(|s| s.contains("Goodman"))
    );
}

#[test]
fn every_command_writes_a_self_contained_report() {
    let runs: Vec<(&str, Vec<String>)> = vec![
        (
            "plan.html",
            vec!["plan".into(), example("pigmentation.toml")],
        ),
        (
            "penetration.html",
            vec![
                "simulate".into(),
                "penetration".into(),
                "--device".into(),
                "skinpen".into(),
                "--site".into(),
                "cheek".into(),
            ],
        ),
        (
            "delivery.html",
            [
                "simulate",
                "delivery",
                "--agent",
                "minoxidil",
                "--device",
                "dermapen",
                "--site",
                "scalp",
                "--hours",
                "12",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        (
            "healing.html",
            [
                "simulate",
                "healing",
                "--device",
                "skinpen",
                "--site",
                "cheek",
                "--sessions",
                "3",
                "--interval-weeks",
                "4",
                "--indication",
                "wrinkles",
                "--samples",
                "100",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        ("validate.html", vec!["validate".into()]),
    ];
    for (name, mut args) in runs {
        let path = temp_file(name, "");
        args.push("--report".into());
        args.push(path.clone());
        let borrowed: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run(&borrowed);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let html = std::fs::read_to_string(&path).expect("report written");
        assert!(
            html.starts_with("<!doctype html>") && html.contains("Decision support"),
            "{name}"
        );
        assert!(!html.contains("NaN") && !html.contains("<script"), "{name}");
        if name != "validate.html" {
            assert!(html.contains("<svg class=\"figure\""), "{name} has figures");
        }
    }
    assert_invalid(
        &run(&["validate", "--report", "/no/such/dir/report.html"]),
        &["--report"],
    );
}
