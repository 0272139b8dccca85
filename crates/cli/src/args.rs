//! Command-line arguments, as clap parses them. Ranges are checked by the core, which names the
//! field in its errors; clap checks types and the lists of words.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "microneedling",
    version,
    about = "Screen, plan and simulate microneedling (percutaneous collagen induction). Decision support, not a prescription.",
    after_help = "Exit codes: 0 done (whatever the verdict), 1 a validation case failed or an internal error, 2 invalid input, 3 plan refused (contraindicated, no --override), 4 a record rule refused the write, 5 the records database stayed busy (retry), 6 the records database is damaged, empty, not SQLite or not initialised (run `records check`; `records init` creates)."
)]
pub struct Cli {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Add the custom devices of this TOML file ([[devices]] entries, as data/devices.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub device_file: Option<PathBuf>,
    /// Add the custom agents of this TOML file ([[agents]] entries, as data/agents.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub agent_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the knowledge base with sources.
    Catalog {
        #[arg(value_enum)]
        what: CatalogKind,
    },
    /// Screen a patient file: verdict, findings, required actions, adverse-effect profile.
    Screen {
        patient: PathBuf,
        /// Device id (else the patient file's, else the indication's preferred device).
        #[arg(long)]
        device: Option<String>,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Run a model.
    Simulate {
        #[command(subcommand)]
        model: Model,
    },
    /// Build a treatment plan from a patient file.
    Plan {
        patient: PathBuf,
        /// Plan despite a contraindication; the reason is carried in the plan.
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        #[command(flatten)]
        policy: PolicyArgs,
        /// Also write a self-contained HTML report with figures to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Treatment records: patients, screenings, consent, plans, sessions, adverse events, outcomes.
    Records(RecordsArgs),
    /// Serve the HTTP API (OpenAPI at /api/openapi.json) and the web page.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Records database (default: the user's data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Users of the HTTP API.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Run every validation case (analytic solutions, published data); exit 1 if any fails.
    Validate {
        /// Also write a self-contained HTML report with figures to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Compare devices side by side at one site (home vs professional).
    #[command(allow_negative_numbers = true)]
    CompareDevices {
        #[arg(long)]
        site: String,
        /// Device ids separated by commas, 2 to 8.
        #[arg(long, value_delimiter = ',', required = true)]
        devices: Vec<String>,
        #[command(flatten)]
        person: PersonArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum Model {
    /// How deep a device really goes at a site, and what the channels do.
    #[command(allow_negative_numbers = true)]
    Penetration {
        #[command(flatten)]
        setting: SettingArgs,
        /// Also write a self-contained HTML report with figures to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Healing and new collagen over months for a series of sessions, and the expected outcome.
    #[command(allow_negative_numbers = true)]
    Healing {
        #[command(flatten)]
        setting: SettingArgs,
        /// Number of sessions, 1 to 52.
        #[arg(long, value_name = "N")]
        sessions: u32,
        /// Weeks between sessions, 1 to 52.
        #[arg(long, value_name = "W")]
        interval_weeks: u32,
        /// Months to simulate from the first session, 1 to 60.
        #[arg(long, value_name = "M", default_value_t = microneedling_core::healing::DEFAULT_MONTHS)]
        months: u32,
        /// Indication whose clinical scale to report (and whose minimum interval to check).
        #[arg(long)]
        indication: Option<String>,
        /// Seed of the prior sampling (same seed, same band).
        #[arg(long, value_name = "S", default_value_t = microneedling_core::healing::DEFAULT_SEED)]
        seed: u64,
        /// Prior samples behind the band, 1 to 100000.
        #[arg(long, value_name = "N", default_value_t = microneedling_core::healing::DEFAULT_SAMPLES)]
        samples: usize,
        /// Also write the weekly series as CSV to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Also write a self-contained HTML report with figures to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// How much of a topical reaches each layer and the blood through the channels, vs intact skin.
    #[command(allow_negative_numbers = true)]
    Delivery {
        /// Agent id (catalog or --agent-file); or give --agent-mw and --agent-logkow.
        #[arg(long)]
        agent: Option<String>,
        /// Custom agent: molecular weight, g/mol.
        #[arg(long, value_name = "MW", requires = "agent_logkow")]
        agent_mw: Option<f64>,
        /// Custom agent: log10 of the octanol/water partition coefficient.
        #[arg(long, value_name = "LOGKOW", requires = "agent_mw")]
        agent_logkow: Option<f64>,
        #[command(flatten)]
        setting: SettingArgs,
        /// Simulated time, hours.
        #[arg(long, value_name = "H", default_value_t = 24.0)]
        hours: f64,
        /// The area is occluded after application (channels stay open about a day).
        #[arg(long)]
        occluded: bool,
        /// infinite:MG_PER_ML (fixed surface concentration) or finite:UG_PER_CM2 (a depleting film).
        #[arg(long, value_name = "DOSE", default_value = "infinite:10")]
        dose: String,
        /// Channel closure half-life in hours (else from occlusion and needle length).
        #[arg(long, value_name = "H")]
        closure_half_life_h: Option<f64>,
        /// Reporting times in hours, comma-separated (else 0.25, 0.5, 1, 2, 4, 8, 12, 24, … up to --hours).
        #[arg(long, value_name = "H,H", value_delimiter = ',')]
        report_hours: Vec<f64>,
        /// Times in hours with depth profiles, comma-separated (else 1, 4 and the end).
        #[arg(long, value_name = "H,H", value_delimiter = ',')]
        profile_hours: Vec<f64>,
        /// Also write the time series as CSV to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Also write a self-contained HTML report with figures to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
}

/// A device setting on one person's skin: the options every simulation shares.
#[derive(Debug, Args)]
pub struct SettingArgs {
    /// Device id (catalog or --device-file).
    #[arg(long)]
    pub device: String,
    /// Needle length in mm (else the device's default).
    #[arg(long, value_name = "L")]
    pub length_mm: Option<f64>,
    /// Site id (catalog sites: cheek, forehead, scalp, ...).
    #[arg(long)]
    pub site: String,
    #[command(flatten)]
    pub person: PersonArgs,
    /// Passes over the area per session (else the device's default).
    #[arg(long, value_name = "N")]
    pub passes: Option<u32>,
}

#[derive(Debug, Args)]
pub struct PersonArgs {
    #[arg(long, value_enum, default_value = "female")]
    pub sex: SexArg,
    /// Age in years, 0 to 120.
    #[arg(long, value_name = "A", default_value_t = microneedling_core::setting::DEFAULT_AGE_YEARS)]
    pub age: f64,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Days after the last isotretinoin dose during which the isotretinoin rule fires
    /// (label: 183; default from data/rules.toml).
    #[arg(long, value_name = "DAYS")]
    pub isotretinoin_window_days: Option<u32>,
    /// Tier of the isotretinoin rule: caution (ASDS 2017), needs-clearance or contraindicated (label).
    #[arg(long, value_name = "TIER")]
    pub isotretinoin_tier: Option<String>,
    /// Treatment date when the patient file has none (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SexArg {
    Female,
    Male,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CatalogKind {
    Sites,
    Devices,
    Agents,
    Indications,
    Rules,
    AdverseEffects,
}

#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// Database file (default: the user's data directory, e.g. ~/.local/share/microneedling/records.db).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Days after which a screening must be refreshed before a session.
    #[arg(long, global = true, value_name = "DAYS", default_value_t = 180)]
    pub screening_max_age_days: i64,
    /// The consent version a session needs on record for its patient.
    #[arg(long, global = true, value_name = "VERSION", default_value = microneedling_store::DEFAULT_CONSENT_VERSION)]
    pub consent_version: String,
    #[command(subcommand)]
    pub command: RecordsCommand,
}

#[derive(Debug, Subcommand)]
pub enum RecordsCommand {
    /// Create the database (an absent or empty file) or migrate it; every other command needs
    /// an initialised database.
    Init,
    /// Check the database: SQLite integrity and foreign keys, schema version (exit 6 if damaged).
    Check,
    /// Copy the database to FILE (SQLite online backup, verified; FILE must not exist).
    Backup { file: PathBuf },
    /// Replace the database by the backup FILE (verified; the replaced one is kept aside).
    Restore { file: PathBuf },
    /// Amend a session, adverse-event or outcome: a new record from the old one with the
    /// fields of --set changed (names as in the add command's JSON, e.g. score=3,
    /// onset=2026-11-03, zones='[{"site":"cheek","depth_mm":1.0,"passes":3}]'); the old one stays,
    /// marked superseded.
    Amend {
        kind: String,
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Void a session, adverse-event or outcome: it stays, marked void with the reason.
    Void {
        kind: String,
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Erase a patient on request: pseudonymise the code and coarsen the birth year (docs/records.md).
    Erase {
        code: String,
        #[arg(long)]
        reason: String,
    },
    /// Patients.
    Patient {
        #[command(subcommand)]
        command: PatientCommand,
    },
    /// Screen a recorded patient from a patient file and record the result, dated today. The
    /// file's sex, age and phototype must match the record; its treatment date may lie at most
    /// 30 days ahead.
    Screen {
        code: String,
        patient: PathBuf,
        #[arg(long)]
        device: Option<String>,
    },
    /// Record signed consent: its version and the hash of the text signed.
    Consent {
        code: String,
        #[arg(long)]
        version: String,
        #[arg(long, value_name = "FILE")]
        text_file: PathBuf,
        #[arg(long)]
        date: Option<String>,
    },
    /// Plan from a patient file and record the plan (with any override).
    Plan {
        code: String,
        patient: PathBuf,
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        /// The contraindicated screening the override overrides (default: the latest
        /// contraindicated screening, printed).
        #[arg(long, value_name = "ID", requires = "override_reason")]
        overrides_screening: Option<i64>,
        #[arg(long)]
        date: Option<String>,
    },
    /// Clearances of a contraindication found by an earlier screening.
    Clearance {
        #[command(subcommand)]
        command: ClearanceCommand,
    },
    /// Sessions.
    Session {
        #[command(subcommand)]
        command: SessionCommand,
    },
    /// Adverse events.
    AdverseEvent {
        #[command(subcommand)]
        command: AdverseEventCommand,
    },
    /// Outcome assessments.
    Outcome {
        #[command(subcommand)]
        command: OutcomeCommand,
    },
    /// Photo metadata (the file's hash, never the image).
    Photo {
        #[command(subcommand)]
        command: PhotoCommand,
    },
    /// A patient's series, adverse events and outcome trend.
    History { code: String },
    /// Export every patient's records.
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Include the audit log: JSON becomes {patients, audit}; CSV gains an audit section.
        #[arg(long)]
        audit: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClearanceCommand {
    /// Clear contraindication RULE found earlier, so that a re-screening may drop it.
    Add {
        code: String,
        /// The screening rule id.
        #[arg(long)]
        rule: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    Add {
        code: String,
        #[arg(long)]
        birth_year: i32,
        #[arg(long, value_enum)]
        sex: SexArg,
        #[arg(long)]
        fitzpatrick: u8,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    Add {
        code: String,
        /// YYYY-MM-DD or YYYY-MM-DDTHH:MM.
        #[arg(long)]
        date: String,
        #[arg(long)]
        device: String,
        #[arg(long)]
        serial: String,
        /// Cartridge or roller lot.
        #[arg(long)]
        lot: String,
        /// SITE:DEPTH_MM:PASSES, once per zone.
        #[arg(long = "zone", required = true)]
        zones: Vec<String>,
        /// AGENT:LOT, once per topical.
        #[arg(long = "topical")]
        topicals: Vec<String>,
        /// erythema or pinpoint-bleeding.
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        operator: String,
        /// Why a session dated before the latest screening, or more than a day ago, is entered
        /// late (required then).
        #[arg(long, value_name = "REASON")]
        late_entry: Option<String>,
        /// Why a zone goes past the device's labelled maximum or the site's maximum depth
        /// (required then).
        #[arg(long, value_name = "REASON")]
        depth_reason: Option<String>,
        /// Why a second session on one day (required then).
        #[arg(long, value_name = "REASON")]
        same_day_reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdverseEventCommand {
    Add {
        code: String,
        /// An adverse effect id of the catalog.
        #[arg(long)]
        effect: String,
        /// mild, moderate or severe.
        #[arg(long)]
        severity: String,
        #[arg(long)]
        onset: String,
        #[arg(long)]
        resolved: Option<String>,
        #[arg(long)]
        session: Option<i64>,
        #[arg(long)]
        action: String,
        /// Why an onset before the latest screening, or more than a day ago (required then).
        #[arg(long, value_name = "REASON")]
        late_entry: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutcomeCommand {
    #[command(allow_negative_numbers = true)]
    Add {
        code: String,
        #[arg(long)]
        scale: String,
        #[arg(long)]
        score: f64,
        #[arg(long)]
        assessor: String,
        #[arg(long)]
        date: Option<String>,
        /// Why an assessment dated before the latest screening, or more than a day ago
        /// (required then).
        #[arg(long, value_name = "REASON")]
        late_entry: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PhotoCommand {
    Add {
        code: String,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// front, left, right, left-oblique, right-oblique, close-up, ...
        #[arg(long)]
        view: String,
        /// The patient consented to this photo being kept.
        #[arg(long)]
        photo_consent: bool,
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user and print their bearer token once (only its hash is stored).
    Add {
        name: String,
        /// clinician (reads and writes records) or viewer (reads).
        #[arg(long)]
        role: String,
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// List the users (id, name, role, created, rotated, revoked): never a token.
    List {
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Revoke a user's token: refused (401) from now on. The id is never reused.
    Revoke {
        id: i64,
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Replace a user's token and print the new one once: the old one is refused from now on.
    Rotate {
        id: i64,
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
}
