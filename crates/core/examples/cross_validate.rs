//! Prints the leave-one-study-out cross-validation of the outcome model (the table of
//! docs/validation.md). Run: `cargo run --release -p microneedling-core --example cross_validate`

use microneedling_core::KnowledgeBase;
use microneedling_core::evidence::Evidence;
use microneedling_core::fit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kb = KnowledgeBase::embedded()?;
    let cv = fit::cross_validate(kb, Evidence::embedded()?);
    println!("In-sample (calibration: each result against the fit that included it)");
    for r in &cv.in_sample {
        println!("{}", row(r));
    }
    println!("\nLeave one study out (prediction)");
    for (indication, s) in &cv.by_indication {
        println!(
            "{indication}: {} studies, {} results, coverage {:.0} %, MAE {:.1} points",
            s.studies,
            s.results,
            100.0 * s.coverage_p10_p90,
            s.mean_absolute_error
        );
        for r in &s.held_out {
            println!("{}", row(r));
        }
    }
    Ok(())
}

fn row(r: &fit::ResultBand) -> String {
    format!(
        "  {:<28} month {:>4.1}  observed {:>5.1} %  model {:>5.1} [{:>5.1}, {:>5.1}] (fit on {} studies) {}",
        r.arm,
        r.month,
        r.observed_pct,
        r.median_pct,
        r.p10_pct,
        r.p90_pct,
        r.fitted_on_studies,
        if r.inside { "inside" } else { "outside" }
    )
}
