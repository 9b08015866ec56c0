//! Hostile input, each with a test: wrong or missing Origin, forged or expired
//! tokens, someone else's ids, oversized frames and bodies, malformed JSON,
//! script in text, an executable uploaded as an image.

mod common;

use common::*;
use futures::SinkExt;
use reqwest::Method;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[tokio::test]
async fn origins_outside_the_allowed_domains_are_refused_everywhere() {
    let t = TestServer::start().await;
    let config = t.url(&format!("/v1/widget/channels/{}/config", t.channel));
    for origin in [Some("https://evil.com"), Some("https://example.com.evil.com"), Some("null"), None] {
        let mut req = t.http.get(&config);
        let mut session = t.http.post(t.url("/v1/widget/sessions")).json(&json!({ "channelId": t.channel }));
        if let Some(o) = origin {
            req = req.header("origin", o);
            session = session.header("origin", o);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 403, "{origin:?}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "origin_not_allowed");
        assert_eq!(session.send().await.unwrap().status(), 403, "{origin:?}");
    }
    for ok in ["https://example.com", "https://www.example.com", "http://a.b.example.com:8080"] {
        assert_eq!(t.http.get(&config).header("origin", ok).send().await.unwrap().status(), 200, "{ok}");
    }
    let v = t.visitor().await;
    assert_eq!(t.connect_from(&v.token, Some("https://evil.com")).await.err(), Some(403));
    assert_eq!(t.connect_from(&v.token, None).await.err(), Some(403));
    // An unknown channel is a 404, not a leak of whether it exists elsewhere.
    let r = t.http.get(t.url("/v1/widget/channels/ch_nope/config")).header("origin", ORIGIN).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn forged_and_expired_tokens_get_nothing() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    assert_eq!(t.connect_from("garbage", Some(ORIGIN)).await.err(), Some(401));
    let (payload, mac) = v.token.split_once('.').unwrap();
    let forged = format!("{}x.{mac}", payload);
    assert_eq!(t.connect_from(&forged, Some(ORIGIN)).await.err(), Some(401));
    // A token signed with another key for this very visitor.
    let other = linktor_server::tokens::TokenSigner::new("not the server's key");
    let claims = linktor_server::tokens::VisitorClaims { v: v.id.parse().unwrap(), c: t.channel.parse().unwrap(), a: t.account.clone(), exp: i64::MAX };
    assert_eq!(t.connect_from(&other.sign(&claims), Some(ORIGIN)).await.err(), Some(401));
    // Expired, though genuinely signed.
    let key = t.state().store.server_secret("visitor_token_key").await.unwrap();
    let expired = linktor_server::tokens::TokenSigner::new(&key).sign(&linktor_server::tokens::VisitorClaims { exp: 1, ..claims });
    assert_eq!(t.connect_from(&expired, Some(ORIGIN)).await.err(), Some(401));
    // A forged token at the session endpoint starts a new visitor, never the claimed one.
    let (status, body) = t.session(json!({ "channelId": t.channel, "token": forged })).await;
    assert_eq!(status, 201);
    assert_ne!(body["visitorId"], v.id.as_str());
    assert!(body["messages"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_visitor_cannot_reach_another_visitors_conversation() {
    let t = TestServer::start().await;
    let alice = t.visitor().await;
    let mallory = t.visitor().await;
    let (_, msg) = t.api(Method::POST, "/v1/messages", Some(json!({ "channelId": t.channel, "to": alice.id, "content": { "type": "interactive",
        "interactive": { "type": "buttons", "body": { "text": "Refund?" }, "buttons": [ { "id": "yes", "label": "Yes" } ] } } }))).await;
    let mut m = t.connect(&mallory.token).await;
    m.resume(0).await;
    m.send(json!({ "type": "button.click", "messageId": msg["id"], "buttonId": "yes", "clientId": "x1" })).await;
    assert_eq!(m.next_of("error").await["code"], "not_found");
    // Mallory's resume from a high seq shows nothing of Alice's.
    let ready = m.resume(0).await;
    assert!(ready["conversationId"].is_null());
    // Attaching a file that is not an upload of this server is refused.
    m.send(json!({ "type": "message.send", "clientId": "f1", "content": { "type": "image", "image": { "url": "https://evil.com/x.png" } } })).await;
    assert_eq!(m.next_of("error").await["code"], "validation_failed");
    // Visitors cannot send business content.
    m.send(json!({ "type": "message.send", "clientId": "f2", "content": { "type": "card", "card": { "title": "Free money" } } })).await;
    assert_eq!(m.next_of("error").await["code"], "validation_failed");
}

#[tokio::test]
async fn another_accounts_ids_get_403_and_missing_ones_404() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    s.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "hi" } })).await;
    let conv = s.next_of("ack").await["message"]["conversationId"].as_str().unwrap().to_owned();
    // A second account with its own key.
    let store = &t.state().store;
    let other = store.create_account("Other").await.unwrap();
    let other_key = linktor_server::services::integrations::create_api_key(store, &other, "k").await.unwrap().key;
    let as_other = |m: Method, path: String, body: Option<serde_json::Value>| {
        let mut r = t.http.request(m, t.url(&path)).bearer_auth(&other_key);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send()
    };
    for (m, path, body) in [
        (Method::GET, format!("/v1/conversations/{conv}"), None),
        (Method::GET, format!("/v1/conversations/{conv}/messages"), None),
        (Method::POST, format!("/v1/conversations/{conv}/resolve"), None),
        (Method::POST, format!("/v1/conversations/{conv}/read"), Some(json!({ "seq": 1 }))),
        (Method::PUT, format!("/v1/conversations/{conv}/labels"), Some(json!({ "labels": [] }))),
        (Method::POST, format!("/v1/conversations/{conv}/notes"), Some(json!({ "text": "x" }))),
        (Method::GET, format!("/v1/conversations/{conv}/activity"), None),
        (Method::POST, format!("/v1/conversations/{conv}/assign"), Some(json!({ "agentId": null }))),
        (Method::GET, format!("/v1/visitors/{}", v.id), None),
        (Method::GET, format!("/v1/visitors/{}/pages", v.id), None),
        (Method::GET, format!("/v1/channels/{}", t.channel), None),
        (Method::PATCH, format!("/v1/channels/{}", t.channel), Some(json!({ "name": "pwned" }))),
        (Method::DELETE, format!("/v1/channels/{}", t.channel), None),
        (Method::GET, format!("/v1/channels/{}/identity-secret", t.channel), None),
        (Method::POST, "/v1/messages".into(), Some(json!({ "channelId": t.channel, "to": v.id, "content": { "type": "text", "text": "x" } }))),
        (Method::POST, "/v1/webchat/typing/start".into(), Some(json!({ "channelId": t.channel, "conversationId": conv }))),
    ] {
        let r = as_other(m.clone(), path.clone(), body).await.unwrap();
        assert_eq!(r.status(), 403, "{m} {path}");
        let b: serde_json::Value = r.json().await.unwrap();
        assert_eq!(b["error"]["code"], "forbidden");
    }
    let (_, list) = (200, as_other(Method::GET, "/v1/conversations".into(), None).await.unwrap().json::<serde_json::Value>().await.unwrap());
    assert!(list["data"].as_array().unwrap().is_empty());
    assert_eq!(t.api(Method::GET, "/v1/conversations/conv_doesnotexist", None).await.0, 404);
    assert_eq!(t.api(Method::GET, "/v1/conversations/not-an-id", None).await.0, 404);
    // Without a key, or with a wrong one: 401 with a JSON error.
    let r = t.http.get(t.url("/v1/conversations")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "unauthorized");
    assert_eq!(t.http.get(t.url("/v1/conversations")).bearer_auth("lk_forged").send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn malformed_and_oversized_input_gets_clear_errors() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    // REST: malformed JSON, wrong shapes, unknown fields, oversized bodies.
    let post = |body: String| t.http.post(t.url("/v1/messages")).bearer_auth(&t.api_key).header("content-type", "application/json").body(body).send();
    let r = post("{not json".into()).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "invalid_json");
    let r = post(json!({ "channelId": t.channel, "to": v.id, "content": { "type": "html", "html": "<b>" } }).to_string()).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post(json!({ "channelId": t.channel, "to": v.id, "content": { "type": "text", "text": "" } }).to_string()).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post(json!({ "channelId": "ch_x", "to": "msg_wrongkind", "content": { "type": "text", "text": "x" } }).to_string()).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post(json!({ "channelId": t.channel, "to": v.id, "content": { "type": "text", "text": "x".repeat(300_000) } }).to_string()).await.unwrap();
    assert_eq!(r.status(), 413);
    let r = post(json!({ "channelId": t.channel, "to": v.id, "content": { "type": "card", "card": { "title": "t", "buttons": [ { "id": "a", "label": "a", "url": "javascript:alert(1)" } ] } } }).to_string()).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.json::<serde_json::Value>().await.unwrap()["error"]["message"].as_str().unwrap().contains("content.card.buttons[0].url"));
    let (status, body) = t.session(json!({ "channelId": t.channel, "user": { "email": "<script>" } })).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("validation_failed")));
    let (status, _) = t.session(json!({ "channelId": t.channel, "page": "x".repeat(5000) })).await;
    assert_eq!(status, 422);

    // WebSocket: malformed frames get error frames and the socket stays open.
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    s.ws.send(WsMessage::text("{nope")).await.unwrap();
    assert_eq!(s.next_of("error").await["code"], "invalid_json");
    s.send(json!({ "type": "teleport" })).await;
    assert_eq!(s.next_of("error").await["code"], "validation_failed");
    s.send(json!({ "type": "message.send", "clientId": "bad id with spaces", "content": { "type": "text", "text": "x" } })).await;
    assert_eq!(s.next_of("error").await["code"], "validation_failed");
    s.send(json!({ "type": "ping" })).await;
    assert_eq!(s.next_of("pong").await["type"], "pong");
    // Flooding: beyond the burst, frames are refused with rate_limited.
    for _ in 0..60 {
        s.send(json!({ "type": "typing", "state": "start" })).await;
    }
    assert_eq!(s.next_of("error").await["code"], "rate_limited");
    // An oversized frame closes the socket with 1009.
    let big = json!({ "type": "message.send", "clientId": "big", "content": { "type": "text", "text": "x".repeat(70_000) } });
    let _ = s.ws.send(WsMessage::text(big.to_string())).await;
    let closed = s.next_of("__close").await;
    assert_eq!(closed["code"], 1009);
}

async fn upload(t: &TestServer, token: &str, name: &str, bytes: Vec<u8>, mime: &str) -> (u16, serde_json::Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()).mime_str(mime).unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let r = t.http.post(t.url("/v1/widget/uploads")).header("origin", ORIGIN).bearer_auth(token).multipart(form).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn uploads_are_judged_by_content_and_served_inert() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    // A 1×1 PNG.
    let png = hex_bytes("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082");
    let (status, file) = upload(&t, &v.token, "pixel.png", png.clone(), "image/png").await;
    assert_eq!(status, 201, "{file}");
    assert_eq!(file["mimeType"], "image/png");
    let got = t.http.get(file["url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert!(got.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(got.bytes().await.unwrap().to_vec(), png);

    // An ELF executable named and typed as an image.
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
    elf.resize(256, 0);
    let (status, body) = upload(&t, &v.token, "cat.png", elf, "image/png").await;
    assert_eq!((status, body["error"]["code"].as_str()), (415, Some("file_type_not_allowed")));
    // HTML with script named .pdf.
    let (status, _) = upload(&t, &v.token, "invoice.pdf", b"<html><script>alert(1)</script></html>".to_vec(), "application/pdf").await;
    assert_eq!(status, 415);
    // Over the channel's size limit.
    let mut big = png.clone();
    big.resize(11 * 1024 * 1024, 0);
    let (status, _) = upload(&t, &v.token, "big.png", big, "image/png").await;
    assert_eq!(status, 413);
    // Without a session token.
    let (status, _) = upload(&t, "forged.token", "pixel.png", png.clone(), "image/png").await;
    assert_eq!(status, 401);
    // Disabled by the channel.
    t.api(Method::PATCH, &format!("/v1/channels/{}", t.channel), Some(json!({ "settings": { "behavior": { "fileUpload": { "enabled": false } } } }))).await;
    let (status, _) = upload(&t, &v.token, "pixel.png", png, "image/png").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn identity_verification_needs_a_valid_user_hash() {
    let t = TestServer::start().await;
    let (_, secret) = t.api(Method::GET, &format!("/v1/channels/{}/identity-secret", t.channel), None).await;
    let secret = secret["secret"].as_str().unwrap().to_owned();
    let hash = linktor_core::identity::hmac_hex(secret.as_bytes(), b"user_123");
    let user = json!({ "id": "user_123", "name": "John Doe" });
    let (status, first) = t.session(json!({ "channelId": t.channel, "user": user, "userHash": hash })).await;
    assert_eq!(status, 201);
    assert_eq!(first["identityVerified"], true);
    // Another device with the same verified user gets the same visitor.
    let (_, second) = t.session(json!({ "channelId": t.channel, "user": user, "userHash": hash })).await;
    assert_eq!(second["visitorId"], first["visitorId"]);
    // A wrong hash is refused; an unverified claim is another visitor.
    let (status, body) = t.session(json!({ "channelId": t.channel, "user": user, "userHash": "00ff" })).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("identity_unverified")));
    let (_, claim) = t.session(json!({ "channelId": t.channel, "user": user })).await;
    assert_ne!(claim["visitorId"], first["visitorId"]);
    // When the channel requires it, a bare claim is refused.
    t.api(Method::PATCH, &format!("/v1/channels/{}", t.channel), Some(json!({ "settings": { "identityVerification": true } }))).await;
    let (status, _) = t.session(json!({ "channelId": t.channel, "user": user })).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn anonymized_ips_are_truncated_before_storage() {
    let t = TestServer::start().await;
    let (_, body) = t.session(json!({ "channelId": t.channel, "privacy": { "anonymizeIP": true, "dataRetention": 30 } })).await;
    let (_, visitor) = t.api(Method::GET, &format!("/v1/visitors/{}", body["visitorId"].as_str().unwrap()), None).await;
    assert_eq!(visitor["context"]["ip"], "127.0.0.0");
    let v = t.visitor().await;
    let (_, visitor) = t.api(Method::GET, &format!("/v1/visitors/{}", v.id), None).await;
    assert_eq!(visitor["context"]["ip"], "127.0.0.1");
}

#[tokio::test]
async fn the_openapi_document_covers_every_route() {
    let t = TestServer::start().await;
    let r = t.http.get(t.url("/v1/openapi.json")).send().await.unwrap();
    let doc: serde_json::Value = r.json().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/v1/messages", "/v1/webchat/typing/start", "/v1/webchat/typing/stop", "/v1/channels", "/v1/channels/{channel_id}",
        "/v1/channels/{channel_id}/identity-secret", "/v1/conversations", "/v1/conversations/{conversation_id}",
        "/v1/conversations/{conversation_id}/messages", "/v1/conversations/{conversation_id}/resolve",
        "/v1/conversations/{conversation_id}/reopen", "/v1/conversations/{conversation_id}/read", "/v1/visitors", "/v1/visitors/{visitor_id}", "/v1/webhooks",
        "/v1/webhooks/{webhook_id}", "/v1/webhooks/{webhook_id}/deliveries", "/v1/webhooks/deliveries/{delivery_id}/resend",
        "/v1/api-keys", "/v1/api-keys/{key_id}", "/v1/widget/sessions", "/v1/widget/channels/{channel_id}/config",
        "/v1/widget/uploads", "/v1/files/{file_id}", "/v1/ws", "/v1/openapi.json", "/healthz", "/readyz", "/metrics", "/demo",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["SendMessageRequest"].is_object());
    // What a client generator relies on: unique operation ids, every error
    // status with the error body, ids with their prefix pattern.
    let mut ids = std::collections::BTreeSet::new();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "operationId {id} twice");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{method} {path} does not list 500");
            for (status, r) in responses {
                if status.as_str() >= "400" {
                    assert_eq!(r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody", "{method} {path} {status}");
                }
            }
        }
    }
    assert_eq!(doc["components"]["schemas"]["ConversationId"]["pattern"], "^conv_[A-Za-z0-9_]{1,64}$");
}

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[tokio::test]
async fn user_updates_are_validated_and_script_stays_text() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let mut s = t.connect(&v.token).await;
    s.resume(0).await;
    s.send(json!({ "type": "user.update", "user": { "name": "<img src=x onerror=alert(1)>", "metadata": { "plan": "<script>" } } })).await;
    s.send(json!({ "type": "user.update", "user": { "metadata": { "big": "x".repeat(5000) } } })).await;
    assert_eq!(s.next_of("error").await["code"], "validation_failed");
    s.send(json!({ "type": "user.update", "user": { "avatar": "javascript:alert(1)" } })).await;
    assert_eq!(s.next_of("error").await["code"], "validation_failed");
    s.send(json!({ "type": "user.update", "user": { "isAdmin": true } })).await;
    assert_eq!(s.next_of("error").await["code"], "validation_failed");
    let (_, visitor) = t.api(Method::GET, &format!("/v1/visitors/{}", v.id), None).await;
    assert_eq!(visitor["user"]["name"], "<img src=x onerror=alert(1)>");
    assert_eq!(visitor["user"]["metadata"]["plan"], "<script>");
    assert!(visitor["user"]["metadata"].get("big").is_none());
}

/// API keys are trusted for a moment once found valid: a key revoked through
/// this server is refused on the next request, and one revoked behind its
/// back (through another node, or in the database) within `API_KEY_TRUST`.
#[tokio::test]
async fn a_revoked_api_key_stops_working() {
    use linktor_server::access::API_KEY_TRUST;
    let t = TestServer::start().await;
    let status_with = |key: String| {
        let request = t.http.get(t.url("/v1/api-keys")).bearer_auth(key);
        async move { request.send().await.expect("request").status().as_u16() }
    };
    let new_key = || async {
        let (status, created) = t.api(Method::POST, "/v1/api-keys", Some(json!({ "name": "integration" }))).await;
        assert_eq!(status, 201, "{created}");
        (created["key"].as_str().expect("key").to_owned(), created["id"].as_str().expect("id").to_owned())
    };

    let (key, id) = new_key().await;
    assert_eq!(status_with(key.clone()).await, 200);
    let (status, _) = t.api(Method::DELETE, &format!("/v1/api-keys/{id}"), None).await;
    assert_eq!(status, 204);
    assert_eq!(status_with(key.clone()).await, 401, "revoked through the API, refused at once");

    let (key, id) = new_key().await;
    assert_eq!(status_with(key.clone()).await, 200);
    let id: linktor_core::ApiKeyId = id.parse().expect("key id");
    t.state().store.revoke_api_key(&t.account, &id).await.expect("revoked in the database");
    let deadline = std::time::Instant::now() + API_KEY_TRUST + std::time::Duration::from_secs(2);
    while status_with(key.clone()).await != 401 {
        assert!(std::time::Instant::now() < deadline, "a key revoked in the database still works after {API_KEY_TRUST:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // A wrong key is never remembered as valid.
    assert_eq!(status_with(format!("{key}x")).await, 401);
}

/// `POST /v1/messages` names a channel and a visitor of it. Each way of
/// getting the pair wrong has its own answer, and none of them sends
/// anything or starts a conversation.
#[tokio::test]
async fn a_message_goes_only_to_a_visitor_of_the_live_channel_named() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let (status, second) = t.api(Method::POST, "/v1/channels", Some(json!({ "name": "Docs", "allowedDomains": ["docs.example.com"] }))).await;
    assert_eq!(status, 201, "{second}");
    let second = second["id"].as_str().unwrap().to_owned();
    let store = &t.state().store;
    let other = store.create_account("Other").await.unwrap();
    let theirs = store.create_channel(&other, "Theirs", &["theirs.example".into()], "en", &Default::default()).await.unwrap();
    let their_channel = theirs.channel.id.to_string();
    let send = |channel: String, to: String| {
        t.api(Method::POST, "/v1/messages", Some(json!({ "channelId": channel, "to": to, "content": { "type": "text", "text": "x" } })))
    };
    let code = |b: &serde_json::Value| b["error"]["code"].as_str().unwrap_or_default().to_owned();

    let (s, b) = send(second.clone(), v.id.clone()).await;
    assert_eq!((s, code(&b).as_str()), (404, "not_found"), "a visitor of another channel is none of this channel's: {b}");
    let (s, b) = send(t.channel.clone(), "visitor_doesnotexist".into()).await;
    assert_eq!((s, code(&b).as_str()), (404, "not_found"), "an unknown visitor: {b}");
    let (s, b) = send("ch_doesnotexist".into(), v.id.clone()).await;
    assert_eq!((s, code(&b).as_str()), (404, "not_found"), "an unknown channel: {b}");
    let (s, b) = send(their_channel, v.id.clone()).await;
    assert_eq!((s, code(&b).as_str()), (403, "forbidden"), "another account's channel: {b}");
    let (_, list) = t.api(Method::GET, "/v1/conversations", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0, "a refused message started a conversation: {list}");

    // The right pair: both messages land in one conversation, in order.
    let (s, first) = t.send_text(&v.id, "one").await;
    assert_eq!(s, 201, "{first}");
    let (_, again) = t.send_text(&v.id, "two").await;
    assert_eq!(again["conversationId"], first["conversationId"]);
    assert_eq!(again["seq"].as_i64(), first["seq"].as_i64().map(|s| s + 1));

    // Once the channel is deleted its visitors get nothing more.
    let (s, _) = t.api(Method::DELETE, &format!("/v1/channels/{}", t.channel), None).await;
    assert_eq!(s, 204);
    let (s, b) = t.send_text(&v.id, "three").await;
    assert_eq!((s, code(&b).as_str()), (404, "not_found"), "a deleted channel: {b}");
}
