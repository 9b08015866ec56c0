//! Messages, appended in batches and read back by seq. A seq comes from its
//! conversation's `last_seq`, bumped in the insert's transaction, so seqs only
//! grow; a resent client id (unique per conversation) returns the stored message.

use linktor_core::{
    webhook::WebhookEvent, AccountId, Content, ConversationId, Direction, Message, MessageId, MessageStatus, Sender, SenderType,
};
use crate::db::{query, Conn, Row};
use std::collections::{HashMap, HashSet};

/// Rows per multi-row statement. Small on purpose: SQLite finds a `$N`
/// parameter by a linear scan (sqlx asks for each one's name), so a statement
/// of n parameters costs n² — at 200 rows that was a fifth of the server's
/// time. Full chunks also repeat the same SQL, which sqlx keeps prepared.
const INSERT_CHUNK: usize = 24;
/// Conversations per seq-bump UPDATE (4 parameters each, and a CASE per row).
const UPDATE_CHUNK: usize = 16;
/// (conversation, client id) pairs per resend lookup.
const LOOKUP_CHUNK: usize = 48;

use crate::{json_col, now_ms, placeholder_rows, sized_sql, to_json, to_time, webhooks::EndpointCache, Result, Store, StoreError};

/// Builds the webhook events of a stored message.
pub type EventsOf = Box<dyn Fn(&Message) -> Vec<WebhookEvent> + Send + Sync>;

/// A message as `append_messages` answered it.
#[derive(Clone, Debug)]
pub struct Appended {
    pub message: Message,
    /// Stored now; `false` when it was already stored (a resend of its client id).
    pub created: bool,
}

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
    /// Appends messages in one transaction (one commit for the whole batch).
    /// Each result is the stored message and whether it is new (`false` for a
    /// resend of a known client id); a missing conversation fails only its own
    /// entry. An error of the transaction fails the whole batch: nothing of
    /// it was stored, and nothing may be acknowledged.
    pub async fn append_messages(&self, batch: Vec<NewMessage>) -> Result<Vec<Result<Appended>>> {
        // Set-based: a handful of statements per batch, whatever its size —
        // one lookup of resent client ids, one seq bump for all conversations,
        // multi-row inserts of the messages and of their webhook deliveries.
        let mut tx = self.begin_write().await?;
        let mut appending = AppendBatch::find_resends(&mut tx, &batch).await?;
        let now = now_ms();
        let next_seq = appending.bump_seqs(&mut tx, now).await?;
        let (new_messages, inserted) = appending.insert_messages(&mut tx, next_seq, now).await?;
        appending.queue_deliveries(self, &mut tx, new_messages, inserted).await?;
        if let Some(delay) = self.email_delay_ms {
            appending.schedule_email_looks(&mut tx, delay).await?;
        }
        tx.commit().await?;
        Ok(appending.answer_repeats())
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
}

/// One batch of `append_messages` on its way through the steps: what each
/// step learns for the ones after it, and each message's answer once known.
struct AppendBatch<'b> {
    batch: &'b [NewMessage],
    /// Each message's answer, once a step knows it.
    out: Vec<Option<Result<Appended>>>,
    /// Messages already stored under a client id of the batch, by
    /// (conversation, client id), with the account they belong to.
    stored: HashMap<(String, String), (AccountId, Message)>,
    /// The first message of the batch with each (conversation, client id):
    /// the ones repeating it answer with its message.
    first_of: HashMap<(&'b str, &'b str), usize>,
    /// The messages to store: neither resends nor repeats, in batch order.
    fresh: Vec<usize>,
}

impl<'b> AppendBatch<'b> {
    /// Step 1. Resends: a client id already stored, or repeated within this batch.
    async fn find_resends(tx: &mut Conn, batch: &'b [NewMessage]) -> Result<Self> {
        let mut out: Vec<Option<Result<Appended>>> = (0..batch.len()).map(|_| None).collect();
        let stored = stored_client_ids(tx, batch).await?;
        let mut first_of: HashMap<(&str, &str), usize> = HashMap::new();
        let mut fresh: Vec<usize> = Vec::with_capacity(batch.len());
        for (i, m) in batch.iter().enumerate() {
            if let Some(cid) = m.client_id.as_deref() {
                let key = (m.conversation.as_str(), cid);
                if let Some(existing) = stored.get(&(m.conversation.to_string(), cid.to_owned())) {
                    if existing.0 == m.account {
                        out[i] = Some(Ok(Appended { message: existing.1.clone(), created: false }));
                        continue;
                    }
                }
                if first_of.contains_key(&key) {
                    continue; // answered by `answer_repeats` with the first one's message
                }
                first_of.insert(key, i);
            }
            fresh.push(i);
        }
        Ok(Self { batch, out, stored, first_of, fresh })
    }

    /// Step 2. Seqs: an UPDATE per group of conversations bumps each by its
    /// count of new messages. Returns the seq of each conversation's first
    /// new message, by (conversation, account).
    async fn bump_seqs(&self, tx: &mut Conn, now: i64) -> Result<HashMap<(&'b str, &'b str), i64>> {
        let batch = self.batch;
        // Found through a map: a batch under load holds a thousand conversations
        // or more, and a linear search of them per message was 6% of the writer.
        let mut per_conversation: Vec<(&ConversationId, &AccountId, i64, bool)> = Vec::new();
        let mut position: HashMap<(&str, &str), usize> = HashMap::with_capacity(self.fresh.len());
        for &i in &self.fresh {
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
            for row in q.fetch_all(&mut *tx).await? {
                last_seq.insert(row.try_get("id")?, (row.try_get("account_id")?, row.try_get("last_seq")?));
            }
        }
        // Only where the conversation is of the message's account.
        Ok(per_conversation
            .iter()
            .filter_map(|(c, a, count, _)| match last_seq.get(c.as_str()) {
                Some((owner, last)) if owner == a.as_str() => Some(((c.as_str(), a.as_str()), last - count + 1)),
                _ => None,
            })
            .collect())
    }

    /// Step 3. The messages, with their seqs, in one multi-row insert per
    /// chunk (a message whose conversation got no seq is not found). Returns
    /// them, with the ids of those the insert stored.
    async fn insert_messages(
        &mut self,
        tx: &mut Conn,
        mut next_seq: HashMap<(&'b str, &'b str), i64>,
        now: i64,
    ) -> Result<(Vec<(usize, Message)>, HashSet<String>)> {
        let batch = self.batch;
        let mut new_messages: Vec<(usize, Message)> = Vec::with_capacity(self.fresh.len());
        for &i in &self.fresh {
            let m = &batch[i];
            let Some(seq) = next_seq.get_mut(&(m.conversation.as_str(), m.account.as_str())) else {
                self.out[i] = Some(Err(StoreError::NotFound));
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
                    .bind(message.content.search_text())
                    .bind(now);
            }
            for row in q.fetch_all(&mut *tx).await? {
                inserted.insert(row.try_get("id")?);
            }
        }
        Ok((new_messages, inserted))
    }

    /// Step 4. Webhook deliveries of what was stored, grouped by account.
    async fn queue_deliveries(&mut self, store: &Store, tx: &mut Conn, new_messages: Vec<(usize, Message)>, inserted: HashSet<String>) -> Result<()> {
        let batch = self.batch;
        let mut events: Vec<(AccountId, Vec<WebhookEvent>)> = Vec::new();
        for (i, message) in new_messages {
            if !inserted.contains(message.id.as_str()) {
                // Another node stored the same client id meanwhile: theirs wins (our seq is a gap).
                let m = &batch[i];
                let client_id = m.client_id.as_deref().unwrap_or_default();
                let existing = message_by_client_id(tx, &m.account, &m.conversation, client_id).await?.ok_or(StoreError::NotFound)?;
                self.stored.insert((m.conversation.to_string(), client_id.to_owned()), (m.account.clone(), existing.clone()));
                self.out[i] = Some(Ok(Appended { message: existing, created: false }));
                continue;
            }
            if let Some(build) = &batch[i].events {
                let built = build(&message);
                match events.iter_mut().find(|(a, _)| a == &batch[i].account) {
                    Some((_, list)) => list.extend(built),
                    None => events.push((batch[i].account.clone(), built)),
                }
            }
            self.out[i] = Some(Ok(Appended { message, created: true }));
        }
        let mut cache = EndpointCache::default();
        for (account, list) in events {
            store.enqueue_events(tx, &mut cache, &account, list).await?;
        }
        Ok(())
    }

    /// Step 5 (email on). Each conversation given a business message (agent
    /// or API) is looked at `delay_ms` after it, for an unread-message email.
    async fn schedule_email_looks(&self, tx: &mut Conn, delay_ms: i64) -> Result<()> {
        let mut looks: HashMap<&ConversationId, (&AccountId, i64, i64)> = HashMap::new();
        for answer in self.out.iter().flatten() {
            let Ok(Appended { message, created: true }) = answer else { continue };
            if message.direction != Direction::Outbound || !matches!(message.sender.sender_type, SenderType::Agent | SenderType::Api) {
                continue;
            }
            let Some(m) = self.batch.iter().find(|m| m.conversation == message.conversation_id) else { continue };
            let due = message.created_at.timestamp_millis() + delay_ms;
            let look = looks.entry(&message.conversation_id).or_insert((&m.account, message.seq, due));
            look.1 = look.1.max(message.seq);
            look.2 = look.2.min(due);
        }
        for (conversation, (account, seq, due)) in looks {
            crate::email::schedule_email_in(tx, account, conversation, seq, due).await?;
        }
        Ok(())
    }

    /// Repeats within the batch answer with the first one's message (after
    /// the commit). Returns every message's answer, in the batch's order.
    fn answer_repeats(mut self) -> Vec<Result<Appended>> {
        for (i, m) in self.batch.iter().enumerate() {
            if self.out[i].is_none() {
                let cid = m.client_id.as_deref().unwrap_or_default();
                let first = self.first_of.get(&(m.conversation.as_str(), cid)).copied();
                self.out[i] = Some(match first.and_then(|f| self.out[f].as_ref()) {
                    Some(Ok(Appended { message, .. })) => Ok(Appended { message: message.clone(), created: false }),
                    _ => Err(StoreError::NotFound),
                });
            }
        }
        self.out.into_iter().map(|r| r.unwrap_or(Err(StoreError::NotFound))).collect()
    }
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
