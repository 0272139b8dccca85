//! The arms of a component mechanism (melasma, rosacea) in data/trials.toml as a linear model of
//! its treatment components: each result
//! `f` at day `t` of an arm gives its steady improvement `E = f / c(t)` (`c` the kinetics'
//! approach and relapse, `healing::components`), and `−ln(1 − E) = Σ_j x_j u_j` over the arm's
//! components (needling, its topical). The `u_j` are the posterior of a Bayesian linear
//! regression ([`super::linear`]) with the between-study variance `τ²` added to each result's.

use std::collections::{BTreeMap, BTreeSet};

use super::linear::{Posterior, posterior};
use super::{CROSS_VALIDATION_SAMPLES, IndicationCrossValidation, ResultBand, Skipped};
use crate::evidence::{Arm, Evidence};
use crate::healing::components::{ComponentModel, response, sample_response};
use crate::healing::{DEFAULT_SEED, month_day_f};
use crate::indication::Mechanism;
use crate::knowledge::KnowledgeBase;

/// Steady improvements are kept inside this margin of 0 and 1 before taking logs.
const STEADY_MARGIN: f64 = 0.02;
/// Largest steady improvement a result may imply.
const STEADY_MAX: f64 = 0.95;

/// One result with its arm's components.
#[derive(Debug, Clone)]
pub struct ComponentObservation {
    /// Arm id.
    pub arm: String,
    /// Study id.
    pub study: String,
    /// The trial's scale.
    pub scale: String,
    /// Months from the first session (or the start of the topical).
    pub month: f64,
    /// Day of the result.
    pub day: u32,
    /// Improvement fraction the result shows.
    pub fraction: f64,
    /// Components acting (1) or not (0), in the model's `components` order.
    pub design: Vec<f64>,
    /// Day the treatment stops acting.
    pub end_day: f64,
    /// `−ln(1 − E)`.
    pub z: f64,
    /// Within-study variance of `z`.
    pub variance: f64,
    /// Whether this is the arm's last result (the one that enters the fit).
    pub last: bool,
}

/// Day the arm's treatment stops acting: its series plus the maintenance weeks; a daily topical
/// without needling acts through the trial.
fn end_day(params: &ComponentModel, arm: &Arm) -> Option<f64> {
    if !arm.needled() && arm.sessions.unwrap_or(0) <= 1 {
        return Some(f64::INFINITY);
    }
    let sessions = f64::from(arm.sessions?);
    let interval = arm.interval_weeks.unwrap_or(0.0);
    Some(7.0 * (sessions * interval + params.maintenance_weeks.value))
}

/// The components an arm uses (needling, RF heating, its topical), or why it informs none.
fn arm_design(params: &ComponentModel, arm: &Arm) -> Result<Vec<f64>, &'static str> {
    let mut design = vec![0.0; params.components.len()];
    let mut set = |i: Option<usize>| i.map(|i| design[i] = 1.0);
    if arm.needled() {
        set(params.index("needling")).ok_or("the model has no needling component")?;
        if arm.device == crate::evidence::DeviceKind::Rf {
            set(params.index("rf"));
        }
    }
    if let Some(topical) = &arm.topical {
        set(params.component_of(topical))
            .ok_or("its topical is not one of the model's components")?;
    }
    if design.iter().all(|x| *x == 0.0) {
        return Err("no treatment component (an untreated control informs no effect)");
    }
    Ok(design)
}

/// The results of `mechanism`'s arms its component fit can use, and the arms it cannot.
pub fn component_observations(
    kb: &KnowledgeBase,
    evidence: &Evidence,
    mechanism: Mechanism,
) -> (Vec<ComponentObservation>, Vec<Skipped>) {
    let Some(params) = kb.healing.component_model(mechanism) else {
        return (Vec::new(), Vec::new());
    };
    let default_variance = kb.healing.outcome_fit.default_variance.value;
    let (mut used, mut skipped) = (Vec::new(), Vec::new());
    for arm in &evidence.arms {
        let ours = kb
            .indication(&arm.indication)
            .is_ok_and(|i| i.mechanism == mechanism);
        if !ours {
            continue;
        }
        let skip = |reason: &str| Skipped {
            arm: arm.id.clone(),
            reason: reason.to_string(),
        };
        let design = match arm_design(params, arm) {
            Ok(design) => design,
            Err(reason) => {
                skipped.push(skip(reason));
                continue;
            }
        };
        let (Some(scale), Some(end)) = (kb.healing.scale(&arm.scale), end_day(params, arm)) else {
            skipped.push(skip("scale unknown or sessions not reported"));
            continue;
        };
        let last_month = arm.last().map_or(0.0, |f| f.month);
        let before = used.len();
        for f in &arm.followups {
            let Some(fraction) = scale.observed_fraction(f.kind.as_str(), f.value, arm.baseline)
            else {
                continue;
            };
            let day = month_day_f(f.month);
            let c = response(
                f64::INFINITY,
                params.turnover_per_day.value,
                params.relapse_per_day.value,
                end,
                f64::from(day),
            );
            let steady = (fraction / c).clamp(STEADY_MARGIN, STEADY_MAX);
            let variance = super::observations::fraction_se(arm, f, scale, arm.baseline)
                .map_or(default_variance, |se_f| {
                    (se_f / (c * (1.0 - steady))).powi(2)
                });
            used.push(ComponentObservation {
                arm: arm.id.clone(),
                study: arm.study.clone(),
                scale: arm.scale.clone(),
                month: f.month,
                day,
                fraction,
                design: design.clone(),
                end_day: end,
                z: -(1.0 - steady).ln(),
                variance: variance.max(1e-6),
                last: (f.month - last_month).abs() < 1e-9,
            });
        }
        if used.len() == before {
            skipped.push(skip("no result converts to an improvement fraction"));
        }
    }
    (used, skipped)
}

/// The posterior of `mechanism`'s components from the arms' last results (the prior alone when
/// there are none).
pub fn component_fit(
    kb: &KnowledgeBase,
    mechanism: Mechanism,
    observations: &[ComponentObservation],
) -> Option<Posterior> {
    let p = kb.healing.component_model(mechanism)?;
    let tau = kb.healing.outcome_fit.minimum_tau.value;
    // Arms of one study with the same components measure the same patients (two redness
    // indices, say): their mean counts once, with one arm's variance.
    let mut groups: BTreeMap<(&str, Vec<u64>), Vec<&ComponentObservation>> = BTreeMap::new();
    for o in observations.iter().filter(|o| o.last) {
        let key = o.design.iter().map(|x| x.to_bits()).collect();
        groups.entry((o.study.as_str(), key)).or_default().push(o);
    }
    let mean = |rows: &[&ComponentObservation], f: fn(&ComponentObservation) -> f64| {
        rows.iter().map(|o| f(o)).sum::<f64>() / rows.len() as f64
    };
    let rows: Vec<&Vec<&ComponentObservation>> = groups.values().collect();
    posterior(
        &rows.iter().map(|g| g[0].design.clone()).collect::<Vec<_>>(),
        &rows.iter().map(|g| mean(g, |o| o.z)).collect::<Vec<_>>(),
        &rows
            .iter()
            .map(|g| mean(g, |o| o.variance) + tau * tau)
            .collect::<Vec<_>>(),
        p.components.len(),
        p.prior_mean.value,
        p.prior_sd.value,
    )
}

/// `kb`'s model of `mechanism` with the components of `fit`.
pub fn with_fit(
    kb: &KnowledgeBase,
    mechanism: Mechanism,
    fit: &Posterior,
) -> Option<ComponentModel> {
    let mut params = kb.healing.component_model(mechanism)?.clone();
    let n = fit.mean.len();
    for (c, u) in params.components.iter_mut().zip(&fit.mean) {
        c.u = *u;
    }
    params.covariance = (0..n)
        .map(|i| fit.covariance[i * n..(i + 1) * n].to_vec())
        .collect();
    Some(params)
}

fn result_band(
    kb: &KnowledgeBase,
    params: &ComponentModel,
    o: &ComponentObservation,
    studies: u32,
) -> ResultBand {
    let values = sample_response(
        params,
        &o.design,
        kb.healing.outcome_fit.minimum_tau.value,
        o.end_day,
        &[o.day],
        DEFAULT_SEED,
        0..CROSS_VALIDATION_SAMPLES as u64,
    );
    ResultBand::of(
        [&o.study, &o.arm, &o.scale],
        o.month,
        o.fraction,
        values,
        studies,
    )
}

/// In-sample bands, and each study predicted by a fit without it.
pub fn component_cross_validation(
    kb: &KnowledgeBase,
    evidence: &Evidence,
    mechanism: Mechanism,
) -> (
    Vec<ResultBand>,
    Option<IndicationCrossValidation>,
    Vec<Skipped>,
) {
    let (all, skipped) = component_observations(kb, evidence, mechanism);
    let studies: BTreeSet<&str> = all.iter().map(|o| o.study.as_str()).collect();
    let n_studies = studies.len() as u32;
    let in_sample = component_fit(kb, mechanism, &all)
        .and_then(|fit| with_fit(kb, mechanism, &fit))
        .map(|params| {
            all.iter()
                .map(|o| result_band(kb, &params, o, n_studies))
                .collect()
        })
        .unwrap_or_default();
    let mut held = Vec::new();
    let mut held_studies = BTreeMap::new();
    for study in &studies {
        let training: Vec<ComponentObservation> =
            all.iter().filter(|o| o.study != *study).cloned().collect();
        let Some(params) =
            component_fit(kb, mechanism, &training).and_then(|fit| with_fit(kb, mechanism, &fit))
        else {
            continue;
        };
        for o in all.iter().filter(|o| o.study == *study) {
            held.push(result_band(kb, &params, o, n_studies - 1));
            held_studies.insert(*study, ());
        }
    }
    let summary =
        (!held.is_empty()).then(|| IndicationCrossValidation::of(held_studies.len() as u32, held));
    (in_sample, summary, skipped)
}
