//! The one error type of the SDK. A call fails because the API answered an
//! error (`{ "error": { "code", "message" } }` with its HTTP status), because no
//! answer came in time or at all, or because the input could not be sent.

use std::time::Duration;

use linktor_core::ValidationError;
use reqwest::StatusCode;

/// Everything a call of this crate can fail with.
///
/// Match on the variant, or ask [`Error::status`] and [`Error::code`]:
///
/// ```
/// # async fn run(client: linktor_sdk::Linktor) -> Result<(), linktor_sdk::Error> {
/// match client.conversations().get("conv_abc123").await {
///     Ok(conversation) => println!("{:?}", conversation.status),
///     Err(e) if e.is_not_found() => println!("no such conversation"),
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status (after any retries).
    #[error("{request}: HTTP {status}: {code}: {message}")]
    Api {
        /// The call that failed, as `METHOD /path`.
        request: String,
        /// The HTTP status (401, 403, 404, 422, 429, 5xx…).
        status: StatusCode,
        /// The API's stable error code: `unauthorized`, `forbidden`, `not_found`,
        /// `validation_failed`, `rate_limited`, `internal`…; `http_<status>` when
        /// the body was not the API's JSON (a proxy's error page).
        code: String,
        /// What went wrong, in words; for `validation_failed` it names the field.
        message: String,
        /// How long the server asked to wait (`Retry-After`), when it said.
        retry_after: Option<Duration>,
    },
    /// No answer within the timeout (after any retries). The server may still
    /// have acted on the request.
    #[error("{request}: no answer within {timeout:?}")]
    Timeout {
        /// The call that failed, as `METHOD /path`.
        request: String,
        /// The timeout of each attempt.
        timeout: Duration,
    },
    /// The request could not be sent or its answer not read: connection
    /// refused or reset, DNS, TLS (after any retries).
    #[error("{request}: {source}")]
    Transport {
        /// The call that failed, as `METHOD /path`.
        request: String,
        /// What the HTTP client reported.
        #[source]
        source: reqwest::Error,
    },
    /// A success answer whose body is not what this API returns (a proxy, or a
    /// server of another version).
    #[error("{request}: unexpected answer: {source}")]
    Decode {
        /// The call whose answer could not be read, as `METHOD /path`.
        request: String,
        /// Why the body did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// An argument is not valid before anything is sent, such as an id
    /// without its prefix (`"abc"` where `"ch_…"` is expected).
    #[error("invalid input: {0}")]
    InvalidInput(#[from] ValidationError),
    /// A client setting is not usable (a base URL that does not parse, an API
    /// key that cannot be sent in a header).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A webhook delivery did not verify (see [`crate::webhooks::verify`]).
    #[error(transparent)]
    Webhook(#[from] crate::webhooks::VerifyError),
}

impl Error {
    /// The HTTP status of an [`Error::Api`]; `None` when no answer came.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's error code (`not_found`, `validation_failed`…) of an [`Error::Api`].
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The `Retry-After` the server sent with an [`Error::Api`], if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// 404: no such object in this account.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// 401 or 403: the key is unknown or revoked, or the object belongs to another account.
    pub fn is_auth(&self) -> bool {
        matches!(self.status(), Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN))
    }

    /// 400 or 422, or input refused before sending: the request does not fit the API.
    pub fn is_validation(&self) -> bool {
        matches!(self, Self::InvalidInput(_))
            || matches!(self.status(), Some(StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY))
    }

    /// 429: too many requests, still after the retries.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// No answer came: a timeout or a transport failure.
    pub fn is_connection(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::Transport { .. })
    }
}
