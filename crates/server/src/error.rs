//! API errors: a status and a JSON body naming the field, the value and what is accepted.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use microneedling_core::{Error, InputError};
use microneedling_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: message.into(),
                field: None,
                value: None,
                accepted: None,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
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
            StoreError::Busy => Self::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
            StoreError::Database(_) => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "database error")
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
