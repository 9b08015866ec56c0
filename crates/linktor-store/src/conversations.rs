//! Conversations and their messages. A message's `seq` comes from its
//! conversation's `last_seq`, bumped in the same transaction as the insert, so
//! seqs only grow; a client-made id is unique per conversation, so a resend
//! returns the stored message instead of a second one. Webhook deliveries for
//! a change are written in the same transaction (the outbox): stored means
//! announced, even if the process dies right after.

use linktor_core::{
    api::Conversation, webhook::WebhookEvent, AccountId, AgentId, ChannelId, Content, ConversationId,
    ConversationStatus, Direction, Message, MessageId, MessageStatus, Sender, SenderType, VisitorId,
};
use crate::db::{query, Conn, Row};
use crate::visitors::{visitor_from_row, VisitorRecord};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Rows per multi-row statement. Small on purpose: SQLite finds a `$N`
/// parameter by a linear scan (sqlx asks for each one's name), so a statement
/// of n parameters costs n² — at 200 rows that was a fifth of the server's
/// time. Full chunks also repeat the same SQL, which sqlx keeps prepared.
const INSERT_CHUNK: usize = 24;
/// Conversations per seq-bump UPDATE (4 parameters each, and a CASE per row).
const UPDATE_CHUNK: usize = 16;
/// (conversation, client id) pairs per resend lookup.
const LOOKUP_CHUNK: usize = 48;

use crate::{found, json_col, now_ms, placeholder_rows, sized_sql, to_json, to_time, webhooks::EndpointCache, Result, Store, StoreError};

/// Builds the webhook events of a stored message.
pub type EventsOf = Box<dyn Fn(&Message) -> Vec<WebhookEvent> + Send + Sync>;

/// A message to append. `events` builds the webhook events of the stored
/// message (it needs the id and time the store gives it).
pub struct NewMessage {
    pub account: AccountId,
    pub conversation: ConversationId,
    pub direction: Direction,
    pub sender: Sender,
    pub content: Content,
    pub client_id: Option<String>,
    pub reply_to: Option<MessageId>,
    pub events: Option<EventsOf>,
}

#[derive(Clone, Debug, Default)]
pub struct ConversationFilter {
    pub status: Option<ConversationStatus>,
    pub assignee: Option<AgentId>,
    pub unassigned: bool,
    pub channel: Option<ChannelId>,
    pub visitor: Option<VisitorId>,
    /// Matches visitor name, email or message text, case-insensitively.
    pub search: Option<String>,
    /// Only conversations whose last activity is older than this (paging).
    pub before_ms: Option<i64>,
    pub limit: i64,
}

/// What a read or delivery receipt changed.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceiptUpdate {
    /// The new watermark (unchanged when nothing new was covered).
    pub seq: i64,
    /// Messages newly marked.
    pub messages: Vec<MessageId>,
}

/// The names a conversation's columns have in a result: their own, or
/// prefixed where a join also returns another table's `id`, `created_at`…
pub(crate) struct ConversationColumns {
    id: &'static str,
    channel_id: &'static str,
    visitor_id: &'static str,
    status: &'static str,
    assignee_id: &'static str,
    last_seq: &'static str,
    pre_chat: &'static str,
    created_at: &'static str,
    last_activity_at: &'static str,
}

const CONVERSATION_COLUMNS: ConversationColumns = ConversationColumns {
    id: "id",
    channel_id: "channel_id",
    visitor_id: "visitor_id",
    status: "status",
    assignee_id: "assignee_id",
    last_seq: "last_seq",
    pre_chat: "pre_chat",
    created_at: "created_at",
    last_activity_at: "last_activity_at",
};

/// The same columns as `c_id`, `c_channel_id`…, as `joined_conversation!` selects them.
const JOINED_CONVERSATION_COLUMNS: ConversationColumns = ConversationColumns {
    id: "c_id",
    channel_id: "c_channel_id",
    visitor_id: "c_visitor_id",
    status: "c_status",
    assignee_id: "c_assignee_id",
    last_seq: "c_last_seq",
    pre_chat: "c_pre_chat",
    created_at: "c_created_at",
    last_activity_at: "c_last_activity_at",
};

macro_rules! joined_conversation {
    () => {
        "c.id AS c_id, c.channel_id AS c_channel_id, c.visitor_id AS c_visitor_id, c.status AS c_status,
         c.assignee_id AS c_assignee_id, c.last_seq AS c_last_seq, c.pre_chat AS c_pre_chat, c.created_at AS c_created_at,
         c.last_activity_at AS c_last_activity_at"
    };
}

/// Which of a visitor's conversations is the current one: the open one,
/// else the one last active.
macro_rules! current_first {
    () => {
        "ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, last_activity_at DESC, id LIMIT 1"
    };
}

pub(crate) fn conversation_from_row(row: &Row) -> Result<Conversation> {
    conversation_from_columns(row, &CONVERSATION_COLUMNS)
}

fn conversation_from_columns(row: &Row, col: &ConversationColumns) -> Result<Conversation> {
    let status: String = row.try_get(col.status)?;
    Ok(Conversation {
        id: ConversationId::from_trusted(row.try_get(col.id)?),
        channel_id: ChannelId::from_trusted(row.try_get(col.channel_id)?),
        visitor_id: VisitorId::from_trusted(row.try_get(col.visitor_id)?),
        status: if status == "resolved" { ConversationStatus::Resolved } else { ConversationStatus::Open },
        assignee_id: row.try_get::<Option<String>, _>(col.assignee_id)?.map(AgentId::from_trusted),
        last_seq: row.try_get(col.last_seq)?,
        pre_chat: json_col(row, col.pre_chat)?,
        created_at: to_time(row.try_get(col.created_at)?),
        last_activity_at: to_time(row.try_get(col.last_activity_at)?),
    })
}

fn sender_type_str(t: SenderType) -> &'static str {
    match t {
        SenderType::Visitor => "visitor",
        SenderType::Agent => "agent",
        SenderType::Api => "api",
        SenderType::System => "system",
    }
}

pub(crate) fn message_from_row(row: &Row) -> Result<Message> {
    let direction: String = row.try_get("direction")?;
    let sender_type: String = row.try_get("sender_type")?;
    let delivered: Option<i64> = row.try_get("delivered_at")?;
    let read: Option<i64> = row.try_get("read_at")?;
    Ok(Message {
        id: MessageId::from_trusted(row.try_get("id")?),
        conversation_id: ConversationId::from_trusted(row.try_get("conversation_id")?),
        seq: row.try_get("seq")?,
        direction: if direction == "inbound" { Direction::Inbound } else { Direction::Outbound },
        sender: Sender {
            sender_type: match sender_type.as_str() {
                "visitor" => SenderType::Visitor,
                "agent" => SenderType::Agent,
                "api" => SenderType::Api,
                _ => SenderType::System,
            },
            id: row.try_get("sender_id")?,
            name: row.try_get("sender_name")?,
            avatar: None,
        },
        content: json_col(row, "content")?,
        status: match (delivered, read) {
            (_, Some(_)) => MessageStatus::Read,
            (Some(_), None) => MessageStatus::Delivered,
            _ => MessageStatus::Sent,
        },
        client_id: row.try_get("client_id")?,
        reply_to: row.try_get::<Option<String>, _>("reply_to")?.map(MessageId::from_trusted),
        created_at: to_time(row.try_get("created_at")?),
    })
}

impl Store {
    /// Opens a conversation and queues its webhook events in one transaction.
    pub async fn create_conversation(
        &self,
        account: &AccountId,
        channel: &ChannelId,
        visitor: &VisitorId,
        pre_chat: &BTreeMap<String, String>,
        events: impl FnOnce(&Conversation) -> Vec<WebhookEvent>,
    ) -> Result<Conversation> {
        let id = ConversationId::generate();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        query(
            "INSERT INTO conversations (id, account_id, channel_id, visitor_id, status, pre_chat, created_at, last_activity_at)
             VALUES ($1, $2, $3, $4, 'open', $5, $6, $6)",
        )
        .bind(id.as_str())
        .bind(account.as_str())
        .bind(channel.as_str())
        .bind(visitor.as_str())
        .bind(to_json(pre_chat))
        .bind(now)
        .execute(&mut tx)
        .await?;
        let conversation = conversation_in(&mut tx, account, &id).await?;
        let mut cache = EndpointCache::default();
        self.enqueue_events(&mut tx, &mut cache, account, events(&conversation)).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    pub async fn conversation(&self, account: &AccountId, id: &ConversationId) -> Result<Conversation> {
        let row = query("SELECT * FROM conversations WHERE id = $1 AND account_id = $2")
            .bind(id.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        conversation_from_row(&row)
    }

    /// The visitor's open conversation, else its most recent one.
    pub async fn current_conversation(&self, account: &AccountId, visitor: &VisitorId) -> Result<Option<Conversation>> {
        let row = query(concat!("SELECT * FROM conversations WHERE visitor_id = $1 AND account_id = $2 ", current_first!()))
            .bind(visitor.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(conversation_from_row).transpose()
    }

    /// The visitor `visitor` of the live channel `channel` in `account`, with
    /// its current conversation: in one statement, for `POST /v1/messages`,
    /// which would otherwise read the channel, the visitor and the
    /// conversation one after another. `NotFound` when any of the three does
    /// not hold (another account's visitor or channel, a visitor of another
    /// channel, a deleted channel); the caller tells which.
    pub async fn channel_visitor(&self, account: &AccountId, channel: &ChannelId, visitor: &VisitorId) -> Result<(VisitorRecord, Option<Conversation>)> {
        let sql = concat!(
            "SELECT v.*, ",
            joined_conversation!(),
            " FROM visitors v
             JOIN channels ch ON ch.id = v.channel_id AND ch.account_id = v.account_id AND ch.deleted_at IS NULL
             LEFT JOIN conversations c ON c.id = (SELECT id FROM conversations WHERE visitor_id = v.id AND account_id = v.account_id ",
            current_first!(),
            ") WHERE v.id = $1 AND v.account_id = $2 AND v.channel_id = $3"
        );
        let row = query(sql)
            .bind(visitor.as_str())
            .bind(account.as_str())
            .bind(channel.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let conversation = match row.try_get::<Option<String>, _>("c_id")? {
            Some(_) => Some(conversation_from_columns(&row, &JOINED_CONVERSATION_COLUMNS)?),
            None => None,
        };
        Ok((visitor_from_row(&row)?, conversation))
    }

    pub async fn list_conversations(&self, account: &AccountId, filter: &ConversationFilter) -> Result<Vec<Conversation>> {
        let mut sql = String::from("SELECT c.* FROM conversations c JOIN visitors v ON v.id = c.visitor_id WHERE c.account_id = $1 AND c.last_activity_at < $2");
        // Placeholders $1 and $2 are the account and the paging bound; filters follow.
        let mut binds: Vec<String> = Vec::new();
        let mut next = |value: String| {
            binds.push(value);
            format!("${}", binds.len() + 2)
        };
        if let Some(status) = filter.status {
            sql.push_str(&format!(" AND c.status = {}", next(status.as_str().to_owned())));
        }
        if let Some(a) = &filter.assignee {
            sql.push_str(&format!(" AND c.assignee_id = {}", next(a.to_string())));
        }
        if filter.unassigned {
            sql.push_str(" AND c.assignee_id IS NULL");
        }
        if let Some(ch) = &filter.channel {
            sql.push_str(&format!(" AND c.channel_id = {}", next(ch.to_string())));
        }
        if let Some(v) = &filter.visitor {
            sql.push_str(&format!(" AND c.visitor_id = {}", next(v.to_string())));
        }
        if let Some(q) = filter.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            let (a, b) = (next(pattern.clone()), next(pattern));
            sql.push_str(&format!(
                " AND (LOWER(v.user_json) LIKE {a} ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.search_text LIKE {b} ESCAPE '\\'))"
            ));
        }
        let limit = format!("${}", binds.len() + 3);
        sql.push_str(&format!(" ORDER BY c.last_activity_at DESC, c.id LIMIT {limit}"));
        let mut q = query(&sql).bind(account.as_str()).bind(filter.before_ms.unwrap_or(i64::MAX));
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.bind(filter.limit.clamp(1, 200)).fetch_all(&self.pool).await?;
        rows.iter().map(conversation_from_row).collect()
    }

    /// Resolves or reopens; returns the conversation and whether it changed.
    pub async fn set_conversation_status(
        &self,
        account: &AccountId,
        id: &ConversationId,
        status: ConversationStatus,
        events: impl FnOnce(&Conversation) -> Vec<WebhookEvent>,
    ) -> Result<(Conversation, bool)> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let done = query(
            "UPDATE conversations SET status = $1, resolved_at = $2, last_activity_at = $3
             WHERE id = $4 AND account_id = $5 AND status <> $1",
        )
        .bind(status.as_str())
        .bind((status == ConversationStatus::Resolved).then_some(now))
        .bind(now)
        .bind(id.as_str())
        .bind(account.as_str())
        .execute(&mut tx)
        .await?;
        let conversation = conversation_in(&mut tx, account, id).await?;
        let changed = done.rows_affected() > 0;
        if changed {
            let mut cache = EndpointCache::default();
            self.enqueue_events(&mut tx, &mut cache, account, events(&conversation)).await?;
        }
        tx.commit().await?;
        Ok((conversation, changed))
    }

    pub async fn assign_conversation(&self, account: &AccountId, id: &ConversationId, agent: Option<&AgentId>) -> Result<Conversation> {
        let done = query("UPDATE conversations SET assignee_id = $1 WHERE id = $2 AND account_id = $3")
            .bind(agent.map(|a| a.to_string()))
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        found(&done)?;
        self.conversation(account, id).await
    }

    /// Merges pre-chat (or offline form) answers into the conversation.
    pub async fn merge_pre_chat(&self, account: &AccountId, id: &ConversationId, fields: &BTreeMap<String, String>) -> Result<()> {
        let mut current = self.conversation(account, id).await?.pre_chat;
        current.extend(fields.clone());
        query("UPDATE conversations SET pre_chat = $1 WHERE id = $2 AND account_id = $3")
            .bind(to_json(&current))
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Appends messages in one transaction (one commit for the whole batch).
    /// Each result is the stored message and whether it is new (`false` for a
    /// resend of a known client id); a missing conversation fails only its own
    /// entry. An error of the transaction fails the whole batch: nothing of
    /// it was stored, and nothing may be acknowledged.
    pub async fn append_messages(&self, batch: Vec<NewMessage>) -> Result<Vec<Result<(Message, bool)>>> {
        // Set-based: a handful of statements per batch, whatever its size —
        // one lookup of resent client ids, one seq bump for all conversations,
        // multi-row inserts of the messages and of their webhook deliveries.
        let mut tx = self.begin_write().await?;
        let mut out: Vec<Option<Result<(Message, bool)>>> = (0..batch.len()).map(|_| None).collect();

        // 1. Resends: a client id already stored, or repeated within this batch.
        let mut stored = stored_client_ids(&mut tx, &batch).await?;
        let mut first_of: HashMap<(&str, &str), usize> = HashMap::new();
        let mut fresh: Vec<usize> = Vec::with_capacity(batch.len());
        for (i, m) in batch.iter().enumerate() {
            if let Some(cid) = m.client_id.as_deref() {
                let key = (m.conversation.as_str(), cid);
                if let Some(existing) = stored.get(&(m.conversation.to_string(), cid.to_owned())) {
                    if existing.0 == m.account {
                        out[i] = Some(Ok((existing.1.clone(), false)));
                        continue;
                    }
                }
                if first_of.contains_key(&key) {
                    continue; // answered below with the first one's message
                }
                first_of.insert(key, i);
            }
            fresh.push(i);
        }

        // 2. Seqs: an UPDATE per group of conversations bumps each by its count of new messages.
        // Found through a map: a batch under load holds a thousand conversations
        // or more, and a linear search of them per message was 6% of the writer.
        let mut per_conversation: Vec<(&ConversationId, &AccountId, i64, bool)> = Vec::new();
        let mut position: HashMap<(&str, &str), usize> = HashMap::with_capacity(fresh.len());
        for &i in &fresh {
            let m = &batch[i];
            let inbound = m.direction == Direction::Inbound;
            match position.entry((m.conversation.as_str(), m.account.as_str())) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    let c = &mut per_conversation[*at.get()];
                    c.2 += 1;
                    c.3 |= inbound;
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(per_conversation.len());
                    per_conversation.push((&m.conversation, &m.account, 1, inbound));
                }
            }
        }
        let now = now_ms();
        let mut last_seq: HashMap<String, (String, i64)> = HashMap::new();
        for group in per_conversation.chunks(UPDATE_CHUNK) {
            let n = group.len();
            // $1 now; then per conversation: id, account, count, reopen. Each
            // term names the account too: a conversation of another account is not touched.
            let sql = sized_sql("bump_seqs", n, || {
                let is = |k: usize| format!("id = ${} AND account_id = ${}", 2 + 4 * k, 3 + 4 * k);
                let case = |col: usize| (0..n).map(|k| format!(" WHEN {} THEN ${}", is(k), 2 + 4 * k + col)).collect::<String>();
                let matches = (0..n).map(|k| format!("({})", is(k))).collect::<Vec<_>>().join(" OR ");
                format!(
                    "UPDATE conversations SET last_seq = last_seq + CASE{} END, last_activity_at = $1,
                        status = CASE WHEN (CASE{} END) = 1 THEN 'open' ELSE status END,
                        resolved_at = CASE WHEN (CASE{} END) = 1 THEN NULL ELSE resolved_at END
                     WHERE {matches} RETURNING id, account_id, last_seq",
                    case(2),
                    case(3),
                    case(3),
                )
            });
            let mut q = query(&sql).bind(now);
            for (conversation, account, count, reopen) in group {
                q = q.bind(conversation.as_str()).bind(account.as_str()).bind(*count).bind(*reopen as i64);
            }
            for row in q.fetch_all(&mut tx).await? {
                last_seq.insert(row.try_get("id")?, (row.try_get("account_id")?, row.try_get("last_seq")?));
            }
        }

        // 3. The messages, with their seqs, in one multi-row insert per chunk.
        // Only where the conversation is of the message's account.
        let mut next_seq: HashMap<(&str, &str), i64> = per_conversation
            .iter()
            .filter_map(|(c, a, count, _)| match last_seq.get(c.as_str()) {
                Some((owner, last)) if owner == a.as_str() => Some(((c.as_str(), a.as_str()), last - count + 1)),
                _ => None,
            })
            .collect();
        let mut new_messages: Vec<(usize, Message)> = Vec::with_capacity(fresh.len());
        for &i in &fresh {
            let m = &batch[i];
            let Some(seq) = next_seq.get_mut(&(m.conversation.as_str(), m.account.as_str())) else {
                out[i] = Some(Err(StoreError::NotFound));
                continue;
            };
            let message = Message {
                id: MessageId::generate(),
                conversation_id: m.conversation.clone(),
                seq: *seq,
                direction: m.direction,
                sender: m.sender.clone(),
                content: m.content.clone(),
                status: MessageStatus::Sent,
                client_id: m.client_id.clone(),
                reply_to: m.reply_to.clone(),
                created_at: to_time(now),
            };
            *seq += 1;
            new_messages.push((i, message));
        }
        let mut inserted: HashSet<String> = HashSet::with_capacity(new_messages.len());
        for chunk in new_messages.chunks(INSERT_CHUNK) {
            let sql = sized_sql("insert_messages", chunk.len(), || {
                format!(
                    "INSERT INTO messages (id, account_id, conversation_id, seq, direction, sender_type, sender_id, sender_name,
                        content, client_id, reply_to, search_text, created_at)
                     VALUES {} ON CONFLICT (conversation_id, client_id) DO NOTHING RETURNING id",
                    placeholder_rows(1, chunk.len(), 13)
                )
            });
            let mut q = query(&sql);
            for (i, message) in chunk {
                q = q
                    .bind(message.id.as_str())
                    .bind(batch[*i].account.as_str())
                    .bind(message.conversation_id.as_str())
                    .bind(message.seq)
                    .bind(if message.direction == Direction::Inbound { "inbound" } else { "outbound" })
                    .bind(sender_type_str(message.sender.sender_type))
                    .bind(message.sender.id.as_str())
                    .bind(message.sender.name.as_deref())
                    .bind(to_json(&message.content))
                    .bind(message.client_id.as_deref())
                    .bind(message.reply_to.as_ref().map(|r| r.as_str()))
                    .bind(message.content.preview().to_lowercase())
                    .bind(now);
            }
            for row in q.fetch_all(&mut tx).await? {
                inserted.insert(row.try_get("id")?);
            }
        }

        // 4. Webhook deliveries of what was stored, grouped by account.
        let mut events: Vec<(AccountId, Vec<WebhookEvent>)> = Vec::new();
        for (i, message) in new_messages {
            if !inserted.contains(message.id.as_str()) {
                // Another node stored the same client id meanwhile: theirs wins (our seq is a gap).
                let m = &batch[i];
                let client_id = m.client_id.as_deref().unwrap_or_default();
                let existing = message_by_client_id(&mut tx, &m.account, &m.conversation, client_id).await?.ok_or(StoreError::NotFound)?;
                stored.insert((m.conversation.to_string(), client_id.to_owned()), (m.account.clone(), existing.clone()));
                out[i] = Some(Ok((existing, false)));
                continue;
            }
            if let Some(build) = &batch[i].events {
                let built = build(&message);
                match events.iter_mut().find(|(a, _)| a == &batch[i].account) {
                    Some((_, list)) => list.extend(built),
                    None => events.push((batch[i].account.clone(), built)),
                }
            }
            out[i] = Some(Ok((message, true)));
        }
        let mut cache = EndpointCache::default();
        for (account, list) in events {
            self.enqueue_events(&mut tx, &mut cache, &account, list).await?;
        }
        tx.commit().await?;

        // Repeats within the batch answer with the first one's message.
        for (i, m) in batch.iter().enumerate() {
            if out[i].is_none() {
                let cid = m.client_id.as_deref().unwrap_or_default();
                let first = first_of.get(&(m.conversation.as_str(), cid)).copied();
                out[i] = Some(match first.and_then(|f| out[f].as_ref()) {
                    Some(Ok((message, _))) => Ok((message.clone(), false)),
                    _ => Err(StoreError::NotFound),
                });
            }
        }
        Ok(out.into_iter().map(|r| r.unwrap_or(Err(StoreError::NotFound))).collect())
    }

    /// Messages with `seq > after`, oldest first.
    pub async fn messages_after(&self, account: &AccountId, conversation: &ConversationId, after: i64, limit: i64) -> Result<Vec<Message>> {
        let rows = query(
            "SELECT * FROM messages WHERE conversation_id = $1 AND account_id = $2 AND seq > $3 ORDER BY seq LIMIT $4",
        )
        .bind(conversation.as_str())
        .bind(account.as_str())
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    /// The last `limit` messages with `seq < before`, oldest first.
    pub async fn messages_before(&self, account: &AccountId, conversation: &ConversationId, before: i64, limit: i64) -> Result<Vec<Message>> {
        let rows = query(
            "SELECT * FROM messages WHERE conversation_id = $1 AND account_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4",
        )
        .bind(conversation.as_str())
        .bind(account.as_str())
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut messages = rows.iter().map(message_from_row).collect::<Result<Vec<_>>>()?;
        messages.reverse();
        Ok(messages)
    }

    pub async fn message(&self, account: &AccountId, id: &MessageId) -> Result<Message> {
        let row = query("SELECT * FROM messages WHERE id = $1 AND account_id = $2")
            .bind(id.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        message_from_row(&row)
    }

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

async fn conversation_in(tx: &mut Conn, account: &AccountId, id: &ConversationId) -> Result<Conversation> {
    let row = query("SELECT * FROM conversations WHERE id = $1 AND account_id = $2")
        .bind(id.as_str())
        .bind(account.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    conversation_from_row(&row)
}

/// Messages of the batch's conversations whose client ids are already stored,
/// by (conversation, client id), with the account they belong to.
async fn stored_client_ids(tx: &mut Conn, batch: &[NewMessage]) -> Result<HashMap<(String, String), (AccountId, Message)>> {
    let mut pairs: Vec<(&str, &str)> = batch.iter().filter_map(|m| Some((m.conversation.as_str(), m.client_id.as_deref()?))).collect();
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut found = HashMap::new();
    for chunk in pairs.chunks(LOOKUP_CHUNK) {
        // A join with the pairs, so each is found through the (conversation_id,
        // client_id) index: SQLite scans the whole table for `(a, b) IN (VALUES …)`.
        let sql = sized_sql("stored_client_ids", chunk.len(), || {
            let values = placeholder_rows(1, chunk.len(), 2);
            format!("SELECT m.* FROM (VALUES {values}) AS v JOIN messages m ON m.conversation_id = v.column1 AND m.client_id = v.column2")
        });
        let mut q = query(&sql);
        for (conversation, client_id) in chunk {
            q = q.bind(*conversation).bind(*client_id);
        }
        for row in q.fetch_all(&mut *tx).await? {
            let account = AccountId::from_trusted(row.try_get("account_id")?);
            let message = message_from_row(&row)?;
            let key = (message.conversation_id.to_string(), message.client_id.clone().unwrap_or_default());
            found.insert(key, (account, message));
        }
    }
    Ok(found)
}

async fn message_by_client_id(
    tx: &mut Conn,
    account: &AccountId,
    conversation: &ConversationId,
    client_id: &str,
) -> Result<Option<Message>> {
    let row = query("SELECT * FROM messages WHERE conversation_id = $1 AND client_id = $2 AND account_id = $3")
        .bind(conversation.as_str())
        .bind(client_id)
        .bind(account.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    row.as_ref().map(message_from_row).transpose()
}
