//! API errors: a status and a JSON body naming the field, the value and what is accepted.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use microneedling_core::{Error, InputError};
use microneedling_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The JSON body of every error: a message and, for a bad value, the field, the value and what
/// is accepted (the web page shows the message next to the field it names).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words.
    pub error: String,
    /// The request field at fault, dotted (e.g. `patient.fitzpatrick`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value refused, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What the field accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

/// An error answer: its status and body. Core and store errors convert into it with `?`.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: ErrorBody,
    /// Seconds after which a retry may succeed (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a message and no field.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: message.into(),
                field: None,
                value: None,
                accepted: None,
            },
            retry_after: None,
        }
    }

    /// The same error with a `Retry-After` header of `seconds` (at least 1).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ErrorBody {
                error: e.to_string(),
                field: Some(e.field),
                value: Some(e.value),
                accepted: Some(e.accepted),
            },
            retry_after: None,
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Input(input) => input.into(),
            Error::Parse { .. } => Self::new(StatusCode::BAD_REQUEST, e.to_string()),
            Error::Knowledge(_) => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "knowledge base unavailable",
            ),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Input(input) => input.into(),
            StoreError::UnknownPatient(_) => Self::new(StatusCode::NOT_FOUND, e.to_string()),
            StoreError::Rule(_) => Self::new(StatusCode::CONFLICT, e.to_string()),
            StoreError::Busy => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()).retry_after(1)
            }
            StoreError::Database(_) => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "database error")
            }
            // The path is the server's business: the message says what to do, not where.
            StoreError::Damaged(_) => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the records database is damaged: nothing was written; the operator must run `records check` and restore a backup",
            ),
        }
    }
}

/// What handlers and helpers return.
pub type ApiResult<T> = Result<T, ApiError>;
