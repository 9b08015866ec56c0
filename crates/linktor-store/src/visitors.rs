//! Website visitors: the `user` fields the page gave, whether that identity was
//! verified, and the context last seen (page, referrer, user agent, language,
//! IP — truncated before it gets here when the channel anonymizes IPs).

use linktor_core::{api::Visitor, AccountId, ChannelId, VisitorId, VisitorUser};
use crate::db::{query, Row};
use std::collections::BTreeMap;

use crate::{found, json_col, now_ms, to_json, to_time, Result, Store, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct VisitorRecord {
    pub account_id: AccountId,
    pub visitor: Visitor,
    pub anonymize_ip: bool,
    pub retention_days: Option<u32>,
}

pub struct NewVisitor<'a> {
    pub account: &'a AccountId,
    pub channel: &'a ChannelId,
    pub user: VisitorUser,
    /// The `user.id` when `userHash` proved it.
    pub verified_user_id: Option<String>,
    pub context: BTreeMap<String, String>,
    pub anonymize_ip: bool,
    pub retention_days: Option<u32>,
}

pub(crate) fn visitor_from_row(row: &Row) -> Result<VisitorRecord> {
    let verified: Option<String> = row.try_get("verified_user_id")?;
    let retention: Option<i64> = row.try_get("retention_days")?;
    Ok(VisitorRecord {
        account_id: AccountId::from_trusted(row.try_get("account_id")?),
        anonymize_ip: row.try_get::<i64, _>("anonymize_ip")? != 0,
        retention_days: retention.map(|d| d as u32),
        visitor: Visitor {
            id: VisitorId::from_trusted(row.try_get("id")?),
            channel_id: ChannelId::from_trusted(row.try_get("channel_id")?),
            user: json_col(row, "user_json")?,
            identity_verified: verified.is_some(),
            context: json_col(row, "context")?,
            created_at: to_time(row.try_get("created_at")?),
            last_seen_at: to_time(row.try_get("last_seen_at")?),
        },
    })
}

impl Store {
    pub async fn create_visitor(&self, new: NewVisitor<'_>) -> Result<VisitorRecord> {
        let id = VisitorId::generate();
        let now = now_ms();
                query(
            "INSERT INTO visitors (id, account_id, channel_id, verified_user_id, user_json, context, anonymize_ip, retention_days, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id.as_str())
        .bind(new.account.as_str())
        .bind(new.channel.as_str())
        .bind(new.verified_user_id)
        .bind(to_json(&new.user))
        .bind(to_json(&new.context))
        .bind(new.anonymize_ip as i64)
        .bind(new.retention_days.map(i64::from))
        .bind(now)
        .execute(&self.pool)
        .await?;
        self.visitor(new.account, &id).await
    }

    pub async fn visitor(&self, account: &AccountId, id: &VisitorId) -> Result<VisitorRecord> {
        let row = query("SELECT * FROM visitors WHERE id = $1 AND account_id = $2")
            .bind(id.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        visitor_from_row(&row)
    }

    /// The visitor a verified `user.id` maps to on this channel, on any device.
    pub async fn visitor_by_verified_user(&self, channel: &ChannelId, user_id: &str) -> Result<Option<VisitorRecord>> {
        let row = query("SELECT * FROM visitors WHERE channel_id = $1 AND verified_user_id = $2")
            .bind(channel.as_str())
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(visitor_from_row).transpose()
    }

    /// Saves the user fields, the context and (when given) the verified id.
    pub async fn update_visitor(
        &self,
        account: &AccountId,
        id: &VisitorId,
        user: &VisitorUser,
        context: &BTreeMap<String, String>,
        verified_user_id: Option<&str>,
    ) -> Result<()> {
                let done = query(
            "UPDATE visitors SET user_json = $1, context = $2, last_seen_at = $3,
                verified_user_id = COALESCE($4, verified_user_id)
             WHERE id = $5 AND account_id = $6",
        )
        .bind(to_json(user))
        .bind(to_json(context))
        .bind(now_ms())
        .bind(verified_user_id)
        .bind(id.as_str())
        .bind(account.as_str())
        .execute(&self.pool)
        .await?;
        found(&done)?;
        Ok(())
    }

    pub async fn list_visitors(&self, account: &AccountId, limit: i64, before_ms: Option<i64>) -> Result<Vec<VisitorRecord>> {
        let rows = query(
            "SELECT * FROM visitors WHERE account_id = $1 AND last_seen_at < $2 ORDER BY last_seen_at DESC, id LIMIT $3",
        )
        .bind(account.as_str())
        .bind(before_ms.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(visitor_from_row).collect()
    }
}
