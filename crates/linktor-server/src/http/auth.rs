//! Who a request acts for. The customer's backend sends an API key
//! (`Authorization: Bearer <key>`); the dashboard sends its session cookie,
//! and every change it makes carries the session's CSRF token in
//! `X-CSRF-Token`. Roles decide what a session may do: an admin what an API
//! key may, an agent the inbox (`InboxCaller`) and their own settings.
//! Another account's object answers 403, a missing one 404.

use axum::{
    extract::FromRequestParts,
    http::{request::Parts, HeaderMap, Method},
};
use linktor_core::{agent::AgentRole, AccountId, Sender, SenderType};
use linktor_store::{Agent, AgentSession, Owned};

use crate::{
    access::{bearer, cookie, CSRF_HEADER, SESSION_COOKIE},
    error::{ApiError, ApiResult},
    services::sessions::agent_sender,
    state::SharedState,
};

/// Whoever is calling, authenticated.
#[derive(Clone, Debug)]
pub struct Caller {
    pub account: AccountId,
    /// The signed-in agent; `None` for an API key.
    pub agent: Option<Agent>,
}

impl Caller {
    /// Who the visitor sees a message or typing from: the agent by name, or the API.
    pub fn sender(&self) -> Sender {
        match &self.agent {
            Some(a) => agent_sender(a),
            None => api_sender(),
        }
    }
}

/// How the customer's backend appears to the visitor.
pub fn api_sender() -> Sender {
    Sender { sender_type: SenderType::Api, id: "api".into(), name: None, avatar: None }
}

/// The signed-in session of a request (cookie), with the CSRF token checked
/// for every method that changes something; and the cookie's token.
pub async fn session_of(headers: &HeaderMap, method: &Method, st: &SharedState) -> ApiResult<(AgentSession, String)> {
    let token = cookie(headers, SESSION_COOKIE).ok_or_else(|| ApiError::Unauthorized("sign in first".into()))?;
    let csrf = (!matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS))
        .then(|| headers.get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default());
    Ok((st.agent_session(token, csrf).await?, token.to_owned()))
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

/// A "not found" for `id` becomes 403 when the row exists in another
/// account; every other outcome passes as it is.
pub async fn owned<T, E: Into<ApiError>>(st: &SharedState, result: Result<T, E>, kind: Owned, id: &str, what: &str) -> ApiResult<T> {
    match result.map_err(Into::into) {
        Err(ApiError::NotFound(_)) => match st.store.owner_of(kind, id).await? {
            Some(_) => Err(ApiError::Forbidden(format!("this {what} belongs to another account"))),
            None => Err(ApiError::not_found(what)),
        },
        other => other,
    }
}
