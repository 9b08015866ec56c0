//! Signing in and out of the dashboard: a session cookie (HttpOnly,
//! SameSite=Strict, Secure behind https) and a CSRF token the dashboard echoes
//! on every change. The rules (rate limits, password checks) are
//! `services::sessions`.

use axum::{
    extract::{ConnectInfo, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use linktor_core::{
    agent::{ChangePasswordRequest, LoginRequest, SessionInfo},
    api::ErrorBody,
};
use std::net::SocketAddr;

use super::auth::SignedIn;
use crate::{
    access::{client_ip, SESSION_COOKIE},
    error::{ApiResult, JsonBody},
    state::SharedState,
};

fn session_cookie(st: &SharedState, token: &str, max_age: u64) -> HeaderValue {
    let secure = if st.config.public_url.starts_with("https:") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"))
        .expect("cookie is ASCII")
}

/// Signs an agent in.
#[utoipa::path(post, operation_id = "signIn", path = "/v1/auth/login", tag = "agents", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo, description = "signed in; the session cookie is set"),
              (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(st): State<SharedState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<LoginRequest>,
) -> ApiResult<Response> {
    let ip = client_ip(&st.config, &headers, peer);
    let (info, token) = st.sign_in(&req.email, req.password, ip).await?;
    let mut response = Json(info).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, &token, linktor_store::SESSION_IDLE_MS as u64 / 1000));
    Ok(response)
}

/// The signed-in agent and the CSRF token, for a dashboard that (re)loads.
#[utoipa::path(get, operation_id = "getSession", path = "/v1/auth/session", tag = "agents",
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)),
    security(("session" = [])))]
pub async fn session(me: SignedIn) -> Json<SessionInfo> {
    Json(SessionInfo { agent: me.agent.api(), csrf_token: me.csrf_token })
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(post, operation_id = "signOut", path = "/v1/auth/logout", tag = "agents",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("session" = [])))]
pub async fn logout(State(st): State<SharedState>, me: SignedIn) -> ApiResult<Response> {
    st.store.delete_session(&me.token).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, "", 0));
    Ok(response)
}

/// Changes the signed-in agent's password; their other sessions end.
#[utoipa::path(post, operation_id = "changePassword", path = "/v1/auth/password", tag = "agents", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = [])))]
pub async fn change_password(State(st): State<SharedState>, me: SignedIn, JsonBody(req): JsonBody<ChangePasswordRequest>) -> ApiResult<StatusCode> {
    st.change_password(&me.agent, &me.token, req.current_password, req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
