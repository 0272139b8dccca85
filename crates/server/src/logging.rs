//! The request log: tower-http's `TraceLayer` emits one `tracing` span per request and an event
//! when it ends; `tracing-subscriber` prints them to stderr with a timestamp. The span carries the
//! method and the matched route pattern, never the URI: a path may hold a patient code, so the
//! default span (which records the URI) is not used. Bodies and headers are never logged.

use std::sync::Once;

use axum::extract::{MatchedPath, Request};
use tower_http::LatencyUnit;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnFailure, DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::{Level, Span};
use tracing_subscriber::EnvFilter;

/// The filter when `RUST_LOG` is unset: one line per finished request.
const DEFAULT_FILTER: &str = "info";

/// Starts printing logs to stderr, once per process; later calls do nothing. The level comes from
/// `RUST_LOG` (default `info`); `MICRONEEDLING_QUIET` set to anything turns the log off (the
/// load benchmarks use it so that printing does not weigh on the figures).
pub fn init_logging() {
    init_logging_with(None, DEFAULT_FILTER);
}

/// As [`init_logging`], for a program that chooses the level: `explicit` (the command line's
/// `-v`/`-q`) wins over `RUST_LOG`, which wins over `default`. The first call of the process
/// decides; later ones (the server's own [`init_logging`]) do nothing.
///
/// Every line carries a UTC timestamp (RFC 3339, microseconds), the level and the message; no
/// target, no ANSI colours (the log is read from files and journals as often as from terminals).
pub fn init_logging_with(explicit: Option<&str>, default: &str) {
    static START: Once = Once::new();
    START.call_once(|| {
        if std::env::var_os("MICRONEEDLING_QUIET").is_some() {
            return;
        }
        let filter = match explicit {
            Some(level) => EnvFilter::new(level),
            None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
        };
        // Another subscriber already set (an embedding program's) is fine: it gets the events.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .with_ansi(false)
            .with_writer(std::io::stderr)
            .try_init();
    });
}

/// The span of one request: method and route pattern only.
fn request_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!("request", method = %request.method(), route = %route)
}

/// The layer type [`trace_layer`] builds.
pub type RequestTrace = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request) -> Span,
    DefaultOnRequest,
    DefaultOnResponse,
>;

/// One `info` line per finished request (status and latency in ms, inside the request's span);
/// 5xx also as `error`.
pub fn trace_layer() -> RequestTrace {
    TraceLayer::new_for_http()
        .make_span_with(request_span as fn(&Request) -> Span)
        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
        .on_response(
            DefaultOnResponse::new()
                .level(Level::INFO)
                .latency_unit(LatencyUnit::Millis),
        )
        .on_failure(DefaultOnFailure::new().latency_unit(LatencyUnit::Millis))
}
