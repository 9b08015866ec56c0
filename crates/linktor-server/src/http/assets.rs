//! Built web assets embedded in the binary: the widget at `/v1/<file>`
//! (`/v1/linktor.js` and the panel it loads), the dashboard at `/app`, and the
//! demo page at `/demo` that chats on the demo channel.

use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
};
use rust_embed::RustEmbed;

use crate::{
    error::{ApiError, Path},
    services::channels::DEMO_CHANNEL_SETTING,
    state::SharedState,
};

#[derive(RustEmbed)]
#[folder = "../../web/widget/dist"]
#[exclude = "*.map"]
struct WidgetAssets;

#[derive(RustEmbed)]
#[folder = "../../web/dashboard/dist"]
struct DashboardAssets;

fn asset(path: &str, data: std::borrow::Cow<'static, [u8]>, cache: &'static str) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut r = (StatusCode::OK, data.into_owned()).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(mime.as_ref()).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    // The widget runs on customers' pages: any origin may load it.
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    r
}

/// A file of the widget build (`linktor.js`, the panel chunk, …).
#[utoipa::path(get, operation_id = "widgetFile", path = "/v1/{file}", tag = "widget", params(("file" = String, Path, description = "linktor.js or a file it loads")),
    responses((status = 200, description = "JavaScript"), (status = 404, description = "no such file")))]
pub async fn widget_file(Path(file): Path<String>) -> Response {
    match WidgetAssets::get(&file) {
        // Short cache: a fixed URL must pick up new releases within minutes.
        Some(f) => asset(&file, f.data, "public, max-age=300"),
        None => ApiError::NotFound(format!("no widget file {file}")).into_response(),
    }
}

/// The dashboard single-page app at `/app`.
pub async fn dashboard_index() -> Response {
    dashboard(Path(String::new())).await
}

/// The dashboard shows what visitors write: its pages run only our own
/// scripts, talk only to this server, and cannot be framed by another site.
/// Styles may be inline (the live preview is the real widget, which injects
/// its stylesheet); images may come from any https URL, as in messages.
const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; \
    connect-src 'self'; media-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn dashboard_asset(path: &str, data: std::borrow::Cow<'static, [u8]>, cache: &'static str) -> Response {
    let mut r = asset(path, data, cache);
    let h = r.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(DASHBOARD_CSP));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // Same-origin only: the dashboard's files are not for other sites.
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    h.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    r
}

/// A file of the dashboard; unknown paths get its index (client-side routes).
pub async fn dashboard(Path(path): Path<String>) -> Response {
    if let Some(f) = DashboardAssets::get(&path) {
        return dashboard_asset(&path, f.data, "public, max-age=300");
    }
    match DashboardAssets::get("index.html") {
        Some(f) => dashboard_asset("index.html", f.data, "no-cache"),
        None => (StatusCode::SERVICE_UNAVAILABLE, Html("<!doctype html><title>Linktor</title><p>The dashboard was not built into this binary: run <code>make build</code>.</p>")).into_response(),
    }
}

/// Whether the widget build is embedded (for start-up messages).
pub fn widget_built() -> bool {
    WidgetAssets::get("linktor.js").is_some()
}

fn escape_js(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '/' | '.' | '-')).collect()
}

/// A host page with the spec's snippet for the demo channel.
#[utoipa::path(get, operation_id = "demoPage", path = "/demo", tag = "widget", responses((status = 200, description = "demo page")))]
pub async fn demo(State(st): State<SharedState>) -> Response {
    let channel = match st.store.setting(DEMO_CHANNEL_SETTING).await {
        Ok(Some(c)) => c,
        Ok(None) => return ApiError::NotFound("no demo channel".into()).into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let base = escape_js(&st.config.public_url);
    let channel = escape_js(&channel);
    Html(format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Linktor WebChat demo</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}}code{{background:#f3f3f3;padding:.1em .3em}}</style></head>
<body>
<h1>Linktor WebChat demo</h1>
<p>This page embeds the widget exactly as a customer's site would. Open the chat bubble in the corner and write; answer from the dashboard at <a href="{base}/app">{base}/app</a> or with <code>POST /v1/messages</code>.</p>
<p>Channel: <code>{channel}</code></p>
<!-- Linktor WebChat Widget -->
<script>
  (function(l,i,n,k,t,o,r){{
    l['LinktorObject']=t;l[t]=l[t]||function(){{
    (l[t].q=l[t].q||[]).push(arguments)}};l[t].l=1*new Date();
    o=i.createElement(n);r=i.getElementsByTagName(n)[0];
    o.async=1;o.src=k;r.parentNode.insertBefore(o,r);
  }})(window,document,'script','{base}/v1/linktor.js','linktor');

  linktor('init', {{
    channelId: '{channel}'
  }});
</script>
</body>
</html>"#
    ))
    .into_response()
}
