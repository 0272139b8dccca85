//! Fits the healing model's injury gain and the hair map to the declared calibration points of
//! data/healing.toml, then the collagen outcome coefficient jointly across the trials of
//! data/trials.toml, and prints the values to enter there.
//! Run: `cargo run --release -p microneedling-core --example calibrate_healing`

use microneedling_core::KnowledgeBase;
use microneedling_core::calibration::{self, CALIBRATION_SAMPLES, CALIBRATION_SEED};
use microneedling_core::evidence::{Evidence, TRIALS_TOML};
use microneedling_core::fit;
use microneedling_core::healing::{Rates, sample_scale};
use microneedling_core::indication::Mechanism;

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let mut kb = KnowledgeBase::embedded()?.clone();
    fit_gain(&mut kb)?;
    for k in 0..kb.healing.outcomes.len() {
        kb.healing.outcomes[k].per_unit = fit_outcome(&kb, k)?;
    }
    let evidence = Evidence::from_toml(TRIALS_TOML, &kb)?;
    let (observations, skipped) = fit::observations(&kb, &evidence);
    let pooled = fit::joint_fit(&observations, &kb.healing.outcome_fit).ok_or("nothing to fit")?;
    println!(
        "[outcome_fit] collagen = {{ ln_k = {:.4}, se = {:.4}, tau = {:.4}, studies = {} }}",
        pooled.ln_k, pooled.se, pooled.tau, pooled.studies
    );
    for o in &observations {
        println!(
            "  {:<34} month {:>4.1} f {:>5.3} signal {:>7.2} ln k {:>6.2} var {:.3}{}",
            o.arm,
            o.month,
            o.fraction,
            o.signal,
            o.ln_k(),
            o.variance,
            if o.last {
                ""
            } else {
                " (not the last follow-up: not fitted)"
            }
        );
    }
    for s in &skipped {
        println!("  skipped {}: {}", s.arm, s.reason);
    }
    for mechanism in [Mechanism::Pigment, Mechanism::Vascular] {
        print_components(&kb, &evidence, mechanism)?;
    }
    for row in calibration::table(&kb) {
        println!(
            "{:<28} expected {:>8.3} model {:>8.3} ± {:<6} {}",
            row.id,
            row.expected,
            row.model,
            row.tolerance,
            if row.passed { "ok" } else { "FAIL" }
        );
    }
    Ok(())
}

/// The injury gain that puts the first calibration point's new collagen on its target.
fn fit_gain(kb: &mut KnowledgeBase) -> Result<(), Failure> {
    let point = kb
        .healing
        .calibration
        .first()
        .ok_or("no calibration point")?
        .point
        .clone();
    // Gain: bisection in log space on the collagen target (monotone in the gain).
    let collagen = |kb: &KnowledgeBase| {
        calibration::central_state(kb, &Rates::central(&kb.healing), &point)
            .map_or(f64::NAN, |s| s.new_collagen_pct())
    };
    let (mut low, mut high) = (1e-3_f64, 1e9_f64);
    for _ in 0..200 {
        let mid = (low * high).sqrt();
        kb.healing.injury.gain.value = mid;
        if collagen(kb) < point.expected {
            low = mid
        } else {
            high = mid
        }
    }
    kb.healing.injury.gain.value = (low * high).sqrt();
    println!(
        "gain = {:.6e} (new collagen {:.2} %)",
        kb.healing.injury.gain.value,
        collagen(kb)
    );
    Ok(())
}

/// The scale coefficient of outcome map `k` that meets its calibration point.
fn fit_outcome(kb: &KnowledgeBase, k: usize) -> Result<f64, Failure> {
    let central = Rates::central(&kb.healing);
    let map = kb.healing.outcomes[k].clone();
    let mechanism = kb.indication(&map.indication)?.mechanism;
    let p = &map.calibration;
    let day = p.evaluated_week * 7;
    let state = calibration::central_state(kb, &central, p).ok_or("state")?;
    let signal = if mechanism == microneedling_core::indication::Mechanism::Hair {
        state.inflammation_integral
    } else {
        state.new_collagen_pct()
    };
    let base = map
        .baseline_minoxidil_at_12_weeks
        .map_or(0.0, |b| b * (f64::from(day) / 84.0).min(1.0));
    let per_unit = if p.responder_share {
        let course = calibration::course(kb, p).ok_or("course")?;
        let threshold = map.responder_threshold.unwrap_or(map.maximum);
        let (mut lo, mut hi) = (1e-6_f64, 1e3_f64);
        for _ in 0..100 {
            let mid = (lo * hi).sqrt();
            let mut trial = map.clone();
            trial.per_unit = mid;
            let v = &sample_scale(
                &kb.healing,
                &trial,
                mechanism,
                &course,
                &[day],
                CALIBRATION_SEED,
                0..CALIBRATION_SAMPLES as u64,
            )[0];
            let share =
                100.0 * v.iter().filter(|x| **x >= threshold).count() as f64 / v.len() as f64;
            if share < p.expected {
                lo = mid
            } else {
                hi = mid
            }
        }
        (lo * hi).sqrt()
    } else {
        // Invert the Emax map `max · x / (x + max)` for the linear response x.
        let x = p.expected * map.maximum / (map.maximum - p.expected);
        (x - base) / signal
    };
    println!(
        "{}: per_unit = {:.6e} (signal {:.3})",
        map.indication, per_unit, signal
    );
    Ok(per_unit)
}

/// Fits the component model of `mechanism` and prints its `components` and `covariance` for
/// data/healing.toml, with each result it used.
fn print_components(
    kb: &KnowledgeBase,
    evidence: &Evidence,
    mechanism: Mechanism,
) -> Result<(), Failure> {
    use fit::components::{component_fit, component_observations, with_fit};
    let (used, skipped) = component_observations(kb, evidence, mechanism);
    let fitted = component_fit(kb, mechanism, &used)
        .and_then(|p| with_fit(kb, mechanism, &p))
        .ok_or("no component fit")?;
    println!("[{}] components (u, sd):", mechanism.as_str());
    for (i, c) in fitted.components.iter().enumerate() {
        println!(
            "  {{ id = \"{}\", u = {:.4} }}  sd {:.3}",
            c.id,
            c.u,
            fitted.covariance[i][i].sqrt()
        );
    }
    println!("covariance = [");
    for row in &fitted.covariance {
        let cells: Vec<String> = row.iter().map(|c| format!("{c:.5}")).collect();
        println!("  [{}],", cells.join(", "));
    }
    println!("]");
    for o in &used {
        println!(
            "  {:<38} month {:>4.1} f {:>5.3} z {:>6.3} var {:.4}{}",
            o.arm,
            o.month,
            o.fraction,
            o.z,
            o.variance,
            if o.last { "" } else { " (not fitted)" }
        );
    }
    for s in &skipped {
        println!("  skipped {}: {}", s.arm, s.reason);
    }
    Ok(())
}
