//! The server's own endpoints: the web page, health and the OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::response::Html;

use crate::AppState;
use crate::dto::{HealthResponse, OpenApiResponse};

/// The web page (embedded: the binary serves it with nothing on disk).
pub async fn index() -> Html<&'static str> {
    Html(crate::layers::INDEX_HTML)
}

/// Whether the server answers, with its engine and knowledge-base versions.
///
/// No token and no database access: a load balancer or a monitor may call it often.
#[utoipa::path(get, path = "/api/health", tag = super::META,
    responses((status = 200, description = "The server is up", body = HealthResponse)))]
pub async fn health(State(state): State<AppState>) -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok".to_string(),
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
        knowledge_base_version: state.kb.version.clone(),
    })
}

/// This API's OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = super::META,
    responses((status = 200, description = "OpenAPI 3 document", body = OpenApiResponse)))]
pub async fn openapi_json() -> Json<OpenApiResponse> {
    Json(OpenApiResponse(crate::openapi::document()))
}
