//! `POST /v1/messages` (the spec's `client.messages.send`) and the typing
//! endpoints `POST /v1/webchat/typing/start|stop`.

use axum::{extract::State, http::StatusCode, Json};
use linktor_core::{
    api::{ErrorBody, SendMessageRequest, TypingRequest},
    Message, Sender, SenderType, TypingState,
};
use linktor_store::Owned;

use super::auth::{owned, ApiAccount};
use crate::{
    error::{ApiError, ApiResult, JsonBody},
    state::SharedState,
};

/// Sends a message to a visitor.
#[utoipa::path(post, path = "/v1/messages", tag = "messages", request_body = SendMessageRequest,
    responses((status = 201, body = Message), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn send(
    State(st): State<SharedState>,
    ApiAccount(account): ApiAccount,
    JsonBody(req): JsonBody<SendMessageRequest>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    owned(&st, st.store.channel(&account, &req.channel_id).await, Owned::Channel, req.channel_id.as_str(), "channel").await?;
    owned(&st, st.store.visitor(&account, &req.to).await, Owned::Visitor, req.to.as_str(), "visitor").await?;
    let sender = Sender { sender_type: SenderType::Api, id: "api".into(), name: None, avatar: None };
    let message = st.business_message(&account, &req.channel_id, &req.to, sender, req.content).await?;
    Ok((StatusCode::CREATED, Json(message)))
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
    if conversation.channel_id != req.channel_id {
        return Err(ApiError::Validation(linktor_core::ValidationError::new("conversationId", "not a conversation of this channel")));
    }
    let sender = Sender { sender_type: SenderType::Api, id: "api".into(), name: None, avatar: None };
    st.typing(&account, &conversation.visitor_id, &conversation.id, sender, state).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Shows the typing indicator to the visitor.
#[utoipa::path(post, path = "/v1/webchat/typing/start", tag = "messages", request_body = TypingRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn typing_start(State(st): State<SharedState>, ApiAccount(account): ApiAccount, JsonBody(req): JsonBody<TypingRequest>) -> ApiResult<StatusCode> {
    typing(st, account, req, TypingState::Start).await
}

/// Hides the typing indicator.
#[utoipa::path(post, path = "/v1/webchat/typing/stop", tag = "messages", request_body = TypingRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn typing_stop(State(st): State<SharedState>, ApiAccount(account): ApiAccount, JsonBody(req): JsonBody<TypingRequest>) -> ApiResult<StatusCode> {
    typing(st, account, req, TypingState::Stop).await
}
