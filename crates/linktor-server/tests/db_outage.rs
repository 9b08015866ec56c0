//! A PostgreSQL database that goes away under a running server and comes
//! back. The server reaches its database through a TCP relay this test
//! controls, so the outage is real for the server (connections reset, new
//! ones refused) without stopping the PostgreSQL other tests share. While
//! it lasts: 503 `unavailable` (never 404 or 401), `/readyz` fails, a
//! socket's message is refused, not acknowledged. When it returns, the same
//! server serves again, and everything acknowledged before is there.

mod common;

use common::{TestServer, ORIGIN};
use linktor_store::testing::Backend;
use serde_json::{json, Value};
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{net::TcpListener, task::JoinHandle};

/// A TCP relay to PostgreSQL that can be cut (every connection reset, the
/// port closed) and restored on the same port.
struct Relay {
    addr: SocketAddr,
    upstream: String,
    accept: Option<JoinHandle<()>>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut relay = Relay { addr, upstream: upstream.to_owned(), accept: None, links: Default::default() };
        relay.serve(listener);
        relay
    }

    fn serve(&mut self, listener: TcpListener) {
        let (upstream, links) = (self.upstream.clone(), self.links.clone());
        self.accept = Some(tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                links.lock().unwrap().push(link);
            }
        }));
    }

    /// The database goes away: open connections die, new ones are refused.
    fn cut(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    /// The database is back, at the same address.
    async fn restore(&mut self) {
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                // The aborted accept task may hold the port a moment longer.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        self.serve(listener);
    }
}

async fn get(t: &TestServer, path: &str) -> (u16, Value) {
    let r = t.http.get(t.url(path)).bearer_auth(&t.api_key).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The socket's next JSON frame of `kind`, however long the pool makes it wait.
async fn next_within(socket: &mut common::Socket, kind: &str, limit: Duration) -> Value {
    use futures::StreamExt;
    loop {
        let msg = tokio::time::timeout(limit, socket.ws.next()).await.expect("a frame in time").expect("open").expect("a frame");
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            let frame: Value = serde_json::from_str(t.as_str()).unwrap();
            if frame["type"] == kind {
                return frame;
            }
        }
    }
}

#[tokio::test]
async fn a_database_that_goes_away_answers_503_and_the_server_recovers_without_a_restart() {
    let relay = Arc::new(tokio::sync::Mutex::new(None::<Relay>));
    let db = linktor_store::testing::TestDb::postgres().await;
    let mut url = url::Url::parse(&db.url).unwrap();
    let upstream = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let r = Relay::start(&upstream).await;
    url.set_port(Some(r.addr.port())).unwrap();
    *relay.lock().await = Some(r);
    let relayed = url.to_string();
    let t = TestServer::start_with(Backend::Sqlite, |args| args.database_url = Some(relayed)).await;

    // Before: a visitor writes, the business answers; both acknowledged.
    let visitor = t.visitor().await;
    let mut socket = t.connect(&visitor.token).await;
    socket.resume(0).await;
    socket.send(json!({ "type": "message.send", "clientId": "before", "content": { "type": "text", "text": "stored before" } })).await;
    let ack = socket.next_of("ack").await;
    let conversation = ack["message"]["conversationId"].as_str().unwrap().to_owned();
    let (status, sent) = t.send_text(&visitor.id, "answered before").await;
    assert_eq!(status, 201, "{sent}");

    relay.lock().await.as_mut().unwrap().cut();
    // Past the API key's second of trust, so the key itself is looked up.
    tokio::time::sleep(linktor_server::access::API_KEY_TRUST + Duration::from_millis(100)).await;

    // During: every kind of request says "retry later", with the error shape.
    // (Each waits for the pool's connection timeout, so they go at once.)
    socket.send(json!({ "type": "message.send", "clientId": "during", "content": { "type": "text", "text": "typed during the outage" } })).await;
    let (listed, sent, ready, session, connected, refused) = tokio::join!(
        get(&t, "/v1/conversations"),
        t.send_text(&visitor.id, "during the outage"),
        async { t.http.get(t.url("/readyz")).send().await.unwrap().status().as_u16() },
        t.session(json!({ "channelId": t.channel })),
        t.connect_from(&visitor.token, Some(ORIGIN)),
        next_within(&mut socket, "error", Duration::from_secs(15)),
    );
    for (what, (status, body)) in [("list", listed), ("send", sent), ("a session (not refused as if the channel did not exist)", session)] {
        assert_eq!((status, body["error"]["code"].as_str()), (503, Some("unavailable")), "{what}: {body}");
    }
    assert_eq!(ready, 503);
    // A socket whose token cannot be checked against its channel is not told it is unauthorized.
    assert_eq!(connected.err(), Some(503));
    // The open socket refuses the message it could not store, and acknowledges nothing.
    assert_eq!((refused["code"].as_str(), refused["clientId"].as_str()), (Some("unavailable"), Some("during")), "{refused}");

    relay.lock().await.as_mut().unwrap().restore().await;

    // After: the same server serves again, and nothing acknowledged was lost.
    let mut ready = 0;
    for _ in 0..100 {
        ready = t.http.get(t.url("/readyz")).send().await.unwrap().status().as_u16();
        if ready == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ready, 200, "/readyz recovers on its own");
    socket.send(json!({ "type": "message.send", "clientId": "during", "content": { "type": "text", "text": "typed during the outage" } })).await;
    let resent = socket.next_of("ack").await;
    assert_eq!(resent["message"]["clientId"], "during");
    let (status, page) = get(&t, &format!("/v1/conversations/{conversation}/messages")).await;
    assert_eq!(status, 200, "{page}");
    let texts: Vec<&str> = page["data"].as_array().unwrap().iter().map(|m| m["content"]["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["stored before", "answered before", "typed during the outage"]);
    let seqs: Vec<i64> = page["data"].as_array().unwrap().iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3]);
    drop(db);
}
