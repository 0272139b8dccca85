//! Sobol' indices by Saltelli sampling. Two independent matrices `A` and `B` of `n` points in
//! the unit cube; `A_B^i` is `A` with column `i` from `B`. With `V` the variance of the outputs:
//!
//! ```text
//! S_i  = mean( f(B) · (f(A_B^i) − f(A)) ) / V          first order (Saltelli et al. 2010)
//! ST_i = mean( (f(A) − f(A_B^i))² ) / (2 V)            total order (Jansen 1999)
//! ```
//!
//! `n (d + 2)` evaluations; confidence intervals by bootstrap over the `n` rows.

use rayon::prelude::*;

use microneedling_core::healing::PatientRng;

/// One input's indices with 95 % bootstrap intervals.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SobolIndex {
    /// First-order index.
    pub first_order: f64,
    /// 2.5 and 97.5 percentiles of the bootstrap first-order index.
    pub first_order_ci: [f64; 2],
    /// Total-order index.
    pub total_order: f64,
    /// 2.5 and 97.5 percentiles of the bootstrap total-order index.
    pub total_order_ci: [f64; 2],
}

/// Bootstrap resamples behind each interval.
pub const BOOTSTRAP_RESAMPLES: usize = 200;

/// The indices of `f` over `d` inputs in the unit cube, from `n` base points of `seed`.
pub fn sobol(d: usize, n: usize, seed: u64, f: &(dyn Fn(&[f64]) -> f64 + Sync)) -> Vec<SobolIndex> {
    let point = |row: usize, stream: u64| -> Vec<f64> {
        let mut rng = PatientRng::new(seed, row as u64, stream);
        (0..d).map(|_| rng.uniform()).collect()
    };
    let a: Vec<Vec<f64>> = (0..n).map(|r| point(r, 1)).collect();
    let b: Vec<Vec<f64>> = (0..n).map(|r| point(r, 2)).collect();
    let fa: Vec<f64> = a.par_iter().map(|x| f(x)).collect();
    let fb: Vec<f64> = b.par_iter().map(|x| f(x)).collect();
    let fab: Vec<Vec<f64>> = (0..d)
        .map(|i| {
            (0..n)
                .into_par_iter()
                .map(|r| {
                    let mut x = a[r].clone();
                    x[i] = b[r][i];
                    f(&x)
                })
                .collect()
        })
        .collect();
    let indices = |rows: &[usize], i: usize| -> (f64, f64) {
        let m = rows.len() as f64;
        let mean = rows.iter().map(|r| fa[*r] + fb[*r]).sum::<f64>() / (2.0 * m);
        let variance = rows
            .iter()
            .map(|r| (fa[*r] - mean).powi(2) + (fb[*r] - mean).powi(2))
            .sum::<f64>()
            / (2.0 * m - 1.0);
        if variance <= 0.0 {
            return (0.0, 0.0);
        }
        let first = rows
            .iter()
            .map(|r| fb[*r] * (fab[i][*r] - fa[*r]))
            .sum::<f64>()
            / m;
        let total = rows
            .iter()
            .map(|r| (fa[*r] - fab[i][*r]).powi(2))
            .sum::<f64>()
            / (2.0 * m);
        (first / variance, total / variance)
    };
    let all: Vec<usize> = (0..n).collect();
    let resamples: Vec<Vec<usize>> = (0..BOOTSTRAP_RESAMPLES)
        .map(|k| {
            let mut rng = PatientRng::new(seed, k as u64, 3);
            (0..n)
                .map(|_| ((rng.uniform() * n as f64) as usize).min(n - 1))
                .collect()
        })
        .collect();
    (0..d)
        .map(|i| {
            let (first_order, total_order) = indices(&all, i);
            let (mut firsts, mut totals): (Vec<f64>, Vec<f64>) =
                resamples.iter().map(|rows| indices(rows, i)).unzip();
            firsts.sort_by(f64::total_cmp);
            totals.sort_by(f64::total_cmp);
            let ci = |v: &[f64]| {
                let at = |q: f64| v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
                [at(0.025), at(0.975)]
            };
            SobolIndex {
                first_order,
                first_order_ci: ci(&firsts),
                total_order,
                total_order_ci: ci(&totals),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Ishigami (a = 7, b = 0.1) on [−π, π]³: V = a²/8 + b π⁴/5 + b² π⁸/18 + 1/2,
    /// V1 = (1 + b π⁴/5)²/2, V2 = a²/8, V13 = b² π⁸ (1/18 − 1/50).
    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        let [x1, x2, x3] = [x[0], x[1], x[2]].map(|u| -PI + 2.0 * PI * u);
        x1.sin() + a * x2.sin().powi(2) + b * x3.powi(4) * x1.sin()
    }

    #[test]
    fn ishigami_indices_within_0_02_of_the_analytic_values() {
        let (a, b) = (7.0f64, 0.1f64);
        let pi4 = PI.powi(4);
        let v = a * a / 8.0 + b * pi4 / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
        let v1 = (1.0 + b * pi4 / 5.0).powi(2) / 2.0;
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let first = [v1 / v, v2 / v, 0.0];
        let total = [(v1 + v13) / v, v2 / v, v13 / v];
        let got = sobol(3, 1 << 15, 42, &ishigami);
        for i in 0..3 {
            assert!(
                (got[i].first_order - first[i]).abs() < 0.02,
                "S{} {:?} vs {}",
                i + 1,
                got[i],
                first[i]
            );
            assert!(
                (got[i].total_order - total[i]).abs() < 0.02,
                "ST{} {:?} vs {}",
                i + 1,
                got[i],
                total[i]
            );
            let [lo, hi] = got[i].total_order_ci;
            assert!(lo <= got[i].total_order && got[i].total_order <= hi);
        }
    }

    #[test]
    fn an_input_the_output_ignores_has_no_index() {
        let got = sobol(2, 4096, 1, &|x: &[f64]| 3.0 * x[0]);
        assert!((got[0].first_order - 1.0).abs() < 0.03, "{got:?}");
        assert!(got[1].total_order.abs() < 1e-12, "{got:?}");
    }
}
