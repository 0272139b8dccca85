//! `microneedling records …`: the treatment record on SQLite. One function per subcommand, by
//! kind: `assessments` (screen, consent, plan: from the patient's files), `treatment` (sessions,
//! adverse events, outcomes, photos) and `show` (history, export).

use std::process::ExitCode;

use chrono::{NaiveDate, NaiveDateTime};
use microneedling_core::{InputError, KnowledgeBase};
use microneedling_store::Location;
use microneedling_store::{NewPatient, Store};

use super::{Output, sex};
use crate::args::{ExportFormat, PatientCommand, RecordsArgs, RecordsCommand};
use crate::failure::Failure;

mod assessments;
mod care;
mod fhir;
mod show;
mod treatment;

pub fn run(kb: &KnowledgeBase, args: RecordsArgs, out: Output) -> Result<ExitCode, Failure> {
    match &args.command {
        RecordsCommand::Init => return init(&args, out),
        RecordsCommand::Check => return care::check(&db_location(&args), out),
        RecordsCommand::Restore { file } => {
            return care::restore(&db_location(&args), file, &super::actor(), out);
        }
        RecordsCommand::Migrate { from, to } => {
            return care::migrate(from, &Location::parse(to), &super::actor(), out);
        }
        _ => {}
    }
    let mut store = open(&args)?;
    let result = command(kb, &mut store, &args, out);
    // A write a rule refused is audited too (the write itself left nothing).
    if let Err(Failure::Refused(message)) = &result {
        store.audit_refused(command_name(&args.command), message)?;
    }
    result
}

/// The entity an attempt concerned, for the audit log.
fn command_name(command: &RecordsCommand) -> &'static str {
    match command {
        RecordsCommand::Init => "database",
        RecordsCommand::Patient { .. } => "patient",
        RecordsCommand::Screen { .. } => "screening",
        RecordsCommand::Consent { .. } => "consent",
        RecordsCommand::Plan { .. } => "plan",
        RecordsCommand::Session { .. } => "session",
        RecordsCommand::AdverseEvent { .. } => "adverse_event",
        RecordsCommand::Outcome { .. } => "outcome",
        RecordsCommand::Photo { .. } => "photo",
        RecordsCommand::History { .. }
        | RecordsCommand::Export { .. }
        | RecordsCommand::Import { .. } => "patient",
        RecordsCommand::Check
        | RecordsCommand::Backup { .. }
        | RecordsCommand::Restore { .. }
        | RecordsCommand::Migrate { .. } => "database",
        RecordsCommand::Erase { .. } => "patient",
        RecordsCommand::Clearance { .. } => "clearance",
        RecordsCommand::Amend { kind, .. } | RecordsCommand::Void { kind, .. } => {
            match kind.as_str() {
                "session" => "session",
                "adverse-event" => "adverse_event",
                "outcome" => "outcome",
                _ => "record",
            }
        }
    }
}

fn command(
    kb: &KnowledgeBase,
    store: &mut Store,
    args: &RecordsArgs,
    out: Output,
) -> Result<ExitCode, Failure> {
    match &args.command {
        RecordsCommand::Init
        | RecordsCommand::Check
        | RecordsCommand::Restore { .. }
        | RecordsCommand::Migrate { .. } => {
            unreachable!("handled above")
        }
        RecordsCommand::Backup { file } => care::backup(store, file, out),
        RecordsCommand::Erase { code, reason } => care::erase(store, code, reason, out),
        RecordsCommand::Amend {
            kind,
            id,
            reason,
            set,
        } => care::amend(kb, store, kind, *id, set, reason, out),
        RecordsCommand::Void { kind, id, reason } => care::void(store, kind, *id, reason, out),
        RecordsCommand::Patient { command } => add_patient(store, command, out),
        RecordsCommand::Screen {
            code,
            patient,
            device,
        } => assessments::screen(kb, store, code, patient, device.as_deref(), out),
        RecordsCommand::Consent {
            code,
            version,
            text_file,
            date,
        } => assessments::consent(store, code, version, text_file, date.as_deref(), out),
        RecordsCommand::Plan {
            code,
            patient,
            override_reason,
            overrides_screening,
            date,
        } => assessments::plan(
            kb,
            store,
            code,
            patient,
            assessments::Override {
                reason: override_reason.as_deref(),
                screening: *overrides_screening,
            },
            date.as_deref(),
            out,
        ),
        RecordsCommand::Clearance { command } => assessments::clearance(store, command, out),
        RecordsCommand::Session { command } => treatment::session(kb, store, command, out),
        RecordsCommand::AdverseEvent { command } => {
            treatment::adverse_event(kb, store, command, out)
        }
        RecordsCommand::Outcome { command } => treatment::outcome(store, command, out),
        RecordsCommand::Photo { command } => treatment::photo(store, command, out),
        RecordsCommand::History { code } => show::history(store, code, out),
        RecordsCommand::Export {
            format: ExportFormat::Fhir,
            audit,
        } => fhir::export(store, *audit),
        RecordsCommand::Export { format, audit } => show::export(store, *format, *audit),
        RecordsCommand::Import { format: _, file } => fhir::import(kb, store, file, out),
    }
}

/// The database of `--db` (or the default), written as the OS user (see [`super::actor`]), with
/// the screening age of `--screening-max-age-days`.
fn open(args: &RecordsArgs) -> Result<Store, Failure> {
    let mut store = Store::open_existing_at(&db_location(args), &super::actor())?;
    if !(1..=3650).contains(&args.screening_max_age_days) {
        return Err(InputError::new(
            "--screening-max-age-days",
            args.screening_max_age_days,
            "1 to 3650 days",
        )
        .into());
    }
    store.screening_max_age_days = args.screening_max_age_days;
    let version = args.consent_version.trim();
    if version.is_empty() {
        return Err(InputError::new("--consent-version", "", "a consent version, e.g. v1").into());
    }
    store.consent_version = version.to_string();
    Ok(store)
}

/// `--db` (a file or a PostgreSQL URL), else `MICRONEEDLING_DATABASE_URL`, else the user's
/// default database file.
fn db_location(args: &RecordsArgs) -> Location {
    Location::from_arg(args.db.as_deref())
}

/// `records init`: creates (an absent or empty file) or migrates the database; says where and at
/// what version.
fn init(args: &RecordsArgs, out: Output) -> Result<ExitCode, Failure> {
    let location = db_location(args);
    let version = Store::init_at(&location, &super::actor())?.schema_version()?;
    said(
        out,
        &serde_json::json!({ "path": location.to_string(), "schema_version": version }),
        format!("Records at {location} (schema version {version})"),
    )
}

/// `records patient add`.
fn add_patient(
    store: &mut Store,
    command: &PatientCommand,
    out: Output,
) -> Result<ExitCode, Failure> {
    let PatientCommand::Add {
        code,
        birth_year,
        sex: s,
        fitzpatrick,
    } = command;
    let record = store.add_patient(&NewPatient {
        code: code.clone(),
        birth_year: *birth_year,
        sex: sex(*s).as_str().into(),
        fitzpatrick: *fitzpatrick,
    })?;
    said(
        out,
        &record,
        format!("Patient {} added (id {})", record.code, record.id),
    )
}

fn date(field: &str, text: Option<&str>) -> Result<NaiveDate, Failure> {
    Ok(microneedling_store::parse_date_or_today(field, text)?)
}

fn date_time(field: &str, text: &str) -> Result<NaiveDateTime, Failure> {
    Ok(microneedling_store::parse_date_time(field, text)?)
}

/// Prints `value` as JSON, or `text`, and succeeds.
fn said<T: serde::Serialize>(out: Output, value: &T, text: String) -> Result<ExitCode, Failure> {
    out.emit(value, |_| text)?;
    Ok(ExitCode::SUCCESS)
}
