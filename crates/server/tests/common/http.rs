//! HTTP helpers of the server tests: requests with or without a token, the example patient files,
//! dates relative to today, and the fixtures of the records tests.

use std::path::PathBuf;

use microneedling_store::Store;
use serde_json::{Value, json};

use super::server;

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub fn get(path: &str, token: Option<&str>) -> (u16, Value) {
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

pub fn post(path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
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

pub fn example(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let text = std::fs::read_to_string(path).expect("example");
    let table: toml::Table = toml::from_str(&text).expect("toml");
    serde_json::to_value(table).expect("json")
}

/// The date `days` days before today, `YYYY-MM-DD`.
pub fn days_ago(days: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(days)).to_string()
}

/// Moves every screening of patient `code` to `date` (the API dates a screening the day it is
/// recorded; tests that need history move it, as the store's tests do).
pub fn backdate_screenings(db: &microneedling_store::Location, code: &str, date: &str) {
    let store = Store::open_at(db, "test").expect("store");
    store
        .db()
        .execute(
            "UPDATE screening SET screened_at = ?1 WHERE patient_id = (SELECT id FROM patient WHERE code = ?2)",
            &[date.into(), code.into()],
        )
        .expect("backdated");
}

pub fn assert_json_error(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    assert!(body["error"].is_string(), "a JSON error body: {body}");
}

/// Adds patient `code` (born 2002, female, Fitzpatrick 3: the contraindicated example's patient)
/// with the default consent (v1) signed a month ago when `consented`.
pub fn add_p2_like(code: &str, consented: bool) {
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
pub fn eligible_file() -> Value {
    let mut file = example("contraindicated.toml");
    file.as_object_mut().expect("file").remove("history");
    file
}

/// POST `body` to patient `code`'s `what` as the clinician.
pub fn record(code: &str, what: &str, body: &Value) -> (u16, Value) {
    post(
        &format!("/api/records/patients/{code}/{what}"),
        Some(&server().clinician),
        body,
    )
}

/// Screens patient `code` from patient `file` (JSON) as the clinician.
pub fn screen_file(code: &str, file: Value) -> (u16, Value) {
    record(code, "screenings", &json!({ "patient": file }))
}

/// A dermapen session on `date` at `zone` (site, depth, passes), with `extra` fields.
pub fn session_body(date: &str, zone: (&str, f64), extra: &Value) -> Value {
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
pub fn assert_conflict(status: u16, body: &Value, words: &[&str]) {
    assert_json_error(status, body, 409);
    let message = body["error"].as_str().unwrap_or_default();
    for word in words {
        assert!(message.contains(word), "{word:?} in {message}");
    }
}
