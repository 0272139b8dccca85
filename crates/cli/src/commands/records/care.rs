//! Care of the database: `records check`, `backup`, `restore` and `erase`.

use std::path::Path;
use std::process::ExitCode;

use microneedling_core::{InputError, KnowledgeBase};
use microneedling_store::{Location, Store};

use super::said;
use crate::commands::Output;
use crate::failure::Failure;

/// `records check`: prints the report; exit 6 when the database is damaged.
pub fn check(location: &Location, out: Output) -> Result<ExitCode, Failure> {
    let report = match location {
        Location::File(path) => Store::check_file(path)?,
        Location::Postgres(_) => Store::open_existing_at(location, "check")?.check(),
    };
    out.emit(&report, |r| {
        let mut text = format!(
            "{location}: integrity {}, schema version {} (this program's: {})",
            r.integrity, r.schema_version, r.latest_schema_version
        );
        for problem in &r.problems {
            text.push_str(&format!("\n  {problem}"));
        }
        text
    })?;
    if report.ok {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Failure::Damaged(format!(
            "{location} is damaged or not usable: {} problem(s); restore a backup (`records restore FILE`)",
            report.problems.len()
        )))
    }
}

/// `records backup FILE`.
pub fn backup(store: &mut Store, file: &Path, out: Output) -> Result<ExitCode, Failure> {
    let report = store.backup_to(file)?;
    crate::ui::wrote(file);
    let rows: i64 = report.rows.values().sum();
    said(
        out,
        &report,
        format!(
            "Backed up to {} and verified (integrity ok, {rows} rows in {} tables, schema version {})",
            report.path,
            report.rows.len(),
            report.schema_version
        ),
    )
}

/// `records migrate --from FILE --to URL`.
pub fn migrate(from: &Path, to: &Location, actor: &str, out: Output) -> Result<ExitCode, Failure> {
    let (_, report) = Store::transfer(from, to, actor)?;
    let rows: i64 = report.rows.values().sum();
    said(
        out,
        &report,
        format!(
            "Moved {rows} rows in {} tables from {} to {} and verified (schema version {}); the file is unchanged",
            report.rows.len(),
            report.from,
            report.to,
            report.schema_version
        ),
    )
}

/// `records restore FILE` (into a SQLite file; a PostgreSQL server restores with its own tools).
pub fn restore(
    location: &Location,
    file: &Path,
    actor: &str,
    out: Output,
) -> Result<ExitCode, Failure> {
    let Some(path) = location.file() else {
        return Err(InputError::new(
            "--db",
            location,
            "a SQLite file: a PostgreSQL database is restored with pg_restore (docs/postgres.md); to move a SQLite file into PostgreSQL use `records migrate --from FILE --to URL`",
        )
        .into());
    };
    let (_, report) = Store::restore(path, file, actor)?;
    let kept = report.kept_as.clone().map_or(String::new(), |k| {
        format!("; the replaced database is kept as {k}")
    });
    said(
        out,
        &report,
        format!(
            "Restored {} from {} and verified (schema version {}){kept}",
            report.path, report.from, report.schema_version
        ),
    )
}

/// `records erase CODE --reason TEXT`.
pub fn erase(
    store: &mut Store,
    code: &str,
    reason: &str,
    out: Output,
) -> Result<ExitCode, Failure> {
    let erased = store.erase_patient(code, reason)?;
    said(
        out,
        &erased,
        format!(
            "Patient erased: now {} (birth year coarsened to {}); the clinical record and the audit log are kept",
            erased.pseudonym, erased.birth_year
        ),
    )
}

/// `records amend KIND ID --reason TEXT --set FIELD=VALUE ...`: a value that reads as JSON is
/// taken as JSON (numbers, null, lists), any other as text.
pub fn amend(
    kb: &KnowledgeBase,
    store: &mut Store,
    kind: &str,
    id: i64,
    set: &[String],
    reason: &str,
    out: Output,
) -> Result<ExitCode, Failure> {
    let mut changes = serde_json::Map::new();
    for pair in set {
        let (field, value) = pair
            .split_once('=')
            .ok_or_else(|| InputError::new("--set", pair, "FIELD=VALUE"))?;
        let value = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
        changes.insert(field.trim().to_string(), value);
    }
    let new_id = store.amend(kb, kind, id, &changes, reason)?;
    said(
        out,
        &serde_json::json!({ "kind": kind, "id": id, "replaced_by": new_id }),
        format!(
            "{kind} {id} amended: the current version is {kind} {new_id}; {id} is kept, marked superseded"
        ),
    )
}

/// `records void KIND ID --reason TEXT`.
pub fn void(
    store: &mut Store,
    kind: &str,
    id: i64,
    reason: &str,
    out: Output,
) -> Result<ExitCode, Failure> {
    store.void(kind, id, reason)?;
    said(
        out,
        &serde_json::json!({ "kind": kind, "id": id, "voided": true }),
        format!("{kind} {id} voided; it is kept, marked void"),
    )
}
