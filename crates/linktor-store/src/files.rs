//! Uploaded files' records; the bytes live in the file store (data directory).

use linktor_core::{AccountId, ChannelId, FileId, VisitorId};
use crate::db::query;

use crate::{now_ms, Result, Store, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct StoredFile {
    pub id: FileId,
    pub account_id: AccountId,
    pub channel_id: ChannelId,
    pub visitor_id: Option<VisitorId>,
    pub name: String,
    /// Sniffed from the content, never taken from the name or the client.
    pub mime_type: String,
    pub size: i64,
}

impl Store {
    pub async fn insert_file(&self, file: &StoredFile) -> Result<()> {
        query(
            "INSERT INTO files (id, account_id, channel_id, visitor_id, name, mime_type, size, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(file.id.as_str())
        .bind(file.account_id.as_str())
        .bind(file.channel_id.as_str())
        .bind(file.visitor_id.as_ref().map(|v| v.to_string()))
        .bind(&file.name)
        .bind(&file.mime_type)
        .bind(file.size)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A file by id. File URLs are capabilities (unguessable ids), as with
    /// the attachments of every chat product: anyone with the link can fetch it.
    pub async fn file(&self, id: &FileId) -> Result<StoredFile> {
        let row = query("SELECT * FROM files WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(StoredFile {
            id: FileId::from_trusted(row.try_get("id")?),
            account_id: AccountId::from_trusted(row.try_get("account_id")?),
            channel_id: ChannelId::from_trusted(row.try_get("channel_id")?),
            visitor_id: row.try_get::<Option<String>, _>("visitor_id")?.map(VisitorId::from_trusted),
            name: row.try_get("name")?,
            mime_type: row.try_get("mime_type")?,
            size: row.try_get("size")?,
        })
    }
}
