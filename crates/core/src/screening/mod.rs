//! Screening: contraindication rules from data/rules.toml judge a patient for a device, and the
//! adverse-effect profile says which risks this patient and plan raise.
//!
//! The verdict is the most severe tier among the findings (`eligible` when there are none):
//! `caution` < `needs-clearance` < `contraindicated`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::agent::Agent;
use crate::device::{Device, DeviceKind, DeviceUse};
use crate::error::InputError;
use crate::patient::{HistoryFlag, Patient, ProcedureKind};
use crate::penetration::Penetration;
use crate::provenance::Edition;

pub mod adverse;
mod beta;
pub mod probability;

use adverse::{AdverseEffect, AdverseRisk, Exposure as DriverExposure};
use probability::AdverseRates;

/// How serious a screening rule is, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Treat, with the stated precaution.
    Caution,
    /// Treat only after clearance by the patient's physician or a wait.
    NeedsClearance,
    /// Do not treat.
    Contraindicated,
}

impl Tier {
    /// The accepted spellings, for error messages.
    pub const ACCEPTED: &'static str = "caution, needs-clearance, contraindicated";

    /// The kebab-case name, as serialized.
    pub fn as_str(self) -> &'static str {
        Verdict::from(self).as_str()
    }

    /// Parses a tier from its kebab-case name; `field` names the input in the error.
    pub fn parse(field: &str, text: &str) -> Result<Self, InputError> {
        match text {
            "caution" => Ok(Self::Caution),
            "needs-clearance" => Ok(Self::NeedsClearance),
            "contraindicated" => Ok(Self::Contraindicated),
            _ => Err(InputError::new(field, text, Self::ACCEPTED)),
        }
    }
}

/// The overall result of screening: the worst tier that fired, or eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No rule fired.
    Eligible,
    /// At least one caution, nothing worse.
    Caution,
    /// At least one rule needs clearance, none contraindicates.
    NeedsClearance,
    /// At least one rule contraindicates treatment.
    Contraindicated,
}

impl Verdict {
    /// The kebab-case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eligible => "eligible",
            Self::Caution => "caution",
            Self::NeedsClearance => "needs-clearance",
            Self::Contraindicated => "contraindicated",
        }
    }
}

impl From<Tier> for Verdict {
    fn from(tier: Tier) -> Self {
        match tier {
            Tier::Caution => Self::Caution,
            Tier::NeedsClearance => Self::NeedsClearance,
            Tier::Contraindicated => Self::Contraindicated,
        }
    }
}

/// When a rule fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Condition {
    /// A history item is true.
    Flag {
        /// The history item.
        flag: HistoryFlag,
    },
    /// The last isotretinoin dose falls within the policy's window before treatment.
    Isotretinoin,
    /// One of these procedures within this many days before treatment.
    RecentProcedure {
        /// Procedure kinds that count.
        procedures: Vec<ProcedureKind>,
        /// Window before treatment (days).
        within_days: u32,
    },
    /// The patient's Fitzpatrick phototype is at least `value`.
    FitzpatrickAtLeast {
        /// Lowest phototype (1–6) that fires the rule.
        value: u8,
    },
    /// The treatment is for one of these indications.
    Indication {
        /// Indication identifiers.
        ids: Vec<String>,
    },
    /// The device is for this use (home or professional).
    DeviceUse {
        /// The use that fires the rule.
        r#use: DeviceUse,
    },
    /// The treatment's topical is not made for intradermal use.
    TopicalNotIntradermal,
    /// A zone is set deeper than the device's labelled maximum.
    DeviceAboveLabelledMax,
}

/// A screening rule from `data/rules.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable identifier.
    pub id: String,
    /// How serious it is when it fires.
    pub tier: Tier,
    /// When it fires.
    pub when: Condition,
    /// The rule applies only to these device kinds; all kinds when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_kinds: Option<Vec<DeviceKind>>,
    /// What the clinician is told when it fires.
    pub message: String,
    /// What must be done before or during treatment.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Citation behind the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Stated assumption, where no source gives the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

/// How long after isotretinoin to caution, and how strongly: the label says 6 months, the ASDS
/// 2017 guideline finds no evidence for a delay, so clinics choose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IsotretinoinPolicy {
    /// Days before treatment within which the last dose counts.
    pub window_days: u32,
    /// Tier of the finding when it does.
    pub tier: Tier,
    /// Citation of the policy.
    pub source: String,
}

/// What a plan does for darker phototypes, as the `dark-phototype-pih` rule asks: a conservative
/// depth and a test spot read before the series starts (data/rules.toml `[dark_phototype]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DarkPhototypePolicy {
    /// The lowest Fitzpatrick type the policy applies to.
    pub from_fitzpatrick: u8,
    /// Target depth × this factor (0 to 1].
    pub depth_factor: f64,
    /// Weeks between the test spot and the first session of the series.
    pub test_spot_weeks: u32,
    /// Where the policy comes from.
    pub source: String,
    /// What inside it is assumed.
    pub assumption: String,
}

impl DarkPhototypePolicy {
    /// Whether a patient of Fitzpatrick type `fitzpatrick` falls under the policy.
    pub fn applies(&self, fitzpatrick: u8) -> bool {
        fitzpatrick >= self.from_fitzpatrick
    }
}

/// One rule that fired (read back from the records by the FHIR import).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Identifier of the rule.
    pub rule: String,
    /// Its tier.
    pub tier: Tier,
    /// Its message.
    pub message: String,
    /// Its source or assumption.
    pub source: String,
    /// What must be done.
    pub actions: Vec<String>,
}

/// What the screening looks at besides the patient: the device, each zone's penetration, the
/// topical, whether a zone is set past the labelled maximum.
#[derive(Debug, Clone)]
pub struct Exposure<'a> {
    /// The device used.
    pub device: &'a Device,
    /// Penetration in each treated zone.
    pub zones: &'a [Penetration],
    /// The topical applied in session, if any.
    pub topical: Option<&'a Agent>,
    /// Whether any zone is set deeper than the device's labelled maximum.
    pub above_labelled_max: bool,
}

/// The result of screening a patient for one treatment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Screening {
    /// The worst tier that fired, or eligible.
    pub verdict: Verdict,
    /// Device identifier.
    pub device: String,
    /// Every rule that fired, worst first.
    pub findings: Vec<Finding>,
    /// Every required action of the findings, once, in finding order.
    pub actions: Vec<String>,
    /// Adverse effects with their likelihood, and probability where trials give one, for this
    /// patient and device.
    pub adverse_effects: Vec<AdverseRisk>,
    /// The knowledge base's version and the disclaimer.
    #[serde(flatten)]
    pub edition: Edition,
}

fn days_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    (later - earlier).num_days()
}

impl Rule {
    fn applies(
        &self,
        patient: &Patient,
        exposure: &Exposure<'_>,
        policy: &IsotretinoinPolicy,
    ) -> bool {
        if let Some(kinds) = &self.device_kinds
            && !kinds.contains(&exposure.device.kind)
        {
            return false;
        }
        let history = &patient.history;
        let date = patient.treatment.date;
        match &self.when {
            Condition::Flag { flag } => history.has(*flag),
            Condition::Isotretinoin => history.isotretinoin_last_dose.is_some_and(|last| {
                let days = days_between(last, date);
                days < i64::from(policy.window_days)
            }),
            Condition::RecentProcedure {
                procedures,
                within_days,
            } => history.recent_procedures.iter().any(|p| {
                procedures.contains(&p.kind) && days_between(p.date, date) < i64::from(*within_days)
            }),
            Condition::FitzpatrickAtLeast { value } => patient.fitzpatrick >= *value,
            Condition::Indication { ids } => ids.contains(&patient.treatment.indication),
            Condition::DeviceUse { r#use } => exposure.device.device_use == *r#use,
            Condition::TopicalNotIntradermal => exposure
                .topical
                .is_some_and(|agent| !agent.intradermal_suited),
            Condition::DeviceAboveLabelledMax => exposure.above_labelled_max,
        }
    }

    fn cite(&self) -> String {
        crate::provenance::Provenance {
            source: self.source.clone(),
            assumption: self.assumption.clone(),
        }
        .cite()
    }
}

/// Judges `patient` for `exposure` with `rules`; the isotretinoin rule takes its tier from
/// `policy`; `effects` and their `rates` give the adverse-effect profile, `edition` labels the
/// result.
pub fn screen(
    rules: &[Rule],
    effects: &[AdverseEffect],
    rates: &AdverseRates,
    edition: Edition,
    patient: &Patient,
    exposure: &Exposure<'_>,
    policy: &IsotretinoinPolicy,
) -> Screening {
    let mut findings: Vec<Finding> = rules
        .iter()
        .filter(|rule| rule.applies(patient, exposure, policy))
        .map(|rule| {
            let tier = if rule.when == Condition::Isotretinoin {
                policy.tier
            } else {
                rule.tier
            };
            let mut message = rule.message.clone();
            if rule.when == Condition::Isotretinoin {
                message = format!(
                    "{message} (window {} days, last dose {})",
                    policy.window_days,
                    patient
                        .history
                        .isotretinoin_last_dose
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                );
            }
            Finding {
                rule: rule.id.clone(),
                tier,
                message,
                source: rule.cite(),
                actions: rule.actions.clone(),
            }
        })
        .collect();
    // Most severe first; rule order within a tier.
    findings.sort_by_key(|f| std::cmp::Reverse(f.tier));
    let verdict = findings
        .first()
        .map_or(Verdict::Eligible, |f| Verdict::from(f.tier));
    let mut actions: Vec<String> = Vec::new();
    for action in findings.iter().flat_map(|f| f.actions.iter()) {
        if !actions.contains(action) {
            actions.push(action.clone());
        }
    }
    let driver_exposure = DriverExposure::new(patient, exposure);
    Screening {
        verdict,
        device: exposure.device.id.clone(),
        adverse_effects: adverse::profile(effects, rates, &driver_exposure),
        findings,
        actions,
        edition,
    }
}
