//! Test harness: a real server on 127.0.0.1:0 with a fresh database, real
//! HTTP and WebSocket clients, and a real webhook receiver.
#![allow(dead_code)]

use futures::{SinkExt, StreamExt};
use linktor_core::{api::CreateChannelRequest, AccountId};
use linktor_server::{config::ConfigArgs, server::RunningServer};
use linktor_store::testing::Backend;
use serde_json::{json, Value};
use std::{sync::Arc, time::Duration};
use tokio::{net::TcpStream, sync::Mutex};
use tokio_tungstenite::{tungstenite::client::IntoClientRequest, tungstenite::Message as WsMessage, MaybeTlsStream, WebSocketStream};

pub const ORIGIN: &str = "https://shop.example.com";

pub struct TestServer {
    pub server: Option<RunningServer>,
    pub base: String,
    pub http: reqwest::Client,
    pub account: AccountId,
    pub channel: String,
    pub api_key: String,
    _db: Option<linktor_store::testing::TestDb>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_on(Backend::Sqlite).await
    }

    pub async fn start_on(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// A server whose settings `adjust` changes first.
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut ConfigArgs)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (db, database_url) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let db = linktor_store::testing::TestDb::postgres().await;
                let url = db.url.clone();
                (Some(db), Some(url))
            }
        };
        let mut args = ConfigArgs {
            listen: Some("127.0.0.1:0".parse().unwrap()),
            data_dir: Some(dir.path().to_owned()),
            database_url,
            webhook_timeout_secs: Some(2),
            ..Default::default()
        };
        adjust(&mut args);
        let server = linktor_server::server::start(args.resolve().unwrap()).await.unwrap();
        let base = server.state.config.public_url.clone();
        let store = &server.state.store;
        let account = linktor_server::server::default_account(store).await.unwrap();
        let channel = linktor_server::services::channels::create_channel(
            store,
            &account,
            CreateChannelRequest { name: "Website Chat".into(), allowed_domains: vec!["example.com, *.example.com".into()], default_language: None, settings: None },
        )
        .await
        .unwrap();
        let key = linktor_server::services::integrations::create_api_key(store, &account, "tests").await.unwrap();
        Self {
            server: Some(server),
            base,
            http: reqwest::Client::builder().user_agent("Mozilla/5.0 (linktor tests)").build().unwrap(),
            account,
            channel: channel.channel.id.to_string(),
            api_key: key.key,
            _db: db,
            _dir: dir,
        }
    }

    pub fn state(&self) -> &linktor_server::state::AppState {
        &self.server.as_ref().unwrap().state
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A visitor session from `ORIGIN`; returns the response body.
    pub async fn session(&self, body: Value) -> (u16, Value) {
        let r = self.http.post(self.url("/v1/widget/sessions")).header("origin", ORIGIN).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn visitor(&self) -> Visitor {
        let (status, body) = self.session(json!({ "channelId": self.channel, "page": "/pricing", "referrer": "https://google.com",
            "user": { "name": "John Doe", "email": "john@example.com" } })).await;
        assert_eq!(status, 201, "{body}");
        Visitor { id: body["visitorId"].as_str().unwrap().to_owned(), token: body["token"].as_str().unwrap().to_owned() }
    }

    pub async fn api(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(&self.api_key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send_text(&self, visitor: &str, text: &str) -> (u16, Value) {
        self.api(reqwest::Method::POST, "/v1/messages", Some(json!({ "channelId": self.channel, "to": visitor,
            "content": { "type": "text", "text": text } }))).await
    }

    pub async fn connect(&self, token: &str) -> Socket {
        self.connect_from(token, Some(ORIGIN)).await.expect("socket connects")
    }

    pub async fn connect_from(&self, token: &str, origin: Option<&str>) -> Result<Socket, u16> {
        let url = format!("{}/v1/ws?token={}", self.base.replace("http://", "ws://"), token);
        let mut req = url.into_client_request().unwrap();
        if let Some(o) = origin {
            req.headers_mut().insert("origin", o.parse().unwrap());
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(Socket { ws }),
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
            Err(e) => panic!("connect failed: {e}"),
        }
    }

    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.unwrap();
        }
    }
}

pub struct Visitor {
    pub id: String,
    pub token: String,
}

pub struct Socket {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    pub async fn send(&mut self, v: Value) {
        self.ws.send(WsMessage::text(v.to_string())).await.unwrap();
    }

    /// The next JSON frame, skipping pings; panics after 5 s.
    pub async fn next(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("a frame within 5 s")
                .expect("socket open")
                .expect("frame ok");
            match msg {
                WsMessage::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
                WsMessage::Close(c) => return json!({ "type": "__close", "code": c.map(|c| u16::from(c.code)) }),
                _ => continue,
            }
        }
    }

    /// The next frame of `kind`, skipping others.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let f = self.next().await;
            if f["type"] == kind {
                return f;
            }
            assert_ne!(f["type"], "__close", "socket closed while waiting for {kind}");
        }
    }

    /// Pings and reads up to the pong, failing on a `message` frame on the
    /// way: the socket's own messages come back in their acks, not as echoes.
    pub async fn assert_no_echo(&mut self) {
        self.send(json!({ "type": "ping" })).await;
        loop {
            let f = self.next().await;
            assert!(f["type"] != "message", "own message echoed to the sending socket: {f}");
            if f["type"] == "pong" {
                break;
            }
        }
    }

    pub async fn resume(&mut self, last_seq: i64) -> Value {
        self.send(json!({ "type": "resume", "lastSeq": last_seq })).await;
        self.next_of("ready").await
    }
}

/// A webhook receiver that records every request and answers `status`.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>,
    pub status: Arc<std::sync::atomic::AtomicU16>,
    /// Milliseconds the receiver waits before it answers.
    pub delay_ms: Arc<std::sync::atomic::AtomicU64>,
}

impl Receiver {
    pub async fn start() -> Self {
        use axum::{routing::post, Router};
        let received = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(std::sync::atomic::AtomicU16::new(200));
        let delay_ms = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (r, s, d) = (received.clone(), status.clone(), delay_ms.clone());
        let app = Router::new().route(
            "/hook",
            post(move |headers: axum::http::HeaderMap, body: String| {
                let (r, s, d) = (r.clone(), s.clone(), d.clone());
                async move {
                    tokio::time::sleep(Duration::from_millis(d.load(std::sync::atomic::Ordering::SeqCst))).await;
                    r.lock().await.push((headers, body));
                    axum::http::StatusCode::from_u16(s.load(std::sync::atomic::Ordering::SeqCst)).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, received, status, delay_ms }
    }

    /// Waits until a delivery of `event` arrives; returns its headers and parsed body.
    pub async fn wait_for(&self, event: &str) -> (axum::http::HeaderMap, Value) {
        for _ in 0..100 {
            for (h, b) in self.received.lock().await.iter() {
                let v: Value = serde_json::from_str(b).unwrap();
                if v["event"] == event {
                    return (h.clone(), v);
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {event} webhook within 5 s");
    }
}

// The dashboard's side: signed-in agents.

pub const PASSWORD: &str = "correct horse battery";

/// A signed-in dashboard: its cookie and CSRF token.
pub struct Dashboard {
    pub cookie: String,
    pub csrf: String,
    pub agent: Value,
}

impl Dashboard {
    pub async fn call(&self, srv: &TestServer, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_with(srv, method, path, body, true).await
    }

    pub async fn call_with(&self, srv: &TestServer, method: reqwest::Method, path: &str, body: Option<Value>, csrf: bool) -> (u16, Value) {
        let mut req = srv.http.request(method, srv.url(path)).header("cookie", &self.cookie);
        if csrf {
            req = req.header("x-csrf-token", &self.csrf);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn socket(&self, srv: &TestServer, origin: &str) -> Result<Socket, u16> {
        let mut req = format!("{}/v1/agent/ws", srv.base.replace("http://", "ws://")).into_client_request().unwrap();
        req.headers_mut().insert("origin", origin.parse().unwrap());
        req.headers_mut().insert("cookie", self.cookie.parse().unwrap());
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(Socket { ws }),
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
            Err(e) => panic!("connect failed: {e}"),
        }
    }
}

pub async fn add_agent(srv: &TestServer, account: &linktor_core::AccountId, email: &str, role: linktor_core::agent::AgentRole) {
    linktor_server::services::agents::create_agent(&srv.state().store, account, email, "Ana Agent", role, PASSWORD).await.unwrap();
}

pub async fn login(srv: &TestServer, email: &str, password: &str) -> (u16, Value, Option<String>) {
    let r = srv.http.post(srv.url("/v1/auth/login")).json(&json!({ "email": email, "password": password })).send().await.unwrap();
    let cookie = r.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned());
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null), cookie)
}

pub async fn sign_in(srv: &TestServer, email: &str) -> Dashboard {
    let (status, body, cookie) = login(srv, email, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.expect("session cookie");
    Dashboard { cookie: cookie.split(';').next().unwrap().to_owned(), csrf: body["csrfToken"].as_str().unwrap().to_owned(), agent: body["agent"].clone() }
}

