//! The visitor protocol (docs/protocol.md): session request and response,
//! messages as every client sees them, and the WebSocket frames both ways.
//! Frames are JSON objects tagged by `type`; unknown types and fields are
//! refused so a typo is an error, not silence.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;
use utoipa::{openapi::schema::ObjectBuilder, ToSchema};

use crate::{channel::WidgetConfig, content::HttpUrl, Content, ConversationId, MessageId, ValidationError, VisitorId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the visitor.
    Inbound,
    /// To the visitor (agent, API or system).
    Outbound,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SenderType {
    Visitor,
    Agent,
    Api,
    System,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Sender {
    #[serde(rename = "type")]
    pub sender_type: SenderType,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avatar: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    Sent,
    Delivered,
    Read,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// Position in the conversation, increasing; gaps are possible, repeats never.
    #[ts(type = "number")]
    pub seq: i64,
    pub direction: Direction,
    pub sender: Sender,
    pub content: Content,
    pub status: MessageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reply_to: Option<MessageId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConversationStatus {
    Open,
    Resolved,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Resolved => "resolved",
        }
    }
}

/// What a visitor knows of its conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationRef {
    pub id: ConversationId,
    pub status: ConversationStatus,
    #[ts(type = "number")]
    pub last_seq: i64,
    /// Resolved, and the channel asks for a rating the visitor has not given:
    /// the widget shows the survey (answered with `satisfaction.submit`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub satisfaction_requested: bool,
}

/// The `user` object of `init` and `updateUser`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct VisitorUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(min_length = 1, max_length = 256)]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 256)]
    pub name: Option<String>,
    /// Empty, or an email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 320, pattern = r"^([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(value_type = Option<HttpUrl>)]
    pub avatar: Option<String>,
    #[serde(default)]
    #[ts(optional, as = "Option<Metadata>")]
    #[schema(schema_with = metadata_schema)]
    pub metadata: BTreeMap<String, serde_json::Value>,
}

pub const MAX_METADATA_BYTES: usize = 4096;
pub const MAX_METADATA_KEYS: usize = 50;

/// `user.metadata`: any JSON object of at most 50 keys. Its other limit, 4 KB
/// as JSON, has no JSON Schema keyword; the description says it.
fn metadata_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .max_properties(Some(MAX_METADATA_KEYS))
        .description(Some("Any JSON object: at most 50 keys and 4096 bytes as JSON."))
}

/// `user.metadata` as TypeScript sees it: any JSON object (at most 4 KB).
#[derive(TS)]
#[ts(type = "Record<string, unknown>")]
pub struct Metadata;

impl VisitorUser {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let text = |field: &str, v: &Option<String>, max: usize| match v {
            Some(s) if s.chars().count() > max => Err(ValidationError::new(field, format!("must be at most {max} characters"))),
            _ => Ok(()),
        };
        text("user.id", &self.id, 256)?;
        if self.id.as_deref() == Some("") {
            return Err(ValidationError::new("user.id", "must not be empty"));
        }
        text("user.name", &self.name, 256)?;
        text("user.email", &self.email, 320)?;
        if let Some(email) = &self.email {
            if !email.is_empty() && !is_email(email) {
                return Err(ValidationError::new("user.email", "must be an email address"));
            }
        }
        if let Some(avatar) = &self.avatar {
            crate::content::url_field("user.avatar", avatar)?;
        }
        if self.metadata.len() > MAX_METADATA_KEYS {
            return Err(ValidationError::new("user.metadata", "at most 50 keys"));
        }
        let size = serde_json::to_string(&self.metadata).map(|s| s.len()).unwrap_or(usize::MAX);
        if size > MAX_METADATA_BYTES {
            return Err(ValidationError::new("user.metadata", format!("at most {MAX_METADATA_BYTES} bytes of JSON")));
        }
        Ok(())
    }

    /// Fields of `other` that are set replace ours; metadata keys merge.
    pub fn merge(&mut self, other: VisitorUser) {
        if other.id.is_some() {
            self.id = other.id;
        }
        if other.name.is_some() {
            self.name = other.name;
        }
        if other.email.is_some() {
            self.email = other.email;
        }
        if other.avatar.is_some() {
            self.avatar = other.avatar;
        }
        self.metadata.extend(other.metadata);
    }
}

/// A plausible address: one `@`, something before, a dotted domain after.
pub fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (local, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    parts.next().is_none()
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct SessionPrivacy {
    #[serde(default, rename = "anonymizeIP")]
    #[ts(optional, rename = "anonymizeIP")]
    pub anonymize_ip: Option<bool>,
    /// Days the visitor's data is kept.
    #[serde(default)]
    #[ts(optional)]
    #[schema(minimum = 1, maximum = 3650)]
    pub data_retention: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub cookie_consent: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    pub channel_id: crate::ChannelId,
    #[serde(default)]
    #[ts(optional)]
    pub token: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub user: Option<VisitorUser>,
    #[serde(default)]
    #[ts(optional)]
    pub user_hash: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    #[schema(max_length = 2048)]
    pub page: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    #[schema(max_length = 2048)]
    pub referrer: Option<String>,
    /// The browser's language tag (`navigator.language`).
    #[serde(default)]
    #[ts(optional)]
    #[schema(max_length = 35)]
    pub language: Option<String>,
    /// The browser's time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`),
    /// so agents see the visitor's local time.
    #[serde(default)]
    #[ts(optional)]
    #[schema(pattern = "^[A-Za-z0-9_+/-]{1,64}$", examples("Europe/Lisbon"))]
    pub timezone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub privacy: Option<SessionPrivacy>,
    /// The `linktor_resume` parameter of a link the visitor was emailed:
    /// resumes that visitor and conversation (instead of `token`).
    #[serde(default)]
    #[ts(optional)]
    #[schema(max_length = 1024)]
    pub resume_token: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    pub visitor_id: VisitorId,
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub conversation: Option<ConversationRef>,
    pub messages: Vec<Message>,
    /// Highest seq of the visitor's messages an agent has read.
    #[ts(type = "number")]
    pub read_seq: i64,
    pub identity_verified: bool,
    pub agents_online: bool,
    /// Whether the server sends email: the widget offers the transcript by email.
    #[serde(default)]
    pub email_enabled: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TypingState {
    Start,
    Stop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FormKind {
    Prechat,
    Offline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Reader {
    Agent,
    Visitor,
}

/// Frames a visitor's widget sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
#[serde(deny_unknown_fields)]
pub enum ClientFrame {
    #[serde(rename = "resume")]
    Resume {
        #[ts(type = "number")]
        last_seq: i64,
    },
    #[serde(rename = "message.send")]
    MessageSend { client_id: String, content: Content },
    #[serde(rename = "typing")]
    Typing { state: TypingState },
    #[serde(rename = "read")]
    Read {
        #[ts(type = "number")]
        seq: i64,
    },
    #[serde(rename = "button.click")]
    ButtonClick { message_id: MessageId, button_id: String, client_id: String },
    #[serde(rename = "form.submit")]
    FormSubmit { form: FormKind, fields: BTreeMap<String, String>, client_id: String },
    #[serde(rename = "user.update")]
    UserUpdate { user: VisitorUser },
    /// The visitor rates their resolved conversation (1–5), with an optional comment.
    #[serde(rename = "satisfaction.submit")]
    SatisfactionSubmit {
        rating: u8,
        #[serde(default)]
        #[ts(optional)]
        comment: Option<String>,
    },
    /// The page changed (a load or a single-page navigation): its URL and title.
    #[serde(rename = "page")]
    Page {
        url: String,
        #[serde(default)]
        #[ts(optional)]
        title: Option<String>,
    },
    #[serde(rename = "ping")]
    Ping,
}

/// Frames the server sends to a visitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
pub enum ServerFrame {
    #[serde(rename = "ready")]
    Ready {
        visitor_id: VisitorId,
        conversation_id: Option<ConversationId>,
        #[ts(type = "number")]
        last_seq: i64,
        #[ts(type = "number")]
        read_seq: i64,
        agents_online: bool,
    },
    #[serde(rename = "ack")]
    Ack {
        client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        message: Option<Message>,
    },
    #[serde(rename = "message")]
    Message { message: Message },
    #[serde(rename = "typing")]
    Typing { state: TypingState, sender: Sender },
    #[serde(rename = "read")]
    Read {
        #[ts(type = "number")]
        seq: i64,
        reader: Reader,
    },
    #[serde(rename = "delivered")]
    Delivered {
        #[ts(type = "number")]
        seq: i64,
    },
    #[serde(rename = "availability")]
    Availability { agents_online: bool },
    #[serde(rename = "config")]
    Config { config: WidgetConfig },
    #[serde(rename = "conversation")]
    Conversation { conversation: ConversationRef },
    #[serde(rename = "error")]
    Error {
        code: String,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        client_id: Option<String>,
    },
    #[serde(rename = "pong")]
    Pong,
}

/// `POST /v1/widget/uploads` answer: attach `url` to an image or file message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadedFile {
    pub id: crate::FileId,
    pub url: String,
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mime_type: String,
}

/// A client-made id: 1–64 characters of `[A-Za-z0-9_-]`.
pub fn validate_client_id(id: &str) -> Result<(), ValidationError> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(ValidationError::new("clientId", "1–64 characters of A–Z, a–z, 0–9, _ or -"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn client_frames_parse() {
        let f: ClientFrame = serde_json::from_value(json!({"type": "message.send", "clientId": "c1",
            "content": {"type": "text", "text": "hi"}})).unwrap();
        assert!(matches!(f, ClientFrame::MessageSend { .. }));
        let f: ClientFrame = serde_json::from_value(json!({"type": "resume", "lastSeq": 4})).unwrap();
        assert_eq!(f, ClientFrame::Resume { last_seq: 4 });
        assert!(serde_json::from_value::<ClientFrame>(json!({"type": "nope"})).is_err());
        assert!(serde_json::from_value::<ClientFrame>(json!({"type": "typing", "state": "start", "x": 1})).is_err());
    }

    #[test]
    fn server_frames_serialize_camel_case() {
        let v = serde_json::to_value(ServerFrame::Availability { agents_online: true }).unwrap();
        assert_eq!(v, json!({"type": "availability", "agentsOnline": true}));
    }

    #[test]
    fn the_user_schema_states_the_limits() {
        let schema = serde_json::to_value(<VisitorUser as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["properties"]["metadata"]["maxProperties"], MAX_METADATA_KEYS);
        // Addresses of the pattern's shape, at its edges.
        for email in ["", "a@b.c", ".@-.-", "!#$%&'*+/=?^_`{|}~-@a-.b"] {
            let u = VisitorUser { email: Some(email.into()), ..Default::default() };
            u.validate().unwrap_or_else(|e| panic!("{email}: {e}"));
        }
    }

    #[test]
    fn user_validation() {
        let mut u = VisitorUser { email: Some("not an email".into()), ..Default::default() };
        assert_eq!(u.validate().unwrap_err().field, "user.email");
        u.email = Some("john@example.com".into());
        u.validate().unwrap();
        u.metadata.insert("big".into(), json!("x".repeat(5000)));
        assert_eq!(u.validate().unwrap_err().field, "user.metadata");
        let u = VisitorUser { avatar: Some("javascript:alert(1)".into()), ..Default::default() };
        assert!(u.validate().is_err());
    }
}
