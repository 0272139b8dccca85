//! One resource per record kind, and the extension helpers they share.

use microneedling_store::History;
use serde_json::Value;

use super::record_kind_system;
use crate::codes;
use crate::ids::{id_of, record_url};
use crate::model::*;
use crate::{BASE_URL, SNOMED, extension_url, patient_file};

pub(super) fn ext(name: &str) -> Extension {
    Extension {
        url: extension_url(name),
        ..Extension::default()
    }
}

pub(super) fn string(name: &str, value: &str) -> Extension {
    Extension {
        value_string: Some(value.into()),
        ..ext(name)
    }
}

pub(super) fn complex(name: &str, parts: Vec<Extension>) -> Extension {
    Extension {
        extension: parts,
        ..ext(name)
    }
}

pub(super) fn late(extension: &mut Vec<Extension>, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        extension.push(string(name, v));
    }
}

/// The status of a session, topical or outcome: superseded or void records are in error.
pub(super) fn status<'a>(change: Option<&Extension>, current: &'a str) -> &'a str {
    if change.is_some() {
        "entered-in-error"
    } else {
        current
    }
}

/// A body site: SNOMED CT where cited, the knowledge base's site id as text always.
pub(super) fn site(id: &str) -> CodeableConcept {
    match codes::body_site(id) {
        Some(c) => CodeableConcept::coded(SNOMED, &c.code, &c.display, id),
        None => CodeableConcept::text(id),
    }
}

pub(super) fn kind_category(code: &str) -> CodeableConcept {
    CodeableConcept::coded(&record_kind_system(), code, code, code)
}

pub(super) fn screening(
    h: &History,
    s: &microneedling_store::ScreeningRecord,
    subject: &Reference,
    inputs: &Value,
) -> Observation {
    let code = &h.patient.code;
    let url = record_url("screening", code, s.id);
    let mut extension = vec![
        string(
            "patient-file",
            &patient_file::from_recorded(inputs).to_string(),
        ),
        string("findings", &s.findings.to_string()),
        string("knowledge-base-version", &s.knowledge_base_version),
    ];
    for c in h.clearances.iter().filter(|c| c.after_screening_id == s.id) {
        extension.push(complex(
            "clearance",
            vec![
                string("rule", &c.rule),
                string("reason", &c.reason),
                string("cleared-by", &c.cleared_by),
                Extension {
                    value_date_time: Some(c.cleared_at.clone()),
                    ..ext("cleared-at")
                },
            ],
        ));
    }
    let text = |f: &Value, key: &str| f[key].as_str().unwrap_or_default().to_string();
    Observation {
        resource_type: "Observation".into(),
        id: id_of(&url),
        extension,
        status: "final".into(),
        category: vec![kind_category("screening")],
        code: CodeableConcept::text("Microneedling pre-treatment screening (verdict and findings)"),
        subject: subject.clone(),
        effective_date_time: s.screened_at.clone(),
        value_string: Some(s.verdict.clone()),
        value_quantity: None,
        performer: Vec::new(),
        component: s
            .findings
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| Component {
                code: CodeableConcept::text(&text(f, "rule")),
                value_string: text(f, "message"),
                interpretation: vec![CodeableConcept::text(&text(f, "tier"))],
            })
            .collect(),
    }
}

pub(super) fn consent(
    c: &microneedling_store::ConsentRecord,
    url: &str,
    subject: &Reference,
) -> Consent {
    Consent {
        resource_type: "Consent".into(),
        id: id_of(url),
        extension: [
            Some(string("consent-form-version", &c.version)),
            Some(string("consent-text-sha256", &c.text_sha256)),
            c.signer.as_deref().map(|s| string("consent-signer", s)),
            c.signature_sha256
                .as_deref()
                .map(|h| string("consent-signature-sha256", h)),
        ]
        .into_iter()
        .flatten()
        .collect(),
        status: "active".into(),
        scope: CodeableConcept::coded(
            "http://terminology.hl7.org/CodeSystem/consentscope",
            "treatment",
            "Treatment",
            "treatment",
        ),
        category: vec![CodeableConcept::text("Microneedling treatment consent")],
        patient: subject.clone(),
        date_time: c.signed_at.clone(),
        source_attachment: Attachment {
            content_type: None,
            title: Some(format!("Consent form, version {}", c.version)),
        },
        policy_rule: CodeableConcept::text(&format!(
            "Microneedling consent form, version {}",
            c.version
        )),
    }
}

pub(super) fn care_plan(
    pl: &microneedling_store::PlanRecord,
    code: &str,
    subject: &Reference,
) -> CarePlan {
    let url = record_url("plan", code, pl.id);
    let integer = |name: &str, v: u32| Extension {
        value_integer: Some(i64::from(v)),
        ..ext(name)
    };
    let mut extension = vec![complex(
        "plan",
        vec![
            string("indication", &pl.indication),
            string("device", &pl.device),
            integer("sessions", pl.sessions),
            integer("interval-weeks", pl.interval_weeks),
            string("verdict", &pl.verdict),
        ],
    )];
    if let Some(reason) = &pl.override_reason {
        let mut parts = vec![string("reason", reason)];
        if let Some(id) = pl.overrides_screening_id {
            parts.push(Extension {
                value_reference: Some(Reference::to(&record_url("screening", code, id))),
                ..ext("screening")
            });
        }
        parts.extend(pl.override_rules.iter().map(|r| string("rule", r)));
        if let Some(c) = &pl.override_clinician {
            parts.push(string("clinician", c));
        }
        extension.push(complex("override", parts));
    }
    CarePlan {
        resource_type: "CarePlan".into(),
        id: id_of(&url),
        extension,
        status: "unknown".into(),
        intent: "plan".into(),
        description: format!(
            "{} with {}: {} sessions every {} weeks (screening {})",
            pl.indication, pl.device, pl.sessions, pl.interval_weeks, pl.verdict
        ),
        subject: subject.clone(),
        created: pl.created_at.clone(),
    }
}

pub(super) fn adverse_event(
    e: &microneedling_store::AdverseEventRecord,
    code: &str,
    subject: &Reference,
    change: Option<Extension>,
) -> AdverseEvent {
    let url = record_url("adverse_event", code, e.id);
    let mut extension = Vec::new();
    if let Some(r) = &e.resolved {
        extension.push(Extension {
            value_date: Some(r.clone()),
            ..ext("resolved")
        });
    }
    extension.push(string("action-taken", &e.action));
    late(&mut extension, "late-entry", e.late_entry.as_deref());
    extension.extend(change);
    let capital = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    let outcome = if e.resolved.is_some() {
        "resolved"
    } else {
        "ongoing"
    };
    AdverseEvent {
        resource_type: "AdverseEvent".into(),
        id: id_of(&url),
        extension,
        actuality: "actual".into(),
        event: match codes::adverse_effect(&e.effect) {
            Some(c) => CodeableConcept::coded(SNOMED, &c.code, &c.display, &e.effect),
            None => CodeableConcept::text(&e.effect),
        },
        subject: subject.clone(),
        date: e.onset.clone(),
        severity: CodeableConcept::coded(
            "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
            &e.severity,
            &capital(&e.severity),
            &e.severity,
        ),
        outcome: CodeableConcept::coded(
            "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
            outcome,
            &capital(outcome),
            outcome,
        ),
        suspect_entity: e
            .session_id
            .map(|id| SuspectEntity {
                instance: Reference::to(&record_url("session", code, id)),
            })
            .into_iter()
            .collect(),
    }
}

pub(super) fn outcome(
    o: &microneedling_store::OutcomeRecord,
    url: &str,
    subject: &Reference,
    change: Option<Extension>,
) -> Observation {
    let mut extension = Vec::new();
    late(&mut extension, "late-entry", o.late_entry.as_deref());
    extension.extend(change.clone());
    Observation {
        resource_type: "Observation".into(),
        id: id_of(url),
        extension,
        status: status(change.as_ref(), "final").into(),
        category: vec![kind_category("outcome-score")],
        code: CodeableConcept::text(&o.scale),
        subject: subject.clone(),
        effective_date_time: o.assessed_at.clone(),
        value_string: None,
        value_quantity: Some(Quantity {
            value: o.score,
            unit: Some(format!("score on {}", o.scale)),
            system: None,
            code: None,
        }),
        performer: vec![Reference::named(&o.assessor)],
        component: Vec::new(),
    }
}

pub(super) fn photo(
    ph: &microneedling_store::PhotoRecord,
    url: &str,
    subject: &Reference,
) -> DocumentReference {
    DocumentReference {
        resource_type: "DocumentReference".into(),
        id: id_of(url),
        extension: vec![Extension {
            value_boolean: Some(ph.photo_consent),
            ..ext("photo-consent")
        }],
        identifier: vec![Identifier {
            system: format!("{BASE_URL}/sha256"),
            value: ph.file_sha256.clone(),
        }],
        status: "current".into(),
        kind: CodeableConcept::text("Clinical photograph"),
        subject: subject.clone(),
        content: vec![DocumentContent {
            attachment: Attachment {
                content_type: None,
                title: Some(ph.view.clone()),
            },
        }],
        context: DocumentContext {
            period: Period {
                start: Some(ph.taken_at.clone()),
            },
        },
    }
}
