//! Conversations that continue by email (docs/agent-api.md, docs/protocol.md):
//! whether the server sends mail, and transcript requests from the widget and
//! the dashboard.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ValidationError;

/// `GET /v1/email`: whether email is on, for the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailStatus {
    /// `LINKTOR_SMTP_URL` and `LINKTOR_EMAIL_FROM` are set: unread business
    /// messages are mailed to visitors whose address is known.
    pub enabled: bool,
    /// The From address of outgoing mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from: Option<String>,
    /// Seconds an unread business message waits before it is mailed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[ts(type = "number")]
    pub delay_seconds: Option<u64>,
    /// This node takes replies by email (`LINKTOR_SMTP_LISTEN`).
    pub replies: bool,
}

/// A transcript of the conversation by email (`POST /v1/widget/transcript`,
/// `POST /v1/conversations/{id}/transcript`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TranscriptRequest {
    /// Where to send it (empty or absent: the visitor's known address).
    #[serde(default)]
    #[ts(optional)]
    #[schema(max_length = 254, pattern = r"^([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$", examples("john@example.com"))]
    pub email: Option<String>,
}

impl TranscriptRequest {
    /// The address given, trimmed, when it is one.
    pub fn address(&self) -> Result<Option<String>, ValidationError> {
        match self.email.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(e) if e.len() <= 254 && crate::is_email(e) => Ok(Some(e.to_owned())),
            Some(_) => Err(ValidationError::new("email", "must be an email address")),
        }
    }
}

/// The transcript went out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptSent {
    /// The address it was sent to.
    pub sent_to: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_addresses_are_checked() {
        let r = |e: &str| TranscriptRequest { email: Some(e.into()) }.address();
        assert_eq!(r(" a@b.co ").unwrap(), Some("a@b.co".into()));
        assert_eq!(r("").unwrap(), None);
        assert_eq!(TranscriptRequest::default().address().unwrap(), None);
        assert!(r("not mail").is_err());
        assert!(r("a@b.co\r\nBcc: x@y.z").is_err());
        assert!(r(&format!("{}@b.co", "a".repeat(260))).is_err());
    }
}
