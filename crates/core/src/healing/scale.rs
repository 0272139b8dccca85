//! The clinical scales trials report, and how the model's improvement fraction reads on each.
//!
//! The collagen mechanism predicts an improvement fraction `f` in [0, 1): the share of the
//! patient's starting severity that treatment removes. A scale turns it into its own units:
//!
//! - a **severity** scale scores the skin (Goodman & Baron, Vancouver, MASI): the improvement is
//!   `f · |baseline − best|`, so a worse start has more to gain, and the predicted score is the
//!   baseline moved by it;
//! - an **improvement** scale rates the change itself (quartile grades, 0–10 physician rating):
//!   the rating is `f · maximum`, and no baseline applies;
//! - a **count** scale counts something that grows (hairs per cm²): the change is in counts.

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::provenance::Cited;

/// How a scale measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ScaleKind {
    /// Scores the skin's state; improvement is a share of the distance from the best score.
    Severity,
    /// Rates the change itself, from 0 (none) to the scale's maximum.
    Improvement,
    /// Counts something that grows with treatment (hairs per cm²).
    Count,
}

/// One clinical scale of one indication (`[[scales]]` of `data/healing.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Identifier, as trials.toml and `--scale` name it (e.g. `goodman-baron-quantitative`).
    pub id: String,
    /// Full name.
    pub name: String,
    /// The indication it grades (the first scale of an indication is its default).
    pub indication: String,
    /// Severity, improvement or count.
    pub kind: ScaleKind,
    /// Lowest and highest possible values; none for open-ended counts and indices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    /// Whether a higher value is worse (severity scores).
    #[serde(default)]
    pub higher_is_worse: bool,
    /// Unit of the values, e.g. `points` or `hairs per cm2`.
    pub unit: String,
    /// The baseline used when the caller gives none: a typical trial population's mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typical_baseline: Option<Cited>,
    /// Citation of the scale's definition.
    pub source: String,
}

impl Scale {
    /// The best possible score of a severity scale: the clear-skin end of its range, or 0 for
    /// an open-ended index where higher is worse.
    pub fn best(&self) -> Option<f64> {
        match self.range {
            Some([lo, hi]) => Some(if self.higher_is_worse { lo } else { hi }),
            None => self.higher_is_worse.then_some(0.0),
        }
    }

    /// The baseline to use: the caller's, checked against the range, or the typical one.
    /// Improvement scales take none.
    pub fn baseline(&self, given: Option<f64>) -> Result<Option<f64>, InputError> {
        match (self.kind, given) {
            (ScaleKind::Improvement, Some(b)) => Err(InputError::new(
                "baseline",
                b,
                format!(
                    "no baseline: {} rates the change itself (leave --baseline out)",
                    self.id
                ),
            )),
            (ScaleKind::Improvement, None) => Ok(None),
            (_, Some(b)) => {
                let inside = match self.range {
                    Some([lo, hi]) => (lo..=hi).contains(&b),
                    None => b.is_finite() && b >= 0.0,
                };
                let strictly_worse = self.best().is_none_or(|best| b != best);
                if inside && strictly_worse {
                    Ok(Some(b))
                } else {
                    Err(InputError::new("baseline", b, self.accepted_baseline()))
                }
            }
            (_, None) => Ok(self.typical_baseline.as_ref().map(|c| c.value)),
        }
    }

    fn accepted_baseline(&self) -> String {
        match (self.range, self.best()) {
            (Some([lo, hi]), Some(best)) => format!(
                "a {} score from {lo} to {hi} other than the best score {best}",
                self.id
            ),
            _ => format!("a {} value of 0 or more", self.id),
        }
    }

    /// Improvement in the scale's units (positive = better) for an improvement fraction `f`.
    pub fn improvement(&self, f: f64, baseline: Option<f64>) -> Option<f64> {
        match self.kind {
            ScaleKind::Severity => Some(f * (baseline? - self.best()?).abs()),
            ScaleKind::Improvement => Some(f * self.range?[1]),
            ScaleKind::Count => None,
        }
    }

    /// The score a patient starting at `baseline` reaches with `improvement` (positive = better).
    pub fn score(&self, baseline: Option<f64>, improvement: f64) -> Option<f64> {
        let b = baseline?;
        match self.kind {
            ScaleKind::Improvement => None,
            _ if self.higher_is_worse => Some(b - improvement),
            _ => Some(b + improvement),
        }
    }

    /// The improvement fraction a trial result shows: `kind` is the trial's follow-up kind
    /// (`score`, `change`, `pct-improvement`), `baseline` the arm's or this scale's typical one.
    /// None where the result does not convert (responder shares, counts, no baseline).
    pub fn observed_fraction(&self, kind: &str, value: f64, baseline: Option<f64>) -> Option<f64> {
        let f = match (self.kind, kind) {
            (ScaleKind::Count, _) | (_, "responders-pct") => return None,
            (_, "pct-improvement") => value / 100.0,
            (ScaleKind::Improvement, "score" | "change") => value / self.range?[1],
            (ScaleKind::Severity, "change") => value / (baseline? - self.best()?).abs(),
            (ScaleKind::Severity, "score") => {
                let b = baseline?;
                (b - value) / (b - self.best()?)
            }
            _ => return None,
        };
        f.is_finite().then_some(f)
    }
}

/// The improvement fraction of a coefficient `k` on a signal: `x / (1 + x)`, `x = k · signal`,
/// an Emax curve with no cap below a full clearance (slope `k` at zero, half at `k · signal = 1`).
pub fn improvement_fraction(ln_k: f64, signal: f64) -> f64 {
    let x = ln_k.exp() * signal.max(0.0);
    x / (1.0 + x)
}

/// A scale and the baseline to read it from, checked against each other: what a request's
/// outcome is reported on. Build it with [`ScaleChoice::resolve`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleChoice {
    scale: Scale,
    baseline: Option<f64>,
    baseline_given: bool,
}

impl ScaleChoice {
    /// The scale `id` of `indication` among `scales` (its default when `None`), with the
    /// caller's `baseline` or the scale's typical one. Errors name `scale` (listing the
    /// indication's scales) or `baseline` (saying what the scale accepts).
    pub fn resolve(
        scales: &[Scale],
        indication: &str,
        id: Option<&str>,
        baseline: Option<f64>,
    ) -> Result<Self, InputError> {
        let mut own = scales.iter().filter(|s| s.indication == indication);
        let scale = match id {
            None => own.next(),
            Some(id) => own.find(|s| s.id == id),
        };
        let Some(scale) = scale else {
            let names: Vec<&str> = scales
                .iter()
                .filter(|s| s.indication == indication)
                .map(|s| s.id.as_str())
                .collect();
            let accepted = if names.is_empty() {
                format!("none: {indication} has no clinical scale yet")
            } else {
                format!("one of {}", names.join(", "))
            };
            return Err(InputError::new("scale", id.unwrap_or(""), accepted));
        };
        Ok(Self {
            baseline: scale.baseline(baseline)?,
            baseline_given: baseline.is_some(),
            scale: scale.clone(),
        })
    }

    /// What a request asks for: `None` when neither a scale nor a baseline is given (the
    /// indication's default scale at its typical baseline is used), else the resolved choice.
    /// A scale or baseline without an indication is an error naming `scale` or `baseline`.
    pub fn for_request(
        scales: &[Scale],
        indication: Option<&crate::indication::Indication>,
        id: Option<&str>,
        baseline: Option<f64>,
    ) -> Result<Option<Self>, InputError> {
        match (indication, id, baseline) {
            (_, None, None) => Ok(None),
            (Some(indication), id, baseline) => {
                Self::resolve(scales, &indication.id, id, baseline).map(Some)
            }
            (None, Some(id), _) => Err(InputError::new(
                "scale",
                id,
                "a scale of the indication: give --indication too",
            )),
            (None, None, Some(b)) => Err(InputError::new(
                "baseline",
                b,
                "a baseline on an indication's scale: give --indication too",
            )),
        }
    }

    /// The scale.
    pub fn scale(&self) -> &Scale {
        &self.scale
    }
    /// The baseline the outcome is read from (none on improvement scales).
    pub fn baseline(&self) -> Option<f64> {
        self.baseline
    }
    /// Whether the caller gave the baseline (else it is the scale's typical one).
    pub fn baseline_given(&self) -> bool {
        self.baseline_given
    }
}
