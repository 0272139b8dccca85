//! `microneedling`: screen, plan and simulate microneedling from the command line.
//!
//! Thin by design: arguments become typed values in `args`, each command calls the core and
//! prints text or JSON; exit codes are 0 (done, whatever the verdict), 2 (invalid input),
//! 3 (plan refused: contraindicated without an override), 1 (internal failure).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

mod args;
mod commands;
mod config;
mod failure;
mod render;
mod ui;

fn main() -> ExitCode {
    let matches = args::Cli::command().get_matches();
    let cli = args::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let name = matches.subcommand_name().unwrap_or_default();
    ui::start(cli.verbose, cli.quiet, name == "serve");
    // Completions and the manual page need no configuration: a broken file must not stop them.
    let config = match cli.command {
        args::Command::Completions { .. } | args::Command::Man { .. } => {
            Ok(config::Config::default())
        }
        _ => config::Config::load(cli.config.as_deref(), |k| std::env::var(k).ok()),
    };
    let started = std::time::Instant::now();
    // The log names the command and the configuration file, never an argument: arguments may
    // hold patient codes or file names that identify a person.
    let result = config.and_then(|config| {
        tracing::info!(
            command = name,
            config = %config.path.display(),
            config_found = config.found,
            "start"
        );
        commands::run(cli, &config)
    });
    tracing::info!(
        command = name,
        elapsed_ms = started.elapsed().as_millis(),
        ok = result.is_ok(),
        "finished"
    );
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    }
}
