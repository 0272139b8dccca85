//! `completions SHELL` and `man`: generated at run time from the same clap definition the
//! binary parses, so they can never disagree with it. No build script: nothing is written into
//! the source tree or a hidden build directory, and a packager runs the installed binary.

use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::args::Cli;
use crate::failure::Failure;

/// Prints the completion script of `shell` to standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "microneedling", &mut script);
    super::print_body(&String::from_utf8_lossy(&script))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the manual page, or writes every command's page into `dir`.
pub fn man(dir: Option<&Path>) -> Result<ExitCode, Failure> {
    let cmd = Cli::command();
    match dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .map_err(|e| Failure::Internal(format!("cannot render the manual page: {e}")))?;
            super::print_body(&String::from_utf8_lossy(&page))?;
        }
        Some(dir) => {
            if !dir.is_dir() {
                return Err(Failure::Input(format!(
                    "invalid --dir: {} is not a directory; accepted: an existing directory",
                    dir.display()
                )));
            }
            clap_mangen::generate_to(cmd, dir).map_err(|e| {
                Failure::Input(format!(
                    "invalid --dir: cannot write {}: {e}",
                    dir.display()
                ))
            })?;
            crate::ui::wrote(&dir.join("microneedling.1"));
        }
    }
    Ok(ExitCode::SUCCESS)
}
