//! # microneedling-server
//!
//! The HTTP JSON API (OpenAPI 3 at `/api/openapi.json`, Swagger UI at `/api/docs`, vendored) and
//! the web page, on axum and tokio. Screening, planning, simulations and validation are open;
//! treatment records need a bearer token (`microneedling users add`): viewers read, clinicians
//! write, and every access to a patient's data is audited. CPU-heavy work runs on the blocking
//! pool behind a semaphore: when it is full the server answers 503 at once instead of queueing.
//! Logs carry the method, the route pattern, the status and the time: never a patient's data.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use microneedling_core::KnowledgeBase;
use tokio::sync::Semaphore;
use utoipa::OpenApi;

pub mod api;
pub mod auth;
pub mod error;

use error::{ApiError, ApiResult};

/// Largest request body accepted, bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest a CPU-heavy request waits for a permit before the server answers 503.
pub const HEAVY_QUEUE_WAIT: Duration = Duration::from_millis(100);

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub kb: &'static KnowledgeBase,
    pub db_path: PathBuf,
    /// Permits for CPU-heavy work; none left means 503.
    pub heavy: Arc<Semaphore>,
}

impl AppState {
    pub fn new(kb: &'static KnowledgeBase, db_path: PathBuf) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            kb,
            db_path,
            heavy: Arc::new(Semaphore::new(cores * 8)),
        }
    }

    /// Runs CPU-heavy `work` on the blocking pool; waits at most [`HEAVY_QUEUE_WAIT`] for a
    /// permit, then answers 503: the queue stays short under overload.
    pub async fn heavy<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let busy = || {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy with other simulations; retry shortly",
            )
        };
        let permit = tokio::time::timeout(HEAVY_QUEUE_WAIT, self.heavy.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the work failed"))?
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "microneedling", description = "Screening, planning, simulation and treatment records for microneedling. Decision support, not a prescription."),
    paths(
        api::catalog, api::screen, api::plan, api::simulate_penetration, api::simulate_delivery, api::simulate_healing, api::validate,
        api::compare_devices,
        api::add_patient, api::add_screening, api::add_plan, api::add_session, api::add_adverse_event, api::add_outcome, api::add_consent,
        api::add_photo,
        api::history, api::export
    ),
    components(schemas(error::ErrorBody, api::ScreenBody, api::PlanBody, api::PenetrationBody, api::DeliveryBody, api::HealingBody,
        api::NewPatientBody, api::RecordScreeningBody, api::RecordPlanBody, api::SessionBody, api::ZoneBody, api::TopicalBody,
        api::AdverseEventBody,
        api::PhotoBody, api::OutcomeBody, api::ConsentBody,
        api::CompareBody)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

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

async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

async fn index() -> Html<&'static str> {
    Html(include_str!("../web/index.html"))
}

/// One log line per request: method, route pattern (never the path: it may hold a patient code),
/// status, milliseconds.
async fn log(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let start = Instant::now();
    let response = next.run(request).await;
    if std::env::var_os("MICRONEEDLING_QUIET").is_none() {
        eprintln!(
            "{method} {route} {} {:.1} ms",
            response.status().as_u16(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    response
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such endpoint; see /api/openapi.json",
    )
}

pub fn router(state: AppState) -> Router {
    let swagger = utoipa_swagger_ui::SwaggerUi::new("/api/docs")
        .url("/api/openapi-ui.json", ApiDoc::openapi());
    Router::new()
        .route("/", get(index))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/catalog/{kind}", get(api::catalog))
        .route("/api/screen", post(api::screen))
        .route("/api/plan", post(api::plan))
        .route("/api/simulate/penetration", post(api::simulate_penetration))
        .route("/api/simulate/delivery", post(api::simulate_delivery))
        .route("/api/simulate/healing", post(api::simulate_healing))
        .route("/api/validate", get(api::validate))
        .route("/api/compare-devices", post(api::compare_devices))
        .route("/api/records/patients", post(api::add_patient))
        .route(
            "/api/records/patients/{code}/screenings",
            post(api::add_screening),
        )
        .route("/api/records/patients/{code}/plans", post(api::add_plan))
        .route(
            "/api/records/patients/{code}/sessions",
            post(api::add_session),
        )
        .route(
            "/api/records/patients/{code}/adverse-events",
            post(api::add_adverse_event),
        )
        .route(
            "/api/records/patients/{code}/outcomes",
            post(api::add_outcome),
        )
        .route(
            "/api/records/patients/{code}/consents",
            post(api::add_consent),
        )
        .route("/api/records/patients/{code}/photos", post(api::add_photo))
        .route("/api/records/patients/{code}/history", get(api::history))
        .route("/api/records/export", get(api::export))
        .merge(swagger)
        .fallback(not_found)
        .layer(middleware::from_fn(log))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

/// Serves until the process is stopped (or `shutdown` resolves).
pub async fn serve(
    addr: SocketAddr,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("microneedling serving on http://{}", listener.local_addr()?);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
