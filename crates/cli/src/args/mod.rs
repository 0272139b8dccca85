//! Command-line arguments, as clap parses them. Ranges are checked by the core, which names the
//! field in its errors; clap checks types and the lists of words.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod records;

pub use records::*;

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
    /// Virtual cohorts: a population under a grid of protocols, written as Parquet shards.
    Cohort {
        #[command(subcommand)]
        command: CohortCommand,
    },
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
        #[command(flatten)]
        insertion: InsertionArgs,
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
        /// Topical used with the series (agent id): through the channels with a device, on
        /// intact skin with `--device none` (a topical-alone arm).
        #[arg(long, value_name = "AGENT")]
        topical: Option<String>,
        /// The indication's scale to report on (`catalog scales` lists them); its first by
        /// default, e.g. goodman-baron-qualitative, goodman-baron-quantitative, mmasi, masi.
        #[arg(long, value_name = "NAME")]
        scale: Option<String>,
        /// The patient's starting score on the scale (severity scales); the typical trial
        /// baseline when absent.
        #[arg(long, value_name = "X")]
        baseline: Option<f64>,
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
        #[command(flatten)]
        agent: Box<AgentArgs>,
        #[command(flatten)]
        setting: SettingArgs,
        #[command(flatten)]
        skin: SkinArgs,
        /// Simulated time, hours.
        #[arg(long, value_name = "H", default_value_t = 24.0)]
        hours: f64,
        /// The area is occluded after application (channels stay open about a day).
        #[arg(long)]
        occluded: bool,
        /// infinite:MG_PER_ML (fixed surface concentration) or finite:UG_PER_CM2 (a depleting film).
        #[arg(long, value_name = "DOSE", default_value = "infinite:10")]
        dose: String,
        /// Channel closure half-life in hours (else from the setting, occlusion and needle length).
        #[arg(long, value_name = "H")]
        closure_half_life_h: Option<f64>,
        /// Wash the surface at this time, hours; the run goes on to --hours (in-vivo studies wash
        /// at 24 h and count what the skin absorbs over days).
        #[arg(long, value_name = "H")]
        wash_at_h: Option<f64>,
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

/// The agent of a delivery run: a catalog id, or a custom agent by its properties.
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Agent id (catalog or --agent-file); or give --agent-mw and --agent-logkow.
    #[arg(long)]
    pub agent: Option<String>,
    /// Custom agent: molecular weight, g/mol.
    #[arg(long, value_name = "MW", requires = "agent_logkow")]
    pub agent_mw: Option<f64>,
    /// Custom agent: log10 of the octanol/water partition coefficient.
    #[arg(long, value_name = "LOGKOW", requires = "agent_mw")]
    pub agent_logkow: Option<f64>,
    /// Custom agent: pKa of its ionisable group (an acid unless --agent-pka-kind base).
    #[arg(long, value_name = "P", requires = "agent_mw")]
    pub agent_pka: Option<f64>,
    /// Custom agent: whether that group is an acid or a base.
    #[arg(
        long,
        value_enum,
        value_name = "KIND",
        default_value = "acid",
        requires = "agent_pka"
    )]
    pub agent_pka_kind: PkaKindArg,
    /// Custom agent: water solubility, mg/mL (a dose above it stays on the surface as a solid).
    #[arg(long, value_name = "S", requires = "agent_mw")]
    pub agent_solubility_mg_per_ml: Option<f64>,
    /// Custom agent: vapour pressure at skin temperature, Pa (it evaporates from the film).
    #[arg(
        long,
        value_name = "V",
        requires = "agent_mw",
        conflicts_with = "agent_boiling_point_c"
    )]
    pub agent_vapour_pressure_pa: Option<f64>,
    /// Custom agent: normal boiling point, °C (vapour pressure estimated by Mackay's method).
    #[arg(long, value_name = "B", requires = "agent_mw")]
    pub agent_boiling_point_c: Option<f64>,
    /// Custom agent: melting point, °C (for a solid, with --agent-boiling-point-c).
    #[arg(long, value_name = "T", requires = "agent_boiling_point_c")]
    pub agent_melting_point_c: Option<f64>,
}

/// An ionisable group's kind.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PkaKindArg {
    /// Neutral below its pKa.
    Acid,
    /// Neutral above its pKa.
    Base,
}

/// Living or excised skin, its hydration and layers of one's own.
#[derive(Debug, Args)]
pub struct SkinArgs {
    /// Through intact skin only: no device needed, no channels.
    #[arg(long)]
    pub intact_only: bool,
    /// in-vivo (blood clears the dermis, channels heal) or in-vitro (excised skin on a receptor sink).
    #[arg(
        long = "setting",
        value_enum,
        value_name = "SETTING",
        default_value = "in-vivo"
    )]
    pub preparation: PreparationArg,
    /// Hydration of the stratum corneum: partial (ambient) or full (soaked, occluded).
    #[arg(long, value_enum, value_name = "STATE", default_value = "partial")]
    pub sc_hydration: HydrationArg,
    /// Stratum corneum thickness, µm (else the site's).
    #[arg(long, value_name = "X")]
    pub sc_um: Option<f64>,
    /// Viable epidermis thickness, µm (else the site's).
    #[arg(long, value_name = "X")]
    pub epidermis_um: Option<f64>,
    /// Dermis thickness, µm (else the site's in vivo, 400 µm of dermatomed skin in vitro).
    #[arg(long, value_name = "X")]
    pub dermis_um: Option<f64>,
}

/// Living or excised skin.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PreparationArg {
    /// A person.
    InVivo,
    /// Excised skin in a diffusion cell.
    InVitro,
}

/// Hydration of the stratum corneum.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HydrationArg {
    /// Ambient.
    Partial,
    /// Soaked.
    Full,
}

/// A device setting on one person's skin: the options every simulation shares.
#[derive(Debug, Args)]
pub struct SettingArgs {
    /// Device id (catalog or --device-file); required unless a command says otherwise.
    #[arg(long)]
    pub device: Option<String>,
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

/// How the needles are driven, in place of the device's own (docs/penetration.md).
#[derive(Debug, Args)]
pub struct InsertionArgs {
    /// roll, press or impact (else from the device kind).
    #[arg(long, value_name = "MODE")]
    pub insertion: Option<String>,
    /// Needle speed at the skin for impact, m/s, 0.001 to 20.
    #[arg(long, value_name = "V")]
    pub speed_m_per_s: Option<f64>,
    /// Force on the device for roll or press, N, 0.1 to 200.
    #[arg(long, value_name = "F")]
    pub force_n: Option<f64>,
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
    /// Published trial arms of the evidence base (data/trials.toml).
    Trials,
    /// The clinical scales of each indication (`simulate healing --scale`).
    Scales,
}

#[derive(Debug, Subcommand)]
pub enum CohortCommand {
    /// Run a cohort spec (or one shard of it) into DIR/part-I-of-N.parquet.
    Run {
        /// The cohort spec (examples/cohorts/acne-scars.toml).
        spec: PathBuf,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Shard I of N (0-based); else from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or
        /// JOB_COMPLETION_INDEX/MICRONEEDLING_SHARD_COUNT; else the whole cohort.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Worker threads (default: every core).
        #[arg(long, value_name = "T")]
        threads: Option<usize>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Global sensitivity of the spec's [sensitivity] output to its inputs: Sobol' indices
    /// (Saltelli sampling, bootstrap intervals) or Morris screening.
    Sensitivity {
        /// The cohort spec with a [sensitivity] section.
        spec: PathBuf,
        /// sobol (first- and total-order indices) or morris (elementary effects, cheaper).
        #[arg(long, value_name = "METHOD", default_value = "sobol")]
        method: String,
        /// Write the indices as JSON to this file (- for standard output).
        #[arg(long, value_name = "FILE.json")]
        out: PathBuf,
    },
    /// Check that DIR holds every shard of one spec once, and write DIR/manifest.json.
    Merge {
        /// The directory of the shards.
        dir: PathBuf,
    },
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
