//! Conversations: opened, read, listed, resolved, assigned, pre-chat answers.
//! A change's webhook deliveries are written in its own transaction (the
//! outbox): stored means announced, even if the process dies right after.

use linktor_core::{
    api::Conversation, webhook::WebhookEvent, AccountId, AgentId, ChannelId, ConversationId, ConversationStatus, VisitorId,
};
use crate::db::{query, Conn, Row};
use crate::visitors::{visitor_from_row, VisitorRecord};
use std::collections::BTreeMap;

use crate::{
    json_col, now_ms,
    search::{self, SearchQuery},
    to_json, to_time,
    webhooks::EndpointCache,
    Result, Store, StoreError,
};

#[derive(Clone, Debug, Default)]
pub struct ConversationFilter {
    pub status: Option<ConversationStatus>,
    pub assignee: Option<AgentId>,
    pub unassigned: bool,
    pub channel: Option<ChannelId>,
    pub visitor: Option<VisitorId>,
    /// Only conversations with this label.
    pub label: Option<String>,
    /// Full-text search of message text, visitor name and email, and form
    /// answers (`search::SearchQuery`); blank is no search.
    pub search: Option<String>,
    /// Only conversations whose last activity is older than this (paging).
    pub before_ms: Option<i64>,
    pub limit: i64,
}

impl ConversationFilter {
    /// The search, unless blank.
    pub(crate) fn search_text(&self) -> Option<&str> {
        self.search.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
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
    labels: &'static str,
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
    labels: "labels",
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
    labels: "c_labels",
    created_at: "c_created_at",
    last_activity_at: "c_last_activity_at",
};

macro_rules! joined_conversation {
    () => {
        "c.id AS c_id, c.channel_id AS c_channel_id, c.visitor_id AS c_visitor_id, c.status AS c_status,
         c.assignee_id AS c_assignee_id, c.last_seq AS c_last_seq, c.pre_chat AS c_pre_chat, c.labels AS c_labels, c.created_at AS c_created_at,
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
        labels: json_col(row, col.labels)?,
        created_at: to_time(row.try_get(col.created_at)?),
        last_activity_at: to_time(row.try_get(col.last_activity_at)?),
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

    /// Conversations of the account, newest activity first. With `search`,
    /// only those it finds (see `search`): a search of no word at all
    /// (`"*"`, an emoji) finds nothing.
    pub async fn list_conversations(&self, account: &AccountId, filter: &ConversationFilter) -> Result<Vec<Conversation>> {
        let mut sql = String::from("SELECT c.* FROM conversations c WHERE c.account_id = $1 AND c.last_activity_at < $2");
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
        if let Some(label) = &filter.label {
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = c.id AND l.name = {})",
                next(label.clone())
            ));
        }
        if let Some(text) = filter.search_text() {
            let Some(q) = SearchQuery::parse(text) else { return Ok(Vec::new()) };
            next(search::bound(self.dialect, &q));
            sql.push_str(&format!(" AND {}", search::condition(self.dialect, 1, binds.len() + 2)));
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
}

pub(crate) async fn conversation_in(tx: &mut Conn, account: &AccountId, id: &ConversationId) -> Result<Conversation> {
    let row = query("SELECT * FROM conversations WHERE id = $1 AND account_id = $2")
        .bind(id.as_str())
        .bind(account.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    conversation_from_row(&row)
}
