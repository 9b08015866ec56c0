//! The visitor side over HTTP (docs/protocol.md §1, §2, §4): a channel's
//! public widget configuration, visitor sessions, uploads and file downloads.
//! Every call is checked against the channel's allowed domains by `Origin`.

use axum::{
    extract::{ConnectInfo, Multipart, Path, State},
    http::{header, HeaderMap, StatusCode},
    Json,
};
use chrono::{Duration as ChronoDuration, Utc};
use linktor_core::{
    allowed_domains, channel::WidgetConfig, identity, ChannelId, ConversationRef, SessionRequest,
    SessionResponse, UploadedFile, ValidationError,
};
use linktor_store::{ChannelRecord, NewVisitor, VisitorRecord};
use std::{collections::BTreeMap, net::SocketAddr};

use super::files;
use crate::{
    error::{ApiError, ApiResult, JsonBody},
    state::SharedState,
    tokens::VisitorClaims,
};

/// Refuses a request whose `Origin` is missing or not among the channel's allowed domains.
/// This server's own pages (the dashboard's live preview, the demo) may use every channel.
pub fn check_origin(st: &SharedState, headers: &HeaderMap, channel: &ChannelRecord) -> ApiResult<()> {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    if allowed_domains::matches(&channel.channel.allowed_domains, origin) || super::auth::same_origin(headers, &st.config.public_url) {
        Ok(())
    } else {
        Err(ApiError::OriginNotAllowed)
    }
}

async fn public_channel(st: &SharedState, id: &str) -> ApiResult<ChannelRecord> {
    let id: ChannelId = id.parse().map_err(|_| ApiError::not_found("channel"))?;
    st.store.channel_any_account(&id).await.map_err(|_| ApiError::not_found("channel"))
}

pub async fn widget_config(st: &crate::state::AppState, channel: &ChannelRecord) -> ApiResult<WidgetConfig> {
    let c = &channel.channel;
    Ok(WidgetConfig {
        channel_id: c.id.clone(),
        name: c.name.clone(),
        default_language: c.default_language.clone(),
        appearance: c.settings.appearance.clone(),
        behavior: c.settings.behavior.clone(),
        offline: c.settings.offline.clone(),
        privacy: c.settings.privacy.clone(),
        identity_verification: c.settings.identity_verification,
        agents_online: st.store.agents_online(&channel.account_id).await?,
    })
}

/// The channel's widget settings: the defaults `init` options override.
#[utoipa::path(get, path = "/v1/widget/channels/{channel_id}/config", tag = "widget",
    params(("channel_id" = String, Path, description = "Channel id (ch_…)")),
    responses((status = 200, body = WidgetConfig), (status = 403, body = linktor_core::api::ErrorBody), (status = 404, body = linktor_core::api::ErrorBody)))]
pub async fn get_config(State(st): State<SharedState>, Path(channel_id): Path<String>, headers: HeaderMap) -> ApiResult<Json<WidgetConfig>> {
    let channel = public_channel(&st, &channel_id).await?;
    check_origin(&st, &headers, &channel)?;
    Ok(Json(widget_config(&st, &channel).await?))
}

pub(crate) fn client_ip(st: &SharedState, headers: &HeaderMap, peer: SocketAddr) -> std::net::IpAddr {
    if st.config.trust_proxy {
        if let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
        {
            return ip;
        }
    }
    peer.ip()
}

/// IPv4 keeps its first three bytes, IPv6 its first six (a /48).
pub fn anonymize_ip(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            std::net::Ipv4Addr::new(a, b, c, 0).into()
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0).into()
        }
    }
}

fn short(field: &str, value: Option<String>, max: usize) -> ApiResult<Option<String>> {
    match value {
        Some(v) if v.chars().count() > max => Err(ValidationError::new(field, format!("at most {max} characters")).into()),
        other => Ok(other),
    }
}

/// Starts or resumes a visitor session.
#[utoipa::path(post, path = "/v1/widget/sessions", tag = "widget", request_body = SessionRequest,
    responses((status = 201, body = SessionResponse), (status = 401, body = linktor_core::api::ErrorBody),
              (status = 403, body = linktor_core::api::ErrorBody), (status = 422, body = linktor_core::api::ErrorBody)))]
pub async fn create_session(
    State(st): State<SharedState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SessionRequest>,
) -> ApiResult<(StatusCode, Json<SessionResponse>)> {
    let channel = public_channel(&st, req.channel_id.as_str()).await?;
    check_origin(&st, &headers, &channel)?;
    let page = short("page", req.page, 2048)?;
    let referrer = short("referrer", req.referrer, 2048)?;
    let language = short("language", req.language, 35)?;
    let user = req.user.unwrap_or_default();
    user.validate()?;
    if let Some(p) = &req.privacy {
        if p.data_retention.is_some_and(|d| d == 0 || d > linktor_core::channel::MAX_RETENTION_DAYS) {
            return Err(ValidationError::new("privacy.dataRetention", "must be 1 to 3650 days").into());
        }
    }
    let settings = &channel.channel.settings;

    // Identity: a user.id is a claim; only a valid userHash makes it an identity.
    let verified_user_id = match (&user.id, &req.user_hash) {
        (Some(id), Some(hash)) if identity::verify_user_hash(&channel.identity_secret, id, hash) => Some(id.clone()),
        (Some(_), Some(_)) => return Err(ApiError::IdentityUnverified("userHash does not match user.id".into())),
        (Some(_), None) if settings.identity_verification => {
            return Err(ApiError::IdentityUnverified("this channel requires userHash with user.id".into()))
        }
        _ => None,
    };

    let now = Utc::now();
    let from_token = req
        .token
        .as_deref()
        .and_then(|t| st.tokens.verify(t, now.timestamp()))
        .filter(|c| c.c == channel.channel.id);
    let mut existing: Option<VisitorRecord> = None;
    if let Some(uid) = &verified_user_id {
        existing = st.store.visitor_by_verified_user(&channel.channel.id, uid).await?;
    }
    if existing.is_none() {
        if let Some(claims) = &from_token {
            existing = st.store.visitor(&channel.account_id, &claims.v).await.ok();
            // A browser that carried a verified user's token must not become another verified user.
            if let (Some(v), Some(_)) = (&existing, &verified_user_id) {
                if v.visitor.identity_verified {
                    existing = None;
                }
            }
        }
    }

    let privacy = req.privacy.unwrap_or_default();
    let anonymize = settings.privacy.anonymize_ip || privacy.anonymize_ip.unwrap_or(false);
    let ip = client_ip(&st, &headers, peer);
    let ip = if anonymize { anonymize_ip(ip) } else { ip };
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(512).collect::<String>());
    let mut context: BTreeMap<String, String> = existing.as_ref().map(|v| v.visitor.context.clone()).unwrap_or_default();
    for (k, v) in [("page", page), ("referrer", referrer), ("language", language), ("userAgent", user_agent), ("ip", Some(ip.to_string()))] {
        if let Some(v) = v {
            context.insert(k.into(), v);
        }
    }

    let visitor = match existing {
        Some(mut v) => {
            v.visitor.user.merge(user);
            v.visitor.user.validate()?;
            st.store
                .update_visitor(&channel.account_id, &v.visitor.id, &v.visitor.user, &context, verified_user_id.as_deref())
                .await?;
            v.visitor.identity_verified |= verified_user_id.is_some();
            v
        }
        None => {
            st.store
                .create_visitor(NewVisitor {
                    account: &channel.account_id,
                    channel: &channel.channel.id,
                    user,
                    verified_user_id: verified_user_id.clone(),
                    context,
                    anonymize_ip: anonymize,
                    retention_days: privacy.data_retention,
                })
                .await?
        }
    };

    let conversation = st.store.current_conversation(&channel.account_id, &visitor.visitor.id).await?;
    let (messages, read_seq) = match &conversation {
        Some(c) => (
            st.store.messages_before(&channel.account_id, &c.id, c.last_seq + 1, 100).await?,
            st.store.receipts(&channel.account_id, &c.id).await?.1,
        ),
        None => (Vec::new(), 0),
    };
    let expires_at = now + ChronoDuration::from_std(st.config.visitor_token_ttl).unwrap_or(ChronoDuration::days(30));
    let token = st.tokens.sign(&VisitorClaims {
        v: visitor.visitor.id.clone(),
        c: channel.channel.id.clone(),
        a: channel.account_id.clone(),
        exp: expires_at.timestamp(),
    });
    Ok((
        StatusCode::CREATED,
        Json(SessionResponse {
            visitor_id: visitor.visitor.id.clone(),
            token,
            expires_at,
            conversation: conversation.map(|c| ConversationRef { id: c.id, status: c.status, last_seq: c.last_seq }),
            messages,
            read_seq,
            identity_verified: visitor.visitor.identity_verified,
            agents_online: st.store.agents_online(&channel.account_id).await?,
        }),
    ))
}

/// A visitor's upload, checked against the channel's upload policy.
#[utoipa::path(post, path = "/v1/widget/uploads", tag = "widget",
    request_body(content_type = "multipart/form-data", description = "one `file` part"),
    responses((status = 201, body = UploadedFile), (status = 401, body = linktor_core::api::ErrorBody),
              (status = 403, body = linktor_core::api::ErrorBody), (status = 413, body = linktor_core::api::ErrorBody),
              (status = 415, body = linktor_core::api::ErrorBody)),
    security(("visitor_token" = [])))]
pub async fn upload(State(st): State<SharedState>, headers: HeaderMap, mut multipart: Multipart) -> ApiResult<(StatusCode, Json<UploadedFile>)> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::Unauthorized("a session token is required".into()))?;
    let claims = st
        .tokens
        .verify(token, Utc::now().timestamp())
        .ok_or_else(|| ApiError::Unauthorized("the session token is invalid or expired".into()))?;
    let channel = st.store.channel_any_account(&claims.c).await.map_err(|_| ApiError::not_found("channel"))?;
    check_origin(&st, &headers, &channel)?;
    let policy = &channel.channel.settings.behavior.file_upload;
    if !policy.enabled {
        return Err(ApiError::Forbidden("file uploads are disabled on this channel".into()));
    }
    let file = files::receive(&mut multipart, policy.max_size).await?;
    let ext = file.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if !policy.allows(&file.mime_type, ext.as_deref()) {
        return Err(ApiError::UnsupportedType(format!("files of type {} are not allowed here", file.mime_type)));
    }
    Ok((StatusCode::CREATED, Json(files::save(&st, file, claims.a, Some(claims.c), Some(claims.v)).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_are_anonymized() {
        assert_eq!(anonymize_ip("203.0.113.77".parse().unwrap()).to_string(), "203.0.113.0");
        assert_eq!(anonymize_ip("2001:db8:1:2:3:4:5:6".parse().unwrap()).to_string(), "2001:db8:1::");
    }
}
