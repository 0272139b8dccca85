//! The arguments of `microneedling simulate …`: the models and the options they share.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::PersonArgs;

#[derive(Debug, Subcommand)]
pub enum Model {
    /// How deep a device really goes at a site, and what the channels do.
    #[command(allow_negative_numbers = true)]
    Penetration {
        #[command(flatten)]
        setting: SettingArgs,
        #[command(flatten)]
        insertion: InsertionArgs,
        /// Also write a self-contained HTML report with figures to this file (- for standard
        /// output, in place of the text).
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
        /// Also write the weekly series as CSV (long form, docs/csv.md) to this file (- for
        /// standard output, in place of the text).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Also write a self-contained HTML report with figures to this file (- for standard
        /// output, in place of the text).
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
        /// Also write the time series as CSV (long form, docs/csv.md) to this file (- for
        /// standard output, in place of the text).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Also write a self-contained HTML report with figures to this file (- for standard
        /// output, in place of the text).
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
