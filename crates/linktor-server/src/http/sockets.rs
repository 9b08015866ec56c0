//! The WebSocket upgrades: each checks who may open the socket, takes a
//! permit of the connection limit, and hands the socket to `realtime`.

use axum::{
    extract::State,
    http::{HeaderMap, Method},
    response::Response,
};
use linktor_core::api::ErrorBody;
use serde::Deserialize;
use tokio::sync::OwnedSemaphorePermit;

use super::auth::session_of;
use crate::{
    access::{check_origin, same_origin},
    error::{ApiError, ApiResult, Query, WebSocketUpgrade},
    realtime,
    services::VisitorCtx,
    state::SharedState,
};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WsQuery {
    /// The session token from `POST /v1/widget/sessions`.
    token: Option<String>,
}

/// A permit of the connection limit; none left is a temporary refusal.
fn socket_permit(st: &SharedState) -> ApiResult<OwnedSemaphorePermit> {
    st.sockets.clone().try_acquire_owned().map_err(|_| ApiError::Unavailable("the server's connection limit is reached; retry shortly".into()))
}

/// The visitor WebSocket (protocol in docs/protocol.md).
#[utoipa::path(get, operation_id = "visitorSocket", path = "/v1/ws", tag = "widget", params(WsQuery),
    responses((status = 101, description = "WebSocket"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn visitor_ws(State(st): State<SharedState>, Query(q): Query<WsQuery>, headers: HeaderMap, WebSocketUpgrade(ws): WebSocketUpgrade) -> ApiResult<Response> {
    let token = q.token.ok_or_else(|| ApiError::Unauthorized("a session token is required".into()))?;
    let claims = st
        .tokens
        .verify(&token, chrono::Utc::now().timestamp())
        .ok_or_else(|| ApiError::Unauthorized("the session token is invalid or expired".into()))?;
    let channel = match st.store.channel_any_account(&claims.c).await {
        Err(linktor_store::StoreError::NotFound) => return Err(ApiError::Unauthorized("the session's channel no longer exists".into())),
        other => other?,
    };
    check_origin(&st.config, &headers, &channel)?;
    let permit = socket_permit(&st)?;
    let ctx = VisitorCtx { account: claims.a, channel: claims.c, visitor: claims.v };
    Ok(realtime::visitor::accept(st, ctx, ws, permit))
}

/// The dashboard's live events (docs/agent-api.md). Only this server's own
/// pages may open it: another site cannot use the agent's cookie.
#[utoipa::path(get, operation_id = "agentSocket", path = "/v1/agent/ws", tag = "agents",
    responses((status = 101, description = "WebSocket"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("session" = [])))]
pub async fn agent_ws(State(st): State<SharedState>, headers: HeaderMap, WebSocketUpgrade(ws): WebSocketUpgrade) -> ApiResult<Response> {
    if !same_origin(&headers, &st.config.public_url) {
        return Err(ApiError::Forbidden("the agent socket is only for the dashboard of this server".into()));
    }
    let (session, token) = session_of(&headers, &Method::GET, &st).await?;
    let permit = socket_permit(&st)?;
    Ok(realtime::agent::accept(st, session, token, ws, permit))
}
