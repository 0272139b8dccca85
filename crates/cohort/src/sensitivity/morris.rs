//! Morris screening: `r` one-at-a-time trajectories on a grid of `p` levels in the unit cube,
//! step `Δ = p / (2 (p − 1))`. Each trajectory moves every input once; the elementary effect of
//! input `i` is `(f(x + Δ e_i) − f(x)) / Δ`. `μ*` (mean absolute effect) ranks the inputs, `σ`
//! (their SD) flags non-linearity or interaction. `r (d + 1)` evaluations.

use microneedling_core::healing::PatientRng;

/// One input's screening measures.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MorrisIndex {
    /// Mean absolute elementary effect (output per unit of the input's range).
    pub mu_star: f64,
    /// Mean elementary effect.
    pub mu: f64,
    /// Standard deviation of the elementary effects.
    pub sigma: f64,
}

/// Grid levels.
pub const LEVELS: usize = 4;

/// The Morris measures of `f` over `d` inputs in the unit cube, from `r` trajectories of `seed`.
pub fn morris(
    d: usize,
    r: usize,
    seed: u64,
    f: &(dyn Fn(&[f64]) -> f64 + Sync),
) -> Vec<MorrisIndex> {
    let p = LEVELS as f64;
    let delta = p / (2.0 * (p - 1.0));
    let mut effects = vec![Vec::with_capacity(r); d];
    for t in 0..r {
        let mut rng = PatientRng::new(seed, t as u64, 4);
        // Start on the lower levels so that every move of +Δ stays in the cube.
        let lower = LEVELS / 2;
        let mut x: Vec<f64> = (0..d)
            .map(|_| ((rng.uniform() * lower as f64) as usize).min(lower - 1) as f64 / (p - 1.0))
            .collect();
        let mut order: Vec<usize> = (0..d).collect();
        for k in (1..d).rev() {
            let j = ((rng.uniform() * (k + 1) as f64) as usize).min(k);
            order.swap(k, j);
        }
        let mut fx = f(&x);
        for i in order {
            x[i] += delta;
            let next = f(&x);
            effects[i].push((next - fx) / delta);
            fx = next;
        }
    }
    effects
        .into_iter()
        .map(|e| {
            let n = e.len() as f64;
            let mu = e.iter().sum::<f64>() / n;
            let mu_star = e.iter().map(|v| v.abs()).sum::<f64>() / n;
            let sigma =
                (e.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
            MorrisIndex { mu_star, mu, sigma }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linear_function_has_its_slopes_as_effects_and_no_spread() {
        let got = morris(3, 20, 5, &|x: &[f64]| 2.0 * x[0] - 5.0 * x[1]);
        assert!((got[0].mu_star - 2.0).abs() < 1e-12 && got[0].sigma < 1e-12);
        assert!((got[1].mu_star - 5.0).abs() < 1e-12 && (got[1].mu + 5.0).abs() < 1e-12);
        assert!(got[2].mu_star.abs() < 1e-12);
    }

    #[test]
    fn an_interaction_shows_as_spread() {
        let got = morris(2, 40, 9, &|x: &[f64]| x[0] * x[1]);
        assert!(got[0].sigma > 0.1 && got[1].sigma > 0.1, "{got:?}");
    }
}
