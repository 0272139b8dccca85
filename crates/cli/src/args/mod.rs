//! Command-line arguments, as clap parses them. Ranges are checked by the core, which names the
//! field in its errors; clap checks types and the lists of words.
//!
//! Options are offered only where they mean something: `--json` on the commands that print a
//! result, `--device-file`/`--agent-file` on those that read the knowledge base. Only the
//! verbosity and the configuration file are global.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

mod admin;
mod records;
mod simulate;
mod values;

pub use admin::*;
pub use records::*;
pub use simulate::*;
pub use values::parse_phototype;

/// The exit codes, as `--help` and the manual page list them (README.md lists them too).
const EXIT_CODES: &str = "Exit codes: 0 done (whatever the verdict), 1 a validation case failed or an internal error, 2 invalid input, 3 plan refused (contraindicated, no --override), 4 a record rule refused the write, 5 the records database stayed busy (retry), 6 the records database is damaged, empty, not SQLite or not initialised (run `records check`; `records init` creates).\n\nA FILE given as - means standard input (patient files, specs) or standard output (--report, --csv, --out).";

#[derive(Debug, Parser)]
#[command(
    name = "microneedling",
    version,
    about = "Screen, plan and simulate microneedling (percutaneous collagen induction). Decision support, not a prescription.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// More log lines on standard error: -v info, -vv debug, -vvv trace.
    #[arg(short, long, global = true, action = ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Only errors: no progress, no "wrote FILE", no warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Configuration file (clinic policy and defaults); else $MICRONEEDLING_CONFIG, else the
    /// platform's (`microneedling config path` prints it).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// `--json`, on the commands that print a result.
#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON instead of text (with engine_version and knowledge_base_version).
    #[arg(long, global = true)]
    pub json: bool,
}

/// Custom devices and agents, on the commands that read the knowledge base.
#[derive(Debug, Args)]
pub struct KbArgs {
    /// Add the custom devices of this TOML file ([[devices]] entries, as data/devices.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub device_file: Option<PathBuf>,
    /// Add the custom agents of this TOML file ([[agents]] entries, as data/agents.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub agent_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the knowledge base with sources.
    Catalog {
        /// Which table to list.
        #[arg(value_enum)]
        what: CatalogKind,
        #[command(flatten)]
        kb: KbArgs,
        #[command(flatten)]
        output: JsonArg,
    },
    /// Screen a patient file: verdict, findings, required actions, adverse-effect profile.
    Screen {
        /// The patient file (TOML, docs/patient-file.md); - reads standard input.
        patient: PathBuf,
        /// Device id (else the patient file's, else the indication's preferred device).
        #[arg(long)]
        device: Option<String>,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        kb: KbArgs,
        #[command(flatten)]
        output: JsonArg,
    },
    /// Run a model.
    Simulate {
        #[command(subcommand)]
        model: Model,
        #[command(flatten)]
        kb: KbArgs,
        #[command(flatten)]
        output: JsonArg,
    },
    /// Build a treatment plan from a patient file.
    Plan {
        /// The patient file (TOML, docs/patient-file.md); - reads standard input.
        patient: PathBuf,
        /// Plan despite a contraindication; the reason is carried in the plan.
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        #[command(flatten)]
        policy: PolicyArgs,
        /// Also write a self-contained HTML report with figures to this file (- for standard
        /// output, in place of the text).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        #[command(flatten)]
        kb: KbArgs,
        #[command(flatten)]
        output: JsonArg,
    },
    /// Treatment records: patients, screenings, consent, plans, sessions, adverse events, outcomes.
    Records(RecordsArgs),
    /// Virtual cohorts: a population under a grid of protocols, written as Parquet shards.
    Cohort {
        #[command(subcommand)]
        command: CohortCommand,
        #[command(flatten)]
        kb: KbArgs,
        #[command(flatten)]
        output: JsonArg,
    },
    /// Serve the HTTP API (OpenAPI at /api/openapi.json) and the web page; one log line per
    /// request on standard error.
    Serve {
        /// Address to listen on, HOST:PORT (default: the configuration's, else 127.0.0.1:8080).
        #[arg(long, value_name = "HOST:PORT")]
        addr: Option<String>,
        /// Records database (default: the configuration's, else the user's data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Users of the HTTP API.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
        #[command(flatten)]
        output: JsonArg,
    },
    /// Run every validation case (analytic solutions, published data); exit 1 if any fails.
    Validate {
        /// Also write a self-contained HTML report with figures to this file (- for standard
        /// output, in place of the text).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        #[command(flatten)]
        output: JsonArg,
    },
    /// Compare devices side by side at one site (home vs professional).
    #[command(allow_negative_numbers = true)]
    CompareDevices {
        /// Site id (`catalog sites`: cheek, forehead, scalp, ...).
        #[arg(long)]
        site: String,
        /// Device ids separated by commas, 2 to 8 (`catalog devices`).
        #[arg(long, value_delimiter = ',', required = true)]
        devices: Vec<String>,
        #[command(flatten)]
        person: PersonArgs,
        #[command(flatten)]
        kb: KbArgs,
        #[command(flatten)]
        output: JsonArg,
    },
    /// The configuration file: where it is read from, and the effective values.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
        #[command(flatten)]
        output: JsonArg,
    },
    /// Print a shell completion script, e.g. `microneedling completions bash >
    /// ~/.local/share/bash-completion/completions/microneedling`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `microneedling man > microneedling.1; man
    /// ./microneedling.1`; with --dir, write one page per command there.
    Man {
        /// Write microneedling.1 and one page per subcommand (microneedling-plan.1, ...) into
        /// this existing directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// A person's sex and age, where a command needs a person but no patient file.
#[derive(Debug, Args)]
pub struct PersonArgs {
    /// The person's sex (layer thicknesses differ).
    #[arg(long, value_enum, default_value = "female")]
    pub sex: SexArg,
    /// Age in years, 0 to 120.
    #[arg(long, value_name = "A", default_value_t = microneedling_core::setting::DEFAULT_AGE_YEARS)]
    pub age: f64,
}

/// The clinic's screening policy; the configuration file's values unless given here.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Days after the last isotretinoin dose during which the isotretinoin rule fires
    /// (label: 183; default: the configuration's, else data/rules.toml).
    #[arg(long, value_name = "DAYS")]
    pub isotretinoin_window_days: Option<u32>,
    /// Tier of the isotretinoin rule: caution (ASDS 2017), needs-clearance or contraindicated
    /// (label); default: the configuration's, else data/rules.toml.
    #[arg(long, value_name = "TIER")]
    pub isotretinoin_tier: Option<String>,
    /// Treatment date when the patient file has none (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// A person's sex.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SexArg {
    /// Female.
    Female,
    /// Male.
    Male,
}

/// The tables of the knowledge base.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CatalogKind {
    /// Anatomical sites: layer thicknesses and depth guides.
    Sites,
    /// Needling devices.
    Devices,
    /// Topical agents.
    Agents,
    /// Indications: sessions, intervals, preferred device, evidence.
    Indications,
    /// Screening rules with their tiers.
    Rules,
    /// Adverse effects with their likelihood and drivers.
    AdverseEffects,
    /// Published trial arms of the evidence base (data/trials.toml).
    Trials,
    /// The clinical scales of each indication (`simulate healing --scale`).
    Scales,
}

#[cfg(test)]
mod tests;
