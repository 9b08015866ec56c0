//! REST API bodies for the customer's backend (`Authorization: Bearer <key>`):
//! what `@linktor/sdk` and `linktor-sdk` send and receive.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::{
    allowed_domains::DomainPattern,
    channel::{ChannelSettings, Language},
    content::HttpUrl,
    webhook::EventFilter,
    AgentId, ChannelId, Content, ConversationId, ConversationStatus, DeliveryId, VisitorId,
    VisitorUser, WebhookId,
};

/// `POST /v1/messages`: exactly the object of the spec's `client.messages.send`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    pub channel_id: ChannelId,
    /// The visitor id from the session (`visitor_…`).
    pub to: VisitorId,
    pub content: Content,
}

/// `POST /v1/webchat/typing/start` and `/stop`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct TypingRequest {
    pub channel_id: ChannelId,
    pub conversation_id: ConversationId,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub id: ChannelId,
    /// Always `webchat`.
    #[serde(rename = "type")]
    pub channel_type: String,
    pub name: String,
    #[schema(value_type = Vec<DomainPattern>)]
    pub allowed_domains: Vec<String>,
    #[schema(value_type = Language)]
    pub default_language: String,
    pub settings: ChannelSettings,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct CreateChannelRequest {
    /// 1–128 characters once white space is trimmed from both ends.
    #[schema(pattern = r"^[\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]([\s\S]{0,126}[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$")]
    pub name: String,
    #[schema(value_type = Vec<DomainPattern>, min_items = 1, max_items = 100)]
    pub allowed_domains: Vec<String>,
    /// `en` when absent.
    #[serde(default)]
    #[ts(optional)]
    #[schema(value_type = Option<Language>)]
    pub default_language: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub settings: Option<ChannelSettings>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelRequest {
    #[serde(default)]
    #[ts(optional)]
    /// 1–128 characters once white space is trimmed from both ends.
    #[schema(pattern = r"^[\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]([\s\S]{0,126}[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$")]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    #[schema(value_type = Option<Vec<DomainPattern>>, min_items = 1, max_items = 100)]
    pub allowed_domains: Option<Vec<String>>,
    #[serde(default)]
    #[ts(optional)]
    #[schema(value_type = Option<Language>)]
    pub default_language: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub settings: Option<ChannelSettings>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Visitor {
    pub id: VisitorId,
    pub channel_id: ChannelId,
    pub user: VisitorUser,
    pub identity_verified: bool,
    /// `page`, `referrer`, `userAgent`, `language`, `ip` as last seen.
    #[ts(type = "Record<string, string>")]
    pub context: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub id: ConversationId,
    pub channel_id: ChannelId,
    pub visitor_id: VisitorId,
    pub status: ConversationStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub assignee_id: Option<AgentId>,
    #[ts(type = "number")]
    pub last_seq: i64,
    /// Answers of the pre-chat form.
    #[ts(type = "Record<string, string>")]
    pub pre_chat: BTreeMap<String, String>,
    /// Label names of the account, sorted.
    #[serde(default)]
    pub labels: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpoint {
    pub id: WebhookId,
    pub url: String,
    /// Event names; empty means every event.
    #[schema(value_type = Vec<EventFilter>)]
    pub events: Vec<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedWebhookEndpoint {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// The signing secret, shown once.
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    #[schema(value_type = HttpUrl)]
    pub url: String,
    /// Event names, or `*`; empty or absent means every event.
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<String>>")]
    #[schema(value_type = Vec<EventFilter>)]
    pub events: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    pub id: DeliveryId,
    pub endpoint_id: WebhookId,
    pub event: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub attempt_log: Vec<DeliveryAttempt>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttempt {
    pub at: DateTime<Utc>,
    /// HTTP status, absent when the request failed (timeout, refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status_code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<String>,
    #[ts(type = "number")]
    pub duration_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: crate::ApiKeyId,
    pub name: String,
    /// First characters of the key, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// The secret key, shown once.
    pub key: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}
