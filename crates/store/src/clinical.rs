//! The clinical records other than sessions: screenings, consent, plans, adverse events, outcomes
//! and photo metadata. Each is checked, then written with its audit row in one transaction.

use crate::audit::audit;
use crate::db::{Db, args};
use crate::input::{check_date, sha256_hex, text_field};
use crate::patients::patient_row;
use crate::safety::{
    check_after_first_session, check_patient_file, late_entry, override_target,
    with_earlier_findings,
};
use crate::{
    FileStore, NewAdverseEvent, NewConsent, NewOutcome, NewPhoto, NewPhotoImage, PatientRecord,
    PlanRecord, RecordedScreening, Result, SEVERITIES, Store, StoreError,
};
use chrono::{NaiveDate, Utc};
use microneedling_core::patient::Patient;
use microneedling_core::plan::Plan;
use microneedling_core::screening::Screening;
use microneedling_core::{InputError, KnowledgeBase};

/// A consent as written: its text known by its hash.
pub(crate) struct ConsentRow<'a> {
    pub code: &'a str,
    pub version: &'a str,
    pub text_sha256: String,
    pub signed_at: NaiveDate,
    pub signer: Option<&'a str>,
    pub signature_sha256: Option<String>,
}

/// The audit detail's note of a late entry.
pub(crate) fn late_note(late: Option<&str>) -> String {
    late.map_or(String::new(), |r| format!(" (late entry: {r})"))
}

impl Store {
    /// Runs `insert` for patient `code` in one immediate transaction and appends its audit row
    /// (`entity`, the detail `insert` returns): all or nothing. Returns the new row's id.
    pub(crate) fn insert_for_patient(
        &mut self,
        code: &str,
        entity: &str,
        insert: impl FnOnce(&Db, &PatientRecord) -> Result<(i64, String)>,
    ) -> Result<i64> {
        let amends = self.amending.take();
        let actor = self.actor.clone();
        let tx = self.db.write()?;
        let patient = patient_row(&tx, code)?;
        let (id, detail) = insert(&tx, &patient)?;
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

    /// Records a screening of the patient file `patient` on the day it is recorded. The file
    /// must describe the recorded patient and plan a treatment at most
    /// [`crate::TREATMENT_HORIZON_DAYS`] ahead; a contraindication an earlier screening found
    /// is kept (and the verdict contraindicated) unless a clearance was recorded since.
    pub fn record_screening(
        &mut self,
        code: &str,
        patient: &Patient,
        screening: &Screening,
    ) -> Result<RecordedScreening> {
        self.screening_on(code, patient, screening, Utc::now().date_naive(), None)
    }

    /// A screening recorded as of `at` (today, or a historic one with its late-entry reason,
    /// which the audit row keeps: the screening table has no column for it).
    pub(crate) fn screening_on(
        &mut self,
        code: &str,
        patient: &Patient,
        screening: &Screening,
        at: NaiveDate,
        late: Option<&str>,
    ) -> Result<RecordedScreening> {
        let inputs = serde_json::to_value(patient)?;
        let mut effective = None;
        let id = self.insert_for_patient(code, "screening", |tx, record| {
            check_patient_file(record, patient)?;
            check_date("screened_at", at, record)?;
            let kept = with_earlier_findings(tx, record.id, screening)?;
            let id = tx.insert(
                "INSERT INTO screening (patient_id, screened_at, inputs, verdict, findings, knowledge_base_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![
                    record.id,
                    at.to_string(),
                    inputs.to_string(),
                    kept.verdict.as_str(),
                    serde_json::to_string(&kept.findings)?,
                    kept.edition.knowledge_base_version
                ],
            )?;
            let detail = format!("{}{}", kept.verdict.as_str(), late_note(late));
            effective = Some(kept);
            Ok((id, detail))
        })?;
        Ok(RecordedScreening {
            id,
            screening: effective.unwrap_or_else(|| screening.clone()),
        })
    }

    pub fn record_consent(
        &mut self,
        code: &str,
        version: &str,
        text: &str,
        signed_at: NaiveDate,
    ) -> Result<i64> {
        if text.trim().is_empty() {
            return Err(InputError::new("text", "", "the consent text the patient signed").into());
        }
        self.insert_consent(ConsentRow {
            code,
            version,
            text_sha256: sha256_hex(text.as_bytes()),
            signed_at,
            signer: None,
            signature_sha256: None,
        })
    }

    /// Records a consent: the form's version and the hash of its text, the signer and the
    /// drawn signature (stored in `files` without its metadata, under its hash).
    pub fn record_signed_consent(&mut self, files: &FileStore, c: &NewConsent) -> Result<i64> {
        if c.text.trim().is_empty() {
            return Err(InputError::new("text", "", "the consent text the patient signed").into());
        }
        if c.signature_image.is_some() && c.signer.as_deref().is_none_or(|s| s.trim().is_empty()) {
            return Err(
                InputError::new("signer", "", "the name of whoever drew the signature").into(),
            );
        }
        // Checked and stored before the transaction: an image refused writes nothing, and a
        // stored image no record names is harmless (content-addressed, found by no one).
        let signature = c
            .signature_image
            .as_deref()
            .map(|image| files.put("signature", image))
            .transpose()?;
        self.insert_consent(ConsentRow {
            code: &c.code,
            version: &c.version,
            text_sha256: sha256_hex(c.text.as_bytes()),
            signed_at: c.signed_at,
            signer: c.signer.as_deref(),
            signature_sha256: signature.map(|s| s.sha256),
        })
    }

    /// Writes a consent whose text is known by its hash, with its audit row. A version names
    /// one text: a changed form is a new version, so that "signed v2" always means the same
    /// words.
    pub(crate) fn insert_consent(&mut self, c: ConsentRow<'_>) -> Result<i64> {
        let version = text_field("version", c.version, 64)?;
        let signer = c.signer.map(|s| text_field("signer", s, 128)).transpose()?;
        let (text_sha256, signature_sha256, signed_at) =
            (c.text_sha256, c.signature_sha256, c.signed_at);
        self.insert_for_patient(c.code, "consent", |tx, patient| {
            check_date("signed_at", signed_at, patient)?;
            let other: Option<String> = tx.query_opt(
                "SELECT text_sha256 FROM consent WHERE version = ?1 AND text_sha256 <> ?2 LIMIT 1",
                args![&version, &text_sha256],
                |r| r.get(0),
            )?;
            if let Some(other) = other {
                return Err(StoreError::Rule(format!(
                    "consent version {version} was signed with another text (sha256 {}…): a changed form needs a new version",
                    &other[..12.min(other.len())]
                )));
            }
            let id = tx.insert(
                "INSERT INTO consent (patient_id, version, text_sha256, signed_at, signer, signature_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![patient.id, &version, &text_sha256, signed_at.to_string(), &signer, &signature_sha256],
            )?;
            let signed = if signer.is_some() { ", signed" } else { "" };
            Ok((id, format!("version {version}{signed}")))
        })
    }

    /// Records a plan of the patient file `patient` (which must describe the recorded patient).
    /// An override is bound to the contraindicated screening it overrides (`overrides_screening`,
    /// else the latest contraindicated one on or before `created`), accepts that screening's
    /// contraindicated rules and names the writer as the clinician.
    pub fn record_plan(
        &mut self,
        code: &str,
        patient: &Patient,
        plan: &Plan,
        created: NaiveDate,
        overrides_screening: Option<i64>,
    ) -> Result<PlanRecord> {
        if plan.override_.is_none()
            && let Some(id) = overrides_screening
        {
            return Err(InputError::new(
                "overrides_screening",
                id,
                "no screening without an override reason",
            )
            .into());
        }
        let clinician = self.actor.clone();
        let mut binding = None;
        let id = self.insert_for_patient(code, "plan", |tx, record| {
            check_patient_file(record, patient)?;
            check_date("created_at", created, record)?;
            if plan.override_.is_some() {
                binding = Some(override_target(tx, record, overrides_screening, created)?);
            }
            let (screening_id, rules) = match &binding {
                Some((id, rules)) => (Some(*id), Some(serde_json::to_string(rules)?)),
                None => (None, None),
            };
            let id = tx.insert(
                "INSERT INTO plan (patient_id, created_at, indication, device, sessions, interval_weeks, verdict, override_reason, body, overrides_screening_id, override_rules, override_clinician) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                args![
                    record.id,
                    created.to_string(),
                    plan.indication,
                    plan.device.id,
                    plan.sessions,
                    plan.interval_weeks,
                    plan.verdict.as_str(),
                    plan.override_.as_ref().map(|o| o.reason.clone()),
                    serde_json::to_string(plan)?,
                    screening_id,
                    rules,
                    screening_id.map(|_| clinician.clone()),
                ],
            )?;
            let detail = match (&plan.override_, &binding) {
                (Some(o), Some((id, rules))) => format!(
                    "{} with override of screening {id} ({}) by {clinician}: {}",
                    plan.indication,
                    rules.join(", "),
                    o.reason
                ),
                _ => plan.indication.clone(),
            };
            Ok((id, detail))
        })?;
        let (overrides_screening_id, override_rules) = match binding {
            Some((id, rules)) => (Some(id), rules),
            None => (None, Vec::new()),
        };
        Ok(PlanRecord {
            id,
            created_at: created.to_string(),
            indication: plan.indication.clone(),
            device: plan.device.id.clone(),
            sessions: plan.sessions,
            interval_weeks: plan.interval_weeks,
            verdict: plan.verdict.as_str().to_string(),
            override_reason: plan.override_.as_ref().map(|o| o.reason.clone()),
            override_clinician: overrides_screening_id.map(|_| clinician),
            overrides_screening_id,
            override_rules,
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
            check_after_first_session(tx, patient, "onset", e.onset)?;
            let late = late_entry(tx, patient, "the adverse event", e.onset, e.late_entry.as_deref())?;
            if let Some(resolved) = e.resolved {
                check_date("resolved", resolved, patient)?;
                if resolved < e.onset {
                    return Err(InputError::new("resolved", resolved, format!("a date on or after the onset {}", e.onset)).into());
                }
            }
            if let Some(session) = e.session_id {
                let ok: bool = tx.value(
                    "SELECT EXISTS(SELECT 1 FROM session WHERE id = ?1 AND patient_id = ?2)",
                    args![session, patient.id],
                )?;
                if !ok {
                    return Err(InputError::new("session_id", session, format!("a session of {}", e.code)).into());
                }
            }
            let id = tx.insert(
                "INSERT INTO adverse_event (patient_id, session_id, effect, severity, onset, resolved, action, late_entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                args![patient.id, e.session_id, e.effect, e.severity, e.onset.to_string(), e.resolved.map(|d| d.to_string()), action, late],
            )?;
            Ok((id, format!("{} ({}){}", e.effect, e.severity, late_note(late.as_deref()))))
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
            check_after_first_session(tx, patient, "assessed_at", o.assessed_at)?;
            let late = late_entry(tx, patient, "the outcome", o.assessed_at, o.late_entry.as_deref())?;
            let id = tx.insert(
                "INSERT INTO outcome (patient_id, assessed_at, scale, score, assessor, late_entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![patient.id, o.assessed_at.to_string(), scale, o.score, assessor, late],
            )?;
            Ok((id, format!("{scale} {}{}", o.score, late_note(late.as_deref()))))
        })
    }

    pub fn add_photo(&mut self, p: &NewPhoto) -> Result<i64> {
        self.insert_photo(p, None)
    }

    /// Keeps a photo: the image without its metadata in `files`, the record naming its hash,
    /// view, zone and the patient's photo consent (required).
    pub fn add_photo_image(&mut self, files: &FileStore, p: &NewPhotoImage) -> Result<i64> {
        if !p.photo_consent {
            return Err(StoreError::Rule(format!(
                "{}: a photo is kept only with the patient's consent to photos (--photo-consent; API: photo_consent)",
                p.code
            )));
        }
        if let Some(zone) = &p.zone {
            text_field("zone", zone, 64)?;
        }
        let stored = files.put("image", &p.image)?;
        self.insert_photo(
            &NewPhoto {
                code: p.code.clone(),
                taken_at: p.taken_at,
                view: p.view.clone(),
                file_sha256: stored.sha256,
                photo_consent: true,
                zone: p.zone.clone(),
            },
            Some(stored.media_type),
        )
    }

    /// Photo `id`'s record.
    pub fn photo(&self, id: i64) -> Result<crate::PhotoRecord> {
        self.db
            .query_opt(
                &format!(
                    "SELECT {} FROM photo WHERE id = ?1",
                    crate::history::PHOTO_COLUMNS
                ),
                args![id],
                crate::history::photo,
            )?
            .ok_or_else(|| InputError::new("id", id, "the id of a recorded photo").into())
    }

    fn insert_photo(&mut self, p: &NewPhoto, media_type: Option<&str>) -> Result<i64> {
        let view = text_field("view", &p.view, 64)?;
        if p.file_sha256.len() != 64 || !p.file_sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(InputError::new(
                "file_sha256",
                &p.file_sha256,
                "64 hexadecimal characters",
            )
            .into());
        }
        let zone = p
            .zone
            .as_deref()
            .map(|z| text_field("zone", z, 64))
            .transpose()?;
        self.insert_for_patient(&p.code, "photo", |tx, patient| {
            check_date("taken_at", p.taken_at, patient)?;
            let id = tx.insert(
                "INSERT INTO photo (patient_id, taken_at, view, file_sha256, photo_consent, zone, media_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                args![patient.id, p.taken_at.to_string(), &view, &p.file_sha256, p.photo_consent, &zone, media_type],
            )?;
            Ok((id, view.clone()))
        })
    }
}
