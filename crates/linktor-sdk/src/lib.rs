//! The Rust client of the [Linktor WebChat](https://github.com/linktor/webchat)
//! REST API, for your backend: send messages to website visitors, show
//! typing, read conversations and visitors, manage channels, webhooks and API
//! keys, and verify the webhook deliveries you receive. The same surface as
//! the JavaScript `@linktor/sdk`, typed with the server's own types
//! (linktor-core, re-exported here: this crate is the only dependency you need).
//!
//! # Send messages from your backend
//!
//! ```no_run
//! use linktor_sdk::prelude::*;
//!
//! # async fn run() -> Result<(), linktor_sdk::Error> {
//! let client = Linktor::new("YOUR_API_KEY");
//!
//! // Send message to a visitor
//! client
//!     .messages()
//!     .send(SendMessageRequest {
//!         channel_id: "ch_webchat_123".parse()?,
//!         to: "visitor_abc123".parse()?, // Visitor ID from session
//!         content: Content::text("Thanks for your patience! Here is the information you requested."),
//!     })
//!     .await?;
//!
//! // Send rich message with buttons
//! client
//!     .messages()
//!     .send(SendMessageRequest {
//!         channel_id: "ch_webchat_123".parse()?,
//!         to: "visitor_abc123".parse()?,
//!         content: Content::interactive(
//!             "How would you rate your experience?",
//!             [
//!                 Button::new("rating_great", "Great!"),
//!                 Button::new("rating_good", "Good"),
//!                 Button::new("rating_poor", "Could be better"),
//!             ],
//!         ),
//!     })
//!     .await?;
//!
//! // Send a card with image
//! client
//!     .messages()
//!     .send(SendMessageRequest {
//!         channel_id: "ch_webchat_123".parse()?,
//!         to: "visitor_abc123".parse()?,
//!         content: Content::card(
//!             Card::new("iPhone 15 Pro")
//!                 .with_subtitle("$999 - Free shipping")
//!                 .with_image_url("https://example.com/iphone.jpg")
//!                 .with_button(Button::link("view", "View Details", "https://example.com/products/iphone-15"))
//!                 .with_button(Button::new("buy", "Add to Cart")),
//!         ),
//!     })
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! The constructors only fill in the wire types, so the enum can be written
//! out too: `Content::Text { text: "Hello!".into() }` is `Content::text("Hello!")`.
//! Content can also be an image ([`Content::image`](ContentExt::image)) or a
//! file ([`Content::file`](ContentExt::file)).
//!
//! Self-hosting? Pass your server:
//! `Linktor::builder(api_key).base_url("https://chat.example.com").build()?`
//! (the default is the cloud, [`DEFAULT_BASE_URL`]).
//!
//! # Typing indicators
//!
//! ```no_run
//! # async fn run(client: linktor_sdk::Linktor) -> Result<(), linktor_sdk::Error> {
//! // Show typing indicator
//! client.webchat().typing().start("ch_webchat_123", "conv_abc123").await?;
//!
//! // Stop typing indicator
//! client.webchat().typing().stop("ch_webchat_123", "conv_abc123").await?;
//! # Ok(()) }
//! ```
//!
//! # Resources
//!
//! | | |
//! |---|---|
//! | [`client.messages().send(req)`](messages::Messages::send) | `POST /v1/messages`, returns the stored [`Message`] |
//! | [`client.webchat().typing().start(channel, conversation)`](webchat::Typing) / `.stop(…)` | |
//! | [`client.conversations()`](conversations::Conversations) | `list(&ListConversations)` (a [`Page`](api::Page), `list_all` streams every page), `get`, `messages`, `resolve`, `reopen`, `read` |
//! | [`client.visitors()`](visitors::Visitors) | `list`, `list_all`, `get` |
//! | [`client.channels()`](channels::Channels) | `list`, `create`, `get`, `update`, `delete`, `identity_secret`, `rotate_identity_secret` |
//! | [`client.webhooks()`](webhooks::Webhooks) | `list`, `create` (returns the signing secret, once), `delete`, `deliveries`, `resend` |
//! | [`client.api_keys()`](api_keys::ApiKeys) | `list`, `create` (returns the key, once), `revoke` |
//!
//! Methods that take an id take the typed id ([`ChannelId`], [`ConversationId`]…),
//! a reference to it, or its text, checked before anything is sent ([`IntoId`]).
//!
//! # Webhooks
//!
//! Verify a delivery with the **raw** body, as received:
//!
//! ```
//! use linktor_sdk::webhooks::{self, WebhookEvent};
//!
//! fn on_delivery(signature_header: &str, raw_body: &[u8]) -> Result<(), linktor_sdk::Error> {
//!     let event = webhooks::verify("YOUR_WEBHOOK_SECRET", signature_header, raw_body, webhooks::DEFAULT_TOLERANCE)?;
//!     if let WebhookEvent::MessageReceived(message) = event {
//!         println!("{} wrote {:?}", message.from, message.content);
//!     }
//!     Ok(())
//! }
//! # assert!(on_delivery("t=1,v1=00", b"{}").is_err());
//! ```
//!
//! # Errors, retries, timeouts
//!
//! A failed call returns an [`Error`]: [`Error::Api`] with the HTTP `status`
//! and the API's `code` and `message` (`not_found`, `forbidden`,
//! `validation_failed`, `unauthorized`, `rate_limited`…), [`Error::Timeout`],
//! [`Error::Transport`], or [`Error::InvalidInput`] for an argument refused
//! before sending.
//!
//! Calls are retried ([`LinktorBuilder::max_retries`], default 2) with
//! exponential backoff and jitter, never sooner than the server's
//! `Retry-After`: on 429 and 503 always, and on other 5xx, timeouts and
//! transport failures only when repeating cannot act twice (every call but
//! `messages().send`, `channels().create`, `webhooks().create`,
//! `webhooks().resend` and `api_keys().create`). Each attempt is cut off after
//! [`LinktorBuilder::timeout`] (default 30 s); [`Linktor::with_timeout`] and
//! [`Linktor::with_max_retries`] change them for some calls only. Dropping a
//! call's future cancels it.

#![warn(missing_docs)]

pub mod api_keys;
pub mod channels;
mod client;
pub mod content;
pub mod conversations;
mod error;
mod http;
mod ids;
pub mod messages;
pub mod visitors;
pub mod webchat;
pub mod webhooks;

pub use client::{Linktor, LinktorBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
pub use content::{ButtonExt, CardExt, Content, ContentExt};
pub use error::Error;
pub use ids::IntoId;
/// The HTTP status type of [`Error::Api`] (from `reqwest`).
pub use reqwest::StatusCode;

/// linktor-core, the server's own types, in full.
pub use linktor_core;
/// Request and answer bodies of the REST API (linktor-core's `api`).
pub use linktor_core::api;
/// Channel and widget settings (linktor-core's `channel`).
pub use linktor_core::channel;
/// The visitor protocol: messages, senders and the widget's WebSocket frames (linktor-core's `protocol`).
pub use linktor_core::protocol;
pub use linktor_core::{
    api::SendMessageRequest, AgentId, ApiKeyId, ChannelId, ConversationId, ConversationStatus, DeliveryId, Direction,
    FileId, Message, MessageId, MessageStatus, Sender, SenderType, ValidationError, VisitorId, WebhookId,
};

/// Everything the examples use: `use linktor_sdk::prelude::*;`.
pub mod prelude {
    pub use crate::content::{Button, ButtonExt, Card, CardExt, Content, ContentExt};
    pub use crate::{api::SendMessageRequest, Error, Linktor};
}
