//! Delivery receipts, batched. Every visitor socket reports which business
//! messages reached its widget; under load thousands of sockets do so each
//! second, so the reports are queued here, coalesced per conversation, and
//! written in one transaction per batch, then announced. A receipt is a
//! watermark, so a later one always covers an earlier one.

use chrono::Utc;
use linktor_core::{
    webhook::{MessageStatusEvent, WebhookEvent},
    AccountId, ChannelId, ConversationId, Direction, VisitorId,
};
use std::collections::HashMap;
use tokio::sync::mpsc;

use crate::bus::{Bus, BusEvent, Topic};
use linktor_store::Store;

pub struct Delivered {
    pub account: AccountId,
    pub channel: ChannelId,
    pub visitor: VisitorId,
    pub conversation: ConversationId,
    pub seq: i64,
}

pub type DeliveredSender = mpsc::Sender<Delivered>;

pub fn channel() -> (DeliveredSender, mpsc::Receiver<Delivered>) {
    mpsc::channel(8192)
}

/// Runs until every sender is gone (the sockets closed at shutdown).
pub async fn run(store: Store, bus: Bus, mut rx: mpsc::Receiver<Delivered>) {
    let mut batch = Vec::with_capacity(1024);
    while rx.recv_many(&mut batch, 1024).await > 0 {
        // Keep the highest seq per conversation.
        let mut latest: HashMap<ConversationId, Delivered> = HashMap::new();
        for d in batch.drain(..) {
            match latest.get(&d.conversation) {
                Some(prev) if prev.seq >= d.seq => {}
                _ => {
                    latest.insert(d.conversation.clone(), d);
                }
            }
        }
        let items: Vec<Delivered> = latest.into_values().collect();
        let rows: Vec<_> = items.iter().map(|d| (d.account.clone(), d.conversation.clone(), Direction::Outbound, false, d.seq)).collect();
        let by_conversation: HashMap<&ConversationId, &Delivered> = items.iter().map(|d| (&d.conversation, d)).collect();
        let result = store
            .mark_receipts(&rows, |conversation, id, _| {
                let d = by_conversation[conversation];
                vec![WebhookEvent::MessageDelivered(MessageStatusEvent {
                    id: id.clone(),
                    channel_id: d.channel.clone(),
                    channel_type: "webchat".into(),
                    direction: Direction::Outbound,
                    conversation_id: conversation.clone(),
                    visitor: d.visitor.clone(),
                    timestamp: Utc::now(),
                })]
            })
            .await;
        match result {
            Ok(updates) => {
                for (d, update) in items.iter().zip(updates) {
                    let Some(update) = update.filter(|u| !u.messages.is_empty()) else { continue };
                    let event = BusEvent::Delivered { visitor: d.visitor.clone(), conversation: d.conversation.clone(), seq: update.seq };
                    bus.publish_to(&[Topic::Visitor(d.visitor.clone()), Topic::Account(d.account.clone())], event).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "recording delivery receipts failed"),
        }
    }
}
