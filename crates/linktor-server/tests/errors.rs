//! Every refusal answers `{ "error": { "code", "message" } }`, including
//! the framework's own: a query string, a path or a multipart body that do
//! not parse, a socket endpoint called without an upgrade, an unknown route
//! and a wrong method (405, with `Allow`) — and a browser's CORS preflight
//! still passes.

mod common;

use common::{TestServer, ORIGIN};
use serde_json::Value;

async fn error_of(r: reqwest::Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let content_type = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(content_type.starts_with("application/json"), "{status} answered {content_type}");
    let body: Value = r.json().await.unwrap();
    let code = body["error"]["code"].as_str().unwrap_or_else(|| panic!("no error code in {body}")).to_owned();
    let message = body["error"]["message"].as_str().unwrap().to_owned();
    assert!(!message.is_empty());
    (status, code, message)
}

#[tokio::test]
async fn framework_rejections_answer_the_error_shape() {
    let t = TestServer::start().await;
    let get = |path: &str| t.http.get(t.url(path)).bearer_auth(&t.api_key).send();

    let (status, code, message) = error_of(get("/v1/conversations?limit=abc").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (400, "bad_request"), "{message}");
    assert!(message.contains("limit"), "the message names the parameter: {message}");

    let (status, code, _) = error_of(get("/v1/no/such/route").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));

    let r = t.http.delete(t.url("/v1/messages")).bearer_auth(&t.api_key).send().await.unwrap();
    let allow = r.headers().get("allow").map(|v| v.to_str().unwrap().to_owned());
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str(), allow.as_deref()), (405, "method_not_allowed", Some("POST")));

    let r = t.http.post(t.url("/v1/uploads")).bearer_auth(&t.api_key).header("content-type", "text/plain").body("x").send().await.unwrap();
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str()), (400, "bad_request"), "a body that is not multipart");

    let (status, code, _) = error_of(t.http.get(t.url("/v1/ws?token=x")).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (400, "bad_request"), "a socket endpoint without an upgrade");

    let r = t.http.post(t.url("/v1/messages")).bearer_auth(&t.api_key).header("content-type", "application/json").body("{").send().await.unwrap();
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str()), (400, "invalid_json"));

    // Bodies over the limit are refused by a layer below the handlers.
    let big = "x".repeat(300 * 1024);
    let r = t.http.post(t.url("/v1/messages")).bearer_auth(&t.api_key).header("content-type", "application/json").body(big).send().await.unwrap();
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str()), (413, "payload_too_large"));
}

#[tokio::test]
async fn a_browser_preflight_to_the_widget_endpoints_passes() {
    let t = TestServer::start().await;
    let r = t
        .http
        .request(reqwest::Method::OPTIONS, t.url("/v1/widget/sessions"))
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers().get("access-control-allow-origin").unwrap(), ORIGIN);
}

#[tokio::test]
async fn an_upload_is_one_file_part_and_nothing_else() {
    let t = TestServer::start().await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0:~\x9bU\0\0\0\nIDATx\x9cc`\0\0\0\x02\0\x01H\xaf\xa4q\0\0\0\0IEND\xaeB`\x82".to_vec();
    let upload = |form: reqwest::multipart::Form| t.http.post(t.url("/v1/uploads")).bearer_auth(&t.api_key).multipart(form).send();
    let part = || reqwest::multipart::Part::bytes(png.clone()).file_name("a.png");
    assert_eq!(upload(reqwest::multipart::Form::new().part("file", part())).await.unwrap().status().as_u16(), 201);
    for form in [
        reqwest::multipart::Form::new().part("file", part()).text("extra", "42"),
        reqwest::multipart::Form::new().text("extra", "42").part("file", part()),
        reqwest::multipart::Form::new().text("other", "x"),
    ] {
        let (status, code, message) = error_of(upload(form).await.unwrap()).await;
        assert_eq!((status, code.as_str()), (400, "bad_request"), "{message}");
    }
}
