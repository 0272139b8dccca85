//! Reading a patient's whole record back: every table in time order, and the outcome trends.
//!
//! JSON columns that fail to parse read as empty rather than failing the whole history: the
//! store wrote them, so a bad one is damage to report in the data, not a reason to hide the rest.

use crate::db::{Db, Row, args};
use crate::{
    AdverseEventRecord, ClearanceRecord, ConsentRecord, History, OutcomeRecord, PhotoRecord,
    PhotoSeries, PlanRecord, Result, ScreeningRecord, SessionRecord, Store, Trend,
};

impl Store {
    /// Every record of one patient, in time order, with the outcome trend per scale.
    pub fn history(&self, code: &str) -> Result<History> {
        let patient = self.patient(code)?;
        let (c, id) = (&self.db, patient.id);
        let outcomes = rows(
            c,
            id,
            "SELECT id, assessed_at, scale, score, assessor, late_entry FROM outcome WHERE patient_id = ?1 ORDER BY assessed_at, id",
            outcome,
        )?;
        let changes = self.record_changes(id)?;
        // The trend follows the current outcomes only: not the amended nor the voided.
        let current: Vec<OutcomeRecord> = outcomes
            .iter()
            .filter(|o| {
                !changes
                    .iter()
                    .any(|c| c.kind == "outcome" && c.record_id == o.id)
            })
            .cloned()
            .collect();
        let photos = rows(
            c,
            id,
            &format!(
                "SELECT {PHOTO_COLUMNS} FROM photo WHERE patient_id = ?1 ORDER BY taken_at, id"
            ),
            photo,
        )?;
        Ok(History {
            screenings: rows(
                c,
                id,
                "SELECT id, screened_at, verdict, knowledge_base_version, findings FROM screening WHERE patient_id = ?1 ORDER BY screened_at, id",
                screening,
            )?,
            consents: rows(
                c,
                id,
                "SELECT id, version, text_sha256, signed_at, signer, signature_sha256 FROM consent WHERE patient_id = ?1 ORDER BY signed_at, id",
                consent,
            )?,
            plans: rows(
                c,
                id,
                "SELECT id, created_at, indication, device, sessions, interval_weeks, verdict, override_reason, overrides_screening_id, override_rules, override_clinician FROM plan WHERE patient_id = ?1 ORDER BY created_at, id",
                plan,
            )?,
            sessions: rows(
                c,
                id,
                "SELECT id, plan_id, performed_at, device, device_serial, cartridge_lot, zones, topicals, endpoint, operator, warnings, late_entry, depth_reason, same_day_reason FROM session WHERE patient_id = ?1 ORDER BY performed_at, id",
                session,
            )?,
            adverse_events: rows(
                c,
                id,
                "SELECT id, session_id, effect, severity, onset, resolved, action, late_entry FROM adverse_event WHERE patient_id = ?1 ORDER BY onset, id",
                adverse_event,
            )?,
            photo_series: photo_series(&photos),
            photos,
            clearances: rows(
                c,
                id,
                "SELECT id, rule, reason, cleared_by, cleared_at, after_screening_id FROM clearance WHERE patient_id = ?1 ORDER BY cleared_at, id",
                clearance,
            )?,
            trends: trends(&current),
            changes,
            outcomes,
            patient,
        })
    }
}

/// The rows of one patient (`?1`) that `sql` selects, each read by `read`.
fn rows<T>(c: &Db, patient_id: i64, sql: &str, read: fn(&Row) -> Result<T>) -> Result<Vec<T>> {
    c.query(sql, args![patient_id], read)
}

/// The photos grouped by zone and view, each group in time order (the photos come sorted by
/// date), groups in the order they first appear.
fn photo_series(photos: &[PhotoRecord]) -> Vec<PhotoSeries> {
    let mut series: Vec<PhotoSeries> = Vec::new();
    for p in photos {
        match series
            .iter_mut()
            .find(|s| s.zone == p.zone && s.view == p.view)
        {
            Some(s) => s.photo_ids.push(p.id),
            None => series.push(PhotoSeries {
                zone: p.zone.clone(),
                view: p.view.clone(),
                photo_ids: vec![p.id],
            }),
        }
    }
    series
}

/// One scale's scores in time order and the change from the first to the last, per scale in
/// the order the scales first appear.
fn trends(outcomes: &[OutcomeRecord]) -> Vec<Trend> {
    let mut trends: Vec<Trend> = Vec::new();
    for o in outcomes {
        match trends.iter_mut().find(|t| t.scale == o.scale) {
            Some(t) => t.points.push((o.assessed_at.clone(), o.score)),
            None => trends.push(Trend {
                scale: o.scale.clone(),
                points: vec![(o.assessed_at.clone(), o.score)],
                change: 0.0,
            }),
        }
    }
    for t in &mut trends {
        if let (Some(first), Some(last)) = (t.points.first(), t.points.last()) {
            t.change = last.1 - first.1;
        }
    }
    trends
}

fn screening(r: &Row) -> Result<ScreeningRecord> {
    let findings: String = r.get(4)?;
    Ok(ScreeningRecord {
        id: r.get(0)?,
        screened_at: r.get(1)?,
        verdict: r.get(2)?,
        knowledge_base_version: r.get(3)?,
        findings: serde_json::from_str(&findings).unwrap_or(serde_json::Value::Null),
    })
}

fn consent(r: &Row) -> Result<ConsentRecord> {
    Ok(ConsentRecord {
        id: r.get(0)?,
        version: r.get(1)?,
        text_sha256: r.get(2)?,
        signed_at: r.get(3)?,
        signer: r.get(4)?,
        signature_sha256: r.get(5)?,
    })
}

fn plan(r: &Row) -> Result<PlanRecord> {
    Ok(PlanRecord {
        id: r.get(0)?,
        created_at: r.get(1)?,
        indication: r.get(2)?,
        device: r.get(3)?,
        sessions: r.get(4)?,
        interval_weeks: r.get(5)?,
        verdict: r.get(6)?,
        override_reason: r.get(7)?,
        overrides_screening_id: r.get(8)?,
        override_rules: r
            .get::<Option<String>>(9)?
            .and_then(|rules| serde_json::from_str(&rules).ok())
            .unwrap_or_default(),
        override_clinician: r.get(10)?,
    })
}

fn session(r: &Row) -> Result<SessionRecord> {
    let zones: String = r.get(6)?;
    let topicals: String = r.get(7)?;
    let warnings: String = r.get(10)?;
    Ok(SessionRecord {
        id: r.get(0)?,
        plan_id: r.get(1)?,
        performed_at: r.get(2)?,
        device: r.get(3)?,
        device_serial: r.get(4)?,
        cartridge_lot: r.get(5)?,
        zones: serde_json::from_str(&zones).unwrap_or_default(),
        topicals: serde_json::from_str(&topicals).unwrap_or_default(),
        endpoint: r.get(8)?,
        operator: r.get(9)?,
        warnings: serde_json::from_str(&warnings).unwrap_or_default(),
        late_entry: r.get(11)?,
        depth_reason: r.get(12)?,
        same_day_reason: r.get(13)?,
    })
}

fn adverse_event(r: &Row) -> Result<AdverseEventRecord> {
    Ok(AdverseEventRecord {
        id: r.get(0)?,
        session_id: r.get(1)?,
        effect: r.get(2)?,
        severity: r.get(3)?,
        onset: r.get(4)?,
        resolved: r.get(5)?,
        action: r.get(6)?,
        late_entry: r.get(7)?,
    })
}

fn outcome(r: &Row) -> Result<OutcomeRecord> {
    Ok(OutcomeRecord {
        id: r.get(0)?,
        assessed_at: r.get(1)?,
        scale: r.get(2)?,
        score: r.get(3)?,
        assessor: r.get(4)?,
        late_entry: r.get(5)?,
    })
}

/// The columns [`photo`] reads, in its order.
pub(crate) const PHOTO_COLUMNS: &str =
    "id, taken_at, view, file_sha256, photo_consent, zone, media_type";

pub(crate) fn photo(r: &Row) -> Result<PhotoRecord> {
    Ok(PhotoRecord {
        id: r.get(0)?,
        taken_at: r.get(1)?,
        view: r.get(2)?,
        file_sha256: r.get(3)?,
        photo_consent: r.get(4)?,
        zone: r.get(5)?,
        media_type: r.get(6)?,
    })
}

fn clearance(r: &Row) -> Result<ClearanceRecord> {
    Ok(ClearanceRecord {
        id: r.get(0)?,
        rule: r.get(1)?,
        reason: r.get(2)?,
        cleared_by: r.get(3)?,
        cleared_at: r.get(4)?,
        after_screening_id: r.get(5)?,
    })
}
