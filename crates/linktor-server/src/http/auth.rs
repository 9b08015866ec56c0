//! Who a request acts for. The customer's backend sends an API key
//! (`Authorization: Bearer <key>`); the dashboard sends its session cookie,
//! and every change it makes carries the session's CSRF token in
//! `X-CSRF-Token`. Roles decide what a session may do: an admin what an API
//! key may, an agent the inbox (`InboxCaller`) and their own settings.
//! Another account's object answers 403, a missing one 404. Requests from
//! this server's own pages are recognised by `same_origin`.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderMap, Method},
};
use linktor_core::{agent::AgentRole, AccountId, Sender, SenderType};
use linktor_store::{Agent, Owned, StoreError};
use subtle::ConstantTimeEq;

use crate::{
    error::{ApiError, ApiResult},
    state::SharedState,
};

/// The dashboard's session cookie.
pub const SESSION_COOKIE: &str = "linktor_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Whoever is calling, authenticated.
#[derive(Clone, Debug)]
pub struct Caller {
    pub account: AccountId,
    /// The signed-in agent; `None` for an API key.
    pub agent: Option<Agent>,
}

/// How an agent appears to the visitor: by name.
pub fn agent_sender(agent: &Agent) -> Sender {
    Sender { sender_type: SenderType::Agent, id: agent.id.to_string(), name: Some(agent.name.clone()), avatar: None }
}

impl Caller {
    /// Who the visitor sees a message or typing from: the agent by name, or the API.
    pub fn sender(&self) -> Sender {
        match &self.agent {
            Some(a) => agent_sender(a),
            None => Sender { sender_type: SenderType::Api, id: "api".into(), name: None, avatar: None },
        }
    }
}

/// The value of cookie `name`, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 200)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim)
}

/// Whether the request comes from this server's own pages: `Origin` is its
/// public URL or the host the request was sent to. Browsers leave `Origin`
/// out of same-origin GETs; they then say `Sec-Fetch-Site: same-origin`, a
/// header no page script can set.
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return headers.get("sec-fetch-site").is_some_and(|v| v == "same-origin");
    };
    if origin == public_url {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}

/// The signed-in session of a request (cookie), with the CSRF token checked
/// for every method that changes something.
pub async fn session_of(headers: &HeaderMap, method: &Method, st: &SharedState) -> ApiResult<(linktor_store::AgentSession, String)> {
    let token = cookie(headers, SESSION_COOKIE).ok_or_else(|| ApiError::Unauthorized("sign in first".into()))?;
    let session = st.store.session(token).await?.ok_or_else(|| ApiError::Unauthorized("the session has ended: sign in again".into()))?;
    if !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let sent = headers.get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
        if !bool::from(sent.ct_eq(session.csrf_token.as_bytes())) {
            return Err(ApiError::CsrfFailed);
        }
    }
    Ok((session, token.to_owned()))
}

impl FromRequestParts<SharedState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &SharedState) -> Result<Self, Self::Rejection> {
        if let Some(key) = bearer(&parts.headers) {
            if key.is_empty() || key.len() > 200 {
                return Err(ApiError::Unauthorized("the API key is invalid or revoked".into()));
            }
            let hash = linktor_store::hash_secret(key);
            if let Some(account) = st.api_keys.get(&hash) {
                return Ok(Caller { account, agent: None });
            }
            return match st.store.authenticate_api_key(key).await? {
                Some(account) => {
                    st.api_keys.put(hash, account.clone());
                    Ok(Caller { account, agent: None })
                }
                None => Err(ApiError::Unauthorized("the API key is invalid or revoked".into())),
            };
        }
        if cookie(&parts.headers, SESSION_COOKIE).is_some() {
            let (session, _) = session_of(&parts.headers, &parts.method, st).await?;
            return Ok(Caller { account: session.agent.account_id.clone(), agent: Some(session.agent) });
        }
        Err(ApiError::Unauthorized("an API key is required: Authorization: Bearer <key> (or sign in to the dashboard)".into()))
    }
}

/// An API key or an admin's session: the account's full API.
pub struct ApiAccount(pub AccountId);

impl FromRequestParts<SharedState> for ApiAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &SharedState) -> Result<Self, Self::Rejection> {
        Self::from_caller(Caller::from_request_parts(parts, st).await?)
    }
}

impl ApiAccount {
    /// The caller's account when the caller may use the full API.
    pub fn from_caller(caller: Caller) -> ApiResult<Self> {
        match &caller.agent {
            Some(agent) if agent.role != AgentRole::Admin => Err(ApiError::Forbidden("this needs an admin".into())),
            _ => Ok(ApiAccount(caller.account)),
        }
    }
}

/// An API key or any agent's session: conversations, visitors, replies.
pub type InboxCaller = Caller;

/// The account of an `InboxCaller`, for handlers that need nothing else.
pub struct InboxAccount(pub AccountId);

impl FromRequestParts<SharedState> for InboxAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &SharedState) -> Result<Self, Self::Rejection> {
        Ok(InboxAccount(Caller::from_request_parts(parts, st).await?.account))
    }
}

/// A signed-in agent (cookie only), with the session's cookie and CSRF tokens.
pub struct SignedIn {
    pub agent: Agent,
    pub token: String,
    pub csrf_token: String,
}

impl FromRequestParts<SharedState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &SharedState) -> Result<Self, Self::Rejection> {
        let (session, token) = session_of(&parts.headers, &parts.method, st).await?;
        Ok(SignedIn { agent: session.agent, token, csrf_token: session.csrf_token })
    }
}

/// Turns a store `NotFound` for `id` into 403 when the row exists in another account.
pub async fn owned<T>(st: &SharedState, result: Result<T, StoreError>, kind: Owned, id: &str, what: &str) -> ApiResult<T> {
    match result {
        Err(StoreError::NotFound) => match st.store.owner_of(kind, id).await? {
            Some(_) => Err(ApiError::Forbidden(format!("this {what} belongs to another account"))),
            None => Err(ApiError::not_found(what)),
        },
        other => Ok(other?),
    }
}

/// Parses a path id; a malformed one is simply not found.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &str) -> ApiResult<T> {
    raw.parse().map_err(|_| ApiError::not_found(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; linktor_session=abc ; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        h.insert(header::COOKIE, "linktor_session=".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), None);
    }

    #[test]
    fn only_this_server_is_same_origin() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "chat.example.com".parse().unwrap());
        assert!(!same_origin(&h, "https://chat.example.com"));
        h.insert(header::ORIGIN, "https://chat.example.com".parse().unwrap());
        assert!(same_origin(&h, "https://chat.example.com"));
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&h, "https://chat.example.com"));
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h, "https://chat.example.com"));
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(same_origin(&h, "https://chat.example.com"), "a same-origin GET carries no Origin");
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!same_origin(&h, "https://chat.example.com"));
    }
}

/// How long a valid API key is taken on trust before it is looked up again.
/// A key revoked through this node's API stops working at once; revoked
/// elsewhere (through another node, or in the database), within this.
pub const API_KEY_TRUST: std::time::Duration = std::time::Duration::from_secs(1);
/// Keys remembered at most: an integration uses one or a few.
const API_KEY_ENTRIES: usize = 1024;

/// Valid API keys seen in the last `API_KEY_TRUST`, by the key's hash. A
/// busy integration sends thousands of requests a second with one key, and
/// each looked it up: on SQLite a read that starts with an empty page cache
/// whenever anything was written since (5% of the server's time at 10,000
/// API messages a second). Keys that fail are never remembered.
#[derive(Default)]
pub struct ApiKeyCache(std::sync::Mutex<std::collections::HashMap<String, (AccountId, std::time::Instant)>>);

impl ApiKeyCache {
    fn get(&self, hash: &str) -> Option<AccountId> {
        let entries = self.0.lock().expect("API key cache");
        entries.get(hash).filter(|(_, seen)| seen.elapsed() < API_KEY_TRUST).map(|(account, _)| account.clone())
    }

    fn put(&self, hash: String, account: AccountId) {
        let mut entries = self.0.lock().expect("API key cache");
        if entries.len() >= API_KEY_ENTRIES {
            entries.retain(|_, (_, seen)| seen.elapsed() < API_KEY_TRUST);
            if entries.len() >= API_KEY_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(hash, (account, std::time::Instant::now()));
    }

    /// Forgets every key, so a revocation through this node holds at once.
    pub fn forget_all(&self) {
        self.0.lock().expect("API key cache").clear();
    }
}
