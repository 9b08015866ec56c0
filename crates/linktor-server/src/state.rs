//! What every handler shares: configuration, storage, the bus, the message
//! writer, metrics, the token signer, the mailer and the shutdown signal.

use std::{path::PathBuf, sync::Arc};
use tokio::sync::{watch, Notify, Semaphore};

use crate::{
    access::{ApiKeyCache, LoginLimiter},
    bus::Bus,
    config::Config,
    jobs::{mailer::Mailer, receipts::DeliveredSender, writer::MessageWriter},
    metrics::Metrics,
    tokens::TokenSigner,
};
use linktor_store::Store;

pub struct AppState {
    pub config: Config,
    pub store: Store,
    pub bus: Bus,
    pub writer: MessageWriter,
    pub metrics: Arc<Metrics>,
    pub tokens: TokenSigner,
    /// Where uploaded files are kept.
    pub files_dir: PathBuf,
    /// One permit per open WebSocket; the permit lives in the socket's task.
    pub sockets: Arc<Semaphore>,
    /// Delivery receipts from visitor sockets, written in batches.
    pub delivered: DeliveredSender,
    /// Wakes the webhook outbox worker when a change queued deliveries.
    pub outbox_wake: Notify,
    /// Failed dashboard sign-ins, for rate limiting.
    pub logins: LoginLimiter,
    /// Valid API keys seen within the last second.
    pub api_keys: ApiKeyCache,
    /// The SMTP client, when email is on (`LINKTOR_SMTP_URL`).
    pub mailer: Option<Arc<Mailer>>,
    /// Flips to `true` once shutdown starts; sockets close, workers drain.
    pub shutdown: watch::Receiver<bool>,
}

pub type SharedState = Arc<AppState>;
