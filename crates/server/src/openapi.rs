//! The OpenAPI document: every operation with its summary, tag and typed responses.

use utoipa::OpenApi;

use crate::dto;
use crate::error::ErrorBody;
use crate::routes::{care, catalog, clinic, meta, models, records};

/// The OpenAPI description of the whole API, served at `/api/openapi.json`.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "microneedling", description = "Screening, planning, simulation and treatment records for microneedling. Decision support, not a prescription."),
    tags(
        (name = "catalog", description = "The knowledge base's catalogs, with sources"),
        (name = "models", description = "Screening, planning, simulations, device comparison, validation"),
        (name = "records", description = "Treatment records: a bearer token; viewers read, clinicians write; audited"),
        (name = "meta", description = "The server itself: health, this document"),
    ),
    paths(
        meta::health, meta::openapi_json,
        catalog::catalog,
        catalog::patient_file,
        models::screen, models::plan, models::simulate_penetration, models::simulate_delivery,
        models::simulate_healing, models::validate, models::compare_devices,
        records::add_patient, records::add_screening, records::add_plan, records::add_session,
        records::add_adverse_event, records::add_outcome, records::add_consent, records::add_photo, records::photo_image, records::add_clearance,
        records::history, records::export,
        clinic::patients, clinic::due, clinic::lot, clinic::summary,
        care::check, care::audit, care::erase, care::amend, care::void
    ),
    components(schemas(ErrorBody,
        dto::ScreenBody, dto::PlanBody, dto::PenetrationBody, dto::DeliveryBody, dto::HealingBody,
        dto::CompareBody, dto::NewPatientBody, dto::RecordScreeningBody, dto::RecordPlanBody,
        dto::SessionBody, dto::ZoneBody, dto::TopicalBody, dto::AdverseEventBody, dto::PhotoBody,
        dto::OutcomeBody, dto::ConsentBody,
        dto::HealthResponse, dto::CatalogResponse, dto::ScreeningResponse, dto::PlanResponse,
        dto::PlanRefused, dto::PenetrationResponse, dto::DeliveryResponse, dto::HealingResponse,
        dto::ComparisonResponse, dto::ValidationResponse, dto::PatientResponse,
        dto::ScreeningRecorded, dto::PlanRecorded, dto::SessionResponse, dto::Created,
        dto::HistoryResponse, dto::ExportResponse, dto::OpenApiResponse,
        dto::ReasonBody, dto::AmendBody, dto::ChangeResponse, dto::CheckResponse,
        dto::ErasedResponse, dto::AuditResponse,
        microneedling_store::PatientListing, microneedling_store::DueItem,
        microneedling_store::LotUse, microneedling_store::ClinicSummary,
        microneedling_store::AdverseEventRate)),
    modifiers(&BearerAuth, &ErrorDescriptions)
)]
pub struct ApiDoc;

/// The document as served (built on each call: it is asked for rarely).
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Declares the `bearer` scheme the records operations name.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Gives every response without a description one from its status: OpenAPI requires the field,
/// and the error responses (all an `ErrorBody`) need no words of their own.
struct ErrorDescriptions;

impl utoipa::Modify for ErrorDescriptions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for (code, response) in &mut operation.responses.responses {
                    if let RefOr::T(response) = response
                        && response.description.is_empty()
                    {
                        response.description = status_text(code).to_string();
                    }
                }
            }
        }
    }
}

/// What each error status of this API means (docs/api.md, "Errors").
fn status_text(code: &str) -> &'static str {
    match code {
        "400" => "Malformed request",
        "401" => "No token, or a wrong one",
        "403" => "A viewer's token where a clinician's is needed",
        "404" => "Unknown patient",
        "409" => "A record rule forbids it",
        "413" => "Body over 256 KiB",
        "422" => "A value out of range: the body names the field",
        "503" => "Busy: retry shortly",
        _ => "See the body",
    }
}
