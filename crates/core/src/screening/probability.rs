//! Adverse effects as probabilities (data/adverse_rates.toml): for each effect with trial counts,
//! the patient's stratum pools its arms' events and patients into a Beta posterior,
//! Beta(events + a, n − events + b); the drivers that are on multiply it by their factors. The
//! median and the 10–90 % band are exact quantiles of that posterior, in percent.

use serde::{Deserialize, Serialize};

use super::adverse::Driver;
use super::beta;
use crate::error::Error;
use crate::provenance::Provenance;

/// Adverse-event counts from one trial arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateArm {
    /// Stable identifier, named by the strata.
    pub id: String,
    /// The adverse effect counted (an id of data/adverse_effects.toml).
    pub effect: String,
    /// Patients with the effect.
    pub events: u32,
    /// Patients at risk.
    pub n: u32,
    /// Who was treated, with what and how.
    pub population: String,
    /// Citation with the quote or figure the counts come from.
    pub source: String,
    /// How the counts were read, where that took a choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The arm of the trial evidence base (data/trials.toml) that holds the same counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_arm: Option<String>,
}

/// A Beta(a, b) prior for a rate, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BetaPrior {
    /// Prior events (> 0).
    pub a: f64,
    /// Prior non-events (> 0).
    pub b: f64,
    /// Citation of the prior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Stated assumption, where no source gives the prior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

/// A group of patients with its own evidence: chosen when every `when` driver is on and no
/// `unless` driver is; the first such stratum of a model counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Stratum {
    /// Identifier, shown in the source line.
    pub id: String,
    /// Drivers that must all be on.
    #[serde(default)]
    pub when: Vec<Driver>,
    /// Drivers that must all be off.
    #[serde(default)]
    pub unless: Vec<Driver>,
    /// The arms pooled for this stratum; none means the prior alone.
    #[serde(default)]
    pub arms: Vec<String>,
    /// A prior of its own, in place of the model's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior: Option<BetaPrior>,
    /// Why there is no probability for this stratum (then no arms and no prior are used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_rate: Option<String>,
    /// Who the stratum is and how its evidence was pooled.
    pub note: String,
}

/// A multiplier of the rate, on when every `when` driver is on and no `unless` driver is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateFactor {
    /// Drivers that must all be on.
    #[serde(default)]
    pub when: Vec<Driver>,
    /// Drivers that must all be off.
    #[serde(default)]
    pub unless: Vec<Driver>,
    /// The multiplier (≥ 0).
    pub factor: f64,
    /// What the factor stands for, for the source line.
    pub label: String,
    /// Citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Stated assumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

/// The probability model of one adverse effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProbabilityModel {
    /// The adverse effect (an id of data/adverse_effects.toml).
    pub effect: String,
    /// The prior of every stratum that has none of its own.
    pub prior: BetaPrior,
    /// The strata, most specific first; the last has no conditions and catches everyone.
    pub strata: Vec<Stratum>,
    /// Multipliers by driver.
    #[serde(default)]
    pub factors: Vec<RateFactor>,
}

/// data/adverse_rates.toml: the trial counts and the models built on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdverseRates {
    /// What an effect without a model gets as its reason.
    pub no_model: String,
    /// Adverse-event counts, one per trial arm and effect.
    pub arms: Vec<RateArm>,
    /// One model per effect that has one.
    pub models: Vec<ProbabilityModel>,
}

/// A probability in percent: the posterior median and its 10–90 % band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProbabilityPct {
    /// Posterior median, %.
    pub median: f64,
    /// 10th percentile, %.
    pub p10: f64,
    /// 90th percentile, %.
    pub p90: f64,
}

impl ProbabilityPct {
    /// No chance at all (an effect of another device kind).
    pub const ZERO: Self = Self {
        median: 0.0,
        p10: 0.0,
        p90: 0.0,
    };
}

/// A probability, or none, with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The probability, when the evidence gives one.
    pub pct: Option<ProbabilityPct>,
    /// Stratum, counts, prior, factors and citations; or why there is no probability.
    pub source: String,
}

fn selected(when: &[Driver], unless: &[Driver], active: &[Driver]) -> bool {
    when.iter().all(|d| active.contains(d)) && !unless.iter().any(|d| active.contains(d))
}

fn cite(source: &Option<String>, assumption: &Option<String>) -> String {
    Provenance {
        source: source.clone(),
        assumption: assumption.clone(),
    }
    .cite()
}

impl AdverseRates {
    /// The probability of `effect` for a patient and plan whose drivers `active` are on.
    pub fn estimate(&self, effect: &str, active: &[Driver]) -> Estimate {
        let Some(model) = self.models.iter().find(|m| m.effect == effect) else {
            return Estimate {
                pct: None,
                source: self.no_model.clone(),
            };
        };
        let Some(stratum) = model
            .strata
            .iter()
            .find(|s| selected(&s.when, &s.unless, active))
        else {
            return Estimate {
                pct: None,
                source: String::from("no stratum fits this patient"),
            };
        };
        if let Some(reason) = &stratum.no_rate {
            return Estimate {
                pct: None,
                source: format!("No rate ({}): {reason}", stratum.id),
            };
        }
        self.posterior(model, stratum, active)
    }

    fn posterior(
        &self,
        model: &ProbabilityModel,
        stratum: &Stratum,
        active: &[Driver],
    ) -> Estimate {
        let arms: Vec<&RateArm> = stratum
            .arms
            .iter()
            .filter_map(|id| self.arms.iter().find(|a| &a.id == id))
            .collect();
        let events: u32 = arms.iter().map(|a| a.events).sum();
        let n: u32 = arms.iter().map(|a| a.n).sum();
        let prior = stratum.prior.as_ref().unwrap_or(&model.prior);
        let alpha = f64::from(events) + prior.a;
        let beta_ = f64::from(n - events) + prior.b;
        let factors: Vec<&RateFactor> = model
            .factors
            .iter()
            .filter(|f| selected(&f.when, &f.unless, active))
            .collect();
        let factor: f64 = factors.iter().map(|f| f.factor).product();
        let pct = |q: f64| 100.0 * (factor * beta::quantile(q, alpha, beta_)).min(1.0);
        let counts = if arms.is_empty() {
            String::from("no trial counts: prior alone")
        } else {
            let cited: Vec<String> = arms
                .iter()
                .map(|a| format!("{}/{} {}", a.events, a.n, a.source))
                .collect();
            format!("{events}/{n} pooled from {}", cited.join("; "))
        };
        let mut source = format!(
            "Stratum {} ({}): {counts}; posterior Beta({alpha}, {beta_}) with prior Beta({}, {}) ({})",
            stratum.id,
            stratum.note,
            prior.a,
            prior.b,
            cite(&prior.source, &prior.assumption)
        );
        for f in &factors {
            source.push_str(&format!(
                "; x{} {} ({})",
                f.factor,
                f.label,
                cite(&f.source, &f.assumption)
            ));
        }
        Estimate {
            pct: Some(ProbabilityPct {
                median: pct(0.5),
                p10: pct(0.1),
                p90: pct(0.9),
            }),
            source,
        }
    }

    /// Checks the models against the arms and `effects` (the ids of adverse_effects.toml).
    pub fn check(&self, effects: &[&str]) -> Result<(), Error> {
        let bad = |what: String| Err(Error::Knowledge(format!("adverse_rates.toml: {what}")));
        for arm in &self.arms {
            if arm.n == 0 || arm.events > arm.n || !effects.contains(&arm.effect.as_str()) {
                return bad(format!("arm {} has bad counts or effect", arm.id));
            }
        }
        for model in &self.models {
            let effect = model.effect.as_str();
            if !effects.contains(&effect) {
                return bad(format!("model of unknown effect {effect}"));
            }
            let catch_all = model
                .strata
                .last()
                .is_some_and(|s| s.when.is_empty() && s.unless.is_empty());
            if !catch_all {
                return bad(format!(
                    "{effect}: the last stratum must have no conditions"
                ));
            }
            let priors = std::iter::once(&model.prior)
                .chain(model.strata.iter().filter_map(|s| s.prior.as_ref()));
            for prior in priors {
                if !(prior.a > 0.0 && prior.b > 0.0) {
                    return bad(format!("{effect}: a prior needs a, b > 0"));
                }
                Provenance {
                    source: prior.source.clone(),
                    assumption: prior.assumption.clone(),
                }
                .check(&format!("prior of {effect}"))?;
            }
            self.check_strata(model)?;
            for f in &model.factors {
                if !(f.factor.is_finite() && f.factor >= 0.0) {
                    return bad(format!("{effect}: factor {} out of range", f.label));
                }
                Provenance {
                    source: f.source.clone(),
                    assumption: f.assumption.clone(),
                }
                .check(&format!("factor {} of {effect}", f.label))?;
            }
        }
        Ok(())
    }

    fn check_strata(&self, model: &ProbabilityModel) -> Result<(), Error> {
        for stratum in &model.strata {
            for id in &stratum.arms {
                if !self
                    .arms
                    .iter()
                    .any(|a| &a.id == id && a.effect == model.effect)
                {
                    return Err(Error::Knowledge(format!(
                        "adverse_rates.toml: stratum {} of {} names unknown arm {id}",
                        stratum.id, model.effect
                    )));
                }
            }
        }
        Ok(())
    }
}
