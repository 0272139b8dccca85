//! The trial evidence base: published trial and meta-analysis arms from `data/trials.toml`
//! (population, protocol, outcome scale, baseline and follow-ups with their spread, adverse
//! counts, source), typed and checked against the knowledge base. Calibration fits the healing
//! model to these arms and leaves one study out at a time to test it; nothing here runs a model.
//!
//! The table is kept apart from [`KnowledgeBase`]: the knowledge base is what every command
//! carries and serialises, while the evidence serves calibration, validation and the catalog.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::KnowledgeBase;
use crate::error::Error;
use crate::provenance::uncited_in;

mod checks;

/// The data file, embedded.
pub const TRIALS_TOML: &str = include_str!("../../data/trials.toml");

/// How a study was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Randomised, parallel groups.
    ParallelRct,
    /// Randomised sides of one face (or scalp, abdomen) of the same patients.
    SplitFaceRct,
    /// Sides of the same patients, not stated as randomised.
    SplitFace,
    /// One prospective group.
    ProspectiveCohort,
    /// Records reviewed after the fact.
    Retrospective,
    /// A handful of cases.
    CaseSeries,
    /// Pooled studies.
    MetaAnalysis,
}

impl Design {
    /// Whether the arms are sides of the same patients (their results are correlated).
    pub fn is_split(self) -> bool {
        matches!(self, Self::SplitFaceRct | Self::SplitFace)
    }

    /// The name used in the data file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ParallelRct => "parallel-rct",
            Self::SplitFaceRct => "split-face-rct",
            Self::SplitFace => "split-face",
            Self::ProspectiveCohort => "prospective-cohort",
            Self::Retrospective => "retrospective",
            Self::CaseSeries => "case-series",
            Self::MetaAnalysis => "meta-analysis",
        }
    }
}

/// What a control arm isolates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ControlKind {
    /// A sham procedure (no needles, same visits).
    Sham,
    /// The topical without needling.
    TopicalAlone,
    /// A different, non-needling procedure (laser, microdermabrasion, microinjection).
    ActiveComparator,
    /// Needling without the adjunct: controls the topical, not the needle.
    NeedlingAlone,
    /// Nothing.
    NoTreatment,
}

/// The needling device of an arm, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    /// A roller.
    Roller,
    /// A stamp.
    Stamp,
    /// A motorised pen.
    Pen,
    /// Radio-frequency microneedling.
    Rf,
    /// Needling whose device the report does not name.
    Unspecified,
    /// No needling.
    None,
}

impl DeviceKind {
    /// Whether the arm was needled.
    pub fn needled(self) -> bool {
        self != Self::None
    }

    /// The name used in the data file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Roller => "roller",
            Self::Stamp => "stamp",
            Self::Pen => "pen",
            Self::Rf => "rf",
            Self::Unspecified => "unspecified",
            Self::None => "none",
        }
    }
}

/// What a follow-up value measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum FollowupKind {
    /// The scale's value at that time.
    Score,
    /// Improvement from baseline in the scale's units, positive = better.
    Change,
    /// Mean improvement as a percentage of baseline, positive = better.
    PctImprovement,
    /// Percentage of the arm meeting its responder definition.
    RespondersPct,
}

impl FollowupKind {
    /// The name used in the data file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Score => "score",
            Self::Change => "change",
            Self::PctImprovement => "pct-improvement",
            Self::RespondersPct => "responders-pct",
        }
    }
}

/// One reported result of an arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Followup {
    /// Months from the first session.
    pub month: f64,
    /// The reported value, in the unit `kind` gives.
    pub value: f64,
    /// Patients' standard deviation at that time, where reported or converted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// What the value measures.
    pub kind: FollowupKind,
}

/// Events of one adverse effect in an arm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdverseCount {
    /// Adverse-effect id of the knowledge base (`pih`, `infection`, ...).
    pub effect: String,
    /// Patients with the effect.
    pub events: u32,
    /// Patients at risk.
    pub n: u32,
}

/// One arm of a published trial (or one outcome of a cohort), usable in a fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Arm {
    /// Unique id, kebab-case.
    pub id: String,
    /// Study id shared by the arms of one study.
    pub study: String,
    /// Indication id of the knowledge base.
    pub indication: String,
    /// How the study was run.
    pub design: Design,
    /// Whether this arm isolates the needling or the adjunct.
    pub control: bool,
    /// What a control arm isolates (present exactly when `control`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_kind: Option<ControlKind>,
    /// Patients analysed (else enrolled, see `note`).
    pub n: u32,
    /// Fitzpatrick phototypes, lowest and highest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phototypes: Option<[u8; 2]>,
    /// Mean age, years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_mean: Option<f64>,
    /// Standard deviation of age, years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_sd: Option<f64>,
    /// Youngest and oldest, years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_range: Option<[f64; 2]>,
    /// Needling device kind (`none` for arms without needling).
    pub device: DeviceKind,
    /// Needle length, mm, where reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needle_length_mm: Option<f64>,
    /// Sessions (visits; 0 for a topical alone), where reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<u32>,
    /// Weeks between sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_weeks: Option<f64>,
    /// Topical or adjunct: an agent id of the knowledge base or a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topical: Option<String>,
    /// Outcome scale name (`goodman-baron-quantitative`, `mmasi`, `hair-count-per-cm2`, ...).
    pub scale: String,
    /// Lowest and highest value of a bounded scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_range: Option<[f64; 2]>,
    /// Whether a higher score is worse (scar grades, MASI) or better (hair counts).
    pub higher_is_worse: bool,
    /// Definition of a responder, for `responders-pct` follow-ups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responder: Option<String>,
    /// Mean score at baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// Standard deviation at baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_sd: Option<f64>,
    /// Reported results, in time order.
    pub followups: Vec<Followup>,
    /// Adverse-effect counts.
    #[serde(default)]
    pub adverse: Vec<AdverseCount>,
    /// The source, with a `[@…]` of docs/references.md.
    pub source: String,
    /// Whether every follow-up number was seen in stored text of the primary report.
    pub verified: bool,
    /// Conversions, interpretations and what is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Arm {
    /// Whether the arm was needled.
    pub fn needled(&self) -> bool {
        self.device.needled()
    }

    /// The last follow-up, the one a fit weighs most often.
    pub fn last(&self) -> Option<&Followup> {
        self.followups.last()
    }
}

/// A study read but not usable in a fit yet, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Pending {
    /// Unique id, kebab-case.
    pub id: String,
    /// Study id.
    pub study: String,
    /// Indication id of the knowledge base.
    pub indication: String,
    /// How the study was run.
    pub design: Design,
    /// Patients (studies for a meta-analysis, see `reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// Why it cannot enter a fit (what is missing).
    pub reason: String,
    /// The source, with a `[@…]` of docs/references.md.
    pub source: String,
}

/// The checked evidence base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Arms usable in a fit.
    pub arms: Vec<Arm>,
    /// Studies read but not usable yet.
    #[serde(default)]
    pub pending: Vec<Pending>,
}

static EMBEDDED: LazyLock<Result<Evidence, Error>> = LazyLock::new(|| {
    let kb = KnowledgeBase::embedded()?;
    Evidence::from_toml(TRIALS_TOML, kb)
});

/// The evidence base built into this binary, checked against the embedded knowledge base.
pub fn embedded() -> Result<&'static Evidence, Error> {
    EMBEDDED.as_ref().map_err(Clone::clone)
}

impl Evidence {
    /// The evidence base built into this binary (same as [`embedded`]).
    pub fn embedded() -> Result<&'static Evidence, Error> {
        embedded()
    }

    /// Parses a trials file and checks it against `kb` (ids, indications, adverse effects,
    /// scales, times, sources).
    pub fn from_toml(text: &str, kb: &KnowledgeBase) -> Result<Self, Error> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| Error::Knowledge(format!("trials.toml: {e}")))?;
        let missing = uncited_in(&table);
        if !missing.is_empty() {
            return Err(Error::Knowledge(format!(
                "trials.toml: numbers without a source: {}",
                missing.join(", ")
            )));
        }
        let evidence: Self = toml::Value::Table(table)
            .try_into()
            .map_err(|e| Error::Knowledge(format!("trials.toml: {e}")))?;
        checks::check(&evidence, kb)?;
        Ok(evidence)
    }

    /// The study ids, sorted.
    pub fn studies(&self) -> BTreeSet<&str> {
        self.arms.iter().map(|a| a.study.as_str()).collect()
    }

    /// The arms of one study.
    pub fn study<'a>(&'a self, study: &'a str) -> impl Iterator<Item = &'a Arm> + 'a {
        self.arms.iter().filter(move |a| a.study == study)
    }

    /// The arms of one indication.
    pub fn indication<'a>(&'a self, indication: &'a str) -> impl Iterator<Item = &'a Arm> + 'a {
        self.arms.iter().filter(move |a| a.indication == indication)
    }

    /// Every arm except those of `study`: the training set of a leave-one-study-out fold.
    pub fn without_study<'a>(&'a self, study: &'a str) -> impl Iterator<Item = &'a Arm> + 'a {
        self.arms.iter().filter(move |a| a.study != study)
    }
}
