//! The clinical records other than sessions: screenings, consent, plans, adverse events, outcomes
//! and photo metadata. Each is checked, then written with its audit row in one transaction.

use chrono::NaiveDate;
use microneedling_core::plan::Plan;
use microneedling_core::screening::Screening;
use microneedling_core::{InputError, KnowledgeBase};
use rusqlite::{TransactionBehavior, params};

use crate::audit::audit;
use crate::input::{check_date, sha256_hex, text_field};
use crate::patients::patient_row;
use crate::{NewAdverseEvent, NewOutcome, NewPhoto, PatientRecord, Result, SEVERITIES, Store};

impl Store {
    /// Runs `insert` for patient `code` in one immediate transaction and appends its audit row
    /// (`entity`, the detail `insert` returns): all or nothing. Returns the new row's id.
    fn insert_for_patient(
        &mut self,
        code: &str,
        entity: &str,
        insert: impl FnOnce(&rusqlite::Transaction<'_>, &PatientRecord) -> Result<String>,
    ) -> Result<i64> {
        let amends = self.amending.take();
        let actor = self.actor.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let patient = patient_row(&tx, code)?;
        let detail = insert(&tx, &patient)?;
        let id = tx.last_insert_rowid();
        audit(
            &tx,
            &actor,
            "create",
            entity,
            Some(id),
            &format!("patient #{}: {detail}", patient.id),
        )?;
        if let Some(amends) = amends {
            crate::changes::supersede(&tx, &actor, &patient, &amends, Some(id))?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Records a screening (inputs as given, verdict, findings, knowledge-base version).
    pub fn record_screening(
        &mut self,
        code: &str,
        inputs: &serde_json::Value,
        screening: &Screening,
        at: NaiveDate,
    ) -> Result<i64> {
        self.insert_for_patient(code, "screening", |tx, patient| {
            check_date("screened_at", at, patient)?;
            tx.execute(
                "INSERT INTO screening (patient_id, screened_at, inputs, verdict, findings, knowledge_base_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    patient.id,
                    at.to_string(),
                    inputs.to_string(),
                    screening.verdict.as_str(),
                    serde_json::to_string(&screening.findings)?,
                    screening.edition.knowledge_base_version
                ],
            )?;
            Ok(screening.verdict.as_str().to_string())
        })
    }

    pub fn record_consent(
        &mut self,
        code: &str,
        version: &str,
        text: &str,
        signed_at: NaiveDate,
    ) -> Result<i64> {
        let version = text_field("version", version, 64)?;
        if text.trim().is_empty() {
            return Err(InputError::new("text", "", "the consent text the patient signed").into());
        }
        self.insert_for_patient(code, "consent", |tx, patient| {
            check_date("signed_at", signed_at, patient)?;
            tx.execute(
                "INSERT INTO consent (patient_id, version, text_sha256, signed_at) VALUES (?1, ?2, ?3, ?4)",
                params![patient.id, version, sha256_hex(text.as_bytes()), signed_at.to_string()],
            )?;
            Ok(format!("version {version}"))
        })
    }

    /// Records a plan (with its override, if any).
    pub fn record_plan(&mut self, code: &str, plan: &Plan, created: NaiveDate) -> Result<i64> {
        self.insert_for_patient(code, "plan", |tx, patient| {
            check_date("created_at", created, patient)?;
            tx.execute(
                "INSERT INTO plan (patient_id, created_at, indication, device, sessions, interval_weeks, verdict, override_reason, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    patient.id,
                    created.to_string(),
                    plan.indication,
                    plan.device.id,
                    plan.sessions,
                    plan.interval_weeks,
                    plan.verdict.as_str(),
                    plan.override_.as_ref().map(|o| o.reason.clone()),
                    serde_json::to_string(plan)?
                ],
            )?;
            Ok(match &plan.override_ {
                Some(o) => format!("{} with override: {}", plan.indication, o.reason),
                None => plan.indication.clone(),
            })
        })
    }

    pub fn add_adverse_event(&mut self, kb: &KnowledgeBase, e: &NewAdverseEvent) -> Result<i64> {
        if !kb.adverse_effects.iter().any(|a| a.id == e.effect) {
            let known: Vec<&str> = kb.adverse_effects.iter().map(|a| a.id.as_str()).collect();
            return Err(InputError::new("effect", &e.effect, known.join(", ")).into());
        }
        if !SEVERITIES.contains(&e.severity.as_str()) {
            return Err(InputError::new("severity", &e.severity, SEVERITIES.join(", ")).into());
        }
        let action = text_field("action", &e.action, 1000)?;
        self.insert_for_patient(&e.code, "adverse_event", |tx, patient| {
            check_date("onset", e.onset, patient)?;
            if let Some(resolved) = e.resolved {
                check_date("resolved", resolved, patient)?;
                if resolved < e.onset {
                    return Err(InputError::new("resolved", resolved, format!("a date on or after the onset {}", e.onset)).into());
                }
            }
            if let Some(session) = e.session_id {
                let ok: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM session WHERE id = ?1 AND patient_id = ?2)",
                    params![session, patient.id],
                    |r| r.get(0),
                )?;
                if !ok {
                    return Err(InputError::new("session_id", session, format!("a session of {}", e.code)).into());
                }
            }
            tx.execute(
                "INSERT INTO adverse_event (patient_id, session_id, effect, severity, onset, resolved, action) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![patient.id, e.session_id, e.effect, e.severity, e.onset.to_string(), e.resolved.map(|d| d.to_string()), action],
            )?;
            Ok(format!("{} ({})", e.effect, e.severity))
        })
    }

    pub fn add_outcome(&mut self, o: &NewOutcome) -> Result<i64> {
        let scale = text_field("scale", &o.scale, 200)?;
        let assessor = text_field("assessor", &o.assessor, 128)?;
        if !o.score.is_finite() || o.score.abs() > 1e6 {
            return Err(InputError::new("score", o.score, "a finite number on the scale").into());
        }
        self.insert_for_patient(&o.code, "outcome", |tx, patient| {
            check_date("assessed_at", o.assessed_at, patient)?;
            tx.execute(
                "INSERT INTO outcome (patient_id, assessed_at, scale, score, assessor) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![patient.id, o.assessed_at.to_string(), scale, o.score, assessor],
            )?;
            Ok(format!("{scale} {}", o.score))
        })
    }

    pub fn add_photo(&mut self, p: &NewPhoto) -> Result<i64> {
        let view = text_field("view", &p.view, 64)?;
        if p.file_sha256.len() != 64 || !p.file_sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(InputError::new(
                "file_sha256",
                &p.file_sha256,
                "64 hexadecimal characters",
            )
            .into());
        }
        self.insert_for_patient(&p.code, "photo", |tx, patient| {
            check_date("taken_at", p.taken_at, patient)?;
            tx.execute(
                "INSERT INTO photo (patient_id, taken_at, view, file_sha256, photo_consent) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![patient.id, p.taken_at.to_string(), view, p.file_sha256, p.photo_consent],
            )?;
            Ok(view.clone())
        })
    }
}
