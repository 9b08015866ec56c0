//! A conversation's activity (private notes and system events) and a
//! visitor's pages, over REST: the agents' side only.

use axum::{extract::State, http::StatusCode, Json};
use linktor_core::{
    api::ErrorBody,
    inbox::{Activity, NoteRequest, PageView},
    VisitorId,
};
use linktor_store::Owned;

use super::{
    auth::{owned, InboxAccount, InboxCaller},
    conversations::conversation_of,
    parse_id,
};
use crate::{
    error::{ApiResult, JsonBody, Path},
    state::SharedState,
};

/// Notes, assignment events and satisfaction ratings, oldest first.
#[utoipa::path(get, operation_id = "listConversationActivity", path = "/v1/conversations/{conversation_id}/activity", tag = "conversations",
    params(("conversation_id" = linktor_core::ConversationId, Path)),
    responses((status = 200, body = [Activity]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn list(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Path(id): Path<String>) -> ApiResult<Json<Vec<Activity>>> {
    let conversation = conversation_of(&st, &account, &id).await?;
    Ok(Json(st.store.activity(&account, &conversation.id).await?))
}

/// A private note: agents see it in the conversation; the visitor, emails
/// and webhooks never do.
#[utoipa::path(post, operation_id = "addConversationNote", path = "/v1/conversations/{conversation_id}/notes", tag = "conversations",
    params(("conversation_id" = linktor_core::ConversationId, Path)), request_body = NoteRequest,
    responses((status = 201, body = Activity), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn add_note(
    State(st): State<SharedState>,
    caller: InboxCaller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<NoteRequest>,
) -> ApiResult<(StatusCode, Json<Activity>)> {
    let conversation = conversation_of(&st, &caller.account, &id).await?;
    let note = st.add_note(&caller.account, &conversation.id, caller.agent.as_ref().map(|a| &a.id), req).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The pages the visitor viewed, oldest first (the latest 50).
#[utoipa::path(get, operation_id = "listVisitorPages", path = "/v1/visitors/{visitor_id}/pages", tag = "visitors",
    params(("visitor_id" = linktor_core::VisitorId, Path)),
    responses((status = 200, body = [PageView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn pages(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Path(id): Path<String>) -> ApiResult<Json<Vec<PageView>>> {
    let vid: VisitorId = parse_id(&id, "visitor")?;
    owned(&st, st.store.visitor(&account, &vid).await, Owned::Visitor, &id, "visitor").await?;
    Ok(Json(st.store.page_views(&account, &vid).await?))
}
