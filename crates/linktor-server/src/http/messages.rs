//! `POST /v1/messages` (the spec's `client.messages.send`) and the typing
//! endpoints `POST /v1/webchat/typing/start|stop`.

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use linktor_core::{
    api::{Conversation, ErrorBody, SendMessageRequest, TypingRequest},
    validate_client_id, Message, TypingState, ValidationError,
};
use linktor_store::{Owned, StoreError, VisitorRecord};

use super::auth::{api_sender, owned, ApiAccount};
use crate::{
    error::{ApiError, ApiResult, JsonBody},
    state::SharedState,
};

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Sends a message to a visitor. With an `Idempotency-Key` header (1–64 of
/// `[A-Za-z0-9_-]`), a retry of the same key answers the stored message
/// (with `Idempotent-Replayed: true`) instead of sending it twice.
#[utoipa::path(post, operation_id = "sendMessage", path = "/v1/messages", tag = "messages", request_body = SendMessageRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[A-Za-z0-9_-]{1,64}$", description = "makes retries safe: a retry with the same key answers the stored message")),
    responses((status = 201, body = Message), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn send(
    State(st): State<SharedState>,
    ApiAccount(account): ApiAccount,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SendMessageRequest>,
) -> ApiResult<Response> {
    let key = match headers.get(IDEMPOTENCY_KEY) {
        None => None,
        Some(v) => {
            let key = v.to_str().ok().filter(|k| validate_client_id(k).is_ok()).ok_or_else(|| {
                ValidationError::new("Idempotency-Key", "1–64 characters of A–Z, a–z, 0–9, _ or -")
            })?;
            // Keys live beside widget client ids; the prefix keeps the two apart.
            Some(format!("k-{key}"))
        }
    };
    // One read finds the channel, the visitor and its conversation together;
    // when it finds nothing, the reads one by one tell the caller why.
    let (visitor, current) = match st.store.channel_visitor(&account, &req.channel_id, &req.to).await {
        Err(StoreError::NotFound) => why_no_target(&st, &account, &req).await?,
        other => other?,
    };
    let appended = st.business_message(&account, &visitor, current, api_sender(), req.content, key).await?;
    let mut response = (StatusCode::CREATED, Json(appended.message)).into_response();
    if !appended.created {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The error for a channel and visitor that `channel_visitor` did not find
/// together: the channel's (404, or 403 for another account's), else the
/// visitor's, else that the visitor is of another channel (404).
async fn why_no_target(st: &SharedState, account: &linktor_core::AccountId, req: &SendMessageRequest) -> ApiResult<(VisitorRecord, Option<Conversation>)> {
    owned(st, st.store.channel(account, &req.channel_id).await, Owned::Channel, req.channel_id.as_str(), "channel").await?;
    let visitor = owned(st, st.store.visitor(account, &req.to).await, Owned::Visitor, req.to.as_str(), "visitor").await?;
    if visitor.visitor.channel_id != req.channel_id {
        // A visitor of another channel is not one of the channel named, as for typing.
        return Err(ApiError::NotFound(format!("no visitor {} in channel {}", req.to, req.channel_id)));
    }
    // All is in place now: the channel or the visitor came between the reads.
    let current = st.store.current_conversation(account, &visitor.visitor.id).await?;
    Ok((visitor, current))
}

async fn typing(st: SharedState, account: linktor_core::AccountId, req: TypingRequest, state: TypingState) -> ApiResult<StatusCode> {
    let conversation = owned(
        &st,
        st.store.conversation(&account, &req.conversation_id).await,
        Owned::Conversation,
        req.conversation_id.as_str(),
        "conversation",
    )
    .await?;
    // A conversation of another channel is not one of the channel named.
    if conversation.channel_id != req.channel_id {
        return Err(ApiError::NotFound(format!("no conversation {} in channel {}", req.conversation_id, req.channel_id)));
    }
    st.typing(&account, &conversation.visitor_id, &conversation.id, api_sender(), state).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Shows the typing indicator to the visitor.
#[utoipa::path(post, operation_id = "startTyping", path = "/v1/webchat/typing/start", tag = "messages", request_body = TypingRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn typing_start(State(st): State<SharedState>, ApiAccount(account): ApiAccount, JsonBody(req): JsonBody<TypingRequest>) -> ApiResult<StatusCode> {
    typing(st, account, req, TypingState::Start).await
}

/// Hides the typing indicator.
#[utoipa::path(post, operation_id = "stopTyping", path = "/v1/webchat/typing/stop", tag = "messages", request_body = TypingRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn typing_stop(State(st): State<SharedState>, ApiAccount(account): ApiAccount, JsonBody(req): JsonBody<TypingRequest>) -> ApiResult<StatusCode> {
    typing(st, account, req, TypingState::Stop).await
}
