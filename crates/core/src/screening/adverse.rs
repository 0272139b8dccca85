//! The adverse-effect profile: each effect's baseline likelihood, raised one step by each driver
//! that this patient and plan switch on (at most two steps), and, where trials count it, its
//! probability for this patient and plan (see [`super::probability`]).

use serde::{Deserialize, Serialize};

use super::Exposure as ScreeningExposure;
use super::probability::{AdverseRates, ProbabilityPct};
use crate::device::DeviceKind;
use crate::patient::{History, HistoryFlag, Patient};
use crate::provenance::Provenance;
use crate::skin::Layer;

/// Most steps the drivers together may raise a likelihood.
const MAX_RAISE: usize = 2;

/// How likely an adverse effect is, from rarest to certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Likelihood {
    /// Rare: the lowest step of the scale.
    Rare,
    /// Uncommon: one step above rare.
    Uncommon,
    /// Common: a frequent effect.
    Common,
    /// Expected: part of the normal response (e.g. erythema after dermal needling); the top step.
    Expected,
}

impl Likelihood {
    const ORDER: [Likelihood; 4] = [Self::Rare, Self::Uncommon, Self::Common, Self::Expected];

    fn raised(self, steps: usize) -> Self {
        let index = Self::ORDER.iter().position(|l| *l == self).unwrap_or(0);
        Self::ORDER[(index + steps).min(Self::ORDER.len() - 1)]
    }

    /// The lowercase name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rare => "rare",
            Self::Uncommon => "uncommon",
            Self::Common => "common",
            Self::Expected => "expected",
        }
    }
}

/// What raises an adverse effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Driver {
    /// The needles reach the papillary dermis.
    DermisReached,
    /// The needles reach the reticular dermis.
    DeepNeedling,
    /// Fitzpatrick phototype IV–VI (post-inflammatory hyperpigmentation risk).
    DarkPhototype,
    /// The patient takes anticoagulants or antiplatelets.
    Anticoagulants,
    /// The patient has a bleeding disorder.
    BleedingDisorder,
    /// An energy device (radio-frequency microneedling).
    EnergyDevice,
    /// A home device, reused and hard to clean.
    HomeDeviceHygiene,
    /// A topical not suited to intradermal use goes on open channels.
    NonIntradermalTopical,
    /// A history of herpes simplex, or an active outbreak.
    HerpesHistory,
    /// A tendency to keloids or hypertrophic scars.
    KeloidTendency,
    /// The patient is immunosuppressed.
    Immunosuppressed,
    /// An allergy to nickel or other needle metals.
    MetalAllergy,
    /// A motorised pen (faster, more channels per pass).
    MotorisedPen,
    /// An unstable skin condition (e.g. active eczema, psoriasis flare).
    UnstableSkin,
    /// Antiviral prophylaxis is taken: lowers herpes reactivation, raises nothing.
    AntiviralProphylaxis,
}

/// An adverse effect from `data/adverse_effects.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdverseEffect {
    /// Stable identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether the seed article lists it.
    pub article_listed: bool,
    /// Baseline likelihood before any driver.
    pub likelihood: Likelihood,
    /// Typical duration, in words.
    pub typical_duration: String,
    /// What raises its likelihood.
    pub drivers: Vec<Driver>,
    /// Only these device kinds cause it; every kind when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to_kinds: Option<Vec<DeviceKind>>,
    /// Citation behind the effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Stated assumption, where no source gives the figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

/// A driver that is on, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActiveDriver {
    /// The driver.
    pub driver: Driver,
    /// Why it is on, for this patient and plan.
    pub reason: String,
}

/// One adverse effect assessed for a patient and plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdverseRisk {
    /// Effect identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether the seed article lists it.
    pub article_listed: bool,
    /// False when the effect belongs to other device kinds (burns without an energy device).
    pub applies: bool,
    /// Likelihood before any driver.
    pub baseline: Likelihood,
    /// Likelihood after the active drivers (one step each, at most two).
    pub likelihood: Likelihood,
    /// Typical duration, in words.
    pub typical_duration: String,
    /// Every driver the effect has, on or off: what would raise it.
    pub drivers: Vec<Driver>,
    /// The drivers on for this patient and plan, with the reason.
    pub raised_by: Vec<ActiveDriver>,
    /// Citation behind the effect.
    pub source: String,
    /// Probability (%) that this patient has the effect over a course like the trials', with
    /// its 10–90 % band; null when no trial gives a rate (`probability_source` says why).
    pub probability_pct: Option<ProbabilityPct>,
    /// The stratum, counts, prior, factors and citations behind the probability, or why there is
    /// none.
    pub probability_source: String,
}

/// The probability as people read it, "17 % (8-30 %)", or "no rate".
pub fn probability_text(risk: &AdverseRisk) -> String {
    let round = |pct: f64| {
        if pct < 1.0 && pct > 0.0 {
            format!("{pct:.1}")
        } else {
            format!("{pct:.0}")
        }
    };
    risk.probability_pct.map_or(String::from("no rate"), |p| {
        format!(
            "{} % ({}-{} %)",
            round(p.median),
            round(p.p10),
            round(p.p90)
        )
    })
}

/// The facts the drivers read.
#[derive(Debug, Clone)]
pub struct Exposure {
    device_kind: DeviceKind,
    active: Vec<ActiveDriver>,
}

impl Exposure {
    /// Works out which drivers are on for `patient` under `exposure`. The order of the drivers
    /// is the order reports list them in, so the groups below keep it.
    pub fn new(patient: &Patient, exposure: &ScreeningExposure<'_>) -> Self {
        let device = exposure.device;
        let history = &patient.history;
        let mut drivers = Drivers { active: Vec::new() };
        drivers.needling(exposure);
        drivers.person(patient);
        drivers.device_and_topical(exposure);
        drivers.history(history);
        drivers.on(
            device.kind == DeviceKind::Pen,
            Driver::MotorisedPen,
            format!("{} is a motorised pen", device.id),
        );
        drivers.on(
            history.has(HistoryFlag::UnstableSkinCondition),
            Driver::UnstableSkin,
            "unstable skin condition".into(),
        );
        Self {
            device_kind: device.kind,
            active: drivers.active,
        }
    }
}

/// The drivers found on so far, in report order.
struct Drivers {
    active: Vec<ActiveDriver>,
}

impl Drivers {
    fn on(&mut self, condition: bool, driver: Driver, reason: String) {
        if condition {
            self.active.push(ActiveDriver { driver, reason });
        }
    }

    /// How deep the needles go, in the deepest zone.
    fn needling(&mut self, exposure: &ScreeningExposure<'_>) {
        let deepest = exposure
            .zones
            .iter()
            .max_by(|a, b| a.effective_depth_um.total_cmp(&b.effective_depth_um));
        let reaches = |layer: Layer| {
            exposure
                .zones
                .iter()
                .any(|z| z.layers_reached.contains(&layer))
        };
        let depth_text = deepest.map_or(String::new(), |z| {
            format!("{:.0} um at the {}", z.effective_depth_um, z.site)
        });
        self.on(
            reaches(Layer::PapillaryDermis),
            Driver::DermisReached,
            format!("needles reach the dermis ({depth_text})"),
        );
        self.on(
            reaches(Layer::ReticularDermis),
            Driver::DeepNeedling,
            format!("needles reach the reticular dermis ({depth_text})"),
        );
    }

    /// Phototype and bleeding.
    fn person(&mut self, patient: &Patient) {
        let history = &patient.history;
        self.on(
            patient.fitzpatrick >= 4,
            Driver::DarkPhototype,
            format!("Fitzpatrick type {}", patient.fitzpatrick),
        );
        self.on(
            history.has(HistoryFlag::Anticoagulants),
            Driver::Anticoagulants,
            "takes blood thinners".into(),
        );
        self.on(
            history.has(HistoryFlag::BleedingDisorder),
            Driver::BleedingDisorder,
            "bleeding or clotting disorder".into(),
        );
    }

    /// The device's energy and hygiene, and the topical on open channels.
    fn device_and_topical(&mut self, exposure: &ScreeningExposure<'_>) {
        let device = exposure.device;
        self.on(
            device.is_energy(),
            Driver::EnergyDevice,
            format!("{} delivers radiofrequency heat", device.id),
        );
        self.on(
            device.is_home(),
            Driver::HomeDeviceHygiene,
            format!("{} is a home device: reusable, hard to clean", device.id),
        );
        if let Some(agent) = exposure.topical.filter(|a| !a.intradermal_suited) {
            self.on(
                true,
                Driver::NonIntradermalTopical,
                format!("{} is not made for intradermal use", agent.id),
            );
        }
    }

    /// History items that raise infection, scarring and allergy risks.
    fn history(&mut self, history: &History) {
        self.on(
            history.has(HistoryFlag::HerpesHistory) || history.has(HistoryFlag::ActiveHerpes),
            Driver::HerpesHistory,
            "history of herpes simplex".into(),
        );
        self.on(
            history.has(HistoryFlag::KeloidTendency),
            Driver::KeloidTendency,
            "keloid tendency".into(),
        );
        self.on(
            history.has(HistoryFlag::Immunosuppressed),
            Driver::Immunosuppressed,
            "immunosuppressed".into(),
        );
        self.on(
            history.has(HistoryFlag::MetalAllergy),
            Driver::MetalAllergy,
            "metal allergy".into(),
        );
        self.on(
            history.has(HistoryFlag::AntiviralProphylaxis),
            Driver::AntiviralProphylaxis,
            "takes antiviral prophylaxis".into(),
        );
    }
}

/// Every effect of the catalog, judged for this exposure; `rates` give the probabilities.
pub fn profile(
    effects: &[AdverseEffect],
    rates: &AdverseRates,
    exposure: &Exposure,
) -> Vec<AdverseRisk> {
    let active: Vec<Driver> = exposure.active.iter().map(|a| a.driver).collect();
    effects
        .iter()
        .map(|effect| {
            let applies = effect
                .applies_to_kinds
                .as_ref()
                .is_none_or(|kinds| kinds.contains(&exposure.device_kind));
            let raised_by: Vec<ActiveDriver> = if applies {
                exposure
                    .active
                    .iter()
                    .filter(|a| effect.drivers.contains(&a.driver))
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            };
            let (probability_pct, probability_source) = if applies {
                let estimate = rates.estimate(&effect.id, &active);
                (estimate.pct, estimate.source)
            } else {
                (
                    Some(ProbabilityPct::ZERO),
                    String::from("Does not arise with this device kind"),
                )
            };
            AdverseRisk {
                id: effect.id.clone(),
                name: effect.name.clone(),
                article_listed: effect.article_listed,
                applies,
                baseline: effect.likelihood,
                likelihood: effect.likelihood.raised(raised_by.len().min(MAX_RAISE)),
                typical_duration: effect.typical_duration.clone(),
                drivers: effect.drivers.clone(),
                raised_by,
                source: Provenance {
                    source: effect.source.clone(),
                    assumption: effect.assumption.clone(),
                }
                .cite(),
                probability_pct,
                probability_source,
            }
        })
        .collect()
}
