//! The one place where request bodies become calls into microneedling-core: resolving a device
//! setting (device, length, site, person, passes), reading a patient file, screening, planning
//! and building the simulation requests. Kept together, away from HTTP, because the core's API is
//! about to change: only this module should need to follow it. Everything here is synchronous;
//! the handlers decide what runs on the blocking pool.

use axum::http::StatusCode;
use chrono::NaiveDate;
use microneedling_core::compare::Comparison;
use microneedling_core::device::Device;
use microneedling_core::healing::HealingRequest;
use microneedling_core::patient::Patient;
use microneedling_core::penetration::Penetration;
use microneedling_core::plan::{PlanOutcome, assess};
use microneedling_core::screening::Screening;
use microneedling_core::skin::{Sex, SkinProfile};
use microneedling_core::transport::{DeliveryRequest, Dose, Solute};
use microneedling_core::validation::ValidationCase;
use microneedling_core::{InputError, KnowledgeBase};
use serde_json::Value;

use crate::dto::{
    CompareBody, DeliveryBody, HealingBody, PenetrationBody, PlanRefused, PlanReply, PlanResponse,
};
use crate::error::{ApiError, ApiResult};

/// Age assumed when a request gives none, years.
const DEFAULT_AGE: f64 = 35.0;
/// Most Monte Carlo samples one HTTP request may ask for: more would hold a worker too long.
const MAX_HEALING_SAMPLES: usize = 20_000;

/// Reads the patient file's tables sent as JSON, through the same TOML reader as the CLI so the
/// two accept exactly the same files.
pub fn patient_of(kb: &KnowledgeBase, value: &Value, today: NaiveDate) -> ApiResult<Patient> {
    if !value.is_object() {
        return Err(InputError::new(
            "patient",
            value,
            "an object with the tables patient, history, treatment",
        )
        .into());
    }
    let text = toml::to_string(value)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("patient: {e}")))?;
    Ok(Patient::from_toml("patient", &text, kb, today)?)
}

/// `female` unless the request says otherwise.
pub fn sex_of(text: Option<&str>) -> ApiResult<Sex> {
    Ok(Sex::parse("sex", text.unwrap_or("female"))?)
}

/// A device setting as a request states it; absent values take the device's defaults.
#[derive(Debug, Clone, Copy)]
pub struct SettingRequest<'a> {
    /// Device id.
    pub device: &'a str,
    /// Needle length, mm.
    pub length_mm: Option<f64>,
    /// Site id.
    pub site: &'a str,
    /// female or male.
    pub sex: Option<&'a str>,
    /// Years.
    pub age: Option<f64>,
    /// Passes over the area.
    pub passes: Option<u32>,
}

/// A device setting resolved and checked against the knowledge base.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The device.
    pub device: Device,
    /// A length the device allows, mm.
    pub length_mm: f64,
    /// The person's skin at the site.
    pub skin: SkinProfile,
    /// 1 to 100.
    pub passes: u32,
}

/// Resolves `request` against the knowledge base.
pub fn setting(kb: &KnowledgeBase, request: SettingRequest<'_>) -> ApiResult<Setting> {
    let device = kb.device(request.device)?.clone();
    let length_mm = device.check_length(request.length_mm.unwrap_or(device.default_length_mm))?;
    let skin = SkinProfile::new(
        kb.site(request.site)?,
        sex_of(request.sex)?,
        request.age.unwrap_or(DEFAULT_AGE),
        &kb.age_model,
    )?;
    let passes = request.passes.unwrap_or(device.default_passes);
    if !(1..=100).contains(&passes) {
        return Err(InputError::new("passes", passes, "1 to 100 passes").into());
    }
    Ok(Setting {
        device,
        length_mm,
        skin,
        passes,
    })
}

/// Screens the patient file `patient` (read as of `date`), for `device` when given.
pub fn screen(
    kb: &KnowledgeBase,
    patient: &Value,
    device: Option<&str>,
    date: NaiveDate,
) -> ApiResult<Screening> {
    let patient = patient_of(kb, patient, date)?;
    if let Some(id) = device {
        kb.device(id)?;
    }
    Ok(assess(kb, &patient, device, &kb.isotretinoin_policy)?.screening)
}

/// Plans for `patient`: a plan, or the screening that refuses one.
pub fn plan_outcome(
    kb: &KnowledgeBase,
    patient: &Patient,
    override_reason: Option<&str>,
) -> ApiResult<PlanOutcome> {
    Ok(microneedling_core::plan::plan(
        kb,
        patient,
        override_reason,
        &kb.isotretinoin_policy,
    )?)
}

/// The answer of `POST /api/plan`: the plan with its HTML report when `report`, or the refusal.
/// CPU-heavy (the report runs the simulations): call through `AppState::heavy`.
pub fn plan_reply(
    kb: &KnowledgeBase,
    patient: &Patient,
    override_reason: Option<&str>,
    report: bool,
) -> ApiResult<PlanReply<PlanResponse>> {
    match plan_outcome(kb, patient, override_reason)? {
        PlanOutcome::Planned(plan) => {
            let report_html = if report {
                let html = microneedling_report::full_plan_report(
                    kb,
                    patient,
                    &plan,
                    &kb.isotretinoin_policy,
                )?
                .to_html();
                Some(html)
            } else {
                None
            };
            Ok(PlanReply::Planned(PlanResponse {
                plan: *plan,
                report_html,
            }))
        }
        PlanOutcome::Refused(screening) => Ok(PlanReply::Refused(PlanRefused::new(screening))),
    }
}

/// Runs the penetration model for the body's setting (fast: no permit needed).
pub fn penetration(kb: &KnowledgeBase, b: &PenetrationBody) -> ApiResult<Penetration> {
    let s = setting(
        kb,
        SettingRequest {
            device: &b.device,
            length_mm: b.length_mm,
            site: &b.site,
            sex: b.sex.as_deref(),
            age: b.age,
            passes: b.passes,
        },
    )?;
    Ok(kb
        .penetration
        .simulate(&s.device, s.length_mm, &s.skin, s.passes))
}

/// The checked delivery simulation the body asks for; run it with `transport::simulate`.
pub fn delivery_request(kb: &KnowledgeBase, b: &DeliveryBody) -> ApiResult<DeliveryRequest> {
    let agent = kb.agent(&b.agent)?;
    let solute = Solute::of_agent(agent)?;
    let s = setting(
        kb,
        SettingRequest {
            device: &b.device,
            length_mm: b.length_mm,
            site: &b.site,
            sex: b.sex.as_deref(),
            age: b.age,
            passes: b.passes,
        },
    )?;
    let dose = Dose::parse("dose", b.dose.as_deref().unwrap_or("infinite:10"))?;
    Ok(DeliveryRequest::new(
        kb,
        &agent.id,
        solute,
        &s.device,
        s.length_mm,
        s.passes,
        s.skin,
        b.hours.unwrap_or(24.0),
        b.occluded,
        dose,
    )?)
}

/// The checked healing simulation the body asks for; run it with `healing::simulate`.
pub fn healing_request(kb: &KnowledgeBase, b: &HealingBody) -> ApiResult<HealingRequest> {
    let s = setting(
        kb,
        SettingRequest {
            device: &b.device,
            length_mm: b.length_mm,
            site: &b.site,
            sex: b.sex.as_deref(),
            age: b.age,
            passes: b.passes,
        },
    )?;
    let indication = match &b.indication {
        Some(id) => Some(kb.indication(id)?.id.clone()),
        None => None,
    };
    let samples = b.samples.unwrap_or(1000);
    if samples > MAX_HEALING_SAMPLES {
        return Err(InputError::new("samples", samples, "1 to 20000 samples over HTTP").into());
    }
    Ok(HealingRequest::new(
        &s.device,
        s.length_mm,
        s.passes,
        s.skin,
        b.sessions,
        b.interval_weeks,
        b.months.unwrap_or(12),
        indication,
        b.seed.unwrap_or(1),
        samples,
    )?)
}

/// The devices of the body side by side at its site.
pub fn compare(kb: &KnowledgeBase, b: &CompareBody) -> ApiResult<Comparison> {
    Ok(microneedling_core::compare::compare_devices(
        kb,
        &b.site,
        &b.devices,
        sex_of(b.sex.as_deref())?,
        b.age.unwrap_or(DEFAULT_AGE),
    )?)
}

/// Every validation case: penetration, transport, healing. CPU-heavy.
pub fn validation_cases(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    let mut cases = microneedling_core::validation::penetration_cases(kb);
    cases.extend(microneedling_core::validation::transport_cases(kb));
    cases.extend(microneedling_core::validation::healing_cases(kb));
    cases
}
