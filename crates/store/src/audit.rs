//! The append-only audit log: one row per write (in the write's transaction) and per read of
//! patient data.

use chrono::Utc;

use crate::db::{Db, args};
use crate::{Result, Store};

/// Appends an audit row inside the caller's transaction, so it commits or rolls back with the
/// write it describes.
pub(crate) fn audit(
    tx: &Db,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![Utc::now().to_rfc3339(), actor, action, entity, entity_id, detail],
    )?;
    Ok(())
}

impl Store {
    /// Records a read of patient data in the audit log.
    pub fn audit_read(&mut self, entity: &str, detail: &str) -> Result<()> {
        self.audit_alone("read", entity, detail)
    }

    /// Records an attempt a rule refused (nothing else was written): `action` is `refused`,
    /// `detail` says what was tried and why it was refused.
    pub fn audit_refused(&mut self, entity: &str, detail: &str) -> Result<()> {
        self.audit_alone("refused", entity, detail)
    }

    /// An audit row in a transaction of its own (a read or a refusal: nothing else is written).
    /// A refusal's message may quote a patient code: the row names the patient by row id
    /// instead, as every audit row does, so that erasing a patient leaves no code behind.
    fn audit_alone(&mut self, action: &str, entity: &str, detail: &str) -> Result<()> {
        let actor = self.actor.clone();
        let tx = self.db.write()?;
        let detail = without_codes(&tx, detail)?;
        audit(&tx, &actor, action, entity, None, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Who this store writes as in the audit log.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Rows in the audit log.
    pub fn audit_count(&self) -> Result<i64> {
        self.db.value("SELECT COUNT(*) FROM audit_log", args![])
    }
}

/// `detail` with every patient code it quotes replaced by `patient #ID`.
fn without_codes(tx: &Db, detail: &str) -> Result<String> {
    let quoted: Vec<(i64, String)> = tx.query(
        "SELECT id, code FROM patient WHERE length(code) > 0 AND instr(?1, code) > 0 ORDER BY length(code) DESC",
        args![detail],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut detail = detail.to_string();
    for (id, code) in quoted {
        detail = detail.replace(&code, &format!("patient #{id}"));
    }
    Ok(detail)
}
