//! The agent side against a real server: sign-in, CSRF, roles, the inbox,
//! the agent WebSocket, availability reaching widgets, analytics, and what
//! one account's agent cannot see of another's.

mod common;

use common::*;
use futures::SinkExt;
use linktor_core::agent::AgentRole;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_changes_need_the_csrf_token() {
    let srv = TestServer::start().await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Admin).await;

    let (status, body, cookie) = login(&srv, "ana@example.com", "wrong password").await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("invalid_credentials")));
    assert!(cookie.is_none());
    let (status, body, _) = login(&srv, "nobody@example.com", PASSWORD).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("invalid_credentials")), "unknown emails answer the same");

    let (status, body, cookie) = login(&srv, "ANA@example.com", PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.unwrap();
    for attr in ["linktor_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert_eq!(body["agent"]["email"], "ana@example.com");
    assert_eq!(body["agent"]["role"], "admin");
    assert!(body["agent"].get("passwordHash").is_none() && !body.to_string().contains("argon2"));
    let d = Dashboard { cookie: cookie.split(';').next().unwrap().into(), csrf: body["csrfToken"].as_str().unwrap().into(), agent: body["agent"].clone() };

    let (status, me) = d.call_with(&srv, Method::GET, "/v1/auth/session", None, false).await;
    assert_eq!((status, me["csrfToken"].as_str()), (200, Some(d.csrf.as_str())));
    // Reads need no token; changes do.
    let (status, _) = d.call_with(&srv, Method::GET, "/v1/channels", None, false).await;
    assert_eq!(status, 200);
    let new_channel = json!({ "name": "Docs", "allowedDomains": ["docs.example.com"] });
    let (status, body) = d.call_with(&srv, Method::POST, "/v1/channels", Some(new_channel.clone()), false).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("csrf_failed")));
    let forged = Dashboard { csrf: "not-the-token".into(), ..d };
    let (status, _) = forged.call(&srv, Method::POST, "/v1/channels", Some(new_channel.clone())).await;
    assert_eq!(status, 403);
    let d = Dashboard { csrf: me["csrfToken"].as_str().unwrap().into(), ..forged };
    let (status, body) = d.call(&srv, Method::POST, "/v1/channels", Some(new_channel)).await;
    assert_eq!(status, 201, "{body}");

    // Sign out ends the session on the server, not only in the browser.
    let (status, _) = d.call(&srv, Method::POST, "/v1/auth/logout", None).await;
    assert_eq!(status, 204);
    let (status, _) = d.call(&srv, Method::GET, "/v1/auth/session", None).await;
    assert_eq!(status, 401);
    let (status, _) = d.call(&srv, Method::GET, "/v1/conversations", None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn repeated_wrong_passwords_are_rate_limited() {
    let srv = TestServer::start().await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Admin).await;
    for _ in 0..10 {
        assert_eq!(login(&srv, "ana@example.com", "guess").await.0, 401);
    }
    let r = srv.http.post(srv.url("/v1/auth/login")).json(&json!({ "email": "ana@example.com", "password": PASSWORD })).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429, "even the right password waits");
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 60, "{retry}");
    // Hostile bodies are refused cleanly.
    let r = srv.http.post(srv.url("/v1/auth/login")).header("content-type", "application/json").body("{\"email\":").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = srv.http.post(srv.url("/v1/auth/login")).json(&json!({ "email": "x".repeat(100_000), "password": "p" })).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn agents_get_the_inbox_and_admins_everything() {
    let srv = TestServer::start().await;
    add_agent(&srv, &srv.account, "admin@example.com", AgentRole::Admin).await;
    add_agent(&srv, &srv.account, "agent@example.com", AgentRole::Agent).await;
    let admin = sign_in(&srv, "admin@example.com").await;
    let agent = sign_in(&srv, "agent@example.com").await;

    let (status, _) = agent.call(&srv, Method::GET, "/v1/conversations", None).await;
    assert_eq!(status, 200);
    let (status, _) = agent.call(&srv, Method::GET, &format!("/v1/channels/{}", srv.channel), None).await;
    assert_eq!(status, 200);
    for (method, path, body) in [
        (Method::POST, "/v1/channels".to_owned(), json!({ "name": "X", "allowedDomains": ["x.com"] })),
        (Method::PATCH, format!("/v1/channels/{}", srv.channel), json!({ "name": "Y" })),
        (Method::POST, "/v1/api-keys".to_owned(), json!({ "name": "k" })),
        (Method::GET, "/v1/webhooks".to_owned(), Value::Null),
        (Method::POST, "/v1/agents".to_owned(), json!({ "email": "x@example.com", "name": "X", "role": "admin", "password": PASSWORD })),
    ] {
        let body = (!body.is_null()).then_some(body);
        let (status, r) = agent.call(&srv, method.clone(), &path, body).await;
        assert_eq!(status, 403, "{method} {path}: {r}");
    }

    let (status, created) = admin
        .call(&srv, Method::POST, "/v1/agents", Some(json!({ "email": "new@example.com", "name": "New", "role": "agent", "password": PASSWORD })))
        .await;
    assert_eq!(status, 201, "{created}");
    let (status, _) = admin
        .call(&srv, Method::POST, "/v1/agents", Some(json!({ "email": "new@example.com", "name": "New", "role": "agent", "password": PASSWORD })))
        .await;
    assert_eq!(status, 409);
    let (status, body) = admin.call(&srv, Method::POST, "/v1/agents", Some(json!({ "email": "short@example.com", "name": "S", "role": "agent", "password": "short" }))).await;
    assert_eq!((status, body["error"]["message"].as_str().unwrap().starts_with("password")), (422, true), "{body}");
    let (_, list) = agent.call(&srv, Method::GET, "/v1/agents", None).await;
    let emails: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["email"].as_str().unwrap()).collect();
    assert!(["admin@example.com", "agent@example.com", "new@example.com"].iter().all(|e| emails.contains(e)), "{emails:?}");

    let own = admin.agent["id"].as_str().unwrap();
    let (status, _) = admin.call(&srv, Method::DELETE, &format!("/v1/agents/{own}"), None).await;
    assert_eq!(status, 422, "an admin cannot remove themself");
    let new_id = created["id"].as_str().unwrap();
    let new = sign_in(&srv, "new@example.com").await;
    let (status, _) = admin.call(&srv, Method::DELETE, &format!("/v1/agents/{new_id}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = new.call(&srv, Method::GET, "/v1/conversations", None).await;
    assert_eq!(status, 401, "a removed agent is signed out");
    assert_eq!(login(&srv, "new@example.com", PASSWORD).await.0, 401);

    // Changing the password signs out the other sessions, not this one.
    let other = sign_in(&srv, "agent@example.com").await;
    let (status, body) = agent
        .call(&srv, Method::POST, "/v1/auth/password", Some(json!({ "currentPassword": "wrong", "newPassword": "a much better one" })))
        .await;
    assert_eq!(status, 401, "{body}");
    let (status, _) = agent
        .call(&srv, Method::POST, "/v1/auth/password", Some(json!({ "currentPassword": PASSWORD, "newPassword": "a much better one" })))
        .await;
    assert_eq!(status, 204);
    assert_eq!(agent.call(&srv, Method::GET, "/v1/auth/session", None).await.0, 200);
    assert_eq!(other.call(&srv, Method::GET, "/v1/auth/session", None).await.0, 401);
    assert_eq!(login(&srv, "agent@example.com", "a much better one").await.0, 200);
}

#[tokio::test]
async fn an_agent_answers_live_with_typing_receipts_and_assignment() {
    let srv = TestServer::start().await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Agent).await;
    let ana = sign_in(&srv, "ana@example.com").await;
    let refused = ana.socket(&srv, "https://evil.example").await.err();
    assert_eq!(refused, Some(403), "another site cannot open the agent socket with the agent's cookie");
    let mut feed = ana.socket(&srv, &srv.base).await.unwrap();
    assert_eq!(feed.next_of("ready").await["agent"]["email"], "ana@example.com");

    let visitor = srv.visitor().await;
    let mut widget = srv.connect(&visitor.token).await;
    widget.resume(0).await;
    widget.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "<img src=x onerror=alert(1)> hi" } })).await;
    let started = feed.next_of("conversation").await;
    let conversation = started["conversation"]["id"].as_str().unwrap().to_owned();
    let incoming = feed.next_of("message").await;
    assert_eq!(incoming["visitorId"], visitor.id.as_str());
    assert_eq!(incoming["message"]["content"]["text"], "<img src=x onerror=alert(1)> hi");

    // The inbox lists it with the unread count, last message and visitor.
    let (status, list) = ana.call(&srv, Method::GET, "/v1/conversations?status=open&assignee=none", None).await;
    assert_eq!(status, 200, "{list}");
    let item = &list["data"][0];
    assert_eq!((item["id"].as_str(), item["unreadCount"].as_i64()), (Some(conversation.as_str()), Some(1)));
    assert_eq!(item["lastMessage"]["content"]["text"], "<img src=x onerror=alert(1)> hi");
    assert_eq!(item["visitor"]["user"]["name"], "John Doe");
    let (_, found) = ana.call(&srv, Method::GET, "/v1/conversations?q=onerror", None).await;
    assert_eq!(found["data"].as_array().unwrap().len(), 1);

    // Typing and read receipts, agent to visitor and back.
    feed.send(json!({ "type": "typing", "conversationId": conversation, "state": "start" })).await;
    let typing = widget.next_of("typing").await;
    assert_eq!((typing["state"].as_str(), typing["sender"]["name"].as_str()), (Some("start"), Some("Ana Agent")));
    feed.send(json!({ "type": "read", "conversationId": conversation, "seq": 1 })).await;
    assert_eq!(widget.next_of("read").await["reader"], "agent");
    widget.send(json!({ "type": "typing", "state": "start" })).await;
    let typing = feed.next_of("typing").await;
    assert_eq!((typing["conversationId"].as_str(), typing["sender"]["type"].as_str()), (Some(conversation.as_str()), Some("visitor")));

    // A reply, and its resend, reach the visitor once.
    let reply = json!({ "content": { "type": "text", "text": "Hello John" }, "clientId": "r1" });
    let (status, sent) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(reply.clone())).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!((sent["sender"]["type"].as_str(), sent["sender"]["name"].as_str()), (Some("agent"), Some("Ana Agent")));
    let (status, again) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(reply)).await;
    assert_eq!((status, &again["id"]), (200, &sent["id"]));
    let got = widget.next_of("message").await;
    assert_eq!(got["message"]["content"]["text"], "Hello John");
    widget.send(json!({ "type": "read", "seq": got["message"]["seq"] })).await;
    let read = feed.next_of("read").await;
    assert_eq!((read["reader"].as_str(), read["seq"].as_i64()), (Some("visitor"), got["message"]["seq"].as_i64()));
    widget.send(json!({ "type": "message.send", "clientId": "c2", "content": { "type": "text", "text": "thanks" } })).await;
    // Everything up to the ack of that message: the reply's resend is not among it.
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let f = widget.next().await;
            if f["type"] == "message" {
                assert_ne!(f["message"]["content"]["text"], "Hello John", "the resend was delivered twice");
            }
            if f["type"] == "ack" && f["clientId"] == "c2" {
                assert_eq!(f["message"]["content"]["text"], "thanks");
                break;
            }
        }
    })
    .await
    .expect("own message acknowledged");

    // Buttons and cards from the inbox; hostile content is refused.
    for content in [
        json!({ "type": "interactive", "interactive": { "type": "buttons", "body": { "text": "Rate us" }, "buttons": [{ "id": "great", "label": "Great" }] } }),
        json!({ "type": "card", "card": { "title": "Shoe", "buttons": [{ "id": "buy", "label": "Buy" }] } }),
    ] {
        let (status, body) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(json!({ "content": content }))).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, _) = ana
        .call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(json!({ "content": { "type": "image", "image": { "url": "javascript:alert(1)" } } })))
        .await;
    assert_eq!(status, 422);
    let (status, _) = ana
        .call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(json!({ "content": { "type": "text", "text": "x".repeat(5000) } })))
        .await;
    assert_eq!(status, 422);
    let (status, _) = ana
        .call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(json!({ "content": { "type": "text", "text": "x" }, "clientId": "bad id!" })))
        .await;
    assert_eq!(status, 422);

    // Assign to me, then the "mine" filter finds it; another account's agent id is refused.
    let me = ana.agent["id"].as_str().unwrap();
    let (status, assigned) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/assign"), Some(json!({ "agentId": me }))).await;
    assert_eq!((status, assigned["assigneeId"].as_str()), (200, Some(me)));
    assert_eq!(feed.next_of("conversation").await["conversation"]["assigneeId"], me);
    let (_, mine) = ana.call(&srv, Method::GET, "/v1/conversations?assignee=me", None).await;
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    let (status, _) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/assign"), Some(json!({ "agentId": "agent_doesnotexist" }))).await;
    assert_eq!(status, 404, "an agent that does not exist, like any id named in a body");

    // Resolve; a reply reopens.
    let (status, _) = ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/resolve"), None).await;
    assert_eq!(status, 200);
    ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(json!({ "content": { "type": "text", "text": "one more thing" } })))
        .await;
    let (_, c) = ana.call(&srv, Method::GET, &format!("/v1/conversations/{conversation}"), None).await;
    assert_eq!(c["status"], "open");

    // Bad frames get error frames, not a dead socket.
    feed.send(json!({ "type": "read", "conversationId": "conv_nope", "seq": 1 })).await;
    assert_eq!(feed.next_of("error").await["code"], "not_found");
    feed.ws.send(WsMessage::text("{not json")).await.unwrap();
    assert_eq!(feed.next_of("error").await["code"], "invalid_json");
    feed.send(json!({ "type": "ping" })).await;
    feed.next_of("pong").await;
}

#[tokio::test]
async fn availability_switches_open_widgets_between_online_and_offline() {
    let srv = TestServer::start().await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Agent).await;
    let ana = sign_in(&srv, "ana@example.com").await;
    assert_eq!(ana.agent["availability"], "online", "a new agent starts online");
    let (status, _) = ana.call(&srv, Method::PUT, "/v1/agents/me/availability", Some(json!({ "availability": "away" }))).await;
    assert_eq!(status, 200);
    // The chosen status is kept across sign-ins.
    assert_eq!(sign_in(&srv, "ana@example.com").await.agent["availability"], "away");
    let mut feed = ana.socket(&srv, &srv.base).await.unwrap();
    feed.next_of("ready").await;
    let visitor = srv.visitor().await;
    let mut widget = srv.connect(&visitor.token).await;
    assert_eq!(widget.resume(0).await["agentsOnline"], false);

    let (status, me) = ana.call(&srv, Method::PUT, "/v1/agents/me/availability", Some(json!({ "availability": "online" }))).await;
    assert_eq!((status, me["availability"].as_str()), (200, Some("online")));
    assert_eq!(widget.next_of("availability").await["agentsOnline"], true);
    let changed = feed.next_of("agent.availability").await;
    assert_eq!((changed["agentId"].as_str(), changed["availability"].as_str()), (ana.agent["id"].as_str(), Some("online")));
    let config: Value =
        srv.http.get(srv.url(&format!("/v1/widget/channels/{}/config", srv.channel))).header("origin", ORIGIN).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["agentsOnline"], true);

    let (status, _) = ana.call(&srv, Method::PUT, "/v1/agents/me/availability", Some(json!({ "availability": "away" }))).await;
    assert_eq!(status, 200);
    assert_eq!(widget.next_of("availability").await["agentsOnline"], false, "away is not available");
    let (status, _) = ana.call(&srv, Method::PUT, "/v1/agents/me/availability", Some(json!({ "availability": "busy" }))).await;
    assert_eq!(status, 422);
    let (status, _) = ana.call_with(&srv, Method::PUT, "/v1/agents/me/availability", Some(json!({ "availability": "online" })), false).await;
    assert_eq!(status, 403, "no CSRF token");
    // An API key is not an agent.
    let (status, _) = srv.api(Method::PUT, "/v1/agents/me/availability", Some(json!({ "availability": "online" }))).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn an_agent_sees_nothing_of_another_account() {
    let srv = TestServer::start().await;
    let store = &srv.state().store;
    let other_account = store.create_account("Other Co").await.unwrap();
    add_agent(&srv, &other_account, "eve@other.example", AgentRole::Admin).await;
    let eve = sign_in(&srv, "eve@other.example").await;

    let visitor = srv.visitor().await;
    let (status, sent) = srv.send_text(&visitor.id, "private").await;
    assert_eq!(status, 201);
    let conversation = sent["conversationId"].as_str().unwrap();

    let (_, list) = eve.call(&srv, Method::GET, "/v1/conversations", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    for path in [
        format!("/v1/conversations/{conversation}"),
        format!("/v1/conversations/{conversation}/messages"),
        format!("/v1/visitors/{}", visitor.id),
        format!("/v1/channels/{}", srv.channel),
    ] {
        let (status, body) = eve.call(&srv, Method::GET, &path, None).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(!body.to_string().contains("private"));
    }
    let (status, _) = eve
        .call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(json!({ "content": { "type": "text", "text": "hi" } })))
        .await;
    assert_eq!(status, 403);
    let (status, _) = eve.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/typing"), Some(json!({ "state": "start" }))).await;
    assert_eq!(status, 403);
    let (_, agents) = eve.call(&srv, Method::GET, "/v1/agents", None).await;
    assert_eq!(agents.as_array().unwrap().len(), 1);
    let (status, _) = eve.call(&srv, Method::GET, &format!("/v1/analytics?channelId={}", srv.channel), None).await;
    assert_eq!(status, 403);
    // Eve's live feed carries none of the other account's events.
    let mut feed = eve.socket(&srv, &srv.base).await.unwrap();
    feed.next_of("ready").await;
    srv.send_text(&visitor.id, "still private").await;
    feed.send(json!({ "type": "ping" })).await;
    let f = feed.next().await;
    assert_eq!(f["type"], "pong", "got {f}");
}

#[tokio::test]
async fn uploads_and_analytics() {
    let srv = TestServer::start().await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Admin).await;
    let ana = sign_in(&srv, "ana@example.com").await;

    let upload = |bytes: Vec<u8>, name: &'static str, csrf: bool| {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        let mut req = srv.http.post(srv.url(&format!("/v1/uploads?channelId={}", srv.channel))).header("cookie", &ana.cookie).multipart(form);
        if csrf {
            req = req.header("x-csrf-token", &ana.csrf);
        }
        req.send()
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec();
    let r = upload(png.clone(), "logo.png", true).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let file: Value = r.json().await.unwrap();
    assert_eq!(file["mimeType"], "image/png");
    assert!(file["url"].as_str().unwrap().starts_with(&format!("{}/v1/files/file_", srv.base)));
    let r = upload(b"<html><script>alert(1)</script></html>".to_vec(), "page.png", true).await.unwrap();
    assert_eq!(r.status().as_u16(), 415, "the name does not decide the type");
    let r = upload(png, "logo.png", false).await.unwrap();
    assert_eq!(r.status().as_u16(), 403, "uploads need the CSRF token too");

    let visitor = srv.visitor().await;
    let mut widget = srv.connect(&visitor.token).await;
    widget.resume(0).await;
    widget.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "hello?" } })).await;
    widget.next_of("ack").await;
    let (_, list) = ana.call(&srv, Method::GET, "/v1/conversations", None).await;
    let conversation = list["data"][0]["id"].as_str().unwrap().to_owned();
    ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/messages"), Some(json!({ "content": { "type": "text", "text": "hi!" } }))).await;
    ana.call(&srv, Method::POST, &format!("/v1/conversations/{conversation}/resolve"), None).await;

    let today = chrono::Utc::now().date_naive();
    let from = (today - chrono::Duration::days(6)).format("%Y-%m-%d").to_string();
    let (status, a) = ana.call(&srv, Method::GET, &format!("/v1/analytics?from={from}&to={}", today.format("%Y-%m-%d")), None).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["days"].as_array().unwrap().len(), 7);
    assert_eq!((a["totals"]["conversations"].as_i64(), a["totals"]["messages"].as_i64()), (Some(1), Some(2)));
    assert!(a["totals"]["firstResponseSeconds"].as_f64().unwrap() >= 0.0);
    assert!(a["totals"]["resolutionSeconds"].as_f64().unwrap() >= 0.0);
    let last = &a["days"][6];
    assert_eq!((last["date"].as_str(), last["conversations"].as_i64()), (Some(today.format("%Y-%m-%d").to_string().as_str()), Some(1)));
    assert_eq!(a["days"][0]["firstResponseSeconds"], Value::Null);
    let website = a["channels"].as_array().unwrap().iter().find(|c| c["channelId"] == srv.channel.as_str()).expect("channel figures");
    assert_eq!((website["messages"].as_i64(), website["conversations"].as_i64()), (Some(2), Some(1)));

    for (bad, expected) in [("from=2026-13-01", 400), ("from=2026-02-01&to=2026-01-01", 422), ("from=2020-01-01&to=2026-01-01", 422), ("channelId=ch_nope", 404), ("channelId=nope", 400)] {
        let (status, body) = ana.call(&srv, Method::GET, &format!("/v1/analytics?{bad}"), None).await;
        assert_eq!(status, expected, "{bad}: {body}");
    }
}

#[tokio::test]
async fn an_online_agent_stays_available_while_a_dashboard_is_open_and_not_after() {
    let srv = TestServer::start_with(linktor_store::testing::Backend::Sqlite, |a| a.agent_presence_secs = Some(2)).await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Agent).await;
    let ana = sign_in(&srv, "ana@example.com").await;
    let mut dashboard = ana.socket(&srv, &srv.base).await.unwrap();
    dashboard.next_of("ready").await;
    let visitor = srv.visitor().await;
    let mut widget = srv.connect(&visitor.token).await;
    widget.resume(0).await;
    ana.call(&srv, Method::PUT, "/v1/agents/me/availability", Some(json!({ "availability": "online" }))).await;
    assert_eq!(widget.next_of("availability").await["agentsOnline"], true);

    // Longer than the presence window: the open dashboard keeps her available.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let config: Value =
        srv.http.get(srv.url(&format!("/v1/widget/channels/{}/config", srv.channel))).header("origin", ORIGIN).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["agentsOnline"], true);

    // The dashboard closes: the widget hears she is gone, without anyone changing a setting.
    dashboard.ws.close(None).await.unwrap();
    let started = std::time::Instant::now();
    assert_eq!(widget.next_of("availability").await["agentsOnline"], false);
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    // Her setting is still "online": opening the dashboard again makes her available again.
    let mut again = ana.socket(&srv, &srv.base).await.unwrap();
    assert_eq!(again.next_of("ready").await["agent"]["availability"], "online");
    assert_eq!(widget.next_of("availability").await["agentsOnline"], true);
}

#[tokio::test]
async fn hostile_input_on_the_agent_side_gets_clear_errors() {
    let srv = TestServer::start().await;
    add_agent(&srv, &srv.account, "ana@example.com", AgentRole::Admin).await;
    let ana = sign_in(&srv, "ana@example.com").await;

    // Oversized and malformed bodies.
    let r = srv.http.post(srv.url("/v1/auth/login")).header("content-type", "application/json").body(vec![b' '; 300 * 1024]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let (status, body) = ana.call(&srv, Method::POST, "/v1/agents", Some(json!({ "email": format!("{}@example.com", "a".repeat(400)), "name": "X", "role": "agent", "password": PASSWORD }))).await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = ana.call(&srv, Method::POST, "/v1/agents", Some(json!({ "email": "x@example.com", "name": "X", "role": "owner", "password": PASSWORD }))).await;
    assert_eq!(status, 422, "unknown role");
    let (status, _) = ana.call(&srv, Method::POST, "/v1/agents", Some(json!({ "email": "x@example.com", "name": "X", "role": "agent", "password": PASSWORD, "isRoot": true }))).await;
    assert_eq!(status, 422, "unknown field");
    // Script in an agent's name is data: it comes back as the same text.
    let evil = "<img src=x onerror=alert(1)>";
    let (status, created) = ana.call(&srv, Method::POST, "/v1/agents", Some(json!({ "email": "eve@example.com", "name": evil, "role": "agent", "password": PASSWORD }))).await;
    assert_eq!((status, created["name"].as_str()), (201, Some(evil)));

    // The agent socket: oversized frames close it with 1009, floods get rate_limited.
    let mut feed = ana.socket(&srv, &srv.base).await.unwrap();
    feed.next_of("ready").await;
    for _ in 0..60 {
        feed.send(json!({ "type": "ping" })).await;
    }
    assert_eq!(feed.next_of("error").await["code"], "rate_limited");
    let mut feed = ana.socket(&srv, &srv.base).await.unwrap();
    feed.next_of("ready").await;
    feed.ws.send(WsMessage::text(format!("{{\"type\":\"ping\",\"pad\":\"{}\"}}", "x".repeat(20 * 1024)))).await.unwrap();
    let closed = feed.next_of("__close").await;
    assert_eq!(closed["code"], 1009);
    // No cookie, or a forged one: no socket.
    let forged = Dashboard { cookie: "linktor_session=forged".into(), csrf: String::new(), agent: Value::Null };
    assert_eq!(forged.socket(&srv, &srv.base).await.err(), Some(401));
}
