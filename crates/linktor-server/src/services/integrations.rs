//! What the customer's backend is given: API keys and webhook endpoints,
//! created with the same validation from the REST API, the dashboard and
//! the CLI.

use linktor_core::{
    api::{CreateWebhookRequest, CreatedApiKey},
    webhook::EVENT_NAMES,
    AccountId, ValidationError,
};
use linktor_store::{EndpointRecord, Store};

use crate::error::ApiResult;

pub async fn create_webhook(store: &Store, account: &AccountId, req: CreateWebhookRequest) -> ApiResult<EndpointRecord> {
    linktor_core::content::url_field("url", &req.url)?;
    for (i, e) in req.events.iter().enumerate() {
        if e != "*" && !EVENT_NAMES.contains(&e.as_str()) {
            return Err(ValidationError::new(format!("events[{i}]"), format!("unknown event; one of {}", EVENT_NAMES.join(", "))).into());
        }
    }
    Ok(store.create_webhook_endpoint(account, &req.url, &req.events).await?)
}

pub async fn create_api_key(store: &Store, account: &AccountId, name: &str) -> ApiResult<CreatedApiKey> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 128 {
        return Err(ValidationError::new("name", "1–128 characters").into());
    }
    let (api_key, key) = store.create_api_key(account, name).await?;
    Ok(CreatedApiKey { api_key, key })
}
