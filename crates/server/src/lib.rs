//! # microneedling-server
//!
//! The HTTP JSON API (OpenAPI 3 at `/api/openapi.json`, Swagger UI at `/api/docs`, vendored) and
//! the web page, on axum and tokio. Screening, planning, simulations and validation are open;
//! treatment records need a bearer token (`microneedling users add`): viewers read, clinicians
//! write, and every access to a patient's data is audited. CPU-heavy work runs on the blocking
//! pool behind a semaphore: when it is full the server answers 503 at once instead of queueing.
//! Logs carry the method, the route pattern, the status and the time: never a patient's data.
//!
//! Layout: [`routes`] holds the handlers by concern, [`dto`] the request and response bodies,
//! [`engine`] the one place where request bodies become calls into microneedling-core,
//! [`auth`] the bearer-token extractors, [`state`] what handlers share.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};

pub mod auth;
pub mod dto;
pub mod engine;
pub mod error;
pub mod guard;
pub mod layers;
pub mod logging;
pub mod openapi;
pub mod routes;
pub mod serve;
pub mod state;

pub use logging::{init_logging, init_logging_with};
pub use openapi::ApiDoc;
pub use serve::{HEADER_READ_TIMEOUT, serve_on};
pub use state::AppState;

use error::ApiError;
use routes::{care, catalog, clinic, meta, models, records};

/// Largest request body accepted, bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The largest request that carries an image (a photo or a drawn signature, base64 in JSON):
/// the store's largest image, a third larger for base64.
pub const MAX_IMAGE_BODY_BYTES: usize = microneedling_store::MAX_IMAGE_BYTES / 3 * 4 + 64 * 1024;
/// Longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest a CPU-heavy request waits for a permit before the server answers 503.
pub const HEAVY_QUEUE_WAIT: Duration = Duration::from_millis(100);

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such endpoint; see /api/openapi.json",
    )
}

/// The records routes, all behind a bearer token (checked by each handler's extractor, before
/// its path and body), answered with `Cache-Control: no-store`.
fn records_routes() -> Router<AppState> {
    const PATIENT: &str = "/api/records/patients/{code}";
    Router::new()
        .route(
            "/api/records/patients",
            post(records::add_patient).get(clinic::patients),
        )
        .route("/api/records/due", get(clinic::due))
        .route("/api/records/lots/{lot}", get(clinic::lot))
        .route("/api/records/summary", get(clinic::summary))
        .route(
            &format!("{PATIENT}/screenings"),
            post(records::add_screening),
        )
        .route(&format!("{PATIENT}/plans"), post(records::add_plan))
        .route(&format!("{PATIENT}/sessions"), post(records::add_session))
        .route(
            &format!("{PATIENT}/adverse-events"),
            post(records::add_adverse_event),
        )
        .route(&format!("{PATIENT}/outcomes"), post(records::add_outcome))
        .route(
            &format!("{PATIENT}/consents"),
            post(records::add_consent).layer(DefaultBodyLimit::max(MAX_IMAGE_BODY_BYTES)),
        )
        .route(
            &format!("{PATIENT}/clearances"),
            post(records::add_clearance),
        )
        .route(
            &format!("{PATIENT}/photos"),
            post(records::add_photo).layer(DefaultBodyLimit::max(MAX_IMAGE_BODY_BYTES)),
        )
        .route("/api/records/photos/{id}", get(records::photo_image))
        .route(&format!("{PATIENT}/history"), get(records::history))
        .route("/api/records/export", get(records::export))
        .route("/api/records/check", get(care::check))
        .route("/api/records/audit", get(care::audit))
        .route(&format!("{PATIENT}/erase"), post(care::erase))
        .route("/api/records/{kind}/{id}/amend", post(care::amend))
        .route("/api/records/{kind}/{id}/void", post(care::void))
        .layer(layers::no_store())
}

/// Every route, with the body limit, the timeout, the request log, JSON error bodies for every
/// rejection and the security headers on every response.
pub fn router(state: AppState) -> Router {
    let swagger = utoipa_swagger_ui::SwaggerUi::new("/api/docs")
        .url("/api/openapi-ui.json", openapi::document());
    let router = Router::new()
        .route("/", get(meta::index))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/health", get(meta::health))
        .route("/api/openapi.json", get(meta::openapi_json))
        .route("/api/catalog/{kind}", get(catalog::catalog))
        .route("/api/patient-file", get(catalog::patient_file))
        .route("/api/screen", post(models::screen))
        .route("/api/plan", post(models::plan))
        .route(
            "/api/simulate/penetration",
            post(models::simulate_penetration),
        )
        .route("/api/simulate/delivery", post(models::simulate_delivery))
        .route("/api/simulate/healing", post(models::simulate_healing))
        .route("/api/validate", get(models::validate))
        .route("/api/compare-devices", post(models::compare_devices))
        .merge(records_routes())
        .merge(swagger)
        .fallback(not_found)
        .layer(logging::trace_layer())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::map_response(layers::json_errors));
    let router = layers::security_headers()
        .into_iter()
        .fold(router, |router, layer| router.layer(layer));
    router.with_state(state)
}

/// Serves until the process is stopped (or `shutdown` resolves), with the header-read and idle
/// timeout [`HEADER_READ_TIMEOUT`]. Starts the request log first (see [`init_logging`]), so a
/// caller such as the CLI needs nothing else.
pub async fn serve(
    addr: SocketAddr,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    init_logging();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    // On stderr whatever the log settings: whoever started the server needs its address.
    eprintln!("microneedling serving on http://{}", listener.local_addr()?);
    serve_on(listener, router(state), HEADER_READ_TIMEOUT, shutdown).await
}
