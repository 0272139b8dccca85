//! Treatment records: clinicians write, viewers (and clinicians) read; the store audits every
//! write and every read under the token holder's name. Each handler opens one store connection,
//! on the blocking pool, through [`AppState::with_store`].

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, NaiveDateTime};
use microneedling_core::InputError;
use microneedling_core::plan::PlanOutcome;
use microneedling_store::{
    NewAdverseEvent, NewConsent, NewOutcome, NewPatient, NewPhoto, NewPhotoImage, NewSession,
    TopicalRecord, ZoneRecord,
};

use crate::AppState;
use crate::auth::{Clinician, Viewer};
use crate::dto::{
    AdverseEventBody, ClearanceBody, ClearanceResponse, ConsentBody, Created, ExportResponse,
    HistoryResponse, NewPatientBody, OutcomeBody, PatientResponse, PhotoBody, PlanRecorded,
    PlanRefused, PlanReply, RecordPlanBody, RecordScreeningBody, ScreeningRecorded, SessionBody,
    SessionResponse,
};
use crate::engine;
use crate::error::{ApiResult, ErrorBody};

/// A created record: 201 and its body.
type CreatedReply<T> = ApiResult<(StatusCode, Json<T>)>;

fn created<T>(body: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(body))
}

/// The store's date reader, shared with the CLI so both accept the same spellings.
fn date_or_today(field: &str, text: Option<&str>) -> ApiResult<NaiveDate> {
    Ok(microneedling_store::parse_date_or_today(field, text)?)
}

fn date_time(field: &str, text: &str) -> ApiResult<NaiveDateTime> {
    Ok(microneedling_store::parse_date_time(field, text)?)
}

/// Adds a patient (clinician).
#[utoipa::path(post, path = "/api/records/patients", tag = super::RECORDS, request_body = NewPatientBody, security(("bearer" = [])),
    responses((status = 201, description = "Patient added", body = PatientResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_patient(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Json(b): Json<NewPatientBody>,
) -> CreatedReply<PatientResponse> {
    let record = state
        .with_store(&user, move |store| {
            Ok(store.add_patient(&NewPatient {
                code: b.code,
                birth_year: b.birth_year,
                sex: b.sex,
                fitzpatrick: b.fitzpatrick,
            })?)
        })
        .await?;
    Ok(created(PatientResponse(record)))
}

/// Screens a patient file and records the screening (clinician).
#[utoipa::path(post, path = "/api/records/patients/{code}/screenings", tag = super::RECORDS, request_body = RecordScreeningBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 201, description = "Screening recorded", body = ScreeningRecorded), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_screening(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<RecordScreeningBody>,
) -> CreatedReply<ScreeningRecorded> {
    let kb = state.kb;
    let recorded = state
        .with_store(&user, move |store| {
            let today = date_or_today("date", None)?;
            let patient = engine::patient_of(kb, &b.patient, today)?;
            let screening = engine::screen_patient(kb, &patient, b.device.as_deref())?;
            let recorded = store.record_screening(&code, &patient, &screening)?;
            Ok(ScreeningRecorded {
                id: recorded.id,
                screening: recorded.screening,
            })
        })
        .await?;
    Ok(created(recorded))
}

/// Plans for a patient file and records the plan (clinician).
///
/// 409 with the screening when contraindicated and no `override` reason is given.
#[utoipa::path(post, path = "/api/records/patients/{code}/plans", tag = super::RECORDS, request_body = RecordPlanBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 201, description = "Plan recorded", body = PlanRecorded),
        (status = 409, description = "Contraindicated without override", body = PlanRefused),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_plan(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<RecordPlanBody>,
) -> ApiResult<(StatusCode, Json<PlanReply<PlanRecorded>>)> {
    let kb = state.kb;
    let reply = state
        .with_store(&user, move |store| {
            let date = date_or_today("date", b.date.as_deref())?;
            let patient = engine::patient_of(kb, &b.patient, date)?;
            match engine::plan_outcome(kb, &patient, b.override_reason.as_deref())? {
                PlanOutcome::Planned(plan) => {
                    let record =
                        store.record_plan(&code, &patient, &plan, date, b.overrides_screening)?;
                    Ok(PlanReply::Planned(PlanRecorded {
                        id: record.id,
                        record,
                        plan: *plan,
                    }))
                }
                PlanOutcome::Refused(screening) => {
                    // A refused attempt is audited too (the refusal names the patient by row id).
                    store.audit_refused(
                        "plan",
                        &format!("{code}: contraindicated, no override: no plan recorded"),
                    )?;
                    Ok(PlanReply::Refused(PlanRefused::new(screening)))
                }
            }
        })
        .await?;
    let status = match reply {
        PlanReply::Planned(_) => StatusCode::CREATED,
        PlanReply::Refused(_) => StatusCode::CONFLICT,
    };
    Ok((status, Json(reply)))
}

/// The store's session from the request body (dates parsed, zones and topicals mapped).
fn new_session(code: String, b: SessionBody) -> ApiResult<NewSession> {
    Ok(NewSession {
        code,
        performed_at: date_time("performed_at", &b.performed_at)?,
        device: b.device,
        device_serial: b.device_serial,
        cartridge_lot: b.cartridge_lot,
        zones: b
            .zones
            .into_iter()
            .map(|z| ZoneRecord {
                site: z.site,
                depth_mm: z.depth_mm,
                passes: z.passes,
            })
            .collect(),
        topicals: b
            .topicals
            .into_iter()
            .map(|t| TopicalRecord {
                agent: t.agent,
                lot: t.lot,
            })
            .collect(),
        endpoint: b.endpoint,
        operator: b.operator,
        late_entry: b.late_entry,
        depth_reason: b.depth_reason,
        same_day_reason: b.same_day_reason,
    })
}

/// Records a treatment session (clinician).
///
/// 409 when a record rule forbids it; a session sooner than the plan's interval carries a warning.
#[utoipa::path(post, path = "/api/records/patients/{code}/sessions", tag = super::RECORDS, request_body = SessionBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 201, description = "Session recorded (with any warnings)", body = SessionResponse),
        (status = 409, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_session(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<SessionBody>,
) -> CreatedReply<SessionResponse> {
    let kb = state.kb;
    let record = state
        .with_store(&user, move |store| {
            Ok(store.add_session(kb, &new_session(code, b)?)?)
        })
        .await?;
    Ok(created(SessionResponse(record)))
}

/// Records an adverse event (clinician).
#[utoipa::path(post, path = "/api/records/patients/{code}/adverse-events", tag = super::RECORDS, request_body = AdverseEventBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 201, description = "Adverse event recorded", body = Created), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_adverse_event(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<AdverseEventBody>,
) -> CreatedReply<Created> {
    let kb = state.kb;
    let id = state
        .with_store(&user, move |store| {
            let event = NewAdverseEvent {
                code,
                session_id: b.session_id,
                effect: b.effect,
                severity: b.severity,
                onset: date_or_today("onset", Some(&b.onset))?,
                resolved: b
                    .resolved
                    .as_deref()
                    .map(|r| date_or_today("resolved", Some(r)))
                    .transpose()?,
                action: b.action,
                late_entry: b.late_entry,
            };
            Ok(store.add_adverse_event(kb, &event)?)
        })
        .await?;
    Ok(created(Created { id }))
}

/// Records an outcome assessment (clinician).
#[utoipa::path(post, path = "/api/records/patients/{code}/outcomes", tag = super::RECORDS, request_body = OutcomeBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 201, description = "Outcome recorded", body = Created), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_outcome(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<OutcomeBody>,
) -> CreatedReply<Created> {
    let id = state
        .with_store(&user, move |store| {
            Ok(store.add_outcome(&NewOutcome {
                code,
                assessed_at: date_or_today("date", b.date.as_deref())?,
                scale: b.scale,
                score: b.score,
                assessor: b.assessor,
                late_entry: b.late_entry,
            })?)
        })
        .await?;
    Ok(created(Created { id }))
}

/// Clears a contraindication found by an earlier screening, so that a re-screening may drop it
/// (clinician; who and when are recorded).
#[utoipa::path(post, path = "/api/records/patients/{code}/clearances", tag = super::RECORDS, request_body = ClearanceBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 201, description = "Clearance recorded", body = ClearanceResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_clearance(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<ClearanceBody>,
) -> CreatedReply<ClearanceResponse> {
    let record = state
        .with_store(&user, move |store| {
            Ok(store.add_clearance(&code, &b.rule, &b.reason)?)
        })
        .await?;
    Ok(created(ClearanceResponse(record)))
}

/// An image sent in JSON: base64, or a `data:image/...;base64,` URL.
fn image_bytes(field: &str, text: &str) -> ApiResult<Vec<u8>> {
    use base64::Engine as _;
    let data = text
        .split_once(";base64,")
        .filter(|(head, _)| head.starts_with("data:"))
        .map_or(text, |(_, data)| data);
    Ok(base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| {
            microneedling_core::InputError::new(
                field,
                format!("not base64 ({e})"),
                "a PNG or JPEG image, base64 or a data:image/...;base64, URL",
            )
        })?)
}

/// Records a signed consent: its version, the SHA-256 of its text, the signer and the drawn
/// signature (clinician).
#[utoipa::path(post, path = "/api/records/patients/{code}/consents", tag = super::RECORDS, request_body = ConsentBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 201, description = "Consent recorded", body = Created), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_consent(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<ConsentBody>,
) -> CreatedReply<Created> {
    let files = state.files.clone();
    let id = state
        .with_store(&user, move |store| {
            let consent = NewConsent {
                code,
                version: b.version,
                text: b.text,
                signed_at: date_or_today("date", b.date.as_deref())?,
                signer: b.signer,
                signature_image: b
                    .signature
                    .as_deref()
                    .map(|s| image_bytes("signature", s))
                    .transpose()?,
            };
            Ok(store.record_signed_consent(&files, &consent)?)
        })
        .await?;
    Ok(created(Created { id }))
}

/// Keeps a photo (clinician): the image without its metadata, with view, zone and the
/// patient's photo consent (required); or, with `file_sha256`, only the metadata of an image
/// kept elsewhere.
#[utoipa::path(post, path = "/api/records/patients/{code}/photos", tag = super::RECORDS, request_body = PhotoBody,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 201, description = "Photo kept", body = Created), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_photo(
    State(state): State<AppState>,
    Clinician(user): Clinician,
    Path(code): Path<String>,
    Json(b): Json<PhotoBody>,
) -> CreatedReply<Created> {
    let files = state.files.clone();
    let id = state
        .with_store(&user, move |store| {
            let taken_at = date_or_today("date", b.date.as_deref())?;
            match (b.image, b.file_sha256) {
                (Some(image), None) => Ok(store.add_photo_image(
                    &files,
                    &NewPhotoImage {
                        code,
                        taken_at,
                        view: b.view,
                        zone: b.zone,
                        photo_consent: b.photo_consent,
                        image: image_bytes("image", &image)?,
                    },
                )?),
                (None, Some(file_sha256)) => Ok(store.add_photo(&NewPhoto {
                    code,
                    taken_at,
                    view: b.view,
                    file_sha256,
                    photo_consent: b.photo_consent,
                    zone: b.zone,
                })?),
                _ => Err(microneedling_core::InputError::new(
                    "image",
                    "both or neither of image and file_sha256",
                    "exactly one of image (the photo) and file_sha256",
                )
                .into()),
            }
        })
        .await?;
    Ok(created(Created { id }))
}

/// A kept photo's image, checked against its hash (viewer; audited).
#[utoipa::path(get, path = "/api/records/photos/{id}", tag = super::RECORDS, security(("bearer" = [])),
    params(("id" = i64, Path, description = "The photo's id")),
    responses((status = 200, description = "The image (image/jpeg or image/png), its bytes as stored", body = String, content_type = "image/*"),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 500, body = ErrorBody)))]
pub async fn photo_image(
    State(state): State<AppState>,
    Viewer(user): Viewer,
    Path(id): Path<i64>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse as _;
    let files = state.files.clone();
    let (media_type, bytes) = state
        .with_store(&user, move |store| {
            let photo = store.photo(id)?;
            let bytes = files.get(&photo.file_sha256)?;
            store.audit_read("photo", &format!("photo {id}"))?;
            Ok((
                photo
                    .media_type
                    .unwrap_or_else(|| "application/octet-stream".into()),
                bytes,
            ))
        })
        .await?;
    Ok(([(axum::http::header::CONTENT_TYPE, media_type)], bytes).into_response())
}

/// A patient's history: sessions, adverse events, outcome trend (viewer; audited).
#[utoipa::path(get, path = "/api/records/patients/{code}/history", tag = super::RECORDS, security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "The series, adverse events and outcome trend", body = HistoryResponse),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    Viewer(user): Viewer,
    Path(code): Path<String>,
) -> ApiResult<Json<HistoryResponse>> {
    let history = state
        .with_store(&user, move |store| {
            let history = store.history(&code)?;
            store.audit_read(
                "patient",
                &format!("history of patient #{}", history.patient.id),
            )?;
            Ok(history)
        })
        .await?;
    Ok(Json(HistoryResponse(history)))
}

/// `?format=`: `json` (default, the histories) or `fhir` (a FHIR R4 Bundle, docs/fhir.md).
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// json or fhir.
    pub format: Option<String>,
}

/// Every patient's records (viewer; audited): the histories, or with `format=fhir` the FHIR R4
/// Bundle `records export --format fhir` writes.
#[utoipa::path(get, path = "/api/records/export", tag = super::RECORDS, security(("bearer" = [])),
    params(ExportQuery),
    responses((status = 200, description = "Every patient's records (format=fhir: a FHIR R4 Bundle)", body = ExportResponse),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Viewer(user): Viewer,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    let fhir = match query.format.as_deref().unwrap_or("json") {
        "json" => false,
        "fhir" => true,
        other => return Err(InputError::new("format", other, "json or fhir").into()),
    };
    if fhir {
        let bundle = state
            .with_store(&user, move |store| {
                let bundle = microneedling_fhir::export_store(store)?;
                store.audit_read("patient", "FHIR export of every patient")?;
                Ok(bundle)
            })
            .await?;
        return Ok(Json(bundle).into_response());
    }
    let all = state
        .with_store(&user, move |store| {
            let histories = store
                .patient_codes()?
                .iter()
                .map(|c| store.history(c))
                .collect::<Result<Vec<_>, _>>()?;
            store.audit_read("patient", "export of every patient")?;
            Ok(histories)
        })
        .await?;
    Ok(Json(ExportResponse(all)).into_response())
}
