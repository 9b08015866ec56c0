//! Webhook endpoints, their delivery log and resends; API keys.

use axum::{
    extract::State,
    http::StatusCode,
    Json,
};
use linktor_core::{
    api::{ApiKey, CreateWebhookRequest, CreatedApiKey, CreatedWebhookEndpoint, ErrorBody, WebhookDelivery, WebhookEndpoint},
    ApiKeyId, DeliveryId, WebhookId,
};
use linktor_store::Owned;
use serde::Deserialize;

use super::{
    auth::{owned, ApiAccount},
    parse_id,
};
use crate::{
    error::{ApiResult, JsonBody, Path, Query},
    services::integrations::{create_api_key, create_webhook},
    state::SharedState,
};

#[utoipa::path(get, operation_id = "listWebhooks", path = "/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = [WebhookEndpoint]), (status = 401, body = ErrorBody)), security(("api_key" = []), ("session" = [])))]
pub async fn list(State(st): State<SharedState>, ApiAccount(account): ApiAccount) -> ApiResult<Json<Vec<WebhookEndpoint>>> {
    Ok(Json(st.store.list_webhook_endpoints(&account).await?.into_iter().map(|e| e.endpoint).collect()))
}

#[utoipa::path(post, operation_id = "createWebhook", path = "/v1/webhooks", tag = "webhooks", request_body = CreateWebhookRequest,
    responses((status = 201, body = CreatedWebhookEndpoint), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn create(State(st): State<SharedState>, ApiAccount(account): ApiAccount, JsonBody(req): JsonBody<CreateWebhookRequest>) -> ApiResult<(StatusCode, Json<CreatedWebhookEndpoint>)> {
    let rec = create_webhook(&st.store, &account, req).await?;
    Ok((StatusCode::CREATED, Json(CreatedWebhookEndpoint { endpoint: rec.endpoint, secret: rec.secret })))
}

#[utoipa::path(delete, operation_id = "deleteWebhook", path = "/v1/webhooks/{webhook_id}", tag = "webhooks", params(("webhook_id" = linktor_core::WebhookId, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn delete(State(st): State<SharedState>, ApiAccount(account): ApiAccount, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let wid: WebhookId = parse_id(&id, "webhook")?;
    owned(&st, st.store.delete_webhook_endpoint(&account, &wid).await, Owned::WebhookEndpoint, &id, "webhook").await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// 1–200, default 50.
    limit: Option<i64>,
}

#[utoipa::path(get, operation_id = "listDeliveries", path = "/v1/webhooks/{webhook_id}/deliveries", tag = "webhooks", params(("webhook_id" = linktor_core::WebhookId, Path), DeliveriesQuery),
    responses((status = 200, body = [WebhookDelivery]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn deliveries(State(st): State<SharedState>, ApiAccount(account): ApiAccount, Path(id): Path<String>, Query(q): Query<DeliveriesQuery>) -> ApiResult<Json<Vec<WebhookDelivery>>> {
    let wid: WebhookId = parse_id(&id, "webhook")?;
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    Ok(Json(owned(&st, st.store.list_deliveries(&account, &wid, limit).await, Owned::WebhookEndpoint, &id, "webhook").await?))
}

#[utoipa::path(post, operation_id = "resendDelivery", path = "/v1/webhooks/deliveries/{delivery_id}/resend", tag = "webhooks", params(("delivery_id" = linktor_core::DeliveryId, Path)),
    responses((status = 200, body = WebhookDelivery), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn resend(State(st): State<SharedState>, ApiAccount(account): ApiAccount, Path(id): Path<String>) -> ApiResult<Json<WebhookDelivery>> {
    let did: DeliveryId = parse_id(&id, "delivery")?;
    let d = owned(&st, st.store.resend_delivery(&account, &did).await, Owned::WebhookDelivery, &id, "delivery").await?;
    st.outbox_wake.notify_one();
    Ok(Json(d))
}

#[utoipa::path(get, operation_id = "listApiKeys", path = "/v1/api-keys", tag = "api-keys",
    responses((status = 200, body = [ApiKey]), (status = 401, body = ErrorBody)), security(("api_key" = []), ("session" = [])))]
pub async fn list_keys(State(st): State<SharedState>, ApiAccount(account): ApiAccount) -> ApiResult<Json<Vec<ApiKey>>> {
    Ok(Json(st.store.list_api_keys(&account).await?))
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// 1–128 characters once trimmed (as a channel's name).
    #[schema(pattern = r"^[\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]([\s\S]{0,126}[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$")]
    name: String,
}

#[utoipa::path(post, operation_id = "createApiKey", path = "/v1/api-keys", tag = "api-keys", request_body = CreateApiKeyRequest,
    responses((status = 201, body = CreatedApiKey), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)), security(("api_key" = []), ("session" = [])))]
pub async fn create_key(State(st): State<SharedState>, ApiAccount(account): ApiAccount, JsonBody(req): JsonBody<CreateApiKeyRequest>) -> ApiResult<(StatusCode, Json<CreatedApiKey>)> {
    Ok((StatusCode::CREATED, Json(create_api_key(&st.store, &account, &req.name).await?)))
}

#[utoipa::path(delete, operation_id = "revokeApiKey", path = "/v1/api-keys/{key_id}", tag = "api-keys", params(("key_id" = linktor_core::ApiKeyId, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("api_key" = []), ("session" = [])))]
pub async fn revoke_key(State(st): State<SharedState>, ApiAccount(account): ApiAccount, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let kid: ApiKeyId = parse_id(&id, "API key")?;
    owned(&st, st.store.revoke_api_key(&account, &kid).await, Owned::ApiKey, &id, "API key").await?;
    st.api_keys.forget_all();
    Ok(StatusCode::NO_CONTENT)
}
