//! The endpoints. Bodies are JSON; a patient is the patient file's tables as a JSON object
//! (docs/patient-file.md).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{NaiveDate, NaiveDateTime, Utc};
use microneedling_core::patient::Patient;
use microneedling_core::plan::{PlanOutcome, assess};
use microneedling_core::setting::{Setting, SettingQuery};
use microneedling_core::skin::Sex;
use microneedling_core::transport::Dose;
use microneedling_core::{InputError, KnowledgeBase};
use microneedling_store::{
    NewAdverseEvent, NewOutcome, NewPatient, NewSession, Store, TopicalRecord, ZoneRecord,
};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{User, authenticate, require_clinician};
use crate::error::{ApiError, ApiResult};

fn patient_of(kb: &KnowledgeBase, value: &Value, today: NaiveDate) -> ApiResult<Patient> {
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

fn date_or_today(field: &str, text: Option<&str>) -> ApiResult<NaiveDate> {
    Ok(microneedling_store::parse_date_or_today(field, text)?)
}

fn sex_of(text: Option<&str>) -> ApiResult<Sex> {
    Ok(Sex::parse("sex", text.unwrap_or("female"))?)
}

#[utoipa::path(get, path = "/api/catalog/{kind}", params(("kind" = String, Path, description = "sites, devices, agents, indications, rules or adverse-effects")),
    responses((status = 200, description = "The catalog entries with their sources"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn catalog(
    State(state): State<AppState>,
    Path(kind): Path<String>,
) -> ApiResult<Json<Value>> {
    let kb = state.kb;
    let value = match kind.as_str() {
        "sites" => serde_json::to_value(&kb.sites),
        "devices" => serde_json::to_value(&kb.devices),
        "agents" => serde_json::to_value(&kb.agents),
        "indications" => serde_json::to_value(&kb.indications),
        "rules" => serde_json::to_value(&kb.rules),
        "adverse-effects" => serde_json::to_value(&kb.adverse_effects),
        _ => {
            return Err(InputError::new(
                "kind",
                &kind,
                "sites, devices, agents, indications, rules, adverse-effects",
            )
            .into());
        }
    };
    value
        .map(Json)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenBody {
    /// The patient file's tables (patient, history, treatment) as JSON.
    #[schema(value_type = Object)]
    pub patient: Value,
    pub device: Option<String>,
}

#[utoipa::path(post, path = "/api/screen", request_body = ScreenBody,
    responses((status = 200, description = "Verdict, findings, actions, adverse-effect profile"), (status = 422, body = crate::error::ErrorBody), (status = 400, body = crate::error::ErrorBody)))]
pub async fn screen(
    State(state): State<AppState>,
    Json(body): Json<ScreenBody>,
) -> ApiResult<Json<Value>> {
    let kb = state.kb;
    let patient = patient_of(kb, &body.patient, Utc::now().date_naive())?;
    if let Some(id) = &body.device {
        kb.device(id)?;
    }
    let assessment = assess(
        kb,
        &patient,
        body.device.as_deref(),
        &kb.isotretinoin_policy,
    )?;
    Ok(Json(json!(assessment.screening)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    #[schema(value_type = Object)]
    pub patient: Value,
    /// Plan despite a contraindication; carried in the plan.
    #[serde(rename = "override")]
    pub override_reason: Option<String>,
    /// Also return the HTML report with figures.
    #[serde(default)]
    pub report: bool,
}

fn plan_value(
    kb: &'static KnowledgeBase,
    patient: &Patient,
    override_reason: Option<&str>,
    report: bool,
) -> ApiResult<(StatusCode, Value)> {
    match microneedling_core::plan::plan(kb, patient, override_reason, &kb.isotretinoin_policy)? {
        PlanOutcome::Planned(plan) => {
            let mut value = json!(plan);
            if report {
                let html = microneedling_report::plan_report(&plan).to_html();
                value["report_html"] = Value::String(html);
            }
            Ok((StatusCode::OK, value))
        }
        PlanOutcome::Refused(screening) => Ok((
            StatusCode::CONFLICT,
            json!({ "error": "contraindicated: no plan without an override reason", "screening": screening }),
        )),
    }
}

#[utoipa::path(post, path = "/api/plan", request_body = PlanBody,
    responses((status = 200, description = "The plan"), (status = 409, description = "Contraindicated: the screening, no plan"), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    Json(body): Json<PlanBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let kb = state.kb;
    let patient = patient_of(kb, &body.patient, Utc::now().date_naive())?;
    let (status, value) = state
        .heavy(move || plan_value(kb, &patient, body.override_reason.as_deref(), body.report))
        .await?;
    Ok((status, Json(value)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PenetrationBody {
    pub device: String,
    pub length_mm: Option<f64>,
    pub site: String,
    pub sex: Option<String>,
    pub age: Option<f64>,
    pub passes: Option<u32>,
}

fn setting<'a>(
    kb: &'a KnowledgeBase,
    device: &str,
    length_mm: Option<f64>,
    site: &str,
    sex: Option<&str>,
    age: Option<f64>,
    passes: Option<u32>,
) -> ApiResult<Setting<'a>> {
    let query = SettingQuery {
        device,
        length_mm,
        site,
        sex: sex_of(sex)?,
        age_years: age,
        passes,
    };
    Ok(Setting::resolve(kb, &query)?)
}

#[utoipa::path(post, path = "/api/simulate/penetration", request_body = PenetrationBody,
    responses((status = 200, description = "Effective depth, layers, channels, pain, erythema"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn simulate_penetration(
    State(state): State<AppState>,
    Json(b): Json<PenetrationBody>,
) -> ApiResult<Json<Value>> {
    let kb = state.kb;
    let setting = setting(
        kb,
        &b.device,
        b.length_mm,
        &b.site,
        b.sex.as_deref(),
        b.age,
        b.passes,
    )?;
    Ok(Json(json!(setting.penetration(kb))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryBody {
    pub agent: String,
    pub device: String,
    pub length_mm: Option<f64>,
    pub site: String,
    pub sex: Option<String>,
    pub age: Option<f64>,
    pub passes: Option<u32>,
    pub hours: Option<f64>,
    #[serde(default)]
    pub occluded: bool,
    /// infinite:MG_PER_ML or finite:UG_PER_CM2.
    pub dose: Option<String>,
}

#[utoipa::path(post, path = "/api/simulate/delivery", request_body = DeliveryBody,
    responses((status = 200, description = "Amounts per layer and blood over time, enhancement"), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn simulate_delivery(
    State(state): State<AppState>,
    Json(b): Json<DeliveryBody>,
) -> ApiResult<Json<Value>> {
    let kb = state.kb;
    let agent = kb.agent(&b.agent)?;
    let solute = agent.solute()?;
    let setting = setting(
        kb,
        &b.device,
        b.length_mm,
        &b.site,
        b.sex.as_deref(),
        b.age,
        b.passes,
    )?;
    let dose = Dose::parse("dose", b.dose.as_deref().unwrap_or("infinite:10"))?;
    let request = setting
        .delivery(kb, &agent.id, solute)
        .hours(b.hours.unwrap_or(24.0))
        .occluded(b.occluded)
        .dose(dose)
        .build()?;
    let value = state
        .heavy(move || {
            Ok(json!(microneedling_core::transport::simulate(
                &kb.transport,
                &request
            )))
        })
        .await?;
    Ok(Json(value))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HealingBody {
    pub device: String,
    pub length_mm: Option<f64>,
    pub site: String,
    pub sex: Option<String>,
    pub age: Option<f64>,
    pub passes: Option<u32>,
    pub sessions: u32,
    pub interval_weeks: u32,
    pub months: Option<u32>,
    pub indication: Option<String>,
    pub seed: Option<u64>,
    pub samples: Option<usize>,
}

#[utoipa::path(post, path = "/api/simulate/healing", request_body = HealingBody,
    responses((status = 200, description = "Weekly series and outcome band"), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn simulate_healing(
    State(state): State<AppState>,
    Json(b): Json<HealingBody>,
) -> ApiResult<Json<Value>> {
    let kb = state.kb;
    let setting = setting(
        kb,
        &b.device,
        b.length_mm,
        &b.site,
        b.sex.as_deref(),
        b.age,
        b.passes,
    )?;
    let indication = b
        .indication
        .as_deref()
        .map(|id| kb.indication(id))
        .transpose()?;
    let samples = b
        .samples
        .unwrap_or(microneedling_core::healing::DEFAULT_SAMPLES);
    if samples > 20_000 {
        return Err(InputError::new("samples", samples, "1 to 20000 samples over HTTP").into());
    }
    let mut request = setting
        .healing(kb)
        .sessions(b.sessions)
        .interval_weeks(b.interval_weeks)
        .indication(indication)
        .samples(samples);
    if let Some(months) = b.months {
        request = request.months(months);
    }
    if let Some(seed) = b.seed {
        request = request.seed(seed);
    }
    let request = request.build()?;
    let value = state
        .heavy(move || {
            Ok(json!(microneedling_core::healing::simulate(
                &kb.healing,
                &request
            )))
        })
        .await?;
    Ok(Json(value))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareBody {
    pub site: String,
    /// 2 to 8 device ids.
    pub devices: Vec<String>,
    pub sex: Option<String>,
    pub age: Option<f64>,
}

#[utoipa::path(post, path = "/api/compare-devices", request_body = CompareBody,
    responses((status = 200, description = "The devices side by side at the site"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn compare_devices(
    State(state): State<AppState>,
    Json(b): Json<CompareBody>,
) -> ApiResult<Json<Value>> {
    let comparison = microneedling_core::compare::compare_devices(
        state.kb,
        &b.site,
        &b.devices,
        sex_of(b.sex.as_deref())?,
        b.age.unwrap_or(35.0),
    )?;
    Ok(Json(json!(comparison)))
}

#[utoipa::path(get, path = "/api/validate", responses((status = 200, description = "Every validation case"), (status = 503, body = crate::error::ErrorBody)))]
pub async fn validate(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let kb = state.kb;
    let value = state
        .heavy(move || {
            let mut cases = microneedling_core::validation::penetration_cases(kb);
            cases.extend(microneedling_core::validation::transport_cases(kb));
            cases.extend(microneedling_core::validation::healing_cases(kb));
            Ok(json!(cases))
        })
        .await?;
    Ok(Json(value))
}

// ---- records ---------------------------------------------------------------------------------

/// Opens the store as `user` after checking the token, on the blocking pool.
async fn with_store<T: Send + 'static>(
    state: &AppState,
    headers: &HeaderMap,
    clinician: bool,
    work: impl FnOnce(&mut Store, &User) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let path = state.db_path.clone();
    let headers = headers.clone();
    tokio::task::spawn_blocking(move || {
        let lookup_store = Store::open(&path, "api")?;
        let user = authenticate(&headers, |id| lookup_store.user(id).ok().flatten())?;
        if clinician {
            require_clinician(&user)?;
        }
        let mut store = Store::open(&path, &user.name)?;
        work(&mut store, &user)
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the work failed"))?
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPatientBody {
    pub code: String,
    pub birth_year: i32,
    pub sex: String,
    pub fitzpatrick: u8,
}

#[utoipa::path(post, path = "/api/records/patients", request_body = NewPatientBody, security(("bearer" = [])),
    responses((status = 201, description = "Patient added"), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_patient(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(b): Json<NewPatientBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let record = with_store(&state, &headers, true, move |store, _| {
        Ok(store.add_patient(&NewPatient {
            code: b.code,
            birth_year: b.birth_year,
            sex: b.sex,
            fitzpatrick: b.fitzpatrick,
        })?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!(record))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordScreeningBody {
    #[schema(value_type = Object)]
    pub patient: Value,
    pub device: Option<String>,
    pub date: Option<String>,
}

#[utoipa::path(post, path = "/api/records/patients/{code}/screenings", request_body = RecordScreeningBody, security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 201, description = "Screening recorded"), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_screening(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(b): Json<RecordScreeningBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let kb = state.kb;
    let value = with_store(&state, &headers, true, move |store, _| {
        let date = date_or_today("date", b.date.as_deref())?;
        let patient = patient_of(kb, &b.patient, date)?;
        let screening =
            assess(kb, &patient, b.device.as_deref(), &kb.isotretinoin_policy)?.screening;
        let id = store.record_screening(&code, &b.patient, &screening, date)?;
        Ok(json!({ "id": id, "screening": screening }))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(value)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPlanBody {
    #[schema(value_type = Object)]
    pub patient: Value,
    #[serde(rename = "override")]
    pub override_reason: Option<String>,
    pub date: Option<String>,
}

#[utoipa::path(post, path = "/api/records/patients/{code}/plans", request_body = RecordPlanBody, security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 201, description = "Plan recorded"), (status = 409, description = "Contraindicated without override"), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(b): Json<RecordPlanBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let kb = state.kb;
    let (status, value) = with_store(&state, &headers, true, move |store, _| {
        let date = date_or_today("date", b.date.as_deref())?;
        let patient = patient_of(kb, &b.patient, date)?;
        match microneedling_core::plan::plan(kb, &patient, b.override_reason.as_deref(), &kb.isotretinoin_policy)? {
            PlanOutcome::Planned(plan) => {
                let id = store.record_plan(&code, &plan, date)?;
                Ok((StatusCode::CREATED, json!({ "id": id, "plan": plan })))
            }
            PlanOutcome::Refused(screening) => Ok((StatusCode::CONFLICT, json!({ "error": "contraindicated: no plan without an override reason", "screening": screening }))),
        }
    })
    .await?;
    Ok((status, Json(value)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneBody {
    pub site: String,
    pub depth_mm: f64,
    pub passes: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicalBody {
    pub agent: String,
    pub lot: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionBody {
    /// YYYY-MM-DD or YYYY-MM-DDTHH:MM.
    pub performed_at: String,
    pub device: String,
    pub device_serial: String,
    pub cartridge_lot: String,
    pub zones: Vec<ZoneBody>,
    #[serde(default)]
    pub topicals: Vec<TopicalBody>,
    /// erythema or pinpoint-bleeding.
    pub endpoint: String,
    pub operator: String,
}

fn date_time(field: &str, text: &str) -> ApiResult<NaiveDateTime> {
    Ok(microneedling_store::parse_date_time(field, text)?)
}

#[utoipa::path(post, path = "/api/records/patients/{code}/sessions", request_body = SessionBody, security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 201, description = "Session recorded (with any warnings)"), (status = 409, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(b): Json<SessionBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let kb = state.kb;
    let record = with_store(&state, &headers, true, move |store, _| {
        let session = NewSession {
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
        };
        Ok(store.add_session(kb, &session)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!(record))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdverseEventBody {
    pub effect: String,
    /// mild, moderate or severe.
    pub severity: String,
    pub onset: String,
    pub resolved: Option<String>,
    pub session_id: Option<i64>,
    pub action: String,
}

#[utoipa::path(post, path = "/api/records/patients/{code}/adverse-events", request_body = AdverseEventBody, security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 201, description = "Adverse event recorded"), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_adverse_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(b): Json<AdverseEventBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let kb = state.kb;
    let id = with_store(&state, &headers, true, move |store, _| {
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
        };
        Ok(store.add_adverse_event(kb, &event)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeBody {
    pub scale: String,
    pub score: f64,
    pub assessor: String,
    pub date: Option<String>,
}

#[utoipa::path(post, path = "/api/records/patients/{code}/outcomes", request_body = OutcomeBody, security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 201, description = "Outcome recorded"), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_outcome(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(b): Json<OutcomeBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = with_store(&state, &headers, true, move |store, _| {
        Ok(store.add_outcome(&NewOutcome {
            code,
            assessed_at: date_or_today("date", b.date.as_deref())?,
            scale: b.scale,
            score: b.score,
            assessor: b.assessor,
        })?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    pub version: String,
    /// The consent text the patient signed (only its SHA-256 is kept).
    pub text: String,
    pub date: Option<String>,
}

#[utoipa::path(post, path = "/api/records/patients/{code}/consents", request_body = ConsentBody, security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 201, description = "Consent recorded"), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_consent(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(b): Json<ConsentBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = with_store(&state, &headers, true, move |store, _| {
        Ok(store.record_consent(
            &code,
            &b.version,
            &b.text,
            date_or_today("date", b.date.as_deref())?,
        )?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoBody {
    /// front, left, right, oblique, close-up, ...
    pub view: String,
    /// SHA-256 of the image file, 64 hex characters (the image itself is never sent).
    pub file_sha256: String,
    pub photo_consent: bool,
    pub date: Option<String>,
}

#[utoipa::path(post, path = "/api/records/patients/{code}/photos", request_body = PhotoBody, security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 201, description = "Photo metadata recorded"), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(b): Json<PhotoBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = with_store(&state, &headers, true, move |store, _| {
        Ok(store.add_photo(&microneedling_store::NewPhoto {
            code,
            taken_at: date_or_today("date", b.date.as_deref())?,
            view: b.view,
            file_sha256: b.file_sha256,
            photo_consent: b.photo_consent,
        })?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[utoipa::path(get, path = "/api/records/patients/{code}/history", security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 200, description = "The series, adverse events and outcome trend"), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let history = with_store(&state, &headers, false, move |store, _| {
        let history = store.history(&code)?;
        store.audit_read("patient", &format!("history of {code}"))?;
        Ok(history)
    })
    .await?;
    Ok(Json(json!(history)))
}

#[utoipa::path(get, path = "/api/records/export", security(("bearer" = [])),
    responses((status = 200, description = "Every patient's records"), (status = 401, body = crate::error::ErrorBody)))]
pub async fn export(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let all = with_store(&state, &headers, false, move |store, _| {
        let histories = store
            .patient_codes()?
            .iter()
            .map(|c| store.history(c))
            .collect::<Result<Vec<_>, _>>()?;
        store.audit_read("patient", "export of every patient")?;
        Ok(histories)
    })
    .await?;
    Ok(Json(json!(all)))
}
