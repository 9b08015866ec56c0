//! The visitor's path end to end over real HTTP and WebSocket: sessions,
//! messages both ways, resume, typing, receipts, buttons, forms, webhooks.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn a_visitor_message_reaches_the_webhook_signed_and_in_the_spec_shape() {
    let t = TestServer::start().await;
    let receiver = Receiver::start().await;
    let (status, hook) = t.api(Method::POST, "/v1/webhooks", Some(json!({ "url": receiver.url }))).await;
    assert_eq!(status, 201, "{hook}");
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    s.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "Do you offer enterprise pricing?" } })).await;
    let ack = s.next_of("ack").await;
    assert_eq!(ack["message"]["seq"], 1);

    let (_, started) = receiver.wait_for("webchat.conversation.started").await;
    let conv = ack["message"]["conversationId"].as_str().unwrap();
    assert_eq!(started["data"]["conversationId"], conv);
    assert_eq!(started["data"]["channelId"], t.channel.as_str());
    assert_eq!(started["data"]["visitor"]["id"], v.id.as_str());
    assert_eq!(started["data"]["visitor"]["name"], "John Doe");
    assert_eq!(started["data"]["visitor"]["email"], "john@example.com");
    assert_eq!(started["data"]["visitor"]["metadata"]["page"], "/pricing");
    assert_eq!(started["data"]["visitor"]["metadata"]["referrer"], "https://google.com");
    assert!(started["data"]["visitor"]["metadata"]["userAgent"].is_string());

    let (headers, received) = receiver.wait_for("message.received").await;
    let d = &received["data"];
    assert_eq!(d["id"], ack["message"]["id"]);
    assert_eq!((d["channelType"].as_str(), d["direction"].as_str(), d["from"].as_str()), (Some("webchat"), Some("inbound"), Some(v.id.as_str())));
    assert_eq!(d["content"], json!({ "type": "text", "text": "Do you offer enterprise pricing?" }));
    assert_eq!(d["metadata"], json!({ "conversationId": conv, "page": "/pricing" }));
    assert!(d["timestamp"].as_str().unwrap().ends_with('Z'));

    // The signature verifies over the exact body; a tampered body does not.
    let sig = headers.get("linktor-signature").unwrap().to_str().unwrap();
    let body = receiver.received.lock().await.iter().find(|(_, b)| b.contains("message.received")).unwrap().1.clone();
    let now = chrono::Utc::now().timestamp();
    assert!(linktor_core::webhook::verify(&secret, sig, body.as_bytes(), now, 300));
    assert!(!linktor_core::webhook::verify(&secret, sig, body.replace("enterprise", "free").as_bytes(), now, 300));

    // The attempt is logged and readable through the API.
    let (_, deliveries) = t.api(Method::GET, &format!("/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap()), None).await;
    let delivered = deliveries.as_array().unwrap().iter().find(|d| d["event"] == "message.received").unwrap();
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(delivered["attemptLog"][0]["statusCode"], 200);
}

#[tokio::test]
async fn api_messages_of_every_type_reach_the_visitor_socket() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    let bodies = [
        json!({ "type": "text", "text": "Thanks for your patience! Here is the information you requested." }),
        json!({ "type": "interactive", "interactive": { "type": "buttons", "body": { "text": "How would you rate your experience?" },
            "buttons": [ { "id": "rating_great", "label": "Great!" }, { "id": "rating_good", "label": "Good" }, { "id": "rating_poor", "label": "Could be better" } ] } }),
        json!({ "type": "card", "card": { "title": "iPhone 15 Pro", "subtitle": "$999 - Free shipping", "imageUrl": "https://example.com/iphone.jpg",
            "buttons": [ { "id": "view", "label": "View Details", "url": "https://example.com/products/iphone-15" }, { "id": "buy", "label": "Add to Cart" } ] } }),
        json!({ "type": "image", "image": { "url": "https://example.com/a.png", "caption": "A picture" } }),
        json!({ "type": "file", "file": { "url": "https://example.com/terms.pdf", "name": "terms.pdf", "size": 1234, "mimeType": "application/pdf" } }),
    ];
    for (i, content) in bodies.iter().enumerate() {
        let (status, sent) = t.api(Method::POST, "/v1/messages", Some(json!({ "channelId": t.channel, "to": v.id, "content": content }))).await;
        assert_eq!(status, 201, "{sent}");
        let got = s.next_of("message").await;
        assert_eq!(got["message"]["content"], *content);
        assert_eq!(got["message"]["seq"], i as i64 + 1);
        assert_eq!(got["message"]["direction"], "outbound");
        assert_eq!(got["message"]["sender"]["type"], "api");
    }
}

#[tokio::test]
async fn reconnect_and_resume_loses_nothing_and_repeats_nothing() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    t.send_text(&v.id, "one").await;
    assert_eq!(s.next_of("message").await["message"]["seq"], 1);
    drop(s);
    // While the visitor is away.
    for text in ["two", "three", "four"] {
        t.send_text(&v.id, text).await;
    }
    let mut s = t.connect(&v.token).await;
    let ready = s.resume(1).await;
    assert_eq!(ready["lastSeq"], 4);
    let mut seqs = Vec::new();
    for _ in 0..3 {
        seqs.push(s.next_of("message").await["message"]["seq"].as_i64().unwrap());
    }
    assert_eq!(seqs, vec![2, 3, 4]);
    // Live messages continue after the catch-up, and nothing is sent twice.
    t.send_text(&v.id, "five").await;
    assert_eq!(s.next_of("message").await["message"]["seq"], 5);
    s.send(json!({ "type": "ping" })).await;
    assert_eq!(s.next().await["type"], "pong");

    // The session endpoint gives the same history back to the returning visitor.
    let (status, again) = t.session(json!({ "channelId": t.channel, "token": v.token })).await;
    assert_eq!(status, 201);
    assert_eq!(again["visitorId"], v.id.as_str());
    assert_eq!(again["messages"].as_array().unwrap().len(), 5);
    assert_eq!(again["conversation"]["lastSeq"], 5);
}

#[tokio::test]
async fn a_resent_client_id_is_not_a_duplicate_and_other_tabs_see_messages() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut tab1 = t.connect(&v.token).await;
    let mut tab2 = t.connect(&v.token).await;
    tab1.resume(0).await;
    tab2.resume(0).await;
    let send = json!({ "type": "message.send", "clientId": "c-1", "content": { "type": "text", "text": "<script>alert(1)</script>" } });
    tab1.send(send.clone()).await;
    let first = tab1.next_of("ack").await;
    tab1.send(send).await;
    let second = tab1.next_of("ack").await;
    assert_eq!(first["message"]["id"], second["message"]["id"]);
    assert_eq!(first["message"]["content"]["text"], "<script>alert(1)</script>");
    let other = tab2.next_of("message").await;
    assert_eq!(other["message"]["id"], first["message"]["id"]);
    // The sending tab has the message in its ack, not a second time as `message`.
    tab1.assert_no_echo().await;
    let conv = first["message"]["conversationId"].as_str().unwrap();
    let (_, msgs) = t.api(Method::GET, &format!("/v1/conversations/{conv}/messages"), None).await;
    assert_eq!(msgs["data"].as_array().unwrap().len(), 1);
    assert_eq!(msgs["data"][0]["content"]["text"], "<script>alert(1)</script>");
}

#[tokio::test]
async fn typing_and_read_receipts_go_both_ways() {
    let t = TestServer::start().await;
    let receiver = Receiver::start().await;
    t.api(Method::POST, "/v1/webhooks", Some(json!({ "url": receiver.url }))).await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    s.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "hi" } })).await;
    let conv = s.next_of("ack").await["message"]["conversationId"].as_str().unwrap().to_owned();
    let (status, _) = t.api(Method::POST, "/v1/webchat/typing/start", Some(json!({ "channelId": t.channel, "conversationId": conv }))).await;
    assert_eq!(status, 204);
    let typing = s.next_of("typing").await;
    assert_eq!((typing["state"].as_str(), typing["sender"]["type"].as_str()), (Some("start"), Some("api")));
    t.api(Method::POST, "/v1/webchat/typing/stop", Some(json!({ "channelId": t.channel, "conversationId": conv }))).await;
    assert_eq!(s.next_of("typing").await["state"], "stop");

    // The visitor's typing reaches the account's agents through the bus.
    let mut agents = t.state().bus.subscribe(&linktor_server::bus::Topic::Account(t.account.clone())).await;
    s.send(json!({ "type": "typing", "state": "start" })).await;
    loop {
        if let linktor_server::bus::BusEvent::Typing { state, .. } = &*agents.recv().await.unwrap() {
            assert_eq!(*state, linktor_core::TypingState::Start);
            break;
        }
    }

    // Visitor reads the agent's message: stored, announced, webhook sent.
    let (_, sent) = t.send_text(&v.id, "answer").await;
    let seq = s.next_of("message").await["message"]["seq"].as_i64().unwrap();
    s.send(json!({ "type": "read", "seq": seq })).await;
    let (_, read) = receiver.wait_for("message.read").await;
    assert_eq!(read["data"]["id"], sent["id"]);
    let (_, delivered) = receiver.wait_for("message.delivered").await;
    assert_eq!(delivered["data"]["id"], sent["id"]);

    // The business side reads the visitor's message: the widget is told.
    let (status, _) = t.api(Method::POST, &format!("/v1/conversations/{conv}/read"), Some(json!({ "seq": 1 }))).await;
    assert_eq!(status, 204);
    let r = s.next_of("read").await;
    assert_eq!((r["seq"].as_i64(), r["reader"].as_str()), (Some(1), Some("agent")));
}

#[tokio::test]
async fn buttons_answer_the_server_and_fire_the_webhook() {
    let t = TestServer::start().await;
    let receiver = Receiver::start().await;
    t.api(Method::POST, "/v1/webhooks", Some(json!({ "url": receiver.url, "events": ["webchat.button.clicked"] }))).await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    let (_, msg) = t.api(Method::POST, "/v1/messages", Some(json!({ "channelId": t.channel, "to": v.id, "content": { "type": "interactive",
        "interactive": { "type": "buttons", "body": { "text": "Rate us" }, "buttons": [ { "id": "rating_great", "label": "Great!" } ] } } }))).await;
    let msg_id = msg["id"].as_str().unwrap();
    s.send(json!({ "type": "button.click", "messageId": msg_id, "buttonId": "nope", "clientId": "b0" })).await;
    let err = s.next_of("error").await;
    assert_eq!((err["code"].as_str(), err["clientId"].as_str()), (Some("validation_failed"), Some("b0")));
    s.send(json!({ "type": "button.click", "messageId": msg_id, "buttonId": "rating_great", "clientId": "b1" })).await;
    let ack = s.next_of("ack").await;
    assert_eq!(ack["message"]["content"], json!({ "type": "text", "text": "Great!" }));
    assert_eq!(ack["message"]["replyTo"], msg_id);
    let (_, clicked) = receiver.wait_for("webchat.button.clicked").await;
    assert_eq!(clicked["data"]["messageId"], msg_id);
    assert_eq!(clicked["data"]["buttonId"], "rating_great");
    assert_eq!(clicked["data"]["visitor"], v.id.as_str());
    assert_eq!(clicked["data"]["conversationId"], msg["conversationId"]);
    assert_eq!(clicked["data"].as_object().unwrap().len(), 5, "exactly the spec's fields: {clicked}");
}

#[tokio::test]
async fn forms_are_validated_and_offline_forms_become_conversations() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    s.send(json!({ "type": "form.submit", "form": "offline", "clientId": "f1", "fields": { "email": "not-an-email", "message": "hi" } })).await;
    let err = s.next_of("error").await;
    assert!(err["message"].as_str().unwrap().contains("fields.email"), "{err}");
    s.send(json!({ "type": "form.submit", "form": "offline", "clientId": "f2", "fields": { "bad name!": "x" } })).await;
    assert_eq!(s.next_of("error").await["code"], "validation_failed");
    s.send(json!({ "type": "form.submit", "form": "offline", "clientId": "f3", "fields": { "email": "jane@example.com", "message": "Call me back" } })).await;
    let ack = s.next_of("ack").await;
    assert_eq!(ack["message"]["content"]["text"], "Email: jane@example.com\nMessage: Call me back");
    let conv = ack["message"]["conversationId"].as_str().unwrap();
    let (_, c) = t.api(Method::GET, &format!("/v1/conversations/{conv}"), None).await;
    assert_eq!(c["preChat"]["email"], "jane@example.com");
    let (_, visitor) = t.api(Method::GET, &format!("/v1/visitors/{}", v.id), None).await;
    assert_eq!(visitor["user"]["email"], "jane@example.com");
}

#[tokio::test]
async fn availability_and_settings_reach_open_widgets() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    assert_eq!(s.resume(0).await["agentsOnline"], false);
    let (status, _) = t.api(Method::PATCH, &format!("/v1/channels/{}", t.channel), Some(json!({ "settings": { "appearance": { "primaryColor": "#112233" } } }))).await;
    assert_eq!(status, 200);
    let cfg = s.next_of("config").await;
    assert_eq!(cfg["config"]["appearance"]["primaryColor"], "#112233");
}

#[tokio::test]
async fn writing_after_resolution_reopens_the_same_conversation() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    s.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "first" } })).await;
    let conv = s.next_of("ack").await["message"]["conversationId"].as_str().unwrap().to_owned();
    let (status, resolved) = t.api(Method::POST, &format!("/v1/conversations/{conv}/resolve"), None).await;
    assert_eq!((status, resolved["status"].as_str()), (200, Some("resolved")));
    // The first conversation frame announced its start; then comes the resolution.
    while s.next_of("conversation").await["conversation"]["status"] != "resolved" {}
    s.send(json!({ "type": "message.send", "clientId": "c2", "content": { "type": "text", "text": "one more thing" } })).await;
    let ack = s.next_of("ack").await;
    assert_eq!((ack["message"]["conversationId"].as_str(), ack["message"]["seq"].as_i64()), (Some(conv.as_str()), Some(2)));
    let (_, c) = t.api(Method::GET, &format!("/v1/conversations/{conv}"), None).await;
    assert_eq!(c["status"], "open");
}

#[tokio::test]
async fn an_api_send_retried_with_its_idempotency_key_reaches_the_visitor_once() {
    let srv = TestServer::start().await;
    let visitor = srv.visitor().await;
    let mut socket = srv.connect(&visitor.token).await;
    socket.resume(0).await;
    let body = json!({ "channelId": srv.channel, "to": visitor.id, "content": { "type": "text", "text": "Your order shipped" } });
    let send = |key: &'static str| srv.http.post(srv.url("/v1/messages")).bearer_auth(&srv.api_key).header("idempotency-key", key).json(&body).send();
    let first = send("order-42-shipped").await.unwrap();
    assert_eq!(first.status().as_u16(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let retry = send("order-42-shipped").await.unwrap();
    assert_eq!(retry.status().as_u16(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["id"], first["id"]);
    let other = send("order-43-shipped").await.unwrap().json::<Value>().await.unwrap();
    assert_ne!(other["id"], first["id"]);
    assert_eq!(socket.next_of("message").await["message"]["id"], first["id"]);
    assert_eq!(socket.next_of("message").await["message"]["id"], other["id"], "the retry was not delivered again");
    let bad = send("no spaces allowed").await.unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    assert!(bad.text().await.unwrap().contains("Idempotency-Key"));
}

#[tokio::test]
async fn a_graceful_stop_delivers_the_webhooks_of_what_it_stored() {
    let mut t = TestServer::start().await;
    let receiver = Receiver::start().await;
    t.api(Method::POST, "/v1/webhooks", Some(json!({ "url": receiver.url, "events": ["message.received"] }))).await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    // A slow receiver: while it takes the first delivery, the others wait in the node.
    receiver.delay_ms.store(300, std::sync::atomic::Ordering::SeqCst);
    for i in 0..20 {
        s.send(json!({ "type": "message.send", "clientId": format!("c{i}"), "content": { "type": "text", "text": format!("m{i}") } })).await;
        s.next_of("ack").await;
    }
    // Stopped right after the last ack: the node still holds most of those
    // deliveries, and delivers them before it exits rather than leaving them
    // leased until a restart.
    t.stop().await;
    let received = receiver.received.lock().await;
    let mut texts: Vec<String> = received
        .iter()
        .map(|(_, b)| serde_json::from_str::<Value>(b).unwrap()["data"]["content"]["text"].as_str().unwrap().to_owned())
        .collect();
    texts.sort_by_key(|t| t[1..].parse::<u32>().unwrap());
    assert_eq!(texts, (0..20).map(|i| format!("m{i}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_burst_of_messages_is_acknowledged_in_order_and_stored_in_order() {
    // The widget sends what it queued offline at once; the socket keeps them
    // in flight together. Acks come in the order sent, seqs follow that
    // order, a resend inside the burst is the first one's message, and a
    // refused frame in the middle loses none of the others.
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut tab = t.connect(&v.token).await;
    tab.resume(0).await;
    // The conversation exists first, so the whole burst can be in flight.
    tab.send(json!({ "type": "message.send", "clientId": "b-0", "content": { "type": "text", "text": "first" } })).await;
    let first = tab.next_of("ack").await;
    let batches = || async {
        let text = reqwest::get(t.url("/metrics")).await.unwrap().text().await.unwrap();
        let line = text.lines().find(|l| l.starts_with("linktor_message_store_batch_seconds_count")).unwrap().to_owned();
        line.rsplit(' ').next().unwrap().parse::<u64>().unwrap()
    };
    let batches_before = batches().await;
    let mut frames = Vec::new();
    for i in 1..=20 {
        frames.push(json!({ "type": "message.send", "clientId": format!("b-{i}"), "content": { "type": "text", "text": format!("m{i}") } }));
        if i == 10 {
            frames.push(json!({ "type": "message.send", "clientId": "b-5", "content": { "type": "text", "text": "resent" } }));
            frames.push(json!({ "type": "message.send", "clientId": "b-bad", "content": { "type": "text", "text": "" } }));
        }
    }
    // The writer waits behind this transaction while the burst comes in: a
    // socket that read one message at a time would have one queued, not 20.
    let hold = t.state().store.pool().begin_write().await.unwrap();
    for f in &frames {
        futures::SinkExt::feed(&mut tab.ws, tokio_tungstenite::tungstenite::Message::text(f.to_string())).await.unwrap();
    }
    futures::SinkExt::flush(&mut tab.ws).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(hold);
    let mut answers = Vec::new();
    while answers.len() < frames.len() {
        let f = tab.next().await;
        match f["type"].as_str() {
            Some("ack") | Some("error") => answers.push(f),
            Some("__close") => panic!("socket closed: {f}"),
            _ => {}
        }
    }
    let ids: Vec<&str> = answers.iter().map(|a| a["clientId"].as_str().unwrap_or_default()).collect();
    let sent: Vec<&str> = frames.iter().map(|f| f["clientId"].as_str().unwrap()).collect();
    assert_eq!(ids, sent, "one answer per frame, in the order sent");
    let stored_in = batches().await - batches_before;
    assert!(stored_in <= 3, "20 messages sent at once are stored together, not one commit each: {stored_in} batches");
    let bad = answers.iter().find(|a| a["clientId"] == "b-bad").unwrap();
    assert_eq!(bad["type"], "error", "an empty text is refused: {bad}");
    let acks: Vec<&serde_json::Value> = answers.iter().filter(|a| a["type"] == "ack").collect();
    let resent = acks.iter().filter(|a| a["clientId"] == "b-5").map(|a| a["message"]["id"].clone()).collect::<Vec<_>>();
    assert_eq!(resent.len(), 2);
    assert_eq!(resent[0], resent[1], "a resend is the first one's message");
    let mut seen = std::collections::HashSet::new();
    let seqs: Vec<i64> = acks.iter().filter(|a| seen.insert(a["clientId"].to_string())).map(|a| a["message"]["seq"].as_i64().unwrap()).collect();
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(seqs, sorted, "seqs follow the order sent, each once");
    assert_eq!(seqs.first(), Some(&2));
    assert_eq!(seqs.last(), Some(&21));
    // Stored as sent, and nothing of its own echoed back to this socket.
    let conv = first["message"]["conversationId"].as_str().unwrap();
    let (_, msgs) = t.api(Method::GET, &format!("/v1/conversations/{conv}/messages?limit=100"), None).await;
    let texts: Vec<&str> = msgs["data"].as_array().unwrap().iter().map(|m| m["content"]["text"].as_str().unwrap()).collect();
    let expected: Vec<String> = std::iter::once("first".to_owned()).chain((1..=20).map(|i| format!("m{i}"))).collect();
    assert_eq!(texts, expected);
    tab.assert_no_echo().await;
}
