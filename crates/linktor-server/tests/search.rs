//! Search over HTTP against a real server, on SQLite and PostgreSQL:
//! `GET /v1/conversations?q=` with an API key and with a dashboard session,
//! what an item says of its hit, and hostile `q` values: never a 500.

mod common;

use common::*;
use linktor_core::agent::AgentRole;
use linktor_store::testing::Backend;
use reqwest::Method;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

/// `GET /v1/conversations` with `q` (and `extra` query pairs) and the API key.
async fn search(t: &TestServer, q: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut pairs = vec![("q", q)];
    pairs.extend_from_slice(extra);
    let r = t.http.get(t.url("/v1/conversations")).query(&pairs).bearer_auth(&t.api_key).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().expect("a page").iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

/// A visitor of the test channel with a name and email, and a conversation
/// holding `text` from the API: the conversation's id.
async fn conversation_with(t: &TestServer, name: &str, email: &str, text: &str) -> String {
    let (status, body) = t.session(json!({ "channelId": t.channel, "user": { "name": name, "email": email } })).await;
    assert_eq!(status, 201, "{body}");
    let visitor = body["visitorId"].as_str().unwrap();
    let (status, sent) = t.send_text(visitor, text).await;
    assert_eq!(status, 201, "{sent}");
    sent["conversationId"].as_str().unwrap().to_owned()
}

async fn searched_with_a_key_and_a_session(backend: Backend) {
    let t = TestServer::start_on(backend).await;
    let refund = conversation_with(&t, "Renée Dupont", "renee@example.fr", "Your refund for order 42 was approved").await;
    let other = conversation_with(&t, "Bob Stone", "bob@example.com", "Shipping takes three days").await;

    let (status, page) = search(&t, "REFUND ord", &[]).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids(&page), [refund.clone()]);
    let hit = &page["data"][0]["searchMatch"];
    assert_eq!(hit["source"], "message");
    assert!(hit["messageId"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(hit["seq"], 1);
    assert_eq!(hit["snippet"], json!([
        { "text": "Your ", "highlight": false }, { "text": "refund", "highlight": true }, { "text": " for ", "highlight": false },
        { "text": "order", "highlight": true }, { "text": " 42 was approved", "highlight": false },
    ]));
    // Visitors by name (accents folded) and email.
    for q in ["renee", "DUPONT", "renee@example.fr"] {
        let (_, page) = search(&t, q, &[]).await;
        assert_eq!(ids(&page), [refund.clone()], "{q}");
        assert_eq!(page["data"][0]["searchMatch"]["source"], "visitor", "{q}");
    }
    assert_eq!(ids(&search(&t, "shipping", &[]).await.1), [other.clone()]);
    // Beside the other filters, and paged.
    assert!(ids(&search(&t, "refund", &[("status", "resolved")]).await.1).is_empty());
    let (_, page) = search(&t, "example", &[("limit", "1")]).await;
    assert_eq!(ids(&page), [other.clone()], "newest activity first");
    let cursor = page["nextCursor"].as_str().expect("a next page").to_owned();
    assert_eq!(ids(&search(&t, "example", &[("limit", "1"), ("cursor", &cursor)]).await.1), [refund.clone()]);
    // Without q, no searchMatch.
    let (_, all) = t.api(Method::GET, "/v1/conversations", None).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 2);
    assert!(all["data"].as_array().unwrap().iter().all(|c| c.get("searchMatch").is_none()));

    // The dashboard's session reads the same list.
    linktor_server::services::agents::create_agent(&t.state().store, &t.account, "ana@example.com", "Ana", AgentRole::Agent, PASSWORD).await.unwrap();
    let r = t.http.post(t.url("/v1/auth/login")).json(&json!({ "email": "ana@example.com", "password": PASSWORD })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let r = t.http.get(t.url("/v1/conversations")).query(&[("q", "approved")]).header("cookie", cookie).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(ids(&r.json().await.unwrap()), [refund]);

    // Another account finds nothing of this one.
    let (_, other_key) = t.state().store.create_api_key(&t.state().store.create_account("Other").await.unwrap(), "k").await.unwrap();
    let r = t.http.get(t.url("/v1/conversations")).query(&[("q", "refund")]).bearer_auth(other_key).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(ids(&r.json().await.unwrap()).is_empty());
}

#[tokio::test]
async fn conversations_are_searched_with_a_key_and_a_session_on_sqlite() {
    searched_with_a_key_and_a_session(Backend::Sqlite).await;
}

#[tokio::test]
async fn conversations_are_searched_with_a_key_and_a_session_on_postgres() {
    searched_with_a_key_and_a_session(Backend::Postgres).await;
}

async fn hostile_queries(backend: Backend) {
    let t = TestServer::start_on(backend).await;
    let found = conversation_with(&t, "Eve", "eve@example.com", "enterprise pricing NEAR you, or later").await;
    // Query syntax of either engine is nothing but separators.
    for q in ["\"enterprise", "enterprise*", "-enterprise", "enterprise:*", "(enterprise)", "enterprise & pricing", "!enterprise | pricing",
        "NEAR(you", "enterprise\u{200f}", "enterprise 🙂", "enterprise\0", "enterprise' OR 'you", "ÉNTERPRISE"] {
        let (status, page) = search(&t, q, &[]).await;
        assert_eq!(status, 200, "{q:?}: {page}");
        assert_eq!(ids(&page), [found.clone()], "{q:?}");
    }
    // No word: an empty page, not everything and not an error.
    for q in ["\"", "*", "-", ":", "&|!()", "🙂", "\u{200f}\u{202e}", "\0", "%", "_"] {
        let (status, page) = search(&t, q, &[]).await;
        assert_eq!(status, 200, "{q:?}: {page}");
        assert!(ids(&page).is_empty(), "{q:?}");
    }
    // Blank is no search.
    assert_eq!(ids(&search(&t, "   ", &[]).await.1), [found.clone()]);
    // At most 200 characters (not bytes): a clear 400.
    let (status, _) = search(&t, &"é".repeat(200), &[]).await;
    assert_eq!(status, 200);
    for long in ["x".repeat(201), "🙂".repeat(201), "a ".repeat(5_000)] {
        let (status, body) = search(&t, &long, &[]).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_request")), "{} chars", long.chars().count());
        assert!(body["error"]["message"].as_str().unwrap().contains("q: at most 200 characters"), "{body}");
    }
    // Bytes that are not UTF-8 decode to replacement characters: no word.
    let r = t.http.get(format!("{}?q=%FF%FE", t.url("/v1/conversations"))).bearer_auth(&t.api_key).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(ids(&r.json().await.unwrap()).is_empty());
}

#[tokio::test]
async fn hostile_search_queries_never_fail_on_sqlite() {
    hostile_queries(Backend::Sqlite).await;
}

#[tokio::test]
async fn hostile_search_queries_never_fail_on_postgres() {
    hostile_queries(Backend::Postgres).await;
}

#[tokio::test]
async fn the_openapi_document_types_q() {
    let doc = serde_json::to_value(linktor_server::http::openapi()).unwrap();
    let params = doc["paths"]["/v1/conversations"]["get"]["parameters"].as_array().unwrap();
    let q = params.iter().find(|p| p["name"] == "q").expect("q is documented");
    assert_eq!(q["in"], "query");
    assert_eq!(q["schema"]["maxLength"], linktor_store::search::terms::MAX_QUERY_CHARS);
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["ConversationSummary"].to_string().contains(r##""searchMatch":{"oneOf":[{"type":"null"},{"$ref":"#/components/schemas/SearchMatch""##), "{}", schemas["ConversationSummary"]);
    assert!(schemas["SearchMatch"]["properties"]["snippet"].is_object());
}
