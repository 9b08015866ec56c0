//! The conversation operations every front end shares (visitor socket, REST
//! API, agent dashboard): store first, then publish on the bus, then wake the
//! webhook outbox. Nothing is announced before it is stored.

use chrono::Utc;
use linktor_core::{
    api::Conversation,
    channel::{FieldType, FormField},
    webhook::*,
    AccountId, ChannelId, Content, ConversationId, ConversationStatus, Direction, FormKind, Message, MessageId,
    Reader, Sender, SenderType, TypingState, ValidationError, VisitorId,
};
use linktor_store::{ChannelRecord, NewMessage, StoreError, VisitorRecord};
use std::collections::BTreeMap;

use crate::{
    bus::{BusEvent, Topic},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// The visitor a request or socket acts for, already authenticated.
#[derive(Clone, Debug)]
pub struct VisitorCtx {
    pub account: AccountId,
    pub channel: ChannelId,
    pub visitor: VisitorId,
}

/// What a visitor's socket keeps between messages: its visitor record (kept
/// current by the socket's own `user.update`) and its conversation (kept
/// current by `Conversation` events on the bus). A resolved or missing
/// conversation is always re-read.
#[derive(Clone, Debug, Default)]
pub struct VisitorCache {
    pub visitor: Option<VisitorRecord>,
    pub conversation: Option<Conversation>,
}

fn webhook_visitor(v: &VisitorRecord) -> WebhookVisitor {
    let mut metadata: BTreeMap<String, serde_json::Value> = v
        .visitor
        .context
        .iter()
        .filter(|(k, _)| k.as_str() != "ip")
        .map(|(k, val)| (k.clone(), serde_json::Value::String(val.clone())))
        .collect();
    metadata.extend(v.visitor.user.metadata.clone());
    WebhookVisitor {
        id: v.visitor.id.clone(),
        name: v.visitor.user.name.clone(),
        email: v.visitor.user.email.clone(),
        metadata,
    }
}

fn message_event(channel: &ChannelId, visitor: &VisitorId, page: Option<String>, msg: &Message) -> WebhookEvent {
    let inbound = msg.direction == Direction::Inbound;
    let data = MessageEvent {
        id: msg.id.clone(),
        channel_id: channel.clone(),
        channel_type: "webchat".into(),
        direction: msg.direction,
        from: if inbound { visitor.to_string() } else { msg.sender.id.clone() },
        to: (!inbound).then(|| visitor.to_string()),
        content: msg.content.clone(),
        timestamp: msg.created_at,
        metadata: MessageEventMetadata { conversation_id: msg.conversation_id.clone(), page },
    };
    if inbound {
        WebhookEvent::MessageReceived(data)
    } else {
        WebhookEvent::MessageSent(data)
    }
}

impl AppState {
    async fn announce(&self, account: &AccountId, visitor: &VisitorId, event: BusEvent) {
        self.bus.publish_to(&[Topic::Visitor(visitor.clone()), Topic::Account(account.clone())], event).await;
    }

    /// The visitor's conversation, started now (with its webhook) if there is
    /// none. A visitor has one running thread: writing to a resolved
    /// conversation reopens it, so history and seqs continue.
    pub async fn ensure_conversation(&self, account: &AccountId, visitor: &VisitorRecord) -> ApiResult<Conversation> {
        let current = self.store.current_conversation(account, &visitor.visitor.id).await?;
        self.conversation_or_start(account, visitor, current).await
    }

    /// `current` (the visitor's current conversation, as the caller read it),
    /// or a conversation started now when there is none.
    pub async fn conversation_or_start(&self, account: &AccountId, visitor: &VisitorRecord, current: Option<Conversation>) -> ApiResult<Conversation> {
        if let Some(c) = current {
            return Ok(c);
        }
        let channel = visitor.visitor.channel_id.clone();
        let hook_visitor = webhook_visitor(visitor);
        let conversation = self
            .store
            .create_conversation(account, &channel, &visitor.visitor.id, &BTreeMap::new(), |c| {
                vec![WebhookEvent::ConversationStarted(ConversationStarted {
                    conversation_id: c.id.clone(),
                    channel_id: channel.clone(),
                    visitor: hook_visitor,
                    timestamp: c.created_at,
                })]
            })
            .await?;
        self.announce(account, &visitor.visitor.id, BusEvent::Conversation { conversation: conversation.clone() }).await;
        Ok(conversation)
    }

    async fn append(&self, new: NewMessage, account: &AccountId, visitor: &VisitorId, channel: &ChannelId) -> ApiResult<(Message, bool)> {
        let stored = self.writer.append(new).await;
        self.stored(stored, account, visitor, channel).await
    }

    /// What the message writer answered, as the API answers it; a message
    /// stored now is announced on the bus.
    async fn stored(&self, stored: Result<(Message, bool), StoreError>, account: &AccountId, visitor: &VisitorId, channel: &ChannelId) -> ApiResult<(Message, bool)> {
        let (message, created) = stored.map_err(|e| match e {
            StoreError::NotFound => ApiError::not_found("conversation"),
            other => ApiError::Internal(other.into()),
        })?;
        if created {
            self.announce(account, visitor, BusEvent::Message { visitor: visitor.clone(), channel: channel.clone(), message: message.clone() })
                .await;
        }
        Ok((message, created))
    }

    /// A message from the visitor outside the socket's stream (a button
    /// click, an offline form): prepared, stored and finished in one go.
    pub async fn visitor_message(
        &self,
        ctx: &VisitorCtx,
        client_id: String,
        content: Content,
        reply_to: Option<MessageId>,
        extra_events: Vec<WebhookEvent>,
    ) -> ApiResult<Message> {
        let cache = &mut VisitorCache::default();
        let (new, reopens) = self.prepare_visitor_message(ctx, cache, client_id, content, reply_to, extra_events).await?;
        let stored = self.writer.append(new).await;
        self.finish_visitor_message(ctx, cache, reopens, stored).await
    }

    /// The first half of a visitor's message: checked, its conversation
    /// found (or started), ready for the message writer. With whether
    /// storing it reopens a resolved conversation.
    pub async fn prepare_visitor_message(
        &self,
        ctx: &VisitorCtx,
        cache: &mut VisitorCache,
        client_id: String,
        content: Content,
        reply_to: Option<MessageId>,
        extra_events: Vec<WebhookEvent>,
    ) -> ApiResult<(NewMessage, bool)> {
        content.validate()?;
        if cache.visitor.is_none() {
            cache.visitor = Some(self.store.visitor(&ctx.account, &ctx.visitor).await?);
        }
        let visitor = cache.visitor.as_ref().expect("just filled");
        if cache.conversation.as_ref().is_none_or(|c| c.status != ConversationStatus::Open) {
            cache.conversation = Some(self.ensure_conversation(&ctx.account, visitor).await?);
        }
        let conversation = cache.conversation.as_ref().expect("just filled");
        let reopens = conversation.status == ConversationStatus::Resolved;
        let conversation_id = conversation.id.clone();
        let page = visitor.visitor.context.get("page").cloned();
        let (channel, visitor_id) = (ctx.channel.clone(), ctx.visitor.clone());
        let new = NewMessage {
            account: ctx.account.clone(),
            conversation: conversation_id,
            direction: Direction::Inbound,
            sender: Sender {
                sender_type: SenderType::Visitor,
                id: ctx.visitor.to_string(),
                name: visitor.visitor.user.name.clone(),
                avatar: None,
            },
            content,
            client_id: Some(client_id),
            reply_to,
            events: Some(Box::new(move |m| {
                let mut events = vec![message_event(&channel, &visitor_id, page.clone(), m)];
                events.extend(extra_events.iter().cloned().map(|mut e| {
                    if let WebhookEvent::ButtonClicked(b) = &mut e {
                        b.conversation_id = m.conversation_id.clone();
                        b.timestamp = m.created_at;
                    }
                    e
                }));
                events
            })),
        };
        Ok((new, reopens))
    }

    /// The second half: what the writer answered for a prepared message,
    /// announced; a reopened conversation is read again and announced too.
    pub async fn finish_visitor_message(
        &self,
        ctx: &VisitorCtx,
        cache: &mut VisitorCache,
        reopens: bool,
        stored: Result<(Message, bool), StoreError>,
    ) -> ApiResult<Message> {
        let (message, created) = self.stored(stored, &ctx.account, &ctx.visitor, &ctx.channel).await?;
        if reopens && created {
            let conversation = self.store.conversation(&ctx.account, &message.conversation_id).await?;
            cache.conversation = Some(conversation.clone());
            self.announce(&ctx.account, &ctx.visitor, BusEvent::Conversation { conversation }).await;
        }
        Ok(message)
    }

    /// A message from the business (REST API or an agent) to a visitor, into
    /// `current` (its current conversation as the caller read it) or a new
    /// one; with an idempotency key, a retry answers the stored message (`false`).
    /// The caller has checked that `visitor` is of the channel named.
    pub async fn business_message(
        &self,
        account: &AccountId,
        visitor: &VisitorRecord,
        current: Option<Conversation>,
        sender: Sender,
        content: Content,
        idempotency_key: Option<String>,
    ) -> ApiResult<(Message, bool)> {
        content.validate()?;
        let conversation = self.conversation_or_start(account, visitor, current).await?;
        self.reply(account, &conversation, sender, content, idempotency_key).await
    }

    /// A business message into `conversation` (reopened if resolved);
    /// whether it was stored now (`false`: a resend of `client_id`).
    pub async fn reply(
        &self,
        account: &AccountId,
        conversation: &Conversation,
        sender: Sender,
        content: Content,
        client_id: Option<String>,
    ) -> ApiResult<(Message, bool)> {
        content.validate()?;
        if let Some(id) = &client_id {
            linktor_core::validate_client_id(id)?;
        }
        if conversation.status == ConversationStatus::Resolved {
            self.set_status(account, &conversation.id, ConversationStatus::Open).await?;
        }
        let (ch, vid) = (conversation.channel_id.clone(), conversation.visitor_id.clone());
        let new = NewMessage {
            account: account.clone(),
            conversation: conversation.id.clone(),
            direction: Direction::Outbound,
            sender,
            content,
            client_id,
            reply_to: None,
            events: Some(Box::new(move |m| vec![message_event(&ch, &vid, None, m)])),
        };
        self.append(new, account, &conversation.visitor_id, &conversation.channel_id).await
    }

    /// Assigns a conversation (or unassigns it) and tells the agents.
    pub async fn assign(&self, account: &AccountId, conversation: &Conversation, agent: Option<&linktor_core::AgentId>) -> ApiResult<Conversation> {
        let updated = self.store.assign_conversation(account, &conversation.id, agent).await?;
        self.bus.publish(&Topic::Account(account.clone()), BusEvent::Conversation { conversation: updated.clone() }).await;
        Ok(updated)
    }

    /// A click on a button of one of the business's messages.
    pub async fn button_click(&self, ctx: &VisitorCtx, message_id: &MessageId, button_id: &str, client_id: String) -> ApiResult<Message> {
        let clicked = self.store.message(&ctx.account, message_id).await.map_err(|_| ApiError::not_found("message"))?;
        let conversation = self.store.conversation(&ctx.account, &clicked.conversation_id).await?;
        if conversation.visitor_id != ctx.visitor || clicked.direction != Direction::Outbound {
            return Err(ApiError::not_found("message"));
        }
        let button = clicked
            .content
            .buttons()
            .iter()
            .find(|b| b.id == button_id && b.url.is_none())
            .ok_or_else(|| ApiError::Validation(ValidationError::new("buttonId", "no such button on this message")))?;
        let event = WebhookEvent::ButtonClicked(ButtonClicked {
            conversation_id: conversation.id.clone(),
            message_id: message_id.clone(),
            button_id: button.id.clone(),
            visitor: ctx.visitor.clone(),
            timestamp: Utc::now(),
        });
        let content = Content::Text { text: button.label.clone() };
        self.visitor_message(ctx, client_id, content, Some(message_id.clone()), vec![event]).await
    }

    /// Pre-chat or offline form answers, checked against the channel's form.
    pub async fn form_submit(
        &self,
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
                let msg = self.visitor_message(ctx, client_id, Content::Text { text }, None, vec![submitted]).await?;
                Ok(Some(msg))
            }
            _ => {
                self.store.enqueue_event(&ctx.account, submitted).await?;
                Ok(None)
            }
        }
    }

    pub async fn typing(&self, account: &AccountId, visitor: &VisitorId, conversation: &ConversationId, sender: Sender, state: TypingState) {
        let event = BusEvent::Typing { visitor: visitor.clone(), conversation: conversation.clone(), sender, state };
        self.announce(account, visitor, event).await;
    }

    /// A read receipt from `reader` for the other side's messages up to `seq`.
    pub async fn read(&self, account: &AccountId, channel: &ChannelId, visitor: &VisitorId, conversation: &ConversationId, reader: Reader, seq: i64) -> ApiResult<()> {
        let direction = match reader {
            Reader::Visitor => Direction::Outbound,
            Reader::Agent => Direction::Inbound,
        };
        if self.receipt(account, channel, visitor, conversation, direction, true, seq).await? {
            let seq = self.store.receipts(account, conversation).await.map(|r| if reader == Reader::Visitor { r.0 } else { r.1 })?;
            self.announce(account, visitor, BusEvent::Read { visitor: visitor.clone(), conversation: conversation.clone(), seq, reader }).await;
        }
        Ok(())
    }

    /// Records a receipt with its webhooks; whether any message changed.
    #[allow(clippy::too_many_arguments)]
    async fn receipt(&self, account: &AccountId, channel: &ChannelId, visitor: &VisitorId, conversation: &ConversationId, direction: Direction, read: bool, seq: i64) -> ApiResult<bool> {
        let (ch, vid, cid) = (channel.clone(), visitor.clone(), conversation.clone());
        let update = self
            .store
            .mark_receipt(account, conversation, direction, read, seq, |id, is_read| {
                let data = MessageStatusEvent {
                    id: id.clone(),
                    channel_id: ch.clone(),
                    channel_type: "webchat".into(),
                    direction,
                    conversation_id: cid.clone(),
                    visitor: vid.clone(),
                    timestamp: Utc::now(),
                };
                vec![if is_read { WebhookEvent::MessageRead(data) } else { WebhookEvent::MessageDelivered(data) }]
            })
            .await?;
        Ok(!update.messages.is_empty())
    }

    /// Tells every widget of the account whether an agent is online now.
    /// Sent after every change (not only when it flips), so two agents
    /// changing at once cannot leave widgets with a stale answer.
    pub async fn announce_availability(&self, account: &AccountId) -> ApiResult<()> {
        let agents_online = self.store.agents_online(account).await?;
        for ch in self.store.list_channels(account).await? {
            let channel = ch.channel.id.clone();
            self.bus.publish(&Topic::Channel(channel.clone()), BusEvent::Availability { channel, agents_online }).await;
        }
        Ok(())
    }

    pub async fn set_status(&self, account: &AccountId, conversation: &ConversationId, status: ConversationStatus) -> ApiResult<Conversation> {
        let (conv, changed) = self
            .store
            .set_conversation_status(account, conversation, status, |c| match c.status {
                ConversationStatus::Resolved => vec![WebhookEvent::ConversationResolved(ConversationResolved {
                    conversation_id: c.id.clone(),
                    channel_id: c.channel_id.clone(),
                    visitor: c.visitor_id.clone(),
                    timestamp: c.last_activity_at,
                })],
                ConversationStatus::Open => vec![],
            })
            .await?;
        if changed {
            self.announce(account, &conv.visitor_id, BusEvent::Conversation { conversation: conv.clone() }).await;
        }
        Ok(conv)
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
