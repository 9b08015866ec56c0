//! The visitor side over HTTP (docs/protocol.md §1, §2, §4): a channel's
//! public widget configuration, visitor sessions, uploads and file downloads.
//! Every call is checked against the channel's allowed domains by `Origin`.

use axum::{
    extract::{ConnectInfo, State},
    http::{header, HeaderMap, StatusCode},
    Json,
};
use chrono::Utc;
use linktor_core::{api::ErrorBody, channel::WidgetConfig, ChannelId, SessionRequest, SessionResponse, UploadedFile};
use linktor_store::ChannelRecord;
use std::net::SocketAddr;

use super::{files, parse_id};
use crate::{
    access::{bearer, check_origin, client_ip},
    error::{ApiError, ApiResult, JsonBody, Multipart, Path},
    services::sessions::VisitorOrigin,
    state::SharedState,
};

/// A channel by its public id, whatever its account (visitors do not know it).
async fn public_channel(st: &SharedState, id: &str) -> ApiResult<ChannelRecord> {
    let id: ChannelId = parse_id(id, "channel")?;
    Ok(st.store.channel_any_account(&id).await?)
}

/// The visitor session of a widget request (`Authorization: Bearer <session token>`), with its
/// channel, once the request's origin is checked against the channel's allowed domains.
pub(super) async fn visitor_session(st: &SharedState, headers: &HeaderMap) -> ApiResult<(crate::tokens::VisitorClaims, ChannelRecord)> {
    let token = bearer(headers).ok_or_else(|| ApiError::Unauthorized("a session token is required".into()))?;
    let claims = st
        .tokens
        .verify(token, Utc::now().timestamp())
        .ok_or_else(|| ApiError::Unauthorized("the session token is invalid or expired".into()))?;
    let channel = st.store.channel_any_account(&claims.c).await?;
    check_origin(&st.config, headers, &channel)?;
    Ok((claims, channel))
}

/// The channel's widget settings: the defaults `init` options override.
#[utoipa::path(get, operation_id = "getWidgetConfig", path = "/v1/widget/channels/{channel_id}/config", tag = "widget",
    params(("channel_id" = linktor_core::ChannelId, Path, description = "Channel id (ch_…)")),
    responses((status = 200, body = WidgetConfig), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_config(State(st): State<SharedState>, Path(channel_id): Path<String>, headers: HeaderMap) -> ApiResult<Json<WidgetConfig>> {
    let channel = public_channel(&st, &channel_id).await?;
    check_origin(&st.config, &headers, &channel)?;
    Ok(Json(st.widget_config(&channel).await?))
}

/// Starts or resumes a visitor session.
#[utoipa::path(post, operation_id = "createVisitorSession", path = "/v1/widget/sessions", tag = "widget", request_body = SessionRequest,
    responses((status = 201, body = SessionResponse), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such channel"), (status = 422, body = ErrorBody)))]
pub async fn create_session(
    State(st): State<SharedState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SessionRequest>,
) -> ApiResult<(StatusCode, Json<SessionResponse>)> {
    let channel = public_channel(&st, req.channel_id.as_str()).await?;
    check_origin(&st.config, &headers, &channel)?;
    let from = VisitorOrigin {
        ip: client_ip(&st.config, &headers, peer),
        origin: headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).filter(|o| o.len() <= 512).map(str::to_owned),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(512).collect()),
    };
    Ok((StatusCode::CREATED, Json(st.start_visitor_session(&channel, req, from).await?)))
}

/// A visitor's upload, checked against the channel's upload policy.
#[utoipa::path(post, operation_id = "uploadVisitorFile", path = "/v1/widget/uploads", tag = "widget",
    request_body(content_type = "multipart/form-data", content = files::UploadForm, description = "one `file` part"),
    responses((status = 201, body = UploadedFile), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody)),
    security(("visitor_token" = [])))]
pub async fn upload(State(st): State<SharedState>, headers: HeaderMap, Multipart(mut multipart): Multipart) -> ApiResult<(StatusCode, Json<UploadedFile>)> {
    let (claims, channel) = visitor_session(&st, &headers).await?;
    let policy = &channel.channel.settings.behavior.file_upload;
    if !policy.enabled {
        return Err(ApiError::Forbidden("file uploads are disabled on this channel".into()));
    }
    let file = files::receive(&mut multipart, policy.max_size).await?;
    let ext = file.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if !policy.allows(&file.mime_type, ext.as_deref()) {
        return Err(ApiError::UnsupportedType(format!("files of type {} are not allowed here", file.mime_type)));
    }
    Ok((StatusCode::CREATED, Json(st.save_file(file, claims.a, Some(claims.c), Some(claims.v)).await?)))
}
