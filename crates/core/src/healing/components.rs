//! Mechanisms driven by treatment components rather than collagen: melasma (pigment) and
//! rosacea (vascular). Kinetics under treatment, and relapse after it.
//!
//! Each treatment component `j` (needling itself, RF heating, tranexamic acid, a hydroquinone
//! cream, …) lowers what drives the sign (melanin production, vessel dilation) while it acts;
//! together they set the steady improvement `E = 1 − exp(−Σ u_j)` (independent actions multiply
//! what is left). What is already there clears at the tissue's turnover rate `k` (melanin leaves
//! with the epidermis: Maeda 2017, 36.2 days), and after treatment (the series plus its
//! maintenance) the improvement is lost at the relapse rate `r` (melasma: Del Rosario 2018):
//!
//! ```text
//! f(t) = E (1 − e^{−k t})                                  t ≤ t_end
//! f(t) = E (1 − e^{−k t_end}) e^{−r (t − t_end)}           t > t_end
//! ```
//!
//! The `u_j` of each mechanism are fitted together on its arms of data/trials.toml (crate `fit`),
//! with a prior for components few trials inform.

use serde::{Deserialize, Serialize};

use crate::provenance::Cited;

/// One treatment component's fitted effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Identifier: `needling`, or the agent or class (`tranexamic-acid`, `hydroquinone`, …).
    pub id: String,
    /// Lower-case fragments that identify the component in a trial arm's `topical`.
    pub matches: Vec<String>,
    /// Posterior mean of `u` (the component's log-survival of melanin production).
    pub u: f64,
}

/// A component model's parameters (`[pigment]`, `[vascular]` of `data/healing.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComponentModel {
    /// Turnover `k` of what is already there (melanin, dilated vessels), per day.
    pub turnover_per_day: Cited,
    /// Between-person CV of the turnover time.
    pub turnover_cv: Cited,
    /// Loss of the improvement after treatment `r`, per day.
    pub relapse_per_day: Cited,
    /// Weeks after the last session during which the treatment still acts (maintenance).
    pub maintenance_weeks: Cited,
    /// Prior mean of each component's `u`.
    pub prior_mean: Cited,
    /// Prior SD of each component's `u`.
    pub prior_sd: Cited,
    /// Components, in the order of `covariance`.
    pub components: Vec<Component>,
    /// Posterior covariance of the components' `u` (row per component).
    pub covariance: Vec<Vec<f64>>,
    /// How the components were fitted.
    pub source: String,
}

impl ComponentModel {
    /// The index of the component `topical` (a trial arm's text or an agent id) belongs to.
    pub fn component_of(&self, topical: &str) -> Option<usize> {
        let text = topical.to_lowercase();
        self.components
            .iter()
            .position(|c| c.matches.iter().any(|m| text.contains(m.as_str())))
    }

    /// The index of the component `id` (`needling`, `rf`).
    pub fn index(&self, id: &str) -> Option<usize> {
        self.components.iter().position(|c| c.id == id)
    }

    /// Mean and variance of `Σ x_j u_j` for a design row `x` (weights per component).
    pub fn combined(&self, x: &[f64]) -> (f64, f64) {
        let mean = self.components.iter().zip(x).map(|(c, w)| c.u * w).sum();
        let mut variance = 0.0;
        for (i, row) in self.covariance.iter().enumerate() {
            for (j, c) in row.iter().enumerate() {
                variance += x.get(i).unwrap_or(&0.0) * c * x.get(j).unwrap_or(&0.0);
            }
        }
        (mean, variance)
    }
}

/// The improvement fraction on `day` for a combined effect `u_sum`, turnover `k` and relapse `r`
/// (per day), treatment acting until `end_day`.
pub fn response(u_sum: f64, k: f64, r: f64, end_day: f64, day: f64) -> f64 {
    let steady = 1.0 - (-u_sum.max(0.0)).exp();
    if day <= end_day {
        steady * (1.0 - (-k * day).exp())
    } else {
        steady * (1.0 - (-k * end_day).exp()) * (-r * (day - end_day)).exp()
    }
}

/// Each virtual patient's improvement on `days`: its combined effect drawn from
/// `N(mean, variance + tau²)` and its turnover time from a lognormal of the declared CV
/// (`[day][patient]`).
pub fn sample_response(
    params: &ComponentModel,
    design: &[f64],
    tau: f64,
    end_day: f64,
    days: &[u32],
    seed: u64,
    patients: std::ops::Range<u64>,
) -> Vec<Vec<f64>> {
    let (mean, variance) = params.combined(design);
    // Between-study spread scales with how much treatment there is: none gives no effect.
    let share = design.iter().sum::<f64>().min(1.0);
    let sd = (variance + (tau * share).powi(2)).sqrt();
    let cv = params.turnover_cv.value;
    let sigma_k = (1.0 + cv * cv).ln().sqrt();
    let (k, r) = (params.turnover_per_day.value, params.relapse_per_day.value);
    let per_patient: Vec<[f64; 3]> = patients
        .map(|i| super::rates::patient_normals(seed, i))
        .collect();
    days.iter()
        .map(|day| {
            per_patient
                .iter()
                .map(|[z_k, z_u, _]| {
                    let k = k * (sigma_k * z_k).exp();
                    response(mean + sd * z_u, k, r, end_day, f64::from(*day))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_response_builds_then_relapses() {
        let (k, r) = (1.0 / 36.2, 0.016);
        let steady = 1.0 - (-1.0f64).exp();
        // One turnover time in: 1 − 1/e of the steady improvement.
        let one = response(1.0, k, r, 1000.0, 36.2);
        assert!((one - steady * (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        // Long treatment approaches the steady improvement; after it ends, the loss is
        // exponential at r.
        assert!((response(1.0, k, r, 1e4, 5000.0) - steady).abs() < 1e-9);
        let at_end = response(1.0, k, r, 84.0, 84.0);
        let later = response(1.0, k, r, 84.0, 84.0 + 91.0);
        assert!((later / at_end - (-r * 91.0).exp()).abs() < 1e-12);
        // No effect, no improvement; a negative effect is not a worsening.
        assert_eq!(response(0.0, k, r, 84.0, 50.0), 0.0);
        assert_eq!(response(-1.0, k, r, 84.0, 50.0), 0.0);
    }
}
