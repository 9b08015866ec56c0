//! The Linktor WebChat server. Imports run downwards only:
//!
//! - `server`: starting and stopping a node (wiring everything below);
//! - `http`: the REST API, the widget's endpoints and the socket upgrades,
//!   thin handlers by resource; `realtime`: the visitor and agent sockets;
//!   `smtp`: the SMTP listener that takes visitors' replies by email;
//! - `services`: the product's rules, called by handlers and sockets alike;
//! - `jobs`: the message writer, webhook outbox, receipts, presence, retention, email;
//! - `access` (request checks), `bus`, `state`, `error`, `config`, `tokens`,
//!   `passwords`, `metrics`: what the layers above share.

pub mod access;
pub mod bus;
pub mod config;
pub mod error;
pub mod http;
pub mod jobs;
pub mod metrics;
pub mod passwords;
pub mod realtime;
pub mod server;
pub mod services;
pub mod smtp;
pub mod state;
pub mod tokens;
