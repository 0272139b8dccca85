//! Validation cases: each model against an analytic solution or a published figure, with the
//! source, the expected and computed values, the tolerance and the verdict. The tests assert every
//! case passes; `microneedling validate` (issue 5) will list them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::KnowledgeBase;
use crate::evidence::{Evidence, TRIALS_TOML};
use crate::fit::{self, IndicationCrossValidation, Skipped};

mod healing;
mod independent;
mod penetration;
mod transport;

pub use healing::healing_cases;
pub use independent::{
    INDEPENDENT_TOML, IndependentSummary, PASS_FACTOR, independent_cases, independent_summary,
};
pub use penetration::{fernandes_density, kalluri_2011, lima_2013, penetration_cases};
pub use transport::{
    ascorbic_acid, ascorbic_acid_request, cheek_request, closed_channel, closure_and_length,
    crank_cumulative, crank_membrane, davidson_ranking, delivery_mass_balance, grid_convergence,
    transport_cases, two_layers,
};

/// What a case's reference is, so calibration is never mistaken for validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CaseKind {
    /// An exact solution or an invariant of the numerics (mass balance, grid convergence,
    /// limits, geometry): verification, not evidence about skin.
    Analytic,
    /// A figure a parameter was fitted to (or chosen from): it checks the fit, it predicts
    /// nothing.
    Calibration,
    /// A published result the model was not tuned to: a prediction.
    Independent,
}

impl CaseKind {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Analytic => "analytic",
            Self::Calibration => "calibration",
            Self::Independent => "independent",
        }
    }
}

/// Which kind of case, of which model (`penetration`, `transport`, `healing`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope(pub CaseKind, pub &'static str);

/// One validation case: a model's computed value against an analytic or published reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationCase {
    /// Stable identifier of the case.
    pub id: String,
    /// Analytic, calibration or independent (see [`CaseKind`]).
    pub kind: CaseKind,
    /// Which model the case checks (`penetration`, `transport`, `healing`).
    pub model: &'static str,
    /// What the case checks, in one line, with the setting it was computed in.
    pub description: String,
    /// Source of the expected value (an analytic solution or a citation).
    pub source: String,
    /// Expected value, in the unit the description states.
    pub expected: f64,
    /// Value the model computes.
    pub computed: f64,
    /// What "within tolerance" means for this case.
    pub tolerance: String,
    /// Whether `computed` lies within the tolerance of `expected`.
    pub passed: bool,
    /// Independent ratio cases: how many times off the computed value is (≥ 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
}

pub(crate) fn relative_case(
    scope: Scope,
    id: &str,
    description: &'static str,
    source: &'static str,
    expected: f64,
    computed: f64,
    relative: f64,
) -> ValidationCase {
    ValidationCase {
        kind: scope.0,
        id: id.to_string(),
        model: scope.1,
        description: description.to_string(),
        source: source.to_string(),
        expected,
        computed,
        tolerance: format!("within {} %", relative * 100.0),
        passed: ((computed - expected) / expected).abs() <= relative,
        factor: None,
    }
}

/// A number short enough for a tolerance line.
pub(crate) fn short(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e5) {
        format!("{x:.1e}")
    } else {
        format!("{}", (x * 1e4).round() / 1e4)
    }
}

pub(crate) fn bound_case(
    scope: Scope,
    id: &'static str,
    description: &'static str,
    source: &'static str,
    computed: f64,
    low: f64,
    high: f64,
) -> ValidationCase {
    ValidationCase {
        kind: scope.0,
        id: id.to_string(),
        model: scope.1,
        description: description.to_string(),
        source: source.to_string(),
        expected: 0.5 * (low + high),
        computed,
        tolerance: format!("between {} and {}", short(low), short(high)),
        passed: computed.is_finite() && (low..=high).contains(&computed),
        factor: None,
    }
}

pub(crate) fn claim_case(
    scope: Scope,
    id: &'static str,
    description: &'static str,
    source: &'static str,
    holds: bool,
) -> ValidationCase {
    ValidationCase {
        kind: scope.0,
        id: id.to_string(),
        model: scope.1,
        description: description.to_string(),
        source: source.to_string(),
        expected: 1.0,
        computed: if holds { 1.0 } else { 0.0 },
        tolerance: String::from("holds (1) or not (0)"),
        passed: holds,
        factor: None,
    }
}

/// Every case: penetration, transport, healing.
pub fn all_cases(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    let mut cases = penetration_cases(kb);
    cases.extend(transport_cases(kb));
    cases.extend(healing_cases(kb));
    cases.extend(independent_cases(kb));
    cases
}

/// The whole validation: every case, and the outcome model's leave-one-study-out test.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Validation {
    /// Analytic, calibration and independent cases. The outcome fit's in-sample results are
    /// calibration cases (`outcome-fit-…`).
    pub cases: Vec<ValidationCase>,
    /// Per indication: studies held out, share of their results inside the 10–90 % band
    /// (`coverage_p10_p90`, 0–1), mean absolute error (percentage points of improvement), and
    /// each held-out result.
    pub cross_validation: BTreeMap<String, IndicationCrossValidation>,
    /// How the cross-validation was made.
    pub cross_validation_method: String,
    /// Trial arms the outcome fit cannot use, and why.
    pub outcome_fit_skipped: Vec<Skipped>,
}

/// Every case with `kb`, and the outcome model's cross-validation on the trials of
/// `data/trials.toml` (checked against `kb`; a trials file that does not check is an error).
pub fn validate(kb: &KnowledgeBase) -> Result<Validation, crate::Error> {
    let evidence = Evidence::from_toml(TRIALS_TOML, kb)?;
    let cv = fit::cross_validate(kb, &evidence);
    let mut cases = all_cases(kb);
    cases.extend(cv.in_sample.iter().map(|r| ValidationCase {
        id: format!("outcome-fit-{}-month-{}", r.arm, r.month),
        kind: CaseKind::Calibration,
        model: "outcome",
        description: format!(
            "{}: % improvement against the 10-90 % band of the joint fit that includes it ({} studies)",
            r.scale, r.fitted_on_studies
        ),
        source: format!("data/trials.toml arm {} (study {})", r.arm, r.study),
        expected: r.observed_pct,
        computed: r.median_pct,
        tolerance: format!("inside the band {} to {} %", short(r.p10_pct), short(r.p90_pct)),
        passed: r.inside,
        factor: None,
    }));
    Ok(Validation {
        cases,
        cross_validation: cv.by_indication,
        cross_validation_method: cv.method,
        outcome_fit_skipped: cv.skipped,
    })
}
