//! The agent side (docs/agent-api.md): who agents are, what the dashboard
//! sends and receives over REST, the analytics it charts, and the frames of
//! the agent WebSocket. Shaped like the visitor protocol: JSON tagged by
//! `type`, unknown fields refused.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::{
    api::{Conversation, Visitor},
    AgentId, ChannelId, Content, ConversationId, Message, MessageId, Reader, Sender, TypingState, ValidationError, VisitorId,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AgentRole {
    /// Everything, including channels, agents, keys and webhooks.
    Admin,
    /// The inbox and their own availability.
    Agent,
}

impl AgentRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Agent => "agent",
        }
    }
}

/// Only `online` counts as "an agent is available" for the widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Availability {
    Online,
    Away,
    Offline,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Away => "away",
            Self::Offline => "offline",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub id: AgentId,
    pub email: String,
    pub name: String,
    pub role: AgentRole,
    pub availability: Availability,
    pub created_at: DateTime<Utc>,
}

/// `POST /v1/auth/login`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The signed-in agent and the token every change must carry in `X-CSRF-Token`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub agent: Agent,
    pub csrf_token: String,
}

/// `POST /v1/auth/password`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    #[schema(min_length = 10, max_length = 200)]
    pub new_password: String,
}

/// `POST /v1/agents`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateAgentRequest {
    /// An email address (`ana@example.com`), or one at `localhost`.
    #[schema(pattern = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+|localhost)$", examples("ana@example.com"))]
    pub email: String,
    #[schema(min_length = 1, max_length = 128, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub name: String,
    pub role: AgentRole,
    #[schema(min_length = 10, max_length = 200)]
    pub password: String,
}

/// `PUT /v1/agents/me/availability`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityRequest {
    pub availability: Availability,
}

/// `POST /v1/conversations/{id}/messages`: an agent's reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplyRequest {
    pub content: Content,
    /// Makes a resend answer the stored message instead of sending twice.
    #[serde(default)]
    #[ts(optional)]
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub client_id: Option<String>,
}

/// `POST /v1/conversations/{id}/assign`; `null` unassigns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignRequest {
    pub agent_id: Option<AgentId>,
}

/// `POST /v1/conversations/{id}/typing`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentTypingRequest {
    pub state: TypingState,
}

/// A conversation as the inbox lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    #[serde(flatten)]
    pub conversation: Conversation,
    /// Visitor messages after the agents' read mark.
    #[ts(type = "number")]
    pub unread_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_message: Option<Message>,
    pub visitor: Visitor,
    /// With `q`: where the search matched (the latest matching message, or
    /// the visitor's details), for showing the hit and jumping to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub search_match: Option<SearchMatch>,
}

/// Where a search matched a conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchMatch {
    pub source: MatchSource,
    /// The latest matching message (`source: message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message_id: Option<MessageId>,
    /// Its seq, to load the thread around it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub seq: Option<i64>,
    /// An excerpt of the matching text, cut into pieces: those with
    /// `highlight` are the words that matched. Plain text, never markup.
    pub snippet: Vec<SnippetPart>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MatchSource {
    /// A message's text (button titles, card text and file names included).
    Message,
    /// The visitor's name or email.
    Visitor,
    /// The answers of the pre-chat or offline form.
    Form,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct SnippetPart {
    pub text: String,
    pub highlight: bool,
}

/// `GET /v1/analytics`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Analytics {
    /// `YYYY-MM-DD`, inclusive, UTC.
    pub from: String,
    pub to: String,
    /// One entry per day of the period, empty days included.
    pub days: Vec<AnalyticsDay>,
    pub totals: AnalyticsFigures,
    pub channels: Vec<ChannelAnalytics>,
    /// Agents of the account, with the ratings of conversations assigned to them.
    pub agents: Vec<AgentAnalytics>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsFigures {
    /// Conversations started.
    #[ts(type = "number")]
    pub conversations: i64,
    #[ts(type = "number")]
    pub messages: i64,
    /// Mean seconds from the first visitor message to the first reply, for
    /// conversations started in the period; `null` when none was answered.
    pub first_response_seconds: Option<f64>,
    /// Mean seconds from start to resolution, for conversations resolved in the period.
    pub resolution_seconds: Option<f64>,
    /// Satisfaction ratings given in the period.
    #[ts(type = "number")]
    pub ratings: i64,
    /// Their mean (1–5); `null` when none was given.
    pub satisfaction: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsDay {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    #[serde(flatten)]
    pub figures: AnalyticsFigures,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelAnalytics {
    pub channel_id: ChannelId,
    pub name: String,
    #[ts(type = "number")]
    pub conversations: i64,
    #[ts(type = "number")]
    pub messages: i64,
    #[ts(type = "number")]
    pub ratings: i64,
    pub satisfaction: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentAnalytics {
    pub agent_id: AgentId,
    pub name: String,
    /// Ratings given in the period to conversations assigned to the agent.
    #[ts(type = "number")]
    pub ratings: i64,
    pub satisfaction: Option<f64>,
}

/// Frames the dashboard sends on `/v1/agent/ws`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
#[serde(deny_unknown_fields)]
pub enum AgentClientFrame {
    #[serde(rename = "typing")]
    Typing { conversation_id: ConversationId, state: TypingState },
    /// The agent has read the visitor's messages up to `seq`.
    #[serde(rename = "read")]
    Read {
        conversation_id: ConversationId,
        #[ts(type = "number")]
        seq: i64,
    },
    #[serde(rename = "ping")]
    Ping,
}

/// Frames the server sends to the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
pub enum AgentServerFrame {
    #[serde(rename = "ready")]
    Ready { agent: Agent },
    #[serde(rename = "message")]
    Message { message: Message, visitor_id: VisitorId, channel_id: ChannelId },
    #[serde(rename = "conversation")]
    Conversation { conversation: Conversation },
    #[serde(rename = "typing")]
    Typing { conversation_id: ConversationId, visitor_id: VisitorId, sender: Sender, state: TypingState },
    #[serde(rename = "read")]
    Read {
        conversation_id: ConversationId,
        #[ts(type = "number")]
        seq: i64,
        reader: Reader,
    },
    #[serde(rename = "delivered")]
    Delivered {
        conversation_id: ConversationId,
        #[ts(type = "number")]
        seq: i64,
    },
    #[serde(rename = "agent.availability")]
    AgentAvailability { agent_id: AgentId, availability: Availability },
    /// A note or system event was added to a conversation's activity.
    #[serde(rename = "activity")]
    Activity { activity: crate::inbox::Activity },
    #[serde(rename = "error")]
    Error { code: String, message: String },
    #[serde(rename = "pong")]
    Pong,
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// A new password: 10–200 characters.
pub fn validate_password(field: &str, password: &str) -> Result<(), ValidationError> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(ValidationError::new(field, format!("{MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_round_trip() {
        let f: AgentClientFrame =
            serde_json::from_value(json!({"type": "read", "conversationId": "conv_abc", "seq": 3})).unwrap();
        assert!(matches!(f, AgentClientFrame::Read { seq: 3, .. }));
        assert!(serde_json::from_value::<AgentClientFrame>(json!({"type": "read", "conversationId": "conv_abc", "seq": 3, "x": 1})).is_err());
        let v = serde_json::to_value(AgentServerFrame::AgentAvailability {
            agent_id: "agent_x".parse().unwrap(),
            availability: Availability::Away,
        })
        .unwrap();
        assert_eq!(v, json!({"type": "agent.availability", "agentId": "agent_x", "availability": "away"}));
    }

    #[test]
    fn the_password_schema_states_the_bounds() {
        let create = serde_json::to_value(<CreateAgentRequest as utoipa::PartialSchema>::schema()).unwrap();
        let change = serde_json::to_value(<ChangePasswordRequest as utoipa::PartialSchema>::schema()).unwrap();
        for p in [&create["properties"]["password"], &change["properties"]["newPassword"]] {
            assert_eq!(p["minLength"], MIN_PASSWORD_CHARS);
            assert_eq!(p["maxLength"], MAX_PASSWORD_CHARS);
        }
    }

    #[test]
    fn agent_emails_of_the_pattern_are_taken() {
        // The server takes `is_email` or `…@localhost`; these match the pattern, at its edges.
        for email in ["a@localhost", "a@b.c", ".@-.-", "!#$%&'*+/=?^_`{|}~-@a-.b"] {
            assert!(crate::is_email(email) || email.ends_with("@localhost"), "{email}");
        }
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(validate_password("p", "short").is_err());
        assert!(validate_password("p", &"x".repeat(201)).is_err());
        validate_password("p", "long enough!").unwrap();
    }
}
