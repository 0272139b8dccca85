use std::fmt::Write as _;
use std::process::ExitCode;

use microneedling_core::KnowledgeBase;
use microneedling_core::validation::{CaseKind, Validation, independent_summary, validate};

use super::Output;
use crate::failure::Failure;

/// Exit code when a verification (analytic) case fails: the numerics are broken. Calibration and
/// independent cases that miss are reported, never hidden, but do not fail the run: a prediction
/// that misses published data is a finding, not a crash.
const EXIT_VALIDATION_FAILED: u8 = 1;

pub fn run(
    kb: &KnowledgeBase,
    report: Option<&std::path::Path>,
    out: Output,
) -> Result<ExitCode, Failure> {
    let taken = super::stdout_taken(&[("--report", report)])?;
    let validation = {
        let _spinner = crate::ui::spinner("validating");
        validate(kb)?
    };
    let cases = &validation.cases;
    let failed = cases.iter().filter(|c| !c.passed).count();
    let broken = cases
        .iter()
        .filter(|c| !c.passed && c.kind == CaseKind::Analytic)
        .count();
    if let Some(path) = report {
        let mut r = microneedling_report::Report::new(
            "Validation: the models against analytic solutions and published data",
            &kb.edition(),
        );
        r.validation(cases);
        super::write_report(path, &r)?;
    }
    if !taken {
        out.emit(&validation, |v| table(v, failed))?;
    }
    Ok(if broken == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_VALIDATION_FAILED)
    })
}

fn table(validation: &Validation, failed: usize) -> String {
    let cases = &validation.cases;
    let mut text =
        String::from("Validation: every model against analytic solutions and published data\n\n");
    for c in cases {
        let _ = writeln!(
            text,
            "{} {:<30} {:<11} expected {:<12} computed {:<12} {}\n     {}\n     source: {}",
            if c.passed { "PASS" } else { "FAIL" },
            c.id,
            c.kind.as_str(),
            format_number(c.expected),
            format_number(c.computed),
            c.tolerance,
            c.description,
            c.source
        );
    }
    let _ = writeln!(text, "\n{} passed, {} failed", cases.len() - failed, failed);
    // Calibration is not validation: say how many cases of each kind there are.
    let count = |kind: CaseKind| cases.iter().filter(|c| c.kind == kind).count();
    let _ = writeln!(
        text,
        "{} analytic (verification), {} calibration (checks a fit, predicts nothing), {} independent (predictions)",
        count(CaseKind::Analytic),
        count(CaseKind::Calibration),
        count(CaseKind::Independent)
    );
    let s = independent_summary(cases);
    let _ = writeln!(
        text,
        "independent: {} of {} quantitative predictions within 2x, {} within 3x; {} of {} bounds and rankings hold",
        s.within_2x, s.quantitative, s.within_3x, s.other_passed, s.other
    );
    let _ = writeln!(
        text,
        "\nOutcome model, leave one study out (predictions; % improvement of the baseline severity):"
    );
    for (indication, cv) in &validation.cross_validation {
        let _ = writeln!(
            text,
            "  {indication:<14} {} studies, {} results: {:.0} % inside the 10-90 % band, mean absolute error {:.1} points",
            cv.studies,
            cv.results,
            100.0 * cv.coverage_p10_p90,
            cv.mean_absolute_error
        );
    }
    let _ = writeln!(
        text,
        "  {} trial arms not usable by the fit (see --json outcome_fit_skipped)",
        validation.outcome_fit_skipped.len()
    );
    text
}

fn format_number(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e5) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}
