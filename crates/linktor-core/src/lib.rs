//! Linktor WebChat's domain: ids, message content, channel settings, the
//! visitor protocol, REST bodies and webhook events. Pure types and checks, no
//! I/O, so every other crate and the generated TypeScript agree on one model.

pub mod agent;
pub mod allowed_domains;
pub mod api;
pub mod channel;
pub mod content;
pub mod email;
pub mod identity;
pub mod inbox;
mod ids;
pub mod protocol;
pub mod strict_json;
pub mod webhook;

pub use content::Content;
pub use ids::*;
pub use protocol::*;

/// Input that breaks a rule; `field` names where, in the caller's terms.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// The MIME type content of this extension must sniff as, when we know it.
pub fn mime_for_extension(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        "txt" => "text/plain",
        _ => return None,
    })
}

#[cfg(test)]
mod request_schemas {
    //! The schemas of request bodies, as the OpenAPI document carries them.
    use crate::{
        agent::*,
        api::*,
        content::{NOT_BLANK_PATTERN, TRIMMED_NAME_PATTERN},
        SessionRequest,
    };
    use serde_json::Value;
    use utoipa::{openapi::schema::Schema, openapi::RefOr, ToSchema};

    fn all() -> Vec<(String, Value)> {
        fn add<T: ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) {
            out.push((T::name().into_owned(), T::schema()));
            T::schemas(out);
        }
        let mut out = Vec::new();
        add::<CreateChannelRequest>(&mut out);
        add::<UpdateChannelRequest>(&mut out);
        add::<CreateAgentRequest>(&mut out);
        add::<ChangePasswordRequest>(&mut out);
        add::<ReplyRequest>(&mut out);
        add::<SendMessageRequest>(&mut out);
        add::<CreateWebhookRequest>(&mut out);
        add::<SessionRequest>(&mut out);
        add::<crate::inbox::SavedReplyRequest>(&mut out);
        add::<crate::inbox::NoteRequest>(&mut out);
        out.into_iter().map(|(name, s)| (name, serde_json::to_value(s).unwrap())).collect()
    }

    fn patterns<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
        match v {
            Value::Object(o) => {
                if o.get("pattern").is_some() {
                    out.push(v);
                }
                o.values().for_each(|v| patterns(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| patterns(v, out)),
            _ => {}
        }
    }

    /// utoipa takes a pattern only as a literal, so the white-space rules are
    /// spelled at every field that has one: each spelling must be the one.
    #[test]
    fn white_space_rules_are_spelled_alike() {
        let (mut not_blank, mut trimmed) = (0, 0);
        for (name, schema) in all() {
            let mut found = Vec::new();
            patterns(&schema, &mut found);
            for s in found {
                let p = s["pattern"].as_str().unwrap();
                if p.starts_with("[^") {
                    assert_eq!(p, NOT_BLANK_PATTERN, "{name}: {s}");
                    assert_eq!(s["minLength"], 1, "{name}: {s}");
                    not_blank += 1;
                } else if p.starts_with(r"^[\x09") {
                    assert_eq!(p, TRIMMED_NAME_PATTERN, "{name}: {s}");
                    trimmed += 1;
                }
            }
        }
        assert!(not_blank >= 10 && trimmed == 2, "{not_blank} {trimmed}");
    }
}

#[cfg(test)]
mod generated_types {
    //! The TypeScript in `web/protocol` is generated from these types.
    //! `make types` rewrites it; this test fails when it is stale.
    use std::path::Path;
    use ts_rs::TS;

    fn export_all(dir: &Path) {
        use crate::{agent::*, api::*, channel::*, protocol::*, webhook::*};
        ClientFrame::export_all_to(dir).unwrap();
        ServerFrame::export_all_to(dir).unwrap();
        SessionRequest::export_all_to(dir).unwrap();
        SessionResponse::export_all_to(dir).unwrap();
        UploadedFile::export_all_to(dir).unwrap();
        WidgetConfig::export_all_to(dir).unwrap();
        ChannelSettings::export_all_to(dir).unwrap();
        WebhookEvent::export_all_to(dir).unwrap();
        SendMessageRequest::export_all_to(dir).unwrap();
        TypingRequest::export_all_to(dir).unwrap();
        Channel::export_all_to(dir).unwrap();
        CreateChannelRequest::export_all_to(dir).unwrap();
        UpdateChannelRequest::export_all_to(dir).unwrap();
        Visitor::export_all_to(dir).unwrap();
        Conversation::export_all_to(dir).unwrap();
        WebhookEndpoint::export_all_to(dir).unwrap();
        CreatedWebhookEndpoint::export_all_to(dir).unwrap();
        CreateWebhookRequest::export_all_to(dir).unwrap();
        WebhookDelivery::export_all_to(dir).unwrap();
        ApiKey::export_all_to(dir).unwrap();
        CreatedApiKey::export_all_to(dir).unwrap();
        ErrorBody::export_all_to(dir).unwrap();
        Page::<()>::export_all_to(dir).unwrap();
        Agent::export_all_to(dir).unwrap();
        LoginRequest::export_all_to(dir).unwrap();
        SessionInfo::export_all_to(dir).unwrap();
        ChangePasswordRequest::export_all_to(dir).unwrap();
        CreateAgentRequest::export_all_to(dir).unwrap();
        AvailabilityRequest::export_all_to(dir).unwrap();
        ReplyRequest::export_all_to(dir).unwrap();
        AssignRequest::export_all_to(dir).unwrap();
        AgentTypingRequest::export_all_to(dir).unwrap();
        ConversationSummary::export_all_to(dir).unwrap();
        Analytics::export_all_to(dir).unwrap();
        AgentClientFrame::export_all_to(dir).unwrap();
        AgentServerFrame::export_all_to(dir).unwrap();
        {
            use crate::inbox::*;
            Label::export_all_to(dir).unwrap();
            CreateLabelRequest::export_all_to(dir).unwrap();
            UpdateLabelRequest::export_all_to(dir).unwrap();
            SetLabelsRequest::export_all_to(dir).unwrap();
            SavedReply::export_all_to(dir).unwrap();
            SavedReplyRequest::export_all_to(dir).unwrap();
            Activity::export_all_to(dir).unwrap();
            NoteRequest::export_all_to(dir).unwrap();
            PageView::export_all_to(dir).unwrap();
            InboxSettings::export_all_to(dir).unwrap();
        }
        crate::email::EmailStatus::export_all_to(dir).unwrap();
        crate::email::TranscriptRequest::export_all_to(dir).unwrap();
        crate::email::TranscriptSent::export_all_to(dir).unwrap();
        // An index that re-exports every generated file.
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".ts") && n != "index.ts")
            .map(|n| n.trim_end_matches(".ts").to_owned())
            .collect();
        names.sort();
        let index: String = std::iter::once("// Generated from crates/linktor-core by `make types`. Do not edit.\n".to_owned())
            .chain(names.iter().map(|n| format!("export type * from './{n}';\n")))
            .collect();
        std::fs::write(dir.join("index.ts"), index).unwrap();
    }

    fn read_dir_files(dir: &Path) -> std::collections::BTreeMap<String, String> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| {
                    let e = e.ok()?;
                    Some((e.file_name().into_string().ok()?, std::fs::read_to_string(e.path()).ok()?))
                })
                .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn typescript_types_are_fresh() {
        let committed = Path::new(env!("LINKTOR_TYPES_DIR"));
        if std::env::var_os("LINKTOR_UPDATE_TYPES").is_some() {
            let _ = std::fs::remove_dir_all(committed);
            std::fs::create_dir_all(committed).unwrap();
            export_all(committed);
            return;
        }
        let fresh = tempfile::tempdir().unwrap();
        export_all(fresh.path());
        assert_eq!(
            read_dir_files(fresh.path()),
            read_dir_files(committed),
            "web/protocol is stale: run `make types` and commit the result"
        );
    }
}
