//! Conversations that continue by email, end to end: a real SMTP server
//! (aiosmtpd from target/smtp-venv, made by scripts/smtp/ensure-venv.sh)
//! receives what the server mails; replies go to the server's own SMTP
//! listener over a real socket; the visitor's and the agent's sides are the
//! real widget endpoints and sockets.

mod common;

use common::{TestServer, ORIGIN};
use linktor_store::testing::Backend;
use mail_parser::MessageParser;
use serde_json::{json, Value};
use std::{
    path::{Path, PathBuf},
    time::Duration,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const PASSWORD: &str = "correct horse battery";

/// aiosmtpd writing every mail it receives into a Maildir.
struct SmtpSink {
    port: u16,
    dir: tempfile::TempDir,
    child: tokio::process::Child,
}

fn venv_python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/smtp-venv/bin/python")
}

impl SmtpSink {
    async fn start() -> Self {
        let python = venv_python();
        assert!(
            python.exists(),
            "the email tests need aiosmtpd in target/smtp-venv: run scripts/smtp/ensure-venv.sh (make test does) — {} is missing",
            python.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let child = tokio::process::Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .kill_on_drop(true)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Self { port, dir, child };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not listen on {port} within 5 s");
    }

    /// Every mail received so far, oldest first.
    fn mails(&self) -> Vec<Vec<u8>> {
        let new = self.dir.path().join("mail/new");
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&new)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| (e.metadata().unwrap().modified().unwrap(), e.path())).collect())
            .unwrap_or_default();
        files.sort();
        files.into_iter().map(|(_, p)| std::fs::read(p).unwrap()).collect()
    }

    /// Waits until `n` mails have arrived (at most 15 s) and returns them.
    async fn wait_for(&self, n: usize) -> Vec<Vec<u8>> {
        for _ in 0..300 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} mails within 15 s, got {}", self.mails().len());
    }

    /// Checks that no more than `n` mails arrive over `wait` (several delays).
    async fn still(&self, n: usize, wait: Duration) {
        tokio::time::sleep(wait).await;
        assert_eq!(self.mails().len(), n, "no further mail was expected");
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A server that mails through `sink` after 1 s and takes replies on a port of its own.
async fn server(sink: &SmtpSink, backend: Backend) -> TestServer {
    let port = sink.port;
    TestServer::start_with(backend, move |a| {
        a.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        a.email_from = Some("Acme Support <support@example.com>".into());
        a.email_delay_secs = Some(1);
        a.smtp_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await
}

struct Mail {
    raw: Vec<u8>,
}

impl Mail {
    fn parsed(&self) -> mail_parser::Message<'_> {
        MessageParser::default().parse(&self.raw).expect("a mail")
    }
    fn header(&self, name: &str) -> String {
        self.parsed().header_raw(name).map(|h| h.trim().to_owned()).unwrap_or_default()
    }
    fn address(&self, name: &str) -> String {
        let p = self.parsed();
        let list = match name {
            "From" => p.from(),
            "To" => p.to(),
            "Reply-To" => p.reply_to(),
            _ => unreachable!(),
        };
        list.and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_owned()
    }
    fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }
    fn text(&self) -> String {
        self.parsed().text_bodies().find(|p| p.is_text() && !p.is_text_html()).and_then(|p| p.text_contents().map(str::to_owned)).unwrap_or_default()
    }
    fn html(&self) -> String {
        self.parsed().html_bodies().find(|p| p.is_text_html()).and_then(|p| p.text_contents().map(str::to_owned)).unwrap_or_default()
    }
    /// The URL on the text line that starts with `label:`.
    fn link(&self, label: &str) -> String {
        let text = self.text();
        let line = text.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no `{label}` line in:\n{text}"));
        line[label.len() + 1..].trim().to_owned()
    }
}

fn mail(raw: &[u8]) -> Mail {
    Mail { raw: raw.to_vec() }
}

async fn conversation_of(srv: &TestServer, visitor: &str) -> Value {
    let (status, body) = srv.api(reqwest::Method::GET, &format!("/v1/conversations?visitorId={visitor}"), None).await;
    assert_eq!(status, 200, "{body}");
    body["data"][0].clone()
}

#[tokio::test]
async fn unread_messages_are_mailed_once_with_a_link_that_resumes_the_chat() {
    let sink = SmtpSink::start().await;
    let srv = server(&sink, Backend::Sqlite).await;
    let v = srv.visitor().await;
    assert_eq!(srv.send_text(&v.id, "<script>alert(1)</script> Hello & welcome").await.0, 201);
    assert_eq!(srv.send_text(&v.id, "A second line").await.0, 201);

    let mails = sink.wait_for(1).await;
    let m = mail(&mails[0]);
    assert_eq!(m.address("From"), "support@example.com");
    assert_eq!(m.address("To"), "john@example.com");
    let reply_to = m.address("Reply-To");
    assert!(reply_to.starts_with("reply+") && reply_to.ends_with("@example.com"), "{reply_to}");
    assert!(m.subject().contains("New message from"), "{}", m.subject());
    let (text, html) = (m.text(), m.html());
    assert!(text.contains("<script>alert(1)</script> Hello & welcome") && text.contains("A second line"), "{text}");
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Hello &amp; welcome"), "{html}");
    assert!(html.contains("A second line"));
    assert!(m.header("List-Unsubscribe").starts_with("<http"), "{}", m.header("List-Unsubscribe"));
    assert_eq!(m.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");

    // The link goes back to the page the visitor was on, and its token is that visitor's session.
    let link = m.link("Continue the conversation");
    let url = url::Url::parse(&link).unwrap();
    assert_eq!(format!("{}://{}{}", url.scheme(), url.host_str().unwrap(), url.path()), format!("{ORIGIN}/pricing"));
    let resume = url.query_pairs().find(|(k, _)| k == "linktor_resume").map(|(_, v)| v.into_owned()).expect("resume parameter");
    let (status, session) = srv.session(json!({ "channelId": srv.channel, "resumeToken": resume })).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["visitorId"], v.id.as_str());
    let conversation = conversation_of(&srv, &v.id).await;
    assert_eq!(session["conversation"]["id"], conversation["id"]);
    assert!(session["messages"].as_array().unwrap().iter().any(|m| m["content"]["text"] == "A second line"));
    assert_eq!(session["emailEnabled"], true);
    // A forged or other channel's token is refused, not a new visitor.
    let forged = format!("{}x", &resume[..resume.len() - 1]);
    let (status, body) = srv.session(json!({ "channelId": srv.channel, "resumeToken": forged })).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{body}");
    let (status, _) = srv.session(json!({ "channelId": srv.channel, "resumeToken": v.token })).await;
    assert_eq!(status, 401, "a session token is not a resume token");

    // Nothing is mailed twice.
    sink.still(1, Duration::from_secs(3)).await;
}

#[tokio::test]
async fn a_message_read_in_time_is_not_mailed() {
    let sink = SmtpSink::start().await;
    let srv = server(&sink, Backend::Sqlite).await;
    let v = srv.visitor().await;
    let mut socket = srv.connect(&v.token).await;
    socket.resume(0).await;
    assert_eq!(srv.send_text(&v.id, "Seen in the widget").await.0, 201);
    let frame = socket.next_of("message").await;
    socket.send(json!({ "type": "read", "seq": frame["message"]["seq"] })).await;
    sink.still(0, Duration::from_secs(3)).await;

    // The visitor leaves; the next answer is mailed, without the one read.
    drop(socket);
    assert_eq!(srv.send_text(&v.id, "Sent after you left").await.0, 201);
    let m = mail(&sink.wait_for(1).await[0]);
    assert!(m.text().contains("Sent after you left") && !m.text().contains("Seen in the widget"), "{}", m.text());
}

#[tokio::test]
async fn visitors_without_an_address_get_nothing_and_an_address_given_later_counts() {
    let sink = SmtpSink::start().await;
    let srv = server(&sink, Backend::Sqlite).await;
    let (status, body) = srv.session(json!({ "channelId": srv.channel, "page": "/" })).await;
    assert_eq!(status, 201);
    let (id, token) = (body["visitorId"].as_str().unwrap().to_owned(), body["token"].as_str().unwrap().to_owned());
    assert_eq!(srv.send_text(&id, "Nobody to mail").await.0, 201);
    sink.still(0, Duration::from_secs(3)).await;
    // `user.update` (updateUser) gives an address: the next unread answer is mailed.
    let mut socket = srv.connect(&token).await;
    socket.resume(0).await;
    socket.send(json!({ "type": "user.update", "user": { "email": "late@example.com" } })).await;
    socket.send(json!({ "type": "ping" })).await;
    socket.next_of("pong").await;
    drop(socket);
    assert_eq!(srv.send_text(&id, "Now you have an address").await.0, 201);
    let m = mail(&sink.wait_for(1).await[0]);
    assert_eq!(m.address("To"), "late@example.com");
}

#[tokio::test]
async fn the_unsubscribe_link_stops_the_mail() {
    let sink = SmtpSink::start().await;
    let srv = server(&sink, Backend::Sqlite).await;
    let v = srv.visitor().await;
    assert_eq!(srv.send_text(&v.id, "First").await.0, 201);
    let m = mail(&sink.wait_for(1).await[0]);
    let link = m.link("Stop these emails");
    assert_eq!(m.header("List-Unsubscribe"), format!("<{link}>"));
    // The page asks first (a link scanner following it unsubscribes nobody).
    let page = srv.http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    assert_eq!(srv.send_text(&v.id, "Second").await.0, 201);
    sink.wait_for(2).await;
    // One click (RFC 8058), as a mail program posts it.
    let done = srv.http.post(&link).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("no more emails"));
    assert_eq!(srv.send_text(&v.id, "Third").await.0, 201);
    sink.still(2, Duration::from_secs(3)).await;
    // A forged link is refused.
    let forged = srv.http.post(format!("{}x", &link[..link.len() - 1])).send().await.unwrap();
    assert_eq!(forged.status(), 404);
    // The agent cannot send a transcript to a visitor who unsubscribed.
    let conversation = conversation_of(&srv, &v.id).await;
    let (status, body) = srv.api(reqwest::Method::POST, &format!("/v1/conversations/{}/transcript", conversation["id"].as_str().unwrap()), Some(json!({}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
}

#[tokio::test]
async fn two_nodes_on_postgresql_mail_once() {
    let sink = SmtpSink::start().await;
    let srv = server(&sink, Backend::Postgres).await;
    // A second node on the same database, with its own email job.
    let dir = tempfile::tempdir().unwrap();
    let database_url = srv.state().config.database_url.clone();
    let port = sink.port;
    let args = linktor_server::config::ConfigArgs {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().to_owned()),
        database_url: Some(database_url),
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        email_from: Some("support@example.com".into()),
        email_delay_secs: Some(1),
        ..Default::default()
    };
    let second = linktor_server::server::start(args.resolve().unwrap()).await.unwrap();
    for i in 0..4 {
        let v = srv.visitor().await;
        assert_eq!(srv.send_text(&v.id, &format!("Hello {i}")).await.0, 201);
    }
    sink.wait_for(4).await;
    sink.still(4, Duration::from_secs(3)).await;
    second.shutdown().await.unwrap();
}

/// A raw SMTP client: sends `lines` one at a time and returns each reply's first line.
struct SmtpClient {
    read: BufReader<tokio::net::tcp::OwnedReadHalf>,
    write: tokio::net::tcp::OwnedWriteHalf,
}

impl SmtpClient {
    async fn connect(srv: &TestServer) -> Self {
        let addr = srv.server.as_ref().unwrap().smtp_addr.expect("the SMTP listener runs");
        let (read, write) = tokio::net::TcpStream::connect(addr).await.unwrap().into_split();
        let mut c = Self { read: BufReader::new(read), write };
        assert!(c.reply().await.starts_with("220"));
        assert!(c.cmd("EHLO client.example.org").await.starts_with("250"));
        c
    }

    /// The last line of a (possibly multi-line) reply.
    async fn reply(&mut self) -> String {
        loop {
            let mut line = String::new();
            tokio::time::timeout(Duration::from_secs(10), self.read.read_line(&mut line)).await.expect("an SMTP reply").unwrap();
            if line.as_bytes().get(3) != Some(&b'-') {
                return line.trim_end().to_owned();
            }
        }
    }

    async fn cmd(&mut self, line: &str) -> String {
        self.write.write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
        self.reply().await
    }

    /// A whole mail to `to`; the reply to the end of DATA.
    async fn send(&mut self, to: &str, data: &str) -> String {
        assert!(self.cmd("MAIL FROM:<john@example.com>").await.starts_with("250"));
        let rcpt = self.cmd(&format!("RCPT TO:<{to}>")).await;
        if !rcpt.starts_with("250") {
            self.cmd("RSET").await;
            return rcpt;
        }
        assert!(self.cmd("DATA").await.starts_with("354"));
        let body: String = data.split('\n').map(|l| if l.starts_with('.') { format!(".{l}\r\n") } else { format!("{l}\r\n") }).collect();
        self.write.write_all(body.as_bytes()).await.unwrap();
        self.cmd(".").await
    }
}

async fn agent_socket(srv: &TestServer) -> common::Socket {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    linktor_server::services::agents::create_agent(&srv.state().store, &srv.account, "ana@example.com", "Ana", linktor_store::AgentRole::Agent, PASSWORD)
        .await
        .unwrap();
    let r = srv.http.post(srv.url("/v1/auth/login")).json(&json!({ "email": "ana@example.com", "password": PASSWORD })).send().await.unwrap();
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let mut req = format!("{}/v1/agent/ws", srv.base.replace("http://", "ws://")).into_client_request().unwrap();
    req.headers_mut().insert("origin", srv.base.parse().unwrap());
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let mut socket = common::Socket { ws };
    socket.next_of("ready").await;
    socket
}

#[tokio::test]
async fn a_reply_by_email_is_the_visitors_message_seen_live() {
    let sink = SmtpSink::start().await;
    let srv = server(&sink, Backend::Sqlite).await;
    let v = srv.visitor().await;
    assert_eq!(srv.send_text(&v.id, "Does this answer it?").await.0, 201);
    let m = mail(&sink.wait_for(1).await[0]);
    let reply_to = m.address("Reply-To");
    let mut agent = agent_socket(&srv).await;

    let data = format!(
        "From: John <john@example.com>\nTo: <{reply_to}>\nSubject: Re: <script>alert('s')</script>\nMessage-ID: <r1@example.com>\n\
         Content-Type: text/plain; charset=utf-8\n\nYes <b>thanks</b>, <script>alert(2)</script>\n.leading dot\n\nOn Mon, 7 Dec 2026, Acme Support wrote:\n> Does this answer it?\n"
    );
    let mut client = SmtpClient::connect(&srv).await;
    let answer = client.send(&reply_to, &data).await;
    assert!(answer.starts_with("250"), "{answer}");
    let frame = agent.next_of("message").await;
    assert_eq!(frame["message"]["sender"]["type"], "visitor");
    assert_eq!(frame["visitorId"], v.id.as_str());
    assert_eq!(frame["message"]["content"]["text"], "Yes <b>thanks</b>, <script>alert(2)</script>\n.leading dot", "quotes cut, text kept as text");
    // The same mail delivered again is not a second message.
    let again = client.send(&reply_to, &data).await;
    assert!(again.starts_with("250"), "{again}");
    let conversation = conversation_of(&srv, &v.id).await;
    let (_, messages) = srv.api(reqwest::Method::GET, &format!("/v1/conversations/{}/messages", conversation["id"].as_str().unwrap()), None).await;
    let inbound: Vec<&Value> = messages["data"].as_array().unwrap().iter().filter(|m| m["direction"] == "inbound").collect();
    assert_eq!(inbound.len(), 1, "{messages}");

    // An HTML-only reply becomes text.
    let html = format!("From: john@example.com\nTo: {reply_to}\nSubject: Re\nMessage-ID: <r2@example.com>\nContent-Type: text/html\n\n<p>Got it, <i>thanks</i></p>\n");
    assert!(client.send(&reply_to, &html).await.starts_with("250"));
    let frame = agent.next_of("message").await;
    let text = frame["message"]["content"]["text"].as_str().unwrap();
    assert!(text.contains("Got it") && text.contains("thanks") && !text.contains("<i>"), "{text}");
    assert!(client.cmd("QUIT").await.starts_with("221"));
}

#[tokio::test]
async fn forged_expired_extra_and_oversized_replies_are_refused() {
    let sink = SmtpSink::start().await;
    let srv = server(&sink, Backend::Sqlite).await;
    let v = srv.visitor().await;
    assert_eq!(srv.send_text(&v.id, "Hello").await.0, 201);
    let reply_to = mail(&sink.wait_for(1).await[0]).address("Reply-To");
    let conversation = conversation_of(&srv, &v.id).await;
    let cid: linktor_core::ConversationId = conversation["id"].as_str().unwrap().parse().unwrap();
    let mut c = SmtpClient::connect(&srv).await;

    // Someone else's conversation under this address's MAC: refused at RCPT.
    let other = linktor_core::ConversationId::generate();
    let forged = reply_to.replace(&cid.as_str()[5..], &other.as_str()[5..]);
    let answer = c.send(&forged, "Subject: x\n\nhi").await;
    assert!(answer.starts_with("550") && answer.contains("not genuine"), "{answer}");
    // Expired.
    let expired = linktor_server::services::email::reply_address(&srv.state().tokens, &cid, "example.com", chrono::Utc::now().timestamp() - 10);
    let answer = c.send(&expired, "Subject: x\n\nhi").await;
    assert!(answer.starts_with("550") && answer.contains("expired"), "{answer}");
    // Not a reply address at all.
    let answer = c.send("postmaster@example.com", "Subject: x\n\nhi").await;
    assert!(answer.starts_with("550"), "{answer}");
    // One recipient per mail.
    assert!(c.cmd("MAIL FROM:<john@example.com>").await.starts_with("250"));
    assert!(c.cmd(&format!("RCPT TO:<{reply_to}>")).await.starts_with("250"));
    assert!(c.cmd(&format!("RCPT TO:<{reply_to}>")).await.starts_with("452"));
    assert!(c.cmd("RSET").await.starts_with("250"));
    // Too large, said up front or sent anyway.
    assert!(c.cmd("MAIL FROM:<john@example.com> SIZE=5000000").await.starts_with("552"));
    let big = format!("Subject: big\n\n{}", "x".repeat(900).repeat(1300).as_bytes().chunks(900).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\n"));
    let answer = c.send(&reply_to, &big).await;
    assert!(answer.starts_with("552"), "{answer}");
    // A mail with nothing but quotes is refused, and the session still works.
    let answer = c.send(&reply_to, "Subject: Re\n\n> only the old mail\n").await;
    assert!(answer.starts_with("554"), "{answer}");
    assert!(c.cmd("NOOP").await.starts_with("250"));
    let (_, messages) = srv.api(reqwest::Method::GET, &format!("/v1/conversations/{cid}/messages"), None).await;
    assert!(messages["data"].as_array().unwrap().iter().all(|m| m["direction"] == "outbound"), "nothing was stored: {messages}");
}

#[tokio::test]
async fn transcripts_for_the_agent_and_the_visitor_are_checked_and_rate_limited() {
    let sink = SmtpSink::start().await;
    let srv = server(&sink, Backend::Sqlite).await;
    let v = srv.visitor().await;
    let mut socket = srv.connect(&v.token).await;
    socket.resume(0).await;
    socket.send(json!({ "type": "message.send", "clientId": "c1", "content": { "type": "text", "text": "I need <help>" } })).await;
    socket.next_of("ack").await;
    let conversation = conversation_of(&srv, &v.id).await;
    let cid = conversation["id"].as_str().unwrap();

    let (status, body) = srv.api(reqwest::Method::GET, "/v1/email", None).await;
    assert_eq!((status, &body["enabled"], &body["replies"]), (200, &json!(true), &json!(true)), "{body}");

    // The agent: to the visitor's known address.
    let (status, body) = srv.api(reqwest::Method::POST, &format!("/v1/conversations/{cid}/transcript"), Some(json!({}))).await;
    assert_eq!((status, body["sentTo"].as_str()), (202, Some("john@example.com")), "{body}");
    let m = mail(&sink.wait_for(1).await[0]);
    assert!(m.subject().contains("Your conversation with"), "{}", m.subject());
    assert!(m.text().contains("I need <help>") && m.html().contains("I need &lt;help&gt;"));
    // Someone else's conversation, and one that does not exist.
    let other = srv.state().store.create_account("Other").await.unwrap();
    let ch = srv.state().store.create_channel(&other, "Theirs", &["example.org".into()], "en", &Default::default()).await.unwrap();
    let theirs = srv
        .state()
        .store
        .create_visitor(linktor_store::NewVisitor {
            account: &other,
            channel: &ch.channel.id,
            user: Default::default(),
            verified_user_id: None,
            context: Default::default(),
            anonymize_ip: false,
            retention_days: None,
        })
        .await
        .unwrap();
    let their_conv = srv.state().store.create_conversation(&other, &ch.channel.id, &theirs.visitor.id, &Default::default(), |_| vec![]).await.unwrap();
    let (status, _) = srv.api(reqwest::Method::POST, &format!("/v1/conversations/{}/transcript", their_conv.id), Some(json!({ "email": "me@evil.example" }))).await;
    assert_eq!(status, 403);
    let (status, _) = srv.api(reqwest::Method::POST, "/v1/conversations/conv_nope/transcript", Some(json!({}))).await;
    assert_eq!(status, 404);

    // The visitor, from the widget, to an address they type.
    let widget = |body: Value| srv.http.post(srv.url("/v1/widget/transcript")).header("origin", ORIGIN).bearer_auth(&v.token).json(&body).send();
    let r = widget(json!({ "email": "not an address" })).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = widget(json!({ "email": "john.work@example.com" })).await.unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(mail(&sink.wait_for(2).await[1]).address("To"), "john.work@example.com");
    let r = srv.http.post(srv.url("/v1/widget/transcript")).header("origin", "https://evil.example").bearer_auth(&v.token).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = srv.http.post(srv.url("/v1/widget/transcript")).header("origin", ORIGIN).bearer_auth("forged").json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // Three an hour per conversation.
    assert_eq!(widget(json!({})).await.unwrap().status(), 202);
    let r = widget(json!({})).await.unwrap();
    assert_eq!(r.status(), 429);
    sink.wait_for(3).await;
    sink.still(3, Duration::from_secs(1)).await;
}

#[tokio::test]
async fn without_smtp_settings_email_is_off_and_says_so() {
    let srv = TestServer::start().await;
    let (status, body) = srv.api(reqwest::Method::GET, "/v1/email", None).await;
    assert_eq!((status, &body["enabled"]), (200, &json!(false)), "{body}");
    let v = srv.visitor().await;
    let (_, session) = srv.session(json!({ "channelId": srv.channel, "token": v.token })).await;
    assert_eq!(session["emailEnabled"], false);
    assert_eq!(srv.send_text(&v.id, "Hello").await.0, 201);
    let conversation = conversation_of(&srv, &v.id).await;
    let (status, body) = srv.api(reqwest::Method::POST, &format!("/v1/conversations/{}/transcript", conversation["id"].as_str().unwrap()), Some(json!({}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
    assert!(srv.server.as_ref().unwrap().smtp_addr.is_none());
}

#[tokio::test]
async fn after_a_restart_what_was_mailed_stays_mailed() {
    let sink = SmtpSink::start().await;
    let mut srv = server(&sink, Backend::Sqlite).await;
    let v = srv.visitor().await;
    assert_eq!(srv.send_text(&v.id, "Before the restart").await.0, 201);
    sink.wait_for(1).await;
    let (database_url, data_dir) = (srv.state().config.database_url.clone(), srv.state().config.data_dir.clone());
    srv.stop().await;

    // The same database, a new process: nothing already mailed goes again; a new answer does, alone.
    let port = sink.port;
    let args = linktor_server::config::ConfigArgs {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data_dir),
        database_url: Some(database_url),
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        email_from: Some("support@example.com".into()),
        email_delay_secs: Some(1),
        ..Default::default()
    };
    let again = linktor_server::server::start(args.resolve().unwrap()).await.unwrap();
    sink.still(1, Duration::from_secs(3)).await;
    let store = &again.state.store;
    let visitor: linktor_core::VisitorId = v.id.parse().unwrap();
    let record = store.visitor(&srv.account, &visitor).await.unwrap();
    let conversation = store.current_conversation(&srv.account, &visitor).await.unwrap().unwrap();
    let sender = linktor_core::Sender { sender_type: linktor_core::SenderType::Api, id: "api".into(), name: None, avatar: None };
    again.state.business_message(&srv.account, &record, Some(conversation), sender, linktor_core::Content::Text { text: "After the restart".into() }, None).await.unwrap();
    let mails = sink.wait_for(2).await;
    let text = mail(&mails[1]).text();
    assert!(text.contains("After the restart") && !text.contains("Before the restart"), "{text}");
    sink.still(2, Duration::from_secs(2)).await;
    again.shutdown().await.unwrap();
}
