//! A conversation's activity for agents: private notes, assignment (by an
//! agent, the API, or round-robin when a conversation starts) with its
//! events, the visitor's satisfaction rating, and the pages visitors view.
//! Each entry is stored, then announced to the account's dashboards only.

use chrono::Utc;
use linktor_core::{
    api::Conversation,
    inbox::{validate_rating, Activity, AssignmentMode, NoteRequest},
    webhook::{CsatSubmitted, WebhookEvent},
    AccountId, AgentId, ChannelId, ConversationId, ConversationStatus, ValidationError, VisitorId,
};
use linktor_store::{NewActivity, StoreError};

use crate::{
    bus::{BusEvent, Topic},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// A reported page URL: http(s), at most this many bytes.
const MAX_PAGE_URL: usize = 2048;
const MAX_PAGE_TITLE: usize = 512;

impl AppState {
    async fn announce_activity(&self, account: &AccountId, activity: Activity) {
        self.bus.publish(&Topic::Account(account.clone()), BusEvent::Activity { activity }).await;
    }

    /// A private note by `agent` (absent: the API): stored and shown to agents, never to the visitor.
    pub async fn add_note(&self, account: &AccountId, conversation: &ConversationId, agent: Option<&AgentId>, req: NoteRequest) -> ApiResult<Activity> {
        req.validate()?;
        let activity = self.store.add_activity(account, conversation, NewActivity::note(agent, &req.text)).await?;
        self.announce_activity(account, activity.clone()).await;
        Ok(activity)
    }

    /// Assigns a conversation (or unassigns it) by `by` (absent: the API),
    /// logs it in the conversation and tells the agents.
    pub async fn assign(&self, account: &AccountId, conversation: &Conversation, agent: Option<&AgentId>, by: Option<&AgentId>) -> ApiResult<Conversation> {
        let (updated, activity) = self.store.assign_conversation(account, &conversation.id, agent, by).await?;
        if let Some(activity) = activity {
            self.bus.publish(&Topic::Account(account.clone()), BusEvent::Conversation { conversation: updated.clone() }).await;
            self.announce_activity(account, activity).await;
        }
        Ok(updated)
    }

    /// A new conversation of a round-robin channel goes to the next available
    /// agent. A failure is logged: the conversation stays unassigned.
    pub async fn assign_new(&self, account: &AccountId, conversation: &Conversation) {
        let settings = match self.store.channel(account, &conversation.channel_id).await {
            Ok(ch) => ch.channel.settings.inbox.assignment,
            Err(e) => return tracing::warn!(error = %e, "reading the channel for assignment failed"),
        };
        if settings.mode != AssignmentMode::RoundRobin {
            return;
        }
        match self.store.assign_round_robin(account, &conversation.id, settings.max_open_per_agent).await {
            Ok(Some((updated, activity))) => {
                self.bus.publish(&Topic::Account(account.clone()), BusEvent::Conversation { conversation: updated }).await;
                self.announce_activity(account, activity).await;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "round-robin assignment failed"),
        }
    }

    /// Whether the widget should ask for a rating: the conversation is
    /// resolved, its channel asks, and this resolution has none yet.
    pub async fn satisfaction_requested(&self, account: &AccountId, channel: &ChannelId, conversation: &Conversation) -> ApiResult<bool> {
        if conversation.status != ConversationStatus::Resolved {
            return Ok(false);
        }
        if !self.store.channel(account, channel).await?.channel.settings.inbox.satisfaction_survey {
            return Ok(false);
        }
        Ok(self.store.rating_pending(account, &conversation.id).await?)
    }

    /// The visitor rates their current conversation, once per resolution,
    /// with `webchat.csat.submitted`; the agents see it in the conversation.
    pub async fn rate(&self, account: &AccountId, visitor: &VisitorId, rating: u8, comment: Option<String>) -> ApiResult<Conversation> {
        let comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        validate_rating(rating, comment.as_deref())?;
        let current = self.store.current_conversation(account, visitor).await?.ok_or_else(|| ApiError::Conflict("there is no conversation to rate".into()))?;
        if !self.satisfaction_requested(account, &current.channel_id, &current).await? {
            return Err(ApiError::Conflict("this conversation is not waiting for a rating".into()));
        }
        let hook_comment = comment.clone();
        let (conversation, activity) = self
            .store
            .rate_conversation(account, &current.id, rating, comment.as_deref(), |c| {
                vec![WebhookEvent::CsatSubmitted(CsatSubmitted {
                    conversation_id: c.id.clone(),
                    channel_id: c.channel_id.clone(),
                    visitor: c.visitor_id.clone(),
                    rating,
                    comment: hook_comment,
                    agent_id: c.assignee_id.clone(),
                    labels: c.labels.clone(),
                    timestamp: Utc::now(),
                })]
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) => ApiError::Conflict(m),
                e => e.into(),
            })?;
        self.announce_activity(account, activity).await;
        // The visitor's other tabs stop asking.
        self.bus.publish(&Topic::Visitor(visitor.clone()), BusEvent::Conversation { conversation: conversation.clone() }).await;
        Ok(conversation)
    }

    /// Records a page the visitor's widget reported.
    pub async fn page_viewed(&self, account: &AccountId, visitor: &VisitorId, url: &str, title: Option<&str>) -> ApiResult<()> {
        if url.len() > MAX_PAGE_URL {
            return Err(ValidationError::new("url", format!("at most {MAX_PAGE_URL} bytes")).into());
        }
        linktor_core::content::url_field("url", url)?;
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        if title.is_some_and(|t| t.len() > MAX_PAGE_TITLE) {
            return Err(ValidationError::new("title", format!("at most {MAX_PAGE_TITLE} bytes")).into());
        }
        Ok(self.store.add_page_view(account, visitor, url, title).await?)
    }
}
