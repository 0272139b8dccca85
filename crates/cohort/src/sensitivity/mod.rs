//! Global sensitivity of a cohort output to inputs and model parameters (`[sensitivity]` of the
//! spec): Sobol' first- and total-order indices by Saltelli sampling ([`sobol`]), or Morris
//! screening ([`morris`]) as the cheap option. The model runs on the spec's first device, site
//! and protocol, a woman, the central rates, with each chosen input moved over its range.

use serde::{Deserialize, Serialize};

use microneedling_core::KnowledgeBase;
use microneedling_core::healing::{
    CentralOverrides, HealingRequest, Rates, ScaleChoice, central_scale_values,
    improvement_fraction, integrate_fast, month_day,
};
use microneedling_core::indication::{Indication, Mechanism};
use microneedling_core::skin::{Sex, SkinProfile};

use crate::Error;
use crate::spec::Spec;

pub mod morris;
pub mod sobol;

pub use morris::{MorrisIndex, morris};
pub use sobol::{SobolIndex, sobol};

/// The inputs a sensitivity analysis can move: the setting and protocol, the collagen model's
/// rates and outcome coefficient, and the component model's turnover, relapse and effect
/// (pigment and vascular indications; the relapse also for hair).
pub const INPUTS: [&str; 12] = [
    "age_years",
    "length_mm",
    "sessions",
    "interval_weeks",
    "skin_thickness_z",
    "injury_gain",
    "collagen_maturation_per_day",
    "fibroblast_resolution_per_day",
    "outcome_ln_k",
    "turnover_per_day",
    "relapse_per_day",
    "treatment_effect_u",
];

/// Inputs of the setting and protocol, which every output can read.
const SETTING_INPUTS: [&str; 5] = [
    "age_years",
    "length_mm",
    "sessions",
    "interval_weeks",
    "skin_thickness_z",
];

/// The inputs `output` can read for an indication of `mechanism`: a model's own parameters only
/// where that model computes the output.
pub fn inputs_for(output: &str, mechanism: Mechanism) -> Vec<&'static str> {
    let own: &[&'static str] = match (output.starts_with("outcome_"), mechanism) {
        (false, _) | (true, Mechanism::Collagen) => &[
            "injury_gain",
            "collagen_maturation_per_day",
            "fibroblast_resolution_per_day",
            "outcome_ln_k",
        ],
        (true, Mechanism::Pigment | Mechanism::Vascular) => {
            &["turnover_per_day", "relapse_per_day", "treatment_effect_u"]
        }
        (true, Mechanism::Hair) => &[
            "injury_gain",
            "collagen_maturation_per_day",
            "fibroblast_resolution_per_day",
            "relapse_per_day",
        ],
    };
    SETTING_INPUTS.iter().chain(own).copied().collect()
}

/// The outputs it can read.
pub const OUTPUTS: [&str; 6] = [
    "effective_depth_um",
    "injured_dermis_fraction",
    "new_collagen_pct_month_6",
    "new_collagen_pct_month_12",
    "outcome_improvement_month_6",
    "outcome_improvement_month_12",
];

/// One input and its range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// One of [`INPUTS`].
    pub name: String,
    /// Lowest value.
    pub min: f64,
    /// Highest value.
    pub max: f64,
}

/// The `[sensitivity]` section of a spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    /// One of [`OUTPUTS`].
    pub output: String,
    /// Base points (Sobol: `samples · (d + 2)` runs) or trajectories (Morris: `samples · (d + 1)`).
    pub samples: usize,
    /// The inputs moved.
    pub inputs: Vec<Input>,
}

/// Sobol or Morris.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Variance-based indices with bootstrap intervals.
    Sobol,
    /// Elementary effects.
    Morris,
}

/// One input's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputResult {
    /// The input.
    #[serde(flatten)]
    pub input: Input,
    /// Sobol indices (method sobol).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sobol: Option<SobolIndex>,
    /// Morris measures (method morris), in output units per input range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub morris: Option<MorrisIndex>,
}

/// The analysis's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// `sobol` or `morris`.
    pub method: &'static str,
    /// The output analysed.
    pub output: String,
    /// Model runs made.
    pub evaluations: usize,
    /// The spec's hash.
    pub spec_hash: String,
    /// The setting every run starts from.
    pub base: String,
    /// Each input's indices.
    pub inputs: Vec<InputResult>,
    /// Decision support for research.
    pub disclaimer: String,
}

/// Checks `analysis` for `indication` (errors name `sensitivity.*`).
pub fn check(analysis: &Analysis, indication: &Indication) -> Result<(), Error> {
    let bad = |field: &str, value: String, accepted: String| Error::Spec {
        field: format!("sensitivity.{field}"),
        value,
        accepted,
    };
    if !OUTPUTS.contains(&analysis.output.as_str()) {
        return Err(bad(
            "output",
            analysis.output.clone(),
            format!("one of {}", OUTPUTS.join(", ")),
        ));
    }
    if !(8..=1 << 20).contains(&analysis.samples) {
        return Err(bad(
            "samples",
            analysis.samples.to_string(),
            String::from("8 to 1048576"),
        ));
    }
    if analysis.inputs.is_empty() {
        return Err(bad(
            "inputs",
            String::from("[]"),
            String::from("at least one input"),
        ));
    }
    for input in &analysis.inputs {
        if !INPUTS.contains(&input.name.as_str()) {
            return Err(bad(
                "inputs.name",
                input.name.clone(),
                format!("one of {}", INPUTS.join(", ")),
            ));
        }
        let readable = inputs_for(&analysis.output, indication.mechanism);
        if !readable.contains(&input.name.as_str()) {
            return Err(bad(
                "inputs.name",
                input.name.clone(),
                format!(
                    "for {} of {} ({:?} mechanism): one of {}",
                    analysis.output,
                    indication.id,
                    indication.mechanism,
                    readable.join(", ")
                ),
            ));
        }
        if !(input.min.is_finite() && input.max.is_finite() && input.min < input.max) {
            return Err(bad(
                "inputs",
                format!("{} {}..{}", input.name, input.min, input.max),
                String::from("finite min < max"),
            ));
        }
    }
    Ok(())
}

/// The model the analysis moves: the spec's first device, site and protocol, a woman, the
/// central rates.
struct Model<'a> {
    kb: &'a KnowledgeBase,
    spec: &'a Spec,
    analysis: &'a Analysis,
    device: &'a microneedling_core::device::Device,
    site: &'a microneedling_core::skin::Site,
    indication: &'a Indication,
    choice: ScaleChoice,
    central: Rates,
}

impl<'a> Model<'a> {
    fn new(kb: &'a KnowledgeBase, spec: &'a Spec, analysis: &'a Analysis) -> Result<Self, Error> {
        let model = |e: microneedling_core::InputError| Error::Model(e.to_string());
        let indication = kb.indication(spec.indication()).map_err(model)?;
        Ok(Self {
            kb,
            spec,
            analysis,
            device: kb.device(&spec.grid()[0].device).map_err(model)?,
            site: kb.site(&spec.population().sites[0]).map_err(model)?,
            indication,
            choice: ScaleChoice::resolve(&kb.healing.scales, &indication.id, None, None)
                .map_err(model)?,
            central: Rates::central(&kb.healing),
        })
    }

    fn base(&self) -> String {
        let p = &self.spec.grid()[0];
        format!(
            "{} at {} mm, {} sessions every {} weeks, {}, a woman, central rates",
            p.device, p.length_mm, p.sessions, p.interval_weeks, self.site.id
        )
    }

    /// The output at the point `u` of the unit cube (one coordinate per input).
    fn evaluate(&self, u: &[f64]) -> f64 {
        let (kb, protocol) = (self.kb, &self.spec.grid()[0]);
        let ages = &self.spec.population().age_years;
        let mut age = 0.5 * (ages.min + ages.max);
        let (mut length, mut sessions, mut interval) = (
            protocol.length_mm,
            f64::from(protocol.sessions),
            f64::from(protocol.interval_weeks),
        );
        let (mut z, mut rates, mut ln_k) =
            (0.0, self.central, kb.healing.outcome_fit.collagen.ln_k);
        let mut overrides = CentralOverrides::default();
        for (input, u) in self.analysis.inputs.iter().zip(u) {
            let v = input.min + u * (input.max - input.min);
            match input.name.as_str() {
                "age_years" => age = v,
                "length_mm" => length = v,
                "sessions" => sessions = v,
                "interval_weeks" => interval = v,
                "skin_thickness_z" => z = v,
                "injury_gain" => rates.gain = v,
                "collagen_maturation_per_day" => rates.k_mat = v,
                "fibroblast_resolution_per_day" => rates.k_f = v,
                "turnover_per_day" => overrides.turnover_per_day = Some(v),
                "relapse_per_day" => overrides.relapse_per_day = Some(v),
                "treatment_effect_u" => overrides.effect_u = Some(v),
                _ => ln_k = v,
            }
        }
        let Ok(skin) = SkinProfile::new(self.site, Sex::Female, age, &kb.age_model) else {
            return f64::NAN;
        };
        let skin = kb.thickness_variation.at(&skin, z);
        let device = self.device;
        let penetration = kb
            .penetration
            .simulate(device, length, &skin, device.default_passes);
        let output = self.analysis.output.as_str();
        match output {
            "effective_depth_um" => return penetration.effective_depth_um,
            "injured_dermis_fraction" => return penetration.injured_dermis_fraction,
            _ => {}
        }
        let (sessions, interval) = (
            sessions.round().max(1.0) as u32,
            interval.round().max(1.0) as u32,
        );
        let Ok(request) = HealingRequest::builder(device, &penetration)
            .sessions(sessions)
            .interval_weeks(interval)
            .build()
        else {
            return f64::NAN;
        };
        let day = month_day(if output.ends_with("_12") { 12 } else { 6 });
        if output.starts_with("outcome_") && self.indication.mechanism != Mechanism::Collagen {
            return self.central_outcome(&penetration, sessions, interval, &rates, overrides, day);
        }
        let course = request.course(&kb.healing, f64::from(day) + 1.0);
        let mut collagen = f64::NAN;
        integrate_fast(&rates, &course, |d, s| {
            if d == day {
                collagen = s.new_collagen_pct();
            }
        });
        if output.starts_with("new_collagen") {
            return collagen;
        }
        let f = improvement_fraction(ln_k, collagen);
        self.choice
            .scale()
            .improvement(f, self.choice.baseline())
            .unwrap_or(f64::NAN)
    }
}

impl Model<'_> {
    /// A pigment, vascular or hair indication's outcome on `day` for the central patient of the
    /// spec's first protocol (its topical included), the model parameters moved by `overrides`.
    fn central_outcome(
        &self,
        penetration: &microneedling_core::penetration::Penetration,
        sessions: u32,
        interval: u32,
        rates: &Rates,
        overrides: CentralOverrides,
        day: u32,
    ) -> f64 {
        let (kb, protocol) = (self.kb, &self.spec.grid()[0]);
        let Ok(request) = HealingRequest::builder(self.device, penetration)
            .sessions(sessions)
            .interval_weeks(interval)
            .indication(Some(self.indication))
            .topical(protocol.topical.as_deref(), 1.0)
            .build()
        else {
            return f64::NAN;
        };
        let course = request.course(&kb.healing, f64::from(day) + 1.0);
        central_scale_values(
            &kb.healing,
            self.indication,
            &request,
            &course,
            &self.choice,
            rates,
            overrides,
            &[day],
        )
        .map_or(f64::NAN, |values| values[0])
    }
}

/// One input's indices, by whichever method ran.
type Indices = (Option<SobolIndex>, Option<MorrisIndex>);

/// Runs the spec's `[sensitivity]` analysis with `method`.
pub fn analyse(kb: &KnowledgeBase, spec: &Spec, method: Method) -> Result<Report, Error> {
    let analysis = spec.sensitivity().ok_or_else(|| Error::Spec {
        field: String::from("sensitivity"),
        value: String::from("missing"),
        accepted: String::from("a [sensitivity] section with output, samples and inputs"),
    })?;
    let model = Model::new(kb, spec, analysis)?;
    let evaluate = |u: &[f64]| model.evaluate(u);
    let d = analysis.inputs.len();
    let n = analysis.samples;
    let (method_name, evaluations, results): (&'static str, usize, Vec<Indices>) = match method {
        Method::Sobol => (
            "sobol",
            n * (d + 2),
            sobol(d, n, spec.seed(), &evaluate)
                .into_iter()
                .map(|s| (Some(s), None))
                .collect(),
        ),
        Method::Morris => (
            "morris",
            n * (d + 1),
            morris(d, n, spec.seed(), &evaluate)
                .into_iter()
                .map(|m| (None, Some(m)))
                .collect(),
        ),
    };
    Ok(Report {
        method: method_name,
        output: analysis.output.clone(),
        evaluations,
        spec_hash: spec.hash().to_string(),
        base: model.base(),
        inputs: analysis
            .inputs
            .iter()
            .cloned()
            .zip(results)
            .map(|(input, (sobol, morris))| InputResult {
                input,
                sobol,
                morris,
            })
            .collect(),
        disclaimer: kb.disclaimer.clone(),
    })
}
