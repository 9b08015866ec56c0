//! `POST /v1/messages`: the spec's `client.messages.send`.

use linktor_core::{api::SendMessageRequest, Message};

use crate::{http::Call, Error, Linktor};

/// Sending messages to visitors; from [`Linktor::messages`].
#[derive(Clone, Copy, Debug)]
pub struct Messages<'a> {
    pub(crate) client: &'a Linktor,
}

impl Messages<'_> {
    /// Sends `content` (text, buttons, a card, an image or a file) to the
    /// visitor `to` on the channel; returns the message as stored (`id`,
    /// `conversationId`, `seq`…). It goes to the visitor's open conversation,
    /// opened if there is none, and to every socket of that visitor.
    ///
    /// Sent with a random `Idempotency-Key`, shared by its retries: a retry
    /// after a timeout or a 5xx is stored once. [`Messages::send_with_key`]
    /// takes your own key (say an order id) to make repeats across calls safe.
    ///
    /// ```no_run
    /// use linktor_sdk::prelude::*;
    ///
    /// # async fn run(client: Linktor) -> Result<(), linktor_sdk::Error> {
    /// let message = client
    ///     .messages()
    ///     .send(SendMessageRequest {
    ///         channel_id: "ch_webchat_123".parse()?,
    ///         to: "visitor_abc123".parse()?,
    ///         content: Content::text("Thanks for your patience!"),
    ///     })
    ///     .await?;
    /// println!("{} is #{} of {}", message.id, message.seq, message.conversation_id);
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, message: SendMessageRequest) -> Result<Message, Error> {
        self.send_with_key(message, crate::http::new_idempotency_key()).await
    }

    /// As [`Messages::send`], with your own `Idempotency-Key` (1–64 of
    /// `[A-Za-z0-9_-]`): a send repeated with the same key, even from another
    /// process, answers the message stored the first time.
    pub async fn send_with_key(&self, message: SendMessageRequest, key: impl Into<String>) -> Result<Message, Error> {
        self.client.execute(Call::post("/v1/messages".into()).json(&message)?.idempotency_key(key.into())).await
    }
}
