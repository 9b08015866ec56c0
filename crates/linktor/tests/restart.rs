//! The real `linktor` binary: admin commands print one JSON object, and a
//! webhook queued before the server is killed is delivered once after it
//! comes back (the outbox is durable).

use serde_json::{json, Value};
use std::{
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

const BIN: &str = env!("CARGO_BIN_EXE_linktor");

fn cli(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::new(BIN).args(args).env("LINKTOR_DATA_DIR", dir).env("LINKTOR_LOG", "warn").output().unwrap();
    assert!(out.status.success(), "linktor {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.trim().lines().count(), 1, "one JSON object on stdout: {stdout}");
    serde_json::from_str(stdout.trim()).unwrap()
}

fn serve(dir: &std::path::Path, port: u16) -> Child {
    Command::new(BIN)
        .arg("serve")
        .env("LINKTOR_DATA_DIR", dir)
        .env("LINKTOR_LISTEN", format!("127.0.0.1:{port}"))
        .env("LINKTOR_LOG", "warn")
        // A kill may land while the first attempt holds its lease
        // (2 × timeout + 5 s): a short timeout keeps that wait inside the test's.
        .env("LINKTOR_WEBHOOK_TIMEOUT", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_ready(base: &str) {
    for _ in 0..200 {
        if reqwest::get(format!("{base}/readyz")).await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not become ready");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn a_webhook_survives_a_kill_between_send_and_delivery() {
    let dir = tempfile::tempdir().unwrap();
    // A receiver that is down at first (connection refused), then records deliveries.
    let hook_port = free_port();
    let channel = cli(dir.path(), &["channel", "create", "--name", "Shop", "--allowed-domains", "shop.example.com", "--language", "en"]);
    assert!(channel["id"].as_str().unwrap().starts_with("ch_"));
    assert_eq!(channel["allowedDomains"], json!(["shop.example.com"]));
    let key = cli(dir.path(), &["api-key", "create", "--name", "backend"]);
    let key = key["key"].as_str().unwrap().to_owned();
    let hook = cli(dir.path(), &["webhook", "create", "--url", &format!("http://127.0.0.1:{hook_port}/hook"), "--events", "message.received"]);
    assert!(hook["secret"].as_str().unwrap().starts_with("whsec_"));
    let admin = cli(dir.path(), &["admin", "create", "--email", "ops@example.com", "--password", "long enough password"]);
    assert_eq!(admin["role"], "admin");
    let bad = Command::new(BIN).args(["channel", "create", "--name", "x", "--allowed-domains", "not a domain"]).env("LINKTOR_DATA_DIR", dir.path()).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("allowedDomains"));

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(dir.path(), port);
    wait_ready(&base).await;
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{base}/v1/widget/sessions"))
        .header("origin", "https://shop.example.com")
        .json(&json!({ "channelId": channel["id"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The visitor's message is stored (acknowledged) while the receiver is down.
    let url = format!("ws://127.0.0.1:{port}/v1/ws?token={}", session["token"].as_str().unwrap());
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
    req.headers_mut().insert("origin", "https://shop.example.com".parse().unwrap());
    let req2 = req.clone();
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    use futures::{SinkExt, StreamExt};
    ws.send(tokio_tungstenite::tungstenite::Message::text(json!({ "type": "resume", "lastSeq": 0 }).to_string())).await.unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "survive this" } }).to_string(),
    ))
    .await
    .unwrap();
    loop {
        let frame = ws.next().await.unwrap().unwrap();
        if frame.to_text().unwrap_or("").contains("\"ack\"") {
            break;
        }
    }
    // Kill -9: no graceful shutdown, the delivery is still pending.
    server.kill().unwrap();
    server.wait().unwrap();

    let received = Arc::new(Mutex::new(Vec::<String>::new()));
    let r = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let r = r.clone();
            async move {
                r.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", hook_port)).await.unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut server = serve(dir.path(), port);
    wait_ready(&base).await;
    // The first retry after a refused connection comes within a few seconds,
    // or after the 7 s lease if the kill cut the first attempt short.
    for _ in 0..400 {
        if !received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "delivered exactly once: {got:?}");
    let body: Value = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(body["event"], "message.received");
    assert_eq!(body["data"]["content"]["text"], "survive this");
    // And the REST API still answers with the key made by the CLI.
    let r = http.get(format!("{base}/v1/conversations")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // The CLI writes to the same database while the server runs and writes
    // too (a visitor keeps sending), and the server sees what it wrote at once.
    drop(ws); // its server was killed
    let (mut ws, _) = tokio_tungstenite::connect_async(req2).await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let writer = tokio::spawn(async move {
        let mut rx = rx;
        let mut acks = 0;
        for i in 0.. {
            let f = json!({ "type": "message.send", "clientId": format!("busy{i}"), "content": { "type": "text", "text": "busy" } });
            ws.send(tokio_tungstenite::tungstenite::Message::text(f.to_string())).await.unwrap();
            // Within the socket's rate limit (20 a second).
            let pause = tokio::time::sleep(Duration::from_millis(60));
            tokio::pin!(pause);
            loop {
                tokio::select! {
                    _ = &mut pause => break,
                    frame = ws.next() => if frame.unwrap().unwrap().to_text().unwrap_or("").contains("\"ack\"") { acks += 1 },
                }
            }
            if rx.try_recv().is_ok() {
                break;
            }
        }
        acks
    });
    let dir_path = dir.path().to_owned();
    let (second, new_key) = tokio::task::spawn_blocking(move || {
        let second = cli(&dir_path, &["channel", "create", "--name", "Blog", "--allowed-domains", "blog.example.com"]);
        let new_key = cli(&dir_path, &["api-key", "create", "--name", "second"]);
        (second, new_key)
    })
    .await
    .unwrap();
    let _ = tx.send(());
    assert!(writer.await.unwrap() > 0, "the visitor's messages were stored meanwhile");
    let r = http.get(format!("{base}/v1/channels/{}", second["id"].as_str().unwrap())).bearer_auth(new_key["key"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(r.status(), 200);
    server.kill().unwrap();
    let _ = server.wait();
}
