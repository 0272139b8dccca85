//! Bayesian linear regression with a Gaussian prior, for a handful of coefficients:
//!
//! ```text
//! z = X u + ε,  ε ~ N(0, diag(v)),  u ~ N(μ₀, s₀² I)
//! posterior precision A = Xᵀ V⁻¹ X + I / s₀²,   posterior mean  A⁻¹ (Xᵀ V⁻¹ z + μ₀ / s₀²)
//! ```
//!
//! A coefficient no observation informs keeps its prior; the posterior covariance `A⁻¹` carries
//! what the data leave uncertain. The systems are tiny (one row per treatment component), so a
//! Cholesky factorisation written out here serves: a linear-algebra crate would be a dependency
//! for a 6 × 6 solve.

/// The posterior of the coefficients.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// Posterior mean of each coefficient.
    pub mean: Vec<f64>,
    /// Posterior covariance (row-major, `mean.len()` square).
    pub covariance: Vec<f64>,
}

impl Posterior {
    /// Variance of `x · u` for a design row `x`.
    pub fn variance_of(&self, x: &[f64]) -> f64 {
        let n = self.mean.len();
        let mut v = 0.0;
        for i in 0..n {
            for j in 0..n {
                v += x[i] * self.covariance[i * n + j] * x[j];
            }
        }
        v
    }
}

/// The posterior of `u` from rows `x` (each `p` long), targets `z`, variances `v` and the prior
/// `N(prior_mean, prior_sd²)` on each coefficient; `None` if the inputs do not fit together.
pub fn posterior(
    x: &[Vec<f64>],
    z: &[f64],
    v: &[f64],
    p: usize,
    prior_mean: f64,
    prior_sd: f64,
) -> Option<Posterior> {
    if x.len() != z.len() || z.len() != v.len() || x.iter().any(|r| r.len() != p) {
        return None;
    }
    let prior_precision = 1.0 / (prior_sd * prior_sd);
    let mut a = vec![0.0; p * p];
    let mut b = vec![prior_mean * prior_precision; p];
    for i in 0..p {
        a[i * p + i] = prior_precision;
    }
    for ((row, z), v) in x.iter().zip(z).zip(v) {
        for i in 0..p {
            b[i] += row[i] * z / v;
            for j in 0..p {
                a[i * p + j] += row[i] * row[j] / v;
            }
        }
    }
    let l = cholesky(&a, p)?;
    let mean = solve(&l, p, &b);
    let mut covariance = vec![0.0; p * p];
    for j in 0..p {
        let mut e = vec![0.0; p];
        e[j] = 1.0;
        for (i, c) in solve(&l, p, &e).into_iter().enumerate() {
            covariance[i * p + j] = c;
        }
    }
    Some(Posterior { mean, covariance })
}

/// Lower-triangular `L` with `L Lᵀ = a` (row-major), or `None` if `a` is not positive definite.
fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - sum;
                if d.is_nan() || d <= 0.0 {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - sum) / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Solves `L Lᵀ x = b`.
fn solve(l: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; n];
    for i in 0..n {
        let sum: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - sum) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let sum: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - sum) / l[i * n + i];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_prior_gives_weighted_least_squares() {
        // z = 1 + 2 t at t = 0, 1, 2 exactly: the fit recovers (1, 2) under a vague prior.
        let x = vec![vec![1.0, 0.0], vec![1.0, 1.0], vec![1.0, 2.0]];
        let z = [1.0, 3.0, 5.0];
        let p = posterior(&x, &z, &[0.1; 3], 2, 0.0, 1e6).expect("posterior");
        assert!(
            (p.mean[0] - 1.0).abs() < 1e-6 && (p.mean[1] - 2.0).abs() < 1e-6,
            "{p:?}"
        );
    }

    #[test]
    fn one_observation_and_a_prior_combine_by_precision() {
        // One coefficient, z = 2 with variance 1, prior N(0, 1): posterior mean 1, variance 1/2.
        let p = posterior(&[vec![1.0]], &[2.0], &[1.0], 1, 0.0, 1.0).expect("posterior");
        assert!((p.mean[0] - 1.0).abs() < 1e-12);
        assert!((p.covariance[0] - 0.5).abs() < 1e-12);
        assert!((p.variance_of(&[2.0]) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn an_uninformed_coefficient_keeps_its_prior() {
        let p = posterior(&[vec![1.0, 0.0]], &[3.0], &[0.01], 2, 0.3, 0.5).expect("posterior");
        assert!((p.mean[1] - 0.3).abs() < 1e-12);
        assert!((p.covariance[3] - 0.25).abs() < 1e-12);
        assert!(posterior(&[vec![1.0]], &[1.0, 2.0], &[1.0], 1, 0.0, 1.0).is_none());
    }
}
