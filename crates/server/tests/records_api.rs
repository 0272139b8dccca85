//! The records over real HTTP: 401/403 without the right token, audited reads, data care, and
//! issue 11's bypasses tried and refused.

mod common;

use common::http::*;
use common::server;
use microneedling_store::Store;
use serde_json::json;

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
    let store = Store::open_at(&s.db, "check").expect("store");
    let reads: i64 = store
        .db()
        .value(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND actor = 'nurse-b'",
            &[],
        )
        .expect("count");
    assert!(reads >= 2, "every read of patient data is audited");

    // The FHIR bundle: the one the CLI writes for the same records, audited as a read.
    let (status, bundle) = get("/api/records/export?format=fhir", Some(&s.viewer));
    assert_eq!(status, 200, "{bundle}");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(
        bundle,
        microneedling_fhir::export_store(&store).expect("bundle")
    );
    let fhir_reads: i64 = store
        .db()
        .value(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND actor = 'nurse-b' AND detail = 'FHIR export of every patient'",
            &[],
        )
        .expect("count");
    assert_eq!(fhir_reads, 1);
    let (status, body) = get("/api/records/export?format=fhir", None);
    assert_json_error(status, &body, 401);
    let (status, body) = get("/api/records/export?format=xml", Some(&s.viewer));
    assert_json_error(status, &body, 422);
    assert!(body.to_string().contains("json or fhir"), "{body}");
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

#[test]
fn the_clinic_views_list_patients_due_items_a_lot_and_the_summary() {
    let s = server();
    add_p2_like("API-CL", true);
    let (status, body) = screen_file("API-CL", eligible_file());
    assert_eq!(status, 201, "{body}");
    backdate_screenings(&s.db, "API-CL", &days_ago(10));
    let (status, body) = record(
        "API-CL",
        "plans",
        &json!({ "patient": eligible_file(), "date": days_ago(10) }),
    );
    assert_eq!(status, 201, "{body}");
    let mut body = session_body(&days_ago(0), ("cheek", 1.0), &json!({}));
    body["cartridge_lot"] = json!("API-LOT-77");
    let (status, reply) = record("API-CL", "sessions", &body);
    assert_eq!(status, 201, "{reply}");

    let (status, list) = get("/api/records/patients?search=api-cl", Some(&s.viewer));
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["code"], "API-CL");
    assert_eq!(list[0]["sessions"], 1);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (status, body) = get("/api/records/patients?serch=x", Some(&s.viewer));
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "serch");

    let (status, due) = get("/api/records/due?within_days=60", Some(&s.viewer));
    assert_eq!(status, 200, "{due}");
    let mine = due
        .as_array()
        .expect("items")
        .iter()
        .find(|d| d["code"] == "API-CL")
        .expect("API-CL is due its next session");
    assert_eq!(mine["session_number"], 2);
    let (status, body) = get("/api/records/due?within_days=soon", Some(&s.viewer));
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "within_days");
    let mut ics = agent()
        .get(format!(
            "{}/api/records/due?within_days=60&format=ics",
            s.base
        ))
        .header("Authorization", format!("Bearer {}", s.viewer))
        .call()
        .expect("ics");
    assert_eq!(ics.status().as_u16(), 200);
    let calendar = ics.body_mut().read_to_string().expect("text");
    assert!(calendar.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(
        calendar.matches("BEGIN:VEVENT").count(),
        due.as_array().map_or(0, Vec::len)
    );

    let (status, uses) = get("/api/records/lots/API-LOT-77", Some(&s.viewer));
    assert_eq!(status, 200, "{uses}");
    assert_eq!(uses[0]["code"], "API-CL");
    assert_eq!(uses[0]["used_as"], "cartridge");
    let (status, summary) = get("/api/records/summary", Some(&s.viewer));
    assert_eq!(status, 200);
    assert!(summary["patients"].as_i64().is_some_and(|n| n >= 1));
    let (status, body) = get("/api/records/summary", None);
    assert_json_error(status, &body, 401);
}

#[test]
fn photos_and_signatures_travel_as_images_and_come_back_checked() {
    use base64::Engine as _;
    let s = server();
    add_p2_like("API-PH", true);
    let png = std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/images/plan-report.png"),
    )
    .expect("png");
    let data_url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    );
    let (status, body) = record(
        "API-PH",
        "consents",
        &json!({ "version": "v2", "text": "I consent.", "signer": "Jane Roe", "signature": data_url }),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = record(
        "API-PH",
        "photos",
        &json!({ "view": "front", "zone": "cheek", "photo_consent": false, "image": data_url }),
    );
    assert_conflict(status, &body, &["consent to photos"]);
    let (status, body) = record(
        "API-PH",
        "photos",
        &json!({ "view": "front", "zone": "cheek", "photo_consent": true, "image": "%%%" }),
    );
    assert_json_error(status, &body, 422);
    assert_eq!(body["field"], "image");
    let (status, body) = record(
        "API-PH",
        "photos",
        &json!({ "view": "front", "zone": "cheek", "photo_consent": true, "image": data_url }),
    );
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().expect("id");
    let (status, history) = get("/api/records/patients/API-PH/history", Some(&s.viewer));
    assert_eq!(status, 200);
    assert_eq!(history["consents"][1]["signer"], "Jane Roe");
    assert_eq!(history["photo_series"][0]["photo_ids"][0], id);
    let mut image = agent()
        .get(format!("{}/api/records/photos/{id}", s.base))
        .header("Authorization", format!("Bearer {}", s.viewer))
        .call()
        .expect("image");
    assert_eq!(image.status().as_u16(), 200);
    assert_eq!(
        image
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    let bytes = image.body_mut().read_to_vec().expect("bytes");
    assert_eq!(
        microneedling_store::sha256_hex(&bytes),
        history["photos"][0]["file_sha256"].as_str().expect("hash")
    );
}
