//! Saved replies (canned responses) of an account, each known to agents by
//! a shortcut unique in the account.

use linktor_core::{inbox::SavedReply, AccountId, SavedReplyId};

use crate::db::{query, Row};
use crate::{found, now_ms, to_time, unique_violation, Result, Store, StoreError};

fn reply_from_row(row: &Row) -> Result<SavedReply> {
    Ok(SavedReply {
        id: SavedReplyId::from_trusted(row.try_get("id")?),
        shortcut: row.try_get("shortcut")?,
        text: row.try_get("text")?,
        created_at: to_time(row.try_get("created_at")?),
        updated_at: to_time(row.try_get("updated_at")?),
    })
}

fn taken(shortcut: &str) -> impl Fn(StoreError) -> StoreError + '_ {
    move |e| if unique_violation(&e) { StoreError::Conflict(format!("a saved reply with the shortcut /{shortcut} exists")) } else { e }
}

impl Store {
    pub async fn list_saved_replies(&self, account: &AccountId) -> Result<Vec<SavedReply>> {
        let rows = query("SELECT * FROM saved_replies WHERE account_id = $1 ORDER BY shortcut").bind(account.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(reply_from_row).collect()
    }

    pub async fn saved_reply(&self, account: &AccountId, id: &SavedReplyId) -> Result<SavedReply> {
        let row = query("SELECT * FROM saved_replies WHERE id = $1 AND account_id = $2")
            .bind(id.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        reply_from_row(&row)
    }

    /// `Conflict` when the shortcut is taken in the account.
    pub async fn create_saved_reply(&self, account: &AccountId, shortcut: &str, text: &str) -> Result<SavedReply> {
        let id = SavedReplyId::generate();
        let now = now_ms();
        query("INSERT INTO saved_replies (id, account_id, shortcut, text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
            .bind(id.as_str())
            .bind(account.as_str())
            .bind(shortcut)
            .bind(text)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(taken(shortcut))?;
        self.saved_reply(account, &id).await
    }

    pub async fn update_saved_reply(&self, account: &AccountId, id: &SavedReplyId, shortcut: &str, text: &str) -> Result<SavedReply> {
        let done = query("UPDATE saved_replies SET shortcut = $1, text = $2, updated_at = $3 WHERE id = $4 AND account_id = $5")
            .bind(shortcut)
            .bind(text)
            .bind(now_ms())
            .bind(id.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await
            .map_err(taken(shortcut))?;
        found(&done)?;
        self.saved_reply(account, id).await
    }

    pub async fn delete_saved_reply(&self, account: &AccountId, id: &SavedReplyId) -> Result<()> {
        let done = query("DELETE FROM saved_replies WHERE id = $1 AND account_id = $2").bind(id.as_str()).bind(account.as_str()).execute(&self.pool).await?;
        found(&done)
    }
}
