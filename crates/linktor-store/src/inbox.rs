//! What the agents' inbox and analytics read: conversations with their unread
//! count, last message and visitor, and per-day figures of an account.
//! Days are UTC; times are bucketed by `created_at / 86400000`, which is
//! integer division on both SQLite and PostgreSQL.

use chrono::{Duration, NaiveDate};
use linktor_core::{
    agent::{AgentAnalytics, Analytics, AnalyticsDay, AnalyticsFigures, ChannelAnalytics, ConversationSummary},
    api::Conversation,
    AccountId, AgentId, ChannelId, ConversationId, Message,
};
use crate::db::query;
use std::collections::{BTreeMap, HashMap};

use crate::{
    messages::message_from_row,
    placeholders,
    search::{Found, SearchQuery},
    visitors::visitor_from_row,
    ConversationFilter, Result, Store, StoreError,
};

/// A visitor's name and email, as the search index holds them.
fn visitor_search_text(user: &linktor_core::VisitorUser) -> String {
    [user.name.as_deref(), user.email.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

const DAY_MS: i64 = 86_400_000;

#[derive(Default)]
struct Sum {
    total: f64,
    n: u32,
}

impl Sum {
    fn add(&mut self, ms: i64) {
        self.total += ms as f64 / 1000.0;
        self.n += 1;
    }
    fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| (self.total / f64::from(self.n) * 10.0).round() / 10.0)
    }
}

/// The mean of `n` ratings summing to `sum`, to two decimals.
fn mean_rating(n: i64, sum: Option<i64>) -> Option<f64> {
    (n > 0).then(|| (sum.unwrap_or(0) as f64 / n as f64 * 100.0).round() / 100.0)
}

impl Store {
    /// `list_conversations`, each with what the inbox shows beside it.
    pub async fn list_conversation_summaries(&self, account: &AccountId, filter: &ConversationFilter) -> Result<Vec<ConversationSummary>> {
        let conversations = self.list_conversations(account, filter).await?;
        if conversations.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = conversations.iter().map(|c| c.id.as_str()).collect();
        let list = placeholders(2, ids.len());

        let sql = format!(
            "SELECT c.id, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound' AND m.seq > c.agent_read_seq) AS unread
             FROM conversations c WHERE c.account_id = $1 AND c.id IN ({list})"
        );
        let mut q = query(&sql).bind(account.as_str());
        for id in &ids {
            q = q.bind(*id);
        }
        let mut unread: HashMap<String, i64> = HashMap::new();
        for row in q.fetch_all(&self.pool).await? {
            unread.insert(row.try_get("id")?, row.try_get("unread")?);
        }

        let sql = format!(
            "SELECT m.* FROM messages m WHERE m.account_id = $1 AND m.conversation_id IN ({list})
             AND m.seq = (SELECT MAX(l.seq) FROM messages l WHERE l.conversation_id = m.conversation_id)"
        );
        let mut q = query(&sql).bind(account.as_str());
        for id in &ids {
            q = q.bind(*id);
        }
        let mut last: HashMap<ConversationId, Message> = HashMap::new();
        for row in q.fetch_all(&self.pool).await? {
            let m = message_from_row(&row)?;
            last.insert(m.conversation_id.clone(), m);
        }

        let mut visitor_ids: Vec<&str> = conversations.iter().map(|c| c.visitor_id.as_str()).collect();
        visitor_ids.sort_unstable();
        visitor_ids.dedup();
        let sql = format!("SELECT * FROM visitors WHERE account_id = $1 AND id IN ({})", placeholders(2, visitor_ids.len()));
        let mut q = query(&sql).bind(account.as_str());
        for id in &visitor_ids {
            q = q.bind(*id);
        }
        let mut visitors = HashMap::new();
        for row in q.fetch_all(&self.pool).await? {
            let v = visitor_from_row(&row)?.visitor;
            visitors.insert(v.id.clone(), v);
        }

        // Where a search matched each conversation.
        let mut matched = match filter.search_text().and_then(SearchQuery::parse) {
            Some(q) => {
                let found: Vec<Found> = conversations
                    .iter()
                    .map(|c| Found {
                        id: &c.id,
                        visitor_text: visitors.get(&c.visitor_id).map(|v| visitor_search_text(&v.user)).unwrap_or_default(),
                        form_text: c.pre_chat.values().cloned().collect::<Vec<_>>().join(" "),
                    })
                    .collect();
                self.search_matches(account, &q, &found).await?
            }
            None => HashMap::new(),
        };

        conversations
            .into_iter()
            .map(|conversation: Conversation| {
                let visitor = visitors.get(&conversation.visitor_id).cloned().ok_or_else(|| StoreError::Corrupt("conversation without visitor".into()))?;
                Ok(ConversationSummary {
                    unread_count: unread.get(conversation.id.as_str()).copied().unwrap_or(0),
                    last_message: last.remove(&conversation.id),
                    search_match: matched.remove(&conversation.id),
                    visitor,
                    conversation,
                })
            })
            .collect()
    }

    /// Figures for the days `from..=to` (UTC), optionally of one channel.
    pub async fn analytics(&self, account: &AccountId, from: NaiveDate, to: NaiveDate, channel: Option<&ChannelId>) -> Result<Analytics> {
        let epoch_day = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
        let (start, end) = ((from - epoch_day).num_days() * DAY_MS, ((to - epoch_day).num_days() + 1) * DAY_MS);
        let channel_filter = if channel.is_some() { " AND c.channel_id = $4" } else { "" };
        fn bind<'q>(sql: &'q str, account: &'q AccountId, range: (i64, i64), channel: Option<&'q ChannelId>) -> crate::db::Query<'q> {
            let q = query(sql).bind(account.as_str()).bind(range.0).bind(range.1);
            match channel {
                Some(ch) => q.bind(ch.as_str()),
                None => q,
            }
        }
        let bind = |sql| bind(sql, account, (start, end), channel);

        let mut conversations: BTreeMap<i64, i64> = BTreeMap::new();
        let mut first_response: BTreeMap<i64, Sum> = BTreeMap::new();
        let mut total_first = Sum::default();
        let sql = format!(
            "SELECT c.created_at / {DAY_MS} AS day,
                (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound') AS first_in,
                (SELECT MIN(r.created_at) FROM messages r WHERE r.conversation_id = c.id AND r.direction = 'outbound'
                    AND r.sender_type IN ('agent', 'api')
                    AND r.created_at >= (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound')) AS first_reply
             FROM conversations c WHERE c.account_id = $1 AND c.created_at >= $2 AND c.created_at < $3{channel_filter}"
        );
        for row in bind(&sql).fetch_all(&self.pool).await? {
            let day: i64 = row.try_get("day")?;
            *conversations.entry(day).or_default() += 1;
            if let (Some(a), Some(b)) = (row.try_get::<Option<i64>, _>("first_in")?, row.try_get::<Option<i64>, _>("first_reply")?) {
                first_response.entry(day).or_default().add(b - a);
                total_first.add(b - a);
            }
        }

        let mut resolution: BTreeMap<i64, Sum> = BTreeMap::new();
        let mut total_resolution = Sum::default();
        let sql = format!(
            "SELECT c.resolved_at / {DAY_MS} AS day, c.resolved_at - c.created_at AS took FROM conversations c
             WHERE c.account_id = $1 AND c.status = 'resolved' AND c.resolved_at >= $2 AND c.resolved_at < $3{channel_filter}"
        );
        for row in bind(&sql).fetch_all(&self.pool).await? {
            let took: i64 = row.try_get("took")?;
            resolution.entry(row.try_get("day")?).or_default().add(took);
            total_resolution.add(took);
        }

        let mut messages: BTreeMap<i64, i64> = BTreeMap::new();
        let sql = format!(
            "SELECT m.created_at / {DAY_MS} AS day, COUNT(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.account_id = $1 AND m.created_at >= $2 AND m.created_at < $3{channel_filter} GROUP BY m.created_at / {DAY_MS}"
        );
        for row in bind(&sql).fetch_all(&self.pool).await? {
            messages.insert(row.try_get("day")?, row.try_get("n")?);
        }

        let sql = format!(
            "SELECT ch.id, ch.name,
                (SELECT COUNT(*) FROM conversations c WHERE c.channel_id = ch.id AND c.created_at >= $2 AND c.created_at < $3) AS conversations,
                (SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                    WHERE c.channel_id = ch.id AND m.created_at >= $2 AND m.created_at < $3) AS messages,
                (SELECT COUNT(*) FROM satisfaction_ratings r WHERE r.channel_id = ch.id AND r.created_at >= $2 AND r.created_at < $3) AS ratings,
                (SELECT CAST(SUM(r.rating) AS BIGINT) FROM satisfaction_ratings r WHERE r.channel_id = ch.id AND r.created_at >= $2 AND r.created_at < $3) AS rating_sum
             FROM channels ch WHERE ch.account_id = $1 AND ch.deleted_at IS NULL{} ORDER BY ch.name, ch.id",
            if channel.is_some() { " AND ch.id = $4" } else { "" }
        );
        let mut channels = Vec::new();
        for row in bind(&sql).fetch_all(&self.pool).await? {
            channels.push(ChannelAnalytics {
                channel_id: ChannelId::from_trusted(row.try_get("id")?),
                name: row.try_get("name")?,
                conversations: row.try_get("conversations")?,
                messages: row.try_get("messages")?,
                ratings: row.try_get("ratings")?,
                satisfaction: mean_rating(row.try_get("ratings")?, row.try_get("rating_sum")?),
            });
        }

        // Ratings given in the period, by day and by the agent assigned.
        let mut ratings: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        let mut by_agent: HashMap<String, (i64, i64)> = HashMap::new();
        let sql = format!(
            "SELECT c.created_at / {DAY_MS} AS day, c.agent_id, c.rating FROM satisfaction_ratings c
             WHERE c.account_id = $1 AND c.created_at >= $2 AND c.created_at < $3{channel_filter}"
        );
        for row in bind(&sql).fetch_all(&self.pool).await? {
            let rating: i64 = row.try_get("rating")?;
            let day = ratings.entry(row.try_get("day")?).or_default();
            day.0 += 1;
            day.1 += rating;
            if let Some(agent) = row.try_get::<Option<String>, _>("agent_id")? {
                let a = by_agent.entry(agent).or_default();
                a.0 += 1;
                a.1 += rating;
            }
        }
        let mut agents = Vec::new();
        for row in query("SELECT id, name FROM agents WHERE account_id = $1 AND deleted_at IS NULL ORDER BY name, id")
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await?
        {
            let id: String = row.try_get("id")?;
            let (n, sum) = by_agent.get(&id).copied().unwrap_or_default();
            agents.push(AgentAnalytics { agent_id: AgentId::from_trusted(id), name: row.try_get("name")?, ratings: n, satisfaction: mean_rating(n, Some(sum)) });
        }

        let mut days = Vec::new();
        let mut date = from;
        while date <= to {
            let day = (date - epoch_day).num_days();
            days.push(AnalyticsDay {
                date: date.format("%Y-%m-%d").to_string(),
                figures: AnalyticsFigures {
                    conversations: conversations.get(&day).copied().unwrap_or(0),
                    messages: messages.get(&day).copied().unwrap_or(0),
                    first_response_seconds: first_response.get(&day).and_then(Sum::mean),
                    resolution_seconds: resolution.get(&day).and_then(Sum::mean),
                    ratings: ratings.get(&day).map_or(0, |r| r.0),
                    satisfaction: ratings.get(&day).and_then(|r| mean_rating(r.0, Some(r.1))),
                },
            });
            date += Duration::days(1);
        }
        Ok(Analytics {
            from: from.format("%Y-%m-%d").to_string(),
            to: to.format("%Y-%m-%d").to_string(),
            totals: AnalyticsFigures {
                conversations: conversations.values().sum(),
                messages: messages.values().sum(),
                first_response_seconds: total_first.mean(),
                resolution_seconds: total_resolution.mean(),
                ratings: ratings.values().map(|r| r.0).sum(),
                satisfaction: mean_rating(ratings.values().map(|r| r.0).sum(), Some(ratings.values().map(|r| r.1).sum())),
            },
            days,
            channels,
            agents,
        })
    }
}
