//! The client: an API key, the server's address and the request settings,
//! shared by every resource handle. Cloning is cheap (one `Arc`), and clones
//! share the connection pool.

use std::{sync::Arc, time::Duration};

use reqwest::header::HeaderValue;

use crate::{
    api_keys::ApiKeys, channels::Channels, conversations::Conversations, messages::Messages, visitors::Visitors,
    webchat::WebChat, webhooks::Webhooks, Error,
};

/// The cloud's API, as `@linktor/sdk` uses by default. Self-hosted servers
/// pass their own address to [`LinktorBuilder::base_url`].
pub const DEFAULT_BASE_URL: &str = "https://api.linktor.io";
/// How long one attempt may take, connecting to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts after the first, for the failures that may be retried.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// A client of the Linktor WebChat REST API.
///
/// ```no_run
/// use linktor_sdk::prelude::*;
///
/// # async fn run() -> Result<(), linktor_sdk::Error> {
/// let client = Linktor::new("YOUR_API_KEY");
/// client
///     .messages()
///     .send(SendMessageRequest {
///         channel_id: "ch_webchat_123".parse()?,
///         to: "visitor_abc123".parse()?,
///         content: Content::text("Hello!"),
///     })
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Linktor {
    pub(crate) shared: Arc<Shared>,
    /// Per attempt; [`Linktor::with_timeout`] changes it for one copy of the client.
    pub(crate) timeout: Duration,
    /// Per call; [`Linktor::with_max_retries`] changes it for one copy of the client.
    pub(crate) max_retries: u32,
}

/// What every copy of a client shares.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    /// Without a trailing slash; paths start with one.
    pub(crate) base_url: String,
    /// `Bearer <key>`, or why the key cannot be sent (reported by each call).
    pub(crate) authorization: Result<HeaderValue, String>,
}

impl std::fmt::Debug for Linktor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the API key.
        f.debug_struct("Linktor")
            .field("base_url", &self.shared.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl Linktor {
    /// A client of the cloud ([`DEFAULT_BASE_URL`]) with the default timeout
    /// and retries. Use [`Linktor::builder`] for a self-hosted server.
    ///
    /// # Panics
    ///
    /// When the HTTP client cannot be made (the TLS backend fails to
    /// initialise), as `reqwest::Client::new` does. [`LinktorBuilder::build`]
    /// returns that as an error instead.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self::builder(api_key).build().expect("the default HTTP client can be built")
    }

    /// Settings beyond the API key: the server's address, timeout, retries.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # fn run() -> Result<(), linktor_sdk::Error> {
    /// let client = linktor_sdk::Linktor::builder("lk_…")
    ///     .base_url("https://chat.example.com")
    ///     .timeout(Duration::from_secs(10))
    ///     .max_retries(3)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder(api_key: impl Into<String>) -> LinktorBuilder {
        LinktorBuilder {
            api_key: api_key.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            http: None,
        }
    }

    /// The same client with another timeout per attempt, for the calls made
    /// through the copy: `client.with_timeout(Duration::from_secs(2)).messages().send(…)`.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        Self { timeout, ..self.clone() }
    }

    /// The same client with another number of retries, for the calls made
    /// through the copy (`0`: never retry).
    pub fn with_max_retries(&self, max_retries: u32) -> Self {
        Self { max_retries, ..self.clone() }
    }

    /// The server this client talks to.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// `POST /v1/messages`: send text, buttons, cards, images and files to a visitor.
    pub fn messages(&self) -> Messages<'_> {
        Messages { client: self }
    }

    /// The webchat-only calls: the typing indicator.
    pub fn webchat(&self) -> WebChat<'_> {
        WebChat { client: self }
    }

    /// Conversations: list, read, resolve, reopen, mark read.
    pub fn conversations(&self) -> Conversations<'_> {
        Conversations { client: self }
    }

    /// Website visitors.
    pub fn visitors(&self) -> Visitors<'_> {
        Visitors { client: self }
    }

    /// Webchat channels and their identity-verification secret.
    pub fn channels(&self) -> Channels<'_> {
        Channels { client: self }
    }

    /// Webhook endpoints and their delivery log. Verifying a delivery needs no
    /// client: [`crate::webhooks::verify`].
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }

    /// API keys of the account.
    pub fn api_keys(&self) -> ApiKeys<'_> {
        ApiKeys { client: self }
    }
}

/// Builds a [`Linktor`] client; from [`Linktor::builder`].
#[must_use]
pub struct LinktorBuilder {
    api_key: String,
    base_url: String,
    timeout: Duration,
    max_retries: u32,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for LinktorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the API key.
        f.debug_struct("LinktorBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl LinktorBuilder {
    /// Your Linktor server, e.g. `https://chat.example.com` (default [`DEFAULT_BASE_URL`]).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How long one attempt may take, from connecting to the answer's last
    /// byte (default 30 s). Retries get the same again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Attempts after the first (default 2). What is retried: 429 and 503
    /// always; other 5xx, timeouts and transport failures only for calls that
    /// cannot act twice (every call but sending a message, creating a
    /// channel, webhook or API key, and resending a delivery); a refused
    /// connection always. Waits grow 0.5 s, 1 s, 2 s… (at most 8 s, ±25 %)
    /// and are never shorter than the server's `Retry-After`.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Your own `reqwest::Client` (proxies, root certificates, connection
    /// limits). Its own timeout, if any, applies besides this client's.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The client, or [`Error::Config`] when the base URL is not an absolute
    /// http(s) URL, or [`Error::Transport`] when no HTTP client can be made.
    pub fn build(self) -> Result<Linktor, Error> {
        let base_url = self.base_url.trim().trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {}
            _ => return Err(Error::Config(format!("base URL {base_url:?} is not an absolute http(s) URL"))),
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(concat!("linktor-sdk-rust/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|source| Error::Transport { request: "building the HTTP client".into(), source })?,
        };
        let authorization = HeaderValue::from_str(&format!("Bearer {}", self.api_key.trim()))
            .map(|mut v| {
                v.set_sensitive(true);
                v
            })
            .map_err(|_| "the API key has characters an HTTP header cannot carry".to_owned());
        Ok(Linktor {
            shared: Arc::new(Shared { http, base_url, authorization }),
            timeout: self.timeout,
            max_retries: self.max_retries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        let c = Linktor::builder("lk_x").base_url("http://127.0.0.1:8080/").build().unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:8080");
        assert_eq!(Linktor::new("lk_x").base_url(), DEFAULT_BASE_URL);
        for bad in ["", "chat.example.com", "ftp://example.com", "http://"] {
            assert!(matches!(Linktor::builder("lk_x").base_url(bad).build(), Err(Error::Config(_))), "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = Linktor::new("lk_secret_value");
        assert!(!format!("{c:?}").contains("lk_secret_value"));
        assert!(!format!("{:?}", Linktor::builder("lk_secret_value")).contains("lk_secret_value"));
    }

    #[test]
    fn copies_change_only_their_settings() {
        let c = Linktor::new("lk_x");
        let quick = c.with_timeout(Duration::from_millis(5)).with_max_retries(0);
        assert_eq!((quick.timeout, quick.max_retries), (Duration::from_millis(5), 0));
        assert_eq!((c.timeout, c.max_retries), (DEFAULT_TIMEOUT, DEFAULT_MAX_RETRIES));
        assert!(Arc::ptr_eq(&c.shared, &quick.shared));
    }
}
