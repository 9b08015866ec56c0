//! Read and delivery receipts: a conversation's watermarks and the
//! `delivered_at`/`read_at` of the messages each one passes over. A
//! watermark never moves backwards, and a read implies delivered.

use linktor_core::{webhook::WebhookEvent, AccountId, ConversationId, Direction, MessageId};
use crate::db::{query, Conn};

use crate::{now_ms, webhooks::EndpointCache, Result, Store, StoreError};

/// What a read or delivery receipt changed.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceiptUpdate {
    /// The new watermark (unchanged when nothing new was covered).
    pub seq: i64,
    /// Messages newly marked.
    pub messages: Vec<MessageId>,
}

impl Store {
    /// Marks messages of `direction` up to `seq` as read (or only delivered),
    /// moves the conversation's watermark, and queues webhook events for each
    /// message newly delivered (`events(id, false)`) and read (`events(id, true)`):
    /// a read implies delivered.
    pub async fn mark_receipt(
        &self,
        account: &AccountId,
        conversation: &ConversationId,
        direction: Direction,
        read: bool,
        seq: i64,
        events: impl Fn(&MessageId, bool) -> Vec<WebhookEvent> + Sync,
    ) -> Result<ReceiptUpdate> {
        let mut tx = self.begin_write().await?;
        let mut cache = EndpointCache::default();
        let update = self.mark_receipt_in(&mut tx, &mut cache, account, conversation, direction, read, seq, &events).await?;
        tx.commit().await?;
        Ok(update)
    }

    /// Several receipts in one transaction (delivery receipts of many sockets
    /// under load); each result is `None` when its conversation is gone.
    pub async fn mark_receipts(
        &self,
        batch: &[(AccountId, ConversationId, Direction, bool, i64)],
        events: impl Fn(&ConversationId, &MessageId, bool) -> Vec<WebhookEvent> + Sync,
    ) -> Result<Vec<Option<ReceiptUpdate>>> {
        let mut tx = self.begin_write().await?;
        let mut cache = EndpointCache::default();
        let mut out = Vec::with_capacity(batch.len());
        for (account, conversation, direction, read, seq) in batch {
            let each = |id: &MessageId, is_read: bool| events(conversation, id, is_read);
            match self.mark_receipt_in(&mut tx, &mut cache, account, conversation, *direction, *read, *seq, &each).await {
                Ok(u) => out.push(Some(u)),
                Err(StoreError::NotFound) => out.push(None),
                Err(e) => return Err(e),
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    async fn mark_receipt_in(
        &self,
        tx: &mut Conn,
        cache: &mut EndpointCache,
        account: &AccountId,
        conversation: &ConversationId,
        direction: Direction,
        read: bool,
        seq: i64,
        events: &(dyn Fn(&MessageId, bool) -> Vec<WebhookEvent> + Sync),
    ) -> Result<ReceiptUpdate> {
        // `delivered_seq` serves both directions, but only business
        // (outbound) messages get delivery receipts, so it is exact as a
        // lower bound below; a delivery receipt for inbound messages would
        // need a watermark of its own.
        let watermark = match (direction, read) {
            (Direction::Outbound, true) => "visitor_read_seq",
            (Direction::Inbound, true) => "agent_read_seq",
            (_, false) => "delivered_seq",
        };
        let dir = if direction == Direction::Inbound { "inbound" } else { "outbound" };
        let now = now_ms();
        let row = query(&format!("SELECT {watermark} AS w, last_seq FROM conversations WHERE id = $1 AND account_id = $2"))
            .bind(conversation.as_str())
            .bind(account.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (old_seq, last_seq): (i64, i64) = (row.try_get("w")?, row.try_get("last_seq")?);
        if seq <= old_seq || seq > last_seq {
            // Nothing new is covered (a repeat, or a seq that does not exist yet).
            return Ok(ReceiptUpdate { seq: old_seq, messages: Vec::new() });
        }
        // Never backwards, even if a concurrent receipt (PostgreSQL) moved it meanwhile.
        let row = query(&format!(
            "UPDATE conversations SET {watermark} = CASE WHEN {watermark} < $1 THEN $1 ELSE {watermark} END
             WHERE id = $2 AND account_id = $3 RETURNING {watermark} AS w"
        ))
        .bind(seq)
        .bind(conversation.as_str())
        .bind(account.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let new_seq: i64 = row.try_get("w")?;
        let mut all_events = Vec::new();
        // Messages up to the old watermark were marked when it moved there:
        // only the range it moves over now is looked at (it was the whole
        // conversation on every receipt, slower the longer a chat ran).
        let scope = (conversation, account, dir, (old_seq, seq), now);
        let mut marked: Vec<MessageId> = Vec::new();
        for id in mark_column(tx, "delivered_at", scope).await? {
            all_events.extend(events(&id, false));
            if !read {
                marked.push(id);
            }
        }
        if read {
            for id in mark_column(tx, "read_at", scope).await? {
                all_events.extend(events(&id, true));
                marked.push(id);
            }
        }
        self.enqueue_events(tx, cache, account, all_events).await?;
        Ok(ReceiptUpdate { seq: new_seq, messages: marked })
    }

    /// The watermarks `(visitor_read_seq, agent_read_seq, delivered_seq)`.
    pub async fn receipts(&self, account: &AccountId, conversation: &ConversationId) -> Result<(i64, i64, i64)> {
        let row = query("SELECT visitor_read_seq, agent_read_seq, delivered_seq FROM conversations WHERE id = $1 AND account_id = $2")
            .bind(conversation.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((row.try_get("visitor_read_seq")?, row.try_get("agent_read_seq")?, row.try_get("delivered_seq")?))
    }
}

/// Sets `column` (delivered_at or read_at) on the scope's messages with a seq
/// in `(after, up_to]` that lack it; returns their ids.
async fn mark_column(
    tx: &mut Conn,
    column: &str,
    (conversation, account, direction, (after, up_to), now): (&ConversationId, &AccountId, &str, (i64, i64), i64),
) -> Result<Vec<MessageId>> {
    let rows = query(&format!(
        "UPDATE messages SET {column} = $1 WHERE conversation_id = $2 AND account_id = $3 AND direction = $4
           AND seq > $5 AND seq <= $6 AND {column} IS NULL RETURNING id"
    ))
    .bind(now)
    .bind(conversation.as_str())
    .bind(account.as_str())
    .bind(direction)
    .bind(after)
    .bind(up_to)
    .fetch_all(&mut *tx)
    .await?;
    rows.iter().map(|r| Ok(MessageId::from_trusted(r.try_get("id")?))).collect()
}
