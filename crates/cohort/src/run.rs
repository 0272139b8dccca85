//! Running a shard: patients in chunks, each chunk computed on every core (rayon) and written as
//! one Parquet row group, to a temporary name renamed when complete.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use microneedling_core::KnowledgeBase;

use crate::output::{batch, writer};
use crate::population::draw;
use crate::rows::{Context, Row};
use crate::shard::Shard;
use crate::spec::Spec;
use crate::{Error, metadata_of};

/// Patients per row group: memory stays flat in the cohort's size.
pub const CHUNK_PATIENTS: u64 = 8192;

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The shard was computed and written.
    Written {
        /// The shard's file.
        path: PathBuf,
        /// Rows written.
        rows: u64,
        /// Seconds spent computing rows.
        compute_s: f64,
        /// Seconds spent building Arrow batches and writing Parquet.
        write_s: f64,
    },
    /// The shard's file was already there, from the same spec: nothing was redone.
    AlreadyComplete {
        /// The shard's file.
        path: PathBuf,
    },
}

/// The metadata a shard's file carries.
pub fn metadata(
    kb: &KnowledgeBase,
    spec: &Spec,
    shard: Shard,
    context: &Context<'_>,
) -> Vec<(String, String)> {
    let range = shard.range(spec.patients());
    let mut m = vec![
        ("engine_version", env!("CARGO_PKG_VERSION").to_string()),
        ("knowledge_base_version", kb.version.clone()),
        ("spec_name", spec.name().to_string()),
        ("spec_hash", spec.hash().to_string()),
        ("seed", spec.seed().to_string()),
        ("patients", spec.patients().to_string()),
        ("protocols", spec.grid().len().to_string()),
        ("shard", format!("{}/{}", shard.index(), shard.count())),
        ("first_patient", range.start.to_string()),
        ("end_patient", range.end.to_string()),
        ("indication", spec.indication().to_string()),
        ("outcome_scale", context.scale().to_string()),
        (
            "outcome_baseline",
            context
                .baseline()
                .map_or(String::from("none"), |b| b.to_string()),
        ),
        ("disclaimer", kb.disclaimer.clone()),
    ];
    m.iter_mut()
        .map(|(k, v)| (format!("microneedling.{k}"), std::mem::take(v)))
        .collect()
}

/// Runs `shard` of `spec` into `dir`, calling `progress` with the rows done so far. A shard whose
/// file exists from the same spec is not redone; from another spec, it is an error (nothing is
/// overwritten).
pub fn run(
    kb: &KnowledgeBase,
    spec: &Spec,
    shard: Shard,
    dir: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Outcome, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(shard.file_name());
    if path.exists() {
        let existing = metadata_of(&path)?;
        return if existing.get("microneedling.spec_hash").map(String::as_str) == Some(spec.hash()) {
            Ok(Outcome::AlreadyComplete { path })
        } else {
            Err(Error::Output(format!(
                "{} holds a shard of another spec; use another --out directory",
                path.display()
            )))
        };
    }
    let partial = dir.join(format!("{}.partial", shard.file_name()));
    let context = Context::new(kb, spec)?;
    let file = File::create(&partial).map_err(|e| Error::io(&partial, e))?;
    let mut out = writer(file, metadata(kb, spec, shard, &context))?;
    let range = shard.range(spec.patients());
    let mut rows_done = 0u64;
    let (mut compute_s, mut write_s) = (0.0, 0.0);
    let mut start = range.start;
    while start < range.end {
        let end = (start + CHUNK_PATIENTS).min(range.end);
        let clock = Instant::now();
        let rows: Vec<Row> = (start..end)
            .into_par_iter()
            .map(|index| context.rows(&draw(spec, index)))
            .collect::<Result<Vec<Vec<Row>>, Error>>()?
            .into_iter()
            .flatten()
            .collect();
        compute_s += clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        out.write(&batch(&rows)?)
            .map_err(|e| Error::Output(e.to_string()))?;
        // One row group per chunk: the writer would otherwise buffer rows up to its default
        // row-group size (about a million rows) and memory would grow with the cohort.
        out.flush().map_err(|e| Error::Output(e.to_string()))?;
        write_s += clock.elapsed().as_secs_f64();
        rows_done += rows.len() as u64;
        progress(rows_done);
        start = end;
    }
    let clock = Instant::now();
    out.close().map_err(|e| Error::Output(e.to_string()))?;
    write_s += clock.elapsed().as_secs_f64();
    std::fs::rename(&partial, &path).map_err(|e| Error::io(&path, e))?;
    Ok(Outcome::Written {
        path,
        rows: rows_done,
        compute_s,
        write_s,
    })
}
