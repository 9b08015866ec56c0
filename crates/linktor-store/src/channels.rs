//! Webchat channels: name, allowed domains, default language, typed settings
//! and the identity-verification secret (never part of the public view).

use linktor_core::{api::Channel, channel::ChannelSettings, random_token, AccountId, ChannelId};
use crate::db::{query, Row};

use crate::{found, json_col, now_ms, to_json, to_time, Result, Store, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct ChannelRecord {
    pub account_id: AccountId,
    pub channel: Channel,
    /// Key of `userHash` (HMAC-SHA256 of `user.id`).
    pub identity_secret: String,
}

fn from_row(row: &Row) -> Result<ChannelRecord> {
    Ok(ChannelRecord {
        account_id: AccountId::from_trusted(row.try_get("account_id")?),
        identity_secret: row.try_get("identity_secret")?,
        channel: Channel {
            id: ChannelId::from_trusted(row.try_get("id")?),
            channel_type: "webchat".into(),
            name: row.try_get("name")?,
            allowed_domains: json_col(row, "allowed_domains")?,
            default_language: row.try_get("default_language")?,
            settings: json_col(row, "settings")?,
            created_at: to_time(row.try_get("created_at")?),
            updated_at: to_time(row.try_get("updated_at")?),
        },
    })
}

impl Store {
    /// Stores a channel whose fields the caller has validated.
    pub async fn create_channel(
        &self,
        account: &AccountId,
        name: &str,
        allowed_domains: &[String],
        default_language: &str,
        settings: &ChannelSettings,
    ) -> Result<ChannelRecord> {
        let id = ChannelId::generate();
        let now = now_ms();
        query(
            "INSERT INTO channels (id, account_id, name, allowed_domains, default_language, settings, identity_secret, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(id.as_str())
        .bind(account.as_str())
        .bind(name)
        .bind(to_json(&allowed_domains))
        .bind(default_language)
        .bind(to_json(settings))
        .bind(random_token(40))
        .bind(now)
        .execute(&self.pool)
        .await?;
        self.channel(account, &id).await
    }

    /// A channel of `account`; another account's channel is `NotFound`.
    pub async fn channel(&self, account: &AccountId, id: &ChannelId) -> Result<ChannelRecord> {
        let rec = self.channel_any_account(id).await?;
        if &rec.account_id != account {
            return Err(StoreError::NotFound);
        }
        Ok(rec)
    }

    /// A channel whatever its account: for the public widget endpoints, which
    /// are keyed by channel id and guarded by the channel's allowed domains.
    pub async fn channel_any_account(&self, id: &ChannelId) -> Result<ChannelRecord> {
        let row = query("SELECT * FROM channels WHERE id = $1 AND deleted_at IS NULL")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    pub async fn list_channels(&self, account: &AccountId) -> Result<Vec<ChannelRecord>> {
        let rows = query("SELECT * FROM channels WHERE account_id = $1 AND deleted_at IS NULL ORDER BY created_at, id")
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Replaces the editable fields of a channel (the caller merged and validated them).
    pub async fn update_channel(&self, account: &AccountId, channel: &Channel) -> Result<ChannelRecord> {
        let done = query(
            "UPDATE channels SET name = $1, allowed_domains = $2, default_language = $3, settings = $4, updated_at = $5
             WHERE id = $6 AND account_id = $7 AND deleted_at IS NULL",
        )
        .bind(&channel.name)
        .bind(to_json(&channel.allowed_domains))
        .bind(&channel.default_language)
        .bind(to_json(&channel.settings))
        .bind(now_ms())
        .bind(channel.id.as_str())
        .bind(account.as_str())
        .execute(&self.pool)
        .await?;
        found(&done)?;
        self.channel(account, &channel.id).await
    }

    pub async fn rotate_identity_secret(&self, account: &AccountId, id: &ChannelId) -> Result<String> {
        let secret = random_token(40);
        let done = query("UPDATE channels SET identity_secret = $1, updated_at = $2 WHERE id = $3 AND account_id = $4 AND deleted_at IS NULL")
            .bind(&secret)
            .bind(now_ms())
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        found(&done)?;
        Ok(secret)
    }

    /// Soft-deletes: conversations keep their channel id for history.
    pub async fn delete_channel(&self, account: &AccountId, id: &ChannelId) -> Result<()> {
        let done = query("UPDATE channels SET deleted_at = $1 WHERE id = $2 AND account_id = $3 AND deleted_at IS NULL")
            .bind(now_ms())
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await?;
        found(&done)?;
        Ok(())
    }
}
