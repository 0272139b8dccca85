//! Records → Bundle. One pass per patient, in the history's order; shared resources (a device
//! with its serial and cartridge lot, a topical with its lot) once per bundle, where first used.

use std::collections::BTreeSet;

use microneedling_store::{AuditEntry, History, SessionRecord, Store, StoreError};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::BASE_URL;
use crate::ids::{id_of, record_url, uuid};
use crate::model::*;

mod resources;

use resources::*;

/// The procedure's text: no SNOMED CT code for microneedling is cited (docs/fhir.md).
pub const PROCEDURE_TEXT: &str = "Microneedling (percutaneous collagen induction)";
/// The category system of this project's record kinds (screening, outcome score).
pub(crate) fn record_kind_system() -> String {
    format!("{BASE_URL}/record-kind")
}
/// The tag every bundle carries.
pub const DECISION_SUPPORT: &str = "Record export of decision-support software (microneedling): the records as entered, no prescription";

/// One patient's records as the export reads them: the history, and each screening's patient
/// file as recorded (`Store::screening_inputs`).
#[derive(Debug, Clone)]
pub struct PatientExport {
    pub history: History,
    pub screening_inputs: Vec<(i64, Value)>,
}

/// The bundle of every patient of `store` (the caller audits the read).
pub fn export_store(store: &Store) -> Result<Value, StoreError> {
    let mut patients = Vec::new();
    for code in store.patient_codes()? {
        patients.push(PatientExport {
            history: store.history(&code)?,
            screening_inputs: store.screening_inputs(&code)?,
        });
    }
    Ok(to_bundle(&patients, &store.audit_entries()?))
}

/// The bundle of `patients`, with a Provenance per record from the audit log's `create` rows.
pub fn to_bundle(patients: &[PatientExport], audit: &[AuditEntry]) -> Value {
    let mut out = Writer {
        entries: Vec::new(),
        shared: BTreeSet::new(),
        audit,
    };
    for p in patients {
        out.patient(p);
    }
    let digest = Sha256::digest(serde_json::to_vec(&out.entries).unwrap_or_default());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let bundle = Bundle {
        resource_type: "Bundle".into(),
        id: uuid(&format!("microneedling/bundle/{hex}")),
        meta: Meta {
            // A FHIR Bundle takes no fields of ours at its top: the engine's version travels
            // as a tag (each screening carries its knowledge-base version).
            tag: vec![
                Coding {
                    system: Some(format!("{BASE_URL}/tag")),
                    code: Some("decision-support".into()),
                    display: Some(DECISION_SUPPORT.into()),
                },
                Coding {
                    system: Some(format!("{BASE_URL}/engine-version")),
                    code: Some(env!("CARGO_PKG_VERSION").into()),
                    display: Some(format!("microneedling {}", env!("CARGO_PKG_VERSION"))),
                },
            ],
        },
        kind: "collection".into(),
        entry: out.entries,
    };
    serde_json::to_value(bundle).unwrap_or(Value::Null)
}

struct Writer<'a> {
    entries: Vec<Entry>,
    shared: BTreeSet<String>,
    audit: &'a [AuditEntry],
}

impl Writer<'_> {
    fn push<T: Serialize>(&mut self, full_url: &str, resource: &T) {
        self.entries.push(Entry {
            full_url: full_url.into(),
            resource: serde_json::to_value(resource).unwrap_or(Value::Null),
        });
    }

    /// The `record-change` extension of a superseded or void record (`kind` its table).
    fn change(&self, h: &History, kind: &str, id: i64, code: &str) -> Option<Extension> {
        let c = h
            .changes
            .iter()
            .find(|c| c.kind == kind && c.record_id == id)?;
        let mut parts = vec![
            string("action", &c.action),
            string("reason", &c.reason),
            Extension {
                value_date_time: Some(c.at.clone()),
                ..ext("at")
            },
            string("actor", &c.actor),
        ];
        if let Some(new) = c.replaced_by {
            parts.push(Extension {
                value_reference: Some(Reference::to(&record_url(kind, code, new))),
                ..ext("replaced-by")
            });
        }
        Some(complex("record-change", parts))
    }

    fn patient(&mut self, p: &PatientExport) {
        let h = &p.history;
        let code = h.patient.code.as_str();
        let patient_url = record_url("patient", code, h.patient.id);
        let subject = Reference::to(&patient_url);
        self.push(
            &patient_url,
            &Patient {
                resource_type: "Patient".into(),
                id: id_of(&patient_url),
                extension: vec![Extension {
                    value_integer: Some(i64::from(h.patient.fitzpatrick)),
                    ..ext("fitzpatrick")
                }],
                identifier: vec![Identifier {
                    system: format!("{BASE_URL}/patient-code"),
                    value: code.into(),
                }],
                gender: h.patient.sex.clone(),
                birth_date: format!("{:04}", h.patient.birth_year),
            },
        );
        let mut provenance = vec![("patient", h.patient.id, patient_url.clone())];
        for s in &h.screenings {
            let url = record_url("screening", code, s.id);
            let inputs = p
                .screening_inputs
                .iter()
                .find(|(id, _)| *id == s.id)
                .map_or(Value::Null, |(_, v)| v.clone());
            self.push(&url, &screening(h, s, &subject, &inputs));
            provenance.push(("screening", s.id, url));
        }
        for c in &h.consents {
            let url = record_url("consent", code, c.id);
            self.push(&url, &consent(c, &url, &subject));
            provenance.push(("consent", c.id, url));
        }
        for pl in &h.plans {
            let url = record_url("plan", code, pl.id);
            self.push(&url, &care_plan(pl, code, &subject));
            provenance.push(("plan", pl.id, url));
        }
        for s in &h.sessions {
            let url = record_url("session", code, s.id);
            self.session(h, s, code, &url, &subject);
            provenance.push(("session", s.id, url));
        }
        for e in &h.adverse_events {
            let url = record_url("adverse_event", code, e.id);
            let change = self.change(h, "adverse_event", e.id, code);
            self.push(&url, &adverse_event(e, code, &subject, change));
            provenance.push(("adverse_event", e.id, url));
        }
        for o in &h.outcomes {
            let url = record_url("outcome", code, o.id);
            let change = self.change(h, "outcome", o.id, code);
            self.push(&url, &outcome(o, &url, &subject, change));
            provenance.push(("outcome", o.id, url));
        }
        for ph in &h.photos {
            let url = record_url("photo", code, ph.id);
            self.push(&url, &photo(ph, &url, &subject));
            provenance.push(("photo", ph.id, url));
        }
        for (kind, id, target) in provenance {
            self.provenance(kind, id, code, &target);
        }
    }

    fn session(
        &mut self,
        h: &History,
        s: &SessionRecord,
        code: &str,
        url: &str,
        subject: &Reference,
    ) {
        let device_url = format!(
            "urn:uuid:{}",
            uuid(&format!(
                "microneedling/device/{}/{}/{}",
                s.device, s.device_serial, s.cartridge_lot
            ))
        );
        if self.shared.insert(device_url.clone()) {
            self.push(
                &device_url,
                &Device {
                    resource_type: "Device".into(),
                    id: id_of(&device_url),
                    status: "active".into(),
                    device_name: vec![DeviceName {
                        name: s.device.clone(),
                        kind: "model-name".into(),
                    }],
                    serial_number: s.device_serial.clone(),
                    lot_number: s.cartridge_lot.clone(),
                    kind: CodeableConcept::text(
                        "Microneedling device (needle cartridge lot as the lot number)",
                    ),
                },
            );
        }
        let change = self.change(h, "session", s.id, code);
        let (date, time) = s
            .performed_at
            .split_once('T')
            .unwrap_or((&s.performed_at, ""));
        let mut extension: Vec<Extension> = s
            .zones
            .iter()
            .map(|z| {
                complex(
                    "zone",
                    vec![
                        string("site", &z.site),
                        Extension {
                            value_decimal: Some(z.depth_mm),
                            ..ext("depth-mm")
                        },
                        Extension {
                            value_integer: Some(i64::from(z.passes)),
                            ..ext("passes")
                        },
                    ],
                )
            })
            .collect();
        if !time.is_empty() {
            extension.push(Extension {
                value_time: Some(time.into()),
                ..ext("local-time")
            });
        }
        extension.push(string("endpoint", &s.endpoint));
        late(&mut extension, "late-entry", s.late_entry.as_deref());
        late(&mut extension, "depth-reason", s.depth_reason.as_deref());
        late(
            &mut extension,
            "same-day-reason",
            s.same_day_reason.as_deref(),
        );
        for w in &s.warnings {
            extension.push(string("warning", w));
        }
        extension.extend(change.clone());
        let state = status(change.as_ref(), "completed");
        self.push(
            url,
            &Procedure {
                resource_type: "Procedure".into(),
                id: id_of(url),
                extension,
                based_on: s
                    .plan_id
                    .map(|id| Reference::to(&record_url("plan", code, id)))
                    .into_iter()
                    .collect(),
                status: state.into(),
                code: CodeableConcept::text(PROCEDURE_TEXT),
                subject: subject.clone(),
                performed_date_time: date.into(),
                performer: vec![Performer {
                    actor: Reference::named(&s.operator),
                }],
                body_site: s.zones.iter().map(|z| site(&z.site)).collect(),
                focal_device: vec![FocalDevice {
                    manipulated: Reference::to(&device_url),
                }],
            },
        );
        for (i, t) in s.topicals.iter().enumerate() {
            let medication_url = format!(
                "urn:uuid:{}",
                uuid(&format!("microneedling/medication/{}/{}", t.agent, t.lot))
            );
            if self.shared.insert(medication_url.clone()) {
                self.push(
                    &medication_url,
                    &Medication {
                        resource_type: "Medication".into(),
                        id: id_of(&medication_url),
                        code: CodeableConcept::text(&t.agent),
                        batch: Batch {
                            lot_number: t.lot.clone(),
                        },
                    },
                );
            }
            let given_url = format!(
                "urn:uuid:{}",
                uuid(&format!("microneedling/topical/{code}/{}/{i}", s.id))
            );
            self.push(
                &given_url,
                &MedicationAdministration {
                    resource_type: "MedicationAdministration".into(),
                    id: id_of(&given_url),
                    part_of: vec![Reference::to(url)],
                    status: state.into(),
                    medication_reference: Reference::to(&medication_url),
                    subject: subject.clone(),
                    effective_date_time: date.into(),
                },
            );
        }
    }

    /// Who recorded `kind` `id` and when: the audit log's create row (none: no Provenance).
    fn provenance(&mut self, kind: &str, id: i64, code: &str, target: &str) {
        let Some(row) = self
            .audit
            .iter()
            .find(|a| a.action == "create" && a.entity == kind && a.entity_id == Some(id))
        else {
            return;
        };
        let url = format!(
            "urn:uuid:{}",
            uuid(&format!("microneedling/provenance/{kind}/{code}/{id}"))
        );
        let provenance = Provenance {
            resource_type: "Provenance".into(),
            id: id_of(&url),
            target: vec![Reference::to(target)],
            recorded: row.at.clone(),
            activity: CodeableConcept::coded(
                "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                "CREATE",
                "create",
                "recorded",
            ),
            agent: vec![ProvenanceAgent {
                kind: CodeableConcept::coded(
                    "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                    "author",
                    "Author",
                    "the writer the audit log names",
                ),
                who: Reference::named(&row.actor),
            }],
        };
        self.push(&url, &provenance);
    }
}
