//! Messages, from either side. A visitor's message takes one path whatever
//! front end it came from (the socket, a button click, a form): checked, its
//! conversation found or started, queued on the message writer, and once
//! stored announced on the bus with its webhooks in the outbox. A business
//! message (the REST API, an agent) takes the other path into the same writer.

use chrono::Utc;
use linktor_core::{
    api::Conversation,
    webhook::{ButtonClicked, MessageEvent, MessageEventMetadata, WebhookEvent},
    AccountId, ChannelId, Content, ConversationStatus, Direction, Message, MessageId, Sender, SenderType, ValidationError,
    VisitorId,
};
use linktor_store::{NewMessage, StoreError, VisitorRecord};
use std::future::Future;

use crate::{
    bus::BusEvent,
    error::{ApiError, ApiResult},
    jobs::writer::Appended,
    state::{AppState, SharedState},
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
/// current by `Conversation` events on the bus and by reopened conversations
/// coming back with their message). A resolved or missing conversation is
/// always re-read.
#[derive(Clone, Debug, Default)]
pub struct VisitorCache {
    pub visitor: Option<VisitorRecord>,
    pub conversation: Option<Conversation>,
}

/// A visitor's message as a front end received it.
pub struct VisitorMessage {
    /// The client-made id: a resend of it is answered with the stored message.
    pub client_id: String,
    pub content: Content,
    /// The business message it answers (a button click).
    pub reply_to: Option<MessageId>,
    /// Webhook events that go out with it, besides `message.received`.
    pub events: Vec<WebhookEvent>,
}

/// A visitor's message once the writer answered.
pub struct VisitorMessageStored {
    pub message: Message,
    /// Its conversation, when storing the message reopened it (for the caller's cache).
    pub reopened: Option<Conversation>,
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
    /// What the message writer answered, as the API answers it; a message
    /// stored now is announced on the bus. A conversation deleted meanwhile
    /// is not found; anything else the writer answered is the store's error.
    async fn announce_stored(&self, stored: Result<Appended, StoreError>, account: &AccountId, visitor: &VisitorId, channel: &ChannelId) -> ApiResult<Appended> {
        let appended = stored.map_err(|e| match e {
            StoreError::NotFound => ApiError::not_found("conversation"),
            other => other.into(),
        })?;
        if appended.created {
            let event = BusEvent::Message { visitor: visitor.clone(), channel: channel.clone(), message: appended.message.clone() };
            self.announce(account, visitor, event).await;
        }
        Ok(appended)
    }

    /// The one path of a visitor's message. Checked, its conversation found
    /// (from `cache`) or started, and queued on the message writer now, so
    /// the messages of one caller are stored in the order of its calls; the
    /// future answers once it is stored and announced. A caller with several
    /// messages in flight (a socket) keeps the futures in order.
    pub async fn send_visitor_message(
        self: &SharedState,
        ctx: &VisitorCtx,
        cache: &mut VisitorCache,
        msg: VisitorMessage,
    ) -> ApiResult<impl Future<Output = ApiResult<VisitorMessageStored>> + Send + 'static> {
        msg.content.validate()?;
        if cache.visitor.is_none() {
            cache.visitor = Some(self.store.visitor(&ctx.account, &ctx.visitor).await?);
        }
        let visitor = cache.visitor.as_ref().expect("just filled");
        if cache.conversation.as_ref().is_none_or(|c| c.status != ConversationStatus::Open) {
            cache.conversation = Some(self.ensure_conversation(&ctx.account, visitor).await?);
        }
        let conversation = cache.conversation.as_ref().expect("just filled");
        let reopens = conversation.status == ConversationStatus::Resolved;
        let page = visitor.visitor.context.get("page").cloned();
        let (channel, visitor_id, extra) = (ctx.channel.clone(), ctx.visitor.clone(), msg.events);
        let new = NewMessage {
            account: ctx.account.clone(),
            conversation: conversation.id.clone(),
            direction: Direction::Inbound,
            sender: Sender {
                sender_type: SenderType::Visitor,
                id: ctx.visitor.to_string(),
                name: visitor.visitor.user.name.clone(),
                avatar: None,
            },
            content: msg.content,
            client_id: Some(msg.client_id),
            reply_to: msg.reply_to,
            events: Some(Box::new(move |m| {
                let mut events = vec![message_event(&channel, &visitor_id, page.clone(), m)];
                events.extend(extra.iter().cloned().map(|mut e| {
                    if let WebhookEvent::ButtonClicked(b) = &mut e {
                        b.conversation_id = m.conversation_id.clone();
                        b.timestamp = m.created_at;
                    }
                    e
                }));
                events
            })),
        };
        let pending = self.writer.submit(new).await?;
        let (st, ctx) = (self.clone(), ctx.clone());
        Ok(async move {
            let appended = st.announce_stored(pending.await, &ctx.account, &ctx.visitor, &ctx.channel).await?;
            let mut reopened = None;
            if reopens && appended.created {
                let conversation = st.store.conversation(&ctx.account, &appended.message.conversation_id).await?;
                st.announce(&ctx.account, &ctx.visitor, BusEvent::Conversation { conversation: conversation.clone() }).await;
                reopened = Some(conversation);
            }
            Ok(VisitorMessageStored { message: appended.message, reopened })
        })
    }

    /// A visitor's message from outside a socket's stream (a button click,
    /// a form): sent and stored in one go.
    pub async fn visitor_message(self: &SharedState, ctx: &VisitorCtx, msg: VisitorMessage) -> ApiResult<Message> {
        let stored = self.send_visitor_message(ctx, &mut VisitorCache::default(), msg).await?.await?;
        Ok(stored.message)
    }

    /// A click on a button of one of the business's messages: the button's
    /// label becomes the visitor's answer, with `webchat.button.clicked`.
    pub async fn button_click(self: &SharedState, ctx: &VisitorCtx, message_id: &MessageId, button_id: &str, client_id: String) -> ApiResult<Message> {
        let clicked = self.store.message(&ctx.account, message_id).await?;
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
        self.visitor_message(ctx, VisitorMessage { client_id, content, reply_to: Some(message_id.clone()), events: vec![event] }).await
    }

    /// A message from the business (REST API or an agent) to a visitor, into
    /// `current` (its current conversation as the caller read it) or a new
    /// one; with an idempotency key, a retry answers the stored message.
    /// The caller has checked that `visitor` is of the channel named.
    pub async fn business_message(
        &self,
        account: &AccountId,
        visitor: &VisitorRecord,
        current: Option<Conversation>,
        sender: Sender,
        content: Content,
        idempotency_key: Option<String>,
    ) -> ApiResult<Appended> {
        content.validate()?;
        let conversation = self.conversation_or_start(account, visitor, current).await?;
        self.reply(account, &conversation, sender, content, idempotency_key).await
    }

    /// A business message into `conversation` (reopened if resolved); a
    /// resend of `client_id` answers the stored message (`created: false`).
    pub async fn reply(&self, account: &AccountId, conversation: &Conversation, sender: Sender, content: Content, client_id: Option<String>) -> ApiResult<Appended> {
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
        let stored = self.writer.append(new).await;
        // Its email look (services::email) was scheduled in the transaction that stored it.
        self.announce_stored(stored, account, &conversation.visitor_id, &conversation.channel_id).await
    }
}
