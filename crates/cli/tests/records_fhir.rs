//! `records export --format fhir` and `records import --format fhir FILE` through the real
//! binary: a full record exported, imported into an empty database and exported again gives the
//! same bundle but for the fields an import must change (docs/fhir.md says which and why); a
//! patient already recorded is refused; a broken bundle names the entry and the field.

mod harness;

use harness::records::{
    add_p2, backdate_screenings, consent, days_ago, db, p2_session, ready, records, today,
};
use harness::{assert_exit, assert_invalid, example, temp_file};
use serde_json::Value;

/// P-1 with a full series: screening and plan 30 days ago (`ready`), consent, two sessions with
/// topicals (the first entered late), an adverse event of the second, outcome scores (one
/// amended), a photo.
fn full_record(db: &str) {
    ready(db, "P-1");
    assert_eq!(consent(db, "P-1", "v1", &days_ago(30)).code, 0);
    // A second consent to the same form, signed by name (the signer travels in the bundle).
    let text = temp_file(
        &format!("fhir-signed-{}.txt", db.rsplit('/').next().unwrap_or(db)),
        "I consent to microneedling. Version v1.",
    );
    let signed = records(
        db,
        &[
            "consent",
            "P-1",
            "--version",
            "v1",
            "--text-file",
            &text,
            "--signer",
            "Jane Roe",
            "--date",
            &days_ago(29),
        ],
    );
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    let ok = |args: &[&str]| {
        let run = records(db, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    };
    let first = format!("{}T10:30", days_ago(28));
    ok(&[
        "session",
        "add",
        "P-1",
        "--date",
        &first,
        "--device",
        "skinpen",
        "--serial",
        "SP-1",
        "--lot",
        "CART-7",
        "--zone",
        "cheek:1.0:3",
        "--topical",
        "hyaluronic-acid:HA-1",
        "--endpoint",
        "erythema",
        "--operator",
        "Dr A",
        "--late-entry",
        "paper chart entered later",
    ]);
    let second = format!("{}T09:00", days_ago(1));
    ok(&[
        "session",
        "add",
        "P-1",
        "--date",
        &second,
        "--device",
        "skinpen",
        "--serial",
        "SP-1",
        "--lot",
        "CART-8",
        "--zone",
        "cheek:1.0:3",
        "--zone",
        "forehead:0.5:2",
        "--topical",
        "hyaluronic-acid:HA-2",
        "--endpoint",
        "pinpoint-bleeding",
        "--operator",
        "Dr A",
    ]);
    ok(&[
        "adverse-event",
        "add",
        "P-1",
        "--effect",
        "bruising",
        "--severity",
        "mild",
        "--onset",
        &days_ago(1),
        "--resolved",
        &today(),
        "--session",
        "2",
        "--action",
        "ice",
    ]);
    let outcome = |extra: &[&str]| {
        let mut args = vec!["outcome", "add", "P-1", "--scale", "goodman-baron"];
        args.extend_from_slice(&["--assessor", "Dr B"]);
        args.extend_from_slice(extra);
        ok(&args);
    };
    let late = days_ago(27);
    outcome(&[
        "--score",
        "3",
        "--date",
        &late,
        "--late-entry",
        "from the paper chart",
    ]);
    outcome(&["--score", "2"]);
    ok(&[
        "amend",
        "outcome",
        "2",
        "--set",
        "score=1.5",
        "--reason",
        "typo in the score",
    ]);
    // A real PNG of the repository stands in for a clinical photo.
    let photo = harness::root().join("docs/images/plan-report.png");
    ok(&[
        "photo",
        "add",
        "P-1",
        &photo.display().to_string(),
        "--view",
        "front",
        "--photo-consent",
    ]);
}

/// The signers named by the bundle's consents.
fn signers(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["resource"]["resourceType"] == "Consent")
        .flat_map(|e| {
            e["resource"]["extension"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|x| {
            x["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("consent-signer"))
        })
        .filter_map(|x| x["valueString"].as_str().map(str::to_string))
        .collect()
}

fn export(db: &str) -> Value {
    let run = records(db, &["export", "--format", "fhir"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

/// The bundle without what an import changes by design: the bundle's id (a hash of the
/// content), the time of each Provenance, record change and clearance (the import's own), and the
/// late-entry reason the import adds ("imported from FHIR bundle ID", alone or after the
/// original reason in parentheses) naming `imported_from`. Full URLs become entry indexes, so
/// that row ids may differ.
fn normalised(bundle: &Value, imported_from: &Value) -> Value {
    let id = imported_from.as_str().unwrap_or_default().to_string();
    let urls: Vec<String> = bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap_or_default().to_string())
        .collect();
    let mut out = bundle.clone();
    out["id"] = Value::Null;
    strip(&mut out, &urls, &id);
    out
}

fn strip(value: &mut Value, urls: &[String], bundle_id: &str) {
    let imported = format!("imported from FHIR bundle {bundle_id}");
    match value {
        Value::Object(map) => {
            map.remove("recorded");
            map.remove("id");
            let url = map.get("url").and_then(Value::as_str).unwrap_or_default();
            if url.ends_with("/at") || url.ends_with("/cleared-at") {
                map.remove("valueDateTime");
            }
            if let Some(Value::String(s)) = map.get_mut("valueString") {
                *s = s.replace(&format!(" ({imported})"), "");
            }
            if let Some(list) = map.get_mut("extension").and_then(Value::as_array_mut) {
                list.retain(|e| e["valueString"] != imported.as_str());
                if list.is_empty() {
                    map.remove("extension");
                }
            }
            for (key, v) in map.iter_mut() {
                match (key.as_str(), v.as_str()) {
                    ("fullUrl" | "reference", Some(url)) => {
                        let i = urls.iter().position(|u| u == url);
                        *v = Value::from(i.map_or(-1, |i| i as i64));
                    }
                    _ => strip(v, urls, bundle_id),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, urls, bundle_id)),
        _ => {}
    }
}

/// The path of the first place where `a` and `b` differ, with both values.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let (p, q) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                first_difference(p, q, &format!("{path}.{k}"))
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} != {b}")),
    }
}

#[test]
fn a_full_record_round_trips_through_fhir() {
    let original = db("fhir-original");
    full_record(&original);
    let first = export(&original);
    assert_eq!(first["resourceType"], "Bundle");
    let file = temp_file("fhir-bundle.json", &first.to_string());

    let copy = db("fhir-copy");
    let imported = records(&copy, &["--json", "import", "--format", "fhir", &file]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let report = imported.json();
    assert_eq!(report["imported"][0]["code"], "P-1");
    assert_eq!(report["imported"][0]["records"], 11);
    assert_eq!(report["refused"], Value::Array(Vec::new()));

    let second = export(&copy);
    assert_eq!(
        signers(&second),
        ["Jane Roe"],
        "the signer survives the round trip"
    );
    let difference = first_difference(
        &normalised(&first, &first["id"]),
        &normalised(&second, &first["id"]),
        "",
    );
    assert_eq!(difference, None);
    // What differs, and only that: the bundle id, and the import's late-entry reasons.
    assert_ne!(second["id"], first["id"]);
    let bundle_id = first["id"].as_str().expect("id");
    let text = second.to_string();
    assert!(text.contains(&format!(
        "paper chart entered later (imported from FHIR bundle {bundle_id})"
    )));
    assert_eq!(
        text.matches(&format!("imported from FHIR bundle {bundle_id}"))
            .count(),
        6,
        "every session, event and outcome"
    );

    // The history reads as the original's: same sessions, lots, zones, trend.
    let h1 = records(&original, &["--json", "history", "P-1"]).json();
    let h2 = records(&copy, &["--json", "history", "P-1"]).json();
    assert_eq!(h1["sessions"][1]["zones"], h2["sessions"][1]["zones"]);
    assert_eq!(h1["sessions"][1]["topicals"], h2["sessions"][1]["topicals"]);
    assert_eq!(h1["sessions"][1]["warnings"], h2["sessions"][1]["warnings"]);
    assert_eq!(h1["trends"], h2["trends"]);
    assert_eq!(h2["changes"][0]["action"], "amend");

    // A second import of the same bundle: the code is recorded already, nothing is written.
    let again = records(&copy, &["--json", "import", "--format", "fhir", &file]);
    assert_exit(&again, 4, &["1 of 1 patients refused"]);
    assert!(
        again.stdout.contains("already recorded"),
        "{}",
        again.stdout
    );
    assert_eq!(first_difference(&export(&copy), &second, ""), None);
}

#[test]
fn a_patient_a_rule_refuses_is_not_written_at_all() {
    let original = db("fhir-rule");
    full_record(&original);
    let mut bundle = export(&original);
    // The second session's device is not in the catalog: the patient is refused whole.
    for e in bundle["entry"].as_array_mut().expect("entries") {
        if e["resource"]["resourceType"] == "Device" && e["resource"]["lotNumber"] == "CART-8" {
            e["resource"]["deviceName"][0]["name"] = "laser-9000".into();
        }
    }
    let file = temp_file("fhir-rule.json", &bundle.to_string());
    let copy = db("fhir-rule-copy");
    let run = records(&copy, &["--json", "import", "--format", "fhir", &file]);
    assert_exit(&run, 4, &["refused"]);
    let reason = run.json()["refused"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        reason.contains("(session)") && reason.contains("laser-9000"),
        "{reason}"
    );
    let listed = records(&copy, &["--json", "history", "P-1"]);
    assert_ne!(listed.code, 0, "P-1 was not written: {}", listed.stdout);

    // An adverse event naming the screening as its session: refused, naming what is accepted.
    let mut bundle = export(&original);
    let entries = bundle["entry"].as_array_mut().expect("entries");
    let screening = entries
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Observation")
        .map(|e| e["fullUrl"].clone())
        .expect("the screening");
    for e in entries.iter_mut() {
        if e["resource"]["resourceType"] == "AdverseEvent" {
            e["resource"]["suspectEntity"][0]["instance"]["reference"] = screening.clone();
        }
    }
    let file = temp_file("fhir-wrong-kind.json", &bundle.to_string());
    let run = records(&copy, &["--json", "import", "--format", "fhir", &file]);
    assert_exit(&run, 4, &["refused"]);
    let reason = run.json()["refused"][0]["reason"].to_string();
    assert!(
        reason.contains("(adverse_event)") && reason.contains("accepted: a session of P-1"),
        "{reason}"
    );
}

#[test]
fn a_broken_bundle_names_the_entry_and_the_field() {
    let original = db("fhir-broken");
    full_record(&original);
    let mut bundle = export(&original);
    let entries = bundle["entry"].as_array_mut().expect("entries");
    let i = entries
        .iter()
        .position(|e| e["resource"]["resourceType"] == "Procedure")
        .expect("a procedure");
    entries[i]["resource"]["performedDateTime"] = "yesterday".into();
    let file = temp_file("fhir-broken.json", &bundle.to_string());
    let copy = db("fhir-broken-copy");
    let run = records(&copy, &["import", "--format", "fhir", &file]);
    assert_invalid(
        &run,
        &[
            &format!("entry[{i}] (Procedure): performedDateTime"),
            "YYYY-MM-DD",
        ],
    );

    let not_json = temp_file("fhir-not-json.json", "{ nope");
    let run = records(&copy, &["import", "--format", "fhir", &not_json]);
    assert_invalid(&run, &["not JSON", "FHIR R4 Bundle"]);

    let run = records(&copy, &["export", "--format", "fhir", "--audit"]);
    assert_invalid(&run, &["--audit", "Provenance"]);
}

/// Exports `original`, imports the bundle into a new database and exports that: the two bundles
/// normalised, and the second.
fn round_trip(original: &str, name: &str) -> (Value, Value) {
    let first = export(original);
    let file = temp_file(&format!("{name}.json"), &first.to_string());
    let copy = db(name);
    let imported = records(&copy, &["import", "--format", "fhir", &file]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let second = export(&copy);
    (
        normalised(&first, &first["id"]),
        normalised(&second, &first["id"]),
    )
}

#[test]
fn an_override_bound_to_its_screening_and_a_clearance_round_trip() {
    // P-2: contraindicated 20 days ago, a plan overriding that screening, a session under it,
    // then the contraindications cleared and an eligible re-screening today.
    let original = db("fhir-override");
    assert_eq!(add_p2(&original).code, 0);
    assert_eq!(consent(&original, "P-2", "v1", &days_ago(30)).code, 0);
    let contraindicated = example("contraindicated.toml");
    let screened = records(&original, &["--json", "screen", "P-2", &contraindicated]);
    assert_eq!(screened.json()["screening"]["verdict"], "contraindicated");
    backdate_screenings(&original, "P-2", &days_ago(20));
    let plan = records(
        &original,
        &[
            "plan",
            "P-2",
            &contraindicated,
            "--override",
            "scar clinic consultant approved",
            "--overrides-screening",
            "1",
            "--date",
            &days_ago(20),
        ],
    );
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let late = ["--late-entry", "paper chart"];
    let session = p2_session(&original, "dermapen", &days_ago(15), "cheek:1:3", &late);
    assert_eq!(session.code, 0, "{}", session.stderr);
    let rules: Vec<String> = screened.json()["screening"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["tier"] == "contraindicated")
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(!rules.is_empty());
    for rule in &rules {
        let args = [
            "clearance",
            "add",
            "P-2",
            "--rule",
            rule,
            "--reason",
            "resolved on examination",
        ];
        assert_eq!(records(&original, &args).code, 0);
    }
    let eligible = temp_file(
        "fhir-p2-eligible.toml",
        "[patient]\nage = 24\nsex = \"female\"\nfitzpatrick = 3\n[treatment]\nindication = \"acne-scars\"\nzones = [\"cheek\"]\ndate = \"2026-12-01\"\n",
    );
    let rescreened = records(&original, &["--json", "screen", "P-2", &eligible]);
    assert_ne!(rescreened.json()["screening"]["verdict"], "contraindicated");

    let (first, second) = round_trip(&original, "fhir-override-copy");
    assert_eq!(first_difference(&first, &second, ""), None);
    let text = first.to_string();
    assert!(
        text.contains("scar clinic consultant approved"),
        "the override travels"
    );
    assert!(
        text.contains("resolved on examination"),
        "the clearance travels"
    );
}
