//! Screening, planning, the simulations, device comparison and validation: open, no records.
//! The handlers only move work to the right pool; [`crate::engine`] makes the core calls.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;

use crate::AppState;
use crate::dto::{
    CompareBody, ComparisonResponse, DeliveryBody, DeliveryResponse, HealingBody, HealingResponse,
    PenetrationBody, PenetrationResponse, PlanBody, PlanRefused, PlanReply, PlanResponse,
    ScreenBody, ScreeningResponse, ValidationResponse,
};
use crate::engine;
use crate::error::{ApiResult, ErrorBody};

/// Screens a patient file.
///
/// Verdict, findings, actions and adverse-effect profile; for `device` when given.
#[utoipa::path(post, path = "/api/screen", tag = super::MODELS, request_body = ScreenBody,
    responses((status = 200, description = "Verdict, findings, actions, adverse-effect profile", body = ScreeningResponse),
        (status = 422, body = ErrorBody), (status = 400, body = ErrorBody)))]
pub async fn screen(
    State(state): State<AppState>,
    Json(body): Json<ScreenBody>,
) -> ApiResult<Json<ScreeningResponse>> {
    let screening = engine::screen(
        state.kb,
        &body.patient,
        body.device.as_deref(),
        Utc::now().date_naive(),
    )?;
    Ok(Json(ScreeningResponse(screening)))
}

/// Plans a treatment course for a patient file.
///
/// 409 with the screening when contraindicated and no `override` reason is given.
#[utoipa::path(post, path = "/api/plan", tag = super::MODELS, request_body = PlanBody,
    responses((status = 200, description = "The plan", body = PlanResponse),
        (status = 409, description = "Contraindicated: the screening, no plan", body = PlanRefused),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    Json(body): Json<PlanBody>,
) -> ApiResult<(StatusCode, Json<PlanReply<PlanResponse>>)> {
    let kb = state.kb;
    let patient = engine::patient_of(kb, &body.patient, Utc::now().date_naive())?;
    let reply = state
        .heavy(move || {
            engine::plan_reply(kb, &patient, body.override_reason.as_deref(), body.report)
        })
        .await?;
    let status = match reply {
        PlanReply::Planned(_) => StatusCode::OK,
        PlanReply::Refused(_) => StatusCode::CONFLICT,
    };
    Ok((status, Json(reply)))
}

/// Simulates needle penetration.
///
/// Effective depth, layers reached, channels, pain and erythema for one device setting.
#[utoipa::path(post, path = "/api/simulate/penetration", tag = super::MODELS, request_body = PenetrationBody,
    responses((status = 200, description = "Effective depth, layers, channels, pain, erythema", body = PenetrationResponse),
        (status = 422, body = ErrorBody)))]
pub async fn simulate_penetration(
    State(state): State<AppState>,
    Json(body): Json<PenetrationBody>,
) -> ApiResult<Json<PenetrationResponse>> {
    // One closed-form evaluation: cheap enough for the async thread.
    let penetration = engine::penetration(state.kb, &body)?;
    Ok(Json(PenetrationResponse(penetration)))
}

/// Simulates topical delivery through the channels.
///
/// Amounts per layer and in blood over time, and the enhancement over intact skin.
#[utoipa::path(post, path = "/api/simulate/delivery", tag = super::MODELS, request_body = DeliveryBody,
    responses((status = 200, description = "Amounts per layer and blood over time, enhancement", body = DeliveryResponse),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn simulate_delivery(
    State(state): State<AppState>,
    Json(body): Json<DeliveryBody>,
) -> ApiResult<Json<DeliveryResponse>> {
    let kb = state.kb;
    let request = engine::delivery_request(kb, &body)?;
    let delivery = state
        .heavy(move || {
            Ok(microneedling_core::transport::simulate(
                &kb.transport,
                &request,
            ))
        })
        .await?;
    Ok(Json(DeliveryResponse(delivery)))
}

/// Simulates healing and collagen remodelling over a course of sessions.
///
/// Weekly series and the outcome band.
#[utoipa::path(post, path = "/api/simulate/healing", tag = super::MODELS, request_body = HealingBody,
    responses((status = 200, description = "Weekly series and outcome band", body = HealingResponse),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn simulate_healing(
    State(state): State<AppState>,
    Json(body): Json<HealingBody>,
) -> ApiResult<Json<HealingResponse>> {
    let kb = state.kb;
    let request = engine::healing_request(kb, &body)?;
    let healing = state
        .heavy(move || Ok(microneedling_core::healing::simulate(&kb.healing, &request)))
        .await?;
    Ok(Json(HealingResponse(healing)))
}

/// Compares devices side by side at one site.
///
/// Home and professional devices at their default settings on one person's skin.
#[utoipa::path(post, path = "/api/compare-devices", tag = super::MODELS, request_body = CompareBody,
    responses((status = 200, description = "The devices side by side at the site", body = ComparisonResponse),
        (status = 422, body = ErrorBody)))]
pub async fn compare_devices(
    State(state): State<AppState>,
    Json(body): Json<CompareBody>,
) -> ApiResult<Json<ComparisonResponse>> {
    Ok(Json(ComparisonResponse(engine::compare(state.kb, &body)?)))
}

/// Runs every validation case against its published figure, and the outcome model's
/// leave-one-study-out cross-validation.
#[utoipa::path(get, path = "/api/validate", tag = super::MODELS,
    responses((status = 200, description = "Every validation case", body = ValidationResponse),
        (status = 503, body = ErrorBody)))]
pub async fn validate(State(state): State<AppState>) -> ApiResult<Json<ValidationResponse>> {
    let kb = state.kb;
    let validation = state.heavy(move || engine::validation(kb)).await?;
    Ok(Json(ValidationResponse(validation)))
}
