//! One function per command: typed arguments in, text or JSON out.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use microneedling_core::InputError;
use microneedling_core::KnowledgeBase;
use microneedling_core::agent::agents_from_toml;
use microneedling_core::device::devices_from_toml;
use microneedling_core::patient::Patient;
use microneedling_core::screening::{IsotretinoinPolicy, Tier};
use microneedling_core::setting::{Setting, SettingQuery};
use microneedling_core::skin::Sex;
use serde::Serialize;

use crate::args::{Cli, Command, PolicyArgs, SettingArgs, SexArg};
use crate::failure::Failure;

mod catalog;
mod cohort;
mod compare;
mod delivery;
mod healing;
mod plan;
mod records;
mod screen;
mod server;
mod simulate;
mod validate;

/// Largest input file read, bytes: a patient or device file is a few kB.
const MAX_FILE_BYTES: u64 = 1 << 20;

pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let embedded = KnowledgeBase::embedded()?;
    let custom;
    let kb = if cli.device_file.is_some() || cli.agent_file.is_some() {
        let mut kb = embedded.clone();
        if let Some(path) = &cli.device_file {
            let text = read_input("--device-file", path)?;
            kb = kb.with_devices(devices_from_toml(&path.display().to_string(), &text)?)?;
        }
        if let Some(path) = &cli.agent_file {
            let text = read_input("--agent-file", path)?;
            kb = kb.with_agents(agents_from_toml(&path.display().to_string(), &text)?)?;
        }
        custom = kb;
        &custom
    } else {
        embedded
    };
    let out = Output { json: cli.json };
    match cli.command {
        Command::Catalog { what } => catalog::run(kb, what, out),
        Command::Screen {
            patient,
            device,
            policy,
        } => screen::run(kb, &patient, device.as_deref(), &policy, out),
        Command::Simulate { model } => simulate::run(kb, model, out),
        Command::Plan {
            patient,
            override_reason,
            policy,
            report,
        } => plan::run(
            kb,
            &patient,
            override_reason.as_deref(),
            &policy,
            report.as_deref(),
            out,
        ),
        Command::Validate { report } => validate::run(kb, report.as_deref(), out),
        Command::Records(args) => records::run(kb, args, out),
        Command::Cohort { command } => cohort::run(kb, command, out),
        Command::Serve { addr, db } => server::serve(&addr, db),
        Command::Users { command } => server::users(command, out),
        Command::CompareDevices {
            site,
            devices,
            person,
        } => compare::run(kb, &site, &devices, sex(person.sex), person.age, out),
    }
}

/// How results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
}

impl Output {
    /// Prints `value` as JSON, or `text` for humans.
    pub fn emit<T: Serialize>(
        self,
        value: &T,
        text: impl FnOnce(&T) -> String,
    ) -> Result<(), Failure> {
        let body = if self.json {
            serde_json::to_string_pretty(value)
                .map_err(|e| Failure::Internal(format!("cannot encode JSON: {e}")))?
        } else {
            text(value)
        };
        print_body(&body)
    }
}

/// Writes `body` and a newline to standard output. A reader that has gone away (`| head`) is
/// not an error: the output is simply no longer wanted, so the run ends quietly.
pub fn print_body(body: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{}", body.trim_end()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Internal(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Who the audit log records for this run: the OS user (`$USER`, else `$LOGNAME`, else the
/// uid), or `NAME (os-user)` when `MICRONEEDLING_ACTOR=NAME` names the person at the keyboard.
/// There is no command-line flag for it.
pub fn actor() -> String {
    let os_user = ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .or_else(|| {
            let status = std::fs::read_to_string("/proc/self/status").ok()?;
            let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
            Some(format!("uid {}", uid.split_whitespace().next()?))
        })
        .unwrap_or_else(|| "unknown OS user".into());
    match std::env::var("MICRONEEDLING_ACTOR") {
        Ok(name) if !name.trim().is_empty() => format!("{} ({os_user})", name.trim()),
        _ => os_user,
    }
}

pub fn sex(arg: SexArg) -> Sex {
    match arg {
        SexArg::Female => Sex::Female,
        SexArg::Male => Sex::Male,
    }
}

pub fn read_input(field: &str, path: &Path) -> Result<String, Failure> {
    let unreadable = |reason: String| {
        Failure::Input(format!(
            "invalid {field}: cannot read {}: {reason}",
            path.display()
        ))
    };
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !metadata.is_file() {
        return Err(unreadable("not a file".into()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(unreadable(format!(
            "{} bytes; accepted: at most {MAX_FILE_BYTES}",
            metadata.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8 text".into()))
}

/// The isotretinoin policy of data/rules.toml, with the command line's changes.
pub fn policy(kb: &KnowledgeBase, args: &PolicyArgs) -> Result<IsotretinoinPolicy, Failure> {
    let mut policy = kb.isotretinoin_policy.clone();
    if let Some(days) = args.isotretinoin_window_days {
        if days > 3650 {
            return Err(Failure::Input(format!(
                "invalid --isotretinoin-window-days: {days:?}; accepted: 0 to 3650 days"
            )));
        }
        policy.window_days = days;
    }
    if let Some(tier) = &args.isotretinoin_tier {
        policy.tier = Tier::parse("--isotretinoin-tier", tier)?;
    }
    Ok(policy)
}

pub fn today(args: &PolicyArgs) -> Result<NaiveDate, Failure> {
    match &args.today {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            Failure::Input(format!(
                "invalid --today: {text:?}; accepted: a date YYYY-MM-DD"
            ))
        }),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

pub fn load_patient(
    kb: &KnowledgeBase,
    path: &Path,
    args: &PolicyArgs,
) -> Result<Patient, Failure> {
    let text = read_input("patient file", path)?;
    Ok(Patient::from_toml(
        &path.display().to_string(),
        &text,
        kb,
        today(args)?,
    )?)
}

/// Writes an HTML report, naming the option on failure.
pub fn write_report(path: &Path, report: &microneedling_report::Report) -> Result<(), Failure> {
    std::fs::write(path, report.to_html()).map_err(|e| {
        Failure::Input(format!(
            "invalid --report: cannot write {}: {e}",
            path.display()
        ))
    })
}

/// The option that sets a field of a core request: `length_mm` → `--length-mm`.
pub fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// An input error of a core request, renamed to the command line's option.
pub fn as_option(e: InputError) -> InputError {
    InputError {
        field: flag(&e.field),
        ..e
    }
}

/// The device setting of the shared simulation options; errors name the option.
pub fn setting<'a>(kb: &'a KnowledgeBase, args: &SettingArgs) -> Result<Setting<'a>, Failure> {
    let device = args.device.as_deref().ok_or_else(|| {
        InputError::new(
            "--device",
            "missing",
            "a device id (catalog or --device-file)",
        )
    })?;
    let query = SettingQuery {
        device,
        length_mm: args.length_mm,
        site: &args.site,
        sex: sex(args.person.sex),
        age_years: Some(args.person.age),
        passes: args.passes,
    };
    Ok(Setting::resolve(kb, &query).map_err(as_option)?)
}

/// Writes a CSV file, naming the option on failure.
pub fn write_csv(path: &Path, text: &str) -> Result<(), Failure> {
    std::fs::write(path, text).map_err(|e| {
        Failure::Input(format!(
            "invalid --csv: cannot write {}: {e}",
            path.display()
        ))
    })
}
