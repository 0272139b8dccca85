//! Validation cases: each model against an analytic solution or a published figure, with the
//! source, the expected and computed values, the tolerance and the verdict. The tests assert every
//! case passes; `microneedling validate` (issue 5) will list them.

use serde::Serialize;

use crate::KnowledgeBase;

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
