//! A conversation's activity, for agents only: private notes, assignment
//! events (manual and round-robin) and satisfaction ratings; and the pages a
//! visitor viewed. Kept apart from messages, which visitors, emails and
//! webhooks see, so nothing here can reach them.

use linktor_core::{
    api::Conversation,
    inbox::{Activity, ActivityKind, PageView},
    webhook::WebhookEvent,
    AccountId, ActivityId, AgentId, ConversationId, ConversationStatus, VisitorId,
};

use crate::conversations::conversation_in;
use crate::db::{query, Conn, Row};
use crate::{now_ms, to_time, unique_violation, webhooks::EndpointCache, Result, Store, StoreError};

/// Pages kept per visitor: the side panel shows the latest.
pub const PAGES_KEPT: i64 = 50;

fn activity_from_row(row: &Row) -> Result<Activity> {
    let kind: String = row.try_get("kind")?;
    Ok(Activity {
        id: ActivityId::from_trusted(row.try_get("id")?),
        conversation_id: ConversationId::from_trusted(row.try_get("conversation_id")?),
        kind: ActivityKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("activity kind {kind}")))?,
        agent_id: row.try_get::<Option<String>, _>("agent_id")?.map(AgentId::from_trusted),
        agent_name: row.try_get("agent_name")?,
        assignee_id: row.try_get::<Option<String>, _>("assignee_id")?.map(AgentId::from_trusted),
        previous_assignee_id: row.try_get::<Option<String>, _>("previous_assignee_id")?.map(AgentId::from_trusted),
        text: row.try_get("text")?,
        rating: row.try_get::<Option<i64>, _>("rating")?.map(|r| r.clamp(0, 255) as u8),
        created_at: to_time(row.try_get("created_at")?),
    })
}

/// An activity entry to record.
pub struct NewActivity<'a> {
    pub kind: ActivityKind,
    pub agent: Option<&'a AgentId>,
    pub assignee: Option<&'a AgentId>,
    pub previous_assignee: Option<&'a AgentId>,
    pub text: Option<&'a str>,
    pub rating: Option<u8>,
}

impl<'a> NewActivity<'a> {
    /// A note by `agent`, or by the API when `None`.
    pub fn note(agent: Option<&'a AgentId>, text: &'a str) -> Self {
        Self { kind: ActivityKind::Note, agent, assignee: None, previous_assignee: None, text: Some(text), rating: None }
    }
}

const ACTIVITY_SELECT: &str = "SELECT a.*, g.name AS agent_name FROM conversation_activity a LEFT JOIN agents g ON g.id = a.agent_id";

/// Entries of one conversation get increasing times (a millisecond apart at
/// least), so their order is the order they were written in on every database.
async fn insert_activity(tx: &mut Conn, account: &AccountId, conversation: &ConversationId, new: &NewActivity<'_>) -> Result<Activity> {
    let id = ActivityId::generate();
    let last: Option<i64> = query("SELECT MAX(created_at) AS last FROM conversation_activity WHERE conversation_id = $1")
        .bind(conversation.as_str())
        .fetch_one(&mut *tx)
        .await?
        .try_get("last")?;
    let at = last.map_or(now_ms(), |l| now_ms().max(l + 1));
    query(
        "INSERT INTO conversation_activity (id, account_id, conversation_id, kind, agent_id, assignee_id, previous_assignee_id, text, rating, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.as_str())
    .bind(account.as_str())
    .bind(conversation.as_str())
    .bind(new.kind.as_str())
    .bind(new.agent.map(|a| a.to_string()))
    .bind(new.assignee.map(|a| a.to_string()))
    .bind(new.previous_assignee.map(|a| a.to_string()))
    .bind(new.text.map(str::to_owned))
    .bind(new.rating.map(i64::from))
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let row = query(&format!("{ACTIVITY_SELECT} WHERE a.id = $1")).bind(id.as_str()).fetch_one(&mut *tx).await?;
    activity_from_row(&row)
}

impl Store {
    /// The conversation's activity, oldest first.
    pub async fn activity(&self, account: &AccountId, conversation: &ConversationId) -> Result<Vec<Activity>> {
        let rows = query(&format!("{ACTIVITY_SELECT} WHERE a.conversation_id = $1 AND a.account_id = $2 ORDER BY a.created_at, a.id"))
            .bind(conversation.as_str())
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(activity_from_row).collect()
    }

    /// Records an entry (a note) in a conversation of the account.
    pub async fn add_activity(&self, account: &AccountId, conversation: &ConversationId, new: NewActivity<'_>) -> Result<Activity> {
        let mut tx = self.begin_write().await?;
        conversation_in(&mut tx, account, conversation).await?;
        let activity = insert_activity(&mut tx, account, conversation, &new).await?;
        tx.commit().await?;
        Ok(activity)
    }

    /// Assigns the conversation to `agent` (or unassigns it), by `by` (absent:
    /// the API), with its event; the event is `None` when nothing changed.
    pub async fn assign_conversation(
        &self,
        account: &AccountId,
        id: &ConversationId,
        agent: Option<&AgentId>,
        by: Option<&AgentId>,
    ) -> Result<(Conversation, Option<Activity>)> {
        let mut tx = self.begin_write().await?;
        let before = conversation_in(&mut tx, account, id).await?;
        if before.assignee_id.as_ref() == agent {
            return Ok((before, None));
        }
        query("UPDATE conversations SET assignee_id = $1 WHERE id = $2 AND account_id = $3")
            .bind(agent.map(|a| a.to_string()))
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&mut tx)
            .await?;
        let kind = if agent.is_some() { ActivityKind::Assigned } else { ActivityKind::Unassigned };
        let new = NewActivity { kind, agent: by, assignee: agent, previous_assignee: before.assignee_id.as_ref(), text: None, rating: None };
        let activity = insert_activity(&mut tx, account, id, &new).await?;
        let after = conversation_in(&mut tx, account, id).await?;
        tx.commit().await?;
        Ok((after, Some(activity)))
    }

    /// Round-robin: assigns an unassigned conversation to the available agent
    /// (online, a dashboard open) under `max_open` open conversations who was
    /// assigned one longest ago. `None` when nobody qualifies or it is taken.
    pub async fn assign_round_robin(&self, account: &AccountId, id: &ConversationId, max_open: u32) -> Result<Option<(Conversation, Activity)>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let pick = query(
            "SELECT a.id FROM agents a WHERE a.account_id = $1 AND a.deleted_at IS NULL AND a.availability = 'online' AND a.last_seen_at >= $2
               AND (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'open') < $3
             ORDER BY COALESCE(a.last_assigned_at, 0), a.id LIMIT 1",
        )
        .bind(account.as_str())
        .bind(now - self.presence_ms)
        .bind(i64::from(max_open))
        .fetch_optional(&mut tx)
        .await?;
        let Some(row) = pick else { return Ok(None) };
        let agent = AgentId::from_trusted(row.try_get("id")?);
        let done = query("UPDATE conversations SET assignee_id = $1 WHERE id = $2 AND account_id = $3 AND assignee_id IS NULL")
            .bind(agent.as_str())
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&mut tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        query("UPDATE agents SET last_assigned_at = $1 WHERE id = $2").bind(now).bind(agent.as_str()).execute(&mut tx).await?;
        let new = NewActivity { kind: ActivityKind::Assigned, agent: None, assignee: Some(&agent), previous_assignee: None, text: None, rating: None };
        let activity = insert_activity(&mut tx, account, id, &new).await?;
        let conversation = conversation_in(&mut tx, account, id).await?;
        tx.commit().await?;
        Ok(Some((conversation, activity)))
    }

    /// Whether the conversation is resolved and its current resolution has no rating yet.
    pub async fn rating_pending(&self, account: &AccountId, id: &ConversationId) -> Result<bool> {
        let row = query(
            "SELECT 1 FROM conversations c WHERE c.id = $1 AND c.account_id = $2 AND c.status = 'resolved' AND c.resolved_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM satisfaction_ratings r WHERE r.conversation_id = c.id AND r.resolved_at = c.resolved_at)",
        )
        .bind(id.as_str())
        .bind(account.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Stores the visitor's rating of the conversation's current resolution,
    /// its activity entry and its webhooks, in one transaction. `Conflict`
    /// when the conversation is not resolved or this resolution was rated.
    pub async fn rate_conversation(
        &self,
        account: &AccountId,
        id: &ConversationId,
        rating: u8,
        comment: Option<&str>,
        events: impl FnOnce(&Conversation) -> Vec<WebhookEvent>,
    ) -> Result<(Conversation, Activity)> {
        let mut tx = self.begin_write().await?;
        let conversation = conversation_in(&mut tx, account, id).await?;
        let resolved_at: Option<i64> = query("SELECT resolved_at FROM conversations WHERE id = $1").bind(id.as_str()).fetch_one(&mut tx).await?.try_get("resolved_at")?;
        let (ConversationStatus::Resolved, Some(resolved_at)) = (conversation.status, resolved_at) else {
            return Err(StoreError::Conflict("only a resolved conversation can be rated".into()));
        };
        query(
            "INSERT INTO satisfaction_ratings (conversation_id, resolved_at, account_id, channel_id, agent_id, rating, comment, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_str())
        .bind(resolved_at)
        .bind(account.as_str())
        .bind(conversation.channel_id.as_str())
        .bind(conversation.assignee_id.as_ref().map(|a| a.to_string()))
        .bind(i64::from(rating))
        .bind(comment.map(str::to_owned))
        .bind(now_ms())
        .execute(&mut tx)
        .await
        .map_err(|e| if unique_violation(&e) { StoreError::Conflict("this conversation was already rated".into()) } else { e })?;
        let new = NewActivity { kind: ActivityKind::Satisfaction, agent: None, assignee: conversation.assignee_id.as_ref(), previous_assignee: None, text: comment, rating: Some(rating) };
        let activity = insert_activity(&mut tx, account, id, &new).await?;
        let mut cache = EndpointCache::default();
        self.enqueue_events(&mut tx, &mut cache, account, events(&conversation)).await?;
        tx.commit().await?;
        Ok((conversation, activity))
    }

    /// Records a page the visitor viewed, keeping the latest `PAGES_KEPT`.
    pub async fn add_page_view(&self, account: &AccountId, visitor: &VisitorId, url: &str, title: Option<&str>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        query("INSERT INTO visitor_pages (visitor_id, account_id, url, title, viewed_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(visitor.as_str())
            .bind(account.as_str())
            .bind(url)
            .bind(title.map(str::to_owned))
            .bind(now_ms())
            .execute(&mut tx)
            .await?;
        query(
            "DELETE FROM visitor_pages WHERE visitor_id = $1 AND viewed_at < (SELECT MIN(viewed_at) FROM
               (SELECT viewed_at FROM visitor_pages WHERE visitor_id = $1 ORDER BY viewed_at DESC LIMIT $2) kept)",
        )
        .bind(visitor.as_str())
        .bind(PAGES_KEPT)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The visitor's latest pages, oldest first.
    pub async fn page_views(&self, account: &AccountId, visitor: &VisitorId) -> Result<Vec<PageView>> {
        let rows = query("SELECT url, title, viewed_at FROM visitor_pages WHERE visitor_id = $1 AND account_id = $2 ORDER BY viewed_at DESC LIMIT $3")
            .bind(visitor.as_str())
            .bind(account.as_str())
            .bind(PAGES_KEPT)
            .fetch_all(&self.pool)
            .await?;
        let mut pages: Vec<PageView> = rows
            .iter()
            .map(|r| Ok(PageView { url: r.try_get("url")?, title: r.try_get("title")?, viewed_at: to_time(r.try_get("viewed_at")?) }))
            .collect::<Result<_>>()?;
        pages.reverse();
        Ok(pages)
    }
}
