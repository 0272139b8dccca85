//! What the plan simulates on its first zone: each in-session topical through the channels, and
//! the expected course of the series. The plan keeps the whole results, so its report and every
//! renderer draw them without running a model again.

use crate::agent::Agent;
use crate::device::Device;
use crate::error::InputError;
use crate::healing::{self, OUTCOME_MONTHS, month_day};
use crate::indication::Indication;
use crate::knowledge::KnowledgeBase;
use crate::patient::Patient;
use crate::setting;
use crate::skin::SkinProfile;
use crate::transport::{self, DeliveryRequest};

use super::{DeliverySummary, ExpectedCourse, ZonePlan};

pub use crate::setting::SUMMARY_HOURS;

fn skin(kb: &KnowledgeBase, patient: &Patient, zone: &ZonePlan) -> Result<SkinProfile, InputError> {
    let site = kb.site(&zone.penetration.site)?;
    SkinProfile::new(site, patient.sex, patient.age_years, &kb.age_model)
}

/// One in-session topical through `zone`'s channels for [`SUMMARY_HOURS`], vs intact skin.
pub fn delivery_summary(
    kb: &KnowledgeBase,
    patient: &Patient,
    agent: &Agent,
    zone: &ZonePlan,
) -> Result<DeliverySummary, InputError> {
    let builder = DeliveryRequest::builder(
        &agent.id,
        agent.solute()?,
        zone.penetration.clone(),
        skin(kb, patient, zone)?,
    );
    let request = setting::summary_day(kb, builder)
        .profiles_at_report_times()
        .build()?;
    let delivery = transport::simulate(&kb.transport, &request);
    Ok(DeliverySummary {
        depth_mm: zone.depth_mm,
        dose_mg_per_ml: kb.transport.dose.default_infinite_mg_per_ml.value,
        absorbed_ug_per_cm2: setting::absorbed_at_end(&delivery.delivered_ug_per_cm2),
        intact_absorbed_ug_per_cm2: setting::absorbed_at_end(&delivery.intact_ug_per_cm2),
        delivery,
    })
}

/// The series of `indication` with `device` on `zone`, over [`healing::DEFAULT_MONTHS`], with
/// the default sampling, on the indication's default scale at its typical baseline, with the
/// plan's topical (through the channels).
pub fn expected_course(
    kb: &KnowledgeBase,
    patient: &Patient,
    indication: &Indication,
    device: &Device,
    zone: &ZonePlan,
    topical: Option<&str>,
) -> Result<ExpectedCourse, InputError> {
    let p = &zone.penetration;
    let request = setting::healing_builder(
        kb,
        device,
        p.nominal_length_um / 1000.0,
        &skin(kb, patient, zone)?,
        p.passes,
    )
    .topical(topical, 1.0)
    .sessions(indication.sessions)
    .interval_weeks(indication.interval_weeks)
    .indication(Some(indication))
    .build()?;
    let healing = healing::simulate(&kb.healing, &request);
    let new_collagen_pct_at_months = OUTCOME_MONTHS
        .iter()
        .filter_map(|m| {
            let week = month_day(*m) / 7;
            healing
                .series
                .iter()
                .find(|p| p.week == week)
                .map(|p| (*m, p.new_collagen_pct))
        })
        .collect();
    Ok(ExpectedCourse {
        depth_mm: zone.depth_mm,
        new_collagen_pct_at_months,
        healing,
    })
}
