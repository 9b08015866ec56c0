//! Several nodes on one PostgreSQL and one NATS: a visitor on node A gets what
//! the API posts to node B, resumes on node B after losing node A, and the
//! webhook of its message is delivered once though both nodes run the outbox.

mod common;

use common::*;
use linktor_server::config::ConfigArgs;
use reqwest::Method;
use serde_json::json;

async fn node(database_url: &str, dir: &std::path::Path) -> linktor_server::server::RunningServer {
    let nats = std::env::var("LINKTOR_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let args = ConfigArgs {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.to_owned()),
        database_url: Some(database_url.to_owned()),
        nats_url: Some(nats),
        webhook_timeout_secs: Some(2),
        ..Default::default()
    };
    linktor_server::server::start(args.resolve().unwrap()).await.unwrap()
}

#[tokio::test]
async fn nodes_share_conversations_through_nats_and_postgres() {
    // Node A is the harness's server on PostgreSQL; node B joins the same database and NATS.
    let mut a = TestServer::start_on(linktor_store::testing::Backend::Postgres).await;
    let url = a.state().config.database_url.clone();
    // Node A must use NATS as well: restart it with the bus configured.
    a.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let node_a = node(&url, dir.path()).await;
    let node_b = node(&url, dir.path()).await;
    let base_a = node_a.state.config.public_url.clone();
    let base_b = node_b.state.config.public_url.clone();
    let receiver = Receiver::start().await;
    let http = reqwest::Client::new();
    let api = |base: &str, m: Method, path: &str, body: Option<serde_json::Value>| {
        let mut r = http.request(m, format!("{base}{path}")).bearer_auth(&a.api_key);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send()
    };
    api(&base_a, Method::POST, "/v1/webhooks", Some(json!({ "url": receiver.url, "events": ["message.received"] }))).await.unwrap();

    let session: serde_json::Value = http.post(format!("{base_a}/v1/widget/sessions")).header("origin", ORIGIN)
        .json(&json!({ "channelId": a.channel })).send().await.unwrap().json().await.unwrap();
    let visitor = session["visitorId"].as_str().unwrap().to_owned();
    let token = session["token"].as_str().unwrap().to_owned();
    a.base = base_a.clone();
    let mut on_a = a.connect(&token).await;
    on_a.resume(0).await;

    // The API on node B reaches the socket on node A.
    let r = api(&base_b, Method::POST, "/v1/messages", Some(json!({ "channelId": a.channel, "to": visitor, "content": { "type": "text", "text": "from B" } }))).await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(on_a.next_of("message").await["message"]["content"]["text"], "from B");
    on_a.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "from the visitor" } })).await;
    let conversation = on_a.next_of("ack").await["message"]["conversationId"].as_str().unwrap().to_owned();

    // Resolved through node B: the widget on node A is asked for a rating,
    // rates there, and node B's API sees it; then the conversation reopens.
    let r = api(&base_b, Method::POST, &format!("/v1/conversations/{conversation}/resolve"), None).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(on_a.next_of("conversation").await["conversation"]["satisfactionRequested"], true);
    on_a.send(json!({ "type": "satisfaction.submit", "rating": 5 })).await;
    assert_eq!(on_a.next_of("conversation").await["conversation"].get("satisfactionRequested"), None);
    let activity: serde_json::Value =
        api(&base_b, Method::GET, &format!("/v1/conversations/{conversation}/activity"), None).await.unwrap().json().await.unwrap();
    assert_eq!(activity[0]["rating"], 5);
    api(&base_b, Method::POST, &format!("/v1/conversations/{conversation}/reopen"), None).await.unwrap();
    on_a.next_of("conversation").await;

    // Node A goes away; the visitor resumes on node B and misses nothing.
    drop(on_a);
    node_a.shutdown().await.unwrap();
    api(&base_b, Method::POST, "/v1/messages", Some(json!({ "channelId": a.channel, "to": visitor, "content": { "type": "text", "text": "while away" } }))).await.unwrap();
    a.base = base_b.clone();
    let mut on_b = a.connect(&token).await;
    on_b.resume(2).await;
    let m = on_b.next_of("message").await;
    assert_eq!((m["message"]["seq"].as_i64(), m["message"]["content"]["text"].as_str()), (Some(3), Some("while away")));

    let (_, hook) = receiver.wait_for("message.received").await;
    assert_eq!(hook["data"]["content"]["text"], "from the visitor");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(receiver.received.lock().await.len(), 1, "one delivery, though two nodes ran the outbox");
    node_b.shutdown().await.unwrap();
}
