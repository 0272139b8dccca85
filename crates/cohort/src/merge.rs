//! Merging shards: every shard of one spec present once, no patient missing or twice, and a
//! manifest of what is there. The Parquet files stay as they are; readers take `DIR/*.parquet`.

use std::collections::BTreeMap;
use std::path::Path;

use arrow_array::UInt64Array;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::Serialize;

use crate::{Error, metadata_of};

/// One shard's file in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestFile {
    /// File name.
    pub file: String,
    /// Shard index.
    pub shard: u32,
    /// Rows in the file.
    pub rows: u64,
    /// First patient index.
    pub first_patient: u64,
    /// One past the last patient index.
    pub end_patient: u64,
}

/// `DIR/manifest.json`: the cohort the shards make together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// Spec name.
    pub spec_name: String,
    /// SHA-256 of the parsed spec.
    pub spec_hash: String,
    /// Engine version that wrote the shards.
    pub engine_version: String,
    /// Knowledge-base version the shards used.
    pub knowledge_base_version: String,
    /// Number of shards.
    pub shards: u32,
    /// Virtual patients.
    pub patients: u64,
    /// Rows in all shards.
    pub rows: u64,
    /// The shards, in order.
    pub files: Vec<ManifestFile>,
}

fn inconsistent(what: String) -> Error {
    Error::Output(format!("cannot merge: {what}"))
}

type Shards = BTreeMap<u32, (String, BTreeMap<String, String>)>;

/// The `part-*.parquet` files of `dir` by shard index, with their metadata, and the shard
/// counts they declare.
fn read_shards(dir: &Path) -> Result<(Shards, Vec<u32>), Error> {
    let mut found: Shards = BTreeMap::new();
    let mut counts = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if !(name.starts_with("part-") && name.ends_with(".parquet")) {
            continue;
        }
        let meta = metadata_of(&path)?;
        let shard = meta.get("microneedling.shard").cloned().unwrap_or_default();
        let (i, n) = shard
            .split_once('/')
            .and_then(|(i, n)| Some((i.parse::<u32>().ok()?, n.parse::<u32>().ok()?)))
            .ok_or_else(|| inconsistent(format!("{name} has no shard in its metadata")))?;
        counts.push(n);
        if found.insert(i, (name.clone(), meta)).is_some() {
            return Err(inconsistent(format!("shard {i} is present twice")));
        }
    }
    Ok((found, counts))
}

/// Checks the shards in `dir` and writes `dir/manifest.json`.
pub fn merge(dir: &Path) -> Result<Manifest, Error> {
    let (found, counts) = read_shards(dir)?;
    let Some((_, (first_name, first))) = found.iter().next() else {
        return Err(inconsistent(format!(
            "no part-*.parquet in {}",
            dir.display()
        )));
    };
    let get = |m: &BTreeMap<String, String>, k: &str| {
        m.get(&format!("microneedling.{k}"))
            .cloned()
            .unwrap_or_default()
    };
    let count = counts[0];
    if counts.iter().any(|c| *c != count) {
        return Err(inconsistent(format!(
            "shards of different counts: {counts:?}"
        )));
    }
    let hash = get(first, "spec_hash");
    let patients: u64 = get(first, "patients").parse().unwrap_or(0);
    let mut files = Vec::new();
    let mut next = 0u64;
    for i in 0..count {
        let Some((name, meta)) = found.get(&i) else {
            return Err(inconsistent(format!("shard {i} of {count} is missing")));
        };
        if get(meta, "spec_hash") != hash {
            return Err(inconsistent(format!(
                "{name} comes from another spec than {first_name}"
            )));
        }
        let (rows, first_patient, end_patient) = check_indices(&dir.join(name), next)?;
        if first_patient != next {
            return Err(inconsistent(format!(
                "{name} starts at patient {first_patient}, not {next}"
            )));
        }
        next = end_patient;
        files.push(ManifestFile {
            file: name.clone(),
            shard: i,
            rows,
            first_patient,
            end_patient,
        });
    }
    if next != patients {
        return Err(inconsistent(format!(
            "the shards cover {next} of {patients} patients"
        )));
    }
    let manifest = Manifest {
        spec_name: get(first, "spec_name"),
        spec_hash: hash,
        engine_version: get(first, "engine_version"),
        knowledge_base_version: get(first, "knowledge_base_version"),
        shards: count,
        patients,
        rows: files.iter().map(|f| f.rows).sum(),
        files,
    };
    let path = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Output(e.to_string()))?;
    std::fs::write(&path, text + "\n").map_err(|e| Error::io(&path, e))?;
    Ok(manifest)
}

/// Rows, first patient and one past the last patient of a shard, checking that its patient
/// indices start at `expected_first` and never go back or skip (each patient's rows together).
fn check_indices(path: &Path, expected_first: u64) -> Result<(u64, u64, u64), Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| Error::Output(e.to_string()))?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), ["patient_index"]);
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| Error::Output(e.to_string()))?;
    let (mut rows, mut last): (u64, Option<u64>) = (0, None);
    let mut first = None;
    for batch in reader {
        let batch = batch.map_err(|e| Error::Output(e.to_string()))?;
        let column = batch
            .column(0)
            .as_any()
            .downcast_ref::<UInt64Array>()
            .ok_or_else(|| {
                inconsistent(format!("{} has no patient_index column", path.display()))
            })?;
        for index in column.values().iter().copied() {
            let ok = match last {
                None => index == expected_first,
                Some(l) => index == l || index == l + 1,
            };
            if !ok {
                return Err(inconsistent(format!(
                    "{}: patient {index} out of order (after {last:?})",
                    path.display()
                )));
            }
            first.get_or_insert(index);
            last = Some(index);
            rows += 1;
        }
    }
    Ok((
        rows,
        first.unwrap_or(expected_first),
        last.map_or(expected_first, |l| l + 1),
    ))
}
