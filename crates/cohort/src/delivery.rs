//! A row's topical: its delivery through the patient's own channels and through the patient's
//! intact skin, as a plan simulates it (the default in-session dose on the surface for
//! [`SUMMARY_HOURS`]), so a cohort row and a plan for the same skin give the same numbers.

use microneedling_core::KnowledgeBase;
use microneedling_core::penetration::Penetration;
use microneedling_core::setting::SUMMARY_HOURS;
use microneedling_core::skin::SkinProfile;
use microneedling_core::transport::{self, DeliveryPoint, DeliveryRequest, Dose};

use crate::Error;

/// Hours of delivery a row reports (the plan's summary time).
pub const DELIVERY_HOURS: f64 = SUMMARY_HOURS;

/// Absorbed at [`DELIVERY_HOURS`], µg/cm²: through the channels, and through intact skin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Absorbed {
    /// Through the patient's channels (tissue, cleared and below the dermis).
    pub channels_ug_per_cm2: f64,
    /// Through the same patient's intact skin.
    pub intact_ug_per_cm2: f64,
}

/// `agent_id` through `penetration`'s channels in `skin`, and through `skin` intact.
pub fn absorbed(
    kb: &KnowledgeBase,
    agent_id: &str,
    penetration: &Penetration,
    skin: &SkinProfile,
) -> Result<Absorbed, Error> {
    let model = |e: microneedling_core::InputError| Error::Model(e.to_string());
    let agent = kb.agent(agent_id).map_err(model)?;
    let request = DeliveryRequest::builder(
        &agent.id,
        agent.solute().map_err(model)?,
        penetration.clone(),
        skin.clone(),
    )
    .hours(DELIVERY_HOURS)
    .dose(Dose::Infinite {
        mg_per_ml: kb.transport.dose.default_infinite_mg_per_ml.value,
    })
    .build()
    .map_err(model)?;
    let delivery = transport::simulate(&kb.transport, &request);
    let end = |points: &[DeliveryPoint]| points.last().map_or(0.0, |p| p.absorbed);
    Ok(Absorbed {
        channels_ug_per_cm2: end(&delivery.delivered_ug_per_cm2),
        intact_ug_per_cm2: end(&delivery.intact_ug_per_cm2),
    })
}
