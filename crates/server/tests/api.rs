//! Every endpoint over real HTTP on loopback: success, 401/403 without the right token, 4xx with a
//! JSON body for bad input.

mod common;

use std::path::PathBuf;

use common::server;
use microneedling_store::Store;
use serde_json::{Value, json};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn get(path: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = agent().get(format!("{}{path}", server().base));
    if let Some(t) = token {
        request = request.header("Authorization", format!("Bearer {t}"));
    }
    let mut response = request.call().expect("response");
    (
        response.status().as_u16(),
        response.body_mut().read_json().unwrap_or(Value::Null),
    )
}

fn post(path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = agent().post(format!("{}{path}", server().base));
    if let Some(t) = token {
        request = request.header("Authorization", format!("Bearer {t}"));
    }
    let mut response = request.send_json(body).expect("response");
    (
        response.status().as_u16(),
        response.body_mut().read_json().unwrap_or(Value::Null),
    )
}

fn example(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let text = std::fs::read_to_string(path).expect("example");
    let table: toml::Table = toml::from_str(&text).expect("toml");
    serde_json::to_value(table).expect("json")
}

/// The date `days` days before today, `YYYY-MM-DD`.
fn days_ago(days: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(days)).to_string()
}

/// Moves every screening of patient `code` to `date` (the API dates a screening the day it is
/// recorded; tests that need history move it, as the store's tests do).
fn backdate_screenings(db: &std::path::Path, code: &str, date: &str) {
    let store = Store::open(db, "test").expect("store");
    store
        .connection()
        .execute(
            "UPDATE screening SET screened_at = ?1 WHERE patient_id = (SELECT id FROM patient WHERE code = ?2)",
            [date, code],
        )
        .expect("backdated");
}

fn assert_json_error(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    assert!(body["error"].is_string(), "a JSON error body: {body}");
}

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
    let (status, body) = post(
        "/api/simulate/penetration",
        None,
        &json!({ "device": "skinpen", "site": "cheek", "length_mm": 9.0 }),
    );
    assert_json_error(status, &body, 422);
    let (status, body) = post(
        "/api/simulate/delivery",
        None,
        &json!({ "agent": "ascorbic-acid", "device": "dermapen", "site": "cheek", "hours": 4 }),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body["enhancement_ratio"].as_f64().is_some_and(|r| r > 1.0));
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
    assert_eq!(
        body["outcome"]["at_months"].as_array().map(Vec::len),
        Some(4)
    );
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
    assert!(
        body.as_array()
            .is_some_and(|cases| cases.iter().all(|c| c["passed"] == true))
    );
}

#[test]
fn records_need_the_right_token_and_audit_every_read() {
    let s = server();
    let patient = json!({ "code": "API-1", "birth_year": 1992, "sex": "female", "fitzpatrick": 4 });
    let (status, body) = post("/api/records/patients", None, &patient);
    assert_json_error(status, &body, 401);
    let (status, body) = post("/api/records/patients", Some("1.wrong"), &patient);
    assert_json_error(status, &body, 401);
    let (status, body) = post("/api/records/patients", Some(&s.viewer), &patient);
    assert_json_error(status, &body, 403);
    let (status, body) = post("/api/records/patients", Some(&s.clinician), &patient);
    assert_eq!(status, 201, "{body}");
    let (status, body) = post("/api/records/patients", Some(&s.clinician), &patient);
    assert_json_error(status, &body, 422);

    let file = example("acne-scars.toml");
    let (status, body) = post(
        "/api/records/patients/API-1/screenings",
        Some(&s.clinician),
        &json!({ "patient": file }),
    );
    assert_eq!(status, 201, "{body}");
    // Screenings are dated the day they are recorded: this one is moved a month back, as a
    // record entered from an earlier visit would be.
    let month_ago = days_ago(30);
    backdate_screenings(&s.db, "API-1", &month_ago);
    let (status, body) = post(
        "/api/records/patients/API-1/plans",
        Some(&s.clinician),
        &json!({ "patient": file, "date": month_ago }),
    );
    assert_eq!(status, 201, "{body}");
    let (status, _) = post(
        "/api/records/patients/API-1/consents",
        Some(&s.clinician),
        &json!({ "version": "v1", "text": "I consent.", "date": month_ago }),
    );
    assert_eq!(status, 201);
    let session = json!({
        "performed_at": days_ago(1), "device": "skinpen", "device_serial": "SP-1", "cartridge_lot": "C-1",
        "zones": [{ "site": "cheek", "depth_mm": 1.5, "passes": 3 }], "topicals": [{ "agent": "hyaluronic-acid", "lot": "HA-1" }],
        "endpoint": "pinpoint-bleeding", "operator": "Dr A"
    });
    let (status, body) = post(
        "/api/records/patients/API-1/sessions",
        Some(&s.clinician),
        &session,
    );
    assert_eq!(status, 201, "{body}");
    let mut deep = session.clone();
    deep["zones"][0]["depth_mm"] = json!(7.0);
    let (status, body) = post(
        "/api/records/patients/API-1/sessions",
        Some(&s.clinician),
        &deep,
    );
    assert_json_error(status, &body, 422);
    let (status, body) = post(
        "/api/records/patients/NOBODY/sessions",
        Some(&s.clinician),
        &session,
    );
    assert_json_error(status, &body, 404);
    let (status, body) = post(
        "/api/records/patients/API-1/adverse-events",
        Some(&s.clinician),
        &json!({ "effect": "bruising", "severity": "mild", "onset": days_ago(0), "action": "ice" }),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = post(
        "/api/records/patients/API-1/adverse-events",
        Some(&s.clinician),
        &json!({ "effect": "bruising", "severity": "awful", "onset": days_ago(0), "action": "ice" }),
    );
    assert_json_error(status, &body, 422);
    let (status, _) = post(
        "/api/records/patients/API-1/outcomes",
        Some(&s.clinician),
        &json!({ "scale": "Goodman & Baron", "score": 3, "assessor": "Dr A", "date": days_ago(1) }),
    );
    assert_eq!(status, 201);
    let (status, body) = post(
        "/api/records/patients/API-1/outcomes",
        Some(&s.viewer),
        &json!({ "scale": "x", "score": 1, "assessor": "a" }),
    );
    assert_json_error(status, &body, 403);

    let (status, body) = get("/api/records/patients/API-1/history", None);
    assert_json_error(status, &body, 401);
    let (status, body) = get("/api/records/patients/API-1/history", Some(&s.viewer));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sessions"].as_array().map(Vec::len), Some(1));
    let (status, body) = get("/api/records/export", Some(&s.viewer));
    assert_eq!(status, 200);
    assert!(body.as_array().is_some_and(|a| !a.is_empty()));
    let store = Store::open(&s.db, "check").expect("store");
    let reads: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND actor = 'nurse-b'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(reads >= 2, "every read of patient data is audited");
}

#[test]
fn openapi_limits_and_unknown_routes() {
    let (status, body) = get("/api/openapi.json", None);
    assert_eq!(status, 200);
    let paths = body["paths"].as_object().expect("paths");
    for path in [
        "/api/screen",
        "/api/plan",
        "/api/simulate/delivery",
        "/api/records/patients/{code}/sessions",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
    let (status, body) = get("/api/nowhere", None);
    assert_json_error(status, &body, 404);
    let huge = json!({ "patient": { "patient": { "code": "x".repeat(400_000) } } });
    let (status, _) = post("/api/screen", None, &huge);
    assert_eq!(status, 413, "request size limit");
    let mut response = agent()
        .get(format!("{}/", server().base))
        .call()
        .expect("page");
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response
            .body_mut()
            .read_to_string()
            .expect("html")
            .contains("<html")
    );
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

/// A response's schema: inline or a `$ref` to a component.
fn has_schema(response: &Value) -> bool {
    response["content"].as_object().is_some_and(|media| {
        media.values().any(|m| {
            m["schema"].as_object().is_some_and(|s| {
                !s.is_empty()
                    && (s.contains_key("$ref") || s.contains_key("type") || s.contains_key("allOf"))
            })
        })
    })
}

/// Whether `schema` describes its fields: a `$ref` to such a component, an object with
/// properties, an array of typed items, a composition of typed parts, or a scalar.
fn typed(doc: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return typed(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema[key].as_array() {
            return !parts.is_empty() && parts.iter().all(|p| typed(doc, p, depth + 1));
        }
    }
    if schema["properties"].is_object() || schema["enum"].is_array() {
        return true;
    }
    match schema["type"].as_str() {
        Some("array") => typed(doc, &schema["items"], depth + 1),
        Some("string" | "number" | "integer" | "boolean" | "null") => true,
        _ => schema["type"].as_array().is_some_and(|types| {
            types.iter().all(|t| t.as_str() != Some("object")) || schema["properties"].is_object()
        }),
    }
}

#[test]
fn every_operation_has_a_summary_a_tag_and_a_typed_success() {
    let (status, doc) = get("/api/openapi.json", None);
    assert_eq!(status, 200);
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/api/health"));
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            let name = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.trim().is_empty()),
                "{name}: a summary"
            );
            let tags = op["tags"].as_array().expect("tags");
            assert!(!tags.is_empty(), "{name}: a tag");
            for tag in tags {
                assert!(
                    ["catalog", "models", "records", "meta"].contains(&tag.as_str().unwrap_or("")),
                    "{name}: tag {tag}"
                );
            }
            let responses = op["responses"].as_object().expect("responses");
            for (code, r) in responses {
                assert!(
                    r["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{name} {code}: a description (OpenAPI requires it)"
                );
            }
            assert!(
                responses
                    .iter()
                    .any(|(code, r)| code.starts_with('2') && has_schema(r)),
                "{name}: a 2xx response with a schema: {responses:?}"
            );
            // Typed all the way down: no bare `object` where a value of the core or the store is
            // returned (the OpenAPI document itself is the one free-form body).
            if path != "/api/openapi.json" {
                for (code, r) in responses.iter().filter(|(c, _)| c.starts_with('2')) {
                    for media in r["content"]
                        .as_object()
                        .into_iter()
                        .flat_map(|m| m.values())
                    {
                        assert!(
                            typed(&doc, &media["schema"], 0),
                            "{name} {code}: an untyped schema {}",
                            media["schema"]
                        );
                    }
                }
            }
        }
    }
    assert!(operations >= 20, "{operations} operations");
}

#[test]
fn a_clinician_may_read_what_a_viewer_reads() {
    let s = server();
    let (status, body) = get("/api/records/export", Some(&s.clinician));
    assert_eq!(status, 200, "{body}");
    assert!(body.is_array());
    let (status, body) = get("/api/records/export", Some(&s.viewer));
    assert_eq!(status, 200, "{body}");
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
    assert!(expected["outcome"]["at_months"].is_array(), "{body}");
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

#[test]
fn check_audit_amend_void_and_erase_over_the_api() {
    let s = server();
    let (status, body) = get("/api/records/check", None);
    assert_json_error(status, &body, 401);
    let (status, body) = get("/api/records/check", Some(&s.viewer));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ok"], true);
    assert_eq!(body["integrity"], "ok");

    // A patient with a session today (consent, screening, plan first), then an outcome.
    add_p2_like("CARE-API-1", true);
    let (status, body) = screen_file("CARE-API-1", eligible_file());
    assert_eq!(status, 201, "{body}");
    let (status, body) = record(
        "CARE-API-1",
        "plans",
        &json!({ "patient": eligible_file() }),
    );
    assert_eq!(status, 201, "{body}");
    let session = session_body(&days_ago(0), ("cheek", 1.0), &json!({}));
    let (status, body) = record("CARE-API-1", "sessions", &session);
    assert_eq!(status, 201, "{body}");
    let (status, body) = post(
        "/api/records/patients/CARE-API-1/outcomes",
        Some(&s.clinician),
        &json!({ "scale": "ECCA", "score": 40, "assessor": "Dr A", "date": days_ago(0) }),
    );
    assert_eq!(status, 201, "{body}");
    let old = body["id"].as_i64().expect("id");
    let amend = json!({ "reason": "score misread from the form", "set": { "score": 30 } });
    let path = format!("/api/records/outcomes/{old}/amend");
    let (status, body) = post(&path, Some(&s.viewer), &amend);
    assert_json_error(status, &body, 403);
    let (status, body) = post(&path, Some(&s.clinician), &amend);
    assert_eq!(status, 201, "{body}");
    let new = body["replaced_by"].as_i64().expect("new id");
    let (status, body) = post(&path, Some(&s.clinician), &amend);
    assert_json_error(status, &body, 409);
    let reason = json!({ "reason": "entered twice by mistake" });
    let (status, body) = post(
        &format!("/api/records/outcomes/{new}/void"),
        Some(&s.clinician),
        &reason,
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = post("/api/records/photos/1/void", Some(&s.clinician), &reason);
    assert_json_error(status, &body, 422);
    let (status, body) = get("/api/records/patients/CARE-API-1/history", Some(&s.viewer));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["changes"].as_array().map(Vec::len), Some(2));

    let (status, body) = get("/api/records/audit", Some(&s.viewer));
    assert_json_error(status, &body, 403);
    let (status, body) = get("/api/records/audit", Some(&s.clinician));
    assert_eq!(status, 200, "{body}");
    let actions: Vec<&str> = body
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"amend") && actions.contains(&"void"),
        "{actions:?}"
    );

    let (status, body) = post(
        "/api/records/patients/CARE-API-1/erase",
        Some(&s.clinician),
        &json!({ "reason": "the patient's written request" }),
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        body["pseudonym"]
            .as_str()
            .is_some_and(|p| p.starts_with("erased-"))
    );
    assert_eq!(body["birth_year"], 2000);
    let (status, body) = get("/api/records/patients/CARE-API-1/history", Some(&s.viewer));
    assert_json_error(status, &body, 404);
    let (_, audit) = get("/api/records/audit", Some(&s.clinician));
    assert!(
        !audit.to_string().contains("CARE-API-1"),
        "the audit log holds no code"
    );
    let (_, check) = get("/api/records/check", Some(&s.viewer));
    assert_eq!(check["ok"], true);
}

/// Adds patient `code` (born 2002, female, Fitzpatrick 3: the contraindicated example's patient)
/// with the default consent (v1) signed a month ago when `consented`.
fn add_p2_like(code: &str, consented: bool) {
    let s = server();
    let patient = json!({ "code": code, "birth_year": 2002, "sex": "female", "fitzpatrick": 3 });
    let (status, body) = post("/api/records/patients", Some(&s.clinician), &patient);
    assert_eq!(status, 201, "{body}");
    if consented {
        let (status, body) = post(
            &format!("/api/records/patients/{code}/consents"),
            Some(&s.clinician),
            &json!({ "version": "v1", "text": "I consent.", "date": days_ago(30) }),
        );
        assert_eq!(status, 201, "{body}");
    }
}

/// The contraindicated example without its history: eligible.
fn eligible_file() -> Value {
    let mut file = example("contraindicated.toml");
    file.as_object_mut().expect("file").remove("history");
    file
}

/// POST `body` to patient `code`'s `what` as the clinician.
fn record(code: &str, what: &str, body: &Value) -> (u16, Value) {
    post(
        &format!("/api/records/patients/{code}/{what}"),
        Some(&server().clinician),
        body,
    )
}

/// Screens patient `code` from patient `file` (JSON) as the clinician.
fn screen_file(code: &str, file: Value) -> (u16, Value) {
    record(code, "screenings", &json!({ "patient": file }))
}

/// A dermapen session on `date` at `zone` (site, depth, passes), with `extra` fields.
fn session_body(date: &str, zone: (&str, f64), extra: &Value) -> Value {
    let mut body = json!({
        "performed_at": date, "device": "dermapen", "device_serial": "D1", "cartridge_lot": "L",
        "zones": [{ "site": zone.0, "depth_mm": zone.1, "passes": 2 }],
        "endpoint": "erythema", "operator": "Dr B"
    });
    for (key, value) in extra.as_object().into_iter().flatten() {
        body[key] = value.clone();
    }
    body
}

/// A refusal by a record rule (409) whose message names every one of `words`.
fn assert_conflict(status: u16, body: &Value, words: &[&str]) {
    assert_json_error(status, body, 409);
    let message = body["error"].as_str().unwrap_or_default();
    for word in words {
        assert!(message.contains(word), "{word:?} in {message}");
    }
}

#[test]
fn api_overrides_are_bound_to_the_contraindicated_screening_they_override() {
    add_p2_like("API-OV", true);
    let contraindicated = example("contraindicated.toml");
    let over = |reason: &str| json!({ "patient": contraindicated, "override": reason });
    let (status, body) = record("API-OV", "plans", &over("consultant approved in advance"));
    assert_conflict(status, &body, &["screen the patient first"]);
    let (status, body) = screen_file("API-OV", eligible_file());
    assert_eq!(status, 201, "{body}");
    let eligible_id = body["id"].clone();
    let (status, body) = record(
        "API-OV",
        "plans",
        &json!({ "patient": eligible_file(), "override": "consultant approved anyway" }),
    );
    assert_conflict(status, &body, &["screen the patient first"]);
    let (status, body) = record("API-OV", "plans", &json!({ "patient": eligible_file() }));
    assert_eq!(status, 201, "{body}");
    let (status, body) = screen_file("API-OV", contraindicated.clone());
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["screening"]["verdict"], "contraindicated");
    let screening_id = body["id"].clone();
    let session = session_body(&days_ago(0), ("cheek", 1.0), &json!({}));
    let (status, body) = record("API-OV", "sessions", &session);
    assert_conflict(status, &body, &["contraindicated", "carries no override"]);
    for reason in ["\u{200b}", ".", "\u{200b}.\u{200b}"] {
        let (status, body) = record("API-OV", "plans", &over(reason));
        assert_json_error(status, &body, 422);
        assert_eq!(body["field"], "--override");
    }
    let mut wrong = over("scar clinic consultant approved");
    wrong["overrides_screening"] = eligible_id;
    let (status, body) = record("API-OV", "plans", &wrong);
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "overrides_screening");
    let (status, body) = record("API-OV", "plans", &over("scar clinic consultant approved"));
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["record"]["overrides_screening_id"], screening_id);
    assert_eq!(body["record"]["override_clinician"], "dr-a");
    assert!(
        body["record"]["override_rules"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r == "active-acne")),
        "{body}"
    );
    let (status, body) = record("API-OV", "sessions", &session);
    assert_eq!(status, 201, "{body}");
}

#[test]
fn api_screening_follows_the_record_and_keeps_earlier_contraindications() {
    add_p2_like("API-SC", false);
    let (status, body) = screen_file("API-SC", example("contraindicated.toml"));
    assert_eq!(status, 201, "{body}");
    let (status, body) = screen_file("API-SC", eligible_file());
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["screening"]["verdict"], "contraindicated", "{body}");
    assert!(
        body["screening"]["findings"]
            .to_string()
            .contains("record a clearance")
    );
    for (section, key, value, field) in [
        ("patient", "sex", json!("male"), "patient.sex"),
        ("patient", "age", json!(40), "patient.age"),
        ("patient", "fitzpatrick", json!(5), "patient.fitzpatrick"),
        ("treatment", "date", json!(days_ago(-365)), "treatment.date"),
    ] {
        let mut file = eligible_file();
        file[section][key] = value;
        let (status, body) = screen_file("API-SC", file);
        assert_json_error(status, &body, 422);
        assert_eq!(body["field"], field, "{body}");
    }
    let (status, _) = record(
        "API-SC",
        "screenings",
        &json!({ "patient": eligible_file(), "date": "2020-01-01" }),
    );
    assert!((400..500).contains(&status), "a screening takes no date");
    for rule in ["active-acne", "keloid-tendency"] {
        let (status, body) = record(
            "API-SC",
            "clearances",
            &json!({ "rule": rule, "reason": "resolved on examination today" }),
        );
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["cleared_by"], "dr-a");
    }
    let (status, body) = record(
        "API-SC",
        "clearances",
        &json!({ "rule": "active-acne", "reason": "." }),
    );
    assert_json_error(status, &body, 422);
    let (status, body) = screen_file("API-SC", eligible_file());
    assert_eq!(status, 201, "{body}");
    assert_ne!(body["screening"]["verdict"], "contraindicated", "{body}");
}

#[test]
fn api_sessions_need_consent_reasons_and_late_entries() {
    add_p2_like("API-SE", false);
    let (status, body) = screen_file("API-SE", eligible_file());
    assert_eq!(status, 201, "{body}");
    backdate_screenings(&server().db, "API-SE", &days_ago(10));
    let (status, body) = record(
        "API-SE",
        "plans",
        &json!({ "patient": eligible_file(), "date": days_ago(10) }),
    );
    assert_eq!(status, 201, "{body}");
    let today = days_ago(0);
    let (status, body) = record(
        "API-SE",
        "sessions",
        &session_body(&today, ("cheek", 1.0), &json!({})),
    );
    assert_conflict(status, &body, &["no consent of version v1"]);
    let (status, _) = record(
        "API-SE",
        "consents",
        &json!({ "version": "v1", "text": "I consent.", "date": days_ago(10) }),
    );
    assert_eq!(status, 201);
    let outcome = |date: &str| {
        record(
            "API-SE",
            "outcomes",
            &json!({ "scale": "Goodman & Baron", "score": 3, "assessor": "Dr B", "date": date }),
        )
    };
    let (status, body) = outcome(&today);
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "assessed_at");
    let mut skinpen = session_body(&today, ("cheek", 2.5), &json!({}));
    skinpen["device"] = json!("skinpen");
    let (status, body) = record("API-SE", "sessions", &skinpen);
    assert_conflict(status, &body, &["labelled maximum 1.5 mm", "depth_reason"]);
    skinpen["depth_reason"] = json!("deep boxcar scars, consultant plan");
    let (status, body) = record("API-SE", "sessions", &skinpen);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["depth_reason"], "deep boxcar scars, consultant plan");
    let eye = session_body(&today, ("periorbital", 2.5), &json!({}));
    let (status, body) = record("API-SE", "sessions", &eye);
    assert_conflict(status, &body, &["site's maximum depth 0.5 mm"]);
    let eye = session_body(
        &today,
        ("periorbital", 2.5),
        &json!({ "depth_reason": "documented scar under the eye" }),
    );
    let (status, body) = record("API-SE", "sessions", &eye);
    assert_conflict(status, &body, &["already recorded on", "same_day_reason"]);
    let eye = session_body(
        &today,
        ("periorbital", 2.5),
        &json!({ "depth_reason": "documented scar under the eye", "same_day_reason": "the eye zone was missed this morning" }),
    );
    let (status, body) = record("API-SE", "sessions", &eye);
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["same_day_reason"],
        "the eye zone was missed this morning"
    );
    let (status, body) = outcome(&days_ago(1));
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "assessed_at");
    let (status, body) = record(
        "API-SE",
        "adverse-events",
        &json!({ "effect": "bruising", "severity": "mild", "onset": days_ago(1), "action": "ice" }),
    );
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "onset");
    // A contraindicated screening today: a session dated before it is a late entry.
    let (status, body) = screen_file("API-SE", example("contraindicated.toml"));
    assert_eq!(status, 201, "{body}");
    let earlier = session_body(&days_ago(1), ("cheek", 1.0), &json!({}));
    let (status, body) = record("API-SE", "sessions", &earlier);
    assert_conflict(
        status,
        &body,
        &["before the latest screening", "late_entry"],
    );
    let earlier = session_body(
        &days_ago(1),
        ("cheek", 1.0),
        &json!({ "late_entry": "entered from the paper chart" }),
    );
    let (status, body) = record("API-SE", "sessions", &earlier);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["late_entry"], "entered from the paper chart");
}
