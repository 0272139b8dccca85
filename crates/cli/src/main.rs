//! `microneedling`: screen, plan and simulate microneedling from the command line.
//!
//! Thin by design: arguments become typed values in `args`, each command calls the core and
//! prints text or JSON; exit codes are 0 (done, whatever the verdict), 2 (invalid input),
//! 3 (plan refused: contraindicated without an override), 1 (internal failure).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

mod args;
mod commands;
mod failure;
mod render;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    }
}
