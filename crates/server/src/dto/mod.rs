//! The JSON bodies of the API: what requests carry ([`request`]) and what responses return
//! ([`response`]). Every type derives `ToSchema`, so `/api/openapi.json` describes them.

pub mod care;
pub mod request;
pub mod response;

pub use care::*;
pub use request::*;
pub use response::*;
