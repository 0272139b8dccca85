//! The handlers, by concern; each `#[utoipa::path]` carries the operation's summary (the first
//! line of its doc comment), its tag and its typed responses.

pub mod care;
pub mod catalog;
pub mod clinic;
pub mod meta;
pub mod models;
pub mod records;

/// OpenAPI tag of the knowledge-base catalogs.
pub const CATALOG: &str = "catalog";
/// OpenAPI tag of screening, planning, simulations and validation.
pub const MODELS: &str = "models";
/// OpenAPI tag of the treatment records (bearer token).
pub const RECORDS: &str = "records";
/// OpenAPI tag of the server's own endpoints (health, the OpenAPI document).
pub const META: &str = "meta";
