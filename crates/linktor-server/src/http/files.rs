//! Uploaded files over HTTP: receiving a multipart `file` part within a size
//! limit, and serving a file so that it can never run as a page. Judging its
//! type and keeping it are `services::files`.
//! Visitors upload through `/v1/widget/uploads` (widget.rs); agents and the
//! customer's backend through `/v1/uploads` here.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::Response,
    Json,
};
use linktor_core::{api::ErrorBody, ChannelId, FileId, UploadedFile};
use linktor_store::Owned;
use serde::Deserialize;

use super::{
    auth::{owned, InboxCaller},
    parse_id,
};
use crate::{
    error::{ApiError, ApiResult, Multipart, Path, Query},
    services::files::Received,
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

/// Reads the one `file` part of a multipart body, refusing more than `max`
/// bytes and any other part before it.
pub async fn receive(multipart: &mut axum::extract::Multipart, max: u64) -> ApiResult<Received> {
    let mut field = match multipart.next_field().await.map_err(|e| ApiError::BadRequest(e.body_text()))? {
        Some(f) if f.name() == Some("file") => f,
        // One part, as documented: anything else is a client's mistake, not data to skip.
        Some(f) => return Err(ApiError::BadRequest(format!("unexpected part `{}`: send one `file` part", f.name().unwrap_or("")))),
        None => return Err(ApiError::BadRequest("a `file` part is required".into())),
    };
    let name = field.file_name().unwrap_or("file").to_owned();
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
    drop(field);
    if let Some(extra) = multipart.next_field().await.map_err(|e| ApiError::BadRequest(e.body_text()))? {
        return Err(ApiError::BadRequest(format!("unexpected part `{}` after the file: send one `file` part", extra.name().unwrap_or(""))));
    }
    Ok(Received::new(&name, bytes))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The channel the file is for (optional).
    channel_id: Option<ChannelId>,
}

/// A multipart body with one `file` part and nothing else.
/// (Documentation only: `receive` reads the parts as they stream.)
#[derive(utoipa::ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file's bytes; its type is judged by its content, never its name.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
}

/// An agent's (or the backend's) upload: an attachment for a reply, a logo,
/// a launcher icon. Images, PDF, text, office documents and zip, up to 10 MiB.
#[utoipa::path(post, operation_id = "uploadFile", path = "/v1/uploads", tag = "conversations", params(UploadQuery),
    request_body(content_type = "multipart/form-data", content = UploadForm, description = "one `file` part"),
    responses((status = 201, body = UploadedFile), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such channel"),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn agent_upload(
    State(st): State<SharedState>,
    caller: InboxCaller,
    Query(q): Query<UploadQuery>,
    Multipart(mut multipart): Multipart,
) -> ApiResult<(StatusCode, Json<UploadedFile>)> {
    if let Some(id) = &q.channel_id {
        owned(&st, st.store.channel(&caller.account, id).await, Owned::Channel, id.as_str(), "channel").await?;
    }
    let channel = q.channel_id;
    let file = receive(&mut multipart, AGENT_UPLOAD_MAX).await?;
    if !AGENT_TYPES.contains(&file.mime_type.as_str()) {
        return Err(ApiError::UnsupportedType(format!("files of type {} are not allowed here", file.mime_type)));
    }
    Ok((StatusCode::CREATED, Json(st.save_file(file, caller.account, channel, None).await?)))
}

/// Serves an uploaded file so that it can never run as a page.
#[utoipa::path(get, operation_id = "downloadFile", path = "/v1/files/{file_id}", tag = "widget",
    params(("file_id" = linktor_core::FileId, Path, description = "File id (file_…)")),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub async fn download(State(st): State<SharedState>, Path(file_id): Path<String>) -> ApiResult<Response> {
    let id: FileId = parse_id(&file_id, "file")?;
    let (file, bytes) = st.open_file(&id).await?;
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
