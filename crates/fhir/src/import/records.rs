//! Each resource type read back into a [`Record`]; the session from its Procedure, Device and
//! MedicationAdministrations.

use chrono::NaiveDateTime;
use microneedling_core::provenance::Edition;
use microneedling_core::screening::{Finding, Screening, Verdict};
use microneedling_store::{
    NewAdverseEvent, NewOutcome, NewPatient, NewPhoto, NewSession, TopicalRecord, ZoneRecord,
};
use serde_json::Value;

use super::Record;
use super::fields::{At, Extensions};
use crate::model::*;
use crate::{BASE_URL, FhirError, extension_url};

/// The entry of `full_url`, with its index.
fn entry<'a>(entries: &'a [Entry], full_url: &str) -> Option<(usize, &'a Entry)> {
    entries
        .iter()
        .enumerate()
        .find(|(_, e)| e.full_url == full_url)
}

/// A session: its zones, time, device (from its Device) and topicals (from the
/// MedicationAdministrations part of it and their Medications).
pub(super) fn procedure(
    entries: &[Entry],
    at: At<'_>,
    full_url: &str,
    p: &Procedure,
) -> Result<Record, FhirError> {
    let ext = Extensions::new(at, &p.extension);
    let mut zones = Vec::new();
    for (path, z) in ext.all("zone") {
        let parts = ext.nested(path.clone(), z);
        let depth = parts.one("depth-mm").and_then(|(_, e)| e.value_decimal);
        let Some(depth_mm) = depth.filter(|d| d.is_finite()) else {
            return Err(at.err(
                &format!(
                    "{path}.extension[url={}].valueDecimal",
                    extension_url("depth-mm")
                ),
                "missing: accepted: a depth in mm",
            ));
        };
        zones.push(ZoneRecord {
            site: parts.need_string("site")?,
            depth_mm,
            passes: parts.integer("passes", 1, 100)? as u32,
        });
    }
    let date = at.date("performedDateTime", &p.performed_date_time)?;
    let time = match ext
        .one("local-time")
        .and_then(|(_, e)| e.value_time.clone())
    {
        Some(t) => chrono::NaiveTime::parse_from_str(&t, "%H:%M:%S").map_err(|_| {
            at.err(
                "extension[url=local-time].valueTime",
                format!("{t:?}: accepted: HH:MM:SS"),
            )
        })?,
        None => chrono::NaiveTime::MIN,
    };
    let device_url = p
        .focal_device
        .first()
        .and_then(|d| d.manipulated.reference.clone())
        .ok_or_else(|| {
            at.err(
                "focalDevice[0].manipulated.reference",
                "missing: accepted: a reference to a Device entry",
            )
        })?;
    let device = match entry(entries, &device_url) {
        Some((i, e)) if e.resource["resourceType"] == "Device" => At {
            resource: "Device",
            index: i,
        }
        .typed::<Device>(&e.resource)?,
        _ => {
            return Err(at.err(
                "focalDevice[0].manipulated.reference",
                format!("{device_url:?}: accepted: a Device entry"),
            ));
        }
    };
    let device_at = At {
        resource: "Device",
        index: entry(entries, &device_url).map_or(0, |(i, _)| i),
    };
    let device_id = device
        .device_name
        .first()
        .map(|n| n.name.clone())
        .ok_or_else(|| device_at.err("deviceName[0].name", "missing: accepted: the device's id"))?;
    let mut topicals = Vec::new();
    for (index, e) in entries.iter().enumerate() {
        if e.resource["resourceType"] != "MedicationAdministration" {
            continue;
        }
        let m_at = At {
            resource: "MedicationAdministration",
            index,
        };
        let given: MedicationAdministration = m_at.typed(&e.resource)?;
        if !given
            .part_of
            .iter()
            .any(|r| r.reference.as_deref() == Some(full_url))
        {
            continue;
        }
        let url = given
            .medication_reference
            .reference
            .clone()
            .unwrap_or_default();
        let medication = match entry(entries, &url) {
            Some((i, e)) if e.resource["resourceType"] == "Medication" => At {
                resource: "Medication",
                index: i,
            }
            .typed::<Medication>(&e.resource)?,
            _ => {
                return Err(m_at.err(
                    "medicationReference.reference",
                    format!("{url:?}: accepted: a Medication entry"),
                ));
            }
        };
        topicals.push(TopicalRecord {
            agent: medication.code.text.clone().unwrap_or_default(),
            lot: medication.batch.lot_number.clone(),
        });
    }
    Ok(Record::Session(NewSession {
        code: String::new(),
        performed_at: NaiveDateTime::new(date, time),
        device: device_id,
        device_serial: device.serial_number,
        cartridge_lot: device.lot_number,
        zones,
        topicals,
        endpoint: ext.need_string("endpoint")?,
        operator: p
            .performer
            .first()
            .and_then(|p| p.actor.display.clone())
            .ok_or_else(|| {
                at.err(
                    "performer[0].actor.display",
                    "missing: accepted: the operator's name",
                )
            })?,
        late_entry: ext.string("late-entry")?,
        depth_reason: ext.string("depth-reason")?,
        same_day_reason: ext.string("same-day-reason")?,
    }))
}

pub(super) fn patient(at: At<'_>, value: &Value) -> Result<NewPatient, FhirError> {
    let p: Patient = at.typed(value)?;
    let code = p
        .identifier
        .iter()
        .find(|i| i.system == format!("{BASE_URL}/patient-code"))
        .map(|i| i.value.clone())
        .ok_or_else(|| at.err("identifier", format!("missing: accepted: an identifier of system {BASE_URL}/patient-code (the pseudonymous code)")))?;
    let birth_year = p
        .birth_date
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .ok_or_else(|| {
            at.err(
                "birthDate",
                format!("{:?}: accepted: a year YYYY", p.birth_date),
            )
        })?;
    let fitzpatrick = Extensions::new(at, &p.extension).integer("fitzpatrick", 1, 6)? as u8;
    Ok(NewPatient {
        code,
        birth_year,
        sex: p.gender,
        fitzpatrick,
    })
}

pub(super) fn screening(at: At<'_>, o: &Observation) -> Result<Record, FhirError> {
    let ext = Extensions::new(at, &o.extension);
    let file_text = ext.need_string("patient-file")?;
    let patient_file: Value = serde_json::from_str(&file_text).map_err(|e| {
        at.err(
            "extension[url=patient-file].valueString",
            format!("{e}: accepted: the patient file as JSON"),
        )
    })?;
    let findings_text = ext.need_string("findings")?;
    let findings_field = "extension[url=findings].valueString";
    let raw: Vec<Value> = serde_json::from_str(&findings_text).map_err(|e| {
        at.err(
            findings_field,
            format!("{e}: accepted: a JSON list of findings"),
        )
    })?;
    let mut findings = Vec::new();
    for (i, f) in raw.iter().enumerate() {
        let finding: Finding = at
            .typed(f)
            .map_err(|e| at.err(&format!("{findings_field}[{i}].{}", e.field), e.message))?;
        findings.push(finding);
    }
    let verdict_text = o.value_string.clone().unwrap_or_default();
    let verdict: Verdict =
        serde_json::from_value(Value::String(verdict_text.clone())).map_err(|_| {
            at.err(
                "valueString",
                format!(
                    "{verdict_text:?}: accepted: eligible, caution or contraindicated (the verdict)"
                ),
            )
        })?;
    let mut actions: Vec<String> = Vec::new();
    for a in findings.iter().flat_map(|f| &f.actions) {
        if !actions.contains(a) {
            actions.push(a.clone());
        }
    }
    let mut clearances = Vec::new();
    for (path, c) in ext.all("clearance") {
        let parts = ext.nested(path, c);
        clearances.push((parts.need_string("rule")?, parts.need_string("reason")?));
    }
    Ok(Record::Screening {
        at: at.date("effectiveDateTime", &o.effective_date_time)?,
        screening: Screening {
            verdict,
            device: patient_file["treatment"]["device"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            findings,
            actions,
            adverse_effects: Vec::new(),
            edition: Edition {
                knowledge_base_version: ext.need_string("knowledge-base-version")?,
                disclaimer: String::new(),
            },
        },
        patient_file,
        clearances,
    })
}

pub(super) fn outcome(at: At<'_>, o: &Observation) -> Result<Record, FhirError> {
    let ext = Extensions::new(at, &o.extension);
    let score = o
        .value_quantity
        .as_ref()
        .map(|q| q.value)
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            at.err(
                "valueQuantity.value",
                "missing: accepted: the score, a finite number",
            )
        })?;
    Ok(Record::Outcome(NewOutcome {
        code: String::new(),
        assessed_at: at.date("effectiveDateTime", &o.effective_date_time)?,
        scale: o
            .code
            .text
            .clone()
            .ok_or_else(|| at.err("code.text", "missing: accepted: the scale's name"))?,
        score,
        assessor: o
            .performer
            .first()
            .and_then(|p| p.display.clone())
            .ok_or_else(|| {
                at.err(
                    "performer[0].display",
                    "missing: accepted: the assessor's name",
                )
            })?,
        late_entry: ext.string("late-entry")?,
    }))
}

pub(super) fn consent(at: At<'_>, c: &Consent) -> Result<Record, FhirError> {
    let ext = Extensions::new(at, &c.extension);
    Ok(Record::Consent {
        version: ext.need_string("consent-form-version")?,
        text_sha256: ext.need_string("consent-text-sha256")?,
        signed_at: at.date("dateTime", &c.date_time)?,
        signer: ext.string("consent-signer")?,
        signature_sha256: ext.string("consent-signature-sha256")?,
    })
}

pub(super) fn care_plan(at: At<'_>, c: &CarePlan) -> Result<Record, FhirError> {
    let ext = Extensions::new(at, &c.extension);
    let (path, plan) = ext
        .one("plan")
        .ok_or_else(|| ext.missing("plan", "nested plan extensions"))?;
    let plan = ext.nested(path, plan);
    let (override_reason, overrides_screening) = match ext.one("override") {
        Some((path, o)) => {
            let o = ext.nested(path, o);
            (Some(o.need_string("reason")?), o.reference("screening"))
        }
        None => (None, None),
    };
    Ok(Record::Plan {
        created: at.date("created", &c.created)?,
        indication: plan.need_string("indication")?,
        device: plan.need_string("device")?,
        sessions: plan.integer("sessions", 1, 1000)? as u32,
        interval_weeks: plan.integer("interval-weeks", 1, 520)? as u32,
        override_reason,
        overrides_screening,
    })
}

pub(super) fn adverse_event(at: At<'_>, e: &AdverseEvent) -> Result<Record, FhirError> {
    let ext = Extensions::new(at, &e.extension);
    let resolved = match ext.one("resolved") {
        Some((path, r)) => Some(at.date(
            &format!("{path}.valueDate"),
            r.value_date.as_deref().unwrap_or_default(),
        )?),
        None => None,
    };
    let severity = e
        .severity
        .coding
        .first()
        .and_then(|c| c.code.clone())
        .ok_or_else(|| {
            at.err(
                "severity.coding[0].code",
                "missing: accepted: mild, moderate or severe",
            )
        })?;
    Ok(Record::AdverseEvent {
        event: NewAdverseEvent {
            code: String::new(),
            session_id: None,
            effect: e.event.text.clone().ok_or_else(|| {
                at.err("event.text", "missing: accepted: the adverse effect's id")
            })?,
            severity,
            onset: at.date("date", &e.date)?,
            resolved,
            action: ext.need_string("action-taken")?,
            late_entry: ext.string("late-entry")?,
        },
        session: e
            .suspect_entity
            .first()
            .and_then(|s| s.instance.reference.clone()),
    })
}

pub(super) fn photo(at: At<'_>, d: &DocumentReference) -> Result<Record, FhirError> {
    let ext = Extensions::new(at, &d.extension);
    let file_sha256 = d
        .identifier
        .iter()
        .find(|i| i.system == format!("{BASE_URL}/sha256"))
        .map(|i| i.value.clone())
        .ok_or_else(|| {
            at.err(
                "identifier",
                format!("missing: accepted: an identifier of system {BASE_URL}/sha256"),
            )
        })?;
    let photo_consent = ext
        .one("photo-consent")
        .and_then(|(_, e)| e.value_boolean)
        .ok_or_else(|| ext.missing("photo-consent", "valueBoolean"))?;
    Ok(Record::Photo(NewPhoto {
        // The zone and the image do not travel yet (the bundle names the image by its hash).
        zone: None,
        code: String::new(),
        taken_at: at.date(
            "context.period.start",
            d.context.period.start.as_deref().unwrap_or_default(),
        )?,
        view: d
            .content
            .first()
            .and_then(|c| c.attachment.title.clone())
            .ok_or_else(|| {
                at.err(
                    "content[0].attachment.title",
                    "missing: accepted: the photo's view",
                )
            })?,
        file_sha256,
        photo_consent,
    }))
}
