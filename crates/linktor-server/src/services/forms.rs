//! The widget's forms: pre-chat answers (they name the visitor and travel
//! with the conversation) and the offline form (a message the agent answers
//! later). Each submission sends `webchat.form.submitted`.

use chrono::Utc;
use linktor_core::{
    channel::{FieldType, FormField},
    webhook::{FormSubmitted, WebhookEvent},
    Content, FormKind, Message, ValidationError,
};
use linktor_store::ChannelRecord;
use std::collections::BTreeMap;

use super::messages::{VisitorCtx, VisitorMessage};
use crate::{error::ApiResult, state::SharedState};

impl crate::state::AppState {
    /// Pre-chat or offline form answers, checked against the channel's form.
    pub async fn form_submit(
        self: &SharedState,
        ctx: &VisitorCtx,
        channel: &ChannelRecord,
        form: FormKind,
        fields: BTreeMap<String, String>,
        client_id: String,
    ) -> ApiResult<Option<Message>> {
        let settings = &channel.channel.settings;
        let spec = match form {
            FormKind::Prechat => &settings.behavior.pre_chat_form.fields,
            FormKind::Offline => &settings.offline.form.fields,
        };
        let fields = validate_form(spec, fields)?;
        let mut visitor = self.store.visitor(&ctx.account, &ctx.visitor).await?;
        // Name and email answers identify the visitor for agents.
        let mut user = visitor.visitor.user.clone();
        if let Some(name) = fields.get("name") {
            user.name = Some(name.clone());
        }
        if let Some(email) = fields.get("email") {
            user.email = Some(email.clone());
        }
        if user != visitor.visitor.user {
            self.store.update_visitor(&ctx.account, &ctx.visitor, &user, &visitor.visitor.context, None).await?;
            visitor.visitor.user = user;
        }
        let conversation = self.ensure_conversation(&ctx.account, &visitor).await?;
        self.store.merge_pre_chat(&ctx.account, &conversation.id, &fields).await?;
        let submitted = WebhookEvent::FormSubmitted(FormSubmitted {
            conversation_id: conversation.id.clone(),
            channel_id: ctx.channel.clone(),
            visitor: ctx.visitor.clone(),
            form,
            fields: fields.clone(),
            timestamp: Utc::now(),
        });
        // An offline form is a message the agent answers later; its text is the thread's first line.
        let text = match form {
            FormKind::Offline => {
                // The channel's fields first, in its order, with its labels; then the page's own.
                let label = |name: &str| spec.iter().find(|f| f.name == name).map_or(name.to_owned(), |f| f.label.clone());
                let mut names: Vec<&String> = fields.keys().collect();
                names.sort_by_key(|n| spec.iter().position(|f| &f.name == *n).unwrap_or(usize::MAX));
                let body: Vec<String> = names.iter().map(|n| format!("{}: {}", label(n), fields[*n])).collect();
                Some(body.join("\n"))
            }
            FormKind::Prechat => None,
        };
        match text {
            Some(text) if !text.is_empty() => {
                let msg = self.visitor_message(ctx, VisitorMessage { client_id, content: Content::Text { text }, reply_to: None, events: vec![submitted] }).await?;
                Ok(Some(msg))
            }
            _ => {
                self.store.enqueue_event(&ctx.account, submitted).await?;
                Ok(None)
            }
        }
    }
}

/// Checks form answers. The page's `init` may define its own pre-chat and
/// offline forms, so any field name is accepted within limits; the channel's
/// own fields lend their type (email format) and label.
fn validate_form(spec: &[FormField], fields: BTreeMap<String, String>) -> ApiResult<BTreeMap<String, String>> {
    if fields.len() > 20 {
        return Err(ValidationError::new("fields", "at most 20 fields").into());
    }
    let mut out = BTreeMap::new();
    for (name, value) in fields {
        let field = format!("fields.{name}");
        let ok_name = !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok_name {
            return Err(ValidationError::new("fields", "field names are 1–64 characters of A–Z, a–z, 0–9, _ or -").into());
        }
        let value = value.trim().to_owned();
        if value.chars().count() > 4096 {
            return Err(ValidationError::new(field, "at most 4096 characters").into());
        }
        let known = spec.iter().find(|f| f.name == name);
        let is_email = known.map_or(name == "email", |f| f.field_type == FieldType::Email);
        if is_email && !value.is_empty() && !linktor_core::is_email(&value) {
            return Err(ValidationError::new(field, "must be an email address").into());
        }
        if !value.is_empty() {
            out.insert(name, value);
        }
    }
    if out.is_empty() {
        return Err(ValidationError::new("fields", "the form is empty").into());
    }
    Ok(out)
}
