//! Uploaded files: their type judged by their content (never by their name),
//! the bytes kept under the data directory, a record in storage. The HTTP
//! side (multipart, the download's headers) is `http::files`.

use linktor_core::{AccountId, ChannelId, FileId, UploadedFile, VisitorId};
use linktor_store::StoredFile;

use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
};

/// A received file, its type sniffed.
pub struct Received {
    pub name: String,
    pub bytes: Vec<u8>,
    pub mime_type: String,
}

impl Received {
    /// A file as it arrived: its name cleaned, its type judged by its bytes.
    pub fn new(name: &str, bytes: Vec<u8>) -> Self {
        let mime_type = sniff(&bytes);
        Self { name: sanitize_name(name), bytes, mime_type }
    }
}

/// What a file's bytes are, judged by their content alone.
pub fn sniff(bytes: &[u8]) -> String {
    if let Some(kind) = infer::get(bytes) {
        return kind.mime_type().to_owned();
    }
    // Plain text: valid UTF-8 without control characters other than whitespace.
    let probe = &bytes[..bytes.len().min(8192)];
    let text = std::str::from_utf8(probe).is_ok_and(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace()));
    if text {
        let lower = String::from_utf8_lossy(probe).to_ascii_lowercase();
        if lower.contains("<html") || lower.contains("<script") || lower.contains("<svg") || lower.contains("<!doctype") {
            return "text/html".into();
        }
        return "text/plain".into();
    }
    "application/octet-stream".into()
}

/// A file name safe to show and to put in a header.
fn sanitize_name(name: &str) -> String {
    let cleaned: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '\\' | '/'))
        .take(200)
        .collect();
    if cleaned.trim().is_empty() { "file".into() } else { cleaned.trim().to_owned() }
}

impl AppState {
    /// Writes the file under the data directory and records it.
    pub async fn save_file(&self, file: Received, account: AccountId, channel: Option<ChannelId>, visitor: Option<VisitorId>) -> ApiResult<UploadedFile> {
        let id = FileId::generate();
        tokio::fs::create_dir_all(&self.files_dir).await.map_err(anyhow::Error::from)?;
        tokio::fs::write(self.files_dir.join(id.as_str()), &file.bytes).await.map_err(anyhow::Error::from)?;
        let size = file.bytes.len() as u64;
        self.store
            .insert_file(&StoredFile {
                id: id.clone(),
                account_id: account,
                // Account-wide uploads (a logo made before its channel) have no channel.
                channel_id: channel.unwrap_or_else(|| ChannelId::from_trusted(String::new())),
                visitor_id: visitor,
                name: file.name.clone(),
                mime_type: file.mime_type.clone(),
                size: size as i64,
            })
            .await?;
        let url = format!("{}/v1/files/{}", self.config.public_url, id);
        Ok(UploadedFile { id, url, name: file.name, size, mime_type: file.mime_type })
    }

    /// A stored file's record and bytes. A record whose bytes are gone (the
    /// retention job removed them) is not found; an unreadable file is an error.
    pub async fn open_file(&self, id: &FileId) -> ApiResult<(StoredFile, Vec<u8>)> {
        let file = self.store.file(id).await?;
        match tokio::fs::read(self.files_dir.join(id.as_str())).await {
            Ok(bytes) => Ok((file, bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ApiError::not_found("file")),
            Err(e) => Err(anyhow::Error::from(e).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linktor_core::channel::FileUploadPolicy;

    #[test]
    fn sniffing_ignores_names() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
        elf.resize(128, 0);
        assert_ne!(sniff(&elf), "image/png");
        assert!(!FileUploadPolicy::default().allows(&sniff(&elf), Some("png")));
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), "application/vnd.microsoft.portable-executable");
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), "text/html");
        assert_eq!(sniff(b"hello"), "text/plain");
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("a\"<b>.png"), "ab.png");
        assert_eq!(sanitize_name(""), "file");
    }
}
