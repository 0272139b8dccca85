//! One function per command: typed arguments in, text or JSON out.

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

use crate::args::{Cli, Command, KbArgs, PolicyArgs, SettingArgs, SexArg};
use crate::config::Config;
use crate::failure::Failure;

mod catalog;
mod cohort;
mod compare;
mod config;
mod delivery;
mod docs;
mod healing;
pub mod io;
mod plan;
mod records;
mod screen;
mod server;
mod simulate;
mod tidy;
mod validate;

pub use io::{Output, print_body, read_bytes, read_input, source_name, stdout_taken, write_output};

/// The knowledge base with the custom devices and agents of `args`, if any.
fn knowledge_base(args: &KbArgs) -> Result<KnowledgeBase, Failure> {
    let mut kb = KnowledgeBase::embedded()?.clone();
    if let Some(path) = &args.device_file {
        let text = read_input("--device-file", path)?;
        kb = kb.with_devices(devices_from_toml(&source_name(path), &text)?)?;
    }
    if let Some(path) = &args.agent_file {
        let text = read_input("--agent-file", path)?;
        kb = kb.with_agents(agents_from_toml(&source_name(path), &text)?)?;
    }
    Ok(kb)
}

/// Runs the command of `cli` with the configuration `config`.
pub fn run(cli: Cli, config: &Config) -> Result<ExitCode, Failure> {
    let out = |json: &crate::args::JsonArg| Output { json: json.json };
    match cli.command {
        Command::Catalog { what, kb, output } => {
            catalog::run(&knowledge_base(&kb)?, what, out(&output))
        }
        Command::Screen {
            patient,
            device,
            policy,
            kb,
            output,
        } => screen::run(
            &knowledge_base(&kb)?,
            &patient,
            device.as_deref(),
            &policy,
            config,
            out(&output),
        ),
        Command::Simulate { model, kb, output } => {
            simulate::run(&knowledge_base(&kb)?, model, out(&output))
        }
        Command::Plan {
            patient,
            override_reason,
            policy,
            report,
            kb,
            output,
        } => plan::run(
            &knowledge_base(&kb)?,
            &patient,
            override_reason.as_deref(),
            &policy,
            config,
            report.as_deref(),
            out(&output),
        ),
        Command::Validate { report, output } => {
            validate::run(KnowledgeBase::embedded()?, report.as_deref(), out(&output))
        }
        Command::Records(args) => {
            // Recorded screenings and plans follow the clinic's isotretinoin policy too.
            let mut kb = knowledge_base(&args.kb)?;
            let no_flags = PolicyArgs {
                isotretinoin_window_days: None,
                isotretinoin_tier: None,
                today: None,
            };
            kb.isotretinoin_policy = policy(&kb, &no_flags, config)?;
            let output = out(&args.output);
            records::run(&kb, args, config, output)
        }
        Command::Cohort {
            command,
            kb,
            output,
        } => cohort::run(&knowledge_base(&kb)?, command, out(&output)),
        Command::Serve { addr, db } => server::serve(addr.as_deref(), db.as_deref(), config),
        Command::Users { command, output } => server::users(command, config, out(&output)),
        Command::CompareDevices {
            site,
            devices,
            person,
            kb,
            output,
        } => compare::run(
            &knowledge_base(&kb)?,
            &site,
            &devices,
            sex(person.sex),
            person.age,
            out(&output),
        ),
        Command::Config { command, output } => config::run(command, config, out(&output)),
        Command::Completions { shell } => docs::completions(shell),
        Command::Man { dir } => docs::man(dir.as_deref()),
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

/// The isotretinoin policy of data/rules.toml, with the configuration's and then the command
/// line's changes; errors name the flag or the file the value came from.
pub fn policy(
    kb: &KnowledgeBase,
    args: &PolicyArgs,
    config: &Config,
) -> Result<IsotretinoinPolicy, Failure> {
    let mut policy = kb.isotretinoin_policy.clone();
    let window = config.isotretinoin_window_days(args.isotretinoin_window_days, policy.window_days);
    policy.window_days = match window.value.parse::<u32>() {
        Ok(days) if days <= 3650 => days,
        _ => {
            return Err(Failure::Input(format!(
                "invalid {} ({}): {:?}; accepted: 0 to 3650 days",
                window.key, window.source, window.value
            )));
        }
    };
    let tier = config.isotretinoin_tier(args.isotretinoin_tier.as_deref(), policy.tier.as_str());
    policy.tier = Tier::parse(&format!("{} ({})", tier.key, tier.source), &tier.value)?;
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
        &source_name(path),
        &text,
        kb,
        today(args)?,
    )?)
}

/// Writes an HTML report to a file, or standard output for `-`.
pub fn write_report(path: &Path, report: &microneedling_report::Report) -> Result<(), Failure> {
    write_output("--report", path, &report.to_html())
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
