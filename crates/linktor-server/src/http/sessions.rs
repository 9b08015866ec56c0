//! Signing in and out of the dashboard: a session cookie (HttpOnly,
//! SameSite=Strict, Secure behind https) and a CSRF token the dashboard echoes
//! on every change. Failed sign-ins are counted per email and per client IP;
//! past `MAX_FAILURES` in `WINDOW` the answer is 429 until the oldest expires.

use axum::{
    extract::{ConnectInfo, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use linktor_core::agent::{validate_password, ChangePasswordRequest, LoginRequest, SessionInfo};
use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use super::auth::{SignedIn, SESSION_COOKIE};
use crate::{
    error::{ApiError, ApiResult, JsonBody},
    passwords,
    state::SharedState,
};

const MAX_FAILURES: usize = 10;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys remembered at most; beyond it the oldest failures are forgotten first.
const MAX_KEYS: usize = 100_000;

/// Recent failed sign-ins by key (`email:…`, `ip:…`). In memory, per node.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// Seconds to wait when any of `keys` is over the limit.
    fn blocked(&self, keys: &[String], now: Instant) -> Option<u64> {
        let mut map = self.failures.lock().expect("limiter lock");
        keys.iter()
            .filter_map(|k| {
                let q = map.get_mut(k)?;
                while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                    q.pop_front();
                }
                (q.len() >= MAX_FAILURES).then(|| (WINDOW - now.duration_since(q[0])).as_secs() + 1)
            })
            .max()
    }

    fn fail(&self, keys: &[String], now: Instant) {
        let mut map = self.failures.lock().expect("limiter lock");
        if map.len() >= MAX_KEYS {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        for k in keys {
            let q = map.entry(k.clone()).or_default();
            q.push_back(now);
            if q.len() > MAX_FAILURES {
                q.pop_front();
            }
        }
    }

    fn succeed(&self, keys: &[String]) {
        let mut map = self.failures.lock().expect("limiter lock");
        for k in keys {
            map.remove(k);
        }
    }
}

fn session_cookie(st: &SharedState, token: &str, max_age: u64) -> HeaderValue {
    let secure = if st.config.public_url.starts_with("https:") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"))
        .expect("cookie is ASCII")
}

/// Signs an agent in.
#[utoipa::path(post, path = "/v1/auth/login", tag = "agents", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo, description = "signed in; the session cookie is set"),
              (status = 401, body = linktor_core::api::ErrorBody), (status = 429, body = linktor_core::api::ErrorBody)))]
pub async fn login(
    State(st): State<SharedState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<LoginRequest>,
) -> ApiResult<Response> {
    let email = req.email.trim().to_ascii_lowercase();
    if email.len() > 320 || req.password.len() > 1024 {
        return Err(ApiError::InvalidCredentials);
    }
    let ip = super::widget::client_ip(&st, &headers, peer);
    let keys = [format!("email:{email}"), format!("ip:{ip}")];
    let now = Instant::now();
    if let Some(secs) = st.logins.blocked(&keys, now) {
        return Err(ApiError::RateLimited(secs));
    }
    let agent = st.store.agent_by_email(&email).await?;
    // Verify against a real hash even for an unknown email, so timing does not tell which emails exist.
    let stored = agent.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| passwords::dummy_hash().to_owned());
    let password = req.password;
    let ok = tokio::task::spawn_blocking(move || passwords::verify(&password, &stored)).await.map_err(anyhow::Error::from)?;
    let Some(agent) = agent.filter(|_| ok) else {
        st.logins.fail(&keys, now);
        return Err(ApiError::InvalidCredentials);
    };
    st.logins.succeed(&keys);
    let (token, csrf_token) = st.store.create_session(&agent.account_id, &agent.id).await?;
    let mut response = Json(SessionInfo { agent: agent.api(), csrf_token }).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, &token, linktor_store::SESSION_IDLE_MS as u64 / 1000));
    Ok(response)
}

/// The signed-in agent and the CSRF token, for a dashboard that (re)loads.
#[utoipa::path(get, path = "/v1/auth/session", tag = "agents",
    responses((status = 200, body = SessionInfo), (status = 401, body = linktor_core::api::ErrorBody)),
    security(("session" = [])))]
pub async fn session(me: SignedIn) -> Json<SessionInfo> {
    Json(SessionInfo { agent: me.agent.api(), csrf_token: me.csrf_token })
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "agents",
    responses((status = 204), (status = 401, body = linktor_core::api::ErrorBody), (status = 403, body = linktor_core::api::ErrorBody)),
    security(("session" = [])))]
pub async fn logout(State(st): State<SharedState>, me: SignedIn) -> ApiResult<Response> {
    st.store.delete_session(&me.token).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, "", 0));
    Ok(response)
}

/// Changes the signed-in agent's password; their other sessions end.
#[utoipa::path(post, path = "/v1/auth/password", tag = "agents", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = linktor_core::api::ErrorBody), (status = 422, body = linktor_core::api::ErrorBody)),
    security(("session" = [])))]
pub async fn change_password(State(st): State<SharedState>, me: SignedIn, JsonBody(req): JsonBody<ChangePasswordRequest>) -> ApiResult<StatusCode> {
    validate_password("newPassword", &req.new_password)?;
    let (current, stored) = (req.current_password, me.agent.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || current.len() <= 1024 && passwords::verify(&current, &stored))
        .await
        .map_err(anyhow::Error::from)?;
    if !ok {
        return Err(ApiError::InvalidCredentials);
    }
    let new = req.new_password;
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&new)).await.map_err(anyhow::Error::from)?.map_err(ApiError::Internal)?;
    st.store.set_password_hash(&me.agent.account_id, &me.agent.id, &hash).await?;
    st.store.delete_agent_sessions(&me.agent.id, Some(&me.token)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_blocks_after_ten_failures_and_forgets_after_the_window() {
        let l = LoginLimiter::default();
        let keys = ["email:a@example.com".to_owned(), "ip:203.0.113.1".to_owned()];
        let t0 = Instant::now();
        for i in 0..MAX_FAILURES {
            assert_eq!(l.blocked(&keys, t0), None, "attempt {i}");
            l.fail(&keys, t0);
        }
        let wait = l.blocked(&keys, t0).expect("blocked");
        assert!(wait > 800 && wait <= 901, "{wait}");
        // Another email from the same IP is blocked too.
        assert!(l.blocked(&["email:b@example.com".into(), keys[1].clone()], t0).is_some());
        assert_eq!(l.blocked(&keys, t0 + WINDOW), None);
        l.succeed(&keys);
        assert_eq!(l.blocked(&keys, t0), None);
    }
}
