//! Uploaded files: receiving a multipart `file` part within a size limit,
//! judging its type by its content (never by its name), keeping it under the
//! data directory, and serving it so that it can never run as a page.
//! Visitors upload through `/v1/widget/uploads` (widget.rs); agents and the
//! customer's backend through `/v1/uploads` here.

use axum::{
    body::Body,
    extract::{Multipart, Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::Response,
    Json,
};
use linktor_core::{AccountId, ChannelId, FileId, UploadedFile, VisitorId};
use linktor_store::{Owned, StoredFile};
use serde::Deserialize;

use super::auth::{owned, parse_id, InboxCaller};
use crate::{
    error::{ApiError, ApiResult},
    state::SharedState,
};

/// What agents may attach or use as a logo: 10 MiB.
pub const AGENT_UPLOAD_MAX: u64 = 10 * 1024 * 1024;

/// Types an agent may upload: images, PDF, text, office documents, zip.
const AGENT_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
];

/// A received file, its type sniffed.
pub struct Received {
    pub name: String,
    pub bytes: Vec<u8>,
    pub mime_type: String,
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

/// Reads the `file` part of a multipart body, refusing more than `max` bytes.
pub async fn receive(multipart: &mut Multipart, max: u64) -> ApiResult<Received> {
    let mut field = loop {
        match multipart.next_field().await.map_err(|e| ApiError::BadRequest(e.body_text()))? {
            Some(f) if f.name() == Some("file") => break f,
            Some(_) => continue,
            None => return Err(ApiError::BadRequest("a `file` part is required".into())),
        }
    };
    let name = sanitize_name(field.file_name().unwrap_or("file"));
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!("the file is larger than {max} bytes"))
        } else {
            ApiError::BadRequest(e.body_text())
        }
    })? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > max {
            return Err(ApiError::PayloadTooLarge(format!("the file is larger than {max} bytes")));
        }
    }
    if bytes.is_empty() {
        return Err(ApiError::BadRequest("the file is empty".into()));
    }
    let mime_type = sniff(&bytes);
    Ok(Received { name, bytes, mime_type })
}

/// Writes the file under the data directory and records it.
pub async fn save(st: &SharedState, file: Received, account: AccountId, channel: Option<ChannelId>, visitor: Option<VisitorId>) -> ApiResult<UploadedFile> {
    let id = FileId::generate();
    tokio::fs::create_dir_all(&st.files_dir).await.map_err(anyhow::Error::from)?;
    tokio::fs::write(st.files_dir.join(id.as_str()), &file.bytes).await.map_err(anyhow::Error::from)?;
    let size = file.bytes.len() as u64;
    st.store
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
    let url = format!("{}/v1/files/{}", st.config.public_url, id);
    Ok(UploadedFile { id, url, name: file.name, size, mime_type: file.mime_type })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The channel the file is for (optional).
    channel_id: Option<String>,
}

/// An agent's (or the backend's) upload: an attachment for a reply, a logo,
/// a launcher icon. Images, PDF, text, office documents and zip, up to 10 MiB.
#[utoipa::path(post, path = "/v1/uploads", tag = "conversations", params(UploadQuery),
    request_body(content_type = "multipart/form-data", description = "one `file` part"),
    responses((status = 201, body = UploadedFile), (status = 401, body = linktor_core::api::ErrorBody),
              (status = 403, body = linktor_core::api::ErrorBody), (status = 413, body = linktor_core::api::ErrorBody),
              (status = 415, body = linktor_core::api::ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn agent_upload(
    State(st): State<SharedState>,
    caller: InboxCaller,
    Query(q): Query<UploadQuery>,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<UploadedFile>)> {
    let channel = match q.channel_id.as_deref() {
        Some(raw) => {
            let id: ChannelId = parse_id(raw, "channel")?;
            owned(&st, st.store.channel(&caller.account, &id).await, Owned::Channel, raw, "channel").await?;
            Some(id)
        }
        None => None,
    };
    let file = receive(&mut multipart, AGENT_UPLOAD_MAX).await?;
    if !AGENT_TYPES.contains(&file.mime_type.as_str()) {
        return Err(ApiError::UnsupportedType(format!("files of type {} are not allowed here", file.mime_type)));
    }
    Ok((StatusCode::CREATED, Json(save(&st, file, caller.account, channel, None).await?)))
}

/// Serves an uploaded file so that it can never run as a page.
#[utoipa::path(get, path = "/v1/files/{file_id}", tag = "widget",
    params(("file_id" = String, Path, description = "File id (file_…)")),
    responses((status = 200, description = "the file"), (status = 404, body = linktor_core::api::ErrorBody)))]
pub async fn download(State(st): State<SharedState>, Path(file_id): Path<String>) -> ApiResult<Response> {
    let id: FileId = file_id.parse().map_err(|_| ApiError::not_found("file"))?;
    let file = st.store.file(&id).await.map_err(|_| ApiError::not_found("file"))?;
    let bytes = tokio::fs::read(st.files_dir.join(id.as_str())).await.map_err(|_| ApiError::not_found("file"))?;
    let inline = matches!(file.mime_type.as_str(), "image/png" | "image/jpeg" | "image/gif" | "image/webp");
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        file.name.replace(|c: char| !c.is_ascii() || c == '"', "_")
    );
    let mut response = Response::new(Body::from(bytes));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&file.mime_type).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("content-security-policy", HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000, immutable"));
    Ok(response)
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
