//! The WebSockets: what every socket shares — reading a client frame
//! (size, rate, JSON), writing a server frame, heartbeats, and how a failed
//! frame is answered — written once here, and the two sockets beside it:
//! `visitor` (the widget, docs/protocol.md) and `agent` (the dashboard,
//! docs/agent-api.md). The HTTP upgrades that open them are in `http::sockets`.

pub mod agent;
pub mod visitor;

use axum::extract::ws::{CloseFrame, Message as WsMessage};
use std::time::Duration;
use tokio::time::Instant;

use crate::error::ApiError;

/// Every socket pings this often, so proxies keep it open and a dead peer is found.
pub const PING_EVERY: Duration = Duration::from_secs(25);
/// A socket that sent nothing (not even a pong) for this long is closed.
pub const IDLE_LIMIT: Duration = Duration::from_secs(60);
const RATE_PER_SEC: f64 = 20.0;
const RATE_BURST: f64 = 40.0;

/// What a socket's task does after an event: go on, or close (with this frame).
pub(crate) enum Flow {
    Continue,
    Close(Option<CloseFrame>),
}

/// A server frame as a WebSocket text message.
pub(crate) fn frame<T: serde::Serialize>(f: &T) -> WsMessage {
    WsMessage::text(serde_json::to_string(f).expect("frames serialise"))
}

/// A write to the socket: a failed one means the peer is gone.
pub(crate) fn written(result: Result<(), axum::Error>) -> Flow {
    match result {
        Ok(()) => Flow::Continue,
        Err(_) => Flow::Close(None),
    }
}

/// What a client's WebSocket message turned out to be.
pub(crate) enum Incoming<T> {
    Frame(T),
    /// Pings and pongs: nothing to do.
    Skip,
    Close(Option<CloseFrame>),
    /// Answer with an error frame of this code and message; the socket stays.
    Refuse(&'static str, String),
}

/// The checks every socket applies before a frame is handled: JSON text, at
/// most `max` bytes (else close 1009), within the rate limit, a known frame.
pub(crate) fn parse_frame<T: serde::de::DeserializeOwned + serde::Serialize>(msg: WsMessage, max: usize, rate: &mut RateLimit) -> Incoming<T> {
    let text = match msg {
        WsMessage::Text(t) => t,
        WsMessage::Binary(_) => return Incoming::Refuse("bad_request", "frames are JSON text".into()),
        WsMessage::Close(_) => return Incoming::Close(None),
        WsMessage::Ping(_) | WsMessage::Pong(_) => return Incoming::Skip,
    };
    if text.len() > max {
        return Incoming::Close(Some(CloseFrame { code: 1009, reason: format!("frame larger than {} KiB", max / 1024).into() }));
    }
    if !rate.allow() {
        return Incoming::Refuse("rate_limited", "too many frames; slow down".into());
    }
    match linktor_core::strict_json::from_str(text.as_str()) {
        Ok(f) => Incoming::Frame(f),
        Err(e) => Incoming::Refuse(if e.is_syntax() || e.is_eof() { "invalid_json" } else { "validation_failed" }, e.to_string()),
    }
}

/// The code and caller-safe message of a failed frame: the same codes as the
/// HTTP API's errors; internal errors are logged, not shown.
pub(crate) fn frame_error(e: &ApiError, what: &str) -> (&'static str, String) {
    let (_, code) = e.status_and_code();
    (code, e.public_message(what))
}

/// A token bucket: `RATE_PER_SEC` frames a second, bursts of `RATE_BURST`.
pub(crate) struct RateLimit {
    tokens: f64,
    at: Instant,
}

impl RateLimit {
    pub(crate) fn new() -> Self {
        Self { tokens: RATE_BURST, at: Instant::now() }
    }

    pub(crate) fn allow(&mut self) -> bool {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * RATE_PER_SEC).min(RATE_BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On tokio's paused clock: the burst passes, the next frame waits for a
    /// refill, and a second later the bucket holds `RATE_PER_SEC` again.
    #[tokio::test(start_paused = true)]
    async fn the_rate_limit_allows_a_burst_then_refills_with_time() {
        let mut rate = RateLimit::new();
        for i in 0..RATE_BURST as usize {
            assert!(rate.allow(), "frame {i} of the burst");
        }
        assert!(!rate.allow(), "past the burst");
        tokio::time::advance(Duration::from_millis(50)).await;
        assert!(rate.allow(), "a twentieth of a second buys one frame");
        assert!(!rate.allow());
        tokio::time::advance(Duration::from_secs(1)).await;
        for _ in 0..RATE_PER_SEC as usize {
            assert!(rate.allow());
        }
        assert!(!rate.allow());
    }

    #[test]
    fn frames_are_checked_for_size_kind_and_json() {
        let mut rate = RateLimit::new();
        let big = WsMessage::text("x".repeat(2048));
        assert!(matches!(parse_frame::<serde_json::Value>(big, 1024, &mut rate), Incoming::Close(Some(CloseFrame { code: 1009, .. }))));
        let binary = WsMessage::Binary(vec![1, 2, 3].into());
        assert!(matches!(parse_frame::<serde_json::Value>(binary, 1024, &mut rate), Incoming::Refuse("bad_request", _)));
        assert!(matches!(parse_frame::<serde_json::Value>(WsMessage::text("{"), 1024, &mut rate), Incoming::Refuse("invalid_json", _)));
        assert!(matches!(parse_frame::<u8>(WsMessage::text("\"a\""), 1024, &mut rate), Incoming::Refuse("validation_failed", _)));
        assert!(matches!(parse_frame::<u8>(WsMessage::text("7"), 1024, &mut rate), Incoming::Frame(7)));
    }
}
