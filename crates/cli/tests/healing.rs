//! `simulate healing`: the weekly series, the outcome band by month, reproducibility by seed,
//! and bad input.

mod harness;

use harness::{Run, assert_invalid, run, run_after, temp_file};

/// Four sessions of a skinpen at 1 mm on the cheek, four weeks apart, for wrinkles, as JSON,
/// seeded: the series every test here reads; `extra` adds options.
fn wrinkles_series(extra: &[&str]) -> Run {
    run_after(
        &[
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
        ],
        extra,
    )
}

#[test]
fn simulate_healing_gives_a_weekly_series_and_its_csv() {
    let csv = temp_file("healing.csv", "");
    let r = wrinkles_series(&["--csv", &csv]);
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
    assert!(r.stderr.contains(&format!("wrote {csv}")), "{}", r.stderr);
    // Long form: one row per week and quantity, each the JSON's number to 3 figures.
    let (header, rows) = harness::read_csv(&csv);
    assert_eq!(header, ["time_week", "quantity", "value", "unit"]);
    assert_eq!(rows.len(), 53 * 6, "weeks 0 to 52, six quantities");
    for (quantity, key, unit) in [
        ("inflammation", "inflammation", "arbitrary unit"),
        ("fibroblasts", "fibroblasts", "arbitrary unit"),
        ("collagen_i", "collagen_i", "fraction of baseline collagen"),
        ("new_collagen", "new_collagen_pct", "% of baseline collagen"),
    ] {
        let cells: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == quantity).collect();
        assert_eq!(cells.len(), 53, "{quantity}");
        for (row, point) in cells.iter().zip(series) {
            assert_eq!(row[0], point["week"].to_string());
            assert_eq!(row[3], unit);
            harness::assert_cell(&row[2], point[key].as_f64().expect(key));
        }
    }
}

#[test]
fn simulate_healing_gives_an_outcome_band_by_month() {
    let r = wrinkles_series(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json = r.json();
    assert_eq!(json["outcome_basis"]["scale"], "lemperle-wrinkle");
    let outcome = json["outcome"].as_array().expect("outcome[]");
    let months: Vec<u64> = outcome
        .iter()
        .map(|p| p["month"].as_u64().expect("month"))
        .collect();
    assert_eq!(months, vec![1, 3, 6, 12]);
    for p in outcome {
        assert_eq!(p["scale"], "lemperle-wrinkle");
        for key in ["median", "p10", "p90"] {
            assert!(p[key].is_f64(), "{key}");
            assert!(p["score"][key].is_f64(), "score {key}");
        }
    }
}

#[test]
fn scale_and_baseline_choose_what_the_outcome_is_read_on() {
    let acne = |extra: &[&str]| {
        run_after(
            &[
                "simulate",
                "healing",
                "--device",
                "dermaroller-192",
                "--site",
                "cheek",
                "--sessions",
                "3",
                "--interval-weeks",
                "4",
                "--indication",
                "acne-scars",
                "--json",
            ],
            extra,
        )
    };
    let quantitative = |baseline: &str| {
        let r = acne(&[
            "--scale",
            "goodman-baron-quantitative",
            "--baseline",
            baseline,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()["outcome"][2].clone()
    };
    let (mild, severe) = (quantitative("10"), quantitative("40"));
    // The same improvement fraction: four times the distance from clear skin, four times the
    // points, and the score is the baseline less the improvement.
    let ratio =
        severe["median"].as_f64().expect("median") / mild["median"].as_f64().expect("median");
    assert!((ratio - 4.0).abs() < 1e-9, "{ratio}");
    let score = severe["score"]["median"].as_f64().expect("score");
    assert!((score - (40.0 - severe["median"].as_f64().expect("median"))).abs() < 1e-9);
    // A scale of another indication, or a baseline off the scale, is refused by name.
    let wrong = acne(&["--scale", "mmasi"]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stderr.contains("scale") && wrong.stderr.contains("goodman-baron-quantitative"),
        "{}",
        wrong.stderr
    );
    let off = acne(&["--scale", "goodman-baron-qualitative", "--baseline", "7"]);
    assert_eq!(off.code, 2);
    assert!(
        off.stderr.contains("baseline") && off.stderr.contains("1 to 4"),
        "{}",
        off.stderr
    );
}

#[test]
fn the_same_seed_gives_the_same_outcome_band() {
    let h = wrinkles_series(&[]).json();
    let again = wrinkles_series(&[]);
    assert_eq!(
        again.json()["outcome"],
        h["outcome"],
        "same seed, same band"
    );
}

#[test]
fn every_indication_gives_a_number_on_a_trial_scale() {
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
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(none.stdout.contains("Erythema index"), "{}", none.stdout);
    assert!(none.stdout.contains("month 12"), "{}", none.stdout);
}

#[test]
fn bad_healing_input_exits_2() {
    let base = [
        "simulate", "healing", "--device", "dermapen", "--site", "cheek",
    ];
    let with = |extra: &[&str]| run_after(&base, extra);
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

/// A topical alone (`--device none --topical`) is a computed arm, not a stored constant, and an
/// unknown topical is refused by name.
#[test]
fn a_topical_alone_is_computed_beside_needling() {
    let alopecia = |device: &str, topical: &str| {
        run(&[
            "simulate",
            "healing",
            "--device",
            device,
            "--site",
            "scalp",
            "--sessions",
            "12",
            "--interval-weeks",
            "1",
            "--indication",
            "alopecia",
            "--topical",
            topical,
            "--json",
        ])
    };
    let alone = alopecia("none", "minoxidil");
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    let alone = alone.json();
    let both = alopecia("dermaroller-192", "minoxidil").json();
    let at3 = |j: &serde_json::Value| j["outcome"][1]["median"].as_f64().expect("median");
    assert!(
        at3(&alone) > 0.0 && at3(&both) > 2.0 * at3(&alone),
        "{} vs {}",
        at3(&alone),
        at3(&both)
    );
    assert!(alone["warnings"].to_string().contains("No needling"));
    assert_eq!(alone["device"], "none");
    let unknown = alopecia("none", "snake-oil");
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("--topical"), "{}", unknown.stderr);
}
