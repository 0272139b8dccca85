//! Sessions: the most checked record. The input is checked against the knowledge base first
//! (device, zones, topicals, endpoint); then, inside the write's transaction, against the
//! patient's record: a recent enough screening, an override plan after a contraindicated one,
//! and the plan's interval (a warning, not a refusal).

use chrono::{NaiveDate, NaiveDateTime};
use microneedling_core::screening::Verdict;
use microneedling_core::{InputError, KnowledgeBase};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use crate::audit::audit;
use crate::input::{SESSION_TIME, check_date, text_field};
use crate::patients::patient_row;
use crate::{ENDPOINTS, NewSession, PatientRecord, Result, SessionRecord, Store, StoreError};

/// The fields of a session as they will be stored, once checked.
struct CheckedFields {
    device: String,
    serial: String,
    lot: String,
    operator: String,
}

/// The plan a session falls under: the latest one on or before its date.
struct PlanInForce {
    id: i64,
    interval_weeks: u32,
    override_reason: Option<String>,
}

impl Store {
    /// Records a session after checking the device, the zones and the record's rules.
    pub fn add_session(&mut self, kb: &KnowledgeBase, s: &NewSession) -> Result<SessionRecord> {
        let amends = self.amending.take();
        let fields = check_fields(kb, s)?;
        let actor = self.actor.clone();
        let max_age = self.screening_max_age_days;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let patient = patient_row(&tx, &s.code)?;
        let date = s.performed_at.date();
        check_date("performed_at", date, &patient)?;
        let verdict = current_screening_verdict(&tx, &patient, s, max_age)?;
        let plan = plan_in_force(&tx, &patient, date)?;
        if verdict == Verdict::Contraindicated.as_str()
            && plan.as_ref().is_none_or(|p| p.override_reason.is_none())
        {
            return Err(StoreError::Rule(format!(
                "{}: the latest screening is contraindicated and no plan carries an override: no session",
                s.code
            )));
        }
        let warnings = match &plan {
            Some(plan) => interval_warnings(&tx, &patient, s.performed_at, plan)?,
            None => Vec::new(),
        };
        let record = SessionRecord {
            id: 0,
            plan_id: plan.map(|p| p.id),
            performed_at: s.performed_at.format(SESSION_TIME).to_string(),
            device: fields.device,
            device_serial: fields.serial,
            cartridge_lot: fields.lot,
            zones: s.zones.clone(),
            topicals: s.topicals.clone(),
            endpoint: s.endpoint.clone(),
            operator: fields.operator,
            warnings,
        };
        let id = insert_session(&tx, &patient, &record)?;
        let detail = format!(
            "patient #{}: {} {}",
            patient.id, record.device, s.performed_at
        );
        audit(&tx, &actor, "create", "session", Some(id), &detail)?;
        if let Some(amends) = amends {
            crate::changes::supersede(&tx, &actor, &patient, &amends, Some(id))?;
        }
        tx.commit()?;
        Ok(SessionRecord { id, ..record })
    }
}

/// Checks the session against the knowledge base and the fields' limits, naming the first field
/// at fault (`zones[1].depth_mm`), before any transaction is opened.
fn check_fields(kb: &KnowledgeBase, s: &NewSession) -> Result<CheckedFields> {
    let device = kb.device(&s.device)?;
    if s.zones.is_empty() {
        return Err(
            InputError::new("zones", "none", "at least one zone SITE:DEPTH_MM:PASSES").into(),
        );
    }
    let at = |field: String| move |e: InputError| InputError { field, ..e };
    for (i, zone) in s.zones.iter().enumerate() {
        kb.site(&zone.site)
            .map_err(at(format!("zones[{i}].site")))?;
        device
            .check_length(zone.depth_mm)
            .map_err(at(format!("zones[{i}].depth_mm")))?;
        if !(1..=100).contains(&zone.passes) {
            return Err(InputError::new(
                format!("zones[{i}].passes"),
                zone.passes,
                "1 to 100 passes",
            )
            .into());
        }
    }
    for (i, t) in s.topicals.iter().enumerate() {
        kb.agent(&t.agent)
            .map_err(at(format!("topicals[{i}].agent")))?;
        text_field(&format!("topicals[{i}].lot"), &t.lot, 64)?;
    }
    if !ENDPOINTS.contains(&s.endpoint.as_str()) {
        return Err(InputError::new("endpoint", &s.endpoint, ENDPOINTS.join(", ")).into());
    }
    Ok(CheckedFields {
        device: device.id.clone(),
        serial: text_field("device_serial", &s.device_serial, 64)?,
        lot: text_field("cartridge_lot", &s.cartridge_lot, 64)?,
        operator: text_field("operator", &s.operator, 128)?,
    })
}

/// The verdict of the latest screening on or before the session's date, refusing the session
/// when there is none or it is older than `max_age` days.
fn current_screening_verdict(
    tx: &Transaction<'_>,
    patient: &PatientRecord,
    s: &NewSession,
    max_age: i64,
) -> Result<String> {
    let date = s.performed_at.date();
    let screening: Option<(String, String)> = tx
        .query_row(
            "SELECT verdict, screened_at FROM screening WHERE patient_id = ?1 AND screened_at <= ?2 ORDER BY screened_at DESC, id DESC LIMIT 1",
            params![patient.id, date.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((verdict, screened_at)) = screening else {
        return Err(StoreError::Rule(format!(
            "{}: no screening on or before {date}: screen the patient first",
            s.code
        )));
    };
    let screened = NaiveDate::parse_from_str(&screened_at, "%Y-%m-%d")
        .map_err(|e| StoreError::Database(e.to_string()))?;
    if (date - screened).num_days() > max_age {
        return Err(StoreError::Rule(format!(
            "{}: the latest screening ({screened}) is older than {max_age} days: refresh it before the session",
            s.code
        )));
    }
    Ok(verdict)
}

fn plan_in_force(
    tx: &Transaction<'_>,
    patient: &PatientRecord,
    date: NaiveDate,
) -> Result<Option<PlanInForce>> {
    Ok(tx
        .query_row(
            "SELECT id, interval_weeks, override_reason FROM plan WHERE patient_id = ?1 AND created_at <= ?2 ORDER BY created_at DESC, id DESC LIMIT 1",
            params![patient.id, date.to_string()],
            |r| {
                Ok(PlanInForce {
                    id: r.get(0)?,
                    interval_weeks: r.get(1)?,
                    override_reason: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// A warning when the session comes sooner after the previous one than the plan's interval:
/// recorded, not refused, since the clinician may have a reason.
fn interval_warnings(
    tx: &Transaction<'_>,
    patient: &PatientRecord,
    performed_at: NaiveDateTime,
    plan: &PlanInForce,
) -> Result<Vec<String>> {
    let previous: Option<String> = tx
        .query_row(
            "SELECT performed_at FROM session WHERE patient_id = ?1 AND performed_at <= ?2 ORDER BY performed_at DESC LIMIT 1",
            params![patient.id, performed_at.format(SESSION_TIME).to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let previous = previous.and_then(|p| NaiveDateTime::parse_from_str(&p, SESSION_TIME).ok());
    let mut warnings = Vec::new();
    if let Some(previous) = previous {
        let days = (performed_at - previous).num_days();
        let interval_weeks = plan.interval_weeks;
        if days < i64::from(interval_weeks) * 7 {
            warnings.push(format!(
                "{days} days after the previous session: sooner than the plan's {interval_weeks} weeks"
            ));
        }
    }
    Ok(warnings)
}

/// Inserts the checked session (its `id` is ignored) and returns the new row's id.
fn insert_session(
    tx: &Transaction<'_>,
    patient: &PatientRecord,
    record: &SessionRecord,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO session (patient_id, plan_id, performed_at, device, device_serial, cartridge_lot, zones, topicals, endpoint, operator, warnings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            patient.id,
            record.plan_id,
            record.performed_at,
            record.device,
            record.device_serial,
            record.cartridge_lot,
            serde_json::to_string(&record.zones)?,
            serde_json::to_string(&record.topicals)?,
            record.endpoint,
            record.operator,
            serde_json::to_string(&record.warnings)?
        ],
    )?;
    Ok(tx.last_insert_rowid())
}
