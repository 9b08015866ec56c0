//! One error type for every HTTP handler, mapped to a status and the JSON
//! body `{ "error": { "code", "message" } }` in one place. Internal errors are
//! logged with detail and shown to the caller only as `internal`.

use axum::{
    extract::rejection::JsonRejection,
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use linktor_core::{
    api::{ErrorBody, ErrorDetail},
    ValidationError,
};
use linktor_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    InvalidJson(String),
    #[error("{0}")]
    Validation(#[from] ValidationError),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    IdentityUnverified(String),
    #[error("this origin is not in the channel's allowed domains")]
    OriginNotAllowed,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedType(String),
    /// Too many requests; retry after this many seconds.
    #[error("too many requests: retry in {0} s")]
    RateLimited(u64),
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("this change needs the X-CSRF-Token header of the signed-in session")]
    CsrfFailed,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::InvalidJson(_) => (StatusCode::BAD_REQUEST, "invalid_json"),
            Self::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::IdentityUnverified(_) => (StatusCode::UNAUTHORIZED, "identity_unverified"),
            Self::OriginNotAllowed => (StatusCode::FORBIDDEN, "origin_not_allowed"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::UnsupportedType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "file_type_not_allowed"),
            Self::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Self::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            Self::CsrfFailed => (StatusCode::FORBIDDEN, "csrf_failed"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found"))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("not found".into()),
            StoreError::Conflict(m) => Self::Conflict(m),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        match e {
            JsonRejection::JsonDataError(e) => Self::Validation(ValidationError::new("body", e.body_text())),
            JsonRejection::MissingJsonContentType(_) => Self::BadRequest("expected Content-Type: application/json".into()),
            JsonRejection::BytesRejection(e) => Self::PayloadTooLarge(e.body_text()),
            other => Self::InvalidJson(other.body_text()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            Self::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                "internal error".to_owned()
            }
            Self::Validation(v) => format!("{}: {}", v.field, v.message),
            other => other.to_string(),
        };
        let mut response = (status, Json(ErrorBody { error: ErrorDetail { code: code.into(), message } })).into_response();
        if let Self::RateLimited(secs) = self {
            response.headers_mut().insert("retry-after", axum::http::HeaderValue::from(secs.max(1)));
        }
        response
    }
}

/// `Json` that turns every rejection into our error body.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);

pub type ApiResult<T> = Result<T, ApiError>;
