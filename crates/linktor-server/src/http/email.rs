//! Email over HTTP: whether it is on (for the dashboard), transcripts asked
//! for by an agent or by the visitor's widget, and the unsubscribe link of
//! every mail (a page that asks, and a POST that opts out — RFC 8058's
//! one-click `List-Unsubscribe-Post` posts the same URL). The rules are
//! `services::email`.

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
    Json,
};
use linktor_core::{
    api::ErrorBody,
    email::{EmailStatus, TranscriptRequest, TranscriptSent},
    ConversationId, ValidationError,
};
use linktor_store::Owned;
use serde::Deserialize;

use super::{
    auth::{owned, InboxAccount},
    parse_id,
};
use crate::{
    error::{ApiResult, JsonBody, Path, Query},
    services::email::escape_html,
    state::SharedState,
};

/// Whether the server sends email (the dashboard shows a notice when not).
#[utoipa::path(get, operation_id = "getEmailStatus", path = "/v1/email", tag = "email",
    responses((status = 200, body = EmailStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn status(State(st): State<SharedState>, _caller: InboxAccount) -> Json<EmailStatus> {
    Json(st.email_status())
}

/// Emails the conversation to the visitor (or to `email`). At most 3 per conversation an hour.
#[utoipa::path(post, operation_id = "emailTranscript", path = "/v1/conversations/{conversation_id}/transcript", tag = "email",
    params(("conversation_id" = linktor_core::ConversationId, Path)), request_body = TranscriptRequest,
    responses((status = 202, body = TranscriptSent), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "email is off, or the visitor unsubscribed"),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn agent_transcript(
    State(st): State<SharedState>,
    InboxAccount(account): InboxAccount,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<TranscriptRequest>,
) -> ApiResult<(StatusCode, Json<TranscriptSent>)> {
    let cid: ConversationId = parse_id(&id, "conversation")?;
    let conversation = owned(&st, st.store.conversation(&account, &cid).await, Owned::Conversation, &id, "conversation").await?;
    let to = req.address()?;
    let sent_to = st.email_transcript(&account, &conversation, to, false).await?;
    Ok((StatusCode::ACCEPTED, Json(TranscriptSent { sent_to })))
}

/// The visitor asks for their conversation by email (the widget's menu).
#[utoipa::path(post, operation_id = "emailVisitorTranscript", path = "/v1/widget/transcript", tag = "widget", request_body = TranscriptRequest,
    responses((status = 202, body = TranscriptSent), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "email is off"), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("visitor_token" = [])))]
pub async fn visitor_transcript(State(st): State<SharedState>, headers: HeaderMap, JsonBody(req): JsonBody<TranscriptRequest>) -> ApiResult<(StatusCode, Json<TranscriptSent>)> {
    let (claims, _) = super::widget::visitor_session(&st, &headers).await?;
    let to = req.address()?;
    let conversation = st
        .store
        .current_conversation(&claims.a, &claims.v)
        .await?
        .ok_or_else(|| ValidationError::new("conversation", "there is no conversation to send yet"))?;
    let sent_to = st.email_transcript(&claims.a, &conversation, to, true).await?;
    Ok((StatusCode::ACCEPTED, Json(TranscriptSent { sent_to })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeQuery {
    /// The signed token of the mail's unsubscribe link.
    #[param(max_length = 1024)]
    token: String,
}

fn page(title: &str, body: &str, form_token: Option<&str>) -> Response {
    let form = form_token
        .map(|t| format!("<form method=\"post\" action=\"?token={}\"><button type=\"submit\">OK</button></form>", escape_html(t)))
        .unwrap_or_default();
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;max-width:32em;margin:4em auto;padding:0 1em}}button{{font-size:1em;padding:.5em 1.5em}}</style></head>\
         <body><p>{b}</p>{form}</body></html>",
        t = escape_html(title),
        b = escape_html(body)
    );
    let mut response = Html(html).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"),
    );
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The unsubscribe link of a mail: a page that asks to confirm.
#[utoipa::path(get, operation_id = "unsubscribePage", path = "/v1/email/unsubscribe", tag = "email", params(UnsubscribeQuery),
    responses((status = 200, content_type = "text/html", body = String, description = "a page asking to confirm"), (status = 404, body = ErrorBody)))]
pub async fn unsubscribe_page(State(st): State<SharedState>, Query(q): Query<UnsubscribeQuery>) -> ApiResult<Response> {
    let question = st.unsubscribe(&q.token, false).await?;
    Ok(page("Unsubscribe", &question, Some(&q.token)))
}

/// Opts the visitor out of email (the page's button, or a mail program's one-click unsubscribe).
#[utoipa::path(post, operation_id = "unsubscribe", path = "/v1/email/unsubscribe", tag = "email", params(UnsubscribeQuery),
    responses((status = 200, content_type = "text/html", body = String, description = "unsubscribed"), (status = 404, body = ErrorBody)))]
pub async fn unsubscribe(State(st): State<SharedState>, Query(q): Query<UnsubscribeQuery>) -> ApiResult<Response> {
    let done = st.unsubscribe(&q.token, true).await?;
    Ok(page("Unsubscribed", &done, None))
}
