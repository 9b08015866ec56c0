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
        Ok(Config {
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
}
