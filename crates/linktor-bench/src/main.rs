//! `linktor-bench`: opens many visitor sockets against a real `linktor serve`
//! (release build, SQLite) and measures sockets held, server memory per idle
//! socket, messages stored per second, and API→visitor and visitor→webhook
//! latency. A raw WebSocket echo server (tokio-tungstenite, default settings)
//! is measured in the same run as the baseline. Prints a Markdown report.

use clap::Parser;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    process::{Child, Command, Stdio},
    sync::{atomic::{AtomicU64, Ordering}, Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::{tungstenite::{client::IntoClientRequest, Message}, WebSocketStream};

type Ws = WebSocketStream<TcpStream>;

#[derive(Parser, Clone)]
struct Args {
    /// The linktor binary to measure.
    #[arg(long, default_value = "target/release/linktor")]
    server: String,
    /// Idle sockets to hold (this process may hold 20,000 open files).
    #[arg(long, default_value_t = 18_000)]
    sockets: usize,
    /// Source addresses 127.0.0.2.. to spread client ports over.
    #[arg(long, default_value_t = 4)]
    sources: u8,
    /// Target rate for the latency phases, messages per second.
    #[arg(long, default_value_t = 10_000)]
    rate: u64,
    /// Sockets that take part in the latency phases.
    #[arg(long, default_value_t = 1000)]
    active: usize,
    /// Sockets that send in the stored-per-second phase, each at 18 messages
    /// a second (under the server's per-visitor limit of 20).
    #[arg(long, default_value_t = 2000)]
    store_active: usize,
    /// Seconds per phase.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Internal: run as the raw echo server on this port.
    #[arg(long, hide = true)]
    echo: Option<u16>,
}

static START: OnceLock<Instant> = OnceLock::new();
fn now_us() -> u64 {
    START.get_or_init(Instant::now).elapsed().as_micros() as u64
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
}

async fn connect(url: &str, source: Ipv4Addr, origin: Option<&str>) -> anyhow::Result<Ws> {
    let u = url::Url::parse(url)?;
    let addr: SocketAddr = format!("{}:{}", u.host_str().unwrap(), u.port().unwrap()).parse()?;
    let sock = TcpSocket::new_v4()?;
    sock.bind(SocketAddr::new(IpAddr::V4(source), 0))?;
    let stream = sock.connect(addr).await?;
    let mut req = url.into_client_request()?;
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse()?);
    }
    // tungstenite zeroes its whole read buffer (128 KiB by default) before
    // every read: the client's frames are small, so is its buffer, and the
    // machine's time goes to the server, not to memset in the client.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
    Ok(tokio_tungstenite::client_async_with_config(req, stream, Some(config)).await?.0)
}

/// Opens `n` sockets with bounded concurrency, spread over source addresses.
async fn open_many(n: usize, sources: u8, url_for: impl Fn(usize) -> String, origin: Option<&'static str>) -> Vec<Option<Ws>> {
    let urls: Vec<String> = (0..n).map(&url_for).collect();
    futures::stream::iter(urls.into_iter().enumerate())
        .map(|(i, url)| async move {
            let src = Ipv4Addr::new(127, 0, 0, 2 + (i % sources as usize) as u8);
            connect(&url, src, origin).await
        })
        .buffer_unordered(256)
        .filter_map(|r| async move { r.map_err(|e| eprintln!("connect: {e}")).ok().map(Some) })
        .collect()
        .await
}

async fn echo_server(port: u16) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        tokio::spawn(async move {
            let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else { return };
            while let Some(Ok(m)) = ws.next().await {
                if m.is_text() && ws.send(m).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// Sends at `rate` per second for `secs` through `send(i)`; returns how many went out.
async fn paced<F, Fut>(rate: u64, secs: u64, send: F) -> u64
where
    F: Fn(u64) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let total = rate * secs;
    let start = Instant::now();
    let mut inflight = futures::stream::FuturesUnordered::new();
    for i in 0..total {
        let due = start + Duration::from_nanos(i * 1_000_000_000 / rate);
        while Instant::now() < due {
            tokio::select! {
                _ = tokio::time::sleep_until(due.into()) => {}
                Some(_) = inflight.next(), if !inflight.is_empty() => {}
            }
        }
        inflight.push(tokio::spawn(send(i)));
    }
    while inflight.next().await.is_some() {}
    total
}

struct Report(Vec<String>);
impl Report {
    fn line(&mut self, s: String) {
        println!("{s}");
        self.0.push(s);
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(port) = args.echo {
        echo_server(port).await;
        return Ok(());
    }
    START.get_or_init(Instant::now);
    let mut report = Report(Vec::new());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    report.line(format!("# linktor-bench: {} sockets, {} active, {} msg/s target, {} s phases, {cores} cores\n", args.sockets, args.active, args.rate, args.seconds));

    // Baseline: a raw echo server with tokio-tungstenite's defaults.
    let echo_port = free_port();
    let mut echo: Child = Command::new(std::env::current_exe()?).args(["--echo", &echo_port.to_string()]).spawn()?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let base_rss = rss_kb(echo.id());
    let mut echo_socks = open_many(args.sockets, args.sources, |_| format!("ws://127.0.0.1:{echo_port}/"), None).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let echo_per = (rss_kb(echo.id()).saturating_sub(base_rss)) as f64 * 1024.0 / echo_socks.len().max(1) as f64;
    let echo_active = args.active.min(echo_socks.len());
    eprintln!("phase: echo baseline");
    let echo_lat = echo_latency(&mut echo_socks[..echo_active], args.rate, args.seconds).await;
    let echo_held = echo_socks.len();
    drop(echo_socks);
    let _ = echo.kill();

    // Linktor: a fresh data directory, a channel, an API key and a webhook to us.
    let dir = tempfile::tempdir()?;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let cli = |a: &[&str]| -> anyhow::Result<Value> {
        let out = Command::new(&args.server).args(a).env("LINKTOR_DATA_DIR", dir.path()).env("LINKTOR_LOG", "warn").output()?;
        anyhow::ensure!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let channel = cli(&["channel", "create", "--name", "Bench", "--allowed-domains", "localhost"])?["id"].as_str().unwrap().to_owned();
    let key = cli(&["api-key", "create", "--name", "bench"])?["key"].as_str().unwrap().to_owned();
    let hook_lat = Arc::new(Mutex::new(Vec::<u64>::new()));
    let hook_count = Arc::new(AtomicU64::new(0));
    let hook_port = free_port();
    {
        let lat = hook_lat.clone();
        let count = hook_count.clone();
        let app = axum::Router::new().route("/hook", axum::routing::post(move |body: String| {
            let lat = lat.clone();
            count.fetch_add(1, Ordering::Relaxed);
            async move {
                if let Ok(v) = serde_json::from_str::<Value>(&body) {
                    if let Some(t) = v["data"]["content"]["text"].as_str().and_then(|t| t.strip_prefix("t:")).and_then(|t| t.parse::<u64>().ok()) {
                        lat.lock().unwrap().push(now_us().saturating_sub(t));
                    }
                }
                "ok"
            }
        }));
        let l = tokio::net::TcpListener::bind(("127.0.0.1", hook_port)).await?;
        tokio::spawn(async move { axum::serve(l, app).await });
    }
    cli(&["webhook", "create", "--url", &format!("http://127.0.0.1:{hook_port}/hook"), "--events", "message.received"])?;
    let mut server = Command::new(&args.server)
        .arg("serve")
        .env("LINKTOR_DATA_DIR", dir.path())
        .env("LINKTOR_LISTEN", format!("127.0.0.1:{port}"))
        .env("LINKTOR_LOG", "warn")
        .stderr(Stdio::null())
        .spawn()?;
    // A request that never gets an answer (the server out of open files) fails
    // after 10 s instead of holding its phase forever.
    let http = reqwest::Client::builder().pool_max_idle_per_host(512).timeout(Duration::from_secs(10)).build()?;
    for _ in 0..200 {
        if http.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Sessions, then one idle socket each.
    let t0 = Instant::now();
    let sessions: Vec<(String, String)> = futures::stream::iter(0..args.sockets)
        .map(|_| {
            let (http, base, channel) = (http.clone(), base.clone(), channel.clone());
            async move {
                let r: Value = http.post(format!("{base}/v1/widget/sessions")).header("origin", "http://localhost")
                    .json(&json!({ "channelId": channel })).send().await.ok()?.json().await.ok()?;
                Some((r["visitorId"].as_str()?.to_owned(), r["token"].as_str()?.to_owned()))
            }
        })
        .buffer_unordered(64)
        .filter_map(|s| async move { s })
        .collect()
        .await;
    let session_rate = sessions.len() as f64 / t0.elapsed().as_secs_f64();
    let before = rss_kb(server.id());
    let ws_base = format!("ws://127.0.0.1:{port}/v1/ws?token=");
    let mut socks = open_many(sessions.len(), args.sources, |i| format!("{ws_base}{}", sessions[i].1), Some("http://localhost")).await;
    for s in socks.iter_mut().flatten() {
        s.send(Message::text(r#"{"type":"resume","lastSeq":0}"#)).await?;
    }
    for s in socks.iter_mut().flatten() {
        let _ = tokio::time::timeout(Duration::from_secs(10), s.next()).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_kb(server.id());
    let per_socket = (after.saturating_sub(before)) as f64 * 1024.0 / socks.len().max(1) as f64;

    let store_active = args.store_active.min(socks.len());
    let hooks_before = hook_count.load(Ordering::Relaxed);
    let writer_before = WriterFigures::read(&http, &base).await;
    eprintln!("phase: stored per second");
    let stored = stored_per_second(&mut socks[..store_active], args.seconds).await;
    let writer = WriterFigures::read(&http, &base).await.since(writer_before);
    // The webhooks of what was stored (one per message) are delivered while
    // and after it is stored; the latency phases start once they are done.
    let drain_started = Instant::now();
    let mut last = (hook_count.load(Ordering::Relaxed), Instant::now());
    while hook_count.load(Ordering::Relaxed) - hooks_before < stored.acks && last.1.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = hook_count.load(Ordering::Relaxed);
        if now != last.0 {
            last = (now, Instant::now());
        }
    }
    let hooks_during = hook_count.load(Ordering::Relaxed) - hooks_before;
    let drain_secs = drain_started.elapsed().as_secs_f64();
    let active = args.active.min(socks.len());
    eprintln!("phase: API to visitor");
    let api_lat = api_latency(&mut socks[..active], &sessions[..active], args.sources, &base, &key, &channel, args.rate, args.seconds).await?;
    hook_lat.lock().unwrap().clear();
    eprintln!("phase: visitor to webhook");
    let sent = visitor_to_webhook(&mut socks[..active], 1000, args.seconds).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut hooks = hook_lat.lock().unwrap().clone();
    hooks.sort_unstable();
    let _ = server.kill();

    report.line("| measure | linktor | baseline: raw echo server |".into());
    report.line("|---|---|---|".into());
    report.line(format!("| sockets held | {} | {} |", socks.len(), echo_held));
    report.line(format!("| server memory per idle socket | {:.1} KB | {:.1} KB |", per_socket / 1024.0, echo_per / 1024.0));
    report.line(format!("| messages stored per second (SQLite, {} sockets sending {:.0} msg/s in all; {} refused) | {:.0} | — |",
        store_active, stored.sent as f64 / stored.secs, stored.refused, stored.acks as f64 / stored.secs));
    report.line(format!("| stored phase: a window of 8 messages until its 8th ack, p50 / p99 | {:.1} / {:.1} ms | — |",
        percentile(&stored.windows, 0.5), percentile(&stored.windows, 0.99)));
    report.line(format!("| stored phase: the message writer's batches | {:.0} batches of {:.0} messages, {:.1} ms each | — |",
        writer.batches, writer.stored / writer.batches.max(1.0), 1000.0 * writer.batch_seconds / writer.batches.max(1.0)));
    report.line(format!("| webhooks of the stored phase delivered ({} of {}), last one {:.1} s after the phase | {:.0} per second | — |",
        hooks_during, stored.acks, drain_secs, hooks_during as f64 / (stored.secs + drain_secs)));
    report.line(format!("| API→visitor latency p50 / p99 at {:.0} msg/s offered, {:.0} answered a second ({} requests failed) | {:.2} / {:.2} ms | echo round trip {:.2} / {:.2} ms at {:.0} msg/s |",
        api_lat.offered, api_lat.answered, api_lat.failed, api_lat.p50, api_lat.p99, echo_lat.1, echo_lat.2, echo_lat.0));
    report.line(format!("| visitor→webhook latency p50 / p99 ({} of {} delivered, 1000 msg/s) | {:.2} / {:.2} ms | — |",
        hooks.len(), sent, percentile(&hooks, 0.5), percentile(&hooks, 0.99)));
    report.line(format!("| visitor sessions created per second | {:.0} | — |", session_rate));
    Ok(())
}

/// Echo round trips at `rate`: (achieved rate, p50 ms, p99 ms).
async fn echo_latency(socks: &mut [Option<Ws>], rate: u64, secs: u64) -> (f64, f64, f64) {
    let lat = Arc::new(Mutex::new(Vec::new()));
    let (tx, handles) = split_all(socks, lat.clone(), |v: &str| v.strip_prefix("t:").and_then(|t| t.parse().ok()));
    let started = Instant::now();
    let n = paced(rate, secs, |i| {
        let tx = tx[(i as usize) % tx.len()].clone();
        async move { let _ = tx.send(format!("t:{}", now_us())); }
    }).await;
    let achieved = n as f64 / started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(500)).await;
    finish(socks, tx, handles).await;
    let mut l = lat.lock().unwrap().clone();
    l.sort_unstable();
    (achieved, percentile(&l, 0.5), percentile(&l, 0.99))
}

type Handles = Vec<tokio::task::JoinHandle<Ws>>;

/// Moves each socket into a task that writes what its channel gets and
/// records latencies of frames `parse` recognises.
fn split_all(socks: &mut [Option<Ws>], lat: Arc<Mutex<Vec<u64>>>, parse: fn(&str) -> Option<u64>) -> (Vec<tokio::sync::mpsc::UnboundedSender<String>>, Handles) {
    let mut txs = Vec::new();
    let mut handles = Vec::new();
    for slot in socks.iter_mut() {
        // The task owns the socket for the phase and gives it back at the end.
        let Some(ws) = slot.take() else { continue };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let lat = lat.clone();
        txs.push(tx);
        handles.push(tokio::spawn(async move {
            let mut ws = ws;
            loop {
                tokio::select! {
                    out = rx.recv() => match out {
                        Some(text) => { if ws.send(Message::text(text)).await.is_err() { break; } }
                        None => break,
                    },
                    inc = ws.next() => match inc {
                        Some(Ok(Message::Text(t))) => {
                            if let Some(sent) = parse(t.as_str()) {
                                lat.lock().unwrap().push(now_us().saturating_sub(sent));
                            }
                        }
                        Some(Ok(_)) => {}
                        _ => break,
                    },
                }
            }
            ws
        }));
    }
    (txs, handles)
}

async fn finish(socks: &mut [Option<Ws>], tx: Vec<tokio::sync::mpsc::UnboundedSender<String>>, handles: Handles) {
    drop(tx);
    for (slot, h) in socks.iter_mut().filter(|s| s.is_none()).zip(handles) {
        *slot = h.await.ok();
    }
}

fn message_stamp(frame: &str) -> Option<u64> {
    let v: Value = serde_json::from_str(frame).ok()?;
    if v["type"] != "message" {
        return None;
    }
    v["message"]["content"]["text"].as_str()?.strip_prefix("t:")?.parse().ok()
}

/// A visitor may send 20 messages a second (burst 40); the stored phase keeps
/// each socket under that, so what it measures is the server, not the limit.
const PER_SOCKET_RATE: f64 = 18.0;

/// What the stored phase counted, and over how long.
struct Stored {
    acks: u64,
    sent: u64,
    refused: u64,
    secs: f64,
    /// How long each window took from its write to its last ack, in µs, sorted.
    windows: Vec<u64>,
}

/// The message writer's own counters, read from the server's `/metrics`.
#[derive(Clone, Copy, Default)]
struct WriterFigures {
    batches: f64,
    batch_seconds: f64,
    stored: f64,
}

impl WriterFigures {
    async fn read(http: &reqwest::Client, base: &str) -> Self {
        let text = match http.get(format!("{base}/metrics")).send().await {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let value = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')).and_then(|v| v.trim().parse::<f64>().ok()))
                .unwrap_or(0.0)
        };
        Self {
            batches: value("linktor_message_store_batch_seconds_count"),
            batch_seconds: value("linktor_message_store_batch_seconds_sum"),
            stored: value("linktor_messages_stored_total"),
        }
    }

    fn since(self, before: Self) -> Self {
        Self { batches: self.batches - before.batches, batch_seconds: self.batch_seconds - before.batch_seconds, stored: self.stored - before.stored }
    }
}

/// Each socket sends windows of 8 messages, waits for their acks, and keeps
/// to `PER_SOCKET_RATE`. A refusal (an `error` frame) is counted and the
/// socket goes on.
async fn stored_per_second(socks: &mut [Option<Ws>], secs: u64) -> Stored {
    const WINDOW: u64 = 8;
    let (acks, sent, refused) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let windows = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let period = Duration::from_secs_f64(WINDOW as f64 / PER_SOCKET_RATE);
    let mut handles = Vec::new();
    for (n, slot) in socks.iter_mut().enumerate() {
        let Some(mut ws) = slot.take() else { continue };
        let (acks, sent, refused, windows) = (acks.clone(), sent.clone(), refused.clone(), windows.clone());
        // Spread the sockets' first windows over one period.
        let first = Instant::now() + period.mul_f64((n % 97) as f64 / 97.0);
        handles.push(tokio::spawn(async move {
            tokio::time::sleep_until(first.into()).await;
            let mut i = 0u64;
            'outer: while Instant::now() < deadline {
                let window_start = Instant::now();
                // A window goes out in one write: the client's cost is not what is measured.
                for _ in 0..WINDOW {
                    i += 1;
                    let f = format!(r#"{{"type":"message.send","clientId":"s{n}_{i}","content":{{"type":"text","text":"load"}}}}"#);
                    if ws.feed(Message::text(f)).await.is_err() {
                        break 'outer;
                    }
                }
                if ws.flush().await.is_err() {
                    break;
                }
                sent.fetch_add(WINDOW, Ordering::Relaxed);
                let mut got = 0;
                while got < WINDOW {
                    match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
                        Ok(Some(Ok(Message::Text(t)))) if t.as_str().starts_with("{\"type\":\"ack\"") => {
                            got += 1;
                            acks.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(Some(Ok(Message::Text(t)))) if t.as_str().starts_with("{\"type\":\"error\"") => {
                            got += 1;
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(Some(Ok(_))) => {}
                        _ => break 'outer,
                    }
                }
                windows.lock().unwrap().push(window_start.elapsed().as_micros() as u64);
                tokio::time::sleep_until((window_start + period).into()).await;
            }
            // Let the echoes of our own messages pass before the next phase.
            while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_millis(300), ws.next()).await {}
            ws
        }));
    }
    let started = Instant::now();
    for (slot, h) in socks.iter_mut().zip(handles) {
        *slot = h.await.ok();
    }
    Stored {
        acks: acks.load(Ordering::Relaxed),
        sent: sent.load(Ordering::Relaxed),
        refused: refused.load(Ordering::Relaxed),
        secs: started.elapsed().as_secs_f64().max(secs as f64),
        windows: {
            let mut w = std::mem::take(&mut *windows.lock().unwrap());
            w.sort_unstable();
            w
        },
    }
}

/// Keep-alive connections the API phase sends on, each one request at a
/// time, as an SDK's connection pool does. A bounded set: when answers slow
/// down, requests queue (and the wait shows in the latency, which counts from
/// when a request was due) instead of opening new connections without end,
/// which once took the client's own CPU in the kernel's port search.
const API_CONNECTIONS: usize = 64;

/// What the API phase measured: requests per second offered and answered,
/// the latency until the visitor's socket got the message (ms), failures.
struct ApiFigures {
    offered: f64,
    answered: f64,
    p50: f64,
    p99: f64,
    failed: u64,
}

/// `POST /v1/messages` at `rate` to the active visitors.
#[allow(clippy::too_many_arguments)]
async fn api_latency(socks: &mut [Option<Ws>], sessions: &[(String, String)], sources: u8, base: &str, key: &str, channel: &str, rate: u64, secs: u64) -> anyhow::Result<ApiFigures> {
    let lat = Arc::new(Mutex::new(Vec::new()));
    let failed = Arc::new(AtomicU64::new(0));
    let (tx, handles) = split_all(socks, lat.clone(), message_stamp);
    let visitors: Arc<Vec<String>> = Arc::new(sessions.iter().map(|s| s.0.clone()).collect());
    let (url, auth) = (format!("{base}/v1/messages"), format!("Bearer {key}"));
    let mut queues = Vec::with_capacity(API_CONNECTIONS);
    let mut workers = Vec::with_capacity(API_CONNECTIONS);
    for c in 0..API_CONNECTIONS {
        let source = Ipv4Addr::new(127, 0, 0, 2 + (c % sources.max(1) as usize) as u8);
        let http = reqwest::Client::builder().local_address(IpAddr::V4(source)).pool_max_idle_per_host(1).timeout(Duration::from_secs(10)).build()?;
        let (queue, mut due) = tokio::sync::mpsc::unbounded_channel::<(usize, u64)>();
        let (url, auth, channel, visitors, failed) = (url.clone(), auth.clone(), channel.to_owned(), visitors.clone(), failed.clone());
        workers.push(tokio::spawn(async move {
            while let Some((i, stamp)) = due.recv().await {
                let body = json!({ "channelId": channel, "to": visitors[i % visitors.len()], "content": { "type": "text", "text": format!("t:{stamp}") } });
                let sent = http.post(&url).header("authorization", &auth).json(&body).send().await;
                if !sent.is_ok_and(|r| r.status().is_success()) {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
        queues.push(queue);
    }
    let started = Instant::now();
    let queues = Arc::new(queues);
    let n = paced(rate, secs, |i| {
        let queues = queues.clone();
        async move {
            let _ = queues[i as usize % API_CONNECTIONS].send((i as usize, now_us()));
        }
    })
    .await;
    let offered = n as f64 / started.elapsed().as_secs_f64();
    drop(queues);
    for w in workers {
        let _ = w.await;
    }
    // Answered per second: all of them, over the time until the last answer.
    let answered = n as f64 / started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    finish(socks, tx, handles).await;
    let mut l = lat.lock().unwrap().clone();
    l.sort_unstable();
    Ok(ApiFigures { offered, answered, p50: percentile(&l, 0.5), p99: percentile(&l, 0.99), failed: failed.load(Ordering::Relaxed) })
}

/// Visitors send stamped messages at `rate`; the webhook receiver records the latency.
async fn visitor_to_webhook(socks: &mut [Option<Ws>], rate: u64, secs: u64) -> u64 {
    let (tx, handles) = split_all(socks, Arc::new(Mutex::new(Vec::new())), |_| None);
    let n = paced(rate, secs, |i| {
        let tx = tx[(i as usize) % tx.len()].clone();
        async move {
            let f = json!({ "type": "message.send", "clientId": format!("w{i}"), "content": { "type": "text", "text": format!("t:{}", now_us()) } });
            let _ = tx.send(f.to_string());
        }
    })
    .await;
    finish(socks, tx, handles).await;
    n
}
