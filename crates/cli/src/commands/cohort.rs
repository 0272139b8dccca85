//! `cohort run` and `cohort merge`.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use microneedling_cohort::{Outcome, Shard, Spec, merge, run as run_shard};
use microneedling_core::KnowledgeBase;

use super::Output;
use crate::args::CohortCommand;
use crate::failure::Failure;

fn failure(e: microneedling_cohort::Error) -> Failure {
    Failure::Input(e.to_string())
}

pub fn run(kb: &KnowledgeBase, command: CohortCommand, out: Output) -> Result<ExitCode, Failure> {
    match command {
        CohortCommand::Run {
            spec,
            out: dir,
            shard,
            threads,
            quiet,
        } => {
            let text = super::read_input("SPEC", &spec)?;
            let spec = Spec::parse(&text, kb).map_err(failure)?;
            let shard = match shard {
                Some(text) => Shard::parse(&text).map_err(failure)?,
                None => Shard::from_env(|k| std::env::var(k).ok())
                    .map_err(failure)?
                    .unwrap_or(Shard::WHOLE),
            };
            let range = shard.range(spec.patients());
            let rows = (range.end - range.start) * spec.grid().len() as u64;
            let bar = if quiet || !std::io::stderr().is_terminal() {
                ProgressBar::hidden()
            } else {
                ProgressBar::new(rows).with_style(
                    ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} rows  {elapsed} (eta {eta})",
                    )
                    .map_err(|e| Failure::Input(e.to_string()))?,
                )
            };
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.unwrap_or(0))
                .build()
                .map_err(|e| Failure::Input(format!("invalid --threads: {e}")))?;
            let result =
                pool.install(|| run_shard(kb, &spec, shard, &dir, &|done| bar.set_position(done)));
            bar.finish_and_clear();
            let outcome = result.map_err(failure)?;
            out.emit(&outcome_json(&outcome, &spec, shard), |_| {
                let mut text = String::new();
                let _ = match &outcome {
                    Outcome::Written { path, rows } => writeln!(
                        text,
                        "Wrote {rows} rows ({} patients x {} protocols) to {}",
                        range.end - range.start,
                        spec.grid().len(),
                        path.display()
                    ),
                    Outcome::AlreadyComplete { path } => writeln!(
                        text,
                        "{} is already complete for this spec: skipped",
                        path.display()
                    ),
                };
                text.push_str(
                    "Research output, not a prediction for a person: decision support only.\n",
                );
                text
            })?;
        }
        CohortCommand::Merge { dir } => {
            let manifest = merge(&dir).map_err(failure)?;
            out.emit(&manifest, |m| {
                format!(
                    "{} shards of {} ({} patients, {} rows) are complete and consistent; wrote {}\n",
                    m.shards,
                    m.spec_name,
                    m.patients,
                    m.rows,
                    dir.join("manifest.json").display()
                )
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn outcome_json(outcome: &Outcome, spec: &Spec, shard: Shard) -> serde_json::Value {
    let (path, rows, skipped) = match outcome {
        Outcome::Written { path, rows } => (path, Some(*rows), false),
        Outcome::AlreadyComplete { path } => (path, None, true),
    };
    serde_json::json!({
        "file": path.display().to_string(),
        "rows": rows,
        "skipped_as_complete": skipped,
        "shard": format!("{}/{}", shard.index(), shard.count()),
        "spec_hash": spec.hash(),
    })
}
