//! `microneedling records …`: the treatment record on SQLite or PostgreSQL. One function per subcommand, by
//! kind: `assessments` (screen, consent, plan: from the patient's files), `treatment` (sessions,
//! adverse events, outcomes, photos) and `show` (history, export).

use std::process::ExitCode;

use chrono::{NaiveDate, NaiveDateTime};
use microneedling_core::{InputError, KnowledgeBase};
use microneedling_store::Location;
use microneedling_store::{NewPatient, Store};

use super::{Output, sex};
use crate::args::{ExportFormat, PatientCommand, RecordsArgs, RecordsCommand};
use crate::config::Config;
use crate::failure::Failure;

mod assessments;
mod care;
mod clinic;
mod fhir;
mod show;
mod treatment;

pub fn run(
    kb: &KnowledgeBase,
    args: RecordsArgs,
    config: &Config,
    out: Output,
) -> Result<ExitCode, Failure> {
    let db = config.db(args.db.as_deref());
    match &args.command {
        RecordsCommand::Init => return init(&db, out),
        RecordsCommand::Check => return care::check(&db, out),
        RecordsCommand::Restore { file } => {
            return care::restore(&db, file, &super::actor(), out);
        }
        RecordsCommand::Migrate { from, to } => {
            return care::migrate(from, &Location::parse(to), &super::actor(), out);
        }
        _ => {}
    }
    let mut store = open(&db, &args, config)?;
    let files = microneedling_store::FileStore::beside(&db);
    let result = command(kb, &mut store, &files, &args, out);
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
        | RecordsCommand::Patients { .. }
        | RecordsCommand::Due { .. }
        | RecordsCommand::Lot { .. }
        | RecordsCommand::Import { .. } => "patient",
        RecordsCommand::Summary => "database",
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
    files: &microneedling_store::FileStore,
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
            signer,
            signature_file,
        } => assessments::consent(
            store,
            files,
            assessments::ConsentArgs {
                code,
                version,
                text_file,
                on: date.as_deref(),
                signer: signer.as_deref(),
                signature_file: signature_file.as_deref(),
            },
            out,
        ),
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
        RecordsCommand::Photo { command } => treatment::photo(store, files, command, out),
        RecordsCommand::History { code } => show::history(store, code, out),
        RecordsCommand::Patients { search, indication } => {
            clinic::patients(store, search.as_deref(), indication.as_deref(), out)
        }
        RecordsCommand::Due {
            within_days,
            format,
        } => clinic::due(kb, store, *within_days, *format, out),
        RecordsCommand::Lot { lot } => clinic::lot(store, lot, out),
        RecordsCommand::Summary => clinic::summary(store, out),
        RecordsCommand::Export {
            format: ExportFormat::Fhir,
            audit,
        } => fhir::export(store, *audit),
        RecordsCommand::Export { format, audit } => show::export(store, *format, *audit),
        RecordsCommand::Import { format: _, file } => fhir::import(kb, store, file, out),
    }
}

/// The database `db`, written as the OS user (see [`super::actor`]), with the screening age and
/// consent version of the flags, else of the configuration; errors name where a value came from.
fn open(db: &Location, args: &RecordsArgs, config: &Config) -> Result<Store, Failure> {
    let mut store = Store::open_existing_at(db, &super::actor())?;
    let age = config.screening_max_age_days(args.screening_max_age_days);
    let origin = |e: &crate::config::Entry| format!("{} ({})", e.key, e.source);
    store.screening_max_age_days = match age.value.parse::<i64>() {
        Ok(days) if (1..=3650).contains(&days) => days,
        _ => return Err(InputError::new(origin(&age), &age.value, "1 to 3650 days").into()),
    };
    let version = config.consent_version(args.consent_version.as_deref(), None);
    if version.value.trim().is_empty() {
        return Err(InputError::new(origin(&version), "", "a consent version, e.g. v1").into());
    }
    store.consent_version = version.value.trim().to_string();
    Ok(store)
}

/// `records init`: creates (an absent or empty file) or migrates the database; says where and at
/// what version.
fn init(location: &Location, out: Output) -> Result<ExitCode, Failure> {
    let version = Store::init_at(location, &super::actor())?.schema_version()?;
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
