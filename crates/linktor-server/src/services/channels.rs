//! Channels: creating one (the REST API, the dashboard and the CLI validate
//! alike), changing it (open widgets get the new configuration live), and
//! the public widget configuration a page fetches.

use linktor_core::{
    allowed_domains,
    api::{CreateChannelRequest, UpdateChannelRequest},
    channel::{validate_channel_fields, WidgetConfig},
    AccountId, ChannelId,
};
use linktor_store::{ChannelRecord, Store};

use crate::{
    bus::{BusEvent, Topic},
    error::ApiResult,
    state::AppState,
};

/// The setting that names the channel `/demo` chats on (made on first run).
pub const DEMO_CHANNEL_SETTING: &str = "demo_channel_id";

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

impl AppState {
    /// Applies a partial update and tells the channel's open widgets.
    pub async fn update_channel(&self, account: &AccountId, id: &ChannelId, req: UpdateChannelRequest) -> ApiResult<ChannelRecord> {
        let mut channel = self.store.channel(account, id).await?.channel;
        if let Some(name) = req.name {
            channel.name = name.trim().to_owned();
        }
        if let Some(domains) = req.allowed_domains {
            channel.allowed_domains = normalize_domains(&domains);
        }
        if let Some(language) = req.default_language {
            channel.default_language = language;
        }
        if let Some(settings) = req.settings {
            channel.settings = settings;
        }
        validate_channel_fields(&channel.name, &channel.allowed_domains, &channel.default_language)?;
        channel.settings.validate()?;
        let saved = self.store.update_channel(account, &channel).await?;
        let config = self.widget_config(&saved).await?;
        self.bus.publish(&Topic::Channel(id.clone()), BusEvent::Config { config }).await;
        Ok(saved)
    }

    /// What the widget of `channel` starts from: its settings (which `init`
    /// options override) and whether an agent is online now.
    pub async fn widget_config(&self, channel: &ChannelRecord) -> ApiResult<WidgetConfig> {
        let c = &channel.channel;
        Ok(WidgetConfig {
            channel_id: c.id.clone(),
            name: c.name.clone(),
            default_language: c.default_language.clone(),
            appearance: c.settings.appearance.clone(),
            behavior: c.settings.behavior.clone(),
            offline: c.settings.offline.clone(),
            privacy: c.settings.privacy.clone(),
            identity_verification: c.settings.identity_verification,
            agents_online: self.store.agents_online(&channel.account_id).await?,
        })
    }
}
