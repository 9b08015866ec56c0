//! Test harness: the real Linktor server in-process on 127.0.0.1:0 with a
//! fresh SQLite database (as crates/linktor-server/tests do), an SDK client
//! with an API key of its account, a visitor's real WebSocket, and a real
//! webhook receiver.
#![allow(dead_code)]

use std::{sync::Arc, time::Duration};

use futures::{SinkExt, StreamExt};
use linktor_sdk::{
    api::CreateChannelRequest,
    linktor_core::{AccountId, ServerFrame, SessionResponse},
    ChannelId, Linktor, VisitorId,
};
use linktor_server::{config::ConfigArgs, server::RunningServer};
use serde_json::{json, Value};
use tokio::{net::TcpStream, sync::Mutex};
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, Message as WsMessage},
    MaybeTlsStream, WebSocketStream,
};

/// The page the visitor's widget runs on: in the channel's allowed domains.
pub const ORIGIN: &str = "https://shop.example.com";

pub struct TestServer {
    server: Option<RunningServer>,
    pub base: String,
    pub account: AccountId,
    pub channel: ChannelId,
    pub api_key: String,
    /// The SDK client under test, on this server.
    pub client: Linktor,
    /// Plain HTTP for what the SDK does not do (the widget's endpoints).
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let args = ConfigArgs {
            listen: Some("127.0.0.1:0".parse().unwrap()),
            data_dir: Some(dir.path().to_owned()),
            webhook_timeout_secs: Some(2),
            ..Default::default()
        };
        let server = linktor_server::server::start(args.resolve().unwrap()).await.unwrap();
        let base = server.state.config.public_url.clone();
        let store = &server.state.store;
        let account = linktor_server::server::default_account(store).await.unwrap();
        let channel = linktor_server::services::channels::create_channel(
            store,
            &account,
            CreateChannelRequest {
                name: "Website Chat".into(),
                allowed_domains: vec!["example.com".into(), "*.example.com".into()],
                default_language: None,
                settings: None,
            },
        )
        .await
        .unwrap();
        let key = linktor_server::services::integrations::create_api_key(store, &account, "sdk tests").await.unwrap();
        let client = Linktor::builder(key.key.clone()).base_url(&base).build().unwrap();
        Self {
            server: Some(server),
            base,
            account,
            channel: channel.channel.id,
            api_key: key.key,
            client,
            http: reqwest::Client::builder().user_agent("Mozilla/5.0 (linktor-sdk tests)").build().unwrap(),
            _dir: dir,
        }
    }

    pub fn state(&self) -> &linktor_server::state::AppState {
        &self.server.as_ref().unwrap().state
    }

    /// A channel of another account, to see 403s.
    pub async fn foreign_channel(&self) -> ChannelId {
        let store = &self.state().store;
        let other = store.create_account("Another Company").await.unwrap();
        let req = CreateChannelRequest { name: "Theirs".into(), allowed_domains: vec!["other.example".into()], default_language: None, settings: None };
        linktor_server::services::channels::create_channel(store, &other, req).await.unwrap().channel.id
    }

    /// A visitor session from `ORIGIN`, as the widget opens one.
    pub async fn visitor(&self) -> Visitor {
        let body = json!({ "channelId": self.channel, "page": "/pricing", "referrer": "https://google.com",
            "user": { "name": "John Doe", "email": "john@example.com" } });
        let r = self.http.post(format!("{}/v1/widget/sessions", self.base)).header("origin", ORIGIN).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let session: SessionResponse = r.json().await.unwrap();
        Visitor { id: session.visitor_id, token: session.token }
    }

    /// The visitor's WebSocket, resumed from the start and `ready`.
    pub async fn connect(&self, visitor: &Visitor) -> Socket {
        let url = format!("{}/v1/ws?token={}", self.base.replace("http://", "ws://"), visitor.token);
        let mut req = url.into_client_request().unwrap();
        req.headers_mut().insert("origin", ORIGIN.parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        let mut socket = Socket { ws };
        socket.send(json!({ "type": "resume", "lastSeq": 0 })).await;
        assert!(matches!(socket.next_frame().await, ServerFrame::Ready { .. }));
        socket
    }

    /// A message from the visitor (opens the conversation); returns its conversation id.
    pub async fn visitor_writes(&self, socket: &mut Socket, text: &str) -> linktor_sdk::ConversationId {
        socket.send(json!({ "type": "message.send", "clientId": format!("c{}", text.len()), "content": { "type": "text", "text": text } })).await;
        loop {
            if let ServerFrame::Ack { message: Some(m), .. } = socket.next_frame().await {
                return m.conversation_id;
            }
        }
    }

    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.unwrap();
        }
    }
}

pub struct Visitor {
    pub id: VisitorId,
    pub token: String,
}

pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    pub async fn send(&mut self, v: Value) {
        self.ws.send(WsMessage::text(v.to_string())).await.unwrap();
    }

    /// The next frame, typed; panics after 5 s.
    pub async fn next_frame(&mut self) -> ServerFrame {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("a frame within 5 s")
                .expect("socket open")
                .expect("frame ok");
            if let WsMessage::Text(t) = msg {
                return serde_json::from_str(t.as_str()).unwrap();
            }
        }
    }

    /// The next `message` frame's message, skipping other frames.
    pub async fn next_message(&mut self) -> linktor_sdk::Message {
        loop {
            if let ServerFrame::Message { message } = self.next_frame().await {
                return message;
            }
        }
    }

    /// The next `typing` frame's state and sender, skipping other frames.
    pub async fn next_typing(&mut self) -> (linktor_sdk::linktor_core::TypingState, linktor_sdk::Sender) {
        loop {
            if let ServerFrame::Typing { state, sender } = self.next_frame().await {
                return (state, sender);
            }
        }
    }
}

/// Every request a receiver got: its headers and raw body.
type Requests = Arc<Mutex<Vec<(axum::http::HeaderMap, Vec<u8>)>>>;

/// A webhook receiver that keeps every request's headers and raw body.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    received: Requests,
}

impl Receiver {
    pub async fn start() -> Self {
        use axum::{routing::post, Router};
        let received: Requests = Arc::default();
        let r = received.clone();
        let app = Router::new().route(
            "/hook",
            post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let r = r.clone();
                async move {
                    r.lock().await.push((headers, body.to_vec()));
                    axum::http::StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, received }
    }

    /// The `n`th delivery (0-based) of `event`: its `Linktor-Signature`,
    /// `Linktor-Delivery` and raw body. Panics after 10 s.
    pub async fn wait_for(&self, event: &str, n: usize) -> Delivery {
        for _ in 0..200 {
            let found: Vec<Delivery> = self
                .received
                .lock()
                .await
                .iter()
                .filter(|(h, _)| h.get("linktor-event").and_then(|v| v.to_str().ok()) == Some(event))
                .map(|(h, b)| Delivery {
                    signature: h["linktor-signature"].to_str().unwrap().to_owned(),
                    delivery_id: h["linktor-delivery"].to_str().unwrap().to_owned(),
                    body: b.clone(),
                })
                .collect();
            if let Some(d) = found.into_iter().nth(n) {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {event} delivery #{n} within 10 s");
    }
}

pub struct Delivery {
    pub signature: String,
    pub delivery_id: String,
    pub body: Vec<u8>,
}
