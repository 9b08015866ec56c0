//! Retries, Retry-After and timeouts.
//!
//! These use a tiny local stub instead of the real server, on purpose: the
//! real server cannot be made to answer 429, 503 or 500, or to hang, on
//! demand. The stub answers each request by its number from a script and
//! counts them; everything else is tested against the real server.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Router,
};
use linktor_sdk::{api::CreateChannelRequest, prelude::*, Error};
use serde_json::json;

/// What the stub answers to request number `n` (0-based).
type Script = fn(usize) -> Response;

struct Stub {
    base: String,
    requests: Arc<AtomicUsize>,
}

impl Stub {
    async fn start(script: Script) -> Self {
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let app = Router::new().fallback(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move { script(n) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base, requests }
    }

    fn client(&self, max_retries: u32) -> Linktor {
        Linktor::builder("lk_test").base_url(&self.base).max_retries(max_retries).timeout(Duration::from_secs(5)).build().unwrap()
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn api_error(status: StatusCode, code: &str, retry_after: Option<&'static str>) -> Response {
    let mut headers = HeaderMap::new();
    if let Some(r) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static(r));
    }
    (status, headers, axum::Json(json!({ "error": { "code": code, "message": format!("stub says {code}") } }))).into_response()
}

fn stored_message() -> Response {
    let message = json!({ "id": "msg_1", "conversationId": "conv_1", "seq": 1, "direction": "outbound",
        "sender": { "type": "api", "id": "api" }, "content": { "type": "text", "text": "Hello!" },
        "status": "sent", "createdAt": "2024-01-15T10:30:00Z" });
    (StatusCode::CREATED, axum::Json(message)).into_response()
}

fn hello() -> SendMessageRequest {
    SendMessageRequest { channel_id: "ch_webchat_123".parse().unwrap(), to: "visitor_abc123".parse().unwrap(), content: Content::text("Hello!") }
}

#[tokio::test]
async fn a_429_is_retried_no_sooner_than_retry_after_even_for_a_message() {
    let stub = Stub::start(|n| if n == 0 { api_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", Some("1")) } else { stored_message() }).await;
    let started = Instant::now();
    let message = stub.client(2).messages().send(hello()).await.unwrap();
    assert_eq!(message.id.as_str(), "msg_1");
    assert_eq!(stub.requests(), 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
}

#[tokio::test]
async fn a_message_is_retried_on_5xx_because_it_carries_an_idempotency_key() {
    let stub = Stub::start(|n| if n == 0 { api_error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", Some("0")) } else { stored_message() }).await;
    stub.client(2).messages().send(hello()).await.unwrap();
    assert_eq!(stub.requests(), 2);

    let stub = Stub::start(|n| if n == 0 { api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", None) } else { stored_message() }).await;
    stub.client(2).messages().send(hello()).await.unwrap();
    assert_eq!(stub.requests(), 2, "the key makes the retry safe");

    let stub = Stub::start(|_| api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", None)).await;
    let err = stub.client(2).messages().send(hello()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(StatusCode::INTERNAL_SERVER_ERROR), Some("internal")));
    assert_eq!(stub.requests(), 3);
}

#[tokio::test]
async fn a_read_is_retried_on_5xx_up_to_max_retries() {
    let stub = Stub::start(|_| api_error(StatusCode::BAD_GATEWAY, "bad_gateway", None)).await;
    let err = stub.client(2).channels().list().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(stub.requests(), 3);

    let stub = Stub::start(|n| if n < 2 { api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", None) } else { axum::Json(json!([])).into_response() }).await;
    assert!(stub.client(2).channels().list().await.unwrap().is_empty());
    assert_eq!(stub.requests(), 3);

    // with_max_retries(0) for one call: no retry.
    let stub = Stub::start(|_| api_error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", None)).await;
    stub.client(2).with_max_retries(0).channels().list().await.unwrap_err();
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn a_long_retry_after_is_left_to_the_caller() {
    let stub = Stub::start(|_| api_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", Some("120"))).await;
    let started = Instant::now();
    let err = stub.client(2).channels().list().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_foreign_bodies_still_give_a_code() {
    let stub = Stub::start(|_| api_error(StatusCode::NOT_FOUND, "not_found", None)).await;
    assert!(stub.client(2).channels().get("ch_1").await.unwrap_err().is_not_found());
    assert_eq!(stub.requests(), 1);

    let stub = Stub::start(|_| (StatusCode::BAD_GATEWAY, [(header::CONTENT_TYPE, "text/html")], "<h1>502</h1>").into_response()).await;
    let err = stub.client(0).channels().list().await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(StatusCode::BAD_GATEWAY), Some("http_502")));

    // A success that is not the API's JSON.
    let stub = Stub::start(|_| (StatusCode::OK, "<html>captive portal</html>").into_response()).await;
    assert!(matches!(stub.client(0).channels().list().await.unwrap_err(), Error::Decode { .. }));
}

#[tokio::test]
async fn each_attempt_times_out_and_only_safe_calls_repeat() {
    async fn hang() -> Response {
        tokio::time::sleep(Duration::from_secs(30)).await;
        StatusCode::OK.into_response()
    }
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let app = Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        hang()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Linktor::builder("lk_test").base_url(&base).timeout(Duration::from_millis(200)).max_retries(1).build().unwrap();

    let started = Instant::now();
    let err = client.channels().list().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(200)), "{err:?}");
    assert!(err.is_connection());
    assert_eq!(requests.load(Ordering::SeqCst), 2);
    assert!(started.elapsed() < Duration::from_secs(5));

    // A channel create may have acted: not sent again after a timeout.
    requests.store(0, Ordering::SeqCst);
    let create = CreateChannelRequest { name: "Docs".into(), allowed_domains: vec!["docs.example.com".into()], default_language: None, settings: None };
    let err = client.channels().create(create).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }));
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    // A message carries its Idempotency-Key: retried.
    requests.store(0, Ordering::SeqCst);
    assert!(matches!(client.messages().send(hello()).await.unwrap_err(), Error::Timeout { .. }));
    assert_eq!(requests.load(Ordering::SeqCst), 2);

    // with_timeout changes one copy of the client only.
    requests.store(0, Ordering::SeqCst);
    let quick = client.with_timeout(Duration::from_millis(50)).with_max_retries(0);
    assert!(matches!(quick.channels().list().await.unwrap_err(), Error::Timeout { timeout, .. } if timeout == Duration::from_millis(50)));
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn no_server_is_a_transport_error() {
    // A port that was free a moment ago: nothing listens there.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let client = Linktor::builder("lk_test").base_url(format!("http://127.0.0.1:{port}")).max_retries(0).build().unwrap();
    let err = client.messages().send(hello()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_connection() && err.status().is_none());
}
