//! The server's configuration: one typed `Config` merged from flags,
//! environment (`LINKTOR_…`) and an optional TOML file, in that order of
//! precedence, validated at start-up. No other code reads the environment.

use clap::Args;
use serde::Deserialize;
use std::{net::SocketAddr, path::PathBuf, time::Duration};

/// Flags and environment; every field is optional so the file can fill it.
#[derive(Args, Clone, Debug, Default)]
pub struct ConfigArgs {
    /// TOML configuration file.
    #[arg(long, env = "LINKTOR_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "LINKTOR_LISTEN", global = true)]
    pub listen: Option<SocketAddr>,
    /// Directory for the SQLite database and uploaded files (default ./linktor-data).
    #[arg(long, env = "LINKTOR_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// `sqlite://…` or `postgres://…` (default: SQLite in the data directory).
    #[arg(long, env = "LINKTOR_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// The URL visitors and agents reach this server at (default http://<listen>).
    #[arg(long, env = "LINKTOR_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// `nats://host:port` to carry events between several nodes (default: in-process).
    #[arg(long, env = "LINKTOR_NATS_URL", global = true)]
    pub nats_url: Option<String>,
    /// Take the client address from `X-Forwarded-For` (behind a trusted proxy).
    #[arg(long, env = "LINKTOR_TRUST_PROXY", global = true)]
    pub trust_proxy: Option<bool>,
    /// Log format: `text` or `json`.
    #[arg(long, env = "LINKTOR_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
    /// Most simultaneous WebSocket connections (default 50000).
    #[arg(long, env = "LINKTOR_MAX_CONNECTIONS", global = true)]
    pub max_connections: Option<usize>,
    /// Days a visitor token stays valid (default 30).
    #[arg(long, env = "LINKTOR_VISITOR_TOKEN_DAYS", global = true)]
    pub visitor_token_days: Option<u32>,
    /// Seconds a webhook receiver has to answer (default 10).
    #[arg(long, env = "LINKTOR_WEBHOOK_TIMEOUT", global = true)]
    pub webhook_timeout_secs: Option<u64>,
    /// Attempts before a webhook delivery is marked failed (default 12).
    #[arg(long, env = "LINKTOR_WEBHOOK_MAX_ATTEMPTS", global = true)]
    pub webhook_max_attempts: Option<u32>,
    /// SQLite durability: `normal` (default; survives a crashed process) or `full` (also a power loss).
    #[arg(long, env = "LINKTOR_SQLITE_SYNC", global = true)]
    pub sqlite_sync: Option<String>,
    /// Seconds an "online" agent counts as available after their last dashboard is closed (default 90).
    #[arg(long, env = "LINKTOR_AGENT_PRESENCE", global = true)]
    pub agent_presence_secs: Option<u64>,
    /// Outgoing mail: `smtp://host:port`, `smtps://user:pass@host` or `smtp://…?tls=starttls` (default: email off).
    #[arg(long, env = "LINKTOR_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// The From address of outgoing mail, e.g. `Acme Support <support@example.com>`.
    #[arg(long, env = "LINKTOR_EMAIL_FROM", global = true)]
    pub email_from: Option<String>,
    /// Seconds an unread business message waits before it is emailed (default 120).
    #[arg(long, env = "LINKTOR_EMAIL_DELAY", global = true)]
    pub email_delay_secs: Option<u64>,
    /// Address of the SMTP listener that takes visitors' replies, e.g. `0.0.0.0:2525` (default: none).
    #[arg(long, env = "LINKTOR_SMTP_LISTEN", global = true)]
    pub smtp_listen: Option<SocketAddr>,
    /// The domain of reply addresses (`reply+…@domain`; default: the domain of the From address).
    #[arg(long, env = "LINKTOR_EMAIL_REPLY_DOMAIN", global = true)]
    pub email_reply_domain: Option<String>,
}

/// The same settings as they may appear in the TOML file.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    public_url: Option<String>,
    nats_url: Option<String>,
    trust_proxy: Option<bool>,
    log_format: Option<String>,
    max_connections: Option<usize>,
    visitor_token_days: Option<u32>,
    webhook_timeout_secs: Option<u64>,
    webhook_max_attempts: Option<u32>,
    sqlite_sync: Option<String>,
    agent_presence_secs: Option<u64>,
    smtp_url: Option<String>,
    email_from: Option<String>,
    email_delay_secs: Option<u64>,
    smtp_listen: Option<SocketAddr>,
    email_reply_domain: Option<String>,
}

/// How outgoing mail reaches the SMTP server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain SMTP (`smtp://` without `tls`): a relay on a trusted network.
    None,
    /// `smtp://…?tls=starttls`: STARTTLS is required.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    Tls,
}

/// Outgoing mail, when `LINKTOR_SMTP_URL` and `LINKTOR_EMAIL_FROM` are set.
#[derive(Clone, Debug)]
pub struct EmailConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// SMTP AUTH, from the URL's user and password.
    pub credentials: Option<(String, String)>,
    /// `Name <addr>` or `addr`, checked.
    pub from: String,
    /// The bare address of `from`.
    pub from_address: String,
    /// The domain of reply addresses.
    pub reply_domain: String,
    /// How long an unread business message waits before it is mailed.
    pub delay: Duration,
}

impl EmailConfig {
    fn parse(url: &str, from: &str, delay_secs: u64, reply_domain: Option<String>) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("LINKTOR_SMTP_URL `{}`: {e}", redact(url)))?;
        let mut security = match parsed.scheme() {
            "smtp" => SmtpSecurity::None,
            "smtps" => SmtpSecurity::Tls,
            other => anyhow::bail!("LINKTOR_SMTP_URL must start with smtp:// or smtps://, not `{other}://`"),
        };
        for (key, value) in parsed.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "starttls") if security == SmtpSecurity::None => security = SmtpSecurity::StartTls,
                ("tls", "starttls") => anyhow::bail!("LINKTOR_SMTP_URL: tls=starttls goes with smtp://, not smtps://"),
                ("tls", other) => anyhow::bail!("LINKTOR_SMTP_URL: tls must be starttls, not `{other}`"),
                (other, _) => anyhow::bail!("LINKTOR_SMTP_URL: unknown parameter `{other}` (only tls=starttls)"),
            }
        }
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| anyhow::anyhow!("LINKTOR_SMTP_URL needs a host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let port = parsed.port().unwrap_or(match security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::None => 25,
        });
        let decode = |s: &str| percent_decode(s);
        let credentials = match (parsed.username(), parsed.password()) {
            ("", None) => None,
            (user, Some(pass)) if !user.is_empty() => Some((decode(user)?, decode(pass)?)),
            _ => anyhow::bail!("LINKTOR_SMTP_URL: give both a user and a password (smtps://user:pass@host), or neither"),
        };
        let from = from.trim().to_owned();
        let from_address = mailbox_address(&from).ok_or_else(|| {
            anyhow::anyhow!("LINKTOR_EMAIL_FROM must be an address, `addr@example.com` or `Name <addr@example.com>`, not `{from}`")
        })?;
        if !(1..=86_400).contains(&delay_secs) {
            anyhow::bail!("LINKTOR_EMAIL_DELAY must be 1 to 86400 seconds");
        }
        let reply_domain = match reply_domain {
            Some(d) => {
                let d = d.trim().to_ascii_lowercase();
                if !linktor_core::is_email(&format!("reply@{d}")) {
                    anyhow::bail!("LINKTOR_EMAIL_REPLY_DOMAIN must be a domain name, not `{d}`");
                }
                d
            }
            None => from_address.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_default(),
        };
        Ok(Self { host, port, security, credentials, from, from_address, reply_domain, delay: Duration::from_secs(delay_secs) })
    }
}

/// The URL with its password hidden, for error messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(unparsable)".into(),
    }
}

fn percent_decode(s: &str) -> anyhow::Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(hex.ok_or_else(|| anyhow::anyhow!("LINKTOR_SMTP_URL: bad %-escape in the user or password"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| anyhow::anyhow!("LINKTOR_SMTP_URL: the user and password must be UTF-8"))
}

/// The address of `addr` or `Name <addr>`, when it is one.
pub fn mailbox_address(mailbox: &str) -> Option<String> {
    let addr = match (mailbox.rfind('<'), mailbox.ends_with('>')) {
        (Some(open), true) => {
            let name = mailbox[..open].trim();
            if name.contains(['<', '>', '\r', '\n']) {
                return None;
            }
            &mailbox[open + 1..mailbox.len() - 1]
        }
        (None, false) => mailbox,
        _ => return None,
    };
    linktor_core::is_email(addr).then(|| addr.to_owned())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Without a trailing slash.
    pub public_url: String,
    pub nats_url: Option<String>,
    pub trust_proxy: bool,
    pub log_format: LogFormat,
    pub max_connections: usize,
    pub visitor_token_ttl: Duration,
    pub webhook_timeout: Duration,
    pub webhook_max_attempts: u32,
    /// How long an online agent without an open dashboard still counts as available.
    pub agent_presence: Duration,
    /// fsync every SQLite commit.
    pub sqlite_full_sync: bool,
    /// Outgoing mail; `None`: email is off and the product works without it.
    pub email: Option<EmailConfig>,
    /// Where the SMTP listener for visitors' replies listens (needs `email`).
    pub smtp_listen: Option<SocketAddr>,
}

impl ConfigArgs {
    /// Merges flags/environment over the file and validates the result.
    pub fn resolve(&self) -> anyhow::Result<Config> {
        let file: FileConfig = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("config: cannot read {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| anyhow::anyhow!("config: {}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let listen = self.listen.or(file.listen).unwrap_or_else(|| "127.0.0.1:8080".parse().expect("valid default"));
        let data_dir = self.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("./linktor-data"));
        let database_url = self.database_url.clone().or(file.database_url).unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", data_dir.join("linktor.db").display())
        });
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres:") || database_url.starts_with("postgresql:")) {
            anyhow::bail!("LINKTOR_DATABASE_URL must start with sqlite:// or postgres://");
        }
        let public_url = self.public_url.clone().or(file.public_url).unwrap_or_else(|| format!("http://{listen}"));
        let parsed = url::Url::parse(&public_url).map_err(|e| anyhow::anyhow!("LINKTOR_PUBLIC_URL `{public_url}`: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            anyhow::bail!("LINKTOR_PUBLIC_URL must be an http(s) URL");
        }
        let nats_url = self.nats_url.clone().or(file.nats_url).filter(|u| !u.is_empty());
        let log_format = match self.log_format.clone().or(file.log_format).as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => anyhow::bail!("LINKTOR_LOG_FORMAT must be text or json, not `{other}`"),
        };
        let max_connections = self.max_connections.or(file.max_connections).unwrap_or(50_000);
        if max_connections == 0 {
            anyhow::bail!("LINKTOR_MAX_CONNECTIONS must be at least 1");
        }
        let days = self.visitor_token_days.or(file.visitor_token_days).unwrap_or(30);
        if !(1..=3650).contains(&days) {
            anyhow::bail!("LINKTOR_VISITOR_TOKEN_DAYS must be 1 to 3650");
        }
        let timeout = self.webhook_timeout_secs.or(file.webhook_timeout_secs).unwrap_or(10);
        if !(1..=120).contains(&timeout) {
            anyhow::bail!("LINKTOR_WEBHOOK_TIMEOUT must be 1 to 120 seconds");
        }
        let attempts = self.webhook_max_attempts.or(file.webhook_max_attempts).unwrap_or(12);
        if !(1..=50).contains(&attempts) {
            anyhow::bail!("LINKTOR_WEBHOOK_MAX_ATTEMPTS must be 1 to 50");
        }
        let presence = self.agent_presence_secs.or(file.agent_presence_secs).unwrap_or(90);
        if !(2..=3600).contains(&presence) {
            anyhow::bail!("LINKTOR_AGENT_PRESENCE must be 2 to 3600 seconds");
        }
        let sqlite_full_sync = match self.sqlite_sync.clone().or(file.sqlite_sync).as_deref() {
            None | Some("normal") => false,
            Some("full") => true,
            Some(other) => anyhow::bail!("LINKTOR_SQLITE_SYNC must be normal or full, not `{other}`"),
        };
        let smtp_url = self.smtp_url.clone().or(file.smtp_url).filter(|u| !u.is_empty());
        let email_from = self.email_from.clone().or(file.email_from).filter(|u| !u.is_empty());
        let delay = self.email_delay_secs.or(file.email_delay_secs).unwrap_or(120);
        let reply_domain = self.email_reply_domain.clone().or(file.email_reply_domain).filter(|u| !u.is_empty());
        let email = match (smtp_url, email_from) {
            (Some(url), Some(from)) => Some(EmailConfig::parse(&url, &from, delay, reply_domain)?),
            (Some(_), None) => anyhow::bail!("LINKTOR_SMTP_URL is set but LINKTOR_EMAIL_FROM is not: set both to turn email on, or neither"),
            (None, Some(_)) => anyhow::bail!("LINKTOR_EMAIL_FROM is set but LINKTOR_SMTP_URL is not: set both to turn email on, or neither"),
            (None, None) => None,
        };
        let smtp_listen = self.smtp_listen.or(file.smtp_listen);
        if smtp_listen.is_some() && email.is_none() {
            anyhow::bail!("LINKTOR_SMTP_LISTEN takes replies to emails: it needs LINKTOR_SMTP_URL and LINKTOR_EMAIL_FROM too");
        }
        Ok(Config {
            email,
            smtp_listen,
            sqlite_full_sync,
            listen,
            data_dir,
            database_url,
            public_url: public_url.trim_end_matches('/').to_owned(),
            nats_url,
            trust_proxy: self.trust_proxy.or(file.trust_proxy).unwrap_or(false),
            log_format,
            max_connections,
            visitor_token_ttl: Duration::from_secs(u64::from(days) * 86_400),
            webhook_timeout: Duration::from_secs(timeout),
            webhook_max_attempts: attempts,
            agent_presence: Duration::from_secs(presence),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = ConfigArgs::default().resolve().unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert!(c.database_url.starts_with("sqlite://./linktor-data/linktor.db"));
    }

    #[test]
    fn flags_win_over_the_file_and_bad_values_name_the_setting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("linktor.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9000\"\npublic_url = \"https://chat.example.com/\"\n").unwrap();
        let args = ConfigArgs { config: Some(path.clone()), listen: Some("127.0.0.1:9100".parse().unwrap()), ..Default::default() };
        let c = args.resolve().unwrap();
        assert_eq!(c.listen.port(), 9100);
        assert_eq!(c.public_url, "https://chat.example.com");
        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        assert!(args.resolve().unwrap_err().to_string().contains("lisen"));
        let bad = ConfigArgs { database_url: Some("mysql://x".into()), ..Default::default() };
        assert!(bad.resolve().unwrap_err().to_string().contains("LINKTOR_DATABASE_URL"));
    }

    fn email(url: &str, from: &str) -> anyhow::Result<Config> {
        ConfigArgs { smtp_url: Some(url.into()), email_from: Some(from.into()), ..Default::default() }.resolve()
    }

    #[test]
    fn email_settings_are_parsed_and_bad_ones_named() {
        assert!(ConfigArgs::default().resolve().unwrap().email.is_none(), "email is off by default");
        let c = email("smtps://me%40x.com:p%3Ass@mail.example.com", "Acme <help@example.com>").unwrap().email.unwrap();
        assert_eq!((c.host.as_str(), c.port, c.security.clone()), ("mail.example.com", 465, SmtpSecurity::Tls));
        assert_eq!(c.credentials, Some(("me@x.com".into(), "p:ss".into())));
        assert_eq!((c.from_address.as_str(), c.reply_domain.as_str(), c.delay.as_secs()), ("help@example.com", "example.com", 120));
        let c = email("smtp://relay:2525?tls=starttls", "help@example.com").unwrap().email.unwrap();
        assert_eq!((c.port, c.security), (2525, SmtpSecurity::StartTls));
        let c = email("smtp://127.0.0.1:1025", "help@example.com").unwrap().email.unwrap();
        assert_eq!((c.port, c.security, c.credentials), (1025, SmtpSecurity::None, None));
        for (url, from, named) in [
            ("http://x", "a@b.co", "LINKTOR_SMTP_URL"),
            ("smtp://x?tls=yes", "a@b.co", "LINKTOR_SMTP_URL"),
            ("smtps://x?tls=starttls", "a@b.co", "LINKTOR_SMTP_URL"),
            ("smtp://user@x", "a@b.co", "LINKTOR_SMTP_URL"),
            ("smtp://x", "not an address", "LINKTOR_EMAIL_FROM"),
            ("smtp://x", "Evil\r\nBcc: <a@b.co>", "LINKTOR_EMAIL_FROM"),
        ] {
            let e = email(url, from).unwrap_err().to_string();
            assert!(e.contains(named), "{url} {from}: {e}");
        }
        let half = ConfigArgs { smtp_url: Some("smtp://x".into()), ..Default::default() }.resolve().unwrap_err().to_string();
        assert!(half.contains("LINKTOR_EMAIL_FROM"), "{half}");
        let delay = ConfigArgs { smtp_url: Some("smtp://x".into()), email_from: Some("a@b.co".into()), email_delay_secs: Some(0), ..Default::default() };
        assert!(delay.resolve().unwrap_err().to_string().contains("LINKTOR_EMAIL_DELAY"));
        let listen = ConfigArgs { smtp_listen: Some("127.0.0.1:2525".parse().unwrap()), ..Default::default() };
        assert!(listen.resolve().unwrap_err().to_string().contains("LINKTOR_SMTP_LISTEN"));
        let secret = email("smtps://u:hunter2@", "a@b.co").unwrap_err().to_string();
        assert!(!secret.contains("hunter2"), "{secret}");
    }
}
