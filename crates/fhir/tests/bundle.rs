//! The bundle of a patient with a full series: every resource type, references that resolve
//! inside the bundle, the SNOMED CT codes of the table, stable identifiers, and errors that name
//! the entry and the field.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use microneedling_core::KnowledgeBase;
use microneedling_core::patient::Patient;
use microneedling_core::plan::{PlanOutcome, assess, plan};
use microneedling_fhir::{FhirError, Record, SNOMED, codes, export_store, from_bundle};
use microneedling_store::{
    NewAdverseEvent, NewOutcome, NewPatient, NewPhoto, NewSession, Store, TopicalRecord, ZoneRecord,
};
use serde_json::Value;

fn kb() -> &'static KnowledgeBase {
    KnowledgeBase::embedded().expect("knowledge base")
}

fn days_ago(days: i64) -> NaiveDate {
    Utc::now().date_naive() - Duration::days(days)
}

fn at(days: i64, hour: u32) -> NaiveDateTime {
    days_ago(days).and_hms_opt(hour, 15, 0).expect("time")
}

const LATE: &str = "entered from the paper chart";

/// P-1 with a full series: a screening and a plan 40 days ago, consent, two sessions (cheek,
/// forehead, glabella; a topical each), an adverse event of the second session, three outcome
/// scores (one amended, one voided) and a photo.
fn full_record() -> Store {
    let mut store = Store::open_in_memory("Dr Writer").expect("store");
    store
        .add_patient(&NewPatient {
            code: "P-1".into(),
            birth_year: 1990,
            sex: "female".into(),
            fitzpatrick: 3,
        })
        .expect("patient");
    let on = days_ago(40);
    let text = format!(
        "[patient]\nage = {}\nsex = \"female\"\nfitzpatrick = 3\n[history]\n[treatment]\nindication = \"acne-scars\"\ndevice = \"dermapen\"\ndate = \"{on}\"\n",
        on.year() - 1990
    );
    let file = Patient::from_toml("test", &text, kb(), on).expect("patient file");
    let screening = assess(kb(), &file, None, &kb().isotretinoin_policy)
        .expect("assess")
        .screening;
    store
        .record_screening_on("P-1", &file, &screening, on, LATE)
        .expect("screening");
    store
        .record_consent("P-1", "v1", "I consent to microneedling.", on)
        .expect("consent");
    let PlanOutcome::Planned(p) = plan(kb(), &file, None, &kb().isotretinoin_policy).expect("plan")
    else {
        panic!("the acne-scars file is planned");
    };
    store.record_plan("P-1", &file, &p, on, None).expect("plan");
    let session = |when, lot: &str, zones: Vec<ZoneRecord>| NewSession {
        code: "P-1".into(),
        performed_at: when,
        device: "dermapen".into(),
        device_serial: "DP-1".into(),
        cartridge_lot: lot.into(),
        zones,
        topicals: vec![TopicalRecord {
            agent: "hyaluronic-acid".into(),
            lot: format!("HA-{lot}"),
        }],
        endpoint: "erythema".into(),
        operator: "Dr A".into(),
        late_entry: Some(LATE.into()),
        depth_reason: None,
        same_day_reason: None,
    };
    let zone = |site: &str, depth_mm, passes| ZoneRecord {
        site: site.into(),
        depth_mm,
        passes,
    };
    store
        .add_session(kb(), &session(at(35, 9), "C1", vec![zone("cheek", 1.0, 3)]))
        .expect("session 1");
    let second = store
        .add_session(
            kb(),
            &session(
                at(5, 14),
                "C2",
                vec![zone("forehead", 0.5, 2), zone("glabella", 0.5, 2)],
            ),
        )
        .expect("session 2");
    store
        .add_adverse_event(
            kb(),
            &NewAdverseEvent {
                code: "P-1".into(),
                session_id: Some(second.id),
                effect: "bruising".into(),
                severity: "mild".into(),
                onset: days_ago(5),
                resolved: Some(days_ago(2)),
                action: "cold compress".into(),
                late_entry: Some(LATE.into()),
            },
        )
        .expect("adverse event");
    let mut outcome = |score, days| {
        store
            .add_outcome(&NewOutcome {
                code: "P-1".into(),
                assessed_at: days_ago(days),
                scale: "goodman-baron-qualitative".into(),
                score,
                assessor: "Dr B".into(),
                late_entry: Some(LATE.into()),
            })
            .expect("outcome")
    };
    let first = outcome(3.0, 34);
    // Today: the store's amend carries no late-entry reason, so an older record cannot be amended.
    let typo = outcome(2.5, 0);
    let _ = outcome(9.0, 3);
    let mut change = serde_json::Map::new();
    change.insert("score".into(), Value::from(2.0));
    store
        .amend(kb(), "outcome", typo, &change, "typed 2.5 for 2")
        .expect("amended");
    store
        .void("outcome", first + 2, "wrong patient")
        .expect("voided");
    store
        .add_photo(&NewPhoto {
            code: "P-1".into(),
            taken_at: days_ago(35),
            view: "front".into(),
            file_sha256: "ab".repeat(32),
            photo_consent: true,
            zone: None,
        })
        .expect("photo");
    store
}

fn resources(bundle: &Value) -> Vec<&Value> {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .collect()
}

fn of_type<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    resources(bundle)
        .into_iter()
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

#[test]
fn a_full_series_has_every_resource_type_and_says_it_is_decision_support() {
    let bundle = export_store(&full_record()).expect("bundle");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let types: BTreeSet<&str> = resources(&bundle)
        .iter()
        .filter_map(|r| r["resourceType"].as_str())
        .collect();
    let expected = [
        "AdverseEvent",
        "CarePlan",
        "Consent",
        "Device",
        "DocumentReference",
        "Medication",
        "MedicationAdministration",
        "Observation",
        "Patient",
        "Procedure",
        "Provenance",
    ];
    assert_eq!(types, expected.into_iter().collect());
    // Two sessions, two devices (two cartridge lots), two topical lots; one screening and four
    // outcome scores (one superseded, one void: entered in error).
    assert_eq!(of_type(&bundle, "Procedure").len(), 2);
    assert_eq!(of_type(&bundle, "Device").len(), 2);
    assert_eq!(of_type(&bundle, "Medication").len(), 2);
    let observations = of_type(&bundle, "Observation");
    assert_eq!(observations.len(), 5);
    let in_error = observations
        .iter()
        .filter(|o| o["status"] == "entered-in-error")
        .count();
    assert_eq!(in_error, 2);
    // A Provenance per record: patient, screening, consent, plan, 2 sessions, 1 adverse event,
    // 4 outcomes, 1 photo.
    assert_eq!(of_type(&bundle, "Provenance").len(), 12);
    let tag = &bundle["meta"]["tag"][0];
    assert_eq!(tag["code"], "decision-support");
    assert!(
        tag["display"]
            .as_str()
            .unwrap_or_default()
            .contains("decision-support software")
    );
    let patient = of_type(&bundle, "Patient")[0];
    assert_eq!(patient["birthDate"], "1990");
    assert!(patient.get("name").is_none(), "pseudonymous: no name");
    let procedure = of_type(&bundle, "Procedure")[1];
    assert_eq!(procedure["performer"][0]["actor"]["display"], "Dr A");
    let zone = &procedure["extension"][0]["extension"];
    assert_eq!(zone[1]["valueDecimal"], 0.5);
    assert_eq!(zone[2]["valueInteger"], 2);
    let device = of_type(&bundle, "Device")[1];
    assert_eq!(device["lotNumber"], "C2");
    assert_eq!(device["serialNumber"], "DP-1");
    assert_eq!(
        of_type(&bundle, "Medication")[1]["batch"]["lotNumber"],
        "HA-C2"
    );
    let provenance = of_type(&bundle, "Provenance")[0];
    assert_eq!(provenance["agent"][0]["who"]["display"], "Dr Writer");
}

#[test]
fn every_reference_resolves_inside_the_bundle_and_ids_match_full_urls() {
    let bundle = export_store(&full_record()).expect("bundle");
    let urls: Vec<&str> = bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["fullUrl"].as_str().expect("fullUrl"))
        .collect();
    let unique: BTreeSet<&str> = urls.iter().copied().collect();
    assert_eq!(unique.len(), urls.len(), "full URLs are unique");
    for e in bundle["entry"].as_array().expect("entries") {
        let url = e["fullUrl"].as_str().expect("fullUrl");
        assert_eq!(
            format!("urn:uuid:{}", e["resource"]["id"].as_str().expect("id")),
            url
        );
    }
    let mut references = Vec::new();
    collect_references(&bundle, &mut references);
    assert!(references.len() > 30, "{}", references.len());
    for r in references {
        assert!(unique.contains(r.as_str()), "{r} is not an entry");
    }
    // The adverse event names the second session, which names its plan and its device.
    let event = of_type(&bundle, "AdverseEvent")[0];
    let session = event["suspectEntity"][0]["instance"]["reference"]
        .as_str()
        .expect("ref");
    let procedure = bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["fullUrl"] == session)
        .expect("the session");
    assert_eq!(
        procedure["resource"]["performedDateTime"],
        days_ago(5).to_string()
    );
    assert_eq!(
        procedure["resource"]["extension"][2]["valueTime"],
        "14:15:00"
    );
}

fn collect_references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "reference" {
                    out.push(v.as_str().unwrap_or_default().to_string());
                }
                collect_references(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, out)),
        _ => {}
    }
}

#[test]
fn snomed_codes_are_those_of_the_table_and_uncited_concepts_are_text() {
    let bundle = export_store(&full_record()).expect("bundle");
    let mut codings = Vec::new();
    collect_snomed(&bundle, &mut codings);
    let table = codes::table();
    let cited: BTreeSet<(String, String)> = table
        .body_site
        .iter()
        .chain(&table.adverse_effect)
        .map(|c| (c.code.clone(), c.display.clone()))
        .collect();
    assert_eq!(codings.len(), 3, "cheek, forehead, bruising: {codings:?}");
    for c in &codings {
        assert!(cited.contains(c), "{c:?} is not in data/snomed.toml");
    }
    let sites: Vec<&Value> = of_type(&bundle, "Procedure")
        .iter()
        .flat_map(|p| p["bodySite"].as_array().expect("sites"))
        .collect();
    assert_eq!(sites[0]["coding"][0]["code"], "36141000"); // cheek
    assert_eq!(sites[1]["coding"][0]["code"], "68698007"); // forehead
    assert_eq!(sites[2]["text"], "glabella");
    assert!(
        sites[2].get("coding").is_none(),
        "no cited code for the glabella"
    );
    let event = &of_type(&bundle, "AdverseEvent")[0]["event"];
    assert_eq!(event["coding"][0]["code"], "125667009");
    assert_eq!(event["text"], "bruising");
    let procedure_code = &of_type(&bundle, "Procedure")[0]["code"];
    assert!(
        procedure_code.get("coding").is_none(),
        "microneedling: text only"
    );
}

fn collect_snomed(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if map.get("system").and_then(Value::as_str) == Some(SNOMED) {
                out.push((
                    map["code"].as_str().unwrap_or_default().into(),
                    map["display"].as_str().unwrap_or_default().into(),
                ));
            }
            map.values().for_each(|v| collect_snomed(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_snomed(v, out)),
        _ => {}
    }
}

#[test]
fn the_same_records_give_the_same_bundle() {
    let store = full_record();
    let a = export_store(&store).expect("bundle");
    let b = export_store(&store).expect("bundle");
    assert_eq!(a, b);
    assert_eq!(a["id"].as_str().map(str::len), Some(36));
}

#[test]
fn a_bundle_reads_back_in_the_order_to_write_it() {
    let bundle = export_store(&full_record()).expect("bundle");
    let patients = from_bundle(&bundle).expect("read back");
    assert_eq!(patients.len(), 1);
    let p = &patients[0];
    assert_eq!(
        (
            p.patient.code.as_str(),
            p.patient.birth_year,
            p.patient.fitzpatrick
        ),
        ("P-1", 1990, 3)
    );
    let kinds: Vec<&str> = p.records.iter().map(|r| r.record.kind()).collect();
    assert_eq!(
        kinds,
        [
            "screening",
            "consent",
            "plan",
            "session",
            "photo",
            "outcome",
            "session",
            "adverse_event",
            "outcome",
            "outcome",
            "outcome"
        ]
    );
    let Record::Session(s) = &p.records[6].record else {
        panic!("a session");
    };
    assert_eq!(s.performed_at, at(5, 14));
    assert_eq!(
        (
            s.device.as_str(),
            s.device_serial.as_str(),
            s.cartridge_lot.as_str()
        ),
        ("dermapen", "DP-1", "C2")
    );
    assert_eq!(
        s.zones[1],
        ZoneRecord {
            site: "glabella".into(),
            depth_mm: 0.5,
            passes: 2
        }
    );
    assert_eq!(s.topicals[0].lot, "HA-C2");
    let Record::AdverseEvent { session, event } = &p.records[7].record else {
        panic!("an adverse event");
    };
    assert_eq!(session.as_deref(), Some(p.records[6].full_url.as_str()));
    assert_eq!(event.resolved, Some(days_ago(2)));
    let changed: Vec<bool> = p.records.iter().map(|r| r.change.is_some()).collect();
    assert_eq!(changed.iter().filter(|c| **c).count(), 2);
}

/// The index of the first entry of `kind`.
fn index_of(bundle: &Value, kind: &str) -> usize {
    resources(bundle)
        .iter()
        .position(|r| r["resourceType"] == kind)
        .expect("present")
}

#[test]
fn errors_name_the_entry_its_type_and_the_field() {
    let bundle = export_store(&full_record()).expect("bundle");
    let i = index_of(&bundle, "Procedure");
    let mut broken = bundle.clone();
    broken["entry"][i]["resource"]
        .as_object_mut()
        .expect("object")
        .remove("performedDateTime");
    let e: FhirError = from_bundle(&broken).expect_err("refused");
    assert_eq!(
        (e.resource.as_str(), e.index, e.field.as_str()),
        ("Procedure", i, "performedDateTime")
    );
    assert!(
        e.to_string()
            .contains(&format!("entry[{i}] (Procedure): performedDateTime")),
        "{e}"
    );

    let mut dangling = bundle.clone();
    let j = index_of(&bundle, "AdverseEvent");
    dangling["entry"][j]["resource"]["subject"]["reference"] = "urn:uuid:nowhere".into();
    let e = from_bundle(&dangling).expect_err("refused");
    assert_eq!(
        (e.resource.as_str(), e.index, e.field.as_str()),
        ("AdverseEvent", j, "subject.reference")
    );

    let mut bad_zone = bundle.clone();
    bad_zone["entry"][i]["resource"]["extension"][0]["extension"][2]["valueInteger"] = 0.into();
    let e = from_bundle(&bad_zone).expect_err("refused");
    assert_eq!(e.field, "extension[0].extension[2].valueInteger", "{e}");
    assert!(e.message.contains("1 to 100"), "{e}");

    let mut not_collection = bundle.clone();
    not_collection["type"] = "transaction".into();
    let e = from_bundle(&not_collection).expect_err("refused");
    assert_eq!((e.resource.as_str(), e.field.as_str()), ("Bundle", "type"));
}
