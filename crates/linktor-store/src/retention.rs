//! Data retention: conversations (with their messages) whose last activity is
//! older than the channel's `privacy.dataRetention` days — or the visitor's
//! own, shorter, `dataRetention` from `init` — are deleted (with what email
//! kept of them: the log of mails and the mark of what was mailed), then
//! visitors left with no conversation and not seen within the same period
//! (with their email opt-out).

use linktor_core::ChannelId;
use crate::db::query;

use crate::{now_ms, Result, Store};

const DAY_MS: i64 = 86_400_000;

/// What belongs to a conversation and goes with it.
const CONVERSATION_TABLES: &[&str] =
    &["messages", "conversation_labels", "conversation_activity", "satisfaction_ratings", "email_log", "email_conversations"];
/// What belongs to a visitor and goes with them.
const VISITOR_TABLES: &[&str] = &["visitor_pages", "email_optouts"];

impl Store {
    /// Deletes what is past retention; returns how many conversations went.
    pub async fn purge_expired(&self) -> Result<u64> {
        let now = now_ms();
        let mut purged = 0;
        let channels = query("SELECT id, settings FROM channels").fetch_all(&self.pool).await?;
        for row in &channels {
            let id = ChannelId::from_trusted(row.try_get("id")?);
            let settings: linktor_core::channel::ChannelSettings = crate::json_col(row, "settings")?;
            let cutoff = now - i64::from(settings.privacy.data_retention) * DAY_MS;
            purged += self.purge_where(&id, "c.last_activity_at < $2", cutoff).await?;
            let gone = "SELECT id FROM visitors WHERE channel_id = $1 AND last_seen_at < $2
                   AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = visitors.id)";
            for table in VISITOR_TABLES {
                query(&format!("DELETE FROM {table} WHERE visitor_id IN ({gone})")).bind(id.as_str()).bind(cutoff).execute(&self.pool).await?;
            }
            query(
                "DELETE FROM visitors WHERE channel_id = $1 AND last_seen_at < $2
                   AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = visitors.id)",
            )
            .bind(id.as_str())
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        }
        // Visitors who asked for less (privacy.dataRetention in init).
        purged += self
            .purge_where_visitor("c.last_activity_at < $1 - v.retention_days * 86400000", now)
            .await?;
        let gone = "SELECT id FROM visitors WHERE retention_days IS NOT NULL AND last_seen_at < $1 - retention_days * 86400000
               AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = visitors.id)";
        for table in VISITOR_TABLES {
            query(&format!("DELETE FROM {table} WHERE visitor_id IN ({gone})")).bind(now).execute(&self.pool).await?;
        }
        query(
            "DELETE FROM visitors WHERE retention_days IS NOT NULL AND last_seen_at < $1 - retention_days * 86400000
               AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = visitors.id)",
        )
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(purged)
    }

    async fn purge_where(&self, channel: &ChannelId, condition: &str, bound: i64) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let ids = format!("SELECT c.id FROM conversations c WHERE c.channel_id = $1 AND {condition}");
        for table in CONVERSATION_TABLES {
            query(&format!("DELETE FROM {table} WHERE conversation_id IN ({ids})")).bind(channel.as_str()).bind(bound).execute(&mut tx).await?;
        }
        let done = query(&format!("DELETE FROM conversations WHERE id IN ({ids})"))
            .bind(channel.as_str())
            .bind(bound)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn purge_where_visitor(&self, condition: &str, now: i64) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let ids = format!(
            "SELECT c.id FROM conversations c JOIN visitors v ON v.id = c.visitor_id WHERE v.retention_days IS NOT NULL AND {condition}"
        );
        for table in CONVERSATION_TABLES {
            query(&format!("DELETE FROM {table} WHERE conversation_id IN ({ids})")).bind(now).execute(&mut tx).await?;
        }
        let done = query(&format!("DELETE FROM conversations WHERE id IN ({ids})")).bind(now).execute(&mut tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
