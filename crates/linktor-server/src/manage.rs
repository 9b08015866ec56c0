//! Creating the things an operator creates — channels, webhook endpoints, API
//! keys, agents — with the same validation whether the request comes from the
//! REST API, the dashboard or the CLI.

use linktor_core::{
    allowed_domains,
    api::{CreateChannelRequest, CreateWebhookRequest, CreatedApiKey},
    channel::validate_channel_fields,
    webhook::EVENT_NAMES,
    AccountId, ValidationError,
};
use linktor_store::{Agent, AgentRole, ChannelRecord, EndpointRecord, Store};

use crate::error::{ApiError, ApiResult};

/// "example.com, *.example.com" entries, split and lowercased.
pub fn normalize_domains(domains: &[String]) -> Vec<String> {
    domains.iter().flat_map(|d| allowed_domains::parse_list(d)).collect()
}

pub async fn create_channel(store: &Store, account: &AccountId, req: CreateChannelRequest) -> ApiResult<ChannelRecord> {
    let domains = normalize_domains(&req.allowed_domains);
    let language = req.default_language.unwrap_or_else(|| "en".into());
    let name = req.name.trim();
    validate_channel_fields(name, &domains, &language)?;
    let settings = req.settings.unwrap_or_default();
    settings.validate()?;
    Ok(store.create_channel(account, name, &domains, &language, &settings).await?)
}

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

pub async fn create_agent(store: &Store, account: &AccountId, email: &str, name: &str, role: AgentRole, password: &str) -> ApiResult<Agent> {
    if !linktor_core::is_email(email.trim()) && !email.trim().ends_with("@localhost") {
        return Err(ValidationError::new("email", "must be an email address").into());
    }
    if name.trim().is_empty() || name.chars().count() > 128 {
        return Err(ValidationError::new("name", "1–128 characters").into());
    }
    linktor_core::agent::validate_password("password", password)?;
    let hash = crate::passwords::hash(password).map_err(ApiError::Internal)?;
    Ok(store.create_agent(account, email, name.trim(), role, &hash).await?)
}
