//! The HTTP surface: one router assembled from the resource modules, with the
//! OpenAPI document generated from the same route list (`/v1/openapi.json`),
//! so an endpoint cannot exist without being documented.

pub mod activity;
pub mod agents;
pub mod analytics;
pub mod assets;
pub mod auth;
pub mod channels;
pub mod conversations;
pub mod email;
pub mod files;
pub mod health;
pub mod labels;
pub mod messages;
pub mod saved_replies;
pub mod sessions;
pub mod sockets;
pub mod webhooks;
pub mod widget;

use axum::{
    extract::{DefaultBodyLimit, Request, State},
    http::{header, HeaderValue, Method},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use std::time::Duration;
use tower_http::{cors::CorsLayer, limit::RequestBodyLimitLayer, trace::TraceLayer};
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{error::ApiError, metrics::OutcomeLabel, state::SharedState};

/// JSON bodies are small; uploads have their own, per-channel limit.
const JSON_BODY_LIMIT: usize = 256 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Linktor WebChat API", description = "REST API for the customer's backend (API keys) and the dashboard (session cookie + X-CSRF-Token), the widget's visitor endpoints, and operations. The visitor WebSocket protocol is described in docs/protocol.md, the agent side in docs/agent-api.md."),
    modifiers(&Security),
    tags((name = "messages"), (name = "channels"), (name = "conversations"), (name = "visitors"), (name = "labels"), (name = "saved-replies"), (name = "webhooks"), (name = "api-keys"), (name = "agents"), (name = "analytics"), (name = "widget"), (name = "email"), (name = "operations"))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_key", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        components.add_security_scheme("session", SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(utoipa::openapi::security::ApiKeyValue::with_description(crate::access::SESSION_COOKIE, "dashboard session; changes also need the X-CSRF-Token header"))));
        components.add_security_scheme("visitor_token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// This document.
#[utoipa::path(get, operation_id = "getOpenApi", path = "/v1/openapi.json", tag = "operations", responses((status = 200, description = "OpenAPI 3.1")))]
async fn openapi_doc() {}

fn api_routes() -> OpenApiRouter<SharedState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(messages::send))
        .routes(routes!(messages::typing_start))
        .routes(routes!(messages::typing_stop))
        .routes(routes!(channels::list, channels::create))
        .routes(routes!(channels::get, channels::update, channels::delete))
        .routes(routes!(channels::identity_secret, channels::rotate_identity_secret))
        .routes(routes!(conversations::list))
        .routes(routes!(conversations::get))
        .routes(routes!(conversations::messages))
        .routes(routes!(conversations::resolve))
        .routes(routes!(conversations::reopen))
        .routes(routes!(conversations::read))
        .routes(routes!(conversations::reply))
        .routes(routes!(conversations::assign))
        .routes(routes!(conversations::typing))
        .routes(routes!(activity::list))
        .routes(routes!(activity::add_note))
        .routes(routes!(activity::pages))
        .routes(routes!(labels::list, labels::create))
        .routes(routes!(labels::update, labels::delete))
        .routes(routes!(labels::set_for_conversation))
        .routes(routes!(saved_replies::list, saved_replies::create))
        .routes(routes!(saved_replies::update, saved_replies::delete))
        .routes(routes!(email::agent_transcript))
        .routes(routes!(email::status))
        .routes(routes!(email::unsubscribe_page, email::unsubscribe))
        .routes(routes!(files::agent_upload))
        .routes(routes!(sessions::login))
        .routes(routes!(sessions::session))
        .routes(routes!(sessions::logout))
        .routes(routes!(sessions::change_password))
        .routes(routes!(agents::list, agents::create))
        .routes(routes!(agents::delete))
        .routes(routes!(agents::set_availability))
        .routes(routes!(analytics::get))
        .routes(routes!(sockets::agent_ws))
        .routes(routes!(conversations::list_visitors))
        .routes(routes!(conversations::get_visitor))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::resend))
        .routes(routes!(webhooks::list_keys, webhooks::create_key))
        .routes(routes!(webhooks::revoke_key))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(assets::demo))
}

/// Endpoints a visitor's browser calls from the customer's origin: CORS
/// lets any origin try, and each handler checks the channel's allowed domains.
fn widget_routes() -> OpenApiRouter<SharedState> {
    let cors = CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(Duration::from_secs(3600));
    OpenApiRouter::new()
        .routes(routes!(widget::get_config))
        .routes(routes!(widget::create_session))
        .routes(routes!(widget::upload))
        .routes(routes!(email::visitor_transcript))
        .routes(routes!(files::download))
        .routes(routes!(sockets::visitor_ws))
        .routes(routes!(assets::widget_file))
        .layer(cors)
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = api_routes().merge(widget_routes()).routes(routes!(openapi_doc)).split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    complete_responses(&mut doc);
    doc
}

/// Operations that touch no storage: they cannot answer 503.
const WITHOUT_STORAGE: &[&str] = &["/healthz", "/metrics", "/v1/openapi.json", "/v1/{file}"];

/// Adds to every operation the error statuses that follow from its shape,
/// each with the error body, so the document lists every status an
/// operation can answer without each handler repeating them: 400 for a
/// body or query that does not parse, 401/403 for a secured one, 404 for an
/// id in the path, 413 for a body, 422 for a body or query that breaks a
/// rule, 500 always, 503 where storage is involved. What a handler states
/// itself is kept; empty descriptions get the status's reason.
fn complete_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{path::ParameterIn, ContentBuilder, Ref, ResponseBuilder};
    let error = |reason: &str| {
        ResponseBuilder::new()
            .description(reason)
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            let params = op.parameters.as_deref().unwrap_or_default();
            let in_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
            let in_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
            let body = op.request_body.is_some();
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let storage = !WITHOUT_STORAGE.contains(&path.as_str());
            let wanted = [
                (400, body || in_query),
                (401, secured),
                (403, secured),
                (404, in_path),
                (413, body),
                (422, body || in_query),
                (500, true),
                (503, storage),
            ];
            let responses = &mut op.responses.responses;
            for (status, _) in wanted.into_iter().filter(|(_, applies)| *applies) {
                let reason = axum::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("error");
                responses.entry(status.to_string()).or_insert_with(|| error(reason).into());
            }
            for (status, response) in responses.iter_mut() {
                let utoipa::openapi::RefOr::T(r) = response else { continue };
                let status = status.parse().ok().and_then(|s| axum::http::StatusCode::from_u16(s).ok());
                if r.description.is_empty() {
                    r.description = status.and_then(|s| s.canonical_reason()).unwrap_or("answer").to_owned();
                }
                if status.is_some_and(|s| s.as_u16() >= 400) && r.content.is_empty() {
                    *r = error(&r.description);
                }
            }
        }
    }
}

async fn count_responses(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let outcome = match response.status().as_u16() {
        100..=399 => "ok",
        400..=499 => "client_error",
        _ => "server_error",
    };
    st.metrics.http_requests.get_or_create(&OutcomeLabel { outcome }).inc();
    response
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.entry("x-content-type-options").or_insert(HeaderValue::from_static("nosniff"));
    h.entry("referrer-policy").or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    response
}

/// An unknown route.
async fn no_route() -> ApiError {
    ApiError::NotFound("no such endpoint; see /v1/openapi.json".into())
}

/// Every error leaves as `{ "error": { "code", "message" } }`: an error
/// answered in another shape below the handlers (a known route with another
/// method: 405 with its `Allow`; the body limit's 413) is rewritten here,
/// its text kept as the message and its headers kept. (The router's own
/// method fallback would answer before the widget routes' CORS layer, and
/// refuse browsers' preflights.)
async fn json_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let is_page = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if status.as_u16() < 400 || is_json || is_page {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.map(|b| String::from_utf8_lossy(&b).trim().to_owned()).unwrap_or_default();
    let mut rewritten = ApiError::from_status(status, text).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    rewritten
}

/// Parses a path id; a malformed one is simply not found.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &str) -> crate::error::ApiResult<T> {
    raw.parse().map_err(|_| crate::error::ApiError::not_found(what))
}

pub fn router(st: SharedState) -> Router {
    let doc = openapi();
    let (api, _) = api_routes().split_for_parts();
    let (widget, _) = widget_routes().split_for_parts();
    let uploads_limit = linktor_core::channel::MAX_UPLOAD_BYTES as usize + 64 * 1024;
    Router::new()
        .merge(api.layer(DefaultBodyLimit::max(JSON_BODY_LIMIT)))
        .route("/app", get(assets::dashboard_index))
        .route("/app/", get(assets::dashboard_index))
        .route("/app/{*path}", get(assets::dashboard))
        .merge(widget.layer(DefaultBodyLimit::max(uploads_limit)))
        .route("/v1/openapi.json", get(move || async move { Json(doc) }))
        .fallback(no_route)
        .layer(RequestBodyLimitLayer::new(uploads_limit))
        .layer(middleware::from_fn(json_errors))
        // linktor.js and the panel travel gzipped: 6 KB instead of 13 KB on the host page.
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .layer(middleware::from_fn_with_state(st.clone(), count_responses))
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(st)
}
