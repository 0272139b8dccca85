//! The configuration file: a clinic's policy and defaults, so that they are not typed on every
//! run (docs/configuration.md). TOML, read from `--config FILE`, else `$MICRONEEDLING_CONFIG`,
//! else the platform's configuration directory (`$XDG_CONFIG_HOME/microneedling/config.toml`,
//! i.e. `~/.config/microneedling/config.toml` on Linux). A flag given on the command line wins
//! over the file, which wins over the built-in default.

use std::fmt::Display;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::failure::Failure;

/// The environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "MICRONEEDLING_CONFIG";

/// The environment variable the server reads the consent version from (crates/server).
pub const CONSENT_ENV: &str = "MICRONEEDLING_CONSENT_VERSION";

/// The default address of `serve`.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The file's tables; every key is optional, unknown keys are refused (a typo would otherwise
/// silently leave the default in force).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileValues {
    #[serde(default)]
    policy: Policy,
    #[serde(default)]
    records: Records,
    #[serde(default)]
    serve: Serve,
}

/// `[policy]`: the clinic's screening and records policy.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Policy {
    isotretinoin_window_days: Option<u32>,
    isotretinoin_tier: Option<String>,
    screening_max_age_days: Option<i64>,
    consent_version: Option<String>,
}

/// `[records]`: where the treatment record lives.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Records {
    db: Option<PathBuf>,
}

/// `[serve]`: the HTTP server.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Serve {
    addr: Option<String>,
}

/// The configuration of this run: which file, whether it exists, and its values.
#[derive(Debug, Default)]
pub struct Config {
    /// The file consulted.
    pub path: PathBuf,
    /// Why that file: `--config`, the environment variable or the platform's directory.
    pub chosen_by: &'static str,
    /// Whether it exists (an absent platform file is not an error: every default applies).
    pub found: bool,
    values: FileValues,
}

/// One effective value and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The key, as `table.key` in the file.
    pub key: &'static str,
    /// The effective value.
    pub value: String,
    /// Where it came from: a flag, the file, the environment or the default.
    pub source: String,
}

impl Config {
    /// Reads the configuration: `flag` (`--config`), else `env(MICRONEEDLING_CONFIG)`, else the
    /// platform's file. A file named by the flag or the variable must exist; the platform's may
    /// not.
    pub fn load(
        flag: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Failure> {
        let (path, chosen_by, required) = match (flag, env(CONFIG_ENV)) {
            (Some(path), _) => (path.to_path_buf(), "--config", true),
            (None, Some(path)) if !path.trim().is_empty() => {
                (PathBuf::from(path), CONFIG_ENV, true)
            }
            _ => (
                platform_path()?,
                "the platform's configuration directory",
                false,
            ),
        };
        let field = if chosen_by == "--config" {
            "--config".to_string()
        } else {
            format!("configuration file ({chosen_by})")
        };
        let found = path.is_file();
        if !found {
            if required {
                return Err(Failure::Input(format!(
                    "invalid {field}: {} does not exist or is not a file; accepted: a TOML file (docs/configuration.md)",
                    path.display()
                )));
            }
            return Ok(Self {
                path,
                chosen_by,
                found,
                values: FileValues::default(),
            });
        }
        let text = crate::commands::read_input(&field, &path)?;
        let values: FileValues = toml::from_str(&text).map_err(|e| {
            Failure::Input(format!(
                "invalid {field}: {}: {}; accepted: the tables [policy], [records] and [serve] of docs/configuration.md",
                path.display(),
                e.message()
            ))
        })?;
        Ok(Self {
            path,
            chosen_by,
            found,
            values,
        })
    }

    /// Where a value of the file came from, as `config show` says it.
    fn file_source(&self) -> String {
        format!("config file {}", self.path.display())
    }

    /// The isotretinoin window: the flag, else the file, else data/rules.toml's `default`.
    pub fn isotretinoin_window_days(&self, flag: Option<u32>, default: u32) -> Entry {
        self.pick(
            "policy.isotretinoin_window_days",
            flag.map(|v| (v, "--isotretinoin-window-days")),
            self.values.policy.isotretinoin_window_days,
            (default, "default (data/rules.toml)"),
        )
    }

    /// The isotretinoin tier: the flag, else the file, else data/rules.toml's `default`.
    pub fn isotretinoin_tier(&self, flag: Option<&str>, default: &str) -> Entry {
        self.pick(
            "policy.isotretinoin_tier",
            flag.map(|v| (v, "--isotretinoin-tier")),
            self.values.policy.isotretinoin_tier.as_deref(),
            (default, "default (data/rules.toml)"),
        )
    }

    /// The age after which a screening must be refreshed, days.
    pub fn screening_max_age_days(&self, flag: Option<i64>) -> Entry {
        self.pick(
            "policy.screening_max_age_days",
            flag.map(|v| (v, "--screening-max-age-days")),
            self.values.policy.screening_max_age_days,
            (
                microneedling_store::DEFAULT_SCREENING_MAX_AGE_DAYS,
                "default",
            ),
        )
    }

    /// The consent version a session needs: the flag, else (for the server, which has no flag)
    /// `$MICRONEEDLING_CONSENT_VERSION`, else the file, else the store's default.
    pub fn consent_version(&self, flag: Option<&str>, env: Option<&str>) -> Entry {
        let over = flag
            .map(|v| (v, "--consent-version"))
            .or_else(|| env.map(|v| (v, CONSENT_ENV)));
        self.pick(
            "policy.consent_version",
            over,
            self.values.policy.consent_version.as_deref(),
            (microneedling_store::DEFAULT_CONSENT_VERSION, "default"),
        )
    }

    /// The records database: the flag, else `MICRONEEDLING_DATABASE_URL`, else the file, else
    /// the user's data directory. A PostgreSQL URL in any of them is a server.
    pub fn db(&self, flag: Option<&Path>) -> microneedling_store::Location {
        let env = database_url_env();
        let chosen = flag
            .map(Path::to_path_buf)
            .or_else(|| env.map(PathBuf::from))
            .or_else(|| self.values.records.db.clone())
            .unwrap_or_else(microneedling_store::default_path);
        microneedling_store::Location::from_arg(Some(&chosen))
    }

    /// [`Config::db`] with its source.
    pub fn db_entry(&self, flag: Option<&Path>) -> Entry {
        let default = microneedling_store::default_path();
        let env =
            database_url_env().map(|url| microneedling_store::Location::parse(&url).to_string());
        let over = flag
            .map(|p| {
                (
                    microneedling_store::Location::from_arg(Some(p)).to_string(),
                    "--db",
                )
            })
            .or_else(|| env.map(|url| (url, microneedling_store::DATABASE_URL_ENV)));
        self.pick(
            "records.db",
            over,
            self.values
                .records
                .db
                .as_ref()
                .map(|p| p.display().to_string()),
            (
                default.display().to_string(),
                "default (the user's data directory)",
            ),
        )
    }

    /// The address `serve` listens on.
    pub fn addr(&self, flag: Option<&str>) -> Entry {
        self.pick(
            "serve.addr",
            flag.map(|v| (v, "--addr")),
            self.values.serve.addr.as_deref(),
            (DEFAULT_ADDR, "default"),
        )
    }

    /// The first of the command line (or environment), the file and the default.
    fn pick<T: Display>(
        &self,
        key: &'static str,
        over: Option<(T, &str)>,
        file: Option<T>,
        default: (T, &str),
    ) -> Entry {
        let (value, source) = match (over, file) {
            (Some((v, flag)), _) => (v.to_string(), flag.to_string()),
            (None, Some(v)) => (v.to_string(), self.file_source()),
            (None, None) => (default.0.to_string(), default.1.to_string()),
        };
        Entry { key, value, source }
    }
}

/// `MICRONEEDLING_DATABASE_URL` when set and not blank.
fn database_url_env() -> Option<String> {
    std::env::var(microneedling_store::DATABASE_URL_ENV)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The platform's configuration file: `microneedling/config.toml` in the XDG configuration
/// directory (Linux and other Unix, macOS too: a command-line tool's users expect ~/.config),
/// the roaming AppData on Windows.
pub fn platform_path() -> Result<PathBuf, Failure> {
    use etcetera::BaseStrategy;
    let strategy = etcetera::choose_base_strategy().map_err(|e| {
        Failure::Input(format!(
            "invalid configuration directory: {e}; accepted: a home directory, or --config FILE"
        ))
    })?;
    Ok(strategy
        .config_dir()
        .join("microneedling")
        .join("config.toml"))
}
