//! What the tool says on standard error besides errors: the log (`-v`/`-q`), progress on a
//! terminal and "wrote FILE". Standard output carries only the result.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// `-q`: set once at start, read by every writer of standard error.
static QUIET: AtomicBool = AtomicBool::new(false);

/// The log levels from the quietest; `-q` is the first, `-v` moves one step right.
const LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];

/// Starts the log on standard error at the level `-v`/`-q` ask for, counted from the command's
/// usual level (`serve`: info, one line per request; others: warn). Without either flag,
/// `RUST_LOG` still applies.
pub fn start(verbose: u8, quiet: bool, serving: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
    let usual = if serving { 2 } else { 1 };
    let explicit = if quiet {
        Some(LEVELS[0])
    } else if verbose > 0 {
        Some(LEVELS[(usual + usize::from(verbose)).min(LEVELS.len() - 1)])
    } else {
        None
    };
    microneedling_server::init_logging_with(explicit, LEVELS[usual]);
}

/// Whether `-q` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Says on standard error that `path` was written (not with `-q`): output files are never
/// created silently.
pub fn wrote(path: &Path) {
    if !quiet() {
        eprintln!("wrote {}", path.display());
    }
}

/// A progress bar of `len` steps on a terminal; hidden when standard error is not a terminal
/// (piped, redirected, in tests) or with `-q`.
pub fn bar(len: u64, template: &str) -> ProgressBar {
    if quiet() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// A spinner with the elapsed time for work that cannot count its steps (a model run inside the
/// core), on a terminal only, as [`bar`]. Cleared when dropped.
pub fn spinner(message: &str) -> Spinner {
    if quiet() || !std::io::stderr().is_terminal() {
        return Spinner(ProgressBar::hidden());
    }
    let bar = ProgressBar::new_spinner().with_message(message.to_string());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    Spinner(bar)
}

/// A running spinner; it leaves no trace once the work is done.
#[derive(Debug)]
pub struct Spinner(ProgressBar);

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
