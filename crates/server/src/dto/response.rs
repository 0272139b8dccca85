//! Response bodies. Where a body is a value of microneedling-core or microneedling-store, the
//! wrapper here serialises the value unchanged (`transparent` or `flatten`, so the JSON field names
//! are the core's) and its schema is the core's or the store's own (their `openapi` feature).

use microneedling_core::agent::Agent;
use microneedling_core::compare::Comparison;
use microneedling_core::device::Device;
use microneedling_core::healing::Healing;
use microneedling_core::indication::Indication;
use microneedling_core::penetration::Penetration;
use microneedling_core::plan::Plan;
use microneedling_core::screening::adverse::AdverseEffect;
use microneedling_core::screening::{Rule, Screening};
use microneedling_core::skin::Site;
use microneedling_core::transport::Delivery;
use microneedling_core::validation::Validation;
use microneedling_store::{History, PatientRecord, SessionRecord};
use serde::Serialize;
use utoipa::ToSchema;

/// `GET /api/health`: the server answers, and with which engine and knowledge base.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthResponse {
    /// Always `ok` when the server answers.
    pub status: String,
    /// The server's crate version.
    pub engine_version: String,
    /// The knowledge base's `version`.
    pub knowledge_base_version: String,
}

/// The entries of one catalog, borrowed from the knowledge base (no copy per request).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Catalog {
    /// Anatomical sites.
    Sites(&'static [Site]),
    /// Devices.
    Devices(&'static [Device]),
    /// Topical agents.
    Agents(&'static [Agent]),
    /// Indications.
    Indications(&'static [Indication]),
    /// Screening rules.
    Rules(&'static [Rule]),
    /// Adverse effects.
    AdverseEffects(&'static [AdverseEffect]),
}

/// `GET /api/catalog/{kind}`: the catalog's entries with their sources.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(transparent)]
pub struct CatalogResponse(pub Catalog);

/// `POST /api/screen`: verdict, findings, actions, adverse-effect profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct ScreeningResponse(pub Screening);

/// `POST /api/plan`: the plan, and its HTML report when asked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanResponse {
    /// The plan's fields, at the top level.
    #[serde(flatten)]
    pub plan: Plan,
    /// The full report with figures, when the request asked for `report`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_html: Option<String>,
}

/// 409 of the plan endpoints: contraindicated and no override reason, so no plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanRefused {
    /// Why there is no plan.
    pub error: String,
    /// The screening that refused.
    pub screening: Screening,
}

impl PlanRefused {
    /// The refusal carrying `screening`.
    pub fn new(screening: Screening) -> Self {
        Self {
            error: "contraindicated: no plan without an override reason".to_string(),
            screening,
        }
    }
}

/// A plan endpoint's answer: the plan (or its record), or the refusal (409).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum PlanReply<T> {
    /// Planned.
    Planned(T),
    /// Contraindicated without an override.
    Refused(PlanRefused),
}

/// `POST /api/simulate/penetration`: effective depth, layers, channels, pain, erythema.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct PenetrationResponse(pub Penetration);

/// `POST /api/simulate/delivery`: amounts per layer and in blood over time, enhancement.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct DeliveryResponse(pub Delivery);

/// `POST /api/simulate/healing`: weekly series and outcome band.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct HealingResponse(pub Healing);

/// `POST /api/compare-devices`: the devices side by side at one site.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct ComparisonResponse(pub Comparison);

/// `GET /api/validate`: every validation case with its computed and expected value.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct ValidationResponse(pub Validation);

/// `POST /api/records/patients` (201): the patient as recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct PatientResponse(pub PatientRecord);

/// `POST /api/records/patients/{code}/screenings` (201).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScreeningRecorded {
    /// The screening record's id.
    pub id: i64,
    /// The screening.
    pub screening: Screening,
}

/// `POST /api/records/patients/{code}/plans` (201).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanRecorded {
    /// The plan record's id.
    pub id: i64,
    /// The plan as recorded: its override bound to a screening, the rules it accepts and the
    /// clinician.
    pub record: microneedling_store::PlanRecord,
    /// The plan.
    pub plan: Plan,
}

/// `POST /api/records/patients/{code}/sessions` (201): the session with any warnings.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct SessionResponse(pub SessionRecord);

/// `POST /api/records/patients/{code}/clearances` (201): who cleared what, when.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct ClearanceResponse(pub microneedling_store::ClearanceRecord);

/// A record was created (adverse events, outcomes, consents, photos): its id.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Created {
    /// The new record's id.
    pub id: i64,
}

/// `GET /api/records/patients/{code}/history`: sessions, adverse events, outcome trend.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct HistoryResponse(pub History);

/// `GET /api/records/export`: every patient's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct ExportResponse(pub Vec<History>);

/// `GET /api/openapi.json`: this API's OpenAPI document.
#[derive(Clone, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct OpenApiResponse(pub utoipa::openapi::OpenApi);

impl std::fmt::Debug for OpenApiResponse {
    // utoipa's document has no Debug; its content is not worth printing anyway.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenApiResponse").finish_non_exhaustive()
    }
}

/// `GET /api/patient-file`: what the patient file's `[history]` table may hold.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PatientFileFields {
    /// Every yes/no history key (`open_wounds`, `active_herpes`, …), in the parser's order.
    pub history_flags: Vec<&'static str>,
    /// The kinds a `recent_procedures` entry may name (`laser`, `chemical-peel`, …).
    pub procedure_kinds: Vec<&'static str>,
    /// History keys that hold a date (YYYY-MM-DD).
    pub date_fields: Vec<&'static str>,
}

impl PatientFileFields {
    /// The fields this build's parser accepts.
    pub fn current() -> Self {
        use microneedling_core::patient::{HistoryFlag, ProcedureKind};
        Self {
            history_flags: HistoryFlag::ALL.iter().map(|f| f.as_str()).collect(),
            procedure_kinds: ProcedureKind::ALL.iter().map(|k| k.as_str()).collect(),
            date_fields: vec!["isotretinoin_last_dose"],
        }
    }
}
