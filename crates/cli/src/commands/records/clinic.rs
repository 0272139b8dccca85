//! The clinic's daily views: `records patients`, `due`, `lot` and `summary`. Each read of
//! patient data is audited (naming no patient: the list, the due list, the lot).

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::Utc;
use microneedling_core::{InputError, KnowledgeBase};
use microneedling_store::{PatientFilter, Store};

use crate::args::DueFormat;
use crate::commands::Output;
use crate::commands::io::print_body;
use crate::failure::Failure;

/// What every clinic view ends with.
const DECISION_SUPPORT: &str =
    "Decision support from the recorded plans: confirm against each patient's record.";

/// `records patients`.
pub fn patients(
    store: &mut Store,
    search: Option<&str>,
    indication: Option<&str>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let list = store.patients(&PatientFilter {
        search: search.map(str::to_string),
        indication: indication.map(str::to_string),
    })?;
    store.audit_read(
        "patient",
        &format!("patient list ({} patients)", list.len()),
    )?;
    out.emit(&list, |list| {
        let mut text = format!("{} patients\n", list.len());
        for p in list {
            let _ = writeln!(
                text,
                "{:<16} born {}  {:<6}  Fitzpatrick {}  {:<20}  {} sessions  last visit {}",
                p.code,
                p.birth_year,
                p.sex,
                p.fitzpatrick,
                p.indication.as_deref().unwrap_or("(no plan)"),
                p.sessions,
                p.last_visit.as_deref().unwrap_or("none")
            );
        }
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `records due`: text, JSON (`--format json` or `--json`) or an iCalendar file.
pub fn due(
    kb: &KnowledgeBase,
    store: &mut Store,
    within_days: i64,
    format: DueFormat,
    out: Output,
) -> Result<ExitCode, Failure> {
    if !(0..=3650).contains(&within_days) {
        return Err(InputError::new("--within-days", within_days, "0 to 3650 days").into());
    }
    let today = Utc::now().date_naive();
    let items = store.due(kb, today, within_days)?;
    store.audit_read("patient", &format!("due list ({} items)", items.len()))?;
    if format == DueFormat::Ics {
        print_body(&microneedling_store::due_calendar(&items))?;
        return Ok(ExitCode::SUCCESS);
    }
    let out = Output {
        json: out.json || format == DueFormat::Json,
    };
    out.emit(&items, |items| {
        let mut text = format!(
            "Due by {} ({} items)\n",
            today + chrono::Duration::days(within_days),
            items.len()
        );
        for d in items {
            let when = match d.days_from_today {
                0 => "today".to_string(),
                n if n < 0 => format!("overdue by {} days", -n),
                n => format!("in {n} days"),
            };
            let what = match d.session_number {
                Some(n) => format!("session {n} of {}", d.series_sessions),
                None => "reassessment".to_string(),
            };
            let _ = writeln!(
                text,
                "{}  {:<18}  {:<16}  {what} ({}): {}",
                d.due, when, d.code, d.indication, d.basis
            );
        }
        text.push_str(DECISION_SUPPORT);
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `records lot LOT`.
pub fn lot(store: &mut Store, lot: &str, out: Output) -> Result<ExitCode, Failure> {
    let uses = store.lot_uses(lot)?;
    store.audit_read("session", &format!("sessions of lot {lot}"))?;
    out.emit(&uses, |uses| {
        let mut patients: Vec<&str> = uses.iter().map(|u| u.code.as_str()).collect();
        patients.sort_unstable();
        patients.dedup();
        let mut text = format!(
            "Lot {lot}: {} uses in sessions of {} patients\n",
            uses.len(),
            patients.len()
        );
        for u in uses {
            let _ = writeln!(
                text,
                "{}  {:<16}  session {}  {} {}  {}{}",
                u.performed_at,
                u.code,
                u.session_id,
                u.device,
                u.device_serial,
                u.used_as,
                if u.superseded {
                    "  (record since amended or voided)"
                } else {
                    ""
                }
            );
        }
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `records summary`.
pub fn summary(store: &mut Store, out: Output) -> Result<ExitCode, Failure> {
    let summary = store.summary()?;
    out.emit(&summary, |s| {
        let sessions: i64 = s.sessions_per_month.values().sum();
        let mut text = format!(
            "{} patients, {sessions} sessions\n\nSessions per month\n",
            s.patients
        );
        for (month, n) in &s.sessions_per_month {
            let _ = writeln!(text, "  {month}  {n}");
        }
        text.push_str("\nAdverse events per session, by device and phototype\n");
        for r in &s.adverse_event_rates {
            let _ = writeln!(
                text,
                "  {:<20} Fitzpatrick {}  {} / {} sessions = {:.1} %",
                r.device,
                r.fitzpatrick,
                r.adverse_events,
                r.sessions,
                100.0 * r.rate
            );
        }
        if s.unlinked_adverse_events > 0 {
            let _ = writeln!(
                text,
                "  {} adverse events are recorded without a session",
                s.unlinked_adverse_events
            );
        }
        text
    })?;
    Ok(ExitCode::SUCCESS)
}
