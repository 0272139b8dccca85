//! Reading the records back: one patient's history (text or JSON) and every patient's export
//! (JSON or CSV).

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::NaiveDateTime;
use microneedling_store::{AuditEntry, History, Store};

use crate::args::ExportFormat;
use crate::commands::Output;
use crate::failure::Failure;

/// `records history`.
pub fn history(store: &mut Store, code: &str, out: Output) -> Result<ExitCode, Failure> {
    let history = store.history(code)?;
    // Patients are named by row id in the audit log, never by code (erase leaves no trace).
    store.audit_read(
        "patient",
        &format!("history of patient #{}", history.patient.id),
    )?;
    out.emit(&history, history_text)?;
    Ok(ExitCode::SUCCESS)
}

/// `records export`: in the format of `--format`, whatever `--json` says; with `--audit`, the
/// audit log too (JSON: `{patients}` or `{patients, audit}` after the versions; CSV: an audit
/// section after a blank line).
pub fn export(
    store: &mut Store,
    format: ExportFormat,
    with_audit: bool,
) -> Result<ExitCode, Failure> {
    let histories = store
        .patient_codes()?
        .iter()
        .map(|c| store.history(c))
        .collect::<Result<Vec<_>, _>>()?;
    store.audit_read("patient", "export of every patient")?;
    let audit = if with_audit {
        Some(store.audit_entries()?)
    } else {
        None
    };
    match (format, audit) {
        (ExportFormat::Json, None) => Output { json: true }
            .emit(&serde_json::json!({ "patients": histories }), |_| {
                String::new()
            })?,
        (ExportFormat::Json, Some(audit)) => Output { json: true }.emit(
            &serde_json::json!({ "patients": histories, "audit": audit }),
            |_| String::new(),
        )?,
        (ExportFormat::Fhir, _) => return super::fhir::export(store, with_audit),
        (ExportFormat::Csv, audit) => {
            let mut text = csv(&histories)?;
            if let Some(audit) = &audit {
                text.push_str(&audit_csv(audit)?);
            }
            crate::commands::print_body(&text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The history for people: the patient and the assessments, then the series, the adverse
/// events and the outcome trend, each under its heading.
fn history_text(h: &History) -> String {
    let p = &h.patient;
    let mut text = format!(
        "Patient {} (born {}, {}, Fitzpatrick {})\n",
        p.code, p.birth_year, p.sex, p.fitzpatrick
    );
    assessments_text(&mut text, h);
    text.push_str("Series\n");
    series_text(&mut text, h);
    text.push_str("Adverse events\n");
    for e in &h.adverse_events {
        let _ = writeln!(
            text,
            "  {}  {} ({})  resolved {}  action: {}",
            e.onset,
            e.effect,
            e.severity,
            e.resolved.as_deref().unwrap_or("not yet"),
            e.action
        );
        if let Some(late) = &e.late_entry {
            let _ = writeln!(text, "      LATE ENTRY: {late}");
        }
    }
    for o in h.outcomes.iter().filter(|o| o.late_entry.is_some()) {
        let _ = writeln!(
            text,
            "  outcome {} {} {}  LATE ENTRY: {}",
            o.assessed_at,
            o.scale,
            o.score,
            o.late_entry.as_deref().unwrap_or_default()
        );
    }
    for c in &h.clearances {
        let _ = writeln!(
            text,
            "  clearance {}  {} cleared by {}: {}",
            c.cleared_at, c.rule, c.cleared_by, c.reason
        );
    }
    if !h.changes.is_empty() {
        text.push_str("Amended or voided (kept; the current version is the replacement)\n");
        for c in &h.changes {
            let what = match c.replaced_by {
                Some(new) => format!("SUPERSEDED by {} {new}", c.kind),
                None => "VOID".to_string(),
            };
            let _ = writeln!(
                text,
                "  {} {}  {what}  ({}, by {}): {}",
                c.kind, c.record_id, c.at, c.actor, c.reason
            );
        }
    }
    text.push_str("Outcome trend\n");
    for t in &h.trends {
        let points: Vec<String> = t.points.iter().map(|(d, v)| format!("{d}: {v}")).collect();
        let _ = writeln!(
            text,
            "  {}: {}  (change {:+})",
            t.scale,
            points.join(" -> "),
            t.change
        );
    }
    text
}

/// Screenings, consents and plans, one line each.
fn assessments_text(text: &mut String, h: &History) {
    for s in &h.screenings {
        let _ = writeln!(
            text,
            "  screening {}  {}  (knowledge base {})",
            s.screened_at, s.verdict, s.knowledge_base_version
        );
    }
    for c in &h.consents {
        let _ = writeln!(
            text,
            "  consent   {}  version {}  sha256 {}",
            c.signed_at,
            c.version,
            &c.text_sha256[..12.min(c.text_sha256.len())]
        );
    }
    for pl in &h.plans {
        let over = match (&pl.override_reason, pl.overrides_screening_id) {
            (Some(r), Some(id)) => format!(
                "  OVERRIDE of screening {id} ({}) by {}: {r}",
                pl.override_rules.join(", "),
                pl.override_clinician.as_deref().unwrap_or("?")
            ),
            (Some(r), None) => format!("  OVERRIDE (bound to no screening): {r}"),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            text,
            "  plan      {}  {} with {}, {} sessions every {} weeks ({}){over}",
            pl.created_at, pl.indication, pl.device, pl.sessions, pl.interval_weeks, pl.verdict
        );
    }
}

/// The sessions, each with the days since the one before and its warnings.
fn series_text(text: &mut String, h: &History) {
    let mut previous: Option<NaiveDateTime> = None;
    for s in &h.sessions {
        let at = NaiveDateTime::parse_from_str(&s.performed_at, "%Y-%m-%dT%H:%M:%S").ok();
        let gap = match (previous, at) {
            (Some(a), Some(b)) => format!("  (+{} days)", (b - a).num_days()),
            _ => String::new(),
        };
        previous = at.or(previous);
        let zones: Vec<String> = s
            .zones
            .iter()
            .map(|z| format!("{} {} mm x{}", z.site, z.depth_mm, z.passes))
            .collect();
        let _ = writeln!(
            text,
            "  {}{gap}  {} SN {} lot {}  {}  endpoint {}  by {}",
            s.performed_at,
            s.device,
            s.device_serial,
            s.cartridge_lot,
            zones.join(", "),
            s.endpoint,
            s.operator
        );
        for w in &s.warnings {
            let _ = writeln!(text, "      WARNING: {w}");
        }
        if let Some(late) = &s.late_entry {
            let _ = writeln!(text, "      LATE ENTRY: {late}");
        }
    }
}

/// The CSV export: one row per record, `patient,kind,date,detail` (docs/records.md). Quoting by
/// the `csv` crate.
fn csv(histories: &[History]) -> Result<String, Failure> {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for h in histories {
        let code = &h.patient.code;
        let mut row = |kind: &str, date: String, detail: String| {
            rows.push([code.clone(), kind.to_string(), date, detail]);
        };
        for s in &h.screenings {
            row("screening", s.screened_at.to_string(), s.verdict.clone());
        }
        for p in &h.plans {
            row(
                "plan",
                p.created_at.to_string(),
                format!(
                    "{} {} x{} every {} weeks",
                    p.indication, p.device, p.sessions, p.interval_weeks
                ),
            );
        }
        for s in &h.sessions {
            let zones: Vec<String> = s
                .zones
                .iter()
                .map(|z| format!("{}:{}:{}", z.site, z.depth_mm, z.passes))
                .collect();
            row(
                "session",
                s.performed_at.to_string(),
                format!(
                    "{} SN {} lot {} {} {}",
                    s.device,
                    s.device_serial,
                    s.cartridge_lot,
                    zones.join(" "),
                    s.endpoint
                ),
            );
        }
        for e in &h.adverse_events {
            row(
                "adverse-event",
                e.onset.to_string(),
                format!("{} {}", e.effect, e.severity),
            );
        }
        for o in &h.outcomes {
            row(
                "outcome",
                o.assessed_at.to_string(),
                format!("{} {}", o.scale, o.score),
            );
        }
    }
    table(&["patient", "kind", "date", "detail"], rows)
}

/// The audit section of the CSV export: a blank line, its own header, one row per entry.
fn audit_csv(audit: &[AuditEntry]) -> Result<String, Failure> {
    let rows = audit.iter().map(|e| {
        [
            e.id.to_string(),
            e.at.clone(),
            e.actor.clone(),
            e.action.clone(),
            e.entity.clone(),
            e.entity_id.map_or(String::new(), |i| i.to_string()),
            e.detail.clone(),
        ]
    });
    let header = [
        "audit_id",
        "at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "detail",
    ];
    Ok(format!("\n{}", table(&header, rows)?))
}

/// One CSV table: `header`, then `rows`.
fn table<const N: usize>(
    header: &[&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
) -> Result<String, Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::Internal(format!("cannot write CSV: {e}"));
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(|e| fail(&e))?;
    for row in rows {
        writer.write_record(&row).map_err(|e| fail(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| fail(&e))?;
    String::from_utf8(bytes).map_err(|e| fail(&e))
}
