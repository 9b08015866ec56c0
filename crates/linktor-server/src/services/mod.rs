//! The product's rules, one home each: what the HTTP handlers and the
//! sockets both call. A service checks its input, stores, then announces on
//! the bus (with webhooks written in the same transaction as the change);
//! it knows nothing of HTTP or of sockets.

pub mod activity;
pub mod agents;
pub mod channels;
pub mod conversations;
pub mod email;
pub mod files;
pub mod forms;
pub mod integrations;
pub mod labels;
pub mod messages;
pub mod sessions;

pub use messages::{VisitorCache, VisitorCtx, VisitorMessage};
