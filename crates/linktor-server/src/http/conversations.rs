//! Conversations, their messages and visitors over the REST API.

use axum::{
    extract::State,
    http::StatusCode,
    Json,
};
use linktor_core::{
    agent::{AgentTypingRequest, AssignRequest, ConversationSummary, ReplyRequest},
    api::{Conversation, ErrorBody, Page, Visitor},
    ChannelId, ConversationId, ConversationStatus, Message, VisitorId,
};
use linktor_store::{search::terms::MAX_QUERY_CHARS, ConversationFilter, Owned};
use serde::Deserialize;

use super::{
    auth::{owned, InboxAccount, InboxCaller},
    parse_id,
};
use crate::{
    error::{ApiError, ApiResult, JsonBody, Path, Query},
    state::SharedState,
};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    status: Option<ConversationStatus>,
    channel_id: Option<ChannelId>,
    visitor_id: Option<VisitorId>,
    /// Full-text search of message text (button labels, card text and file
    /// names included), visitor name and email, and pre-chat or offline form
    /// answers, without regard to case or accents. Its words (letters and
    /// digits; anything else separates them) must all match, the last letters
    /// of each as a prefix, within one message or within the visitor's
    /// details; `john@example.com` is the three words in a row. Each item
    /// found carries `searchMatch`. A `q` of no word at all finds nothing.
    #[param(max_length = 200)]
    q: Option<String>,
    /// Only conversations with this label.
    #[param(pattern = "^[a-z0-9_-]{1,40}$")]
    label: Option<String>,
    /// `me` (the signed-in agent), `none` (unassigned) or an agent id.
    #[param(pattern = "^(me|none|agent_[A-Za-z0-9_]{1,64})$")]
    assignee: Option<String>,
    /// 1–200, default 50 (others are brought within).
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// A cursor this API gave: milliseconds (or a seq) as digits.
fn cursor_ms(cursor: Option<&str>) -> ApiResult<Option<i64>> {
    cursor
        .map(|c| c.parse::<i64>().ok().filter(|_| c.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| ApiError::BadRequest("cursor is not one this API gave".into())))
        .transpose()
}

#[utoipa::path(get, operation_id = "listConversations", path = "/v1/conversations", tag = "conversations", params(ConversationQuery),
    responses((status = 200, body = Page<ConversationSummary>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn list(State(st): State<SharedState>, caller: InboxCaller, Query(q): Query<ConversationQuery>) -> ApiResult<Json<Page<ConversationSummary>>> {
    let account = caller.account;
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    if q.q.as_ref().is_some_and(|s| s.chars().count() > MAX_QUERY_CHARS) {
        return Err(ApiError::BadRequest(format!("q: at most {MAX_QUERY_CHARS} characters")));
    }
    let (assignee, unassigned) = match q.assignee.as_deref() {
        None => (None, false),
        Some("none") => (None, true),
        Some("me") => match &caller.agent {
            Some(agent) => (Some(agent.id.clone()), false),
            None => return Err(ApiError::Forbidden("assignee=me needs a signed-in agent; an API key names the agent".into())),
        },
        Some(id) => (Some(id.parse().map_err(|_| ApiError::BadRequest("assignee must be me, none or an agent id".into()))?), false),
    };
    let filter = ConversationFilter {
        status: q.status,
        assignee,
        unassigned,
        channel: q.channel_id,
        visitor: q.visitor_id,
        label: q.label.map(|l| linktor_core::inbox::validate_label_name("label", &l).map(|_| l)).transpose()?,
        search: q.q,
        before_ms: cursor_ms(q.cursor.as_deref())?,
        limit,
    };
    let data = st.store.list_conversation_summaries(&account, &filter).await?;
    let next_cursor =
        (data.len() as i64 == limit).then(|| data.last().map(|c| c.conversation.last_activity_at.timestamp_millis().to_string())).flatten();
    Ok(Json(Page { data, next_cursor }))
}

#[utoipa::path(get, operation_id = "getConversation", path = "/v1/conversations/{conversation_id}", tag = "conversations", params(("conversation_id" = linktor_core::ConversationId, Path)),
    responses((status = 200, body = Conversation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn get(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Path(id): Path<String>) -> ApiResult<Json<Conversation>> {
    let cid: ConversationId = parse_id(&id, "conversation")?;
    Ok(Json(owned(&st, st.store.conversation(&account, &cid).await, Owned::Conversation, &id, "conversation").await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// Messages with a higher seq (default 0: from the start).
    after: Option<i64>,
    /// 1–500, default 100.
    limit: Option<i64>,
}

#[utoipa::path(get, operation_id = "listMessages", path = "/v1/conversations/{conversation_id}/messages", tag = "conversations",
    params(("conversation_id" = linktor_core::ConversationId, Path), MessagesQuery),
    responses((status = 200, body = Page<Message>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn messages(
    State(st): State<SharedState>,
    InboxAccount(account): InboxAccount,
    Path(id): Path<String>,
    Query(q): Query<MessagesQuery>,
) -> ApiResult<Json<Page<Message>>> {
    let cid: ConversationId = parse_id(&id, "conversation")?;
    owned(&st, st.store.conversation(&account, &cid).await, Owned::Conversation, &id, "conversation").await?;
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let data = st.store.messages_after(&account, &cid, q.after.unwrap_or(0).max(0), limit).await?;
    let next_cursor = (data.len() as i64 == limit).then(|| data.last().map(|m| m.seq.to_string())).flatten();
    Ok(Json(Page { data, next_cursor }))
}

async fn set_status(st: SharedState, account: linktor_core::AccountId, id: String, status: ConversationStatus) -> ApiResult<Json<Conversation>> {
    let cid: ConversationId = parse_id(&id, "conversation")?;
    owned(&st, st.store.conversation(&account, &cid).await, Owned::Conversation, &id, "conversation").await?;
    Ok(Json(st.set_status(&account, &cid, status).await?))
}

#[utoipa::path(post, operation_id = "resolveConversation", path = "/v1/conversations/{conversation_id}/resolve", tag = "conversations", params(("conversation_id" = linktor_core::ConversationId, Path)),
    responses((status = 200, body = Conversation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn resolve(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Path(id): Path<String>) -> ApiResult<Json<Conversation>> {
    set_status(st, account, id, ConversationStatus::Resolved).await
}

#[utoipa::path(post, operation_id = "reopenConversation", path = "/v1/conversations/{conversation_id}/reopen", tag = "conversations", params(("conversation_id" = linktor_core::ConversationId, Path)),
    responses((status = 200, body = Conversation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn reopen(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Path(id): Path<String>) -> ApiResult<Json<Conversation>> {
    set_status(st, account, id, ConversationStatus::Open).await
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadRequest {
    /// The visitor's messages up to this seq were read (default: all so far).
    #[serde(default)]
    seq: Option<i64>,
}

/// The business side (a bot, a helpdesk) has read the visitor's messages: the
/// widget shows them as read, and `message.read` webhooks follow.
#[utoipa::path(post, operation_id = "markConversationRead", path = "/v1/conversations/{conversation_id}/read", tag = "conversations", params(("conversation_id" = linktor_core::ConversationId, Path)),
    request_body = ReadRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn read(
    State(st): State<SharedState>,
    InboxAccount(account): InboxAccount,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ReadRequest>,
) -> ApiResult<StatusCode> {
    let cid: ConversationId = parse_id(&id, "conversation")?;
    let c = owned(&st, st.store.conversation(&account, &cid).await, Owned::Conversation, &id, "conversation").await?;
    let seq = req.seq.unwrap_or(c.last_seq);
    st.read(&account, &c.channel_id, &c.visitor_id, &cid, linktor_core::Reader::Agent, seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The conversation `id` of the caller's account (403 for another account's).
pub(super) async fn conversation_of(st: &SharedState, account: &linktor_core::AccountId, id: &str) -> ApiResult<Conversation> {
    let cid: ConversationId = parse_id(id, "conversation")?;
    owned(st, st.store.conversation(account, &cid).await, Owned::Conversation, id, "conversation").await
}

/// An agent's reply (a resolved conversation reopens). With `clientId`, a
/// resend answers the stored message instead of sending it twice.
#[utoipa::path(post, operation_id = "replyToConversation", path = "/v1/conversations/{conversation_id}/messages", tag = "conversations", params(("conversation_id" = linktor_core::ConversationId, Path)),
    request_body = ReplyRequest,
    responses((status = 201, body = Message), (status = 200, body = Message, description = "a resend of a stored clientId"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn reply(
    State(st): State<SharedState>,
    caller: InboxCaller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ReplyRequest>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let conversation = conversation_of(&st, &caller.account, &id).await?;
    let appended = st.reply(&caller.account, &conversation, caller.sender(), req.content, req.client_id).await?;
    let status = if appended.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(appended.message)))
}

/// Assigns the conversation to an agent of the account, or unassigns it.
#[utoipa::path(post, operation_id = "assignConversation", path = "/v1/conversations/{conversation_id}/assign", tag = "conversations", params(("conversation_id" = linktor_core::ConversationId, Path)),
    request_body = AssignRequest,
    responses((status = 200, body = Conversation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn assign(
    State(st): State<SharedState>,
    caller: InboxCaller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AssignRequest>,
) -> ApiResult<Json<Conversation>> {
    let account = &caller.account;
    let conversation = conversation_of(&st, account, &id).await?;
    if let Some(agent) = &req.agent_id {
        owned(&st, st.store.agent(account, agent).await, Owned::Agent, agent.as_str(), "agent").await?;
    }
    let by = caller.agent.as_ref().map(|a| &a.id);
    Ok(Json(st.assign(account, &conversation, req.agent_id.as_ref(), by).await?))
}

/// Shows (or hides) "agent is typing" to the visitor and the other agents.
#[utoipa::path(post, operation_id = "setConversationTyping", path = "/v1/conversations/{conversation_id}/typing", tag = "conversations", params(("conversation_id" = linktor_core::ConversationId, Path)),
    request_body = AgentTypingRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn typing(
    State(st): State<SharedState>,
    caller: InboxCaller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AgentTypingRequest>,
) -> ApiResult<StatusCode> {
    let conversation = conversation_of(&st, &caller.account, &id).await?;
    st.typing(&caller.account, &conversation.visitor_id, &conversation.id, caller.sender(), req.state).await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitorsQuery {
    /// 1–200, default 50 (others are brought within).
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "listVisitors", path = "/v1/visitors", tag = "visitors", params(VisitorsQuery),
    responses((status = 200, body = Page<Visitor>), (status = 401, body = ErrorBody)), security(("api_key" = []), ("session" = [])))]
pub async fn list_visitors(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Query(q): Query<VisitorsQuery>) -> ApiResult<Json<Page<Visitor>>> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let data: Vec<Visitor> = st.store.list_visitors(&account, limit, cursor_ms(q.cursor.as_deref())?).await?.into_iter().map(|v| v.visitor).collect();
    let next_cursor = (data.len() as i64 == limit).then(|| data.last().map(|v| v.last_seen_at.timestamp_millis().to_string())).flatten();
    Ok(Json(Page { data, next_cursor }))
}

#[utoipa::path(get, operation_id = "getVisitor", path = "/v1/visitors/{visitor_id}", tag = "visitors", params(("visitor_id" = linktor_core::VisitorId, Path)),
    responses((status = 200, body = Visitor), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn get_visitor(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Path(id): Path<String>) -> ApiResult<Json<Visitor>> {
    let vid: VisitorId = parse_id(&id, "visitor")?;
    Ok(Json(owned(&st, st.store.visitor(&account, &vid).await, Owned::Visitor, &id, "visitor").await?.visitor))
}
