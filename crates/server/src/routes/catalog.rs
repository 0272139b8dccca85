//! The knowledge base's catalogs, read-only and open.

use axum::Json;
use axum::extract::{Path, State};
use microneedling_core::InputError;

use crate::AppState;
use crate::dto::{Catalog, CatalogResponse, PatientFileFields};
use crate::error::{ApiResult, ErrorBody};

/// One catalog of the knowledge base, with the sources of its entries.
#[utoipa::path(get, path = "/api/catalog/{kind}", tag = super::CATALOG,
    params(("kind" = String, Path, description = "sites, devices, agents, indications, rules or adverse-effects")),
    responses((status = 200, description = "The catalog entries with their sources", body = CatalogResponse),
        (status = 422, body = ErrorBody)))]
pub async fn catalog(
    State(state): State<AppState>,
    Path(kind): Path<String>,
) -> ApiResult<Json<CatalogResponse>> {
    let kb = state.kb;
    let entries = match kind.as_str() {
        "sites" => Catalog::Sites(&kb.sites),
        "devices" => Catalog::Devices(&kb.devices),
        "agents" => Catalog::Agents(&kb.agents),
        "indications" => Catalog::Indications(&kb.indications),
        "rules" => Catalog::Rules(&kb.rules),
        "adverse-effects" => Catalog::AdverseEffects(&kb.adverse_effects),
        _ => {
            return Err(InputError::new(
                "kind",
                &kind,
                "sites, devices, agents, indications, rules, adverse-effects",
            )
            .into());
        }
    };
    Ok(Json(CatalogResponse(entries)))
}

/// The fields of the patient file's `[history]` table, from the same list the file parser reads,
/// so a form built from them asks every question the screening rules need.
#[utoipa::path(get, path = "/api/patient-file", tag = super::CATALOG,
    responses((status = 200, description = "History flags, procedure kinds and dated fields of the patient file", body = PatientFileFields)))]
pub async fn patient_file() -> Json<PatientFileFields> {
    Json(PatientFileFields::current())
}
