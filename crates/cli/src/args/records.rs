//! The arguments of `microneedling records …`: the treatment record's subcommands.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::{JsonArg, KbArgs, SexArg};

#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// The records: a database file, or a PostgreSQL database postgres://USER@HOST/DB (default:
    /// $MICRONEEDLING_DATABASE_URL, else the configuration's, else the user's data directory,
    /// e.g. ~/.local/share/microneedling/records.db).
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub db: Option<PathBuf>,
    /// Days after which a screening must be refreshed before a session (default: the
    /// configuration's, else 180).
    #[arg(long, global = true, value_name = "DAYS")]
    pub screening_max_age_days: Option<i64>,
    /// The consent version a session needs on record for its patient (default: the
    /// configuration's, else the store's).
    #[arg(long, global = true, value_name = "VERSION")]
    pub consent_version: Option<String>,
    #[command(flatten)]
    pub kb: KbArgs,
    #[command(flatten)]
    pub output: JsonArg,
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
    Backup {
        /// The backup to create.
        file: PathBuf,
    },
    /// Replace the database by the backup FILE (verified; the replaced one is kept aside).
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
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
        /// session, adverse-event or outcome.
        kind: String,
        /// The record's id (`records history --json`).
        id: i64,
        /// Why it is amended (kept with the record).
        #[arg(long)]
        reason: String,
        /// FIELD=VALUE, once per changed field.
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Void a session, adverse-event or outcome: it stays, marked void with the reason.
    Void {
        /// session, adverse-event or outcome.
        kind: String,
        /// The record's id (`records history --json`).
        id: i64,
        /// Why it is void (kept with the record).
        #[arg(long)]
        reason: String,
    },
    /// Erase a patient on request: pseudonymise the code and coarsen the birth year (docs/records.md).
    Erase {
        /// The patient's code.
        code: String,
        /// The request behind the erasure (kept in the audit log).
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
        /// The patient's code.
        code: String,
        /// The patient file (TOML, docs/patient-file.md); - reads standard input.
        patient: PathBuf,
        /// Device id (else the patient file's, else the indication's preferred device).
        #[arg(long)]
        device: Option<String>,
    },
    /// Record signed consent: its version and the hash of the text signed.
    Consent {
        /// The patient's code.
        code: String,
        /// The version of the consent form signed, e.g. v1.
        #[arg(long)]
        version: String,
        /// The text signed (only its hash is stored); - reads standard input.
        #[arg(long, value_name = "FILE")]
        text_file: PathBuf,
        /// Date signed, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
        /// Who signed: the patient, or their representative (name and role).
        #[arg(long, value_name = "NAME")]
        signer: Option<String>,
        /// The drawn signature, a PNG or JPEG (kept without its metadata; needs --signer).
        #[arg(long, value_name = "FILE")]
        signature_file: Option<PathBuf>,
    },
    /// Plan from a patient file and record the plan (with any override).
    Plan {
        /// The patient's code.
        code: String,
        /// The patient file (TOML, docs/patient-file.md); - reads standard input.
        patient: PathBuf,
        /// Plan despite a contraindication; the reason is carried in the plan.
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        /// The contraindicated screening the override overrides (default: the latest
        /// contraindicated screening, printed).
        #[arg(long, value_name = "ID", requires = "override_reason")]
        overrides_screening: Option<i64>,
        /// Date of the plan, YYYY-MM-DD (default today).
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
    /// Photos: keep one (the image without its metadata, with view, zone and consent) or show
    /// one.
    Photo {
        #[command(subcommand)]
        command: PhotoCommand,
    },
    /// A patient's series, adverse events and outcome trend.
    History {
        /// The patient's code.
        code: String,
    },
    /// The patient list (pseudonymous codes): phototype, the latest plan's indication, sessions
    /// and the last visit, latest first.
    Patients {
        /// Only codes containing TEXT (any case).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only patients whose latest plan is for INDICATION (see `catalog indications`).
        #[arg(long, value_name = "INDICATION")]
        indication: Option<String>,
    },
    /// Who is due for the next session of their plan (at its interval) or for the
    /// reassessment after the series (the indication's weeks), overdue items included.
    Due {
        /// Items due from now to DAYS days ahead (and every overdue one).
        #[arg(long, value_name = "DAYS", default_value_t = 14)]
        within_days: i64,
        /// text, json or ics (an iCalendar file of all-day events for the clinic's calendar).
        #[arg(long, value_enum, default_value = "text")]
        format: DueFormat,
    },
    /// Every session that used cartridge or topical lot LOT, with its patient: whom a recall of
    /// that lot must reach.
    Lot {
        /// The lot number, as recorded on the session.
        lot: String,
    },
    /// The clinic at a glance: patients, sessions per month, adverse-event rate by device and
    /// phototype.
    Summary,
    /// Export every patient's records (fhir: a FHIR R4 Bundle, docs/fhir.md).
    Export {
        /// json or csv (docs/records.md); whatever --json says.
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Include the audit log: JSON becomes {patients, audit}; CSV gains an audit section.
        #[arg(long)]
        audit: bool,
    },
    /// Import the patients of FILE (a FHIR R4 Bundle as `export --format fhir` writes it)
    /// through the record rules; a patient whose code is already recorded is refused.
    Import {
        /// The file's format: fhir (a FHIR R4 Bundle in JSON, docs/fhir.md).
        #[arg(long, value_enum)]
        format: ImportFormat,
        /// The bundle to import; - reads standard input.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClearanceCommand {
    /// Clear contraindication RULE found earlier, so that a re-screening may drop it.
    Add {
        /// The patient's code.
        code: String,
        /// The screening rule id.
        #[arg(long)]
        rule: String,
        /// Why it is cleared (e.g. the specialist's letter).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    /// Add a patient under a pseudonymous code.
    Add {
        /// The patient's pseudonymous code (never a name).
        code: String,
        /// Year of birth, e.g. 1990 (the age is computed from it).
        #[arg(long, value_name = "YYYY")]
        birth_year: i32,
        /// The patient's sex.
        #[arg(long, value_enum)]
        sex: SexArg,
        /// Fitzpatrick phototype: 1 to 6 or I to VI.
        #[arg(long, value_name = "TYPE", value_parser = super::parse_phototype)]
        fitzpatrick: u8,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Record a session performed.
    Add {
        /// The patient's code.
        code: String,
        /// YYYY-MM-DD or YYYY-MM-DDTHH:MM.
        #[arg(long)]
        date: String,
        /// Device id (`catalog devices`).
        #[arg(long)]
        device: String,
        /// The device's serial number.
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
        /// Who performed the session.
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
    /// Record an adverse event.
    Add {
        /// The patient's code.
        code: String,
        /// An adverse effect id of the catalog.
        #[arg(long)]
        effect: String,
        /// mild, moderate or severe.
        #[arg(long)]
        severity: String,
        /// Onset date, YYYY-MM-DD.
        #[arg(long)]
        onset: String,
        /// Date resolved, YYYY-MM-DD (absent: not yet).
        #[arg(long)]
        resolved: Option<String>,
        /// The session id it followed, if any.
        #[arg(long)]
        session: Option<i64>,
        /// What was done about it.
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
    /// Record an outcome assessment.
    Add {
        /// The patient's code.
        code: String,
        /// The clinical scale (`catalog scales`).
        #[arg(long)]
        scale: String,
        /// The score on that scale.
        #[arg(long)]
        score: f64,
        /// Who assessed.
        #[arg(long)]
        assessor: String,
        /// Date assessed, YYYY-MM-DD (default today).
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
    /// Keep a photo: the image (JPEG or PNG) is stored without its metadata (EXIF, XMP,
    /// comments), named by its hash; needs the patient's photo consent.
    Add {
        /// The patient's code.
        code: String,
        /// The photo, JPEG or PNG; - reads standard input.
        file: PathBuf,
        /// front, left, right, left-oblique, right-oblique, close-up, ...
        #[arg(long)]
        view: String,
        /// The treated zone the photo shows (a site id, e.g. cheek).
        #[arg(long)]
        zone: Option<String>,
        /// The patient consented to this photo being kept (required).
        #[arg(long)]
        photo_consent: bool,
        /// Date taken, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Write a kept photo's image (checked against its hash) to FILE, or - for standard output.
    Show {
        /// The photo's id (see `records history`).
        id: i64,
        /// Where to write the image; - is standard output.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DueFormat {
    /// One line per item.
    Text,
    /// The items as JSON.
    Json,
    /// An iCalendar (RFC 5545) file.
    Ics,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// One JSON document.
    Json,
    /// CSV rows.
    Csv,
    /// A FHIR R4 Bundle (JSON; docs/fhir.md).
    Fhir,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    /// A FHIR R4 Bundle (JSON) as `records export --format fhir` writes it.
    Fhir,
}
