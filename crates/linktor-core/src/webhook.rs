//! Webhook events: the bodies POSTed to customers' endpoints, exactly as the
//! spec shows them (`{ "event", "data" }`), and the signature scheme.
//!
//! Signature: header `Linktor-Signature: t=<unix seconds>,v1=<hex>` where hex is
//! HMAC-SHA256 of `"<t>.<raw body>"` with the endpoint's secret.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;
use utoipa::{
    openapi::{
        schema::{ObjectBuilder, Schema, Type},
        RefOr,
    },
    PartialSchema, ToSchema,
};

use crate::{identity, ChannelId, Content, ConversationId, Direction, FormKind, MessageId, VisitorId};

pub const SIGNATURE_HEADER: &str = "Linktor-Signature";
pub const EVENT_HEADER: &str = "Linktor-Event";
pub const DELIVERY_HEADER: &str = "Linktor-Delivery";

/// Every event name, for validating filters.
pub const EVENT_NAMES: &[&str] = &[
    "webchat.conversation.started",
    "webchat.conversation.resolved",
    "webchat.button.clicked",
    "webchat.form.submitted",
    "webchat.csat.submitted",
    "message.received",
    "message.sent",
    "message.delivered",
    "message.read",
];

/// The schema of an endpoint's event filter entry (`#[schema(value_type = EventFilter)]`):
/// one of `EVENT_NAMES`, or `*` for all.
pub struct EventFilter;

impl PartialSchema for EventFilter {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(EVENT_NAMES.iter().copied().chain(["*"])))
            .description(Some("An event name, or `*` for every event."))
            .into()
    }
}

impl ToSchema for EventFilter {}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookVisitor {
    pub id: VisitorId,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email: Option<String>,
    /// `page`, `referrer`, `userAgent`, `language` and the page's `user.metadata`.
    #[ts(type = "Record<string, unknown>")]
    #[schema(value_type = Object)]
    pub metadata: BTreeMap<String, serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationStarted {
    pub conversation_id: ConversationId,
    pub channel_id: ChannelId,
    pub visitor: WebhookVisitor,
    pub timestamp: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationResolved {
    pub conversation_id: ConversationId,
    pub channel_id: ChannelId,
    pub visitor: VisitorId,
    /// The conversation's labels when it was resolved.
    #[serde(default)]
    pub labels: Vec<String>,
    pub timestamp: DateTime<Utc>,
}

/// `webchat.csat.submitted`: the visitor rated a resolved conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CsatSubmitted {
    pub conversation_id: ConversationId,
    pub channel_id: ChannelId,
    pub visitor: VisitorId,
    /// 1 (very unhappy) to 5 (very happy).
    pub rating: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub comment: Option<String>,
    /// The agent the conversation was assigned to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub agent_id: Option<crate::AgentId>,
    pub labels: Vec<String>,
    pub timestamp: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageEventMetadata {
    pub conversation_id: ConversationId,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub page: Option<String>,
}

/// `message.received` (inbound) and `message.sent` (outbound).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageEvent {
    pub id: MessageId,
    pub channel_id: ChannelId,
    /// Always `webchat`.
    pub channel_type: String,
    pub direction: Direction,
    pub from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to: Option<String>,
    pub content: Content,
    pub timestamp: DateTime<Utc>,
    pub metadata: MessageEventMetadata,
}

/// `message.delivered` and `message.read`: an outbound message reached or was
/// read by the visitor, or an inbound one by an agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageStatusEvent {
    pub id: MessageId,
    pub channel_id: ChannelId,
    pub channel_type: String,
    pub direction: Direction,
    pub conversation_id: ConversationId,
    pub visitor: VisitorId,
    pub timestamp: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ButtonClicked {
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    pub button_id: String,
    pub visitor: VisitorId,
    pub timestamp: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FormSubmitted {
    pub conversation_id: ConversationId,
    pub channel_id: ChannelId,
    pub visitor: VisitorId,
    pub form: FormKind,
    pub fields: BTreeMap<String, String>,
    pub timestamp: DateTime<Utc>,
}

/// One webhook body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "event", content = "data")]
pub enum WebhookEvent {
    #[serde(rename = "webchat.conversation.started")]
    ConversationStarted(ConversationStarted),
    #[serde(rename = "webchat.conversation.resolved")]
    ConversationResolved(ConversationResolved),
    #[serde(rename = "webchat.button.clicked")]
    ButtonClicked(ButtonClicked),
    #[serde(rename = "webchat.form.submitted")]
    FormSubmitted(FormSubmitted),
    #[serde(rename = "webchat.csat.submitted")]
    CsatSubmitted(CsatSubmitted),
    #[serde(rename = "message.received")]
    MessageReceived(MessageEvent),
    #[serde(rename = "message.sent")]
    MessageSent(MessageEvent),
    #[serde(rename = "message.delivered")]
    MessageDelivered(MessageStatusEvent),
    #[serde(rename = "message.read")]
    MessageRead(MessageStatusEvent),
}

impl WebhookEvent {
    pub fn name(&self) -> &'static str {
        match self {
            Self::ConversationStarted(_) => "webchat.conversation.started",
            Self::ConversationResolved(_) => "webchat.conversation.resolved",
            Self::ButtonClicked(_) => "webchat.button.clicked",
            Self::FormSubmitted(_) => "webchat.form.submitted",
            Self::CsatSubmitted(_) => "webchat.csat.submitted",
            Self::MessageReceived(_) => "message.received",
            Self::MessageSent(_) => "message.sent",
            Self::MessageDelivered(_) => "message.delivered",
            Self::MessageRead(_) => "message.read",
        }
    }
}

/// Whether an endpoint's filter takes `event`: an empty filter or `*` takes all.
pub fn filter_accepts(filter: &[String], event: &str) -> bool {
    filter.is_empty() || filter.iter().any(|f| f == "*" || f == event)
}

/// The `Linktor-Signature` header value for `body` sent at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    format!("t={timestamp},v1={}", identity::hmac_hex(secret.as_bytes(), &signed))
}

/// Verifies a `Linktor-Signature` header: the HMAC matches and the timestamp
/// is within `tolerance_secs` of `now` (replay protection).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> bool {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (now - t).abs() > tolerance_secs {
        return false;
    }
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(body);
    sigs.iter().any(|s| identity::verify_hmac_hex(secret.as_bytes(), &signed, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn button_clicked_has_the_spec_shape() {
        let e = WebhookEvent::ButtonClicked(ButtonClicked {
            conversation_id: "conv_abc123".parse().unwrap(),
            message_id: "msg_abc123".parse().unwrap(),
            button_id: "rating_great".into(),
            visitor: "visitor_xyz".parse().unwrap(),
            timestamp: "2024-01-15T10:31:00Z".parse().unwrap(),
        });
        assert_eq!(serde_json::to_value(&e).unwrap(), json!({
            "event": "webchat.button.clicked",
            "data": {"conversationId": "conv_abc123", "messageId": "msg_abc123", "buttonId": "rating_great",
                     "visitor": "visitor_xyz", "timestamp": "2024-01-15T10:31:00Z"}
        }));
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let h = sign("whsec", 1_700_000_000, b"{\"a\":1}");
        assert!(verify("whsec", &h, b"{\"a\":1}", 1_700_000_100, 300));
        assert!(!verify("whsec", &h, b"{\"a\":2}", 1_700_000_100, 300));
        assert!(!verify("other", &h, b"{\"a\":1}", 1_700_000_100, 300));
        assert!(!verify("whsec", &h, b"{\"a\":1}", 1_700_001_000, 300));
        assert!(!verify("whsec", "garbage", b"{\"a\":1}", 1_700_000_000, 300));
    }

    #[test]
    fn filters() {
        assert!(filter_accepts(&[], "message.received"));
        assert!(filter_accepts(&["message.received".into()], "message.received"));
        assert!(!filter_accepts(&["message.sent".into()], "message.received"));
    }
}
