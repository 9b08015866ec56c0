//! The Linktor WebChat server: HTTP and WebSocket front ends over the shared
//! conversation operations, storage, the event bus and the webhook outbox.

pub mod agent_ws;
pub mod bus;
pub mod chat;
pub mod config;
pub mod error;
pub mod http;
pub mod manage;
pub mod metrics;
pub mod outbox;
pub mod passwords;
pub mod receipts;
pub mod server;
pub mod state;
pub mod tokens;
pub mod writer;
pub mod ws;
