//! The trial results the collagen fit can use: each needled arm's follow-ups that convert to an
//! improvement fraction, with the arm's protocol as a healing request and the model's central
//! signal (new collagen %) at the follow-up's time.

use crate::evidence::{Arm, DeviceKind, Evidence, FollowupKind};
use crate::healing::{
    DEFAULT_SAMPLES, DEFAULT_SEED, HealingRequest, Rates, integrate_fast, month_day_f,
};
use crate::indication::Mechanism;
use crate::knowledge::KnowledgeBase;
use crate::setting::{DEFAULT_AGE_YEARS, healing_builder};
use crate::skin::{Sex, SkinProfile};

/// Fractions are kept inside this margin of 0 and 1 before taking log-odds.
const FRACTION_MARGIN: f64 = 0.02;

/// One trial result on the improvement-fraction scale, with the arm's protocol.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Arm id in trials.toml.
    pub arm: String,
    /// Study id (arms of a study leave together).
    pub study: String,
    /// Indication id.
    pub indication: String,
    /// The trial's scale id.
    pub scale: String,
    /// Months from the first session.
    pub month: f64,
    /// Day of the follow-up, as the model counts.
    pub day: u32,
    /// What the trial reported (`score`, `change`, `pct-improvement`).
    pub kind: FollowupKind,
    /// The reported value, in the trial's units.
    pub value: f64,
    /// The improvement fraction the result shows.
    pub fraction: f64,
    /// Within-study variance of `logit(fraction)`.
    pub variance: f64,
    /// Whether this is the arm's last follow-up (the one that enters the fit).
    pub last: bool,
    /// The arm's protocol as the model runs it.
    pub request: HealingRequest,
    /// The model's central new collagen (%) at `day`.
    pub signal: f64,
}

impl Observation {
    /// `logit(f) − ln(signal)`: this result's estimate of `ln k`.
    pub fn ln_k(&self) -> f64 {
        let f = self.fraction.clamp(FRACTION_MARGIN, 1.0 - FRACTION_MARGIN);
        (f / (1.0 - f)).ln() - self.signal.ln()
    }
}

/// An arm or result the fit leaves out, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Skipped {
    /// Arm id.
    pub arm: String,
    /// Why it is not used.
    pub reason: String,
}

/// The catalogue device a trial's device kind is run as (needle length: the arm's, else the
/// device's default). Trials that do not say which device was used are run as a roller, the
/// device of most of them.
fn device_of(kind: DeviceKind) -> Option<&'static str> {
    match kind {
        DeviceKind::Roller | DeviceKind::Unspecified => Some("dermaroller-192"),
        DeviceKind::Stamp => Some("stamp"),
        DeviceKind::Pen => Some("skinpen"),
        DeviceKind::Rf => Some("rf-insulated"),
        DeviceKind::None => None,
    }
}

/// The healing request of `arm`'s protocol: its device at its length on the indication's first
/// zone, a woman of the arm's mean age (35 when not given), its sessions and interval.
pub fn arm_request(kb: &KnowledgeBase, arm: &Arm, months: u32) -> Result<HealingRequest, String> {
    let device = device_of(arm.device).ok_or("no needling")?;
    let device = kb.device(device).map_err(|e| e.to_string())?;
    let indication = kb.indication(&arm.indication).map_err(|e| e.to_string())?;
    let site = indication.default_zones.first().ok_or("no zone")?;
    let skin = SkinProfile::new(
        kb.site(site).map_err(|e| e.to_string())?,
        Sex::Female,
        arm.age_mean.unwrap_or(DEFAULT_AGE_YEARS),
        &kb.age_model,
    )
    .map_err(|e| e.to_string())?;
    let length_mm = device
        .check_length(arm.needle_length_mm.unwrap_or(device.default_length_mm))
        .map_err(|e| e.to_string())?;
    let sessions = arm
        .sessions
        .filter(|s| *s > 0)
        .ok_or("sessions not reported")?;
    let interval = arm.interval_weeks.ok_or("interval not reported")?;
    healing_builder(kb, device, length_mm, &skin, device.default_passes)
        .sessions(sessions)
        .interval_weeks(interval.round().max(1.0) as u32)
        .months(months)
        .indication(Some(indication))
        .seed(DEFAULT_SEED)
        .samples(DEFAULT_SAMPLES)
        .build()
        .map_err(|e| e.to_string())
}

/// The central new collagen (%) of `request` on `day`.
pub fn central_signal(kb: &KnowledgeBase, request: &HealingRequest, day: u32) -> f64 {
    let course = request.course(&kb.healing, f64::from(day) + 1.0);
    let mut signal = f64::NAN;
    integrate_fast(&Rates::central(&kb.healing), &course, |d, s| {
        if d == day {
            signal = s.new_collagen_pct();
        }
    });
    signal
}

/// Every collagen-mechanism result of `evidence` the fit can use, and the arms it cannot.
pub fn observations(kb: &KnowledgeBase, evidence: &Evidence) -> (Vec<Observation>, Vec<Skipped>) {
    let (mut used, mut skipped) = (Vec::new(), Vec::new());
    for arm in &evidence.arms {
        let Ok(indication) = kb.indication(&arm.indication) else {
            continue;
        };
        if indication.mechanism != Mechanism::Collagen || !arm.needled() {
            continue;
        }
        let skip = |reason: String| Skipped {
            arm: arm.id.clone(),
            reason,
        };
        // A topical with an effect of its own (botulinum toxin on pores) is not collagen
        // induction: only the indication's adjuncts ride along.
        if let Some(topical) = &arm.topical
            && !indication.adjunct_topicals.iter().any(|a| a == topical)
        {
            skipped.push(skip(format!(
                "topical {topical} is not an adjunct of {}: its own effect would be fitted as collagen",
                indication.id
            )));
            continue;
        }
        match arm_observations(kb, arm) {
            Ok(found) if found.is_empty() => skipped.push(skip(String::from(
                "no result converts to an improvement fraction (responder shares, or a change without a baseline)",
            ))),
            Ok(found) => used.extend(found),
            Err(reason) => skipped.push(skip(reason)),
        }
    }
    (used, skipped)
}

fn arm_observations(kb: &KnowledgeBase, arm: &Arm) -> Result<Vec<Observation>, String> {
    let scale = kb
        .healing
        .scale(&arm.scale)
        .ok_or_else(|| format!("scale {} is not in healing.toml", arm.scale))?;
    // A change without the arm's own baseline converts only with a measured typical one.
    let baseline = arm.baseline.or_else(|| {
        scale
            .typical_baseline
            .as_ref()
            .filter(|c| c.provenance.source.is_some())
            .map(|c| c.value)
    });
    let last_month = arm.last().map_or(0.0, |f| f.month);
    let months = (last_month.ceil() as u32).max(1);
    let request = arm_request(kb, arm, months)?;
    let mut found = Vec::new();
    for followup in &arm.followups {
        let Some(fraction) =
            scale.observed_fraction(followup.kind.as_str(), followup.value, baseline)
        else {
            continue;
        };
        let day = month_day_f(followup.month);
        let signal = central_signal(kb, &request, day);
        if signal.is_nan() || signal <= 0.0 {
            return Err(String::from(
                "the arm's needles make no new collagen in the model",
            ));
        }
        found.push(Observation {
            arm: arm.id.clone(),
            study: arm.study.clone(),
            indication: arm.indication.clone(),
            scale: arm.scale.clone(),
            month: followup.month,
            day,
            kind: followup.kind,
            value: followup.value,
            fraction,
            variance: variance(kb, arm, followup, fraction, baseline, scale),
            last: (followup.month - last_month).abs() < 1e-9,
            request: request.clone(),
            signal,
        });
    }
    Ok(found)
}

/// Standard error of a result's improvement fraction: its patients' SD in fraction units over
/// √n. The unit is 100 for a percentage, the maximum of an improvement scale, else the distance
/// of the baseline from the best score. None without a reported SD.
pub(super) fn fraction_se(
    arm: &Arm,
    followup: &crate::evidence::Followup,
    scale: &crate::healing::Scale,
    baseline: Option<f64>,
) -> Option<f64> {
    let reference = match (followup.kind, scale.kind) {
        (FollowupKind::PctImprovement, _) => Some(100.0),
        (_, crate::healing::ScaleKind::Improvement) => scale.range.map(|r| r[1]),
        _ => baseline.zip(scale.best()).map(|(b, best)| (b - best).abs()),
    }?;
    Some(followup.sd? / reference / f64::from(arm.n.max(1)).sqrt())
}

/// Within-study variance of `logit f` by the delta method, `se_f² / (f (1 − f))²`, with
/// `se_f` the reported SD in fraction units over √n; the declared default without an SD.
fn variance(
    kb: &KnowledgeBase,
    arm: &Arm,
    followup: &crate::evidence::Followup,
    fraction: f64,
    baseline: Option<f64>,
    scale: &crate::healing::Scale,
) -> f64 {
    let fallback = kb.healing.outcome_fit.default_variance.value;
    let Some(se) = fraction_se(arm, followup, scale, baseline) else {
        return fallback;
    };
    let f = fraction.clamp(FRACTION_MARGIN, 1.0 - FRACTION_MARGIN);
    let v = (se / (f * (1.0 - f))).powi(2);
    if v.is_finite() && v > 0.0 {
        v
    } else {
        fallback
    }
}
