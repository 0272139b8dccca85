//! Amending and voiding a record: the old row stays as it was; `record_change` says what replaced
//! it (or that it is void), when, by whom and why. An amendment is a new record, made from the
//! old one with the changed fields, checked like any new record and written in the same
//! transaction as its link to the old one.

use chrono::Utc;
use microneedling_core::{InputError, KnowledgeBase};
use serde_json::{Map, Value};

use crate::audit::audit;
use crate::db::{self, Db, args};
use crate::input::text_field;
use crate::patients::patient_row;
use crate::{
    NewAdverseEvent, NewOutcome, NewSession, PatientRecord, RecordChange, Result, Store, StoreError,
};

/// Kinds of record that can be amended or voided (the table names).
pub const CHANGEABLE: [&str; 3] = ["session", "adverse_event", "outcome"];

/// The record an insert replaces, with the reason.
#[derive(Debug, Clone)]
pub(crate) struct Amends {
    kind: String,
    old_id: i64,
    reason: String,
}

impl Amends {
    /// Record `old_id` of table `kind`, replaced or voided for `reason`.
    pub(crate) fn new(kind: &str, old_id: i64, reason: String) -> Self {
        Self {
            kind: kind.into(),
            old_id,
            reason,
        }
    }
}

/// `adverse-event` or `adverse_event` → the table name, or an error naming the kinds.
pub fn record_kind(kind: &str) -> Result<&'static str> {
    let normal = kind.trim().replace('-', "_");
    CHANGEABLE
        .into_iter()
        .find(|k| *k == normal)
        .ok_or_else(|| InputError::new("kind", kind, "session, adverse-event or outcome").into())
}

/// Links the old record to its replacement (or marks it void), refusing a record of another
/// patient, an unknown one, or one already amended or voided.
pub(crate) fn supersede(
    tx: &Db,
    actor: &str,
    patient: &PatientRecord,
    amends: &Amends,
    replaced_by: Option<i64>,
) -> Result<()> {
    let kind = amends.kind.as_str();
    let owner: Option<i64> = tx.query_opt(
        &format!("SELECT patient_id FROM {kind} WHERE id = ?1"),
        args![amends.old_id],
        |r| r.get(0),
    )?;
    if owner != Some(patient.id) {
        return Err(
            InputError::new("id", amends.old_id, format!("the id of a recorded {kind}")).into(),
        );
    }
    let earlier: Option<String> = tx.query_opt(
        "SELECT action FROM record_change WHERE kind = ?1 AND record_id = ?2",
        args![kind, amends.old_id],
        |r| r.get(0),
    )?;
    if let Some(action) = earlier {
        return Err(StoreError::Rule(format!(
            "{kind} {} was already {}: change the current version instead",
            amends.old_id,
            if action == "void" {
                "voided"
            } else {
                "amended"
            }
        )));
    }
    let action = if replaced_by.is_some() {
        "amend"
    } else {
        "void"
    };
    tx.execute(
        "INSERT INTO record_change (patient_id, kind, record_id, action, replaced_by, reason, at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        args![patient.id, kind, amends.old_id, action, replaced_by, &amends.reason, Utc::now().to_rfc3339(), actor],
    )?;
    let detail = match replaced_by {
        Some(new) => format!(
            "patient #{}: replaced by {kind} {new}: {}",
            patient.id, amends.reason
        ),
        None => format!("patient #{}: void: {}", patient.id, amends.reason),
    };
    audit(tx, actor, action, kind, Some(amends.old_id), &detail)
}

/// The old record as the fields of a new one (`New*` as JSON): the columns the add command
/// takes, by name; the JSON columns (zones, topicals) as JSON.
fn as_new(conn: &Db, kind: &str, id: i64) -> Result<Map<String, Value>> {
    let fields: &[&str] = match kind {
        "session" => &[
            "performed_at",
            "device",
            "device_serial",
            "cartridge_lot",
            "zones",
            "topicals",
            "endpoint",
            "operator",
        ],
        "adverse_event" => &[
            "session_id",
            "effect",
            "severity",
            "onset",
            "resolved",
            "action",
        ],
        _ => &["assessed_at", "scale", "score", "assessor"],
    };
    let columns: Vec<String> = fields.iter().map(|f| format!("r.{f}")).collect();
    let sql = format!(
        "SELECT p.code, {} FROM {kind} r JOIN patient p ON p.id = r.patient_id WHERE r.id = ?1",
        columns.join(", ")
    );
    let row = conn
        .query_opt(&sql, args![id], |r| Ok(r.clone()))?
        .ok_or_else(|| InputError::new("id", id, format!("the id of a recorded {kind}")))?;
    let mut map = Map::new();
    for (name, value) in std::iter::once(&"code").chain(fields).zip(row.values()) {
        let json = match value {
            db::Value::Null => Value::Null,
            db::Value::Integer(i) => Value::from(*i),
            db::Value::Real(x) => Value::from(*x),
            db::Value::Text(t) if ["zones", "topicals"].contains(name) => serde_json::from_str(t)?,
            db::Value::Text(t) => Value::from(t.as_str()),
        };
        map.insert((*name).to_string(), json);
    }
    Ok(map)
}

impl Store {
    /// Amends record `id` of `kind`: a new record, the old one's fields with `changes` applied
    /// (field names of the add command's JSON: `score`, `onset`, `zones`, ...), checked as any new
    /// record, linked to the old with `reason`. Returns the new record's id.
    pub fn amend(
        &mut self,
        kb: &KnowledgeBase,
        kind: &str,
        id: i64,
        changes: &Map<String, Value>,
        reason: &str,
    ) -> Result<i64> {
        let kind = record_kind(kind)?;
        let reason = text_field("reason", reason, 1000)?;
        if changes.is_empty() {
            return Err(
                InputError::new("set", "nothing", "at least one FIELD=VALUE to change").into(),
            );
        }
        let mut fields = as_new(&self.db, kind, id)?;
        for (field, value) in changes {
            if field == "code" || !fields.contains_key(field) {
                let known: Vec<&str> = fields
                    .keys()
                    .filter(|k| *k != "code")
                    .map(String::as_str)
                    .collect();
                return Err(InputError::new("set", field, known.join(", ")).into());
            }
            fields.insert(field.clone(), value.clone());
        }
        let bad = |e: serde_json::Error| {
            StoreError::from(InputError::new(
                "set",
                e.to_string(),
                format!("values a {kind} accepts"),
            ))
        };
        self.amending = Some(Amends {
            kind: kind.into(),
            old_id: id,
            reason,
        });
        let fields = Value::Object(fields);
        let result = match kind {
            "session" => serde_json::from_value::<NewSession>(fields)
                .map_err(bad)
                .and_then(|s| self.add_session(kb, &s).map(|r| r.id)),
            "adverse_event" => serde_json::from_value::<NewAdverseEvent>(fields)
                .map_err(bad)
                .and_then(|e| self.add_adverse_event(kb, &e)),
            _ => serde_json::from_value::<NewOutcome>(fields)
                .map_err(bad)
                .and_then(|o| self.add_outcome(&o)),
        };
        self.amending = None;
        result
    }

    /// Voids record `id` of `kind`: it stays, marked void with `reason`.
    pub fn void(&mut self, kind: &str, id: i64, reason: &str) -> Result<()> {
        let kind = record_kind(kind)?;
        let reason = text_field("reason", reason, 1000)?;
        let actor = self.actor.clone();
        let tx = self.db.write()?;
        let code: Option<String> = tx.query_opt(
            &format!(
                "SELECT p.code FROM {kind} r JOIN patient p ON p.id = r.patient_id WHERE r.id = ?1"
            ),
            args![id],
            |r| r.get(0),
        )?;
        let code =
            code.ok_or_else(|| InputError::new("id", id, format!("the id of a recorded {kind}")))?;
        let patient = patient_row(&tx, &code)?;
        let amends = Amends {
            kind: kind.into(),
            old_id: id,
            reason,
        };
        supersede(&tx, &actor, &patient, &amends, None)?;
        tx.commit()?;
        Ok(())
    }

    /// The amendments and voids of one patient's records, oldest first.
    pub(crate) fn record_changes(&self, patient_id: i64) -> Result<Vec<RecordChange>> {
        self.db.query(
            "SELECT kind, record_id, action, replaced_by, reason, at, actor FROM record_change WHERE patient_id = ?1 ORDER BY id",
            args![patient_id],
            |r| {
                Ok(RecordChange {
                    kind: r.get(0)?,
                    record_id: r.get(1)?,
                    action: r.get(2)?,
                    replaced_by: r.get(3)?,
                    reason: r.get(4)?,
                    at: r.get(5)?,
                    actor: r.get(6)?,
                })
            },
        )
    }
}
