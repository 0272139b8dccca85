//! `microneedling records …`: the treatment record on SQLite.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{NaiveDate, NaiveDateTime};
use microneedling_core::plan::{PlanOutcome, assess, plan};
use microneedling_core::{InputError, KnowledgeBase};
use microneedling_store::{
    History, NewAdverseEvent, NewOutcome, NewPatient, NewPhoto, NewSession, Store, TopicalRecord,
    ZoneRecord, sha256_hex,
};

use super::{Output, load_patient, read_input, sex};
use crate::args::{
    AdverseEventCommand, ExportFormat, OutcomeCommand, PatientCommand, PhotoCommand, PolicyArgs,
    RecordsArgs, RecordsCommand, SessionCommand,
};
use crate::failure::{EXIT_PLAN_REFUSED, Failure};
use crate::render;

fn date(field: &str, text: Option<&str>) -> Result<NaiveDate, Failure> {
    Ok(microneedling_store::parse_date_or_today(field, text)?)
}

fn date_time(field: &str, text: &str) -> Result<NaiveDateTime, Failure> {
    Ok(microneedling_store::parse_date_time(field, text)?)
}

fn zone(text: &str) -> Result<ZoneRecord, Failure> {
    let accepted = "SITE:DEPTH_MM:PASSES, e.g. cheek:1.5:3";
    let parts: Vec<&str> = text.split(':').collect();
    let [site, depth, passes] = parts.as_slice() else {
        return Err(InputError::new("--zone", text, accepted).into());
    };
    Ok(ZoneRecord {
        site: site.trim().to_string(),
        depth_mm: depth
            .trim()
            .parse()
            .map_err(|_| InputError::new("--zone", text, accepted))?,
        passes: passes
            .trim()
            .parse()
            .map_err(|_| InputError::new("--zone", text, accepted))?,
    })
}

fn topical(text: &str) -> Result<TopicalRecord, Failure> {
    let (agent, lot) = text.split_once(':').ok_or_else(|| {
        InputError::new("--topical", text, "AGENT:LOT, e.g. hyaluronic-acid:HA2291")
    })?;
    Ok(TopicalRecord {
        agent: agent.trim().to_string(),
        lot: lot.trim().to_string(),
    })
}

fn open(args: &RecordsArgs) -> Result<Store, Failure> {
    let path = args
        .db
        .clone()
        .unwrap_or_else(microneedling_store::default_path);
    let actor = args
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "cli".into());
    let mut store = Store::open(&path, &actor)?;
    if !(1..=3650).contains(&args.screening_max_age_days) {
        return Err(InputError::new(
            "--screening-max-age-days",
            args.screening_max_age_days,
            "1 to 3650 days",
        )
        .into());
    }
    store.screening_max_age_days = args.screening_max_age_days;
    Ok(store)
}

/// The patient file must describe the recorded patient.
fn check_same_patient(
    store: &Store,
    code: &str,
    patient: &microneedling_core::patient::Patient,
) -> Result<(), Failure> {
    let record = store.patient(code)?;
    if record.sex != patient.sex.as_str() || record.fitzpatrick != patient.fitzpatrick {
        return Err(Failure::Input(format!(
            "invalid patient file: it describes a {} of Fitzpatrick {}; the record of {code} is a {} of Fitzpatrick {}",
            patient.sex.as_str(),
            patient.fitzpatrick,
            record.sex,
            record.fitzpatrick
        )));
    }
    Ok(())
}

fn said<T: serde::Serialize>(out: Output, value: &T, text: String) -> Result<ExitCode, Failure> {
    out.emit(value, |_| text)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(kb: &KnowledgeBase, args: RecordsArgs, out: Output) -> Result<ExitCode, Failure> {
    let mut store = open(&args)?;
    match &args.command {
        RecordsCommand::Init => {
            let version = store.schema_version()?;
            let path = args
                .db
                .clone()
                .unwrap_or_else(microneedling_store::default_path);
            said(
                out,
                &serde_json::json!({ "path": path, "schema_version": version }),
                format!("Records at {} (schema version {version})", path.display()),
            )
        }
        RecordsCommand::Patient {
            command:
                PatientCommand::Add {
                    code,
                    birth_year,
                    sex: s,
                    fitzpatrick,
                },
        } => {
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
        RecordsCommand::Screen {
            code,
            patient,
            device,
            date: on,
        } => {
            let policy_args = PolicyArgs {
                isotretinoin_window_days: None,
                isotretinoin_tier: None,
                today: on.clone(),
            };
            let p = load_patient(kb, patient, &policy_args)?;
            check_same_patient(&store, code, &p)?;
            let assessment = assess(kb, &p, device.as_deref(), &kb.isotretinoin_policy)?;
            let inputs = serde_json::to_value(&p).map_err(|e| Failure::Internal(e.to_string()))?;
            let id = store.record_screening(
                code,
                &inputs,
                &assessment.screening,
                date("--date", on.as_deref())?,
            )?;
            let text = format!(
                "Screening {id} recorded for {code}.\n{}",
                render::screening(&assessment.screening)
            );
            said(
                out,
                &serde_json::json!({ "id": id, "screening": assessment.screening }),
                text,
            )
        }
        RecordsCommand::Consent {
            code,
            version,
            text_file,
            date: on,
        } => {
            let text = read_input("--text-file", text_file)?;
            let id = store.record_consent(code, version, &text, date("--date", on.as_deref())?)?;
            let hash = sha256_hex(text.as_bytes());
            said(
                out,
                &serde_json::json!({ "id": id, "version": version, "text_sha256": hash }),
                format!("Consent {id} ({version}, sha256 {hash}) recorded for {code}"),
            )
        }
        RecordsCommand::Plan {
            code,
            patient,
            override_reason,
            date: on,
        } => {
            let policy_args = PolicyArgs {
                isotretinoin_window_days: None,
                isotretinoin_tier: None,
                today: on.clone(),
            };
            let p = load_patient(kb, patient, &policy_args)?;
            check_same_patient(&store, code, &p)?;
            match plan(kb, &p, override_reason.as_deref(), &kb.isotretinoin_policy)? {
                PlanOutcome::Planned(plan) => {
                    let id = store.record_plan(code, &plan, date("--date", on.as_deref())?)?;
                    let text = format!("Plan {id} recorded for {code}.\n{}", render::plan(&plan));
                    said(out, &serde_json::json!({ "id": id, "plan": plan }), text)
                }
                PlanOutcome::Refused(screening) => {
                    out.emit(&screening, |s| format!("NO PLAN recorded: contraindicated; --override \"reason\" to plan anyway.\n\n{}", render::screening(s)))?;
                    Ok(ExitCode::from(EXIT_PLAN_REFUSED))
                }
            }
        }
        RecordsCommand::Session {
            command:
                SessionCommand::Add {
                    code,
                    date: on,
                    device,
                    serial,
                    lot,
                    zones,
                    topicals,
                    endpoint,
                    operator,
                },
        } => {
            let session = NewSession {
                code: code.clone(),
                performed_at: date_time("--date", on)?,
                device: device.clone(),
                device_serial: serial.clone(),
                cartridge_lot: lot.clone(),
                zones: zones.iter().map(|z| zone(z)).collect::<Result<_, _>>()?,
                topicals: topicals
                    .iter()
                    .map(|t| topical(t))
                    .collect::<Result<_, _>>()?,
                endpoint: endpoint.clone(),
                operator: operator.clone(),
            };
            let record = store.add_session(kb, &session)?;
            let mut text = format!(
                "Session {} recorded for {code} ({})",
                record.id, record.performed_at
            );
            for w in &record.warnings {
                let _ = write!(text, "\nWARNING: {w}");
            }
            said(out, &record, text)
        }
        RecordsCommand::AdverseEvent {
            command:
                AdverseEventCommand::Add {
                    code,
                    effect,
                    severity,
                    onset,
                    resolved,
                    session,
                    action,
                },
        } => {
            let event = NewAdverseEvent {
                code: code.clone(),
                session_id: *session,
                effect: effect.clone(),
                severity: severity.clone(),
                onset: date("--onset", Some(onset))?,
                resolved: resolved
                    .as_deref()
                    .map(|r| date("--resolved", Some(r)))
                    .transpose()?,
                action: action.clone(),
            };
            let id = store.add_adverse_event(kb, &event)?;
            said(
                out,
                &serde_json::json!({ "id": id, "event": event }),
                format!("Adverse event {id} ({effect}, {severity}) recorded for {code}"),
            )
        }
        RecordsCommand::Outcome {
            command:
                OutcomeCommand::Add {
                    code,
                    scale,
                    score,
                    assessor,
                    date: on,
                },
        } => {
            let outcome = NewOutcome {
                code: code.clone(),
                assessed_at: date("--date", on.as_deref())?,
                scale: scale.clone(),
                score: *score,
                assessor: assessor.clone(),
            };
            let id = store.add_outcome(&outcome)?;
            said(
                out,
                &serde_json::json!({ "id": id, "outcome": outcome }),
                format!("Outcome {id} ({scale}: {score}) recorded for {code}"),
            )
        }
        RecordsCommand::Photo {
            command:
                PhotoCommand::Add {
                    code,
                    file,
                    view,
                    photo_consent,
                    date: on,
                },
        } => {
            let bytes = std::fs::read(file).map_err(|e| {
                Failure::Input(format!(
                    "invalid --file: cannot read {}: {e}",
                    file.display()
                ))
            })?;
            let photo = NewPhoto {
                code: code.clone(),
                taken_at: date("--date", on.as_deref())?,
                view: view.clone(),
                file_sha256: sha256_hex(&bytes),
                photo_consent: *photo_consent,
            };
            let id = store.add_photo(&photo)?;
            said(
                out,
                &serde_json::json!({ "id": id, "photo": photo }),
                format!(
                    "Photo {id} ({view}, sha256 {}) recorded for {code}",
                    photo.file_sha256
                ),
            )
        }
        RecordsCommand::History { code } => {
            let history = store.history(code)?;
            out.emit(&history, history_text)?;
            Ok(ExitCode::SUCCESS)
        }
        RecordsCommand::Export { format } => {
            let histories = store
                .patient_codes()?
                .iter()
                .map(|c| store.history(c))
                .collect::<Result<Vec<_>, _>>()?;
            match format {
                ExportFormat::Json => Output { json: true }.emit(&histories, |_| String::new())?,
                ExportFormat::Csv => Output { json: false }.emit(&histories, |h| csv(h))?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn history_text(h: &History) -> String {
    let p = &h.patient;
    let mut text = format!(
        "Patient {} (born {}, {}, Fitzpatrick {})\n",
        p.code, p.birth_year, p.sex, p.fitzpatrick
    );
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
        let over = pl
            .override_reason
            .as_ref()
            .map_or(String::new(), |r| format!("  OVERRIDE: {r}"));
        let _ = writeln!(
            text,
            "  plan      {}  {} with {}, {} sessions every {} weeks ({}){over}",
            pl.created_at, pl.indication, pl.device, pl.sessions, pl.interval_weeks, pl.verdict
        );
    }
    text.push_str("Series\n");
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
    }
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

fn csv(histories: &[History]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut text = String::from("patient,kind,date,detail\n");
    for h in histories {
        let code = quote(&h.patient.code);
        for s in &h.screenings {
            let _ = writeln!(
                text,
                "{code},screening,{},{}",
                s.screened_at,
                quote(&s.verdict)
            );
        }
        for p in &h.plans {
            let _ = writeln!(
                text,
                "{code},plan,{},{}",
                p.created_at,
                quote(&format!(
                    "{} {} x{} every {} weeks",
                    p.indication, p.device, p.sessions, p.interval_weeks
                ))
            );
        }
        for s in &h.sessions {
            let zones: Vec<String> = s
                .zones
                .iter()
                .map(|z| format!("{}:{}:{}", z.site, z.depth_mm, z.passes))
                .collect();
            let _ = writeln!(
                text,
                "{code},session,{},{}",
                s.performed_at,
                quote(&format!(
                    "{} SN {} lot {} {} {}",
                    s.device,
                    s.device_serial,
                    s.cartridge_lot,
                    zones.join(" "),
                    s.endpoint
                ))
            );
        }
        for e in &h.adverse_events {
            let _ = writeln!(
                text,
                "{code},adverse-event,{},{}",
                e.onset,
                quote(&format!("{} {}", e.effect, e.severity))
            );
        }
        for o in &h.outcomes {
            let _ = writeln!(
                text,
                "{code},outcome,{},{}",
                o.assessed_at,
                quote(&format!("{} {}", o.scale, o.score))
            );
        }
    }
    text
}
