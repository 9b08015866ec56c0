//! The agents' side beyond replies, against a real server: labels, saved
//! replies, private notes, assignment with its events and round-robin, the
//! visitor's satisfaction rating and the pages they view. Each with what
//! must never happen: a note reaching the visitor or a webhook, another
//! account's ids, hostile text.

mod common;

use common::*;
use linktor_core::agent::AgentRole;
use linktor_store::testing::Backend;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// Each test below runs on SQLite and on PostgreSQL, a database of its own each.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await; } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::$name(super::Backend::Postgres).await; } )* }
    };
}

on_both_databases!(
    labels_are_managed_by_admins_set_by_agents_and_filter_the_inbox,
    saved_replies_belong_to_the_account,
    a_private_note_reaches_agents_only,
    round_robin_assigns_new_conversations_and_every_change_is_logged,
    a_resolved_conversation_asks_for_a_rating_once,
    the_pages_a_visitor_views_are_kept_for_agents,
);

/// A visitor who wrote once, their socket, and their conversation's id.
async fn conversation(srv: &TestServer) -> (Visitor, Socket, String) {
    let visitor = srv.visitor().await;
    let mut widget = srv.connect(&visitor.token).await;
    widget.resume(0).await;
    widget.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "Hello" } })).await;
    let ack = widget.next_of("ack").await;
    let id = ack["message"]["conversationId"].as_str().unwrap().to_owned();
    (visitor, widget, id)
}

/// The next `conversation` frame whose labels are `labels` (earlier ones,
/// such as the conversation starting, are skipped).
async fn labels_seen(feed: &mut Socket, labels: Value) {
    loop {
        if feed.next_of("conversation").await["conversation"]["labels"] == labels {
            return;
        }
    }
}

/// The `conversation` frame of a resolution: the conversation's start,
/// announced beside its first message's ack, may come before it.
async fn resolution(widget: &mut Socket) -> Value {
    loop {
        let frame = widget.next_of("conversation").await;
        if frame["conversation"]["status"] == "resolved" {
            return frame;
        }
    }
}

/// Reads frames until a pong: fails if one of them mentions `needle`.
async fn assert_never_sees(socket: &mut Socket, needle: &str) {
    socket.send(json!({ "type": "ping" })).await;
    loop {
        let f = socket.next().await;
        assert!(!f.to_string().contains(needle), "the visitor saw {needle}: {f}");
        if f["type"] == "pong" {
            return;
        }
    }
}

async fn labels_are_managed_by_admins_set_by_agents_and_filter_the_inbox(backend: Backend) {
    let srv = TestServer::start_on(backend).await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Agent).await;
    let ana = sign_in(&srv, "ana@example.com").await;
    let mut feed = ana.socket(&srv, &srv.base).await.unwrap();
    feed.next_of("ready").await;
    let (_, mut widget, conv) = conversation(&srv).await;

    let (status, label) = srv.api(Method::POST, "/v1/labels", Some(json!({ "name": "vip", "color": "#ff0000", "description": "Big" }))).await;
    assert_eq!((status, label["name"].as_str()), (201, Some("vip")), "{label}");
    let (status, _) = srv.api(Method::POST, "/v1/labels", Some(json!({ "name": "vip" }))).await;
    assert_eq!(status, 409);
    let (status, _) = ana.call(&srv, Method::POST, "/v1/labels", Some(json!({ "name": "billing" }))).await;
    assert_eq!(status, 403, "agents use labels; admins and API keys manage them");
    for bad in [json!({ "name": "<script>" }), json!({ "name": "VIP" }), json!({ "name": "x".repeat(41) }), json!({ "name": "ok", "color": "red" }),
        json!({ "name": "ok", "description": "d".repeat(201) }), json!({ "name": "ok", "extra": 1 }), json!(["vip"])] {
        let (status, body) = srv.api(Method::POST, "/v1/labels", Some(bad.clone())).await;
        assert_eq!(status, 422, "{bad} → {body}");
    }

    let (status, c) = ana.call(&srv, Method::PUT, &format!("/v1/conversations/{conv}/labels"), Some(json!({ "labels": ["vip", "vip"] }))).await;
    assert_eq!((status, c["labels"].clone()), (200, json!(["vip"])), "{c}");
    labels_seen(&mut feed, json!(["vip"])).await;
    let (status, body) = ana.call(&srv, Method::PUT, &format!("/v1/conversations/{conv}/labels"), Some(json!({ "labels": ["nope"] }))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("validation_failed")));
    let (status, _) = ana.call(&srv, Method::PUT, &format!("/v1/conversations/{conv}/labels"), Some(json!({ "labels": ["<b>x</b>"] }))).await;
    assert_eq!(status, 422);

    let (_, list) = srv.api(Method::GET, "/v1/conversations?label=vip", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["labels"], json!(["vip"]));
    let (status, _) = srv.api(Method::GET, "/v1/conversations?label=%3Cscript%3E", None).await;
    assert_eq!(status, 422);
    let (_, got) = srv.api(Method::GET, &format!("/v1/conversations/{conv}"), None).await;
    assert_eq!(got["labels"], json!(["vip"]));
    // Labels are the agents' side: the visitor hears nothing of them.
    assert_never_sees(&mut widget, "vip").await;

    let (status, l) = srv.api(Method::PATCH, "/v1/labels/vip", Some(json!({ "color": "#00f" }))).await;
    assert_eq!((status, l["color"].as_str(), l["description"].as_str()), (200, Some("#00f"), Some("Big")));
    let (status, _) = srv.api(Method::PATCH, "/v1/labels/%3Cscript%3E", Some(json!({}))).await;
    assert_eq!(status, 404);
    let (status, _) = srv.api(Method::DELETE, "/v1/labels/vip", None).await;
    assert_eq!(status, 204);
    labels_seen(&mut feed, json!([])).await;
    let (_, got) = srv.api(Method::GET, &format!("/v1/conversations/{conv}"), None).await;
    assert_eq!(got["labels"], json!([]));
    let (status, _) = srv.api(Method::DELETE, "/v1/labels/vip", None).await;
    assert_eq!(status, 404);
}

async fn saved_replies_belong_to_the_account(backend: Backend) {
    let srv = TestServer::start_on(backend).await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Agent).await;
    let ana = sign_in(&srv, "ana@example.com").await;
    let other = srv.state().store.create_account("Other").await.unwrap();
    add_agent(&srv, &other, "eve@other.example", AgentRole::Admin).await;
    let eve = sign_in(&srv, "eve@other.example").await;

    let body = json!({ "shortcut": "thanks", "text": "Thanks {{visitor.name}}! <script>alert(1)</script>" });
    let (status, reply) = ana.call(&srv, Method::POST, "/v1/saved-replies", Some(body.clone())).await;
    assert_eq!(status, 201, "{reply}");
    assert_eq!(reply["text"], body["text"], "stored as written: the dashboard shows it as text");
    let (status, _) = ana.call(&srv, Method::POST, "/v1/saved-replies", Some(body.clone())).await;
    assert_eq!(status, 409);
    let (status, _) = eve.call(&srv, Method::POST, "/v1/saved-replies", Some(body)).await;
    assert_eq!(status, 201, "another account has its own shortcuts");
    for bad in [json!({ "shortcut": "/x", "text": "x" }), json!({ "shortcut": "x", "text": "  " }), json!({ "shortcut": "x", "text": "t".repeat(4097) }),
        json!({ "shortcut": "x" })] {
        let (status, _) = ana.call(&srv, Method::POST, "/v1/saved-replies", Some(bad.clone())).await;
        assert!(status == 422, "{bad}: {status}");
    }
    let id = reply["id"].as_str().unwrap();
    let (status, _) = eve.call(&srv, Method::PUT, &format!("/v1/saved-replies/{id}"), Some(json!({ "shortcut": "mine", "text": "x" }))).await;
    assert_eq!(status, 403, "someone else's id");
    let (status, _) = eve.call(&srv, Method::DELETE, &format!("/v1/saved-replies/{id}"), None).await;
    assert_eq!(status, 403);
    let (status, updated) = ana.call(&srv, Method::PUT, &format!("/v1/saved-replies/{id}"), Some(json!({ "shortcut": "ty", "text": "Thank you" }))).await;
    assert_eq!((status, updated["shortcut"].as_str()), (200, Some("ty")));
    let (_, list) = srv.api(Method::GET, "/v1/saved-replies", None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, _) = ana.call(&srv, Method::DELETE, &format!("/v1/saved-replies/{id}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = ana.call(&srv, Method::DELETE, "/v1/saved-replies/reply_missing", None).await;
    assert_eq!(status, 404);
    let (status, _) = ana.call(&srv, Method::DELETE, "/v1/saved-replies/msg_wrongkind", None).await;
    assert!(status == 400 || status == 404, "{status}");
}

async fn a_private_note_reaches_agents_only(backend: Backend) {
    let srv = TestServer::start_on(backend).await;
    let receiver = Receiver::start().await;
    srv.api(Method::POST, "/v1/webhooks", Some(json!({ "url": receiver.url }))).await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Agent).await;
    let ana = sign_in(&srv, "ana@example.com").await;
    let mut feed = ana.socket(&srv, &srv.base).await.unwrap();
    feed.next_of("ready").await;
    let (_, mut widget, conv) = conversation(&srv).await;
    receiver.wait_for("message.received").await;

    let secret = "Refund approved <img src=x onerror=alert(1)>";
    let (status, note) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conv}/notes"), Some(json!({ "text": secret }))).await;
    assert_eq!((status, note["kind"].as_str(), note["text"].as_str()), (201, Some("note"), Some(secret)), "{note}");
    assert_eq!(note["agentId"], ana.agent["id"]);
    let live = feed.next_of("activity").await;
    assert_eq!(live["activity"]["id"], note["id"]);
    let (status, by_api) = srv.api(Method::POST, &format!("/v1/conversations/{conv}/notes"), Some(json!({ "text": "from the CRM" }))).await;
    assert_eq!((status, by_api.get("agentId")), (201, None));

    assert_never_sees(&mut widget, "Refund approved").await;
    let (_, messages) = srv.api(Method::GET, &format!("/v1/conversations/{conv}/messages"), None).await;
    assert!(!messages.to_string().contains("Refund approved"));
    let (_, activity) = srv.api(Method::GET, &format!("/v1/conversations/{conv}/activity"), None).await;
    assert_eq!(activity.as_array().unwrap().iter().map(|a| a["text"].as_str().unwrap()).collect::<Vec<_>>(), [secret, "from the CRM"]);
    // A later message's webhook goes out; no webhook ever carried the note.
    srv.send_text(&srv_visitor_of(&srv, &conv).await, "after the note").await;
    receiver.wait_for("message.sent").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    for (_, body) in receiver.received.lock().await.iter() {
        assert!(!body.contains("Refund approved") && !body.contains("from the CRM"), "a webhook carried a note: {body}");
    }

    for bad in [json!({ "text": "" }), json!({ "text": " \n" }), json!({ "text": "n".repeat(4097) }), json!({ "text": 5 }), json!({ "note": "x" })] {
        let (status, _) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conv}/notes"), Some(bad.clone())).await;
        assert_eq!(status, 422, "{bad}");
    }
    let other = srv.state().store.create_account("Other").await.unwrap();
    add_agent(&srv, &other, "eve@other.example", AgentRole::Admin).await;
    let eve = sign_in(&srv, "eve@other.example").await;
    let (status, _) = eve.call(&srv, Method::POST, &format!("/v1/conversations/{conv}/notes"), Some(json!({ "text": "x" }))).await;
    assert_eq!(status, 403, "someone else's conversation");
    let (status, _) = eve.call(&srv, Method::GET, &format!("/v1/conversations/{conv}/activity"), None).await;
    assert_eq!(status, 403);
}

async fn srv_visitor_of(srv: &TestServer, conv: &str) -> String {
    let (_, c) = srv.api(Method::GET, &format!("/v1/conversations/{conv}"), None).await;
    c["visitorId"].as_str().unwrap().to_owned()
}

async fn round_robin_assigns_new_conversations_and_every_change_is_logged(backend: Backend) {
    let srv = TestServer::start_on(backend).await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Admin).await;
    add_agent(&srv, &srv.account, "bo@example.com", AgentRole::Agent).await;
    let ana = sign_in(&srv, "ana@example.com").await;
    let bo = sign_in(&srv, "bo@example.com").await;
    let mut ana_feed = ana.socket(&srv, &srv.base).await.unwrap();
    ana_feed.next_of("ready").await;
    let (status, _) = bo.call(&srv, Method::PUT, "/v1/agents/me/availability", Some(json!({ "availability": "away" }))).await;
    assert_eq!(status, 200);

    let settings = json!({ "settings": { "inbox": { "assignment": { "mode": "roundRobin", "maxOpenPerAgent": 1 } } } });
    let (status, ch) = srv.api(Method::PATCH, &format!("/v1/channels/{}", srv.channel), Some(settings)).await;
    assert_eq!(status, 200, "{ch}");
    let (status, _) = srv.api(Method::PATCH, &format!("/v1/channels/{}", srv.channel),
        Some(json!({ "settings": { "inbox": { "assignment": { "mode": "roundRobin", "maxOpenPerAgent": 0 } } } }))).await;
    assert_eq!(status, 422);

    // Ana is online with her dashboard open; Bo is away: Ana gets it.
    let (_, _, conv) = conversation(&srv).await;
    let (_, c) = srv.api(Method::GET, &format!("/v1/conversations/{conv}"), None).await;
    assert_eq!(c["assigneeId"], ana.agent["id"]);
    let event = ana_feed.next_of("activity").await["activity"].clone();
    assert_eq!((event["kind"].as_str(), event["assigneeId"].clone(), event.get("agentId")), (Some("assigned"), ana.agent["id"].clone(), None));
    // Ana is at her limit of one: the next conversation waits unassigned.
    let (_, _, second) = conversation(&srv).await;
    let (_, c2) = srv.api(Method::GET, &format!("/v1/conversations/{second}"), None).await;
    assert_eq!(c2.get("assigneeId"), None);

    // Ana hands it to Bo, then unassigns it: both are logged, with who did it.
    let (status, _) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conv}/assign"), Some(json!({ "agentId": bo.agent["id"] }))).await;
    assert_eq!(status, 200);
    let (status, _) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conv}/assign"), Some(json!({ "agentId": null }))).await;
    assert_eq!(status, 200);
    let (_, activity) = srv.api(Method::GET, &format!("/v1/conversations/{conv}/activity"), None).await;
    let kinds: Vec<_> = activity.as_array().unwrap().iter().map(|a| (a["kind"].as_str().unwrap(), a.get("agentId").cloned())).collect();
    assert_eq!(kinds, [("assigned", None), ("assigned", Some(ana.agent["id"].clone())), ("unassigned", Some(ana.agent["id"].clone()))]);
    assert_eq!(activity[1]["previousAssigneeId"], ana.agent["id"]);
    assert_eq!(activity[1]["agentName"], "Ana Agent");
}

async fn a_resolved_conversation_asks_for_a_rating_once(backend: Backend) {
    let srv = TestServer::start_on(backend).await;
    let receiver = Receiver::start().await;
    srv.api(Method::POST, "/v1/webhooks", Some(json!({ "url": receiver.url, "events": ["webchat.csat.submitted"] }))).await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Agent).await;
    let ana = sign_in(&srv, "ana@example.com").await;
    let mut feed = ana.socket(&srv, &srv.base).await.unwrap();
    feed.next_of("ready").await;
    let (visitor, mut widget, conv) = conversation(&srv).await;

    widget.send(json!({ "type": "satisfaction.submit", "rating": 5 })).await;
    assert_eq!(widget.next_of("error").await["code"], "conflict", "an open conversation is not rated");

    let (status, _) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conv}/resolve"), None).await;
    assert_eq!(status, 200);
    let frame = resolution(&mut widget).await;
    assert_eq!(frame["conversation"]["satisfactionRequested"].as_bool(), Some(true));
    // A reload sees the same question.
    let (_, session) = srv.session(json!({ "channelId": srv.channel, "token": visitor.token })).await;
    assert_eq!(session["conversation"]["satisfactionRequested"], true);

    for bad in [json!({ "type": "satisfaction.submit", "rating": 0 }), json!({ "type": "satisfaction.submit", "rating": 6 }),
        json!({ "type": "satisfaction.submit", "rating": 300 }), json!({ "type": "satisfaction.submit", "rating": "5" }),
        json!({ "type": "satisfaction.submit", "rating": 3, "comment": "c".repeat(1025) })] {
        widget.send(bad.clone()).await;
        let e = widget.next_of("error").await;
        assert!(matches!(e["code"].as_str(), Some("validation_failed" | "invalid_frame")), "{bad} → {e}");
    }
    widget.send(json!({ "type": "satisfaction.submit", "rating": 4, "comment": "<script>alert(1)</script> quick" })).await;
    let after = widget.next_of("conversation").await;
    assert_eq!(after["conversation"].get("satisfactionRequested"), None, "asked once");
    let (_, hook) = receiver.wait_for("webchat.csat.submitted").await;
    assert_eq!((hook["data"]["rating"].as_i64(), hook["data"]["comment"].as_str()), (Some(4), Some("<script>alert(1)</script> quick")));
    assert_eq!(hook["data"]["conversationId"].as_str(), Some(conv.as_str()));
    let seen = feed.next_of("activity").await["activity"].clone();
    assert_eq!((seen["kind"].as_str(), seen["rating"].as_i64()), (Some("satisfaction"), Some(4)));

    widget.send(json!({ "type": "satisfaction.submit", "rating": 1 })).await;
    assert_eq!(widget.next_of("error").await["code"], "conflict", "a resolution is rated once");
    let (_, session) = srv.session(json!({ "channelId": srv.channel, "token": visitor.token })).await;
    assert_eq!(session["conversation"].get("satisfactionRequested"), None);
    let (_, analytics) = ana.call(&srv, Method::GET, "/v1/analytics", None).await;
    assert_eq!((analytics["totals"]["ratings"].as_i64(), analytics["totals"]["satisfaction"].as_f64()), (Some(1), Some(4.0)), "{analytics}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received.lock().await.len(), 1, "one webhook");

    // A channel that does not ask: resolving asks nothing.
    srv.api(Method::PATCH, &format!("/v1/channels/{}", srv.channel), Some(json!({ "settings": { "inbox": { "satisfactionSurvey": false } } }))).await;
    let (_, mut other_widget, other) = conversation(&srv).await;
    srv.api(Method::POST, &format!("/v1/conversations/{other}/resolve"), None).await;
    let resolved = resolution(&mut other_widget).await;
    assert_eq!(resolved["conversation"].get("satisfactionRequested"), None);
}

async fn the_pages_a_visitor_views_are_kept_for_agents(backend: Backend) {
    let srv = TestServer::start_on(backend).await;
    let (status, session) = srv
        .session(json!({ "channelId": srv.channel, "page": "https://shop.example.com/pricing", "timezone": "Europe/Lisbon" }))
        .await;
    assert_eq!(status, 201, "{session}");
    let visitor = session["visitorId"].as_str().unwrap();
    let mut widget = srv.connect(session["token"].as_str().unwrap()).await;
    widget.resume(0).await;
    widget.send(json!({ "type": "page", "url": "https://shop.example.com/checkout#step-2", "title": "Checkout" })).await;
    for bad in [json!({ "type": "page", "url": "javascript:alert(1)" }), json!({ "type": "page", "url": format!("https://x.example/{}", "a".repeat(3000)) }),
        json!({ "type": "page", "url": "https://x.example/", "title": "t".repeat(600) })] {
        widget.send(bad.clone()).await;
        assert_eq!(widget.next_of("error").await["code"], "validation_failed", "{bad}");
    }
    let (status, pages) = srv.api(Method::GET, &format!("/v1/visitors/{visitor}/pages"), None).await;
    assert_eq!(status, 200);
    let urls: Vec<_> = pages.as_array().unwrap().iter().map(|p| p["url"].as_str().unwrap()).collect();
    assert_eq!(urls, ["https://shop.example.com/pricing", "https://shop.example.com/checkout#step-2"]);
    assert_eq!(pages[1]["title"], "Checkout");
    let (_, v) = srv.api(Method::GET, &format!("/v1/visitors/{visitor}"), None).await;
    assert_eq!(v["context"]["timezone"], "Europe/Lisbon");

    let (status, _) = srv.session(json!({ "channelId": srv.channel, "timezone": "Europe/Lisbon; DROP TABLE" })).await;
    assert_eq!(status, 422);
    let other = srv.state().store.create_account("Other").await.unwrap();
    add_agent(&srv, &other, "eve@other.example", AgentRole::Admin).await;
    let eve = sign_in(&srv, "eve@other.example").await;
    let (status, _) = eve.call(&srv, Method::GET, &format!("/v1/visitors/{visitor}/pages"), None).await;
    assert_eq!(status, 403);
}
