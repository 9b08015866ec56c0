//! One error type for every HTTP handler, mapped to a status and the JSON
//! body `{ "error": { "code", "message" } }` in one place. Internal errors are
//! logged with detail and shown to the caller only as `internal`.

use axum::{
    extract::{
        rejection::{PathRejection, QueryRejection},
        multipart::MultipartRejection,
        ws::rejection::WebSocketUpgradeRejection,
    },
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
    #[error("this endpoint does not take this method")]
    MethodNotAllowed,
    /// An error status some layer below the handlers answered, with its text.
    #[error("{1}")]
    Other(StatusCode, String),
    #[error("this change needs the X-CSRF-Token header of the signed-in session")]
    CsrfFailed,
    /// Temporarily unable (the database is unreachable, the message writer
    /// stopped, the connection limit is reached): retry later.
    #[error("{0}")]
    Unavailable(String),
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
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::Other(status, _) => (*status, if status.is_server_error() { "internal" } else { "bad_request" }),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The message the caller sees; an internal error is logged here (with
    /// `what` failed) and shown only as "internal error". (An unavailable
    /// store is logged, with its cause, where it is converted.)
    pub fn public_message(&self, what: &str) -> String {
        match self {
            Self::Internal(e) => {
                tracing::error!(error = ?e, "{what} failed");
                "internal error".to_owned()
            }
            Self::Validation(v) => format!("{}: {}", v.field, v.message),
            other => other.to_string(),
        }
    }

    /// The error for a status answered without our body (by the framework or a layer).
    pub fn from_status(status: StatusCode, text: String) -> Self {
        let text = if text.is_empty() { status.canonical_reason().unwrap_or("error").to_owned() } else { text };
        match status {
            StatusCode::BAD_REQUEST => Self::BadRequest(text),
            StatusCode::NOT_FOUND => Self::NotFound(text),
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge(text),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedType(text),
            StatusCode::SERVICE_UNAVAILABLE => Self::Unavailable(text),
            other => Self::Other(other, text),
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
            e if e.is_temporary() => {
                tracing::warn!(error = %e, "storage unavailable");
                Self::Unavailable("the database is unavailable; retry shortly".into())
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        Self::BadRequest(format!("query string: {}", e.body_text().trim_start_matches("Failed to deserialize query string: ")))
    }
}

/// A path that does not parse (an id without its prefix) names nothing.
impl From<PathRejection> for ApiError {
    fn from(e: PathRejection) -> Self {
        match e {
            PathRejection::FailedToDeserializePathParams(e) => Self::NotFound(e.body_text().trim_start_matches("Invalid URL: ").to_owned()),
            other => Self::Internal(anyhow::anyhow!("path extraction: {}", other.body_text())),
        }
    }
}

impl From<MultipartRejection> for ApiError {
    fn from(e: MultipartRejection) -> Self {
        Self::BadRequest(e.body_text())
    }
}

impl From<WebSocketUpgradeRejection> for ApiError {
    fn from(e: WebSocketUpgradeRejection) -> Self {
        Self::BadRequest(format!("this is a WebSocket endpoint: {}", e.body_text()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = self.public_message("request");
        let mut response = (status, Json(ErrorBody { error: ErrorDetail { code: code.into(), message } })).into_response();
        match self {
            Self::RateLimited(secs) => {
                response.headers_mut().insert("retry-after", axum::http::HeaderValue::from(secs.max(1)));
            }
            Self::Unavailable(_) => {
                response.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

/// A JSON body, read as the document describes it (`strict_json`: no
/// array where an object belongs), every refusal in our error body.
pub struct JsonBody<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime_guess::mime::Mime>().ok())
            .is_some_and(|m| m.type_() == "application" && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json")));
        if !is_json {
            return Err(Self::Rejection::BadRequest("expected Content-Type: application/json".into()));
        }
        let bytes = bytes::Bytes::from_request(req, state).await.map_err(|e| ApiError::PayloadTooLarge(e.body_text()))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| ApiError::InvalidJson("the body is not UTF-8".into()))?;
        match linktor_core::strict_json::from_str(text) {
            Ok(value) => Ok(Self(value)),
            Err(e) if e.is_data() => Err(ApiError::Validation(ValidationError::new("body", e.to_string()))),
            Err(e) => Err(ApiError::InvalidJson(format!("the body is not valid JSON: {e}"))),
        }
    }
}

/// `Query` that turns every rejection into our error body.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// `Path` that turns every rejection into our error body.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// `Multipart` that turns every rejection into our error body.
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Multipart {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(axum::extract::Multipart::from_request(req, state).await?))
    }
}

/// `WebSocketUpgrade` that turns every rejection into our error body.
pub struct WebSocketUpgrade(pub axum::extract::WebSocketUpgrade);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for WebSocketUpgrade {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(axum::extract::WebSocketUpgrade::from_request_parts(parts, state).await?))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
