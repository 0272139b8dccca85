//! The OpenAPI document: every operation with a summary, a tag and a typed success; limits and
//! unknown routes.

mod common;

use common::http::*;
use common::server;
use serde_json::{Value, json};

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
