//! The arguments of `microneedling records …`: the treatment record's subcommands.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::SexArg;

#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// The records: a database file, or a PostgreSQL database postgres://USER@HOST/DB (default:
    /// $MICRONEEDLING_DATABASE_URL, else the user's data directory, e.g.
    /// ~/.local/share/microneedling/records.db).
    #[arg(long, global = true, value_name = "PATH|URL")]
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
    /// Move a clinic's records from a SQLite file to a PostgreSQL database that holds none yet:
    /// every row and id, in one transaction, verified (the file is left as it was).
    Migrate {
        /// The SQLite database file to copy from.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The PostgreSQL database to copy to: postgres://USER[:PASSWORD]@HOST[:PORT]/DB.
        #[arg(long, value_name = "URL")]
        to: String,
    },
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
    /// Export every patient's records (fhir: a FHIR R4 Bundle, docs/fhir.md).
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Include the audit log: JSON becomes {patients, audit}; CSV gains an audit section.
        #[arg(long)]
        audit: bool,
    },
    /// Import the patients of FILE (a FHIR R4 Bundle as `export --format fhir` writes it)
    /// through the record rules; a patient whose code is already recorded is refused.
    Import {
        #[arg(long, value_enum)]
        format: ImportFormat,
        file: PathBuf,
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
    Fhir,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    Fhir,
}
