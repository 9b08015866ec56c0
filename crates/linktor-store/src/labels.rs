//! Labels of an account and the labels of its conversations. A label is
//! known by its name; a conversation's labels live as rows (which the inbox
//! filters by) and as a sorted JSON copy on the conversation, both written
//! in one transaction, so every read of a conversation carries its labels.

use linktor_core::{inbox::Label, AccountId, ConversationId};
use linktor_core::api::Conversation;

use crate::db::{query, Conn, Row};
use crate::{found, now_ms, placeholders, to_json, to_time, unique_violation, Result, Store, StoreError};

fn label_from_row(row: &Row) -> Result<Label> {
    Ok(Label {
        name: row.try_get("name")?,
        color: row.try_get("color")?,
        description: row.try_get("description")?,
        created_at: to_time(row.try_get("created_at")?),
    })
}

/// A grey that reads on white and on the dashboard's dark text.
pub const DEFAULT_LABEL_COLOR: &str = "#6B7280";

impl Store {
    pub async fn list_labels(&self, account: &AccountId) -> Result<Vec<Label>> {
        let rows = query("SELECT * FROM labels WHERE account_id = $1 ORDER BY name").bind(account.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(label_from_row).collect()
    }

    pub async fn label(&self, account: &AccountId, name: &str) -> Result<Label> {
        let row = query("SELECT * FROM labels WHERE account_id = $1 AND name = $2")
            .bind(account.as_str())
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        label_from_row(&row)
    }

    /// `Conflict` when the account has a label of that name.
    pub async fn create_label(&self, account: &AccountId, name: &str, color: Option<&str>, description: Option<&str>) -> Result<Label> {
        query("INSERT INTO labels (account_id, name, color, description, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(account.as_str())
            .bind(name)
            .bind(color.unwrap_or(DEFAULT_LABEL_COLOR))
            .bind(description.unwrap_or(""))
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .map_err(|e| if unique_violation(&e) { StoreError::Conflict(format!("a label named {name} exists")) } else { e })?;
        self.label(account, name).await
    }

    pub async fn update_label(&self, account: &AccountId, name: &str, color: Option<&str>, description: Option<&str>) -> Result<Label> {
        let done = query(
            "UPDATE labels SET color = COALESCE($1, color), description = COALESCE($2, description) WHERE account_id = $3 AND name = $4",
        )
        .bind(color.map(str::to_owned))
        .bind(description.map(str::to_owned))
        .bind(account.as_str())
        .bind(name)
        .execute(&self.pool)
        .await?;
        found(&done)?;
        self.label(account, name).await
    }

    /// Deletes the label and takes it off every conversation; returns those conversations.
    pub async fn delete_label(&self, account: &AccountId, name: &str) -> Result<Vec<Conversation>> {
        let mut tx = self.begin_write().await?;
        let done = query("DELETE FROM labels WHERE account_id = $1 AND name = $2").bind(account.as_str()).bind(name).execute(&mut tx).await?;
        found(&done)?;
        let ids: Vec<ConversationId> = query("SELECT conversation_id FROM conversation_labels WHERE account_id = $1 AND name = $2")
            .bind(account.as_str())
            .bind(name)
            .fetch_all(&mut tx)
            .await?
            .iter()
            .map(|r| Ok(ConversationId::from_trusted(r.try_get("conversation_id")?)))
            .collect::<Result<_>>()?;
        query("DELETE FROM conversation_labels WHERE account_id = $1 AND name = $2").bind(account.as_str()).bind(name).execute(&mut tx).await?;
        let mut changed = Vec::with_capacity(ids.len());
        for id in &ids {
            let names = labels_in(&mut tx, id).await?;
            changed.push(write_copy(&mut tx, account, id, &names).await?);
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Sets the conversation's labels to `names` (sorted, without repeats).
    /// `Err(Conflict)` names a label the account does not have.
    pub async fn set_conversation_labels(&self, account: &AccountId, id: &ConversationId, names: &[String]) -> Result<Conversation> {
        let mut tx = self.begin_write().await?;
        crate::conversations::conversation_in(&mut tx, account, id).await?;
        if !names.is_empty() {
            let sql = format!("SELECT name FROM labels WHERE account_id = $1 AND name IN ({})", placeholders(2, names.len()));
            let mut q = query(&sql).bind(account.as_str());
            for n in names {
                q = q.bind(n.as_str());
            }
            let known: Vec<String> = q.fetch_all(&mut tx).await?.iter().map(|r| r.try_get("name")).collect::<Result<_>>()?;
            if let Some(missing) = names.iter().find(|n| !known.contains(n)) {
                return Err(StoreError::Conflict(format!("the account has no label named {missing}")));
            }
        }
        query("DELETE FROM conversation_labels WHERE conversation_id = $1").bind(id.as_str()).execute(&mut tx).await?;
        for n in names {
            query("INSERT INTO conversation_labels (conversation_id, account_id, name) VALUES ($1, $2, $3)")
                .bind(id.as_str())
                .bind(account.as_str())
                .bind(n.as_str())
                .execute(&mut tx)
                .await?;
        }
        let conversation = write_copy(&mut tx, account, id, names).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}

async fn labels_in(tx: &mut Conn, id: &ConversationId) -> Result<Vec<String>> {
    query("SELECT name FROM conversation_labels WHERE conversation_id = $1 ORDER BY name")
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect()
}

/// Writes the conversation's JSON copy of its label names.
async fn write_copy(tx: &mut Conn, account: &AccountId, id: &ConversationId, names: &[String]) -> Result<Conversation> {
    query("UPDATE conversations SET labels = $1 WHERE id = $2 AND account_id = $3")
        .bind(to_json(&names))
        .bind(id.as_str())
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    crate::conversations::conversation_in(tx, account, id).await
}
