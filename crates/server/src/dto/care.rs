//! Bodies of the data-care operations: erase, amend, void, and their answers.

use microneedling_store::{AuditEntry, CheckReport, ErasedPatient};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// `POST /api/records/patients/{code}/erase` and `POST /api/records/{kind}/{id}/void`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why (kept with the change and in the audit log; for an erasure, without the code).
    pub reason: String,
}

/// `POST /api/records/{kind}/{id}/amend`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendBody {
    /// Why the record is amended.
    pub reason: String,
    /// The fields to change, named as in the record's add body (`score`, `onset`, `zones`, ...).
    #[schema(value_type = Object)]
    pub set: Map<String, Value>,
}

/// An amendment or a void: the record changed and, for an amendment, its current version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeResponse {
    /// `session`, `adverse_event` or `outcome`.
    pub kind: String,
    /// The record amended or voided (it stays, marked).
    pub id: i64,
    /// The new record (amend); absent for a void.
    pub replaced_by: Option<i64>,
}

/// `GET /api/records/check`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct CheckResponse(pub CheckReport);

/// `POST /api/records/patients/{code}/erase`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct ErasedResponse(pub ErasedPatient);

/// `GET /api/records/audit`: every audit row, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct AuditResponse(pub Vec<AuditEntry>);
