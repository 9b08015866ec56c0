//! Conversations: starting one (with its `webchat.conversation.started`
//! webhook), resolving and reopening, assigning, typing and read receipts.
//! Every change is stored first, then announced on the bus; nothing is
//! announced before it is stored.

use chrono::Utc;
use linktor_core::{
    api::Conversation,
    webhook::{ConversationResolved, ConversationStarted, MessageStatusEvent, WebhookEvent, WebhookVisitor},
    AccountId, ChannelId, ConversationId, ConversationStatus, Direction, Reader, Sender, TypingState, VisitorId,
};
use linktor_store::VisitorRecord;
use std::collections::BTreeMap;

use crate::{
    bus::{BusEvent, Topic},
    error::ApiResult,
    state::AppState,
};

/// The visitor as webhooks show it: the page context (less the IP) and the page's metadata.
pub(crate) fn webhook_visitor(v: &VisitorRecord) -> WebhookVisitor {
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

impl AppState {
    /// Tells the visitor's sockets and the account's agents.
    pub(crate) async fn announce(&self, account: &AccountId, visitor: &VisitorId, event: BusEvent) {
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
        self.assign_new(account, &conversation).await;
        Ok(conversation)
    }

    /// Resolves or reopens a conversation (with `webchat.conversation.resolved`).
    pub async fn set_status(&self, account: &AccountId, conversation: &ConversationId, status: ConversationStatus) -> ApiResult<Conversation> {
        let (conv, changed) = self
            .store
            .set_conversation_status(account, conversation, status, |c| match c.status {
                ConversationStatus::Resolved => vec![WebhookEvent::ConversationResolved(ConversationResolved {
                    conversation_id: c.id.clone(),
                    channel_id: c.channel_id.clone(),
                    visitor: c.visitor_id.clone(),
                    labels: c.labels.clone(),
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

    /// Shows or hides `sender` typing, to the visitor and the agents.
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
        if self.read_receipt(account, channel, visitor, conversation, direction, seq).await? {
            let seq = self.store.receipts(account, conversation).await.map(|r| if reader == Reader::Visitor { r.0 } else { r.1 })?;
            self.announce(account, visitor, BusEvent::Read { visitor: visitor.clone(), conversation: conversation.clone(), seq, reader }).await;
        }
        Ok(())
    }

    /// Records a read receipt with its `message.read` webhooks; whether any message changed.
    /// (Delivery receipts are batched by `jobs::receipts`.)
    async fn read_receipt(&self, account: &AccountId, channel: &ChannelId, visitor: &VisitorId, conversation: &ConversationId, direction: Direction, seq: i64) -> ApiResult<bool> {
        let (ch, vid, cid) = (channel.clone(), visitor.clone(), conversation.clone());
        let update = self
            .store
            .mark_receipt(account, conversation, direction, true, seq, |id, is_read| {
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
}
