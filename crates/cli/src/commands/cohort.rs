//! `cohort run`, `cohort sensitivity` and `cohort merge`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use microneedling_cohort::sensitivity::{Method, analyse};
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
        } => run_cohort(kb, &spec, &dir, shard.as_deref(), threads, out)?,
        CohortCommand::Sensitivity {
            spec,
            method,
            out: file,
        } => sensitivity(kb, &spec, &method, &file, out)?,
        CohortCommand::Merge { dir } => {
            let manifest = merge(&dir).map_err(failure)?;
            crate::ui::wrote(&dir.join("manifest.json"));
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

/// `cohort run`: one shard (or the whole cohort) with a progress bar on a terminal.
fn run_cohort(
    kb: &KnowledgeBase,
    spec: &Path,
    dir: &Path,
    shard: Option<&str>,
    threads: Option<usize>,
    out: Output,
) -> Result<(), Failure> {
    let text = super::read_input("SPEC", spec)?;
    let spec = Spec::parse(&text, kb).map_err(failure)?;
    let shard = match shard {
        Some(text) => Shard::parse(text).map_err(failure)?,
        None => Shard::from_env(|k| std::env::var(k).ok())
            .map_err(failure)?
            .unwrap_or(Shard::WHOLE),
    };
    let range = shard.range(spec.patients());
    let rows = (range.end - range.start) * spec.grid().len() as u64;
    let bar = crate::ui::bar(rows, "{bar:40} {pos}/{len} rows  {elapsed} (eta {eta})");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Input(format!("invalid --threads: {e}")))?;
    let result = pool.install(|| run_shard(kb, &spec, shard, dir, &|done| bar.set_position(done)));
    bar.finish_and_clear();
    let outcome = result.map_err(failure)?;
    if let Outcome::Written { path, .. } = &outcome {
        crate::ui::wrote(path);
    }
    out.emit(&outcome_json(&outcome, &spec, shard), |_| {
        let mut text = String::new();
        let _ = match &outcome {
            Outcome::Written {
                path,
                rows,
                compute_s,
                write_s,
            } => writeln!(
                text,
                "Wrote {rows} rows ({} patients x {} protocols) to {} in {:.1} s ({:.0} % of it writing Parquet)",
                range.end - range.start,
                spec.grid().len(),
                path.display(),
                compute_s + write_s,
                100.0 * write_s / (compute_s + write_s).max(f64::MIN_POSITIVE)
            ),
            Outcome::AlreadyComplete { path } => writeln!(
                text,
                "{} is already complete for this spec: skipped",
                path.display()
            ),
        };
        text.push_str("Research output, not a prediction for a person: decision support only.\n");
        text
    })
}

/// `cohort sensitivity`: the indices as JSON in `file` (or on standard output for `-`).
fn sensitivity(
    kb: &KnowledgeBase,
    spec: &Path,
    method: &str,
    file: &Path,
    out: Output,
) -> Result<(), Failure> {
    let text = super::read_input("SPEC", spec)?;
    let spec = Spec::parse(&text, kb).map_err(failure)?;
    let method = match method {
        "sobol" => Method::Sobol,
        "morris" => Method::Morris,
        other => {
            return Err(Failure::Input(format!(
                "invalid --method: {other:?}; accepted: sobol or morris"
            )));
        }
    };
    let report = analyse(kb, &spec, method).map_err(failure)?;
    let json = super::io::stamped_json(&report)?;
    super::write_output("--out", file, &(json + "\n"))?;
    if super::io::is_std(file) {
        return Ok(());
    }
    out.emit(&report, |r| sensitivity_text(r, file))
}

fn sensitivity_text(
    r: &microneedling_cohort::sensitivity::Report,
    file: &std::path::Path,
) -> String {
    let mut text = format!(
        "{} of {} ({} model runs; base: {})\n",
        r.method, r.output, r.evaluations, r.base
    );
    for i in &r.inputs {
        let _ = match (&i.sobol, &i.morris) {
            (Some(s), _) => writeln!(
                text,
                "  {:<30} first order {:.3} [{:.3}, {:.3}]  total {:.3} [{:.3}, {:.3}]",
                i.input.name,
                s.first_order,
                s.first_order_ci[0],
                s.first_order_ci[1],
                s.total_order,
                s.total_order_ci[0],
                s.total_order_ci[1]
            ),
            (None, Some(m)) => writeln!(
                text,
                "  {:<30} mu* {:.4}  sigma {:.4}",
                i.input.name, m.mu_star, m.sigma
            ),
            (None, None) => Ok(()),
        };
    }
    let _ = writeln!(
        text,
        "Wrote {}. Research output: decision support only.",
        file.display()
    );
    text
}

fn outcome_json(outcome: &Outcome, spec: &Spec, shard: Shard) -> serde_json::Value {
    let (path, rows, skipped, timing) = match outcome {
        Outcome::Written {
            path,
            rows,
            compute_s,
            write_s,
        } => (
            path,
            Some(*rows),
            false,
            Some(serde_json::json!({ "compute_s": compute_s, "write_s": write_s })),
        ),
        Outcome::AlreadyComplete { path } => (path, None, true, None),
    };
    serde_json::json!({
        "file": path.display().to_string(),
        "rows": rows,
        "skipped_as_complete": skipped,
        "timing": timing,
        "shard": format!("{}/{}", shard.index(), shard.count()),
        "spec_hash": spec.hash(),
    })
}
