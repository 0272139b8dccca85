//! The one place where request bodies become calls into microneedling-core: resolving a device
//! setting (device, length, site, person, passes), reading a patient file, screening, planning
//! and building the simulation requests. Kept together, away from HTTP, because the core's API is
//! about to change: only this module should need to follow it. Everything here is synchronous;
//! the handlers decide what runs on the blocking pool.

use axum::http::StatusCode;
use chrono::NaiveDate;
use microneedling_core::compare::Comparison;
use microneedling_core::device::InsertionMode;
use microneedling_core::healing::{DEFAULT_MONTHS, DEFAULT_SAMPLES, DEFAULT_SEED, HealingRequest};
use microneedling_core::patient::Patient;
use microneedling_core::penetration::Penetration;
use microneedling_core::plan::{PlanOutcome, assess};
use microneedling_core::screening::Screening;
use microneedling_core::setting::{
    DEFAULT_AGE_YEARS, DeliveryQuery, HealingQuery, InsertionQuery, Setting, SettingQuery,
    delivery_builder, healing_query,
};
use microneedling_core::skin::{LayerThicknesses, Sex};
use microneedling_core::transport::{DeliveryRequest, Dose, Hydration, Preparation};
use microneedling_core::validation::Validation;
use microneedling_core::{InputError, KnowledgeBase};
use serde_json::Value;

use crate::dto::{
    CompareBody, DeliveryBody, HealingBody, PenetrationBody, PlanRefused, PlanReply, PlanResponse,
};
use crate::error::{ApiError, ApiResult};

/// Hours of a delivery simulation unless the body says otherwise (the plan's summaries too).
const DEFAULT_HOURS: f64 = microneedling_core::plan::SUMMARY_HOURS;
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

/// The setting fields every simulation body shares (`device`, `length_mm`, `site`, `sex`, `age`,
/// `passes`), read from any body that has them. (A shared, flattened body struct would lose
/// `deny_unknown_fields`, which serde does not support with `flatten`.)
macro_rules! setting_of {
    ($body:expr) => {
        SettingRequest {
            device: &$body.device,
            length_mm: $body.length_mm,
            site: &$body.site,
            sex: $body.sex.as_deref(),
            age: $body.age,
            passes: $body.passes,
        }
    };
}

/// Resolves `request` with the core's one resolver (the CLI uses the same): errors name the
/// body's fields.
pub fn setting<'a>(kb: &'a KnowledgeBase, request: SettingRequest<'_>) -> ApiResult<Setting<'a>> {
    Ok(Setting::resolve(kb, &setting_query(request)?)?)
}

fn setting_query(request: SettingRequest<'_>) -> ApiResult<SettingQuery<'_>> {
    Ok(SettingQuery {
        device: request.device,
        length_mm: request.length_mm,
        site: request.site,
        sex: sex_of(request.sex)?,
        age_years: request.age,
        passes: request.passes,
    })
}

/// Screens the patient file `patient` (read as of `date`), for `device` when given.
pub fn screen(
    kb: &KnowledgeBase,
    patient: &Value,
    device: Option<&str>,
    date: NaiveDate,
) -> ApiResult<Screening> {
    screen_patient(kb, &patient_of(kb, patient, date)?, device)
}

/// Screens a patient file already read, for `device` when given.
pub fn screen_patient(
    kb: &KnowledgeBase,
    patient: &Patient,
    device: Option<&str>,
) -> ApiResult<Screening> {
    if let Some(id) = device {
        kb.device(id)?;
    }
    Ok(assess(kb, patient, device, &kb.isotretinoin_policy)?.screening)
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
/// CPU-heavy (the plan runs the simulations its report draws): call through `AppState::heavy`.
pub fn plan_reply(
    kb: &KnowledgeBase,
    patient: &Patient,
    override_reason: Option<&str>,
    report: bool,
) -> ApiResult<PlanReply<PlanResponse>> {
    match plan_outcome(kb, patient, override_reason)? {
        PlanOutcome::Planned(plan) => {
            let report_html = if report {
                Some(microneedling_report::plan_report(&plan, patient).to_html())
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
    let insertion = InsertionQuery {
        mode: b
            .insertion
            .as_deref()
            .map(|text| InsertionMode::parse("insertion", text))
            .transpose()?,
        force_n: b.force_n,
        speed_m_per_s: b.speed_m_per_s,
    };
    let s = setting(kb, setting_of!(b))?.with_insertion(insertion)?;
    Ok(s.penetration(kb))
}

/// The checked delivery simulation the body asks for; run it with `transport::simulate`.
pub fn delivery_request(kb: &KnowledgeBase, b: &DeliveryBody) -> ApiResult<DeliveryRequest> {
    let agent = kb.agent(&b.agent)?;
    let solute = agent.solute()?;
    let device = match (&b.device, b.intact_only) {
        (_, true) => None,
        (Some(d), false) => Some(d.as_str()),
        (None, false) => {
            return Err(
                InputError::new("device", "missing", "a device id, or intact_only: true").into(),
            );
        }
    };
    let preparation = match b.setting.as_deref().unwrap_or("in-vivo") {
        "in-vivo" => Preparation::InVivo,
        "in-vitro" => Preparation::InVitro,
        other => return Err(InputError::new("setting", other, "in-vivo or in-vitro").into()),
    };
    let hydration = match b.sc_hydration.as_deref().unwrap_or("partial") {
        "partial" => Hydration::Partial,
        "full" => Hydration::Full,
        other => return Err(InputError::new("sc_hydration", other, "partial or full").into()),
    };
    let query = DeliveryQuery {
        device,
        length_mm: b.length_mm,
        site: &b.site,
        sex: sex_of(b.sex.as_deref())?,
        age_years: Some(b.age.unwrap_or(DEFAULT_AGE_YEARS)),
        passes: b.passes,
        preparation,
        hydration,
        layers: LayerThicknesses {
            stratum_corneum_um: b.sc_um,
            viable_epidermis_um: b.epidermis_um,
            dermis_um: b.dermis_um,
        },
    };
    let dose = Dose::parse("dose", b.dose.as_deref().unwrap_or("infinite:10"))?;
    let mut builder = delivery_builder(kb, &query, &agent.id, solute)?
        .hours(b.hours.unwrap_or(DEFAULT_HOURS))
        .occluded(b.occluded)
        .dose(dose);
    if let Some(h) = b.closure_half_life_h {
        builder = builder.closure_half_life_h(h);
    }
    if let Some(h) = b.wash_at_h {
        builder = builder.wash_at_h(h);
    }
    Ok(builder.build()?)
}

/// The checked healing simulation the body asks for; run it with `healing::simulate`.
pub fn healing_request(kb: &KnowledgeBase, b: &HealingBody) -> ApiResult<HealingRequest> {
    let samples = b.samples.unwrap_or(DEFAULT_SAMPLES);
    if samples > MAX_HEALING_SAMPLES {
        return Err(InputError::new("samples", samples, "1 to 20000 samples over HTTP").into());
    }
    let query = HealingQuery {
        setting: setting_query(setting_of!(b))?,
        topical: b.topical.as_deref(),
        indication: b.indication.as_deref(),
        scale: b.scale.as_deref(),
        baseline: b.baseline,
    };
    Ok(healing_query(kb, &query)?
        .sessions(b.sessions)
        .interval_weeks(b.interval_weeks)
        .months(b.months.unwrap_or(DEFAULT_MONTHS))
        .seed(b.seed.unwrap_or(DEFAULT_SEED))
        .samples(samples)
        .build()?)
}

/// The devices of the body side by side at its site.
pub fn compare(kb: &KnowledgeBase, b: &CompareBody) -> ApiResult<Comparison> {
    Ok(microneedling_core::compare::compare_devices(
        kb,
        &b.site,
        &b.devices,
        sex_of(b.sex.as_deref())?,
        b.age.unwrap_or(DEFAULT_AGE_YEARS),
    )?)
}

/// Every validation case: penetration, transport, healing. CPU-heavy.
pub fn validation(kb: &KnowledgeBase) -> ApiResult<Validation> {
    Ok(microneedling_core::validation::validate(kb)?)
}
