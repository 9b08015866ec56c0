//! Linktor's storage: one `Store` over SQLite (default) or PostgreSQL, with
//! versioned migrations run at start-up. The SQL is portable and written once
//! (sqlx's `Any` driver); where the dialects differ (row locking, the
//! full-text index of `search`) the `Dialect` says so. Every query is scoped by account: a row of one account
//! is never read or changed through another.

mod accounts;
mod activity;
mod channels;
mod conversations;
pub mod db;
mod email;
mod files;
mod inbox;
mod labels;
mod messages;
mod receipts;
mod retention;
mod saved_replies;
pub mod search;
mod sessions;
mod visitors;
mod webhooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use accounts::Agent;
pub use activity::{NewActivity, PAGES_KEPT};
pub use labels::DEFAULT_LABEL_COLOR;
pub use linktor_core::agent::{AgentRole, Availability};
pub use channels::ChannelRecord;
pub use conversations::ConversationFilter;
pub use email::{DueEmail, EmailKind};
pub use messages::{Appended, NewMessage};
pub use receipts::ReceiptUpdate;
pub use files::StoredFile;
pub use sessions::{AgentSession, SESSION_IDLE_MS};
pub use visitors::{NewVisitor, VisitorRecord};
pub use webhooks::{AttemptOutcome, ClaimedDelivery, EndpointRecord};

use chrono::{DateTime, TimeZone, Utc};
use db::{query, Db, Row};
use std::{sync::Arc, time::Duration};

/// See `Store::with_agent_presence`.
pub const DEFAULT_PRESENCE_MS: i64 = 90_000;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value is not valid: {0}")]
    Corrupt(String),
    /// The work could not be done now and may be later (the message writer stopped).
    #[error("unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    /// Whether the failure is the database's state rather than the request's:
    /// unreachable, restarting, out of connections, space or locks. Callers
    /// answer "retry later" (503), never "not found" or "unauthorized".
    pub fn is_temporary(&self) -> bool {
        match self {
            Self::Unavailable(_) => true,
            Self::Db(e) => match e {
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
                // Connection exceptions (08…), insufficient resources (53…),
                // operator intervention (57P01 admin shutdown, 57P02 crash
                // shutdown, 57P03 cannot connect now).
                sqlx::Error::Database(d) => d.code().is_some_and(|c| c.starts_with("08") || c.starts_with("53") || c.starts_with("57P")),
                _ => false,
            },
            Self::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::DiskFull
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::SystemIoFailure
            ),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How long a PostgreSQL query waits for a connection. While the database
/// is unreachable every request waits this long before its 503, so it is
/// short; a healthy pool hands a connection over in microseconds.
const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The database, cheap to clone (a pool inside).
#[derive(Clone)]
pub struct Store {
    pool: Db,
    dialect: Dialect,
    /// How long an online agent counts as available after their dashboard was last heard from.
    presence_ms: i64,
    /// Where deliveries this node queues go once committed (see `with_delivery_handoff`).
    handoff: Option<Arc<webhooks::Handoff>>,
    /// With email on: how long after a business message its conversation is
    /// looked at for an unread-message email (see `with_email_delay`).
    email_delay_ms: Option<i64>,
}

impl Store {
    /// Connects to `url` (`sqlite://path` or `postgres://…`) and runs migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, false).await
    }

    /// As `connect`; `sqlite_full_sync` makes SQLite fsync at every commit
    /// (`synchronous=FULL`). The default (`NORMAL`, in WAL mode) loses nothing
    /// when the process dies, only the last commits on a power loss, and is
    /// forty times cheaper per commit.
    pub async fn connect_with(url: &str, sqlite_full_sync: bool) -> Result<Self> {
        let (pool, dialect) = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = sqlx::postgres::PgPoolOptions::new().acquire_timeout(PG_ACQUIRE_TIMEOUT).max_connections(16).connect(url).await?;
            MIGRATOR.run(&pool).await?;
            (Db::Postgres(pool), Dialect::Postgres)
        } else if url.starts_with("sqlite:") {
            db::configure_library();
            use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
            use std::str::FromStr;
            let options = SqliteConnectOptions::from_str(url)?.journal_mode(SqliteJournalMode::Wal);
            let path = options.get_filename().to_owned();
            if path.as_os_str() == ":memory:" {
                return Err(StoreError::Corrupt("an in-memory SQLite database is not supported: give a file".into()));
            }
            // sqlx's migrator creates the file (with `mode=rwc`) and brings
            // the schema up to date; the store then runs on its own connections.
            let migrating = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
            MIGRATOR.run(&migrating).await?;
            migrating.close().await;
            (Db::Sqlite(std::sync::Arc::new(db::Sqlite::open(&path, sqlite_full_sync)?)), Dialect::Sqlite)
        } else {
            return Err(StoreError::Corrupt(format!("unsupported database URL scheme in `{url}`")));
        };
        search::ensure_schema(&pool, dialect).await?;
        Ok(Self { pool, dialect, presence_ms: DEFAULT_PRESENCE_MS, handoff: None, email_delay_ms: None })
    }

    /// Sets how long an online agent counts as available after their
    /// dashboard was last heard from (default 90 s).
    pub fn with_agent_presence(mut self, presence: Duration) -> Self {
        self.presence_ms = presence.as_millis() as i64;
        self
    }

    /// Turns on email looks: every stored business message (agent or API)
    /// schedules its conversation's look `delay` later, in the transaction
    /// that stores it, so a message stored is a message looked at even if
    /// the process dies right after the commit.
    pub fn with_email_delay(mut self, delay: Option<Duration>) -> Self {
        self.email_delay_ms = delay.map(|d| d.as_millis() as i64);
        self
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The database itself, for tests that look at rows directly.
    #[cfg(feature = "testing")]
    pub fn pool(&self) -> &Db {
        &self.pool
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        query("SELECT 1").fetch_all(&self.pool).await?;
        Ok(())
    }

    /// A transaction that writes; see `Db::begin_write`.
    pub(crate) async fn begin_write(&self) -> Result<db::Conn> {
        self.pool.begin_write().await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn to_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub(crate) fn json_col<T: serde::de::DeserializeOwned>(row: &Row, col: &str) -> Result<T> {
    let text: String = row.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain types serialise")
}

/// `$first, $first+1, …`: `n` placeholders for an IN list.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `($first, …), (…), …`: `rows` tuples of `width` placeholders, for multi-row VALUES.
pub(crate) fn placeholder_rows(first: usize, rows: usize, width: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(first + r * width, width))).collect::<Vec<_>>().join(", ")
}

/// The text of a statement that depends only on how many rows it carries
/// (multi-row VALUES, a CASE term per row), built once per size and kept:
/// the message writer otherwise formats thousands of placeholders a batch.
/// `statement` names it (with its dialect, where the text differs).
pub(crate) fn sized_sql(statement: &'static str, rows: usize, build: impl FnOnce() -> String) -> Arc<str> {
    type Built = std::collections::HashMap<(&'static str, usize), Arc<str>>;
    static BUILT: std::sync::LazyLock<std::sync::Mutex<Built>> = std::sync::LazyLock::new(Default::default);
    BUILT.lock().expect("statement texts").entry((statement, rows)).or_insert_with(|| build().into()).clone()
}

/// SHA-256 hex of a secret, for storing API keys and session ids.
pub fn hash_secret(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// `NotFound` when a change touched no row (none of the caller's account).
pub(crate) fn found(done: &db::Done) -> Result<()> {
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) use db::unique_violation;

/// Kinds of account-owned rows, for telling "another account's" (403) from "no such" (404).
#[derive(Clone, Copy, Debug)]
pub enum Owned {
    Channel,
    Visitor,
    Conversation,
    Message,
    WebhookEndpoint,
    WebhookDelivery,
    ApiKey,
    Agent,
    SavedReply,
}

impl Store {
    /// The account a row belongs to, whatever the caller's account.
    pub async fn owner_of(&self, kind: Owned, id: &str) -> Result<Option<linktor_core::AccountId>> {
        let table = match kind {
            Owned::Channel => "channels",
            Owned::Visitor => "visitors",
            Owned::Conversation => "conversations",
            Owned::Message => "messages",
            Owned::WebhookEndpoint => "webhook_endpoints",
            Owned::WebhookDelivery => "webhook_deliveries",
            Owned::ApiKey => "api_keys",
            Owned::Agent => "agents",
            Owned::SavedReply => "saved_replies",
        };
        // Soft-deleted rows are gone for every account.
        let live = match kind {
            Owned::Channel | Owned::WebhookEndpoint | Owned::Agent => " AND deleted_at IS NULL",
            Owned::ApiKey => " AND revoked_at IS NULL",
            _ => "",
        };
        let sql = format!("SELECT account_id FROM {table} WHERE id = $1{live}");
        let row = query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get::<String, _>("account_id").map(linktor_core::AccountId::from_trusted)).transpose()
    }
}
