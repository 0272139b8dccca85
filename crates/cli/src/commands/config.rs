//! `config show` and `config path`.

use std::fmt::Write as _;
use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use serde::Serialize;

use super::Output;
use crate::args::ConfigCommand;
use crate::config::{CONSENT_ENV, Config, Entry};
use crate::failure::Failure;

/// What `config show --json` prints.
#[derive(Debug, Serialize)]
struct Shown {
    /// The file consulted.
    file: String,
    /// Why that file.
    chosen_by: &'static str,
    /// Whether it exists.
    found: bool,
    /// Every value and its source.
    values: Vec<Entry>,
}

/// `config path` or `config show`.
pub fn run(command: ConfigCommand, config: &Config, out: Output) -> Result<ExitCode, Failure> {
    match command {
        ConfigCommand::Path => {
            out.emit(&serde_json::json!({ "file": config.path }), |_| {
                config.path.display().to_string()
            })?;
        }
        ConfigCommand::Show => {
            let kb = KnowledgeBase::embedded()?;
            let policy = &kb.isotretinoin_policy;
            let consent_env = std::env::var(CONSENT_ENV).ok();
            let values = vec![
                config.isotretinoin_window_days(None, policy.window_days),
                config.isotretinoin_tier(None, policy.tier.as_str()),
                config.screening_max_age_days(None),
                config.consent_version(None, None),
                config.db_entry(None),
                config.addr(None),
            ];
            let shown = Shown {
                file: config.path.display().to_string(),
                chosen_by: config.chosen_by,
                found: config.found,
                values,
            };
            out.emit(&shown, |s| text(s, consent_env.as_deref()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn text(shown: &Shown, consent_env: Option<&str>) -> String {
    let mut text = format!(
        "Configuration file: {} ({}; {})\n\n",
        shown.file,
        shown.chosen_by,
        if shown.found {
            "read"
        } else {
            "absent: the defaults apply"
        }
    );
    for e in &shown.values {
        let _ = writeln!(text, "{:<34} = {:<24} # {}", e.key, e.value, e.source);
    }
    text.push_str("\nA flag on the command line overrides its value for one run.\n");
    if let Some(version) = consent_env {
        let _ = writeln!(
            text,
            "`serve` takes the consent version from {CONSENT_ENV} ({version:?}) before the file."
        );
    }
    text
}
