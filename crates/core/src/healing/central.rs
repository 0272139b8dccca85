//! One central patient of a pigment, vascular or hair indication: every between-patient draw at
//! its centre, and the model's own parameters replaceable one by one. What a sensitivity analysis
//! moves (crate `cohort`); the bands sample the same models ([`super::scale_improvements`]).

use super::components::response;
use super::exact::integrate_fast;
use super::ode::Course;
use super::outcome::{
    HairSchedule, component_design, component_end_day, needs_baseline, scale_value_with,
};
use super::params::HealingParams;
use super::rates::Rates;
use super::request::HealingRequest;
use super::scale::ScaleChoice;
use crate::indication::{Indication, Mechanism};

/// Parameters of the central patient's model that replace the knowledge base's; `None` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CentralOverrides {
    /// Turnover of what is already there (melanin, dilated vessels), per day: pigment, vascular.
    pub turnover_per_day: Option<f64>,
    /// Loss of the improvement once treatment stops, per day: pigment, vascular, hair.
    pub relapse_per_day: Option<f64>,
    /// The combined effect `Σ u` of the series' components: pigment, vascular.
    pub effect_u: Option<f64>,
}

/// The central patient's value on each of `days`: for a pigment or vascular indication the
/// component model's improvement at the components' mean effect and the mean turnover, on
/// `choice`'s scale; for hair the count change of the hair model on `rates`, the topical's own
/// response at its centre. An error says why there is no number (a collagen indication reads its
/// own course; a scale without its baseline).
#[allow(clippy::too_many_arguments)] // the request's pieces, as scale_improvements takes them
pub fn central_scale_values(
    params: &HealingParams,
    indication: &Indication,
    request: &HealingRequest,
    course: &Course,
    choice: &ScaleChoice,
    rates: &Rates,
    overrides: CentralOverrides,
    days: &[u32],
) -> Result<Vec<f64>, String> {
    match indication.mechanism {
        Mechanism::Collagen => Err(format!(
            "{} is a collagen indication: its outcome is read from the collagen course",
            indication.id
        )),
        Mechanism::Pigment | Mechanism::Vascular => {
            let model = params
                .component_model(indication.mechanism)
                .ok_or_else(|| format!("No component model for {}.", indication.id))?;
            let (design, _) = component_design(model, request);
            let effect_u = overrides.effect_u.unwrap_or(model.combined(&design).0);
            let turnover = overrides
                .turnover_per_day
                .unwrap_or(model.turnover_per_day.value);
            let relapse = overrides
                .relapse_per_day
                .unwrap_or(model.relapse_per_day.value);
            let end_day = component_end_day(model, request);
            days.iter()
                .map(|day| {
                    let fraction = response(effect_u, turnover, relapse, end_day, f64::from(*day));
                    choice
                        .scale()
                        .improvement(fraction, choice.baseline())
                        .ok_or_else(|| needs_baseline(choice))
                })
                .collect()
        }
        Mechanism::Hair => {
            let map = params
                .outcome(&indication.id)
                .ok_or_else(|| format!("No outcome data for {} in the sources.", indication.id))?;
            let mut schedule = HairSchedule::new(map, request, days);
            if let Some(relapse) = overrides.relapse_per_day {
                schedule = schedule.with_relapse(relapse);
            }
            let mut read = vec![0.0; schedule.read.len()];
            integrate_fast(rates, course, |day, state| {
                if let Some(k) = schedule.read.iter().position(|d| *d == day) {
                    read[k] = scale_value_with(
                        &schedule.map,
                        Mechanism::Hair,
                        state,
                        f64::from(day),
                        1.0,
                    );
                }
            });
            let one_patient = read.into_iter().map(|v| vec![v]).collect();
            Ok(schedule
                .faded(days, one_patient)
                .into_iter()
                .map(|v| v[0])
                .collect())
        }
    }
}
