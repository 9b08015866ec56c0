//! Saved replies over REST: every agent of the account reads, adds and edits
//! them (they are the team's shared answers), as do API keys.

use axum::{extract::State, http::StatusCode, Json};
use linktor_core::{
    api::ErrorBody,
    inbox::{SavedReply, SavedReplyRequest},
    SavedReplyId,
};
use linktor_store::Owned;

use super::{
    auth::{owned, InboxAccount},
    parse_id,
};
use crate::{
    error::{ApiResult, JsonBody, Path},
    state::SharedState,
};

#[utoipa::path(get, operation_id = "listSavedReplies", path = "/v1/saved-replies", tag = "saved-replies",
    responses((status = 200, body = [SavedReply]), (status = 401, body = ErrorBody)), security(("api_key" = []), ("session" = [])))]
pub async fn list(State(st): State<SharedState>, InboxAccount(account): InboxAccount) -> ApiResult<Json<Vec<SavedReply>>> {
    Ok(Json(st.store.list_saved_replies(&account).await?))
}

#[utoipa::path(post, operation_id = "createSavedReply", path = "/v1/saved-replies", tag = "saved-replies", request_body = SavedReplyRequest,
    responses((status = 201, body = SavedReply), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "the shortcut is taken"), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn create(State(st): State<SharedState>, InboxAccount(account): InboxAccount, JsonBody(req): JsonBody<SavedReplyRequest>) -> ApiResult<(StatusCode, Json<SavedReply>)> {
    req.validate()?;
    Ok((StatusCode::CREATED, Json(st.store.create_saved_reply(&account, &req.shortcut, &req.text).await?)))
}

#[utoipa::path(put, operation_id = "updateSavedReply", path = "/v1/saved-replies/{saved_reply_id}", tag = "saved-replies",
    params(("saved_reply_id" = linktor_core::SavedReplyId, Path)), request_body = SavedReplyRequest,
    responses((status = 200, body = SavedReply), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "the shortcut is taken"), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn update(
    State(st): State<SharedState>,
    InboxAccount(account): InboxAccount,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<SavedReplyRequest>,
) -> ApiResult<Json<SavedReply>> {
    let rid: SavedReplyId = parse_id(&id, "saved reply")?;
    req.validate()?;
    let result = st.store.update_saved_reply(&account, &rid, &req.shortcut, &req.text).await;
    Ok(Json(owned(&st, result, Owned::SavedReply, &id, "saved reply").await?))
}

#[utoipa::path(delete, operation_id = "deleteSavedReply", path = "/v1/saved-replies/{saved_reply_id}", tag = "saved-replies",
    params(("saved_reply_id" = linktor_core::SavedReplyId, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn delete(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let rid: SavedReplyId = parse_id(&id, "saved reply")?;
    owned(&st, st.store.delete_saved_reply(&account, &rid).await, Owned::SavedReply, &id, "saved reply").await?;
    Ok(StatusCode::NO_CONTENT)
}
