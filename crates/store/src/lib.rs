//! # microneedling-store
//!
//! Treatment records on SQLite (embedded, WAL): patients, screenings with their findings and
//! knowledge-base version, consent (version and text hash), plans with any override, sessions
//! (zones, depths, passes, device serial, cartridge and topical lots, endpoint, operator), adverse
//! events, outcome assessments and photo metadata, with an append-only audit log of every write.
//!
//! Every write is one immediate transaction: validated first, written with its audit row, or not at
//! all. Rules the store enforces: no session after a contraindicated screening unless the plan
//! carries an override; no session on a screening older than the configured age; a session sooner
//! than the plan's interval is recorded with a warning.
#![forbid(unsafe_code)]

use std::path::Path;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Utc};
use microneedling_core::plan::Plan;
use microneedling_core::screening::{Screening, Verdict};
use microneedling_core::{InputError, KnowledgeBase};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

mod error;
pub mod records;
pub mod schema;

pub use error::{Result, StoreError};
pub use records::*;

/// How long a writer waits for another before reporting `Busy`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Default age after which a screening must be refreshed before a session, days.
pub const DEFAULT_SCREENING_MAX_AGE_DAYS: i64 = 180;
pub const SEVERITIES: [&str; 3] = ["mild", "moderate", "severe"];
pub const ENDPOINTS: [&str; 2] = ["erythema", "pinpoint-bleeding"];

/// Hex SHA-256 of `bytes` (consent texts, photo files).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A date `YYYY-MM-DD`, or today when none is given.
pub fn parse_date_or_today(field: &str, text: Option<&str>) -> Result<NaiveDate, InputError> {
    match text {
        None => Ok(Utc::now().date_naive()),
        Some(t) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .map_err(|_| InputError::new(field, t, "a date YYYY-MM-DD")),
    }
}

/// A session time: `YYYY-MM-DDTHH:MM[:SS]`, or a date at midnight.
pub fn parse_date_time(field: &str, text: &str) -> Result<NaiveDateTime, InputError> {
    let t = text.trim();
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|_| InputError::new(field, text, "YYYY-MM-DD or YYYY-MM-DDTHH:MM"))
}

/// The default database file: `$XDG_DATA_HOME/microneedling/records.db`, else
/// `~/.local/share/microneedling/records.db`, else `./microneedling-records.db`.
pub fn default_path() -> std::path::PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".local/share"))
        });
    match base {
        Some(dir) => dir.join("microneedling").join("records.db"),
        None => std::path::PathBuf::from("microneedling-records.db"),
    }
}

/// The records of one clinic.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    actor: String,
    pub screening_max_age_days: i64,
}

fn text_field(field: &str, value: &str, max: usize) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > max {
        return Err(InputError::new(field, value, format!("1 to {max} characters")).into());
    }
    Ok(trimmed.to_string())
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it to the latest schema.
    pub fn open(path: &Path, actor: &str) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Database(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let conn = Connection::open(path)?;
        Self::setup(conn, actor, true)
    }

    pub fn open_in_memory(actor: &str) -> Result<Self> {
        Self::setup(Connection::open_in_memory()?, actor, true)
    }

    /// Opens without migrating past `version` (tests of the migrations).
    pub fn open_at_version(path: &Path, actor: &str, version: u32) -> Result<Self> {
        let conn = Connection::open(path)?;
        let mut store = Self::setup(conn, actor, false)?;
        store.migrate_to(version)?;
        Ok(store)
    }

    fn setup(conn: Connection, actor: &str, migrate: bool) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Self {
            conn,
            actor: actor.to_string(),
            screening_max_age_days: DEFAULT_SCREENING_MAX_AGE_DAYS,
        };
        if migrate {
            store.migrate_to(schema::LATEST_VERSION)?;
        }
        Ok(store)
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    fn migrate_to(&mut self, target: u32) -> Result<()> {
        let current = self.schema_version()?;
        if current > schema::LATEST_VERSION {
            return Err(StoreError::Database(format!(
                "the database has schema version {current}, newer than this program's {}",
                schema::LATEST_VERSION
            )));
        }
        for version in current..target.min(schema::LATEST_VERSION) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(schema::MIGRATIONS[version as usize])?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?)
    }

    fn audit(
        tx: &rusqlite::Transaction<'_>,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: Option<i64>,
        detail: &str,
    ) -> Result<()> {
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![Utc::now().to_rfc3339(), actor, action, entity, entity_id, detail],
        )?;
        Ok(())
    }

    fn patient_row(conn: &Connection, code: &str) -> Result<PatientRecord> {
        conn.query_row(
            "SELECT id, code, birth_year, sex, fitzpatrick, created_at FROM patient WHERE code = ?1",
            [code],
            |r| Ok(PatientRecord { id: r.get(0)?, code: r.get(1)?, birth_year: r.get(2)?, sex: r.get(3)?, fitzpatrick: r.get(4)?, created_at: r.get(5)? }),
        )
        .optional()?
        .ok_or_else(|| StoreError::UnknownPatient(code.to_string()))
    }

    pub fn patient(&self, code: &str) -> Result<PatientRecord> {
        Self::patient_row(&self.conn, code)
    }

    /// A date must not lie in the future nor before the patient's birth year.
    fn check_date(field: &str, date: NaiveDate, patient: &PatientRecord) -> Result<()> {
        let today = Utc::now().date_naive();
        if date > today {
            return Err(
                InputError::new(field, date, format!("a date not after today ({today})")).into(),
            );
        }
        if date.year() < patient.birth_year {
            return Err(InputError::new(
                field,
                date,
                format!("a date not before the birth year {}", patient.birth_year),
            )
            .into());
        }
        Ok(())
    }

    pub fn add_patient(&mut self, p: &NewPatient) -> Result<PatientRecord> {
        let code = text_field("code", &p.code, 64)?;
        let this_year = Utc::now().year();
        if !(this_year - 120..=this_year).contains(&p.birth_year) {
            return Err(InputError::new(
                "birth_year",
                p.birth_year,
                format!("{} to {this_year}", this_year - 120),
            )
            .into());
        }
        let sex = microneedling_core::skin::Sex::parse("sex", &p.sex)?.as_str();
        if !(1..=6).contains(&p.fitzpatrick) {
            return Err(InputError::new(
                "fitzpatrick",
                p.fitzpatrick,
                "a whole number from 1 to 6",
            )
            .into());
        }
        let actor = self.actor.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM patient WHERE code = ?1)",
            [&code],
            |r| r.get(0),
        )?;
        if exists {
            return Err(InputError::new("code", &code, "a code not already recorded").into());
        }
        let now = Utc::now().to_rfc3339();
        tx.execute(
            "INSERT INTO patient (code, birth_year, sex, fitzpatrick, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![code, p.birth_year, sex, p.fitzpatrick, now],
        )?;
        let id = tx.last_insert_rowid();
        Self::audit(&tx, &actor, "create", "patient", Some(id), &code)?;
        tx.commit()?;
        self.patient(&code)
    }

    /// Runs `insert` for patient `code` in one immediate transaction and appends its audit row
    /// (`entity`, the detail `insert` returns): all or nothing. Returns the new row's id.
    fn insert_for_patient(
        &mut self,
        code: &str,
        entity: &str,
        insert: impl FnOnce(&rusqlite::Transaction<'_>, &PatientRecord) -> Result<String>,
    ) -> Result<i64> {
        let actor = self.actor.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let patient = Self::patient_row(&tx, code)?;
        let detail = insert(&tx, &patient)?;
        let id = tx.last_insert_rowid();
        Self::audit(
            &tx,
            &actor,
            "create",
            entity,
            Some(id),
            &format!("{code}: {detail}"),
        )?;
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
            Self::check_date("screened_at", at, patient)?;
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
            Self::check_date("signed_at", signed_at, patient)?;
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
            Self::check_date("created_at", created, patient)?;
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

    /// Records a session after checking the device, the zones and the record's rules.
    pub fn add_session(&mut self, kb: &KnowledgeBase, s: &NewSession) -> Result<SessionRecord> {
        let device = kb.device(&s.device)?;
        if s.zones.is_empty() {
            return Err(
                InputError::new("zones", "none", "at least one zone SITE:DEPTH_MM:PASSES").into(),
            );
        }
        for (i, zone) in s.zones.iter().enumerate() {
            kb.site(&zone.site).map_err(|e| InputError {
                field: format!("zones[{i}].site"),
                ..e
            })?;
            device.check_length(zone.depth_mm).map_err(|e| InputError {
                field: format!("zones[{i}].depth_mm"),
                ..e
            })?;
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
            kb.agent(&t.agent).map_err(|e| InputError {
                field: format!("topicals[{i}].agent"),
                ..e
            })?;
            text_field(&format!("topicals[{i}].lot"), &t.lot, 64)?;
        }
        if !ENDPOINTS.contains(&s.endpoint.as_str()) {
            return Err(InputError::new("endpoint", &s.endpoint, ENDPOINTS.join(", ")).into());
        }
        let serial = text_field("device_serial", &s.device_serial, 64)?;
        let lot = text_field("cartridge_lot", &s.cartridge_lot, 64)?;
        let operator = text_field("operator", &s.operator, 128)?;
        let actor = self.actor.clone();
        let max_age = self.screening_max_age_days;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let patient = Self::patient_row(&tx, &s.code)?;
        let date = s.performed_at.date();
        Self::check_date("performed_at", date, &patient)?;

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
        let plan: Option<(i64, u32, Option<String>)> = tx
            .query_row(
                "SELECT id, interval_weeks, override_reason FROM plan WHERE patient_id = ?1 AND created_at <= ?2 ORDER BY created_at DESC, id DESC LIMIT 1",
                params![patient.id, date.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if verdict == Verdict::Contraindicated.as_str()
            && plan.as_ref().is_none_or(|p| p.2.is_none())
        {
            return Err(StoreError::Rule(format!(
                "{}: the latest screening is contraindicated and no plan carries an override: no session",
                s.code
            )));
        }
        let mut warnings = Vec::new();
        if let Some((_, interval_weeks, _)) = &plan {
            let previous: Option<String> = tx
                .query_row(
                    "SELECT performed_at FROM session WHERE patient_id = ?1 AND performed_at <= ?2 ORDER BY performed_at DESC LIMIT 1",
                    params![patient.id, s.performed_at.format("%Y-%m-%dT%H:%M:%S").to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(previous) =
                previous.and_then(|p| NaiveDateTime::parse_from_str(&p, "%Y-%m-%dT%H:%M:%S").ok())
            {
                let days = (s.performed_at - previous).num_days();
                if days < i64::from(*interval_weeks) * 7 {
                    warnings.push(format!("{days} days after the previous session: sooner than the plan's {interval_weeks} weeks"));
                }
            }
        }
        tx.execute(
            "INSERT INTO session (patient_id, plan_id, performed_at, device, device_serial, cartridge_lot, zones, topicals, endpoint, operator, warnings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                patient.id,
                plan.as_ref().map(|p| p.0),
                s.performed_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                device.id,
                serial,
                lot,
                serde_json::to_string(&s.zones)?,
                serde_json::to_string(&s.topicals)?,
                s.endpoint,
                operator,
                serde_json::to_string(&warnings)?
            ],
        )?;
        let id = tx.last_insert_rowid();
        Self::audit(
            &tx,
            &actor,
            "create",
            "session",
            Some(id),
            &format!("{}: {} {}", s.code, device.id, s.performed_at),
        )?;
        tx.commit()?;
        Ok(SessionRecord {
            id,
            plan_id: plan.map(|p| p.0),
            performed_at: s.performed_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            device: device.id.clone(),
            device_serial: serial,
            cartridge_lot: lot,
            zones: s.zones.clone(),
            topicals: s.topicals.clone(),
            endpoint: s.endpoint.clone(),
            operator,
            warnings,
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
            Self::check_date("onset", e.onset, patient)?;
            if let Some(resolved) = e.resolved {
                Self::check_date("resolved", resolved, patient)?;
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
            Self::check_date("assessed_at", o.assessed_at, patient)?;
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
            Self::check_date("taken_at", p.taken_at, patient)?;
            tx.execute(
                "INSERT INTO photo (patient_id, taken_at, view, file_sha256, photo_consent) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![patient.id, p.taken_at.to_string(), view, p.file_sha256, p.photo_consent],
            )?;
            Ok(view.clone())
        })
    }

    /// Every record of one patient, in time order, with the outcome trend per scale.
    pub fn history(&self, code: &str) -> Result<History> {
        let patient = self.patient(code)?;
        let id = patient.id;
        let c = &self.conn;
        let screenings = c
            .prepare_cached("SELECT id, screened_at, verdict, knowledge_base_version, findings FROM screening WHERE patient_id = ?1 ORDER BY screened_at, id")?
            .query_map([id], |r| {
                let findings: String = r.get(4)?;
                Ok(ScreeningRecord {
                    id: r.get(0)?,
                    screened_at: r.get(1)?,
                    verdict: r.get(2)?,
                    knowledge_base_version: r.get(3)?,
                    findings: serde_json::from_str(&findings).unwrap_or(serde_json::Value::Null),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let consents = c
            .prepare_cached("SELECT id, version, text_sha256, signed_at FROM consent WHERE patient_id = ?1 ORDER BY signed_at, id")?
            .query_map([id], |r| Ok(ConsentRecord { id: r.get(0)?, version: r.get(1)?, text_sha256: r.get(2)?, signed_at: r.get(3)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        let plans = c
            .prepare_cached("SELECT id, created_at, indication, device, sessions, interval_weeks, verdict, override_reason FROM plan WHERE patient_id = ?1 ORDER BY created_at, id")?
            .query_map([id], |r| {
                Ok(PlanRecord {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    indication: r.get(2)?,
                    device: r.get(3)?,
                    sessions: r.get(4)?,
                    interval_weeks: r.get(5)?,
                    verdict: r.get(6)?,
                    override_reason: r.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let sessions = c
            .prepare_cached("SELECT id, plan_id, performed_at, device, device_serial, cartridge_lot, zones, topicals, endpoint, operator, warnings FROM session WHERE patient_id = ?1 ORDER BY performed_at, id")?
            .query_map([id], |r| {
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
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let adverse_events = c
            .prepare_cached("SELECT id, session_id, effect, severity, onset, resolved, action FROM adverse_event WHERE patient_id = ?1 ORDER BY onset, id")?
            .query_map([id], |r| {
                Ok(AdverseEventRecord { id: r.get(0)?, session_id: r.get(1)?, effect: r.get(2)?, severity: r.get(3)?, onset: r.get(4)?, resolved: r.get(5)?, action: r.get(6)? })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let outcomes = c
            .prepare_cached("SELECT id, assessed_at, scale, score, assessor FROM outcome WHERE patient_id = ?1 ORDER BY assessed_at, id")?
            .query_map([id], |r| Ok(OutcomeRecord { id: r.get(0)?, assessed_at: r.get(1)?, scale: r.get(2)?, score: r.get(3)?, assessor: r.get(4)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        let photos = c
            .prepare_cached("SELECT id, taken_at, view, file_sha256, photo_consent FROM photo WHERE patient_id = ?1 ORDER BY taken_at, id")?
            .query_map([id], |r| Ok(PhotoRecord { id: r.get(0)?, taken_at: r.get(1)?, view: r.get(2)?, file_sha256: r.get(3)?, photo_consent: r.get(4)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut trends: Vec<Trend> = Vec::new();
        for o in &outcomes {
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
        Ok(History {
            patient,
            screenings,
            consents,
            plans,
            sessions,
            adverse_events,
            outcomes,
            photos,
            trends,
        })
    }

    /// Adds an API user with the hash of their token; returns the user's id.
    pub fn add_user(&mut self, name: &str, role: &str, token_hash: &str) -> Result<i64> {
        let name = text_field("name", name, 64)?;
        if !["clinician", "viewer"].contains(&role) {
            return Err(InputError::new("role", role, "clinician, viewer").into());
        }
        let actor = self.actor.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM app_user WHERE name = ?1)",
            [&name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(InputError::new("name", &name, "a user name not already taken").into());
        }
        tx.execute(
            "INSERT INTO app_user (name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role, token_hash, Utc::now().to_rfc3339()],
        )?;
        let id = tx.last_insert_rowid();
        Self::audit(
            &tx,
            &actor,
            "create",
            "user",
            Some(id),
            &format!("{name} ({role})"),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// A user's name, role and token hash.
    pub fn user(&self, id: i64) -> Result<Option<(String, String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, role, token_hash FROM app_user WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// Records a read of patient data in the audit log.
    pub fn audit_read(&mut self, entity: &str, detail: &str) -> Result<()> {
        let actor = self.actor.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Self::audit(&tx, &actor, "read", entity, None, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Every patient's code.
    pub fn patient_codes(&self) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare("SELECT code FROM patient ORDER BY code")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Rows in the audit log.
    pub fn audit_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))?)
    }

    /// Raw SQL for tests and tools that need it (read-only use expected).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
