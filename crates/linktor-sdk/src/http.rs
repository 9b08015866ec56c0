//! The one place requests are made: the API key, JSON, typed errors, the
//! timeout per attempt, and retries with exponential backoff and jitter that
//! wait at least what `Retry-After` asks.
//!
//! A request that could take effect twice (`POST /v1/messages` has no
//! idempotency key) is retried only when the server certainly did not act on
//! it: 429, 503, or a connection that was never made.

use std::time::Duration;

use chrono::{DateTime, Utc};
use linktor_core::{api::ErrorBody, ValidationError};
use reqwest::{
    header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER},
    Method, StatusCode,
};
use serde::{de::DeserializeOwned, Serialize};

use crate::{Error, Linktor};

/// A `Retry-After` longer than this is not waited for: the call fails with
/// the error (and its [`Error::retry_after`]) so the caller can decide.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// One API call, before it is sent.
pub(crate) struct Call {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    /// False when sending it twice could act twice (see the module comment).
    idempotent: bool,
    /// Sent as `Idempotency-Key`: the server stores a repeat once.
    idempotency_key: Option<String>,
}

impl Call {
    fn new(method: Method, path: String) -> Self {
        // Every method but POST is idempotent here; POSTs say so themselves.
        let idempotent = method != Method::POST;
        Self { method, path, query: Vec::new(), body: None, idempotent, idempotency_key: None }
    }

    pub(crate) fn get(path: String) -> Self {
        Self::new(Method::GET, path)
    }

    pub(crate) fn post(path: String) -> Self {
        Self::new(Method::POST, path)
    }

    pub(crate) fn patch(path: String) -> Self {
        Self::new(Method::PATCH, path)
    }

    pub(crate) fn delete(path: String) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Marks a POST that acts the same however often it is sent (typing, resolve…).
    pub(crate) fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Sends `key` as `Idempotency-Key`, which makes the call safe to repeat.
    pub(crate) fn idempotency_key(mut self, key: String) -> Self {
        self.idempotency_key = Some(key);
        self.idempotent = true;
        self
    }

    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| ValidationError::new("body", e.to_string()))?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// Query parameters; `None` values are left out.
    pub(crate) fn query(mut self, params: impl IntoIterator<Item = (&'static str, Option<String>)>) -> Self {
        self.query.extend(params.into_iter().filter_map(|(k, v)| Some((k, v?))));
        self
    }

    fn describe(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Why one attempt failed, and whether another may follow.
struct Failure {
    error: Error,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Linktor {
    /// Sends `call` (with retries) and parses the answer; a `204` parses as `()`.
    pub(crate) async fn execute<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let body = self.send(&call).await?;
        let body: &[u8] = if body.is_empty() { b"null" } else { &body };
        serde_json::from_slice(body).map_err(|source| Error::Decode { request: call.describe(), source })
    }

    async fn send(&self, call: &Call) -> Result<Vec<u8>, Error> {
        let authorization = self.shared.authorization.clone().map_err(Error::Config)?;
        let mut url = reqwest::Url::parse(&format!("{}{}", self.shared.base_url, call.path))
            .map_err(|e| Error::Config(format!("{}{}: {e}", self.shared.base_url, call.path)))?;
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut retries = 0;
        loop {
            let mut request = self
                .shared
                .http
                .request(call.method.clone(), url.clone())
                .timeout(self.timeout)
                .header(AUTHORIZATION, authorization.clone())
                .header(ACCEPT, "application/json");
            if let Some(body) = &call.body {
                request = request.header(CONTENT_TYPE, "application/json").body(body.clone());
            }
            if let Some(key) = &call.idempotency_key {
                request = request.header("Idempotency-Key", key.as_str());
            }
            let failure = match self.attempt(call, request).await {
                Ok(body) => return Ok(body),
                Err(failure) => failure,
            };
            let waits_too_long = failure.retry_after.is_some_and(|d| d > MAX_RETRY_AFTER);
            if !failure.retryable || waits_too_long || retries >= self.max_retries {
                return Err(failure.error);
            }
            retries += 1;
            tokio::time::sleep(backoff(retries, failure.retry_after, rand::random())).await;
        }
    }

    async fn attempt(&self, call: &Call, request: reqwest::RequestBuilder) -> Result<Vec<u8>, Failure> {
        let transport = |source: reqwest::Error| {
            // A connection never made reached no server: safe to repeat any call.
            let retryable = call.idempotent || source.is_connect();
            let error = if source.is_timeout() {
                Error::Timeout { request: call.describe(), timeout: self.timeout }
            } else {
                Error::Transport { request: call.describe(), source }
            };
            Failure { error, retryable, retry_after: None }
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()));
        let body = response.bytes().await.map_err(transport)?.to_vec();
        if status.is_success() {
            return Ok(body);
        }
        let (code, message) = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => (error.code, error.message),
            // Not the API's JSON (a proxy's error page): the status says enough.
            Err(_) => (format!("http_{}", status.as_u16()), format!("HTTP {status}")),
        };
        let retryable = status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::SERVICE_UNAVAILABLE
            || (call.idempotent && status.is_server_error());
        Err(Failure { error: Error::Api { request: call.describe(), status, code, message, retry_after }, retryable, retry_after })
    }
}

/// A random Idempotency-Key: 22 characters of `[A-Za-z0-9_-]`.
pub(crate) fn new_idempotency_key() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..22).map(|_| ALPHABET[rand::random::<u8>() as usize & 63] as char).collect()
}

/// The wait before retry number `retry` (1-based): 0.5 s, 1 s, 2 s… up to 8 s,
/// scaled by 0.75–1.25 with `jitter` in `[0, 1)`, and never less than `retry_after`.
pub(crate) fn backoff(retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    let base = Duration::from_millis(500).saturating_mul(1 << retry.saturating_sub(1).min(4)).min(Duration::from_secs(8));
    let jittered = base.mul_f64(0.75 + 0.5 * jitter.clamp(0.0, 1.0));
    jittered.max(retry_after.unwrap_or_default())
}

/// A `Retry-After` value: delta-seconds or an HTTP date (then relative to `now`).
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_eight_seconds() {
        let ms = |retry, jitter| backoff(retry, None, jitter).as_millis();
        assert_eq!((ms(1, 0.5), ms(2, 0.5), ms(3, 0.5), ms(4, 0.5)), (500, 1000, 2000, 4000));
        assert_eq!((ms(5, 0.5), ms(6, 0.5), ms(40, 0.5)), (8000, 8000, 8000));
        assert_eq!((ms(1, 0.0), ms(1, 0.999_999)), (375, 624));
    }

    #[test]
    fn backoff_never_waits_less_than_retry_after() {
        assert_eq!(backoff(1, Some(Duration::from_secs(3)), 0.9), Duration::from_secs(3));
        assert_eq!(backoff(5, Some(Duration::from_secs(1)), 0.5), Duration::from_secs(8));
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now: DateTime<Utc> = "2015-10-21T07:27:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(60)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:26:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn posts_are_not_idempotent_unless_marked() {
        assert!(!Call::post("/v1/messages".into()).idempotent);
        assert!(Call::post("/v1/webchat/typing/start".into()).idempotent().idempotent);
        assert!(Call::get("/v1/channels".into()).idempotent);
        assert!(Call::post("/v1/messages".into()).idempotency_key(new_idempotency_key()).idempotent);
        let key = new_idempotency_key();
        assert!(key.len() == 22 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(key, new_idempotency_key());
        assert!(Call::delete("/v1/channels/ch_1".into()).idempotent);
        let q = Call::get("/v1/x".into()).query([("a", Some("1".into())), ("b", None)]);
        assert_eq!(q.query, vec![("a", "1".to_owned())]);
    }
}
