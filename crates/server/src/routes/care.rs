//! Care of the records over HTTP: the integrity check (viewers), the audit log, erasure, amend
//! and void (clinicians). Backup and restore are CLI-only (docs/api.md): a path on the server's
//! disk chosen by a client is a file-write primitive, and a restore replaces the database under
//! the server's own connections.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::AppState;
use crate::auth::{Clinician, Viewer};
use crate::dto::{
    AmendBody, AuditResponse, ChangeResponse, CheckResponse, ErasedResponse, ReasonBody,
};
use crate::error::{ApiResult, ErrorBody};

/// `sessions`, `adverse-events`, `outcomes` (the names of the add routes) or their singulars:
/// the store's kind.
fn kind(path: &str) -> ApiResult<&'static str> {
    let singular = path.strip_suffix('s').unwrap_or(path);
    Ok(microneedling_store::record_kind(singular)?)
}

/// Checks the database: SQLite integrity and foreign keys, schema version (viewer).
#[utoipa::path(get, path = "/api/records/check", tag = super::RECORDS, security(("bearer" = [])),
    responses((status = 200, description = "The report (`ok: false` when damaged)", body = CheckResponse),
        (status = 401, body = ErrorBody)))]
pub async fn check(
    State(state): State<AppState>,
    Viewer(user): Viewer,
) -> ApiResult<Json<CheckResponse>> {
    let report = state.with_store(&user, |store| Ok(store.check())).await?;
    Ok(Json(CheckResponse(report)))
}

/// The audit log, oldest first (clinician; the reading is audited).
#[utoipa::path(get, path = "/api/records/audit", tag = super::RECORDS, security(("bearer" = [])),
    responses((status = 200, description = "Every audit row", body = AuditResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    Clinician(user): Clinician,
) -> ApiResult<Json<AuditResponse>> {
    let entries = state
        .with_store(&user, |store| {
            store.audit_read("audit_log", "the audit log")?;
            Ok(store.audit_entries()?)
        })
        .await?;
    Ok(Json(AuditResponse(entries)))
}

/// Erases a patient on request: pseudonym, birth decade (clinician; docs/records.md).
#[utoipa::path(post, path = "/api/records/patients/{code}/erase", tag = super::RECORDS, request_body = ReasonBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 200, description = "The patient's pseudonym", body = ErasedResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn erase(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<ReasonBody>,
) -> ApiResult<Json<ErasedResponse>> {
    let erased = state
        .with_store(&user, move |store| {
            Ok(store.erase_patient(&code, &b.reason)?)
        })
        .await?;
    Ok(Json(ErasedResponse(erased)))
}

/// Amends a session, adverse event or outcome: a new record, the old one kept and marked (clinician).
#[utoipa::path(post, path = "/api/records/{kind}/{id}/amend", tag = super::RECORDS, request_body = AmendBody,
    security(("bearer" = [])), params(("kind" = String, Path, description = "sessions, adverse-events or outcomes"), ("id" = i64, Path)),
    responses((status = 201, description = "The new record", body = ChangeResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn amend(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path((kind_path, id)): Path<(String, i64)>,
    Json(b): Json<AmendBody>,
) -> ApiResult<(StatusCode, Json<ChangeResponse>)> {
    let kind = kind(&kind_path)?;
    let kb = state.kb;
    let new = state
        .with_store(&user, move |store| {
            Ok(store.amend(kb, kind, id, &b.set, &b.reason)?)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ChangeResponse {
            kind: kind.into(),
            id,
            replaced_by: Some(new),
        }),
    ))
}

/// Voids a session, adverse event or outcome: it stays, marked void (clinician).
#[utoipa::path(post, path = "/api/records/{kind}/{id}/void", tag = super::RECORDS, request_body = ReasonBody,
    security(("bearer" = [])), params(("kind" = String, Path, description = "sessions, adverse-events or outcomes"), ("id" = i64, Path)),
    responses((status = 200, description = "The record voided", body = ChangeResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn void(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path((kind_path, id)): Path<(String, i64)>,
    Json(b): Json<ReasonBody>,
) -> ApiResult<Json<ChangeResponse>> {
    let kind = kind(&kind_path)?;
    state
        .with_store(&user, move |store| Ok(store.void(kind, id, &b.reason)?))
        .await?;
    Ok(Json(ChangeResponse {
        kind: kind.into(),
        id,
        replaced_by: None,
    }))
}
