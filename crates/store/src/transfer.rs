//! Moving a clinic from a SQLite file to a PostgreSQL server (`records migrate`): every row of
//! every record table copied with its id, in one transaction on the server, into a database that
//! holds no records yet; then checked row for row and audited on the server.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::audit::audit;
use crate::care::table_counts;
use crate::db::{Db, args};
use crate::{Location, Result, Store, StoreError};

/// The record tables in an order that respects their references.
const TABLE_ORDER: [&str; 12] = [
    "patient",
    "screening",
    "consent",
    "plan",
    "session",
    "adverse_event",
    "outcome",
    "photo",
    "record_change",
    "clearance",
    "app_user",
    "audit_log",
];

/// A verified move of the records from a file to a server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferReport {
    /// The SQLite file copied from (left as it was).
    pub from: String,
    /// The PostgreSQL database copied to (its URL without a password).
    pub to: String,
    pub schema_version: u32,
    /// Rows copied per table (the server's audit log holds one more: the migration's own row).
    pub rows: std::collections::BTreeMap<String, i64>,
}

impl Store {
    /// Copies the records of the SQLite file `from` (migrated to the latest schema first) into
    /// the PostgreSQL database `to`, which must hold no records: ids, audit log and all, in one
    /// transaction, verified by counting every table. The file is left as it was.
    pub fn transfer(from: &Path, to: &Location, actor: &str) -> Result<(Store, TransferReport)> {
        let Location::Postgres(_) = to else {
            return Err(microneedling_core::InputError::new(
                "--to",
                to,
                "a PostgreSQL URL postgres://USER@HOST/DB",
            )
            .into());
        };
        let source = Store::open_existing(from, actor)?;
        let target = Store::open_at(to, actor)?;
        let counts = table_counts(&source.db)?;
        if let Some(table) = counts.keys().find(|t| !TABLE_ORDER.contains(&t.as_str())) {
            return Err(StoreError::Damaged(format!(
                "{} has a table {table} this program does not know: nothing was copied",
                from.display()
            )));
        }
        let held: i64 = table_counts(&target.db)?.values().sum();
        if held > 0 {
            return Err(StoreError::Rule(format!(
                "{to} already holds {held} rows: records are moved into an empty database only, never merged"
            )));
        }
        let tx = target.db.write()?;
        for table in TABLE_ORDER.iter().filter(|t| counts.contains_key(**t)) {
            copy_table(&source.db, &tx, table)?;
        }
        let copied: i64 = counts.values().sum();
        audit(
            &tx,
            actor,
            "migrate",
            "database",
            None,
            &format!(
                "{copied} rows copied from the SQLite file {}",
                from.file_name().map_or_else(
                    || from.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
        )?;
        let mut copied_counts = table_counts(&tx)?;
        if let Some(n) = copied_counts.get_mut("audit_log") {
            *n -= 1;
        }
        if copied_counts != counts {
            return Err(StoreError::Damaged(format!(
                "the copy in {to} does not hold the rows of {}: nothing was kept",
                from.display()
            )));
        }
        tx.commit()?;
        let report = TransferReport {
            from: from.display().to_string(),
            to: to.to_string(),
            schema_version: target.schema_version()?,
            rows: counts,
        };
        Ok((target, report))
    }
}

/// Copies every row of `table` with its id, then moves the table's id sequence past them.
fn copy_table(from: &Db, to: &Db, table: &str) -> Result<()> {
    let columns: Vec<String> = from.query(
        &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
        args![],
        |r| r.get(0),
    )?;
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let insert = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        quoted.join(", "),
        placeholders.join(", ")
    );
    let rows = from.query(
        &format!("SELECT {} FROM {table} ORDER BY id", quoted.join(", ")),
        args![],
        |r| Ok(r.values().to_vec()),
    )?;
    for row in rows {
        to.execute(&insert, &row)?;
    }
    to.value::<i64>(
        &format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
        ),
        args![],
    )?;
    Ok(())
}
