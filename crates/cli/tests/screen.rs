//! Screening a patient file (verdict, findings, actions, effects, device and isotretinoin
//! policy), and bad patient files, which screen and plan refuse alike.

mod harness;

use harness::{assert_invalid, example, run, temp_file};

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

/// Every adverse effect of `screen --json` and `plan --json` carries `probability_pct` (an ordered
/// band in %, or null) and `probability_source`; the phototype IV example's PIH is a cited
/// minority, its herpes history without prophylaxis counts, and the text shows "N % (a-b %)".
#[test]
fn screen_and_plan_give_adverse_probabilities() {
    for command in ["screen", "plan"] {
        let r = run(&[command, &example("acne-scars.toml"), "--json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let json = r.json();
        let effects = json["adverse_effects"].as_array().expect("effects");
        for e in effects {
            assert!(e["probability_source"].is_string(), "{command}: {e}");
            let p = &e["probability_pct"];
            if p.is_null() {
                continue;
            }
            let band = ["p10", "median", "p90"].map(|k| p[k].as_f64().expect("number"));
            assert!(
                band[0] >= 0.0 && band[0] <= band[1] && band[1] <= band[2] && band[2] <= 100.0,
                "{command}: {e}"
            );
        }
        let find = |id: &str| effects.iter().find(|e| e["id"] == id).expect(id).clone();
        let pih = find("pih");
        let median = pih["probability_pct"]["median"].as_f64().expect("PIH rate");
        assert!(median > 0.0 && median < 50.0, "{pih}");
        assert!(
            pih["probability_source"]
                .as_str()
                .expect("source")
                .contains("[@dogra2014]")
        );
        assert!(
            find("herpes-reactivation")["probability_source"]
                .as_str()
                .expect("source")
                .contains("history-without-prophylaxis")
        );
        assert!(find("redness")["probability_pct"].is_null());
        // The one setting that applies to both: likelihood is kept for existing consumers.
        assert!(pih["likelihood"].is_string());
    }
    let text = run(&["screen", &example("acne-scars.toml")]);
    assert!(text.stdout.contains(" %) "), "{}", text.stdout);
    assert!(text.stdout.contains("decision support"));
}
