//! The JSON bodies of the API: what requests carry ([`request`]) and what responses return
//! ([`response`]). Every type derives `ToSchema`, so `/api/openapi.json` describes them.

pub mod request;
pub mod response;

pub use request::*;
pub use response::*;
