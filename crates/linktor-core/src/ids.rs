//! Prefixed string ids (`ch_…`, `conv_…`, `msg_…`, `visitor_…`) as newtypes, so
//! one kind of id can never be passed where another is expected. An id parsed
//! from input must carry its prefix and only `[A-Za-z0-9_]` after it.

use rand::Rng;
use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Random base62 text of `len` characters (~5.95 bits each).
pub fn random_token(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Base62 digits in byte order, so the text sorts as the number does.
const ORDERED: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// An id's body: the time in milliseconds (8 digits, good until the year
/// 8888), then 16 random characters (95 bits). New rows land at the end of
/// the primary-key index instead of on a random page of it, so a batch of
/// inserts dirties a few pages, not one per row; that halved what SQLite
/// writes per stored message.
fn time_ordered_token() -> String {
    let mut ms = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let mut time = [b'0'; 8];
    for digit in time.iter_mut().rev() {
        *digit = ORDERED[(ms % 62) as usize];
        ms /= 62;
    }
    let mut out = String::from_utf8(time.to_vec()).expect("ASCII");
    out.push_str(&random_token(16));
    out
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[serde(try_from = "String", into = "String")]
        #[ts(type = "string")]
        pub struct $name(String);

        /// A string with the prefix, as `TryFrom` checks it: API clients
        /// and generators see the same rule the server applies.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some(concat!("^", $prefix, "[A-Za-z0-9_]{1,64}$")))
                    .examples([concat!($prefix, "0K9f2sBq7XwY3mZpL4tRvN8a")])
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// A new id: time-ordered, then random.
            pub fn generate() -> Self {
                Self(format!("{}{}", $prefix, time_ordered_token()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Wraps a value read back from storage, which only ever holds ids
            /// this type produced or validated.
            pub fn from_trusted(value: String) -> Self {
                Self(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = crate::ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                let rest = value.strip_prefix($prefix).unwrap_or("");
                if rest.is_empty() || rest.len() > 64 || !rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    return Err(crate::ValidationError::new(
                        stringify!($name),
                        format!("must look like {}…", $prefix),
                    ));
                }
                Ok(Self(value))
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::try_from(s.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

prefixed_id!(/// An account: the tenant every other row belongs to.
    AccountId, "acc_");
prefixed_id!(/// A channel (type webchat).
    ChannelId, "ch_");
prefixed_id!(/// A website visitor.
    VisitorId, "visitor_");
prefixed_id!(/// A conversation between a visitor and the business.
    ConversationId, "conv_");
prefixed_id!(/// A message of a conversation.
    MessageId, "msg_");
prefixed_id!(/// A dashboard user (admin or agent).
    AgentId, "agent_");
prefixed_id!(/// An API key (the id, not the secret).
    ApiKeyId, "key_");
prefixed_id!(/// A webhook endpoint.
    WebhookId, "wh_");
prefixed_id!(/// One webhook delivery (an event for an endpoint).
    DeliveryId, "dlv_");
prefixed_id!(/// An uploaded file.
    FileId, "file_");
prefixed_id!(/// A saved reply (canned response) of an account.
    SavedReplyId, "reply_");
prefixed_id!(/// An entry of a conversation's activity: a private note or a system event.
    ActivityId, "act_");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back() {
        let id = ChannelId::generate();
        assert!(id.as_str().starts_with("ch_"));
        assert_eq!(id.as_str().parse::<ChannelId>().unwrap(), id);
    }

    #[test]
    fn generated_ids_sort_by_time_and_differ() {
        let a = MessageId::generate();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = MessageId::generate();
        assert!(a.as_str() < b.as_str(), "{a} then {b}");
        assert_ne!(MessageId::generate(), MessageId::generate());
        assert_eq!(a.as_str().len(), "msg_".len() + 24);
    }

    #[test]
    fn the_schema_states_the_rule_parsing_applies() {
        let schema = serde_json::to_value(<ConversationId as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["pattern"], "^conv_[A-Za-z0-9_]{1,64}$");
        let example = schema["examples"][0].as_str().unwrap();
        assert!(example.parse::<ConversationId>().is_ok(), "{example}");
    }

    #[test]
    fn wrong_prefix_or_characters_are_refused() {
        assert!("conv_abc".parse::<ChannelId>().is_err());
        assert!("ch_".parse::<ChannelId>().is_err());
        assert!("ch_<script>".parse::<ChannelId>().is_err());
        assert!(format!("ch_{}", "a".repeat(65)).parse::<ChannelId>().is_err());
        assert!("ch_webchat_123".parse::<ChannelId>().is_ok());
        assert!(serde_json::from_str::<VisitorId>("\"visitor_abc123\"").is_ok());
        assert!(serde_json::from_str::<VisitorId>("\"msg_abc123\"").is_err());
    }
}
