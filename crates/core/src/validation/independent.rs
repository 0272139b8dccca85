//! Independent cases: published delivery and penetration results the models were not tuned to,
//! from `data/validation/independent.toml`, each computed in its own experimental setting. A
//! case passes within a factor of 3; the factor itself is reported so that `validate` can count
//! the share within 2× and 3×. Misses are kept.

use serde::Deserialize;

use super::{CaseKind, ValidationCase};
use crate::KnowledgeBase;
use crate::setting::{DeliveryQuery, Setting, SettingQuery, delivery_builder};
use crate::skin::{LayerThicknesses, Sex};
use crate::transport::{
    Delivery, Dose, GroupKind, Hydration, Preparation, Solute, Volatility, closure_95_h, simulate,
};

/// The data file, embedded.
pub const INDEPENDENT_TOML: &str = include_str!("../../data/validation/independent.toml");

/// A case passes when computed and expected agree within this factor.
pub const PASS_FACTOR: f64 = 3.0;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    cases: Vec<Spec>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Quantity {
    AbsorbedPctOfDose,
    SystemicPctOfDose,
    CumulativeRatio,
    FluxRatio,
    #[serde(rename = "closure_95_h")]
    Closure95H,
    DepthFraction,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentSpec {
    mw: f64,
    log_kow: f64,
    pka: Option<f64>,
    pka_kind: Option<GroupKind>,
    solubility_mg_per_ml: Option<f64>,
    vapour_pressure_pa: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    id: String,
    quantity: Quantity,
    expected: f64,
    description: String,
    source: String,
    setting: Preparation,
    site: String,
    sc_um: Option<f64>,
    epidermis_um: Option<f64>,
    agent: Option<AgentSpec>,
    device: Option<String>,
    length_mm: Option<f64>,
    dose: Option<String>,
    hours: Option<f64>,
    wash_at_h: Option<f64>,
    #[serde(default)]
    occluded: bool,
    assumption: String,
}

impl AgentSpec {
    fn solute(&self) -> Option<Solute> {
        let mut s = Solute::new(self.mw, self.log_kow).ok()?;
        if let Some(pka) = self.pka {
            s = s
                .with_group(pka, self.pka_kind.unwrap_or(GroupKind::Acid))
                .ok()?;
        }
        let volatility = Volatility::from_parts(self.vapour_pressure_pa, None, None);
        s.with_known(self.solubility_mg_per_ml, volatility).ok()
    }
}

impl Spec {
    /// The case's own layers; in vitro the dermis is the setting's default (dermatomed skin).
    fn layers(&self) -> LayerThicknesses {
        LayerThicknesses {
            stratum_corneum_um: self.sc_um,
            viable_epidermis_um: self.epidermis_um,
            dermis_um: None,
        }
    }

    /// The device setting, for the penetration cases.
    fn setting<'a>(&self, kb: &'a KnowledgeBase) -> Option<Setting<'a>> {
        let query = SettingQuery {
            device: self.device.as_deref()?,
            length_mm: self.length_mm,
            site: &self.site,
            sex: Sex::Female,
            age_years: None,
            passes: None,
        };
        Setting::resolve(kb, &query)
            .ok()?
            .with_layers(&self.layers())
            .ok()
    }

    fn delivery(&self, kb: &KnowledgeBase) -> Option<Delivery> {
        let solute = self.agent.as_ref()?.solute()?;
        let query = DeliveryQuery {
            device: self.device.as_deref(),
            length_mm: self.length_mm,
            site: &self.site,
            sex: Sex::Female,
            age_years: None,
            passes: None,
            preparation: self.setting,
            hydration: Hydration::Partial,
            layers: self.layers(),
        };
        let builder = delivery_builder(kb, &query, &self.id, solute).ok()?;
        let dose = Dose::parse("dose", self.dose.as_deref()?).ok()?;
        let mut builder = builder
            .occluded(self.occluded)
            .dose(dose)
            .hours(self.hours?);
        if let Some(h) = self.wash_at_h {
            builder = builder.wash_at_h(h);
        }
        let request = builder.build().ok()?;
        Some(simulate(&kb.transport, &request))
    }

    fn computed(&self, kb: &KnowledgeBase) -> Option<f64> {
        match self.quantity {
            Quantity::AbsorbedPctOfDose => self.delivery(kb)?.intact.absorbed_pct_of_dose,
            Quantity::SystemicPctOfDose => self.delivery(kb)?.intact.systemic_pct_of_dose,
            Quantity::CumulativeRatio => self.delivery(kb)?.enhancement_ratio,
            Quantity::FluxRatio => {
                let d = self.delivery(kb)?;
                let with = d.delivered_ug_per_cm2.last()?.uptake_flux_ug_per_cm2_h;
                let intact = d.intact_ug_per_cm2.last()?.uptake_flux_ug_per_cm2_h;
                (intact > 0.0).then(|| with / intact)
            }
            Quantity::Closure95H => Some(closure_95_h(
                &kb.transport,
                self.setting,
                self.occluded,
                self.length_mm? * 1000.0,
            )),
            Quantity::DepthFraction => {
                let p = self.setting(kb)?.penetration(kb);
                Some(p.effective_depth_um / p.nominal_length_um)
            }
        }
    }

    fn case(&self, kb: &KnowledgeBase) -> ValidationCase {
        let computed = self.computed(kb).unwrap_or(f64::NAN);
        let (tolerance, passed, factor) = if self.quantity == Quantity::Closure95H {
            (
                format!("at most {} h (an upper bound)", self.expected),
                computed <= self.expected,
                None,
            )
        } else {
            let factor = (computed / self.expected).max(self.expected / computed);
            (
                format!("within a factor of {PASS_FACTOR}"),
                factor.is_finite() && factor <= PASS_FACTOR,
                factor.is_finite().then_some(factor),
            )
        };
        let model = if matches!(self.quantity, Quantity::DepthFraction) {
            "penetration"
        } else {
            "transport"
        };
        ValidationCase {
            id: self.id.clone(),
            kind: CaseKind::Independent,
            model,
            description: format!("{} (setting: {})", self.description, self.assumption),
            source: self.source.clone(),
            expected: self.expected,
            computed,
            tolerance,
            passed: passed && computed.is_finite(),
            factor,
        }
    }
}

/// Every independent case of the data file, computed.
pub fn independent_cases(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    let file: File = match toml::from_str(INDEPENDENT_TOML) {
        Ok(f) => f,
        // The file is embedded and parsed by a test; an error here is a build defect.
        Err(_) => return Vec::new(),
    };
    file.cases.iter().map(|c| c.case(kb)).collect()
}

/// How the independent cases fare: the share of quantitative cases within 2× and 3×, and the
/// bounds that held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndependentSummary {
    /// Independent cases compared as a number (with a factor).
    pub quantitative: usize,
    /// Of those, within a factor of 2.
    pub within_2x: usize,
    /// Of those, within a factor of 3.
    pub within_3x: usize,
    /// Independent cases that are bounds or rankings.
    pub other: usize,
    /// Of those, holding.
    pub other_passed: usize,
}

/// Counts the independent cases of `cases`.
pub fn independent_summary(cases: &[ValidationCase]) -> IndependentSummary {
    let independent = cases.iter().filter(|c| c.kind == CaseKind::Independent);
    let factors: Vec<f64> = independent.clone().filter_map(|c| c.factor).collect();
    let others: Vec<&ValidationCase> = independent.filter(|c| c.factor.is_none()).collect();
    IndependentSummary {
        quantitative: factors.len(),
        within_2x: factors.iter().filter(|f| **f <= 2.0).count(),
        within_3x: factors.iter().filter(|f| **f <= 3.0).count(),
        other: others.len(),
        other_passed: others.iter().filter(|c| c.passed).count(),
    }
}
