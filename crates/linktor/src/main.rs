//! `linktor`: runs the server (`linktor serve`) and the admin commands that
//! scripts and a first run need. Each command prints one JSON object on
//! stdout, reads the same settings as the server, and works while it runs.

use clap::{Parser, Subcommand};

/// mimalloc: the server allocates and frees small objects on several threads
/// (frames, messages, requests, handed between the runtime and the message
/// writer); glibc's allocator spent a fifth of the runtime's time doing it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use linktor_core::{api::CreateChannelRequest, api::CreateWebhookRequest, AccountId};
use linktor_server::config::{ConfigArgs, LogFormat};
use linktor_store::AgentRole;
use serde_json::json;

#[derive(Parser)]
#[command(name = "linktor", version, about = "Linktor WebChat: self-hosted website live chat")]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    /// Account to act on (default: the first account, created on first run).
    #[arg(long, global = true)]
    account: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Accounts: separate companies on one server; nothing crosses between them.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Dashboard users.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Webchat channels.
    Channel {
        #[command(subcommand)]
        command: ChannelCommand,
    },
    /// API keys for the customer's backend.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Webhook endpoints.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Create an account; pass its id as --account to the other commands.
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin (or, with --role agent, an agent).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "Admin")]
        name: String,
        #[arg(long, default_value = "admin", value_parser = ["admin", "agent"])]
        role: String,
    },
}

#[derive(Subcommand)]
enum ChannelCommand {
    /// Create a webchat channel; prints it with its `id`.
    Create {
        #[arg(long)]
        name: String,
        /// Comma-separated: "example.com,*.example.com".
        #[arg(long)]
        allowed_domains: String,
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// List channels.
    List,
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create an API key; prints `{"key": …}` once.
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum WebhookCommand {
    /// Create a webhook endpoint; prints its `id` and signing `secret`.
    Create {
        #[arg(long)]
        url: String,
        /// Comma-separated event names (default: every event).
        #[arg(long)]
        events: Option<String>,
    },
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LINKTOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn print(value: serde_json::Value) {
    println!("{value}");
}

async fn account(store: &linktor_store::Store, named: &Option<String>) -> anyhow::Result<AccountId> {
    match named {
        Some(a) => {
            let id: AccountId = a.parse().map_err(|e| anyhow::anyhow!("--account: {e}"))?;
            if !store.account_exists(&id).await? {
                anyhow::bail!("--account: no account {id}");
            }
            Ok(id)
        }
        None => linktor_server::server::default_account(store).await,
    }
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config.resolve()?;
    init_logs(config.log_format);
    if let Command::Serve = cli.command {
        return serve(config).await;
    }
    if let Command::Openapi = cli.command {
        println!("{}", serde_json::to_string_pretty(&linktor_server::http::openapi())?);
        return Ok(());
    }
    let store = linktor_server::server::open_store(&config).await?;
    if let Command::Account { command: AccountCommand::Create { name } } = &cli.command {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 128 {
            anyhow::bail!("--name: 1–128 characters");
        }
        let id = store.create_account(name).await?;
        print(json!({ "id": id, "name": name }));
        return Ok(());
    }
    let account = account(&store, &cli.account).await?;
    use linktor_server::services::{agents::create_agent, channels::create_channel, integrations::{create_api_key, create_webhook}};
    match cli.command {
        Command::Serve | Command::Openapi | Command::Account { .. } => unreachable!("handled above"),
        Command::Migrate => print(json!({ "migrated": true })),
        Command::Admin { command: AdminCommand::Create { email, password, name, role } } => {
            let role = if role == "agent" { AgentRole::Agent } else { AgentRole::Admin };
            let agent = create_agent(&store, &account, &email, &name, role, &password).await?;
            print(serde_json::to_value(agent)?);
        }
        Command::Channel { command: ChannelCommand::Create { name, allowed_domains, language } } => {
            let req = CreateChannelRequest {
                name,
                allowed_domains: vec![allowed_domains],
                default_language: Some(language),
                settings: None,
            };
            let channel = create_channel(&store, &account, req).await?;
            print(serde_json::to_value(channel.channel)?);
        }
        Command::Channel { command: ChannelCommand::List } => {
            let channels: Vec<_> = store.list_channels(&account).await?.into_iter().map(|c| c.channel).collect();
            print(json!({ "data": channels }));
        }
        Command::ApiKey { command: ApiKeyCommand::Create { name } } => {
            print(serde_json::to_value(create_api_key(&store, &account, &name).await?)?);
        }
        Command::Webhook { command: WebhookCommand::Create { url, events } } => {
            let events = events.map(|e| e.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
            let rec = create_webhook(&store, &account, CreateWebhookRequest { url, events }).await?;
            print(json!({ "id": rec.endpoint.id, "url": rec.endpoint.url, "events": rec.endpoint.events, "secret": rec.secret }));
        }
    }
    store.close().await;
    Ok(())
}

async fn serve(config: linktor_server::config::Config) -> anyhow::Result<()> {
    let server = linktor_server::server::start(config).await?;
    let base = server.state.config.public_url.clone();
    tracing::info!(addr = %server.addr, "linktor listening");
    eprintln!("\nLinktor WebChat is running on {base}\n");
    eprintln!("  Demo page (chat as a visitor):  {base}/demo");
    eprintln!("  Dashboard (answer as an agent): {base}/app");
    match &server.first_run {
        Some(first) => eprintln!("  First admin login:              {}  password: {}  (shown once)", first.admin_email, first.admin_password),
        None => eprintln!("  Admin login:                    admin@localhost (password shown at first start; `linktor admin create` makes another)"),
    }
    if !linktor_server::http::assets::widget_built() {
        eprintln!("  Note: the widget is not built into this binary; `make run` builds it.");
    }
    eprintln!();
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
