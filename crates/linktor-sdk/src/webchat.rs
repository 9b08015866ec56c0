//! Calls only a webchat channel has: the typing indicator
//! (`POST /v1/webchat/typing/start` and `/stop`, the spec's `client.webchat.typing`).

use linktor_core::{api::TypingRequest, ChannelId, ConversationId};

use crate::{http::Call, Error, IntoId, Linktor};

/// The webchat calls; from [`Linktor::webchat`].
#[derive(Clone, Copy, Debug)]
pub struct WebChat<'a> {
    pub(crate) client: &'a Linktor,
}

impl<'a> WebChat<'a> {
    /// The typing indicator shown in the visitor's chat.
    pub fn typing(&self) -> Typing<'a> {
        Typing { client: self.client }
    }
}

/// The typing indicator; from [`WebChat::typing`].
///
/// ```no_run
/// # async fn run(client: linktor_sdk::Linktor) -> Result<(), linktor_sdk::Error> {
/// // Show typing indicator
/// client.webchat().typing().start("ch_webchat_123", "conv_abc123").await?;
///
/// // Stop typing indicator
/// client.webchat().typing().stop("ch_webchat_123", "conv_abc123").await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Typing<'a> {
    client: &'a Linktor,
}

impl Typing<'_> {
    /// Shows the business side typing in the visitor's chat (every open tab).
    pub async fn start(
        &self,
        channel_id: impl IntoId<ChannelId>,
        conversation_id: impl IntoId<ConversationId>,
    ) -> Result<(), Error> {
        self.send("/v1/webchat/typing/start", channel_id, conversation_id).await
    }

    /// Hides the typing indicator.
    pub async fn stop(
        &self,
        channel_id: impl IntoId<ChannelId>,
        conversation_id: impl IntoId<ConversationId>,
    ) -> Result<(), Error> {
        self.send("/v1/webchat/typing/stop", channel_id, conversation_id).await
    }

    async fn send(
        &self,
        path: &str,
        channel_id: impl IntoId<ChannelId>,
        conversation_id: impl IntoId<ConversationId>,
    ) -> Result<(), Error> {
        let body = TypingRequest { channel_id: channel_id.into_id()?, conversation_id: conversation_id.into_id()? };
        // Showing or hiding twice looks the same as once: safe to retry.
        self.client.execute(Call::post(path.into()).idempotent().json(&body)?).await
    }
}
