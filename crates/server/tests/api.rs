//! The open endpoints over real HTTP on loopback: catalog, screen, plan, simulations, validation,
//! health, and the same numbers whichever door a question comes in by.

mod common;

use std::path::PathBuf;

use common::http::*;
use serde_json::{Value, json};

#[test]
fn catalog_screen_plan_simulations_and_validate() {
    for kind in [
        "sites",
        "devices",
        "agents",
        "indications",
        "rules",
        "adverse-effects",
    ] {
        let (status, body) = get(&format!("/api/catalog/{kind}"), None);
        assert_eq!(status, 200);
        assert!(body.as_array().is_some_and(|a| !a.is_empty()));
    }
    let (status, body) = get("/api/catalog/widgets", None);
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "kind");

    let (status, body) = post(
        "/api/screen",
        None,
        &json!({ "patient": example("acne-scars.toml") }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "caution");
    let mut bad = example("acne-scars.toml");
    bad["patient"]["fitzpatrick"] = json!(9);
    let (status, body) = post("/api/screen", None, &json!({ "patient": bad }));
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "patient.fitzpatrick");
    let (status, body) = post(
        "/api/screen",
        None,
        &json!({ "patient": { "patient": { "age": 30 } } }),
    );
    assert_json_error(status, &body, 400);
    let (status, _) = post("/api/screen", None, &json!({ "nonsense": true }));
    assert!(
        (400..500).contains(&status),
        "unknown fields are a client error"
    );

    let (status, body) = post(
        "/api/plan",
        None,
        &json!({ "patient": example("wrinkles.toml"), "report": true }),
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        body["report_html"]
            .as_str()
            .is_some_and(|h| h.contains("<svg"))
    );
    let (status, body) = post(
        "/api/plan",
        None,
        &json!({ "patient": example("contraindicated.toml") }),
    );
    assert_eq!(status, 409);
    assert_eq!(body["screening"]["verdict"], "contraindicated");
    let (status, body) = post(
        "/api/plan",
        None,
        &json!({ "patient": example("contraindicated.toml"), "override": "consultant approved" }),
    );
    assert_eq!(status, 200);
    assert_eq!(body["override"]["reason"], "consultant approved");

    let (status, body) = post(
        "/api/simulate/penetration",
        None,
        &json!({ "device": "skinpen", "site": "cheek", "length_mm": 1.5 }),
    );
    assert_eq!(status, 200);
    assert!(body["effective_depth_um"].as_f64().is_some_and(|d| d > 0.0));
    assert_eq!(body["pierced"], true);
    assert_eq!(body["insertion"]["threshold"]["quantity"], "speed_m_per_s");
    let (status, body) = post(
        "/api/simulate/penetration",
        None,
        &json!({ "device": "skinpen", "site": "cheek", "length_mm": 9.0 }),
    );
    assert_json_error(status, &body, 422);
    // Pressed by hand with a tenth of a newton, the pen's 14 needles do not pierce.
    let (status, body) = post(
        "/api/simulate/penetration",
        None,
        &json!({ "device": "skinpen", "site": "cheek", "insertion": "press", "force_n": 0.1 }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["pierced"], false);
    assert_eq!(body["effective_depth_um"], 0.0);
    let (status, body) = post(
        "/api/simulate/penetration",
        None,
        &json!({ "device": "skinpen", "site": "cheek", "speed_m_per_s": 0.0 }),
    );
    assert_json_error(status, &body, 422);
    assert!(body.to_string().contains("speed_m_per_s"), "{body}");
    let (status, body) = post(
        "/api/simulate/delivery",
        None,
        &json!({ "agent": "ascorbic-acid", "device": "dermapen", "site": "cheek", "hours": 4 }),
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        body["enhancement"]["steady_flux"]
            .as_f64()
            .is_some_and(|r| r > 1.0)
    );
    assert!(
        body["intact"]["kp_cm_per_h"]
            .as_f64()
            .is_some_and(|kp| kp > 0.0)
    );
    let (status, body) = post(
        "/api/simulate/delivery",
        None,
        &json!({ "agent": "ascorbic-acid", "device": "dermapen", "site": "cheek", "hours": -1 }),
    );
    assert_json_error(status, &body, 422);
    let (status, body) = post(
        "/api/simulate/healing",
        None,
        &json!({ "device": "skinpen", "site": "cheek", "sessions": 3, "interval_weeks": 4, "indication": "wrinkles", "samples": 100 }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outcome"].as_array().map(Vec::len), Some(4));
    let (status, body) = post(
        "/api/simulate/healing",
        None,
        &json!({ "device": "skinpen", "site": "cheek", "sessions": 0, "interval_weeks": 4 }),
    );
    assert_json_error(status, &body, 422);
    let (status, body) = post(
        "/api/compare-devices",
        None,
        &json!({ "site": "cheek", "devices": ["home-roller", "skinpen"] }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rows"].as_array().map(Vec::len), Some(2));
    let (status, body) = post(
        "/api/compare-devices",
        None,
        &json!({ "site": "cheek", "devices": ["skinpen"] }),
    );
    assert_json_error(status, &body, 422);
    let (status, body) = get("/api/validate", None);
    assert_eq!(status, 200);
    // Every verification case passes; calibration and independent misses are listed as such.
    assert!(body["cases"].as_array().is_some_and(|cases| {
        cases
            .iter()
            .filter(|c| c["kind"] == "analytic")
            .all(|c| c["passed"] == true)
    }));
    assert!(body["cross_validation"]["acne-scars"]["coverage_p10_p90"].is_f64());
}

#[test]
fn health_answers_without_a_token() {
    let (status, body) = get("/api/health", None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["engine_version"], env!("CARGO_PKG_VERSION"));
    let kb = microneedling_core::KnowledgeBase::embedded().expect("kb");
    assert_eq!(body["knowledge_base_version"], kb.version.as_str());
}

/// The same question through different doors gives the same numbers: the plan's expected course
/// (from the API), the core's plan, and the API's healing simulation of the plan's first zone.
#[test]
fn plan_api_core_and_simulation_give_identical_outcomes() {
    let patient = example("acne-scars.toml");
    let (status, body) = post(
        "/api/plan",
        None,
        &json!({ "patient": patient, "report": true }),
    );
    assert_eq!(status, 200, "{body}");
    let expected = &body["expected"];
    assert_eq!(
        expected["outcome"].as_array().map(Vec::len),
        Some(4),
        "{body}"
    );
    // The report draws the plan's own numbers: the outcome band is in the page.
    assert!(
        body["report_html"]
            .as_str()
            .is_some_and(|h| h.contains("<svg"))
    );

    let kb = microneedling_core::KnowledgeBase::embedded().expect("kb");
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/acne-scars.toml"),
    )
    .expect("example");
    let today = chrono::Utc::now().date_naive();
    let core_patient =
        microneedling_core::patient::Patient::from_toml("acne", &text, kb, today).expect("patient");
    let microneedling_core::plan::PlanOutcome::Planned(plan) =
        microneedling_core::plan::plan(kb, &core_patient, None, &kb.isotretinoin_policy)
            .expect("plan")
    else {
        panic!("refused")
    };
    // Through text as the HTTP body was, so both sides share serde_json's float parsing.
    let core_text = serde_json::to_string(&plan.expected).expect("json");
    let core_expected: Value = serde_json::from_str(&core_text).expect("json");
    assert_eq!(expected["outcome"], core_expected["outcome"]);

    let zone = &body["zones"][0];
    let (status, healing) = post(
        "/api/simulate/healing",
        None,
        &json!({
            "device": zone["device"], "length_mm": zone["depth_mm"], "site": zone["site"],
            "sex": zone["sex"], "age": zone["age_years"], "passes": zone["passes"],
            "sessions": body["sessions"], "interval_weeks": body["interval_weeks"],
            "indication": body["indication"],
        }),
    );
    assert_eq!(status, 200, "{healing}");
    assert_eq!(healing["outcome"], expected["outcome"]);
    assert_eq!(healing["series"], expected["series"]);
}

/// The form's field list and the patient-file parser agree: a file that sets every listed flag,
/// the dated field and one procedure of each kind is read and screened (no unknown key), and a
/// key outside the list is refused.
#[test]
fn the_patient_file_field_list_is_the_parsers() {
    let (status, fields) = get("/api/patient-file", None);
    assert_eq!(status, 200, "{fields}");
    let mut history = serde_json::Map::new();
    for flag in fields["history_flags"].as_array().expect("flags") {
        history.insert(flag.as_str().expect("key").to_string(), json!(true));
    }
    for date in fields["date_fields"].as_array().expect("dates") {
        history.insert(date.as_str().expect("key").to_string(), json!("2026-01-01"));
    }
    let procedures: Vec<Value> = fields["procedure_kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .map(|k| json!({ "kind": k, "date": "2026-11-01" }))
        .collect();
    history.insert("recent_procedures".into(), json!(procedures));
    let patient = json!({
        "patient": { "age": 40, "sex": "female", "fitzpatrick": 2 },
        "history": history,
        "treatment": { "indication": "wrinkles", "date": "2026-12-01" },
    });
    let (status, body) = post("/api/screen", None, &json!({ "patient": patient }));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "contraindicated");
    let mut unknown = patient.clone();
    unknown["history"]["not_a_question"] = json!(true);
    let (status, body) = post("/api/screen", None, &json!({ "patient": unknown }));
    assert_json_error(status, &body, 422);
}

/// `POST /api/screen` and `/api/plan` give each adverse effect its probability band (or null)
/// and its source, as the CLI does, the same through both doors; herpes falls with prophylaxis.
#[test]
fn screen_and_plan_carry_adverse_probabilities() {
    let mut patient = example("acne-scars.toml");
    let herpes = |body: &Value| -> f64 {
        let effects = body["adverse_effects"].as_array().expect("effects");
        for e in effects {
            assert!(e["probability_source"].is_string(), "{e}");
            assert!(e["probability_pct"].is_null() || e["probability_pct"]["median"].is_f64());
        }
        effects
            .iter()
            .find(|e| e["id"] == "herpes-reactivation")
            .and_then(|e| e["probability_pct"]["median"].as_f64())
            .expect("herpes probability")
    };
    let (status, screened) = post("/api/screen", None, &json!({ "patient": patient }));
    assert_eq!(status, 200, "{screened}");
    let (status, planned) = post("/api/plan", None, &json!({ "patient": patient }));
    assert_eq!(status, 200, "{planned}");
    assert_eq!(herpes(&screened), herpes(&planned));
    patient["history"]["antiviral_prophylaxis"] = json!(true);
    let (status, protected) = post("/api/screen", None, &json!({ "patient": patient }));
    assert_eq!(status, 200, "{protected}");
    assert!(herpes(&protected) < herpes(&screened));
}

#[test]
fn delivery_takes_the_settings_of_the_cli() {
    let (status, body) = post(
        "/api/simulate/delivery",
        None,
        &json!({ "agent": "minoxidil", "site": "cheek", "intact_only": true,
                 "setting": "in-vitro", "sc_hydration": "full", "dose": "finite:100" }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["device"], "none");
    assert_eq!(body["setting"], "in-vitro");
    assert_eq!(body["properties"]["dermis"]["clearance_per_s"], 0.0);
    assert!(
        body["intact"]["absorbed_pct_of_dose"]
            .as_f64()
            .is_some_and(|p| p > 0.0)
    );
    let (status, body) = post(
        "/api/simulate/delivery",
        None,
        &json!({ "agent": "minoxidil", "site": "cheek" }),
    );
    assert_json_error(status, &body, 422);
    let (status, body) = post(
        "/api/simulate/delivery",
        None,
        &json!({ "agent": "minoxidil", "site": "cheek", "device": "dermapen", "setting": "ex-vivo" }),
    );
    assert_json_error(status, &body, 422);
}
