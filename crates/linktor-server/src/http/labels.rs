//! Labels over REST: the account's labels (admins and API keys manage them,
//! every agent reads them) and a conversation's labels.

use axum::{extract::State, http::StatusCode, Json};
use linktor_core::{
    api::{Conversation, ErrorBody},
    inbox::{validate_label_name, CreateLabelRequest, Label, SetLabelsRequest, UpdateLabelRequest},
};

use super::{
    auth::{ApiAccount, InboxAccount},
    conversations::conversation_of,
};
use crate::{
    error::{ApiResult, JsonBody, Path},
    state::SharedState,
};

#[utoipa::path(get, operation_id = "listLabels", path = "/v1/labels", tag = "labels",
    responses((status = 200, body = [Label]), (status = 401, body = ErrorBody)), security(("api_key" = []), ("session" = [])))]
pub async fn list(State(st): State<SharedState>, InboxAccount(account): InboxAccount) -> ApiResult<Json<Vec<Label>>> {
    Ok(Json(st.store.list_labels(&account).await?))
}

#[utoipa::path(post, operation_id = "createLabel", path = "/v1/labels", tag = "labels", request_body = CreateLabelRequest,
    responses((status = 201, body = Label), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "the account has a label of this name"), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn create(State(st): State<SharedState>, ApiAccount(account): ApiAccount, JsonBody(req): JsonBody<CreateLabelRequest>) -> ApiResult<(StatusCode, Json<Label>)> {
    Ok((StatusCode::CREATED, Json(st.create_label(&account, req).await?)))
}

/// A label name from the path: refused as a 404 when it cannot be one.
fn label_name(name: &str) -> ApiResult<&str> {
    validate_label_name("name", name).map_err(|_| crate::error::ApiError::not_found("label"))?;
    Ok(name)
}

#[utoipa::path(patch, operation_id = "updateLabel", path = "/v1/labels/{name}", tag = "labels",
    params(("name" = String, Path, pattern = "^[a-z0-9_-]{1,40}$")), request_body = UpdateLabelRequest,
    responses((status = 200, body = Label), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn update(
    State(st): State<SharedState>,
    ApiAccount(account): ApiAccount,
    Path(name): Path<String>,
    JsonBody(req): JsonBody<UpdateLabelRequest>,
) -> ApiResult<Json<Label>> {
    Ok(Json(st.update_label(&account, label_name(&name)?, req).await?))
}

/// Deletes the label and takes it off every conversation.
#[utoipa::path(delete, operation_id = "deleteLabel", path = "/v1/labels/{name}", tag = "labels",
    params(("name" = String, Path, pattern = "^[a-z0-9_-]{1,40}$")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn delete(State(st): State<SharedState>, ApiAccount(account): ApiAccount, Path(name): Path<String>) -> ApiResult<StatusCode> {
    st.delete_label(&account, label_name(&name)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the conversation's labels (all of them: labels of the account).
#[utoipa::path(put, operation_id = "setConversationLabels", path = "/v1/conversations/{conversation_id}/labels", tag = "labels",
    params(("conversation_id" = linktor_core::ConversationId, Path)), request_body = SetLabelsRequest,
    responses((status = 200, body = Conversation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn set_for_conversation(
    State(st): State<SharedState>,
    InboxAccount(account): InboxAccount,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<SetLabelsRequest>,
) -> ApiResult<Json<Conversation>> {
    let conversation = conversation_of(&st, &account, &id).await?;
    Ok(Json(st.set_labels(&account, &conversation, req).await?))
}
