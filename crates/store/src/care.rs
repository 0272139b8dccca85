//! Care of the database itself: integrity check, online backup and restore (both verified), the
//! audit log for export, and erasure (pseudonymisation) of a patient on request.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use rusqlite::Connection;
use rusqlite::backup::Backup;

use crate::audit::audit;
use crate::db::{Db, args};
use crate::input::{sha256_hex, text_field};
use crate::open::{FileState, file_state, open_sqlite_file};
use crate::patients::patient_row;
use crate::{
    AuditEntry, BUSY_TIMEOUT, BackupReport, CheckReport, ErasedPatient, RestoreReport, Result,
    Store, StoreError, schema,
};

/// Rows per record table (the database's own tables and the schema version's left out).
pub(crate) fn table_counts(db: &Db) -> Result<BTreeMap<String, i64>> {
    let mut counts = BTreeMap::new();
    for table in db.tables()? {
        if table == schema::postgres::VERSION_TABLE {
            continue;
        }
        let n: i64 = db.value(&format!("SELECT COUNT(*) FROM \"{table}\""), args![])?;
        counts.insert(table, n);
    }
    Ok(counts)
}

/// `PRAGMA integrity_check`, `foreign_key_check` and the schema version of `conn`. A check
/// that itself fails on a damaged file is reported as a problem, not as an error.
fn check_connection(conn: &Connection) -> CheckReport {
    let integrity = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .unwrap_or_else(|e: rusqlite::Error| vec![e.to_string()]);
    let foreign_keys = conn
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok(format!(
                    "{} row {} refers to a missing {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                    r.get::<_, String>(2)?
                ))
            })?
            .collect()
        })
        .unwrap_or_else(|e: rusqlite::Error| vec![e.to_string()]);
    let schema_version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap_or(0);
    let integrity_ok = integrity.len() == 1 && integrity[0] == "ok";
    let mut problems = Vec::new();
    if !integrity_ok {
        problems.extend(integrity.iter().map(|p| format!("integrity: {p}")));
    }
    problems.extend(foreign_keys.iter().map(|p| format!("foreign key: {p}")));
    problems.extend(schema_problem(schema_version));
    CheckReport {
        ok: problems.is_empty(),
        integrity: if integrity_ok {
            "ok".into()
        } else {
            "damaged".into()
        },
        problems,
        schema_version,
        latest_schema_version: schema::LATEST_VERSION,
    }
}

/// What is wrong with a database of `schema_version`, if anything.
fn schema_problem(schema_version: u32) -> Option<String> {
    if schema_version == 0 {
        Some("schema version 0: not an initialised records database".into())
    } else if schema_version > schema::LATEST_VERSION {
        Some(format!(
            "schema version {schema_version} is newer than this program's {}",
            schema::LATEST_VERSION
        ))
    } else {
        None
    }
}

fn copy_database(from: &Connection, to: &mut Connection) -> Result<()> {
    let backup = Backup::new(from, to)?;
    backup.run_to_completion(256, Duration::ZERO, None)?;
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl Store {
    /// `records check` on a file: never migrates nor writes; a damaged file is a report with
    /// `ok: false`, only a file that is absent or not SQLite at all is an error.
    pub fn check_file(path: &Path) -> Result<CheckReport> {
        Ok(check_connection(&open_sqlite_file(path)?))
    }

    /// The same check on this store's connection (the server's `GET /api/records/check`). On
    /// PostgreSQL, the server keeps its pages and foreign keys sound: the check is that it
    /// answers and holds the schema this program knows.
    pub fn check(&self) -> CheckReport {
        match &self.db {
            Db::Sqlite(c) => check_connection(c),
            Db::Postgres(_) => {
                let (integrity, mut problems) = match self.integrity_check() {
                    Ok(ok) => (ok, Vec::new()),
                    Err(e) => ("damaged".to_string(), vec![format!("integrity: {e}")]),
                };
                let schema_version = self.schema_version().unwrap_or(0);
                problems.extend(schema_problem(schema_version));
                CheckReport {
                    ok: problems.is_empty(),
                    integrity,
                    problems,
                    schema_version,
                    latest_schema_version: schema::LATEST_VERSION,
                }
            }
        }
    }

    /// Rows per table.
    pub fn table_counts(&self) -> Result<BTreeMap<String, i64>> {
        table_counts(&self.db)
    }

    /// SQLite's online backup of this database to `dest` (which must not exist), verified: the
    /// copy passes `integrity_check` and has the same rows per table. The backup is audited
    /// (in the source, before the copy, so the copy holds its own audit row).
    pub fn backup_to(&mut self, dest: &Path) -> Result<BackupReport> {
        if file_state(dest)? != FileState::Absent {
            return Err(StoreError::Rule(format!(
                "{} exists: a backup never overwrites a file, choose a new name",
                dest.display()
            )));
        }
        let Db::Sqlite(conn) = &self.db else {
            return Err(StoreError::Rule(
                "a PostgreSQL database is backed up by its server's tools (pg_dump, or continuous archiving): see docs/postgres.md".into(),
            ));
        };
        let actor = self.actor.clone();
        let tx = self.db.write()?;
        audit(
            &tx,
            &actor,
            "backup",
            "database",
            None,
            &format!("backup to {}", file_name(dest)),
        )?;
        tx.commit()?;
        // One read transaction: the counts and the copy see the same snapshot.
        conn.execute_batch("BEGIN DEFERRED")?;
        let copied = (|| {
            let counts = table_counts(&self.db)?;
            let mut to = Connection::open(dest)?;
            copy_database(conn, &mut to)?;
            Ok::<_, StoreError>(counts)
        })();
        conn.execute_batch("COMMIT")?;
        let verified = copied.and_then(|counts| {
            let copy = Connection::open(dest)?;
            let report = check_connection(&copy);
            let copy_counts = table_counts(&Db::Sqlite(copy))?;
            if !report.ok || copy_counts != counts {
                return Err(StoreError::Damaged(format!(
                    "the backup at {} failed its verification ({}): it was removed",
                    dest.display(),
                    report.problems.join("; ")
                )));
            }
            Ok(BackupReport {
                path: dest.display().to_string(),
                schema_version: report.schema_version,
                rows: counts,
            })
        });
        if verified.is_err() {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", dest.display()));
            }
        }
        verified
    }

    /// Replaces the database at `path` by the backup `from`: refused unless `from` passes
    /// `integrity_check` and is a microneedling database of this schema version or older. The
    /// database replaced is kept as `PATH.before-restore-TIMESTAMP`; the restored one is
    /// migrated, checked to hold the backup's rows, and the restore is audited in it.
    pub fn restore(path: &Path, from: &Path, actor: &str) -> Result<(Self, RestoreReport)> {
        let source = open_sqlite_file(from)?;
        let report = check_connection(&source);
        if !report.ok {
            return Err(StoreError::Damaged(format!(
                "{} cannot be restored: {}",
                from.display(),
                report.problems.join("; ")
            )));
        }
        let counts = table_counts(&Db::Sqlite(Connection::open(from)?))?;
        if !["patient", "audit_log"]
            .iter()
            .all(|t| counts.contains_key(*t))
        {
            return Err(StoreError::Damaged(format!(
                "{} is not a microneedling records database (no patient or audit_log table)",
                from.display()
            )));
        }
        let kept_as = keep_aside(path)?;
        let mut target = Connection::open(path)?;
        target.busy_timeout(BUSY_TIMEOUT)?;
        copy_database(&source, &mut target)?;
        drop(target);
        let store = Self::open_existing(path, actor)?;
        let restored = store.table_counts()?;
        let same = counts.iter().all(|(t, n)| restored.get(t) == Some(n));
        if !same || !store.check().ok {
            return Err(StoreError::Damaged(format!(
                "the restored database does not match {}; the previous one is kept at {}",
                from.display(),
                kept_as
                    .as_ref()
                    .map_or("(none)".into(), |p| p.display().to_string())
            )));
        }
        let detail = format!(
            "restored from {} (schema version {}); the replaced database kept as {}",
            file_name(from),
            report.schema_version,
            kept_as
                .as_deref()
                .map_or("(none: there was no database)".into(), file_name)
        );
        let tx = store.db.write()?;
        audit(&tx, actor, "restore", "database", None, &detail)?;
        tx.commit()?;
        let report = RestoreReport {
            path: path.display().to_string(),
            from: from.display().to_string(),
            kept_as: kept_as.map(|p| p.display().to_string()),
            schema_version: store.schema_version()?,
            rows: counts,
        };
        Ok((store, report))
    }

    /// Every audit row, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        self.db.query(
            "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log ORDER BY id",
            args![],
            |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    entity: r.get(4)?,
                    entity_id: r.get(5)?,
                    detail: r.get(6)?,
                })
            },
        )
    }

    /// Erases a patient on request (docs/records.md, "Erasure"): the code becomes a random
    /// pseudonym `erased-<hex>`, the birth year its decade, and every occurrence of the old code
    /// in the text of the patient's records (including the patient file kept with each
    /// screening) the pseudonym. Clinical facts stay. The audit log names patients by row id
    /// only, so it stays as it is; the erasure is audited without the code.
    pub fn erase_patient(&mut self, code: &str, reason: &str) -> Result<ErasedPatient> {
        let reason = text_field("reason", reason, 1000)?;
        if reason.to_lowercase().contains(&code.to_lowercase()) {
            return Err(microneedling_core::InputError::new(
                "reason",
                "(withheld)",
                "a reason that does not contain the patient's code",
            )
            .into());
        }
        let pseudonym = pseudonym(code);
        let actor = self.actor.clone();
        if let Db::Sqlite(c) = &self.db {
            c.pragma_update(None, "secure_delete", "ON")?;
        }
        let tx = self.db.write()?;
        let patient = patient_row(&tx, code)?;
        let decade = patient.birth_year - patient.birth_year.rem_euclid(10);
        tx.execute(
            "UPDATE patient SET code = ?1, birth_year = ?2 WHERE id = ?3",
            args![&pseudonym, decade, patient.id],
        )?;
        let screenings: Vec<(i64, String)> = tx.query(
            "SELECT id, inputs FROM screening WHERE patient_id = ?1",
            args![patient.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        for (id, inputs) in screenings {
            if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&inputs) {
                if let Some(c) = value.pointer_mut("/patient/code") {
                    *c = serde_json::Value::String(pseudonym.clone());
                }
                tx.execute(
                    "UPDATE screening SET inputs = ?1 WHERE id = ?2",
                    args![value.to_string(), id],
                )?;
            }
        }
        for (table, column) in patient_text_columns(&tx)? {
            tx.execute(
                &format!("UPDATE \"{table}\" SET \"{column}\" = replace(\"{column}\", ?1, ?2) WHERE patient_id = ?3 AND instr(\"{column}\", ?1) > 0"),
                args![code, &pseudonym, patient.id],
            )?;
        }
        audit(
            &tx,
            &actor,
            "erase",
            "patient",
            Some(patient.id),
            &format!("patient #{} pseudonymised: {reason}", patient.id),
        )?;
        tx.commit()?;
        // The old values must not survive in the WAL nor in free pages. (PostgreSQL's old row
        // versions go at its next vacuum of the tables: docs/postgres.md.)
        if let Db::Sqlite(c) = &self.db {
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            c.pragma_update(None, "secure_delete", "OFF")?;
        }
        Ok(ErasedPatient {
            id: patient.id,
            pseudonym,
            birth_year: decade,
        })
    }
}

/// The text columns of every table with a `patient_id` column.
fn patient_text_columns(db: &Db) -> Result<Vec<(String, String)>> {
    let mut columns = Vec::new();
    for table in db.tables()? {
        if db.has_column(&table, "patient_id")? {
            columns.extend(
                db.text_columns(&table)?
                    .into_iter()
                    .map(|column| (table.clone(), column)),
            );
        }
    }
    Ok(columns)
}

/// `erased-` and 16 hex digits that nothing links back to the code: the hash of the code with
/// the time and the process's random hasher keys.
fn pseudonym(code: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write(code.as_bytes());
    let salt = hasher.finish();
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let hash = sha256_hex(format!("{salt}:{nanos}:{}", std::process::id()).as_bytes());
    format!("erased-{}", &hash[..16])
}

/// Keeps the database at `path` aside before a restore: an online copy when it is sound, the
/// files themselves moved when it is not. `None` when there is no database there.
fn keep_aside(path: &Path) -> Result<Option<PathBuf>> {
    let state = file_state(path)?;
    if state == FileState::Absent {
        return Ok(None);
    }
    let aside = PathBuf::from(format!(
        "{}.before-restore-{}",
        path.display(),
        Utc::now().format("%Y%m%dT%H%M%S%.3f")
    ));
    let sound = state == FileState::Sqlite
        && Connection::open(path)
            .ok()
            .is_some_and(|c| check_connection(&c).integrity == "ok");
    if sound {
        let current = Connection::open(path)?;
        current.busy_timeout(BUSY_TIMEOUT)?;
        let mut to = Connection::open(&aside)?;
        copy_database(&current, &mut to)?;
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let from = format!("{}{suffix}", path.display());
            if Path::new(&from).exists() {
                std::fs::rename(&from, format!("{}{suffix}", aside.display()))
                    .map_err(|e| StoreError::Database(format!("cannot keep {from} aside: {e}")))?;
            }
        }
    }
    Ok(Some(aside))
}
