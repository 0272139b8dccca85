//! The arguments of the commands around the engine: cohorts, users, configuration, shell
//! completions and the manual page.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CohortCommand {
    /// Run a cohort spec (or one shard of it) into DIR/part-I-of-N.parquet.
    Run {
        /// The cohort spec (examples/cohorts/acne-scars.toml); - reads standard input.
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
    },
    /// Global sensitivity of the spec's [sensitivity] output to its inputs: Sobol' indices
    /// (Saltelli sampling, bootstrap intervals) or Morris screening.
    Sensitivity {
        /// The cohort spec with a [sensitivity] section; - reads standard input.
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
        /// The user's name, as the audit log and `users list` show it.
        name: String,
        /// clinician (reads and writes records) or viewer (reads).
        #[arg(long)]
        role: String,
        /// Records database (default: the configuration's, else the user's data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// List the users (id, name, role, created, rotated, revoked): never a token.
    List {
        /// Records database (default: the configuration's, else the user's data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Revoke a user's token: refused (401) from now on. The id is never reused.
    Revoke {
        /// The user's id (`users list`).
        id: i64,
        /// Records database (default: the configuration's, else the user's data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Replace a user's token and print the new one once: the old one is refused from now on.
    Rotate {
        /// The user's id (`users list`).
        id: i64,
        /// Records database (default: the configuration's, else the user's data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration: every value and where it came from (default,
    /// configuration file, environment).
    Show,
    /// Print the path of the configuration file read (whether or not it exists).
    Path,
}
