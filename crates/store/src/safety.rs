//! The safety rules shared by the records: the patient file must describe the recorded patient;
//! a contraindication found earlier is kept until cleared; an override is bound to the screening
//! it overrides; backdated records need a late-entry reason; outcomes and adverse events follow
//! the first session.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use microneedling_core::InputError;
use microneedling_core::patient::Patient;
use microneedling_core::reason::meaningful;
use microneedling_core::screening::{Finding, Screening, Tier, Verdict};

use crate::db::{Db, args};
use crate::{ClearanceRecord, PatientRecord, Result, Store, StoreError};

/// How far ahead of today a patient file's treatment date may lie, days: further would move the
/// screening's time windows so that a recent laser or peel stops counting.
pub const TREATMENT_HORIZON_DAYS: i64 = 30;

/// How a carried finding's message starts.
const CARRIED: &str = "[kept from screening ";

/// The patient file must describe the recorded patient (sex, phototype, age at the treatment
/// date from the birth year) and plan a treatment at most [`TREATMENT_HORIZON_DAYS`] ahead.
pub(crate) fn check_patient_file(record: &PatientRecord, patient: &Patient) -> Result<()> {
    let code = &record.code;
    if record.sex != patient.sex.as_str() {
        return Err(InputError::new(
            "patient.sex",
            patient.sex.as_str(),
            format!("{} (the record of {code})", record.sex),
        )
        .into());
    }
    if record.fitzpatrick != patient.fitzpatrick {
        return Err(InputError::new(
            "patient.fitzpatrick",
            patient.fitzpatrick,
            format!("Fitzpatrick {} (the record of {code})", record.fitzpatrick),
        )
        .into());
    }
    let date = patient.treatment.date;
    let expected = date.year() - record.birth_year;
    let age = patient.age_years.floor() as i32;
    if age != expected && age != expected - 1 {
        return Err(InputError::new(
            "patient.age",
            patient.age_years,
            format!(
                "{} or {expected} on {date} (born {} in the record of {code})",
                expected - 1,
                record.birth_year
            ),
        )
        .into());
    }
    let latest = Utc::now().date_naive() + Duration::days(TREATMENT_HORIZON_DAYS);
    if date > latest {
        return Err(InputError::new(
            "treatment.date",
            date,
            format!("a date at most {TREATMENT_HORIZON_DAYS} days ahead (on or before {latest})"),
        )
        .into());
    }
    Ok(())
}

/// The contraindicated rule ids of a stored findings list.
pub(crate) fn contraindicated_rules(findings: &serde_json::Value) -> Vec<String> {
    contraindicated(findings)
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

fn contraindicated(findings: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    findings
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["tier"] == Tier::Contraindicated.as_str())
}

/// Every screening of the patient: (id, date, findings), oldest first.
fn screenings(c: &Db, patient_id: i64) -> Result<Vec<(i64, String, serde_json::Value)>> {
    c.query(
        "SELECT id, screened_at, findings FROM screening WHERE patient_id = ?1 ORDER BY id",
        args![patient_id],
        |r| {
            let findings: String = r.get(2)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                serde_json::from_str(&findings).unwrap_or(serde_json::Value::Null),
            ))
        },
    )
}

/// `screening` with the contraindications found by earlier screenings of the patient that it
/// does not find and that no clearance recorded since has cleared, each marked as kept; the
/// verdict is then contraindicated.
pub(crate) fn with_earlier_findings(
    c: &Db,
    patient_id: i64,
    screening: &Screening,
) -> Result<Screening> {
    let mut last_found: BTreeMap<String, (i64, String, serde_json::Value)> = BTreeMap::new();
    for (id, date, findings) in screenings(c, patient_id)? {
        for f in contraindicated(&findings) {
            if let Some(rule) = f["rule"].as_str() {
                last_found.insert(rule.to_string(), (id, date.clone(), f.clone()));
            }
        }
    }
    let mut effective = screening.clone();
    for (rule, (id, date, f)) in last_found {
        if effective
            .findings
            .iter()
            .any(|now| now.rule == rule && now.tier == Tier::Contraindicated)
        {
            continue;
        }
        let cleared: Option<i64> = c.value(
            "SELECT MAX(after_screening_id) FROM clearance WHERE patient_id = ?1 AND rule = ?2",
            args![patient_id, &rule],
        )?;
        if cleared.is_some_and(|after| after >= id) {
            continue;
        }
        let text = |key: &str| f[key].as_str().unwrap_or_default().to_string();
        let message = text("message");
        let message = match message.strip_prefix(CARRIED) {
            Some(rest) => rest.split_once("] ").map_or(rest, |(_, m)| m).to_string(),
            None => message,
        };
        effective.findings.push(Finding {
            message: format!("{CARRIED}{id} of {date}: record a clearance to drop it] {message}"),
            rule,
            tier: Tier::Contraindicated,
            source: text("source"),
            actions: f["actions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect(),
        });
        effective.verdict = Verdict::Contraindicated;
    }
    Ok(effective)
}

/// The contraindicated screening an override binds to: `requested` (a contraindicated
/// screening of the patient), else the latest contraindicated screening on or before `on`.
/// Returns its id and its contraindicated rules.
pub(crate) fn override_target(
    c: &Db,
    patient: &PatientRecord,
    requested: Option<i64>,
    on: NaiveDate,
) -> Result<(i64, Vec<String>)> {
    let code = &patient.code;
    let all = screenings(c, patient.id)?;
    let target = match requested {
        Some(id) => {
            let Some((_, date, findings)) = all.iter().find(|(s, _, _)| *s == id) else {
                return Err(InputError::new(
                    "overrides_screening",
                    id,
                    format!("the id of a screening of {code}"),
                )
                .into());
            };
            if date.as_str() > on.to_string().as_str() {
                return Err(InputError::new(
                    "overrides_screening",
                    id,
                    format!("a screening on or before the plan's date {on}: screening {id} is of {date}, an override cannot precede what it overrides"),
                )
                .into());
            }
            let rules = contraindicated_rules(findings);
            if rules.is_empty() {
                return Err(InputError::new(
                    "overrides_screening",
                    id,
                    format!("a contraindicated screening of {code}: screening {id} found no contraindication"),
                )
                .into());
            }
            (id, rules)
        }
        None => all
            .iter()
            .rev()
            .filter(|(_, date, _)| date.as_str() <= on.to_string().as_str())
            .map(|(id, _, findings)| (*id, contraindicated_rules(findings)))
            .find(|(_, rules)| !rules.is_empty())
            .ok_or_else(|| {
                StoreError::Rule(format!(
                    "{code}: an override overrides a contraindicated screening, and none of {code} is on record on or before {on}: screen the patient first"
                ))
            })?,
    };
    Ok(target)
}

/// The late-entry reason a record dated `date` needs when it is dated before the patient's
/// latest screening or more than a day before today: the cleaned reason, or a refusal naming
/// what is late. A reason given for a record that is not late is kept too.
pub(crate) fn late_entry(
    c: &Db,
    patient: &PatientRecord,
    what: &str,
    date: NaiveDate,
    reason: Option<&str>,
) -> Result<Option<String>> {
    if let Some(reason) = reason {
        return Ok(Some(meaningful("late_entry", reason)?));
    }
    let today = Utc::now().date_naive();
    let latest: Option<String> = c.value(
        "SELECT MAX(screened_at) FROM screening WHERE patient_id = ?1",
        args![patient.id],
    )?;
    let why = match latest {
        Some(screened) if date.to_string() < screened => {
            format!("before the latest screening ({screened})")
        }
        _ if date < today - Duration::days(1) => {
            format!("more than a day before it is entered ({today})")
        }
        _ => return Ok(None),
    };
    Err(StoreError::Rule(format!(
        "{}: {what} dated {date} is {why}: a late entry needs a reason (--late-entry \"reason\"; API: late_entry)",
        patient.code
    )))
}

/// Outcomes and adverse events follow the first session: `field` must not precede it.
pub(crate) fn check_after_first_session(
    c: &Db,
    patient: &PatientRecord,
    field: &str,
    date: NaiveDate,
) -> Result<()> {
    let first: Option<String> = c.value(
        "SELECT MIN(performed_at) FROM session WHERE patient_id = ?1",
        args![patient.id],
    )?;
    match first {
        None => Err(InputError::new(
            field,
            date,
            format!(
                "a date on or after the first session of {} (none recorded yet)",
                patient.code
            ),
        )
        .into()),
        Some(first) if *date.to_string() < first[..first.len().min(10)] => Err(InputError::new(
            field,
            date,
            format!(
                "a date on or after the first session ({})",
                &first[..10.min(first.len())]
            ),
        )
        .into()),
        Some(_) => Ok(()),
    }
}

impl Store {
    /// Records a clearance of `rule`, a contraindication found by an earlier screening of
    /// patient `code`: re-screenings after it may drop the rule. Who: the writer; when: now.
    pub fn add_clearance(
        &mut self,
        code: &str,
        rule: &str,
        reason: &str,
    ) -> Result<ClearanceRecord> {
        let reason = meaningful("reason", reason)?;
        let actor = self.actor.clone();
        let at = Utc::now().to_rfc3339();
        let mut after = 0;
        let id = self.insert_for_patient(code, "clearance", |tx, patient| {
            let all = screenings(tx, patient.id)?;
            let mut found: Vec<String> = all
                .iter()
                .flat_map(|(_, _, findings)| contraindicated_rules(findings))
                .collect();
            found.sort();
            found.dedup();
            if !found.iter().any(|r| r == rule) {
                let known = if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                };
                return Err(InputError::new(
                    "rule",
                    rule,
                    format!("a contraindication found by a screening of {code} ({known})"),
                )
                .into());
            }
            after = all.last().map_or(0, |(id, _, _)| *id);
            let id = tx.insert(
                "INSERT INTO clearance (patient_id, rule, reason, cleared_by, cleared_at, after_screening_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![patient.id, rule, reason, actor, at, after],
            )?;
            Ok((id, format!("{rule} cleared: {reason}")))
        })?;
        Ok(ClearanceRecord {
            id,
            rule: rule.to_string(),
            reason,
            cleared_by: actor,
            cleared_at: at,
            after_screening_id: after,
        })
    }
}
