//! DerSimonian–Laird random-effects pooling: each study's estimate `z_s` with its within-study
//! variance `v_s` is taken as `z_s = μ + δ_s + ε_s`, `δ_s ~ N(0, τ²)` between studies and
//! `ε_s ~ N(0, v_s)` within. The method of moments (DerSimonian & Laird 1986):
//!
//! ```text
//! w_s = 1 / v_s,   μ_FE = Σ w z / Σ w,   Q = Σ w (z − μ_FE)²
//! τ² = max(0, (Q − (k − 1)) / (Σ w − Σ w² / Σ w))
//! w*_s = 1 / (v_s + τ²),   μ = Σ w* z / Σ w*,   se(μ) = 1 / √(Σ w*)
//! ```
//!
//! `τ` is floored at a declared minimum: two or three studies cannot estimate it.

/// One study's estimate and its within-study variance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudyEstimate {
    /// The estimate.
    pub z: f64,
    /// Its within-study variance (> 0).
    pub variance: f64,
}

/// The pooled estimate: mean, its standard error, and the between-study SD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pooled {
    /// Random-effects mean `μ`.
    pub mean: f64,
    /// Standard error of `μ`.
    pub se: f64,
    /// Between-study SD `τ` (at least the floor).
    pub tau: f64,
}

/// Pools `estimates` (none: `None`), with `τ` at least `minimum_tau`.
pub fn dersimonian_laird(estimates: &[StudyEstimate], minimum_tau: f64) -> Option<Pooled> {
    if estimates.is_empty()
        || estimates
            .iter()
            .any(|e| e.variance.is_nan() || e.variance <= 0.0 || !e.z.is_finite())
    {
        return None;
    }
    let k = estimates.len() as f64;
    let w: Vec<f64> = estimates.iter().map(|e| 1.0 / e.variance).collect();
    let sum_w: f64 = w.iter().sum();
    let fixed = estimates.iter().zip(&w).map(|(e, w)| w * e.z).sum::<f64>() / sum_w;
    let q: f64 = estimates
        .iter()
        .zip(&w)
        .map(|(e, w)| w * (e.z - fixed).powi(2))
        .sum();
    let c = sum_w - w.iter().map(|w| w * w).sum::<f64>() / sum_w;
    let tau2_moments = if c > 0.0 {
        ((q - (k - 1.0)) / c).max(0.0)
    } else {
        0.0
    };
    let tau = tau2_moments.sqrt().max(minimum_tau);
    let w_star: Vec<f64> = estimates
        .iter()
        .map(|e| 1.0 / (e.variance + tau * tau))
        .collect();
    let sum_star: f64 = w_star.iter().sum();
    let mean = estimates
        .iter()
        .zip(&w_star)
        .map(|(e, w)| w * e.z)
        .sum::<f64>()
        / sum_star;
    Some(Pooled {
        mean,
        se: sum_star.sqrt().recip(),
        tau,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(z: f64, variance: f64) -> StudyEstimate {
        StudyEstimate { z, variance }
    }

    #[test]
    fn two_studies_by_hand() {
        // w = 1, 1; μ_FE = 1; Q = 2; c = 2 − 2/2 = 1; τ² = (2 − 1)/1 = 1;
        // w* = 1/2, 1/2; μ = 1; se = 1/√1 = 1.
        let p = dersimonian_laird(&[est(0.0, 1.0), est(2.0, 1.0)], 0.0).expect("pools");
        assert!((p.mean - 1.0).abs() < 1e-12);
        assert!((p.tau - 1.0).abs() < 1e-12);
        assert!((p.se - 1.0).abs() < 1e-12);
    }

    #[test]
    fn agreeing_studies_have_no_heterogeneity_but_the_floor() {
        let studies = [est(0.7, 0.2), est(0.7, 0.5), est(0.7, 0.1)];
        let p = dersimonian_laird(&studies, 0.0).expect("pools");
        assert!((p.mean - 0.7).abs() < 1e-12);
        assert_eq!(p.tau, 0.0);
        // Fixed-effect standard error: 1/√(5 + 2 + 10).
        assert!((p.se - 17f64.sqrt().recip()).abs() < 1e-12);
        let floored = dersimonian_laird(&studies, 0.5).expect("pools");
        assert_eq!(floored.tau, 0.5);
        assert!(floored.se > p.se);
    }

    #[test]
    fn precise_studies_weigh_more_and_nothing_pools_from_nothing() {
        let p = dersimonian_laird(&[est(0.0, 0.01), est(1.0, 1.0)], 0.0).expect("pools");
        assert!(p.mean < 0.5, "{p:?}");
        assert!(dersimonian_laird(&[], 0.5).is_none());
        assert!(dersimonian_laird(&[est(1.0, 0.0)], 0.5).is_none());
    }
}
