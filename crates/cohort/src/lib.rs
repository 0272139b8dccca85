//! Virtual cohorts of microneedling for researchers and device designers.
//!
//! A spec ([`Spec`], `SPEC.toml`) gives a population (ages, sex, phototypes, sites, and the
//! between-person spread of skin thickness the knowledge base holds) and a grid of protocols
//! (devices, needle lengths, sessions, intervals). Every virtual patient is run under every
//! protocol: the penetration of the patient's own skin, the patient's own healing course (its
//! rates, its outcome coefficient) and outcome on the indication's default trial scale, and the
//! PIH probability of its phototype and needle depth. One row per patient and protocol.
//!
//! **Determinism.** Patient `i`'s draws come from the spec's seed and `i` alone
//! ([`microneedling_core::healing::PatientRng`]), so rows do not depend on the thread count or
//! on how the patients are split into shards.
//!
//! **Scale.** [`Shard`] splits the indices into N contiguous ranges (`--shard I/N`, or the Slurm
//! and Kubernetes indexed-job variables); each shard writes `part-I-of-N.parquet` under a
//! temporary name, renamed when complete, so an interrupted run leaves no half-written shard and
//! a rerun skips complete ones. [`merge`] checks that the shards make one cohort and writes a
//! manifest.
//!
//! The output is decision support for research, not a prediction for a person.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::path::Path;

pub mod delivery;
mod merge;
mod output;
pub mod population;
pub mod rows;
mod run;
pub mod sensitivity;
mod shard;
pub mod spec;

pub use merge::{Manifest, ManifestFile, merge};
pub use output::schema;
pub use run::{CHUNK_PATIENTS, Outcome, run};
pub use shard::Shard;
pub use spec::Spec;

/// What can go wrong with a cohort.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec does not parse.
    #[error("invalid cohort spec: {0}")]
    Parse(String),
    /// A field of the spec (or the shard) is out of range.
    #[error("invalid {field}: {value:?}; accepted: {accepted}")]
    Spec {
        /// Dotted field name.
        field: String,
        /// The value given.
        value: String,
        /// What is accepted.
        accepted: String,
    },
    /// A model could not run a row.
    #[error("model: {0}")]
    Model(String),
    /// Reading or writing a file failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// Parquet or merge trouble.
    #[error("{0}")]
    Output(String),
}

impl Error {
    fn io(path: &Path, e: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }
}

/// The key-value metadata of a Parquet file.
pub fn metadata_of(path: &Path) -> Result<BTreeMap<String, String>, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = parquet::file::reader::SerializedFileReader::new(file)
        .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
    use parquet::file::reader::FileReader;
    Ok(reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .map(|k| (k.key.clone(), k.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default())
}
