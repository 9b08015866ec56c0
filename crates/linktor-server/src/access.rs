//! Checks a request passes before any handler acts on it, in one place:
//! whether its `Origin` may use a channel, the client's address (behind a
//! trusted proxy or not), whether it comes from this server's own pages,
//! cookies, and the two memories that spare the store: valid API keys seen
//! lately, and failed sign-ins (rate limiting). Used by `http` and the
//! state; knows nothing of handlers.

use axum::http::{header, HeaderMap};
use linktor_core::{allowed_domains, AccountId};
use linktor_store::ChannelRecord;
use std::{
    collections::{HashMap, VecDeque},
    net::{IpAddr, SocketAddr},
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::{
    config::Config,
    error::{ApiError, ApiResult},
};

/// Refuses a request whose `Origin` is missing or not among the channel's allowed domains.
/// This server's own pages (the dashboard's live preview, the demo) may use every channel.
pub fn check_origin(config: &Config, headers: &HeaderMap, channel: &ChannelRecord) -> ApiResult<()> {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    if allowed_domains::matches(&channel.channel.allowed_domains, origin) || same_origin(headers, &config.public_url) {
        Ok(())
    } else {
        Err(ApiError::OriginNotAllowed)
    }
}

/// The client's address: the first of `X-Forwarded-For` behind a trusted proxy, else the peer's.
pub fn client_ip(config: &Config, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    if config.trust_proxy {
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
pub fn anonymize_ip(ip: IpAddr) -> IpAddr {
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

/// Whether the request comes from this server's own pages: `Origin` is its
/// public URL or the host the request was sent to. Browsers leave `Origin`
/// out of same-origin GETs; they then say `Sec-Fetch-Site: same-origin`, a
/// header no page script can set.
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return headers.get("sec-fetch-site").is_some_and(|v| v == "same-origin");
    };
    if origin == public_url {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}

/// The dashboard's session cookie.
pub const SESSION_COOKIE: &str = "linktor_session";
/// The header that carries a session's CSRF token on every change.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name`, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 200)
}

/// The token of `Authorization: Bearer <token>`.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim)
}

/// How long a valid API key is taken on trust before it is looked up again.
/// A key revoked through this node's API stops working at once; revoked
/// elsewhere (through another node, or in the database), within this.
pub const API_KEY_TRUST: Duration = Duration::from_secs(1);
/// Keys remembered at most: an integration uses one or a few.
const API_KEY_ENTRIES: usize = 1024;

/// Valid API keys seen in the last `API_KEY_TRUST`, by the key's hash. A
/// busy integration sends thousands of requests a second with one key, and
/// each looked it up: on SQLite a read that starts with an empty page cache
/// whenever anything was written since (5% of the server's time at 10,000
/// API messages a second). Keys that fail are never remembered.
/// Times are tokio's, so tests run the trust window on a paused clock.
#[derive(Default)]
pub struct ApiKeyCache(Mutex<HashMap<String, (AccountId, tokio::time::Instant)>>);

impl ApiKeyCache {
    pub fn get(&self, hash: &str) -> Option<AccountId> {
        let entries = self.0.lock().expect("API key cache");
        entries.get(hash).filter(|(_, seen)| seen.elapsed() < API_KEY_TRUST).map(|(account, _)| account.clone())
    }

    pub fn put(&self, hash: String, account: AccountId) {
        let mut entries = self.0.lock().expect("API key cache");
        if entries.len() >= API_KEY_ENTRIES {
            entries.retain(|_, (_, seen)| seen.elapsed() < API_KEY_TRUST);
            if entries.len() >= API_KEY_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(hash, (account, tokio::time::Instant::now()));
    }

    /// Forgets every key, so a revocation through this node holds at once.
    pub fn forget_all(&self) {
        self.0.lock().expect("API key cache").clear();
    }
}

/// Failed sign-ins counted per key (`email:…`, `ip:…`): past `MAX_FAILURES`
/// in `WINDOW`, sign-ins for that key wait until the oldest failure expires.
const MAX_FAILURES: usize = 10;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys remembered at most; beyond it the oldest failures are forgotten first.
const MAX_KEYS: usize = 100_000;

/// Recent failed sign-ins by key (`email:…`, `ip:…`). In memory, per node.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// Seconds to wait when any of `keys` is over the limit.
    pub fn blocked(&self, keys: &[String], now: Instant) -> Option<u64> {
        let mut map = self.failures.lock().expect("limiter lock");
        keys.iter()
            .filter_map(|k| {
                let q = map.get_mut(k)?;
                while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                    q.pop_front();
                }
                (q.len() >= MAX_FAILURES).then(|| (WINDOW - now.duration_since(q[0])).as_secs() + 1)
            })
            .max()
    }

    pub fn fail(&self, keys: &[String], now: Instant) {
        let mut map = self.failures.lock().expect("limiter lock");
        if map.len() >= MAX_KEYS {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        for k in keys {
            let q = map.entry(k.clone()).or_default();
            q.push_back(now);
            if q.len() > MAX_FAILURES {
                q.pop_front();
            }
        }
    }

    pub fn succeed(&self, keys: &[String]) {
        let mut map = self.failures.lock().expect("limiter lock");
        for k in keys {
            map.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; linktor_session=abc ; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        h.insert(header::COOKIE, "linktor_session=".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), None);
    }

    #[test]
    fn only_this_server_is_same_origin() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "chat.example.com".parse().unwrap());
        assert!(!same_origin(&h, "https://chat.example.com"));
        h.insert(header::ORIGIN, "https://chat.example.com".parse().unwrap());
        assert!(same_origin(&h, "https://chat.example.com"));
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&h, "https://chat.example.com"));
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h, "https://chat.example.com"));
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(same_origin(&h, "https://chat.example.com"), "a same-origin GET carries no Origin");
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!same_origin(&h, "https://chat.example.com"));
    }
    /// On tokio's paused clock: a key is trusted for `API_KEY_TRUST`, then
    /// looked up again; forgetting all takes effect at once.
    #[tokio::test(start_paused = true)]
    async fn a_valid_key_is_trusted_for_a_second_then_looked_up_again() {
        let cache = ApiKeyCache::default();
        let account: AccountId = "acc_a".parse().unwrap();
        cache.put("h".into(), account.clone());
        assert_eq!(cache.get("h"), Some(account.clone()));
        tokio::time::advance(API_KEY_TRUST - Duration::from_millis(1)).await;
        assert_eq!(cache.get("h"), Some(account.clone()));
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(cache.get("h"), None, "past the trust window");
        cache.put("h".into(), account);
        cache.forget_all();
        assert_eq!(cache.get("h"), None);
        assert_eq!(cache.get("never-put"), None);
    }

    #[test]
    fn ips_are_anonymized() {
        assert_eq!(anonymize_ip("203.0.113.77".parse().unwrap()).to_string(), "203.0.113.0");
        assert_eq!(anonymize_ip("2001:db8:1:2:3:4:5:6".parse().unwrap()).to_string(), "2001:db8:1::");
    }

    #[test]
    fn limiter_blocks_after_ten_failures_and_forgets_after_the_window() {
        let l = LoginLimiter::default();
        let keys = ["email:a@example.com".to_owned(), "ip:203.0.113.1".to_owned()];
        let t0 = Instant::now();
        for i in 0..MAX_FAILURES {
            assert_eq!(l.blocked(&keys, t0), None, "attempt {i}");
            l.fail(&keys, t0);
        }
        let wait = l.blocked(&keys, t0).expect("blocked");
        assert!(wait > 800 && wait <= 901, "{wait}");
        // Another email from the same IP is blocked too.
        assert!(l.blocked(&["email:b@example.com".into(), keys[1].clone()], t0).is_some());
        assert_eq!(l.blocked(&keys, t0 + WINDOW), None);
        l.succeed(&keys);
        assert_eq!(l.blocked(&keys, t0), None);
    }
}
