//! A row's topical: its delivery through the patient's own channels and through the patient's
//! intact skin, as a plan simulates it ([`setting::summary_day`]: the default in-session dose on
//! the surface for [`SUMMARY_HOURS`]), so a cohort row and a plan for the same skin give the same
//! numbers.

use microneedling_core::KnowledgeBase;
use microneedling_core::penetration::Penetration;
use microneedling_core::setting::{self, SUMMARY_HOURS};
use microneedling_core::skin::SkinProfile;
use microneedling_core::transport::{self, DeliveryRequest};

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
    let builder = DeliveryRequest::builder(
        &agent.id,
        agent.solute().map_err(model)?,
        penetration.clone(),
        skin.clone(),
    );
    let request = setting::summary_day(kb, builder).build().map_err(model)?;
    let delivery = transport::simulate(&kb.transport, &request);
    Ok(Absorbed {
        channels_ug_per_cm2: setting::absorbed_at_end(&delivery.delivered_ug_per_cm2),
        intact_ug_per_cm2: setting::absorbed_at_end(&delivery.intact_ug_per_cm2),
    })
}
