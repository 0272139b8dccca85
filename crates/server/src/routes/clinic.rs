//! The clinic's daily views over the records (viewer; each read of patient data audited): the
//! patient list and its search, the due list (JSON or iCalendar), a lot's sessions, the
//! summary. Query parameters are read by hand so that a bad value gets the API's JSON error.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use microneedling_core::InputError;
use microneedling_store::{ClinicSummary, DueItem, LotUse, PatientFilter, PatientListing};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiResult, ErrorBody};

/// Refuses query parameters other than `known`, naming them.
fn only(query: &HashMap<String, String>, known: &[&str]) -> ApiResult<()> {
    match query.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(InputError::new(
            k,
            query[k].as_str(),
            format!("parameters {}", known.join(", ")),
        )
        .into()),
        None => Ok(()),
    }
}

/// The patient list: codes containing `search` (any case), latest plan for `indication`;
/// latest visit first.
#[utoipa::path(get, path = "/api/records/patients", tag = super::RECORDS, security(("bearer" = [])),
    params(("search" = Option<String>, Query, description = "Only codes containing this text (any case)"),
        ("indication" = Option<String>, Query, description = "Only patients whose latest plan is for this indication")),
    responses((status = 200, description = "The patients, latest visit first", body = [PatientListing]),
        (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn patients(
    State(state): State<AppState>,
    Viewer(user): Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<PatientListing>>> {
    only(&query, &["search", "indication"])?;
    let filter = PatientFilter {
        search: query.get("search").cloned(),
        indication: query.get("indication").cloned(),
    };
    let list = state
        .with_store(&user, move |store| {
            let list = store.patients(&filter)?;
            store.audit_read(
                "patient",
                &format!("patient list ({} patients)", list.len()),
            )?;
            Ok(list)
        })
        .await?;
    Ok(Json(list))
}

/// Who is due for a session or a reassessment within `within_days` days (default 14; overdue
/// items included), soonest first; `format=ics` gives an iCalendar file.
#[utoipa::path(get, path = "/api/records/due", tag = super::RECORDS, security(("bearer" = [])),
    params(("within_days" = Option<i64>, Query, description = "0 to 3650 days ahead (default 14)"),
        ("format" = Option<String>, Query, description = "json (default) or ics")),
    responses((status = 200, description = "The items due (JSON), or text/calendar with format=ics", body = [DueItem]),
        (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    Viewer(user): Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    only(&query, &["within_days", "format"])?;
    let within_days = match query.get("within_days") {
        None => 14,
        Some(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=3650).contains(d))
            .ok_or_else(|| InputError::new("within_days", text.as_str(), "0 to 3650 days"))?,
    };
    let ics = match query.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("ics") => true,
        Some(other) => return Err(InputError::new("format", other, "json, ics").into()),
    };
    let kb = state.kb;
    let items = state
        .with_store(&user, move |store| {
            let items = store.due(kb, chrono::Utc::now().date_naive(), within_days)?;
            store.audit_read("patient", &format!("due list ({} items)", items.len()))?;
            Ok(items)
        })
        .await?;
    Ok(if ics {
        (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            microneedling_store::due_calendar(&items),
        )
            .into_response()
    } else {
        Json(items).into_response()
    })
}

/// Every session that used cartridge or topical lot `lot`, with its patient (a recall).
#[utoipa::path(get, path = "/api/records/lots/{lot}", tag = super::RECORDS, security(("bearer" = [])),
    params(("lot" = String, Path, description = "The lot number as recorded")),
    responses((status = 200, description = "The sessions that used the lot, oldest first", body = [LotUse]),
        (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn lot(
    State(state): State<AppState>,
    Viewer(user): Viewer,
    Path(lot): Path<String>,
) -> ApiResult<Json<Vec<LotUse>>> {
    let uses = state
        .with_store(&user, move |store| {
            let uses = store.lot_uses(&lot)?;
            store.audit_read("session", &format!("sessions of lot {lot}"))?;
            Ok(uses)
        })
        .await?;
    Ok(Json(uses))
}

/// Patients, sessions per month, adverse-event rate by device and phototype.
#[utoipa::path(get, path = "/api/records/summary", tag = super::RECORDS, security(("bearer" = [])),
    responses((status = 200, description = "The clinic at a glance", body = ClinicSummary),
        (status = 401, body = ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    Viewer(user): Viewer,
) -> ApiResult<Json<ClinicSummary>> {
    Ok(Json(
        state
            .with_store(&user, |store| Ok(store.summary()?))
            .await?,
    ))
}
