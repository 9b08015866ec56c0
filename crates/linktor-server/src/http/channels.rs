//! Channels over the REST API: create, read, update, delete, and the
//! identity-verification secret. A saved change reaches open widgets live.

use axum::{
    extract::State,
    http::StatusCode,
    Json,
};
use linktor_core::{
    api::{Channel, CreateChannelRequest, ErrorBody, UpdateChannelRequest},
    ChannelId,
};
use linktor_store::Owned;

use super::{
    auth::{owned, ApiAccount, InboxAccount},
    parse_id,
};
use crate::{
    error::{ApiResult, JsonBody, Path},
    services::channels::create_channel,
    state::SharedState,
};

#[utoipa::path(get, operation_id = "listChannels", path = "/v1/channels", tag = "channels",
    responses((status = 200, body = [Channel]), (status = 401, body = ErrorBody)), security(("api_key" = []), ("session" = [])))]
pub async fn list(State(st): State<SharedState>, InboxAccount(account): InboxAccount) -> ApiResult<Json<Vec<Channel>>> {
    Ok(Json(st.store.list_channels(&account).await?.into_iter().map(|c| c.channel).collect()))
}

#[utoipa::path(post, operation_id = "createChannel", path = "/v1/channels", tag = "channels", request_body = CreateChannelRequest,
    responses((status = 201, body = Channel), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn create(
    State(st): State<SharedState>,
    ApiAccount(account): ApiAccount,
    JsonBody(req): JsonBody<CreateChannelRequest>,
) -> ApiResult<(StatusCode, Json<Channel>)> {
    Ok((StatusCode::CREATED, Json(create_channel(&st.store, &account, req).await?.channel)))
}

#[utoipa::path(get, operation_id = "getChannel", path = "/v1/channels/{channel_id}", tag = "channels",
    params(("channel_id" = linktor_core::ChannelId, Path)),
    responses((status = 200, body = Channel), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn get(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Path(id): Path<String>) -> ApiResult<Json<Channel>> {
    let cid: ChannelId = parse_id(&id, "channel")?;
    Ok(Json(owned(&st, st.store.channel(&account, &cid).await, Owned::Channel, &id, "channel").await?.channel))
}

#[utoipa::path(patch, operation_id = "updateChannel", path = "/v1/channels/{channel_id}", tag = "channels", request_body = UpdateChannelRequest,
    params(("channel_id" = linktor_core::ChannelId, Path)),
    responses((status = 200, body = Channel), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn update(
    State(st): State<SharedState>,
    ApiAccount(account): ApiAccount,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<UpdateChannelRequest>,
) -> ApiResult<Json<Channel>> {
    let cid: ChannelId = parse_id(&id, "channel")?;
    owned(&st, st.store.channel(&account, &cid).await, Owned::Channel, &id, "channel").await?;
    Ok(Json(st.update_channel(&account, &cid, req).await?.channel))
}

#[utoipa::path(delete, operation_id = "deleteChannel", path = "/v1/channels/{channel_id}", tag = "channels",
    params(("channel_id" = linktor_core::ChannelId, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn delete(State(st): State<SharedState>, ApiAccount(account): ApiAccount, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let cid: ChannelId = parse_id(&id, "channel")?;
    owned(&st, st.store.delete_channel(&account, &cid).await, Owned::Channel, &id, "channel").await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct IdentitySecret {
    /// Key of `userHash` = hex HMAC-SHA256(user.id).
    pub secret: String,
}

#[utoipa::path(get, operation_id = "getIdentitySecret", path = "/v1/channels/{channel_id}/identity-secret", tag = "channels",
    params(("channel_id" = linktor_core::ChannelId, Path)),
    responses((status = 200, body = IdentitySecret), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn identity_secret(State(st): State<SharedState>, ApiAccount(account): ApiAccount, Path(id): Path<String>) -> ApiResult<Json<IdentitySecret>> {
    let cid: ChannelId = parse_id(&id, "channel")?;
    let ch = owned(&st, st.store.channel(&account, &cid).await, Owned::Channel, &id, "channel").await?;
    Ok(Json(IdentitySecret { secret: ch.identity_secret }))
}

#[utoipa::path(post, operation_id = "rotateIdentitySecret", path = "/v1/channels/{channel_id}/identity-secret", tag = "channels",
    params(("channel_id" = linktor_core::ChannelId, Path)),
    responses((status = 200, body = IdentitySecret), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn rotate_identity_secret(State(st): State<SharedState>, ApiAccount(account): ApiAccount, Path(id): Path<String>) -> ApiResult<Json<IdentitySecret>> {
    let cid: ChannelId = parse_id(&id, "channel")?;
    let secret = owned(&st, st.store.rotate_identity_secret(&account, &cid).await, Owned::Channel, &id, "channel").await?;
    Ok(Json(IdentitySecret { secret }))
}
