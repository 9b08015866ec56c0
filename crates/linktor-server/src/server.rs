//! Starting and stopping a node: open storage, connect the bus, spawn the
//! message writer, the webhook outbox and the email job, bootstrap a first
//! run, serve HTTP (and SMTP for replies by email),
//! and on shutdown close sockets, finish in-flight work and drain the outbox.

use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    net::TcpListener,
    sync::{watch, Notify, Semaphore},
    task::JoinHandle,
};

use crate::{
    bus::Bus,
    config::Config,
    jobs::{self, writer::MessageWriter},
    metrics::Metrics,
    services::{agents::create_agent, channels::{create_channel, DEMO_CHANNEL_SETTING}},
    smtp,
    state::AppState,
    tokens::TokenSigner,
};
use linktor_core::{api::CreateChannelRequest, AccountId};
use linktor_store::{AgentRole, Store};

const TOKEN_KEY_SETTING: &str = "visitor_token_key";

/// What a first run created, for the start-up message.
pub struct FirstRun {
    pub admin_email: String,
    pub admin_password: String,
}

/// Opens the database named by the configuration (creating the data directory for SQLite).
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| anyhow::anyhow!("cannot create data directory {}: {e}", config.data_dir.display()))?;
    Ok(Store::connect_with(&config.database_url, config.sqlite_full_sync)
        .await
        .map_err(|e| anyhow::anyhow!("database: {e}"))?
        .with_agent_presence(config.agent_presence)
        .with_email_delay(config.email.as_ref().map(|e| e.delay)))
}

/// The account commands act on by default: the first one, created on first run.
pub async fn default_account(store: &Store) -> anyhow::Result<AccountId> {
    match store.first_account().await? {
        Some(a) => Ok(a),
        None => Ok(store.create_account("My Company").await?),
    }
}

pub struct RunningServer {
    pub addr: SocketAddr,
    /// Where the SMTP listener for replies listens, when it does.
    pub smtp_addr: Option<SocketAddr>,
    pub state: Arc<AppState>,
    pub first_run: Option<FirstRun>,
    shutdown_tx: watch::Sender<bool>,
    /// Told after the sockets and HTTP have stopped.
    outbox_stop: watch::Sender<bool>,
    http: JoinHandle<std::io::Result<()>>,
    outbox: JoinHandle<()>,
}

pub async fn start(mut config: Config) -> anyhow::Result<RunningServer> {
    let listener = TcpListener::bind(config.listen).await.map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr()?;
    if config.listen.port() == 0 && config.public_url == format!("http://{}", config.listen) {
        config.public_url = format!("http://{addr}");
    }
    let (store, born) = open_store(&config).await?.with_delivery_handoff(jobs::outbox::lease(&config));
    let bus = match &config.nats_url {
        Some(url) => Bus::nats(url).await?,
        None => Bus::in_process(),
    };
    let metrics = Arc::new(Metrics::new());
    let writer = MessageWriter::spawn(store.clone(), metrics.clone())?;
    let tokens = TokenSigner::new(&store.server_secret(TOKEN_KEY_SETTING).await?);
    let first_run = bootstrap(&store, &config).await?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let (outbox_stop, outbox_stop_rx) = watch::channel(false);
    let (delivered, delivered_rx) = jobs::receipts::channel();
    let mailer = config.email.as_ref().map(jobs::mailer::Mailer::new).transpose()?.map(Arc::new);
    let state = Arc::new(AppState {
        files_dir: config.data_dir.join("files"),
        sockets: Arc::new(Semaphore::new(config.max_connections)),
        config,
        store,
        bus,
        writer,
        metrics,
        tokens,
        outbox_wake: Notify::new(),
        delivered,
        logins: Default::default(),
        api_keys: Default::default(),
        mailer,
        shutdown: shutdown_rx,
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(30))
        .build()?;
    let outbox = tokio::spawn(jobs::outbox::run(state.clone(), client, born, outbox_stop_rx));
    tokio::spawn(jobs::retention::run(state.clone()));
    tokio::spawn(jobs::presence::run(state.clone()));
    tokio::spawn(jobs::receipts::run(state.store.clone(), state.bus.clone(), delivered_rx));
    if state.mailer.is_some() {
        let st = state.clone();
        tokio::spawn(jobs::email::run(state.clone(), move |due| {
            let st = st.clone();
            async move { st.email_due(due).await }
        }));
    }
    let smtp_addr = match state.config.smtp_listen {
        Some(addr) => Some(smtp::listen(state.clone(), addr).await?.0),
        None => None,
    };
    let app = crate::http::router(state.clone());
    let mut stop = shutdown_tx.subscribe();
    let http = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
    });
    Ok(RunningServer { addr, smtp_addr, state, first_run, shutdown_tx, outbox_stop, http, outbox })
}

impl RunningServer {
    /// Stops accepting, closes every socket (1001), waits for them, then for
    /// the outbox to deliver what this node holds; deliveries due later
    /// stay queued in storage.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.shutdown_tx.send(true);
        let max = self.state.config.max_connections as u32;
        let drained = tokio::time::timeout(Duration::from_secs(10), self.state.sockets.acquire_many(max)).await;
        if drained.is_err() {
            tracing::warn!("some sockets did not close within 10 s");
        }
        let _ = tokio::time::timeout(Duration::from_secs(15), self.http).await;
        let _ = self.outbox_stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(15), self.outbox).await;
        self.state.store.close().await;
        Ok(())
    }
}

/// First run: an account, a demo channel for `/demo`, and an admin.
async fn bootstrap(store: &Store, config: &Config) -> anyhow::Result<Option<FirstRun>> {
    let account = default_account(store).await?;
    if store.setting(DEMO_CHANNEL_SETTING).await?.is_none() {
        let host = url::Url::parse(&config.public_url)?.host_str().unwrap_or("localhost").to_owned();
        let mut domains = vec![host, "localhost".to_owned(), "127.0.0.1".to_owned()];
        domains.dedup();
        // The demo is for chatting at once: with nobody online the visitor still
        // writes (seeing the offline notice) instead of getting the offline form.
        let mut settings = linktor_core::channel::ChannelSettings::default();
        settings.offline.enabled = false;
        let req = CreateChannelRequest { name: "Demo".into(), allowed_domains: domains, default_language: None, settings: Some(settings) };
        let channel = create_channel(store, &account, req).await.map_err(|e| anyhow::anyhow!("demo channel: {e}"))?;
        store.set_setting(DEMO_CHANNEL_SETTING, channel.channel.id.as_str()).await?;
    }
    if store.agent_by_email("admin@localhost").await?.is_some() || store.setting("admin_created").await?.is_some() {
        return Ok(None);
    }
    let password = linktor_core::random_token(16);
    create_agent(store, &account, "admin@localhost", "Admin", AgentRole::Admin, &password)
        .await
        .map_err(|e| anyhow::anyhow!("first admin: {e}"))?;
    store.set_setting("admin_created", "1").await?;
    Ok(Some(FirstRun { admin_email: "admin@localhost".into(), admin_password: password }))
}
