//! Sessions: the most checked record. The input is checked against the knowledge base first
//! (device, zones, topicals, endpoint); then, inside the write's transaction, against the
//! patient's record: a recent enough screening, an override plan bound to a contraindicated one,
//! a consent of the required version, a late-entry reason when backdated, a reason for a depth
//! past the device's or the site's limit and for a second session on one day, and the plan's
//! interval (a warning, not a refusal).

use chrono::{NaiveDate, NaiveDateTime};
use microneedling_core::screening::Verdict;
use microneedling_core::{InputError, KnowledgeBase};

use microneedling_core::reason::meaningful;

use crate::audit::audit;
use crate::clinical::late_note;
use crate::db::{Db, args};
use crate::input::{SESSION_TIME, check_date, text_field};
use crate::patients::patient_row;
use crate::safety::{contraindicated_rules, late_entry};
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
    overrides_screening_id: Option<i64>,
    override_rules: Vec<String>,
}

/// The latest screening on or before a session's date.
struct CurrentScreening {
    id: i64,
    screened_at: String,
    verdict: String,
    rules: Vec<String>,
}

impl Store {
    /// Records a session after checking the device, the zones and the record's rules.
    pub fn add_session(&mut self, kb: &KnowledgeBase, s: &NewSession) -> Result<SessionRecord> {
        let amends = self.amending.take();
        let fields = check_fields(kb, s)?;
        let beyond = beyond_limits(kb, s)?;
        let depth_reason = depth_reason(s, &beyond)?;
        let same_day_reason = s
            .same_day_reason
            .as_deref()
            .map(|r| meaningful("same_day_reason", r))
            .transpose()?;
        let actor = self.actor.clone();
        let max_age = self.screening_max_age_days;
        let consent_version = self.consent_version.clone();
        let tx = self.db.write()?;
        let patient = patient_row(&tx, &s.code)?;
        let date = s.performed_at.date();
        check_date("performed_at", date, &patient)?;
        let late = late_entry(&tx, &patient, "the session", date, s.late_entry.as_deref())?;
        let screening = current_screening(&tx, &patient, s, max_age)?;
        let plan = plan_in_force(&tx, &patient, date)?;
        check_override(&s.code, &screening, plan.as_ref())?;
        check_consent(&tx, &patient, date, &consent_version)?;
        let same_day = same_day_session(&tx, &patient, date)?;
        if let (Some(other), None) = (same_day, &same_day_reason) {
            return Err(StoreError::Rule(format!(
                "{}: session {other} is already recorded on {date}: a second session on one day needs a reason (--same-day-reason \"reason\"; API: same_day_reason)",
                s.code
            )));
        }
        let mut warnings = match &plan {
            Some(plan) => interval_warnings(&tx, &patient, s.performed_at, plan)?,
            None => Vec::new(),
        };
        warnings.extend(reason_marks(
            &beyond,
            depth_reason.as_deref(),
            same_day,
            same_day_reason.as_deref(),
            date,
        ));
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
            late_entry: late,
            depth_reason,
            same_day_reason,
        };
        let id = insert_session(&tx, &patient, &record)?;
        let detail = format!(
            "patient #{}: {} {}{}",
            patient.id,
            record.device,
            s.performed_at,
            late_note(record.late_entry.as_deref())
        );
        audit(&tx, &actor, "create", "session", Some(id), &detail)?;
        if let Some(amends) = amends {
            crate::changes::supersede(&tx, &actor, &patient, &amends, Some(id))?;
        }
        tx.commit()?;
        Ok(SessionRecord { id, ..record })
    }
}

/// The reason given for a depth past a limit, checked; refused when a limit is passed without one.
fn depth_reason(s: &NewSession, beyond: &[String]) -> Result<Option<String>> {
    match (&s.depth_reason, beyond.is_empty()) {
        (Some(reason), _) => Ok(Some(meaningful("depth_reason", reason)?)),
        (None, true) => Ok(None),
        (None, false) => Err(StoreError::Rule(format!(
            "{}: {}: a depth past a limit needs a reason (--depth-reason \"reason\"; API: depth_reason)",
            s.code,
            beyond.join("; ")
        ))),
    }
}

/// The marks a session carries for what it was allowed with a reason: each depth past a limit,
/// a second session on one day.
fn reason_marks(
    beyond: &[String],
    depth_reason: Option<&str>,
    same_day: Option<i64>,
    same_day_reason: Option<&str>,
    date: chrono::NaiveDate,
) -> Vec<String> {
    let mut marks = Vec::new();
    if let Some(reason) = depth_reason {
        for b in beyond {
            marks.push(format!("{b}: depth reason: {reason}"));
        }
    }
    if let (Some(other), Some(reason)) = (same_day, same_day_reason) {
        marks.push(format!(
            "second session on {date} (after session {other}): {reason}"
        ));
    }
    marks
}

/// Each zone set past the device's labelled maximum or the site's maximum depth, described.
fn beyond_limits(kb: &KnowledgeBase, s: &NewSession) -> Result<Vec<String>> {
    let device = kb.device(&s.device)?;
    let mut beyond = Vec::new();
    for (i, zone) in s.zones.iter().enumerate() {
        let n = i + 1;
        if let Some(max) = device
            .labelled_max_mm
            .filter(|max| zone.depth_mm > max + 1e-9)
        {
            beyond.push(format!(
                "zone {n} ({}) at {} mm is beyond {}'s labelled maximum {max} mm",
                zone.site, zone.depth_mm, device.id
            ));
        }
        let site_max = kb.site(&zone.site)?.depth_guide_mm.max;
        if zone.depth_mm > site_max + 1e-9 {
            beyond.push(format!(
                "zone {n} ({}) at {} mm is beyond the site's maximum depth {site_max} mm",
                zone.site, zone.depth_mm
            ));
        }
    }
    Ok(beyond)
}

/// After a contraindicated screening, the plan in force must carry an override bound to that
/// screening that accepts each of its contraindicated rules.
fn check_override(
    code: &str,
    screening: &CurrentScreening,
    plan: Option<&PlanInForce>,
) -> Result<()> {
    if screening.verdict != Verdict::Contraindicated.as_str() {
        return Ok(());
    }
    let bound = plan.is_some_and(|p| {
        p.overrides_screening_id == Some(screening.id)
            && screening.rules.iter().all(|r| p.override_rules.contains(r))
    });
    if bound {
        return Ok(());
    }
    Err(StoreError::Rule(format!(
        "{code}: the latest screening ({}, {}) is contraindicated ({}) and the plan in force carries no override of it: no session; record a plan with --override \"reason\" --overrides-screening {}",
        screening.id,
        screening.screened_at,
        screening.rules.join(", "),
        screening.id
    )))
}

/// A session needs a consent of the required version signed on or before its date.
fn check_consent(tx: &Db, patient: &PatientRecord, date: NaiveDate, version: &str) -> Result<()> {
    let signed: bool = tx.value(
        "SELECT EXISTS(SELECT 1 FROM consent WHERE patient_id = ?1 AND version = ?2 AND signed_at <= ?3)",
        args![patient.id, version, date.to_string()],
    )?;
    if signed {
        return Ok(());
    }
    Err(StoreError::Rule(format!(
        "{}: no consent of version {version} signed on or before {date} is on record: record it first (records consent {} --version {version} --text-file FILE)",
        patient.code, patient.code
    )))
}

/// The first session of a patient (`?1`) in a time range (`?2` inclusive to `?3`).
const SAME_DAY_SESSION: &str = "SELECT id FROM session WHERE patient_id = ?1 AND performed_at >= ?2 AND performed_at < ?3 ORDER BY performed_at, id LIMIT 1";

/// A session of the patient already recorded on `date`, if any.
fn same_day_session(tx: &Db, patient: &PatientRecord, date: NaiveDate) -> Result<Option<i64>> {
    // A range on the stored text (YYYY-MM-DDTHH:MM:SS sorts as time), so that the index on
    // (patient_id, performed_at) finds it: comparing substr(performed_at, 1, 10) read every
    // session of the patient on every insert. The day's first session in the index's own order
    // (time, then id) is its first entry; ordered by id alone, every session of the day was read
    // and sorted on every insert (the records benchmark's 10,000 sessions on one day).
    let next_day = date.succ_opt().unwrap_or(date);
    tx.query_opt(
        SAME_DAY_SESSION,
        args![patient.id, date.to_string(), next_day.to_string()],
        |r| r.get(0),
    )
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

/// The latest screening on or before the session's date, refusing the session when there is
/// none or it is older than `max_age` days.
fn current_screening(
    tx: &Db,
    patient: &PatientRecord,
    s: &NewSession,
    max_age: i64,
) -> Result<CurrentScreening> {
    let date = s.performed_at.date();
    let screening: Option<(i64, String, String, String)> = tx
        .query_opt(
            "SELECT id, verdict, screened_at, findings FROM screening WHERE patient_id = ?1 AND screened_at <= ?2 ORDER BY screened_at DESC, id DESC LIMIT 1",
            args![patient.id, date.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let Some((id, verdict, screened_at, findings)) = screening else {
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
    let findings = serde_json::from_str(&findings).unwrap_or(serde_json::Value::Null);
    Ok(CurrentScreening {
        id,
        screened_at,
        verdict,
        rules: contraindicated_rules(&findings),
    })
}

fn plan_in_force(tx: &Db, patient: &PatientRecord, date: NaiveDate) -> Result<Option<PlanInForce>> {
    tx.query_opt(
            "SELECT id, interval_weeks, overrides_screening_id, override_rules FROM plan WHERE patient_id = ?1 AND created_at <= ?2 ORDER BY created_at DESC, id DESC LIMIT 1",
            args![patient.id, date.to_string()],
            |r| {
                let rules: Option<String> = r.get(3)?;
                Ok(PlanInForce {
                    id: r.get(0)?,
                    interval_weeks: r.get(1)?,
                    overrides_screening_id: r.get(2)?,
                    override_rules: rules
                        .and_then(|r| serde_json::from_str(&r).ok())
                        .unwrap_or_default(),
                })
            },
        )
}

/// A warning when the session comes sooner after the previous one than the plan's interval:
/// recorded, not refused, since the clinician may have a reason.
fn interval_warnings(
    tx: &Db,
    patient: &PatientRecord,
    performed_at: NaiveDateTime,
    plan: &PlanInForce,
) -> Result<Vec<String>> {
    let previous: Option<String> = tx
        .query_opt(
            "SELECT performed_at FROM session WHERE patient_id = ?1 AND performed_at <= ?2 ORDER BY performed_at DESC LIMIT 1",
            args![patient.id, performed_at.format(SESSION_TIME).to_string()],
            |r| r.get(0),
        )?;
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
fn insert_session(tx: &Db, patient: &PatientRecord, record: &SessionRecord) -> Result<i64> {
    tx.insert(
        "INSERT INTO session (patient_id, plan_id, performed_at, device, device_serial, cartridge_lot, zones, topicals, endpoint, operator, warnings, late_entry, depth_reason, same_day_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        args![
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
            serde_json::to_string(&record.warnings)?,
            record.late_entry,
            record.depth_reason,
            &record.same_day_reason
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::SAME_DAY_SESSION;
    use crate::db::args;

    /// The same-day check reads the first entry of the index on (patient, time): no scan, no
    /// sort of the day's sessions (ordered by id alone, SQLite sorted every session of the day
    /// on every insert).
    #[test]
    fn the_same_day_check_reads_the_index_without_sorting() {
        let store = crate::Store::open_in_memory("test").expect("store");
        let plan: Vec<String> = store
            .db
            .query(
                &format!("EXPLAIN QUERY PLAN {SAME_DAY_SESSION}"),
                args![1, "2026-01-01", "2026-01-02"],
                |r| r.get(3),
            )
            .expect("query plan");
        assert!(
            plan.iter().any(|p| p.contains("INDEX session_by_patient")),
            "{plan:?}"
        );
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    }
}
