//! What agents keep beside the conversation itself (docs/agent-api.md):
//! labels, saved replies, a conversation's activity (private notes and the
//! system events of assignment and satisfaction) and the channel's inbox
//! rules. None of it ever reaches a visitor: the widget's frames carry none
//! of these types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::{content::text_field, ActivityId, AgentId, ConversationId, SavedReplyId, ValidationError};

/// A label's name: lower-case letters, digits, `-` and `_`, 1–40 of them.
pub const LABEL_PATTERN: &str = "^[a-z0-9_-]{1,40}$";
pub const MAX_LABELS_PER_CONVERSATION: usize = 20;
/// A saved reply's shortcut, typed after `/` in the composer.
pub const SHORTCUT_PATTERN: &str = "^[a-z0-9_-]{1,32}$";
pub const MAX_NOTE_CHARS: usize = 4096;
pub const MAX_COMMENT_CHARS: usize = 1024;

fn matches_class(value: &str, max: usize) -> bool {
    (1..=max).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

pub fn validate_label_name(field: &str, name: &str) -> Result<(), ValidationError> {
    if matches_class(name, 40) {
        Ok(())
    } else {
        Err(ValidationError::new(field, "1–40 lower-case letters, digits, - or _"))
    }
}

fn validate_color(field: &str, color: &str) -> Result<(), ValidationError> {
    let hex = color.strip_prefix('#').unwrap_or("");
    if matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(ValidationError::new(field, "must be #RGB or #RRGGBB"))
    }
}

/// The schema of a label name (`#[schema(value_type = LabelName)]`).
pub struct LabelName;

impl utoipa::PartialSchema for LabelName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(LABEL_PATTERN))
            .examples(["billing"])
            .into()
    }
}

impl ToSchema for LabelName {}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    pub name: String,
    pub color: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

/// `POST /v1/labels`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateLabelRequest {
    #[schema(pattern = "^[a-z0-9_-]{1,40}$", examples("billing"))]
    pub name: String,
    /// `#RGB` or `#RRGGBB`; default a grey.
    #[serde(default)]
    #[ts(optional)]
    #[schema(pattern = "^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")]
    pub color: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    #[schema(max_length = 200)]
    pub description: Option<String>,
}

impl CreateLabelRequest {
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_label_name("name", &self.name)?;
        validate_looks(self.color.as_deref(), self.description.as_deref())
    }
}

/// A label's colour and description, as created or changed.
fn validate_looks(color: Option<&str>, description: Option<&str>) -> Result<(), ValidationError> {
    if let Some(c) = color {
        validate_color("color", c)?;
    }
    if let Some(d) = description {
        text_field("description", d, 200, false)?;
    }
    Ok(())
}

/// `PATCH /v1/labels/{name}`: a label's name is its identity and does not change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateLabelRequest {
    #[serde(default)]
    #[ts(optional)]
    #[schema(pattern = "^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")]
    pub color: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    #[schema(max_length = 200)]
    pub description: Option<String>,
}

impl UpdateLabelRequest {
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_looks(self.color.as_deref(), self.description.as_deref())
    }
}

/// `PUT /v1/conversations/{id}/labels`: the conversation's labels, all of
/// them (labels of the account; an unknown name is refused).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetLabelsRequest {
    #[schema(max_items = 20, value_type = Vec<LabelName>)]
    pub labels: Vec<String>,
}

impl SetLabelsRequest {
    /// The names, validated, sorted and without repeats.
    pub fn names(&self) -> Result<Vec<String>, ValidationError> {
        if self.labels.len() > MAX_LABELS_PER_CONVERSATION {
            return Err(ValidationError::new("labels", format!("at most {MAX_LABELS_PER_CONVERSATION} labels")));
        }
        for (i, l) in self.labels.iter().enumerate() {
            validate_label_name(&format!("labels[{i}]"), l)?;
        }
        let mut names = self.labels.clone();
        names.sort();
        names.dedup();
        Ok(names)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SavedReply {
    pub id: SavedReplyId,
    /// Typed as `/shortcut` in the composer.
    pub shortcut: String,
    /// May hold `{{visitor.name}}`, `{{visitor.email}}`, `{{agent.name}}`, filled in when inserted.
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /v1/saved-replies` and `PUT /v1/saved-replies/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedReplyRequest {
    #[schema(pattern = "^[a-z0-9_-]{1,32}$", examples("thanks"))]
    pub shortcut: String,
    #[schema(min_length = 1, max_length = 4096, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub text: String,
}

impl SavedReplyRequest {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !matches_class(&self.shortcut, 32) {
            return Err(ValidationError::new("shortcut", "1–32 lower-case letters, digits, - or _"));
        }
        text_field("text", &self.text, crate::content::MAX_TEXT_CHARS, true)
    }
}

/// What happened, in a conversation's activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActivityKind {
    /// A private note: `text` by `agentId`.
    Note,
    /// Assigned to `assigneeId` (from `previousAssigneeId`, if any), by
    /// `agentId`, or automatically when that is absent.
    Assigned,
    /// Unassigned from `previousAssigneeId`, by `agentId` (absent: the API).
    Unassigned,
    /// The visitor rated the conversation `rating` (1–5), with `text` as comment.
    Satisfaction,
}

impl ActivityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Assigned => "assigned",
            Self::Unassigned => "unassigned",
            Self::Satisfaction => "satisfaction",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "note" => Self::Note,
            "assigned" => Self::Assigned,
            "unassigned" => Self::Unassigned,
            "satisfaction" => Self::Satisfaction,
            _ => return None,
        })
    }
}

/// One entry of a conversation's activity, for agents only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub id: ActivityId,
    pub conversation_id: ConversationId,
    pub kind: ActivityKind,
    /// Who did it; absent for the API or the server itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub agent_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub assignee_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub previous_assignee_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rating: Option<u8>,
    pub created_at: DateTime<Utc>,
}

/// A page a visitor viewed: a load or a single-page navigation the widget reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageView {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub title: Option<String>,
    pub viewed_at: DateTime<Utc>,
}

/// `POST /v1/conversations/{id}/notes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    #[schema(min_length = 1, max_length = 4096, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub text: String,
}

impl NoteRequest {
    pub fn validate(&self) -> Result<(), ValidationError> {
        text_field("text", &self.text, MAX_NOTE_CHARS, true)
    }
}

/// A visitor's rating of a resolved conversation.
pub fn validate_rating(rating: u8, comment: Option<&str>) -> Result<(), ValidationError> {
    if !(1..=5).contains(&rating) {
        return Err(ValidationError::new("rating", "must be 1–5"));
    }
    if let Some(c) = comment {
        text_field("comment", c, MAX_COMMENT_CHARS, false)?;
    }
    Ok(())
}

/// How a channel's new conversations find an agent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AssignmentMode {
    /// Agents take conversations themselves, or are assigned by others.
    #[default]
    Manual,
    /// Each new conversation goes to the online agent who has waited longest
    /// for one, among those under `maxOpenPerAgent` open conversations.
    RoundRobin,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AssignmentSettings {
    pub mode: AssignmentMode,
    #[schema(minimum = 1, maximum = 1000)]
    pub max_open_per_agent: u32,
}

impl Default for AssignmentSettings {
    fn default() -> Self {
        Self { mode: AssignmentMode::Manual, max_open_per_agent: 10 }
    }
}

/// The channel's rules for the agents' side; never sent to the widget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct InboxSettings {
    pub assignment: AssignmentSettings,
    /// Ask the visitor for a rating (1–5) when a conversation is resolved.
    pub satisfaction_survey: bool,
}

impl Default for InboxSettings {
    fn default() -> Self {
        Self { assignment: AssignmentSettings::default(), satisfaction_survey: true }
    }
}

impl InboxSettings {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(1..=1000).contains(&self.assignment.max_open_per_agent) {
            return Err(ValidationError::new("inbox.assignment.maxOpenPerAgent", "must be 1–1000"));
        }
        Ok(())
    }
}

/// Fills a saved reply's variables; unknown ones are left as written.
pub fn fill_variables(text: &str, visitor_name: Option<&str>, visitor_email: Option<&str>, agent_name: &str) -> String {
    text.replace("{{visitor.name}}", visitor_name.unwrap_or(""))
        .replace("{{visitor.email}}", visitor_email.unwrap_or(""))
        .replace("{{agent.name}}", agent_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_names_follow_the_pattern() {
        let re = regex_lite(LABEL_PATTERN);
        for ok in ["vip", "billing-2", "a_b", &"x".repeat(40)] {
            validate_label_name("l", ok).unwrap();
            assert!(re(ok), "{ok}");
        }
        for bad in ["", "VIP", "a b", "<script>", "é", &"x".repeat(41), "a\n"] {
            assert!(validate_label_name("l", bad).is_err(), "{bad:?}");
            assert!(!re(bad), "{bad:?}");
        }
    }

    /// `^[a-z0-9_-]{1,N}$` read by hand: the crate has no regex dependency.
    fn regex_lite(pattern: &str) -> impl Fn(&str) -> bool {
        let max: usize = pattern.trim_start_matches("^[a-z0-9_-]{1,").trim_end_matches("}$").parse().unwrap();
        move |s| matches_class(s, max)
    }

    #[test]
    fn set_labels_sorts_and_refuses() {
        let r = SetLabelsRequest { labels: vec!["b".into(), "a".into(), "b".into()] };
        assert_eq!(r.names().unwrap(), vec!["a", "b"]);
        assert!(SetLabelsRequest { labels: vec!["<b>".into()] }.names().is_err());
        assert!(SetLabelsRequest { labels: (0..21).map(|i| format!("l{i}")).collect() }.names().is_err());
    }

    #[test]
    fn saved_replies_and_notes_are_checked() {
        assert!(SavedReplyRequest { shortcut: "hi".into(), text: " ".into() }.validate().is_err());
        assert!(SavedReplyRequest { shortcut: "/hi".into(), text: "x".into() }.validate().is_err());
        SavedReplyRequest { shortcut: "hi".into(), text: "<script>alert(1)</script>".into() }.validate().unwrap();
        assert!(NoteRequest { text: "x".repeat(4097) }.validate().is_err());
        assert!(validate_rating(0, None).is_err());
        assert!(validate_rating(6, None).is_err());
        assert!(validate_rating(5, Some(&"x".repeat(1025))).is_err());
        validate_rating(1, Some("")).unwrap();
    }

    #[test]
    fn variables_are_filled() {
        assert_eq!(fill_variables("Hi {{visitor.name}}, {{agent.name}} here {{x}}", Some("Ana"), None, "Bo"), "Hi Ana, Bo here {{x}}");
    }
}
